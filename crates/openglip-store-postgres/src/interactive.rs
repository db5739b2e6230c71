//! Interactive messages (`InteractiveStore`, schema version 22), as in the SQLite store: apps'
//! settings (`app_interactive`) and card submissions (`card_submissions`, a queue whose rows a
//! worker claims `FOR UPDATE` under the writer's lock, with a lease).

use openglip_domain::interactive::*;
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use postgres::Row;

use crate::PostgresStore;
use crate::db::{Conn, get, internal, is_fk_violation};

const SETTINGS_COLS: &str = "s.app_id, s.enabled, s.url, s.secret, s.modified";
const SUBMISSION_COLS: &str =
    "u.id, u.app_id, u.submitted, u.status, u.attempts, u.last_error, u.created, u.finished";

fn settings_of(r: &Row) -> Result<InteractiveSettings> {
    Ok(InteractiveSettings {
        app_id: AppId(get(r, 0)?),
        enabled: get(r, 1)?,
        url: get(r, 2)?,
        secret: get(r, 3)?,
        modified: Timestamp(get(r, 4)?),
    })
}

fn submission_of(r: &Row) -> Result<CardSubmission> {
    let id: i64 = get(r, 0)?;
    let json: String = get(r, 2)?;
    let status: String = get(r, 3)?;
    let attempts: i32 = get(r, 4)?;
    Ok(CardSubmission {
        id,
        app_id: AppId(get(r, 1)?),
        submitted: serde_json::from_str(&json)
            .map_err(|e| Error::Internal(format!("card submission {id}: {e}")))?,
        // Only this file writes the column, with `as_str` (and a CHECK keeps it so).
        status: SubmissionStatus::parse(&status).unwrap_or(SubmissionStatus::Failed),
        attempts: attempts.max(0) as u32,
        last_error: get(r, 5)?,
        created: Timestamp(get(r, 6)?),
        finished: get::<Option<i64>>(r, 7)?.map(Timestamp),
    })
}

fn submission(c: &mut Conn, id: i64) -> Result<Option<CardSubmission>> {
    c.map_opt(
        &format!("SELECT {SUBMISSION_COLS} FROM card_submissions u WHERE u.id = $1"),
        &[&id],
        submission_of,
    )
}

fn settings(c: &mut Conn, app: i64) -> Result<Option<InteractiveSettings>> {
    c.map_opt(
        &format!("SELECT {SETTINGS_COLS} FROM app_interactive s WHERE s.app_id = $1"),
        &[&app],
        settings_of,
    )
}

fn claim(c: &mut Conn, now: Timestamp, until: Timestamp) -> Result<Option<Claimed>> {
    let found = c.opt(
        "SELECT id FROM card_submissions WHERE status = 'Pending' AND due <= $1
          ORDER BY due, id LIMIT 1 FOR UPDATE",
        &[&now.0],
    )?;
    let Some(row) = found else { return Ok(None) };
    let id: i64 = get(&row, 0)?;
    c.exec(
        "UPDATE card_submissions SET attempts = attempts + 1, due = $2 WHERE id = $1",
        &[&id, &until.0],
    )?;
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
fn app_gone(e: postgres::Error) -> Error {
    if is_fk_violation(&e) {
        Error::NotFound(Subject::App)
    } else {
        internal(e)
    }
}

impl InteractiveStore for PostgresStore {
    fn interactive_settings(&self, app: AppId) -> BoxFuture<'_, Option<InteractiveSettings>> {
        Box::pin(self.read(move |c| settings(c, app.0)))
    }

    fn save_interactive_settings(
        &self,
        s: InteractiveSettings,
    ) -> BoxFuture<'_, InteractiveSettings> {
        Box::pin(self.write(move |c, now| {
            c.exec_raw(
                "INSERT INTO app_interactive (app_id, enabled, url, secret, modified)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (app_id) DO UPDATE SET enabled = excluded.enabled,
                   url = excluded.url, secret = excluded.secret, modified = excluded.modified",
                &[&s.app_id.0, &s.enabled, &s.url, &s.secret, &now],
            )
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
            let found = c.opt(
                "SELECT a.id, a.client_id FROM extensions e
                   JOIN apps a ON a.kind = 'Bot' AND a.id = COALESCE(
                     (SELECT b.app_id FROM bot_installs b WHERE b.extension_id = e.id),
                     (SELECT t.app_id FROM tokens t JOIN apps ta ON ta.id = t.app_id
                       WHERE t.extension_id = e.id AND ta.kind = 'Bot'
                       ORDER BY t.id LIMIT 1))
                  WHERE e.id = $1 AND e.type = 'Bot'",
                &[&bot.0],
            )?;
            let Some(row) = found else { return Ok(None) };
            let app_id: i64 = get(&row, 0)?;
            Ok(Some(CardApp {
                app_id: AppId(app_id),
                client_id: get(&row, 1)?,
                settings: settings(c, app_id)?,
            }))
        }))
    }

    fn record_submission(&self, new: NewSubmission) -> BoxFuture<'_, CardSubmission> {
        Box::pin(self.write(move |c, now| {
            let json = serde_json::to_string(&new.submitted)
                .map_err(|e| Error::Internal(e.to_string()))?;
            let row = c
                .one_raw(
                    "INSERT INTO card_submissions (app_id, user_id, submitted, status, due, created)
                     VALUES ($1, $2, $3, 'Pending', $4, $4) RETURNING id",
                    &[&new.app_id.0, &new.submitted.user_id.0, &json, &now],
                )
                .map_err(app_gone)?;
            Ok(CardSubmission {
                id: get(&row, 0)?,
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
            c.exec(
                "UPDATE card_submissions SET due = $2, last_error = $3
                  WHERE id = $1 AND status = 'Pending'",
                &[&id, &next.0, &reason],
            )?;
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
            c.exec(
                "UPDATE card_submissions SET status = $2, last_error = COALESCE($3, last_error),
                        finished = $4
                  WHERE id = $1 AND status = 'Pending'",
                &[&id, &status.as_str(), &reason, &now],
            )?;
            Ok(())
        }))
    }
}
