//! The subscription API (`/restapi/v1.0/subscription`): create (shape, `~` normalised, lifetimes
//! clamped never refused), the WebHook `Validation-Token` handshake and its failures (`SUB-525`,
//! nothing stored), read, list (only the caller's, per person and app), update (every PUT
//! renews), renew, delete, permissions and bad input.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::chats::*;
use crate::helpers::*;

const SUB: &str = "/restapi/v1.0/subscription";
/// RingCentral's maximum lifetime of a WebHook subscription (10 years).
const MAX_WEBHOOK: i64 = 315_360_000;

fn sub_path(id: &Value) -> String {
    format!("{SUB}/{}", id.as_str().unwrap())
}

async fn put(app: &TestApp, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let rb = app.req(Method::PUT, path, token);
    send(match body {
        Some(b) => rb.json(&b),
        None => rb,
    })
    .await
}

async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    let (s, b) = app.get(SUB, token).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["uri"].as_str().unwrap().ends_with(SUB), "{b}");
    b["records"].as_array().unwrap().clone()
}

fn assert_uuid(v: &Value) {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    let parts: Vec<&str> = s.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12],
        "{s}"
    );
    assert!(s.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()), "{s}");
}

/// Asserts a `SubscriptionInfo` of an active, unencrypted WebHook subscription.
fn assert_webhook_info(v: &Value, address: &str) {
    assert_uuid(&v["id"]);
    assert!(
        v["uri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{SUB}/{}", v["id"].as_str().unwrap())),
        "{v}"
    );
    assert_eq!(v["status"], "Active", "{v}");
    assert_time(&v["creationTime"]);
    assert_time(&v["expirationTime"]);
    assert!(v["expiresIn"].is_i64(), "{v}");
    assert!(v["eventFilters"].is_array(), "{v}");
    assert_eq!(
        v["deliveryMode"],
        json!({"transportType": "WebHook", "encryption": false, "address": address}),
        "{v}"
    );
    assert!(v.get("blacklistedData").is_none(), "{v}");
}

#[tokio::test]
async fn create_answers_the_subscription_with_normalised_filters() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let filters = [
        "/restapi/v1.0/glip/posts",
        "/restapi/v1.0/glip/groups",
        "/team-messaging/v1/posts",
        "/team-messaging/v1/chats",
        "/team-messaging/v1/groups",
        "/restapi/v1.0/account/~/extension/~",
        "/restapi/v1.0/subscription/~?threshold=60&interval=15",
    ];
    let (s, b) = create_webhook(
        &w.app,
        &w.alice.token,
        &filters,
        &recv.url,
        json!({"expiresIn": 3600}),
    )
    .await;
    assert_eq!(s, 200, "RingCentral answers 200, not 201: {b}");
    assert_webhook_info(&b, &recv.url);
    assert_eq!(
        b["eventFilters"],
        json!([
            "/restapi/v1.0/glip/posts",
            "/restapi/v1.0/glip/groups",
            "/team-messaging/v1/posts",
            "/team-messaging/v1/chats",
            "/team-messaging/v1/groups",
            format!(
                "/restapi/v1.0/account/{}/extension/{}",
                w.acme.id,
                w.alice.id()
            ),
            // The renewal filter is echoed exactly: receivers compare the notification's `event`.
            "/restapi/v1.0/subscription/~?threshold=60&interval=15",
        ]),
        "{b}"
    );
    let expires_in = b["expiresIn"].as_i64().unwrap();
    assert!((3598..=3600).contains(&expires_in), "{b}");
    assert!(b["expirationTime"].as_str() > b["creationTime"].as_str());

    // The handshake: a POST with a Validation-Token, and nothing else before the answer.
    let h = recv.validation().await;
    assert!(!h.header("validation-token").unwrap().is_empty());
    assert!(h.header("verification-token").is_none());

    // It reads back the same.
    let (s, got) = w.app.get(&sub_path(&b["id"]), &w.alice.token).await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got["id"], b["id"]);
    assert_eq!(got["eventFilters"], b["eventFilters"]);
    assert_eq!(got["expirationTime"], b["expirationTime"]);
    assert_eq!(got["creationTime"], b["creationTime"]);
    assert_eq!(got["deliveryMode"], b["deliveryMode"]);

    // Explicit ids of one's own extension are accepted as they are.
    let own = format!(
        "/restapi/v1.0/account/{}/extension/{}",
        w.acme.id,
        w.alice.id()
    );
    let b = subscribe(&w.app, &w.alice.token, &[&own], &recv, json!({})).await;
    assert_eq!(b["eventFilters"], json!([own]));
    // The same filter twice is kept once.
    let b = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts", "/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;
    assert_eq!(b["eventFilters"], json!(["/team-messaging/v1/posts"]));
}

