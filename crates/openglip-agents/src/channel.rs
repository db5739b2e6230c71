//! The RingCentral Glip channel, as the channel guide describes it: the app's **Application
//! Key** and **Application Secret**, **Authorize** (authorization code with PKCE as a user
//! extension, through the platform's sign-in and Access Request pages, back to the **OAuth
//! Redirect URI** that carries the agent's stream id), **Enable Channel** (a WebHook
//! subscription to posts and chats, renewed before it expires and made again when it was
//! blacklisted or deleted), and then conversations: direct messages to the extension and posts
//! that @mention it get the published agent's answers; never its own posts; each post once
//! (recorded with the turn); one at a time per conversation. On start, and whenever the
//! subscription had to be made anew, it catches up through REST on posts it missed.
//!
//! Everything goes through the platform's public API (`openglip-sdk`); the tokens are refreshed
//! by the SDK shortly before they expire and written back to the store.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::Router;
use openglip_sdk::auth::AuthorizeRequest;
use openglip_sdk::events::{Event, Incoming};
use openglip_sdk::webhook::WebhookReceiver;
use openglip_sdk::wire::PostInfo;
use openglip_sdk::{ChatType, Client, PageQuery, Pkce, Token};

use crate::app::App;
use crate::error::{Error, Result};
use crate::store::channels::Channel;
use crate::store::conversations::ConversationKey;

/// How long a subscription is asked for, and when it is renewed (a day before).
const SUBSCRIPTION_SECONDS: i64 = 7 * 86_400;
const RENEW_WITHIN: i64 = 86_400;
/// Catch-up reads this far before the newest post handled (clocks and commits are not exact).
const CATCH_UP_SLACK_MS: i64 = 120_000;

/// The channels running now, by agent.
#[derive(Default)]
pub struct Channels {
    running: Mutex<HashMap<i64, Running>>,
}

struct Running {
    stream_id: String,
    /// The SDK's WebHook receiver for this agent's address.
    webhook: Router,
    task: tokio::task::JoinHandle<()>,
}

impl Channels {
    /// The WebHook receiver of the agent with this stream id, if its channel runs.
    pub(crate) fn webhook(&self, stream_id: &str) -> Option<Router> {
        let map = self.running.lock().unwrap_or_else(|p| p.into_inner());
        map.values()
            .find(|r| r.stream_id == stream_id)
            .map(|r| r.webhook.clone())
    }

    fn stop(&self, agent_id: i64) {
        let mut map = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = map.remove(&agent_id) {
            r.task.abort();
        }
    }

    pub(crate) fn stop_all(&self) {
        let mut map = self.running.lock().unwrap_or_else(|p| p.into_inner());
        for (_, r) in map.drain() {
            r.task.abort();
        }
    }

    pub(crate) fn is_running(&self, agent_id: i64) -> bool {
        let map = self.running.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&agent_id).is_some_and(|r| !r.task.is_finished())
    }
}

/// The platform URL of the channel's environment (both default to the app's platform).
pub fn environment_url(app: &App, ch: &Channel) -> String {
    let own = match ch.environment.as_str() {
        "production" => ch.production_url.clone(),
        _ => ch.sandbox_url.clone(),
    };
    own.unwrap_or_else(|| app.config().platform_url.clone())
}

/// The OAuth Redirect URI of an agent: it carries the stream id.
pub fn redirect_uri(app: &App, stream_id: &str) -> String {
    format!(
        "{}/channels/glip/oauth/{stream_id}",
        app.config().public_url
    )
}

/// The WebHook address of an agent.
pub fn webhook_address(app: &App, stream_id: &str) -> String {
    format!(
        "{}/channels/glip/webhook/{stream_id}",
        app.config().public_url
    )
}

fn ms_to_s(ms: Option<i64>) -> Option<i64> {
    ms.map(|m| m / 1000)
}

