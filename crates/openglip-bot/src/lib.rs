//! A framework for Team Messaging ("Glip") bots, on [`openglip_sdk`]: for openglip, and for
//! RingCentral since the wire is the same.
//!
//! A bot is a type implementing [`Bot`]: handlers for its lifecycle (installed, joined a chat,
//! a message for it, left a chat, removed), Adaptive Card submits and timed jobs. [`run`] does
//! the rest:
//!
//! - **install**: a token given (`BOT_TOKEN`, e.g. from `openglip admin bot create`), or the
//!   OAuth install flows at `/bot/oauth` (private bots: a `POST` with `access_token`; public
//!   bots: a `GET` with `code`, exchanged with the authorization-code grant);
//! - **subscriptions without a cron job**: a WebHook subscription to `BOT_PUBLIC_URL/bot/webhook`
//!   when the bot has a public URL (made once, renewed before it expires, re-made if it is
//!   blacklisted), else a WebSocket subscription (heartbeats, reconnection, session recovery);
//! - **no lost events**: every post handled is recorded; after any gap (a WebSocket session that
//!   could not be recovered, a re-made WebHook, or the bot's own restart) the bot reads what it
//!   missed through the REST API — the chats it is in now versus the ones it knew, and their
//!   posts since the last one handled — and handles each once;
//! - **messages for the bot**: direct messages, and in group chats only posts that @mention it
//!   (with the mention stripped); never its own posts;
//! - per-chat **state** and a **scheduler** (one-off and recurring jobs in an IANA time zone), both
//!   kept in the bot's SQLite database;
//! - a **test harness** (feature `harness`) that runs bots against a real openglip.

pub mod binding;
pub mod config;
mod endpoint;
pub mod runtime;
pub mod schedule;
pub mod signature;
pub mod store;

#[cfg(feature = "harness")]
pub mod harness;

use std::future::Future;
use std::sync::Arc;

pub use config::{BotConfig, Transport};
pub use openglip_sdk as sdk;
pub use openglip_sdk::events::ChatEvent;
pub use openglip_sdk::wire::PostInfo;
use openglip_sdk::{ChatType, Client};
pub use runtime::{RunningBot, run, start};
pub use schedule::{Job, JobSpec, Recurrence, Scheduler};
pub use store::Store;

/// What handlers return: errors are logged, and the bot carries on.
pub type HandlerResult = std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>;

