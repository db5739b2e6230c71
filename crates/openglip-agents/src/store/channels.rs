//! The RingCentral Glip channel of each agent: the app's credentials, the environment, the
//! authorized extension's tokens, the WebHook subscription and its state; and authorize
//! requests in flight (their `state` hashed, with the PKCE verifier).

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Store, now};
use crate::error::{Error, Result};

/// An agent's channel as stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Channel {
    pub agent_id: i64,
    pub app_key: String,
    pub app_secret: String,
    /// `sandbox` or `production`.
    pub environment: String,
    pub sandbox_url: Option<String>,
    pub production_url: Option<String>,
    pub enabled: bool,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub access_expires_at: Option<i64>,
    pub refresh_expires_at: Option<i64>,
    /// The authorized extension (the agent's user in chat).
    pub extension_id: Option<String>,
    pub extension_name: Option<String>,
    pub verification_token: Option<String>,
    pub subscription_id: Option<String>,
    pub subscription_expires_at: Option<i64>,
    pub subscription_status: Option<String>,
    /// The last failure, in words, shown on the page until something succeeds.
    pub last_error: Option<String>,
    /// Milliseconds since the epoch of the newest post handled (catch-up starts there).
    pub caught_up_to: Option<i64>,
}

const COLUMNS: &str = "agent_id, app_key, app_secret, environment, sandbox_url, production_url, enabled,
    access_token, refresh_token, access_expires_at, refresh_expires_at, extension_id, extension_name,
    verification_token, subscription_id, subscription_expires_at, subscription_status, last_error, caught_up_to";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Channel> {
    Ok(Channel {
        agent_id: r.get(0)?,
        app_key: r.get(1)?,
        app_secret: r.get(2)?,
        environment: r.get(3)?,
        sandbox_url: r.get(4)?,
        production_url: r.get(5)?,
        enabled: r.get(6)?,
        access_token: r.get(7)?,
        refresh_token: r.get(8)?,
        access_expires_at: r.get(9)?,
        refresh_expires_at: r.get(10)?,
        extension_id: r.get(11)?,
        extension_name: r.get(12)?,
        verification_token: r.get(13)?,
        subscription_id: r.get(14)?,
        subscription_expires_at: r.get(15)?,
        subscription_status: r.get(16)?,
        last_error: r.get(17)?,
        caught_up_to: r.get(18)?,
    })
}

fn hash(state: &str) -> Vec<u8> {
    Sha256::digest(state.as_bytes()).to_vec()
}

