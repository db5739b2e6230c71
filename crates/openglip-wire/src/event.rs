//! Notifications: the envelope every subscription receives (WebHook bodies and WebSocket
//! `ServerNotification`s alike) and the bodies of its events.
//!
//! RingCentral sends every field of an event body, `null` when it has no value
//! (`"mentions": null`, `"attachments": null`, …), and RingCentral's own bot framework relies on it
//! (`ringcentral-chatbot-core` tests `mentions === null` before it calls `mentions.some(…)`). So
//! the nullable fields here are `Option`s that are always written: `None` is `null`, never an
//! absent key. Fields RingCentral's samples do not show (thread fields, `removedPersonIds`) are
//! written only when they have a value. For reading, every field but the id may be absent, since
//! RingCentral's own examples leave some out.
//!
//! ```
//! use openglip_wire::{EventBody, Notification};
//!
//! // RingCentral's sample `code-samples/events/post-1.json`, abridged.
//! let n: Notification<EventBody> = serde_json::from_str(r#"{
//!   "uuid": "6452004109062593690", "event": "/team-messaging/v1/posts",
//!   "timestamp": "2021-03-26T09:18:41.460Z", "subscriptionId": "de38e1ee", "ownerId": "62534323",
//!   "body": {"id": "26848769679364", "groupId": "995723345922", "type": "TextMessage",
//!            "text": "Hello, World!", "creatorId": "62534323", "mentions": null,
//!            "eventType": "PostAdded"}}"#).unwrap();
//! let EventBody::PostAdded(post) = &n.body else { panic!() };
//! assert_eq!(post.mentions, None);
//! // Written back, the empty fields are there, as null.
//! let v = serde_json::to_value(&n).unwrap();
//! assert!(v["body"]["mentions"].is_null() && v["body"].get("attachments").is_some());
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::{MemberRef, MentionInfo, ReactionInfo};

/// The envelope `{uuid, event, timestamp, subscriptionId, ownerId, body}`.
///
/// `B` is the body: an [`EventBody`] when reading, or an already serialised body
/// (`&serde_json::value::RawValue`) when a server renders an event's body once and wraps it for
/// each subscription.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notification<B> {
    /// Stable across redeliveries of the same notification: receivers de-duplicate by it.
    pub uuid: String,
    /// The event filter that matched, as the subscription spells it.
    pub event: String,
    pub timestamp: String,
    pub subscription_id: String,
    /// The subscriber (an extension id).
    #[serde(default)]
    pub owner_id: String,
    pub body: B,
}

/// A notification's body, by its `eventType`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(tag = "eventType")]
pub enum EventBody {
    PostAdded(PostEventBody),
    PostChanged(PostEventBody),
    PostRemoved(PostRemovedBody),
    /// The subscriber joined or was added to a chat (only they receive it).
    GroupJoined(GroupEventBody),
    /// The subscriber left or was removed from a chat (only they receive it).
    GroupLeft(GroupEventBody),
    GroupChanged(GroupEventBody),
    GroupRenamed(GroupEventBody),
    /// The extension filter: the extension changed.
    #[serde(rename = "Update")]
    ExtensionUpdated(ExtensionEventBody),
    /// The extension filter: the extension was removed (a bot: uninstalled).
    #[serde(rename = "Delete")]
    ExtensionDeleted(ExtensionEventBody),
    /// `/restapi/v1.0/subscription/~?threshold=&interval=`: the subscription expires soon.
    SubscriptionRenewalReminder(RenewalReminderBody),
    /// An openglip extension, sent only through its own filter
    /// `/team-messaging/v1/posts/reactions`: a post's reactions changed.
    PostReactionsChanged(ReactionsEventBody),
}

impl EventBody {
    /// The `eventType` this body is sent with.
    pub fn event_type(&self) -> &'static str {
        match self {
            EventBody::PostAdded(_) => "PostAdded",
            EventBody::PostChanged(_) => "PostChanged",
            EventBody::PostRemoved(_) => "PostRemoved",
            EventBody::GroupJoined(_) => "GroupJoined",
            EventBody::GroupLeft(_) => "GroupLeft",
            EventBody::GroupChanged(_) => "GroupChanged",
            EventBody::GroupRenamed(_) => "GroupRenamed",
            EventBody::ExtensionUpdated(_) => "Update",
            EventBody::ExtensionDeleted(_) => "Delete",
            EventBody::SubscriptionRenewalReminder(_) => "SubscriptionRenewalReminder",
            EventBody::PostReactionsChanged(_) => "PostReactionsChanged",
        }
    }
}

/// The body of `PostAdded` and `PostChanged` (`GlipPostEvent`, and the same in the current
/// generation): the post, every nullable field present.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostEventBody {
    pub id: String,
    #[serde(default)]
    pub group_id: String,
    /// `TextMessage`, `PersonJoined`, `PersonsAdded`, `PersonsRemoved`.
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub creator_id: String,
    /// `null` unless the post is `PersonsAdded`.
    #[serde(default)]
    pub added_person_ids: Option<Vec<String>>,
    /// Only on `PersonsRemoved` posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_person_ids: Option<Vec<String>>,
    #[serde(default)]
    pub creation_time: String,
    #[serde(default)]
    pub last_modified_time: String,
    #[serde(default)]
    pub attachments: Option<Vec<Value>>,
    #[serde(default)]
    pub activity: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub icon_uri: Option<String>,
    #[serde(default)]
    pub icon_emoji: Option<String>,
    #[serde(default)]
    pub mentions: Option<Vec<MentionInfo>>,
    /// The current API's thread fields (RingCentral's samples, older than threads, lack them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_parent: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_post_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
}

