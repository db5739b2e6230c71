//! The storage port. The domain states what it needs; `openglip-store-sqlite` (and later a
//! PostgreSQL crate) provide it. Only store crates know SQL.
//!
//! Contract for every implementation:
//! - each mutating call is atomic: it commits completely or not at all;
//! - a call returns only after its transaction is durable (committed);
//! - the store assigns ids and the `created`/`modified` timestamps (UTC, milliseconds) at commit;
//! - errors are `Error::NotFound(subject)` / `Error::Forbidden` / `Error::InvalidParameter` where the
//!   call documents them, `Error::Internal` for anything the database itself reports.

use std::future::Future;
use std::pin::Pin;

use crate::error::Result;
use crate::events::{StoredEvent, Subscription, UndeliverableEvent};
use crate::ids::*;
use crate::model::*;
use crate::perm::PermissionSet;
use crate::platform::*;
use crate::time::Timestamp;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

#[derive(Debug, Clone)]
pub struct NewExtension {
    pub kind: ExtensionType,
    pub status: ExtensionStatus,
    pub first_name: String,
    pub last_name: String,
    /// Already validated and lower-cased.
    pub email: Option<String>,
    /// None: the store assigns the next free number in the account (from 101 up).
    pub extension_number: Option<String>,
    pub password_hash: Option<String>,
    pub is_admin: bool,
}

#[derive(Debug, Clone)]
pub struct NewApp {
    pub client_id: String,
    pub client_secret_hash: Option<String>,
    pub account_id: AccountId,
    pub name: String,
    pub kind: AppKind,
    pub public_client: bool,
    pub grants: crate::perm::GrantSet,
    pub permissions: crate::perm::PermissionSet,
    pub redirect_uris: Vec<String>,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
}

#[derive(Debug, Clone)]
pub struct NewChat {
    pub account_id: AccountId,
    pub kind: ChatType,
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: bool,
    pub creator_id: ExtensionId,
    /// Includes the creator; deduplicated; all in `account_id` (checked by the caller).
    pub members: Vec<ExtensionId>,
}

#[derive(Debug, Clone, Default)]
pub struct ChatPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: Option<bool>,
    pub status: Option<ChatStatus>,
}

#[derive(Debug, Clone)]
pub struct NewPost {
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
    pub kind: PostType,
    pub text: String,
    pub parent_post_id: Option<PostId>,
    /// Parsed from the text; the store fills in `name` (persons and chats of the same account
    /// only; unknown ids are dropped).
    pub mentions: Vec<(MentionType, i64)>,
    pub added_person_ids: Vec<ExtensionId>,
    pub removed_person_ids: Vec<ExtensionId>,
    pub attachments: Vec<serde_json::Value>,
    pub activity: Option<String>,
    pub title: Option<String>,
    pub icon_uri: Option<String>,
    pub icon_emoji: Option<String>,
}

/// Which way a keyset page goes from its cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Older items (smaller ids) than the cursor.
    Older,
    /// Newer items (larger ids) than the cursor.
    Newer,
}

/// A keyset page request: items strictly past `cursor` in `direction`, at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub cursor: Option<i64>,
    pub direction: Direction,
    pub limit: usize,
}

/// A page of items, newest first, and whether more exist on either side.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_newer: bool,
    pub has_older: bool,
}

/// Unread messages of a chat for one member (see [`Store::unread`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unread {
    pub chat_id: ChatId,
    /// Messages by others since the member last read the chat (or joined it), capped at 100.
    pub count: u32,
    /// Whether one of them mentions the member.
    pub mentioned: bool,
}

#[derive(Debug, Clone)]
pub struct ChatFilter {
    pub member: ExtensionId,
    /// Empty: every type.
    pub types: Vec<ChatType>,
}

/// Membership change of a team (add/remove/join/leave/bulk-assign). The store applies it and
/// records the system post that tells the chat (`PersonsAdded`, `PersonJoined`, `PersonsRemoved`).
#[derive(Debug, Clone)]
pub struct MembershipChange {
    pub chat_id: ChatId,
    pub actor: ExtensionId,
    pub add: Vec<ExtensionId>,
    pub remove: Vec<ExtensionId>,
}

