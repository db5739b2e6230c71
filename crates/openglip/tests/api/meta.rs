//! API information (`/restapi`, `/restapi/v1.0`), Prometheus metrics (`/metrics`), the probes
//! (`/healthz`, `/readyz`), and the OpenAPI document (`/openapi.json`): snapshot-tested, and
//! checked against what the router serves.
//!
//! After a deliberate change to the API surface, rewrite the snapshot with
//! `UPDATE_SNAPSHOTS=1 cargo nextest run -p openglip meta::` and commit it.

use std::collections::HashSet;
use std::path::PathBuf;

use openglip_server::{RateLimitConfig, ServerConfig};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

fn assert_version_info(v: &Value, base: &str) {
    assert_eq!(v["uri"], format!("{base}/restapi/v1.0"), "{v}");
    assert_eq!(v["uriString"], "v1.0", "{v}");
    assert!(
        v["versionString"]
            .as_str()
            .is_some_and(|s| s.starts_with("1.0.")),
        "{v}"
    );
    assert_time(&v["releaseDate"]);
}

#[tokio::test]
async fn api_version_documents_need_no_token() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/restapi")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let all: Value = r.json().await.unwrap();
    assert_eq!(all["uri"], format!("{}/restapi", app.base), "{all}");
    let versions = all["apiVersions"].as_array().unwrap();
    assert_eq!(versions.len(), 1, "{all}");
    assert_version_info(&versions[0], &app.base);
    assert!(all["serverVersion"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(all["serverRevision"].is_string(), "{all}");

    let r = app.http.get(app.url("/restapi/v1.0")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let one: Value = r.json().await.unwrap();
    assert_version_info(&one, &app.base);
    assert_eq!(one, versions[0]);
    let keys: HashSet<&str> = one
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        HashSet::from(["uri", "versionString", "releaseDate", "uriString"])
    );
}

#[tokio::test]
async fn probes_say_alive_and_ready_without_a_token() {
    let mut app = spawn_app().await;
    for (path, text) in [("/healthz", "ok\n"), ("/readyz", "ready\n")] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        assert_eq!(r.text().await.unwrap(), text, "{path}");
    }
    // Ready again after a restart on the same data.
    app.restart().await;
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn uris_use_the_public_url_when_configured() {
    let app = spawn_app_with(ServerConfig {
        public_url: Some("https://chat.example.com/".into()),
        rate_limits: RateLimitConfig::off(),
        realtime: crate::helpers::test_realtime(),
        ..Default::default()
    })
    .await;
    let all: Value = app
        .http
        .get(app.url("/restapi"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["uri"], "https://chat.example.com/restapi");
    assert_version_info(&all["apiVersions"][0], "https://chat.example.com");
}

// ----------------------------------------------------------------------------------- metrics

async fn metrics(app: &TestApp) -> String {
    let r = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/plain"), "{ct}");
    assert!(ct.contains("version=0.0.4"), "{ct}");
    r.text().await.unwrap()
}

/// The value of one sample (0 when absent: counters are only listed once non-zero).
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

#[tokio::test]
async fn metrics_are_prometheus_text_and_count_requests() {
    let w = World::new().await;
    let text = metrics(&w.app).await;
    // Every line is a comment or `name{labels} value`.
    for line in text.lines().filter(|l| !l.is_empty()) {
        if line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
        let name = series.split('{').next().unwrap();
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':'),
            "{line}"
        );
        // A histogram's series are its name with `_bucket`, `_sum` or `_count`.
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                let base = name.strip_suffix(suffix)?;
                text.contains(&format!("# TYPE {base} histogram"))
                    .then_some(base)
            })
            .unwrap_or(name);
        assert!(
            text.contains(&format!("# TYPE {family} ")),
            "{name} has no TYPE"
        );
    }
    let ok = r#"openglip_http_requests_total{operation="readExtension",status="2xx"}"#;
    let client_err = r#"openglip_http_requests_total{operation="readExtension",status="4xx"}"#;
    let logins = r#"openglip_http_requests_total{operation="getToken",status="2xx"}"#;
    assert_eq!(sample(&text, logins), 4.0, "World logs four people in");
    let (ok0, err0, unmatched0) = (
        sample(&text, ok),
        sample(&text, client_err),
        sample(&text, "openglip_http_unmatched_total"),
    );

    let (s, _) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &w.bob.token)
        .await;
    assert_eq!(s, 200);
    let (s, _) = w
        .app
        .get("/restapi/v1.0/account/~/extension/987654321", &w.bob.token)
        .await;
    assert_eq!(s, 404);
    let (s, _) = w.app.get("/no/such/route", &w.bob.token).await;
    assert_eq!(s, 404);

    let text = metrics(&w.app).await;
    assert_eq!(sample(&text, ok), ok0 + 1.0, "{text}");
    assert_eq!(sample(&text, client_err), err0 + 1.0, "{text}");
    assert_eq!(
        sample(&text, "openglip_http_unmatched_total"),
        unmatched0 + 1.0
    );
    assert!(
        sample(
            &text,
            r#"openglip_http_request_duration_seconds_sum{operation="readExtension"}"#
        ) > 0.0,
        "{text}"
    );
    // The histogram counts every call, and its last bucket holds them all.
    let count = sample(
        &text,
        r#"openglip_http_request_duration_seconds_count{operation="readExtension"}"#,
    );
    assert_eq!(count, ok0 + err0 + 2.0, "{text}");
    assert_eq!(
        sample(
            &text,
            r#"openglip_http_request_duration_seconds_bucket{operation="readExtension",le="+Inf"}"#
        ),
        count
    );
    // The store's pool and writer, and the hub: no subscriptions yet, nothing left to route.
    assert_eq!(sample(&text, r#"openglip_db_readers{state="max"}"#), 4.0);
    assert!(
        sample(&text, "openglip_db_writer_jobs_total") > 0.0,
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"openglip_subscriptions{transport="WebHook"}"#),
        0.0
    );
    assert!(text.contains("openglip_outbox_lag_events "), "{text}");
    assert!(text.contains("openglip_websocket_connections "), "{text}");
}

#[tokio::test]
async fn metrics_show_websockets_subscriptions_and_webhook_deliveries() {
    let w = World::new().await;
    // A WebHook whose receiver refuses the first attempt, and one post.
    let recv = Receiver::start().await;
    subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;
    recv.fail_next(1);
    let chat = crate::chats::only_chat_of_type(&w, &w.alice, "Personal").await;
    let (s, p) = crate::chats::post_text(&w, &w.alice, &chat, "counted").await;
    assert_eq!(s, 201, "{p}");
    loop {
        if recv.next().await.ok() {
            break;
        }
    }
    // A WebSocket connection of Bob's, open while the metrics are read.
    let (s, t) = w
        .app
        .post("/restapi/oauth/wstoken", &w.bob.token, json!({}))
        .await;
    assert_eq!(s, 200, "{t}");
    let url = format!(
        "{}?access_token={}",
        t["uri"].as_str().unwrap(),
        t["ws_access_token"].as_str().unwrap()
    );
    let (socket, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();

    // The delivery is counted once the receiver has answered; the connection once upgraded.
    let mut text = String::new();
    for _ in 0..50 {
        text = metrics(&w.app).await;
        let accepted = sample(
            &text,
            r#"openglip_webhook_deliveries_total{outcome="accepted"}"#,
        );
        if accepted >= 1.0 && sample(&text, "openglip_websocket_connections") >= 1.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        sample(&text, r#"openglip_subscriptions{transport="WebHook"}"#),
        1.0,
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"openglip_webhook_deliveries_total{outcome="accepted"}"#
        ) >= 1.0,
        "{text}"
    );
    assert!(
        sample(
            &text,
            r#"openglip_webhook_deliveries_total{outcome="failed"}"#
        ) >= 1.0,
        "{text}"
    );
    assert!(
        sample(&text, "openglip_webhook_delivery_duration_seconds_count") >= 2.0,
        "{text}"
    );
    // From commit to accepted: once per notification accepted, retries included.
    assert!(
        sample(&text, "openglip_webhook_event_latency_seconds_count") >= 1.0,
        "{text}"
    );
    assert!(
        sample(&text, "openglip_websocket_connections") >= 1.0,
        "{text}"
    );
    drop(socket);
}

// ------------------------------------------------------------------------------------ OpenAPI

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/snapshots/openapi.json")
}

async fn openapi(app: &TestApp) -> Value {
    let r = app.http.get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("application/json"), "{ct}");
    r.json().await.unwrap()
}