impl Store {
    pub async fn channel(&self, agent_id: i64) -> Result<Channel> {
        self.read(move |c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM channels WHERE agent_id = ?1"),
                [agent_id],
                row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("The channel of agent {agent_id}")))
        })
        .await
    }

    /// Channels that are enabled (started with the app).
    pub async fn enabled_channels(&self) -> Result<Vec<Channel>> {
        self.read(|c| {
            let mut st = c.prepare(&format!("SELECT {COLUMNS} FROM channels WHERE enabled = 1"))?;
            let rows = st
                .query_map([], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    /// Saves the Configurations form. New credentials or another environment forget the
    /// authorization (it belonged to the old app).
    pub async fn save_channel_config(
        &self,
        agent_id: i64,
        app_key: &str,
        app_secret: &str,
        environment: &str,
        sandbox_url: Option<&str>,
        production_url: Option<&str>,
    ) -> Result<()> {
        let (key, secret, env) = (
            app_key.to_string(),
            app_secret.to_string(),
            environment.to_string(),
        );
        let (sb, prod) = (
            sandbox_url.map(str::to_string),
            production_url.map(str::to_string),
        );
        self.write(move |tx| {
            let old = tx.query_row(&format!("SELECT {COLUMNS} FROM channels WHERE agent_id = ?1"), [agent_id], row)?;
            let changed = old.app_key != key || old.app_secret != secret || old.environment != env
                || old.sandbox_url != sb || old.production_url != prod;
            tx.execute(
                "UPDATE channels SET app_key = ?2, app_secret = ?3, environment = ?4, sandbox_url = ?5, production_url = ?6, updated_at = ?7 WHERE agent_id = ?1",
                params![agent_id, key, secret, env, sb, prod, now()],
            )?;
            if changed {
                tx.execute(
                    "UPDATE channels SET access_token = NULL, refresh_token = NULL, access_expires_at = NULL,
                     refresh_expires_at = NULL, extension_id = NULL, extension_name = NULL, enabled = 0,
                     subscription_id = NULL, subscription_expires_at = NULL, subscription_status = NULL, last_error = NULL
                     WHERE agent_id = ?1",
                    [agent_id],
                )?;
            }
            Ok(())
        })
        .await
    }

    /// Keeps the authorized extension's tokens (after the code exchange or a refresh).
    #[allow(clippy::too_many_arguments)]
    pub async fn save_tokens(
        &self,
        agent_id: i64,
        access: &str,
        refresh: Option<&str>,
        access_expires_at: Option<i64>,
        refresh_expires_at: Option<i64>,
        extension: Option<(&str, &str)>,
    ) -> Result<()> {
        let (a, r) = (access.to_string(), refresh.map(str::to_string));
        let ext = extension.map(|(i, n)| (i.to_string(), n.to_string()));
        self.write(move |tx| {
            tx.execute(
                "UPDATE channels SET access_token = ?2, refresh_token = COALESCE(?3, refresh_token), access_expires_at = ?4,
                 refresh_expires_at = COALESCE(?5, refresh_expires_at), last_error = NULL, updated_at = ?6 WHERE agent_id = ?1",
                params![agent_id, a, r, access_expires_at, refresh_expires_at, now()],
            )?;
            if let Some((id, name)) = ext {
                tx.execute(
                    "UPDATE channels SET extension_id = ?2, extension_name = ?3 WHERE agent_id = ?1",
                    params![agent_id, id, name],
                )?;
            }
            Ok(())
        })
        .await
    }

    /// Forgets the tokens (a refresh was refused: authorize again).
    pub async fn forget_tokens(&self, agent_id: i64, why: &str) -> Result<()> {
        let why = why.to_string();
        self.write(move |tx| {
            tx.execute(
                "UPDATE channels SET access_token = NULL, refresh_token = NULL, access_expires_at = NULL,
                 refresh_expires_at = NULL, subscription_status = NULL, last_error = ?2, updated_at = ?3 WHERE agent_id = ?1",
                params![agent_id, why, now()],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn set_enabled(&self, agent_id: i64, enabled: bool) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE channels SET enabled = ?2, updated_at = ?3 WHERE agent_id = ?1",
                params![agent_id, enabled, now()],
            )?;
            Ok(())
        })
        .await
    }

    /// Keeps the subscription's id, expiry and state (all `None`: there is none).
    pub async fn save_subscription(
        &self,
        agent_id: i64,
        id: Option<&str>,
        expires_at: Option<i64>,
        status: Option<&str>,
        verification_token: Option<&str>,
    ) -> Result<()> {
        let (id, status, vt) = (
            id.map(str::to_string),
            status.map(str::to_string),
            verification_token.map(str::to_string),
        );
        self.write(move |tx| {
            tx.execute(
                "UPDATE channels SET subscription_id = ?2, subscription_expires_at = ?3, subscription_status = ?4,
                 verification_token = COALESCE(?5, verification_token), updated_at = ?6 WHERE agent_id = ?1",
                params![agent_id, id, expires_at, status, vt, now()],
            )?;
            Ok(())
        })
        .await
    }

    /// Records a failure to show (`None` clears it).
    pub async fn set_channel_error(&self, agent_id: i64, error: Option<&str>) -> Result<()> {
        let e = error.map(str::to_string);
        self.write(move |tx| {
            tx.execute(
                "UPDATE channels SET last_error = ?2 WHERE agent_id = ?1",
                params![agent_id, e],
            )?;
            Ok(())
        })
        .await
    }

    /// Moves the catch-up mark forward (never back).
    pub async fn advance_caught_up(&self, agent_id: i64, ms: i64) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE channels SET caught_up_to = MAX(COALESCE(caught_up_to, 0), ?2) WHERE agent_id = ?1",
                params![agent_id, ms],
            )?;
            Ok(())
        })
        .await
    }

    /// Remembers an authorize request for ten minutes.
    pub async fn save_oauth_request(
        &self,
        agent_id: i64,
        state: &str,
        verifier: &str,
    ) -> Result<()> {
        let (h, v) = (hash(state), verifier.to_string());
        self.write(move |tx| {
            tx.execute("DELETE FROM oauth_requests WHERE expires_at < ?1", [now()])?;
            tx.execute(
                "INSERT INTO oauth_requests (state_hash, agent_id, verifier, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![h, agent_id, v, now() + 600],
            )?;
            Ok(())
        })
        .await
    }

    /// Takes (spends) an authorize request: its agent and PKCE verifier.
    pub async fn take_oauth_request(&self, state: &str) -> Result<Option<(i64, String)>> {
        let h = hash(state);
        self.write(move |tx| {
            let found = tx
                .query_row(
                    "SELECT agent_id, verifier FROM oauth_requests WHERE state_hash = ?1 AND expires_at >= ?2",
                    params![h, now()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            tx.execute("DELETE FROM oauth_requests WHERE state_hash = ?1", [h])?;
            Ok(found)
        })
        .await
    }
}
