//! Interactive messages (`InteractiveStore`, schema version 22): apps' settings
//! (`app_interactive`) and card submissions (`card_submissions`, a queue claimed with a lease).

use openglip_domain::interactive::*;
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::SqliteStore;
use crate::db::{Db, internal, is_fk_violation};

const SETTINGS_COLS: &str = "s.app_id, s.enabled, s.url, s.secret, s.modified";
const SUBMISSION_COLS: &str =
    "u.id, u.app_id, u.submitted, u.status, u.attempts, u.last_error, u.created, u.finished";

fn settings_row(r: &Row<'_>, at: usize) -> rusqlite::Result<InteractiveSettings> {
    Ok(InteractiveSettings {
        app_id: AppId(r.get(at)?),
        enabled: r.get(at + 1)?,
        url: r.get(at + 2)?,
        secret: r.get(at + 3)?,
        modified: Timestamp(r.get(at + 4)?),
    })
}

/// A submission row, its `submitted` column read back from JSON.
fn submission_row(r: &Row<'_>) -> rusqlite::Result<CardSubmission> {
    let json: String = r.get(2)?;
    let submitted = serde_json::from_str(&json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into())
    })?;
    let status: String = r.get(3)?;
    let attempts: i64 = r.get(4)?;
    Ok(CardSubmission {
        id: r.get(0)?,
        app_id: AppId(r.get(1)?),
        submitted,
        // Only this file writes the column, with `as_str` (and a CHECK keeps it so).
        status: SubmissionStatus::parse(&status).unwrap_or(SubmissionStatus::Failed),
        attempts: attempts.clamp(0, u32::MAX as i64) as u32,
        last_error: r.get(5)?,
        created: Timestamp(r.get(6)?),
        finished: r.get::<_, Option<i64>>(7)?.map(Timestamp),
    })
}

fn submission(c: &Connection, id: i64) -> Result<Option<CardSubmission>> {
    c.prepare_cached(&format!(
        "SELECT {SUBMISSION_COLS} FROM card_submissions u WHERE u.id = ?1"
    ))
    .db()?
    .query_row([id], submission_row)
    .optional()
    .db()
}

fn settings(c: &Connection, app: i64) -> Result<Option<InteractiveSettings>> {
    c.prepare_cached(&format!(
        "SELECT {SETTINGS_COLS} FROM app_interactive s WHERE s.app_id = ?1"
    ))
    .db()?
    .query_row([app], |r| settings_row(r, 0))
    .optional()
    .db()
}

fn claim(c: &Connection, now: Timestamp, until: Timestamp) -> Result<Option<Claimed>> {
    let id: Option<i64> = c
        .prepare_cached(
            "SELECT id FROM card_submissions WHERE status = 'Pending' AND due <= ?1
              ORDER BY due, id LIMIT 1",
        )
        .db()?
        .query_row([now.0], |r| r.get(0))
        .optional()
        .db()?;
    let Some(id) = id else { return Ok(None) };
    c.prepare_cached("UPDATE card_submissions SET attempts = attempts + 1, due = ?2 WHERE id = ?1")
        .db()?
        .execute(params![id, until.0])
        .db()?;
    let Some(submission) = submission(c, id)? else {
        return Ok(None);
    };
    let settings = settings(c, submission.app_id.0)?;
    Ok(Some(Claimed {
        submission,
        settings,
    }))
}

/// A missing app is "not found"; anything else the database's failure.
fn app_gone(e: rusqlite::Error) -> Error {
    if is_fk_violation(&e) {
        Error::NotFound(Subject::App)
    } else {
        internal(e)
    }
}

impl InteractiveStore for SqliteStore {
    fn interactive_settings(&self, app: AppId) -> BoxFuture<'_, Option<InteractiveSettings>> {
        Box::pin(self.read(move |c| settings(c, app.0)))
    }

    fn save_interactive_settings(
        &self,
        s: InteractiveSettings,
    ) -> BoxFuture<'_, InteractiveSettings> {
        Box::pin(self.write(move |c, now| {
            c.prepare_cached(
                "INSERT INTO app_interactive (app_id, enabled, url, secret, modified)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (app_id) DO UPDATE SET enabled = excluded.enabled,
                   url = excluded.url, secret = excluded.secret, modified = excluded.modified",
            )
            .db()?
            .execute(params![s.app_id.0, s.enabled, s.url, s.secret, now])
            .map_err(app_gone)?;
            Ok(InteractiveSettings {
                modified: Timestamp(now),
                ..s
            })
        }))
    }

    fn card_app(&self, bot: ExtensionId) -> BoxFuture<'_, Option<CardApp>> {
        Box::pin(self.read(move |c| {
            // An installed bot's app; else the bot app whose token the bot holds (an operator's).
            let app: Option<(i64, String)> = c
                .prepare_cached(
                    "SELECT a.id, a.client_id FROM extensions e
                       JOIN apps a ON a.kind = 'Bot' AND a.id = COALESCE(
                         (SELECT b.app_id FROM bot_installs b WHERE b.extension_id = e.id),
                         (SELECT t.app_id FROM tokens t JOIN apps ta ON ta.id = t.app_id
                           WHERE t.extension_id = e.id AND ta.kind = 'Bot'
                           ORDER BY t.id LIMIT 1))
                      WHERE e.id = ?1 AND e.type = 'Bot'",
                )
                .db()?
                .query_row([bot.0], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .db()?;
            let Some((app_id, client_id)) = app else {
                return Ok(None);
            };
            Ok(Some(CardApp {
                app_id: AppId(app_id),
                client_id,
                settings: settings(c, app_id)?,
            }))
        }))
    }

    fn record_submission(&self, new: NewSubmission) -> BoxFuture<'_, CardSubmission> {
        Box::pin(self.write(move |c, now| {
            let json = serde_json::to_string(&new.submitted)
                .map_err(|e| Error::Internal(e.to_string()))?;
            c.prepare_cached(
                "INSERT INTO card_submissions (app_id, user_id, submitted, status, due, created)
                 VALUES (?1, ?2, ?3, 'Pending', ?4, ?4)",
            )
            .db()?
            .execute(params![new.app_id.0, new.submitted.user_id.0, json, now])
            .map_err(app_gone)?;
            Ok(CardSubmission {
                id: c.last_insert_rowid(),
                app_id: new.app_id,
                submitted: new.submitted,
                status: SubmissionStatus::Pending,
                attempts: 0,
                last_error: None,
                created: Timestamp(now),
                finished: None,
            })
        }))
    }

    fn submission(&self, id: i64) -> BoxFuture<'_, Option<CardSubmission>> {
        Box::pin(self.read(move |c| submission(c, id)))
    }

    fn claim_submission(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> BoxFuture<'_, Option<Claimed>> {
        Box::pin(self.write(move |c, _| claim(c, now, lease_until)))
    }

    fn retry_submission(&self, id: i64, next: Timestamp, reason: String) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| {
            c.prepare_cached(
                "UPDATE card_submissions SET due = ?2, last_error = ?3
                  WHERE id = ?1 AND status = 'Pending'",
            )
            .db()?
            .execute(params![id, next.0, reason])
            .db()?;
            Ok(())
        }))
    }

    fn finish_submission(
        &self,
        id: i64,
        status: SubmissionStatus,
        reason: Option<String>,
    ) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| {
            c.prepare_cached(
                "UPDATE card_submissions SET status = ?2, last_error = COALESCE(?3, last_error),
                        finished = ?4
                  WHERE id = ?1 AND status = 'Pending'",
            )
            .db()?
            .execute(params![id, status.as_str(), reason, now])
            .db()?;
            Ok(())
        }))
    }
}