pub type Result<T, E = BotError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error(transparent)]
    Sdk(#[from] openglip_sdk::Error),
    #[error("bot database: {0}")]
    Store(String),
    #[error("schedule: {0}")]
    Schedule(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for BotError {
    fn from(e: rusqlite::Error) -> Self {
        BotError::Store(e.to_string())
    }
}

/// How the bot got its token.
#[derive(Debug, Clone, PartialEq)]
pub enum InstallFlow {
    /// Given to it (`BOT_TOKEN`).
    Token,
    /// A private bot's install: the server POSTed the token to `/bot/oauth`.
    Private,
    /// A public bot's install: the server redirected with a code, exchanged for the token.
    Public,
}

/// The bot was installed (or started with a token it had not seen before).
#[derive(Debug, Clone)]
pub struct Installed {
    pub flow: InstallFlow,
    pub bot_id: String,
    pub creator_extension_id: Option<String>,
    pub creator_account_id: Option<String>,
}

/// A post for the bot: a direct message, or a group post that @mentions it.
#[derive(Debug, Clone)]
pub struct Message {
    pub chat_id: String,
    pub chat_type: Option<ChatType>,
    /// The text with the bot's mention removed and trimmed.
    pub text: String,
    pub creator_id: String,
    /// Whether the chat is between the bot and one person.
    pub direct: bool,
    pub post: PostInfo,
}

/// An Adaptive Card `Action.Submit` (RingCentral POSTs it to the app's outbound WebHook URL,
/// here `/bot/submit`).
#[derive(Debug, Clone)]
pub struct CardSubmit {
    pub user_id: Option<String>,
    pub chat_id: Option<String>,
    pub card_id: Option<String>,
    pub data: serde_json::Value,
    pub raw: serde_json::Value,
}

/// A bot: override the handlers it needs. Every handler gets the [`Context`].
pub trait Bot: Send + Sync + 'static {
    /// Installed, or started with a new token.
    fn on_installed(
        &self,
        _ctx: &Context,
        _ev: &Installed,
    ) -> impl Future<Output = HandlerResult> + Send {
        async { Ok(()) }
    }
    /// The bot joined a chat or was added to one (`GroupJoined`).
    fn on_joined_chat(
        &self,
        _ctx: &Context,
        _chat: &ChatEvent,
    ) -> impl Future<Output = HandlerResult> + Send {
        async { Ok(()) }
    }
    /// A message for the bot.
    fn on_message(
        &self,
        _ctx: &Context,
        _msg: &Message,
    ) -> impl Future<Output = HandlerResult> + Send {
        async { Ok(()) }
    }
    /// The bot left a chat or was removed from it (`GroupLeft`).
    fn on_left_chat(
        &self,
        _ctx: &Context,
        _chat: &ChatEvent,
    ) -> impl Future<Output = HandlerResult> + Send {
        async { Ok(()) }
    }
    /// The bot was uninstalled (its extension was deleted); its token no longer works.
    fn on_removed(&self, _ctx: &Context) -> impl Future<Output = HandlerResult> + Send {
        async { Ok(()) }
    }
    /// An Adaptive Card was submitted. The JSON returned (if any) is the answer's body.
    fn on_card_submit(
        &self,
        _ctx: &Context,
        _submit: &CardSubmit,
    ) -> impl Future<
        Output = std::result::Result<
            Option<serde_json::Value>,
            Box<dyn std::error::Error + Send + Sync>,
        >,
    > + Send {
        async { Ok(None) }
    }
    /// A scheduled job without text is due.
    fn on_job(&self, _ctx: &Context, _job: &Job) -> impl Future<Output = HandlerResult> + Send {
        async { Ok(()) }
    }
    /// Every notification, before the handlers above (for events they do not cover).
    fn on_notification(
        &self,
        _ctx: &Context,
        _n: &openglip_sdk::Notification,
    ) -> impl Future<Output = HandlerResult> + Send {
        async { Ok(()) }
    }
}

pub(crate) struct ContextInner {
    pub client: Client,
    pub bot_id: String,
    pub bot_name: String,
    pub store: Store,
    pub scheduler: Scheduler,
}

/// What handlers work with: the API client (acting as the bot), the bot's identity, its
/// per-chat state and its scheduler. Cheap to clone.
#[derive(Clone)]
pub struct Context {
    pub(crate) inner: Arc<ContextInner>,
}

impl Context {
    /// The API client, acting as the bot.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }
    /// The bot's extension (person) id.
    pub fn bot_id(&self) -> &str {
        &self.inner.bot_id
    }
    pub fn bot_name(&self) -> &str {
        &self.inner.bot_name
    }
    /// Posts `text` to a chat.
    pub async fn reply(&self, chat_id: &str, text: &str) -> Result<PostInfo> {
        Ok(self.inner.client.send_text(chat_id, text).await?)
    }
    /// The state of one chat.
    pub fn state(&self, chat_id: &str) -> ChatState {
        ChatState {
            store: self.inner.store.clone(),
            chat_id: chat_id.to_string(),
        }
    }
    pub fn scheduler(&self) -> &Scheduler {
        &self.inner.scheduler
    }
    pub fn store(&self) -> &Store {
        &self.inner.store
    }
}

/// Per-chat key → JSON value storage in the bot's database.
#[derive(Clone)]
pub struct ChatState {
    store: Store,
    chat_id: String,
}

impl ChatState {
    pub async fn get<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        self.store.get_state(&self.chat_id, key).await
    }
    pub async fn set<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<()> {
        self.store.set_state(&self.chat_id, key, value).await
    }
    pub async fn remove(&self, key: &str) -> Result<()> {
        self.store.remove_state(&self.chat_id, key).await
    }
    /// Forgets everything about the chat.
    pub async fn clear(&self) -> Result<()> {
        self.store.clear_chat_state(&self.chat_id).await
    }
}

/// Removes the markup of mentions of `id` (`![:Person](id)`) from `text` and trims it.
pub fn strip_mention(text: &str, id: &str) -> String {
    let mut s = text.to_string();
    for kind in ["Person", "Team"] {
        s = s.replace(&format!("![:{kind}]({id})"), "");
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `post` mentions `id` (in `mentions`, or as markup in its text).
pub fn mentions(post: &PostInfo, id: &str) -> bool {
    post.mentions
        .as_ref()
        .is_some_and(|m| m.iter().any(|m| m.id == id))
        || post.text.contains(&format!("![:Person]({id})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_stripped() {
        assert_eq!(strip_mention("![:Person](42) help  me", "42"), "help me");
        assert_eq!(
            strip_mention("hi ![:Person](43)", "42"),
            "hi ![:Person](43)"
        );
    }
}
