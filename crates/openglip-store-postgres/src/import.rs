//! The PostgreSQL side of `openglip admin migrate`: rows exported by another store
//! ([`Rows`], same table and column names) written into an empty database, all in one
//! transaction, each value converted to its column's type (SQLite's 0/1 to `BOOLEAN`, …), ids
//! kept, and the identity sequences moved past the largest id so new rows do not collide.
//!
//! Nothing is committed until [`Import::finish`]: a failure half way, or counts that do not
//! match, leave the database as empty as it was.
//!
//! Blocking, like every use of the synchronous client: run it on a thread of its own.

use std::collections::HashMap;

use openglip_domain::transfer::{Cell, Rows};
use openglip_domain::{Error, Result};
use postgres::types::ToSql;

use crate::db::{Conn, get};
use crate::writer::WRITE_LOCK;
use crate::{OpenError, PostgresStore, db, without_password};

/// A target database being filled, inside its transaction.
pub struct Import {
    conn: Conn,
    /// Column name → type name, per table of the schema.
    types: HashMap<String, HashMap<String, String>>,
    /// The URL without its password, for messages.
    pub shown: String,
}

impl Import {
    /// Opens the database (making and migrating its tables as `serve` would), then starts the
    /// transaction that holds the store's write lock: no openglip node can write meanwhile.
    pub fn open(url: &str) -> std::result::Result<Import, OpenError> {
        let shown = without_password(url);
        drop(PostgresStore::open(url)?);
        let refuse = |e: Error| OpenError(format!("{shown}: {e}"));
        let config = db::config(url).map_err(refuse)?;
        let mut conn = Conn::open(&config).map_err(refuse)?;
        conn.batch(&format!(
            "SET synchronous_commit = on; BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        ))
        .map_err(refuse)?;
        let mut types: HashMap<String, HashMap<String, String>> = HashMap::new();
        let rows = conn
            .query(
                "SELECT table_name::TEXT, column_name::TEXT, data_type::TEXT
                 FROM information_schema.columns WHERE table_schema = current_schema()",
                &[],
            )
            .map_err(refuse)?;
        for r in &rows {
            let (t, c, ty): (String, String, String) = (
                get(r, 0).map_err(refuse)?,
                get(r, 1).map_err(refuse)?,
                get(r, 2).map_err(refuse)?,
            );
            types.entry(t).or_default().insert(c, ty);
        }
        Ok(Import { conn, types, shown })
    }

    /// The first table (other than the migrations' record) that holds rows, with its count:
    /// the target must be empty.
    pub fn first_non_empty(&mut self) -> Result<Option<(String, i64)>> {
        let mut tables: Vec<&String> = self.types.keys().collect();
        tables.sort();
        let tables: Vec<String> = tables.into_iter().cloned().collect();
        for t in tables {
            if t == "schema_migrations" {
                continue;
            }
            let n = self.count(&t)?;
            if n > 0 {
                return Ok(Some((t, n)));
            }
        }
        Ok(None)
    }

    /// Rows in `table`, as this transaction sees them.
    pub fn count(&mut self, table: &str) -> Result<i64> {
        let sql = format!("SELECT count(*) FROM \"{}\"", ident(table)?);
        get(&self.conn.one(&sql, &[])?, 0)
    }

    /// Writes `rows` into their table.
    pub fn insert(&mut self, rows: &Rows) -> Result<()> {
        let table = ident(&rows.table)?;
        let Some(types) = self.types.get(table) else {
            return Err(Error::Internal(format!(
                "the target has no table {table}: is it this build's schema?"
            )));
        };
        let mut kinds = Vec::with_capacity(rows.columns.len());
        for c in &rows.columns {
            let ty = types.get(c.as_str()).ok_or_else(|| {
                Error::Internal(format!("the target's table {table} has no column {c}"))
            })?;
            kinds.push(ty.clone());
        }
        let columns: Vec<String> = rows
            .columns
            .iter()
            .map(|c| ident(c).map(|c| format!("\"{c}\"")))
            .collect::<Result<_>>()?;
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        );
        for row in &rows.rows {
            let values: Vec<Box<dyn ToSql + Sync>> = row
                .iter()
                .zip(&kinds)
                .zip(&rows.columns)
                .map(|((cell, ty), column)| value(cell, ty, table, column))
                .collect::<Result<_>>()?;
            let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
            self.conn.exec(&sql, &params)?;
        }
        Ok(())
    }

    /// Moves every identity sequence past its column's largest value, and commits.
    pub fn finish(mut self) -> Result<()> {
        let serial = self.conn.query(
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
             WHERE table_schema = current_schema()
               AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')",
            &[],
        )?;
        for r in &serial {
            let (t, c): (String, String) = (get(r, 0)?, get(r, 1)?);
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence($1, $2),
                               COALESCE((SELECT max(\"{c}\") FROM \"{t}\"), 0) + 1, false)",
                c = ident(&c)?,
                t = ident(&t)?
            );
            self.conn.query(&sql, &[&t, &c])?;
        }
        self.conn.batch("COMMIT")
    }
}

/// A cell as a parameter of the column's type.
fn value(cell: &Cell, ty: &str, table: &str, column: &str) -> Result<Box<dyn ToSql + Sync>> {
    let wrong = || {
        Error::Internal(format!(
            "{table}.{column}: {cell:?} does not fit the target's type {ty}"
        ))
    };
    Ok(match (ty, cell) {
        ("boolean", Cell::Null) => Box::new(None::<bool>),
        ("boolean", Cell::Int(v)) => Box::new(*v != 0),
        ("bigint", Cell::Null) => Box::new(None::<i64>),
        ("bigint", Cell::Int(v)) => Box::new(*v),
        ("integer", Cell::Null) => Box::new(None::<i32>),
        ("integer", Cell::Int(v)) => Box::new(i32::try_from(*v).map_err(|_| wrong())?),
        ("smallint", Cell::Null) => Box::new(None::<i16>),
        ("smallint", Cell::Int(v)) => Box::new(i16::try_from(*v).map_err(|_| wrong())?),
        ("double precision", Cell::Null) => Box::new(None::<f64>),
        ("double precision", Cell::Real(v)) => Box::new(*v),
        ("double precision", Cell::Int(v)) => Box::new(*v as f64),
        ("bytea", Cell::Null) => Box::new(None::<Vec<u8>>),
        ("bytea", Cell::Bytes(b)) => Box::new(b.clone()),
        ("bytea", Cell::Text(t)) => Box::new(t.clone().into_bytes()),
        ("text", Cell::Null) => Box::new(None::<String>),
        ("text", Cell::Text(t)) => Box::new(t.clone()),
        ("text", Cell::Int(v)) => Box::new(v.to_string()),
        ("text", Cell::Bytes(b)) => Box::new(String::from_utf8(b.clone()).map_err(|_| wrong())?),
        _ => return Err(wrong()),
    })
}

/// A table or column name as the schema spells them (letters, digits, `_`), else an error:
/// names are put into SQL text.
fn ident(name: &str) -> Result<&str> {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(name)
    } else {
        Err(Error::Internal(format!(
            "not a table or column name: {name:?}"
        )))
    }
}
