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
use crate::events::{StoredEvent, Subscription};
use crate::ids::*;
use crate::model::*;
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
    fn platform(&self) -> &dyn crate::platform::PlatformStore;

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
    /// Deletes events no live WebHook subscription still needs and older than `older_than`.
    /// Returns how many were deleted.
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
}
