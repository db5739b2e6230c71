//! Failed password checks per key (`password_failures`, schema version 6): the platform's
//! brute-force throttle, shared by every process that serves the same database.

use openglip_domain::platform::PasswordFailures;
use openglip_domain::{Result, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::Db;

/// The counts of those of `keys` that have any.
pub(crate) fn of(c: &Connection, keys: &[String]) -> Result<Vec<PasswordFailures>> {
    let mut stmt = c
        .prepare_cached("SELECT count, since FROM password_failures WHERE key = ?1")
        .db()?;
    let mut out = Vec::new();
    for key in keys {
        let row: Option<(i64, i64)> = stmt
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .db()?;
        if let Some((count, since)) = row {
            out.push(PasswordFailures {
                key: key.clone(),
                count: u32::try_from(count).unwrap_or(u32::MAX),
                since: Timestamp(since),
            });
        }
    }
    Ok(out)
}

/// One more failure under each key; a count whose window began before `window_start` starts
/// again at `now`.
pub(crate) fn record(
    c: &Connection,
    keys: &[String],
    now: Timestamp,
    window_start: Timestamp,
) -> Result<()> {
    let mut stmt = c
        .prepare_cached(
            "INSERT INTO password_failures (key, count, since) VALUES (?1, 1, ?2)
             ON CONFLICT (key) DO UPDATE SET
                 count = CASE WHEN since < ?3 THEN 1 ELSE count + 1 END,
                 since = CASE WHEN since < ?3 THEN ?2 ELSE since END",
        )
        .db()?;
    for key in keys {
        stmt.execute(params![key, now.millis(), window_start.millis()])
            .db()?;
    }
    // Windows long over are of no use: keep the table small.
    c.prepare_cached("DELETE FROM password_failures WHERE since < ?1")
        .db()?
        .execute([window_start.millis()])
        .db()?;
    Ok(())
}

/// Forgets the failures under `key`.
pub(crate) fn clear(c: &Connection, key: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM password_failures WHERE key = ?1")
        .db()?
        .execute([key])
        .db()?;
    Ok(())
}
