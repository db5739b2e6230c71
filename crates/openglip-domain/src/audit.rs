//! The audit log: security and administration events, kept in the database.
//!
//! The platform records an event where it happens (a sign-in checked, a token issued or
//! revoked, an app or its secret made or shown, a person added, disabled or deleted, a bot
//! installed or removed, an app authorized in a company). Each event belongs to the company it
//! concerns, when there is one (a failed sign-in under a login nobody has belongs to none), and
//! names who did it (the actor), what it was done to (the target, in words such as a client id
//! or an extension id), the app, the client's address when known, and a short detail. The admin
//! portal shows a company's events, newest first, filtered; operators read them all.
//!
//! The store keeps events append-only, assigning the id and the time at commit; nothing in the
//! platform changes or deletes one.

use crate::ids::{AccountId, AppId, ExtensionId};
use crate::model::{Account, App, Extension, TokenRecord};
use crate::platform::{AppDetails, AppRecord, ExtensionPatch};
use crate::store::{BoxFuture, NewApp, NewExtension};
use crate::time::Timestamp;

macro_rules! audit_kinds {
    ($($(#[$doc:meta])* $name:ident = $text:literal,)*) => {
        /// What happened.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditKind {
            $($(#[$doc])* $name,)*
        }

        impl AuditKind {
            /// Every kind, in the order the portal lists them.
            pub const ALL: &'static [AuditKind] = &[$(AuditKind::$name,)*];

            /// The kind's stored and exported name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditKind::$name => $text,)*
                }
            }

            /// The kind named `s` (as [`AuditKind::as_str`] spells it).
            pub fn parse(s: &str) -> Option<AuditKind> {
                match s {
                    $($text => Some(AuditKind::$name),)*
                    _ => None,
                }
            }
        }
    };
}

audit_kinds! {
    /// A person signed in with a password (pages, JSON sessions).
    SignIn = "sign_in",
    /// A password check failed: wrong password, unknown login, throttled, or a person who may
    /// not sign in (not activated, disabled).
    SignInFailed = "sign_in_failed",
    /// The token endpoint issued a token pair (the detail names the grant).
    TokenGranted = "token_granted",
    /// A token pair was revoked (by its app, or a whole family after a reused code or refresh
    /// token).
    TokenRevoked = "token_revoked",
    /// A company was created (by the operator).
    AccountCreated = "account_created",
    /// An app was registered (console or operator).
    AppCreated = "app_created",
    /// An app's client secret was replaced by a new one.
    SecretRotated = "secret_rotated",
    /// An app's fresh client secret was shown again to its developer.
    SecretRevealed = "secret_revealed",
    /// A JWT credential was made.
    JwtCreated = "jwt_created",
    /// A JWT credential was revoked.
    JwtRevoked = "jwt_revoked",
    /// A person was added to a company.
    UserAdded = "user_added",
    /// A person was enabled again.
    UserEnabled = "user_enabled",
    /// A person was disabled (their tokens and sessions stop working).
    UserDisabled = "user_disabled",
    /// A person was deleted.
    UserDeleted = "user_deleted",
    /// A person was made an administrator, or stopped being one (the detail says which).
    AdminChanged = "admin_changed",
    /// A bot was created (by the operator).
    BotCreated = "bot_created",
    /// A bot app was installed into a company.
    BotInstalled = "bot_installed",
    /// A bot was removed from a company.
    BotRemoved = "bot_removed",
    /// A person authorized an app to act for them in the company (consent).
    IntegrationAdded = "integration_added",
    /// An administrator removed an authorized app from the company.
    IntegrationRemoved = "integration_removed",
}

/// An event to record; the store adds its id and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    pub kind: AuditKind,
    /// The company it concerns, if any.
    pub account_id: Option<AccountId>,
    /// Who did it (None: the operator's CLI, or someone not known, as a failed sign-in).
    pub actor_id: Option<ExtensionId>,
    /// The app involved, if any.
    pub app_id: Option<AppId>,
    /// What it was done to, in words (an extension id, a client id, a login as typed).
    pub target: Option<String>,
    /// The client's address, when the edge knows it.
    pub address: Option<String>,
    /// A short free text (the grant type, the reason of a failure).
    pub detail: String,
}

impl NewAuditEvent {
    /// An event of `kind` in `account` with nothing else said yet.
    pub fn new(kind: AuditKind, account_id: Option<AccountId>) -> Self {
        NewAuditEvent {
            kind,
            account_id,
            actor_id: None,
            app_id: None,
            target: None,
            address: None,
            detail: String::new(),
        }
    }
    pub fn actor(mut self, actor: ExtensionId) -> Self {
        self.actor_id = Some(actor);
        self
    }
    pub fn app(mut self, app: AppId) -> Self {
        self.app_id = Some(app);
        self
    }
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }
    pub fn address(mut self, address: Option<&str>) -> Self {
        self.address = address.map(str::to_string);
        self
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Increasing in commit order.
    pub id: i64,
    pub at: Timestamp,
    pub event: NewAuditEvent,
}

/// Which events to list: one company's (or, for the operator, all), newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// None: every company's and none's (the operator's view).
    pub account_id: Option<AccountId>,
    pub kinds: Vec<AuditKind>,
    pub actor_id: Option<ExtensionId>,
    /// Only events at or after this time.
    pub since: Option<Timestamp>,
    /// Only events before this time.
    pub until: Option<Timestamp>,
    /// Only events with a smaller id (the next page).
    pub before_id: Option<i64>,
    /// At most this many (the store caps it at [`MAX_AUDIT_PAGE`]).
    pub limit: usize,
}

