//! Running a bot: its HTTP endpoint (install redirect, WebHook deliveries, card submits), the
//! installation, the subscription and its upkeep, catching up after gaps, dispatch to the
//! handlers, and the scheduler.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use futures_util::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use openglip_sdk::events::{ChatEvent, Event, EventStream, Incoming, Notification};
use openglip_sdk::webhook::WebhookReceiver;
use openglip_sdk::wire::{ChatInfo, DeliveryModeRequest, SubscriptionRequest};
use openglip_sdk::{ChatType, Client, Token, WsOptions, WsSubscription};
use tokio::sync::{mpsc, watch};

use crate::config::{BotConfig, Transport};
use crate::endpoint::{Install, Shared, Status, oauth_get, oauth_post, submit};
use crate::schedule::Scheduler;
use crate::store::KnownChat;
use crate::{
    Bot, BotError, Context, ContextInner, InstallFlow, Installed, Message, Result, mentions,
    strip_mention,
};

/// Posts older than the cursor by more than this are not looked at when catching up (it
/// absorbs clock differences; handled posts are recorded, so nothing is handled twice).
const CATCH_UP_SLACK_MS: i64 = 120_000;

/// A bot started with [`start`].
pub struct RunningBot {
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<()>>,
    http: Option<tokio::task::JoinHandle<()>>,
    local_addr: Option<SocketAddr>,
    status: Arc<dyn Fn() -> (Option<String>, bool, u64) + Send + Sync>,
    ready: watch::Receiver<bool>,
}

impl RunningBot {
    /// The address the bot's HTTP endpoint listens on.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local_addr
    }
    /// The bot's extension id, once installed.
    pub fn bot_id(&self) -> Option<String> {
        (self.status)().0
    }
    /// Whether the bot is subscribed and has caught up.
    pub fn is_ready(&self) -> bool {
        (self.status)().1
    }
    /// How many times the bot caught up through the REST API (after gaps and on start).
    pub fn catch_ups(&self) -> u64 {
        (self.status)().2
    }
    /// Waits until the bot is subscribed and has caught up.
    pub async fn ready(&mut self, timeout: Duration) -> Result<()> {
        tokio::time::timeout(timeout, self.ready.wait_for(|r| *r))
            .await
            .map_err(|_| BotError::Config("the bot did not become ready in time".into()))?
            .map_err(|_| BotError::Config("the bot stopped".into()))?;
        Ok(())
    }
    /// Stops the bot (its subscription stays, so a restart resumes it).
    pub async fn stop(self) -> Result<()> {
        let _ = self.shutdown.send(true);
        let r = self
            .task
            .await
            .unwrap_or_else(|e| Err(BotError::Config(e.to_string())));
        if let Some(h) = self.http {
            let _ = h.await;
        }
        r
    }
    /// Runs until the bot ends (token-mode bots end when uninstalled) or `ctrl-c`/SIGTERM.
    pub async fn wait(self) -> Result<()> {
        let stop = self.shutdown.clone();
        let signals = async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("SIGTERM handler");
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
        };
        let mut task = self.task;
        let r = tokio::select! {
            r = &mut task => r,
            _ = signals => {
                tracing::info!("stopping");
                let _ = stop.send(true);
                task.await
            }
        };
        if let Some(h) = self.http {
            let _ = stop.send(true);
            let _ = h.await;
        }
        r.unwrap_or_else(|e| Err(BotError::Config(e.to_string())))
    }
}

/// Starts `bot` with `config` and runs it until it ends or the process is asked to stop.
pub async fn run<B: Bot>(bot: B, config: BotConfig) -> Result<()> {
    start(bot, config).await?.wait().await
}

