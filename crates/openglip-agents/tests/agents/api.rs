//! The JSON API: bearer tokens for the app's accounts, agents and their dialog files (errors
//! with their lines, nothing saved), publishing, talking, utterance testing, the channel's
//! settings and refusals, transcripts, and the OpenAPI document listing every operation.

use openglip_agents::{App, Config};
use serde_json::{Value, json};

/// The agent app on a loopback port (a closed port stands for the platform), with its data in a
/// temporary folder.
pub(crate) async fn start() -> (String, App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = App::open(Config::new("http://127.0.0.1:9", &base, dir.path())).unwrap();
    let serving = app.clone();
    tokio::spawn(
        async move { openglip_agents::serve(listener, serving, std::future::pending()).await },
    );
    (base, app, dir)
}

async fn call(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = reqwest::Client::new().request(method, url);
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_api_with_bearer_tokens_and_refusals_in_ringcentrals_shape() {
    use reqwest::Method as M;
    let (base, app, _dir) = start().await;
    let api = |p: &str| format!("{base}/api/v1{p}");
    app.create_account("owner@agents.test", "Owner", "owner-password")
        .await
        .unwrap();

    let (s, b) = call(M::GET, api("/agents"), None, None).await;
    assert_eq!(s, 401, "{b}");
    assert!(b["errorCode"].is_string() && b["errors"].is_array(), "{b}");
    let (s, b) = call(
        M::POST,
        api("/session"),
        None,
        Some(json!({"email": "owner@agents.test", "password": "nope-nope"})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(b["errorCode"], "CMN-101");
    let (s, b) = call(
        M::POST,
        api("/session"),
        None,
        Some(json!({"email": "owner@agents.test", "password": "owner-password"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let token = b["token"].as_str().unwrap().to_string();
    let t = Some(token.as_str());

    let (s, a) = call(
        M::POST,
        api("/agents"),
        t,
        Some(json!({"name": "Travel Assistant", "template": "travel"})),
    )
    .await;
    assert_eq!(s, 201, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    assert!(a["streamId"].as_str().unwrap().starts_with("st-"));
    let (s, _) = call(
        M::POST,
        api("/agents"),
        t,
        Some(json!({"name": "X", "template": "nope"})),
    )
    .await;
    assert_eq!(s, 400);

    // A malformed dialog: each error with its line, nothing saved.
    let (s, b) = call(M::PUT, api(&format!("/agents/{id}/dialog")), t, Some(json!({"source": "agent: A\ngreeting: Hi\ntasks:\n  - name: t\n    title: T\n    intent: { commands: [t] }\n    nodes:\n      - id: a\n        next: b\n"}))).await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(b["errorCode"], "CMN-101");
    let lines: Vec<i64> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["line"].as_i64())
        .collect();
    assert!(lines.contains(&8) && lines.contains(&9), "{b}");
    let (_, again) = call(M::GET, api(&format!("/agents/{id}")), t, None).await;
    assert_eq!(again["dialog"], a["dialog"], "nothing saved");
    let (s, b) = call(
        M::PUT,
        api(&format!("/agents/{id}/dialog")),
        t,
        Some(json!({"source": 42})),
    )
    .await;
    assert_eq!(s, 400, "{b}");

    // Publish, talk, utterances.
    let (s, b) = call(M::POST, api(&format!("/agents/{id}/publish")), t, None).await;
    assert_eq!((s, b["publishedVersion"].as_i64()), (200, Some(1)), "{b}");
    let (s, b) = call(
        M::POST,
        api(&format!("/agents/{id}/talk")),
        t,
        Some(json!({"text": "book a flight from Boston to Denver tomorrow for 2"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(
        b["messages"][0]
            .as_str()
            .unwrap()
            .starts_with("Shall I book 2 seat(s) from Boston to Denver"),
        "{b}"
    );
    assert_eq!(b["task"], "book_flight");
    let (s, b) = call(
        M::POST,
        api(&format!("/agents/{id}/utterances")),
        t,
        Some(json!({"text": "check my booking"})),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(b["decision"]["outcome"], "matched");
    assert_eq!(b["decision"]["task"], "check_booking");
    assert_eq!(b["candidates"][0]["method"], "pattern");

    // Sessions and transcripts.
    let (_, b) = call(M::GET, api(&format!("/agents/{id}/sessions")), t, None).await;
    let conv = &b["records"][0];
    assert_eq!(conv["channel"], "api");
    let q = format!(
        "/agents/{id}/transcripts?channel=api&chatId=api&personId={}",
        conv["personId"].as_str().unwrap()
    );
    let (s, b) = call(M::GET, api(&q), t, None).await;
    assert_eq!(s, 200);
    assert_eq!(
        b["records"][0]["said"],
        "book a flight from Boston to Denver tomorrow for 2"
    );

    // The channel: refusals, settings saved without showing the secret.
    let (s, b) = call(
        M::POST,
        api(&format!("/agents/{id}/channel/enable")),
        t,
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        b["errors"][0]["message"],
        "Authorize the channel before enabling it."
    );
    let (s, b) = call(
        M::PUT,
        api(&format!("/agents/{id}/channel")),
        t,
        Some(json!({"appKey": "", "appSecret": "", "environment": "moon"})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(b["errors"].as_array().unwrap().len(), 3, "{b}");
    let (s, b) = call(M::PUT, api(&format!("/agents/{id}/channel")), t, Some(json!({"appKey": "key", "appSecret": "secret", "environment": "production", "productionUrl": "https://glip.example"}))).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["environmentUrl"], "https://glip.example");
    assert!(b["redirectUri"].as_str().unwrap().ends_with(&format!(
        "/channels/glip/oauth/{}",
        a["streamId"].as_str().unwrap()
    )));
    assert!(
        !b.to_string().contains("secret\""),
        "the secret is not shown: {b}"
    );
    let (s, _) = call(M::GET, api("/agents/999"), t, None).await;
    assert_eq!(s, 404);

    // The OpenAPI document lists every operation.
    let (s, doc) = call(M::GET, api("/openapi.json"), None, None).await;
    assert_eq!(s, 200);
    for o in openglip_agents::api::OPERATIONS {
        assert_eq!(
            doc["paths"][format!("/api/v1{}", o.path)][o.method]["operationId"],
            o.id
        );
    }
}
