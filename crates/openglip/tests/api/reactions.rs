//! Reactions on posts, an openglip extension (`docs/API-COMPAT.md`): `PUT`/`DELETE
//! …/posts/{postId}/reactions/{emoji}` and `GET …/reactions` for members of the chat; one emoji
//! each, checked; the event `PostReactionsChanged` only through the openglip filter
//! `/team-messaging/v1/posts/reactions`, never through RingCentral's; the web client's form.

use serde_json::{Value, json};

use crate::client::signed_in;
use crate::helpers::*;

const TM: &str = "/team-messaging/v1";

/// An emoji percent-encoded for a path.
fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn react(
    w: &World,
    user: &User,
    chat: &str,
    post: &str,
    emoji: &str,
    on: bool,
) -> (u16, Value) {
    let path = format!("{TM}/chats/{chat}/posts/{post}/reactions/{}", enc(emoji));
    if on {
        send(w.app.req(reqwest::Method::PUT, &path, &user.token)).await
    } else {
        w.app.delete(&path, &user.token).await
    }
}

async fn post(w: &World, user: &User, chat: &str, text: &str) -> String {
    let (s, p) = w
        .app
        .post(
            &format!("{TM}/chats/{chat}/posts"),
            &user.token,
            json!({ "text": text }),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    p["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn members_react_and_only_the_openglip_filter_hears_it() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    // Bob listens to the reactions filter and to posts; Alice only to RingCentral's filters.
    let bobs = Receiver::start().await;
    let filters = [
        "/team-messaging/v1/posts",
        "/team-messaging/v1/posts/reactions",
    ];
    subscribe(&w.app, &w.bob.token, &filters, &bobs, json!({})).await;
    let alices = Receiver::start().await;
    let rc = [
        "/team-messaging/v1/posts",
        "/restapi/v1.0/glip/posts",
        "/team-messaging/v1/chats",
    ];
    subscribe(&w.app, &w.alice.token, &rc, &alices, json!({})).await;

    let id = post(&w, &w.alice, &team, "ship it?").await;
    assert_eq!(bobs.notification().await["body"]["eventType"], "PostAdded");
    for _ in 0..2 {
        assert_eq!(
            alices.notification().await["body"]["eventType"],
            "PostAdded"
        );
    }

    let (s, b) = react(&w, &w.bob, &team, &id, "👍", true).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b,
        json!({"records": [{"emoji": "👍", "count": 1, "personIds": [w.bob.id()], "reacted": true}]})
    );
    let n = bobs.notification().await;
    assert_eq!(n["event"], "/team-messaging/v1/posts/reactions", "{n}");
    assert_eq!(
        n["body"],
        json!({"eventType": "PostReactionsChanged", "id": id, "groupId": team,
               "reactions": [{"emoji": "👍", "count": 1, "personIds": [w.bob.id()]}]})
    );
    // Again: the same answer, nothing changed, no event (the next one Bob hears is Alice's).
    let (s, again) = react(&w, &w.bob, &team, &id, "👍", true).await;
    assert_eq!((s, &again), (200, &b));
    let (s, b) = react(&w, &w.alice, &team, &id, "❤️", true).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["records"][1]["emoji"], "❤️");
    let n = bobs.notification().await;
    assert_eq!(
        n["body"]["reactions"][1]["personIds"],
        json!([w.alice.id()])
    );

    // Alice's RingCentral filters never carried a reaction: her next notification is the next post.
    post(&w, &w.bob, &team, "yes").await;
    for _ in 0..2 {
        let n = alices.notification().await;
        assert_eq!(n["body"]["eventType"], "PostAdded", "{n}");
        assert_eq!(n["body"]["text"], "yes");
    }

    // Read by a member: whether I reacted is mine.
    let (s, list) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/posts/{id}/reactions"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["records"][0]["reacted"], false);
    assert_eq!(list["records"][1]["reacted"], true);

    // Taken back, twice: the second changes nothing.
    let (s, b) = react(&w, &w.bob, &team, &id, "👍", false).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["records"].as_array().unwrap().len(), 1);
    let (s, b2) = react(&w, &w.bob, &team, &id, "👍", false).await;
    assert_eq!((s, &b2), (200, &b));
}

#[tokio::test]
async fn bad_reactions_are_clear_errors_and_others_cannot_react() {
    let w = World::new().await;
    let team = w.team("Private", false, &[&w.bob]).await;
    let id = post(&w, &w.alice, &team, "hello").await;
    for bad in ["+1", "thumbsup", "👍👍", "<b>", "👍 "] {
        let (s, b) = react(&w, &w.bob, &team, &id, bad, true).await;
        assert_rc_error(s, &b, 400, "CMN-101");
        assert_eq!(b["errors"][0]["parameterName"], "emoji", "{b}");
    }
    // Not a member (Carol), another company (Eve): the chat is not found.
    let (s, b) = react(&w, &w.carol, &team, &id, "👍", true).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = react(&w, &w.eve, &team, &id, "👍", true).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    // A post of another chat, a post that is not there.
    let other = w.team("Other", false, &[&w.bob]).await;
    let (s, b) = react(&w, &w.bob, &other, &id, "👍", true).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = react(&w, &w.bob, &team, "999999", "👍", true).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    // At most 20 kinds on one post; the 21st is refused, one already there is still welcome.
    let many = [
        "😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰",
        "😗", "😙", "😚", "🙂", "🤗",
    ];
    for e in many {
        let (s, b) = react(&w, &w.alice, &team, &id, e, true).await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, b) = react(&w, &w.bob, &team, &id, "🤩", true).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let (s, b) = react(&w, &w.bob, &team, &id, "😀", true).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["records"][0]["count"], 2);
    // Nothing of the refusals was kept.
    let (_, list) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/posts/{id}/reactions"),
            &w.bob.token,
        )
        .await;
    assert_eq!(list["records"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn the_web_client_shows_chips_and_toggles_them() {
    let w = World::new().await;
    let team = w.team("Web", false, &[&w.bob]).await;
    let id = post(&w, &w.alice, &team, "lunch?").await;
    let bob = signed_in(&w.app, &w.bob.email).await;
    let page = bob.get(&format!("/c/{team}")).await;
    assert!(
        page.has(&format!("action=\"/c/{team}/posts/{id}/reactions\"")),
        "{}",
        page.body
    );
    assert!(page.has("Add a reaction"), "the picker");

    // The script's way: the new block comes back.
    let form = format!("/c/{team}/posts/{id}/reactions");
    let p = bob.fetch_post(&form, &[("add", "🎉")]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.has("aria-pressed=\"true\""), "{}", p.body);
    assert!(p.has("name=\"remove\" value=\"🎉\""), "{}", p.body);
    assert!(p.has("title=\"Bob Baker\""), "{}", p.body);
    // A form without the script: back to the message.
    let p = bob.post(&form, &[("remove", "🎉")]).await;
    assert_eq!(p.status, 303);
    assert_eq!(
        p.location.as_deref(),
        Some(format!("/c/{team}#p-{id}").as_str())
    );
    let (_, list) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/posts/{id}/reactions"),
            &w.bob.token,
        )
        .await;
    assert_eq!(list["records"], json!([]));
    // Bad input: RingCentral's error body for the script, words for people on a page.
    let p = bob.fetch_post(&form, &[("add", "nope")]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.has("\"parameterName\":\"emoji\""), "{}", p.body);
    let p = bob.post(&form, &[("add", "nope")]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.has("Choose one emoji."), "{}", p.body);
}