/// Starts `bot`: opens its database, starts its HTTP endpoint (if `listen` is set) and its
/// main task; returns at once.
pub async fn start<B: Bot>(bot: B, config: BotConfig) -> Result<RunningBot> {
    config.check()?;
    let store = crate::binding::open_for(&config).await?;
    tracing::info!(data = %crate::binding::database_path(&config.data_dir).display(), "the bot's state");
    let scheduler = Scheduler::new(store.clone());
    let (install_tx, install_rx) = mpsc::channel(4);
    let (ready_tx, ready_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        bot,
        config,
        store,
        scheduler,
        ctx: Mutex::new(None),
        installs: install_tx,
        status: Mutex::new(Status::default()),
        ready: ready_tx,
    });
    let (shutdown_tx, shutdown_rx) = watch::channel(false);

    let verification = match shared.store.meta("verification_token").await? {
        Some(v) => v,
        None => {
            let v = openglip_sdk::auth::random_token(24);
            shared.store.set_meta("verification_token", &v).await?;
            v
        }
    };
    let mut webhook_events = None;
    let mut http = None;
    let mut local_addr = None;
    if let Some(listen) = shared.config.listen.clone() {
        let (hook_router, events) = WebhookReceiver::new(Some(verification)).router("/bot/webhook");
        webhook_events = Some(events);
        let router = Router::new()
            .route("/bot/oauth", get(oauth_get::<B>).post(oauth_post::<B>))
            .route("/bot/submit", post(submit::<B>))
            .route("/healthz", get(|| async { "ok" }))
            .with_state(shared.clone())
            .merge(hook_router);
        let listener = tokio::net::TcpListener::bind(&listen).await?;
        local_addr = Some(listener.local_addr()?);
        tracing::info!(address = ?local_addr, "bot endpoint listening");
        let mut stop = shutdown_rx.clone();
        http = Some(tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|s| *s).await;
                })
                .await;
        }));
    }
    let s = shared.clone();
    let task =
        tokio::spawn(async move { main_loop(s, shutdown_rx, webhook_events, install_rx).await });
    let s = shared.clone();
    Ok(RunningBot {
        shutdown: shutdown_tx,
        task,
        http,
        local_addr,
        status: Arc::new(move || {
            let st = s.status();
            (st.bot_id.clone(), st.ready, st.catch_ups)
        }),
        ready: ready_rx,
    })
}

// ---------- the main loop ----------

enum Ended {
    Shutdown,
    Removed,
}

async fn main_loop<B: Bot>(
    sh: Arc<Shared<B>>,
    mut shutdown: watch::Receiver<bool>,
    mut webhook_events: Option<EventStream>,
    mut installs: mpsc::Receiver<Install>,
) -> Result<()> {
    'outer: loop {
        // The token: given, saved from an earlier install, or awaited.
        let (token, mut installed) = match (&sh.config.token, sh.store.meta("token").await?) {
            (Some(t), _) => (t.clone(), None),
            (None, Some(t)) => (t, None),
            (None, None) => {
                tracing::info!(
                    "waiting to be installed (the install redirect comes to /bot/oauth)"
                );
                tokio::select! {
                    _ = stopped(&mut shutdown) => return Ok(()),
                    i = installs.recv() => match i {
                        Some(i) => (i.token, Some(i.installed)),
                        None => return Ok(()),
                    }
                }
            }
        };
        if sh.config.token.is_none() {
            sh.store.set_meta("token", &token).await?;
        }
        let client = Client::builder(&sh.config.server)
            .token(Token::bearer(token.clone()))
            .user_agent(format!("openglip-bot/{}", env!("CARGO_PKG_VERSION")))
            .build()?;
        let me = loop {
            match client.me().await {
                Ok(me) => break me,
                Err(e) if e.is_unauthorized() => {
                    tracing::error!(error = %e, "the bot's token does not work");
                    sh.store.delete_meta("token").await?;
                    if sh.config.token.is_some() {
                        return Err(e.into());
                    }
                    continue 'outer;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot reach the server; retrying");
                    tokio::select! {
                        _ = stopped(&mut shutdown) => return Ok(()),
                        _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                    }
                }
            }
        };
        let bot_id = me.id.to_string();
        // Another bot, or the same id on another server: what we knew is about another bot.
        crate::binding::bind(&sh.store, &sh.config.server, &bot_id).await?;
        let ctx = Context {
            inner: Arc::new(ContextInner {
                client: client.clone(),
                bot_id: bot_id.clone(),
                bot_name: me.name.clone(),
                store: sh.store.clone(),
                scheduler: sh.scheduler.clone(),
            }),
        };
        *sh.ctx.lock().unwrap_or_else(|p| p.into_inner()) = Some(ctx.clone());
        sh.status().bot_id = Some(bot_id.clone());
        if sh.store.meta("installed").await?.as_deref() != Some(bot_id.as_str()) {
            let mut ev = installed.take().unwrap_or(Installed {
                flow: InstallFlow::Token,
                bot_id: bot_id.clone(),
                creator_extension_id: None,
                creator_account_id: None,
            });
            ev.bot_id = bot_id.clone();
            if let Err(e) = sh.bot.on_installed(&ctx, &ev).await {
                tracing::warn!(error = %e, "on_installed failed");
            }
            sh.store.set_meta("installed", &bot_id).await?;
        }
        tracing::info!(bot_id, name = %me.name, "bot running");
        let ended = Session::new(sh.clone(), ctx.clone())
            .run(&mut shutdown, webhook_events.as_mut())
            .await?;
        sh.ready.send_replace(false);
        sh.status().ready = false;
        match ended {
            Ended::Shutdown => return Ok(()),
            Ended::Removed => {
                tracing::info!(bot_id, "the bot was removed");
                if let Err(e) = sh.bot.on_removed(&ctx).await {
                    tracing::warn!(error = %e, "on_removed failed");
                }
                sh.store.delete_meta("token").await?;
                sh.store.delete_meta("installed").await?;
                *sh.ctx.lock().unwrap_or_else(|p| p.into_inner()) = None;
                if sh.config.token.is_some() {
                    return Ok(());
                }
            }
        }
    }
}

