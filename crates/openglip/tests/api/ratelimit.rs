//! RingCentral's API usage plan: per (app, user) and group, `X-Rate-Limit-*` headers on every
//! throttled response, 429 `CMN-301` with `Retry-After` past the limit, and the `Auth` group on
//! the token endpoint.

use openglip_server::{RateLimitConfig, ServerConfig};
use reqwest::header::HeaderMap;
use reqwest::{Method, Response};
use serde_json::Value;

use crate::helpers::*;

/// Light 3, Medium 2, Heavy 1; `auth` as given (a `World` logs four people in).
async fn limited_app(auth: u32) -> TestApp {
    spawn_app_with(ServerConfig {
        public_url: None,
        rate_limits: RateLimitConfig::parse(&format!(
            "light=3,medium=2,heavy=1,auth={auth},penalty=60"
        ))
        .unwrap(),
        realtime: crate::helpers::test_realtime(),
        ..Default::default()
    })
    .await
}

/// A Light operation.
const LIGHT: &str = "/restapi/v1.0/account/~/extension/~";
/// A Medium operation.
const MEDIUM: &str = "/team-messaging/v1/chats";

async fn call(app: &TestApp, path: &str, token: &str) -> Response {
    app.req(Method::GET, path, token).send().await.unwrap()
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).map(|v| v.to_str().unwrap())
}

/// (group, limit, remaining, window) from the headers.
fn limits(h: &HeaderMap) -> (String, u32, u32, u32) {
    let n = |name: &str| -> u32 {
        header(h, name)
            .unwrap_or_else(|| panic!("{name} missing: {h:?}"))
            .parse()
            .unwrap()
    };
    (
        header(h, "x-rate-limit-group")
            .unwrap_or_else(|| panic!("group missing: {h:?}"))
            .to_string(),
        n("x-rate-limit-limit"),
        n("x-rate-limit-remaining"),
        n("x-rate-limit-window"),
    )
}

async fn assert_throttled(r: Response, group: &str) {
    assert_eq!(r.status(), 429);
    let h = r.headers().clone();
    let retry: u64 = header(&h, "retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert_eq!(retry, 60, "the penalty");
    let (g, _, remaining, _) = limits(&h);
    assert_eq!((g.as_str(), remaining), (group, 0));
    let body: Value = r.json().await.unwrap();
    assert_rc_error(429, &body, 429, "CMN-301");
}

#[tokio::test]
async fn headers_count_down_then_429_with_retry_after() {
    let w = World::with(limited_app(10).await).await;

    for want in [2, 1, 0] {
        let r = call(&w.app, LIGHT, &w.alice.token).await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            limits(r.headers()),
            ("Light".to_string(), 3, want, 60),
            "Light request"
        );
    }
    assert_throttled(call(&w.app, LIGHT, &w.alice.token).await, "Light").await;
    // Still blocked (each request during the penalty restarts it).
    assert_throttled(call(&w.app, LIGHT, &w.alice.token).await, "Light").await;

    // Groups are counted separately: Medium is untouched, and has its own limit.
    for want in [1, 0] {
        let r = call(&w.app, MEDIUM, &w.alice.token).await;
        assert_eq!(r.status(), 200);
        assert_eq!(limits(r.headers()), ("Medium".to_string(), 2, want, 60));
    }
    assert_throttled(call(&w.app, MEDIUM, &w.alice.token).await, "Medium").await;
}

#[tokio::test]
async fn a_throttled_request_does_nothing() {
    let w = World::with(limited_app(10).await).await;
    let chat = w.team("Quota", false, &[&w.bob]).await; // Medium 1 of 2
    let path = format!("/team-messaging/v1/chats/{chat}/posts");
    let (s, _) = w
        .app
        .post(&path, &w.alice.token, serde_json::json!({"text": "fits"}))
        .await; // Medium 2 of 2
    assert_eq!(s, 201);
    let (s, b) = w
        .app
        .post(&path, &w.alice.token, serde_json::json!({"text": "over"}))
        .await;
    assert_rc_error(s, &b, 429, "CMN-301");
    // Bob reads the chat: only the post that fitted is there.
    let (s, list) = w.app.get(&path, &w.bob.token).await;
    assert_eq!(s, 200, "{list}");
    let texts: Vec<&str> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] == "TextMessage")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["fits"]);
}

