//! The embedded SQLite implementation of openglip's storage port
//! ([`openglip_domain::store::Store`]).
//!
//! - One file, `openglip.db`, in the data folder; WAL journal, `synchronous=FULL` (an
//!   acknowledged write survives power loss), foreign keys on.
//! - Schema migrations from `migrations/` are embedded and applied at [`SqliteStore::open`].
//! - **One writer, group commit**: a dedicated thread owns the only read-write connection; every
//!   mutating call is a job it runs inside a savepoint of a shared transaction, committed once
//!   per batch (see `writer`).
//! - **Pooled readers**: reads run on tokio's blocking threads over a few read-only connections,
//!   each inside a read transaction (a consistent snapshot), never through the writer.

mod accounts;
mod activations;
mod audit;
pub mod backup;
mod chats;
mod db;
mod events;
pub mod export;
mod exports;
mod files;
mod grants;
mod interactive;
mod migrate;
mod notify;
mod oidc;
mod password_failures;
mod platform;
mod posts;
mod presence;
mod reactions;
mod readers;
mod reads;
mod removal;
mod rows;
mod search;
mod subscriptions;
mod teamwork;
mod token_cache;
mod tokens;
mod usage;
mod webhooks;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use openglip_domain::events::{EventPayload, StoredEvent, Subscription, UndeliverableEvent};
use openglip_domain::membership_history::MembershipStep;
use openglip_domain::store::*;
use openglip_domain::*;
use rusqlite::Connection;

use crate::readers::ReaderPool;
use crate::token_cache::*;
use crate::writer::Writer;
pub use crate::writer::WriterStats;

/// The schema version this build migrates to: the number of the newest file in `migrations/`
/// (each version is one file, applied once, recorded in `schema_migrations`).
pub const SCHEMA_VERSION: i64 = migrate::latest_version();

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "openglip.db";
/// Read-only connections kept at most.
const MAX_READERS: usize = 4;

/// The SQLite store. Cloning is cheap (one `Arc`); clones share the writer and the readers. The
/// writer thread stops, and the database closes, when the last clone is dropped.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    // Declared before `writer` so that readers close first.
    readers: ReaderPool,
    writer: Writer,
    /// The largest event seq committed by this process; watchers wake on change.
    events: tokio::sync::watch::Sender<i64>,
    /// Access tokens resolved recently (every API request resolves one).
    tokens: Arc<TokenCache>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) `openglip.db` in `data_dir` (created if needed) and brings its
    /// schema up to date.
    pub fn open(data_dir: &Path) -> Result<SqliteStore> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| Error::Internal(format!("cannot create {}: {e}", data_dir.display())))?;
        let path = data_dir.join(DB_FILE);
        let mut conn = db::open_writer(&path)?;
        migrate::migrate(&mut conn)?;
        let last_seq = events::last_seq(&conn)?;
        let tokens = Arc::new(TokenCache::default());
        let cache = tokens.clone();
        let writer = Writer::start(
            conn,
            Some(writer::Watch {
                tables: TOKEN_TABLES,
                on_commit: Box::new(move || cache.invalidate()),
            }),
        )?;
        tracing::info!(path = %path.display(), "sqlite store open");
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                readers: ReaderPool::new(path.clone(), MAX_READERS),
                path,
                writer,
                events: tokio::sync::watch::Sender::new(last_seq),
                tokens,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Counters of the writer (batches committed, jobs run).
    pub fn writer_stats(&self) -> WriterStats {
        self.inner.writer.stats()
    }

    /// Runs `work` on the writer; see `Writer::run`.
    async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, i64) -> Result<T> + Send + 'static,
    {
        self.inner.writer.run(work).await
    }

    /// Like `write`, for jobs that append events: once the job has committed, the events'
    /// watchers are woken.
    async fn write_ev<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, i64) -> Result<T> + Send + 'static,
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

    /// Runs `work` on a pooled read-only connection, inside one read transaction.
    async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner.readers.get()?;
            let tx = conn.unchecked_transaction().map_err(db::internal)?;
            let out = work(&tx);
            // Read-only: ending it either way releases the snapshot.
            tx.rollback().map_err(db::internal)?;
            out
        })
        .await
        .map_err(|e| Error::Internal(format!("store read task failed: {e}")))?
    }
}

