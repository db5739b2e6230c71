//! WSG frames (`openglip_wire::wsg`): what the gateway queues and how a queued frame becomes
//! text. Bodies that are already JSON (notification envelopes, REST answers) are spliced in as
//! they are.

use std::sync::Arc;

use openglip_wire::wsg::{self, ConnectionDetails, MessageType, Meta, RecoveryState, Wsc};
use serde_json::{Map, Value};

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
    /// Boxed: queues hold many notifications, which are small.
    pub meta: Box<Meta>,
    pub body: Option<Body>,
    pub wsc: bool,
    /// Pause before the next frame (see `WsConfig::settle`).
    pub settle: bool,
}

/// Something waiting to be written.
#[derive(Debug, Clone)]
pub enum Out {
    /// A `ServerNotification` around this envelope (JSON, or a base64 string when encrypted),
    /// and the subscription's outbox cursor once it is written (None for a renewal reminder).
    Note(Arc<str>, Option<i64>),
    Frame(Frame),
}

/// `{"RCRequestId": id}`, the header every gateway frame carries.
fn request_id(id: String) -> Map<String, Value> {
    let mut h = Map::new();
    h.insert("RCRequestId".into(), id.into());
    h
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
        let wsc = || {
            Some(Wsc {
                token: token.to_string(),
                sequence,
            })
        };
        match self {
            Out::Note(text, _) => {
                let meta = Meta {
                    message_id: Some(new_uuid().into()),
                    status: Some(200),
                    headers: Some(request_id(new_uuid())),
                    wsc: wsc(),
                    ..Meta::new(MessageType::ServerNotification)
                };
                wsg::frame(&meta, Some(&note_body(text)))
            }
            Out::Frame(f) => {
                let body = f.body.as_ref().map(|b| match b {
                    Body::Json(s) | Body::Raw(s) => s.as_str(),
                });
                if f.wsc {
                    let meta = Meta {
                        wsc: wsc(),
                        ..(*f.meta).clone()
                    };
                    wsg::frame(&meta, body)
                } else {
                    wsg::frame(&f.meta, body)
                }
            }
        }
    }

    pub fn is_note(&self) -> bool {
        matches!(self, Out::Note(..))
    }

    /// Whether the writer pauses after this frame.
    pub fn settles(&self) -> bool {
        matches!(self, Out::Frame(f) if f.settle)
    }

    /// Whether rendering consumes a `wsc.sequence` number.
    pub fn has_wsc(&self) -> bool {
        match self {
            Out::Note(..) => true,
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

/// Serialised JSON of a frame body. The wire types are plain structs, which always serialise.
fn json<T: serde::Serialize>(body: &T) -> Body {
    Body::Json(serde_json::to_string(body).expect("frame bodies serialise"))
}

/// The first frame of every connection.
pub fn connection_details(
    config: &WsConfig,
    created: openglip_domain::Timestamp,
    recovery: Option<Recovery>,
) -> Frame {
    let id = new_uuid();
    let meta = Meta {
        message_id: Some(id.clone().into()),
        status: Some(200),
        headers: Some(request_id(id)),
        ..Meta::new(MessageType::ConnectionDetails)
    };
    let (recovery_state, recovery_error_code) = match recovery {
        None => (None, None),
        Some(Recovery::Successful) => (Some(RecoveryState::Successful), None),
        Some(Recovery::Failed(code)) => (Some(RecoveryState::Failed), Some(code.to_string())),
    };
    let body = ConnectionDetails {
        creation_time: gateway_time(created),
        max_connections_per_session: config.max_connections_per_session,
        recovery_buffer_size: config.recovery_buffer as u64,
        recovery_timeout: config.recovery_timeout.as_secs(),
        idle_timeout: config.idle_timeout.as_secs(),
        absolute_timeout: config.absolute_timeout.as_secs(),
        max_active_requests: config.max_active_requests as u64,
        recovery_state,
        recovery_error_code,
    };
    Frame {
        meta: Box::new(meta),
        body: Some(json(&body)),
        wsc: true,
        settle: recovery == Some(Recovery::Successful),
    }
}

/// `[{"type":"Error",…},{"errorCode","message"}]`, answering `message_id` when there is one.
pub fn error(e: &WsgError, message_id: Option<&str>) -> Frame {
    let meta = Meta {
        message_id: Some(
            message_id
                .map(str::to_string)
                .unwrap_or_else(new_uuid)
                .into(),
        ),
        status: Some(e.status),
        headers: Some(request_id(new_uuid())),
        ..Meta::new(MessageType::Error)
    };
    let body = wsg::ErrorBody {
        error_code: e.code.to_string(),
        message: e.message.clone(),
    };
    Frame {
        meta: Box::new(meta),
        body: Some(json(&body)),
        wsc: false,
        settle: false,
    }
}

/// The answer to a client's `Heartbeat`: its `messageId`, as sent.
pub fn heartbeat(message_id: Option<&Value>) -> Frame {
    let meta = Meta {
        message_id: Some(
            message_id
                .cloned()
                .unwrap_or_else(|| Value::String(new_uuid())),
        ),
        ..Meta::new(MessageType::Heartbeat)
    };
    Frame {
        meta: Box::new(meta),
        body: None,
        wsc: false,
        settle: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn notes_splice_json_and_quote_ciphertext() {
        let f = Out::Note("{\"a\":1}".into(), None).render("tok", 7);
        let v: Value = serde_json::from_str(&f).unwrap();
        assert_eq!(v[0]["type"], "ServerNotification");
        assert_eq!(v[0]["wsc"]["sequence"], 7);
        assert_eq!(v[0]["wsc"]["token"], "tok");
        assert_eq!(v[1]["a"], 1);
        let f = Out::Note("QUJD".into(), None).render("tok", 8);
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
