//! A poisoned event (issue 15, item 7): a receiver that answers 500 to one notification, as
//! RingCentral's bot framework does to a body it cannot parse, does not hold up the ones after
//! it. The notification is retried for `event_retry_for`, then given up on: listed through the
//! console's JSON API with its body, and delivered again on request; the subscription stays
//! active (blacklisting is for a receiver that refuses everything).

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;

const TM: &str = "/team-messaging/v1";

/// A developer's app (created in the console, so its undeliverable notifications are hers to
/// see) with a WebHook subscription to posts of her sandbox account, and a post-making token.
struct Setup {
    w: World,
    dev: String,
    client_id: String,
    token: String,
    chat: String,
    sub: Value,
}

async fn setup(recv: &Receiver) -> Setup {
    let app = spawn_app_with(openglip_server::ServerConfig {
        realtime: openglip_server::realtime::RealtimeConfig {
            event_retry_for: Duration::from_millis(500),
            retry_base: Duration::from_millis(50),
            retry_max: Duration::from_millis(100),
            blacklist_after: Duration::from_secs(120),
            ..test_realtime()
        },
        ..openglip_testkit::test_config()
    })
    .await;
    let w = World::with(app).await;
    let (s, session) = send(
        w.app
            .http
            .post(w.app.url("/console/api/session"))
            .json(&json!({"login": "alice@acme.test", "password": PASSWORD})),
    )
    .await;
    assert_eq!(s, 200, "{session}");
    let dev = session["token"].as_str().unwrap().to_string();
    let (s, created) = w
        .app
        .post(
            "/console/api/apps",
            &dev,
            json!({
                "type": "RestApi", "name": "Poisoned", "description": "WebHook receiver",
                "contactEmail": "alice@acme.test", "clientType": "ServerSide",
                "grants": ["password"], "redirectUris": [],
                "permissions": ["SubscriptionWebhook", "TeamMessaging"],
            }),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let (s, sandbox) = w
        .app
        .post(
            "/console/api/sandbox",
            &dev,
            json!({"password": "sandbox-secret"}),
        )
        .await;
    assert_eq!(s, 201, "{sandbox}");
    let client = Client {
        client_id: created["clientId"].as_str().unwrap().to_string(),
        secret: created["clientSecret"].as_str().map(str::to_string),
    };
    let login = format!("{}*101", sandbox["mainNumber"].as_str().unwrap());
    let r = w
        .app
        .password_grant(&client, &login, "sandbox-secret")
        .await;
    assert_eq!(r.status(), 200);
    let token = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, everyone) = w.app.get(&format!("{TM}/everyone"), &token).await;
    assert_eq!(s, 200, "{everyone}");
    let sub = subscribe(&w.app, &token, &[&format!("{TM}/posts")], recv, json!({})).await;
    Setup {
        chat: everyone["id"].as_str().unwrap().to_string(),
        w,
        dev,
        client_id: client.client_id,
        token,
        sub,
    }
}

impl Setup {
    async fn post(&self, text: &str) {
        let (s, b) = self
            .w
            .app
            .post(
                &format!("{TM}/chats/{}/posts", self.chat),
                &self.token,
                json!({ "text": text }),
            )
            .await;
        assert_eq!(s, 201, "{b}");
    }

    async fn undeliverable(&self) -> Vec<Value> {
        let (s, b) = self
            .w
            .app
            .get(
                &format!("/console/api/apps/{}/undeliverable", self.client_id),
                &self.dev,
            )
            .await;
        assert_eq!(s, 200, "{b}");
        b["records"].as_array().unwrap().clone()
    }

    async fn redeliver(&self, id: &str) -> (u16, Value) {
        self.w
            .app
            .post(
                &format!(
                    "/console/api/apps/{}/undeliverable/{id}/redeliver",
                    self.client_id
                ),
                &self.dev,
                json!({}),
            )
            .await
    }
}

