//! Versioned schema migrations, embedded in the binary and applied at open.
//!
//! Each file of `migrations/` is one version, named like the SQLite store's (`NNNN_name.sql`,
//! the same versions in PostgreSQL's types). PostgreSQL changes its schema inside transactions,
//! so each version runs in one together with its row in `schema_migrations`: applied completely
//! or not at all. The transaction first takes the migration lock, so nodes starting at once
//! apply each version once, and running the migrations again changes nothing.

use openglip_domain::{Error, Result};
use tracing::info;

use crate::db::{Conn, get, now_ms};

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

/// The advisory lock (per database) held while migrating.
const MIGRATION_LOCK: i64 = 0x6f67_6d69_6772; // "ogmigr"

/// A fingerprint of every migration (versions, names and SQL): databases made by builds with
/// the same fingerprint have the same schema. FNV-1a, stable across builds and processes.
pub(crate) fn fingerprint() -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for m in MIGRATIONS {
        let version = m.version.to_le_bytes();
        for byte in version
            .iter()
            .chain(m.name.as_bytes())
            .chain(m.sql.as_bytes())
        {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The newest version this build knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Applies every migration not applied yet. Returns how many were applied now.
pub(crate) fn migrate(conn: &mut Conn) -> Result<usize> {
    let latest = latest();
    let mut applied_now = 0;
    for m in MIGRATIONS {
        conn.batch("BEGIN")?;
        let outcome = apply(conn, m, latest);
        match outcome {
            Ok(applied) => {
                conn.batch("COMMIT")?;
                if applied {
                    info!(
                        version = m.version,
                        name = m.name,
                        "applied schema migration"
                    );
                    applied_now += 1;
                }
            }
            Err(e) => {
                if let Err(rollback) = conn.batch("ROLLBACK") {
                    tracing::error!(error = %rollback, "rollback failed");
                }
                return Err(e);
            }
        }
    }
    Ok(applied_now)
}

/// Inside a transaction: applies `m` unless it is applied already. Returns whether it was now.
fn apply(conn: &mut Conn, m: &Migration, latest: i64) -> Result<bool> {
    conn.exec("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    conn.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT   NOT NULL,
             applied_at BIGINT NOT NULL
         )",
    )?;
    let newest: i64 = get(
        &conn.one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?,
        0,
    )?;
    if newest > latest {
        return Err(Error::Internal(format!(
            "the database has schema version {newest}, newer than this build knows ({latest})"
        )));
    }
    if conn.exists(
        "SELECT 1 FROM schema_migrations WHERE version = $1",
        &[&m.version],
    )? {
        return Ok(false);
    }
    conn.batch(m.sql)
        .map_err(|e| Error::Internal(format!("migration {} failed: {e:?}", m.name)))?;
    conn.exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        &[&m.version, &m.name, &now_ms()],
    )?;
    Ok(true)
}

/// Whether every migration this build knows is applied, and none newer (readiness).
pub(crate) fn is_current(conn: &mut Conn) -> Result<bool> {
    let exists = conn.exists(
        "SELECT 1 FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
        &[],
    )?;
    if !exists {
        return Ok(false);
    }
    let newest: i64 = get(
        &conn.one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?,
        0,
    )?;
    Ok(newest == latest())
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
}
