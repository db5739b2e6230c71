//! openglip's HTTP edge: the RingCentral-compatible REST API.
//!
//! Only this crate knows HTTP. Handlers are thin: parse the request (wire types), call the
//! domain [`Service`] or the [`Platform`], convert the result back (see `convert`). Every API
//! route is declared once in the operation table (`routes`), which drives authentication,
//! app-permission checks, rate limits, metrics and the OpenAPI document alike.

pub mod access_log;
pub mod api;
pub mod auth;
pub mod bot_delivery;
pub mod card_submits;
pub mod cluster;
pub mod convert;
pub mod error;
pub mod exports;
pub mod extract;
pub mod gate;
pub mod listen;
pub mod metrics;
pub mod oauth;
pub mod oidc;
pub mod openapi;
pub mod ops;
pub mod ratelimit;
pub mod realtime;
pub mod routes;
pub mod zip;

/// Random tokens, hashes and passwords: the platform's (`openglip_platform::secrets`).
pub use openglip_platform::secrets;

use std::future::Future;
use std::sync::Arc;

use std::time::Duration;

use openglip_domain::service::Service;
use openglip_domain::store::Store;
use openglip_platform::{Platform, SystemClock};
use tokio::net::TcpListener;

pub use ratelimit::RateLimitConfig;
pub use routes::Pages;

/// The largest request body accepted (posts with attachments are the biggest).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How the server is set up.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// The URL clients reach this server at (`OPENGLIP_PUBLIC_URL`); when None, built from the
    /// request's `Host`.
    pub public_url: Option<String>,
    pub rate_limits: RateLimitConfig,
    pub realtime: realtime::RealtimeConfig,
    /// Timeouts and the per-address cap of client connections (slow clients).
    pub connections: listen::ConnectionLimits,
    /// How long the data export worker holds a task it claimed before another worker may take
    /// it over (`None`: `openglip_domain::export::LEASE_MS`); tests shorten it.
    pub export_lease: Option<Duration>,
    /// Uploads: the size limit and where the bytes go.
    pub files: FilesConfig,
}

/// The default of `--max-upload-size`: 100 MiB.
pub const DEFAULT_MAX_UPLOAD_SIZE: u64 = 100 * 1024 * 1024;

/// Uploads (`POST /team-messaging/v1/files`).
#[derive(Clone)]
pub struct FilesConfig {
    /// The most bytes one upload request may carry (all its files together).
    pub max_upload_size: u64,
    /// Where the bytes go; `None` (a server that only administers) answers uploads with 503.
    pub blobs: Option<Arc<dyn openglip_blobs::BlobStore>>,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            max_upload_size: DEFAULT_MAX_UPLOAD_SIZE,
            blobs: None,
        }
    }
}

impl std::fmt::Debug for FilesConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilesConfig")
            .field("max_upload_size", &self.max_upload_size)
            .field("blobs", &self.blobs.as_ref().map(|b| b.describe()))
            .finish()
    }
}

pub struct Inner {
    pub service: Service,
    pub platform: Platform,
    pub config: ServerConfig,
    pub limiter: ratelimit::RateLimiter,
    pub metrics: metrics::Metrics,
    pub ops: Vec<ops::Op>,
    pub hub: Arc<realtime::Hub>,
    /// Wakes this process's data export worker (`exports`).
    pub exports_wake: tokio::sync::Notify,
    /// Wakes this process's card submission worker (`card_submits`).
    pub submits_wake: tokio::sync::Notify,
    /// Held by an upload while it stores and records a blob, and by the cleanup pass while it
    /// removes one (`openglip_blobs::cleanup`).
    pub blob_locks: openglip_blobs::HashLocks,
}

/// How often the API usage counted in memory is written to the store.
pub const USAGE_FLUSH_EVERY: Duration = Duration::from_secs(5);

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Self {
        let ops = routes::ops();
        let hub = realtime::Hub::new(store.clone(), config.realtime.clone());
        let delivery = bot_delivery::HttpBotDelivery::new(config.realtime.allow_private_webhooks);
        AppState(Arc::new(Inner {
            hub,
            platform: Platform::new(store.clone(), Arc::new(SystemClock), Arc::new(delivery)),
            service: Service::new(store),
            limiter: ratelimit::RateLimiter::new(config.rate_limits.clone()),
            metrics: metrics::Metrics::new(ops.iter().map(|o| o.id)),
            config,
            ops,
            exports_wake: tokio::sync::Notify::new(),
            submits_wake: tokio::sync::Notify::new(),
            blob_locks: openglip_blobs::HashLocks::default(),
        }))
    }
    /// The messaging rules: chats, posts, people as the REST API sees them.
    pub fn service(&self) -> &Service {
        &self.0.service
    }
    /// The platform's rules: accounts, apps, bots, sessions, OAuth grants.
    pub fn platform(&self) -> &Platform {
        &self.0.platform
    }
    pub fn store(&self) -> &Arc<dyn Store> {
        self.0.service.store()
    }
    pub fn config(&self) -> &ServerConfig {
        &self.0.config
    }
    pub fn hub(&self) -> &Arc<realtime::Hub> {
        &self.0.hub
    }
    /// Counts one request of `key` (an app and user, or an address) in `group`: in the count
    /// every node shares when this node is part of a cluster (its own count while NATS cannot
    /// answer), else in this process's. None when limits are off or the group is not throttled.
    pub async fn check_rate(
        &self,
        key: &str,
        group: ratelimit::Group,
    ) -> Option<ratelimit::Decision> {
        let Some(c) = self.hub().cluster() else {
            return self.0.limiter.check(key, group);
        };
        match c.rate_check(self.0.limiter.config(), key, group).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "shared rate limits unavailable; counting on this node");
                self.0.limiter.check(key, group)
            }
        }
    }
}

/// Serves the API and the `pages` (from `openglip-web`) on an already-bound listener until
/// `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    pages: Pages,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Some(cc) = &state.config().realtime.cluster
        && state.hub().cluster().is_none()
    {
        let cluster = cluster::Cluster::connect(cc.clone())
            .await
            .map_err(std::io::Error::other)?;
        tracing::info!(node = %cc.node, nats = %cc.nats_url, prefix = %cc.prefix, "joined the cluster");
        state.hub().set_cluster(cluster);
    }
    state
        .hub()
        .start()
        .await
        .map_err(|e| std::io::Error::other(format!("starting event delivery: {e}")))?;
    flush_usage_regularly(state.clone());
    exports::start(state.clone());
    card_submits::start(state.clone());
    clean_files_regularly(state.clone());
    let limits = state.config().connections.clone();
    let app = routes::router(state, pages);
    listen::serve_router(listener, app, limits, shutdown).await
}

/// Writes the API usage counted in memory every [`USAGE_FLUSH_EVERY`] while the server runs.
fn flush_usage_regularly(st: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(USAGE_FLUSH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = st.platform().flush_usage().await {
                tracing::warn!(error = %e, "writing API usage failed");
            }
        }
    });
}

/// How often the cleanup pass of files runs while the server runs.
pub const FILE_CLEANUP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Runs the cleanup pass of files ([`api::files::clean`]) every [`FILE_CLEANUP_EVERY`].
fn clean_files_regularly(st: AppState) {
    if st.config().files.blobs.is_none() {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(FILE_CLEANUP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match api::files::clean(&st).await {
                Ok(done) if done.files + done.blobs > 0 => {
                    tracing::info!(files = done.files, blobs = done.blobs, "files cleaned up")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the cleanup of files failed"),
            }
        }
    });
}
