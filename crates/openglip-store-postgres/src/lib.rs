//! The PostgreSQL implementation of openglip's storage port
//! ([`openglip_domain::store::Store`]), with the SQLite store's guarantees.
//!
//! - One database, named by a `postgres://` URL; its schema migrations (`migrations/`) are
//!   embedded and applied at [`PostgresStore::open`], under an advisory lock, idempotently.
//! - **One writer per process, group commit**: a dedicated thread owns the read-write
//!   connection; every mutating call is a job it runs inside a savepoint of a shared
//!   transaction, committed once per batch (`synchronous_commit = on`: a call returns only once
//!   its batch is on disk; one WAL flush serves the whole batch). See `writer`.
//! - **Pooled readers**: reads run on tokio's blocking threads over a few connections, each
//!   inside a read-only `REPEATABLE READ` transaction (a consistent snapshot).
//! - The outbox is appended by the same job as the change. Write transactions hold an advisory
//!   lock until they commit, so events of every process become visible in `seq` order.

mod accounts;
mod audit;
mod chats;
mod db;
mod events;
mod exports;
mod files;
mod grants;
pub mod import;
mod interactive;
mod migrate;
mod notify;
mod oidc;
mod password_failures;
mod platform;
mod posts;
mod presence;
mod readers;
mod reads;
mod removal;
mod rows;
pub mod scratch;
mod search;
mod subscriptions;
mod teamwork;
mod token_cache;
mod tokens;
mod webhooks;
mod writer;

use std::sync::Arc;

use openglip_domain::events::{EventPayload, StoredEvent, Subscription, UndeliverableEvent};
use openglip_domain::membership_history::MembershipStep;
use openglip_domain::store::*;
use openglip_domain::*;

use crate::db::Conn;
use crate::readers::ReaderPool;
use crate::token_cache::*;
use crate::writer::Writer;
pub use crate::writer::WriterStats;

/// The schema version this build migrates to: the number of the newest file in `migrations/`
/// (each version is one file, applied once, recorded in `schema_migrations`).
pub const SCHEMA_VERSION: i64 = migrate::latest_version();

/// Reading connections kept at most.
const MAX_READERS: usize = 4;

/// Whether `location` names a PostgreSQL database rather than an SQLite data folder.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// Why the store could not open, in words for the operator who started it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenError(pub String);

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OpenError {}

/// The PostgreSQL store. Cloning is cheap (one `Arc`); clones share the writer and the readers.
/// The writer thread stops, and the connections close, when the last clone is dropped.
#[derive(Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

struct Inner {
    /// The URL without its password, for logs and `Debug`.
    display: String,
    // Declared before `writer` so that readers close first.
    readers: ReaderPool,
    writer: Writer,
    /// The largest event seq committed by this process; watchers wake on change.
    events: tokio::sync::watch::Sender<i64>,
    /// Access tokens resolved recently (every API request resolves one).
    tokens: Arc<TokenCache>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("database", &self.inner.display)
            .finish()
    }
}

