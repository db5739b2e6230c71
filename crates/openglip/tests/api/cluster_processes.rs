//! Three `openglip serve` processes of one installation (a scratch PostgreSQL database, the
//! tests' NATS under a prefix of their own), and `kill -9` of the one that delivers a WebHook
//! subscription while senders post through every node: another process takes the subscription
//! over, the receiver gets every post, in order per chat (a repeat only as a redelivery with the
//! event's `uuid`), and a WebSocket client of the killed process recovers its session on another
//! with `wsc`, missing nothing. Unlike `cluster.rs` (nodes in the test's own process, stopped by
//! dropping their runtime), nothing here is given back or flushed: the kernel ends the process.

use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use openglip_server::cluster::jetstream::JetStream;
use openglip_server::cluster::nats::Nats;
use openglip_server::cluster::stream_names;
use openglip_store_postgres::scratch::ScratchDatabase;
use openglip_testkit::nats_url;
use serde_json::{Value, json};

use crate::cli::{BIN, Server, s};
use crate::cluster::Ws;
use crate::helpers::Receiver;

/// The chats the senders post into, one sender each (so each chat's order is the sender's).
const CHATS: usize = 3;
/// Posts per sender.
const POSTS: usize = 40;
/// How many posts go before the delivering process is killed.
const KILL_AFTER: usize = 30;

/// Runs an admin command of the binary on the database; its JSON.
fn admin(db: &str, data: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .args(["admin"])
        .args(args)
        .args(["--database", db, "--data-dir"])
        .arg(data)
        .env_remove("OPENGLIP_DATA_DIR")
        .env_remove("OPENGLIP_DATABASE_URL")
        .output()
        .expect("run openglip");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
}

/// A node: `openglip serve` on the database and NATS under `prefix`.
fn node(db: &str, data: &std::path::Path, prefix: &str) -> Server {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--rate-limits", "off"])
        .args(["--webhook-allow-private", "--database", db])
        .args(["--nats", &nats_url(), "--nats-prefix", prefix, "--data-dir"])
        .arg(data)
        .env_remove("OPENGLIP_DATA_DIR")
        .env_remove("OPENGLIP_DATABASE_URL")
        .env_remove("OPENGLIP_PUBLIC_URL")
        .env("RUST_LOG", "warn,openglip_server::cluster=info");
    Server::spawn(cmd)
}

