//! Several nodes on one PostgreSQL database and one NATS server (`--nats`): how events reach
//! every node, and which node delivers each WebHook subscription.
//!
//! - **Events** ([`relay`]): the outbox stays the truth (committed in `seq` order under the
//!   store's advisory lock). Every node relays the events it sees in the outbox to the JetStream
//!   stream `{prefix}_events` (subject `{prefix}.events`), each with `Nats-Msg-Id` = its `seq`
//!   (the stream drops a second publication of the same event) and `Nats-Expected-Last-Msg-Id` =
//!   the previous event's `seq` (the stream refuses an event out of order, so the stream holds
//!   the outbox's events once each, in commit order, whichever nodes publish). Every node
//!   consumes the stream from its tail and hands each event to its hub, which routes it to the
//!   node's own WebSocket sessions and WebHook workers. A gap in the stream's sequence, a
//!   reconnection, or NATS being down, sends the hub back to the outbox (it also polls it every
//!   second): NATS makes delivery fast, the outbox makes it complete.
//! - **WebHook subscriptions** ([`leases`]): each is delivered by the node holding its lease, an
//!   entry of the key–value bucket `{prefix}_webhooks` that expires [`LEASE_TTL`] after its last
//!   renewal. Nodes renew theirs every [`LEASE_EVERY`] and try to take every unheld one, so a
//!   dead node's subscriptions move within `LEASE_TTL + LEASE_EVERY`; the new holder resumes from
//!   the cursor its predecessor saved (a few notifications may be sent again, with the same
//!   `uuid`).

pub mod jetstream;
pub mod leases;
mod limits;
pub mod nats;
mod relay;
pub mod wsc;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openglip_domain::{AppId, ExtensionId};
use serde_json::json;

use crate::realtime::Hub;
use jetstream::JetStream;
use nats::Nats;

/// A WebHook lease lasts this long after its last renewal.
pub const LEASE_TTL: Duration = Duration::from_secs(10);
/// How often a node renews its leases and looks for subscriptions nobody delivers.
pub const LEASE_EVERY: Duration = Duration::from_secs(2);
/// The events stream keeps a day, like the outbox.
const STREAM_MAX_AGE: Duration = Duration::from_secs(86_400);
/// The window in which the stream recognises a second publication of an event.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// How a node joins a cluster.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// `nats://host:port` (`--nats`, `OPENGLIP_NATS_URL`).
    pub nats_url: String,
    /// Names the stream, its subject and the bucket (`--nats-prefix`, default `openglip`), so
    /// two installations can share a NATS server.
    pub prefix: String,
    /// This node's name in leases and logs (random per start).
    pub node: String,
}

impl ClusterConfig {
    /// Checks the prefix (letters, digits, `_` and `-`, at most 32) and names the node.
    pub fn new(nats_url: &str, prefix: &str) -> Result<ClusterConfig, String> {
        nats::parse_url(nats_url)?;
        if prefix.is_empty()
            || prefix.len() > 32
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(format!(
                "--nats-prefix takes letters, digits, '_' and '-' (at most 32), not {prefix:?}"
            ));
        }
        let node = crate::secrets::new_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(10)
            .collect();
        Ok(ClusterConfig {
            nats_url: nats_url.to_string(),
            prefix: prefix.to_string(),
            node,
        })
    }
}

/// The JetStream streams of the installation named `prefix`: the events, and the buckets (the
/// WebHook leases, the rate limits, the `wstoken`s and the WebSocket sessions).
pub fn stream_names(prefix: &str) -> [String; 5] {
    [
        format!("{prefix}_events"),
        format!("KV_{prefix}_webhooks"),
        format!("KV_{prefix}_ratelimits"),
        format!("KV_{prefix}_wstokens"),
        format!("KV_{prefix}_wssessions"),
    ]
}

/// A held lease: its revision in the bucket and when it was last renewed.
struct Held {
    rev: u64,
    renewed: Instant,
}

/// This node's membership of the cluster.
pub struct Cluster {
    pub config: ClusterConfig,
    pub js: JetStream,
    stream: String,
    subject: String,
    bucket: String,
    /// The highest outbox `seq` known to be in the stream (relays start after it).
    published: AtomicI64,
    /// Events this node received from the stream.
    consumed: AtomicU64,
    /// The WebHook subscriptions this node delivers.
    held: Mutex<HashMap<String, Held>>,
    /// The rate limits' bucket, made at the first throttled request.
    limits_bucket: tokio::sync::OnceCell<()>,
    /// The WebSocket tokens' and sessions' buckets (`wsc`), made when first needed.
    ws_buckets: tokio::sync::OnceCell<()>,
}