/// The document without what changes on every release.
fn normalised(mut doc: Value) -> Value {
    doc["info"]["version"] = json!("<version>");
    doc
}

#[tokio::test]
async fn openapi_document_matches_the_snapshot() {
    let app = spawn_app().await;
    let doc = normalised(openapi(&app).await);
    assert_eq!(doc["openapi"], "3.1.0");
    let pretty = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = snapshot_path();
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &pretty).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; create it with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if committed != pretty {
        let first = committed
            .lines()
            .zip(pretty.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(pretty.lines().count()));
        let show = |text: &str| {
            text.lines()
                .skip(first.saturating_sub(3))
                .take(8)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "/openapi.json differs from {} from line {}:\n--- committed\n{}\n+++ served\n{}\n\
             If the change is intended, rerun with UPDATE_SNAPSHOTS=1 and commit the file.",
            path.display(),
            first + 1,
            show(&committed),
            show(&pretty),
        );
    }
}

/// Issue 15: the document is valid for the OpenAPI version it declares, checked strictly by
/// openapi-spec-validator (PyPI, installed into `tests/clients/python/.deps` by
/// `tests/clients/install.sh`); it describes the paging parameters of listings, the HTML pages and
/// redirect of the authorization endpoint and the 207 `multipart/mixed` of batch reads.
#[tokio::test]
async fn openapi_document_is_valid_and_complete() {
    let app = spawn_app().await;
    let doc = openapi(&app).await;

    let root = crate::clients::repo_root().join("tests/clients/python");
    let deps = root.join(".deps");
    assert!(
        deps.join("openapi_spec_validator").exists(),
        "openapi-spec-validator is not installed: run `scripts/test` (tests/clients/install.sh installs it into tests/clients/python/.deps)"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .arg(root.join("validate_openapi.py"))
        .arg(&file)
        .env("PYTHONPATH", &deps)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "/openapi.json is not valid:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let op = |path: &str, method: &str| doc["paths"][path][method].clone();
    let query = |o: &Value| -> Vec<String> {
        o["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    for (path, method) in [
        ("/team-messaging/v1/chats", "get"),
        ("/team-messaging/v1/chats/{chatId}/posts", "get"),
        ("/team-messaging/v1/teams", "get"),
        ("/restapi/v1.0/glip/groups", "get"),
        ("/restapi/v1.0/glip/posts", "get"),
    ] {
        let q = query(&op(path, method));
        assert!(
            q.contains(&"recordCount".to_string()) && q.contains(&"pageToken".to_string()),
            "{path}: {q:?}"
        );
    }
    let extensions = query(&op("/restapi/v1.0/account/{accountId}/extension", "get"));
    for name in ["page", "perPage", "type", "status", "email"] {
        assert!(extensions.contains(&name.to_string()), "{extensions:?}");
    }
    let authorize = op("/restapi/oauth/authorize", "get");
    assert!(
        authorize["responses"]["200"]["content"]["text/html"].is_object(),
        "{authorize}"
    );
    assert!(
        authorize["responses"]["302"]["headers"]["Location"].is_object(),
        "{authorize}"
    );
    assert!(query(&authorize).contains(&"code_challenge_method".to_string()));
    for path in [
        "/restapi/v1.0/glip/groups/{groupId}",
        "/restapi/v1.0/glip/persons/{personId}",
    ] {
        let o = op(path, "get");
        assert!(
            o["responses"]["207"]["content"]["multipart/mixed"].is_object(),
            "{path}: {o}"
        );
    }
}

/// The public operations: API information, OAuth and OpenID Connect's keys and configuration,
/// and signing in to the console's and the admin portal's APIs.
const PUBLIC: [&str; 12] = [
    "readAPIVersions",
    "readAPIVersion",
    "authJwks",
    "readOpenIdConfiguration",
    "getToken",
    "revokeToken",
    "authorize",
    "authorize2",
    "createConsoleSession",
    "createAdminSession",
    // An incoming webhook's URL: its secret is the authorization.
    "postIncomingWebhook",
    "postIncomingWebhookV1",
];

/// Operations that need a token but no fixed app permission, as in RingCentral's spec: a
/// subscription needs the permission of its transport and event filters (checked by the handler).
const TOKEN_ONLY: [&str; 6] = [
    "createSubscription",
    "listSubscriptions",
    "readSubscription",
    "updateSubscription",
    "deleteSubscription",
    "renewSubscription",
];

fn operations(doc: &Value) -> Vec<(Method, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            out.push((m, path.clone(), op.clone()));
        }
    }
    out
}

