//! Event bodies as RingCentral sends them: every field its samples show is there, `null` when
//! it has no value. RingCentral's bot framework (`ringcentral-chatbot-core`) tests
//! `mentions === null` and then calls `mentions.some(…)`: a body without the key makes it throw,
//! answer 500, and ordered WebHook delivery then holds every later event behind the retries.

use serde_json::{Value, json};

use crate::chats::keys;
use crate::helpers::*;

/// The fields of a post event that RingCentral always sends, `null` when empty (its samples
/// `code-samples/events/post-*.json`); `ringcentral-chatbot-core` tests `mentions === null`.
pub const POST_NULLS: [&str; 7] = [
    "addedPersonIds",
    "attachments",
    "activity",
    "title",
    "iconUri",
    "iconEmoji",
    "mentions",
];

/// A post as its events carry it: the REST answer (which leaves out empty fields), with the
/// empty fields RingCentral sends as `null`.
pub fn post_event(rest: &Value) -> Value {
    let mut v = rest.clone();
    let m = v.as_object_mut().unwrap();
    for k in POST_NULLS {
        m.entry(k).or_insert(Value::Null);
    }
    v
}

/// A chat as its events carry it: the REST answer with `name`, `description` and the privacy
/// field (`isPublic` legacy, `public` current) as `null` where the chat has none, and `status`
/// always (RingCentral's `code-samples/events/chat-*.json`).
pub fn chat_event(rest: &Value, status: &str) -> Value {
    let mut v = rest.clone();
    let m = v.as_object_mut().unwrap();
    let privacy = if m["members"][0].is_string() {
        "isPublic"
    } else {
        "public"
    };
    for k in ["name", "description", privacy] {
        m.entry(k).or_insert(Value::Null);
    }
    m.insert("status".into(), json!(status));
    v
}

#[tokio::test]
async fn a_team_post_without_mentions_is_delivered_with_the_nulls_ringcentral_sends() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    // The filters of `ringcentral-chatbot-core` and of the current API.
    let filters = ["/restapi/v1.0/glip/posts", "/team-messaging/v1/posts"];
    subscribe(&w.app, &w.bob.token, &filters, &recv, json!({})).await;

    let (s, created) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.alice.token,
            json!({"text": "hello team, nobody in particular"}),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    // The REST answer leaves the empty fields out (RingCentral's OpenAPI marks none nullable).
    assert!(created.get("mentions").is_none(), "{created}");
    for f in filters {
        let n = recv.notification().await;
        assert_eq!(n["event"], f, "{n}");
        let body = &n["body"];
        assert_eq!(body["eventType"], "PostAdded", "{n}");
        assert_eq!(body["text"], "hello team, nobody in particular");
        // The key is there, and null: `mentions === null` holds.
        assert!(body.as_object().unwrap().contains_key("mentions"), "{body}");
        assert_eq!(body["mentions"], Value::Null);
        for k in POST_NULLS {
            assert!(
                body.get(k).is_some_and(Value::is_null),
                "{k} must be null: {body}"
            );
        }
        assert_eq!(
            keys(body),
            [
                "activity",
                "addedPersonIds",
                "attachments",
                "creationTime",
                "creatorId",
                "eventType",
                "groupId",
                "iconEmoji",
                "iconUri",
                "id",
                "isParent",
                "lastModifiedTime",
                "mentions",
                "text",
                "threadId",
                "title",
                "type"
            ],
            "{body}"
        );
    }

    // A mention fills `mentions`; the other empty fields stay null.
    let (s, _) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.alice.token,
            json!({"text": format!("![:Person]({}) look", w.bob.id())}),
        )
        .await;
    assert_eq!(s, 201);
    for _ in filters {
        let n = recv.notification().await;
        assert_eq!(
            n["body"]["mentions"],
            json!([{"id": w.bob.id(), "type": "Person", "name": "Bob Baker"}]),
            "{n}"
        );
        assert!(n["body"]["attachments"].is_null(), "{n}");
    }
}

#[tokio::test]
async fn chat_events_of_conversations_carry_null_names_and_privacy() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let filters = ["/restapi/v1.0/glip/groups", "/team-messaging/v1/chats"];
    subscribe(&w.app, &w.bob.token, &filters, &recv, json!({})).await;
    let (s, conv) = crate::chats::conversation(&w, &w.alice, &[&w.bob, &w.carol]).await;
    assert_eq!(s, 201, "{conv}");
    // As `code-samples/events/chat-1.json`: a Group with name, description and privacy null.
    let legacy = recv.notification().await;
    let body = &legacy["body"];
    assert_eq!(body["type"], "Group", "{legacy}");
    for k in ["name", "description", "isPublic"] {
        assert!(body.get(k).is_some_and(Value::is_null), "{k}: {body}");
    }
    assert_eq!(body["status"], "Active");
    assert!(body["members"][0].is_string(), "{body}");
    let current = recv.notification().await;
    let body = &current["body"];
    for k in ["name", "description", "public"] {
        assert!(body.get(k).is_some_and(Value::is_null), "{k}: {body}");
    }
    assert_eq!(body["status"], "Active");
    assert!(body["members"][0]["id"].is_string(), "{body}");
}
