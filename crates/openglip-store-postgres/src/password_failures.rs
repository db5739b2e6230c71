//! Failed password checks per key (`password_failures`, schema version 6): the platform's
//! brute-force throttle, shared by every node that serves the same database.

use openglip_domain::platform::PasswordFailures;
use openglip_domain::{Result, Timestamp};

use crate::db::{Conn, get};

/// The counts of those of `keys` that have any.
pub(crate) fn of(c: &mut Conn, keys: &[String]) -> Result<Vec<PasswordFailures>> {
    let rows = c.query(
        "SELECT key, count, since FROM password_failures WHERE key = ANY($1)",
        &[&keys],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let count: i64 = get(r, 1)?;
        out.push(PasswordFailures {
            key: get(r, 0)?,
            count: u32::try_from(count).unwrap_or(u32::MAX),
            since: Timestamp(get(r, 2)?),
        });
    }
    Ok(out)
}

/// One more failure under each key; a count whose window began before `window_start` starts
/// again at `now`.
pub(crate) fn record(
    c: &mut Conn,
    keys: &[String],
    now: Timestamp,
    window_start: Timestamp,
) -> Result<()> {
    for key in keys {
        c.exec(
            "INSERT INTO password_failures (key, count, since) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET
                 count = CASE WHEN password_failures.since < $3 THEN 1
                              ELSE password_failures.count + 1 END,
                 since = CASE WHEN password_failures.since < $3 THEN $2
                              ELSE password_failures.since END",
            &[key, &now.millis(), &window_start.millis()],
        )?;
    }
    // Windows long over are of no use: keep the table small.
    c.exec(
        "DELETE FROM password_failures WHERE since < $1",
        &[&window_start.millis()],
    )?;
    Ok(())
}

/// Forgets the failures under `key`.
pub(crate) fn clear(c: &mut Conn, key: &str) -> Result<()> {
    c.exec("DELETE FROM password_failures WHERE key = $1", &[&key])?;
    Ok(())
}
