//! Interactive messages: a bot posts an Adaptive Card, a member of the chat presses its
//! `Action.Submit` in the web client, and the app's outbound URL receives RingCentral's
//! `button_submit` body signed with the app's shared secret (`X-Glip-Signature`); refused for
//! someone outside the chat, and with a clear reason for a card no app takes answers to. The
//! delivery is retried, survives a restart, and its state is the submitter's to read. The
//! console's "Interactive Messages" page keeps the settings.

use openglip_domain::interactive::InteractiveSettings;
use openglip_domain::{AppId, Timestamp};
use openglip_testkit::Browser;
use serde_json::{Value, json};

use crate::client::signed_in;
use crate::helpers::*;

const SECRET: &str = "the-shared-secret";

/// An operator's bot of Acme, in a team with Alice and Bob, that posted a card there; its app.
struct Setup {
    w: World,
    bot: User,
    app: AppId,
    client_id: String,
    team: String,
    card: String,
}

async fn setup() -> Setup {
    setup_in(World::new().await).await
}

async fn setup_in(w: World) -> Setup {
    let (ext, app, token) = w
        .app
        .state()
        .platform()
        .create_bot(w.acme.id, "Poll Bot")
        .await
        .unwrap();
    let bot = User {
        ext,
        email: String::new(),
        token,
    };
    let team = w.team("Lunch", false, &[&w.bob, &bot]).await;
    let (s, card) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/adaptive-cards"),
            &bot.token,
            json!({
                "type": "AdaptiveCard", "version": "1.3",
                "body": [
                    {"type": "TextBlock", "text": "Where shall we eat?"},
                    {"type": "Input.ChoiceSet", "id": "place", "choices": [
                        {"title": "Pizza", "value": "pizza"}, {"title": "Sushi", "value": "sushi"}]},
                    {"type": "Input.Text", "id": "note"}
                ],
                "actions": [{"type": "Action.Submit", "title": "Vote", "data": {"poll": "lunch"}}]
            }),
        )
        .await;
    assert_eq!(s, 201, "{card}");
    Setup {
        client_id: app.client_id.clone(),
        app: app.id,
        card: card["id"].as_str().unwrap().to_string(),
        w,
        bot,
        team,
    }
}

/// Turns the app's interactive messages on, to `url` (an operator's bot has no developer to do
/// it in the console, so the store is told directly).
async fn listen(s: &Setup, url: &str) {
    s.w.app
        .state()
        .store()
        .interactive()
        .save_interactive_settings(InteractiveSettings {
            app_id: s.app,
            enabled: true,
            url: url.into(),
            secret: SECRET.into(),
            modified: Timestamp(0),
        })
        .await
        .unwrap();
}