// ---------- a session: one installation, subscribed ----------

struct Session<B> {
    sh: Arc<Shared<B>>,
    ctx: Context,
    ws: Option<WsSubscription>,
    ws_events: Option<EventStream>,
    webhook_id: Option<String>,
}

impl<B: Bot> Session<B> {
    fn new(sh: Arc<Shared<B>>, ctx: Context) -> Self {
        Session {
            sh,
            ctx,
            ws: None,
            ws_events: None,
            webhook_id: None,
        }
    }

    fn client(&self) -> &Client {
        self.ctx.client()
    }

    fn bot_id(&self) -> &str {
        self.ctx.bot_id()
    }

    async fn run(
        mut self,
        shutdown: &mut watch::Receiver<bool>,
        mut webhook: Option<&mut EventStream>,
    ) -> Result<Ended> {
        let transport = self.sh.config.effective_transport();
        // Subscribe first, then catch up: whatever happens in between arrives on the stream
        // and is recognised as handled.
        loop {
            let r = match transport {
                Transport::WebHook => self.ensure_webhook().await.map(|_| ()),
                _ => self.subscribe_ws().await,
            };
            match r {
                Ok(()) => break,
                Err(e) if e.is_unauthorized() => return Ok(Ended::Removed),
                Err(e) => {
                    tracing::warn!(error = %e, "subscribing failed; retrying");
                    tokio::select! {
                        _ = stopped(&mut *shutdown) => return Ok(Ended::Shutdown),
                        _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                    }
                }
            }
        }
        if let Err(e) = self.catch_up().await {
            tracing::warn!(error = %e, "catching up failed");
        }
        self.sh.status().ready = true;
        self.sh.ready.send_replace(true);
        tracing::info!(bot_id = self.bot_id(), transport = ?transport, "bot ready");

        let mut renew = tokio::time::interval(self.sh.config.renew_every);
        renew.tick().await;
        let wake = self.sh.scheduler.wake().clone();
        loop {
            let next_job = self.sh.scheduler.next_due().await.unwrap_or(None);
            let job_wait = match next_job {
                Some(t) => Duration::from_millis(
                    (t.as_millisecond() - Timestamp::now().as_millisecond()).max(0) as u64,
                ),
                None => Duration::from_secs(3600),
            };
            let item = tokio::select! {
                _ = stopped(&mut *shutdown) => {
                    if let Some(ws) = self.ws.take() {
                        // Leave the subscription to the server: only close the connection.
                        drop(self.ws_events.take());
                        drop(ws);
                    }
                    return Ok(Ended::Shutdown);
                }
                _ = wake.notified() => continue,
                _ = tokio::time::sleep(job_wait) => {
                    self.run_jobs().await;
                    continue;
                }
                _ = renew.tick() => {
                    match self.upkeep().await {
                        Ok(()) => {}
                        Err(e) if e.is_unauthorized() => return Ok(Ended::Removed),
                        Err(e) => tracing::warn!(error = %e, "subscription upkeep failed"),
                    }
                    continue;
                }
                i = next_item(self.ws_events.as_mut()) => match i {
                    Some(i) => i,
                    None => {
                        // The WebSocket supervisor gave up: access lost, or closed.
                        self.ws_events = None;
                        self.ws = None;
                        match self.client().me().await {
                            Err(e) if e.is_unauthorized() => return Ok(Ended::Removed),
                            _ => {}
                        }
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        if let Err(e) = self.subscribe_ws().await {
                            tracing::warn!(error = %e, "re-subscribing failed");
                        } else if let Err(e) = self.catch_up().await {
                            tracing::warn!(error = %e, "catching up failed");
                        }
                        continue;
                    }
                },
                i = next_item(webhook.as_deref_mut()) => match i {
                    Some(i) => i,
                    None => { webhook = None; continue; }
                },
            };
            match item {
                Incoming::Notification(n) => {
                    if self.handle(*n).await? {
                        return Ok(Ended::Removed);
                    }
                }
                Incoming::Gap => {
                    tracing::info!("notifications may have been missed: catching up");
                    if let Err(e) = self.catch_up().await {
                        tracing::warn!(error = %e, "catching up failed");
                    }
                }
                Incoming::Recovered => {}
            }
        }
    }