#[tokio::test]
async fn large_lifetimes_are_clamped_never_refused() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    // What bot frameworks send (ringcentral-chatbot-core, ringcentral-bot-framework), as numbers
    // and as strings; absent means RingCentral's 15 minutes; tiny ones get the minimum.
    for (asked, want) in [
        (json!(473040000), MAX_WEBHOOK),
        (json!(500000000), MAX_WEBHOOK),
        (json!("473040000"), MAX_WEBHOOK),
        (json!(1e12), MAX_WEBHOOK),
        (json!(604799), 604799),
        (json!(1799), 1799),
        (Value::Null, 900),
        (json!(5), 60),
    ] {
        let extra = if asked.is_null() {
            json!({})
        } else {
            json!({ "expiresIn": asked })
        };
        let b = subscribe(
            &w.app,
            &w.bob.token,
            &["/team-messaging/v1/posts"],
            &recv,
            extra,
        )
        .await;
        let got = b["expiresIn"].as_i64().unwrap();
        assert!(
            (want - 2..=want).contains(&got),
            "asked {asked}: got {got}, want {want}"
        );
        let (s, _) = w.app.delete(&sub_path(&b["id"]), &w.bob.token).await;
        assert_eq!(s, 204);
    }
}

#[tokio::test]
async fn a_failed_handshake_is_sub_525_and_stores_nothing() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let filters = ["/team-messaging/v1/posts"];
    for (how, why) in [
        (Handshake::NoEcho, "no echo"),
        (Handshake::Status(404), "not 200"),
        (Handshake::Status(500), "not 200"),
        (Handshake::Status(204), "not exactly 200"),
        (Handshake::Big(2000), "an answer over 1024 bytes"),
        (Handshake::Slow(Duration::from_millis(3500)), "over 3 s"),
    ] {
        recv.handshake(how.clone());
        let (s, b) = create_webhook(&w.app, &w.alice.token, &filters, &recv.url, json!({})).await;
        assert_rc_error(s, &b, 400, "SUB-525");
        assert!(
            b["message"]
                .as_str()
                .unwrap()
                .starts_with("WebHook server response is invalid"),
            "{why}: {b}"
        );
        // The handshake was tried once.
        recv.validation().await;
    }
    // An address nobody listens on.
    let closed = format!("http://127.0.0.1:{}/hook", openglip_testkit::free_port());
    let (s, b) = create_webhook(&w.app, &w.alice.token, &filters, &closed, json!({})).await;
    assert_rc_error(s, &b, 400, "SUB-525");

    // Nothing was stored, and nothing is delivered.
    assert!(list(&w.app, &w.alice.token).await.is_empty());
    assert_eq!(
        w.app
            .state()
            .store()
            .subscriptions_of(w.alice.ext.id, w.alice_app_id().await)
            .await
            .unwrap()
            .len(),
        0
    );
    let everyone = only_chat_of_type(&w, &w.alice, "Everyone").await;
    let (s, _) = post_text(&w, &w.alice, &everyone, "hello?").await;
    assert_eq!(s, 201);
    recv.assert_quiet(Duration::from_millis(500)).await;

    // A small answer that echoes is fine (receivers in the wild answer `{"result":"ok"}`).
    recv.handshake(Handshake::Big(100));
    subscribe(&w.app, &w.alice.token, &filters, &recv, json!({})).await;
}

