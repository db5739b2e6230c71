//! `ClientRequest` frames: REST calls tunnelled over the WebSocket, run through the same router
//! as HTTP requests, as the session's caller.
//!
//! The request is marked pre-authenticated by the `Caller` in its extensions (which nothing from
//! the network can set); the gate still checks the operation's permission and rate limit.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body as HttpBody;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use openglip_domain::{Caller, Error};
use openglip_wire::wsg::{MessageType, Meta};
use serde_json::{Map, Value};
use tower::ServiceExt;

use super::frame::{Body, Frame};
use super::new_uuid;
use crate::realtime::WsSessionRef;

/// What the tunnelled requests inherit from the WebSocket's own HTTP request: the `Host` and
/// `X-Forwarded-Proto` (so `uri` fields name this server as the client reaches it) and the peer.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub host: Option<HeaderValue>,
    pub proto: Option<HeaderValue>,
    pub peer: Option<SocketAddr>,
}

/// The largest response body carried back in a frame.
const RESPONSE_LIMIT: usize = 32 * 1024 * 1024;

/// Request headers a tunnelled request cannot set: connection-level ones, those the gateway
/// sets itself, and `Authorization` (the session's caller is the authentication).
const DROPPED: [&str; 12] = [
    "host",
    "content-length",
    "connection",
    "upgrade",
    "transfer-encoding",
    "te",
    "trailer",
    "keep-alive",
    "proxy-connection",
    "authorization",
    "x-forwarded-proto",
    "x-forwarded-for",
];

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The `http::Request` a `ClientRequest` stands for.
fn build(meta: &Meta, body: Option<&Value>, origin: &Origin) -> Result<Request<HttpBody>, Error> {
    let method = match &meta.method {
        None => Method::GET,
        Some(m) => Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| Error::invalid("method"))?,
    };
    let raw = match &meta.path {
        Some(p) => p.as_str(),
        None => return Err(Error::MissingParameter("path".into())),
    };
    if !raw.starts_with('/') || raw.starts_with("//") {
        return Err(Error::invalid_because(
            "path",
            "The path must be absolute, such as /restapi/v1.0/subscription",
        ));
    }
    let (path, inline_query) = raw.split_once('?').unwrap_or((raw, ""));
    // `/restapi/v1.0/subscription/` (RingCentral's documentation, the Python SDK) is the
    // collection.
    let trimmed = path.trim_end_matches('/');
    let path = if trimmed.is_empty() { "/" } else { trimmed };
    let mut query = form_urlencoded::Serializer::new(inline_query.to_string());
    for (k, v) in meta.query.iter().flatten() {
        match v {
            Value::Array(items) => {
                for i in items {
                    if let Some(s) = scalar(i) {
                        query.append_pair(k, &s);
                    }
                }
            }
            other => {
                if let Some(s) = scalar(other) {
                    query.append_pair(k, &s);
                }
            }
        }
    }
    let query = query.finish();
    let uri = if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    };
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .body(HttpBody::empty())
        .map_err(|_| Error::invalid("path"))?;
    let h = req.headers_mut();
    for (k, v) in meta.headers.iter().flatten() {
        let Ok(name) = HeaderName::from_bytes(k.as_bytes()) else {
            continue;
        };
        if DROPPED.contains(&name.as_str()) {
            continue;
        }
        if let Some(v) = scalar(v).and_then(|s| HeaderValue::from_str(&s).ok()) {
            h.append(name, v);
        }
    }
    if let Some(host) = &origin.host {
        h.insert(header::HOST, host.clone());
    }
    if let Some(proto) = &origin.proto {
        h.insert("x-forwarded-proto", proto.clone());
    }
    let given_type = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    let bytes = match body {
        None | Some(Value::Null) => Vec::new(),
        // A text body (e.g. `text/plain` for a post's text) travels as a JSON string.
        Some(Value::String(s)) if given_type.as_ref().is_some_and(|t| !t.contains("json")) => {
            s.clone().into_bytes()
        }
        Some(v) => {
            if given_type.is_none() {
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            serde_json::to_vec(v).map_err(|e| Error::Internal(e.to_string()))?
        }
    };
    *req.body_mut() = HttpBody::from(bytes);
    if let Some(peer) = origin.peer {
        req.extensions_mut().insert(ConnectInfo(peer));
    }
    Ok(req)
}