#[tokio::test]
async fn every_operation_names_its_permission_or_is_public() {
    let app = spawn_app().await;
    let doc = openapi(&app).await;
    let ops = operations(&doc);
    assert!(ops.len() >= 60, "only {} operations", ops.len());
    let mut ids = HashSet::new();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (method, path, op) in &ops {
        let id = op["operationId"].as_str().unwrap();
        assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
        assert!(
            ["Light", "Medium", "Heavy", "Auth", "NoThrottling"]
                .contains(&op["x-throttling-group"].as_str().unwrap_or("")),
            "{method} {path}: {op}"
        );
        let secured = op["security"] == json!([{"OAuth2": []}]);
        let by_session = op["security"] == json!([{"WebSession": []}]);
        let web_api = path.starts_with("/console/api/") || path.starts_with("/admin/api/");
        // The console's and the admin portal's APIs take a web session (opened publicly).
        assert_eq!(
            by_session,
            web_api && !PUBLIC.contains(&id),
            "{method} {path}: {op}"
        );
        if by_session {
            assert!(op.get("x-app-permission").is_none(), "{method} {path}");
            continue;
        }
        match op["x-app-permission"].as_str() {
            Some(p) => {
                assert!(
                    openglip_domain::Permission::parse(p).is_some(),
                    "{method} {path}: unknown permission {p}"
                );
                assert!(secured, "{method} {path}: no security: {op}");
                assert!(!PUBLIC.contains(&id), "{id} should be public");
            }
            None if TOKEN_ONLY.contains(&id) => {
                assert!(secured, "{method} {path} needs a token: {op}");
            }
            None => {
                assert!(
                    PUBLIC.contains(&id),
                    "{method} {path} ({id}) names no permission"
                );
                assert!(op.get("security").is_none(), "{method} {path}: {op}");
            }
        }
        // Every referenced schema exists.
        let text = op.to_string();
        for part in text.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(
                schemas.contains_key(name),
                "{method} {path}: no schema {name}"
            );
        }
        // Path parameters are declared.
        for seg in path.split('/').filter(|s| s.starts_with('{')) {
            let name = seg.trim_matches(|c| c == '{' || c == '}');
            assert!(
                op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "path"),
                "{method} {path}: {name} undeclared"
            );
        }
    }
}

/// Fills path parameters with ids that exist nowhere.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "0" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_documented_operation_is_served_as_documented() {
    let w = World::new().await;
    let doc = openapi(&w.app).await;
    for (method, path, op) in operations(&doc) {
        let url = concrete(&path);
        let public = op.get("security").is_none();

        // Routed: not "invalid URI", not "method not allowed", never a server error.
        let mut rb = w.app.req(method.clone(), &url, &w.alice.token);
        if path.ends_with("/text") {
            rb = rb.header("content-type", "text/plain").body("x");
        } else if matches!(method, Method::POST | Method::PUT | Method::PATCH) {
            rb = rb.json(&json!({}));
        }
        let (s, b) = send(rb).await;
        assert!(s < 500, "{method} {url}: {s} {b}");
        assert_ne!(s, 405, "{method} {url}: {b}");
        assert!(
            !(s == 404 && b["errorCode"] == "CMN-120"),
            "{method} {url} is documented but not served: {b}"
        );

        // Protected operations refuse a request without a token before anything else.
        if !public {
            let (s, b) = send(w.app.http.request(method.clone(), w.app.url(&url))).await;
            assert_rc_error(s, &b, 401, "CMN-405");
        }
    }
}
