//! WebHook delivery against a real HTTP receiver: the notification envelope and the exact body of
//! every event type in both filter generations, the SmartFriend flow of the Glip API overview, who
//! receives what (members only, own account only, joins and leaves), ordered delivery with retries
//! and stable uuids, `Verification-Token`, blacklisting, expiry, renewal reminders, deletion and
//! encryption.

use std::time::{Duration, Instant};

use openglip_domain::events::Subscription;
use serde_json::{Value, json};

use crate::chats::*;
use crate::event_bodies::{chat_event, post_event};
use crate::helpers::*;
use crate::subscriptions::base64_key;

const SUB: &str = "/restapi/v1.0/subscription";

/// `v` without its `eventType`.
fn without_event_type(v: &Value) -> Value {
    let mut v = v.clone();
    v.as_object_mut().unwrap().remove("eventType");
    v
}

/// Asserts the envelope `{uuid, event, timestamp, subscriptionId, ownerId, body}` (nothing else)
/// and returns the body.
fn envelope<'a>(n: &'a Value, event: &str, sub: &Value, owner: &User) -> &'a Value {
    assert_eq!(
        keys(n),
        [
            "body",
            "event",
            "ownerId",
            "subscriptionId",
            "timestamp",
            "uuid"
        ],
        "{n}"
    );
    assert_eq!(n["event"], event, "{n}");
    assert_eq!(n["subscriptionId"], sub["id"], "{n}");
    assert_eq!(n["ownerId"], owner.id(), "{n}");
    assert!(!n["uuid"].as_str().unwrap().is_empty(), "{n}");
    assert_time(&n["timestamp"]);
    &n["body"]
}

/// The body of a notification, asserting its event type.
fn body_of<'a>(n: &'a Value, event_type: &str) -> &'a Value {
    assert_eq!(n["body"]["eventType"], event_type, "{n}");
    &n["body"]
}

async fn get_ok(w: &World, path: &str, by: &User) -> Value {
    let (s, b) = w.app.get(path, &by.token).await;
    assert_eq!(s, 200, "{path}: {b}");
    b
}

async fn everyone(w: &World) -> String {
    only_chat_of_type(w, &w.alice, "Everyone").await
}

/// The stored subscription behind a `SubscriptionInfo`.
async fn stored(w: &World, info: &Value) -> Subscription {
    w.app
        .state()
        .store()
        .subscription(info["id"].as_str().unwrap().to_string())
        .await
        .unwrap()
        .expect("stored")
}

