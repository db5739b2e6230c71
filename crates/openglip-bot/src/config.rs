//! How a bot is set up, from code or from the environment.

use std::path::PathBuf;
use std::time::Duration;

use crate::{BotError, Result};

/// How notifications reach the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// WebHook when the bot has a public URL, else WebSocket.
    Auto,
    WebSocket,
    WebHook,
}

/// A bot's settings.
#[derive(Debug, Clone)]
pub struct BotConfig {
    /// The server (`OPENGLIP_SERVER`, e.g. `http://127.0.0.1:8080`).
    pub server: String,
    /// A permanent bot token (`BOT_TOKEN`, from `openglip admin bot create`).
    pub token: Option<String>,
    /// The bot app's credentials (`BOT_CLIENT_ID`, `BOT_CLIENT_SECRET`), for the OAuth install
    /// flows at `/bot/oauth`.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Where the bot's own HTTP endpoint listens (`BOT_LISTEN`, e.g. `0.0.0.0:3000`): the install
    /// redirect `/bot/oauth`, WebHook deliveries `/bot/webhook`, card submits `/bot/submit`.
    pub listen: Option<String>,
    /// The URL the server reaches that endpoint at (`BOT_PUBLIC_URL`).
    pub public_url: Option<String>,
    /// The shared secret Adaptive Card submits are signed with (`BOT_SUBMIT_SECRET`,
    /// `X-Glip-Signature`); without it, submits are refused.
    pub submit_secret: Option<String>,
    /// Where the bot keeps its database (`BOT_DATA_DIR`, default `./bot-data`).
    pub data_dir: PathBuf,
    /// `BOT_TRANSPORT`: `auto` (default), `websocket` or `webhook`.
    pub transport: Transport,
    /// Lifetime asked for WebHook subscriptions (seconds).
    pub webhook_expires_in: i64,
    /// How often the subscription's health is checked and it is renewed.
    pub renew_every: Duration,
    pub event_filters: Vec<String>,
}

impl BotConfig {
    pub fn new(server: impl Into<String>) -> BotConfig {
        BotConfig {
            server: server.into().trim_end_matches('/').to_string(),
            token: None,
            client_id: None,
            client_secret: None,
            listen: None,
            public_url: None,
            submit_secret: None,
            data_dir: PathBuf::from("./bot-data"),
            transport: Transport::Auto,
            webhook_expires_in: 7 * 86_400,
            renew_every: Duration::from_secs(3600),
            event_filters: openglip_sdk::events::default_filters(),
        }
    }

    /// Where a bot program named `name` keeps its data when `BOT_DATA_DIR` is not set: the
    /// user's state folder (`$XDG_STATE_HOME/<name>`, or `~/.local/state/<name>`), so that
    /// running it from a checkout leaves nothing in the working tree; `./bot-data` without a
    /// home folder.
    pub fn default_data_dir(name: &str) -> PathBuf {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(state) = var("XDG_STATE_HOME") {
            return state.join(name);
        }
        match var("HOME") {
            Some(home) => home.join(".local/state").join(name),
            None => PathBuf::from("./bot-data"),
        }
    }

    /// Reads `OPENGLIP_SERVER`, `BOT_TOKEN`, `BOT_CLIENT_ID`, `BOT_CLIENT_SECRET`, `BOT_LISTEN`,
    /// `BOT_PUBLIC_URL`, `BOT_SUBMIT_SECRET`, `BOT_DATA_DIR` and `BOT_TRANSPORT`.
    pub fn from_env() -> Result<BotConfig> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let server = var("OPENGLIP_SERVER").ok_or_else(|| {
            BotError::Config("OPENGLIP_SERVER is not set (e.g. http://127.0.0.1:8080)".into())
        })?;
        let mut c = BotConfig::new(server);
        c.token = var("BOT_TOKEN");
        c.client_id = var("BOT_CLIENT_ID");
        c.client_secret = var("BOT_CLIENT_SECRET");
        c.listen = var("BOT_LISTEN");
        c.public_url = var("BOT_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        c.submit_secret = var("BOT_SUBMIT_SECRET");
        if let Some(d) = var("BOT_DATA_DIR") {
            c.data_dir = PathBuf::from(d);
        }
        c.transport = match var("BOT_TRANSPORT").as_deref() {
            None | Some("auto") => Transport::Auto,
            Some("websocket") | Some("ws") => Transport::WebSocket,
            Some("webhook") => Transport::WebHook,
            Some(other) => {
                return Err(BotError::Config(format!(
                    "BOT_TRANSPORT must be auto, websocket or webhook, not [{other}]"
                )));
            }
        };
        c.check()?;
        Ok(c)
    }

    /// Checks that the settings make sense together.
    pub fn check(&self) -> Result<()> {
        if self.token.is_none() && self.client_id.is_none() {
            return Err(BotError::Config(
                "give BOT_TOKEN, or BOT_CLIENT_ID and BOT_CLIENT_SECRET (to be installed through OAuth)".into(),
            ));
        }
        if self.token.is_none() && self.listen.is_none() {
            return Err(BotError::Config(
                "installing through OAuth needs BOT_LISTEN (the install redirect comes to /bot/oauth)".into(),
            ));
        }
        if self.transport == Transport::WebHook
            && (self.public_url.is_none() || self.listen.is_none())
        {
            return Err(BotError::Config(
                "the WebHook transport needs BOT_LISTEN and BOT_PUBLIC_URL".into(),
            ));
        }
        Ok(())
    }

    /// The transport in use.
    pub fn effective_transport(&self) -> Transport {
        match self.transport {
            Transport::Auto if self.public_url.is_some() && self.listen.is_some() => {
                Transport::WebHook
            }
            Transport::Auto => Transport::WebSocket,
            t => t,
        }
    }

    /// `{public_url}/bot/oauth`: the redirect URI of the bot app.
    pub fn redirect_uri(&self) -> Option<String> {
        self.public_url.as_ref().map(|u| format!("{u}/bot/oauth"))
    }

    pub fn webhook_address(&self) -> Option<String> {
        self.public_url.as_ref().map(|u| format!("{u}/bot/webhook"))
    }
}
