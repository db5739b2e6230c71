//! Conversations: each one's dialog state (persisted, so a restart loses nothing), what was
//! said and answered, and the events already handled.

use rusqlite::{OptionalExtension, params};

use super::{Store, now};
use crate::engine::{Reply, Session};
use crate::error::{Error, Result};

/// Where a conversation happens: `channel` (`glip`, or `talk` for the Talk to agent panel), the
/// chat, and the person.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConversationKey {
    pub agent_id: i64,
    pub channel: String,
    pub chat_id: String,
    pub person_id: String,
}

/// One turn of a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptTurn {
    pub id: i64,
    pub at: i64,
    pub said: String,
    pub answer: String,
    pub version: Option<i64>,
    /// What the generative step did in this turn (`None`: it was not asked).
    pub generative: Option<String>,
}

/// A conversation in the transcripts list.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    pub channel: String,
    pub chat_id: String,
    pub person_id: String,
    pub turns: i64,
    pub last_at: i64,
}

impl Store {
    /// The conversation's dialog state (a fresh one when there is none).
    pub async fn session(&self, key: &ConversationKey) -> Result<Session> {
        let k = key.clone();
        self.read(move |c| {
            let json: Option<String> = c
                .query_row(
                    "SELECT state FROM conversations WHERE agent_id = ?1 AND channel = ?2 AND chat_id = ?3 AND person_id = ?4",
                    params![k.agent_id, k.channel, k.chat_id, k.person_id],
                    |r| r.get(0),
                )
                .optional()?;
            match json {
                None => Ok(Session::default()),
                Some(j) => serde_json::from_str(&j).map_err(|e| Error::Store(format!("a conversation's state is unreadable: {e}"))),
            }
        })
        .await
    }

    /// Saves a turn: the new state and the transcript's line (the reply's text and what the
    /// generative step did), together; and, when the turn
    /// answers a channel's event, that the event is handled.
    pub async fn record_turn(
        &self,
        key: &ConversationKey,
        session: &Session,
        said: &str,
        reply: &Reply,
        version: Option<i64>,
        event_id: Option<&str>,
    ) -> Result<()> {
        let k = key.clone();
        let state = serde_json::to_string(session).map_err(|e| Error::Store(e.to_string()))?;
        let (said, answer, event, generative) = (
            said.to_string(),
            reply.text(),
            event_id.map(str::to_string),
            reply.generative.clone(),
        );
        self.write(move |tx| {
            let t = now();
            tx.execute(
                "INSERT INTO conversations (agent_id, channel, chat_id, person_id, state, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (agent_id, channel, chat_id, person_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                params![k.agent_id, k.channel, k.chat_id, k.person_id, state, t],
            )?;
            tx.execute(
                "INSERT INTO transcript_turns (agent_id, channel, chat_id, person_id, at, said, answer, version, generative) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![k.agent_id, k.channel, k.chat_id, k.person_id, t, said, answer, version, generative],
            )?;
            if let Some(e) = event {
                tx.execute(
                    "INSERT OR IGNORE INTO processed_events (agent_id, event_id, at) VALUES (?1, ?2, ?3)",
                    params![k.agent_id, e, t],
                )?;
            }
            Ok(())
        })
        .await
    }

    /// Forgets a conversation's dialog state (its transcript stays).
    pub async fn reset_session(&self, key: &ConversationKey) -> Result<()> {
        let k = key.clone();
        self.write(move |tx| {
            tx.execute(
                "DELETE FROM conversations WHERE agent_id = ?1 AND channel = ?2 AND chat_id = ?3 AND person_id = ?4",
                params![k.agent_id, k.channel, k.chat_id, k.person_id],
            )?;
            Ok(())
        })
        .await
    }

    /// Whether an event (a post) was already handled.
    pub async fn processed(&self, agent_id: i64, event_id: &str) -> Result<bool> {
        let e = event_id.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT EXISTS (SELECT 1 FROM processed_events WHERE agent_id = ?1 AND event_id = ?2)",
                params![agent_id, e],
                |r| r.get(0),
            )?)
        })
        .await
    }

    /// Marks an event handled without a turn (a post the agent does not answer).
    pub async fn mark_processed(&self, agent_id: i64, event_id: &str) -> Result<()> {
        let e = event_id.to_string();
        self.write(move |tx| {
            tx.execute(
                "INSERT OR IGNORE INTO processed_events (agent_id, event_id, at) VALUES (?1, ?2, ?3)",
                params![agent_id, e, now()],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn transcript(&self, key: &ConversationKey) -> Result<Vec<TranscriptTurn>> {
        let k = key.clone();
        self.read(move |c| {
            let mut st = c.prepare(
                "SELECT id, at, said, answer, version, generative FROM transcript_turns
                 WHERE agent_id = ?1 AND channel = ?2 AND chat_id = ?3 AND person_id = ?4 ORDER BY id",
            )?;
            let rows = st
                .query_map(params![k.agent_id, k.channel, k.chat_id, k.person_id], |r| {
                    Ok(TranscriptTurn { id: r.get(0)?, at: r.get(1)?, said: r.get(2)?, answer: r.get(3)?, version: r.get(4)?, generative: r.get(5)? })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn conversations(&self, agent_id: i64) -> Result<Vec<ConversationSummary>> {
        self.read(move |c| {
            let mut st = c.prepare(
                "SELECT channel, chat_id, person_id, COUNT(*), MAX(at) FROM transcript_turns WHERE agent_id = ?1
                 GROUP BY channel, chat_id, person_id ORDER BY MAX(id) DESC LIMIT 200",
            )?;
            let rows = st
                .query_map([agent_id], |r| {
                    Ok(ConversationSummary { channel: r.get(0)?, chat_id: r.get(1)?, person_id: r.get(2)?, turns: r.get(3)?, last_at: r.get(4)? })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }
}