/// Polls `GET /subscription/{id}` until `done` holds (10 s at most).
async fn poll_subscription(
    w: &World,
    by: &User,
    info: &Value,
    done: impl Fn(u16, &Value) -> bool,
) -> (u16, Value) {
    let path = format!("{SUB}/{}", info["id"].as_str().unwrap());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (s, b) = w.app.get(&path, &by.token).await;
        if done(s, &b) {
            return (s, b);
        }
        assert!(Instant::now() < deadline, "gave up waiting: {s} {b}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn smart_friend_flow_of_the_glip_api_overview() {
    let w = World::new().await;
    let (bot, _, bot_token) = w
        .app
        .state()
        .platform()
        .create_bot(w.acme.id, "SmartFriend")
        .await
        .unwrap();
    let bot_user = User {
        ext: bot.clone(),
        email: String::new(),
        token: bot_token.clone(),
    };
    let bot_id = bot.id.to_string();
    let posts_hook = Receiver::start().await;
    let groups_hook = Receiver::start().await;

    // Steps 4 and 5: the bot subscribes for posts and for groups (the overview used PubNub; bots
    // today use WebHooks, with the encryption flag as a string).
    let posts_sub = subscribe(
        &w.app,
        &bot_token,
        &["/restapi/v1.0/glip/posts"],
        &posts_hook,
        json!({"expiresIn": 473040000}),
    )
    .await;
    let groups_sub = subscribe(
        &w.app,
        &bot_token,
        &["/restapi/v1.0/glip/groups"],
        &groups_hook,
        json!({"expiresIn": 473040000}),
    )
    .await;
    assert_eq!(
        posts_sub["eventFilters"],
        json!(["/restapi/v1.0/glip/posts"])
    );

    // Step 6: John (Alice) adds SmartFriend to a private chat.
    let (s, group) = w
        .app
        .post(
            "/restapi/v1.0/glip/groups",
            &w.alice.token,
            json!({"type": "PrivateChat", "members": [bot_id]}),
        )
        .await;
    assert_eq!(s, 200, "{group}");
    let group_id = group["id"].as_str().unwrap().to_string();

    // Step 7: the bot is told, in the legacy group shape.
    let n = groups_hook.notification().await;
    let body = envelope(&n, "/restapi/v1.0/glip/groups", &groups_sub, &bot_user);
    assert_eq!(body["eventType"], "GroupJoined", "{n}");
    assert_eq!(body["type"], "PrivateChat", "{n}");
    assert_eq!(body["id"], group_id);
    assert_eq!(
        keys(body),
        [
            "creationTime",
            "description",
            "eventType",
            "id",
            "isPublic",
            "lastModifiedTime",
            "members",
            "name",
            "status",
            "type"
        ],
        "{body}"
    );
    for null in ["description", "isPublic", "name"] {
        assert!(body[null].is_null(), "{null}: {body}");
    }
    let mut members: Vec<&str> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().expect("legacy members are strings"))
        .collect();
    members.sort();
    let mut want = vec![w.alice.id(), bot_id.clone()];
    want.sort();
    assert_eq!(members, want);
    assert_eq!(
        without_event_type(body),
        chat_event(&group, "Active"),
        "the body is the group as the API shows it"
    );
    // Making a chat is not a post.
    posts_hook.assert_quiet(Duration::from_millis(200)).await;

    // Step 8: the automated hello (the bot hears its own post too, and ignores it by creatorId).
    let (s, hello) = w
        .app
        .post(
            "/restapi/v1.0/glip/posts",
            &bot_token,
            json!({"groupId": group_id, "text": "Hi John, Nice to meet you! How can I help you?"}),
        )
        .await;
    assert_eq!(s, 200, "{hello}");
    let n = posts_hook.notification().await;
    let body = envelope(&n, "/restapi/v1.0/glip/posts", &posts_sub, &bot_user);
    assert_eq!(body["eventType"], "PostAdded");
    assert_eq!(body["creatorId"], bot_id);
    assert_eq!(without_event_type(body), post_event(&hello));

    // Steps 9 and 10: John writes; the bot receives it.
    let text =
        "Hi SmartFriend! Please book me a flight New York – San Francisco 05/06/17, ID #5674028947";
    let (s, asked) = w
        .app
        .post(
            "/restapi/v1.0/glip/posts",
            &w.alice.token,
            json!({"groupId": group_id, "text": text}),
        )
        .await;
    assert_eq!(s, 200, "{asked}");
    let n = posts_hook.notification().await;
    let body = envelope(&n, "/restapi/v1.0/glip/posts", &posts_sub, &bot_user);
    assert_eq!(body["eventType"], "PostAdded");
    assert_eq!(body["type"], "TextMessage");
    assert_eq!(body["text"], text);
    assert_eq!(body["creatorId"], w.alice.id());
    assert_eq!(body["groupId"], group_id);
    assert_time(&body["creationTime"]);
    assert_time(&body["lastModifiedTime"]);
    assert_eq!(without_event_type(body), post_event(&asked));

    // Step 11: the bot replies to the group named in the notification; John sees it.
    let reply =
        "Absolutely! Your flight is booked – DL459 06MAY JFK-SFO 0805 1145. Have a safe trip!";
    let (s, answer) = w
        .app
        .post(
            "/restapi/v1.0/glip/posts",
            &bot_token,
            json!({"groupId": body["groupId"], "text": reply}),
        )
        .await;
    assert_eq!(s, 200, "{answer}");
    assert_eq!(posts_hook.notification().await["body"]["text"], reply);
    let posts = posts_of(&w, &w.alice, &group_id).await;
    assert_eq!(posts[0]["text"], reply);
    assert_eq!(posts[0]["creatorId"], bot_id);

    posts_hook.assert_quiet(Duration::from_millis(200)).await;
    groups_hook.assert_quiet(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn post_events_in_both_generations() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let sub = subscribe(
        &w.app,
        &w.bob.token,
        &["/restapi/v1.0/glip/posts", "/team-messaging/v1/posts"],
        &recv,
        json!({"deliveryMode": {"verificationToken": "bob-secret"}}),
    )
    .await;
    let filters = ["/restapi/v1.0/glip/posts", "/team-messaging/v1/posts"];

    // PostAdded, with a mention: one notification per matching filter, in filter order, the same
    // body (posts have one shape in both generations), different uuids.
    let (s, created) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/posts"),
            &w.alice.token,
            json!({"text": format!("Hi ![:Person]({})", w.bob.id())}),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let mut uuids = Vec::new();
    for f in filters {
        let h = recv.next().await;
        assert_eq!(h.answered, 200);
        assert_eq!(h.header("verification-token"), Some("bob-secret"));
        assert!(h.header("validation-token").is_none(), "{h:?}");
        assert!(
            h.header("content-type")
                .unwrap()
                .starts_with("application/json"),
            "{h:?}"
        );
        assert!(h.header("user-agent").is_some());
        let n = h.json();
        let body = envelope(&n, f, &sub, &w.bob);
        assert_eq!(body["eventType"], "PostAdded");
        assert_eq!(without_event_type(body), post_event(&created), "{f}");
        assert_eq!(body["mentions"][0]["id"], w.bob.id());
        uuids.push(n["uuid"].clone());
    }
    assert_ne!(uuids[0], uuids[1]);

    // PostChanged: the edited post.
    let one = format!(
        "{TM}/chats/{team}/posts/{}",
        created["id"].as_str().unwrap()
    );
    let (s, edited) = w
        .app
        .patch(&one, &w.alice.token, json!({"text": "edited"}))
        .await;
    assert_eq!(s, 200, "{edited}");
    for f in filters {
        let n = recv.notification().await;
        envelope(&n, f, &sub, &w.bob);
        assert_eq!(
            without_event_type(body_of(&n, "PostChanged")),
            post_event(&edited)
        );
        assert!(!uuids.contains(&n["uuid"]));
    }

    // PostRemoved: just the ids.
    let (s, _) = w.app.delete(&one, &w.alice.token).await;
    assert_eq!(s, 204);
    for f in filters {
        let n = recv.notification().await;
        let body = envelope(&n, f, &sub, &w.bob);
        assert_eq!(
            *body,
            json!({"id": created["id"], "groupId": team, "eventType": "PostRemoved"})
        );
    }

    // Legacy posting, a reply in a thread: the same event.
    let (s, legacy) = w
        .app
        .post(
            &format!("/restapi/v1.0/glip/groups/{team}/posts"),
            &w.bob.token,
            json!({"text": "legacy"}),
        )
        .await;
    assert!(s == 200 || s == 201, "{legacy}");
    for f in filters {
        let n = recv.notification().await;
        envelope(&n, f, &sub, &w.bob);
        assert_eq!(
            without_event_type(body_of(&n, "PostAdded")),
            post_event(&legacy)
        );
    }
    recv.assert_quiet(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn chat_events_in_both_generations() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let filters = [
        "/restapi/v1.0/glip/groups",
        "/team-messaging/v1/chats",
        "/team-messaging/v1/groups",
    ];
    let sub = subscribe(&w.app, &w.bob.token, &filters, &recv, json!({})).await;

    /// The three notifications of one chat event: legacy body = the legacy group as Bob reads
    /// it, current bodies = the chat as Bob reads it.
    async fn expect(
        w: &World,
        recv: &Receiver,
        sub: &Value,
        event_type: &str,
        chat: &str,
        read_as: Option<(Value, Value)>,
    ) {
        let (legacy, current) = match read_as {
            Some(v) => v,
            None => (
                get_ok(w, &format!("/restapi/v1.0/glip/groups/{chat}"), &w.bob).await,
                get_ok(w, &format!("{TM}/chats/{chat}"), &w.bob).await,
            ),
        };
        let status = current["status"].as_str().unwrap_or("Active");
        let (legacy, current) = (chat_event(&legacy, status), chat_event(&current, status));
        for (f, want) in [
            ("/restapi/v1.0/glip/groups", &legacy),
            ("/team-messaging/v1/chats", &current),
            ("/team-messaging/v1/groups", &current),
        ] {
            let n = recv.notification().await;
            let body = envelope(&n, f, sub, &w.bob);
            assert_eq!(body["eventType"], event_type, "{n}");
            assert_eq!(without_event_type(body), *want, "{f}: {n}");
        }
    }

    // A team Bob is made a member of: GroupJoined.
    let team = w.team("Launch", false, &[&w.bob]).await;
    expect(&w, &recv, &sub, "GroupJoined", &team, None).await;
    let legacy = get_ok(&w, &format!("/restapi/v1.0/glip/groups/{team}"), &w.bob).await;
    assert_eq!(legacy["type"], "Team");
    assert_eq!(legacy["isPublic"], false);
    assert!(legacy["members"][0].is_string(), "{legacy}");

    // Renamed, then changed (description, privacy).
    let tpath = format!("{TM}/teams/{team}");
    let (s, b) = w
        .app
        .patch(&tpath, &w.alice.token, json!({"name": "Liftoff"}))
        .await;
    assert_eq!(s, 200, "{b}");
    expect(&w, &recv, &sub, "GroupRenamed", &team, None).await;
    let (s, b) = w
        .app
        .patch(
            &tpath,
            &w.alice.token,
            json!({"description": "T minus 10", "public": true}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    expect(&w, &recv, &sub, "GroupChanged", &team, None).await;

    // Carol is added: Bob sees the team change (and the system post, which is not a chat event),
    // but the GroupJoined is Carol's alone.
    let (s, b) = w
        .app
        .post(
            &format!("{tpath}/add"),
            &w.alice.token,
            json!({"members": [{"id": w.carol.id()}]}),
        )
        .await;
    assert_eq!(s, 204, "{b}");
    expect(&w, &recv, &sub, "GroupChanged", &team, None).await;

    // Archived: a change of status.
    let (s, b) = post_empty(&w, &format!("{tpath}/archive"), &w.alice.token).await;
    assert_eq!(s, 204, "{b}");
    expect(&w, &recv, &sub, "GroupChanged", &team, None).await;
    let current = get_ok(&w, &format!("{TM}/chats/{team}"), &w.bob).await;
    assert_eq!(current["status"], "Archived");
    let (s, b) = post_empty(&w, &format!("{tpath}/unarchive"), &w.alice.token).await;
    assert_eq!(s, 204, "{b}");
    expect(&w, &recv, &sub, "GroupChanged", &team, None).await;

    // Bob is removed: GroupLeft (the chat as it is now, without him), and then nothing more.
    let legacy_before = get_ok(&w, &format!("/restapi/v1.0/glip/groups/{team}"), &w.bob).await;
    let current_before = get_ok(&w, &format!("{TM}/chats/{team}"), &w.bob).await;
    let (s, b) = w
        .app
        .post(
            &format!("{tpath}/remove"),
            &w.alice.token,
            json!({"members": [{"id": w.bob.id()}]}),
        )
        .await;
    assert_eq!(s, 204, "{b}");
    let without_bob = |mut v: Value, legacy: bool| {
        let m = v["members"].as_array_mut().unwrap();
        m.retain(|x| {
            if legacy {
                *x != json!(w.bob.id())
            } else {
                x["id"] != json!(w.bob.id())
            }
        });
        v
    };
    let legacy_after = without_bob(legacy_before, true);
    let current_after = without_bob(current_before, false);
    let mut expected = Vec::new();
    for _ in 0..3 {
        let n = recv.notification().await;
        assert_eq!(n["body"]["eventType"], "GroupLeft", "{n}");
        expected.push(n);
    }
    assert_eq!(expected[0]["body"]["members"], legacy_after["members"]);
    assert_eq!(expected[1]["body"]["members"], current_after["members"]);
    assert_eq!(expected[0]["body"]["id"], team);
    let (s, _) = w
        .app
        .patch(&tpath, &w.alice.token, json!({"name": "Without Bob"}))
        .await;
    assert_eq!(s, 200);
    recv.assert_quiet(Duration::from_millis(300)).await;

    // A conversation Bob is part of: GroupJoined with the conversation shapes (Group; legacy
    // type "Group", no isPublic).
    let (s, conv) = conversation(&w, &w.alice, &[&w.bob, &w.carol]).await;
    assert_eq!(s, 201, "{conv}");
    let conv_id = conv["id"].as_str().unwrap().to_string();
    expect(&w, &recv, &sub, "GroupJoined", &conv_id, None).await;

    // A team deleted: its members are told they left it.
    let doomed = w.team("Doomed", false, &[&w.bob]).await;
    expect(&w, &recv, &sub, "GroupJoined", &doomed, None).await;
    let legacy = get_ok(&w, &format!("/restapi/v1.0/glip/groups/{doomed}"), &w.bob).await;
    let current = get_ok(&w, &format!("{TM}/chats/{doomed}"), &w.bob).await;
    let (s, b) = w
        .app
        .delete(&format!("{TM}/teams/{doomed}"), &w.alice.token)
        .await;
    assert_eq!(s, 204, "{b}");
    expect(
        &w,
        &recv,
        &sub,
        "GroupLeft",
        &doomed,
        Some((legacy, current)),
    )
    .await;
    recv.assert_quiet(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn only_members_of_the_account_hear_and_joins_and_leaves_count() {
    let w = World::new().await;
    let bob_hook = Receiver::start().await;
    let carol_hook = Receiver::start().await;
    let eve_hook = Receiver::start().await;
    let f = ["/team-messaging/v1/posts", "/team-messaging/v1/chats"];
    subscribe(&w.app, &w.bob.token, &f, &bob_hook, json!({})).await;
    let carol_sub = subscribe(&w.app, &w.carol.token, &f, &carol_hook, json!({})).await;
    subscribe(&w.app, &w.eve.token, &f, &eve_hook, json!({})).await;

    // A public team of Alice and Bob: Carol is not a member, Eve is in another company.
    let team = w.team("Open", true, &[&w.bob]).await;
    assert_eq!(
        bob_hook.notification().await["body"]["eventType"],
        "GroupJoined"
    );
    let (s, _) = post_text(&w, &w.alice, &team, "members only").await;
    assert_eq!(s, 201);
    assert_eq!(
        bob_hook.notification().await["body"]["text"],
        "members only"
    );
    // Eve posts in her own company: nobody at Acme hears it.
    let eve_everyone = only_chat_of_type(&w, &w.eve, "Everyone").await;
    let (s, _) = post_text(&w, &w.eve, &eve_everyone, "globex only").await;
    assert_eq!(s, 201);
    assert_eq!(eve_hook.notification().await["body"]["text"], "globex only");
    carol_hook.assert_quiet(Duration::from_millis(300)).await;
    bob_hook.assert_quiet(Duration::from_millis(50)).await;

    // Carol joins: GroupJoined is hers alone; from then on she hears the team's posts.
    let (s, b) = post_empty(&w, &format!("{TM}/teams/{team}/join"), &w.carol.token).await;
    assert_eq!(s, 204, "{b}");
    let n = carol_hook.notification().await;
    let body = envelope(&n, "/team-messaging/v1/chats", &carol_sub, &w.carol);
    assert_eq!(body["eventType"], "GroupJoined");
    assert_eq!(body["id"], team);
    assert!(member_ids(body).contains(&w.carol.id()), "{body}");
    // The system post of her joining reaches every member, her included; the change of
    // membership reaches the members.
    let mut carol_types = Vec::new();
    for _ in 0..2 {
        let n = carol_hook.notification().await;
        carol_types.push((n["body"]["eventType"].clone(), n["body"]["type"].clone()));
    }
    assert_eq!(
        carol_types,
        [
            (json!("PostAdded"), json!("PersonJoined")),
            (json!("GroupChanged"), json!("Team"))
        ]
    );
    let mut bob_types = Vec::new();
    for _ in 0..2 {
        let n = bob_hook.notification().await;
        bob_types.push((n["body"]["eventType"].clone(), n["body"]["type"].clone()));
    }
    assert_eq!(
        bob_types, carol_types,
        "Bob hears the same, without GroupJoined"
    );

    let (s, _) = post_text(&w, &w.alice, &team, "welcome Carol").await;
    assert_eq!(s, 201);
    assert_eq!(
        carol_hook.notification().await["body"]["text"],
        "welcome Carol"
    );
    assert_eq!(
        bob_hook.notification().await["body"]["text"],
        "welcome Carol"
    );

    // Carol leaves: GroupLeft is hers alone, and then she hears nothing of the team.
    let (s, b) = post_empty(&w, &format!("{TM}/teams/{team}/leave"), &w.carol.token).await;
    assert_eq!(s, 204, "{b}");
    let n = carol_hook.notification().await;
    assert_eq!(n["body"]["eventType"], "GroupLeft", "{n}");
    assert_eq!(n["body"]["id"], team);
    assert!(!member_ids(&n["body"]).contains(&w.carol.id()));
    let mut bob_types = Vec::new();
    for _ in 0..2 {
        let n = bob_hook.notification().await;
        bob_types.push((n["body"]["eventType"].clone(), n["body"]["type"].clone()));
    }
    assert_eq!(
        bob_types,
        [
            (json!("PostAdded"), json!("PersonsRemoved")),
            (json!("GroupChanged"), json!("Team"))
        ]
    );
    let (s, _) = post_text(&w, &w.alice, &team, "after Carol").await;
    assert_eq!(s, 201);
    assert_eq!(bob_hook.notification().await["body"]["text"], "after Carol");
    carol_hook.assert_quiet(Duration::from_millis(300)).await;
    eve_hook.assert_quiet(Duration::from_millis(50)).await;

    // Added by someone else: the same.
    let (s, _) = w
        .app
        .post(
            &format!("{TM}/teams/{team}/add"),
            &w.alice.token,
            json!({"members": [{"id": w.carol.id()}]}),
        )
        .await;
    assert_eq!(s, 204);
    let types: Vec<Value> = carol_hook
        .notifications(3)
        .await
        .iter()
        .map(|n| n["body"]["eventType"].clone())
        .collect();
    assert_eq!(types, ["GroupJoined", "PostAdded", "GroupChanged"]);
    let added = bob_hook.notification().await;
    assert_eq!(added["body"]["type"], "PersonsAdded");
    assert_eq!(added["body"]["addedPersonIds"], json!([w.carol.id()]));
    assert_eq!(
        bob_hook.notification().await["body"]["eventType"],
        "GroupChanged"
    );
    eve_hook.assert_quiet(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn many_posts_arrive_in_order_through_retries_with_stable_uuids() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({"deliveryMode": {"verificationToken": "tok-123"}}),
    )
    .await;
    let chat = only_chat_of_type(&w, &w.alice, "Personal").await;
    // The receiver fails the first three attempts.
    recv.fail_next(3);
    const N: usize = 40;
    let mut ids = Vec::new();
    for i in 0..N {
        let (s, p) = post_text(&w, &w.alice, &chat, &format!("post {i}")).await;
        assert_eq!(s, 201, "{p}");
        ids.push(p["id"].clone());
    }
    let mut failed = Vec::new();
    let mut delivered = Vec::new();
    while delivered.len() < N {
        let h = recv.next().await;
        assert_eq!(h.header("verification-token"), Some("tok-123"), "{h:?}");
        assert!(!h.is_validation(), "{h:?}");
        if h.ok() {
            delivered.push(h.json());
        } else {
            assert!(delivered.is_empty(), "only the first attempts fail");
            failed.push(h.json());
        }
    }
    assert_eq!(failed.len(), 3);
    // The retries are the same notification: same uuid, same text.
    for f in &failed {
        assert_eq!(*f, delivered[0]);
    }
    let texts: Vec<String> = delivered
        .iter()
        .map(|n| n["body"]["text"].as_str().unwrap().to_string())
        .collect();
    let want: Vec<String> = (0..N).map(|i| format!("post {i}")).collect();
    assert_eq!(texts, want, "in order, each once");
    let got_ids: Vec<Value> = delivered.iter().map(|n| n["body"]["id"].clone()).collect();
    assert_eq!(got_ids, ids);
    let mut uuids: Vec<&str> = delivered
        .iter()
        .map(|n| n["uuid"].as_str().unwrap())
        .collect();
    uuids.sort();
    uuids.dedup();
    assert_eq!(uuids.len(), N);
    recv.assert_quiet(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn sustained_failure_blacklists_and_delivery_stops() {
    let app = spawn_app_with(openglip_server::ServerConfig {
        public_url: None,
        rate_limits: openglip_server::RateLimitConfig::off(),
        realtime: openglip_server::realtime::RealtimeConfig {
            blacklist_after: Duration::from_millis(600),
            retry_base: Duration::from_millis(50),
            retry_max: Duration::from_millis(100),
            ..test_realtime()
        },
        ..Default::default()
    })
    .await;
    let w = World::with(app).await;
    let recv = Receiver::start().await;
    let healthy = Receiver::start().await;
    let sub = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;
    let other = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &healthy,
        json!({}),
    )
    .await;
    let chat = everyone(&w).await;

    // A short outage is retried, not punished.
    recv.fail_next(2);
    let (s, _) = post_text(&w, &w.alice, &chat, "bumpy").await;
    assert_eq!(s, 201);
    assert_eq!(recv.notification().await["body"]["text"], "bumpy");
    assert_eq!(healthy.notification().await["body"]["text"], "bumpy");
    tokio::time::sleep(Duration::from_millis(700)).await;
    recv.fail_next(2);
    let (s, _) = post_text(&w, &w.alice, &chat, "bumpy again").await;
    assert_eq!(s, 201);
    assert_eq!(recv.notification().await["body"]["text"], "bumpy again");
    assert_eq!(healthy.notification().await["body"]["text"], "bumpy again");
    let (_, b) = w
        .app
        .get(
            &format!("{SUB}/{}", sub["id"].as_str().unwrap()),
            &w.alice.token,
        )
        .await;
    assert_eq!(b["status"], "Active", "{b}");

    // A sustained one blacklists.
    recv.fail_all(true);
    let (s, _) = post_text(&w, &w.alice, &chat, "into the void").await;
    assert_eq!(s, 201);
    let (_, b) = poll_subscription(&w, &w.alice, &sub, |_, b| b["status"] == "Blacklisted").await;
    assert_time(&b["blacklistedData"]["blacklistedAt"]);
    let reason = b["blacklistedData"]["reason"].as_str().unwrap();
    assert!(reason.contains("503"), "{reason}");
    assert_eq!(b["eventFilters"], sub["eventFilters"]);
    // Every attempt was the same notification.
    let mut attempts = Vec::new();
    while let Some(h) = recv.try_next(Duration::from_millis(300)).await {
        assert!(!h.ok());
        attempts.push(h.json()["uuid"].clone());
    }
    assert!(attempts.len() >= 2, "{attempts:?}");
    attempts.dedup();
    assert_eq!(attempts.len(), 1);

    // The receiver recovers, but delivery has stopped for good; the other subscription goes on.
    recv.fail_all(false);
    let (s, _) = post_text(&w, &w.alice, &chat, "too late").await;
    assert_eq!(s, 201);
    assert_eq!(
        healthy.notification().await["body"]["text"],
        "into the void"
    );
    assert_eq!(healthy.notification().await["body"]["text"], "too late");
    recv.assert_quiet(Duration::from_millis(800)).await;

    // It stays listed as Blacklisted; it cannot be renewed; it can be deleted.
    let (s, l) = w.app.get(SUB, &w.alice.token).await;
    assert_eq!(s, 200);
    let listed: Vec<&Value> = l["records"].as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), 2, "{l}");
    assert_eq!(listed[0]["status"], "Blacklisted");
    assert!(listed[0]["blacklistedData"].is_object());
    assert_eq!(listed[1]["status"], "Active");
    assert_eq!(listed[1]["id"], other["id"]);
    let path = format!("{SUB}/{}", sub["id"].as_str().unwrap());
    let (s, e) = post_empty(&w, &format!("{path}/renew"), &w.alice.token).await;
    assert_eq!(s, 400, "{e}");
    let (s, e) = send(w.app.req(reqwest::Method::PUT, &path, &w.alice.token)).await;
    assert_eq!(s, 400, "{e}");
    let (s, _) = w.app.delete(&path, &w.alice.token).await;
    assert_eq!(s, 204);
    recv.assert_quiet(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn an_expired_subscription_is_gone_and_gets_nothing() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let keep = Receiver::start().await;
    let sub = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({"expiresIn": 60}),
    )
    .await;
    subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &keep,
        json!({"expiresIn": 60}),
    )
    .await;
    // WebHooks live at least a minute (RingCentral, too, counts down from the moment of creation).
    assert!(
        (59..=60).contains(&sub["expiresIn"].as_i64().unwrap()),
        "{sub}"
    );
    let chat = everyone(&w).await;
    let (s, _) = post_text(&w, &w.alice, &chat, "before").await;
    assert_eq!(s, 201);
    assert_eq!(recv.notification().await["body"]["text"], "before");
    assert_eq!(keep.notification().await["body"]["text"], "before");

    // Its minute passes (written to the store, and the hub told, as a renewal would be).
    let mut s0 = stored(&w, &sub).await;
    s0.expires = openglip_domain::Timestamp(s0.expires.millis() - 61_000);
    let s0 = w.app.state().store().update_subscription(s0).await.unwrap();
    w.app.state().hub().update(s0);

    let path = format!("{SUB}/{}", sub["id"].as_str().unwrap());
    let (s, e) = w.app.get(&path, &w.alice.token).await;
    assert_rc_error(s, &e, 404, "CMN-102");
    let (s, e) = post_empty(&w, &format!("{path}/renew"), &w.alice.token).await;
    assert_rc_error(s, &e, 404, "CMN-102");
    let (_, l) = w.app.get(SUB, &w.alice.token).await;
    assert_eq!(l["records"].as_array().unwrap().len(), 1, "{l}");
    let (s, _) = post_text(&w, &w.alice, &chat, "after").await;
    assert_eq!(s, 201);
    assert_eq!(keep.notification().await["body"]["text"], "after");
    recv.assert_quiet(Duration::from_millis(300)).await;
    // The hub forgets it and removes it from the store.
    let deadline = Instant::now() + Duration::from_secs(5);
    while w
        .app
        .state()
        .store()
        .subscription(id_of(&sub))
        .await
        .unwrap()
        .is_some()
    {
        assert!(
            Instant::now() < deadline,
            "the expired subscription was never removed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn id_of(sub: &Value) -> String {
    sub["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn renewal_reminders_before_expiry() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let quiet = Receiver::start().await;
    // The filter of RingCentral's private-bot sample; a minute to live, so reminders start now.
    let filter = "/restapi/v1.0/subscription/~?threshold=60&interval=15";
    let sub = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts", filter],
        &recv,
        json!({"expiresIn": 60}),
    )
    .await;
    // Far from expiry: no reminder.
    subscribe(
        &w.app,
        &w.alice.token,
        &["/restapi/v1.0/subscription/~?threshold=60&interval=1"],
        &quiet,
        json!({"expiresIn": 3600}),
    )
    .await;

    let n = recv.notification().await;
    let body = envelope(&n, filter, &sub, &w.alice);
    assert_eq!(body["id"], sub["id"]);
    assert_eq!(body["status"], "Active");
    assert_eq!(body["expirationTime"], sub["expirationTime"]);
    assert!(body["expiresIn"].as_i64().unwrap() <= 60, "{body}");
    assert!(body["eventType"].is_string(), "{body}");
    // Not again before the interval.
    recv.assert_quiet(Duration::from_millis(1500)).await;

    // Every `interval` seconds while within `threshold`…
    let fast = "/restapi/v1.0/subscription/~?threshold=59&interval=1";
    let recv = Receiver::start().await;
    let sub2 = subscribe(
        &w.app,
        &w.bob.token,
        &[fast],
        &recv,
        json!({"expiresIn": 60}),
    )
    .await;
    let first = recv.notification().await;
    envelope(&first, fast, &sub2, &w.bob);
    let second = recv.notification().await;
    envelope(&second, fast, &sub2, &w.bob);
    assert_ne!(first["uuid"], second["uuid"]);
    assert!(second["timestamp"].as_str() > first["timestamp"].as_str());
    // …until renewed for longer.
    let (s, b) = send(
        w.app
            .req(
                reqwest::Method::PUT,
                &format!("{SUB}/{}", sub2["id"].as_str().unwrap()),
                &w.bob.token,
            )
            .json(&json!({"expiresIn": 3600})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // (one may have been on its way)
    let _ = recv.try_next(Duration::from_millis(300)).await;
    recv.assert_quiet(Duration::from_millis(2000)).await;
    quiet.assert_quiet(Duration::from_millis(10)).await;
}

#[tokio::test]
async fn delete_stops_delivery() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let sub = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;
    let chat = everyone(&w).await;
    let (s, _) = post_text(&w, &w.alice, &chat, "heard").await;
    assert_eq!(s, 201);
    assert_eq!(recv.notification().await["body"]["text"], "heard");
    let (s, _) = w
        .app
        .delete(
            &format!("{SUB}/{}", sub["id"].as_str().unwrap()),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 204);
    for i in 0..3 {
        let (s, _) = post_text(&w, &w.alice, &chat, &format!("unheard {i}")).await;
        assert_eq!(s, 201);
    }
    recv.assert_quiet(Duration::from_millis(500)).await;
}

#[tokio::test]
async fn a_pending_backlog_is_not_delivered_after_delete() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let sub = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;
    let chat = everyone(&w).await;
    recv.fail_all(true);
    for i in 0..5 {
        let (s, _) = post_text(&w, &w.alice, &chat, &format!("stuck {i}")).await;
        assert_eq!(s, 201);
    }
    assert!(!recv.next().await.ok());
    let (s, _) = w
        .app
        .delete(
            &format!("{SUB}/{}", sub["id"].as_str().unwrap()),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 204);
    recv.fail_all(false);
    // At most an attempt already in flight completes.
    let mut ok = 0;
    while let Some(h) = recv.try_next(Duration::from_millis(800)).await {
        if h.ok() {
            ok += 1;
        }
    }
    assert!(ok <= 1, "{ok} deliveries after delete");
}

#[tokio::test]
async fn encrypted_notifications_decrypt_to_the_envelope() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let sub = subscribe(
        &w.app,
        &w.alice.token,
        &["/restapi/v1.0/glip/posts"],
        &recv,
        json!({"deliveryMode": {"encryption": "true", "verificationToken": "v"}}),
    )
    .await;
    let key = base64_key(&sub["deliveryMode"]);
    let chat = everyone(&w).await;
    let (s, p) = post_text(&w, &w.alice, &chat, "secret").await;
    assert_eq!(s, 201);
    let h = recv.next().await;
    assert!(h.ok());
    assert_eq!(h.header("verification-token"), Some("v"));
    assert!(
        serde_json::from_str::<Value>(&h.body).is_err(),
        "not plain JSON: {}",
        h.body
    );
    let plain = openglip_server::realtime::crypto::decrypt(&key, h.body.trim())
        .expect("AES-128-ECB, PKCS#7, base64");
    let n: Value = serde_json::from_slice(&plain).unwrap();
    envelope(&n, "/restapi/v1.0/glip/posts", &sub, &w.alice);
    assert_eq!(without_event_type(body_of(&n, "PostAdded")), post_event(&p));
}

#[tokio::test]
async fn a_recovered_receiver_starts_with_a_clean_record() {
    // Only renewal reminders flow (no event moves the cursor); a short outage that recovers must
    // not count towards the next one.
    let app = spawn_app_with(openglip_server::ServerConfig {
        public_url: None,
        rate_limits: openglip_server::RateLimitConfig::off(),
        realtime: openglip_server::realtime::RealtimeConfig {
            blacklist_after: Duration::from_millis(800),
            retry_base: Duration::from_millis(50),
            retry_max: Duration::from_millis(100),
            ..test_realtime()
        },
        ..Default::default()
    })
    .await;
    let w = World::with(app).await;
    let recv = Receiver::start().await;
    let sub = subscribe(
        &w.app,
        &w.alice.token,
        &["/restapi/v1.0/subscription/~?threshold=59&interval=1"],
        &recv,
        json!({"expiresIn": 60}),
    )
    .await;
    recv.fail_next(2);
    let n = recv.notification().await;
    assert_eq!(n["subscriptionId"], sub["id"]);
    // Longer than the blacklisting period, with reminders answered.
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        if let Some(h) = recv.try_next(Duration::from_millis(100)).await {
            assert!(h.ok());
        }
    }
    // One more failure is a new outage, not the old one going on.
    recv.fail_next(1);
    let h = recv.next().await;
    assert!(!h.ok());
    assert!(recv.next().await.ok(), "retried and delivered");
    let (_, b) = w
        .app
        .get(&format!("{SUB}/{}", id_of(&sub)), &w.alice.token)
        .await;
    assert_eq!(b["status"], "Active", "{b}");
}

#[tokio::test]
async fn extension_updates_reach_only_that_extension() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let other = Receiver::start().await;
    let f = "/restapi/v1.0/account/~/extension/~";
    let sub = subscribe(&w.app, &w.alice.token, &[f], &recv, json!({})).await;
    subscribe(&w.app, &w.bob.token, &[f], &other, json!({})).await;
    let own = format!(
        "/restapi/v1.0/account/{}/extension/{}",
        w.acme.id,
        w.alice.id()
    );
    assert_eq!(sub["eventFilters"], json!([own]));

    let (s, b) = send(
        w.app
            .req(
                reqwest::Method::PUT,
                "/restapi/v1.0/account/~/extension/~",
                &w.alice.token,
            )
            .json(&json!({"contact": {"firstName": "Alicia"}})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let n = recv.notification().await;
    let body = envelope(&n, &own, &sub, &w.alice);
    assert_eq!(
        *body,
        json!({
            "extensionId": w.alice.id(),
            "eventType": "Update",
            "hints": ["ExtensionInfo"],
            "ownerId": w.alice.id(),
        })
    );
    other.assert_quiet(Duration::from_millis(300)).await;
    recv.assert_quiet(Duration::from_millis(10)).await;
}
