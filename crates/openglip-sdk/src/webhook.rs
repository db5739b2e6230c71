//! A WebHook receiver: an axum router for the address of a WebHook subscription. It answers the
//! creation handshake (echoing `Validation-Token`), checks `Verification-Token` on deliveries,
//! and yields the notifications on an [`EventStream`], like a WebSocket subscription.
//!
//! ```no_run
//! # async fn f(client: openglip_sdk::Client) -> openglip_sdk::Result<()> {
//! use openglip_sdk::webhook::WebhookReceiver;
//! let token = openglip_sdk::auth::random_token(24);
//! let (router, mut events) = WebhookReceiver::new(Some(token.clone())).router("/webhook");
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
//! tokio::spawn(async move { axum::serve(listener, router).await });
//! client
//!     .create_webhook(&openglip_sdk::events::default_filters(), "https://bot.example/webhook", Some(&token), Some(604_800))
//!     .await?;
//! while let Some(item) = events.next().await { /* … */ }
//! # Ok(()) }
//! ```

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use subtle_eq::eq;
use tokio::sync::mpsc;

use crate::events::{EventStream, Incoming, Notification};

/// Receives WebHook deliveries.
#[derive(Clone)]
pub struct WebhookReceiver {
    verification_token: Option<String>,
    capacity: usize,
}

#[derive(Clone)]
struct St {
    verification_token: Option<String>,
    tx: mpsc::Sender<Incoming>,
}

impl WebhookReceiver {
    /// `verification_token`: the `deliveryMode.verificationToken` the subscription was made with;
    /// deliveries without it are refused (401).
    pub fn new(verification_token: Option<String>) -> WebhookReceiver {
        WebhookReceiver {
            verification_token,
            capacity: 1024,
        }
    }

    pub fn capacity(mut self, n: usize) -> Self {
        self.capacity = n;
        self
    }

    /// A router answering `POST path`, and the stream of what it receives. A delivery is
    /// answered 200 once it is queued on the stream (503 if the stream is gone or stays full for
    /// 5 s, so the server retries later).
    pub fn router(self, path: &str) -> (Router, EventStream) {
        let (tx, stream) = EventStream::channel(self.capacity);
        let st = St {
            verification_token: self.verification_token,
            tx,
        };
        (
            Router::new().route(path, post(receive)).with_state(st),
            stream,
        )
    }
}

mod subtle_eq {
    /// Compares without stopping at the first difference.
    pub fn eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

async fn receive(State(st): State<St>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(v) = headers.get("validation-token") {
        let mut r = StatusCode::OK.into_response();
        if let Ok(v) = HeaderValue::from_bytes(v.as_bytes()) {
            r.headers_mut().insert("Validation-Token", v);
        }
        return r;
    }
    if let Some(want) = &st.verification_token {
        let given = headers
            .get("verification-token")
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !eq(given, want.as_bytes()) {
            return (StatusCode::UNAUTHORIZED, "bad Verification-Token").into_response();
        }
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    let Some(n) = Notification::from_json(v) else {
        return (StatusCode::BAD_REQUEST, "not a notification").into_response();
    };
    match tokio::time::timeout(
        Duration::from_secs(5),
        st.tx.send(Incoming::Notification(Box::new(n))),
    )
    .await
    {
        Ok(Ok(())) => StatusCode::OK.into_response(),
        _ => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