#[tokio::test]
async fn limits_are_per_app_and_user() {
    let w = World::with(limited_app(10).await).await;
    for _ in 0..3 {
        assert_eq!(call(&w.app, LIGHT, &w.alice.token).await.status(), 200);
    }
    assert_throttled(call(&w.app, LIGHT, &w.alice.token).await, "Light").await;

    // Bob, same app: his own budget.
    let r = call(&w.app, LIGHT, &w.bob.token).await;
    assert_eq!(r.status(), 200);
    assert_eq!(limits(r.headers()).2, 2);
    // Eve, another company's app: her own.
    let r = call(&w.app, LIGHT, &w.eve.token).await;
    assert_eq!(r.status(), 200);
    assert_eq!(limits(r.headers()).2, 2);

    // Alice through another app: a fresh budget too.
    let other = w.app.client(&w.acme, &["password"], &ALL_PERMISSIONS).await;
    let t = w.app.login(&other, "alice@acme.test").await;
    let r = call(&w.app, LIGHT, t["access_token"].as_str().unwrap()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(limits(r.headers()).2, 2);

    // A second session of Alice in the same app shares her budget.
    let t = w.app.login(&w.client, "alice@acme.test").await;
    assert_throttled(
        call(&w.app, LIGHT, t["access_token"].as_str().unwrap()).await,
        "Light",
    )
    .await;
}

#[tokio::test]
async fn off_sends_no_headers_and_never_throttles() {
    let w = World::new().await; // rate limits off
    for _ in 0..10 {
        let r = call(&w.app, LIGHT, &w.alice.token).await;
        assert_eq!(r.status(), 200);
        for h in [
            "x-rate-limit-group",
            "x-rate-limit-limit",
            "x-rate-limit-remaining",
            "x-rate-limit-window",
        ] {
            assert!(r.headers().get(h).is_none(), "{h} sent while off");
        }
    }
    // (Different logins: one login's wrong passwords lock it, rate limits or not.)
    for i in 0..10 {
        let r = w
            .app
            .password_grant(&w.client, &format!("nobody{i}@acme.test"), "wrong")
            .await;
        assert_eq!(r.status(), 400);
        assert!(r.headers().get("x-rate-limit-group").is_none());
    }
}

#[tokio::test]
async fn unthrottled_operations_carry_no_headers() {
    let w = World::with(limited_app(10).await).await;
    for path in ["/restapi", "/restapi/v1.0"] {
        for _ in 0..5 {
            let r = w.app.http.get(w.app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert!(r.headers().get("x-rate-limit-group").is_none(), "{path}");
        }
    }
}

#[tokio::test]
async fn the_auth_group_throttles_password_guessing() {
    let app = limited_app(3).await;
    let (acme, _) = app.account("Acme", "alice@acme.test").await;
    let client = app.client(&acme, &["password"], &["TeamMessaging"]).await;

    for (i, guess) in ["123456", "password", "letmein"].into_iter().enumerate() {
        let r = app.password_grant(&client, "alice@acme.test", guess).await;
        assert_eq!(r.status(), 400, "guess {i}");
        assert_eq!(
            limits(r.headers()),
            ("Auth".to_string(), 3, 2 - i as u32, 60)
        );
    }
    // Even the right password is refused now: the guesser learns nothing.
    let r = app
        .password_grant(&client, "alice@acme.test", PASSWORD)
        .await;
    assert_throttled(r, "Auth").await;
    // Other OAuth operations of the same group share the budget.
    let r = app
        .http
        .post(app.url("/restapi/oauth/revoke"))
        .form(&[("token", "x")])
        .send()
        .await
        .unwrap();
    assert_throttled(r, "Auth").await;
}