pub trait Store: Send + Sync + 'static {
    /// The platform part of the port: environments, console apps, sessions, codes, consents,
    /// JWT credentials, usage, bot installations (`crate::platform`).
    fn platform(&self) -> &dyn PlatformStore;

    /// Whether the database answers and holds the schema this build knows (every migration
    /// applied, none newer): what `/readyz` reports. A database that does not answer is an
    /// `Err`.
    fn ready(&self) -> BoxFuture<'_, bool>;

    // ---- accounts and extensions ----

    /// Creates an account with its `Everyone` team and its first (admin) extension, who gets a
    /// `Personal` chat and joins `Everyone`.
    fn create_account(
        &self,
        name: String,
        admin: NewExtension,
    ) -> BoxFuture<'_, (Account, Extension)>;
    fn account(&self, id: AccountId) -> BoxFuture<'_, Option<Account>>;
    /// Creates an extension with its `Personal` chat, and adds it to the account's `Everyone` team.
    /// `InvalidParameter("email")` if the email is taken, `InvalidParameter("extensionNumber")`
    /// if the number is taken in the account.
    fn create_extension(&self, account: AccountId, new: NewExtension) -> BoxFuture<'_, Extension>;
    fn extension(&self, id: ExtensionId) -> BoxFuture<'_, Option<Extension>>;
    /// Extensions by id, in the order asked, skipping unknown ids.
    fn extensions(&self, ids: Vec<ExtensionId>) -> BoxFuture<'_, Vec<Extension>>;
    fn extension_by_email(&self, email: String) -> BoxFuture<'_, Option<Extension>>;
    /// Login lookup: by email (any account), or by extension number within an account given by
    /// id or main number, or by extension number alone when exactly one account has it.
    fn credentials(
        &self,
        login: String,
        extension_number: Option<String>,
    ) -> BoxFuture<'_, Option<Credentials>>;

    // ---- apps and tokens ----

    fn create_app(&self, new: NewApp) -> BoxFuture<'_, App>;
    fn app_by_client_id(&self, client_id: String) -> BoxFuture<'_, Option<App>>;
    fn insert_token(&self, token: TokenRecord) -> BoxFuture<'_, ()>;
    /// An operator's bot, in one transaction: its app, its bot extension (as `create_extension`)
    /// and its permanent token (`token`, whose app, extension and account the store fills in).
    /// Nothing is left behind when any part fails.
    fn create_bot(
        &self,
        account: AccountId,
        app: NewApp,
        bot: NewExtension,
        token: TokenRecord,
    ) -> BoxFuture<'_, (App, Extension)>;
    /// Resolves an access token hash (including revoked and expired ones; the caller decides).
    fn token_by_access_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<TokenGrant>>;
    /// Atomically spends the refresh token `old` and stores `new` in its family.
    /// A refresh token that was already spent (or revoked) revokes its whole family and returns
    /// `Ok(None)`; an unknown one returns `Ok(None)`. Otherwise returns the spent record.
    fn rotate_refresh(&self, old: [u8; 32], new: TokenRecord)
    -> BoxFuture<'_, Option<TokenRecord>>;
    /// Looks up a refresh token that is still live (not spent, not revoked).
    fn token_by_refresh_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<TokenGrant>>;
    /// Revokes the token pair whose access or refresh hash is `hash`. Returns whether one was found.
    fn revoke_token(&self, hash: [u8; 32]) -> BoxFuture<'_, bool>;

    // ---- chats ----

    /// Creates a team (or the like). For conversations use `find_or_create_conversation`.
    fn create_chat(&self, new: NewChat) -> BoxFuture<'_, Chat>;
    /// The `Direct`/`Group`/`Personal` chat with exactly this member set, created if missing.
    /// Returns the chat and whether it was created now.
    fn find_or_create_conversation(&self, new: NewChat) -> BoxFuture<'_, (Chat, bool)>;
    fn chat(&self, id: ChatId) -> BoxFuture<'_, Option<Chat>>;
    fn everyone_chat(&self, account: AccountId) -> BoxFuture<'_, Chat>;
    /// Chats the member belongs to, of the given types, newest (largest id) first.
    fn list_chats(&self, filter: ChatFilter, page: PageRequest) -> BoxFuture<'_, Page<Chat>>;
    /// The member's chats by latest activity (post or change), most recent first.
    fn recent_chats(&self, filter: ChatFilter, limit: usize) -> BoxFuture<'_, Vec<Chat>>;
    /// Active public teams of the account that the person is not in, by latest activity.
    fn joinable_teams(
        &self,
        account: AccountId,
        person: ExtensionId,
        limit: usize,
    ) -> BoxFuture<'_, Vec<Chat>>;
    fn favorite_chats(&self, member: ExtensionId, limit: usize) -> BoxFuture<'_, Vec<Chat>>;
    fn set_favorite(&self, member: ExtensionId, chat: ChatId, favorite: bool) -> BoxFuture<'_, ()>;
    fn update_chat(&self, id: ChatId, patch: ChatPatch) -> BoxFuture<'_, Chat>;
    /// Applies a membership change (ids already validated to be extensions of the chat's account).
    /// Adding present members and removing absent ones are no-ops.
    fn change_members(&self, change: MembershipChange) -> BoxFuture<'_, Chat>;
    fn delete_chat(&self, id: ChatId) -> BoxFuture<'_, ()>;

    // ---- read state (the web client's unread counts) ----

    /// Marks the chat read up to `upto` (or its newest post; a read mark never moves back), or
    /// (`read: false`) unread from the newest message by someone else. Joining a chat marks it
    /// read up to its newest post. `Forbidden` if the member is not in the chat.
    fn set_read(
        &self,
        member: ExtensionId,
        chat: ChatId,
        read: bool,
        upto: Option<PostId>,
    ) -> BoxFuture<'_, ()>;
    /// The member's chats that have unread messages.
    fn unread(&self, member: ExtensionId) -> BoxFuture<'_, Vec<Unread>>;

    // ---- posts ----

    /// Inserts a post in one transaction. `Forbidden` if the creator is not a member of the chat,
    /// `NotFound(Chat)` if there is no such chat, `NotFound(ParentPost)` if the parent is
    /// not a post of the same chat.
    fn create_post(&self, new: NewPost) -> BoxFuture<'_, Post>;
    fn post(&self, chat: ChatId, id: PostId) -> BoxFuture<'_, Option<Post>>;
    /// Posts of a chat, newest first. With `thread`, only that thread (the parent and its replies).
    fn list_posts(
        &self,
        chat: ChatId,
        thread: Option<PostId>,
        page: PageRequest,
    ) -> BoxFuture<'_, Page<Post>>;
    /// Replaces the text (and its mentions) of a post.
    fn update_post(
        &self,
        chat: ChatId,
        id: PostId,
        text: String,
        mentions: Vec<(MentionType, i64)>,
    ) -> BoxFuture<'_, Post>;
    fn delete_post(&self, chat: ChatId, id: PostId) -> BoxFuture<'_, ()>;

    // ---- adaptive cards (posts whose attachment is the card) ----

    /// A post by its id alone, in whatever chat (a card is named by its post's id only).
    fn post_by_id(&self, id: PostId) -> BoxFuture<'_, Option<Post>>;
    /// Replaces the attachments of a post (its text is kept) and records `PostChanged`.
    /// `NotFound(Post)` if it is not a post of that chat.
    fn update_post_attachments(
        &self,
        chat: ChatId,
        id: PostId,
        attachments: Vec<serde_json::Value>,
    ) -> BoxFuture<'_, Post>;

    // ---- events (the outbox) ----
    //
    // Every mutating call above that changes what subscribers may be told about appends its
    // events (`events::EventPayload`) in the same transaction: posts added, changed, removed;
    // chats joined, left, changed, renamed.

    /// Events with `seq > after`, oldest first, at most `limit`.
    fn events_after(&self, after: i64, limit: usize) -> BoxFuture<'_, Vec<StoredEvent>>;
    /// The largest event seq committed so far (0: none).
    fn last_event_seq(&self) -> BoxFuture<'_, i64>;
    /// Resolves (with the latest seq) once an event with `seq > after` has been committed by this
    /// process; it may also resolve spuriously. Writes by other processes are seen by polling
    /// `last_event_seq`.
    fn wait_for_events(&self, after: i64) -> BoxFuture<'_, i64>;
    /// The chats `member` belongs to now.
    fn member_chat_ids(&self, member: ExtensionId) -> BoxFuture<'_, Vec<ChatId>>;
    /// The joins and leaves of `member` recorded with events after `after`, in seq order: with
    /// [`Store::member_chat_ids`] (read first), who they were in at any later event
    /// (`membership_history::MembershipHistory`).
    fn membership_steps(
        &self,
        member: ExtensionId,
        after: i64,
    ) -> BoxFuture<'_, Vec<crate::membership_history::MembershipStep>>;
    /// Deletes events no live WebHook subscription still needs and older than `older_than`
    /// (and the membership steps older than every event left). Returns how many were deleted.
    fn prune_events(&self, older_than: Timestamp) -> BoxFuture<'_, u64>;

    // ---- subscriptions ----

    /// Stores a new subscription (its id chosen by the caller). `InvalidParameter("id")` if taken.
    fn create_subscription(&self, sub: Subscription) -> BoxFuture<'_, Subscription>;
    fn subscription(&self, id: String) -> BoxFuture<'_, Option<Subscription>>;
    /// The subscriptions one extension holds through one app, oldest first.
    fn subscriptions_of(&self, owner: ExtensionId, app: AppId) -> BoxFuture<'_, Vec<Subscription>>;
    /// Every subscription (the delivery side loads them at start).
    fn all_subscriptions(&self) -> BoxFuture<'_, Vec<Subscription>>;
    /// Replaces filters, transport, key, status and expiry. `NotFound(Subscription)`.
    fn update_subscription(&self, sub: Subscription) -> BoxFuture<'_, Subscription>;
    /// Returns whether it existed.
    fn delete_subscription(&self, id: String) -> BoxFuture<'_, bool>;
    /// Records that events up to `seq` were delivered (the cursor never moves back).
    fn advance_cursor(&self, id: String, seq: i64) -> BoxFuture<'_, ()>;
    fn blacklist_subscription(
        &self,
        id: String,
        at: Timestamp,
        reason: String,
    ) -> BoxFuture<'_, ()>;
    /// Records that deliveries to a WebHook started failing at `since` (unless already
    /// recorded) and returns when they started; `advance_cursor` clears it.
    fn mark_failing(&self, id: String, since: Timestamp) -> BoxFuture<'_, Option<Timestamp>>;
    /// Gives up on one notification of a WebHook subscription: records it (with `id` 0 to be
    /// assigned) and moves the cursor to `cursor` (never back), in one transaction; the failure
    /// record stays (the receiver is still failing). Returns it with its id.
    fn give_up_event(
        &self,
        event: UndeliverableEvent,
        cursor: Option<i64>,
    ) -> BoxFuture<'_, UndeliverableEvent>;
    /// The notifications given up on, of the subscriptions an app holds, newest first.
    fn undeliverable_events(&self, app: AppId) -> BoxFuture<'_, Vec<UndeliverableEvent>>;
    /// Forgets one (it was delivered again). Returns whether it was there.
    fn forget_undeliverable(&self, id: i64) -> BoxFuture<'_, bool>;

    /// The files part of the port: file records, their posts, and the blobs they name
    /// (`crate::files`).
    fn files(&self) -> &dyn crate::files::FileStore;
    // ---- the audit log ----

    /// The audit log's part of the port (`crate::audit`).
    fn audit(&self) -> &dyn crate::audit::AuditStore;

    /// The store's connections and writer, for metrics: read from memory, never fails.
    fn pool_stats(&self) -> PoolStats;

    /// The search part of the port: full-text search of posts (`crate::search`).
    fn search(&self) -> &dyn crate::search::SearchStore;

    /// The data export part of the port: tasks, their queue and datasets (`crate::export`).
    fn exports(&self) -> &dyn crate::export::ExportStore;
    /// Incoming webhooks (`crate::webhooks`).
    fn webhooks(&self) -> &dyn crate::webhooks::WebhookStore;

    /// What people set of their presence by hand (`crate::presence`).
    fn presence(&self) -> &dyn crate::presence::PresenceStore;

    /// The tasks, notes and calendar events part of the port (`crate::teamwork`).
    fn teamwork(&self) -> &dyn crate::teamwork::TeamworkStore;

    /// Removing people (`crate::removal`).
    fn removals(&self) -> &dyn crate::removal::RemovalStore;

    /// People's notification levels of chats (`crate::notify`).
    fn notify(&self) -> &dyn crate::notify::NotifyStore;

    /// Interactive messages: apps' settings and card submissions (`crate::interactive`).
    fn interactive(&self) -> &dyn crate::interactive::InteractiveStore;
    /// OpenID Connect: signing keys and the OpenID part of authorizations (`crate::oidc`).
    fn oidc(&self) -> &dyn crate::oidc::OidcStore;
}

