//! Adaptive Cards: `POST …/chats/{chatId}/adaptive-cards` and `GET|PUT|DELETE
//! …/adaptive-cards/{cardId}` on both prefixes. A card lives in a post of its chat (the post's
//! attachment, with the post's id as the card's id), so creating, replacing and deleting one are
//! post events; permissions, bad cards and limits answer RingCentral errors.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const TM: &str = "/team-messaging/v1";
const GLIP: &str = "/restapi/v1.0/glip";

fn create_path(chat: &str) -> String {
    format!("{TM}/chats/{chat}/adaptive-cards")
}

fn card_path(id: &str) -> String {
    format!("{TM}/adaptive-cards/{id}")
}

fn hello_card(text: &str) -> Value {
    json!({
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.3",
        "fallbackText": text,
        "body": [
            {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "text": text},
            {"type": "Input.Text", "id": "hellotext", "placeholder": "Enter your name"},
            {"type": "ActionSet", "actions": [
                {"type": "Action.Submit", "title": "Update this card", "data": {"path": "update-card"}}
            ]}
        ]
    })
}

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    send(app.req(Method::PUT, path, token).json(&body)).await
}

/// A bot of Acme with its permanent token.
async fn bot(w: &World, name: &str) -> User {
    let (ext, _, token) = w
        .app
        .state()
        .platform()
        .create_bot(w.acme.id, name)
        .await
        .unwrap();
    User {
        ext,
        email: String::new(),
        token,
    }
}

/// Creates a card (asserts 201) and returns the `AdaptiveCardShortInfo`.
async fn new_card(w: &World, by: &User, chat: &str, card: Value) -> Value {
    let (s, b) = w.app.post(&create_path(chat), &by.token, card).await;
    assert_eq!(s, 201, "{b}");
    b
}

fn assert_short_info(info: &Value, chat: &str, creator: &User) {
    let mut keys: Vec<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "$schema",
            "chatIds",
            "creationTime",
            "creator",
            "id",
            "lastModifiedTime",
            "type",
            "version"
        ],
        "{info}"
    );
    assert!(info["id"].as_str().is_some_and(|s| !s.is_empty()), "{info}");
    assert_eq!(info["type"], "AdaptiveCard");
    assert_eq!(info["version"], "1.3");
    assert_eq!(
        info["$schema"],
        "http://adaptivecards.io/schemas/adaptive-card.json"
    );
    assert_eq!(info["creator"], json!({"id": creator.id()}));
    assert_eq!(info["chatIds"], json!([chat]));
    assert_time(&info["creationTime"]);
    assert_time(&info["lastModifiedTime"]);
}

/// The card with the server's `id`, as it appears in its post.
fn with_id(card: &Value, id: &Value) -> Value {
    let mut c = card.clone();
    c["id"] = id.clone();
    c
}

