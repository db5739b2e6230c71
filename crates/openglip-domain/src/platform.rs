//! The platform around the messaging API: sandbox and production environments, the developer
//! console's apps (with their stage and details), web sessions, authorization codes, consents,
//! JWT credentials, API usage, bot installations, activation links and the local mail outbox —
//! and [`PlatformStore`], the part of the storage port that keeps them (reached through
//! `Store::platform()`).
//!
//! Like the rest of the domain this does no I/O: secrets arrive already hashed, times come from
//! the callers or the store.

use crate::ids::*;
use crate::model::*;
use crate::perm::{GrantSet, PermissionSet};
use crate::store::{BoxFuture, NewApp, NewExtension};
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

/// The platform part of the storage port. Same contract as `Store`: each call atomic and durable
/// when it returns; the store assigns ids and timestamps.
pub trait PlatformStore: Send + Sync {
    // ---- accounts, extensions ----

    fn account_environment(&self, account: AccountId) -> BoxFuture<'_, Environment>;
    /// Creates a sandbox account (like `Store::create_account`) owned by a developer.
    fn create_sandbox_account(
        &self,
        developer: ExtensionId,
        name: String,
        admin: NewExtension,
    ) -> BoxFuture<'_, (Account, Extension)>;
    /// The sandbox account a developer owns.
    fn sandbox_of(&self, developer: ExtensionId) -> BoxFuture<'_, Option<Account>>;
    /// Extensions of an account (not removed ones), by extension number; `search` matches names,
    /// e-mail and number.
    fn account_extensions(
        &self,
        account: AccountId,
        search: Option<String>,
    ) -> BoxFuture<'_, Vec<Extension>>;
    /// Applies a patch and records `ExtensionUpdated`. `NotFound(Extension)`,
    /// `InvalidParameter("email")` when the e-mail is taken.
    fn update_extension(&self, id: ExtensionId, patch: ExtensionPatch) -> BoxFuture<'_, Extension>;
    /// Stores a profile image and points the extension's avatar at `uri`; records
    /// `ExtensionUpdated`.
    fn set_profile_image(
        &self,
        id: ExtensionId,
        content_type: String,
        bytes: Vec<u8>,
        uri: String,
    ) -> BoxFuture<'_, Extension>;
    /// (content type, bytes).
    fn profile_image(&self, id: ExtensionId) -> BoxFuture<'_, Option<(String, Vec<u8>)>>;

    /// Reserves the next free extension number of the account (no extension has it and none
    /// is reserved) as an unassigned extension, and returns it.
    fn reserve_extension(&self, account: AccountId) -> BoxFuture<'_, String>;
    /// The next number an extension of the account would get (skipping reserved ones).
    fn next_extension_number(&self, account: AccountId) -> BoxFuture<'_, String>;
    /// Unassigned extension numbers of the account (numbers an extension took meanwhile are
    /// dropped), with when they were added.
    fn unassigned_extensions(&self, account: AccountId) -> BoxFuture<'_, Vec<(String, Timestamp)>>;
    /// Forgets a reservation (after assigning it, or to delete it).
    fn release_extension(&self, account: AccountId, number: String) -> BoxFuture<'_, bool>;

    // ---- activation links and the mail outbox ----

