//! The app's own SQLite database, `agents.sqlite` in its data folder: the schema of
//! `migrations/` applied at open (tracked by SQLite's `user_version`), one connection used off
//! the async threads, every change one transaction.
//!
//! - [`accounts`]: the app's accounts and signed-in browsers.
//! - [`agents`]: agents, their drafts and published versions.
//! - [`conversations`]: dialog state per conversation, transcripts, events already handled.
//! - [`channels`]: the RingCentral Glip channel of each agent, and authorize requests.
//! - [`generative`]: each agent's optional generative step (endpoint, model, key).
//! - [`bookings`]: the sample airline's bookings (`crate::flights`).

pub mod accounts;
pub mod agents;
pub mod bookings;
pub mod channels;
pub mod conversations;
pub mod generative;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

/// The database file in the data folder.
pub const FILE: &str = "agents.sqlite";

/// The schema, in order; the database's `user_version` counts those applied. Append only.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_generative.sql"),
    include_str!("../../migrations/0003_bookings.sql"),
];

/// A handle on the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (creating) `dir/agents.sqlite` and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Store(format!("creating {}: {e}", dir.display())))?;
        let mut conn = Connection::open(dir.join(FILE))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "busy_timeout", 5000)?;
        let applied: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let applied = usize::try_from(applied).unwrap_or(usize::MAX);
        if applied > MIGRATIONS.len() {
            return Err(Error::Store(format!(
                "{} was made by a newer version of openglip (schema {applied})",
                dir.join(FILE).display()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection, off the async threads.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || f(&conn.lock().unwrap_or_else(|p| p.into_inner())))
            .await
            .map_err(|e| Error::Store(e.to_string()))?
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, else rolled back.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = conn.lock().unwrap_or_else(|p| p.into_inner());
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
        .map_err(|e| Error::Store(e.to_string()))?
    }
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}