impl Cluster {
    /// Connects to NATS and makes the stream and the bucket (idempotent: every node does it).
    pub async fn connect(config: ClusterConfig) -> Result<Arc<Cluster>, String> {
        let url = config.nats_url.clone();
        let nats = Nats::connect(&url)
            .await
            .map_err(|e| format!("{e} (--nats {url}); start NATS with JetStream (nats-server -js) or leave --nats out for a single node"))?;
        let js = JetStream { nats };
        let p = &config.prefix;
        let c = Cluster {
            stream: stream_names(p)[0].clone(),
            subject: format!("{p}.events"),
            bucket: format!("{p}_webhooks"),
            js,
            config: config.clone(),
            published: AtomicI64::new(0),
            consumed: AtomicU64::new(0),
            held: Mutex::new(HashMap::new()),
            limits_bucket: tokio::sync::OnceCell::new(),
            ws_buckets: tokio::sync::OnceCell::new(),
        };
        c.js.ensure_stream(json!({
            "name": c.stream,
            "subjects": [c.subject],
            "retention": "limits",
            "max_age": STREAM_MAX_AGE.as_nanos() as u64,
            "storage": "file",
            "num_replicas": 1,
            "discard": "old",
            "duplicate_window": DUPLICATE_WINDOW.as_nanos() as u64,
        }))
        .await
        .map_err(|e| format!("{e} (--nats {url})"))?;
        c.js.ensure_bucket(&c.bucket, LEASE_TTL)
            .await
            .map_err(|e| format!("{e} (--nats {url})"))?;
        Ok(Arc::new(c))
    }

    /// Whether NATS is reachable now (for `/readyz`).
    pub fn is_connected(&self) -> bool {
        self.js.nats.is_connected()
    }

    /// Starts relaying the outbox to the stream, feeding the hub from it, and the lease loop.
    pub fn start(self: &Arc<Self>, hub: &Arc<Hub>) {
        let (c, h) = (self.clone(), hub.clone());
        tokio::spawn(async move { relay::publish_loop(c, h).await });
        let (c, h) = (self.clone(), hub.clone());
        tokio::spawn(async move { relay::consume_loop(c, h).await });
        let (c, h) = (self.clone(), hub.clone());
        tokio::spawn(async move { leases::lease_loop(c, h).await });
        let (c, h) = (self.clone(), hub.clone());
        tokio::spawn(async move { c.sign_outs(h).await });
        let (c, h) = (self.clone(), hub.clone());
        tokio::spawn(async move { c.sessions_loop(h).await });
    }

    /// Tells the other nodes that a person signed out of the web client through `app`: they end
    /// that person's WebSocket sessions too (core NATS: a node that is down has none).
    pub fn announce_sign_out(&self, extension: ExtensionId, app: AppId) {
        let body = json!({ "node": self.config.node, "extension": extension, "app": app });
        self.js.nats.publish(
            &format!("{}.signout", self.config.prefix),
            Vec::new(),
            body.to_string().into_bytes(),
        );
    }

    async fn sign_outs(self: Arc<Self>, hub: Arc<Hub>) {
        let mut sub = self
            .js
            .nats
            .subscribe(&format!("{}.signout", self.config.prefix));
        while let Some(m) = sub.next().await {
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(&m.payload) else {
                continue;
            };
            if v["node"].as_str() == Some(self.config.node.as_str()) {
                continue;
            }
            let (Some(e), Some(a)) = (v["extension"].as_i64(), v["app"].as_i64()) else {
                continue;
            };
            for s in hub.ws.sessions_of(ExtensionId(e), AppId(a)) {
                s.end(&hub).await;
            }
        }
    }

    /// How many WebHook subscriptions this node delivers now.
    pub fn webhooks_delivered(&self) -> usize {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// This node's lines of `/metrics`.
    pub fn render_metrics(&self) -> String {
        let node = &self.config.node;
        format!(
            "# HELP openglip_cluster_webhook_subscriptions WebHook subscriptions this node delivers (holds the lease of).\n\
             # TYPE openglip_cluster_webhook_subscriptions gauge\n\
             openglip_cluster_webhook_subscriptions{{node=\"{node}\"}} {}\n\
             # HELP openglip_cluster_nats_connected Whether this node's NATS connection is up.\n\
             # TYPE openglip_cluster_nats_connected gauge\n\
             openglip_cluster_nats_connected{{node=\"{node}\"}} {}\n\
             # HELP openglip_cluster_published_seq The highest outbox seq known to be on the events stream.\n\
             # TYPE openglip_cluster_published_seq gauge\n\
             openglip_cluster_published_seq {}\n\
             # HELP openglip_cluster_stream_events_total Events this node received from the events stream.\n\
             # TYPE openglip_cluster_stream_events_total counter\n\
             openglip_cluster_stream_events_total{{node=\"{node}\"}} {}\n",
            self.webhooks_delivered(),
            u8::from(self.is_connected()),
            self.published.load(Ordering::SeqCst),
            self.consumed.load(Ordering::Relaxed),
        )
    }

    fn note_published(&self, seq: i64) {
        self.published.fetch_max(seq, Ordering::SeqCst);
    }
}
