//! Request extractors that fail with RingCentral errors instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use openglip_domain::{Error, OAuthFailure};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body. Malformed JSON is `CMN-103`; a value of the wrong type is `CMN-101`
/// naming the offending field (`members[0].id`); an empty body is `CMN-104`; a body over the
/// limit is 413.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
            let mime = ct.split(';').next().unwrap_or("").trim();
            if !(mime == "application/json"
                || mime.ends_with("+json")
                || mime == "text/json"
                || mime.is_empty())
            {
                return Err(Error::UnsupportedMediaType(mime.to_string()).into());
            }
        }
        let bytes = body_bytes(req, state).await?;
        well_formed(&bytes)?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            // Every request body of the API is an object; serde would otherwise accept an
            // array for a struct, field by field in declaration order.
            return Err(Error::invalid_because(
                "body",
                "Parameter [body] value is invalid: the request body must be a JSON object.",
            )
            .into());
        }
        parse_typed(&bytes).map(JsonBody)
    }
}

/// The whole request body; one over the limit is 413 (`PayloadTooLarge`), one that cannot be
/// read is `CMN-103`.
pub async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rej| {
        if rej.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(Error::PayloadTooLarge(crate::BODY_LIMIT))
        } else {
            ApiError(Error::UnparsableBody(rej.body_text()))
        }
    })
}

/// Parses JSON with RingCentral errors (see [`JsonBody`]).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    well_formed(bytes)?;
    parse_typed(bytes)
}

/// An empty body is `CMN-104`; a body that is not JSON is `CMN-103`. Syntax is checked first so
/// that broken JSON is `CMN-103` even when its first values would also fail to match the types.
fn well_formed(bytes: &[u8]) -> Result<(), ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::EmptyBody.into());
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|e| ApiError(Error::UnparsableBody(e.to_string())))
}

/// Deserializes well-formed JSON; a value of the wrong type is `CMN-101` naming its path.
fn parse_typed<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            let name = if path == "." || path.is_empty() {
                "body".to_string()
            } else {
                path
            };
            ApiError(Error::invalid_because(
                name.clone(),
                format!(
                    "Parameter [{name}] value is invalid: {}",
                    strip_position(&inner.to_string())
                ),
            ))
        } else {
            ApiError(Error::UnparsableBody(inner.to_string()))
        }
    })?;
    de.end()
        .map_err(|e| ApiError(Error::UnparsableBody(e.to_string())))?;
    Ok(value)
}

fn strip_position(msg: &str) -> &str {
    msg.find(" at line ").map_or(msg, |i| &msg[..i])
}

/// The query string as ordered pairs; repeated keys (`type=Team&type=Group`) are kept.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(q: &str) -> Params {
        Params(form_urlencoded::parse(q.as_bytes()).into_owned().collect())
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// Every value of a repeated key; comma-separated values are split too.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Params::parse(parts.uri.query().unwrap_or("")))
    }
}

/// Reads an `application/x-www-form-urlencoded` body (OAuth endpoints).
pub struct FormBody(pub Params);

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError(Error::PayloadTooLarge(crate::BODY_LIMIT)))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ApiError(Error::OAuth(OAuthFailure::BodyNotUtf8)))?;
        if ct.starts_with("application/json") {
            // Some clients post JSON to the token endpoint; accept a flat object of strings.
            let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
                .map_err(|_| ApiError(Error::OAuth(OAuthFailure::BodyNotForm)))?;
            let pairs = v
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect();
            return Ok(FormBody(Params(pairs)));
        }
        Ok(FormBody(Params::parse(text)))
    }
}

/// The client's address (for throttling sign-ins), as an extractor.
pub struct Peer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_default(),
        ))
    }
}