/// The text of the post a notification is about.
fn text_of(h: &Hit) -> String {
    h.json()["body"]["text"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn a_poisoned_event_is_set_aside_and_later_events_flow() {
    let recv = Receiver::start().await;
    let s = setup(&recv).await;
    recv.refuse_containing(Some("poison"));
    s.post("poison pill").await;
    s.post("after one").await;
    s.post("after two").await;

    // The poisoned one is tried (and refused) for a while, then the next ones are delivered, in
    // order, within seconds.
    let mut refused = 0;
    let mut delivered = Vec::new();
    while delivered.len() < 2 {
        let hit = recv
            .try_next(Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("later events not delivered: {delivered:?}"));
        if hit.ok() {
            delivered.push(text_of(&hit));
        } else {
            assert_eq!(hit.answered, 500);
            assert_eq!(text_of(&hit), "poison pill");
            refused += 1;
        }
    }
    assert!(refused >= 2, "retried before being given up on: {refused}");
    assert_eq!(delivered, ["after one", "after two"]);

    // Listed, with what was posted; the subscription is still active.
    let listed = s.undeliverable().await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let entry = &listed[0];
    assert_eq!(entry["subscriptionId"], s.sub["id"]);
    assert!(entry["reason"].as_str().unwrap().contains("500"), "{entry}");
    let body: Value = serde_json::from_str(entry["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["body"]["text"], "poison pill");
    assert_time(&entry["failedAt"]);
    let (_, sub) =
        s.w.app
            .get(
                &format!(
                    "/restapi/v1.0/subscription/{}",
                    s.sub["id"].as_str().unwrap()
                ),
                &s.token,
            )
            .await;
    assert_eq!(sub["status"], "Active", "{sub}");

    // Delivered again while the receiver still refuses it: kept, with the receiver's answer.
    let id = entry["id"].as_str().unwrap().to_string();
    let (status, b) = s.redeliver(&id).await;
    assert_rc_error(status, &b, 502, "SUB-529");
    assert_eq!(recv.next().await.answered, 500);
    assert_eq!(s.undeliverable().await.len(), 1);

    // Fixed: delivered again, the same notification, and forgotten.
    recv.refuse_containing(None);
    let (status, b) = s.redeliver(&id).await;
    assert_eq!(status, 204, "{b}");
    let hit = recv.next().await;
    assert!(hit.ok());
    assert_eq!(hit.json()["uuid"], body["uuid"]);
    assert!(s.undeliverable().await.is_empty());
    let (status, b) = s.redeliver(&id).await;
    assert_rc_error(status, &b, 404, "CMN-102");

    // Delivery goes on as usual.
    s.post("later still").await;
    assert_eq!(recv.notification().await["body"]["text"], "later still");
}

/// Another developer neither sees nor redelivers them.
#[tokio::test]
async fn only_the_apps_developer_sees_its_undeliverable_events() {
    let recv = Receiver::start().await;
    let s = setup(&recv).await;
    let (st, session) = send(
        s.w.app
            .http
            .post(s.w.app.url("/console/api/session"))
            .json(&json!({"login": "bob@acme.test", "password": PASSWORD})),
    )
    .await;
    assert_eq!(st, 200, "{session}");
    let bob = session["token"].as_str().unwrap();
    let (st, b) =
        s.w.app
            .get(
                &format!("/console/api/apps/{}/undeliverable", s.client_id),
                bob,
            )
            .await;
    assert_rc_error(st, &b, 404, "CMN-102");
}

/// Issue 15: a subscription whose two filters match one event gets two notifications; a crash
/// after the first was accepted and before the second was must not lose the second (the cursor
/// passes an event only once its last notification is accepted).
#[tokio::test]
async fn two_filters_on_one_event_lose_nothing_in_a_crash() {
    let mut w = World::with(spawn_app().await).await;
    let recv = Receiver::start().await;
    let legacy = "/restapi/v1.0/glip/posts";
    subscribe(
        &w.app,
        &w.alice.token,
        &[&format!("{TM}/posts"), legacy],
        &recv,
        json!({}),
    )
    .await;
    // The legacy filter's notification is refused until the crash.
    recv.refuse_containing(Some(&format!("\"event\":\"{legacy}\"")));
    // Let the worker's periodic cursor save come due before the event.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (s, chat) = w.app.get(&format!("{TM}/everyone"), &w.alice.token).await;
    assert_eq!(s, 200, "{chat}");
    let (s, post) = w
        .app
        .post(
            &format!("{TM}/chats/{}/posts", chat["id"].as_str().unwrap()),
            &w.alice.token,
            json!({"text": "two ways"}),
        )
        .await;
    assert_eq!(s, 201, "{post}");
    let mut accepted = 0;
    let mut refused = 0;
    while accepted < 1 || refused < 2 {
        let hit = recv
            .try_next(Duration::from_secs(10))
            .await
            .expect("both notifications tried");
        if hit.ok() {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    // The accepted one's cursor save has had its chance; then the crash.
    tokio::time::sleep(Duration::from_millis(400)).await;
    w.app.stop();
    recv.refuse_containing(None);
    while recv.try_next(Duration::from_millis(200)).await.is_some() {}
    w.app.restart().await;
    let mut events = Vec::new();
    while !events.iter().any(|e| e == legacy) {
        let hit = recv
            .try_next(Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("the second notification was lost: {events:?}"));
        assert!(hit.ok());
        let n = hit.json();
        assert_eq!(n["body"]["text"], "two ways");
        events.push(n["event"].as_str().unwrap().to_string());
    }
}
