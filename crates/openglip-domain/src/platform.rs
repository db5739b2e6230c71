//! The platform around the messaging API: sandbox and production environments, the developer
//! console's apps (with their stage and details), web sessions, authorization codes, consents,
//! JWT credentials, API usage, bot installations, activation links and the local mail outbox.
//! `store::PlatformStore` is the part of the storage port that keeps them (reached through
//! `Store::platform()`).
//!
//! Like the rest of the domain this does no I/O: secrets arrive already hashed, times come from
//! the callers or the store.

use crate::ids::*;
use crate::model::*;
use crate::perm::{GrantSet, PermissionSet};
use crate::time::Timestamp;

/// RingCentral runs two environments: apps are built and tested against sandbox accounts and
/// admitted to production accounts once they graduate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    Sandbox,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "Sandbox",
            Environment::Production => "Production",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Sandbox" => Some(Environment::Sandbox),
            "Production" => Some(Environment::Production),
            _ => None,
        }
    }
}

/// What the developer console knows about an app beyond its OAuth registration. Apps registered
/// by `openglip admin app create` have none: they read as [`AppDetails::provisioned`].
#[derive(Debug, Clone, PartialEq)]
pub struct AppDetails {
    /// The extension that created the app in the console.
    pub developer_id: Option<ExtensionId>,
    pub description: String,
    pub contact_email: String,
    /// `Sandbox` until the app graduates; `Production` apps may also be used by production
    /// accounts.
    pub stage: Environment,
    /// Bot apps: installable by any account through the authorization flow (a public bot), or
    /// only into the developer's own accounts (a private bot).
    pub public_bot: bool,
    pub created: Timestamp,
}

impl AppDetails {
    /// The details of an app provisioned by an operator: admitted to production.
    pub fn provisioned(created: Timestamp) -> Self {
        AppDetails {
            developer_id: None,
            description: String::new(),
            contact_email: String::new(),
            stage: Environment::Production,
            public_bot: false,
            created,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppRecord {
    pub app: App,
    pub details: AppDetails,
}

/// Changes to an app's settings; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct AppUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub contact_email: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub grants: Option<GrantSet>,
    pub permissions: Option<PermissionSet>,
    pub access_ttl_secs: Option<i64>,
    pub refresh_ttl_secs: Option<i64>,
    pub public_bot: Option<bool>,
}

/// Which part of the web UI a session signs in to. Sign-in pages of the authorization flow and
/// the account admin portal share the `Account` session (RingCentral's single sign-on); the
/// developer console keeps its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionRealm {
    Account,
    Console,
}

impl SessionRealm {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionRealm::Account => "account",
            SessionRealm::Console => "console",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "account" => Some(SessionRealm::Account),
            "console" => Some(SessionRealm::Console),
            _ => None,
        }
    }
}

/// Failed password checks counted under one key (a person, a login nobody has, a client
/// address) since the start of its window.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordFailures {
    pub key: String,
    pub count: u32,
    pub since: Timestamp,
}

/// A signed-in browser. Only the SHA-256 of the session id (the cookie's value) is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct WebSession {
    pub id_hash: [u8; 32],
    pub realm: SessionRealm,
    pub extension_id: ExtensionId,
    pub created: Timestamp,
    pub expires: Timestamp,
}

/// An authorization code (stored hashed), bound to its client, redirect URI and PKCE challenge.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthCode {
    pub code_hash: [u8; 32],
    pub app_id: AppId,
    pub extension_id: ExtensionId,
    pub account_id: AccountId,
    /// The redirect URI the code was sent to; the exchange must name the same one.
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    /// `plain` or `S256`.
    pub challenge_method: Option<String>,
    pub scope: PermissionSet,
    /// The token family every token obtained with this code (and refreshed from it) joins; a
    /// second use of the code revokes the family.
    pub family: String,
    pub created: Timestamp,
    pub expires: Timestamp,
}

/// The result of presenting an authorization code.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeRedemption {
    /// First use: the code is spent now.
    Redeemed(AuthCode),
    /// Used before: the tokens obtained with it have been revoked.
    Reused,
    Unknown,
}

/// A JWT credential a person created in the console: presented to the token endpoint with the
/// JWT bearer grant, it signs that person in. Only the SHA-256 of the JWT is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct JwtCredential {
    pub id: i64,
    pub owner: ExtensionId,
    pub label: String,
    pub hash: [u8; 32],
    /// Client ids the JWT may be used with; None: any app.
    pub client_ids: Option<Vec<String>>,
    pub created: Timestamp,
    pub expires: Option<Timestamp>,
    pub revoked: bool,
}

/// API calls of an app in one throttling group, to add to its usage.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageDelta {
    pub app_id: AppId,
    pub group: String,
    pub calls: u64,
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsageRow {
    pub group: String,
    pub calls: i64,
    pub errors: i64,
    pub last_call: Timestamp,
}

/// A bot app installed into an account, with its bot extension.
#[derive(Debug, Clone, PartialEq)]
pub struct BotInstall {
    pub app: App,
    pub account_id: AccountId,
    pub extension: Extension,
    pub installed_by: ExtensionId,
    pub created: Timestamp,
}

/// An app people of an account have authorized (it holds live tokens for them).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizedApp {
    pub app: App,
    pub users: i64,
    pub last_authorized: Timestamp,
}

/// Changes to an extension; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct ExtensionPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Validated and lower-cased.
    pub email: Option<String>,
    pub status: Option<ExtensionStatus>,
    pub is_admin: Option<bool>,
    /// An Argon2 PHC string.
    pub password_hash: Option<String>,
    /// An IANA time zone name, checked by the caller.
    pub time_zone: Option<String>,
    /// Language ids of `crate::regional`, checked by the caller.
    pub language: Option<String>,
    pub formatting_locale: Option<String>,
}

/// A message the server would have e-mailed (activation links); kept in a local outbox that
/// administrators read.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub id: i64,
    pub account_id: AccountId,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created: Timestamp,
}