/// RingCentral's spelling of a response header name (the Python SDK looks up
/// `WSG-SubscriptionId` case-sensitively).
fn canonical(name: &str) -> String {
    match name {
        "wsg-subscriptionid" => "WSG-SubscriptionId".into(),
        "rcrequestid" => "RCRequestId".into(),
        "www-authenticate" => "WWW-Authenticate".into(),
        _ => name
            .split('-')
            .map(|part| {
                let mut c = part.chars();
                match c.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join("-"),
    }
}

fn answer(
    message_id: Value,
    status: u16,
    headers: Map<String, Value>,
    body: Option<Body>,
) -> Frame {
    // After the answer that names a new subscription, the client has to learn its id before
    // the first notification for it arrives.
    let settle = headers.contains_key("WSG-SubscriptionId");
    let meta = Meta {
        message_id: Some(message_id),
        status: Some(status),
        headers: Some(headers),
        ..Meta::new(MessageType::ClientRequest)
    };
    Frame {
        meta: Box::new(meta),
        body,
        wsc: true,
        settle,
    }
}

fn error_answer(message_id: Value, e: Error) -> Frame {
    let (status, _) = crate::error::status_and_code(&e);
    let body = serde_json::to_string(&crate::error::body(&e)).unwrap_or_default();
    let mut headers = Map::new();
    headers.insert("Content-Type".into(), "application/json".into());
    headers.insert("RCRequestId".into(), new_uuid().into());
    answer(message_id, status.as_u16(), headers, Some(Body::Json(body)))
}

/// Runs one `ClientRequest` through `router` as `caller`, and answers it.
pub async fn call(
    router: Router,
    caller: Caller,
    session: WsSessionRef,
    origin: &Origin,
    meta: &Meta,
    body: Option<&Value>,
) -> Frame {
    let message_id = meta
        .message_id
        .clone()
        .unwrap_or_else(|| Value::String(new_uuid()));
    let mut req = match build(meta, body, origin) {
        Ok(r) => r,
        Err(e) => return error_answer(message_id, e),
    };
    req.extensions_mut().insert(caller);
    req.extensions_mut().insert(session);
    let Ok(resp) = router.oneshot(req).await;
    let status = resp.status().as_u16();
    let mut headers = Map::new();
    for (name, value) in resp.headers() {
        let Ok(v) = value.to_str() else { continue };
        let key = canonical(name.as_str());
        match headers.get_mut(&key) {
            Some(Value::String(s)) => {
                s.push_str(", ");
                s.push_str(v);
            }
            _ => {
                headers.insert(key, v.into());
            }
        }
    }
    headers.insert("RCRequestId".into(), new_uuid().into());
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bytes = match axum::body::to_bytes(resp.into_body(), RESPONSE_LIMIT).await {
        Ok(b) => b,
        Err(e) => {
            return error_answer(
                message_id,
                Error::Internal(format!("reading a tunnelled response: {e}")),
            );
        }
    };
    let body = if bytes.is_empty() {
        None
    } else {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if content_type.starts_with("multipart/") {
            Some(Body::Raw(text))
        } else if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() {
            Some(Body::Json(text))
        } else {
            Some(Body::Json(Value::String(text).to_string()))
        }
    };
    answer(message_id, status, headers, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn header_names_are_spelled_as_ringcentral_does() {
        assert_eq!(canonical("wsg-subscriptionid"), "WSG-SubscriptionId");
        assert_eq!(canonical("x-rate-limit-group"), "X-Rate-Limit-Group");
        assert_eq!(canonical("content-type"), "Content-Type");
    }

    #[test]
    fn requests_are_built_from_frames() {
        let (meta, _) = openglip_wire::wsg::parse(
            &json!([{
                "type": "ClientRequest", "messageId": "m", "method": "post",
                "path": "/restapi/v1.0/subscription/?a=1",
                "query": {"type": ["Team", "Group"], "n": 2},
                "headers": {"X-User-Agent": "x", "Authorization": "Bearer nope", "Host": "evil"},
            }])
            .to_string(),
        )
        .unwrap();
        let origin = Origin {
            host: Some(HeaderValue::from_static("h:1")),
            ..Default::default()
        };
        let req = build(&meta, Some(&json!({"eventFilters": []})), &origin).unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(
            req.uri().to_string(),
            "/restapi/v1.0/subscription?a=1&n=2&type=Team&type=Group"
        );
        assert!(req.headers().get("authorization").is_none());
        assert_eq!(req.headers()["host"], "h:1");
        assert_eq!(req.headers()["content-type"], "application/json");
        let bad = Meta {
            path: Some("http://elsewhere/x".into()),
            ..Meta::new(MessageType::ClientRequest)
        };
        assert!(build(&bad, None, &origin).is_err());
    }
}
