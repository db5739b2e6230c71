//! RingCentral's WebSocket gateway ("WSG") frames, as `@rc-ex/ws` and the Python SDK speak them.
//!
//! Every text frame is a JSON array `[meta, body?]`. `meta.type` says what the frame is:
//! `ConnectionDetails` (the server's first frame), `ClientRequest` (a REST call tunnelled by the
//! client, and the server's answer to it), `ServerNotification` (a notification envelope as the
//! body), `Heartbeat` (sent by the client, echoed by the server) or `Error`.
//!
//! ```
//! use openglip_wire::wsg::{Meta, MessageType, Wsc, frame};
//!
//! let mut meta = Meta::new(MessageType::Heartbeat);
//! meta.message_id = Some("m1".into());
//! assert_eq!(frame(&meta, None), r#"[{"type":"Heartbeat","messageId":"m1"}]"#);
//! meta.wsc = Some(Wsc { token: "t".into(), sequence: 2 });
//! let (read, body) = openglip_wire::wsg::parse(&frame(&meta, Some("{\"a\":1}"))).unwrap();
//! assert_eq!((read.wsc.unwrap().sequence, body.unwrap()["a"].as_i64()), (2, Some(1)));
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `meta.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum MessageType {
    ConnectionDetails,
    ClientRequest,
    /// Some clients (hermes-ringcentral) also accept answers typed so.
    ClientResponse,
    ServerNotification,
    Heartbeat,
    Error,
    /// Any other type (or none), which a server refuses.
    #[default]
    #[serde(other)]
    Unknown,
}

/// `meta.wsc`: the session's token and the sequence number of the frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wsc {
    pub token: String,
    pub sequence: u64,
}

/// The first element of every frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    #[serde(rename = "type", default)]
    pub kind: MessageType,
    /// Any JSON value: an answer echoes the request's exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Headers of a tunnelled request or answer (`RCRequestId`, `WSG-SubscriptionId`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsc: Option<Wsc>,
    /// A `ClientRequest`'s method (`GET` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// A `ClientRequest`'s absolute path, such as `/restapi/v1.0/subscription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A `ClientRequest`'s query: values are scalars or arrays of scalars (repeated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Map<String, Value>>,
}

impl Meta {
    pub fn new(kind: MessageType) -> Meta {
        Meta {
            kind,
            ..Meta::default()
        }
    }

    /// `messageId` as text, when it is a string.
    pub fn message_id_str(&self) -> Option<&str> {
        self.message_id.as_ref().and_then(Value::as_str)
    }

    /// A response header (exact name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.as_ref()?.get(name)?.as_str()
    }
}

/// The body of `ConnectionDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionDetails {
    /// `2020-09-07T21:50:02.737+0000`, the way the gateway writes it.
    pub creation_time: String,
    pub max_connections_per_session: u32,
    /// Notifications kept for a disconnected session.
    pub recovery_buffer_size: u64,
    /// Seconds a disconnected session can be recovered (`&wsc=`).
    pub recovery_timeout: u64,
    pub idle_timeout: u64,
    pub absolute_timeout: u64,
    pub max_active_requests: u64,
    /// Only when the connection asked to recover a session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_state: Option<RecoveryState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_error_code: Option<String>,
}

/// `recoveryState` of `ConnectionDetails`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecoveryState {
    Successful,
    Failed,
}

/// The body of an `Error` frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub error_code: String,
    pub message: String,
}

/// A frame's text: `[meta]`, or `[meta,body]` with `body` spliced in as it is — serialised JSON,
/// or the text of a `multipart/mixed` answer, which RingCentral's gateway sends unquoted
/// (`[meta,--Boundary…]`; `@rc-ex/ws` splits such frames at `,--Boundary`).
pub fn frame(meta: &Meta, body: Option<&str>) -> String {
    let meta = serde_json::to_string(meta).unwrap_or_else(|_| "{}".into());
    let mut s = String::with_capacity(meta.len() + body.map_or(0, str::len) + 3);
    s.push('[');
    s.push_str(&meta);
    if let Some(b) = body {
        s.push(',');
        s.push_str(b);
    }
    s.push(']');
    s
}

/// Why a text is not a WSG frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Not a JSON array `[meta, body?]`.
    NotAnArray,
    /// The first element is not an object.
    NoMeta,
    /// A meta field has the wrong type: its name, and the frame's `messageId` if it is a string.
    Field {
        name: String,
        message_id: Option<String>,
    },
}

/// Reads a frame: its meta and its body, if any.
pub fn parse(text: &str) -> Result<(Meta, Option<Value>), FrameError> {
    let mut parts = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(parts)) => parts,
        _ => return Err(FrameError::NotAnArray),
    };
    let body = (parts.len() > 1).then(|| parts.swap_remove(1));
    let meta = match parts.into_iter().next() {
        Some(m @ Value::Object(_)) => m,
        _ => return Err(FrameError::NoMeta),
    };
    let meta = Meta::deserialize(&meta).map_err(|e| FrameError::Field {
        // serde's message does not say which field was wrong; the fields are checked one by one.
        name: wrong_field(&meta).unwrap_or_else(|| e.to_string()),
        message_id: meta["messageId"].as_str().map(str::to_string),
    })?;
    Ok((meta, body))
}

/// The first meta field whose value has the wrong type.
fn wrong_field(meta: &Value) -> Option<String> {
    let m = meta.as_object()?;
    let is = |k: &str, ok: fn(&Value) -> bool| m.get(k).is_some_and(|v| !v.is_null() && !ok(v));
    [
        ("status", Value::is_u64 as fn(&Value) -> bool),
        ("headers", Value::is_object),
        ("wsc", Value::is_object),
        ("method", Value::is_string),
        ("path", Value::is_string),
        ("query", Value::is_object),
    ]
    .into_iter()
    .find(|(k, ok)| is(k, *ok))
    .map(|(k, _)| k.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_round_trip_and_name_bad_fields() {
        let (meta, body) = parse(
            r#"[{"type":"ClientRequest","messageId":"m","method":"POST","path":"/x","query":{"a":[1,2]}},{"b":true}]"#,
        )
        .unwrap();
        assert_eq!(meta.kind, MessageType::ClientRequest);
        assert_eq!(meta.message_id_str(), Some("m"));
        assert_eq!(body, Some(json!({"b": true})));
        let (meta, _) = parse(r#"[{"type":"Whatever"}]"#).unwrap();
        assert_eq!(meta.kind, MessageType::Unknown);
        assert_eq!(parse("{}"), Err(FrameError::NotAnArray));
        assert_eq!(parse("[1]"), Err(FrameError::NoMeta));
        assert_eq!(
            parse(r#"[{"type":"ClientRequest","messageId":"q","method":5}]"#),
            Err(FrameError::Field {
                name: "method".into(),
                message_id: Some("q".into())
            })
        );
        let details = ConnectionDetails {
            creation_time: "c".into(),
            max_connections_per_session: 50,
            recovery_buffer_size: 100,
            recovery_timeout: 180,
            idle_timeout: 1800,
            absolute_timeout: 86400,
            max_active_requests: 10,
            recovery_state: Some(RecoveryState::Failed),
            recovery_error_code: Some("WSG-1005".into()),
        };
        let v = serde_json::to_value(&details).unwrap();
        assert_eq!(v["recoveryState"], "Failed");
        assert_eq!(v["recoveryBufferSize"], 100);
    }
}
