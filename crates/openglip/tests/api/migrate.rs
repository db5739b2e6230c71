//! `openglip admin migrate --from <sqlite data dir> --to postgres://…` on the real binary: an
//! installation seeded through the API on SQLite is copied into an empty PostgreSQL database;
//! a server started on it serves the same people, chats, posts, tokens, read state and files
//! (their bytes copied into the new node's data folder), and new rows get new ids; a target that
//! holds data, a URL that is not PostgreSQL's, and files with nowhere to go are refused.

use std::process::Command;

use openglip_store_postgres::scratch::ScratchDatabase;
use serde_json::{Value, json};

use crate::access_log::provision;
use crate::cli::{BIN, Server, login, s};

fn migrate(from: &std::path::Path, to: &str, files_to: &std::path::Path) -> std::process::Output {
    Command::new(BIN)
        .args(["admin", "migrate", "--from"])
        .arg(from)
        .args(["--to", to, "--files-to"])
        .arg(files_to)
        .env_remove("OPENGLIP_DATA_DIR")
        .env_remove("OPENGLIP_DATABASE_URL")
        .env_remove("OPENGLIP_CONFIG")
        .output()
        .expect("run openglip")
}

async fn call(
    http: &reqwest::Client,
    server: &Server,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = http.request(method, server.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_sqlite_installation_moves_to_postgres_and_serves_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = provision(&data);
    let http = reqwest::Client::new();
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;

    // Seed through the API on SQLite: a team with a post and a reply, read state.
    let server = Server::start(&data);
    let (status, t) = login(
        &http,
        &server,
        &app,
        "alice@acme.test",
        "correct-horse-battery",
    )
    .await;
    assert_eq!(status, 200, "{t}");
    let token = s(&t, "access_token").to_string();
    let (status, team) = call(
        &http,
        &server,
        post.clone(),
        "/team-messaging/v1/teams",
        &token,
        Some(json!({"name": "Moving day", "public": true})),
    )
    .await;
    assert_eq!(status, 201, "{team}");
    let team_id = s(&team, "id").to_string();
    let posts_path = format!("/team-messaging/v1/chats/{team_id}/posts");
    let (status, first) = call(
        &http,
        &server,
        post.clone(),
        &posts_path,
        &token,
        Some(json!({"text": "before the move"})),
    )
    .await;
    assert_eq!(status, 201, "{first}");
    let bytes = b"the minutes of the moving day\n".to_vec();
    let r = http
        .post(server.url("/team-messaging/v1/files?name=minutes.txt"))
        .bearer_auth(&token)
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let uploaded: Value = r.json().await.unwrap();
    let uri = s(&uploaded[0], "contentUri").to_string();
    let file_path = &uri[uri
        .find("/team-messaging")
        .or(uri.find("/restapi"))
        .unwrap()..];
    let file_path = file_path.to_string();
    drop(server);

    // Copy; the files into the new node's data folder.
    let db = ScratchDatabase::create().await.unwrap();
    let new_data = dir.path().join("unused");
    let out = Command::new(BIN)
        .args(["admin", "migrate", "--from"])
        .arg(&data)
        .args(["--to", db.url()])
        .env_remove("OPENGLIP_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("say where they go"), "{stderr}");
    let out = migrate(&data, db.url(), &new_data);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        report["tables"]["chats"].as_i64().map(|n| n > 0),
        Some(true),
        "{report}"
    );
    assert!(report["tables"]["posts"].as_i64().unwrap() >= 1, "{report}");
    assert!(
        report["tables"]["tokens"].as_i64().unwrap() >= 1,
        "{report}"
    );
    assert!(
        report["tables"]["audit_events"].as_i64().unwrap() >= 1,
        "{report}"
    );
    assert!(
        report["tables"].get("schema_migrations").is_none(),
        "{report}"
    );
    assert_eq!(report["files"]["blobs"], 1, "{report}");
    assert_eq!(report["files"]["copied"], 1, "{report}");
    assert_eq!(report["files"]["bytes"], bytes.len(), "{report}");

    // Serve from PostgreSQL: the token issued on SQLite still works, the data is there.
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--rate-limits", "off"])
        .arg("--data-dir")
        .arg(dir.path().join("unused"))
        .args(["--database", db.url()])
        .env_remove("OPENGLIP_DATA_DIR")
        .env_remove("OPENGLIP_DATABASE_URL")
        .env_remove("OPENGLIP_PUBLIC_URL");
    let server = Server::spawn(cmd);
    let (status, posts) = call(&http, &server, get.clone(), &posts_path, &token, None).await;
    assert_eq!(status, 200, "{posts}");
    assert_eq!(posts["records"][0]["text"], "before the move", "{posts}");
    assert_eq!(posts["records"][0]["id"], first["id"]);
    let (status, me) = call(
        &http,
        &server,
        get.clone(),
        "/restapi/v1.0/account/~/extension/~",
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{me}");
    // The file's bytes are served from the new node's data folder.
    let r = http
        .get(server.url(&file_path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{file_path}");
    assert_eq!(r.bytes().await.unwrap().to_vec(), bytes);
    // New rows get new ids (the sequences moved past the copied ones).
    let (status, second) = call(
        &http,
        &server,
        post.clone(),
        &posts_path,
        &token,
        Some(json!({"text": "after the move"})),
    )
    .await;
    assert_eq!(status, 201, "{second}");
    assert_ne!(second["id"], first["id"]);
    let (status, again) = login(
        &http,
        &server,
        &app,
        "alice@acme.test",
        "correct-horse-battery",
    )
    .await;
    assert_eq!(status, 200, "{again}");
    drop(server);

    // Again into the same database: refused, it holds data now.
    let out = migrate(&data, db.url(), &new_data);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already holds openglip data"), "{stderr}");
    // A target that is not PostgreSQL, and a folder without data.
    let out = migrate(&data, "mysql://root@localhost/openglip", &new_data);
    assert!(String::from_utf8_lossy(&out.stderr).contains("PostgreSQL URL"));
    // A server that does not answer: said, with the URL but never its password.
    let out = migrate(
        &data,
        "postgres://postgres:s3cret@127.0.0.1:1/openglip",
        &new_data,
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot open the target"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
    let empty = ScratchDatabase::create().await.unwrap();
    let out = migrate(&dir.path().join("nothing-here"), empty.url(), &new_data);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no openglip data"), "{stderr}");
}
