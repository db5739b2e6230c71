//! The optional generative step against a fake OpenAI-compatible chat-completions server on
//! loopback: off, the fallback answers; on, the answer comes from the endpoint (with the model
//! and the bearer key); a 500, a timeout or an answer without content leave the fallback's
//! answer, noted in the transcript; bad settings are refused field by field; the key is never
//! shown back, by the API or the pages.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use openglip_agents::App;
use openglip_testkit::Browser;
use serde_json::{Value, json};

const KEY: &str = "sk-test-generative-key-0123456789";

/// What the fake endpoint was sent: (Authorization header, body).
type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// A chat-completions server: `/ok` answers, `/broken` fails with 500, `/hang` never answers,
/// `/empty` answers without a choice.
async fn fake_endpoint() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = |seen: Seen| {
        move |headers: HeaderMap, Json(body): Json<Value>| {
            let seen = seen.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                seen.lock().unwrap().push((auth, body.clone()));
                body
            }
        }
    };
    let ok = record(seen.clone());
    let router = axum::Router::new()
        .route(
            "/ok/chat/completions",
            post(move |h: HeaderMap, b: Json<Value>| async move {
                let body = ok(h, b).await;
                let said = body["messages"][1]["content"].as_str().unwrap_or_default().to_string();
                Json(json!({
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "model": body["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": format!("Generated reply to: {said}")}, "finish_reason": "stop"}],
                }))
            }),
        )
        .route(
            "/broken/chat/completions",
            post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/hang/chat/completions",
            post(std::future::pending::<&'static str>),
        )
        .route(
            "/empty/chat/completions",
            post(|| async { Json(json!({"choices": []})) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, seen)
}

struct Running {
    base: String,
    token: String,
    agent: String,
    _app: App,
    _dir: tempfile::TempDir,
}

async fn start() -> Running {
    let (base, app, dir) = super::api::start().await;
    app.create_account("owner@agents.test", "Owner", "owner-password")
        .await
        .unwrap();
    let mut r = Running {
        base,
        token: String::new(),
        agent: String::new(),
        _app: app,
        _dir: dir,
    };
    let (_, b) = call(
        &r,
        reqwest::Method::POST,
        "/session",
        Some(json!({"email": "owner@agents.test", "password": "owner-password"})),
    )
    .await;
    r.token = b["token"].as_str().unwrap().to_string();
    let (s, a) = call(
        &r,
        reqwest::Method::POST,
        "/agents",
        Some(json!({"name": "Travel Assistant", "template": "travel"})),
    )
    .await;
    assert_eq!(s, 201, "{a}");
    r.agent = a["id"].as_str().unwrap().to_string();
    r
}

async fn call(
    r: &Running,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", r.base))
        .bearer_auth(&r.token);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let resp = rb.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn settings(r: &Running, body: Value) -> (u16, Value) {
    call(
        r,
        reqwest::Method::PUT,
        &format!("/agents/{}/generative", r.agent),
        Some(body),
    )
    .await
}

async fn say(r: &Running, text: &str) -> Value {
    let (s, b) = call(
        r,
        reqwest::Method::POST,
        &format!("/agents/{}/talk", r.agent),
        Some(json!({"text": text})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    b
}

const OUTSIDE: &str = "what is the capital of mongolia";

#[tokio::test]
async fn off_by_default_the_fallback_answers_and_on_the_endpoint_answers() {
    let (fake, seen) = fake_endpoint().await;
    let r = start().await;
    let (s, g) = call(
        &r,
        reqwest::Method::GET,
        &format!("/agents/{}/generative", r.agent),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(g["enabled"], false);
    assert_eq!(g["apiKeySet"], false);
    let b = say(&r, OUTSIDE).await;
    assert!(
        b["messages"][0]
            .as_str()
            .unwrap()
            .starts_with("Sorry, I didn't understand that."),
        "{b}"
    );
    assert!(b.get("generative").is_none(), "{b}");

    let (s, g) = settings(&r, json!({"enabled": true, "url": format!("{fake}/ok/"), "model": "tiny-chat", "apiKey": KEY, "timeoutMs": 5000})).await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(g["apiKeySet"], true);
    assert!(!g.to_string().contains(KEY), "the key is never echoed: {g}");

    let b = say(&r, OUTSIDE).await;
    assert_eq!(
        b["messages"],
        json!([format!("Generated reply to: {OUTSIDE}")]),
        "{b}"
    );
    assert_eq!(b["generative"], "answered by tiny-chat");
    assert!(!b.to_string().contains(KEY));
    {
        let seen = seen.lock().unwrap();
        let (auth, body) = seen.last().unwrap();
        assert_eq!(auth, &format!("Bearer {KEY}"));
        assert_eq!(body["model"], "tiny-chat");
        assert_eq!(body["messages"][0]["role"], "system");
        assert!(
            body["messages"][0]["content"]
                .as_str()
                .unwrap()
                .contains("Travel Assistant")
        );
        assert_eq!(
            body["messages"][1],
            json!({"role": "user", "content": OUTSIDE})
        );
    }
    // The dialog tasks still answer what they know, without asking the endpoint.
    let asked = seen.lock().unwrap().len();
    let b = say(&r, "hello").await;
    assert!(b.get("generative").is_none(), "{b}");
    let b = say(&r, "check my booking").await;
    assert_eq!(b["matching"]["decision"]["task"], "check_booking", "{b}");
    assert_eq!(seen.lock().unwrap().len(), asked);

    // Saving again without a key keeps it; the transcript keeps what the step did.
    let (s, g) = settings(
        &r,
        json!({"enabled": true, "url": format!("{fake}/ok"), "model": "tiny-chat-2"}),
    )
    .await;
    assert_eq!((s, &g["apiKeySet"]), (200, &json!(true)), "{g}");
    say(&r, "cancel").await;
    say(&r, "tell me a joke").await;
    assert_eq!(
        seen.lock().unwrap().last().unwrap().0,
        format!("Bearer {KEY}")
    );
    let (_, t) = call(
        &r,
        reqwest::Method::GET,
        &format!(
            "/agents/{}/transcripts?channel=api&chatId=api&personId=1",
            r.agent
        ),
        None,
    )
    .await;
    let turns = t["records"].as_array().unwrap();
    assert!(
        turns
            .iter()
            .any(|t| t["generative"] == "answered by tiny-chat-2"
                && t["answer"] == "Generated reply to: tell me a joke"),
        "{t}"
    );
}

#[tokio::test]
async fn a_failing_or_silent_endpoint_leaves_the_fallback_and_says_so() {
    let (fake, _) = fake_endpoint().await;
    let r = start().await;
    for (path, why) in [
        ("broken", "HTTP 500"),
        ("hang", "no answer within 200 ms"),
        ("empty", "no choices[0].message.content"),
    ] {
        let (s, g) = settings(&r, json!({"enabled": true, "url": format!("{fake}/{path}"), "model": "m", "apiKey": KEY, "timeoutMs": 200})).await;
        assert_eq!(s, 200, "{g}");
        let b = say(&r, OUTSIDE).await;
        assert!(
            b["messages"][0]
                .as_str()
                .unwrap()
                .starts_with("Sorry, I didn't understand that."),
            "{path}: {b}"
        );
        let note = b["generative"].as_str().unwrap();
        assert!(
            note.starts_with("failed: ")
                && note.contains(why)
                && note.ends_with("the fallback answered"),
            "{path}: {note}"
        );
        say(&r, "cancel").await;
    }
    // A closed port: refused, the fallback answers.
    settings(
        &r,
        json!({"enabled": true, "url": "http://127.0.0.1:9", "model": "m"}),
    )
    .await;
    let b = say(&r, OUTSIDE).await;
    assert!(
        b["messages"][0]
            .as_str()
            .unwrap()
            .starts_with("Sorry, I didn't understand that."),
        "{b}"
    );
    assert!(
        b["generative"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{b}"
    );
}

#[tokio::test]
async fn bad_settings_are_refused_field_by_field_and_the_page_never_shows_the_key() {
    let (fake, _) = fake_endpoint().await;
    let r = start().await;
    let (s, b) = settings(
        &r,
        json!({"enabled": true, "url": "ftp://x", "model": " ", "timeoutMs": 0}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(b["errorCode"], "CMN-101");
    let fields: Vec<&str> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["parameterName"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["url", "model", "timeoutMs"], "{b}");
    let (_, g) = call(
        &r,
        reqwest::Method::GET,
        &format!("/agents/{}/generative", r.agent),
        None,
    )
    .await;
    assert_eq!(g["enabled"], false, "nothing saved: {g}");
    let (s, b) = settings(&r, json!({"url": "x"})).await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = call(&r, reqwest::Method::GET, "/agents/999/generative", None).await;
    assert_eq!(s, 404, "{b}");
    let (s, _) = reqwest::Client::new()
        .get(format!("{}/api/v1/agents/{}/generative", r.base, r.agent))
        .send()
        .await
        .map(|x| (x.status().as_u16(), ()))
        .unwrap();
    assert_eq!(s, 401);

    // The page: the key saved is never rendered; bad input comes back in place.
    let browser = Browser::new(&r.base);
    browser.get("/signin").await;
    let p = browser
        .post_from(
            "/signin",
            &r.base,
            "agents_csrf",
            &[
                ("email", "owner@agents.test"),
                ("password", "owner-password"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let page = format!("/agents/{}/generative", r.agent);
    browser.get(&page).await;
    let p = browser
        .post_from(
            &page,
            &r.base,
            "agents_csrf",
            &[
                ("enabled", "on"),
                ("url", &format!("{fake}/ok")),
                ("model", "tiny-chat"),
                ("apiKey", KEY),
                ("timeoutMs", "3000"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = browser.get(&page).await;
    assert!(
        p.has("On: tiny-chat") && p.has("A key is saved"),
        "{}",
        p.body
    );
    assert!(!p.body.contains(KEY));
    let p = browser.get(&format!("/agents/{}", r.agent)).await;
    assert!(p.has("Generative answers on: tiny-chat"));
    assert!(!p.body.contains(KEY));
    let p = browser
        .post_from(
            &page,
            &r.base,
            "agents_csrf",
            &[
                ("enabled", "on"),
                ("url", ""),
                ("model", ""),
                ("timeoutMs", "soon"),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("starting with http:// or https://")
            && p.has("Name the model")
            && p.has("between 1 and 60000"),
        "{}",
        p.body
    );
    assert!(!p.body.contains(KEY));
    let (_, g) = call(
        &r,
        reqwest::Method::GET,
        &format!("/agents/{}/generative", r.agent),
        None,
    )
    .await;
    assert_eq!(
        (&g["model"], &g["timeoutMs"]),
        (&json!("tiny-chat"), &json!(3000)),
        "nothing saved: {g}"
    );
}
