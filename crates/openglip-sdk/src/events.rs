//! Notifications, typed: the envelope `{uuid, event, timestamp, subscriptionId, ownerId, body}`
//! and its body by `eventType`. WebSocket and WebHook subscriptions yield the same
//! [`Incoming`] items on an [`EventStream`].

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;

use openglip_wire::{self as w, PostInfo};

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
}

/// Empty strings (fields absent from the body) as `None`.
fn present(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl From<w::GroupEventBody> for ChatEvent {
    fn from(body: w::GroupEventBody) -> ChatEvent {
        match body {
            w::GroupEventBody::Legacy(g) => ChatEvent {
                id: g.id,
                kind: g.kind,
                name: g.name,
                description: g.description,
                public: g.is_public,
                status: g.status,
                members: g.members,
                creation_time: present(g.creation_time),
                last_modified_time: present(g.last_modified_time),
            },
            w::GroupEventBody::Current(c) => ChatEvent {
                id: c.id,
                kind: c.kind,
                name: c.name,
                description: c.description,
                public: c.public,
                status: c.status,
                members: c.members.into_iter().map(|m| m.id).collect(),
                creation_time: present(c.creation_time),
                last_modified_time: present(c.last_modified_time),
            },
        }
    }
}

/// A post event's body as the post it describes. Legacy bodies (and RingCentral's, older than
/// threads) carry no thread fields: such a post is the start of its own thread.
fn post_info(p: w::PostEventBody) -> PostInfo {
    let thread_id = p.thread_id.unwrap_or_else(|| p.id.clone());
    PostInfo {
        is_parent: p.is_parent.unwrap_or(p.parent_post_id.is_none()),
        parent_post_id: p.parent_post_id,
        thread_id,
        id: p.id,
        group_id: p.group_id,
        kind: p.kind,
        text: p.text,
        creator_id: p.creator_id,
        added_person_ids: p.added_person_ids,
        removed_person_ids: p.removed_person_ids,
        creation_time: p.creation_time,
        last_modified_time: p.last_modified_time,
        attachments: p.attachments,
        mentions: p.mentions,
        activity: p.activity,
        title: p.title,
        icon_uri: p.icon_uri,
        icon_emoji: p.icon_emoji,
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
    /// openglip's extension filter `/team-messaging/v1/posts/reactions`: a post's reactions
    /// changed (all of them, after the change).
    ReactionsChanged {
        post_id: String,
        group_id: String,
        reactions: Vec<w::ReactionInfo>,
    },
    /// Anything else, as sent.
    Other {
        event_type: Option<String>,
        body: Value,
    },
}

impl From<w::EventBody> for Event {
    fn from(body: w::EventBody) -> Event {
        use w::EventBody as B;
        match body {
            B::PostAdded(p) => Event::PostAdded(Box::new(post_info(p))),
            B::PostChanged(p) => Event::PostChanged(Box::new(post_info(p))),
            B::PostRemoved(r) => Event::PostRemoved {
                id: r.id,
                group_id: r.group_id,
            },
            B::GroupJoined(g) => Event::GroupJoined(g.into()),
            B::GroupLeft(g) => Event::GroupLeft(g.into()),
            B::GroupChanged(g) => Event::GroupChanged(g.into()),
            B::GroupRenamed(g) => Event::GroupRenamed(g.into()),
            B::ExtensionUpdated(e) => Event::ExtensionUpdated {
                extension_id: e.extension_id,
            },
            B::ExtensionDeleted(e) => Event::ExtensionDeleted {
                extension_id: e.extension_id,
            },
            B::SubscriptionRenewalReminder(r) => Event::RenewalReminder {
                expires_in: r.expires_in,
            },
            B::PostReactionsChanged(r) => Event::ReactionsChanged {
                post_id: r.id,
                group_id: r.group_id,
                reactions: r.reactions,
            },
        }
    }
}

impl Event {
    /// Reads a body as the wire type [`w::EventBody`]; what it does not describe (another
    /// `eventType`, or a body of the wrong shape) is [`Event::Other`], as sent.
    pub fn parse(body: &Value) -> Event {
        match w::EventBody::deserialize(body) {
            Ok(b) => b.into(),
            Err(_) => Event::Other {
                event_type: body
                    .get("eventType")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                body: body.clone(),
            },
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
    /// Parses an envelope ([`w::Notification`]); None when it is not one.
    pub fn from_json(v: Value) -> Option<Notification> {
        let n = w::Notification::<Value>::deserialize(&v).ok()?;
        Some(Notification {
            uuid: n.uuid,
            event: n.event,
            timestamp: n.timestamp,
            subscription_id: n.subscription_id,
            owner_id: n.owner_id,
            body: Event::parse(&n.body),
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
