//! WSG frames: `[meta, body?]` text. Bodies that are already JSON are spliced in as they are.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{Recovery, WsConfig, WsgError, new_uuid};

/// The body of a frame.
#[derive(Debug, Clone)]
pub enum Body {
    /// Serialised JSON.
    Json(String),
    /// Text spliced verbatim: a `multipart/mixed` REST answer, which RingCentral's gateway sends as
    /// `[meta,--Boundary…]` (`@rc-ex/ws` splits such frames at `,--Boundary`).
    Raw(String),
}

/// A frame other than a notification; `wsc` is added when written if `wsc` is set.
#[derive(Debug, Clone)]
pub struct Frame {
    pub meta: Map<String, Value>,
    pub body: Option<Body>,
    pub wsc: bool,
    /// Pause before the next frame (see `WsConfig::settle`).
    pub settle: bool,
}

/// Something waiting to be written.
#[derive(Debug, Clone)]
pub enum Out {
    /// A `ServerNotification` around this envelope (JSON, or a base64 string when encrypted).
    Note(Arc<str>),
    Frame(Frame),
}

fn wsc(token: &str, sequence: u64) -> Value {
    json!({ "token": token, "sequence": sequence })
}

fn join(meta: &Map<String, Value>, body: Option<&str>) -> String {
    let meta = Value::Object(meta.clone()).to_string();
    match body {
        Some(b) => {
            let mut s = String::with_capacity(meta.len() + b.len() + 3);
            s.push('[');
            s.push_str(&meta);
            s.push(',');
            s.push_str(b);
            s.push(']');
            s
        }
        None => format!("[{meta}]"),
    }
}

/// A notification envelope as a frame body: JSON objects as they are, anything else (an
/// encrypted envelope) as a JSON string.
fn note_body(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with('{') {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(Value::String(text.to_string()).to_string())
    }
}

impl Out {
    /// The frame's text, with `wsc` (token and this connection's `sequence`) where it belongs.
    pub fn render(&self, token: &str, sequence: u64) -> String {
        match self {
            Out::Note(text) => {
                let mut meta = Map::new();
                meta.insert("type".into(), "ServerNotification".into());
                meta.insert("messageId".into(), new_uuid().into());
                meta.insert("status".into(), 200.into());
                meta.insert("headers".into(), json!({ "RCRequestId": new_uuid() }));
                meta.insert("wsc".into(), wsc(token, sequence));
                join(&meta, Some(&note_body(text)))
            }
            Out::Frame(f) => {
                let body = f.body.as_ref().map(|b| match b {
                    Body::Json(s) | Body::Raw(s) => s.as_str(),
                });
                if f.wsc {
                    let mut meta = f.meta.clone();
                    meta.insert("wsc".into(), wsc(token, sequence));
                    join(&meta, body)
                } else {
                    join(&f.meta, body)
                }
            }
        }
    }

    pub fn is_note(&self) -> bool {
        matches!(self, Out::Note(_))
    }

    /// Whether the writer pauses after this frame.
    pub fn settles(&self) -> bool {
        matches!(self, Out::Frame(f) if f.settle)
    }

    /// Whether rendering consumes a `wsc.sequence` number.
    pub fn has_wsc(&self) -> bool {
        match self {
            Out::Note(_) => true,
            Out::Frame(f) => f.wsc,
        }
    }
}

/// `2020-09-07T21:50:02.737+0000`, the way the gateway writes `creationTime`.
fn gateway_time(t: openglip_domain::Timestamp) -> String {
    let s = t.to_rfc3339();
    match s.strip_suffix('Z') {
        Some(head) => format!("{head}+0000"),
        None => s,
    }
}

/// The first frame of every connection.
pub fn connection_details(
    config: &WsConfig,
    created: openglip_domain::Timestamp,
    recovery: Option<Recovery>,
) -> Frame {
    let id = new_uuid();
    let mut meta = Map::new();
    meta.insert("type".into(), "ConnectionDetails".into());
    meta.insert("messageId".into(), id.clone().into());
    meta.insert("status".into(), 200.into());
    meta.insert("headers".into(), json!({ "RCRequestId": id }));
    let mut body = json!({
        "creationTime": gateway_time(created),
        "maxConnectionsPerSession": config.max_connections_per_session,
        "recoveryBufferSize": config.recovery_buffer,
        "recoveryTimeout": config.recovery_timeout.as_secs(),
        "idleTimeout": config.idle_timeout.as_secs(),
        "absoluteTimeout": config.absolute_timeout.as_secs(),
        "maxActiveRequests": config.max_active_requests,
    });
    match recovery {
        None => {}
        Some(Recovery::Successful) => {
            body["recoveryState"] = "Successful".into();
        }
        Some(Recovery::Failed(code)) => {
            body["recoveryState"] = "Failed".into();
            body["recoveryErrorCode"] = code.into();
        }
    }
    Frame {
        meta,
        body: Some(Body::Json(body.to_string())),
        wsc: true,
        settle: recovery == Some(Recovery::Successful),
    }
}

/// `[{"type":"Error",…},{"errorCode","message"}]`, answering `message_id` when there is one.
pub fn error(e: &WsgError, message_id: Option<&str>) -> Frame {
    let mut meta = Map::new();
    meta.insert("type".into(), "Error".into());
    meta.insert(
        "messageId".into(),
        message_id
            .map(str::to_string)
            .unwrap_or_else(new_uuid)
            .into(),
    );
    meta.insert("status".into(), e.status.into());
    meta.insert("headers".into(), json!({ "RCRequestId": new_uuid() }));
    Frame {
        meta,
        body: Some(Body::Json(
            json!({ "errorCode": e.code, "message": e.message }).to_string(),
        )),
        wsc: false,
        settle: false,
    }
}

/// The answer to a client's `Heartbeat`.
pub fn heartbeat(message_id: Option<&Value>) -> Frame {
    let mut meta = Map::new();
    meta.insert("type".into(), "Heartbeat".into());
    meta.insert(
        "messageId".into(),
        message_id
            .cloned()
            .unwrap_or_else(|| Value::String(new_uuid())),
    );
    Frame {
        meta,
        body: None,
        wsc: false,
        settle: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_splice_json_and_quote_ciphertext() {
        let f = Out::Note("{\"a\":1}".into()).render("tok", 7);
        let v: Value = serde_json::from_str(&f).unwrap();
        assert_eq!(v[0]["type"], "ServerNotification");
        assert_eq!(v[0]["wsc"]["sequence"], 7);
        assert_eq!(v[0]["wsc"]["token"], "tok");
        assert_eq!(v[1]["a"], 1);
        let f = Out::Note("QUJD".into()).render("tok", 8);
        let v: Value = serde_json::from_str(&f).unwrap();
        assert_eq!(v[1], "QUJD");
    }

    #[test]
    fn details_carry_recovery_state() {
        let f = connection_details(
            &WsConfig::default(),
            openglip_domain::Timestamp(0),
            Some(Recovery::Failed("WSG-1005")),
        );
        let v: Value = serde_json::from_str(&Out::Frame(f).render("t", 1)).unwrap();
        assert_eq!(v[1]["recoveryState"], "Failed");
        assert_eq!(v[1]["recoveryBufferSize"], 100);
        assert_eq!(v[1]["creationTime"], "1970-01-01T00:00:00.000+0000");
        let hb: Value =
            serde_json::from_str(&Out::Frame(heartbeat(Some(&"x".into()))).render("t", 1)).unwrap();
        assert_eq!(hb, json!([{"type": "Heartbeat", "messageId": "x"}]));
    }
}
