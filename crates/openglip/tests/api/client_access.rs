//! Who may ask the web client for what, checked before any handler runs (the `Viewer` and
//! `Action` extractors): a page asked for while signed out answers with the sign-in form and
//! comes back to that page; the script is told 401 in RingCentral's error body; a write must
//! carry the CSRF token and come from this origin, and `Origin: null` is not this origin.

use serde_json::Value;

use crate::client::{post_count, signed_in};
use crate::helpers::*;
use crate::web::*;

#[tokio::test]
async fn signing_in_comes_back_to_the_page_asked_for() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let b = w.app.browser();
    let here = format!("/c/{team}/details?tab=members");
    let p = b.get(&here).await;
    assert_eq!(p.status, 200);
    assert!(p.has("name=\"password\""), "{}", p.body);
    assert_eq!(unescape(&p.input("next")), here);
    let next = unescape(&p.input("next"));
    let p = b
        .post(
            "/signin",
            &[
                ("login", w.alice.email.as_str()),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some(here.as_str()));
    assert!(b.get(&here).await.has("Members (2)"));

    // The script, signed out, is told so in RingCentral's error body.
    let anon = w.app.browser();
    let (p, _) = anon.fetch_get("/app/rail").await;
    assert_eq!(p.status, 401, "{}", p.body);
    let v: Value = serde_json::from_str(&p.body).unwrap();
    assert!(v["errorCode"].is_string() && v["errors"].is_array(), "{v}");
    let (p, _) = anon.fetch_get("/app/people?q=a").await;
    assert_eq!(p.status, 401, "{}", p.body);

    // A form posted while signed out writes nothing and asks to sign in.
    anon.get("/").await;
    let p = anon
        .post(&format!("/c/{team}/posts"), &[("text", "hello")])
        .await;
    assert!(p.has("name=\"password\""), "{}", p.body);
    assert_eq!(post_count(&w, &team).await, 0);
}

#[tokio::test]
async fn writes_from_a_null_origin_are_refused() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let alice = signed_in(&w.app, &w.alice.email).await;
    let cookies = format!(
        "og_session={}; og_csrf={}",
        alice.cookie("og_session").unwrap(),
        alice.cookie("og_csrf").unwrap()
    );
    let token = alice.cookie("og_csrf").unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let send = |origin: &'static str, fetch: bool| {
        let mut r = http
            .post(w.app.url(&format!("/c/{team}/posts")))
            .header("cookie", &cookies)
            .header("origin", origin);
        r = if fetch {
            r.header("x-csrf-token", &token)
                .form(&[("text", "from a sandboxed frame")])
        } else {
            r.form(&[
                ("_csrf", token.as_str()),
                ("text", "from a sandboxed frame"),
            ])
        };
        r.send()
    };
    // A form and a `fetch`, with the right token, from `Origin: null`.
    for fetch in [false, true] {
        let r = send("null", fetch).await.unwrap();
        assert_eq!(r.status(), 403, "fetch: {fetch}");
    }
    assert_eq!(post_count(&w, &team).await, 0);
    // The same from this origin is written.
    let r = send_ok(&http, &w, &team, &cookies, &token).await;
    assert_eq!(r, 303);
    assert_eq!(post_count(&w, &team).await, 1);

    // The client's pages tell the browser to send their origin with their own forms.
    let page = http
        .get(w.app.url("/"))
        .header("cookie", &cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
}

async fn send_ok(http: &reqwest::Client, w: &World, team: &str, cookies: &str, token: &str) -> u16 {
    let origin = w.app.url("");
    http.post(w.app.url(&format!("/c/{team}/posts")))
        .header("cookie", cookies)
        .header("origin", origin.trim_end_matches('/'))
        .form(&[("_csrf", token), ("text", "from the page")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