/// The API client acting as the authorized extension: tokens refreshed before they expire and
/// saved whenever they change.
fn client(app: &App, ch: &Channel) -> Result<Client> {
    let access = ch
        .access_token
        .clone()
        .ok_or_else(|| Error::Conflict("Authorize the channel first.".into()))?;
    let token = Token {
        access_token: access,
        refresh_token: ch.refresh_token.clone(),
        expires_at_ms: ch.access_expires_at.map(|s| s * 1000),
        refresh_expires_at_ms: ch.refresh_expires_at.map(|s| s * 1000),
        owner_id: ch.extension_id.clone(),
        scope: None,
    };
    // New tokens are saved one after another, in the order they came (a refresh token rotates:
    // an older one saved last would be refused, and its family revoked).
    let (saves, mut queue) = tokio::sync::mpsc::unbounded_channel::<Token>();
    let store = app.store().clone();
    let agent_id = ch.agent_id;
    tokio::spawn(async move {
        while let Some(t) = queue.recv().await {
            let saved = store
                .save_tokens(
                    agent_id,
                    &t.access_token,
                    t.refresh_token.as_deref(),
                    ms_to_s(t.expires_at_ms),
                    ms_to_s(t.refresh_expires_at_ms),
                    None,
                )
                .await;
            if let Err(e) = saved {
                tracing::error!(agent_id, error = %e, "saving the channel's new token failed");
            }
        }
    });
    Ok(Client::builder(environment_url(app, ch))
        .app(ch.app_key.clone(), Some(ch.app_secret.clone()))
        .token(token)
        .renew_before(app.config().renew_before)
        .on_token(move |t| {
            let _ = saves.send(t.clone());
        })
        .build()?)
}

/// Step 3(b) 1: **Authorize** — the platform's authorization URL (code + PKCE) to send the
/// browser to.
pub async fn authorize_url(app: &App, agent_id: i64) -> Result<String> {
    let row = app.store().agent(agent_id).await?;
    let ch = app.store().channel(agent_id).await?;
    if ch.app_key.is_empty() || ch.app_secret.is_empty() {
        return Err(Error::invalid(
            "app_key",
            "Save the Application Key and Application Secret first.",
        ));
    }
    let client = Client::builder(environment_url(app, &ch))
        .app(ch.app_key.clone(), Some(ch.app_secret.clone()))
        .build()?;
    let pkce = Pkce::new();
    let state = openglip_sdk::auth::random_token(32);
    app.store()
        .save_oauth_request(agent_id, &state, &pkce.verifier)
        .await?;
    Ok(client.authorize_url(&AuthorizeRequest {
        redirect_uri: redirect_uri(app, &row.stream_id),
        state: Some(state),
        code_challenge: Some(pkce.challenge.clone()),
        scope: None,
        extra: Vec::new(),
    })?)
}

/// The platform sent the browser back to the OAuth Redirect URI: the code is exchanged (with
/// the PKCE verifier) for the extension's tokens. The agent's id.
pub async fn callback(app: &App, stream_id: &str, code: &str, state: &str) -> Result<i64> {
    let row = app.store().agent_by_stream(stream_id).await?;
    let Some((agent_id, verifier)) = app.store().take_oauth_request(state).await? else {
        return Err(Error::Forbidden(
            "This authorization was not asked for here, or it is older than ten minutes: click Authorize again.".into(),
        ));
    };
    if agent_id != row.id {
        return Err(Error::Forbidden(
            "This authorization belongs to another agent.".into(),
        ));
    }
    let ch = app.store().channel(agent_id).await?;
    let client = Client::builder(environment_url(app, &ch))
        .app(ch.app_key.clone(), Some(ch.app_secret.clone()))
        .build()?;
    let token = client
        .exchange_code(code, &redirect_uri(app, stream_id), Some(&verifier))
        .await
        .map_err(|e| {
            Error::Platform(format!(
                "The platform refused the authorization: {e}. Check the Application Key and Secret, and that the app's redirect URI is the OAuth Redirect URI shown here."
            ))
        })?;
    let me = client.me().await?;
    let name = me.name.clone();
    app.store()
        .save_tokens(
            agent_id,
            &token.access_token,
            token.refresh_token.as_deref(),
            ms_to_s(token.expires_at_ms),
            ms_to_s(token.refresh_expires_at_ms),
            Some((&me.id.to_string(), &name)),
        )
        .await?;
    // A channel that was enabled goes on with the new authorization.
    if ch.enabled {
        start(app, agent_id).await?;
    }
    Ok(agent_id)
}

/// **Enable Channel: Yes** — subscribes and starts answering. **No** — stops and deletes the
/// subscription.
pub async fn set_enabled(app: &App, agent_id: i64, enabled: bool) -> Result<()> {
    if enabled {
        let ch = app.store().channel(agent_id).await?;
        if ch.access_token.is_none() {
            return Err(Error::invalid(
                "enabled",
                "Authorize the channel before enabling it.",
            ));
        }
        if app.store().published(agent_id).await?.is_none() {
            return Err(Error::invalid(
                "enabled",
                "Publish the agent before enabling its channel: the published version answers people.",
            ));
        }
        app.store().set_enabled(agent_id, true).await?;
        start(app, agent_id).await
    } else {
        app.inner.channels.stop(agent_id);
        let ch = app.store().channel(agent_id).await?;
        if let (Some(id), Ok(c)) = (&ch.subscription_id, client(app, &ch)) {
            match c.delete_subscription(id).await {
                Ok(()) => {}
                Err(openglip_sdk::Error::Api { status: 404, .. }) => {}
                Err(e) => tracing::warn!(agent_id, error = %e, "deleting the subscription failed"),
            }
        }
        app.store()
            .save_subscription(agent_id, None, None, None, None)
            .await?;
        app.store().set_enabled(agent_id, false).await
    }
}

