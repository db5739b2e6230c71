//! Versioned schema migrations, embedded in the binary and applied at open.
//!
//! Each file of `migrations/` is one version, named `NNNN_name.sql`; it runs inside its own
//! transaction together with its row in `schema_migrations`, so a version is applied completely
//! or not at all. A PostgreSQL store keeps the same file names in its own crate.

use std::collections::HashSet;

use openglip_domain::{Error, Result};
use rusqlite::{Connection, TransactionBehavior, params};
use tracing::info;

use crate::db::{Db, now_ms};

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// In order of version. Append only: a released migration is never edited.
/// The newest version of [`MIGRATIONS`] (they are in order).
pub(crate) const fn latest_version() -> i64 {
    match MIGRATIONS.last() {
        Some(m) => m.version,
        None => 0,
    }
}

pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init",
        sql: include_str!("../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_events",
        sql: include_str!("../migrations/0002_events.sql"),
    },
    Migration {
        version: 3,
        name: "0003_platform",
        sql: include_str!("../migrations/0003_platform.sql"),
    },
    Migration {
        version: 4,
        name: "0004_reads",
        sql: include_str!("../migrations/0004_reads.sql"),
    },
    Migration {
        version: 5,
        name: "0005_regional",
        sql: include_str!("../migrations/0005_regional.sql"),
    },
    Migration {
        version: 6,
        name: "0006_password_failures",
        sql: include_str!("../migrations/0006_password_failures.sql"),
    },
    Migration {
        version: 7,
        name: "0007_undeliverable_events",
        sql: include_str!("../migrations/0007_undeliverable_events.sql"),
    },
    Migration {
        version: 8,
        name: "0008_files",
        sql: include_str!("../migrations/0008_files.sql"),
    },
    Migration {
        version: 9,
        name: "0009_webhooks",
        sql: include_str!("../migrations/0009_webhooks.sql"),
    },
    Migration {
        version: 10,
        name: "0010_presence",
        sql: include_str!("../migrations/0010_presence.sql"),
    },
    Migration {
        version: 11,
        name: "0011_teamwork",
        sql: include_str!("../migrations/0011_teamwork.sql"),
    },
    Migration {
        version: 13,
        name: "0013_search",
        sql: include_str!("../migrations/0013_search.sql"),
    },
    Migration {
        version: 14,
        name: "0014_data_export",
        sql: include_str!("../migrations/0014_data_export.sql"),
    },
    Migration {
        version: 15,
        name: "0015_oidc",
        sql: include_str!("../migrations/0015_oidc.sql"),
    },
    Migration {
        version: 16,
        name: "0016_audit_log",
        sql: include_str!("../migrations/0016_audit_log.sql"),
    },
    Migration {
        version: 20,
        name: "0020_membership_steps",
        sql: include_str!("../migrations/0020_membership_steps.sql"),
    },
    Migration {
        version: 21,
        name: "0021_chat_notifications",
        sql: include_str!("../migrations/0021_chat_notifications.sql"),
    },
    Migration {
        version: 22,
        name: "0022_interactive_messages",
        sql: include_str!("../migrations/0022_interactive_messages.sql"),
    },
];

/// Applies every migration not applied yet. Returns how many were applied now.
pub(crate) fn migrate(conn: &mut Connection) -> Result<usize> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT    NOT NULL,
             applied_at INTEGER NOT NULL
         )",
    )
    .db()?;
    let latest = MIGRATIONS.last().map_or(0, |m| m.version);
    let mut applied_now = 0;
    for m in MIGRATIONS {
        // IMMEDIATE: another process opening the same database at once waits for us, then sees
        // the version as applied.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .db()?;
        let applied: HashSet<i64> = {
            let mut stmt = tx.prepare("SELECT version FROM schema_migrations").db()?;
            let rows = stmt.query_map([], |r| r.get::<_, i64>(0)).db()?;
            rows.collect::<rusqlite::Result<_>>().db()?
        };
        if let Some(v) = applied.iter().copied().find(|v| *v > latest) {
            return Err(Error::Internal(format!(
                "the database has schema version {v}, newer than this build knows ({latest})"
            )));
        }
        if applied.contains(&m.version) {
            continue;
        }
        tx.execute_batch(m.sql)
            .map_err(|e| Error::Internal(format!("migration {} failed: {e}", m.name)))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, now_ms()],
        )
        .db()?;
        tx.commit().db()?;
        info!(
            version = m.version,
            name = m.name,
            "applied schema migration"
        );
        applied_now += 1;
    }
    Ok(applied_now)
}

/// Whether every migration this build knows is applied, and none newer (readiness).
pub(crate) fn is_current(conn: &Connection) -> Result<bool> {
    let newest: i64 = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )
        .db()?;
    Ok(newest == MIGRATIONS.last().map_or(0, |m| m.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_ordered_and_match_file_names() {
        let mut last = 0;
        for m in MIGRATIONS {
            assert!(m.version > last, "versions must increase");
            assert!(
                m.name.starts_with(&format!("{:04}_", m.version)),
                "{} vs {}",
                m.name,
                m.version
            );
            assert!(!m.sql.trim().is_empty());
            last = m.version;
        }
    }

    #[test]
    fn applies_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len());
        assert_eq!(migrate(&mut conn).unwrap(), 0);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, MIGRATIONS.len() as i64);
        assert!(is_current(&conn).unwrap());
    }

    #[test]
    fn refuses_a_newer_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 0)",
            [],
        )
        .unwrap();
        assert!(matches!(migrate(&mut conn), Err(Error::Internal(_))));
        assert!(!is_current(&conn).unwrap());
    }
}
