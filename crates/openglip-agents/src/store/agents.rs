//! Agents: the draft dialog file people edit, and the published versions (what answers).

use rusqlite::{OptionalExtension, params};

use super::{Store, now};
use crate::error::{Error, Result};

/// An agent as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentRow {
    pub id: i64,
    /// Identifies the agent in its channel URLs (the OAuth redirect URI, the WebHook address).
    pub stream_id: String,
    pub name: String,
    pub draft: String,
    pub published_version: Option<i64>,
    pub updated_at: i64,
}

/// A published version.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub version: i64,
    pub source: String,
    pub published_at: i64,
}

const COLUMNS: &str = "id, stream_id, name, draft, published_version, updated_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AgentRow> {
    Ok(AgentRow {
        id: r.get(0)?,
        stream_id: r.get(1)?,
        name: r.get(2)?,
        draft: r.get(3)?,
        published_version: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

/// A new stream id: `st-` and 32 random hex digits.
fn new_stream_id() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the system random source works");
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("st-{hex}")
}

impl Store {
    pub async fn create_agent(&self, name: &str, draft: &str) -> Result<AgentRow> {
        let (name, draft) = (name.to_string(), draft.to_string());
        self.write(move |tx| {
            let t = now();
            let stream = new_stream_id();
            tx.execute(
                "INSERT INTO agents (stream_id, name, draft, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![stream, name, draft, t],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute("INSERT INTO channels (agent_id, updated_at) VALUES (?1, ?2)", params![id, t])?;
            Ok(AgentRow { id, stream_id: stream, name, draft, published_version: None, updated_at: t })
        })
        .await
    }

    pub async fn agents(&self) -> Result<Vec<AgentRow>> {
        self.read(|c| {
            let mut st = c.prepare(&format!("SELECT {COLUMNS} FROM agents ORDER BY name, id"))?;
            let rows = st
                .query_map([], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn agent(&self, id: i64) -> Result<AgentRow> {
        self.read(move |c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM agents WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("Agent {id}")))
        })
        .await
    }

    pub async fn agent_by_stream(&self, stream_id: &str) -> Result<AgentRow> {
        let s = stream_id.to_string();
        self.read(move |c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM agents WHERE stream_id = ?1"),
                [&s],
                row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("Agent with stream id {s}")))
        })
        .await
    }

    pub async fn agent_by_name(&self, name: &str) -> Result<Option<AgentRow>> {
        let n = name.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM agents WHERE name = ?1 ORDER BY id LIMIT 1"),
                [&n],
                row,
            )
            .optional()?)
        })
        .await
    }

    /// Saves the draft (and the name it declares).
    pub async fn save_draft(&self, id: i64, name: &str, draft: &str) -> Result<()> {
        let (name, draft) = (name.to_string(), draft.to_string());
        self.write(move |tx| {
            let n = tx.execute(
                "UPDATE agents SET name = ?2, draft = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, name, draft, now()],
            )?;
            if n == 0 {
                return Err(Error::NotFound(format!("Agent {id}")));
            }
            Ok(())
        })
        .await
    }

    /// Publishes `source` as the next version; its number.
    pub async fn publish(&self, id: i64, source: &str, by: Option<i64>) -> Result<i64> {
        let source = source.to_string();
        self.write(move |tx| {
            let version: i64 = tx.query_row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM versions WHERE agent_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO versions (agent_id, version, source, published_at, published_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, version, source, now(), by],
            )?;
            tx.execute("UPDATE agents SET published_version = ?2 WHERE id = ?1", params![id, version])?;
            Ok(version)
        })
        .await
    }

    /// The published version answering people, if any.
    pub async fn published(&self, id: i64) -> Result<Option<Version>> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT v.version, v.source, v.published_at FROM agents a JOIN versions v
                 ON v.agent_id = a.id AND v.version = a.published_version WHERE a.id = ?1",
                [id],
                |r| {
                    Ok(Version {
                        version: r.get(0)?,
                        source: r.get(1)?,
                        published_at: r.get(2)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    pub async fn versions(&self, id: i64) -> Result<Vec<Version>> {
        self.read(move |c| {
            let mut st = c.prepare(
                "SELECT version, source, published_at FROM versions WHERE agent_id = ?1 ORDER BY version DESC",
            )?;
            let rows = st
                .query_map([id], |r| Ok(Version { version: r.get(0)?, source: r.get(1)?, published_at: r.get(2)? }))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }
}
