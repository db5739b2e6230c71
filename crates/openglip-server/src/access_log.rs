//! The access log: one line per request, written when its answer is ready.
//!
//! Each line carries the method, the route's template (`/team-messaging/v1/chats/{chatId}/posts`,
//! never the concrete path, so ids and page tokens stay out of the log and lines group by
//! route), the status, the duration, the app that called (for a bearer token) and the request
//! id. The request id is the client's `X-Request-Id` when it sent a sensible one (a proxy's, so
//! its log and ours join), else one made here; either way it is echoed on the answer.
//!
//! The line is a `tracing` event (target `openglip::request`), so `--log-format json` makes it a
//! JSON object with the same fields. It is cheap on purpose, since it runs for every post: the
//! template is the router's shared `MatchedPath` (a reference count, no copy), the app is a
//! number the gate leaves on the answer, and a made-up request id is a process-random prefix
//! and a counter written into a fixed-size buffer.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use openglip_domain::AppId;

/// The header that names a request, accepted from the client and echoed on the answer.
pub const REQUEST_ID: &str = "x-request-id";

/// The route template an answer was served for, left on the response by the route layer
/// ([`mark_route`]); missing when no route matched.
#[derive(Clone)]
struct Route(MatchedPath);

/// The app whose token made the request, left on the response by the gate.
#[derive(Clone, Copy)]
pub struct CallingApp(pub AppId);

/// The route layer: runs inside routing, where the matched template is known, and leaves it on
/// the answer for [`log_request`].
pub async fn mark_route(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    let mut resp = next.run(req).await;
    if let Some(route) = route {
        resp.extensions_mut().insert(Route(route));
    }
    resp
}

/// The outer layer: gives the request its id, runs it, echoes the id and writes the line.
pub async fn log_request(mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = match req.headers().get(REQUEST_ID) {
        Some(v) if acceptable(v) => v.clone(),
        _ => {
            let made = new_request_id();
            req.headers_mut().insert(REQUEST_ID, made.clone());
            made
        }
    };
    let method = req.method().clone();
    let mut resp = next.run(req).await;
    let micros = start.elapsed().as_micros() as u64;
    let route = resp.extensions().get::<Route>().map(|r| r.0.clone());
    let app = resp.extensions().get::<CallingApp>().map(|a| a.0.0);
    tracing::info!(
        target: "openglip::request",
        method = method.as_str(),
        route = route.as_ref().map_or("(unmatched)", |r| r.as_str()),
        status = resp.status().as_u16(),
        duration_ms = micros as f64 / 1000.0,
        app,
        request_id = id.to_str().unwrap_or_default(),
        "request"
    );
    resp.headers_mut().insert(REQUEST_ID, id);
    resp
}

/// A client's request id is kept when it is 1–128 visible ASCII characters (what proxies send:
/// UUIDs, hex); anything else is replaced, so the log never carries a client's arbitrary bytes.
fn acceptable(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    !b.is_empty() && b.len() <= 128 && b.iter().all(|c| c.is_ascii_graphic())
}

/// A fresh request id: 16 hex digits of a prefix drawn once per process, a dash, and 16 of a
/// counter: unique within the process, and across processes unless their prefixes collide.
fn new_request_id() -> HeaderValue {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = *PREFIX.get_or_init(|| {
        let mut b = [0u8; 8];
        // Without the OS's random source the ids are still unique within this process.
        let _ = getrandom::fill(&mut b);
        u64::from_le_bytes(b)
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut buf = [0u8; 33];
    hex_into(&mut buf[..16], prefix);
    buf[16] = b'-';
    hex_into(&mut buf[17..], n);
    HeaderValue::from_bytes(&buf).expect("hex digits and a dash are a valid header value")
}

fn hex_into(out: &mut [u8], v: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, o) in out.iter_mut().enumerate() {
        *o = DIGITS[((v >> ((15 - i) * 4)) & 0xf) as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_ids_are_distinct_and_well_formed() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        let s = a.to_str().unwrap();
        assert_eq!(s.len(), 33);
        assert_eq!(&s[16..17], "-");
        assert!(acceptable(&a));
    }

    #[test]
    fn odd_client_ids_are_replaced() {
        assert!(acceptable(&HeaderValue::from_static("abc-123")));
        assert!(!acceptable(&HeaderValue::from_static("")));
        assert!(!acceptable(&HeaderValue::from_static("has space")));
        assert!(!acceptable(
            &HeaderValue::from_str(&"x".repeat(129)).unwrap()
        ));
    }
}
