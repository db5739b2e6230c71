//! The SQLite side of `openglip admin migrate`: every table of a data folder read out as plain
//! rows ([`Rows`]), in one read transaction (one consistent state), table by table in the order
//! they were created (so a table comes after the tables it refers to), rows by rowid.
//!
//! [`TABLES`] says, for every table of the schema, whether it is copied. A table added by a
//! migration without a rule here fails the store's test (`every_table_has_a_copy_rule`), so a
//! new feature cannot be forgotten by the copy.

use std::path::Path;

use openglip_domain::files::ContentHash;
use openglip_domain::transfer::{Cell, CopyRule, Rows};
use openglip_domain::{Error, Result};
use rusqlite::Connection;
use rusqlite::types::ValueRef;

use crate::db::{Db, open_reader};
use crate::{DB_FILE, SqliteStore};

/// Every table of the schema, and what the copy does with it.
pub const TABLES: &[(&str, CopyRule)] = &[
    ("accounts", CopyRule::Copy),
    ("extensions", CopyRule::Copy),
    ("chats", CopyRule::Copy),
    ("members", CopyRule::Copy),
    ("posts", CopyRule::Copy),
    ("favorites", CopyRule::Copy),
    ("apps", CopyRule::Copy),
    ("tokens", CopyRule::Copy),
    ("events", CopyRule::Copy),
    ("subscriptions", CopyRule::Copy),
    ("developer_sandboxes", CopyRule::Copy),
    ("app_details", CopyRule::Copy),
    ("app_usage", CopyRule::Copy),
    ("web_sessions", CopyRule::Copy),
    ("auth_codes", CopyRule::Copy),
    ("consents", CopyRule::Copy),
    ("jwt_credentials", CopyRule::Copy),
    ("bot_installs", CopyRule::Copy),
    ("activations", CopyRule::Copy),
    ("mail_outbox", CopyRule::Copy),
    ("unassigned_extensions", CopyRule::Copy),
    ("profile_images", CopyRule::Copy),
    ("chat_reads", CopyRule::Copy),
    ("chat_notifications", CopyRule::Copy),
    ("password_failures", CopyRule::Copy),
    ("undeliverable_events", CopyRule::Copy),
    // The records of uploaded files; their bytes stay in the blob store (`files/` of the data
    // folder, or the bucket), which the copy does not move.
    ("blobs", CopyRule::Copy),
    ("files", CopyRule::Copy),
    ("file_posts", CopyRule::Copy),
    ("audit_events", CopyRule::Copy),
    ("membership_steps", CopyRule::Copy),
    ("tasks", CopyRule::Copy),
    ("task_assignees", CopyRule::Copy),
    ("notes", CopyRule::Copy),
    ("calendar_events", CopyRule::Copy),
    ("webhooks", CopyRule::Copy),
    ("presence", CopyRule::Copy),
    ("export_tasks", CopyRule::Copy),
    ("export_datasets", CopyRule::Copy),
    ("app_interactive", CopyRule::Copy),
    ("card_submissions", CopyRule::Copy),
    ("oidc_signing_keys", CopyRule::Copy),
    ("oidc_grants", CopyRule::Copy),
    (
        "post_search",
        CopyRule::Skip(
            "SQLite's full-text index of the posts; PostgreSQL keeps its own, generated from the posts",
        ),
    ),
    (
        "post_search_config",
        CopyRule::Skip(
            "SQLite's full-text index of the posts; PostgreSQL keeps its own, generated from the posts",
        ),
    ),
    (
        "post_search_data",
        CopyRule::Skip(
            "SQLite's full-text index of the posts; PostgreSQL keeps its own, generated from the posts",
        ),
    ),
    (
        "post_search_docsize",
        CopyRule::Skip(
            "SQLite's full-text index of the posts; PostgreSQL keeps its own, generated from the posts",
        ),
    ),
    (
        "post_search_idx",
        CopyRule::Skip(
            "SQLite's full-text index of the posts; PostgreSQL keeps its own, generated from the posts",
        ),
    ),
    (
        "schema_migrations",
        CopyRule::Skip("the target records its own migrations"),
    ),
];

/// A data folder opened for export: its database migrated to this build's schema, then read in
/// one transaction.
pub struct Export {
    conn: Connection,
}

