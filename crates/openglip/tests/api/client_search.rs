//! The web client's search: the rail's box, the results page (`/app/search`), a result opening
//! the conversation at its message (`/c/{chat}?at={post}`), what the page refuses (said in place),
//! and a failing index answered as a failure, never as "nothing found". (The browser test
//! `tests/browser/client.mjs` clicks through the same in Chromium.)

use serde_json::json;

use crate::client::signed_in;
use crate::helpers::*;

async fn api_post(w: &World, user: &User, chat: &str, text: &str) -> String {
    let (s, b) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &user.token,
            json!({ "text": text }),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn results_open_the_conversation_at_the_message_and_refusals_are_said_in_place() {
    let w = World::new().await;
    let team = w.team("Ops", false, &[&w.bob]).await;
    let secret = w.team("Secret", false, &[&w.carol]).await;
    let needle = api_post(&w, &w.alice, &team, "the needle is in the haystack").await;
    // More than a conversation's first page comes after it.
    for i in 0..60 {
        api_post(&w, &w.alice, &team, &format!("filler {i}")).await;
    }
    let bob = signed_in(&w.app, &w.bob.email).await;
    let home = bob.get("/").await;
    assert!(home.has("id=\"rail-search-q\""), "the rail's search box");

    let p = bob.get("/app/search?q=Needle+hay").await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.has("the <mark>needle</mark> is in the <mark>haystack</mark>"),
        "{}",
        p.body
    );
    assert!(
        p.has("<b>Ops</b>") && p.has("Alice"),
        "chat and author: {}",
        p.body
    );
    let link = format!("/c/{team}?at={needle}#p-{needle}");
    assert!(p.has(&format!("href=\"{link}\"")), "{}", p.body);

    // Opened plainly, the conversation's first page is past the message; opened at it, the
    // message is there and marked, with the way back to the newest.
    let plain = bob.get(&format!("/c/{team}")).await;
    assert!(!plain.has(&format!("id=\"p-{needle}\"")));
    let at = bob.get(&format!("/c/{team}?at={needle}")).await;
    assert_eq!(at.status, 200, "{}", at.body);
    let li = at
        .body
        .split("<li ")
        .find(|li| li.contains(&format!("id=\"p-{needle}\"")))
        .unwrap_or_else(|| panic!("the message is not shown: {}", at.body));
    assert!(
        li.contains("found") && li.contains("aria-current=\"true\""),
        "{li}"
    );
    assert!(at.has("Newer messages: go to the latest"));
    // A malformed `at` is the post's error.
    assert_eq!(bob.get(&format!("/c/{team}?at=abc")).await.status, 404);

    // Refusals on the page, with the form kept.
    for (q, says) in [
        ("%22*()%26", "letters or digits"),
        (&"a".repeat(501)[..], "too long"),
        ("a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q", "at most 16 words"),
    ] {
        let p = bob.get(&format!("/app/search?q={q}")).await;
        assert_eq!(p.status, 200, "{q}: {}", p.body);
        assert!(
            p.has("class=\"search-error\"") && p.has(says),
            "{q}: {}",
            p.body
        );
    }
    let p = bob
        .get(&format!("/app/search?q=needle&chat={secret}"))
        .await;
    assert!(p.has("not one of yours"), "{}", p.body);
    // Kept to one chat; and nothing asked yet is not an error.
    let p = bob.get(&format!("/app/search?q=filler&chat={team}")).await;
    assert!(p.has("More results"), "60 fillers, 25 a page: {}", p.body);
    assert!(
        bob.get("/app/search")
            .await
            .has("Words match the start of words")
    );
    // Carol, not in Ops, finds nothing of it.
    let carol = signed_in(&w.app, &w.carol.email).await;
    let p = carol.get("/app/search?q=needle").await;
    assert!(p.has("No messages match") && !p.has("<mark>"), "{}", p.body);
}

#[tokio::test]
async fn a_failing_search_index_is_a_failure_never_nothing_found() {
    let w = World::new().await;
    let team = w.team("Ops", false, &[&w.bob]).await;
    api_post(&w, &w.alice, &team, "needle").await;
    let bob = signed_in(&w.app, &w.bob.email).await;
    assert!(
        bob.get("/app/search?q=needle")
            .await
            .has("<mark>needle</mark>")
    );
    w.app
        .execute_sql(if openglip_testkit::on_postgres() {
            "ALTER TABLE posts RENAME COLUMN search TO gone_search"
        } else {
            "ALTER TABLE post_search RENAME TO gone_post_search"
        })
        .await;
    let p = bob.get("/app/search?q=needle").await;
    assert_eq!(p.status, 500, "{}", p.body);
    assert!(!p.has("No messages match"));
    let (s, e) = w
        .app
        .get("/team-messaging/v1/search/posts?q=needle", &w.bob.token)
        .await;
    assert_rc_error(s, &e, 500, "CMN-203");
}