/// Starts every enabled channel (when the app starts).
pub async fn start_all(app: &App) {
    let channels = match app.store().enabled_channels().await {
        Ok(c) => c,
        Err(e) => return tracing::error!(error = %e, "reading the enabled channels failed"),
    };
    for ch in channels {
        if let Err(e) = start(app, ch.agent_id).await {
            tracing::warn!(agent_id = ch.agent_id, error = %e, "starting a channel failed");
            let _ = app
                .store()
                .set_channel_error(ch.agent_id, Some(&e.to_string()))
                .await;
        }
    }
}

/// Starts (or restarts) an agent's channel: its WebHook receiver, its subscription, a catch-up,
/// and its worker.
pub async fn start(app: &App, agent_id: i64) -> Result<()> {
    app.inner.channels.stop(agent_id);
    let row = app.store().agent(agent_id).await?;
    let mut ch = app.store().channel(agent_id).await?;
    let verification = match &ch.verification_token {
        Some(v) => v.clone(),
        None => openglip_sdk::auth::random_token(24),
    };
    ch.verification_token = Some(verification.clone());
    let (webhook, mut events) = WebhookReceiver::new(Some(verification))
        .router(&format!("/channels/glip/webhook/{}", row.stream_id));
    let client = client(app, &ch)?;
    let worker_client = client.clone();
    let worker_app = app.clone();
    let stream_id = row.stream_id.clone();
    // Registered before subscribing, so the validation handshake finds the receiver.
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        if ready_rx.await.is_err() {
            return;
        }
        let (app, client) = (worker_app, worker_client);
        let mut check = tokio::time::interval(app.config().subscription_check);
        check.tick().await;
        loop {
            tokio::select! {
                item = events.next() => match item {
                    Some(Incoming::Notification(n)) => {
                        if let Event::PostAdded(post) = &n.body
                            && let Err(e) = handle_post(&app, agent_id, &client, post).await
                        {
                            tracing::warn!(agent_id, error = %e, "answering a post failed");
                            refused(&app, agent_id, &e).await;
                        }
                    }
                    Some(_) => {}
                    None => return,
                },
                _ = check.tick() => {
                    match ensure_subscription(&app, agent_id, &client).await {
                        Ok(true) => { let _ = catch_up(&app, agent_id, &client).await; }
                        Ok(false) => {}
                        Err(e) => refused(&app, agent_id, &e).await,
                    }
                }
            }
        }
    });
    {
        let mut map = app
            .inner
            .channels
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        map.insert(
            agent_id,
            Running {
                stream_id,
                webhook,
                task,
            },
        );
    }
    app.store()
        .save_subscription(
            agent_id,
            ch.subscription_id.as_deref(),
            ch.subscription_expires_at,
            ch.subscription_status.as_deref(),
            ch.verification_token.as_deref(),
        )
        .await?;
    if let Err(e) = ensure_subscription(app, agent_id, &client).await {
        refused(app, agent_id, &e).await;
        app.inner.channels.stop(agent_id);
        return Err(e);
    }
    catch_up(app, agent_id, &client).await?;
    let _ = ready_tx.send(());
    app.store().set_channel_error(agent_id, None).await
}

/// A call the platform refused: a refused refresh token means authorizing again.
async fn refused(app: &App, agent_id: i64, e: &Error) {
    let text = e.to_string();
    let auth = text.contains("OAU-") || text.contains("HTTP 401");
    let why = if auth {
        format!(
            "The platform no longer accepts this channel's authorization ({text}). Click Authorize again."
        )
    } else {
        text
    };
    let saved = if auth {
        app.store().forget_tokens(agent_id, &why).await
    } else {
        app.store().set_channel_error(agent_id, Some(&why)).await
    };
    if let Err(e) = saved {
        tracing::error!(agent_id, error = %e, "recording a channel failure failed");
    }
}