impl Export {
    /// Opens the data folder's database (applying this build's migrations first, as `serve`
    /// would) and starts the read transaction every later call reads in.
    pub fn open(data_dir: &Path) -> Result<Export> {
        if !data_dir.join(DB_FILE).is_file() {
            return Err(Error::Internal(format!(
                "no openglip data in {}",
                data_dir.display()
            )));
        }
        drop(SqliteStore::open(data_dir)?);
        let conn = open_reader(&data_dir.join(DB_FILE))?;
        conn.execute_batch("BEGIN").db()?;
        Ok(Export { conn })
    }

    /// The tables of the database, in the order they were created (SQLite's own excluded).
    pub fn tables(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                 ORDER BY rowid",
            )
            .db()?;
        let names = stmt.query_map([], |r| r.get(0)).db()?;
        names.collect::<rusqlite::Result<_>>().db()
    }

    /// The tables to copy, in creation order. A table without a rule in [`TABLES`] is an
    /// error naming it (this build would lose it).
    pub fn tables_to_copy(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for t in self.tables()? {
            match TABLES.iter().find(|(name, _)| *name == t) {
                Some((_, CopyRule::Copy)) => out.push(t),
                Some((_, CopyRule::Skip(_))) => {}
                None => {
                    return Err(Error::Internal(format!(
                        "the table {t} has no copy rule: this build cannot migrate it"
                    )));
                }
            }
        }
        Ok(out)
    }

    /// Rows in `table`.
    pub fn count(&self, table: &str) -> Result<i64> {
        self.conn
            .query_row(
                &format!("SELECT count(*) FROM \"{}\"", ident(table)?),
                [],
                |r| r.get(0),
            )
            .db()
    }

    /// Hands `table`'s rows to `each`, `size` at a time, in rowid order.
    pub fn each_batch(
        &self,
        table: &str,
        size: usize,
        mut each: impl FnMut(&Rows) -> Result<()>,
    ) -> Result<()> {
        // Rows in the order they were written (a `WITHOUT ROWID` table in its key's order).
        let without_rowid: bool = self
            .conn
            .query_row(
                "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master
                 WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .db()?;
        let order = if without_rowid { "" } else { " ORDER BY rowid" };
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT * FROM \"{}\"{order}", ident(table)?))
            .db()?;
        let columns: Vec<String> = stmt.column_names().map(String::from).collect();
        let n = columns.len();
        let mut batch = Rows {
            table: table.to_string(),
            columns,
            rows: Vec::with_capacity(size),
        };
        let mut rows = stmt.query([]).db()?;
        while let Some(r) = rows.next().db()? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(match r.get_ref(i).db()? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Real(v) => Cell::Real(v),
                    ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
                });
            }
            batch.rows.push(row);
            if batch.rows.len() >= size {
                each(&batch)?;
                batch.rows.clear();
            }
        }
        if !batch.rows.is_empty() {
            each(&batch)?;
        }
        Ok(())
    }

    /// The uploaded files' contents the database names (`blobs`: hash and size), whose bytes
    /// live outside it, in the blob store; by hash.
    pub fn blobs(&self) -> Result<Vec<(ContentHash, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT hash, size FROM blobs ORDER BY hash")
            .db()?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .db()?;
        let mut out = Vec::new();
        for row in rows {
            let (hex, size) = row.db()?;
            let hash = ContentHash::from_hex(&hex)
                .ok_or_else(|| Error::Internal(format!("a blob's hash is not SHA-256: {hex:?}")))?;
            out.push((hash, size.max(0) as u64));
        }
        Ok(out)
    }
}

/// A table name as the schema spells them (letters, digits, `_`), else an error: names are put
/// into SQL text.
fn ident(name: &str) -> Result<&str> {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(name)
    } else {
        Err(Error::Internal(format!("not a table name: {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_copy_rule() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStore::open(dir.path()).unwrap());
        let export = Export::open(dir.path()).unwrap();
        let mut tables = export.tables().unwrap();
        tables.sort();
        let mut ruled: Vec<String> = TABLES.iter().map(|(t, _)| t.to_string()).collect();
        ruled.sort();
        assert_eq!(
            tables, ruled,
            "a table was added (or removed): give it a rule in export::TABLES"
        );
        assert!(export.tables_to_copy().unwrap().contains(&"posts".into()));
    }
}
