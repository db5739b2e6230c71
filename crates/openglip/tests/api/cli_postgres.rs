//! The real binary on PostgreSQL: `--database` (and `OPENGLIP_DATABASE_URL`) on `serve` and
//! every `admin` command, one scratch database per test (`OPENGLIP_POSTGRES` names the server),
//! and a wrong URL refused before anything starts.

use std::process::{Command, Output};

use openglip_store_postgres::scratch::ScratchDatabase;
use serde_json::Value;

use crate::cli::{BIN, Server, login, s};

/// Runs the binary with `--database url` (and a data folder that must stay unused).
fn run(data: &std::path::Path, url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--database")
        .arg(url)
        .arg("--data-dir")
        .arg(data)
        .env_remove("OPENGLIP_DATA_DIR")
        .env_remove("OPENGLIP_DATABASE_URL")
        .output()
        .expect("run openglip")
}

fn ok(out: Output, what: &str) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{what} failed: {}\nstdout: {stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{what}: {e}: {stdout}"))
}

/// The error of a command that must fail, from the JSON on the last line of its stderr.
fn refused(out: Output) -> String {
    assert!(!out.status.success(), "it succeeded");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.trim().lines().last().unwrap_or_default();
    let v: Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    v["error"].as_str().expect("an error").to_string()
}

#[tokio::test]
async fn admin_commands_and_serve_share_a_postgres_database() {
    let db = ScratchDatabase::create().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let account = ok(
        run(
            dir.path(),
            db.url(),
            &[
                "admin",
                "account",
                "create",
                "--name",
                "Acme",
                "--admin-email",
                "alice@acme.test",
                "--admin-password",
                "correct-horse-battery",
            ],
        ),
        "account create",
    );
    let account_id = s(&account, "accountId").to_string();
    let app = ok(
        run(
            dir.path(),
            db.url(),
            &[
                "admin",
                "app",
                "create",
                "--account-id",
                &account_id,
                "--name",
                "Script",
                "--grant",
                "password",
                "--permission",
                "TeamMessaging",
                "--permission",
                "ReadAccounts",
            ],
        ),
        "app create",
    );

    // `serve` from the environment variable alone.
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--rate-limits", "off"])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("OPENGLIP_DATA_DIR")
        .env_remove("OPENGLIP_PUBLIC_URL")
        .env("OPENGLIP_DATABASE_URL", db.url());
    let server = Server::spawn(cmd);

    // An admin command beside the running server writes to the same database.
    let user = ok(
        run(
            dir.path(),
            db.url(),
            &[
                "admin",
                "user",
                "create",
                "--account-id",
                &account_id,
                "--email",
                "bob@acme.test",
                "--first-name",
                "Bob",
                "--last-name",
                "Baker",
                "--password",
                "bobs-long-password",
            ],
        ),
        "user create",
    );
    let http = reqwest::Client::new();
    let (status, token) = login(&http, &server, &app, "bob@acme.test", "bobs-long-password").await;
    assert_eq!(status, 200, "{token}");
    let me: Value = http
        .get(server.url("/restapi/v1.0/account/~/extension/~"))
        .bearer_auth(s(&token, "access_token"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"].to_string(), s(&user, "id"), "{me}");
    // A post through the API lands in PostgreSQL.
    let everyone: Value = http
        .get(server.url("/team-messaging/v1/everyone"))
        .bearer_auth(s(&token, "access_token"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let posted = http
        .post(server.url(&format!(
            "/team-messaging/v1/chats/{}/posts",
            s(&everyone, "id")
        )))
        .bearer_auth(s(&token, "access_token"))
        .json(&serde_json::json!({"text": "stored in PostgreSQL"}))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status().as_u16(), 201);
    drop(server);
    // Nothing went to the SQLite data folder.
    assert!(!dir.path().join("openglip.db").exists());
}

#[tokio::test]
async fn a_wrong_database_url_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let serve = |url: &str| {
        run(
            dir.path(),
            url,
            &["serve", "--listen", "127.0.0.1:0", "--rate-limits", "off"],
        )
    };
    let e = refused(serve("mysql://root@127.0.0.1/db"));
    assert!(e.contains("--database takes a PostgreSQL URL"), "{e}");
    let e = refused(serve("postgres://nobody:hunter2@127.0.0.1:1/none"));
    assert!(e.contains("cannot connect to PostgreSQL"), "{e}");
    assert!(
        !e.contains("hunter2"),
        "the password stays out of messages: {e}"
    );
    let missing = format!("{}_missing", ScratchDatabase::create().await.unwrap().url());
    let e = refused(serve(&missing));
    assert!(e.contains("does not exist"), "{e}");
    let e = refused(run(
        dir.path(),
        &missing,
        &["admin", "bot", "create", "--account-id", "1", "--name", "B"],
    ));
    assert!(e.contains("does not exist"), "{e}");
    assert!(!dir.path().join("openglip.db").exists());
    // The variable may hold a password: `--help` does not show its value.
    let help = Command::new(BIN)
        .args(["serve", "--help"])
        .env(
            "OPENGLIP_DATABASE_URL",
            "postgres://u:hunter2@127.0.0.1:1/db",
        )
        .output()
        .expect("run openglip");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("--database"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}