impl Store for SqliteStore {
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
            let generation = self
                .inner
                .tokens
                .generation
                .load(std::sync::atomic::Ordering::SeqCst);
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
        Box::pin(self.write(move |c, now| tokens::rotate_refresh(c, now, &old, new)))
    }

    fn token_by_refresh_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<TokenGrant>> {
        Box::pin(self.read(move |c| tokens::token_by_refresh_hash(c, &hash)))
    }

    fn revoke_token(&self, hash: [u8; 32]) -> BoxFuture<'_, bool> {
        Box::pin(self.write(move |c, _| tokens::revoke_token(c, &hash)))
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
            let payload = outbox::chat_updated(before, &chat);
            events::append(c, now, Some(chat.account_id), &payload)?;
            Ok(chat)
        }))
    }

    fn change_members(&self, change: MembershipChange) -> BoxFuture<'_, Chat> {
        Box::pin(self.write_ev(move |c, now| {
            let before = events::members_of(c, change.chat_id)?;
            let (chat, system_posts) = chats::change_members(c, now, change)?;
            for payload in outbox::membership_changed(&before, &chat, system_posts) {
                events::append(c, now, Some(chat.account_id), &payload)?;
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
                    events::append(
                        c,
                        now,
                        Some(chat.account_id),
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
        Box::pin(self.read(move |c| subscriptions::get(c, &id)))
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

    fn reactions(&self) -> &dyn openglip_domain::reactions::ReactionStore {
        self
    }

    fn oidc(&self) -> &dyn openglip_domain::oidc::OidcStore {
        self
    }
}

/// `GroupJoined` for `persons` who joined `chat`.
fn joined(c: &Connection, now: i64, chat: &Chat, persons: Vec<ExtensionId>) -> Result<()> {
    let payload = EventPayload::GroupJoined {
        chat: chat.clone(),
        persons,
    };
    events::append(c, now, Some(chat.account_id), &payload)?;
    Ok(())
}

/// A new extension joined its Personal chat and the Everyone team.
pub(crate) fn joined_own_chats(c: &Connection, now: i64, ext: &Extension) -> Result<()> {
    for id in events::member_chat_ids(c, ext.id)? {
        if let Some(chat) = chats::chat(c, id)? {
            joined(c, now, &chat, vec![ext.id])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod plan_tests {
    //! The statements that run often must use indexes, whatever the data. These copies of them
    //! (parameters bound to 1) fail the test when a plan scans a table.
    use super::*;

    fn plan(c: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let params: Vec<i64> = vec![1; stmt.parameter_count()];
        stmt.query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
    }

    #[test]
    fn hot_statements_use_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = db::open_writer(&dir.path().join("p.db")).unwrap();
        migrate::migrate(&mut c).unwrap();
        let thread = "p.id IN (SELECT ?4 UNION ALL SELECT r.id FROM posts r WHERE r.parent_post_id = ?4) AND p.chat_id = ?1";
        let types = "(?3 IS NULL OR c.type IN (SELECT value FROM json_each(?3)))";
        let statements = [
            "SELECT c.account_id, c.status,
                    EXISTS (SELECT 1 FROM members m WHERE m.chat_id = c.id AND m.person_id = ?2),
                    ?3 IS NULL OR EXISTS (SELECT 1 FROM posts p WHERE p.id = ?3 AND p.chat_id = c.id)
             FROM chats c WHERE c.id = ?1"
                .to_string(),
            "SELECT 0, e.id FROM json_each(?2) j CROSS JOIN extensions e ON e.id = j.value WHERE e.account_id = ?1
             UNION ALL
             SELECT 1, c.id FROM json_each(?3) j CROSS JOIN chats c ON c.id = j.value WHERE c.account_id = ?1"
                .to_string(),
            "UPDATE chats SET modified = ?2, last_activity = ?2 WHERE id = ?1".to_string(),
            "SELECT p.id FROM posts p WHERE p.chat_id = ?1 AND p.id < ?2 ORDER BY p.id DESC LIMIT ?3".to_string(),
            format!("SELECT p.id FROM posts p WHERE {thread} AND p.id < ?2 ORDER BY p.id DESC LIMIT ?3"),
            format!("SELECT 1 FROM posts p WHERE {thread} AND p.id >= ?2 LIMIT ?3"),
            format!(
                "SELECT c.id FROM members m JOIN chats c ON c.id = m.chat_id
                 WHERE m.person_id = ?1 AND m.chat_id < ?2 AND {types} ORDER BY m.chat_id DESC LIMIT ?4"
            ),
            format!(
                "SELECT c.id FROM members m JOIN chats c ON c.id = m.chat_id
                 WHERE m.person_id = ?1 AND {types} ORDER BY c.last_activity DESC, c.id DESC LIMIT ?2"
            ),
            "SELECT chat_id, person_id FROM members WHERE chat_id IN (SELECT value FROM json_each(?1))
             ORDER BY chat_id, ord"
                .to_string(),
            "SELECT c.id FROM favorites f JOIN chats c ON c.id = f.chat_id WHERE f.person_id = ?1 ORDER BY f.id"
                .to_string(),
            "SELECT t.id FROM tokens t JOIN extensions e ON e.id = t.extension_id JOIN apps a ON a.id = t.app_id
             WHERE t.access_hash = ?1"
                .to_string(),
            "UPDATE tokens SET state = 'revoked' WHERE access_hash = ?1 OR refresh_hash = ?1".to_string(),
            "UPDATE tokens SET state = 'revoked' WHERE family = ?1 AND state <> 'revoked'".to_string(),
            "SELECT e.id FROM extensions e WHERE e.email = ?1".to_string(),
            "SELECT e.id FROM extensions e JOIN accounts a ON a.id = e.account_id
             WHERE e.extension_number = ?1 AND (a.main_number IN (?2, ?3) OR a.id = ?4)"
                .to_string(),
            "SELECT e.id FROM extensions e WHERE e.extension_number = ?1 LIMIT 2".to_string(),
            "SELECT id FROM chats WHERE account_id = ?1 AND type = ?2 AND member_key = ?3".to_string(),
        ];
        for sql in statements {
            let plan = plan(&c, &sql);
            let scans: Vec<&String> = plan
                .iter()
                .filter(|l| {
                    l.starts_with("SCAN ")
                        && !l.contains("VIRTUAL TABLE")
                        && !l.contains("CONSTANT ROW")
                })
                .collect();
            assert!(scans.is_empty(), "{sql}\n{}", plan.join("\n"));
        }
    }
}