/// What the web client's script sends when a card's button is pressed: (status, JSON).
async fn press(b: &Browser, card: &str, data: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/app/cards/{card}/submit", b.base))
        .header(
            "cookie",
            format!(
                "og_session={}; og_csrf={}",
                b.cookie("og_session").unwrap_or_default(),
                b.cookie("og_csrf").unwrap_or_default()
            ),
        )
        .header("origin", b.base.clone())
        .header("x-csrf-token", b.cookie("og_csrf").unwrap_or_default())
        .json(&json!({ "data": data }))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The submission's state as the script follows it, once it is no longer `Pending`.
async fn settled(b: &Browser, id: &str) -> Value {
    for _ in 0..200 {
        let (p, _) = b.fetch_get(&format!("/app/cards/submissions/{id}")).await;
        assert_eq!(p.status, 200, "{}", p.body);
        let v: Value = serde_json::from_str(&p.body).unwrap();
        if v["status"] != "Pending" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("submission {id} still pending");
}

#[tokio::test]
async fn a_member_answers_a_bots_card_and_the_app_receives_it_signed() {
    let s = setup().await;
    let rx = Receiver::start().await;
    listen(&s, &rx.url).await;
    let bob = signed_in(&s.w.app, &s.w.bob.email).await;

    // The conversation shows the card as a form with its inputs and the Vote button.
    let page = bob.get(&format!("/c/{}", s.team)).await;
    assert!(page.has(r#"data-ac-input="place""#), "{}", page.body);
    assert!(page.has("ac-submit"), "{}", page.body);

    let (st, answer) = press(
        &bob,
        &s.card,
        json!({"poll": "lunch", "place": "sushi", "note": "ünïcode \"quoted\""}),
    )
    .await;
    assert_eq!(st, 202, "{answer}");
    assert_eq!(answer["status"], "Pending");
    let hit = rx.next().await;
    assert!(hit.ok());

    // RingCentral's body, exactly.
    let body = hit.json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "appId",
            "card",
            "conversation",
            "data",
            "post",
            "timestamp",
            "type",
            "user",
            "uuid"
        ]
    );
    assert_eq!(body["type"], "button_submit");
    assert_eq!(body["appId"], s.client_id.as_str());
    assert_eq!(
        body["user"],
        json!({"id": s.w.bob.id(), "firstName": "Bob", "lastName": "Baker", "accountId": s.w.acme.id.to_string()})
    );
    assert_eq!(
        body["conversation"],
        json!({"id": s.team, "type": "Team", "public": false, "name": "Lunch"})
    );
    assert_eq!(body["post"]["id"], s.card.as_str());
    assert_eq!(body["card"], json!({"id": s.card}));
    assert_time(&body["post"]["creationTime"]);
    assert_time(&body["post"]["lastModifiedTime"]);
    assert_time(&body["timestamp"]);
    assert_eq!(body["uuid"].as_str().unwrap().len(), 36);
    assert_eq!(
        body["data"],
        json!({"poll": "lunch", "place": "sushi", "note": "ünïcode \"quoted\""})
    );

    // Signed as RingCentral's receivers check it: the bare hex HMAC-SHA1 of
    // `JSON.stringify(req.body)`, which is the body as sent (compact JSON).
    let sig = hit.header("x-glip-signature").expect("a signature");
    assert_eq!(
        sig,
        openglip_wire::interactive::signature(SECRET, hit.body.as_bytes())
    );
    // Compact JSON (what `JSON.stringify` writes back; key order aside, same length).
    assert_eq!(hit.body.len(), serde_json::to_string(&body).unwrap().len());
    assert!(!openglip_wire::interactive::verify(
        "another",
        hit.body.as_bytes(),
        Some(sig)
    ));
    assert!(
        hit.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );

    // The button says it was sent.
    let info = settled(&bob, answer["id"].as_str().unwrap()).await;
    assert_eq!(info, json!({"id": answer["id"], "status": "Delivered"}));
    // Only the person who pressed it may follow it.
    let alice = signed_in(&s.w.app, &s.w.alice.email).await;
    let (p, _) = alice
        .fetch_get(&format!(
            "/app/cards/submissions/{}",
            answer["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(p.status, 404, "{}", p.body);
    rx.assert_quiet(std::time::Duration::from_millis(300)).await;
}

#[tokio::test]
async fn outsiders_cards_without_an_app_and_bad_data_are_refused() {
    let s = setup().await;
    let rx = Receiver::start().await;

    // The app does not take answers yet: a clear reason.
    let bob = signed_in(&s.w.app, &s.w.bob.email).await;
    let (st, e) = press(&bob, &s.card, json!({"place": "pizza"})).await;
    assert_eq!(st, 400, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("Interactive Messages"),
        "{e}"
    );
    listen(&s, &rx.url).await;

    // Carol is not in the team: the card is not found for her (as the chat is not).
    let carol = signed_in(&s.w.app, &s.w.carol.email).await;
    let (st, e) = press(&carol, &s.card, json!({"place": "pizza"})).await;
    assert_rc_error(st, &e, 404, "CMN-102");

    // A card Bob posted himself (no app behind it): nobody to send the answer to.
    let (code, mine) =
        s.w.app
            .post(
                &format!("/team-messaging/v1/chats/{}/adaptive-cards", s.team),
                &s.w.bob.token,
                json!({"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "mine"}]}),
            )
            .await;
    assert_eq!(code, 201, "{mine}");
    let (st, e) = press(&bob, mine["id"].as_str().unwrap(), json!({})).await;
    assert_eq!(st, 400, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not posted by an app"),
        "{e}"
    );

    // A plain post is no card; an unknown id neither; data must be an object.
    let (_, post) =
        s.w.app
            .post(
                &format!("/team-messaging/v1/chats/{}/posts", s.team),
                &s.bot.token,
                json!({"text": "no card here"}),
            )
            .await;
    let (st, e) = press(&bob, post["id"].as_str().unwrap(), json!({})).await;
    assert_rc_error(st, &e, 404, "CMN-102");
    let (st, e) = press(&bob, "999999999", json!({})).await;
    assert_rc_error(st, &e, 404, "CMN-102");
    let (st, e) = press(&bob, &s.card, json!("text")).await;
    assert_rc_error(st, &e, 400, "CMN-101");

    // Without the CSRF header (a cross-site form), nothing happens.
    let r = reqwest::Client::new()
        .post(s.w.app.url(&format!("/app/cards/{}/submit", s.card)))
        .header(
            "cookie",
            format!("og_session={}", bob.cookie("og_session").unwrap()),
        )
        .json(&json!({"data": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Signed out: refused.
    let anon = s.w.app.browser();
    let (st, _) = press(&anon, &s.card, json!({})).await;
    assert!(st == 401 || st == 403, "{st}");

    // None of it reached the app, and nothing was recorded.
    rx.assert_quiet(std::time::Duration::from_millis(500)).await;
    let (_, listed) =
        s.w.app
            .get(
                &format!("/team-messaging/v1/chats/{}/posts", s.team),
                &s.w.alice.token,
            )
            .await;
    assert!(listed["records"].as_array().unwrap().len() >= 3);
    assert_eq!(submissions(&s).await, 0);
}

/// Submissions recorded (any state), read from the store's table.
async fn submissions(s: &Setup) -> i64 {
    let i = s.w.app.state().store().interactive();
    let mut n = 0;
    for id in 1..=50 {
        if i.submission(id).await.unwrap().is_some() {
            n += 1;
        }
    }
    n
}

#[tokio::test]
async fn a_refused_delivery_is_retried_survives_a_restart_and_fails_in_the_end() {
    let mut config = openglip_testkit::test_config();
    config.realtime.event_retry_for = std::time::Duration::from_secs(3);
    let mut s = setup_in(World::with(spawn_app_with(config).await).await).await;
    let rx = Receiver::start().await;
    listen(&s, &rx.url).await;
    let bob = signed_in(&s.w.app, &s.w.bob.email).await;

    // Refused twice, then accepted: the same body (same uuid), signed the same, each time.
    rx.fail_next(2);
    let (st, a) = press(&bob, &s.card, json!({"place": "pizza"})).await;
    assert_eq!(st, 202, "{a}");
    let hits = [rx.next().await, rx.next().await, rx.next().await];
    assert_eq!(
        hits.iter().map(|h| h.answered).collect::<Vec<_>>(),
        [503, 503, 200]
    );
    assert!(hits.iter().all(|h| h.body == hits[0].body
        && h.header("x-glip-signature") == hits[0].header("x-glip-signature")));
    let id = a["id"].as_str().unwrap();
    assert_eq!(settled(&bob, id).await["status"], "Delivered");

    // Refused, then the server goes down: the submission waits in the store and is delivered
    // when the server is back.
    rx.fail_all(true);
    let (st, b) = press(&bob, &s.card, json!({"place": "sushi"})).await;
    assert_eq!(st, 202, "{b}");
    assert_eq!(rx.next().await.answered, 503);
    let second: i64 = b["id"].as_str().unwrap().parse().unwrap();
    let store = s.w.app.state().store().clone();
    openglip_testkit::eventually(
        "the refusal is recorded",
        std::time::Duration::from_secs(10),
        || {
            let store = store.clone();
            async move {
                store
                    .interactive()
                    .submission(second)
                    .await
                    .unwrap()
                    .filter(|x| x.last_error.is_some())
            }
        },
    )
    .await;
    drop(store);
    s.w.app.stop();
    rx.fail_all(false);
    s.w.app.restart().await;
    let after = rx.next().await;
    assert_eq!(after.answered, 200);
    assert_eq!(after.json()["data"], json!({"place": "sushi"}));
    let bob = signed_in(&s.w.app, &s.w.bob.email).await;
    assert_eq!(
        settled(&bob, &second.to_string()).await["status"],
        "Delivered"
    );

    // An app that keeps refusing: given up on after the retry period, and the person sees why.
    rx.fail_all(true);
    let (_, c) = press(&bob, &s.card, json!({"place": "none"})).await;
    let failed = settled(&bob, c["id"].as_str().unwrap()).await;
    assert_eq!(failed["status"], "Failed", "{failed}");
    assert!(
        failed["reason"].as_str().unwrap().contains("503"),
        "{failed}"
    );
}

#[tokio::test]
async fn the_console_keeps_a_bots_interactive_messages_settings() {
    let w = World::new().await;
    let b = w.app.browser();
    b.get("/console/signin").await;
    let p = b
        .post(
            "/console/signin",
            &[("login", "alice@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b
        .post(
            "/console/apps",
            &[
                ("type", "Bot"),
                ("name", "Poll Bot"),
                ("contactEmail", "alice@acme.test"),
                ("redirectUris", "https://bot.example/oauth"),
                ("botVisibility", "private"),
                ("permissions", "TeamMessaging"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let apps = w
        .app
        .state()
        .store()
        .platform()
        .apps_of_developer(w.alice.ext.id)
        .await
        .unwrap();
    let r = apps.iter().find(|r| r.app.name == "Poll Bot").unwrap();
    let page = format!("/console/apps/{}/interactive", r.app.client_id);
    let dashboard = b.get(&format!("/console/apps/{}", r.app.client_id)).await;
    assert!(dashboard.has(&page), "the side menu links the page");

    let p = b.get(&page).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.has("Interactive Messages") && p.has("first saved"),
        "{}",
        p.body
    );
    // On without a URL, or with a URL that is not https (nor this machine): in place.
    let p = b.post(&page, &[("enabled", "on"), ("url", "")]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.has("Enter the outbound WebHook URL"), "{}", p.body);
    let p = b
        .post(
            &page,
            &[("enabled", "on"), ("url", "http://bot.example/submit")],
        )
        .await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.has("must use https"), "{}", p.body);
    let i = w.app.state().store().interactive();
    assert_eq!(i.interactive_settings(r.app.id).await.unwrap(), None);

    let p = b
        .post(
            &page,
            &[("enabled", "on"), ("url", "https://bot.example/submit")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let saved = i.interactive_settings(r.app.id).await.unwrap().unwrap();
    assert!(saved.enabled);
    assert_eq!(saved.url, "https://bot.example/submit");
    assert!(saved.secret.len() >= 43, "256 random bits");
    let p = b.get(p.location.as_deref().unwrap()).await;
    assert!(
        p.has("Settings saved.") && p.has(&saved.secret),
        "{}",
        p.body
    );

    // Regenerate: a new secret; turning it off keeps the URL and the secret.
    let p = b.post(&format!("{page}/secret"), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let rotated = i.interactive_settings(r.app.id).await.unwrap().unwrap();
    assert_ne!(rotated.secret, saved.secret);
    let p = b
        .post(&page, &[("url", "https://bot.example/submit")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let off = i.interactive_settings(r.app.id).await.unwrap().unwrap();
    assert!(!off.enabled);
    assert_eq!(off.secret, rotated.secret);

    // Someone else's app: not found.
    let other = w.app.browser();
    other.get("/console/signin").await;
    other
        .post(
            "/console/signin",
            &[("login", "bob@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(other.get(&page).await.status, 404);
    let p = other
        .post(
            &page,
            &[("enabled", "on"), ("url", "https://evil.example/x")],
        )
        .await;
    assert_eq!(p.status, 404);
}
