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
mod chats;
mod db;
mod migrate;
mod posts;
mod readers;
mod rows;
mod tokens;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use openglip_domain::store::*;
use openglip_domain::*;
use rusqlite::Connection;

use crate::readers::ReaderPool;
use crate::writer::Writer;
pub use crate::writer::WriterStats;

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
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.inner.path).finish()
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
        let writer = Writer::start(conn)?;
        tracing::info!(path = %path.display(), "sqlite store open");
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                readers: ReaderPool::new(path.clone(), MAX_READERS),
                path,
                writer,
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
    // ---- accounts and extensions ----

    fn create_account(&self, name: String, admin: NewExtension) -> BoxFuture<'_, (Account, Extension)> {
        Box::pin(self.write(move |c, now| accounts::create_account(c, now, name, admin)))
    }

    fn account(&self, id: AccountId) -> BoxFuture<'_, Option<Account>> {
        Box::pin(self.read(move |c| accounts::account(c, id)))
    }

    fn create_extension(&self, account: AccountId, new: NewExtension) -> BoxFuture<'_, Extension> {
        Box::pin(self.write(move |c, now| accounts::create_extension(c, now, account, new)))
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

    fn credentials(&self, login: String, extension_number: Option<String>) -> BoxFuture<'_, Option<Credentials>> {
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

    fn token_by_access_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<TokenGrant>> {
        Box::pin(self.read(move |c| tokens::token_by_access_hash(c, &hash)))
    }

    fn rotate_refresh(&self, old: [u8; 32], new: TokenRecord) -> BoxFuture<'_, Option<TokenRecord>> {
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
        Box::pin(self.write(move |c, now| chats::create_chat(c, now, new)))
    }

    fn find_or_create_conversation(&self, new: NewChat) -> BoxFuture<'_, (Chat, bool)> {
        Box::pin(async move {
            if !new.kind.is_conversation() {
                return Err(Error::invalid_because("type", "Not a conversation type"));
            }
            // Most conversations exist already: look on a reader first, create on the writer
            // (which looks again, atomically with the insert).
            let probe = new.clone();
            if let Some(found) = self.read(move |c| chats::find_conversation(c, &probe)).await? {
                return Ok((found, false));
            }
            self.write(move |c, now| chats::find_or_create_conversation(c, now, new))
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

    fn favorite_chats(&self, member: ExtensionId, limit: usize) -> BoxFuture<'_, Vec<Chat>> {
        Box::pin(self.read(move |c| chats::favorite_chats(c, member, limit)))
    }

    fn set_favorite(&self, member: ExtensionId, chat: ChatId, favorite: bool) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| chats::set_favorite(c, now, member, chat, favorite)))
    }

    fn update_chat(&self, id: ChatId, patch: ChatPatch) -> BoxFuture<'_, Chat> {
        Box::pin(self.write(move |c, now| chats::update_chat(c, now, id, patch)))
    }

    fn change_members(&self, change: MembershipChange) -> BoxFuture<'_, Chat> {
        Box::pin(self.write(move |c, now| chats::change_members(c, now, change)))
    }

    fn delete_chat(&self, id: ChatId) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| chats::delete_chat(c, id)))
    }

    // ---- posts ----

    fn create_post(&self, new: NewPost) -> BoxFuture<'_, Post> {
        Box::pin(self.write(move |c, now| posts::create_post(c, now, new)))
    }

    fn post(&self, chat: ChatId, id: PostId) -> BoxFuture<'_, Option<Post>> {
        Box::pin(self.read(move |c| posts::post(c, chat, id)))
    }

    fn list_posts(&self, chat: ChatId, thread: Option<PostId>, page: PageRequest) -> BoxFuture<'_, Page<Post>> {
        Box::pin(self.read(move |c| posts::list_posts(c, chat, thread, page)))
    }

    fn update_post(
        &self,
        chat: ChatId,
        id: PostId,
        text: String,
        mentions: Vec<(MentionType, i64)>,
    ) -> BoxFuture<'_, Post> {
        Box::pin(self.write(move |c, now| posts::update_post(c, now, chat, id, text, mentions)))
    }

    fn delete_post(&self, chat: ChatId, id: PostId) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| posts::delete_post(c, chat, id)))
    }
}
