//! `openglip admin migrate --from <sqlite data dir> --to postgres://…`: moves a single-node
//! installation to PostgreSQL. The source is read in one transaction (stop the server first:
//! what it writes afterwards would not be copied); the target must be an empty openglip
//! database (its tables are made by the migrations, as `serve` makes them), is written in one
//! transaction, table by table in the order they were created, and is committed only when
//! every copied table has as many rows as the source. Tables and their copy rules are the
//! SQLite store's `export::TABLES`, checked against its schema by a test, so a table added
//! later cannot be left behind unnoticed. The uploaded files' bytes, which live outside the
//! database, are copied first into the target's blob store (`migrate_files`), and checked.

use std::collections::BTreeMap;
use std::path::PathBuf;

use openglip_store_postgres::import::Import;
use openglip_store_sqlite::export::Export;
use serde_json::json;

use crate::migrate_files::{self, FilesTarget};

/// Rows handed from one database to the other at a time.
const BATCH: usize = 1_000;

/// Copies the files' bytes, then the tables on a thread of its own (both database clients are
/// synchronous); the JSON printed.
pub async fn run(
    from: PathBuf,
    to: String,
    files: FilesTarget,
) -> Result<serde_json::Value, String> {
    if !openglip_store_postgres::is_postgres_url(&to) {
        return Err(format!(
            "--to takes a PostgreSQL URL (postgres://user@host:5432/database), not {to:?}"
        ));
    }
    let source = from.clone();
    let blobs = tokio::task::spawn_blocking(move || Export::open(&source)?.blobs())
        .await
        .map_err(|_| "reading the source failed unexpectedly (a panic)".to_string())?
        .map_err(|e| {
            format!(
                "cannot read the SQLite data in {}: {}",
                from.display(),
                words(&e)
            )
        })?;
    let copied = migrate_files::copy(&from, &blobs, &files).await?;
    let mut out = std::thread::spawn(move || copy(&from, &to))
        .join()
        .map_err(|_| {
            "the copy failed unexpectedly (a panic); nothing was committed".to_string()
        })??;
    out["files"] = copied;
    Ok(out)
}

fn copy(from: &std::path::Path, to: &str) -> Result<serde_json::Value, String> {
    let source = Export::open(from).map_err(|e| {
        format!(
            "cannot read the SQLite data in {}: {}",
            from.display(),
            words(&e)
        )
    })?;
    let tables = source.tables_to_copy().map_err(|e| words(&e))?;
    let mut target = Import::open(to).map_err(|e| format!("cannot open the target {e}"))?;
    let shown = target.shown.clone();
    let failed = |e: openglip_domain::Error| {
        format!(
            "copying into {shown} failed, nothing was committed: {}",
            words(&e)
        )
    };
    if let Some((table, n)) = target.first_non_empty().map_err(failed)? {
        return Err(format!(
            "{shown} already holds openglip data ({table} has {n} rows): migrate into a new, empty database"
        ));
    }
    let mut counts = BTreeMap::new();
    let mut total = 0;
    for table in &tables {
        source
            .each_batch(table, BATCH, |rows| target.insert(rows))
            .map_err(failed)?;
        let (expected, copied) = (
            source.count(table).map_err(failed)?,
            target.count(table).map_err(failed)?,
        );
        if expected != copied {
            return Err(format!(
                "{table}: {expected} rows in the source but {copied} in the target; nothing was committed"
            ));
        }
        total += copied;
        counts.insert(table.clone(), copied);
    }
    target.finish().map_err(failed)?;
    Ok(json!({
        "from": std::path::absolute(from).unwrap_or(from.to_path_buf()).display().to_string(),
        "to": shown,
        "rows": total,
        "tables": counts,
    }))
}

fn words(e: &openglip_domain::Error) -> String {
    match e {
        openglip_domain::Error::Internal(m) => m.clone(),
        other => other.to_string(),
    }
}