/// The most events one listing returns.
pub const MAX_AUDIT_PAGE: usize = 10_000;

/// A change that the store makes together with the audit events that record it, in one
/// transaction ([`AuditStore::change_audited`]): either both are kept or neither. Each is the
/// change of the `Store` method of the same name.
#[derive(Debug, Clone)]
pub enum AuditedChange {
    /// `Store::create_account`: a company made with its administrator.
    CreateAccount { name: String, admin: NewExtension },
    /// `Store::create_extension`: a person added to a company.
    CreateExtension {
        account: AccountId,
        new: NewExtension,
    },
    /// `PlatformStore::update_extension`: a person enabled, disabled, made administrator…
    UpdateExtension {
        id: ExtensionId,
        patch: ExtensionPatch,
    },
    /// `Store::insert_token`: a token pair granted.
    InsertToken(TokenRecord),
    /// `Store::rotate_refresh`: a token pair granted for a refresh token (none when the refresh
    /// token was spent already: then its family is revoked).
    RotateRefresh { old: [u8; 32], new: TokenRecord },
    /// `Store::revoke_token`: a token pair revoked.
    RevokeToken([u8; 32]),
    /// `Store::create_app`: an app registered.
    CreateApp(NewApp),
    /// `PlatformStore::register_app`: an app registered through the console, with its details.
    RegisterApp { new: NewApp, details: AppDetails },
    /// `PlatformStore::revoke_app_in_account`: an authorized app removed from a company.
    RevokeAppInAccount { app: AppId, account: AccountId },
    /// `PlatformStore::set_client_secret`: an app's client secret replaced.
    SetClientSecret { app: AppId, hash: String },
}

/// What an [`AuditedChange`] made, handed to the function that words its events.
#[derive(Debug, Clone)]
pub enum Changed {
    /// The company and its administrator as made.
    Account(Account, Extension),
    /// The person as added or changed.
    Extension(Extension),
    /// The token pair was stored.
    TokenInserted,
    /// The new pair of a rotation, or `None` when the old refresh token was spent.
    Rotated(Option<TokenRecord>),
    /// Whether a live pair was revoked.
    Revoked(bool),
    /// The app as registered.
    App(App),
    /// The app as registered through the console.
    AppRecord(AppRecord),
    /// How many tokens of the removed app were revoked.
    AppRevoked(u64),
    /// The secret was replaced.
    SecretSet,
}

impl Changed {
    fn other(&self) -> crate::error::Error {
        crate::error::Error::Internal(format!("the store answered another change: {self:?}"))
    }
    /// The person an `CreateExtension` or `UpdateExtension` added or changed.
    pub fn into_extension(self) -> crate::error::Result<Extension> {
        match self {
            Changed::Extension(e) => Ok(e),
            other => Err(other.other()),
        }
    }
    /// The company and administrator a `CreateAccount` made.
    pub fn into_account(self) -> crate::error::Result<(Account, Extension)> {
        match self {
            Changed::Account(a, e) => Ok((a, e)),
            other => Err(other.other()),
        }
    }
    /// How many tokens a `RevokeAppInAccount` revoked.
    pub fn into_revoked_count(self) -> crate::error::Result<u64> {
        match self {
            Changed::AppRevoked(n) => Ok(n),
            other => Err(other.other()),
        }
    }
    /// The app a `CreateApp` registered.
    pub fn into_app(self) -> crate::error::Result<App> {
        match self {
            Changed::App(a) => Ok(a),
            other => Err(other.other()),
        }
    }
    /// The app a `RegisterApp` registered.
    pub fn into_app_record(self) -> crate::error::Result<AppRecord> {
        match self {
            Changed::AppRecord(a) => Ok(a),
            other => Err(other.other()),
        }
    }
    /// The new pair of a `RotateRefresh`.
    pub fn into_rotated(self) -> crate::error::Result<Option<TokenRecord>> {
        match self {
            Changed::Rotated(r) => Ok(r),
            other => Err(other.other()),
        }
    }
}

/// Words the audit events of a change from what it made (run inside the change's transaction;
/// pure). An empty list records nothing.
pub type AuditOf = Box<dyn FnOnce(&Changed) -> Vec<NewAuditEvent> + Send>;

/// The audit log's part of the storage port, reached by `Store::audit()`.
pub trait AuditStore: Send + Sync {
    /// Appends an event (durable when it returns); the store assigns id and time.
    fn record_audit(&self, event: NewAuditEvent) -> BoxFuture<'_, AuditEvent>;
    /// Makes `change` and appends the events `audit` words for it in the same transaction: a
    /// change that fails records nothing, and a change is never kept without its events.
    fn change_audited(&self, change: AuditedChange, audit: AuditOf) -> BoxFuture<'_, Changed>;
    /// The events `filter` selects, newest first.
    fn audit_events(&self, filter: AuditFilter) -> BoxFuture<'_, Vec<AuditEvent>>;
}

/// `filter.limit`, at least one and at most [`MAX_AUDIT_PAGE`].
pub fn page_size(filter: &AuditFilter) -> usize {
    filter.limit.clamp(1, MAX_AUDIT_PAGE)
}

/// The stored names of `kinds` (for a store's `IN`/`ANY` parameter).
pub fn kind_names(kinds: &[AuditKind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.as_str()).collect()
}