/// The password grant of `login` through `base`: the access token.
async fn token(http: &reqwest::Client, base: &str, app: &Value, login: &str) -> String {
    let r: Value = http
        .post(format!("{base}/restapi/oauth/token"))
        .basic_auth(s(app, "clientId"), Some(s(app, "clientSecret")))
        .form(&[
            ("grant_type", "password"),
            ("username", login),
            ("password", "correct-horse-battery"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    s(&r, "access_token").to_string()
}

async fn post_json(http: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let r = http.post(url).bearer_auth(token).json(&body).send().await;
    let r = r.expect("the request");
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{status}: {v}");
    v
}

/// How many WebHook subscriptions the node at `base` delivers (`None`: it does not answer).
async fn delivering(http: &reqwest::Client, base: &str) -> Option<u64> {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find(|l| l.starts_with("openglip_cluster_webhook_subscriptions{"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// The index of the one node (of those in `alive`) that delivers the subscription, once exactly
/// one says so; fails after 30 s.
async fn holder(http: &reqwest::Client, bases: &[String], alive: &[bool]) -> usize {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut holders = Vec::new();
        for (i, b) in bases.iter().enumerate() {
            if alive[i] && delivering(http, b).await.unwrap_or(0) > 0 {
                holders.push(i);
            }
        }
        if let [one] = holders[..] {
            return one;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no single node took the subscription within 30 s: {holders:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A chat's posts as the database has them, oldest first (ids grow in commit order).
async fn chat_posts(http: &reqwest::Client, base: &str, token: &str, chat: &str) -> Vec<String> {
    let v: Value = http
        .get(format!(
            "{base}/team-messaging/v1/chats/{chat}/posts?recordCount=250"
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut ids: Vec<String> = v["records"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort_by_key(|id| id.parse::<i64>().unwrap());
    ids
}

/// Adds the post `id` of `chat` to `got` unless it is there already.
fn first_seen(got: &mut HashMap<String, Vec<String>>, chat: &str, id: &str) {
    let ids = got.entry(chat.to_string()).or_default();
    if !ids.iter().any(|i| i == id) {
        ids.push(id.to_string());
    }
}

#[tokio::test]
async fn kill_9_of_the_process_delivering_a_webhook_under_load_loses_nothing() {
    let db = ScratchDatabase::create().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let prefix = format!("kill{:x}", std::process::id() ^ rand_suffix());
    let account = admin(
        db.url(),
        data.path(),
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
    let account_id = s(&account, "accountId").to_string();
    let bob = admin(
        db.url(),
        data.path(),
        &[
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
            "correct-horse-battery",
        ],
    );
    let mut args = vec![
        "app",
        "create",
        "--account-id",
        &account_id,
        "--name",
        "Load",
        "--grant",
        "password",
    ];
    for p in openglip_testkit::ALL_PERMISSIONS {
        args.extend(["--permission", p]);
    }
    let app = admin(db.url(), data.path(), &args);

    let mut nodes: Vec<Option<Server>> = (0..3)
        .map(|_| Some(node(db.url(), data.path(), &prefix)))
        .collect();
    let bases: Vec<String> = nodes
        .iter()
        .map(|n| n.as_ref().unwrap().base.clone())
        .collect();
    let http = reqwest::Client::new();
    let alice = token(&http, &bases[0], &app, "alice@acme.test").await;
    let bob_token = token(&http, &bases[1], &app, "bob@acme.test").await;
    let mut chats = Vec::new();
    for i in 0..CHATS {
        let team = post_json(
            &http,
            format!("{}/team-messaging/v1/teams", bases[i % 3]),
            &alice,
            json!({"name": format!("Load {i}"), "members": [{"id": s(&bob, "id")}]}),
        )
        .await;
        chats.push(s(&team, "id").to_string());
    }

    // The WebHook subscription, made through node B; whoever holds it is the victim.
    let recv = Receiver::start().await;
    post_json(
        &http,
        format!("{}/restapi/v1.0/subscription", bases[1]),
        &alice,
        json!({"eventFilters": ["/team-messaging/v1/posts"],
               "deliveryMode": {"transportType": "WebHook", "address": recv.url}}),
    )
    .await;
    recv.validation().await;
    let mut alive = [true; 3];
    let victim = holder(&http, &bases, &alive).await;

    // Bob's WebSocket session on the victim.
    let wst = post_json(
        &http,
        format!("{}/restapi/oauth/wstoken", bases[victim]),
        &bob_token,
        json!({}),
    )
    .await;
    let wst = s(&wst, "ws_access_token").to_string();
    let (mut ws, details) = Ws::connect(&bases[victim], &wst, None).await;
    let wsc = details[0]["wsc"]["token"].as_str().unwrap().to_string();
    ws.subscribe_posts().await;
    // What the victim writes to Bob, read as it comes until its socket ends.
    let before = tokio::spawn(async move {
        let mut got: Vec<(String, String)> = Vec::new();
        while let Some(f) = ws.frame().await {
            if let Some(n) = notification(&f) {
                got.push(n);
            }
        }
        got
    });
    // Nodes share their sessions' progress every 250 ms.
    tokio::time::sleep(Duration::from_millis(600)).await;

    // One sender per chat, each posting through the nodes in turn (skipping a dead one).
    let dead = Arc::new(AtomicBool::new(false));
    let posted = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for (c, chat) in chats.iter().enumerate() {
        let (http, bases, alice, chat) = (http.clone(), bases.clone(), alice.clone(), chat.clone());
        let (dead, posted) = (dead.clone(), posted.clone());
        senders.push(tokio::spawn(async move {
            let mut ok = Vec::new();
            for i in 0..POSTS {
                let mut n = (c + i) % 3;
                if dead.load(Ordering::SeqCst) && n == victim {
                    n = (n + 1) % 3;
                }
                let r = http
                    .post(format!("{}/team-messaging/v1/chats/{chat}/posts", bases[n]))
                    .bearer_auth(&alice)
                    .json(&json!({"text": format!("chat {c} post {i}")}))
                    .send()
                    .await;
                // A request cut by the kill may or may not have committed: the database says.
                if let Ok(r) = r
                    && r.status() == 201
                {
                    let v: Value = r.json().await.unwrap();
                    ok.push(v["id"].as_str().unwrap().to_string());
                }
                posted.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            ok
        }));
    }
    while posted.load(Ordering::SeqCst) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Senders stop choosing the victim first, so that only requests in flight are cut.
    dead.store(true, Ordering::SeqCst);
    nodes[victim].take().unwrap().kill_9();
    alive[victim] = false;
    let mut acknowledged = Vec::new();
    for s in senders {
        acknowledged.push(s.await.unwrap());
    }
    let survivor = &bases[(victim + 1) % 3];

    // The truth: each chat's posts as committed, oldest first; every acknowledged post among them.
    let mut want: HashMap<String, Vec<String>> = HashMap::new();
    for (c, chat) in chats.iter().enumerate() {
        let ids = chat_posts(&http, survivor, &alice, chat).await;
        let ordered: Vec<&String> = ids.iter().filter(|i| acknowledged[c].contains(i)).collect();
        assert_eq!(
            ordered,
            acknowledged[c].iter().collect::<Vec<_>>(),
            "chat {c}: acknowledged posts committed in the sender's order"
        );
        want.insert(chat.clone(), ids);
    }
    let total: usize = want.values().map(Vec::len).sum();
    // At most the request each sender had in flight at the kill is missing.
    assert!(total >= CHATS * (POSTS - 1), "{total} posts committed");

    // Bob comes back through another node with his session: what the victim wrote, then the
    // recovery's replay and what follows, make every post, in order per chat.
    let mut ws_got: HashMap<String, Vec<String>> = HashMap::new();
    let before = before.await.unwrap();
    assert!(
        !before.is_empty(),
        "the victim delivered to Bob before it died"
    );
    for (chat, id) in &before {
        first_seen(&mut ws_got, chat, id);
    }
    let (mut ws, details) = Ws::connect(survivor, &wst, Some(&wsc)).await;
    assert_eq!(details[1]["recoveryState"], "Successful", "{details}");
    while ws_got.values().map(Vec::len).sum::<usize>() < total {
        let f = ws
            .frame()
            .await
            .unwrap_or_else(|| panic!("the recovered session ended: {ws_got:?}, want {want:?}"));
        if let Some((chat, id)) = notification(&f) {
            first_seen(&mut ws_got, &chat, &id);
        }
    }
    assert_eq!(
        ws_got, want,
        "Bob's WebSocket: every post, in order per chat"
    );
    drop(ws);

    // Another process takes the subscription over.
    let heir = holder(&http, &bases, &alive).await;
    assert_ne!(heir, victim);

    // The WebHook receiver: everything, in order per chat; a repeat keeps its uuid.
    let mut got: HashMap<String, Vec<String>> = HashMap::new();
    let mut uuids: HashMap<String, String> = HashMap::new();
    let mut seen = HashSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while seen.len() < total {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let hit = recv
            .try_next(left)
            .await
            .unwrap_or_else(|| panic!("only {} of {total} posts came", seen.len()));
        if hit.is_validation() || !hit.ok() {
            continue;
        }
        let n = hit.json();
        let id = n["body"]["id"].as_str().unwrap().to_string();
        let uuid = n["uuid"].as_str().unwrap().to_string();
        if let Some(before) = uuids.insert(id.clone(), uuid.clone()) {
            assert_eq!(before, uuid, "a redelivery of {id} keeps its uuid");
        }
        seen.insert(id.clone());
        let chat = n["body"]["groupId"]
            .as_str()
            .or(n["body"]["chatId"].as_str());
        first_seen(&mut got, chat.unwrap(), &id);
    }
    assert_eq!(got, want, "the WebHook: every post, in order per chat");
    drop(nodes);
    if let Ok(nats) = Nats::connect(&nats_url()).await {
        let js = JetStream { nats };
        for s in stream_names(&prefix) {
            let _ = js.delete_stream(&s).await;
        }
    }
}

/// A WebSocket frame's post notification: (chat, post id).
fn notification(f: &Value) -> Option<(String, String)> {
    if f[0]["type"] != "ServerNotification" {
        return None;
    }
    let body = &f[1]["body"];
    let chat = body["groupId"].as_str().or(body["chatId"].as_str())?;
    Some((chat.to_string(), body["id"].as_str()?.to_string()))
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}
