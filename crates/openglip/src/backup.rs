//! `openglip admin backup --to FILE`: a consistent copy of the SQLite database, taken while the
//! server runs (the store's online backup: written beside the target, checked, synced, then
//! renamed, so a failure never leaves a broken file under the target's name). A PostgreSQL
//! database is backed up with PostgreSQL's own `pg_dump`; the command says how.

use std::path::Path;

use serde_json::json;

use crate::DataDir;

/// Runs the backup of `data` to `to`; the JSON printed on success.
pub fn run(data: &DataDir, to: &Path) -> Result<serde_json::Value, String> {
    if data.database_url().is_some() {
        return Err(pg_dump_advice());
    }
    let done = openglip_store_sqlite::backup::backup(&data.data_dir, to)?;
    Ok(json!({
        "backup": std::path::absolute(&done.path).unwrap_or(done.path).display().to_string(),
        "bytes": done.bytes,
        "schemaVersion": openglip_store_sqlite::SCHEMA_VERSION,
    }))
}

/// What to do instead on PostgreSQL (the URL is not repeated: it may hold a password).
fn pg_dump_advice() -> String {
    "the data is in PostgreSQL (--database): back it up with PostgreSQL's pg_dump, which takes a consistent snapshot while openglip runs: `pg_dump --format=custom --file FILE \"$OPENGLIP_DATABASE_URL\"`, and restore it into an empty database with `pg_restore --no-owner --dbname URL FILE` (docs/deploy.md, \"Backups\")".to_string()
}
