//! The account admin portal's JSON API (`/admin/api/…`), openglip's own: people of the
//! account, unassigned extensions, installed bots and authorized apps, the mail outbox.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person (or bot) of the account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminUser {
    pub id: String,
    pub extension_number: String,
    /// `User` or `Bot`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `Enabled`, `NotActivated`, `Disabled`.
    pub status: String,
    pub first_name: String,
    pub last_name: String,
    pub name: String,
    pub email: Option<String>,
    pub admin: bool,
    pub creation_time: String,
}

/// A person just added: without a password, the activation link also recorded in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminNewUser {
    #[serde(flatten)]
    pub user: AdminUser,
    pub activation_link: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AdminUserList {
    pub records: Vec<AdminUser>,
}

/// The Add User form as JSON (`POST /admin/api/users`, `POST /admin/api/unassigned/{number}`).
/// Without `password` the person gets an activation link.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct AdminUserRequest {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Empty: the next free number.
    pub extension_number: String,
    pub password: String,
    pub admin: bool,
}

/// `PATCH /admin/api/users/{extensionId}`: what changes (absent fields stay).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct AdminUserPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// A new password; enables a person who is not activated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// An extension number kept for someone added later.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminUnassignedExtension {
    pub extension_number: String,
    /// `Unassigned`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AdminUnassignedList {
    pub records: Vec<AdminUnassignedExtension>,
}

/// A bot added to the account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminInstalledBot {
    pub extension_id: String,
    pub name: String,
    pub client_id: String,
    pub app_name: String,
    pub creation_time: String,
}

/// An app people of the account authorized (it holds live tokens for them).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminAuthorizedApp {
    pub client_id: String,
    pub name: String,
    pub users: i64,
    pub last_authorized_time: String,
}

/// `GET /admin/api/apps`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AdminAccountApps {
    pub bots: Vec<AdminInstalledBot>,
    pub apps: Vec<AdminAuthorizedApp>,
}

/// `DELETE /admin/api/apps/{clientId}`: how many tokens were revoked.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminRevokedTokens {
    pub revoked_tokens: u64,
}

/// A message this server would have e-mailed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminMail {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub creation_time: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AdminMailList {
    pub records: Vec<AdminMail>,
}

/// One event of the company's audit log, as the admin portal exports it
/// (`GET /admin/audit/export?format=json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminAuditEvent {
    pub id: String,
    /// RFC 3339, UTC.
    pub time: String,
    /// `sign_in`, `sign_in_failed`, `token_granted`, `token_revoked`, `app_created`,
    /// `secret_rotated`, `secret_revealed`, `user_added`, `user_disabled`, `bot_installed`, …
    pub event: String,
    /// Who did it (an extension id); absent for the operator's commands and unknown logins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// The app involved (its client id is usually the target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The client's address, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub detail: String,
}

/// The exported audit log, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AdminAuditLog {
    pub records: Vec<AdminAuditEvent>,
}