    async fn subscribe_ws(&mut self) -> openglip_sdk::Result<()> {
        let (ws, events) = self
            .client()
            .subscribe_ws(WsOptions::new(self.sh.config.event_filters.clone()))
            .await?;
        self.ws = Some(ws);
        self.ws_events = Some(events);
        Ok(())
    }

    /// Keeps one active WebHook subscription to our address: renews it, or makes it anew (and
    /// then catches up, since it did not exist for a while). Returns whether it was made anew.
    async fn ensure_webhook(&mut self) -> openglip_sdk::Result<bool> {
        let address = self.sh.config.webhook_address().unwrap_or_default();
        let token = self
            .sh
            .store
            .meta("verification_token")
            .await
            .ok()
            .flatten();
        let request = SubscriptionRequest {
            event_filters: Some(self.sh.config.event_filters.clone()),
            delivery_mode: Some(DeliveryModeRequest {
                transport_type: Some("WebHook".into()),
                address: Some(address.clone()),
                verification_token: token.clone(),
                encryption: None,
            }),
            expires_in: Some(self.sh.config.webhook_expires_in.into()),
        };
        let mut keep = None;
        for s in self.client().list_subscriptions().await? {
            if s.delivery_mode.address.as_deref() != Some(address.as_str()) {
                continue;
            }
            if keep.is_none() && s.status == "Active" {
                keep = Some(s);
            } else {
                let _ = self.client().delete_subscription(&s.id).await;
            }
        }
        let (info, fresh) = match keep {
            Some(s) => (
                self.client().update_subscription(&s.id, &request).await?,
                false,
            ),
            None => (self.client().create_subscription(&request).await?, true),
        };
        tracing::info!(id = %info.id, expires = %info.expiration_time, fresh, "WebHook subscription in place");
        self.webhook_id = Some(info.id);
        Ok(fresh)
    }