/// The body of `PostRemoved`: which post, and (as RingCentral's documentation shows) its chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostRemovedBody {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
}

/// The body of a chat event, in the shape of the filter's generation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(untagged)]
pub enum GroupEventBody {
    /// `/restapi/v1.0/glip/groups`: members as id strings, `isPublic`.
    Legacy(LegacyGroupEventBody),
    /// `/team-messaging/v1/chats` (and `/team-messaging/v1/groups`): members as `{"id"}`,
    /// `public`.
    Current(ChatEventBody),
}

impl GroupEventBody {
    pub fn id(&self) -> &str {
        match self {
            GroupEventBody::Legacy(g) => &g.id,
            GroupEventBody::Current(c) => &c.id,
        }
    }
}

/// A legacy group as chat events carry it (`code-samples/events/chat-1.json`): `name`,
/// `description` and `isPublic` are `null` for chats that are not teams, and `status` is always
/// there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyGroupEventBody {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `PrivateChat`, `Group`, `Team`, `PersonalChat`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `Active` or `Archived`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub is_public: Option<bool>,
    #[serde(default)]
    pub creation_time: String,
    #[serde(default)]
    pub last_modified_time: String,
}

/// A chat as current-generation chat events carry it: the fields of `TMChatInfo`, with `null`
/// where a chat that is not a team has no value, and `status` always there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatEventBody {
    pub id: String,
    /// `Everyone`, `Team`, `Group`, `Direct`, `Personal`.
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub creation_time: String,
    #[serde(default)]
    pub last_modified_time: String,
    pub members: Vec<MemberRef>,
}

/// `ExtensionInfoEventBody`. `hints` is sent for `Update` only (RingCentral's spec: "Returned for
/// 'Update' event type only").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionEventBody {
    pub extension_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints: Option<Vec<String>>,
    /// The subscriber.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

/// The body of `PostReactionsChanged` (openglip): the post, its chat, and all its reactions
/// after the change.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionsEventBody {
    /// The post.
    pub id: String,
    pub group_id: String,
    pub reactions: Vec<ReactionInfo>,
}

/// The body of a renewal reminder: the subscription and when it expires.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalReminderBody {
    pub id: String,
    #[serde(default)]
    pub expiration_time: String,
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_post_fields_are_written_as_null() {
        let body = EventBody::PostAdded(PostEventBody {
            id: "1".into(),
            group_id: "2".into(),
            kind: "TextMessage".into(),
            text: "hi".into(),
            creator_id: "3".into(),
            added_person_ids: None,
            removed_person_ids: None,
            creation_time: "t".into(),
            last_modified_time: "t".into(),
            attachments: None,
            activity: None,
            title: None,
            icon_uri: None,
            icon_emoji: None,
            mentions: None,
            is_parent: None,
            parent_post_id: None,
            thread_id: None,
        });
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(
            v,
            json!({"eventType": "PostAdded", "id": "1", "groupId": "2", "type": "TextMessage",
                "text": "hi", "creatorId": "3", "addedPersonIds": null, "creationTime": "t",
                "lastModifiedTime": "t", "attachments": null, "activity": null, "title": null,
                "iconUri": null, "iconEmoji": null, "mentions": null})
        );
        assert_eq!(serde_json::from_value::<EventBody>(v).unwrap(), body);
    }

    #[test]
    fn ringcentral_samples_read_in_both_generations() {
        // `code-samples/events/chat-1.json` and the documentation's current shape.
        let legacy: EventBody = serde_json::from_value(json!({
            "id": "1055879168002", "name": null, "description": null, "type": "Group",
            "status": "Active", "members": ["62534323", "2093617004"], "isPublic": null,
            "creationTime": "2021-03-26T09:21:33.168Z",
            "lastModifiedTime": "2021-03-26T09:21:33.168Z", "eventType": "GroupJoined"}))
        .unwrap();
        let EventBody::GroupJoined(GroupEventBody::Legacy(g)) = legacy else {
            panic!("{legacy:?}")
        };
        assert_eq!((g.kind.as_str(), g.members.len()), ("Group", 2));
        let current: EventBody = serde_json::from_value(json!({
            "eventType": "GroupLeft", "id": "9", "type": "Team", "members": [{"id": "1"}]}))
        .unwrap();
        assert!(matches!(
            current,
            EventBody::GroupLeft(GroupEventBody::Current(ref c)) if c.members[0].id == "1"
        ));
        // `code-samples/events/post-3.json`: a removal is just the id.
        let removed: EventBody =
            serde_json::from_value(json!({"id": "7", "eventType": "PostRemoved"})).unwrap();
        assert_eq!(
            removed,
            EventBody::PostRemoved(PostRemovedBody {
                id: "7".into(),
                group_id: None
            })
        );
        let gone: EventBody =
            serde_json::from_value(json!({"extensionId": "5", "eventType": "Delete"})).unwrap();
        assert_eq!(gone.event_type(), "Delete");
        assert!(serde_json::from_value::<EventBody>(json!({"eventType": "Whatever"})).is_err());
    }
}