impl World {
    /// The app id behind Alice's token.
    async fn alice_app_id(&self) -> openglip_domain::AppId {
        self.app
            .state()
            .store()
            .app_by_client_id(self.client.client_id.clone())
            .await
            .unwrap()
            .unwrap()
            .id
    }
}

#[tokio::test]
async fn every_put_renews_and_renew_extends() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let b = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({"expiresIn": 3600}),
    )
    .await;
    let path = sub_path(&b["id"]);
    let mut last = b["expirationTime"].as_str().unwrap().to_string();
    let mut later = |v: &Value| {
        let t = v["expirationTime"].as_str().unwrap().to_string();
        assert!(t > last, "{t} is not after {last}");
        last = t;
        assert!(
            (3598..=3600).contains(&v["expiresIn"].as_i64().unwrap()),
            "{v}"
        );
    };

    // An empty body, an empty object, the same filters: each renews and keeps everything else.
    for body in [
        None,
        Some(json!({})),
        Some(json!({"eventFilters": ["/team-messaging/v1/posts"]})),
    ] {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let (s, got) = put(&w.app, &path, &w.alice.token, body.clone()).await;
        assert_eq!(s, 200, "{body:?}: {got}");
        assert_webhook_info(&got, &recv.url);
        assert_eq!(got["id"], b["id"]);
        assert_eq!(got["creationTime"], b["creationTime"]);
        assert_eq!(got["eventFilters"], b["eventFilters"]);
        later(&got);
    }
    // A body of whitespace is an empty body.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (s, got) = send(
        w.app
            .req(Method::PUT, &path, &w.alice.token)
            .header("content-type", "application/json")
            .body("  \n"),
    )
    .await;
    assert_eq!(s, 200, "{got}");
    later(&got);

    // POST …/renew.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (s, got) = post_empty(&w, &format!("{path}/renew"), &w.alice.token).await;
    assert_eq!(s, 200, "{got}");
    assert_webhook_info(&got, &recv.url);
    later(&got);

    // PUT changes filters and lifetime; no new handshake for the same address.
    let (s, got) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(json!({
            "eventFilters": ["/restapi/v1.0/glip/posts", "/restapi/v1.0/account/~/extension/~"],
            "expiresIn": 500000000,
            "deliveryMode": {"transportType": "WebHook", "address": recv.url},
        })),
    )
    .await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(
        got["eventFilters"],
        json!([
            "/restapi/v1.0/glip/posts",
            format!(
                "/restapi/v1.0/account/{}/extension/{}",
                w.acme.id,
                w.alice.id()
            )
        ])
    );
    assert!(
        got["expiresIn"].as_i64().unwrap() >= MAX_WEBHOOK - 2,
        "{got}"
    );
    // …and a renewal keeps the lifetime asked for last.
    let (s, got) = post_empty(&w, &format!("{path}/renew"), &w.alice.token).await;
    assert_eq!(s, 200, "{got}");
    assert!(
        got["expiresIn"].as_i64().unwrap() >= MAX_WEBHOOK - 2,
        "{got}"
    );
    recv.assert_quiet(Duration::from_millis(300)).await;
    // The new filters take effect at once.
    let everyone = only_chat_of_type(&w, &w.alice, "Everyone").await;
    let (s, _) = post_text(&w, &w.alice, &everyone, "filtered anew").await;
    assert_eq!(s, 201);
    let n = recv.notification().await;
    assert_eq!(n["event"], "/restapi/v1.0/glip/posts", "{n}");
    assert_eq!(n["body"]["text"], "filtered anew");
    recv.assert_quiet(Duration::from_millis(200)).await;

    // Bad updates change nothing.
    let (s, e) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(json!({"eventFilters": ["/restapi/v1.0/nope"]})),
    )
    .await;
    assert_rc_error(s, &e, 400, "SUB-508");
    let (s, e) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(json!({"eventFilters": []})),
    )
    .await;
    assert_eq!(s, 400, "{e}");
    let (s, now) = w.app.get(&path, &w.alice.token).await;
    assert_eq!(s, 200);
    assert_eq!(now["eventFilters"], got["eventFilters"]);
}

