//! The bot's own SQLite database: its token, the chats it is in, the posts it has handled (so
//! replays after an outage never handle one twice), per-chat state, and scheduled jobs.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{BotError, Result};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chats (id TEXT PRIMARY KEY, kind TEXT NOT NULL, members INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS seen_posts (id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS chat_state (
    chat_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (chat_id, key));
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id TEXT NOT NULL,
    name TEXT NOT NULL,
    text TEXT,
    data TEXT NOT NULL,
    tz TEXT NOT NULL,
    recurrence TEXT NOT NULL,
    due_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (due_ms);
";

/// A handle on the bot's database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

/// A chat the bot knows it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownChat {
    pub id: String,
    pub kind: String,
    pub members: i64,
}

impl Store {
    /// Opens (creating) the database file.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| BotError::Store(format!("creating {}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// A database in memory (tests).
    pub fn in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "busy_timeout", 5000)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection, off the async threads.
    pub(crate) async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let c = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&c)
        })
        .await
        .map_err(|e| BotError::Store(e.to_string()))?
        .map_err(BotError::from)
    }

    // ---------- meta ----------

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_string();
        self.with(move |c| {
            c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
        })
        .await
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        let (key, value) = (key.to_string(), value.to_string());
        self.with(move |c| {
            c.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn delete_meta(&self, key: &str) -> Result<()> {
        let key = key.to_string();
        self.with(move |c| {
            c.execute("DELETE FROM meta WHERE key = ?1", [key])
                .map(|_| ())
        })
        .await
    }

    // ---------- chats ----------

    pub async fn chats(&self) -> Result<Vec<KnownChat>> {
        self.with(|c| {
            let mut st = c.prepare("SELECT id, kind, members FROM chats ORDER BY id")?;
            let rows = st.query_map([], |r| {
                Ok(KnownChat {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    members: r.get(2)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    pub async fn chat(&self, id: &str) -> Result<Option<KnownChat>> {
        let id = id.to_string();
        self.with(move |c| {
            c.query_row(
                "SELECT id, kind, members FROM chats WHERE id = ?1",
                [id],
                |r| {
                    Ok(KnownChat {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        members: r.get(2)?,
                    })
                },
            )
            .optional()
        })
        .await
    }

    /// Records a chat; returns whether it was new.
    pub async fn put_chat(&self, chat: KnownChat) -> Result<bool> {
        self.with(move |c| {
            let new = c.execute(
                "INSERT OR IGNORE INTO chats (id, kind, members) VALUES (?1, ?2, ?3)",
                params![chat.id, chat.kind, chat.members],
            )? == 1;
            if !new {
                c.execute(
                    "UPDATE chats SET kind = ?2, members = ?3 WHERE id = ?1",
                    params![chat.id, chat.kind, chat.members],
                )?;
            }
            Ok(new)
        })
        .await
    }

    /// Forgets a chat; returns whether it was known.
    pub async fn remove_chat(&self, id: &str) -> Result<bool> {
        let id = id.to_string();
        self.with(move |c| Ok(c.execute("DELETE FROM chats WHERE id = ?1", [id])? == 1))
            .await
    }

    // ---------- handled posts ----------

    /// Marks a post handled; returns false if it already was.
    pub async fn mark_post(&self, id: &str) -> Result<bool> {
        let id = id.to_string();
        let now = jiff::Timestamp::now().as_millisecond();
        self.with(move |c| {
            Ok(c.execute(
                "INSERT OR IGNORE INTO seen_posts (id, at_ms) VALUES (?1, ?2)",
                params![id, now],
            )? == 1)
        })
        .await
    }

    pub async fn post_seen(&self, id: &str) -> Result<bool> {
        let id = id.to_string();
        self.with(move |c| {
            c.query_row("SELECT 1 FROM seen_posts WHERE id = ?1", [id], |_| Ok(()))
                .optional()
                .map(|o| o.is_some())
        })
        .await
    }

    /// Forgets handled posts older than `days`.
    pub async fn prune_posts(&self, days: i64) -> Result<()> {
        let cutoff = jiff::Timestamp::now().as_millisecond() - days * 86_400_000;
        self.with(move |c| {
            c.execute("DELETE FROM seen_posts WHERE at_ms < ?1", [cutoff])
                .map(|_| ())
        })
        .await
    }

    // ---------- per-chat state ----------

    pub async fn get_state<T: DeserializeOwned>(
        &self,
        chat_id: &str,
        key: &str,
    ) -> Result<Option<T>> {
        let (chat_id, key) = (chat_id.to_string(), key.to_string());
        let raw: Option<String> = self
            .with(move |c| {
                c.query_row(
                    "SELECT value FROM chat_state WHERE chat_id = ?1 AND key = ?2",
                    [chat_id, key],
                    |r| r.get(0),
                )
                .optional()
            })
            .await?;
        raw.map(|s| serde_json::from_str(&s).map_err(|e| BotError::Store(e.to_string())))
            .transpose()
    }

    pub async fn set_state<T: Serialize>(&self, chat_id: &str, key: &str, value: &T) -> Result<()> {
        let v = serde_json::to_string(value).map_err(|e| BotError::Store(e.to_string()))?;
        let (chat_id, key) = (chat_id.to_string(), key.to_string());
        self.with(move |c| {
            c.execute(
                "INSERT INTO chat_state (chat_id, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (chat_id, key) DO UPDATE SET value = excluded.value",
                params![chat_id, key, v],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn remove_state(&self, chat_id: &str, key: &str) -> Result<()> {
        let (chat_id, key) = (chat_id.to_string(), key.to_string());
        self.with(move |c| {
            c.execute(
                "DELETE FROM chat_state WHERE chat_id = ?1 AND key = ?2",
                [chat_id, key],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn clear_chat_state(&self, chat_id: &str) -> Result<()> {
        let chat_id = chat_id.to_string();
        self.with(move |c| {
            c.execute("DELETE FROM chat_state WHERE chat_id = ?1", [chat_id])
                .map(|_| ())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn state_chats_and_posts_round_trip() {
        let s = Store::in_memory().unwrap();
        s.set_meta("k", "v").await.unwrap();
        assert_eq!(s.meta("k").await.unwrap().as_deref(), Some("v"));
        let chat = KnownChat {
            id: "1".into(),
            kind: "Direct".into(),
            members: 2,
        };
        assert!(s.put_chat(chat.clone()).await.unwrap());
        assert!(!s.put_chat(chat.clone()).await.unwrap());
        assert_eq!(s.chat("1").await.unwrap(), Some(chat));
        assert!(s.mark_post("9").await.unwrap());
        assert!(!s.mark_post("9").await.unwrap());
        s.set_state("1", "count", &3u32).await.unwrap();
        assert_eq!(s.get_state::<u32>("1", "count").await.unwrap(), Some(3));
        s.clear_chat_state("1").await.unwrap();
        assert_eq!(s.get_state::<u32>("1", "count").await.unwrap(), None);
        assert!(s.remove_chat("1").await.unwrap());
    }
}
