//! Files in the data export and in threads: the export's archive holds the bytes of the files
//! attached to the exported posts (RingCentral's "files" dataset), listed in `files.json`; the
//! web client's thread composer posts an upload into the thread, as a reply.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::signed_in;
use crate::helpers::*;

const TM: &str = "/team-messaging/v1";

async fn upload(w: &World, user: &User, chat: &str, name: &str, bytes: &[u8]) -> Value {
    let (s, b) = send(
        w.app
            .req(
                Method::POST,
                &format!("{TM}/files?groupId={chat}&name={name}"),
                &user.token,
            )
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec()),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    b[0].clone()
}

/// The archives of a completed export task, each as (name, bytes) entries.
async fn export(w: &World, body: Value) -> Vec<Vec<(String, Vec<u8>)>> {
    let (s, task) = w
        .app
        .post(&format!("{TM}/data-export"), &w.alice.token, body)
        .await;
    assert_eq!(s, 202, "{task}");
    let uri = task["uri"].as_str().unwrap().to_string();
    let mut done = Value::Null;
    for _ in 0..300 {
        let (_, t) = send(w.app.http.get(&uri).bearer_auth(&w.alice.token)).await;
        if t["status"] == "Completed" {
            done = t;
            break;
        }
        assert!(
            ["Accepted", "InProgress"].contains(&t["status"].as_str().unwrap()),
            "{t}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut out = Vec::new();
    for d in done["datasets"].as_array().expect("completed") {
        let r = w
            .app
            .http
            .get(d["uri"].as_str().unwrap())
            .bearer_auth(&w.alice.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        out.push(openglip_server::zip::read(&r.bytes().await.unwrap()).unwrap());
    }
    out
}

fn entry<'a>(zip: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &zip.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name}"))
        .1
}

#[tokio::test]
async fn the_export_holds_the_bytes_of_the_posts_files() {
    let w = World::new().await;
    let team = w.team("Docs", false, &[&w.bob]).await;
    let other = w.team("Elsewhere", false, &[&w.bob]).await;
    let report: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let a = upload(&w, &w.bob, &team, "report.bin", &report).await;
    let b = upload(&w, &w.alice, &team, "notes.txt", b"plain notes").await;
    upload(&w, &w.bob, &other, "not-asked.txt", b"elsewhere").await;

    let zips = export(&w, json!({ "chatIds": [team] })).await;
    assert_eq!(zips.len(), 1, "one dataset holds them");
    let zip = &zips[0];
    let manifest: Value = serde_json::from_slice(entry(zip, "export.json")).unwrap();
    assert_eq!(
        (
            manifest["attachments"].as_u64(),
            manifest["datasets"].as_u64()
        ),
        (Some(2), Some(1))
    );
    let listed: Value = serde_json::from_slice(entry(zip, "files.json")).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    for (file, bytes) in [(&a, &report[..]), (&b, &b"plain notes"[..])] {
        let info = listed.iter().find(|f| f["id"] == file["id"]).unwrap();
        assert_eq!(info["dataset"], 1, "{info}");
        assert_eq!(info["size"], bytes.len());
        let path = info["path"].as_str().unwrap();
        assert_eq!(
            path,
            format!(
                "files/{}/{}",
                file["id"].as_str().unwrap(),
                file["name"].as_str().unwrap()
            )
        );
        assert_eq!(entry(zip, path), bytes, "{path}");
    }
    assert!(
        !zip.iter().any(|(n, _)| n.contains("not-asked")),
        "only the chats asked"
    );
    // A range without the posts has no files.
    let zips = export(
        &w,
        json!({"timeFrom": "2001-01-01T00:00:00Z", "timeTo": "2001-02-01T00:00:00Z"}),
    )
    .await;
    let listed: Value = serde_json::from_slice(entry(&zips[0], "files.json")).unwrap();
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn an_upload_from_a_thread_is_a_reply_in_it() {
    let w = World::new().await;
    let team = w.team("Threads", false, &[&w.bob]).await;
    let (_, root) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/posts"),
            &w.alice.token,
            json!({"text": "the plan"}),
        )
        .await;
    let root = root["id"].as_str().unwrap().to_string();
    let (_, reply) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/posts"),
            &w.bob.token,
            json!({"text": "a reply", "parentPostId": root}),
        )
        .await;
    let reply = reply["id"].as_str().unwrap().to_string();
    let bob = signed_in(&w.app, &w.bob.email).await;
    let thread_page = bob.get(&format!("/c/{team}/t/{root}")).await;
    assert!(
        thread_page.has("id=\"attach\""),
        "the thread's composer attaches files"
    );

    // From the thread's composer (its parent is the thread), and while replying to a reply.
    for (parent, name) in [(&root, "plan.txt"), (&reply, "more.txt")] {
        let p = bob
            .fetch_body(
                &format!("/app/c/{team}/files?name={name}&parent={parent}"),
                "text/plain",
                b"hello".to_vec(),
            )
            .await;
        assert_eq!(p.status, 200, "{}", p.body);
    }
    let (s, page) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/threads/{root}/posts"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{page}");
    let names: Vec<&str> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["attachments"][0]["name"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{page}");
    assert!(
        names.contains(&"plan.txt") && names.contains(&"more.txt"),
        "{names:?}"
    );
    // Not in the main stream as posts of their own.
    let (_, all) = w
        .app
        .get(&format!("{TM}/chats/{team}/posts"), &w.alice.token)
        .await;
    for p in all["records"].as_array().unwrap() {
        if p["attachments"].is_array() {
            assert_eq!(p["parentPostId"], root.as_str(), "{p}");
        }
    }
    // A parent that is not a post of the chat: refused before the bytes are kept.
    let p = bob
        .fetch_body(
            &format!("/app/c/{team}/files?name=x.txt&parent=999999"),
            "text/plain",
            b"x".to_vec(),
        )
        .await;
    assert_eq!(p.status, 404, "{}", p.body);
    assert!(p.has("parentPostId"), "{}", p.body);
}