#[tokio::test]
async fn a_new_address_is_validated_and_receives_from_then_on() {
    let w = World::new().await;
    let first = Receiver::start().await;
    let second = Receiver::start().await;
    let b = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &first,
        json!({}),
    )
    .await;
    let path = sub_path(&b["id"]);
    let everyone = only_chat_of_type(&w, &w.alice, "Everyone").await;

    // A new address that fails the handshake: SUB-525, and the subscription is unchanged.
    second.handshake(Handshake::NoEcho);
    let (s, e) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(json!({"deliveryMode": {"transportType": "WebHook", "address": second.url}})),
    )
    .await;
    assert_rc_error(s, &e, 400, "SUB-525");
    second.validation().await;
    let (_, now) = w.app.get(&path, &w.alice.token).await;
    assert_eq!(now["deliveryMode"]["address"], first.url);
    let (s, _) = post_text(&w, &w.alice, &everyone, "one").await;
    assert_eq!(s, 201);
    assert_eq!(first.notification().await["body"]["text"], "one");

    // One that answers: the handshake goes to it, and deliveries follow.
    second.handshake(Handshake::Echo);
    let (s, got) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(
            json!({"deliveryMode": {"transportType": "WebHook", "address": second.url,
                                      "verificationToken": "second-secret"}}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got["deliveryMode"]["address"], second.url);
    second.validation().await;
    let (s, _) = post_text(&w, &w.alice, &everyone, "two").await;
    assert_eq!(s, 201);
    let h = second.next().await;
    assert_eq!(h.json()["body"]["text"], "two");
    assert_eq!(h.header("verification-token"), Some("second-secret"));
    first.assert_quiet(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn delete_cancels_and_only_the_owner_sees_a_subscription() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let filters = ["/team-messaging/v1/posts"];
    let a1 = subscribe(&w.app, &w.alice.token, &filters, &recv, json!({})).await;
    let a2 = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/chats"],
        &recv,
        json!({}),
    )
    .await;
    let bob = subscribe(&w.app, &w.bob.token, &filters, &recv, json!({})).await;
    let eve = subscribe(&w.app, &w.eve.token, &filters, &recv, json!({})).await;
    // Alice through another app of Acme.
    let other_app = w.app.client(&w.acme, &["password"], &ALL_PERMISSIONS).await;
    let alice_elsewhere = w.app.logged_in(&other_app, w.alice.ext.clone()).await;
    let a3 = subscribe(&w.app, &alice_elsewhere.token, &filters, &recv, json!({})).await;

    let ids = |v: Vec<Value>| v.iter().map(|s| s["id"].clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(list(&w.app, &w.alice.token).await),
        [a1["id"].clone(), a2["id"].clone()]
    );
    assert_eq!(
        ids(list(&w.app, &alice_elsewhere.token).await),
        [a3["id"].clone()]
    );
    assert_eq!(ids(list(&w.app, &w.bob.token).await), [bob["id"].clone()]);
    assert_eq!(ids(list(&w.app, &w.carol.token).await), Vec::<Value>::new());
    for r in list(&w.app, &w.alice.token).await {
        assert_webhook_info(&r, &recv.url);
    }

    // Someone else's subscription does not exist for you: not even through your other app.
    for (sub, token) in [
        (&bob, &w.alice.token),
        (&a1, &w.bob.token),
        (&a1, &w.eve.token),
        (&eve, &w.alice.token),
        (&a3, &w.alice.token),
        (&a1, &alice_elsewhere.token),
    ] {
        let path = sub_path(&sub["id"]);
        let (s, e) = w.app.get(&path, token).await;
        assert_rc_error(s, &e, 404, "CMN-102");
        let (s, e) = put(&w.app, &path, token, None).await;
        assert_rc_error(s, &e, 404, "CMN-102");
        let (s, e) = post_empty(&w, &format!("{path}/renew"), token).await;
        assert_rc_error(s, &e, 404, "CMN-102");
        let (s, e) = w.app.delete(&path, token).await;
        assert_rc_error(s, &e, 404, "CMN-102");
    }
    let (s, e) = w
        .app
        .get(&format!("{SUB}/no-such-id"), &w.alice.token)
        .await;
    assert_rc_error(s, &e, 404, "CMN-102");

    // Delete: 204 without a body, then gone.
    let path = sub_path(&a1["id"]);
    let r = w
        .app
        .req(Method::DELETE, &path, &w.alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.text().await.unwrap().is_empty());
    let (s, e) = w.app.get(&path, &w.alice.token).await;
    assert_rc_error(s, &e, 404, "CMN-102");
    let (s, e) = w.app.delete(&path, &w.alice.token).await;
    assert_rc_error(s, &e, 404, "CMN-102");
    assert_eq!(ids(list(&w.app, &w.alice.token).await), [a2["id"].clone()]);
    // The others are untouched.
    let (s, _) = w.app.get(&sub_path(&bob["id"]), &w.bob.token).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn permissions() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let token = |perms: &'static [&'static str]| {
        let w = &w;
        async move {
            let app = w.app.client(&w.acme, &["password"], perms).await;
            w.app.logged_in(&app, w.alice.ext.clone()).await.token
        }
    };

    // WebHook delivery needs SubscriptionWebhook: 403 CMN-401 naming it; no handshake is sent.
    let t = token(&["TeamMessaging", "ReadAccounts"]).await;
    let (s, e) = create_webhook(
        &w.app,
        &t,
        &["/team-messaging/v1/posts"],
        &recv.url,
        json!({}),
    )
    .await;
    assert_rc_error(s, &e, 403, "CMN-401");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("[SubscriptionWebhook]"),
        "{e}"
    );
    recv.assert_quiet(Duration::from_millis(200)).await;

    // Team Messaging filters need TeamMessaging: SUB-508.
    let t = token(&["SubscriptionWebhook", "ReadAccounts"]).await;
    for f in [
        "/restapi/v1.0/glip/posts",
        "/restapi/v1.0/glip/groups",
        "/team-messaging/v1/posts",
        "/team-messaging/v1/chats",
        "/team-messaging/v1/groups",
    ] {
        let (s, e) = create_webhook(&w.app, &t, &[f], &recv.url, json!({})).await;
        assert_rc_error(s, &e, 400, "SUB-508");
        assert!(e["message"].as_str().unwrap().contains(f), "{e}");
    }
    // …but the extension filter needs only ReadAccounts.
    subscribe(
        &w.app,
        &t,
        &["/restapi/v1.0/account/~/extension/~"],
        &recv,
        json!({}),
    )
    .await;

    // The extension filter needs ReadAccounts.
    let t = token(&["SubscriptionWebhook", "TeamMessaging"]).await;
    let (s, e) = create_webhook(
        &w.app,
        &t,
        &[
            "/team-messaging/v1/posts",
            "/restapi/v1.0/account/~/extension/~",
        ],
        &recv.url,
        json!({}),
    )
    .await;
    assert_rc_error(s, &e, 400, "SUB-508");
    subscribe(&w.app, &t, &["/team-messaging/v1/posts"], &recv, json!({})).await;

    // No token at all.
    let (s, e) = send(
        w.app
            .http
            .post(w.app.url(SUB))
            .json(&json!({"eventFilters": ["/team-messaging/v1/posts"]})),
    )
    .await;
    assert_rc_error(s, &e, 401, "CMN-405");
    recv.assert_quiet(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn bad_input() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let hook = json!({"transportType": "WebHook", "address": recv.url});
    let posts = json!(["/team-messaging/v1/posts"]);
    for (body, status, code, param) in [
        (
            json!({"deliveryMode": hook}),
            400,
            "CMN-100",
            Some("eventFilters"),
        ),
        (
            json!({"eventFilters": [], "deliveryMode": hook}),
            400,
            "CMN-100",
            Some("eventFilters"),
        ),
        (
            json!({"eventFilters": posts}),
            400,
            "CMN-100",
            Some("deliveryMode"),
        ),
        (
            json!({"eventFilters": posts, "deliveryMode": {"address": recv.url}}),
            400,
            "CMN-100",
            Some("deliveryMode.transportType"),
        ),
        (
            json!({"eventFilters": posts, "deliveryMode": {"transportType": "WebHook"}}),
            400,
            "CMN-100",
            Some("deliveryMode.address"),
        ),
        (
            json!({"eventFilters": posts, "deliveryMode": {"transportType": "WebHook", "address": ""}}),
            400,
            "CMN-100",
            Some("deliveryMode.address"),
        ),
        (
            json!({"eventFilters": posts, "deliveryMode": {"transportType": "WebHook", "address": "not a url"}}),
            400,
            "CMN-101",
            Some("deliveryMode.address"),
        ),
        (
            json!({"eventFilters": posts, "deliveryMode": {"transportType": "WebHook", "address": "ftp://example.com/x"}}),
            400,
            "CMN-101",
            Some("deliveryMode.address"),
        ),
        (
            json!({"eventFilters": posts, "deliveryMode": hook, "expiresIn": -5}),
            400,
            "CMN-101",
            Some("expiresIn"),
        ),
        (
            json!({"eventFilters": posts, "deliveryMode": hook, "expiresIn": "soon"}),
            400,
            "CMN-101",
            Some("expiresIn"),
        ),
        (
            json!({"eventFilters": posts, "deliveryMode": {"transportType": "WebHook", "address": recv.url, "encryption": "maybe"}}),
            400,
            "CMN-101",
            Some("deliveryMode.encryption"),
        ),
        (
            json!({"eventFilters": "/team-messaging/v1/posts", "deliveryMode": hook}),
            400,
            "CMN-101",
            Some("eventFilters"),
        ),
    ] {
        let (s, e) = w.app.post(SUB, &w.alice.token, body.clone()).await;
        assert_rc_error(s, &e, status, code);
        if let Some(p) = param {
            assert_eq!(e["errors"][0]["parameterName"], p, "{body}: {e}");
        }
    }

    // Unknown, malformed or someone else's filters: SUB-508 naming the filter.
    for f in [
        "/restapi/v1.0/glip/nope",
        "/team-messaging/v1/teams",
        "/restapi/v1.0/account/~/extension/~/message-store",
        "/restapi/v1.0/account/~/extension/~/presence",
        "/restapi/v1.0/glip/posts?groupId=1",
        "/restapi/v1.0/subscription/~",
        "/restapi/v1.0/subscription/~?threshold=10&interval=60",
        "/restapi/v1.0/subscription/~?threshold=x&interval=1",
        "posts",
        "",
    ] {
        let (s, e) = w
            .app
            .post(
                SUB,
                &w.alice.token,
                json!({"eventFilters": [f], "deliveryMode": hook}),
            )
            .await;
        assert_rc_error(s, &e, 400, "SUB-508");
        assert!(e["message"].as_str().unwrap().contains(f), "{f}: {e}");
    }
    for f in [
        format!("/restapi/v1.0/account/~/extension/{}", w.bob.id()),
        format!("/restapi/v1.0/account/{}/extension/~", w.globex.id),
        format!(
            "/restapi/v1.0/account/{}/extension/{}",
            w.globex.id,
            w.eve.id()
        ),
    ] {
        let (s, e) = w
            .app
            .post(
                SUB,
                &w.alice.token,
                json!({"eventFilters": [f], "deliveryMode": hook}),
            )
            .await;
        assert_rc_error(s, &e, 400, "SUB-508");
    }
    // One bad filter among good ones refuses the whole request.
    let (s, e) = w
        .app
        .post(
            SUB,
            &w.alice.token,
            json!({"eventFilters": ["/team-messaging/v1/posts", "/nope"], "deliveryMode": hook}),
        )
        .await;
    assert_rc_error(s, &e, 400, "SUB-508");

    // Malformed JSON, a body that is not an object.
    let (s, e) = send(
        w.app
            .req(Method::POST, SUB, &w.alice.token)
            .header("content-type", "application/json")
            .body("{\"eventFilters\": ["),
    )
    .await;
    assert_rc_error(s, &e, 400, "CMN-103");

    // PubNub (the overview's transport) and other transports: a clear error naming what is
    // supported.
    for t in ["PubNub", "RC/APNS", "Carrier Pigeon"] {
        let (s, e) = w
            .app
            .post(
                SUB,
                &w.alice.token,
                json!({"eventFilters": ["/restapi/v1.0/glip/posts"],
                       "deliveryMode": {"transportType": t, "encryption": "true"}}),
            )
            .await;
        assert_eq!(s, 400, "{e}");
        let msg = e["message"].as_str().unwrap();
        assert!(msg.contains(t), "{msg}");
        assert!(
            msg.contains("WebHook") && msg.contains("WebSocket"),
            "{msg}"
        );
    }
    // WebSocket subscriptions are made over a WebSocket connection, not by REST.
    let (s, e) = w
        .app
        .post(
            SUB,
            &w.alice.token,
            json!({"eventFilters": posts, "deliveryMode": {"transportType": "WebSocket"}}),
        )
        .await;
    assert_rc_error(s, &e, 400, "CMN-101");
    assert!(e["message"].as_str().unwrap().contains("WebSocket"), "{e}");

    // None of it reached the receiver or was stored.
    recv.assert_quiet(Duration::from_millis(200)).await;
    assert!(list(&w.app, &w.alice.token).await.is_empty());
}

