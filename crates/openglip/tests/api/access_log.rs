//! The access log of the real binary: one line per request with method, route template, status,
//! duration, app and request id (`--log-format json` makes each a JSON object), and the
//! `X-Request-Id` echoed, or made when the client sent none.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::cli::{BIN, Server, fails_with_logs, login, ok, s};

/// Starts `serve` with `extra` flags, keeping every line it writes to stderr.
fn serve_keeping_logs(data: &std::path::Path, extra: &[&str]) -> (Server, Arc<Mutex<Vec<String>>>) {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--rate-limits", "off"])
        .args(extra)
        .arg("--data-dir")
        .arg(data)
        .env_remove("OPENGLIP_DATA_DIR")
        .env_remove("OPENGLIP_PUBLIC_URL")
        .env_remove("OPENGLIP_LOG_FORMAT")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped());
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (server, stderr) = Server::spawn_with_stderr(cmd);
    let kept = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            kept.lock().unwrap().push(line);
        }
    });
    (server, lines)
}

/// Provisions a company, a person and a password-grant app in `data`; returns the app.
pub(crate) fn provision(data: &std::path::Path) -> Value {
    let account = ok(
        data,
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
    );
    ok(
        data,
        &[
            "admin",
            "app",
            "create",
            "--account-id",
            s(&account, "accountId"),
            "--name",
            "Script",
            "--grant",
            "password",
            "--permission",
            "TeamMessaging",
            "--permission",
            "ReadAccounts",
        ],
    )
}

/// The JSON log line of the request with this id, once it is written.
async fn line_of(lines: &Mutex<Vec<String>>, request_id: &str) -> Value {
    for _ in 0..100 {
        let found = lines.lock().unwrap().iter().find_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            (v["fields"]["request_id"] == request_id).then_some(v)
        });
        if let Some(v) = found {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no log line for {request_id}: {:?}", lines.lock().unwrap());
}

#[tokio::test]
async fn every_request_is_one_json_line_with_its_route_status_app_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let app = provision(dir.path());
    let (server, lines) = serve_keeping_logs(dir.path(), &["--log-format", "json"]);
    let http = reqwest::Client::new();
    let (status, token) = login(
        &http,
        &server,
        &app,
        "alice@acme.test",
        "correct-horse-battery",
    )
    .await;
    assert_eq!(status, 200, "{token}");

    // The client's id is kept and echoed.
    let r = http
        .get(server.url("/restapi/v1.0/account/~/extension/~"))
        .bearer_auth(s(&token, "access_token"))
        .header("X-Request-Id", "proxy-id-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["x-request-id"], "proxy-id-42");
    let line = line_of(&lines, "proxy-id-42").await;
    assert_eq!(line["target"], "openglip::request", "{line}");
    let f = &line["fields"];
    assert_eq!(f["method"], "GET", "{line}");
    // The template, never the concrete path.
    assert_eq!(
        f["route"], "/restapi/v1.0/account/{accountId}/extension/{extensionId}",
        "{line}"
    );
    assert_eq!(f["status"], 200, "{line}");
    assert!(
        f["duration_ms"].as_f64().is_some_and(|d| d >= 0.0),
        "{line}"
    );
    assert!(f["app"].as_i64().is_some_and(|a| a > 0), "{line}");

    // Without one (or with one that is not a plain token), the server makes one and says it.
    for sent in [None, Some("has spaces in it")] {
        let mut req = http.get(server.url("/team-messaging/v1/chats/123456/posts"));
        if let Some(id) = sent {
            req = req.header("X-Request-Id", id);
        }
        let r = req
            .bearer_auth(s(&token, "access_token"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
        let made = r.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(made.len(), 33, "{made}");
        let line = line_of(&lines, &made).await;
        assert_eq!(line["fields"]["status"], 404, "{line}");
        assert_eq!(
            line["fields"]["route"], "/team-messaging/v1/chats/{chatId}/posts",
            "{line}"
        );
    }

    // Pages, probes and unknown paths are logged too; an unknown path has no template, and no app.
    let r = http
        .get(server.url("/no/such/thing"))
        .header("X-Request-Id", "unknown-path")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let line = line_of(&lines, "unknown-path").await;
    assert_eq!(line["fields"]["route"], "(unmatched)", "{line}");
    assert!(line["fields"].get("app").is_none(), "{line}");
    let r = http
        .get(server.url("/healthz"))
        .header("X-Request-Id", "probe")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        line_of(&lines, "probe").await["fields"]["route"],
        "/healthz"
    );
}

#[test]
fn an_unknown_log_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (e, _) = fails_with_logs(
        dir.path(),
        &["serve", "--listen", "127.0.0.1:0", "--log-format", "xml"],
    );
    assert!(e.contains("--log-format"), "{e}");
}
