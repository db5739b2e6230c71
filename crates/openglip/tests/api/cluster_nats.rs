//! A cluster's node and NATS going away: refused at start with a clear message (and wrong
//! settings refused before anything starts), and, mid-run, delivery that goes on from the outbox
//! while NATS is down, `/readyz` saying so, and the stream used again once NATS is back.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use openglip_store_postgres::scratch::ScratchDatabase;
use openglip_testkit::{free_port, spawn_cluster_on, test_config};
use serde_json::{Value, json};

use crate::cli::BIN;
use crate::helpers::*;

/// The error of a `serve` that must refuse to start, from the JSON on its stderr's last line.
fn refused(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--rate-limits", "off"])
        .args(args)
        .env_remove("OPENGLIP_DATABASE_URL")
        .env_remove("OPENGLIP_NATS_URL")
        .env_remove("OPENGLIP_NATS_PREFIX")
        .output()
        .expect("run openglip");
    assert!(!out.status.success(), "it started: {args:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.trim().lines().last().unwrap_or_default();
    let v: Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    v["error"].as_str().expect("an error").to_string()
}

#[tokio::test]
async fn serve_refuses_to_start_without_nats_or_with_wrong_cluster_settings() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let db = ScratchDatabase::create().await.unwrap();
    let e = refused(&["--data-dir", dir, "--nats", "nats://127.0.0.1:4222"]);
    assert!(e.contains("--nats needs --database"), "{e}");
    let e = refused(&["--database", db.url(), "--nats", "http://127.0.0.1:4222"]);
    assert!(e.contains("--nats takes a URL"), "{e}");
    let e = refused(&[
        "--database",
        db.url(),
        "--nats",
        "nats://127.0.0.1:4222",
        "--nats-prefix",
        "a.b",
    ]);
    assert!(e.contains("--nats-prefix takes"), "{e}");
    let port = free_port();
    let e = refused(&[
        "--database",
        db.url(),
        "--nats",
        &format!("nats://127.0.0.1:{port}"),
    ]);
    assert!(e.contains("NATS is not reachable"), "{e}");
    assert!(e.contains("nats-server -js"), "says how to fix it: {e}");
}

/// A NATS server of the test's own, with JetStream, that it can stop and start again.
struct OwnNats {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl OwnNats {
    async fn start() -> OwnNats {
        let mut n = OwnNats {
            port: free_port(),
            dir: tempfile::tempdir().unwrap(),
            child: None,
        };
        n.resume().await;
        n
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    async fn resume(&mut self) {
        let child = Command::new("nats-server")
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server on PATH (the cluster tests stop and start their own NATS)");
        self.child = Some(child);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("nats-server did not start on port {}", self.port);
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn ready(app: &TestApp) -> u16 {
    app.http
        .get(app.url("/readyz"))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

async fn wait_ready(app: &TestApp, want: u16) {
    for _ in 0..400 {
        if ready(app).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/readyz never answered {want}");
}

async fn stream_events(app: &TestApp) -> u64 {
    let text = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find(|l| l.starts_with("openglip_cluster_stream_events_total{"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .expect("the metric")
}

/// Alice posts `n` posts into `chat` on `app`; their ids.
async fn posts(app: &TestApp, alice: &User, chat: &str, n: usize, tag: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let (s, b) = app
            .post(
                &format!("/team-messaging/v1/chats/{chat}/posts"),
                &alice.token,
                json!({"text": format!("{tag} {i}")}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        ids.push(b["id"].as_str().unwrap().to_string());
    }
    ids
}

#[tokio::test]
async fn nats_going_down_mid_run_loses_nothing_and_is_used_again_when_back() {
    let mut nats = OwnNats::start().await;
    let mut cluster = spawn_cluster_on(2, test_config(), &nats.url()).await;
    let b = cluster.nodes.pop().unwrap();
    let w = World::with(cluster.nodes.pop().unwrap()).await;
    let team = w.team("Outage", false, &[&w.bob]).await;
    let recv = Receiver::start().await;
    subscribe(
        &b,
        &w.bob.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;
    let ids_of = |ns: Vec<Value>| -> Vec<String> {
        ns.iter()
            .map(|n| n["body"]["id"].as_str().unwrap().to_string())
            .collect()
    };

    let before = posts(&w.app, &w.alice, &team, 3, "before").await;
    assert_eq!(ids_of(recv.notifications(3).await), before);
    assert_eq!(ready(&b).await, 200);

    nats.stop();
    wait_ready(&b, 503).await;
    let said = b.http.get(b.url("/readyz")).send().await.unwrap();
    let said = said.text().await.unwrap();
    assert!(said.contains("NATS is not reachable"), "says why: {said}");
    // The WebHook's lease cannot be renewed: its node stops delivering once the lease may have
    // expired, and nobody can take it while NATS is down; WebSocket sessions are served from
    // the outbox meanwhile. What was posted arrives once NATS is back.
    let during = posts(&w.app, &w.alice, &team, 3, "during").await;

    nats.resume().await;
    wait_ready(&b, 200).await;
    wait_ready(&w.app, 200).await;
    let from_stream = stream_events(&b).await;
    let after = posts(&w.app, &w.alice, &team, 3, "after").await;
    let mut got = Vec::new();
    while got.len() < 6 {
        let id = recv.notification().await["body"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        // Earlier posts may come again after the lease moved (same uuid): count each once.
        if (during.contains(&id) || after.contains(&id)) && !got.contains(&id) {
            got.push(id);
        }
    }
    let want: Vec<String> = during.iter().chain(&after).cloned().collect();
    assert_eq!(got, want, "everything, in order");
    // Node B learns of posts through the stream again (once JetStream is back up, which takes
    // the restarted server a moment).
    for i in 0..400 {
        if stream_events(&b).await > from_stream {
            break;
        }
        if i % 40 == 39 {
            posts(&w.app, &w.alice, &team, 1, "later").await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(stream_events(&b).await > from_stream);
    drop(b);
    drop(w);
    cluster.finish().await;
}
