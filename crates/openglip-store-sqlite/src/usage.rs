//! API calls counted per app and group (`app_usage`, schema version 3), added in batches by the
//! platform's usage counter and read by the console.

use openglip_domain::platform::*;
use openglip_domain::*;
use rusqlite::{Connection, params};

use crate::db::Db;

pub(crate) fn add_usage(c: &Connection, now: i64, deltas: Vec<UsageDelta>) -> Result<()> {
    for d in deltas {
        let r = c
            .prepare_cached(
                "INSERT INTO app_usage (app_id, grp, calls, errors, last_call) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (app_id, grp) DO UPDATE SET calls = calls + ?3, errors = errors + ?4, last_call = ?5",
            )
            .db()?
            .execute(params![d.app_id.0, d.group, d.calls as i64, d.errors as i64, now]);
        match r {
            Ok(_) => {}
            // The app was deleted meanwhile: its usage no longer matters.
            Err(e) if crate::db::is_fk_violation(&e) => {}
            Err(e) => return Err(crate::db::internal(e)),
        }
    }
    Ok(())
}

pub(crate) fn usage(c: &Connection, app: AppId) -> Result<Vec<UsageRow>> {
    let mut stmt = c
        .prepare_cached(
            "SELECT grp, calls, errors, last_call FROM app_usage WHERE app_id = ?1 ORDER BY grp",
        )
        .db()?;
    stmt.query_map([app.0], |r| {
        Ok(UsageRow {
            group: r.get(0)?,
            calls: r.get(1)?,
            errors: r.get(2)?,
            last_call: Timestamp(r.get(3)?),
        })
    })
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}
