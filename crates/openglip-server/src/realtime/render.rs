//! Notification bodies and envelopes: an event is rendered once per wire generation; the
//! per-subscription envelope is spliced around the pre-serialised body.

use openglip_domain::events::{EventPayload, Generation, StoredEvent};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::convert;

fn with_event_type(mut v: Value, t: &str) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert("eventType".into(), Value::String(t.into()));
    }
    v
}

/// The `body` of a notification for `ev` in the shape of `generation`.
pub fn body(ev: &StoredEvent, generation: Generation) -> String {
    let t = ev.payload.event_type();
    let v = match &ev.payload {
        EventPayload::PostAdded { post } | EventPayload::PostChanged { post } => with_event_type(
            serde_json::to_value(convert::post_info(post)).unwrap_or(Value::Null),
            t,
        ),
        EventPayload::PostRemoved { chat_id, post_id } => json!({
            "id": post_id.to_string(),
            "groupId": chat_id.to_string(),
            "eventType": t,
        }),
        EventPayload::GroupJoined { chat, .. }
        | EventPayload::GroupLeft { chat, .. }
        | EventPayload::GroupChanged { chat }
        | EventPayload::GroupRenamed { chat } => {
            let shaped = match generation {
                Generation::Legacy => serde_json::to_value(convert::legacy_group(chat)),
                Generation::Current => serde_json::to_value(convert::chat_info(chat)),
            };
            with_event_type(shaped.unwrap_or(Value::Null), t)
        }
        EventPayload::ExtensionUpdated { extension_id }
        | EventPayload::ExtensionDeleted { extension_id } => json!({
            "extensionId": extension_id.to_string(),
            "eventType": t,
            "hints": ["ExtensionInfo"],
            "ownerId": extension_id.to_string(),
        }),
    };
    v.to_string()
}

/// A stable UUID for (subscription, event, filter): the same on every retry, so receivers can
/// de-duplicate by `uuid`. Name-based, as RFC 9562 describes version 8 with SHA-256: the first
/// 16 bytes of the name's hash, with the version and variant bits set.
pub fn uuid(subscription: &str, seq: i64, filter: usize) -> String {
    let d = Sha256::digest(format!("{subscription}/{seq}/{filter}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&d[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The envelope `{uuid, event, timestamp, subscriptionId, ownerId, body}` with `body` spliced in
/// as already-serialised JSON.
pub fn envelope(
    uuid: &str,
    event: &str,
    timestamp: &str,
    subscription_id: &str,
    owner_id: &str,
    body: &str,
) -> String {
    let s = |v: &str| Value::String(v.to_string()).to_string();
    format!(
        "{{\"uuid\":{},\"event\":{},\"timestamp\":{},\"subscriptionId\":{},\"ownerId\":{},\"body\":{}}}",
        s(uuid),
        s(event),
        s(timestamp),
        s(subscription_id),
        s(owner_id),
        body
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_json_with_the_body_inside() {
        let e = envelope(
            "u",
            "/team-messaging/v1/posts",
            "2026-01-01T00:00:00.000Z",
            "s\"1",
            "42",
            "{\"a\":1}",
        );
        let v: Value = serde_json::from_str(&e).unwrap();
        assert_eq!(v["subscriptionId"], "s\"1");
        assert_eq!(v["body"]["a"], 1);
        assert_eq!(uuid("s", 1, 0), uuid("s", 1, 0));
        assert_ne!(uuid("s", 1, 0), uuid("s", 2, 0));
        assert_eq!(uuid("s", 1, 0).len(), 36);
        assert_ne!(uuid("s", 1, 0), uuid("s", 1, 1));
        let parsed = uuid::Uuid::parse_str(&uuid("s", 1, 0)).unwrap();
        assert_eq!(parsed.get_version_num(), 8);
    }
}
