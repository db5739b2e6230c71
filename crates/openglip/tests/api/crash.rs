//! Durability of event delivery across a crash: the real binary, a WebHook subscription whose
//! receiver stops answering, posts acknowledged with 201 (some while the server is being killed),
//! `kill -9`, a restart on the same data folder — and every acknowledged post's `PostAdded`
//! arrives (at least once, de-duplicated by `uuid`, first deliveries in order).

use std::collections::{BTreeSet, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{Hit, Receiver};

const BIN: &str = env!("CARGO_BIN_EXE_openglip");

/// `openglip admin …` that must succeed; its JSON.
fn admin(data: &Path, args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .arg("admin")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("OPENGLIP_DATA_DIR")
        .output()
        .expect("run openglip admin");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("admin prints JSON")
}

/// The server process; killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(BIN)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--webhook-allow-private",
                "--rate-limits",
                "off",
            ])
            .arg("--data-dir")
            .arg(data)
            .env_remove("OPENGLIP_DATA_DIR")
            .env_remove("OPENGLIP_PUBLIC_URL")
            .env_remove("OPENGLIP_WEBHOOK_ALLOW_PRIVATE")
            .env_remove("OPENGLIP_WEBHOOK_BLACKLIST_AFTER")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start openglip serve");
        let stdout = child.stdout.take().unwrap();
        let mut server = Server {
            child,
            base: String::new(),
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split("openglip listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        server.base = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server never said where it listens");
        server
    }

    /// `kill -9`.
    fn crash(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> Result<(u16, Value), reqwest::Error> {
    let mut rb = http.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await?;
    let status = r.status().as_u16();
    let text = r.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// Posts `text`; the post's id if the server acknowledged it (201).
async fn post(
    http: &reqwest::Client,
    base: &str,
    chat: &str,
    token: &str,
    text: &str,
) -> Option<String> {
    match call(
        http,
        reqwest::Method::POST,
        format!("{base}/team-messaging/v1/chats/{chat}/posts"),
        token,
        Some(json!({ "text": text })),
    )
    .await
    {
        Ok((201, b)) => Some(b["id"].as_str().unwrap().to_string()),
        _ => None,
    }
}

/// Collects accepted `PostAdded` deliveries (first occurrence per uuid, in arrival order) until
/// `want` post ids have all been seen or the deadline passes.
async fn collect(
    recv: &Receiver,
    want: &BTreeSet<String>,
    seen_uuids: &mut HashSet<String>,
    first: &mut Vec<String>,
    deadline: Instant,
) {
    let mut have: BTreeSet<String> = first.iter().cloned().collect();
    while !want.is_subset(&have) {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(h): Option<Hit> = recv.try_next(left.min(Duration::from_secs(1))).await else {
            assert!(
                Instant::now() < deadline,
                "missing after the deadline: {:?}",
                want.difference(&have).collect::<Vec<_>>()
            );
            continue;
        };
        assert!(!h.is_validation(), "{h:?}");
        if !h.ok() {
            continue;
        }
        let n = h.json();
        assert_eq!(n["body"]["eventType"], "PostAdded", "{n}");
        let uuid = n["uuid"].as_str().unwrap().to_string();
        if seen_uuids.insert(uuid) {
            let id = n["body"]["id"].as_str().unwrap().to_string();
            have.insert(id.clone());
            first.push(id);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_posts_are_delivered_after_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let account = admin(
        data,
        &[
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
    let app = admin(
        data,
        &[
            "app",
            "create",
            "--account-id",
            account["accountId"].as_str().unwrap(),
            "--name",
            "Hooks",
            "--grant",
            "password",
            "--permission",
            "TeamMessaging",
            "--permission",
            "SubscriptionWebhook",
        ],
    );

    let server = Server::start(data);
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/restapi/oauth/token", server.base))
        .basic_auth(
            app["clientId"].as_str().unwrap(),
            app["clientSecret"].as_str(),
        )
        .form(&[
            ("grant_type", "password"),
            ("username", "alice@acme.test"),
            ("password", "correct-horse-battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, everyone) = call(
        &http,
        reqwest::Method::GET,
        format!("{}/team-messaging/v1/everyone", server.base),
        &token,
        None,
    )
    .await
    .unwrap();
    assert_eq!(s, 200, "{everyone}");
    let chat = everyone["id"].as_str().unwrap().to_string();

    let recv = Receiver::start().await;
    let (s, sub) = call(
        &http,
        reqwest::Method::POST,
        format!("{}/restapi/v1.0/subscription", server.base),
        &token,
        Some(json!({
            "eventFilters": ["/team-messaging/v1/posts"],
            "deliveryMode": {"transportType": "WebHook", "address": recv.url},
            "expiresIn": 473040000,
        })),
    )
    .await
    .unwrap();
    assert_eq!(s, 200, "{sub}");
    recv.validation().await;

    let mut acked: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut first = Vec::new();
    // Phase 1: the receiver answers; the first posts are delivered.
    for i in 0..20 {
        acked.push(
            post(
                &http,
                &server.base,
                &chat,
                &token,
                &format!("delivered {i}"),
            )
            .await
            .expect("acknowledged"),
        );
    }
    let want: BTreeSet<String> = acked.iter().cloned().collect();
    collect(
        &recv,
        &want,
        &mut seen,
        &mut first,
        Instant::now() + Duration::from_secs(30),
    )
    .await;

    // Phase 2: the receiver fails; posts pile up undelivered.
    recv.fail_all(true);
    for i in 0..20 {
        acked.push(
            post(&http, &server.base, &chat, &token, &format!("pending {i}"))
                .await
                .expect("acknowledged"),
        );
    }
    // The first pending one is being retried.
    let h = recv.next().await;
    assert!(!h.ok());

    // Phase 3: posts keep coming while the server is killed; those acknowledged count.
    let in_flight = Arc::new(Mutex::new(Vec::<String>::new()));
    let poster = {
        let (http, base, chat, token, in_flight) = (
            http.clone(),
            server.base.clone(),
            chat.clone(),
            token.clone(),
            in_flight.clone(),
        );
        tokio::spawn(async move {
            for i in 0.. {
                match post(&http, &base, &chat, &token, &format!("racing {i}")).await {
                    Some(id) => in_flight.lock().unwrap().push(id),
                    None => break,
                }
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while in_flight.lock().unwrap().len() < 10 {
        assert!(Instant::now() < deadline, "the poster is stuck");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::task::spawn_blocking(move || server.crash())
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(30), poster)
        .await
        .expect("the poster stops when the server dies")
        .unwrap();
    acked.extend(in_flight.lock().unwrap().iter().cloned());

    // Restart on the same data; the receiver is healthy again.
    recv.fail_all(false);
    let server = Server::start(data);
    let want: BTreeSet<String> = acked.iter().cloned().collect();
    collect(
        &recv,
        &want,
        &mut seen,
        &mut first,
        Instant::now() + Duration::from_secs(60),
    )
    .await;

    // Every acknowledged post arrived; first deliveries came in commit (= id) order; nothing
    // arrived that was not a post of this chat.
    let ids: Vec<i64> = first.iter().map(|i| i.parse().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "first deliveries in order");
    for id in &first {
        // A post may have been committed without its answer reaching us (killed mid-answer):
        // it is delivered too, and it is a real post of the chat.
        if !want.contains(id) {
            let (s, p) = call(
                &http,
                reqwest::Method::GET,
                format!("{}/team-messaging/v1/chats/{chat}/posts/{id}", server.base),
                &token,
                None,
            )
            .await
            .unwrap();
            assert_eq!(s, 200, "{p}");
        }
    }
    assert!(want.len() >= 50, "{} acknowledged", want.len());

    // And delivery goes on after the restart.
    let id = post(&http, &server.base, &chat, &token, "after the restart")
        .await
        .expect("acknowledged");
    let want: BTreeSet<String> = [id].into();
    collect(
        &recv,
        &want,
        &mut seen,
        &mut first,
        Instant::now() + Duration::from_secs(30),
    )
    .await;
    drop(server);
}
