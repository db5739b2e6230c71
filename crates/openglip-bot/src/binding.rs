//! Which server and bot the bot's database belongs to.
//!
//! The database remembers the posts the bot handled, by id, and what it knew of each chat. Ids
//! are the server's: a fresh server (or another bot's token) starts its ids again, and a bot that
//! kept the old database would take the new server's posts for ones it already handled, and
//! answer nothing. So the database records the server it was made for (`server`) and a
//! fingerprint of the configured token (`token_fingerprint`, a SHA-256, never the token); a
//! database made for another is set aside beside the new one (`bot-<time>.sqlite`, logged with
//! both paths) and the bot starts fresh. Once the bot knows who it is, `bound_to` records the
//! server and its extension id; a token that turns out to be another bot's clears what the
//! database knew of chats and posts.

use std::path::{Path, PathBuf};

use crate::config::BotConfig;
use crate::store::Store;
use crate::{BotError, Result};

/// The database file in a data folder.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("bot.sqlite")
}

/// A token's fingerprint: its SHA-256 (base64url), so that the database never holds the token
/// given in the configuration.
fn fingerprint(token: &str) -> String {
    openglip_sdk::auth::Pkce::from_verifier(token.to_string()).challenge
}

/// Why the database at hand was made for another server or bot, if it was.
async fn made_for_another(store: &Store, config: &BotConfig) -> Result<Option<String>> {
    if let Some(server) = store.meta("server").await?
        && server != config.server
    {
        return Ok(Some(format!(
            "it was made for the server {server}, not {}",
            config.server
        )));
    }
    if let (Some(token), Some(known)) = (&config.token, store.meta("token_fingerprint").await?)
        && fingerprint(token) != known
    {
        return Ok(Some("it was made for another bot token".into()));
    }
    Ok(None)
}

/// Opens the bot's database in `config.data_dir`, setting aside one made for another server or
/// bot token, and records whom it is for.
pub async fn open_for(config: &BotConfig) -> Result<Store> {
    let path = database_path(&config.data_dir);
    let mut store = Store::open(&path)?;
    if let Some(why) = made_for_another(&store, config).await? {
        drop(store);
        let aside = config.data_dir.join(format!(
            "bot-{}.sqlite",
            jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ")
        ));
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", path.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                std::fs::rename(&from, &to).map_err(|e| {
                    BotError::Store(format!(
                        "setting {} aside as {}: {e}",
                        from.display(),
                        to.display()
                    ))
                })?;
            }
        }
        tracing::warn!(
            old = %aside.display(),
            new = %path.display(),
            "the bot's data folder held the state of another server or bot ({why}); it is kept as the old file and the bot starts with a fresh one"
        );
        store = Store::open(&path)?;
    }
    store.set_meta("server", &config.server).await?;
    if let Some(token) = &config.token {
        store
            .set_meta("token_fingerprint", &fingerprint(token))
            .await?;
    }
    Ok(store)
}

/// Records that the database is now the state of bot `bot_id` on `server`; if it was another's,
/// forgets what it knew of chats, posts, per-chat state and jobs (they were the other bot's).
pub async fn bind(store: &Store, server: &str, bot_id: &str) -> Result<()> {
    let me = format!("{server}#{bot_id}");
    match store.meta("bound_to").await? {
        Some(known) if known == me => return Ok(()),
        Some(known) => tracing::warn!(
            before = %known,
            now = %me,
            "the bot's state was another bot's; starting fresh"
        ),
        // A database of an earlier version knew only the bot's id.
        None if store.meta("bot_id").await?.as_deref() == Some(bot_id) => {
            store.set_meta("bound_to", &me).await?;
            return Ok(());
        }
        None => {}
    }
    store
        .with(|c| {
            c.execute_batch(
                "DELETE FROM chats; DELETE FROM seen_posts; DELETE FROM chat_state; DELETE FROM jobs;
                 DELETE FROM meta WHERE key IN ('cursor', 'bot_id', 'installed');",
            )
        })
        .await?;
    store.set_meta("bound_to", &me).await?;
    Ok(())
}
