//! A WebHook subscription that catches up from the outbox (its receiver was down, the server
//! restarted in between) gets each chat's events by the membership when they happened: the
//! posts of a team its owner has left since, up to the leaving, and none from before joining.

use std::time::Duration;

use serde_json::json;

use crate::chats::*;
use crate::helpers::*;

#[tokio::test]
async fn catch_up_after_a_restart_uses_membership_at_the_time_of_each_event() {
    let mut w = World::new().await;
    let left_team = w.team("Left since", true, &[&w.bob, &w.carol]).await;
    let joined_team = w.team("Joined since", true, &[&w.bob]).await;
    let carol_hook = Receiver::start().await;
    subscribe(
        &w.app,
        &w.carol.token,
        &["/team-messaging/v1/posts"],
        &carol_hook,
        json!({}),
    )
    .await;

    // The receiver is down while all of this happens.
    carol_hook.fail_all(true);
    let (s, _) = post_text(&w, &w.alice, &left_team, "while Carol is in").await;
    assert_eq!(s, 201);
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/teams/{left_team}/remove"),
            &w.alice.token,
            json!({"members": [{"id": w.carol.id()}]}),
        )
        .await;
    assert_eq!(s, 204, "{b}");
    let (s, _) = post_text(&w, &w.alice, &left_team, "after Carol left").await;
    assert_eq!(s, 201);
    let (s, _) = post_text(&w, &w.alice, &joined_team, "before Carol joined").await;
    assert_eq!(s, 201);
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/teams/{joined_team}/add"),
            &w.alice.token,
            json!({"members": [{"id": w.carol.id()}]}),
        )
        .await;
    assert_eq!(s, 204, "{b}");
    let (s, _) = post_text(&w, &w.alice, &joined_team, "after Carol joined").await;
    assert_eq!(s, 201);

    // Restarted: what was queued in memory is gone; delivery resumes from the stored cursor.
    w.app.restart().await;
    carol_hook.fail_all(false);

    let mut got = Vec::new();
    while let Some(hit) = carol_hook.try_next(Duration::from_secs(10)).await {
        if !hit.ok() {
            continue;
        }
        let n = hit.json();
        let body = &n["body"];
        let what = match body["text"].as_str() {
            Some(text) if !text.is_empty() => text.to_string(),
            _ => body["type"].as_str().unwrap_or_default().to_string(),
        };
        if got.last() != Some(&what) {
            got.push(what);
        }
        if got.last().map(String::as_str) == Some("after Carol joined") {
            break;
        }
    }
    assert_eq!(
        got,
        ["while Carol is in", "PersonsAdded", "after Carol joined"],
        "the post from her time in the first team, none after she left; in the second, from \
         her joining on"
    );
    carol_hook.assert_quiet(Duration::from_millis(300)).await;
}
