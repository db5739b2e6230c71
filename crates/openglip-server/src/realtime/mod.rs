//! Real-time delivery: the hub that routes committed events to subscriptions, and the two
//! transports (WebHook, WebSocket).
//!
//! How an event flows: a store job commits a change together with its event (the outbox); the
//! store wakes `Hub::run`, which reads the new events in `seq` order and routes each one: to the
//! subscriptions of every person in its audience (a chat's members for post events, the named
//! persons for joins and leaves) whose filters accept it. The body is rendered once per wire
//! generation; each subscription gets a small envelope around it, which its [`Sink`] takes
//! without blocking: a WebSocket session's outgoing queue, or a WebHook worker's queue. A WebHook
//! worker that falls behind (or starts after a restart) reads the outbox itself from its
//! persisted cursor, through [`Hub::catch_up`], until it reaches the hub's position. A catch-up
//! decides who hears a chat's event by the membership when the event happened, replayed from the
//! store (`openglip_domain::membership_history`), not by today's.

pub mod crypto;
mod reminders;
pub mod render;
mod route;
pub mod webhook;
pub mod ws;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use openglip_domain::events::{StoredEvent, Subscription, Transport};
use openglip_domain::membership_history::MembershipHistory;
use openglip_domain::store::Store;
use openglip_domain::*;

use crate::auth::now;
use crate::cluster::Cluster;
use tokio::sync::mpsc;

/// What a cluster's stream hands the hub (see `crate::cluster`).
#[derive(Debug)]
pub enum Fed {
    /// Events may have been missed (a new consumer, a reconnection, an unreadable message): the
    /// next one is routed only after the outbox was read up to it.
    Reset,
    /// The event the stream holds at `stream_seq`.
    Event {
        stream_seq: u64,
        event: Box<StoredEvent>,
    },
}

/// One notification ready to send: its event seq (None for renewal reminders, which are not
/// events) and the exact text to send.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub seq: Option<i64>,
    pub text: Arc<str>,
    /// When its event was committed (None for renewal reminders): a WebHook's delivery latency
    /// in the metrics is measured from it.
    pub committed: Option<Timestamp>,
    /// Whether it is the last notification of its event for the subscription: a subscription
    /// whose filters match one event twice gets two, and only after the second may its cursor
    /// pass the event.
    pub last_of_event: bool,
}

impl Delivery {
    /// The cursor once this notification is accepted: its event's seq if it was the event's last
    /// notification, else the event before (a crash between two notifications of one event then
    /// sends both again, never loses the second; receivers de-duplicate by `uuid`).
    pub fn cursor_after(&self) -> Option<i64> {
        self.seq.map(|s| if self.last_of_event { s } else { s - 1 })
    }
}

/// Where a subscription's notifications go. `deliver` must not block: it queues, or reports
/// that it could not (the hub then leaves the subscription to catch up from the outbox, or,
/// for a WebSocket, the session is closed as too slow).
pub trait Sink: Send + Sync {
    fn deliver(&self, item: Delivery) -> bool;
    /// Called when the subscription is removed or replaced.
    fn close(&self) {}
    /// Resolves once a closed sink has stopped and kept what it delivered (a WebHook worker:
    /// its cursor stored), so that a replacement starts where it ended. At once by default.
    fn stopped(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(std::future::ready(()))
    }
}

/// Present on requests tunnelled over a WebSocket session (`ClientRequest` frames, put there by
/// `ws::tunnel`): a `WebSocket` subscription made by such a request binds to that session.
#[derive(Clone)]
pub struct WsSessionRef(pub Arc<dyn WsBinder>);

/// What a WebSocket session offers the subscription endpoints (`api::subscriptions`).
pub trait WsBinder: Send + Sync {
    /// Makes `sub` the session's subscription (replacing any other) and returns the sink the hub
    /// should deliver to.
    fn bind(&self, sub: &Subscription) -> Arc<dyn Sink>;
    /// The subscription currently bound, if any.
    fn bound(&self) -> Option<String>;
}

