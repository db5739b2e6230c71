//! Legacy Glip extras: message cards (`POST /restapi/v1.0/glip/cards?groupId=…`,
//! `GET|PUT|DELETE /restapi/v1.0/glip/cards/{cardId}`), which live in posts of their chat like
//! adaptive cards, and `GET /restapi/v1.0/glip/preferences`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const GLIP: &str = "/restapi/v1.0/glip";

async fn put(w: &World, user: &User, path: &str, body: Value) -> (u16, Value) {
    send(w.app.req(Method::PUT, path, &user.token).json(&body)).await
}

#[tokio::test]
async fn message_cards_are_posted_read_replaced_and_deleted() {
    let w = World::new().await;
    let team = w.team("Ops", false, &[&w.bob]).await;
    let card = json!({
        "title": "Deploy 42", "text": "All green", "color": "#00ff2a",
        "fields": [{"title": "Where", "value": "prod", "style": "Short"}], "id": "spoofed"
    });
    let (s, c) = w
        .app
        .post(&format!("{GLIP}/cards?groupId={team}"), &w.bob.token, card)
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["type"], "Card", "the default type");
    assert_eq!(c["title"], "Deploy 42");
    let id = c["id"].as_str().unwrap().to_string();
    assert_ne!(id, "spoofed");

    // It is a post of the chat, with the card as its attachment.
    let (_, posts) = w
        .app
        .get(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.alice.token,
        )
        .await;
    assert_eq!(posts["records"][0]["id"], id.as_str());
    assert_eq!(posts["records"][0]["attachments"][0]["title"], "Deploy 42");

    let (s, read) = w
        .app
        .get(&format!("{GLIP}/cards/{id}"), &w.alice.token)
        .await;
    assert_eq!((s, &read), (200, &c));

    // Only the creator replaces or deletes it.
    let (s, b) = put(
        &w,
        &w.alice,
        &format!("{GLIP}/cards/{id}"),
        json!({"title": "Mine now"}),
    )
    .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, b) = put(
        &w,
        &w.bob,
        &format!("{GLIP}/cards/{id}"),
        json!({"type": "Note", "title": "Deploy 43"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["type"].as_str(), b["title"].as_str(), b["id"].as_str()),
        (Some("Note"), Some("Deploy 43"), Some(id.as_str()))
    );
    let (s, b) = w
        .app
        .delete(&format!("{GLIP}/cards/{id}"), &w.alice.token)
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, _) = w
        .app
        .delete(&format!("{GLIP}/cards/{id}"), &w.bob.token)
        .await;
    assert_eq!(s, 200);
    let (s, b) = w.app.get(&format!("{GLIP}/cards/{id}"), &w.bob.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(b["errors"][0]["parameterName"], "cardId", "{b}");
}

#[tokio::test]
async fn bad_cards_and_strangers_are_refused_and_nothing_is_posted() {
    let w = World::new().await;
    let team = w.team("Ops", false, &[&w.bob]).await;
    let count = || async {
        let (_, p) = w
            .app
            .get(
                &format!("/team-messaging/v1/chats/{team}/posts"),
                &w.alice.token,
            )
            .await;
        p["records"].as_array().unwrap().len()
    };
    let before = count().await;
    let create = format!("{GLIP}/cards?groupId={team}");
    let (s, b) = w
        .app
        .post(&create, &w.bob.token, json!({"type": "Video"}))
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(b["errors"][0]["parameterName"], "type");
    let (s, b) = w
        .app
        .post(
            &format!("{GLIP}/cards"),
            &w.bob.token,
            json!({"title": "x"}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-100");
    assert_eq!(b["errors"][0]["parameterName"], "groupId");
    // Carol is not in the team; Eve is of another company: the group is not found.
    for user in [&w.carol, &w.eve] {
        let (s, b) = w
            .app
            .post(&create, &user.token, json!({"title": "x"}))
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");
    }
    assert_eq!(count().await, before, "nothing posted");

    // A text post is no card; a card is not found by those who cannot see its chat.
    let (_, post) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.bob.token,
            json!({"text": "hi"}),
        )
        .await;
    let (s, b) = w
        .app
        .get(
            &format!("{GLIP}/cards/{}", post["id"].as_str().unwrap()),
            &w.bob.token,
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (_, c) = w
        .app
        .post(&create, &w.bob.token, json!({"title": "x"}))
        .await;
    let id = c["id"].as_str().unwrap();
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/cards/{id}"), &w.carol.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = put(
        &w,
        &w.bob,
        &format!("{GLIP}/cards/{id}"),
        json!({"type": 5}),
    )
    .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let (_, read) = w.app.get(&format!("{GLIP}/cards/{id}"), &w.bob.token).await;
    assert_eq!(read["title"], "x", "a refused change changes nothing");
}

#[tokio::test]
async fn preferences_are_the_web_clients() {
    let w = World::new().await;
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/preferences"), &w.bob.token)
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["chats"]["leftRailMode"], "CombineAllChatTypes");
    assert!(b["chats"]["maxCount"].as_u64().unwrap() > 0);
    let (s, b) = send(w.app.http.get(w.app.url(&format!("{GLIP}/preferences")))).await;
    assert_rc_error(s, &b, 401, "CMN-405");
}
