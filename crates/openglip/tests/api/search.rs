//! Search, openglip's extension `GET /team-messaging/v1/search/posts`: what a person finds (only
//! their chats, at once after a post, an edit or a delete), the filters, paging by token alone,
//! the highlight escaped, the permission, and bad input as clear 400s.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const TM: &str = "/team-messaging/v1";
const SEARCH: &str = "/team-messaging/v1/search/posts";

async fn post(w: &World, token: &str, chat: &str, text: &str) -> Value {
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/chats/{chat}/posts"),
            token,
            json!({ "text": text }),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

/// `GET /search/posts` with these query parameters (encoded).
async fn get(w: &World, token: &str, params: &[(&str, &str)]) -> (u16, Value) {
    send(w.app.req(Method::GET, SEARCH, token).query(params)).await
}

async fn search(w: &World, token: &str, params: &[(&str, &str)]) -> Value {
    let (s, b) = get(w, token, params).await;
    assert_eq!(s, 200, "{params:?}: {b}");
    b
}

fn texts(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records: {list}"))
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn people_find_the_posts_of_their_chats_with_highlights() {
    let w = World::new().await;
    let team = w.team("Ops", false, &[&w.bob]).await;
    let other = w.team("Board", false, &[&w.carol]).await;
    let p = post(
        &w,
        &w.alice.token,
        &team,
        "The <b>deployment</b> of v2 is done",
    )
    .await;
    post(&w, &w.bob.token, &team, "deploy again tomorrow").await;
    post(&w, &w.alice.token, &other, "deploy the board deck").await;

    // Bob sees Ops, not Board; every word a prefix, any case.
    let b = search(&w, &w.bob.token, &[("q", "DEPLOY")]).await;
    assert_eq!(
        texts(&b),
        [
            "The <b>deployment</b> of v2 is done",
            "deploy again tomorrow"
        ]
    );
    let hit = b["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == p["id"])
        .unwrap();
    // The post as the posts API shows it, its chat, and the highlight: escaped, matches marked.
    assert_eq!(hit["chatId"], team.as_str());
    assert_eq!(hit["groupId"], team.as_str());
    assert_eq!(hit["creatorId"], w.alice.id());
    assert_eq!(hit["type"], "TextMessage");
    assert_time(&hit["creationTime"]);
    assert_eq!(
        hit["highlight"],
        "The &lt;b&gt;<mark>deployment</mark>&lt;/b&gt; of v2 is done"
    );
    assert!(b["navigation"].as_object().unwrap().is_empty(), "{b}");

    // Carol sees only Board; Eve, of another company, nothing.
    let c = search(&w, &w.carol.token, &[("q", "deploy")]).await;
    assert_eq!(texts(&c), ["deploy the board deck"]);
    let e = search(&w, &w.eve.token, &[("q", "deploy")]).await;
    assert!(texts(&e).is_empty());

    // Edits and deletes are searched as soon as they are answered.
    let id = p["id"].as_str().unwrap();
    let (s, b) = send(
        w.app
            .req(
                Method::PATCH,
                &format!("{TM}/chats/{team}/posts/{id}"),
                &w.alice.token,
            )
            .json(&json!({"text": "Rollout finished"})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        texts(&search(&w, &w.bob.token, &[("q", "rollout")]).await),
        ["Rollout finished"]
    );
    assert_eq!(
        texts(&search(&w, &w.bob.token, &[("q", "deploy")]).await),
        ["deploy again tomorrow"]
    );
    let (s, _) = send(w.app.req(
        Method::DELETE,
        &format!("{TM}/chats/{team}/posts/{id}"),
        &w.alice.token,
    ))
    .await;
    assert_eq!(s, 204);
    assert!(texts(&search(&w, &w.bob.token, &[("q", "rollout")]).await).is_empty());
}

#[tokio::test]
async fn filters_and_pages_by_token_alone() {
    let w = World::new().await;
    let ops = w.team("Ops", false, &[&w.bob]).await;
    let dev = w.team("Dev", false, &[&w.bob]).await;
    for i in 0..5 {
        post(&w, &w.alice.token, &ops, &format!("budget ops {i}")).await;
        post(&w, &w.bob.token, &dev, &format!("budget dev {i}")).await;
    }
    let b = search(&w, &w.bob.token, &[("q", "budget"), ("chatId", &dev)]).await;
    assert_eq!(b["records"].as_array().unwrap().len(), 5);
    assert!(
        b["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["chatId"] == dev.as_str())
    );
    let b = search(
        &w,
        &w.bob.token,
        &[("q", "budget"), ("creatorId", &w.alice.id())],
    )
    .await;
    assert_eq!(texts(&b).len(), 5);
    assert!(texts(&b).iter().all(|t| t.starts_with("budget ops")));
    let b = search(
        &w,
        &w.bob.token,
        &[("q", "budget"), ("until", "2000-01-01T00:00:00Z")],
    )
    .await;
    assert!(texts(&b).is_empty());
    let b = search(
        &w,
        &w.bob.token,
        &[("q", "budget"), ("since", "2000-01-01T00:00:00Z")],
    )
    .await;
    assert_eq!(texts(&b).len(), 10);

    // Pages of three; the token alone goes on (it carries the words and filters).
    let mut seen = Vec::new();
    let mut b = search(&w, &w.bob.token, &[("q", "budget"), ("recordCount", "3")]).await;
    assert!(b["navigation"]["prevPageToken"].is_null());
    let mut pages = 1;
    loop {
        seen.extend(
            b["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string()),
        );
        let Some(next) = b["navigation"]["nextPageToken"]
            .as_str()
            .map(str::to_string)
        else {
            break;
        };
        b = search(
            &w,
            &w.bob.token,
            &[("pageToken", &next), ("recordCount", "3")],
        )
        .await;
        assert!(b["navigation"]["prevPageToken"].is_string());
        pages += 1;
    }
    assert_eq!(pages, 4);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (10, 10));

    // A chat the caller is not in is the chat's error, as reading its posts would be.
    let secret = w.team("Secret", false, &[&w.carol]).await;
    let (s, e) = get(&w, &w.bob.token, &[("q", "budget"), ("chatId", &secret)]).await;
    assert_rc_error(s, &e, 404, "CMN-102");
    // A person of another company is not found.
    let (s, e) = get(
        &w,
        &w.bob.token,
        &[("q", "budget"), ("creatorId", &w.eve.id())],
    )
    .await;
    assert_rc_error(s, &e, 404, "CMN-102");
}

#[tokio::test]
async fn bad_input_is_a_clear_400_and_the_permission_is_required() {
    let w = World::new().await;
    let t = &w.bob.token;
    /// Query parameters, the error code, the parameter it names.
    type Case<'a> = (Vec<(&'a str, String)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (vec![], "CMN-100", "q"),
        (vec![("q", "   ".into())], "CMN-100", "q"),
        (vec![("q", "\"*():^-&|".into())], "CMN-101", "q"),
        (vec![("q", "x".repeat(501))], "CMN-409", "q"),
        (
            vec![("q", "a b c d e f g h i j k l m n o p q".into())],
            "CMN-101",
            "q",
        ),
        (
            vec![("q", "ok".into()), ("recordCount", "100000".into())],
            "CMN-411",
            "recordCount",
        ),
        (
            vec![("q", "ok".into()), ("recordCount", "zero".into())],
            "CMN-101",
            "recordCount",
        ),
        (
            vec![("q", "ok".into()), ("chatId", "abc".into())],
            "CMN-101",
            "chatId",
        ),
        (
            vec![("q", "ok".into()), ("creatorId", "1e9".into())],
            "CMN-101",
            "creatorId",
        ),
        (
            vec![("q", "ok".into()), ("since", "yesterday".into())],
            "CMN-101",
            "since",
        ),
        (
            vec![("q", "ok".into()), ("until", "2026-13-01".into())],
            "CMN-101",
            "until",
        ),
        (
            vec![
                ("q", "ok".into()),
                ("since", "2026-02-01T00:00:00Z".into()),
                ("until", "2026-01-01T00:00:00Z".into()),
            ],
            "CMN-101",
            "since",
        ),
        (
            vec![("pageToken", "not-a-token".into())],
            "CMN-101",
            "pageToken",
        ),
    ];
    for (params, code, name) in cases {
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, e) = get(&w, t, &params).await;
        assert_rc_error(s, &e, 400, code);
        assert_eq!(
            e["errors"][0]["parameterName"], name,
            "{params:?}: the error names {name}: {e}"
        );
    }
    // FTS5 and tsquery syntax is only text: operators are words or separators, never a program.
    let team = w.team("Ops", false, &[&w.bob]).await;
    post(&w, &w.alice.token, &team, "alpha beta, and or not near").await;
    for (q, found) in [
        ("alpha AND", 1),
        ("\"alpha\"*", 1),
        ("alpha:* & !beta", 1),
        ("NEAR(alpha beta)", 1),
        ("-alpha", 1),
        ("{alpha}", 1),
        ("alpha' OR '1'='1", 0),
        ("beta^2", 0),
    ] {
        let b = search(&w, t, &[("q", q)]).await;
        assert_eq!(b["records"].as_array().unwrap().len(), found, "{q}: {b}");
    }
    // A page token of another listing is refused.
    post(&w, &w.alice.token, &team, "gamma").await;
    let (_, posts) = w
        .app
        .get(&format!("{TM}/chats/{team}/posts?recordCount=1"), t)
        .await;
    let tok = posts["navigation"]["nextPageToken"].as_str().unwrap();
    let (s, e) = get(&w, t, &[("pageToken", tok)]).await;
    assert_rc_error(s, &e, 400, "CMN-101");

    // Without TeamMessaging: 403 naming it.
    let app = w
        .app
        .client(&w.acme, &["password"], &["ReadAccounts"])
        .await;
    let token = w.app.logged_in(&app, w.bob.ext.clone()).await.token;
    let (s, e) = get(&w, &token, &[("q", "alpha")]).await;
    assert_rc_error(s, &e, 403, "CMN-401");
    assert!(
        e["message"].as_str().unwrap().contains("[TeamMessaging]"),
        "{e}"
    );
    // Without a token: 401.
    let (s, _) = send(
        reqwest::Client::new()
            .get(w.app.url(SEARCH))
            .query(&[("q", "alpha")]),
    )
    .await;
    assert_eq!(s, 401);
}