    /// Periodic: renew the subscription, re-make it if it was blacklisted or is gone.
    async fn upkeep(&mut self) -> openglip_sdk::Result<()> {
        if let Some(id) = self.webhook_id.clone() {
            let healthy = match self.client().subscription(&id).await {
                Ok(s) => s.status == "Active",
                Err(e) if e.is_not_found() => false,
                Err(e) => return Err(e),
            };
            if healthy {
                self.client().renew_subscription(&id).await?;
            } else if self.ensure_webhook().await?
                && let Err(e) = self.catch_up().await
            {
                tracing::warn!(error = %e, "catching up failed");
            }
        } else if let Some(id) = self.ws.as_ref().and_then(|w| w.info()).map(|i| i.id) {
            match self.client().renew_subscription(&id).await {
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        let _ = self.sh.store.prune_posts(7).await;
        Ok(())
    }

    async fn run_jobs(&self) {
        let due = match self.sh.scheduler.take_due(Timestamp::now()).await {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "reading due jobs failed");
                return;
            }
        };
        for job in due {
            let r = match &job.text {
                Some(t) => self
                    .ctx
                    .reply(&job.chat_id, t)
                    .await
                    .map(|_| ())
                    .map_err(Into::into),
                None => self.sh.bot.on_job(&self.ctx, &job).await,
            };
            if let Err(e) = r {
                tracing::warn!(job = job.id, error = %e, "job failed");
            }
        }
    }

    /// Handles one notification. Returns true when the bot was removed.
    async fn handle(&mut self, n: Notification) -> Result<bool> {
        if !n.owner_id.is_empty() && n.owner_id != self.bot_id() {
            return Ok(false);
        }
        if let Err(e) = self.sh.bot.on_notification(&self.ctx, &n).await {
            tracing::warn!(error = %e, "on_notification failed");
        }
        match n.body {
            Event::PostAdded(post) => self.handle_post(*post).await?,
            Event::GroupJoined(chat) => self.joined(chat).await?,
            Event::GroupLeft(chat) => self.left(chat).await?,
            Event::GroupChanged(chat) | Event::GroupRenamed(chat) => {
                self.sh.store.put_chat(known(&chat)).await?;
            }
            Event::ExtensionDeleted { extension_id } if extension_id == self.bot_id() => {
                return Ok(true);
            }
            Event::RenewalReminder { .. } => {
                if let Err(e) = self.upkeep().await {
                    tracing::warn!(error = %e, "renewal failed");
                }
            }
            _ => {}
        }
        Ok(false)
    }

    async fn joined(&self, chat: ChatEvent) -> Result<()> {
        if self.sh.store.put_chat(known(&chat)).await?
            && let Err(e) = self.sh.bot.on_joined_chat(&self.ctx, &chat).await
        {
            tracing::warn!(error = %e, "on_joined_chat failed");
        }
        Ok(())
    }

    async fn left(&self, chat: ChatEvent) -> Result<()> {
        if self.sh.store.remove_chat(&chat.id).await?
            && let Err(e) = self.sh.bot.on_left_chat(&self.ctx, &chat).await
        {
            tracing::warn!(error = %e, "on_left_chat failed");
        }
        Ok(())
    }

    async fn advance_cursor(&self, creation_time: &str) -> Result<()> {
        let Ok(t) = creation_time.parse::<Timestamp>() else {
            return Ok(());
        };
        let cur = self
            .sh
            .store
            .meta("cursor")
            .await?
            .and_then(|c| c.parse::<Timestamp>().ok());
        if cur.is_none_or(|c| t > c) {
            self.sh.store.set_meta("cursor", &t.to_string()).await?;
        }
        Ok(())
    }

