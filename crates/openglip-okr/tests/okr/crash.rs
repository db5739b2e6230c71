//! A crash between posting a digest and recording it: the outbox finds the post by its key and
//! posts nothing twice. (`openglip okr serve` killed with SIGKILL around slots is the binary's
//! test: `crates/openglip/tests/api/okr.rs`.)

use jiff::Timestamp;
use serde_json::json;

use crate::helpers::*;

/// The outcome of a post lost in a crash (the post made, the row still `sending`): the row is
/// claimed again, the post is found by its key in the chat, and nothing is posted twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_made_just_before_a_crash_is_recognised() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let bot_id = add_to_glip(&p.server, &api, admin).await;
    let team = api
        .ok("POST", "/teams", admin, Some(json!({"name": "Sales"})), 201)
        .await;
    let room = glip_team(admin, "Org-Sales", false, &[]).await;
    let f = api
        .ok(
            "POST",
            "/followers",
            admin,
            Some(json!({"entity": {"type": "team", "id": team["id"]}, "chatId": room})),
            201,
        )
        .await;
    // What a crash leaves: the post is in the chat, its row says `sending`, claimed long ago.
    let key = "slot:1:1767600000000";
    let bot = openglip_bot::sdk::Client::with_bot_token(p.server.url(), okr.bot_token()).unwrap();
    let mut card = openglip_bot::sdk::wire::AdaptiveCardRequest {
        fallback_text: Some("OKR update: Sales (made before the crash)".into()),
        ..Default::default()
    };
    card.extra.insert("okrDigestKey".into(), json!(key));
    let made = bot.create_adaptive_card(&room, &card).await.unwrap();
    let db = rusqlite::Connection::open(okr.dir.path().join(openglip_okr::store::FILE)).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute(
        "INSERT INTO digests (account_id, follower_id, chat_id, idem_key, trigger, slot_at, state, attempts,
           next_attempt_at, claimed_at, created_at, card)
         SELECT account_id, id, chat_id, ?1, 'schedule', 1767600000000, 'sending', 1, 0, 0, ?2, ?3 FROM followers WHERE id = ?4",
        rusqlite::params![key, Timestamp::now().as_millisecond(), serde_json::to_string(&card).unwrap(), f["id"].as_str().unwrap()],
    )
    .unwrap();
    let audit = wait_until("the row reconciled", || async {
        let a = api.ok("GET", "/digests", admin, None, 200).await;
        (a["records"][0]["state"] == "sent").then_some(a)
    })
    .await;
    let d = &audit["records"][0];
    assert_eq!(d["postId"], made.id.as_str());
    assert_eq!(d["attempts"], 2);
    assert_eq!(d["attemptLog"][0]["outcome"], "found");
    let posts = digests_in(admin, &room, &bot_id).await;
    assert_eq!(posts.len(), 1, "posted once");
    okr.stop().await;
}