#[tokio::test]
async fn private_and_plain_http_addresses_are_refused_unless_allowed() {
    let app = spawn_app_with(openglip_server::ServerConfig {
        public_url: None,
        rate_limits: openglip_server::RateLimitConfig::off(),
        realtime: openglip_server::realtime::RealtimeConfig {
            allow_private_webhooks: false,
            ..test_realtime()
        },
        ..Default::default()
    })
    .await;
    let w = World::with(app).await;
    let recv = Receiver::start().await;
    let port = recv
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    for address in [
        recv.url.clone(),
        format!("https://127.0.0.1:{port}/hook"),
        format!("https://localhost:{port}/hook"),
        format!("https://[::1]:{port}/hook"),
        "https://10.1.2.3/hook".to_string(),
        "https://192.168.0.10/hook".to_string(),
        "https://169.254.169.254/latest/meta-data".to_string(),
        "http://hooks.example.com/hook".to_string(),
        "https://user:pw@hooks.example.com/hook".to_string(),
    ] {
        let (s, e) = create_webhook(
            &w.app,
            &w.alice.token,
            &["/team-messaging/v1/posts"],
            &address,
            json!({}),
        )
        .await;
        assert_rc_error(s, &e, 400, "CMN-101");
        assert_eq!(
            e["errors"][0]["parameterName"], "deliveryMode.address",
            "{e}"
        );
    }
    recv.assert_quiet(Duration::from_millis(200)).await;
    assert!(list(&w.app, &w.alice.token).await.is_empty());
}