/// Settings of real-time delivery.
#[derive(Debug, Clone)]
pub struct RealtimeConfig {
    /// Allow WebHook addresses on loopback/private networks and plain `http://`
    /// (`OPENGLIP_WEBHOOK_ALLOW_PRIVATE`); for development and tests.
    pub allow_private_webhooks: bool,
    /// Time the receiver has to answer the validation request.
    pub validation_timeout: Duration,
    /// Time a receiver has to answer a delivery.
    pub delivery_timeout: Duration,
    /// First retry delay; doubles up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// A WebHook failing for this long (across restarts), every notification refused, is
    /// blacklisted.
    pub blacklist_after: Duration,
    /// One notification refused for this long is given up on: recorded as undeliverable (the
    /// console lists it and can deliver it again) and delivery moves on to the next one.
    pub event_retry_for: Duration,
    /// Subscriptions per person and app.
    pub max_subscriptions: usize,
    /// WebSocket (WSG) settings.
    pub ws: ws::WsConfig,
    /// Several nodes on PostgreSQL and NATS (`--nats`); None for a single process.
    pub cluster: Option<crate::cluster::ClusterConfig>,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        RealtimeConfig {
            allow_private_webhooks: false,
            validation_timeout: Duration::from_secs(3),
            delivery_timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            blacklist_after: Duration::from_secs(3600),
            event_retry_for: Duration::from_secs(60),
            max_subscriptions: 20,
            ws: ws::WsConfig::default(),
            cluster: None,
        }
    }
}

struct Entry {
    /// Shared with the notifications being rendered outside the routing lock (`route`).
    sub: Arc<Subscription>,
    sink: Option<Arc<dyn Sink>>,
    /// Set when the sink refused a delivery: it reads the outbox until it catches up.
    lagging: bool,
    /// Last renewal reminder sent.
    last_reminder: Option<Timestamp>,
}

#[derive(Default)]
struct Routing {
    subs: HashMap<String, Entry>,
    by_owner: HashMap<ExtensionId, Vec<String>>,
    /// For owners with subscriptions: their chats, kept current from the event stream.
    chats_of: HashMap<ExtensionId, HashSet<ChatId>>,
    /// The inverse of `chats_of`.
    members_of: HashMap<ChatId, HashSet<ExtensionId>>,
    /// The last event seq routed.
    position: i64,
}

pub struct Hub {
    store: Arc<dyn Store>,
    pub config: RealtimeConfig,
    routing: Mutex<Routing>,
    pub http: webhook::Client,
    /// WebSocket access tokens and sessions.
    pub ws: ws::Registry,
    /// The cluster this node is part of (`--nats`), set once before [`Hub::start`].
    cluster: OnceLock<Arc<Cluster>>,
    feed_tx: mpsc::UnboundedSender<Fed>,
    feed_rx: Mutex<Option<mpsc::UnboundedReceiver<Fed>>>,
}

impl Hub {
    pub fn new(store: Arc<dyn Store>, config: RealtimeConfig) -> Arc<Hub> {
        let http = webhook::Client::new(&config);
        let (feed_tx, feed_rx) = mpsc::unbounded_channel();
        Arc::new(Hub {
            store,
            config,
            routing: Mutex::new(Routing::default()),
            http,
            ws: ws::Registry::default(),
            cluster: OnceLock::new(),
            feed_tx,
            feed_rx: Mutex::new(Some(feed_rx)),
        })
    }

    /// Makes this hub a cluster node's: events also come from the cluster's stream, and WebHook
    /// subscriptions are delivered by whichever node holds their lease. Before [`Hub::start`].
    pub fn set_cluster(&self, cluster: Arc<Cluster>) {
        let _ = self.cluster.set(cluster);
    }

    /// The cluster, when this node is part of one.
    pub fn cluster(&self) -> Option<&Arc<Cluster>> {
        self.cluster.get()
    }

    /// Hands the hub an event from the cluster's stream (or tells it some may have been missed).
    pub fn feed(&self, f: Fed) {
        let _ = self.feed_tx.send(f);
    }

