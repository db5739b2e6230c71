//! A WebHook receiver: an axum router for the address of a WebHook subscription. It answers the
//! creation handshake (echoing `Validation-Token`), checks `Verification-Token` on deliveries,
//! decrypts the deliveries of encrypted subscriptions (`deliveryMode.encryption: true`: the body
//! is base64 of AES-128-ECB with PKCS#7 padding, under the subscription's `encryptionKey`; give
//! the key to [`DecryptionKeys::add`] once the subscription is made), and yields the
//! notifications on an [`EventStream`], like a WebSocket subscription.
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

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes::Aes128;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use subtle_eq::eq;
use tokio::sync::mpsc;

use crate::events::{EventStream, Incoming, Notification};

/// The keys of the encrypted subscriptions a receiver gets deliveries for. Cheap to clone; keys
/// added after the router is made (a subscription's key is known once it is created) count at
/// once.
#[derive(Clone, Default)]
pub struct DecryptionKeys(Arc<Mutex<Vec<[u8; 16]>>>);

impl DecryptionKeys {
    pub fn new() -> DecryptionKeys {
        DecryptionKeys::default()
    }

    /// Adds a subscription's `deliveryMode.encryptionKey` (base64 of 16 bytes).
    pub fn add(&self, key_base64: &str) -> crate::Result<()> {
        let bytes = STANDARD
            .decode(key_base64.trim())
            .ok()
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .ok_or_else(|| {
                crate::Error::Decode("an encryption key is base64 of 16 bytes".into())
            })?;
        let mut keys = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if !keys.contains(&bytes) {
            keys.push(bytes);
        }
        Ok(())
    }

    /// The notification JSON an encrypted body holds, under one of the keys.
    fn decrypt(&self, body: &[u8]) -> Option<serde_json::Value> {
        let text = std::str::from_utf8(body).ok()?.trim();
        let cipher = STANDARD.decode(text).ok()?;
        let keys = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        keys.iter().find_map(|k| {
            let plain = ecb::Decryptor::<Aes128>::new(k.into())
                .decrypt_padded_vec_mut::<Pkcs7>(&cipher)
                .ok()?;
            serde_json::from_slice(&plain).ok()
        })
    }
}

/// Receives WebHook deliveries.
#[derive(Clone)]
pub struct WebhookReceiver {
    verification_token: Option<String>,
    capacity: usize,
    keys: DecryptionKeys,
}

#[derive(Clone)]
struct St {
    verification_token: Option<String>,
    tx: mpsc::Sender<Incoming>,
    keys: DecryptionKeys,
}

impl WebhookReceiver {
    /// `verification_token`: the `deliveryMode.verificationToken` the subscription was made with;
    /// deliveries without it are refused (401).
    pub fn new(verification_token: Option<String>) -> WebhookReceiver {
        WebhookReceiver {
            verification_token,
            capacity: 1024,
            keys: DecryptionKeys::default(),
        }
    }

    /// Decrypts the deliveries of encrypted subscriptions with these keys.
    pub fn decrypting(mut self, keys: DecryptionKeys) -> Self {
        self.keys = keys;
        self
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
            keys: self.keys,
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
    let v = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(v) => v,
        // An encrypted subscription's delivery: base64 of the encrypted notification.
        Err(_) => match st.keys.decrypt(&body) {
            Some(v) => v,
            None => {
                return (
                    StatusCode::BAD_REQUEST,
                    "not JSON, and not a notification encrypted with a known key",
                )
                    .into_response();
            }
        },
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
