//! Data export (`/team-messaging/v1/data-export`, `/restapi/v1.0/glip/data-export`): an account
//! administrator's task is built in the background into a ZIP of JSON files and downloaded with
//! the token; everyone else is refused as RingCentral refuses them; bad input is a 400 naming
//! the field; a task waiting when the server stops is built after it starts again.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const TM: &str = "/team-messaging/v1";
const GLIP: &str = "/restapi/v1.0/glip";

async fn post_text(w: &World, user: &User, chat: &str, text: &str) -> Value {
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/chats/{chat}/posts"),
            &user.token,
            json!({ "text": text }),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

/// Polls a task until it is `Completed` (or fails the test after 30 s).
async fn completed(w: &World, token: &str, uri: &str) -> Value {
    for _ in 0..300 {
        let (s, t) = send(w.app.http.get(uri).bearer_auth(token)).await;
        assert_eq!(s, 200, "{t}");
        match t["status"].as_str().unwrap() {
            "Completed" => return t,
            "Accepted" | "InProgress" => tokio::time::sleep(Duration::from_millis(100)).await,
            other => panic!("task {other}: {t}"),
        }
    }
    panic!("the task did not complete")
}

/// The dataset's files: name → parsed JSON.
async fn download(w: &World, token: &str, uri: &str) -> std::collections::HashMap<String, Value> {
    let resp = w.app.http.get(uri).bearer_auth(token).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let bytes = resp.bytes().await.unwrap();
    openglip_server::zip::read(&bytes)
        .unwrap()
        .into_iter()
        .map(|(n, d)| (n, serde_json::from_slice(&d).unwrap()))
        .collect()
}

fn texts(posts: &Value) -> Vec<&str> {
    posts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_administrator_exports_chats_posts_and_members_as_a_zip() {
    let w = World::new().await;
    let team = w.team("Ops", false, &[&w.bob]).await;
    post_text(&w, &w.bob, &team, "first").await;
    post_text(&w, &w.alice, &team, "second").await;
    let (s, t) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/tasks"),
            &w.alice.token,
            json!({"subject": "Ship it", "assignees": [{"id": w.bob.id()}]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    post_text(
        &w,
        &w.carol,
        &w.team("Carol's", false, &[&w.carol]).await,
        "carol's",
    )
    .await;

    let (s, task) = w
        .app
        .post(&format!("{TM}/data-export"), &w.alice.token, json!({}))
        .await;
    assert_eq!(s, 202, "{task}");
    assert!(["Accepted", "InProgress", "Completed"].contains(&task["status"].as_str().unwrap()));
    assert_eq!(task["creator"]["id"], w.alice.id());
    let uri = task["uri"].as_str().unwrap().to_string();
    assert!(
        uri.ends_with(&format!(
            "{TM}/data-export/{}",
            task["id"].as_str().unwrap()
        )),
        "{uri}"
    );
    assert_time(&task["specific"]["timeFrom"]);

    let done = completed(&w, &w.alice.token, &uri).await;
    let datasets = done["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 1);
    let files = download(&w, &w.alice.token, datasets[0]["uri"].as_str().unwrap()).await;
    let mut names: Vec<&String> = files.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "chats.json",
            "events.json",
            "export.json",
            "files.json",
            "members.json",
            "notes.json",
            "people.json",
            "posts.json",
            "tasks.json"
        ]
    );
    let tasks = files["tasks.json"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["subject"], "Ship it");
    let posts = texts(&files["posts.json"]);
    for t in ["first", "second", "carol's"] {
        assert!(posts.contains(&t), "{t} in {posts:?}");
    }
    assert!(
        files["posts.json"][0]["creatorId"].is_string(),
        "posts as the API shows them"
    );
    let chats = files["chats.json"].as_array().unwrap();
    assert!(
        chats
            .iter()
            .any(|c| c["id"] == team.as_str() && c["name"] == "Ops")
    );
    let members = files["members.json"].as_array().unwrap();
    let ops = members
        .iter()
        .find(|m| m["chatId"] == team.as_str())
        .unwrap();
    assert!(
        ops["members"]
            .as_array()
            .unwrap()
            .contains(&json!(w.bob.id()))
    );
    let people = files["people.json"].as_array().unwrap();
    assert!(people.iter().any(|p| p["firstName"] == "Bob"));
    assert_eq!(files["export.json"]["posts"], json!(posts.len()));
    // Nothing of another company.
    assert!(!people.iter().any(|p| p["id"] == w.eve.id().as_str()));

    // Listed, newest first, in RingCentral's numbered pages.
    let (s, list) = w
        .app
        .get(&format!("{TM}/data-export?perPage=10"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["tasks"][0]["id"], done["id"]);
    assert_eq!(list["paging"]["totalElements"], 1);
    let (_, none) = w
        .app
        .get(&format!("{TM}/data-export?status=Failed"), &w.alice.token)
        .await;
    assert!(none["tasks"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn contacts_and_chats_narrow_the_export_and_the_legacy_prefix_answers_too() {
    let w = World::new().await;
    let team = w.team("Ops", false, &[&w.bob, &w.carol]).await;
    let other = w.team("Other", false, &[&w.bob, &w.carol]).await;
    post_text(&w, &w.bob, &team, "by bob").await;
    post_text(&w, &w.carol, &team, "by carol").await;
    post_text(
        &w,
        &w.alice,
        &team,
        &format!("hey ![:Person]({})", w.carol.id()),
    )
    .await;
    post_text(&w, &w.carol, &other, "not in the chat asked").await;
    let body = json!({"contacts": [{"email": "carol@acme.test"}], "chatIds": [team]});
    let (s, task) = w
        .app
        .post(&format!("{GLIP}/data-export"), &w.alice.token, body)
        .await;
    assert_eq!(s, 202, "{task}");
    let uri = task["uri"].as_str().unwrap().to_string();
    assert!(uri.contains(GLIP), "{uri}");
    assert_eq!(task["specific"]["contacts"][0]["id"], w.carol.id());
    assert_eq!(task["specific"]["chatIds"], json!([team]));
    let done = completed(&w, &w.alice.token, &uri).await;
    let files = download(
        &w,
        &w.alice.token,
        done["datasets"][0]["uri"].as_str().unwrap(),
    )
    .await;
    let mut posts = texts(&files["posts.json"]);
    posts.sort();
    assert_eq!(
        posts,
        [
            "by carol",
            format!("hey ![:Person]({})", w.carol.id()).as_str()
        ]
    );
}

#[tokio::test]
async fn only_administrators_and_bad_input_is_a_clear_400() {
    let w = World::new().await;
    // Bob is not an administrator: RingCentral's refusal, on every operation.
    let (s, e) = w
        .app
        .post(&format!("{TM}/data-export"), &w.bob.token, json!({}))
        .await;
    assert_rc_error(s, &e, 403, "CMN-408");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("[Glip Data Export]"),
        "{e}"
    );
    let (s, e) = w.app.get(&format!("{TM}/data-export"), &w.bob.token).await;
    assert_rc_error(s, &e, 403, "CMN-408");

    let team = w.team("Ops", false, &[]).await;
    let globex_team = {
        let (s, b) = w
            .app
            .post(
                &format!("{TM}/teams"),
                &w.eve.token,
                json!({"name": "G", "public": false}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        b["id"].as_str().unwrap().to_string()
    };
    let many: Vec<Value> = (0..31)
        .map(|i| json!({"email": format!("p{i}@acme.test")}))
        .collect();
    let chats: Vec<String> = (0..11).map(|_| team.clone()).collect();
    for (body, status, code, name) in [
        (
            json!({"timeFrom": "2026-02-01T00:00:00Z", "timeTo": "2026-01-01T00:00:00Z"}),
            400,
            "CMN-101",
            "timeFrom",
        ),
        (
            json!({"timeFrom": "2025-01-01T00:00:00Z", "timeTo": "2026-01-01T00:00:00Z"}),
            400,
            "CMN-101",
            "timeTo",
        ),
        (json!({"timeFrom": "last week"}), 400, "CMN-101", "timeFrom"),
        (json!({"contacts": many}), 400, "CMN-101", "contacts"),
        (json!({"contacts": [{}]}), 400, "CMN-101", "contacts"),
        (json!({"chatIds": chats}), 400, "CMN-101", "chatIds"),
        (json!({"chatIds": [globex_team]}), 404, "CMN-102", "chatId"),
        (json!({"timeTo": 5}), 400, "CMN-101", ""),
    ] {
        let (s, e) = w
            .app
            .post(&format!("{TM}/data-export"), &w.alice.token, body.clone())
            .await;
        assert_rc_error(s, &e, status, code);
        if !name.is_empty() {
            assert_eq!(e["errors"][0]["parameterName"], name, "{body}: {e}");
        }
    }
    let (s, e) = w
        .app
        .get(&format!("{TM}/data-export?status=Done"), &w.alice.token)
        .await;
    assert_rc_error(s, &e, 400, "CMN-101");
    // Nothing was kept by the refused requests.
    let (_, list) = w
        .app
        .get(&format!("{TM}/data-export"), &w.alice.token)
        .await;
    assert_eq!(list["paging"]["totalElements"], 0, "{list}");

    // Another company's administrator cannot read or download Alice's task.
    let (_, task) = w
        .app
        .post(&format!("{TM}/data-export"), &w.alice.token, json!({}))
        .await;
    let uri = task["uri"].as_str().unwrap().to_string();
    let done = completed(&w, &w.alice.token, &uri).await;
    let (s, e) = send(w.app.http.get(&uri).bearer_auth(&w.eve.token)).await;
    assert_rc_error(s, &e, 404, "CMN-102");
    let dataset = done["datasets"][0]["uri"].as_str().unwrap();
    let (s, _) = send(w.app.http.get(dataset).bearer_auth(&w.eve.token)).await;
    assert_eq!(s, 404);
    let (s, _) = send(w.app.http.get(dataset).bearer_auth(&w.bob.token)).await;
    assert_eq!(s, 403);
    let (s, _) = send(w.app.req(
        Method::GET,
        &format!("{TM}/data-export/999999/datasets/1"),
        &w.alice.token,
    ))
    .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_task_left_waiting_is_built_after_a_restart() {
    let config = openglip_server::ServerConfig {
        export_lease: Some(Duration::from_secs(1)),
        ..openglip_testkit::test_config()
    };
    let mut w = World::with(spawn_app_with(config).await).await;
    let team = w.team("Ops", false, &[&w.bob]).await;
    post_text(&w, &w.bob, &team, "before the crash").await;
    let (s, task) = w
        .app
        .post(&format!("{TM}/data-export"), &w.alice.token, json!({}))
        .await;
    assert_eq!(s, 202, "{task}");
    // The server goes down at once (a crash: its runtime is gone), whatever the task's state.
    w.app.stop();
    w.app.restart().await;
    let uri = task["uri"].as_str().unwrap().to_string();
    let done = completed(&w, &w.alice.token, &uri).await;
    let files = download(
        &w,
        &w.alice.token,
        done["datasets"][0]["uri"].as_str().unwrap(),
    )
    .await;
    assert!(texts(&files["posts.json"]).contains(&"before the crash"));
}