/// Makes sure a live subscription delivers to the app: renews it when it expires within a day,
/// makes it anew when it is gone, blacklisted or expired. Whether it was made anew (then the
/// caller catches up).
async fn ensure_subscription(app: &App, agent_id: i64, client: &Client) -> Result<bool> {
    let row = app.store().agent(agent_id).await?;
    let ch = app.store().channel(agent_id).await?;
    let now = crate::store::now();
    if let Some(id) = &ch.subscription_id {
        match client.subscription(id).await {
            Ok(s) if s.status == "Active" => {
                let expires = now + s.expires_in;
                let (expires, status) = if s.expires_in < RENEW_WITHIN {
                    let r = client.renew_subscription(id).await?;
                    (now + r.expires_in, r.status)
                } else {
                    (expires, s.status)
                };
                app.store()
                    .save_subscription(agent_id, Some(id), Some(expires), Some(&status), None)
                    .await?;
                return Ok(false);
            }
            Ok(s) => {
                tracing::info!(agent_id, status = %s.status, "the subscription is not active: making it anew");
                let _ = client.delete_subscription(id).await;
            }
            Err(openglip_sdk::Error::Api { status: 404, .. }) => {
                tracing::info!(agent_id, "the subscription is gone: making it anew");
            }
            Err(e) => return Err(e.into()),
        }
    }
    let filters = vec![
        "/team-messaging/v1/posts".to_string(),
        "/team-messaging/v1/chats".to_string(),
    ];
    let s = client
        .create_webhook(
            &filters,
            &webhook_address(app, &row.stream_id),
            ch.verification_token.as_deref(),
            Some(SUBSCRIPTION_SECONDS),
        )
        .await?;
    app.store()
        .save_subscription(
            agent_id,
            Some(&s.id),
            Some(now + s.expires_in),
            Some(&s.status),
            None,
        )
        .await?;
    Ok(true)
}

/// Reads, through REST, the posts of the extension's chats newer than the last one handled,
/// oldest first, and handles those not handled yet.
async fn catch_up(app: &App, agent_id: i64, client: &Client) -> Result<()> {
    let ch = app.store().channel(agent_id).await?;
    let Some(since) = ch.caught_up_to else {
        // A new channel starts from now: what was said before it was enabled is not for it.
        let now_ms = jiff::Timestamp::now().as_millisecond();
        return app.store().advance_caught_up(agent_id, now_ms).await;
    };
    let from = since - CATCH_UP_SLACK_MS;
    let chats = client
        .recent_chats(
            &[ChatType::Direct, ChatType::Group, ChatType::Team],
            Some(250),
        )
        .await?;
    let mut missed: Vec<PostInfo> = Vec::new();
    for chat in chats {
        let page = client.list_posts(&chat.id, &PageQuery::count(100)).await?;
        missed.extend(
            page.records
                .into_iter()
                .filter(|p| millis(&p.creation_time).is_some_and(|t| t >= from)),
        );
    }
    missed.sort_by_key(|p| millis(&p.creation_time));
    for post in missed {
        handle_post(app, agent_id, client, &post).await?;
    }
    Ok(())
}

fn millis(iso: &str) -> Option<i64> {
    iso.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

/// One post in a chat of the extension: answered if it is a direct message to it or mentions
/// it, never if it is its own; once.
async fn handle_post(app: &App, agent_id: i64, client: &Client, post: &PostInfo) -> Result<()> {
    let ch = app.store().channel(agent_id).await?;
    let Some(me) = ch.extension_id.clone() else {
        return Ok(());
    };
    if post.creator_id == me || post.kind != "TextMessage" {
        return Ok(());
    }
    if app.store().processed(agent_id, &post.id).await? {
        return Ok(());
    }
    let chat = client.chat(&post.group_id).await?;
    let direct = chat.kind == "Direct";
    let mentioned = openglip_bot::mentions(post, &me);
    if let Some(t) = millis(&post.creation_time) {
        app.store().advance_caught_up(agent_id, t).await?;
    }
    if !direct && !mentioned {
        return app.store().mark_processed(agent_id, &post.id).await;
    }
    let Some((version, agent)) = app.published(agent_id).await? else {
        return app.store().mark_processed(agent_id, &post.id).await;
    };
    let text = openglip_bot::strip_mention(&post.text, &me);
    let key = ConversationKey {
        agent_id,
        channel: "glip".into(),
        chat_id: post.group_id.clone(),
        person_id: post.creator_id.clone(),
    };
    let Some(reply) = app
        .converse(&agent, Some(version), &key, &text, Some(&post.id))
        .await?
    else {
        return Ok(());
    };
    for message in &reply.messages {
        client.send_text(&post.group_id, message).await?;
    }
    Ok(())
}