    /// Records an activation link (hashed) for a `NotActivated` extension and the mail that
    /// carries it.
    fn create_activation(
        &self,
        extension: ExtensionId,
        hash: [u8; 32],
        expires: Timestamp,
        to: String,
        subject: String,
        body: String,
    ) -> BoxFuture<'_, ()>;
    /// The extension a live (unused, unexpired) activation link belongs to.
    fn activation(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<Extension>>;
    /// Spends the link, sets the password and enables the extension.
    fn redeem_activation(
        &self,
        hash: [u8; 32],
        password_hash: String,
    ) -> BoxFuture<'_, Option<Extension>>;
    /// Newest first.
    fn outbox(&self, account: AccountId, limit: usize) -> BoxFuture<'_, Vec<Mail>>;

    // ---- apps ----

    /// Registers an app with its console details, atomically.
    fn register_app(&self, new: NewApp, details: AppDetails) -> BoxFuture<'_, AppRecord>;
    fn app_record(&self, client_id: String) -> BoxFuture<'_, Option<AppRecord>>;
    fn app_record_by_id(&self, id: AppId) -> BoxFuture<'_, Option<AppRecord>>;
    /// A developer's apps, newest first.
    fn apps_of_developer(&self, developer: ExtensionId) -> BoxFuture<'_, Vec<AppRecord>>;
    fn update_app(&self, id: AppId, update: AppUpdate) -> BoxFuture<'_, AppRecord>;
    /// Replaces the client secret's hash.
    fn set_client_secret(&self, id: AppId, hash: String) -> BoxFuture<'_, ()>;
    fn set_app_stage(&self, id: AppId, stage: Environment) -> BoxFuture<'_, ()>;

    // ---- usage ----

    fn add_usage(&self, deltas: Vec<UsageDelta>) -> BoxFuture<'_, ()>;
    fn usage(&self, app: AppId) -> BoxFuture<'_, Vec<UsageRow>>;

    // ---- web sessions ----

    fn create_session(&self, session: WebSession) -> BoxFuture<'_, ()>;
    /// A live session and its extension.
    fn session(
        &self,
        id_hash: [u8; 32],
        now: Timestamp,
    ) -> BoxFuture<'_, Option<(WebSession, Extension)>>;
    fn delete_session(&self, id_hash: [u8; 32]) -> BoxFuture<'_, ()>;

    // ---- authorization codes and consents ----

    fn insert_code(&self, code: AuthCode) -> BoxFuture<'_, ()>;
    /// Spends a code atomically. A code presented again revokes every token of its family.
    fn redeem_code(&self, hash: [u8; 32]) -> BoxFuture<'_, CodeRedemption>;
    fn grant_consent(
        &self,
        app: AppId,
        extension: ExtensionId,
        scope: PermissionSet,
    ) -> BoxFuture<'_, ()>;
    fn consent(&self, app: AppId, extension: ExtensionId) -> BoxFuture<'_, Option<PermissionSet>>;

    // ---- JWT credentials ----

    fn create_jwt(&self, jwt: JwtCredential) -> BoxFuture<'_, JwtCredential>;
    fn jwt_by_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<JwtCredential>>;
    fn jwts_of(&self, owner: ExtensionId) -> BoxFuture<'_, Vec<JwtCredential>>;
    /// Returns whether the owner had it.
    fn revoke_jwt(&self, owner: ExtensionId, id: i64) -> BoxFuture<'_, bool>;

    // ---- installed apps and bots ----

    /// Creates the bot extension (Personal chat, Everyone team, `GroupJoined` events) and
    /// records the installation.
    fn install_bot(
        &self,
        app: AppId,
        account: AccountId,
        installed_by: ExtensionId,
        bot: NewExtension,
    ) -> BoxFuture<'_, BotInstall>;
    fn bot_installs(&self, account: AccountId) -> BoxFuture<'_, Vec<BotInstall>>;
    /// Uninstalls: the bot extension is removed (status `Removed`, out of every chat), its
    /// tokens revoked, and `ExtensionDeleted` recorded. Returns the installation, if it existed.
    fn remove_bot(
        &self,
        account: AccountId,
        extension: ExtensionId,
    ) -> BoxFuture<'_, Option<BotInstall>>;
    /// REST apps holding live tokens of people of the account.
    fn authorized_apps(&self, account: AccountId) -> BoxFuture<'_, Vec<AuthorizedApp>>;
    /// Revokes every token (and consent) the app holds in the account. Returns how many tokens.
    fn revoke_app_in_account(&self, app: AppId, account: AccountId) -> BoxFuture<'_, u64>;
}
