//! `openglip admin backup --to FILE` on the real binary: a copy taken while the server writes
//! serves the same data when started on; a write that fails half way (the file-size limit
//! standing in for a full disk) and a missing folder are clear errors that leave nothing under
//! the target's name (an older backup there survives); PostgreSQL is pointed to pg_dump.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::access_log::provision;
use crate::cli::{BIN, Server, fails, login, ok, s};
use crate::cli_filesystems::Mounted;

/// Posts `text` into the company's everyone chat as Alice; returns the post's id.
async fn post(http: &reqwest::Client, server: &Server, token: &str, text: &str) -> String {
    let everyone: Value = http
        .get(server.url("/team-messaging/v1/everyone"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = http
        .post(server.url(&format!(
            "/team-messaging/v1/chats/{}/posts",
            s(&everyone, "id")
        )))
        .bearer_auth(token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.json().await.unwrap();
    s(&v, "id").to_string()
}

/// `admin backup` run through `sh` with a file-size limit of `blocks`, SIGXFSZ ignored, so a
/// write past the limit fails as a full disk's would (EFBIG instead of ENOSPC).
fn backup_with_size_limit(data: &Path, to: &Path, blocks: u32) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" admin backup --to \"$1\" --data-dir \"$2\""
        ))
        .arg(BIN)
        .arg(to)
        .arg(data)
        .env_remove("OPENGLIP_DATA_DIR")
        .env_remove("OPENGLIP_DATABASE_URL")
        .output()
        .expect("run sh")
}

#[tokio::test]
async fn a_backup_taken_while_serving_starts_a_server_with_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = provision(&data);
    let server = Server::start(&data);
    let http = reqwest::Client::new();
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
    let kept = post(&http, &server, &token, "in the backup").await;

    let target = dir.path().join("backups").join("openglip-backup.db");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let done = ok(
        &data,
        &["admin", "backup", "--to", target.to_str().unwrap()],
    );
    assert!(done["bytes"].as_u64().is_some_and(|b| b > 0), "{done}");
    assert!(s(&done, "backup").ends_with("openglip-backup.db"), "{done}");
    // Written after the backup: not in it.
    post(&http, &server, &token, "after the backup").await;
    drop(server);

    // Restoring is placing the file as `openglip.db` in an empty data folder.
    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(&target, restored.join("openglip.db")).unwrap();
    let server = Server::start(&restored);
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
    let everyone: Value = http
        .get(server.url("/team-messaging/v1/everyone"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let posts: Value = http
        .get(server.url(&format!(
            "/team-messaging/v1/chats/{}/posts",
            s(&everyone, "id")
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let texts: Vec<&str> = posts["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(texts, ["in the backup"], "{posts}");
    assert_eq!(posts["records"][0]["id"], kept.as_str());
}

#[tokio::test]
async fn a_failed_backup_leaves_nothing_under_the_target_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    provision(&data);
    let _server = Server::start(&data);
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let target = out_dir.join("b.db");

    // An older backup under the name survives a failed one, byte for byte.
    std::fs::write(&target, b"the previous backup").unwrap();
    let out = backup_with_size_limit(&data, &target, 8);
    assert!(!out.status.success(), "the backup fit in 8 blocks?");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let v: Value = serde_json::from_str(stderr.trim().lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let e = s(&v, "error");
    assert!(e.contains("cannot write the backup"), "{e}");
    assert_eq!(std::fs::read(&target).unwrap(), b"the previous backup");
    let left: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["b.db"], "the partial copy is removed");

    // The same with room to write: the backup replaces the old one.
    let out = backup_with_size_limit(&data, &target, 1_000_000);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read(&target)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );

    // A folder that does not exist, and the live database itself.
    let e = fails(
        &data,
        &[
            "admin",
            "backup",
            "--to",
            dir.path().join("no/such/b.db").to_str().unwrap(),
        ],
    );
    assert!(e.contains("does not exist"), "{e}");
    let e = fails(
        &data,
        &[
            "admin",
            "backup",
            "--to",
            data.join("openglip.db").to_str().unwrap(),
        ],
    );
    assert!(e.contains("live database"), "{e}");
}

#[tokio::test]
async fn a_backup_to_a_full_or_read_only_disk_says_so_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    provision(&data);
    let _server = Server::start(&data);
    // A disk smaller than the database (mounting needs root; else nothing is checked).
    let Some(full) = Mounted::tmpfs("size=64k") else {
        eprintln!("cannot mount a tmpfs here: the full-disk backup is not checked");
        return;
    };
    std::fs::write(full.path().join("b.db"), b"the previous backup").unwrap();
    let target = full.path().join("b.db");
    let e = fails(
        &data,
        &["admin", "backup", "--to", target.to_str().unwrap()],
    );
    assert!(e.contains("the disk is full"), "{e}");
    assert_eq!(std::fs::read(&target).unwrap(), b"the previous backup");
    let left: Vec<_> = std::fs::read_dir(full.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["b.db"], "the partial copy is removed");

    let read_only = Mounted::tmpfs("size=1m,ro").unwrap();
    let target = read_only.path().join("b.db");
    let e = fails(
        &data,
        &["admin", "backup", "--to", target.to_str().unwrap()],
    );
    assert!(e.contains("cannot write the backup"), "{e}");
    assert!(!target.exists());
}

#[test]
fn on_postgres_the_backup_command_explains_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["admin", "backup", "--to"])
        .arg(dir.path().join("b.dump"))
        .args(["--database", "postgres://postgres@127.0.0.1:5432/unused"])
        .env_remove("OPENGLIP_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(stderr.contains("docs/deploy.md"), "{stderr}");
    assert!(!dir.path().join("b.dump").exists());
}
