//! The app's own SQLite database, in its data folder (`okr.sqlite`): numbered migrations from
//! `migrations/`, applied at open; one connection used off the async threads; every change in
//! one transaction, so a refused or failed change leaves nothing behind.
//!
//! - [`okrs`]: tenants, people, teams, objectives, key results, check-ins, import.
//! - [`followers`]: followers, and the digest outbox with its audit.
//! - [`integration`]: the Glip integration, "Add to Glip" requests, nudges.
//! - [`sessions`]: who is signed in to the pages, with their platform tokens.

pub mod followers;
pub mod integration;
pub mod okrs;
pub mod sessions;

use std::path::Path;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use crate::error::{Error, Result};

/// The database file in the data folder.
pub const FILE: &str = "okr.sqlite";

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// In order of version. Append only: a released migration is never edited.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init",
        sql: include_str!("../../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_sessions",
        sql: include_str!("../../migrations/0002_sessions.sql"),
    },
];

/// A handle on the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (creating) `dir/okr.sqlite` and migrates it.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Internal(format!("creating {}: {e}", dir.display())))?;
        let conn = Connection::open(dir.join(FILE))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::init(conn)
    }

    /// A database in memory (tests).
    pub fn in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store> {
        // A 2xx means durable: every commit reaches the disk before we answer.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "busy_timeout", 5000)?;
        migrate(&mut conn)?;
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
        tokio::task::spawn_blocking(move || {
            let c = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&c)
        })
        .await
        .map_err(Error::internal)?
    }

    /// Runs `f` in one transaction, committed when it returns `Ok`, rolled back otherwise.
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
        .map_err(Error::internal)?
    }
}

fn migrate(conn: &mut Connection) -> Result<usize> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )?;
    let latest = MIGRATIONS.last().map_or(0, |m| m.version);
    let mut applied_now = 0;
    for m in MIGRATIONS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let newest: Option<i64> =
            tx.query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                r.get(0)
            })?;
        if let Some(v) = newest.filter(|v| *v > latest) {
            return Err(Error::Internal(format!(
                "the OKR database has schema version {v}, newer than this build knows ({latest})"
            )));
        }
        let done: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [m.version],
            |r| r.get(0),
        )?;
        if done {
            continue;
        }
        tx.execute_batch(m.sql)
            .map_err(|e| Error::Internal(format!("migration {} failed: {e}", m.name)))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, Timestamp::now().as_millisecond()],
        )?;
        tx.commit()?;
        tracing::info!(
            version = m.version,
            name = m.name,
            "applied OKR schema migration"
        );
        applied_now += 1;
    }
    Ok(applied_now)
}

/// Milliseconds of an instant, as stored.
pub(crate) fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// An instant from stored milliseconds.
pub(crate) fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A stored value that cannot be read back: a bug or a database edited by hand.
pub(crate) fn corrupt(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("stored {what} [{value}] is not valid").into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_refuse_a_newer_database() {
        let mut c = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut c).unwrap(), MIGRATIONS.len());
        assert_eq!(migrate(&mut c).unwrap(), 0);
        c.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future', 0)",
            [],
        )
        .unwrap();
        assert!(matches!(migrate(&mut c), Err(Error::Internal(_))));
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }

    #[tokio::test]
    async fn a_failed_write_leaves_nothing() {
        let s = Store::in_memory().unwrap();
        let r: Result<()> = s
            .write(|tx| {
                tx.execute(
                    "INSERT INTO tenants (account_id, name, created_at, updated_at) VALUES ('1', 'A', 0, 0)",
                    [],
                )?;
                Err(Error::invalid("x", "refused halfway"))
            })
            .await;
        assert!(r.is_err());
        let n: i64 = s
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM tenants", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}
