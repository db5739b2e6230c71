//! Several nodes on one PostgreSQL database and NATS (`--nats`): a post made on one node reaches
//! WebSocket subscribers on the others and a WebHook receiver exactly once; the node delivering
//! a WebHook subscription dies under load and another takes it over, nothing lost, order kept per
//! chat. Each test has a fresh database and a NATS prefix of its own.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use openglip_server::{RateLimitConfig, ServerConfig};
use openglip_testkit::{TestCluster, spawn_cluster, test_config};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::*;

const WAIT: Duration = Duration::from_secs(20);

/// A WebSocket client of one node's gateway, subscribed to posts.
pub(crate) struct Ws {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Ws {
    /// A new session on `app` for `user`, subscribed to posts.
    async fn subscribe(app: &TestApp, user: &User) -> Ws {
        let token = wstoken(app, user).await;
        let (mut ws, _) = Ws::connect(&app.base, &token, None).await;
        ws.subscribe_posts().await;
        ws
    }

    /// Connects to the gateway of the node at `base` (`http://…`) with `token` (and `wsc`);
    /// the `ConnectionDetails` frame.
    pub(crate) async fn connect(base: &str, token: &str, wsc: Option<&str>) -> (Ws, Value) {
        let mut url = format!("{}/ws?access_token={token}", base.replacen("http", "ws", 1));
        if let Some(wsc) = wsc {
            url.push_str(&format!("&wsc={wsc}"));
        }
        let (socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        let mut ws = Ws { socket };
        let first = ws.frame().await.expect("ConnectionDetails");
        assert_eq!(first[0]["type"], "ConnectionDetails", "{first}");
        (ws, first)
    }

    pub(crate) async fn subscribe_posts(&mut self) {
        let req = json!([
            {"type": "ClientRequest", "messageId": "s1", "method": "POST", "path": "/restapi/v1.0/subscription/"},
            {"eventFilters": ["/team-messaging/v1/posts"], "deliveryMode": {"transportType": "WebSocket"}}
        ]);
        self.socket
            .send(Message::Text(req.to_string().into()))
            .await
            .unwrap();
        loop {
            let f = self.frame().await.expect("the subscription's answer");
            if f[0]["messageId"] == "s1" {
                assert_eq!(f[0]["status"], 200, "{f}");
                return;
            }
        }
    }

    pub(crate) async fn frame(&mut self) -> Option<Value> {
        loop {
            let m = tokio::time::timeout(WAIT, self.socket.next())
                .await
                .ok()??;
            match m {
                Ok(Message::Text(t)) => return serde_json::from_str(t.as_str()).ok(),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => continue,
            }
        }
    }

    /// The post ids of the next `n` notifications.
    async fn posts(&mut self, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        while out.len() < n {
            let f = self
                .frame()
                .await
                .unwrap_or_else(|| panic!("only {} of {n} notifications came: {out:?}", out.len()));
            if f[0]["type"] == "ServerNotification" {
                out.push(f[1]["body"]["id"].as_str().unwrap().to_string());
            }
        }
        out
    }

    /// Asserts no notification comes within `d`.
    async fn assert_quiet(&mut self, d: Duration) {
        while let Ok(Some(Ok(m))) = tokio::time::timeout(d, self.socket.next()).await {
            if let Message::Text(t) = m {
                assert!(!t.as_str().contains("ServerNotification"), "unexpected {t}");
            }
        }
    }
}

/// A `wstoken` for `user` from `app`.
async fn wstoken(app: &TestApp, user: &User) -> String {
    let (s, b) = app
        .post("/restapi/oauth/wstoken", &user.token, json!({}))
        .await;
    assert_eq!(s, 200, "{b}");
    b["ws_access_token"].as_str().unwrap().to_string()
}

async fn post(app: &TestApp, user: &User, chat: &str, text: &str) -> String {
    let (s, b) = app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &user.token,
            json!({"text": text}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_str().unwrap().to_string()
}

/// A world on the first node of a three-node cluster; the other two beside it.
async fn three_nodes() -> (World, TestApp, TestApp, TestCluster) {
    three_nodes_with(test_config()).await
}

async fn three_nodes_with(config: ServerConfig) -> (World, TestApp, TestApp, TestCluster) {
    let mut c = spawn_cluster(3, config).await;
    let nc = c.nodes.pop().unwrap();
    let nb = c.nodes.pop().unwrap();
    let na = c.nodes.pop().unwrap();
    (World::with(na).await, nb, nc, c)
}

/// A node's metric `name` (its `/metrics`).
async fn metric(app: &TestApp, name: &str) -> Option<u64> {
    let text = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find(|l| l.starts_with(&format!("{name}{{")))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// How many WebHook subscriptions a node says it delivers.
async fn delivered_by(app: &TestApp) -> Option<u64> {
    metric(app, "openglip_cluster_webhook_subscriptions").await
}

#[tokio::test]
async fn a_post_on_one_node_reaches_websockets_on_the_others_and_a_webhook_once() {
    let (w, b, c, cluster) = three_nodes().await;
    let team = w.team("Cluster", false, &[&w.bob, &w.carol]).await;
    let mut bob_on_b = Ws::subscribe(&b, &w.bob).await;
    let mut carol_on_c = Ws::subscribe(&c, &w.carol).await;
    let recv = Receiver::start().await;
    subscribe(
        &c,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;

    let mut posted = Vec::new();
    for i in 0..20 {
        posted.push(post(&w.app, &w.alice, &team, &format!("hello {i}")).await);
    }
    assert_eq!(bob_on_b.posts(20).await, posted, "Bob on node B, in order");
    assert_eq!(
        carol_on_c.posts(20).await,
        posted,
        "Carol on node C, in order"
    );
    let hooks: Vec<String> = recv
        .notifications(20)
        .await
        .iter()
        .map(|n| n["body"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hooks, posted, "the WebHook, in order");
    // Exactly once: nothing more comes from any node.
    recv.assert_quiet(Duration::from_secs(2)).await;
    bob_on_b.assert_quiet(Duration::from_millis(300)).await;
    // One node delivers the WebHook subscription, and says so.
    let mut counts = Vec::new();
    for n in [&w.app, &b, &c] {
        counts.push(delivered_by(n).await.expect("the cluster's metrics"));
    }
    assert_eq!(counts.iter().sum::<u64>(), 1, "{counts:?}");
    // The other nodes learnt the posts from the NATS stream (not only from the outbox).
    for n in [&b, &c] {
        let got = metric(n, "openglip_cluster_stream_events_total").await;
        assert!(got.is_some_and(|g| g >= 20), "{got:?}");
    }
    drop((b, c));
    drop(w);
    cluster.finish().await;
}

#[tokio::test]
async fn the_node_delivering_a_webhook_dies_under_load_and_another_takes_over() {
    let (w, b, c, cluster) = three_nodes().await;
    let t1 = w.team("One", false, &[&w.bob]).await;
    let t2 = w.team("Two", false, &[&w.bob]).await;
    let recv = Receiver::start().await;
    // Made on node A: node A takes the lease.
    subscribe(
        &w.app,
        &w.alice.token,
        &["/team-messaging/v1/posts"],
        &recv,
        json!({}),
    )
    .await;
    assert_eq!(delivered_by(&w.app).await, Some(1));

    // Load from node B, into two chats, while node A dies.
    let mut w = w;
    let mut posted: HashMap<String, Vec<String>> = HashMap::new();
    for i in 0..60 {
        let chat = if i % 2 == 0 { &t1 } else { &t2 };
        let id = post(&b, &w.alice, chat, &format!("load {i}")).await;
        posted.entry(chat.clone()).or_default().push(id);
        if i == 20 {
            w.app.stop(); // a crash: no lease given back, connections cut
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Everything arrives (some perhaps twice, with the same uuid), each chat in order.
    let want: HashSet<String> = posted.values().flatten().cloned().collect();
    let mut got: HashMap<String, Vec<String>> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut uuids: HashMap<String, String> = HashMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(45);
    while seen.len() < want.len() {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let hit = recv.try_next(left).await.unwrap_or_else(|| {
            panic!(
                "only {} of {} posts came after the takeover",
                seen.len(),
                want.len()
            )
        });
        if hit.is_validation() {
            continue;
        }
        let n = hit.json();
        let id = n["body"]["id"].as_str().unwrap().to_string();
        let chat = n["body"]["groupId"]
            .as_str()
            .or(n["body"]["chatId"].as_str())
            .unwrap()
            .to_string();
        let uuid = n["uuid"].as_str().unwrap().to_string();
        if let Some(before) = uuids.insert(id.clone(), uuid.clone()) {
            assert_eq!(before, uuid, "a redelivery keeps the uuid");
        }
        if seen.insert(id.clone()) {
            got.entry(chat).or_default().push(id);
        }
    }
    for (chat, ids) in &posted {
        assert_eq!(got.get(chat), Some(ids), "chat {chat}: all, in order");
    }
    // A surviving node now delivers it.
    let (nb, nc) = (delivered_by(&b).await, delivered_by(&c).await);
    assert_eq!(nb.unwrap_or(0) + nc.unwrap_or(0), 1, "{nb:?} {nc:?}");
    drop((b, c));
    drop(w);
    cluster.finish().await;
}

#[tokio::test]
async fn rate_limits_are_counted_once_for_all_nodes() {
    let mut config = test_config();
    config.rate_limits =
        RateLimitConfig::parse("light=40,medium=9,heavy=10,auth=50,window=60,penalty=60").unwrap();
    let (w, b, c, cluster) = three_nodes_with(config).await;
    let nodes = [&w.app, &b, &c];
    // Nine Medium requests, three per node, use the whole budget; the tenth is refused wherever
    // it goes.
    for i in 0..9 {
        let r = nodes[i % 3]
            .req(
                reqwest::Method::GET,
                "/team-messaging/v1/chats",
                &w.alice.token,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "request {i}");
        let remaining = r.headers()["x-rate-limit-remaining"].to_str().unwrap();
        assert_eq!(remaining, (8 - i).to_string(), "request {i}");
    }
    for n in nodes {
        let r = n
            .req(
                reqwest::Method::GET,
                "/team-messaging/v1/chats",
                &w.alice.token,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429);
    }
    // Another person has a budget of their own.
    let (s, _) = nodes[0].get("/team-messaging/v1/chats", &w.bob.token).await;
    assert_eq!(s, 200);
    drop((b, c));
    drop(w);
    cluster.finish().await;
}

#[tokio::test]
async fn a_token_revoked_through_one_node_is_refused_by_the_others_within_a_second() {
    let (w, b, c, cluster) = three_nodes().await;
    // Both other nodes have resolved (and cached) the token.
    for n in [&b, &c] {
        let (s, _) = n
            .get("/restapi/v1.0/account/~/extension/~", &w.alice.token)
            .await;
        assert_eq!(s, 200);
    }
    let r = w
        .app
        .http
        .post(w.app.url("/restapi/oauth/revoke"))
        .basic_auth(&w.client.client_id, w.client.secret.as_deref())
        .form(&[("token", w.alice.token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    tokio::time::sleep(Duration::from_secs(1)).await;
    for n in [&w.app, &b, &c] {
        let (s, _) = n
            .get("/restapi/v1.0/account/~/extension/~", &w.alice.token)
            .await;
        assert_eq!(s, 401);
    }
    drop((b, c));
    drop(w);
    cluster.finish().await;
}

#[tokio::test]
async fn a_websocket_client_whose_node_died_recovers_on_another_node_with_wsc() {
    let (w, b, c, cluster) = three_nodes().await;
    let team = w.team("Recover", false, &[&w.bob]).await;
    // Bob's session on node A.
    let token = wstoken(&w.app, &w.bob).await;
    let (mut ws, details) = Ws::connect(&w.app.base, &token, None).await;
    let wsc = details[0]["wsc"]["token"].as_str().unwrap().to_string();
    ws.subscribe_posts().await;
    let p1 = post(&b, &w.alice, &team, "one").await;
    assert_eq!(ws.posts(1).await, std::slice::from_ref(&p1));
    // Node A shares its sessions' progress every 250 ms; then it dies.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut w = w;
    w.app.stop();
    drop(ws);
    let p2 = post(&b, &w.alice, &team, "two").await;
    let p3 = post(&b, &w.alice, &team, "three").await;

    // Bob comes back through node C with the same token and session.
    let (mut ws, details) = Ws::connect(&c.base, &token, Some(&wsc)).await;
    assert_eq!(details[1]["recoveryState"], "Successful", "{details}");
    let mut got = Vec::new();
    while got.len() < 2 {
        for id in ws.posts(1).await {
            if id != p1 && !got.contains(&id) {
                got.push(id);
            }
        }
    }
    assert_eq!(got, [p2, p3], "what was missed, in order");
    let p4 = post(&b, &w.alice, &team, "four").await;
    assert_eq!(ws.posts(1).await, [p4], "and what comes next");

    // A token issued by one node opens a session on another.
    let token = wstoken(&b, &w.carol).await;
    let (_, details) = Ws::connect(&c.base, &token, None).await;
    assert!(details[0]["wsc"]["token"].is_string(), "{details}");
    drop((b, c));
    drop(w);
    cluster.finish().await;
}

#[tokio::test]
async fn a_websocket_session_moved_to_another_live_node_is_delivered_there_only() {
    let (w, b, c, cluster) = three_nodes().await;
    let team = w.team("Moved", false, &[&w.bob]).await;
    let token = wstoken(&w.app, &w.bob).await;
    let (mut ws, details) = Ws::connect(&w.app.base, &token, None).await;
    let wsc = details[0]["wsc"]["token"].as_str().unwrap().to_string();
    ws.subscribe_posts().await;
    let p1 = post(&b, &w.alice, &team, "one").await;
    assert_eq!(ws.posts(1).await, std::slice::from_ref(&p1));
    tokio::time::sleep(Duration::from_millis(600)).await;
    // The proxy sends the reconnection to node C while node A still runs.
    drop(ws);
    let (mut ws, details) = Ws::connect(&c.base, &token, Some(&wsc)).await;
    assert_eq!(details[1]["recoveryState"], "Successful", "{details}");
    // Node A hands the session over: it forgets it, and only node C delivers.
    for _ in 0..200 {
        if w.app.state().hub().ws.session(&wsc).is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        w.app.state().hub().ws.session(&wsc).is_none(),
        "node A let go"
    );
    let p2 = post(&b, &w.alice, &team, "two").await;
    assert_eq!(ws.posts(1).await, [p2]);
    ws.assert_quiet(Duration::from_secs(1)).await;
    drop((b, c));
    drop(w);
    cluster.finish().await;
}

#[tokio::test]
async fn signing_out_and_password_guessing_count_on_every_node() {
    let (w, b, c, cluster) = three_nodes().await;
    // Bob signs in to the web client through node A; his cookie opens it on B and C too.
    let browser = crate::client::signed_in(&w.app, &w.bob.email).await;
    let cookie = format!("og_session={}", browser.cookie("og_session").unwrap());
    let home = |n: &TestApp| {
        let r = n.http.get(n.url("/")).header("cookie", cookie.clone());
        async move { r.send().await.unwrap().text().await.unwrap() }
    };
    for n in [&b, &c] {
        assert!(!home(n).await.contains("name=\"password\""), "signed in");
    }
    // Signed out on A: the same cookie is refused by B and C within a second.
    assert_eq!(browser.post("/signout", &[]).await.status, 303);
    tokio::time::sleep(Duration::from_secs(1)).await;
    for n in [&b, &c] {
        assert!(home(n).await.contains("name=\"password\""), "signed out");
    }

    // Five wrong passwords for Carol, no more than two through any node, lock her everywhere,
    // even with the right password through the node that saw one.
    for n in [&w.app, &b, &c, &w.app, &b] {
        let r = n.password_grant(&w.client, &w.carol.email, "guess").await;
        assert_eq!(r.status(), 400);
    }
    for n in [&c, &w.app] {
        let r = n.password_grant(&w.client, &w.carol.email, PASSWORD).await;
        assert_eq!(r.status(), 429);
        assert!(r.headers().contains_key("retry-after"));
    }
    // Bob is not locked.
    let r = c.password_grant(&w.client, &w.bob.email, PASSWORD).await;
    assert_eq!(r.status(), 200);
    drop((b, c));
    drop(w);
    cluster.finish().await;
}