#[tokio::test]
async fn encryption_gives_an_aes_key() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    for asked in [json!(true), json!("true"), json!("TRUE")] {
        let b = subscribe(
            &w.app,
            &w.alice.token,
            &["/team-messaging/v1/posts"],
            &recv,
            json!({"deliveryMode": {"encryption": asked}}),
        )
        .await;
        let dm = &b["deliveryMode"];
        assert_eq!(dm["encryption"], true, "{b}");
        assert_eq!(dm["encryptionAlgorithm"], "AES", "{b}");
        let key = base64_key(dm);
        assert_eq!(key.len(), 16);
        // The key reads back the same.
        let (_, got) = w.app.get(&sub_path(&b["id"]), &w.alice.token).await;
        assert_eq!(got["deliveryMode"], *dm);
    }
    for asked in [json!(false), json!("false"), Value::Null] {
        let b = subscribe(
            &w.app,
            &w.alice.token,
            &["/team-messaging/v1/posts"],
            &recv,
            json!({"deliveryMode": {"encryption": asked}}),
        )
        .await;
        assert_eq!(b["deliveryMode"]["encryption"], false, "{b}");
        assert!(b["deliveryMode"].get("encryptionKey").is_none(), "{b}");
        assert!(
            b["deliveryMode"].get("encryptionAlgorithm").is_none(),
            "{b}"
        );
    }
}

