//! The Glip integration of each company, the "Add to Glip" requests in progress, and nudges.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Store, ms, ts};
use crate::error::Result;

/// The integration's state as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    pub account_id: String,
    pub active: bool,
    pub bot_id: Option<String>,
    /// The bot's access token (kept while active).
    pub bot_token: Option<String>,
    pub installed_by: Option<String>,
    pub installed_at: Option<Timestamp>,
    pub removed_at: Option<Timestamp>,
    pub removed_reason: Option<String>,
}

/// An "Add to Glip" in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallRequest {
    pub account_id: String,
    pub person_id: String,
    /// The PKCE verifier of the authorization request.
    pub verifier: String,
    /// A local path to go back to afterwards.
    pub return_to: Option<String>,
}

impl Store {
    pub async fn integration(&self, account_id: &str) -> Result<Option<Integration>> {
        let a = account_id.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT account_id, state, bot_id, bot_token, installed_by, installed_at, removed_at,
                   removed_reason FROM integrations WHERE account_id = ?1",
                [a],
                |r| {
                    let state: String = r.get(1)?;
                    Ok(Integration {
                        account_id: r.get(0)?,
                        active: state == "active",
                        bot_id: r.get(2)?,
                        bot_token: r.get(3)?,
                        installed_by: r.get(4)?,
                        installed_at: r.get::<_, Option<i64>>(5)?.map(ts),
                        removed_at: r.get::<_, Option<i64>>(6)?.map(ts),
                        removed_reason: r.get(7)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    /// The companies whose integration is active.
    pub async fn active_integrations(&self) -> Result<Vec<String>> {
        self.read(|c| {
            let mut st = c.prepare(
                "SELECT account_id FROM integrations WHERE state = 'active' ORDER BY account_id",
            )?;
            let rows = st.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    /// Records an installed bot: the integration is active.
    pub async fn save_install(
        &self,
        account_id: &str,
        bot_id: &str,
        token: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<()> {
        let (a, b, t, p) = (
            account_id.to_string(),
            bot_id.to_string(),
            token.to_string(),
            by.to_string(),
        );
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO integrations (account_id, state, bot_id, bot_token, installed_by, installed_at)
                 VALUES (?1, 'active', ?2, ?3, ?4, ?5)
                 ON CONFLICT (account_id) DO UPDATE SET state = 'active', bot_id = excluded.bot_id,
                   bot_token = excluded.bot_token, installed_by = excluded.installed_by,
                   installed_at = excluded.installed_at, removed_at = NULL, removed_reason = NULL",
                params![a, b, t, p, ms(now)],
            )?;
            Ok(())
        })
        .await
    }

    /// Marks the integration removed (the token is forgotten) and cancels what it still owed.
    /// Returns whether it was active.
    pub async fn mark_removed(
        &self,
        account_id: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let (a, why) = (account_id.to_string(), reason.to_string());
        self.write(move |tx| {
            let n = tx.execute(
                "UPDATE integrations SET state = 'removed', bot_token = NULL, removed_at = ?2, removed_reason = ?3
                 WHERE account_id = ?1 AND state = 'active'",
                params![a, ms(now), why],
            )?;
            tx.execute(
                "UPDATE digests SET state = 'cancelled', last_error = ?2
                 WHERE account_id = ?1 AND state IN ('pending', 'sending')",
                params![a, format!("the Glip integration was removed: {why}")],
            )?;
            Ok(n == 1)
        })
        .await
    }

    /// Keeps an "Add to Glip" request under the hash of its OAuth `state`.
    pub async fn put_install_request(
        &self,
        state_hash: &str,
        r: InstallRequest,
        expires: Timestamp,
    ) -> Result<()> {
        let h = state_hash.to_string();
        self.write(move |tx| {
            tx.execute("DELETE FROM install_requests WHERE expires_at < ?1", [ms(Timestamp::now())])?;
            tx.execute(
                "INSERT INTO install_requests (state_hash, account_id, person_id, verifier, return_to, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![h, r.account_id, r.person_id, r.verifier, r.return_to, ms(expires)],
            )?;
            Ok(())
        })
        .await
    }

    /// Takes (and forgets) the request of a `state`, unless it expired.
    pub async fn take_install_request(
        &self,
        state_hash: &str,
        now: Timestamp,
    ) -> Result<Option<InstallRequest>> {
        let h = state_hash.to_string();
        self.write(move |tx| {
            let r = tx
                .query_row(
                    "SELECT account_id, person_id, verifier, return_to, expires_at FROM install_requests
                     WHERE state_hash = ?1",
                    [&h],
                    |r| {
                        Ok((
                            InstallRequest {
                                account_id: r.get(0)?,
                                person_id: r.get(1)?,
                                verifier: r.get(2)?,
                                return_to: r.get(3)?,
                            },
                            r.get::<_, i64>(4)?,
                        ))
                    },
                )
                .optional()?;
            tx.execute("DELETE FROM install_requests WHERE state_hash = ?1", [&h])?;
            Ok(r.filter(|(_, exp)| *exp >= ms(now)).map(|(r, _)| r))
        })
        .await
    }

    // ---------- nudges ----------

    /// When each person of a company was last nudged.
    pub async fn last_nudges(&self, account_id: &str) -> Result<HashMap<String, Timestamp>> {
        let a = account_id.to_string();
        self.read(move |c| {
            let mut st = c.prepare("SELECT person_id, MAX(sent_at) FROM nudges WHERE account_id = ?1 GROUP BY person_id")?;
            let rows = st.query_map([a], |r| Ok((r.get::<_, String>(0)?, ts(r.get(1)?))))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    /// Records a nudge before it is sent (so a crash cannot send it twice). Returns its id.
    pub async fn record_nudge(
        &self,
        account_id: &str,
        person_id: &str,
        at: Timestamp,
        key_results: &[i64],
    ) -> Result<i64> {
        let (a, p) = (account_id.to_string(), person_id.to_string());
        let krs = serde_json::to_string(key_results).map_err(crate::error::Error::internal)?;
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO nudges (account_id, person_id, sent_at, key_results) VALUES (?1, ?2, ?3, ?4)",
                params![a, p, ms(at), krs],
            )?;
            Ok(tx.last_insert_rowid())
        })
        .await
    }

    /// How a nudge's post went.
    pub async fn finish_nudge(
        &self,
        id: i64,
        post_id: Option<String>,
        error: Option<String>,
    ) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE nudges SET post_id = ?2, error = ?3 WHERE id = ?1",
                params![id, post_id, error],
            )?;
            Ok(())
        })
        .await
    }
}