/// What a store's reading connections and writer are doing (`Store::pool_stats`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub readers_open: usize,
    pub readers_in_use: usize,
    pub readers_max: usize,
    /// Write transactions committed (or attempted) since the store opened.
    pub writer_batches: u64,
    /// Mutating calls run since the store opened.
    pub writer_jobs: u64,
}

/// The platform part of the storage port, keeping the entities of `crate::platform`. Same
/// contract as `Store`: each call atomic and durable when it returns; the store assigns ids and
/// timestamps.
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
    /// The extension a live (unused, unexpired) activation link belongs to: a person not
    /// activated yet, or an enabled one (a "forgot password" link); never a disabled one.
    fn activation(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<Extension>>;
    /// Spends the link (and the person's other links), sets the password, enables the
    /// extension (a disabled one's link does not work) and ends the person's web sessions, in
    /// one transaction.
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

    // ---- password guessing ----

    /// The failed password checks counted under those of `keys` that have any.
    fn password_failures(&self, keys: Vec<String>) -> BoxFuture<'_, Vec<PasswordFailures>>;
    /// Counts one more failure under each of `keys`; a count whose window began before
    /// `window_start` starts again at `now` (and such old counts may be forgotten).
    fn record_password_failure(
        &self,
        keys: Vec<String>,
        now: Timestamp,
        window_start: Timestamp,
    ) -> BoxFuture<'_, ()>;
    /// Forgets the failures counted under `key` (after a right password).
    fn clear_password_failures(&self, key: String) -> BoxFuture<'_, ()>;
}