async fn posts(w: &World, by: &User, chat: &str) -> Vec<Value> {
    let (s, b) = w
        .app
        .get(&format!("{TM}/chats/{chat}/posts"), &by.token)
        .await;
    assert_eq!(s, 200, "{b}");
    b["records"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_bot_posts_reads_and_updates_a_card_that_lives_in_a_post() {
    let w = World::new().await;
    let deployer = bot(&w, "Deployer").await;
    let (s, team) = w
        .app
        .post(
            &format!("{TM}/teams"),
            &w.alice.token,
            json!({"name": "Ops", "members": [{"id": w.bob.id()}, {"id": deployer.id()}]}),
        )
        .await;
    assert_eq!(s, 201, "{team}");
    let team = team["id"].as_str().unwrap().to_string();

    let card = hello_card("Deploy started");
    let info = new_card(&w, &deployer, &team, card.clone()).await;
    assert_short_info(&info, &team, &deployer);
    let id = info["id"].as_str().unwrap().to_string();

    // Any member reads it: the card as sent, with its id, times, creator and chats.
    let (s, read) = w.app.get(&card_path(&id), &w.bob.token).await;
    assert_eq!(s, 200, "{read}");
    let mut expected = card.clone();
    for k in [
        "id",
        "creationTime",
        "lastModifiedTime",
        "creator",
        "chatIds",
    ] {
        expected[k] = info[k].clone();
    }
    assert_eq!(read, expected);

    // The card is a post of the chat: its attachment is the card, with the card's id.
    let listed = posts(&w, &w.alice, &team).await;
    let post = &listed[0];
    assert_eq!(post["id"], id, "{post}");
    assert_eq!(post["creatorId"], deployer.id());
    assert_eq!(post["type"], "TextMessage");
    assert_eq!(post["attachments"], json!([with_id(&card, &info["id"])]));
    let (s, one) = w
        .app
        .get(&format!("{TM}/chats/{team}/posts/{id}"), &w.bob.token)
        .await;
    assert_eq!(s, 200, "{one}");
    assert_eq!(one["attachments"], post["attachments"]);

    // The bot replaces it; server-filled fields sent back are ignored.
    let mut done = hello_card("Deploy done");
    done["id"] = json!("12345");
    done["creator"] = json!({"id": w.bob.id()});
    done["chatIds"] = json!(["1"]);
    let (s, updated) = put(&w.app, &card_path(&id), &deployer.token, done).await;
    assert_eq!(s, 200, "{updated}");
    assert_short_info(&updated, &team, &deployer);
    assert_eq!(updated["id"], id);
    assert_eq!(updated["creationTime"], info["creationTime"]);
    assert!(
        updated["lastModifiedTime"].as_str() >= info["lastModifiedTime"].as_str(),
        "{updated}"
    );
    let (_, read) = w.app.get(&card_path(&id), &w.alice.token).await;
    assert_eq!(read["body"][0]["text"], "Deploy done");
    assert_eq!(read["fallbackText"], "Deploy done");
    assert_eq!(read["creator"], json!({"id": deployer.id()}));
    let listed = posts(&w, &w.alice, &team).await;
    assert_eq!(
        listed[0]["attachments"],
        json!([with_id(&hello_card("Deploy done"), &info["id"])])
    );

    // Several ids at once: 207 multipart, one part per card.
    let other = new_card(&w, &deployer, &team, hello_card("second")).await;
    let r = w
        .app
        .req(
            Method::GET,
            &card_path(&format!("{id},{}", other["id"].as_str().unwrap())),
            &w.bob.token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 207);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("multipart/mixed")
    );
    let text = r.text().await.unwrap();
    assert!(
        text.contains("Deploy done") && text.contains("second"),
        "{text}"
    );
}

#[tokio::test]
async fn a_person_uses_the_legacy_paths_the_bot_frameworks_call() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    // Version defaults to 1.3; `$schema` is optional.
    let (s, info) = w
        .app
        .post(
            &format!("{GLIP}/chats/{team}/adaptive-cards"),
            &w.alice.token,
            json!({"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "hi"}]}),
        )
        .await;
    assert_eq!(s, 201, "{info}");
    assert_eq!(info["version"], "1.3");
    assert!(info.get("$schema").is_none(), "{info}");
    assert_eq!(info["creator"]["id"], w.alice.id());
    let id = info["id"].as_str().unwrap();

    let (s, b) = put(
        &w.app,
        &format!("{GLIP}/adaptive-cards/{id}"),
        &w.alice.token,
        hello_card("changed"),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, read) = w
        .app
        .get(&format!("{GLIP}/adaptive-cards/{id}"), &w.bob.token)
        .await;
    assert_eq!(s, 200, "{read}");
    assert_eq!(read["body"][0]["text"], "changed");
    assert_eq!(read["version"], "1.3");

    let (s, b) = w
        .app
        .delete(&format!("{GLIP}/adaptive-cards/{id}"), &w.alice.token)
        .await;
    assert_eq!(s, 204, "{b}");
    let (s, b) = w.app.get(&card_path(id), &w.alice.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert!(
        posts(&w, &w.alice, &team)
            .await
            .iter()
            .all(|p| p["id"] != id)
    );
}

#[tokio::test]
async fn creating_replacing_and_deleting_a_card_are_post_events() {
    let w = World::new().await;
    let team = w.team("Events", false, &[&w.bob]).await;
    let recv = Receiver::start().await;
    let sub = subscribe(
        &w.app,
        &w.bob.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;

    let card = hello_card("v1");
    let info = new_card(&w, &w.alice, &team, card.clone()).await;
    let n = recv.notification().await;
    assert_eq!(n["subscriptionId"], sub["id"]);
    let body = &n["body"];
    assert_eq!(body["eventType"], "PostAdded", "{n}");
    assert_eq!(body["id"], info["id"]);
    assert_eq!(body["groupId"], team);
    assert_eq!(body["creatorId"], w.alice.id());
    assert_eq!(body["attachments"], json!([with_id(&card, &info["id"])]));

    let id = info["id"].as_str().unwrap();
    let (s, b) = put(&w.app, &card_path(id), &w.alice.token, hello_card("v2")).await;
    assert_eq!(s, 200, "{b}");
    let n = recv.notification().await;
    assert_eq!(n["body"]["eventType"], "PostChanged", "{n}");
    assert_eq!(n["body"]["id"], info["id"]);
    assert_eq!(
        n["body"]["attachments"],
        json!([with_id(&hello_card("v2"), &info["id"])])
    );

    let (s, b) = w.app.delete(&card_path(id), &w.alice.token).await;
    assert_eq!(s, 204, "{b}");
    let n = recv.notification().await;
    assert_eq!(n["body"]["eventType"], "PostRemoved", "{n}");
    assert_eq!(n["body"]["id"], info["id"]);
}

#[tokio::test]
async fn who_may_create_read_update_and_delete() {
    let w = World::new().await;
    let private = w.team("Private", false, &[&w.bob]).await;
    let public = w.team("Public", true, &[&w.bob]).await;
    let info = new_card(&w, &w.alice, &private, hello_card("secret")).await;
    let id = info["id"].as_str().unwrap().to_string();
    let in_public = new_card(&w, &w.alice, &public, hello_card("open")).await;
    let public_id = in_public["id"].as_str().unwrap().to_string();

    // Someone who cannot see the chat (Carol, not invited; Eve, another company): not found.
    for outsider in [&w.carol, &w.eve] {
        let (s, b) = w
            .app
            .post(&create_path(&private), &outsider.token, hello_card("x"))
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "chatId", "{b}");
        let (s, b) = w.app.get(&card_path(&id), &outsider.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "cardId", "{b}");
        let (s, b) = put(&w.app, &card_path(&id), &outsider.token, hello_card("x")).await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (s, b) = w.app.delete(&card_path(&id), &outsider.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    // Eve cannot see Acme's public team either.
    let (s, b) = w
        .app
        .post(&create_path(&public), &w.eve.token, hello_card("x"))
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");

    // A public team Carol has not joined: she may see it, so she is refused, not misled.
    let (s, b) = w
        .app
        .post(&create_path(&public), &w.carol.token, hello_card("x"))
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, b) = w.app.get(&card_path(&public_id), &w.carol.token).await;
    assert_rc_error(s, &b, 403, "CMN-408");

    // A member who did not create the card reads it but may not change or delete it.
    let (s, _) = w.app.get(&card_path(&id), &w.bob.token).await;
    assert_eq!(s, 200);
    let (s, b) = put(&w.app, &card_path(&id), &w.bob.token, hello_card("mine")).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, b) = w.app.delete(&card_path(&id), &w.bob.token).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (_, read) = w.app.get(&card_path(&id), &w.alice.token).await;
    assert_eq!(read["body"][0]["text"], "secret");

    // Ids that name no card: unknown, malformed, or a post that is not a card.
    let (s, plain) = w
        .app
        .post(
            &format!("{TM}/chats/{private}/posts"),
            &w.alice.token,
            json!({"text": "just text"}),
        )
        .await;
    assert_eq!(s, 201, "{plain}");
    for bad in ["999999999", "abc", "-1", plain["id"].as_str().unwrap()] {
        let (s, b) = w.app.get(&card_path(bad), &w.alice.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (s, b) = put(&w.app, &card_path(bad), &w.alice.token, hello_card("x")).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let (s, b) = w
        .app
        .post(&create_path("999999999"), &w.alice.token, hello_card("x"))
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");

    // An archived team takes no new cards.
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/teams/{private}/archive"),
            &w.alice.token,
            json!({}),
        )
        .await;
    assert_eq!(s, 204, "{b}");
    let (s, b) = w
        .app
        .post(&create_path(&private), &w.alice.token, hello_card("x"))
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");

    // An app without the TeamMessaging permission is refused before anything else.
    let limited = w
        .app
        .client(&w.acme, &["password"], &["ReadAccounts"])
        .await;
    let alice = w.app.logged_in(&limited, w.alice.ext.clone()).await;
    let (s, b) = w
        .app
        .post(&create_path(&public), &alice.token, hello_card("x"))
        .await;
    assert_rc_error(s, &b, 403, "CMN-401");
    let (s, b) = w.app.get(&card_path(&public_id), &alice.token).await;
    assert_rc_error(s, &b, 403, "CMN-401");
    let (s, b) = put(
        &w.app,
        &card_path(&public_id),
        &alice.token,
        hello_card("x"),
    )
    .await;
    assert_rc_error(s, &b, 403, "CMN-401");
    let (s, b) = w.app.delete(&card_path(&public_id), &alice.token).await;
    assert_rc_error(s, &b, 403, "CMN-401");
}

#[tokio::test]
async fn bad_cards_are_refused_and_change_nothing() {
    let w = World::new().await;
    let team = w.team("Strict", false, &[&w.bob]).await;
    let info = new_card(&w, &w.alice, &team, hello_card("kept")).await;
    let id = info["id"].as_str().unwrap().to_string();
    let before = posts(&w, &w.alice, &team).await;

    let cases = [
        (json!({"version": "1.3"}), "CMN-100", "type"),
        (json!({"type": "Card", "version": "1.3"}), "CMN-101", "type"),
        (
            json!({"type": "AdaptiveCard", "version": 1.3}),
            "CMN-101",
            "version",
        ),
        (
            json!({"type": "AdaptiveCard", "version": "latest"}),
            "CMN-101",
            "version",
        ),
        (
            json!({"type": "AdaptiveCard", "body": {"type": "TextBlock"}}),
            "CMN-101",
            "body",
        ),
        (
            json!({"type": "AdaptiveCard", "body": ["text"]}),
            "CMN-101",
            "body[0]",
        ),
        (
            json!({"type": "AdaptiveCard", "body": [{"text": "no type"}]}),
            "CMN-100",
            "body[0].type",
        ),
        (
            json!({"type": "AdaptiveCard", "actions": "submit"}),
            "CMN-101",
            "actions",
        ),
        (
            json!({"type": "AdaptiveCard", "fallbackText": ["x"]}),
            "CMN-101",
            "fallbackText",
        ),
        (
            json!({"type": "AdaptiveCard", "$schema": 1}),
            "CMN-101",
            "$schema",
        ),
        (
            json!({"type": "AdaptiveCard", "selectAction": "open"}),
            "CMN-101",
            "selectAction",
        ),
    ];
    for (card, code, param) in cases {
        let (s, b) = w
            .app
            .post(&create_path(&team), &w.alice.token, card.clone())
            .await;
        assert_rc_error(s, &b, 400, code);
        assert_eq!(b["errors"][0]["parameterName"], param, "{card}: {b}");
        let (s, b) = put(&w.app, &card_path(&id), &w.alice.token, card.clone()).await;
        assert_rc_error(s, &b, 400, code);
        assert_eq!(b["errors"][0]["parameterName"], param, "{card}: {b}");
    }

    // Bodies that are not a card at all.
    let raw = |method: Method, path: String, body: &'static str| {
        w.app
            .req(method, &path, &w.alice.token)
            .header("content-type", "application/json")
            .body(body)
    };
    let (s, b) = send(raw(Method::POST, create_path(&team), "[1, 2]")).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let (s, b) = send(raw(Method::POST, create_path(&team), "{\"type\": ")).await;
    assert_rc_error(s, &b, 400, "CMN-103");
    let (s, b) = send(raw(Method::PUT, card_path(&id), "")).await;
    assert_rc_error(s, &b, 400, "CMN-104");

    assert_eq!(posts(&w, &w.alice, &team).await, before);
    let (_, read) = w.app.get(&card_path(&id), &w.bob.token).await;
    assert_eq!(read["body"][0]["text"], "kept");
}

#[tokio::test]
async fn size_and_depth_are_limited() {
    let w = World::new().await;
    let team = w.team("Big", false, &[&w.bob]).await;
    let before = posts(&w, &w.alice, &team).await;

    // Over the 1.5 MB of card JSON (the posts API's attachment limit): CMN-409.
    let big =
        json!({"type": "AdaptiveCard", "version": "1.3", "fallbackText": "x".repeat(1_500_000)});
    let (s, b) = w.app.post(&create_path(&team), &w.alice.token, big).await;
    assert_rc_error(s, &b, 400, "CMN-409");
    assert_eq!(b["errors"][0]["parameterName"], "body", "{b}");
    // Over the 2 MiB request limit: 413.
    let huge =
        json!({"type": "AdaptiveCard", "version": "1.3", "fallbackText": "x".repeat(2_200_000)});
    let (s, _) = w.app.post(&create_path(&team), &w.alice.token, huge).await;
    assert_eq!(s, 413);

    // Nested more than 32 levels: refused, naming the property.
    let nested = |levels: usize| {
        let mut v = json!({"type": "TextBlock", "text": "deep"});
        for _ in 0..levels {
            v = json!({"type": "Container", "items": [v]});
        }
        json!({"type": "AdaptiveCard", "version": "1.3", "body": [v]})
    };
    let (s, b) = w
        .app
        .post(&create_path(&team), &w.alice.token, nested(20))
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(b["errors"][0]["parameterName"], "body", "{b}");
    assert_eq!(posts(&w, &w.alice, &team).await, before);

    // Within both limits: accepted.
    let (s, b) = w
        .app
        .post(&create_path(&team), &w.alice.token, nested(14))
        .await;
    assert_eq!(s, 201, "{b}");
    let fits =
        json!({"type": "AdaptiveCard", "version": "1.3", "fallbackText": "x".repeat(1_400_000)});
    let (s, b) = w.app.post(&create_path(&team), &w.alice.token, fits).await;
    assert_eq!(s, 201, "{b}");
}
