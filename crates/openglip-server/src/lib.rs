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
pub mod cluster;
pub mod convert;
pub mod error;
pub mod extract;
pub mod gate;
pub mod listen;
pub mod metrics;
pub mod oauth;
pub mod openapi;
pub mod ops;
pub mod ratelimit;
pub mod realtime;
pub mod routes;

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
}

pub struct Inner {
    pub service: Service,
    pub platform: Platform,
    pub config: ServerConfig,
    pub limiter: ratelimit::RateLimiter,
    pub metrics: metrics::Metrics,
    pub ops: Vec<ops::Op>,
    pub hub: Arc<realtime::Hub>,
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
