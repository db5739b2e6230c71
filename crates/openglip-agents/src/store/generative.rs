//! Each agent's optional generative step as stored: on or off, the chat-completions endpoint's
//! base URL, the model, the key (kept to call the endpoint, never shown back) and the timeout.
//! An agent without a row has the step off.

use rusqlite::{OptionalExtension, params};

use super::{Store, now};
use crate::error::Result;

/// An agent's generative settings.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerativeSettings {
    pub enabled: bool,
    /// The base URL: calls go to `{url}/chat/completions`.
    pub url: String,
    pub model: String,
    /// The bearer key (empty: none is sent). Never rendered or returned by the API.
    pub api_key: String,
    pub timeout_ms: u32,
}

impl Default for GenerativeSettings {
    fn default() -> GenerativeSettings {
        GenerativeSettings {
            enabled: false,
            url: String::new(),
            model: String::new(),
            api_key: String::new(),
            timeout_ms: 10_000,
        }
    }
}

impl Store {
    /// The agent's generative settings (the defaults, off, when none were saved).
    pub async fn generative(&self, agent_id: i64) -> Result<GenerativeSettings> {
        self.read(move |c| {
            let found = c
                .query_row(
                    "SELECT enabled, url, model, api_key, timeout_ms FROM generative WHERE agent_id = ?1",
                    [agent_id],
                    |r| {
                        Ok(GenerativeSettings {
                            enabled: r.get(0)?,
                            url: r.get(1)?,
                            model: r.get(2)?,
                            api_key: r.get(3)?,
                            timeout_ms: r.get(4)?,
                        })
                    },
                )
                .optional()?;
            Ok(found.unwrap_or_default())
        })
        .await
    }

    /// Saves the agent's generative settings as given (the service layer checked them).
    pub async fn save_generative(&self, agent_id: i64, s: GenerativeSettings) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO generative (agent_id, enabled, url, model, api_key, timeout_ms, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (agent_id) DO UPDATE SET enabled = excluded.enabled, url = excluded.url,
                   model = excluded.model, api_key = excluded.api_key, timeout_ms = excluded.timeout_ms,
                   updated_at = excluded.updated_at",
                params![agent_id, s.enabled, s.url, s.model, s.api_key, s.timeout_ms, now()],
            )?;
            Ok(())
        })
        .await
    }
}
