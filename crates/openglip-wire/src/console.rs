//! The developer console's JSON API (`/console/api/…`), openglip's own (RingCentral's console
//! has no public API), and the web sessions both the console's and the admin portal's APIs
//! sign in with. Ids are strings, times RFC 3339, as in the rest of the API.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /console/api/session` and `POST /admin/api/session` (also accepted as a form).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebSessionRequest {
    /// An email address, a phone number with `extension`, or `number*extension`.
    pub login: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    pub password: String,
}

/// A web session: send `token` as `Authorization: Bearer` to the console's or the admin
/// portal's API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebSessionInfo {
    pub token: String,
    /// Seconds.
    pub expires_in: i64,
    pub extension_id: String,
    pub account_id: String,
    pub name: String,
}

/// An app registered in the console.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleApp {
    pub client_id: String,
    pub name: String,
    /// `RestApi` or `Bot`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `ServerSide` (with a client secret) or `ClientSide` (PKCE, no secret).
    pub client_type: String,
    pub description: String,
    pub contact_email: String,
    /// `Sandbox` or `Production`.
    pub environment: String,
    pub public_bot: bool,
    /// OAuth grant type names (`authorization_code`, `refresh_token`, `password`, the JWT bearer
    /// grant's URN).
    pub grants: Vec<String>,
    pub permissions: Vec<String>,
    pub redirect_uris: Vec<String>,
    /// Seconds; `null` when the app's token never expires (a bot's permanent token).
    pub access_token_ttl: Option<i64>,
    /// Seconds.
    pub refresh_token_ttl: i64,
    /// The app's token never expires (a bot).
    pub permanent_token: bool,
    pub creation_time: String,
}

/// `POST /console/api/apps`: the app, its client secret (shown once; `null` for client-side
/// apps) and the developer's sandbox account, if there is one yet.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleNewApp {
    #[serde(flatten)]
    pub app: ConsoleApp,
    pub client_secret: Option<String>,
    pub sandbox_account_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ConsoleAppList {
    pub records: Vec<ConsoleApp>,
}

/// The Create App form as JSON. Absent fields take the form's defaults: a server-side REST
/// API app with the authorization code and refresh token grants.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsoleAppRequest {
    /// `RestApi` (default) or `Bot`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub name: String,
    pub description: String,
    pub contact_email: String,
    /// `ServerSide` (default) or `ClientSide`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_type: Option<String>,
    pub grants: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub permissions: Vec<String>,
    pub public_bot: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_ttl: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_ttl: Option<i64>,
}

/// A client secret just issued (the previous one stopped working).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleClientSecret {
    pub client_id: String,
    pub client_secret: String,
}

/// API calls of an app in one throttling group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleUsageRecord {
    pub group: String,
    pub calls: i64,
    pub errors: i64,
    pub last_call_time: String,
}

/// One requirement of the production graduation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct GraduationRequirement {
    pub requirement: String,
    pub met: bool,
}

/// `GET /console/api/apps/{clientId}/usage`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ConsoleAppUsage {
    pub records: Vec<ConsoleUsageRecord>,
    pub environment: String,
    pub requirements: Vec<GraduationRequirement>,
}

/// `POST /console/api/apps/{clientId}/production`: 200 when admitted, 409 when not yet.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ConsoleProductionDecision {
    pub environment: String,
    pub admitted: bool,
    pub requirements: Vec<GraduationRequirement>,
}

/// `POST /console/api/apps/{clientId}/install`: the bot extension and whether its token
/// reached the bot's redirect URI.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleBotInstall {
    pub extension_id: String,
    pub account_id: String,
    pub token_delivered: bool,
    pub delivery_error: Option<String>,
}

/// The developer's sandbox account (the administrator is extension 101).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleSandbox {
    pub account_id: String,
    pub name: String,
    pub main_number: String,
    /// Only when it was just created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_extension_id: Option<String>,
    pub admin_extension_number: String,
}

/// `POST /console/api/sandbox`: the password of its administrator (you).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(default)]
pub struct ConsoleSandboxRequest {
    pub password: String,
}

/// A JWT credential (the JWT itself only in the answer that created it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleJwt {
    pub id: String,
    pub label: String,
    pub owner_id: String,
    /// `null`: any app.
    pub client_ids: Option<Vec<String>>,
    pub creation_time: String,
    pub expiration_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ConsoleJwtList {
    pub records: Vec<ConsoleJwt>,
}

/// `POST /console/api/jwt`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsoleJwtRequest {
    pub label: String,
    /// Whom the JWT signs in: you (default) or your sandbox's administrator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Only these apps may use it; absent: any app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
}

/// A notification a WebHook of the app's subscriptions did not accept within its retry budget
/// (`GET /console/api/apps/{clientId}/undeliverable`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleUndeliverable {
    pub id: String,
    pub subscription_id: String,
    /// When it was given up on (ISO 8601).
    pub failed_at: String,
    /// The last failure, in words.
    pub reason: String,
    /// The notification as it was posted: its JSON text, or the encrypted form.
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ConsoleUndeliverableList {
    pub records: Vec<ConsoleUndeliverable>,
}
