//! Incoming webhooks: `…/groups/{groupId}/webhooks`, `…/webhooks[/{id}[/activate|/suspend]]`
//! on both prefixes, and the webhook's URL, which takes posts without a token in the current
//! and the legacy Glip format; suspended, unknown and malformed posts; who may see and change a
//! webhook; the per-webhook rate limit.

use openglip_server::RateLimitConfig;
use openglip_testkit::test_config;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const TM: &str = "/team-messaging/v1";
const GLIP: &str = "/restapi/v1.0/glip";

/// Makes a webhook in `chat` as `by` (asserts 200); returns the `TMWebhookInfo`.
async fn new_hook(w: &World, prefix: &str, by: &User, chat: &str) -> Value {
    let (s, b) = send(w.app.req(
        Method::POST,
        &format!("{prefix}/groups/{chat}/webhooks"),
        &by.token,
    ))
    .await;
    assert_eq!(s, 200, "{b}");
    b
}

/// Posts `payload` to a webhook's URL, without a token.
async fn post_to(w: &World, uri: &str, payload: Value) -> (u16, Value) {
    send(w.app.http.post(uri).json(&payload)).await
}

async fn posts_of(w: &World, chat: &str) -> Vec<Value> {
    let (s, b) = w
        .app
        .get(&format!("{TM}/chats/{chat}/posts"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{b}");
    b["records"].as_array().unwrap().clone()
}

#[tokio::test]
async fn made_listed_read_and_posted_through_in_both_formats() {
    let w = World::new().await;
    let team = w.team("Builds", false, &[&w.bob]).await;
    let recv = Receiver::start().await;
    subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;

    let hook = new_hook(&w, TM, &w.bob, &team).await;
    let mut keys: Vec<&str> = hook
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "creationTime",
            "creatorId",
            "groupIds",
            "id",
            "lastModifiedTime",
            "status",
            "uri"
        ]
    );
    assert_eq!(hook["creatorId"], w.bob.id());
    assert_eq!(hook["groupIds"], json!([team]));
    assert_eq!(hook["status"], "Active");
    assert_time(&hook["creationTime"]);
    let id = hook["id"].as_str().unwrap();
    let uri = hook["uri"].as_str().unwrap();
    let prefix = w.app.url(&format!("/webhook/v2/{id}."));
    assert!(uri.starts_with(&prefix), "{uri}");
    // The secret part: 256 random bits, base64url.
    assert_eq!(uri.len() - prefix.len(), 43, "{uri}");

    // The legacy prefix makes one too; both are listed, without their URLs.
    let legacy = new_hook(&w, GLIP, &w.alice, &team).await;
    for path in [
        format!("{TM}/groups/{team}/webhooks"),
        format!("{GLIP}/groups/{team}/webhooks"),
        format!("{TM}/webhooks"),
        format!("{GLIP}/webhooks"),
    ] {
        let (s, b) = w.app.get(&path, &w.bob.token).await;
        assert_eq!(s, 200, "{path}: {b}");
        let ids: Vec<&str> = b["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [id, legacy["id"].as_str().unwrap()], "{path}");
        assert!(b["records"][0].get("uri").is_none(), "{b}");
    }
    let (s, b) = w
        .app
        .get(
            &format!("{TM}/webhooks/{id},{}", legacy["id"].as_str().unwrap()),
            &w.bob.token,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["records"].as_array().unwrap().len(), 2);
    assert_eq!(b["records"][0]["status"], "Active");

    // The current format, with an Adaptive Card.
    let (s, b) = post_to(
        &w,
        uri,
        json!({
            "text": "Build **12** passed",
            "activity": "CI",
            "title": "main",
            "iconUri": "https://ci.example/icon.png",
            "attachments": [{
                "type": "AdaptiveCard",
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "version": "1.0",
                "body": [{"type": "TextBlock", "text": "All green"}]
            }]
        }),
    )
    .await;
    assert_eq!((s, &b), (200, &json!({"status": "OK"})));
    let post = &posts_of(&w, &team).await[0];
    assert_eq!(post["creatorId"], w.bob.id());
    assert_eq!(post["text"], "Build **12** passed");
    assert_eq!(post["activity"], "CI");
    assert_eq!(post["title"], "main");
    assert_eq!(post["iconUri"], "https://ci.example/icon.png");
    assert_eq!(post["attachments"][0]["type"], "AdaptiveCard");
    assert_eq!(post["attachments"][0]["body"][0]["text"], "All green");
    // The usual event.
    let n = recv.notification().await;
    assert_eq!(n["body"]["eventType"], "PostAdded");
    assert_eq!(n["body"]["id"], post["id"]);

    // The legacy Glip format, at the version-less URL too.
    let v1 = uri.replace("/webhook/v2/", "/webhook/");
    let (s, b) = post_to(
        &w,
        &v1,
        json!({
            "icon": "https://jira.example/icon.png",
            "activity": "Jira",
            "title": "PROJ-1 moved",
            "body": "To **Done**",
            "attachments": [{"type": "Card", "author_name": "Ann", "fields": [{"title": "By", "value": "Ann", "short": true}]}]
        }),
    )
    .await;
    assert_eq!((s, &b), (200, &json!({"status": "OK"})));
    let post = &posts_of(&w, &team).await[0];
    assert_eq!(post["text"], "To **Done**");
    assert_eq!(post["iconUri"], "https://jira.example/icon.png");
    assert_eq!(post["activity"], "Jira");
    assert_eq!(post["attachments"][0]["author"]["name"], "Ann");
    assert_eq!(post["attachments"][0]["fields"][0]["style"], "Short");
}

#[tokio::test]
async fn suspended_unknown_wrong_secret_and_malformed_posts_are_refused() {
    let w = World::new().await;
    let team = w.team("Alerts", false, &[&w.bob]).await;
    let hook = new_hook(&w, TM, &w.bob, &team).await;
    let id = hook["id"].as_str().unwrap();
    let uri = hook["uri"].as_str().unwrap().to_string();
    let before = posts_of(&w, &team).await.len();

    for (payload, code, param) in [
        (json!({}), "CMN-100", "text"),
        (json!({"text": 5}), "CMN-101", "text"),
        (
            json!({"text": "x", "attachments": {"a": 1}}),
            "CMN-101",
            "attachments",
        ),
        (
            json!({"attachments": [{"type": "Video"}]}),
            "CMN-101",
            "attachments[0].type",
        ),
        (
            json!({"attachments": [{"type": "AdaptiveCard", "body": "no"}]}),
            "CMN-101",
            "body",
        ),
        (
            json!({"text": "x", "title": "t".repeat(300)}),
            "CMN-409",
            "title",
        ),
    ] {
        let (s, b) = post_to(&w, &uri, payload.clone()).await;
        assert_rc_error(s, &b, 400, code);
        assert_eq!(b["errors"][0]["parameterName"], param, "{payload}: {b}");
    }
    let (s, b) = send(
        w.app
            .http
            .post(&uri)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_rc_error(s, &b, 400, "CMN-103");
    let (s, b) = send(w.app.http.post(&uri).json(&json!(["text"]))).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(posts_of(&w, &team).await.len(), before, "nothing posted");

    // Unknown id, wrong secret, no secret: the webhook is not found.
    let last = if uri.ends_with('A') { "B" } else { "A" };
    let wrong_secret = format!("{}{last}", &uri[..uri.len() - 1]);
    for bad in [
        w.app.url("/webhook/v2/3053f6cf-b6de-418c-a6cd-2eb222cdab4e.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        wrong_secret,
        w.app.url(&format!("/webhook/v2/{id}")),
    ] {
        let (s, b) = post_to(&w, &bad, json!({"text": "hi"})).await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "webhookId", "{b}");
    }

    // Suspended: refused until activated again.
    let (s, b) = send(w.app.req(
        Method::POST,
        &format!("{TM}/webhooks/{id}/suspend"),
        &w.bob.token,
    ))
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = w
        .app
        .get(&format!("{TM}/webhooks/{id}"), &w.bob.token)
        .await;
    assert_eq!(
        (s, b["records"][0]["status"].as_str()),
        (200, Some("Suspended"))
    );
    let (s, b) = post_to(&w, &uri, json!({"text": "while suspended"})).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    assert!(b["message"].as_str().unwrap().contains("suspended"), "{b}");
    assert_eq!(posts_of(&w, &team).await.len(), before);
    let (s, _) = send(w.app.req(
        Method::POST,
        &format!("{GLIP}/webhooks/{id}/activate"),
        &w.bob.token,
    ))
    .await;
    assert_eq!(s, 200);
    let (s, _) = post_to(&w, &uri, json!({"text": "back"})).await;
    assert_eq!(s, 200);
    assert_eq!(posts_of(&w, &team).await[0]["text"], "back");

    // Deleted: gone for the API and the URL.
    let (s, _) = w
        .app
        .delete(&format!("{TM}/webhooks/{id}"), &w.bob.token)
        .await;
    assert_eq!(s, 200);
    let (s, b) = w
        .app
        .get(&format!("{TM}/webhooks/{id}"), &w.bob.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = post_to(&w, &uri, json!({"text": "after"})).await;
    assert_rc_error(s, &b, 404, "CMN-102");
}

#[tokio::test]
async fn only_members_see_webhooks_and_only_their_managers_change_them() {
    let w = World::new().await;
    let private = w.team("Private", false, &[&w.bob, &w.carol]).await;
    let hook = new_hook(&w, TM, &w.bob, &private).await;
    let id = hook["id"].as_str().unwrap();
    let other = w.team("Other", false, &[]).await;

    // Carol is a member: she sees it, but may not change Bob's webhook.
    let (s, _) = w
        .app
        .get(&format!("{TM}/webhooks/{id}"), &w.carol.token)
        .await;
    assert_eq!(s, 200);
    for action in ["suspend", "activate"] {
        let (s, b) = send(w.app.req(
            Method::POST,
            &format!("{TM}/webhooks/{id}/{action}"),
            &w.carol.token,
        ))
        .await;
        assert_rc_error(s, &b, 403, "CMN-408");
    }
    let (s, b) = w
        .app
        .delete(&format!("{TM}/webhooks/{id}"), &w.carol.token)
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");

    // Bob is not in "Other": its webhooks and the chat are not found for him; nor are Acme's
    // webhooks for Eve of Globex.
    let (s, b) = send(w.app.req(
        Method::POST,
        &format!("{TM}/groups/{other}/webhooks"),
        &w.bob.token,
    ))
    .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/groups/{other}/webhooks"), &w.bob.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");
    for (method, path) in [
        (Method::GET, format!("{TM}/webhooks/{id}")),
        (Method::DELETE, format!("{TM}/webhooks/{id}")),
        (Method::POST, format!("{TM}/webhooks/{id}/suspend")),
    ] {
        let (s, b) = send(w.app.req(method, &path, &w.eve.token)).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let (s, b) = w.app.get(&format!("{TM}/webhooks"), &w.eve.token).await;
    assert_eq!((s, b["records"].as_array().map(Vec::len)), (200, Some(0)));
    let (s, b) = w
        .app
        .get(&format!("{TM}/webhooks/nope,{id}"), &w.bob.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");

    // Alice created the team and administers Acme: she may suspend and delete Bob's webhook.
    let (s, _) = send(w.app.req(
        Method::POST,
        &format!("{TM}/webhooks/{id}/suspend"),
        &w.alice.token,
    ))
    .await;
    assert_eq!(s, 200);
    let (s, _) = w
        .app
        .delete(&format!("{TM}/webhooks/{id}"), &w.alice.token)
        .await;
    assert_eq!(s, 200);

    // Without a token, the API refuses.
    let (s, b) = send(w.app.http.get(w.app.url(&format!("{TM}/webhooks")))).await;
    assert_rc_error(s, &b, 401, "CMN-405");
}

#[tokio::test]
async fn each_webhook_has_its_own_rate_limit() {
    let mut config = test_config();
    config.rate_limits = RateLimitConfig::parse("webhook=2,window=60,penalty=30").unwrap();
    let w = World::with(spawn_app_with(config).await).await;
    let team = w.team("Noisy", false, &[]).await;
    let a = new_hook(&w, TM, &w.alice, &team).await;
    let b = new_hook(&w, TM, &w.alice, &team).await;
    let (a, b) = (a["uri"].as_str().unwrap(), b["uri"].as_str().unwrap());
    for _ in 0..2 {
        let (s, body) = post_to(&w, a, json!({"text": "tick"})).await;
        assert_eq!(s, 200, "{body}");
    }
    let r = w
        .app
        .http
        .post(a)
        .json(&json!({"text": "one too many"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "30");
    let body: Value = r.json().await.unwrap();
    assert_rc_error(429, &body, 429, "CMN-301");
    // Another webhook is counted apart.
    let (s, _) = post_to(&w, b, json!({"text": "tock"})).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn a_teams_details_page_lists_and_makes_webhooks() {
    let w = World::new().await;
    let team = w.team("Pages", false, &[&w.bob]).await;
    let bob = crate::client::signed_in(&w.app, &w.bob.email).await;
    let details = bob.get(&format!("/c/{team}/details")).await;
    assert_eq!(details.status, 200);
    assert!(
        details.has("Incoming webhooks (0)") && details.has("Add webhook"),
        "{}",
        details.body
    );

    // Add one: the page shows its URL, this once, ready to copy.
    let p = bob.post(&format!("/c/{team}/webhooks"), &[]).await;
    assert_eq!(p.status, 201, "{}", p.body);
    let url = p.input("webhook-url");
    assert!(url.starts_with(&w.app.url("/webhook/v2/")), "{url}");
    assert!(p.has("data-copy=\"new-webhook-url\""));
    let (s, _) = post_to(&w, &url, json!({"text": "from the page's webhook"})).await;
    assert_eq!(s, 200);
    assert_eq!(
        posts_of(&w, &team).await[0]["text"],
        "from the page's webhook"
    );

    // Listed afterwards without its URL; its creator suspends it; Carol, not a member, sees
    // nothing of it.
    let details = bob.get(&format!("/c/{team}/details")).await;
    assert!(details.has("Incoming webhooks (1)") && !details.has(&url));
    let (_, list) = w
        .app
        .get(&format!("{TM}/groups/{team}/webhooks"), &w.bob.token)
        .await;
    let id = list["records"][0]["id"].as_str().unwrap().to_string();
    let p = bob
        .post(&format!("/c/{team}/webhooks/{id}/suspend"), &[])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(
        bob.get(&format!("/c/{team}/details"))
            .await
            .has("Suspended")
    );
    let (s, _) = post_to(&w, &url, json!({"text": "refused"})).await;
    assert_eq!(s, 403);
    let carol = crate::client::signed_in(&w.app, &w.carol.email).await;
    assert_eq!(carol.get(&format!("/c/{team}/details")).await.status, 404);
    assert_eq!(
        carol.post(&format!("/c/{team}/webhooks"), &[]).await.status,
        404
    );
    let p = bob
        .post(&format!("/c/{team}/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(p.status, 303);
    assert!(
        bob.get(&format!("/c/{team}/details"))
            .await
            .has("Incoming webhooks (0)")
    );
}