/// The 16-byte AES key of an encrypted subscription's `deliveryMode`.
pub fn base64_key(dm: &Value) -> [u8; 16] {
    use base64::Engine;
    let k = base64::engine::general_purpose::STANDARD
        .decode(dm["encryptionKey"].as_str().expect("encryptionKey"))
        .expect("the key is base64");
    k.try_into().expect("a 128-bit key")
}

#[tokio::test]
async fn the_number_of_subscriptions_is_limited() {
    let app = spawn_app_with(openglip_server::ServerConfig {
        public_url: None,
        rate_limits: openglip_server::RateLimitConfig::off(),
        realtime: openglip_server::realtime::RealtimeConfig {
            max_subscriptions: 2,
            ..test_realtime()
        },
        ..Default::default()
    })
    .await;
    let w = World::with(app).await;
    let recv = Receiver::start().await;
    let f = ["/team-messaging/v1/posts"];
    let first = subscribe(&w.app, &w.alice.token, &f, &recv, json!({})).await;
    subscribe(&w.app, &w.alice.token, &f, &recv, json!({})).await;
    let (s, e) = create_webhook(&w.app, &w.alice.token, &f, &recv.url, json!({})).await;
    assert_eq!(s, 400, "{e}");
    recv.assert_quiet(Duration::from_millis(200)).await;
    // Per person: Bob may still subscribe; and a deleted one frees its place.
    subscribe(&w.app, &w.bob.token, &f, &recv, json!({})).await;
    let (s, _) = w.app.delete(&sub_path(&first["id"]), &w.alice.token).await;
    assert_eq!(s, 204);
    subscribe(&w.app, &w.alice.token, &f, &recv, json!({})).await;
}

