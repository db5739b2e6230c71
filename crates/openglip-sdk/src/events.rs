//! Notifications, typed: the envelope `{uuid, event, timestamp, subscriptionId, ownerId, body}`
//! and its body by `eventType`. WebSocket and WebHook subscriptions yield the same
//! [`Incoming`] items on an [`EventStream`].

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;

use openglip_wire::PostInfo;

use crate::api::ChatType;

/// The event filters a bot or integration usually wants: posts, chats (joined, left, changed)
/// and the caller's own extension (bot removal).
pub fn default_filters() -> Vec<String> {
    vec![
        "/team-messaging/v1/posts".into(),
        "/team-messaging/v1/chats".into(),
        "/restapi/v1.0/account/~/extension/~".into(),
    ]
}

/// A chat as notifications describe it, in either generation (legacy `members: ["id"]` /
/// `PrivateChat`, current `members: [{"id"}]` / `Direct`).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatEvent {
    pub id: String,
    /// The type as sent (`Direct`, `PrivateChat`, `Team`, …); see [`ChatEvent::chat_type`].
    pub kind: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: Option<bool>,
    pub status: Option<String>,
    pub members: Vec<String>,
    pub creation_time: Option<String>,
    pub last_modified_time: Option<String>,
}

impl ChatEvent {
    pub fn chat_type(&self) -> Option<ChatType> {
        ChatType::parse(&self.kind)
    }

    fn from_value(v: &Value) -> Option<ChatEvent> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let members = v
            .get("members")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|m| match m {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        Value::Object(o) => o.get("id").and_then(|i| match i {
                            Value::String(s) => Some(s.clone()),
                            Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        }),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(ChatEvent {
            id: s("id")?,
            kind: s("type").unwrap_or_default(),
            name: s("name"),
            description: s("description"),
            public: v
                .get("public")
                .or_else(|| v.get("isPublic"))
                .and_then(Value::as_bool),
            status: s("status"),
            members,
            creation_time: s("creationTime"),
            last_modified_time: s("lastModifiedTime"),
        })
    }
}

/// A notification's body, by `eventType`.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    PostAdded(Box<PostInfo>),
    PostChanged(Box<PostInfo>),
    PostRemoved {
        id: String,
        group_id: Option<String>,
    },
    /// The subscriber joined or was added to a chat.
    GroupJoined(ChatEvent),
    /// The subscriber left or was removed from a chat.
    GroupLeft(ChatEvent),
    GroupChanged(ChatEvent),
    GroupRenamed(ChatEvent),
    /// Extension filter: `Update`.
    ExtensionUpdated {
        extension_id: String,
    },
    /// Extension filter: `Delete` (for a bot: it was uninstalled).
    ExtensionDeleted {
        extension_id: String,
    },
    /// `/restapi/v1.0/subscription/~?threshold=&interval=`: the subscription expires soon.
    RenewalReminder {
        expires_in: Option<i64>,
    },
    /// Anything else, as sent.
    Other {
        event_type: Option<String>,
        body: Value,
    },
}

impl Event {
    pub fn parse(body: &Value) -> Event {
        let et = body.get("eventType").and_then(Value::as_str);
        let other = || Event::Other {
            event_type: et.map(str::to_string),
            body: body.clone(),
        };
        // Legacy `/restapi/v1.0/glip/posts` bodies may lack the current API's thread fields.
        let post = || {
            let mut b = body.clone();
            if let Value::Object(m) = &mut b {
                let id = m.get("id").cloned().unwrap_or(Value::Null);
                m.entry("isParent").or_insert(Value::Bool(true));
                m.entry("threadId").or_insert(id);
                for k in ["text", "creationTime", "lastModifiedTime", "type"] {
                    if m.get(k).is_none_or(Value::is_null) {
                        m.insert(k.into(), Value::String(String::new()));
                    }
                }
            }
            PostInfo::deserialize(&b).ok().map(Box::new)
        };
        let chat = || ChatEvent::from_value(body);
        let ext = || {
            body.get("extensionId").map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        };
        match et {
            Some("PostAdded") => post().map(Event::PostAdded).unwrap_or_else(other),
            Some("PostChanged") => post().map(Event::PostChanged).unwrap_or_else(other),
            Some("PostRemoved") => match body.get("id").and_then(Value::as_str) {
                Some(id) => Event::PostRemoved {
                    id: id.to_string(),
                    group_id: body
                        .get("groupId")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                },
                None => other(),
            },
            Some("GroupJoined") => chat().map(Event::GroupJoined).unwrap_or_else(other),
            Some("GroupLeft") => chat().map(Event::GroupLeft).unwrap_or_else(other),
            Some("GroupChanged") => chat().map(Event::GroupChanged).unwrap_or_else(other),
            Some("GroupRenamed") => chat().map(Event::GroupRenamed).unwrap_or_else(other),
            Some("Update") if ext().is_some() => Event::ExtensionUpdated {
                extension_id: ext().unwrap_or_default(),
            },
            Some("Delete") if ext().is_some() => Event::ExtensionDeleted {
                extension_id: ext().unwrap_or_default(),
            },
            Some("SubscriptionRenewalReminder") => Event::RenewalReminder {
                expires_in: body.get("expiresIn").and_then(Value::as_i64),
            },
            _ => other(),
        }
    }
}