    /// A post: handled once, and passed to `on_message` when it is for the bot.
    async fn handle_post(&self, post: openglip_sdk::wire::PostInfo) -> Result<()> {
        if self.sh.store.post_seen(&post.id).await? {
            return Ok(());
        }
        let for_bot = post.creator_id != self.bot_id() && post.kind == "TextMessage";
        if for_bot {
            let chat = match self.sh.store.chat(&post.group_id).await? {
                Some(c) => Some(c),
                None => match self.client().chat(&post.group_id).await {
                    Ok(c) => {
                        let k = known_info(&c);
                        self.sh.store.put_chat(k.clone()).await?;
                        Some(k)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, chat = %post.group_id, "cannot read the chat");
                        None
                    }
                },
            };
            let chat_type = chat.as_ref().and_then(|c| ChatType::parse(&c.kind));
            let direct = matches!(chat_type, Some(ChatType::Direct | ChatType::Personal))
                || chat.as_ref().is_some_and(|c| {
                    c.members > 0 && c.members <= 2 && chat_type == Some(ChatType::Group)
                });
            if direct || mentions(&post, self.bot_id()) {
                let msg = Message {
                    chat_id: post.group_id.clone(),
                    chat_type,
                    text: strip_mention(&post.text, self.bot_id()),
                    creator_id: post.creator_id.clone(),
                    direct,
                    post: post.clone(),
                };
                if let Err(e) = self.sh.bot.on_message(&self.ctx, &msg).await {
                    tracing::warn!(error = %e, "on_message failed");
                }
            }
        }
        self.sh.store.mark_post(&post.id).await?;
        self.advance_cursor(&post.creation_time).await
    }

    /// Reads through the REST API what may have been missed: chats joined and left, and posts
    /// since the cursor. On the very first start it only records where things stand.
    async fn catch_up(&self) -> Result<()> {
        self.sh.status().catch_ups += 1;
        let scan_start = Timestamp::now();
        let first_run = self.sh.store.meta("cursor").await?.is_none();
        let cursor = self
            .sh
            .store
            .meta("cursor")
            .await?
            .and_then(|c| c.parse::<Timestamp>().ok());
        let chats: Vec<ChatInfo> = self.client().chats_stream(&[]).try_collect().await?;
        let known_before: HashSet<String> = self
            .sh
            .store
            .chats()
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let now_ids: HashSet<String> = chats.iter().map(|c| c.id.clone()).collect();
        for c in &chats {
            let ev = chat_event(c);
            if first_run {
                self.sh.store.put_chat(known(&ev)).await?;
            } else {
                self.joined(ev).await?;
            }
        }
        for gone in known_before.difference(&now_ids) {
            let ev = ChatEvent {
                id: gone.clone(),
                kind: String::new(),
                name: None,
                description: None,
                public: None,
                status: None,
                members: vec![],
                creation_time: None,
                last_modified_time: None,
            };
            if first_run {
                self.sh.store.remove_chat(gone).await?;
            } else {
                self.left(ev).await?;
            }
        }
        let Some(cursor) = cursor.filter(|_| !first_run) else {
            self.sh
                .store
                .set_meta("cursor", &Timestamp::now().to_string())
                .await?;
            return Ok(());
        };
        let since = cursor.as_millisecond() - CATCH_UP_SLACK_MS;
        let mut missed = Vec::new();
        for c in &chats {
            let mut posts = std::pin::pin!(self.client().posts_stream(&c.id));
            while let Some(p) = posts.next().await {
                let p = p?;
                let t = p
                    .creation_time
                    .parse::<Timestamp>()
                    .map(|t| t.as_millisecond())
                    .unwrap_or(0);
                if t < since {
                    break;
                }
                if !self.sh.store.post_seen(&p.id).await? {
                    missed.push((t, p));
                }
            }
        }
        missed.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        if !missed.is_empty() {
            tracing::info!(count = missed.len(), "handling posts missed meanwhile");
        }
        for (_, p) in missed {
            self.handle_post(p).await?;
        }
        // Everything before the scan is handled now; what came after arrives on the
        // subscription, which was in place before the scan began.
        self.advance_cursor(&scan_start.to_string()).await
    }
}

/// Resolves once shutdown is asked (returns nothing, so no guard is held across awaits).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

async fn next_item(s: Option<&mut EventStream>) -> Option<Incoming> {
    match s {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

fn known(c: &ChatEvent) -> KnownChat {
    KnownChat {
        id: c.id.clone(),
        kind: c.kind.clone(),
        members: c.members.len() as i64,
    }
}

fn known_info(c: &ChatInfo) -> KnownChat {
    known(&chat_event(c))
}

fn chat_event(c: &ChatInfo) -> ChatEvent {
    ChatEvent {
        id: c.id.clone(),
        kind: c.kind.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        public: c.public,
        status: c.status.clone(),
        members: c
            .members
            .as_ref()
            .map(|m| m.iter().map(|m| m.id.clone()).collect())
            .unwrap_or_default(),
        creation_time: Some(c.creation_time.clone()),
        last_modified_time: Some(c.last_modified_time.clone()),
    }
}