#[tokio::test]
async fn the_verification_token_is_kept_changed_or_removed() {
    let w = World::new().await;
    let recv = Receiver::start().await;
    let b = subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({"deliveryMode": {"verificationToken": "first"}}),
    )
    .await;
    let path = sub_path(&b["id"]);
    let everyone = only_chat_of_type(&w, &w.alice, "Everyone").await;
    // The token on the delivery of a new post. A change of the WebHook starts a new delivery
    // worker from the saved cursor, so an event delivered just before may come again (at least
    // once, with the same `uuid`): those repeats are skipped.
    let token_of_next_delivery = || async {
        let (s, post) = post_text(&w, &w.alice, &everyone, "x").await;
        assert_eq!(s, 201);
        loop {
            let h = recv.next().await;
            assert!(h.ok() && !h.is_validation(), "{h:?}");
            if h.json()["body"]["id"] == post["id"] {
                return h.header("verification-token").map(str::to_string);
            }
        }
    };
    assert_eq!(token_of_next_delivery().await.as_deref(), Some("first"));
    // A renewal that repeats the address (as bot frameworks do) keeps the token; no handshake.
    let same = json!({"transportType": "WebHook", "address": recv.url});
    let (s, got) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(json!({"deliveryMode": same})),
    )
    .await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(token_of_next_delivery().await.as_deref(), Some("first"));
    // A new one replaces it.
    let (s, _) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(json!({"deliveryMode": {"transportType": "WebHook", "address": recv.url, "verificationToken": "second"}})),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(token_of_next_delivery().await.as_deref(), Some("second"));
    // An empty one removes it.
    let (s, _) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(json!({"deliveryMode": {"transportType": "WebHook", "address": recv.url, "verificationToken": ""}})),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(token_of_next_delivery().await, None);
    // Too long: refused, before any handshake, on create and on update.
    let long = "t".repeat(257);
    let (s, e) = put(
        &w.app,
        &path,
        &w.alice.token,
        Some(json!({"deliveryMode": {"transportType": "WebHook", "address": recv.url, "verificationToken": long}})),
    )
    .await;
    assert_rc_error(s, &e, 400, "CMN-409");
    let (s, e) = create_webhook(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv.url,
        json!({"deliveryMode": {"verificationToken": long}}),
    )
    .await;
    assert_rc_error(s, &e, 400, "CMN-409");
    recv.assert_quiet(Duration::from_millis(200)).await;
    assert_eq!(token_of_next_delivery().await, None);
}
