//! Notification bodies and envelopes: an event's body is rendered once per wire generation and
//! kept serialised; each subscription's envelope is written around it (`serde_json`'s
//! `RawValue`), so a post delivered to a thousand subscriptions is serialised once.

use openglip_domain::Timestamp;
use openglip_domain::events::{EventPayload, Generation, StoredEvent, Subscription};
use openglip_wire::{self as w, EventBody, GroupEventBody, Notification};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::convert;

/// Serialises a body. The wire types are plain structs with string keys, which always serialise.
fn raw(body: &EventBody) -> Box<RawValue> {
    serde_json::value::to_raw_value(body).expect("event bodies serialise")
}

/// The `body` of a notification for `ev` in the shape of `generation`.
pub fn body(ev: &StoredEvent, generation: Generation) -> Box<RawValue> {
    let group = |chat| match generation {
        Generation::Legacy => GroupEventBody::Legacy(convert::legacy_group_event(chat)),
        Generation::Current => GroupEventBody::Current(convert::chat_event(chat)),
    };
    let extension = |id: &openglip_domain::ExtensionId, hints: bool| w::ExtensionEventBody {
        extension_id: id.to_string(),
        hints: hints.then(|| vec!["ExtensionInfo".to_string()]),
        owner_id: Some(id.to_string()),
    };
    raw(&match &ev.payload {
        EventPayload::PostAdded { post } => EventBody::PostAdded(convert::post_event(post)),
        EventPayload::PostChanged { post } => EventBody::PostChanged(convert::post_event(post)),
        EventPayload::PostRemoved { chat_id, post_id } => {
            EventBody::PostRemoved(w::PostRemovedBody {
                id: post_id.to_string(),
                group_id: Some(chat_id.to_string()),
            })
        }
        EventPayload::GroupJoined { chat, .. } => EventBody::GroupJoined(group(chat)),
        EventPayload::GroupLeft { chat, .. } => EventBody::GroupLeft(group(chat)),
        EventPayload::GroupChanged { chat } => EventBody::GroupChanged(group(chat)),
        EventPayload::GroupRenamed { chat } => EventBody::GroupRenamed(group(chat)),
        EventPayload::ExtensionUpdated { extension_id } => {
            EventBody::ExtensionUpdated(extension(extension_id, true))
        }
        EventPayload::ExtensionDeleted { extension_id } => {
            EventBody::ExtensionDeleted(extension(extension_id, false))
        }
        EventPayload::ReactionsChanged {
            chat_id,
            post_id,
            reactions,
        } => EventBody::PostReactionsChanged(w::ReactionsEventBody {
            id: post_id.to_string(),
            group_id: chat_id.to_string(),
            reactions: reactions
                .iter()
                .map(|r| convert::reaction_info(r, None))
                .collect(),
        }),
    })
}

/// The body of a renewal reminder for `sub` at `t`.
pub fn reminder(sub: &Subscription, t: Timestamp) -> Box<RawValue> {
    raw(&EventBody::SubscriptionRenewalReminder(
        w::RenewalReminderBody {
            id: sub.id.clone(),
            expiration_time: sub.expires.to_rfc3339(),
            expires_in: Some(sub.expires_in(t)),
            status: sub.status.as_str().to_string(),
        },
    ))
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

/// The envelope `{uuid, event, timestamp, subscriptionId, ownerId, body}` around an already
/// serialised `body`.
pub fn envelope(
    uuid: String,
    event: &str,
    timestamp: &str,
    subscription_id: &str,
    owner_id: &str,
    body: &RawValue,
) -> String {
    serde_json::to_string(&Notification {
        uuid,
        event: event.to_string(),
        timestamp: timestamp.to_string(),
        subscription_id: subscription_id.to_string(),
        owner_id: owner_id.to_string(),
        body,
    })
    .expect("envelopes serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn envelope_is_json_with_the_body_inside() {
        let body = RawValue::from_string("{\"a\":1}".to_string()).unwrap();
        let e = envelope(
            "u".into(),
            "/team-messaging/v1/posts",
            "2026-01-01T00:00:00.000Z",
            "s\"1",
            "42",
            &body,
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