/// `url` without its password.
fn without_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) => format!(
                "{}{}:***{}",
                &url[..scheme_end],
                &rest[..colon],
                &rest[at..]
            ),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user[:password]@host[:port]/database`),
    /// brings its schema up to date and starts the writer. Blocks until then (at most the
    /// connect timeout, 10 s unless the URL sets `connect_timeout`); callable from async code.
    pub fn open(url: &str) -> std::result::Result<PostgresStore, OpenError> {
        let shown = without_password(url);
        let refuse = |e: Error| {
            OpenError(match e {
                Error::Internal(msg) => format!("{shown}: {msg}"),
                other => format!("{shown}: {other}"),
            })
        };
        let config = db::config(url).map_err(refuse)?;
        let c = config.clone();
        // The synchronous client must not run on a thread that runs async tasks.
        let (conn, last_seq) = db::on_own_thread("postgres-open", move || {
            let mut conn = Conn::open(&c)?;
            writer::prepare_session(&mut conn)?;
            migrate::migrate(&mut conn)?;
            let last_seq = events::last_seq(&mut conn)?;
            Ok::<_, Error>((conn, last_seq))
        })
        .map_err(refuse)?
        .map_err(refuse)?;
        let writer = Writer::start(conn, config.clone()).map_err(refuse)?;
        tracing::info!(database = %shown, "postgres store open");
        Ok(PostgresStore {
            inner: Arc::new(Inner {
                display: shown,
                readers: ReaderPool::new(config, MAX_READERS),
                writer,
                events: tokio::sync::watch::Sender::new(last_seq),
                tokens: Arc::new(TokenCache::default()),
            }),
        })
    }

    /// Counters of the writer (batches committed, jobs run).
    pub fn writer_stats(&self) -> WriterStats {
        self.inner.writer.stats()
    }

    /// Reading connections open, and how many of them are in use now.
    pub fn reader_usage(&self) -> (usize, usize) {
        self.inner.readers.usage()
    }

    /// The number the query returns (a `SELECT count(*) …`), read like any other read: for
    /// tests and diagnostics that look at the tables directly.
    pub async fn count(&self, sql: &str) -> Result<i64> {
        let sql = sql.to_string();
        self.read(move |c| db::get(&c.one(&sql, &[])?, 0)).await
    }

    /// Runs `work` on the writer; see `Writer::run`.
    async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, i64) -> Result<T> + Send + 'static,
    {
        self.inner.writer.run(work).await
    }

    /// Like `write`, for jobs that change what an access token resolves through (tokens,
    /// extensions, apps): once committed, the token cache starts over.
    async fn write_auth<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, i64) -> Result<T> + Send + 'static,
    {
        let out = self.write_ev(work).await;
        // Also after a failure: a spurious refresh costs little, a missed one a stale answer.
        self.inner.tokens.invalidate();
        out
    }

    /// Like `write`, for jobs that append events: once the job has committed, the events'
    /// watchers are woken.
    async fn write_ev<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, i64) -> Result<T> + Send + 'static,
    {
        let (value, seq) = self
            .inner
            .writer
            .run(move |c, now| {
                events::begin_job();
                let out = work(c, now);
                let seq = events::end_job();
                out.map(|v| (v, seq))
            })
            .await?;
        if seq > 0 {
            self.inner.events.send_if_modified(|cur| {
                if seq > *cur {
                    *cur = seq;
                    true
                } else {
                    false
                }
            });
        }
        Ok(value)
    }

    /// Runs `work` on a pooled connection, inside one read-only transaction.
    async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.readers.get()?;
            conn.batch("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            let out = work(&mut conn);
            // Read-only: ending it either way releases the snapshot.
            if let Err(e) = conn.batch("ROLLBACK") {
                conn.discard();
                return Err(e);
            }
            out
        })
        .await
        .map_err(|e| Error::Internal(format!("store read task failed: {e}")))?
    }

    /// Appends `payload` about `chat`'s account.
    fn tell(c: &mut Conn, now: i64, chat: &Chat, payload: &EventPayload) -> Result<()> {
        events::append(c, now, Some(chat.account_id), payload).map(drop)
    }
}

impl Store for PostgresStore {
    fn platform(&self) -> &dyn openglip_domain::store::PlatformStore {
        self
    }

    fn ready(&self) -> BoxFuture<'_, bool> {
        Box::pin(self.read(migrate::is_current))
    }

    // ---- accounts and extensions ----

    fn create_account(
        &self,
        name: String,
        admin: NewExtension,
    ) -> BoxFuture<'_, (Account, Extension)> {
        Box::pin(self.write_ev(move |c, now| {
            let (account, admin) = accounts::create_account(c, now, name, admin)?;
            joined_own_chats(c, now, &admin)?;
            Ok((account, admin))
        }))
    }

    fn account(&self, id: AccountId) -> BoxFuture<'_, Option<Account>> {
        Box::pin(self.read(move |c| accounts::account(c, id)))
    }

    fn create_extension(&self, account: AccountId, new: NewExtension) -> BoxFuture<'_, Extension> {
        Box::pin(self.write_ev(move |c, now| {
            let ext = accounts::create_extension(c, now, account, new)?;
            joined_own_chats(c, now, &ext)?;
            Ok(ext)
        }))
    }

    fn extension(&self, id: ExtensionId) -> BoxFuture<'_, Option<Extension>> {
        Box::pin(self.read(move |c| accounts::extension(c, id)))
    }

    fn extensions(&self, ids: Vec<ExtensionId>) -> BoxFuture<'_, Vec<Extension>> {
        Box::pin(self.read(move |c| accounts::extensions(c, &ids)))
    }

    fn extension_by_email(&self, email: String) -> BoxFuture<'_, Option<Extension>> {
        Box::pin(self.read(move |c| accounts::extension_by_email(c, &email)))
    }

    fn credentials(
        &self,
        login: String,
        extension_number: Option<String>,
    ) -> BoxFuture<'_, Option<Credentials>> {
        Box::pin(self.read(move |c| accounts::credentials(c, &login, extension_number.as_deref())))
    }

    // ---- apps and tokens ----

    fn create_app(&self, new: NewApp) -> BoxFuture<'_, App> {
        Box::pin(self.write(move |c, now| tokens::create_app(c, now, new)))
    }

    fn app_by_client_id(&self, client_id: String) -> BoxFuture<'_, Option<App>> {
        Box::pin(self.read(move |c| tokens::app_by_client_id(c, &client_id)))
    }

    fn insert_token(&self, token: TokenRecord) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| tokens::insert_token(c, &token)))
    }

    fn create_bot(
        &self,
        account: AccountId,
        app: NewApp,
        bot: NewExtension,
        token: TokenRecord,
    ) -> BoxFuture<'_, (App, Extension)> {
        Box::pin(self.write_ev(move |c, now| {
            let app = tokens::create_app(c, now, app)?;
            let ext = accounts::create_extension(c, now, account, bot)?;
            joined_own_chats(c, now, &ext)?;
            tokens::insert_token(
                c,
                &TokenRecord {
                    app_id: app.id,
                    extension_id: ext.id,
                    account_id: ext.account_id,
                    ..token
                },
            )?;
            Ok((app, ext))
        }))
    }

    fn token_by_access_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<TokenGrant>> {
        Box::pin(async move {
            if let Some(hit) = self.inner.tokens.get(&hash) {
                return Ok(Some(hit));
            }
            let generation = self.inner.tokens.generation();
            let found = self
                .read(move |c| tokens::token_by_access_hash(c, &hash))
                .await?;
            if let Some(g) = &found {
                self.inner.tokens.put(hash, g, generation);
            }
            Ok(found)
        })
    }

    fn rotate_refresh(
        &self,
        old: [u8; 32],
        new: TokenRecord,
    ) -> BoxFuture<'_, Option<TokenRecord>> {
        Box::pin(self.write_auth(move |c, now| tokens::rotate_refresh(c, now, &old, new)))
    }

    fn token_by_refresh_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<TokenGrant>> {
        Box::pin(self.read(move |c| tokens::token_by_refresh_hash(c, &hash)))
    }

    fn revoke_token(&self, hash: [u8; 32]) -> BoxFuture<'_, bool> {
        Box::pin(self.write_auth(move |c, _| tokens::revoke_token(c, &hash)))
    }

    // ---- chats ----

    fn create_chat(&self, new: NewChat) -> BoxFuture<'_, Chat> {
        Box::pin(self.write_ev(move |c, now| {
            let chat = chats::create_chat(c, now, new)?;
            joined(c, now, &chat, chat.members.clone())?;
            Ok(chat)
        }))
    }

    fn find_or_create_conversation(&self, new: NewChat) -> BoxFuture<'_, (Chat, bool)> {
        Box::pin(async move {
            if !new.kind.is_conversation() {
                return Err(Error::invalid_because("type", "Not a conversation type"));
            }
            // Most conversations exist already: look on a reader first, create on the writer
            // (which looks again, atomically with the insert).
            let probe = new.clone();
            if let Some(found) = self
                .read(move |c| chats::find_conversation(c, &probe))
                .await?
            {
                return Ok((found, false));
            }
            self.write_ev(move |c, now| {
                let (chat, created) = chats::find_or_create_conversation(c, now, new)?;
                if created {
                    joined(c, now, &chat, chat.members.clone())?;
                }
                Ok((chat, created))
            })
            .await
        })
    }

    fn chat(&self, id: ChatId) -> BoxFuture<'_, Option<Chat>> {
        Box::pin(self.read(move |c| chats::chat(c, id)))
    }

    fn everyone_chat(&self, account: AccountId) -> BoxFuture<'_, Chat> {
        Box::pin(self.read(move |c| chats::everyone_chat(c, account)))
    }

    fn list_chats(&self, filter: ChatFilter, page: PageRequest) -> BoxFuture<'_, Page<Chat>> {
        Box::pin(self.read(move |c| chats::list_chats(c, &filter, page)))
    }

    fn recent_chats(&self, filter: ChatFilter, limit: usize) -> BoxFuture<'_, Vec<Chat>> {
        Box::pin(self.read(move |c| chats::recent_chats(c, &filter, limit)))
    }

    fn joinable_teams(
        &self,
        account: AccountId,
        person: ExtensionId,
        limit: usize,
    ) -> BoxFuture<'_, Vec<Chat>> {
        Box::pin(self.read(move |c| chats::joinable_teams(c, account, person, limit)))
    }

    fn favorite_chats(&self, member: ExtensionId, limit: usize) -> BoxFuture<'_, Vec<Chat>> {
        Box::pin(self.read(move |c| chats::favorite_chats(c, member, limit)))
    }

    fn set_favorite(&self, member: ExtensionId, chat: ChatId, favorite: bool) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| chats::set_favorite(c, now, member, chat, favorite)))
    }

    fn set_read(
        &self,
        member: ExtensionId,
        chat: ChatId,
        read: bool,
        upto: Option<PostId>,
    ) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| reads::set_read(c, member, chat, read, upto)))
    }

    fn unread(&self, member: ExtensionId) -> BoxFuture<'_, Vec<Unread>> {
        Box::pin(self.read(move |c| reads::unread(c, member)))
    }

    fn update_chat(&self, id: ChatId, patch: ChatPatch) -> BoxFuture<'_, Chat> {
        Box::pin(self.write_ev(move |c, now| {
            let before = events::chat_name(c, id)?;
            let chat = chats::update_chat(c, now, id, patch)?;
            Self::tell(c, now, &chat, &outbox::chat_updated(before, &chat))?;
            Ok(chat)
        }))
    }

    fn change_members(&self, change: MembershipChange) -> BoxFuture<'_, Chat> {
        Box::pin(self.write_ev(move |c, now| {
            let before = events::members_of(c, change.chat_id)?;
            let (chat, system_posts) = chats::change_members(c, now, change)?;
            for payload in outbox::membership_changed(&before, &chat, system_posts) {
                Self::tell(c, now, &chat, &payload)?;
            }
            Ok(chat)
        }))
    }

    fn delete_chat(&self, id: ChatId) -> BoxFuture<'_, ()> {
        Box::pin(self.write_ev(move |c, now| {
            let chat = chats::chat(c, id)?;
            chats::delete_chat(c, id)?;
            if let Some(chat) = chat {
                let persons = chat.members.clone();
                if !persons.is_empty() {
                    let account = chat.account_id;
                    events::append(
                        c,
                        now,
                        Some(account),
                        &EventPayload::GroupLeft { chat, persons },
                    )?;
                }
            }
            Ok(())
        }))
    }

    // ---- posts ----

    fn create_post(&self, new: NewPost) -> BoxFuture<'_, Post> {
        Box::pin(self.write_ev(move |c, now| {
            let (account, post) = posts::create_post(c, now, new)?;
            events::append(
                c,
                now,
                Some(account),
                &EventPayload::PostAdded { post: post.clone() },
            )?;
            Ok(post)
        }))
    }

    fn post(&self, chat: ChatId, id: PostId) -> BoxFuture<'_, Option<Post>> {
        Box::pin(self.read(move |c| posts::post(c, chat, id)))
    }

    fn list_posts(
        &self,
        chat: ChatId,
        thread: Option<PostId>,
        page: PageRequest,
    ) -> BoxFuture<'_, Page<Post>> {
        Box::pin(self.read(move |c| posts::list_posts(c, chat, thread, page)))
    }

    fn update_post(
        &self,
        chat: ChatId,
        id: PostId,
        text: String,
        mentions: Vec<(MentionType, i64)>,
    ) -> BoxFuture<'_, Post> {
        Box::pin(self.write_ev(move |c, now| {
            let post = posts::update_post(c, now, chat, id, text, mentions)?;
            events::append(
                c,
                now,
                None,
                &EventPayload::PostChanged { post: post.clone() },
            )?;
            Ok(post)
        }))
    }

    fn delete_post(&self, chat: ChatId, id: PostId) -> BoxFuture<'_, ()> {
        Box::pin(self.write_ev(move |c, now| {
            posts::delete_post(c, chat, id)?;
            events::append(
                c,
                now,
                None,
                &EventPayload::PostRemoved {
                    chat_id: chat,
                    post_id: id,
                },
            )?;
            Ok(())
        }))
    }

    // ---- adaptive cards ----

    fn post_by_id(&self, id: PostId) -> BoxFuture<'_, Option<Post>> {
        Box::pin(self.read(move |c| posts::post_by_id(c, id)))
    }

    fn update_post_attachments(
        &self,
        chat: ChatId,
        id: PostId,
        attachments: Vec<serde_json::Value>,
    ) -> BoxFuture<'_, Post> {
        Box::pin(self.write_ev(move |c, now| {
            let post = posts::update_attachments(c, now, chat, id, attachments)?;
            events::append(
                c,
                now,
                None,
                &EventPayload::PostChanged { post: post.clone() },
            )?;
            Ok(post)
        }))
    }

    // ---- events ----

    fn events_after(&self, after: i64, limit: usize) -> BoxFuture<'_, Vec<StoredEvent>> {
        Box::pin(self.read(move |c| events::events_after(c, after, limit)))
    }

    fn last_event_seq(&self) -> BoxFuture<'_, i64> {
        Box::pin(self.read(events::last_seq))
    }

    fn wait_for_events(&self, after: i64) -> BoxFuture<'_, i64> {
        let mut rx = self.inner.events.subscribe();
        Box::pin(async move {
            let seq = rx
                .wait_for(|seq| *seq > after)
                .await
                .map_err(|_| Error::Internal("the store is closing".into()))?;
            Ok(*seq)
        })
    }

    fn member_chat_ids(&self, member: ExtensionId) -> BoxFuture<'_, Vec<ChatId>> {
        Box::pin(self.read(move |c| events::member_chat_ids(c, member)))
    }

    fn membership_steps(
        &self,
        member: ExtensionId,
        after: i64,
    ) -> BoxFuture<'_, Vec<MembershipStep>> {
        Box::pin(self.read(move |c| events::membership_steps(c, member, after)))
    }

    fn prune_events(&self, older_than: Timestamp) -> BoxFuture<'_, u64> {
        Box::pin(self.write(move |c, now| {
            let keep_from =
                subscriptions::min_webhook_cursor(c, now)?.map_or(i64::MAX, |cursor| cursor + 1);
            events::prune(c, keep_from, older_than.millis())
        }))
    }

    // ---- subscriptions ----

    fn create_subscription(&self, sub: Subscription) -> BoxFuture<'_, Subscription> {
        Box::pin(self.write(move |c, _| subscriptions::create(c, &sub)))
    }

    fn subscription(&self, id: String) -> BoxFuture<'_, Option<Subscription>> {
        Box::pin(self.read(move |c| subscriptions::get_one(c, &id)))
    }

    fn subscriptions_of(&self, owner: ExtensionId, app: AppId) -> BoxFuture<'_, Vec<Subscription>> {
        Box::pin(self.read(move |c| subscriptions::of_owner(c, owner, app)))
    }

    fn all_subscriptions(&self) -> BoxFuture<'_, Vec<Subscription>> {
        Box::pin(self.read(subscriptions::all))
    }

    fn update_subscription(&self, sub: Subscription) -> BoxFuture<'_, Subscription> {
        Box::pin(self.write(move |c, _| subscriptions::update(c, &sub)))
    }

    fn delete_subscription(&self, id: String) -> BoxFuture<'_, bool> {
        Box::pin(self.write(move |c, _| subscriptions::delete(c, &id)))
    }

    fn advance_cursor(&self, id: String, seq: i64) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| subscriptions::advance(c, &id, seq)))
    }

    fn blacklist_subscription(
        &self,
        id: String,
        at: Timestamp,
        reason: String,
    ) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| subscriptions::blacklist(c, &id, at.millis(), &reason)))
    }

    fn mark_failing(&self, id: String, since: Timestamp) -> BoxFuture<'_, Option<Timestamp>> {
        Box::pin(self.write(move |c, _| {
            Ok(subscriptions::mark_failing(c, &id, since.millis())?.map(Timestamp))
        }))
    }

    fn give_up_event(
        &self,
        event: UndeliverableEvent,
        cursor: Option<i64>,
    ) -> BoxFuture<'_, UndeliverableEvent> {
        Box::pin(self.write(move |c, _| subscriptions::give_up(c, &event, cursor)))
    }

    fn undeliverable_events(&self, app: AppId) -> BoxFuture<'_, Vec<UndeliverableEvent>> {
        Box::pin(self.read(move |c| subscriptions::undeliverable(c, app)))
    }

    fn forget_undeliverable(&self, id: i64) -> BoxFuture<'_, bool> {
        Box::pin(self.write(move |c, _| subscriptions::forget_undeliverable(c, id)))
    }

    fn files(&self) -> &dyn openglip_domain::files::FileStore {
        self
    }

    fn audit(&self) -> &dyn openglip_domain::audit::AuditStore {
        self
    }

    fn pool_stats(&self) -> PoolStats {
        let (open, in_use) = self.inner.readers.usage();
        let w = self.writer_stats();
        PoolStats {
            readers_open: open,
            readers_in_use: in_use,
            readers_max: MAX_READERS,
            writer_batches: w.batches,
            writer_jobs: w.jobs,
        }
    }

    fn search(&self) -> &dyn openglip_domain::search::SearchStore {
        self
    }

    fn exports(&self) -> &dyn openglip_domain::export::ExportStore {
        self
    }

    fn webhooks(&self) -> &dyn openglip_domain::webhooks::WebhookStore {
        self
    }

    fn presence(&self) -> &dyn openglip_domain::presence::PresenceStore {
        self
    }

    fn teamwork(&self) -> &dyn openglip_domain::teamwork::TeamworkStore {
        self
    }

    fn removals(&self) -> &dyn openglip_domain::removal::RemovalStore {
        self
    }

    fn notify(&self) -> &dyn openglip_domain::notify::NotifyStore {
        self
    }

    fn interactive(&self) -> &dyn openglip_domain::interactive::InteractiveStore {
        self
    }

    fn oidc(&self) -> &dyn openglip_domain::oidc::OidcStore {
        self
    }
}

/// `GroupJoined` for `persons` who joined `chat`.
fn joined(c: &mut Conn, now: i64, chat: &Chat, persons: Vec<ExtensionId>) -> Result<()> {
    let payload = EventPayload::GroupJoined {
        chat: chat.clone(),
        persons,
    };
    PostgresStore::tell(c, now, chat, &payload)
}

/// A new extension joined its Personal chat and the Everyone team.
pub(crate) fn joined_own_chats(c: &mut Conn, now: i64, ext: &Extension) -> Result<()> {
    for id in events::member_chat_ids(c, ext.id)? {
        if let Some(chat) = chats::chat(c, id)? {
            joined(c, now, &chat, vec![ext.id])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_logs() {
        assert_eq!(
            without_password("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(without_password("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(without_password("postgres://h/db"), "postgres://h/db");
    }

    #[test]
    fn postgres_urls_are_told_from_folders() {
        assert!(is_postgres_url("postgres://h/db"));
        assert!(is_postgres_url("postgresql://h/db"));
        assert!(!is_postgres_url("./openglip-data"));
    }
}