/// One notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Stable across redeliveries: de-duplicate by it.
    pub uuid: String,
    /// The event filter that matched.
    pub event: String,
    pub timestamp: String,
    pub subscription_id: String,
    pub owner_id: String,
    pub body: Event,
    /// The envelope as received.
    pub raw: Value,
}

impl Notification {
    /// Parses an envelope.
    pub fn from_json(v: Value) -> Option<Notification> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let body = v.get("body").cloned().unwrap_or(Value::Null);
        Some(Notification {
            uuid: s("uuid").unwrap_or_default(),
            event: s("event").unwrap_or_default(),
            timestamp: s("timestamp").unwrap_or_default(),
            subscription_id: s("subscriptionId")?,
            owner_id: s("ownerId").unwrap_or_default(),
            body: Event::parse(&body),
            raw: v,
        })
    }
}

/// What a subscription's stream yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Notification(Box<Notification>),
    /// Notifications may have been lost (a WebSocket reconnected and its session could not be
    /// recovered, so the subscription was made anew). Whoever must not miss events should read
    /// what happened meanwhile through the REST API.
    Gap,
    /// A WebSocket reconnected and recovered its session: nothing was lost (the missed
    /// notifications are replayed).
    Recovered,
}

/// The stream of a subscription. Ends when the subscription is closed.
pub struct EventStream {
    pub(crate) rx: mpsc::Receiver<Incoming>,
}

impl EventStream {
    pub(crate) fn channel(capacity: usize) -> (mpsc::Sender<Incoming>, EventStream) {
        let (tx, rx) = mpsc::channel(capacity);
        (tx, EventStream { rx })
    }

    /// The next item (None when the subscription has ended).
    pub async fn next(&mut self) -> Option<Incoming> {
        self.rx.recv().await
    }

    /// The next notification, skipping the other items.
    pub async fn next_notification(&mut self) -> Option<Notification> {
        loop {
            if let Incoming::Notification(n) = self.rx.recv().await? {
                return Some(*n);
            }
        }
    }
}

impl Stream for EventStream {
    type Item = Incoming;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Incoming>> {
        self.rx.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_overviews_group_joined_parses() {
        let n = Notification::from_json(json!({
            "timestamp": "2017-03-21T17:09:00.408+0000",
            "subscriptionId": "ed329ec1",
            "uuid": "b11c9430",
            "event": "/restapi/v1.0/glip/groups",
            "body": {"eventType": "GroupJoined", "type": "PrivateChat", "id": "1234",
                     "members": ["123456789", "chatbot-01"]}
        }))
        .unwrap();
        let Event::GroupJoined(c) = n.body else {
            panic!()
        };
        assert_eq!(c.chat_type(), Some(ChatType::Direct));
        assert_eq!(c.members, ["123456789", "chatbot-01"]);
    }

    #[test]
    fn the_overviews_post_added_parses() {
        let e = Event::parse(
            &json!({"eventType": "PostAdded", "id": "0000001", "type": "TextMessage",
            "text": "Hi SmartFriend!", "creatorId": "123456789", "groupId": "1234",
            "creationTime": "2017-03-21T18:29:20Z", "lastModifiedTime": "2017-03-21T18:29:27Z",
            "attachments": null, "mentions": null}),
        );
        let Event::PostAdded(p) = e else {
            panic!("{e:?}")
        };
        assert_eq!(
            (p.group_id.as_str(), p.thread_id.as_str()),
            ("1234", "0000001")
        );
    }

    #[test]
    fn current_chat_members_and_unknown_events() {
        let e = Event::parse(&json!({"eventType": "GroupLeft", "id": "9", "type": "Team",
            "members": [{"id": "1"}, {"id": "2"}]}));
        let Event::GroupLeft(c) = e else { panic!() };
        assert_eq!(c.members, ["1", "2"]);
        assert!(matches!(
            Event::parse(&json!({"eventType": "Whatever"})),
            Event::Other { .. }
        ));
        assert_eq!(
            Event::parse(&json!({"eventType": "Delete", "extensionId": "7"})),
            Event::ExtensionDeleted {
                extension_id: "7".into()
            }
        );
    }
}
