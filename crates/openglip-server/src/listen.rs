//! Accepting connections, with limits that keep slow or greedy clients from holding the server.
//!
//! `axum::serve` waits forever for a client that opens a connection and never finishes its
//! request line, so a thousand such connections (slowloris) use up the process's open files and
//! every other request, and WebHook delivery, fails. This accept loop serves the same router over
//! HTTP/1.1 (with upgrades, for the WebSocket gateway) and closes:
//!
//! - a connection whose request headers are not complete within `header_read_timeout`; hyper
//!   starts the same timer when a kept-alive connection goes idle after a response, so it is also
//!   the **idle keep-alive timeout**;
//! - a request whose body sends nothing for `body_read_timeout` (the wait is measured between
//!   chunks, so a large upload that keeps moving is never cut);
//! - any connection past `max_connections_per_peer` open at once from one IP address, at once
//!   (the connection is accepted and dropped, before a byte is read).
//!
//! A WebSocket is authenticated by its upgrade request (`?access_token=`), read under the same
//! header timeout, and a refused one is closed within a second (`realtime::ws::conn::refuse`).
//! [`raise_open_file_limit`] lifts the soft limit on open files to the hard one at start.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

/// The limits on each client connection (`openglip serve --header-timeout`, `--body-timeout`,
/// `--max-connections-per-address`).
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Time allowed for a request's headers, counted from the connection's start or from the end
    /// of the previous response (the idle keep-alive timeout).
    pub header_read_timeout: Duration,
    /// Longest wait for the next chunk of a request body.
    pub body_read_timeout: Duration,
    /// Connections open at once from one IP address; more are closed as they come.
    pub max_connections_per_peer: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
            max_connections_per_peer: 512,
        }
    }
}

/// Open connections per peer address. A [`PeerSlot`] is one of them, given back when dropped.
#[derive(Default)]
struct PeerCounts(Mutex<HashMap<IpAddr, usize>>);

struct PeerSlot {
    counts: Arc<PeerCounts>,
    ip: IpAddr,
}

impl PeerCounts {
    /// A slot for a connection from `ip`, unless `max` are open already.
    fn take(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<PeerSlot> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(PeerSlot {
            counts: self.clone(),
            ip,
        })
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut map = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serves `router` on `listener` under `limits` until `shutdown` completes; then stops accepting,
/// lets each connection finish its request in flight, and returns once all have closed.
/// Handlers see the peer as `ConnectInfo<SocketAddr>`, as with `axum::serve`.
pub async fn serve_router(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let counts = Arc::new(PeerCounts::default());
    let (stop_tx, stop_rx) = watch::channel(());
    let (closed_tx, closed_rx) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors or a connection reset before it was accepted: the
                    // listener itself is fine; wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Some(slot) = counts.take(peer.ip(), limits.max_connections_per_peer) else {
            tracing::debug!(%peer, "too many connections from this address; closed");
            drop(tcp);
            continue;
        };
        let conn = serve_connection(tcp, peer, router.clone(), &limits, stop_rx.clone());
        let closed = closed_rx.clone();
        tokio::spawn(async move {
            conn.await;
            drop(slot);
            drop(closed);
        });
    }
    drop(listener);
    drop(stop_tx);
    drop(closed_rx);
    closed_tx.closed().await;
    Ok(())
}

/// One connection: HTTP/1.1 with upgrades, the header timeout on hyper's timer, each request's
/// body wrapped in the body timeout and its peer address in its extensions.
fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: &ConnectionLimits,
    mut stop: watch::Receiver<()>,
) -> impl Future<Output = ()> + Send + 'static {
    if let Err(e) = tcp.set_nodelay(true) {
        // Small writes (WebSocket frames, short responses) go out at once: no Nagle delay.
        tracing::debug!(error = %e, "TCP_NODELAY not set");
    }
    let body_timeout = limits.body_read_timeout;
    let service = router.map_request(move |req: Request<Incoming>| {
        let (mut parts, body) = req.into_parts();
        parts.extensions.insert(ConnectInfo(peer));
        Request::from_parts(parts, Body::new(TimeoutBody::new(body_timeout, body)))
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let conn = builder
        .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service))
        .with_upgrades();
    async move {
        let mut conn = std::pin::pin!(conn);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::trace!(%peer, error = %e, "connection ended");
                }
                return;
            }
            _ = stop.changed() => conn.as_mut().graceful_shutdown(),
        }
        if let Err(e) = conn.await {
            tracing::trace!(%peer, error = %e, "connection ended");
        }
    }
}

/// Raises this process's soft limit on open files to its hard limit, where the system allows,
/// and logs the limit in force (each connection, WebSocket and WebHook delivery holds a file).
/// Returns that limit; `None` is unlimited.
pub fn raise_open_file_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let Rlimit { current, maximum } = getrlimit(Resource::Nofile);
    if current == maximum {
        tracing::info!(limit = ?current, "open-file limit");
        return current;
    }
    let raised = Rlimit {
        current: maximum,
        maximum,
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => {
            tracing::info!(from = ?current, to = ?maximum, "open-file limit raised");
            maximum
        }
        Err(e) => {
            tracing::warn!(limit = ?current, error = %e, "open-file limit not raised");
            current
        }
    }
}