    /// Ends the WebSocket sessions of a person through an app (signing out of the web client)
    /// on this node and, in a cluster, on every other node.
    pub async fn end_sessions_of(self: &Arc<Self>, extension: ExtensionId, app: AppId) {
        if let Some(c) = self.cluster() {
            c.announce_sign_out(extension, app);
        }
        for s in self.ws.sessions_of(extension, app) {
            s.end(self).await;
        }
    }

    /// A subscription changed while its worker runs (a new address, say): that worker is
    /// stopped first and its cursor read back, so that the new one neither sends again what
    /// the old one delivered nor skips anything. Bounded: a worker stuck on a dead address is
    /// not waited for beyond a few seconds (a repeat keeps the event's `uuid`).
    async fn after_previous_worker(&self, mut sub: Subscription) -> Subscription {
        let old = self.lock().subs.get(&sub.id).and_then(|e| e.sink.clone());
        let Some(old) = old else { return sub };
        old.close();
        let _ = tokio::time::timeout(Duration::from_secs(5), old.stopped()).await;
        match self.store.subscription(sub.id.clone()).await {
            Ok(Some(stored)) => sub.cursor = sub.cursor.max(stored.cursor),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "reading a replaced worker's cursor failed"),
        }
        sub
    }

    /// Puts a new (or reactivated) WebHook subscription in service: its worker here, or, in a
    /// cluster, here if this node takes its lease (otherwise the holder's lease round finds it).
    pub async fn adopt_webhook(self: &Arc<Self>, sub: Subscription) -> Result<()> {
        match self.cluster() {
            None => {
                let sub = self.after_previous_worker(sub).await;
                let sink = webhook::Worker::start(self.clone(), sub.clone());
                self.register(sub, Some(sink), true).await
            }
            Some(c) => {
                match c.acquire(&sub.id).await {
                    Ok(true) => crate::cluster::leases::start_worker(self, sub).await,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(subscription = %sub.id, error = %e, "taking a new WebHook subscription's lease failed; a node takes it within seconds");
                    }
                }
                Ok(())
            }
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Routing> {
        self.routing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The last event seq routed.
    pub fn position(&self) -> i64 {
        self.lock().position
    }

    /// Live subscriptions registered: WebHook, WebSocket, and the WebHooks catching up from the
    /// outbox (for metrics).
    pub fn subscription_counts(&self) -> (usize, usize, usize) {
        let r = self.lock();
        let mut counts = (0, 0, 0);
        for e in r.subs.values() {
            match e.sub.transport {
                Transport::WebHook { .. } => {
                    counts.0 += 1;
                    counts.2 += usize::from(e.lagging);
                }
                _ => counts.1 += 1,
            }
        }
        counts
    }

    /// Starts routing: loads the WebHook subscriptions (each resumes from its cursor) and runs
    /// the dispatcher and the renewal-reminder timer until the process ends.
    pub async fn start(self: &Arc<Self>) -> Result<()> {
        let start = self.store.last_event_seq().await?;
        self.lock().position = start;
        let feed = self
            .feed_rx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(c) = self.cluster() {
            // WebHooks go to lease holders; WebSocket sessions of other nodes are theirs.
            c.start(self);
            let hub = self.clone();
            tokio::spawn(async move { hub.dispatch_loop(start, feed).await });
            let hub = self.clone();
            tokio::spawn(async move { hub.timer_loop().await });
            return Ok(());
        }
        let t = now();
        for sub in self.store.all_subscriptions().await? {
            let live = sub.is_live(t);
            match &sub.transport {
                Transport::WebHook { .. } if live => {
                    // It resumes from its persisted cursor: reading the outbox until it catches up.
                    let sink = webhook::Worker::start(self.clone(), sub.clone());
                    self.register(sub, Some(sink), true).await?;
                }
                // Blacklisted ones stay visible until they expire or are deleted.
                Transport::WebHook { .. } if sub.expires > t => {}
                // WebSocket subscriptions die with their session; expired ones go.
                _ => self.delete_stored_subscription(sub.id.clone()).await,
            }
        }
        let hub = self.clone();
        tokio::spawn(async move { hub.dispatch_loop(start, feed).await });
        let hub = self.clone();
        tokio::spawn(async move { hub.timer_loop().await });
        Ok(())
    }

    /// Routes committed events in `seq` order: woken by this process's commits, by the
    /// cluster's stream (whose events are routed as they come while its sequence has no gap),
    /// and every second (writes by other processes, such as `openglip admin`), reading the
    /// outbox whenever an event did not come straight from the stream.
    async fn dispatch_loop(
        self: Arc<Self>,
        mut cursor: i64,
        mut feed: Option<mpsc::UnboundedReceiver<Fed>>,
    ) {
        // The stream sequence routed last, while the stream has been followed without a gap.
        let mut stream_pos: Option<u64> = None;
        loop {
            // After reading the outbox: the stream position it covers, if it covers the event.
            let mut covers: Option<(u64, i64)> = None;
            tokio::select! {
                _ = self.store.wait_for_events(cursor) => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                f = recv(&mut feed) => match f {
                    Fed::Reset => {
                        stream_pos = None;
                        continue;
                    }
                    Fed::Event { stream_seq, event } => {
                        if stream_pos.is_some_and(|p| p + 1 == stream_seq) {
                            stream_pos = Some(stream_seq);
                            if event.seq > cursor {
                                self.route(std::slice::from_ref(&*event));
                                cursor = event.seq;
                            }
                            continue;
                        }
                        // A gap: the outbox has the event (it was published after its commit).
                        covers = Some((stream_seq, event.seq));
                    }
                },
            }
            if let Some((_, seq)) = covers
                && seq <= cursor
            {
                stream_pos = covers.map(|c| c.0);
                continue;
            }
            loop {
                let batch = match self.store.events_after(cursor, 512).await {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::error!(error = %e, "reading the event outbox failed");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        break;
                    }
                };
                let Some(last) = batch.last().map(|e| e.seq) else {
                    break;
                };
                self.route(&batch);
                cursor = last;
                if batch.len() < 512 {
                    break;
                }
            }
            if let Some((sseq, seq)) = covers {
                stream_pos = (cursor >= seq).then_some(sseq);
            }
        }
    }

    /// Sends renewal reminders, expires subscriptions, prunes the outbox.
    async fn timer_loop(self: Arc<Self>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut ticks: u64 = 0;
        loop {
            tick.tick().await;
            ticks += 1;
            let t = now();
            let mut expired = Vec::new();
            {
                let mut r = self.lock();
                for (id, e) in r.subs.iter_mut() {
                    if e.sub.expires <= t && matches!(e.sub.transport, Transport::WebHook { .. }) {
                        expired.push(id.clone());
                        continue;
                    }
                    reminders::reminders(e, t);
                }
            }
            for id in expired {
                self.remove_subscription(id).await;
            }
            if ticks.is_multiple_of(3600) {
                // Keep a day of events beyond what live WebHooks still need.
                let _ = self.store.prune_events(t.plus_seconds(-86_400)).await;
            }
        }
    }

    /// Adds (or replaces) a subscription and its sink. A `lagging` sink is not pushed to until it
    /// has caught up through [`Hub::catch_up`].
    pub async fn register(
        &self,
        sub: Subscription,
        sink: Option<Arc<dyn Sink>>,
        lagging: bool,
    ) -> Result<()> {
        // The owner's chats, read so that no join routed meanwhile is missed: the snapshot must
        // be at least as new as the routing position it is merged at.
        let mut tries = 0;
        let (chats, mut r) = loop {
            let before = self.position();
            let chats = match self.store.member_chat_ids(sub.owner).await {
                Ok(c) => c,
                Err(e) => {
                    if let Some(s) = &sink {
                        s.close();
                    }
                    return Err(e);
                }
            };
            let r = self.lock();
            tries += 1;
            if r.position == before || r.chats_of.contains_key(&sub.owner) || tries >= 10 {
                break (chats, r);
            }
        };
        if let Some(old) = r.subs.remove(&sub.id) {
            if let Some(s) = old.sink {
                s.close();
            }
            remove_owner_index(&mut r, &old.sub);
        }
        let owner = sub.owner;
        if !r.chats_of.contains_key(&owner) {
            let set: HashSet<ChatId> = chats.into_iter().collect();
            for c in &set {
                r.members_of.entry(*c).or_default().insert(owner);
            }
            r.chats_of.insert(owner, set);
        }
        r.by_owner.entry(owner).or_default().push(sub.id.clone());
        r.subs.insert(
            sub.id.clone(),
            Entry {
                sub: Arc::new(sub),
                sink,
                lagging,
                last_reminder: None,
            },
        );
        Ok(())
    }

    /// Updates a registered subscription's settings (filters, expiry) keeping its sink.
    pub fn update(&self, sub: Subscription) {
        let mut r = self.lock();
        if let Some(e) = r.subs.get_mut(&sub.id) {
            e.sub = Arc::new(sub);
            e.last_reminder = None;
        }
    }

    /// Unregisters a subscription that ended (its session closed, or it expired) and deletes
    /// it from the store. A store failure is logged, not hidden: the row stays until it expires.
    pub async fn remove_subscription(&self, id: String) {
        self.unregister(&id);
        self.delete_stored_subscription(id).await;
    }

    /// Deletes an ended subscription from the store, logging a failure.
    async fn delete_stored_subscription(&self, id: String) {
        if let Err(e) = self.store.delete_subscription(id.clone()).await {
            tracing::warn!(subscription = %id, error = %e, "could not delete an ended subscription; it stays until it expires");
        }
    }

    pub fn unregister(&self, id: &str) {
        let mut r = self.lock();
        if let Some(old) = r.subs.remove(id) {
            if let Some(s) = old.sink {
                s.close();
            }
            remove_owner_index(&mut r, &old.sub);
        }
    }

    /// For a lagging sink: the deliveries of `sub_id` among events after `cursor` (read from the
    /// outbox, at most `limit` events), and whether it has caught up with the hub — in which case
    /// it is live again and the hub pushes from now on. Only the sink registered for `sub_id` can
    /// catch up: a worker that starts before its registration (or one being replaced) is told it
    /// has not.
    pub async fn catch_up(
        &self,
        sub_id: &str,
        sink: &Arc<dyn Sink>,
        cursor: i64,
        limit: usize,
    ) -> Result<(Vec<Delivery>, i64, bool)> {
        // Every event up to here is committed, so a read that comes back short has seen them all
        // (this matters when some are gone: pruned, or unreadable by this build).
        let seen_to = self.position();
        let Some(owner) = self.owner_of(sub_id) else {
            return Ok((Vec::new(), cursor, false));
        };
        let events = self.store.events_after(cursor, limit).await?;
        let history = self.history_for(&events, owner, cursor).await?;
        let mut r = self.lock();
        let position = r.position;
        let mut out = Vec::new();
        let mut last = cursor;
        let Some(entry) = r
            .subs
            .get(sub_id)
            .filter(|e| e.sink.as_ref().is_some_and(|s| Arc::ptr_eq(s, sink)))
        else {
            // Not registered yet (the worker may start first): it is not live until it is.
            return Ok((out, cursor, false));
        };
        let sub = entry.sub.clone();
        for ev in events.iter().filter(|e| e.seq <= position) {
            if ev.seq > sub.cursor && route::audience_at(&history, ev, sub.owner) {
                out.extend(route::deliveries_for(&sub, ev, &mut HashMap::new()));
            }
            last = ev.seq;
        }
        if events.len() < limit {
            last = last.max(seen_to);
        }
        let caught_up = last >= position;
        if caught_up {
            if let Some(e) = r.subs.get_mut(sub_id) {
                e.lagging = false;
            }
            last = position;
        }
        Ok((out, last, caught_up))
    }

    /// For a sink that cannot read the outbox itself (a WebSocket session), registered lagging:
    /// delivers what `sub_id` missed after `cursor`, then makes it live. The last step runs
    /// under the routing lock, so no pushed event overtakes the catch-up and none falls between.
    pub async fn catch_up_into(&self, sub_id: &str, mut cursor: i64) -> Result<()> {
        const BATCH: usize = 512;
        loop {
            // Read before the outbox: a short batch has then seen every event up to here, but not
            // necessarily those the dispatcher routed (and skipped, as lagging) after the read.
            let seen_to = self.position();
            let Some(owner) = self.owner_of(sub_id) else {
                return Ok(());
            };
            let events = self.store.events_after(cursor, BATCH).await?;
            let history = self.history_for(&events, owner, cursor).await?;
            let mut r = self.lock();
            let position = r.position;
            let Some(entry) = r.subs.get(sub_id) else {
                return Ok(());
            };
            let sub = entry.sub.clone();
            let sink = entry.sink.clone();
            let mut last = cursor;
            for ev in events.iter().filter(|e| e.seq <= position) {
                if ev.seq > sub.cursor
                    && route::audience_at(&history, ev, sub.owner)
                    && let Some(s) = &sink
                {
                    // A body is rendered for its event: one map per event, never shared by two.
                    for d in route::deliveries_for(&sub, ev, &mut HashMap::new()) {
                        s.deliver(d);
                    }
                }
                last = ev.seq;
            }
            // A short batch reached the end of the outbox as of `seen_to`; what is beyond
            // `position` the dispatcher has not routed yet, and will push.
            if events.len() < BATCH {
                last = last.max(seen_to);
            }
            if last >= position {
                if let Some(e) = r.subs.get_mut(sub_id) {
                    e.lagging = false;
                }
                return Ok(());
            }
            cursor = last;
        }
    }

    fn owner_of(&self, sub_id: &str) -> Option<ExtensionId> {
        self.lock().subs.get(sub_id).map(|e| e.sub.owner)
    }

    /// Who `owner` was in, at each of `events` (read from the outbox after `cursor`): from the
    /// store, not the routing's view, which is today's (`membership_history`). Not read when no
    /// event needs it.
    async fn history_for(
        &self,
        events: &[StoredEvent],
        owner: ExtensionId,
        cursor: i64,
    ) -> Result<MembershipHistory> {
        if events
            .iter()
            .all(|e| e.payload.explicit_audience().is_some())
        {
            return Ok(MembershipHistory::default());
        }
        // Today's chats first, then the steps since: a change committed between the two reads
        // shows as a step, which keeps the answer consistent.
        let now = self.store.member_chat_ids(owner).await?;
        let steps = self.store.membership_steps(owner, cursor).await?;
        Ok(MembershipHistory::new(now, steps))
    }

    /// Routes `events` (in `seq` order, after the position) in chunks, each planned under the
    /// routing lock, rendered without it and delivered under it again (see `route`).
    fn route(&self, events: &[StoredEvent]) {
        const CHUNK: usize = 64;
        for chunk in events.chunks(CHUNK) {
            let Some(last) = chunk.last() else { continue };
            let t = now();
            let plans = {
                let mut r = self.lock();
                let plans = chunk.iter().map(|ev| route::plan(&mut r, ev, t)).collect();
                r.position = last.seq;
                plans
            };
            let rendered = route::render(chunk, plans);
            route::deliver(&mut self.lock(), rendered);
        }
    }

    /// Marks a sink as behind: the hub stops pushing until it catches up.
    pub fn set_lagging(&self, sub_id: &str) {
        if let Some(e) = self.lock().subs.get_mut(sub_id) {
            e.lagging = true;
        }
    }
}

/// The next item of the cluster's feed; never, without one.
async fn recv(feed: &mut Option<mpsc::UnboundedReceiver<Fed>>) -> Fed {
    match feed {
        Some(rx) => match rx.recv().await {
            Some(f) => f,
            None => std::future::pending().await,
        },
        None => std::future::pending().await,
    }
}

fn remove_owner_index(r: &mut Routing, sub: &Subscription) {
    if let Some(ids) = r.by_owner.get_mut(&sub.owner) {
        ids.retain(|i| *i != sub.id);
        if ids.is_empty() {
            r.by_owner.remove(&sub.owner);
            if let Some(chats) = r.chats_of.remove(&sub.owner) {
                for c in chats {
                    if let Some(m) = r.members_of.get_mut(&c) {
                        m.remove(&sub.owner);
                        if m.is_empty() {
                            r.members_of.remove(&c);
                        }
                    }
                }
            }
        }
    }
}
