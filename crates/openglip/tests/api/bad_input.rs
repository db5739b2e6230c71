//! Hostile and broken requests: every one gets a RingCentral error (never a 500, never axum's
//! plain-text rejections), and none of them changes any data.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const TEAMS: &str = "/team-messaging/v1/teams";

/// Sends raw bytes with a content type; returns (status, JSON body or Null).
async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut rb = app.req(method, path, token).body(body);
    if let Some(ct) = content_type {
        rb = rb.header("content-type", ct);
    }
    send(rb).await
}

/// Every post id of a chat (the chat is small).
async fn post_ids(w: &World, chat: &str) -> Vec<Value> {
    let (s, b) = w
        .app
        .get(
            &format!("/team-messaging/v1/chats/{chat}/posts?recordCount=250"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!([p["id"], p["text"], p["lastModifiedTime"]]))
        .collect()
}

/// Every team Alice is in, as (id, name, lastModifiedTime).
async fn teams(w: &World) -> Vec<Value> {
    let (s, b) = w
        .app
        .get(&format!("{TEAMS}?recordCount=250"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{b}");
    b["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| json!([t["id"], t["name"], t["lastModifiedTime"]]))
        .collect()
}

#[tokio::test]
async fn malformed_json_is_cmn_103() {
    let w = World::new().await;
    let before = teams(&w).await;
    for body in [
        &b"{"[..],
        b"{\"name\": ",
        b"{\"name\": \"x\",}",
        b"name=x",
        b"{\"name\": \"x\"} trailing",
        b"[1, 2",
        b"\"unterminated",
    ] {
        let (s, b) = raw(
            &w.app,
            Method::POST,
            TEAMS,
            &w.alice.token,
            Some("application/json"),
            body.to_vec(),
        )
        .await;
        assert_rc_error(s, &b, 400, "CMN-103");
    }
    assert_eq!(teams(&w).await, before);
}

#[tokio::test]
async fn wrong_types_are_cmn_101_naming_the_field() {
    let w = World::new().await;
    let before = teams(&w).await;
    for (body, field) in [
        (json!({"name": 5}), "name"),
        (json!({"name": "T", "public": "yes"}), "public"),
        (json!({"name": "T", "description": ["a"]}), "description"),
        (json!({"name": "T", "members": "x"}), "members"),
        (json!({"name": "T", "members": [{"id": {}}]}), "members[0]"),
        (
            json!({"name": "T", "members": [{"id": "1"}, true]}),
            "members[1]",
        ),
    ] {
        let (s, b) = w.app.post(TEAMS, &w.alice.token, body.clone()).await;
        assert_rc_error(s, &b, 400, "CMN-101");
        let named = b["errors"][0]["parameterName"].as_str().unwrap_or_default();
        assert!(
            named == field || named.starts_with(&format!("{field}.")),
            "{body}: parameterName {named:?}, wanted {field:?}: {b}"
        );
    }
    // A JSON value that is not an object at all.
    // (serde would fill a struct from an array, field by field: `[true, "T"]` is no team.)
    for body in [
        json!([true, "Array Team"]),
        json!([]),
        json!("text"),
        json!(5),
        json!(null),
    ] {
        let (s, b) = w.app.post(TEAMS, &w.alice.token, body.clone()).await;
        assert_rc_error(s, &b, 400, "CMN-101");
        assert_eq!(b["errors"][0]["parameterName"], "body", "{body}: {b}");
    }
    // Posts and conversations parse the same way.
    let chat = w.team("Typed", false, &[&w.bob]).await;
    let (s, b) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &w.alice.token,
            json!({"text": 42}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(b["errors"][0]["parameterName"], "text", "{b}");
    let (s, b) = w
        .app
        .post(
            "/team-messaging/v1/conversations",
            &w.alice.token,
            json!({"members": {"id": "1"}}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(b["errors"][0]["parameterName"], "members", "{b}");

    let mut after = teams(&w).await;
    after.retain(|t| t[0] != json!(chat));
    assert_eq!(after, before);
}

#[tokio::test]
async fn an_empty_body_is_cmn_104() {
    let w = World::new().await;
    let before = teams(&w).await;
    for ct in [Some("application/json"), None] {
        for body in [&b""[..], b"  \n"] {
            let (s, b) = raw(
                &w.app,
                Method::POST,
                TEAMS,
                &w.alice.token,
                ct,
                body.to_vec(),
            )
            .await;
            assert_rc_error(s, &b, 400, "CMN-104");
        }
    }
    assert_eq!(teams(&w).await, before);
}

#[tokio::test]
async fn bytes_that_are_not_utf8_are_refused() {
    let w = World::new().await;
    let chat = w.team("Bytes", false, &[&w.bob]).await;
    let before = post_ids(&w, &chat).await;
    for body in [
        &b"{\"text\": \"\xff\xfe\"}"[..],
        b"{\"text\": \"caf\xe9\"}",
        b"\xef\xbb\xbf\xff",
    ] {
        let (s, b) = raw(
            &w.app,
            Method::POST,
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &w.alice.token,
            Some("application/json"),
            body.to_vec(),
        )
        .await;
        assert_rc_error(s, &b, 400, "CMN-103");
    }
    assert_eq!(post_ids(&w, &chat).await, before);
    // The text/plain edit endpoint too.
    let (s, p) = w
        .app
        .post(
            &format!("/restapi/v1.0/glip/groups/{chat}/posts"),
            &w.alice.token,
            json!({"text": "plain"}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    let before = post_ids(&w, &chat).await;
    let (s, b) = raw(
        &w.app,
        Method::PUT,
        &format!(
            "/restapi/v1.0/glip/groups/{chat}/posts/{}/text",
            p["id"].as_str().unwrap()
        ),
        &w.alice.token,
        Some("text/plain"),
        b"caf\xe9".to_vec(),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert!(b["errorCode"].is_string(), "{b}");
    assert_eq!(post_ids(&w, &chat).await, before);
}

#[tokio::test]
async fn other_media_types_are_415() {
    let w = World::new().await;
    let before = teams(&w).await;
    for ct in [
        "text/xml",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let (s, b) = raw(
            &w.app,
            Method::POST,
            TEAMS,
            &w.alice.token,
            Some(ct),
            br#"{"name": "Sneaky"}"#.to_vec(),
        )
        .await;
        assert_eq!(s, 415, "{ct}: {b}");
        assert!(b["errorCode"].is_string(), "{b}");
    }
    // JSON with parameters and the +json family are JSON.
    let (s, b) = raw(
        &w.app,
        Method::POST,
        TEAMS,
        &w.alice.token,
        Some("application/json; charset=utf-8"),
        br#"{"name": "Fine"}"#.to_vec(),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let mut after = teams(&w).await;
    after.retain(|t| t[1] != "Fine");
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_body_over_two_mebibytes_is_413() {
    let w = World::new().await;
    let chat = w.team("Big", false, &[&w.bob]).await;
    let before = post_ids(&w, &chat).await;
    let text = "x".repeat(2 * 1024 * 1024);
    let body = serde_json::to_vec(&json!({ "text": text })).unwrap();
    let (s, b) = raw(
        &w.app,
        Method::POST,
        &format!("/team-messaging/v1/chats/{chat}/posts"),
        &w.alice.token,
        Some("application/json"),
        body,
    )
    .await;
    assert_eq!(s, 413, "{b}");
    assert!(b["errorCode"].is_string(), "{b}");
    assert_eq!(post_ids(&w, &chat).await, before);
}

#[tokio::test]
async fn unknown_routes_are_404_cmn_120() {
    let w = World::new().await;
    for path in [
        "/team-messaging/v1/nope",
        "/team-messaging/v2/chats",
        "/restapi/v1.0/glip/nope",
        "/restapi/v1.0/nope",
        "/team-messaging/v1/chats/1/posts/2/extra",
        "/nope",
        "/assets/nope.css",
    ] {
        for token in [w.alice.token.as_str(), "no-token-at-all-here"] {
            let (s, b) = w.app.get(path, token).await;
            assert_rc_error(s, &b, 404, "CMN-120");
        }
    }
}

#[tokio::test]
async fn a_wrong_method_on_a_known_path_is_405() {
    let w = World::new().await;
    let chat = w.team("Methods", false, &[&w.bob]).await;
    for (method, path, allowed) in [
        (
            Method::DELETE,
            "/team-messaging/v1/chats".to_string(),
            "GET",
        ),
        (
            Method::PUT,
            format!("/team-messaging/v1/chats/{chat}"),
            "GET",
        ),
        (
            Method::PUT,
            format!("/team-messaging/v1/chats/{chat}/posts"),
            "POST",
        ),
        (Method::GET, "/restapi/oauth/token".to_string(), "POST"),
        (Method::POST, "/restapi/v1.0/account/~".to_string(), "GET"),
        (
            Method::GET,
            format!("/team-messaging/v1/teams/{chat}/join"),
            "POST",
        ),
    ] {
        let r = w
            .app
            .req(method.clone(), &path, &w.alice.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method} {path}");
        // RFC 9110: a 405 lists what the resource does allow.
        let allow = r
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(
            allow.split(',').any(|m| m.trim() == allowed),
            "{method} {path}: Allow: {allow:?}"
        );
        let b: Value = r.json().await.unwrap();
        assert!(b["errorCode"].is_string(), "{method} {path}: {b}");
    }
    let (s, _) = w
        .app
        .get(&format!("/team-messaging/v1/chats/{chat}"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "the team is still there");
}

#[tokio::test]
async fn absurd_ids_are_not_found_never_500() {
    let w = World::new().await;
    let chat = w.team("Ids", false, &[&w.bob]).await;
    let before = post_ids(&w, &chat).await;
    let absurd = [
        "abc",
        "99999999999999999999999",
        "-1",
        "0",
        "1.5",
        "%20",
        "9223372036854775807",
        "-9223372036854775808",
        "1e3",
        "0x10",
        "%F0%9F%98%80",
    ];
    for id in absurd {
        for (method, path) in [
            (Method::GET, format!("/team-messaging/v1/chats/{id}")),
            (Method::GET, format!("/team-messaging/v1/chats/{id}/posts")),
            (Method::GET, format!("/team-messaging/v1/teams/{id}")),
            (Method::GET, format!("/restapi/v1.0/glip/groups/{id}")),
            (Method::GET, format!("/restapi/v1.0/glip/persons/{id}")),
            (Method::GET, format!("/team-messaging/v1/persons/{id}")),
            (Method::GET, format!("/restapi/v1.0/account/{id}")),
            (
                Method::GET,
                format!("/team-messaging/v1/chats/{chat}/posts/{id}"),
            ),
            (
                Method::DELETE,
                format!("/team-messaging/v1/chats/{chat}/posts/{id}"),
            ),
            (
                Method::GET,
                format!("/team-messaging/v1/chats/{chat}/threads/{id}/posts"),
            ),
        ] {
            let (s, b) = send(w.app.req(method.clone(), &path, &w.alice.token)).await;
            assert!(s < 500, "{method} {path}: {s} {b}");
            assert_rc_error(s, &b, 404, "CMN-102");
        }
        let (s, b) = w
            .app
            .post(
                &format!("/team-messaging/v1/chats/{id}/posts"),
                &w.alice.token,
                json!({"text": "into the void"}),
            )
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (s, b) = w
            .app
            .patch(
                &format!("/team-messaging/v1/chats/{chat}/posts/{id}"),
                &w.alice.token,
                json!({"text": "x"}),
            )
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    assert_eq!(post_ids(&w, &chat).await, before);
}

#[tokio::test]
async fn bad_query_parameters_are_400_not_500() {
    let w = World::new().await;
    for q in [
        "recordCount=abc",
        "recordCount=",
        "recordCount=%00",
        "pageToken=%FF%FE",
        "pageToken=!!",
        "type=Bogus",
    ] {
        let (s, b) = w
            .app
            .get(&format!("/team-messaging/v1/chats?{q}"), &w.alice.token)
            .await;
        assert_eq!(s, 400, "{q}: {b}");
        assert!(b["errorCode"].is_string(), "{q}: {b}");
    }
}
