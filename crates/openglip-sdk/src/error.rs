//! Errors: RingCentral's error bodies as a typed error, and everything else that can go wrong.

use std::time::Duration;

pub use openglip_wire::{ErrorBody, ErrorDetail};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with an error status. `body` is RingCentral's error body
    /// (`errorCode`, `message`, `errors[]`, and on OAuth endpoints `error`/`error_description`);
    /// when the server sent something else, `body.errorCode` is empty and `message` holds the
    /// text.
    #[error("HTTP {status} {}: {}", body.error_code, body.message)]
    Api {
        status: u16,
        body: Box<ErrorBody>,
        /// `Retry-After` of a 429, when the retries were used up.
        retry_after: Option<Duration>,
    },
    /// The request could not be sent or its answer not read.
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// The answer was not the JSON expected.
    #[error("unexpected response: {0}")]
    Decode(String),
    /// The WebSocket connection failed or the server broke the WSG protocol.
    #[error("WebSocket: {0}")]
    WebSocket(String),
    /// No token: log in first (or give one with `ClientBuilder::token`).
    #[error("not logged in")]
    NotLoggedIn,
    /// The client is not set up for this call (e.g. no client id for an OAuth grant).
    #[error("{0}")]
    Config(String),
    /// Timed out waiting for the server.
    #[error("timed out: {0}")]
    Timeout(String),
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// RingCentral's `errorCode` (`CMN-102`, `OAU-213`, …) of an API error.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. } if !body.error_code.is_empty() => Some(&body.error_code),
            _ => None,
        }
    }

    /// The OAuth `error` (`invalid_grant`, …) of a token-endpoint error.
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. } => body.error.as_deref(),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// The token is unknown, revoked or expired, or its extension was removed: the caller has
    /// lost access (bots treat this as "uninstalled").
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// A network-level failure (connection refused, reset, timed out): worth retrying later.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            Error::WebSocket(_) | Error::Timeout(_) => true,
            Error::Api { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// Builds an API error from a status and a body, reading RingCentral's error shape leniently.
    pub(crate) fn from_response(status: u16, text: &str, retry_after: Option<Duration>) -> Error {
        let v: serde_json::Value = serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let errors: Vec<ErrorDetail> = v
            .get("errors")
            .and_then(|e| serde_json::from_value(e.clone()).ok())
            .unwrap_or_default();
        let error_code = s("errorCode")
            .or_else(|| errors.first().map(|e| e.error_code.clone()))
            .unwrap_or_default();
        let message = s("message")
            .or_else(|| s("error_description"))
            .or_else(|| errors.first().map(|e| e.message.clone()))
            .unwrap_or_else(|| text.chars().take(500).collect());
        Error::Api {
            status,
            body: Box::new(ErrorBody {
                error_code,
                message,
                errors,
                error: s("error"),
                error_description: s("error_description"),
            }),
            retry_after,
        }
    }
}
