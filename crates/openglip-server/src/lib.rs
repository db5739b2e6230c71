//! openglip's HTTP edge: the RingCentral-compatible REST API.
//!
//! Only this crate knows HTTP. Handlers are thin: parse the request (wire types), call the
//! domain [`Service`], convert the result back (see `convert`). Every API route is declared once
//! in the operation table (`routes`), which drives authentication, app-permission checks, rate
//! limits, metrics and the OpenAPI document alike.

pub mod admin;
pub mod api;
pub mod auth;
pub mod convert;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod oauth;
pub mod openapi;
pub mod platform;
pub mod ratelimit;
pub mod realtime;
pub mod routes;
pub mod secrets;
pub mod usage;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use openglip_domain::service::Service;
use openglip_domain::store::Store;
use tokio::net::TcpListener;

pub use ratelimit::RateLimitConfig;

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
}

pub struct Inner {
    pub service: Service,
    pub config: ServerConfig,
    pub limiter: ratelimit::RateLimiter,
    pub metrics: metrics::Metrics,
    pub ops: Vec<routes::Op>,
    pub hub: Arc<realtime::Hub>,
    /// Sign-in throttle and freshly issued client secrets of the web pages.
    pub web: web::WebState,
    /// API calls per app and throttling group, written to the store every few seconds.
    pub usage: usage::Usage,
}

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Self {
        let ops = routes::ops();
        let hub = realtime::Hub::new(store.clone(), config.realtime.clone());
        AppState(Arc::new(Inner {
            hub,
            service: Service::new(store),
            limiter: ratelimit::RateLimiter::new(config.rate_limits.clone()),
            metrics: metrics::Metrics::new(ops.iter().map(|o| o.id)),
            config,
            ops,
            web: web::WebState::default(),
            usage: usage::Usage::default(),
        }))
    }
    pub fn service(&self) -> &Service {
        &self.0.service
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
}

/// Serves the API on an already-bound listener until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    state
        .hub()
        .start()
        .await
        .map_err(|e| std::io::Error::other(format!("starting event delivery: {e}")))?;
    usage::Usage::start(state.clone());
    let app = routes::router(state);
    // Small writes (WebSocket frames, short responses) go out at once: no Nagle delay.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
