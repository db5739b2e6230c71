//! The WebSocket transport as RingCentral's gateway ("WSG") speaks it: `/restapi/oauth/wstoken`,
//! the `ConnectionDetails` first frame, REST tunnelled as `ClientRequest` frames (a WebSocket
//! subscription binds to the session), `ServerNotification`s with an increasing `wsc.sequence`,
//! heartbeats, idle / absolute timeouts, slow clients, encryption, and session recovery
//! (`&wsc=`: replay of what was missed, or `recoveryState: "Failed"` after the window).

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use openglip_server::realtime::ws::WsConfig;
use openglip_server::{RateLimitConfig, ServerConfig};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::*;

const SUB: &str = "/restapi/v1.0/subscription";
const FILTERS: [&str; 2] = ["/team-messaging/v1/posts", "/team-messaging/v1/chats"];
/// How long a test waits for a frame that should come.
const WAIT: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn app_with(ws: WsConfig) -> World {
    let mut realtime = test_realtime();
    realtime.ws = ws;
    World::with(
        spawn_app_with(ServerConfig {
            public_url: None,
            rate_limits: RateLimitConfig::off(),
            realtime,
            ..Default::default()
        })
        .await,
    )
    .await
}

/// `POST /restapi/oauth/wstoken` → (status, body).
async fn wstoken(app: &TestApp, token: &str) -> (u16, Value) {
    app.post("/restapi/oauth/wstoken", token, json!({})).await
}

/// A gateway URL for a fresh token of `user`.
async fn gateway_url(app: &TestApp, user: &User) -> (String, String) {
    let (s, b) = wstoken(app, &user.token).await;
    assert_eq!(s, 200, "{b}");
    let token = b["ws_access_token"].as_str().unwrap().to_string();
    (
        format!("{}?access_token={token}", b["uri"].as_str().unwrap()),
        token,
    )
}

/// A test client of the gateway: frames read ahead of what a step waits for are kept.
struct Wsg {
    socket: Socket,
    pending: VecDeque<Value>,
    pub details: Value,
    next_id: u64,
}

async fn open(url: &str) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    socket
}

/// The next text frame as JSON (None when the socket closes or nothing comes within `d`).
async fn read(socket: &mut Socket, d: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + d;
    loop {
        let m = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??;
        match m {
            Ok(Message::Text(t)) => {
                let v: Value = serde_json::from_str(t.as_str())
                    .unwrap_or_else(|e| panic!("frame is not JSON ({e}): {t}"));
                assert!(v.is_array(), "a frame is a JSON array: {v}");
                return Some(v);
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

impl Wsg {
    /// Connects to `url` and reads the first frame, which must be `ConnectionDetails`.
    async fn connect_url(url: &str) -> Wsg {
        let mut socket = open(url).await;
        let details = read(&mut socket, WAIT).await.expect("a first frame");
        assert_eq!(details[0]["type"], "ConnectionDetails", "{details}");
        Wsg {
            socket,
            pending: VecDeque::new(),
            details,
            next_id: 0,
        }
    }

    async fn connect(app: &TestApp, user: &User) -> Wsg {
        let (url, _) = gateway_url(app, user).await;
        Wsg::connect_url(&url).await
    }

    /// The session token (`wsc.token`).
    fn wsc(&self) -> String {
        self.details[0]["wsc"]["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn send(&mut self, v: Value) {
        self.socket
            .send(Message::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    /// The next frame (read ahead ones first).
    async fn next(&mut self) -> Value {
        match self.pending.pop_front() {
            Some(v) => v,
            None => read(&mut self.socket, WAIT)
                .await
                .expect("a frame within the wait"),
        }
    }

    /// Sends a `ClientRequest` and waits for its answer; returns (meta, body).
    async fn request(&mut self, method: &str, path: &str, body: Option<Value>) -> (Value, Value) {
        self.request_with(json!({"method": method, "path": path}), body)
            .await
    }

    async fn request_with(&mut self, mut meta: Value, body: Option<Value>) -> (Value, Value) {
        self.next_id += 1;
        let id = format!("req-{}", self.next_id);
        meta["type"] = json!("ClientRequest");
        meta["messageId"] = json!(id);
        let frame = match body {
            Some(b) => json!([meta, b]),
            None => json!([meta]),
        };
        self.send(frame).await;
        loop {
            let f = read(&mut self.socket, WAIT)
                .await
                .unwrap_or_else(|| panic!("no answer to {id}"));
            if f[0]["messageId"] == json!(id) {
                return (f[0].clone(), f.get(1).cloned().unwrap_or(Value::Null));
            }
            self.pending.push_back(f);
        }
    }

    /// Subscribes over the connection; returns the subscription info.
    async fn subscribe(&mut self, filters: &[&str]) -> Value {
        let (meta, body) = self
            .request(
                "POST",
                "/restapi/v1.0/subscription/",
                Some(json!({"eventFilters": filters, "deliveryMode": {"transportType": "WebSocket"}})),
            )
            .await;
        assert_eq!(meta["status"], 200, "{meta} {body}");
        body
    }

    /// The next `ServerNotification` frame, whole.
    async fn notification_frame(&mut self) -> Value {
        loop {
            let f = self.next().await;
            if f[0]["type"] == "ServerNotification" {
                return f;
            }
        }
    }

    /// The envelope of the next `ServerNotification`.
    async fn notification(&mut self) -> Value {
        self.notification_frame().await[1].clone()
    }

    /// Asserts that no notification arrives within `d`.
    async fn assert_quiet(&mut self, d: Duration) {
        if let Some(f) = self
            .pending
            .iter()
            .find(|f| f[0]["type"] == "ServerNotification")
        {
            panic!("unexpected notification {f}");
        }
        let deadline = tokio::time::Instant::now() + d;
        while let Some(f) = read(
            &mut self.socket,
            deadline.saturating_duration_since(tokio::time::Instant::now()),
        )
        .await
        {
            assert_ne!(f[0]["type"], "ServerNotification", "unexpected {f}");
        }
    }
}

async fn post(app: &TestApp, user: &User, chat: &str, text: &str) -> Value {
    let (s, b) = app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &user.token,
            json!({"text": text}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

/// Waits until `cond` holds (the server's view changes asynchronously).
async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the server has seen the session's connection go.
async fn detached(app: &TestApp, wsc: &str) {
    eventually("the session is detached", || {
        app.state()
            .hub()
            .ws
            .session(wsc)
            .is_some_and(|s| !s.is_live())
    })
    .await;
}

fn assert_uuid(v: &Value) {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    let parts: Vec<usize> = s.split('-').map(str::len).collect();
    assert_eq!(parts, [8, 4, 4, 4, 12], "{s}");
}

// ------------------------------------------------------------------------------------ wstoken

#[tokio::test]
async fn wstoken_gives_a_short_lived_token_and_the_gateway_uri() {
    let w = World::new().await;
    let r = w
        .app
        .req(Method::POST, "/restapi/oauth/wstoken", &w.alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let b: Value = r.json().await.unwrap();
    let token = b["ws_access_token"].as_str().unwrap();
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    let host = w.app.base.strip_prefix("http://").unwrap();
    assert_eq!(b["uri"], format!("ws://{host}/ws"), "{b}");
    assert_eq!(b["expires_in"], 60, "a JSON number: {b}");
    // Every token is new; none is stored in the clear (the registry keeps hashes).
    let (_, b2) = wstoken(&w.app, &w.alice.token).await;
    assert_ne!(b2["ws_access_token"], b["ws_access_token"]);
}

#[tokio::test]
async fn wstoken_uri_follows_the_public_url() {
    let app = spawn_app_with(ServerConfig {
        public_url: Some("https://chat.example.com/".into()),
        rate_limits: RateLimitConfig::off(),
        realtime: test_realtime(),
        ..Default::default()
    })
    .await;
    let w = World::with(app).await;
    let (s, b) = wstoken(&w.app, &w.alice.token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["uri"], "wss://chat.example.com/ws");
}

#[tokio::test]
async fn wstoken_needs_the_websocket_permission() {
    let w = World::new().await;
    let client = w
        .app
        .client(&w.acme, &["password"], &["TeamMessaging", "ReadAccounts"])
        .await;
    let alice = w.app.logged_in(&client, w.alice.ext.clone()).await;
    let (s, b) = wstoken(&w.app, &alice.token).await;
    assert_rc_error(s, &b, 403, "CMN-401");
    let (s, b) = send(w.app.http.post(w.app.url("/restapi/oauth/wstoken"))).await;
    assert_rc_error(s, &b, 401, "CMN-405");
}

#[tokio::test]
async fn the_gateway_without_an_upgrade_is_a_bad_request() {
    let w = World::new().await;
    let (s, b) = send(w.app.http.get(w.app.url("/ws?access_token=x"))).await;
    assert_rc_error(s, &b, 400, "CMN-101");
}

// ------------------------------------------------------------------------------- connecting

#[tokio::test]
async fn connection_details_come_first() {
    let w = World::new().await;
    let c = Wsg::connect(&w.app, &w.bob).await;
    let [meta, body] = c.details.as_array().unwrap().as_slice() else {
        panic!("two elements: {}", c.details);
    };
    assert_eq!(meta["status"], 200);
    assert_uuid(&meta["messageId"]);
    assert_uuid(&meta["headers"]["RCRequestId"]);
    assert!(meta["wsc"]["token"].as_str().unwrap().len() >= 22, "{meta}");
    assert_eq!(meta["wsc"]["sequence"], 1);
    let t = body["creationTime"].as_str().unwrap();
    assert!(t.ends_with("+0000") && t.len() == 28, "{t}");
    assert_eq!(body["maxConnectionsPerSession"], 50);
    assert_eq!(body["recoveryBufferSize"], 100);
    assert_eq!(body["recoveryTimeout"], 180);
    assert_eq!(body["idleTimeout"], 1800);
    assert_eq!(body["absoluteTimeout"], 86400);
    assert_eq!(body["maxActiveRequests"], 10);
    assert!(body.get("recoveryState").is_none(), "{body}");
}

/// Reads the refusal of a connection: an `Error` frame, then the close.
async fn refusal(url: &str) -> Value {
    let mut socket = open(url).await;
    let f = read(&mut socket, WAIT).await.expect("an Error frame");
    assert_eq!(f[0]["type"], "Error", "{f}");
    assert!(f[1]["message"].is_string(), "{f}");
    assert!(read(&mut socket, WAIT).await.is_none(), "then the close");
    f
}

#[tokio::test]
async fn bad_tokens_are_refused_with_an_error_frame() {
    let ws = WsConfig {
        token_ttl: Duration::from_secs(1),
        ..Default::default()
    };
    let w = app_with(ws).await;
    let (s, b) = wstoken(&w.app, &w.bob.token).await;
    assert_eq!(s, 200);
    let base = b["uri"].as_str().unwrap().to_string();

    let f = refusal(&format!("{base}?access_token={}", "A".repeat(43))).await;
    assert_eq!(f[0]["status"], 401, "{f}");
    assert_eq!(f[1]["errorCode"], "WSG-401", "{f}");
    let f = refusal(&format!("{base}?access_token=not%20a%20token")).await;
    assert_eq!(f[1]["errorCode"], "WSG-401", "{f}");
    let f = refusal(&base).await;
    assert_eq!(f[0]["status"], 400, "{f}");
    assert_eq!(f[1]["errorCode"], "WSG-400", "{f}");

    // A malformed session token is refused without spending the access token.
    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let f = refusal(&format!("{url}&wsc=%21%21")).await;
    assert_eq!(f[1]["errorCode"], "WSG-400", "{f}");
    assert_eq!(
        f[1]["message"], "Malformed WebSocket session context token",
        "{f}"
    );

    // Single use.
    let first = Wsg::connect_url(&url).await;
    let f = refusal(&url).await;
    assert_eq!(f[1]["errorCode"], "WSG-401", "{f}");
    drop(first);

    // Short-lived.
    let (url, _) = gateway_url(&w.app, &w.bob).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let f = refusal(&url).await;
    assert_eq!(f[1]["errorCode"], "WSG-401", "{f}");
}

#[tokio::test]
async fn heartbeats_are_echoed() {
    let w = World::new().await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    c.send(json!([{"type": "Heartbeat", "messageId": "hb-1"}]))
        .await;
    assert_eq!(
        c.next().await,
        json!([{"type": "Heartbeat", "messageId": "hb-1"}])
    );
    // Nonsense gets an Error frame and the connection stays.
    c.send(json!({"not": "an array"})).await;
    let f = c.next().await;
    assert_eq!(f[0]["type"], "Error", "{f}");
    assert_eq!(f[0]["status"], 400, "{f}");
    c.send(json!([{"type": "ServerNotification", "messageId": "x"}]))
        .await;
    let f = c.next().await;
    assert_eq!(f[0]["type"], "Error", "{f}");
    assert_eq!(f[0]["messageId"], "x", "{f}");
    c.send(json!([{"type": "Heartbeat", "messageId": "hb-2"}]))
        .await;
    assert_eq!(c.next().await[0]["messageId"], "hb-2");
}

// ----------------------------------------------------------------------- REST over the socket

#[tokio::test]
async fn subscribing_over_the_socket_answers_with_the_subscription_id() {
    let w = World::new().await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    let (meta, body) = c
        .request(
            "POST",
            "/restapi/v1.0/subscription/",
            Some(json!({"eventFilters": FILTERS, "deliveryMode": {"transportType": "WebSocket"}})),
        )
        .await;
    assert_eq!(meta["type"], "ClientRequest", "{meta}");
    assert_eq!(meta["status"], 200, "{meta} {body}");
    assert_eq!(meta["messageId"], "req-1");
    assert_eq!(meta["headers"]["WSG-SubscriptionId"], body["id"], "{meta}");
    assert_eq!(
        meta["headers"]["Content-Type"], "application/json",
        "{meta}"
    );
    assert_uuid(&meta["headers"]["RCRequestId"]);
    assert_eq!(meta["wsc"]["token"], c.wsc());
    assert_eq!(meta["wsc"]["sequence"], 2, "{meta}");
    assert_uuid(&body["id"]);
    assert_eq!(body["status"], "Active");
    assert_eq!(body["eventFilters"], json!(FILTERS));
    assert_eq!(body["deliveryMode"]["transportType"], "WebSocket", "{body}");
    assert_eq!(body["deliveryMode"]["encryption"], false, "{body}");
    let host = w.app.base.strip_prefix("http://").unwrap();
    assert_eq!(
        body["uri"],
        format!("http://{host}{SUB}/{}", body["id"].as_str().unwrap())
    );
    // The same subscription over plain REST, and the path without the trailing slash.
    let id = body["id"].as_str().unwrap();
    let (s, b) = w.app.get(&format!("{SUB}/{id}"), &w.bob.token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["deliveryMode"]["transportType"], "WebSocket");
    let (meta, body) = c.request("GET", &format!("{SUB}/{id}"), None).await;
    assert_eq!(meta["status"], 200);
    assert_eq!(body["id"], id);
    assert!(
        meta["headers"].get("WSG-SubscriptionId").is_none(),
        "{meta}"
    );
}

#[tokio::test]
async fn any_rest_call_can_be_tunnelled() {
    let w = World::new().await;
    let team = w.team("Tunnel", false, &[&w.bob]).await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;

    // A query object, repeated values, and the caller behind the session.
    let (meta, body) = c
        .request_with(
            json!({"method": "GET", "path": "/team-messaging/v1/chats", "query": {"type": ["Team"], "recordCount": 5},
                   "headers": {"X-User-Agent": "test/1.0", "Authorization": format!("Bearer {}", w.eve.token)}}),
            None,
        )
        .await;
    assert_eq!(meta["status"], 200, "{meta} {body}");
    let ids: Vec<&str> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&team.as_str()), "{body}");
    let (_, me) = c
        .request("GET", "/restapi/v1.0/account/~/extension/~", None)
        .await;
    assert_eq!(
        me["id"], w.bob.ext.id.0,
        "the session's caller, not the header's: {me}"
    );

    // A write: 201 and the body.
    let (meta, body) = c
        .request(
            "POST",
            &format!("/team-messaging/v1/chats/{team}/posts"),
            Some(json!({"text": "over the socket"})),
        )
        .await;
    assert_eq!(meta["status"], 201, "{meta} {body}");
    assert_eq!(body["creatorId"], w.bob.id());

    // Errors come back as answers with RingCentral's error body.
    let (meta, body) = c.request("GET", "/restapi/v1.0/nowhere", None).await;
    assert_eq!(meta["status"], 404, "{meta}");
    assert_eq!(body["errorCode"], "CMN-120", "{body}");
    let (meta, body) = c
        .request(
            "POST",
            &format!("/team-messaging/v1/chats/{team}/posts"),
            Some(json!({"text": 5})),
        )
        .await;
    assert_eq!(meta["status"], 400, "{meta} {body}");
    let (meta, body) = c.request_with(json!({"method": "GET"}), None).await;
    assert_eq!(meta["status"], 400, "{meta}");
    assert_eq!(body["errorCode"], "CMN-100", "{body}");
    // A tunnelled request cannot open another socket.
    let (meta, _) = c.request("GET", "/ws", None).await;
    assert_eq!(meta["status"], 404, "{meta}");
    // 204: no body element.
    let sub = c.subscribe(&FILTERS).await;
    c.send(
        json!([{"type": "ClientRequest", "messageId": "del", "method": "DELETE",
                    "path": format!("{SUB}/{}", sub["id"].as_str().unwrap())}]),
    )
    .await;
    let f = loop {
        let f = c.next().await;
        if f[0]["messageId"] == "del" {
            break f;
        }
    };
    assert_eq!(f[0]["status"], 204, "{f}");
    assert_eq!(f.as_array().unwrap().len(), 1, "{f}");
}

#[tokio::test]
async fn tunnelled_calls_keep_the_apps_permissions() {
    let w = World::new().await;
    let client = w
        .app
        .client(&w.acme, &["password"], &["WebSocket", "ReadAccounts"])
        .await;
    let bob = w.app.logged_in(&client, w.bob.ext.clone()).await;
    let mut c = Wsg::connect(&w.app, &bob).await;
    let (meta, body) = c.request("GET", "/team-messaging/v1/chats", None).await;
    assert_eq!(meta["status"], 403, "{meta}");
    assert_eq!(body["errorCode"], "CMN-401", "{body}");
    // Team-messaging filters need TeamMessaging too.
    let (meta, body) = c
        .request(
            "POST",
            SUB,
            Some(json!({"eventFilters": FILTERS, "deliveryMode": {"transportType": "WebSocket"}})),
        )
        .await;
    assert_eq!(meta["status"], 400, "{meta} {body}");
    assert_eq!(body["errorCode"], "SUB-508", "{body}");
}

// ---------------------------------------------------------------------------- notifications

#[tokio::test]
async fn notifications_arrive_as_server_notifications() {
    let w = World::new().await;
    let mut bob = Wsg::connect(&w.app, &w.bob).await;
    let sub = bob.subscribe(&FILTERS).await;
    let sub_id = sub["id"].as_str().unwrap();
    let mut carol = Wsg::connect(&w.app, &w.carol).await;
    carol.subscribe(&FILTERS).await;
    let mut eve = Wsg::connect(&w.app, &w.eve).await;
    eve.subscribe(&FILTERS).await;

    let team = w.team("Launch", false, &[&w.bob]).await;
    let f = bob.notification_frame().await;
    let [meta, joined] = f.as_array().unwrap().as_slice() else {
        panic!("{f}")
    };
    assert_eq!(meta["status"], 200);
    assert_uuid(&meta["messageId"]);
    assert_uuid(&meta["headers"]["RCRequestId"]);
    assert_eq!(meta["wsc"]["token"], bob.wsc());
    let first_seq = meta["wsc"]["sequence"].as_u64().unwrap();
    assert!(first_seq > 2, "after the details and the answer: {meta}");
    assert_eq!(joined["event"], "/team-messaging/v1/chats");
    assert_eq!(joined["subscriptionId"], sub_id);
    assert_eq!(joined["ownerId"], w.bob.id());
    assert_uuid(&joined["uuid"]);
    assert_time(&joined["timestamp"]);
    assert_eq!(joined["body"]["eventType"], "GroupJoined");
    assert_eq!(joined["body"]["id"], team);
    assert_eq!(joined["body"]["type"], "Team");

    post(&w.app, &w.alice, &team, "first").await;
    post(&w.app, &w.alice, &team, "second").await;
    let mut seq = first_seq;
    for text in ["first", "second"] {
        let f = bob.notification_frame().await;
        let s = f[0]["wsc"]["sequence"].as_u64().unwrap();
        assert!(s > seq, "sequence increases: {s} after {seq}");
        seq = s;
        let n = &f[1];
        assert_eq!(n["event"], "/team-messaging/v1/posts");
        assert_eq!(n["subscriptionId"], sub_id);
        assert_eq!(n["ownerId"], w.bob.id());
        assert_eq!(n["body"]["eventType"], "PostAdded");
        assert_eq!(n["body"]["text"], text);
        assert_eq!(n["body"]["groupId"], team);
        assert_eq!(n["body"]["creatorId"], w.alice.id());
    }
    // Bob's own post reaches him too; Carol (not a member) and Eve (another company) get
    // nothing.
    post(&w.app, &w.bob, &team, "mine").await;
    assert_eq!(bob.notification().await["body"]["text"], "mine");
    carol.assert_quiet(Duration::from_millis(300)).await;
    eve.assert_quiet(Duration::from_millis(10)).await;
}

#[tokio::test]
async fn a_second_subscription_replaces_the_first() {
    let w = World::new().await;
    let team = w.team("Replace", false, &[&w.bob]).await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    let first = c.subscribe(&["/team-messaging/v1/posts"]).await;
    let second = c.subscribe(&["/restapi/v1.0/glip/posts"]).await;
    assert_ne!(first["id"], second["id"]);
    let (s, b) = w
        .app
        .get(
            &format!("{SUB}/{}", first["id"].as_str().unwrap()),
            &w.bob.token,
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    post(&w.app, &w.alice, &team, "once").await;
    let n = c.notification().await;
    assert_eq!(n["subscriptionId"], second["id"]);
    assert_eq!(n["event"], "/restapi/v1.0/glip/posts");
    c.assert_quiet(Duration::from_millis(300)).await;
    // Renewing it over the socket (what `@rc-ex/ws` does with a cached subscription) keeps it.
    let (meta, body) = c
        .request(
            "PUT",
            &format!("{SUB}/{}", second["id"].as_str().unwrap()),
            Some(json!({"eventFilters": ["/team-messaging/v1/posts"], "deliveryMode": {"transportType": "WebSocket"}})),
        )
        .await;
    assert_eq!(meta["status"], 200, "{body}");
    assert_eq!(meta["headers"]["WSG-SubscriptionId"], second["id"]);
    post(&w.app, &w.alice, &team, "after the update").await;
    let n = c.notification().await;
    assert_eq!(n["event"], "/team-messaging/v1/posts");
    assert_eq!(n["body"]["text"], "after the update");
}

#[tokio::test]
async fn encrypted_notifications_decrypt_with_the_subscription_key() {
    let w = World::new().await;
    let team = w.team("Secret", false, &[&w.bob]).await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    let (meta, sub) = c
        .request(
            "POST",
            SUB,
            Some(json!({"eventFilters": ["/team-messaging/v1/posts"],
                        "deliveryMode": {"transportType": "WebSocket", "encryption": true}})),
        )
        .await;
    assert_eq!(meta["status"], 200, "{sub}");
    assert_eq!(sub["deliveryMode"]["encryption"], true);
    assert_eq!(sub["deliveryMode"]["encryptionAlgorithm"], "AES");
    let key = base64_key(sub["deliveryMode"]["encryptionKey"].as_str().unwrap());
    post(&w.app, &w.alice, &team, "hush").await;
    let cipher = c.notification().await;
    let cipher = cipher.as_str().expect("an encrypted body is a JSON string");
    let plain = openglip_server::realtime::crypto::decrypt(&key, cipher).expect("decrypts");
    let env: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(env["subscriptionId"], sub["id"]);
    assert_eq!(env["body"]["eventType"], "PostAdded");
    assert_eq!(env["body"]["text"], "hush");
}

fn base64_key(b64: &str) -> [u8; 16] {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn websocket_subscriptions_cannot_be_created_over_plain_rest() {
    let w = World::new().await;
    let (s, b) = w
        .app
        .post(
            SUB,
            &w.bob.token,
            json!({"eventFilters": FILTERS, "deliveryMode": {"transportType": "WebSocket"}}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
}

// --------------------------------------------------------------------------------- recovery

fn short_recovery(timeout: Duration, buffer: usize) -> WsConfig {
    WsConfig {
        recovery_timeout: timeout,
        recovery_buffer: buffer,
        ..WsConfig::default()
    }
}

#[tokio::test]
async fn recovery_replays_what_was_missed() {
    let w = app_with(short_recovery(Duration::from_secs(30), 100)).await;
    let team = w.team("Recover", false, &[&w.bob]).await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    let sub = c.subscribe(&["/team-messaging/v1/posts"]).await;
    post(&w.app, &w.alice, &team, "before").await;
    assert_eq!(c.notification().await["body"]["text"], "before");
    let wsc = c.wsc();
    c.socket.close(None).await.unwrap();
    detached(&w.app, &wsc).await;

    post(&w.app, &w.alice, &team, "missed 1").await;
    post(&w.app, &w.alice, &team, "missed 2").await;
    eventually("both are buffered", || {
        w.app.state().hub().ws.session(&wsc).unwrap().queued() == 2
    })
    .await;

    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let mut c = Wsg::connect_url(&format!("{url}&wsc={wsc}")).await;
    assert_eq!(c.details[1]["recoveryState"], "Successful", "{}", c.details);
    assert_eq!(c.details[0]["wsc"]["token"], wsc.as_str());
    assert_eq!(c.details[0]["wsc"]["sequence"], 1);
    let mut seq = 1;
    for text in ["missed 1", "missed 2"] {
        let f = c.notification_frame().await;
        assert_eq!(f[1]["body"]["text"], text);
        assert_eq!(f[1]["subscriptionId"], sub["id"]);
        let s = f[0]["wsc"]["sequence"].as_u64().unwrap();
        assert!(s > seq, "{f}");
        seq = s;
    }
    post(&w.app, &w.alice, &team, "live again").await;
    assert_eq!(c.notification().await["body"]["text"], "live again");
    c.assert_quiet(Duration::from_millis(200)).await;
    // The subscription lives as long as the session: recovering renews it.
    let (_, now) = w
        .app
        .get(
            &format!("{SUB}/{}", sub["id"].as_str().unwrap()),
            &w.bob.token,
        )
        .await;
    assert!(
        now["expirationTime"].as_str() > sub["expirationTime"].as_str(),
        "{now} vs {sub}"
    );
}

#[tokio::test]
async fn a_used_token_may_only_recover_its_own_session() {
    let w = app_with(short_recovery(Duration::from_secs(30), 100)).await;
    let team = w.team("Reuse", false, &[&w.bob]).await;
    // `@rc-ex/ws` reconnects with its cached token when recovering.
    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let mut c = Wsg::connect_url(&url).await;
    c.subscribe(&["/team-messaging/v1/posts"]).await;
    let wsc = c.wsc();
    drop(c);
    detached(&w.app, &wsc).await;
    post(&w.app, &w.alice, &team, "while away").await;
    let f = refusal(&url).await;
    assert_eq!(f[1]["errorCode"], "WSG-401", "without wsc: {f}");
    let mut c = Wsg::connect_url(&format!("{url}&wsc={wsc}")).await;
    assert_eq!(c.details[1]["recoveryState"], "Successful");
    assert_eq!(c.notification().await["body"]["text"], "while away");
}

#[tokio::test]
async fn a_newer_connection_takes_the_session_over() {
    let w = app_with(short_recovery(Duration::from_secs(30), 100)).await;
    let team = w.team("Takeover", false, &[&w.bob]).await;
    let mut old = Wsg::connect(&w.app, &w.bob).await;
    old.subscribe(&["/team-messaging/v1/posts"]).await;
    let wsc = old.wsc();
    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let mut new = Wsg::connect_url(&format!("{url}&wsc={wsc}")).await;
    assert_eq!(new.details[1]["recoveryState"], "Successful");
    assert!(
        read(&mut old.socket, WAIT).await.is_none(),
        "the older connection is closed"
    );
    post(&w.app, &w.alice, &team, "to the new one").await;
    assert_eq!(new.notification().await["body"]["text"], "to the new one");
}

#[tokio::test]
async fn recovery_fails_after_the_window_and_the_subscription_is_gone() {
    let w = app_with(short_recovery(Duration::from_millis(500), 100)).await;
    let team = w.team("Late", false, &[&w.bob]).await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    let sub = c.subscribe(&["/team-messaging/v1/posts"]).await;
    let sub_id = sub["id"].as_str().unwrap().to_string();
    let wsc = c.wsc();
    drop(c);
    eventually("the session ends", || {
        w.app.state().hub().ws.session(&wsc).is_none()
    })
    .await;
    // The session is forgotten first, then its subscription is deleted from the store.
    let store = w.app.state().store().clone();
    for _ in 0..200 {
        if store.subscription(sub_id.clone()).await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(store.subscription(sub_id.clone()).await.unwrap().is_none());
    let (s, b) = w.app.get(&format!("{SUB}/{sub_id}"), &w.bob.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");

    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let mut c = Wsg::connect_url(&format!("{url}&wsc={wsc}")).await;
    assert_eq!(c.details[1]["recoveryState"], "Failed", "{}", c.details);
    assert_eq!(c.details[1]["recoveryErrorCode"], "WSG-1005");
    assert_ne!(c.details[0]["wsc"]["token"], wsc.as_str(), "a new session");
    post(&w.app, &w.alice, &team, "nobody listens").await;
    c.assert_quiet(Duration::from_millis(300)).await;
    // The client subscribes again, as the SDKs do on "Failed".
    c.subscribe(&["/team-messaging/v1/posts"]).await;
    post(&w.app, &w.alice, &team, "heard").await;
    assert_eq!(c.notification().await["body"]["text"], "heard");
}

#[tokio::test]
async fn recovery_fails_when_more_was_missed_than_the_buffer_holds() {
    let w = app_with(short_recovery(Duration::from_secs(30), 2)).await;
    let team = w.team("Flood", false, &[&w.bob]).await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    let sub = c.subscribe(&["/team-messaging/v1/posts"]).await;
    let wsc = c.wsc();
    drop(c);
    detached(&w.app, &wsc).await;
    for i in 0..3 {
        post(&w.app, &w.alice, &team, &format!("flood {i}")).await;
    }
    eventually("the buffer overflowed", || {
        w.app
            .state()
            .hub()
            .ws
            .session(&wsc)
            .unwrap()
            .missed_too_much()
    })
    .await;
    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let mut c = Wsg::connect_url(&format!("{url}&wsc={wsc}")).await;
    assert_eq!(c.details[1]["recoveryState"], "Failed", "{}", c.details);
    let sub_id = sub["id"].as_str().unwrap().to_string();
    eventually("the old subscription is deleted", || {
        w.app.state().hub().ws.session(&wsc).is_none()
    })
    .await;
    let (s, _) = w.app.get(&format!("{SUB}/{sub_id}"), &w.bob.token).await;
    assert_eq!(s, 404);
    c.assert_quiet(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn recovery_fails_for_a_session_without_subscription_or_of_someone_else() {
    let w = app_with(short_recovery(Duration::from_secs(30), 100)).await;
    // Nothing to recover (RingCentral answers the same, WSG-1005).
    let c = Wsg::connect(&w.app, &w.bob).await;
    let wsc = c.wsc();
    drop(c);
    eventually("a session without subscription ends at once", || {
        w.app.state().hub().ws.session(&wsc).is_none()
    })
    .await;
    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let c = Wsg::connect_url(&format!("{url}&wsc={wsc}")).await;
    assert_eq!(c.details[1]["recoveryState"], "Failed");
    assert_eq!(c.details[1]["recoveryErrorCode"], "WSG-1005");

    // Someone else's session.
    let mut bob = Wsg::connect(&w.app, &w.bob).await;
    bob.subscribe(&["/team-messaging/v1/posts"]).await;
    let wsc = bob.wsc();
    drop(bob);
    detached(&w.app, &wsc).await;
    let (url, _) = gateway_url(&w.app, &w.carol).await;
    let c = Wsg::connect_url(&format!("{url}&wsc={wsc}")).await;
    assert_eq!(c.details[1]["recoveryState"], "Failed");
    assert_eq!(c.details[1]["recoveryErrorCode"], "WSG-1003");
    // Bob's session is untouched and still recoverable by him.
    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let c = Wsg::connect_url(&format!("{url}&wsc={wsc}")).await;
    assert_eq!(c.details[1]["recoveryState"], "Successful");
}

// ------------------------------------------------------------------- timeouts and slow clients

#[tokio::test]
async fn idle_connections_are_closed_with_wsg_902() {
    let w = app_with(WsConfig {
        idle_timeout: Duration::from_millis(600),
        ..WsConfig::default()
    })
    .await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    // Heartbeats keep it open.
    for i in 0..4 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c.send(json!([{"type": "Heartbeat", "messageId": format!("hb{i}")}]))
            .await;
        assert_eq!(c.next().await[0]["messageId"], format!("hb{i}"));
    }
    let f = read(&mut c.socket, WAIT).await.expect("an Error frame");
    assert_eq!(f[0]["type"], "Error", "{f}");
    assert_eq!(f[1]["errorCode"], "WSG-902", "{f}");
    assert_eq!(f[1]["message"], "Idle timeout expired");
    assert!(read(&mut c.socket, WAIT).await.is_none(), "then the close");
}

#[tokio::test]
async fn connections_end_at_the_absolute_timeout_with_wsg_903() {
    let w = app_with(WsConfig {
        absolute_timeout: Duration::from_millis(500),
        ..WsConfig::default()
    })
    .await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    let f = read(&mut c.socket, WAIT).await.expect("an Error frame");
    assert_eq!(f[1]["errorCode"], "WSG-903", "{f}");
    assert!(read(&mut c.socket, WAIT).await.is_none());
}

#[tokio::test]
async fn clients_that_do_not_read_are_disconnected() {
    let w = app_with(WsConfig {
        send_queue: 4,
        send_timeout: Duration::from_millis(500),
        recovery_buffer: 1000,
        ..WsConfig::default()
    })
    .await;
    let team = w.team("Firehose", false, &[&w.bob]).await;
    // A client with a tiny receive window that stops reading after subscribing.
    let (url, _) = gateway_url(&w.app, &w.bob).await;
    let addr = w.app.base.strip_prefix("http://").unwrap().to_string();
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    let stream = sock.connect(addr.parse().unwrap()).await.unwrap();
    let (socket, _) = tokio_tungstenite::client_async(url.as_str(), MaybeTlsStream::Plain(stream))
        .await
        .unwrap();
    let mut c = Wsg {
        socket,
        pending: VecDeque::new(),
        details: Value::Null,
        next_id: 0,
    };
    c.details = c.next().await;
    let wsc = c.wsc();
    c.subscribe(&["/team-messaging/v1/posts"]).await;
    let big = "x".repeat(10_000);
    let hub = w.app.state().hub().clone();
    let mut sent = 0;
    while hub.ws.session(&wsc).is_some_and(|s| s.is_live()) {
        assert!(sent < 2000, "still connected after {sent} large posts");
        post(&w.app, &w.alice, &team, &big).await;
        sent += 1;
    }
    // Bounded: at most the queue limit (twice, while being cut off) is held for it.
    let session = hub.ws.session(&wsc).expect("recoverable");
    assert!(session.queued() <= 8, "{} queued", session.queued());
    drop(c);
}

#[tokio::test]
async fn the_server_pings_and_drops_clients_that_stop_answering() {
    let w = app_with(WsConfig {
        ping_interval: Duration::from_millis(100),
        pong_timeout: Duration::from_millis(300),
        ..WsConfig::default()
    })
    .await;
    let mut c = Wsg::connect(&w.app, &w.bob).await;
    let wsc = c.wsc();
    // A client that reads answers the pings (the WebSocket layer sends the pongs).
    let mut pings = 0;
    let until = tokio::time::Instant::now() + Duration::from_millis(800);
    while let Ok(m) = tokio::time::timeout_at(until, c.socket.next()).await {
        if let Some(Ok(Message::Ping(_))) = m {
            pings += 1;
        }
    }
    assert!(pings >= 3, "{pings} pings");
    let session = w.app.state().hub().ws.session(&wsc).unwrap();
    assert!(session.is_live(), "still connected");
    // One that stops reading sends no pongs, and is dropped (a session without subscription
    // ends with its connection).
    eventually("the connection is dropped", || {
        w.app.state().hub().ws.session(&wsc).is_none()
    })
    .await;
    drop(c);
}

#[tokio::test]
async fn the_web_client_listens_through_the_gateway_until_its_person_signs_out() {
    let w = World::new().await;
    let b = w.app.browser();
    b.get("/").await;
    let p = b
        .post(
            "/signin",
            &[("login", w.bob.email.as_str()), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 303);
    let p = b.fetch_post("/app/wstoken", &[]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let v: Value = serde_json::from_str(&p.body).unwrap();
    let url = format!(
        "{}?access_token={}",
        v["uri"].as_str().unwrap(),
        v["ws_access_token"].as_str().unwrap()
    );
    let mut ws = Wsg::connect_url(&url).await;
    ws.subscribe(&FILTERS).await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    assert_eq!(ws.notification().await["body"]["eventType"], "GroupJoined");
    post(&w.app, &w.alice, &team, "hello").await;
    assert_eq!(ws.notification().await["body"]["text"], "hello");

    // Signing out of the client ends its live connection (and its subscription).
    assert_eq!(b.post("/signout", &[]).await.status, 303);
    let closed = tokio::time::timeout(WAIT, async {
        while read(&mut ws.socket, WAIT).await.is_some() {}
    })
    .await;
    assert!(closed.is_ok(), "the socket stays open after signing out");
    // And the browser gets no new token.
    assert_eq!(b.fetch_post("/app/wstoken", &[]).await.status, 401);
}

#[tokio::test]
async fn posts_in_a_conversation_made_after_subscribing_arrive() {
    let w = World::new().await;
    let mut alice = Wsg::connect(&w.app, &w.alice).await;
    alice.subscribe(&FILTERS).await;
    let (s, chat) = w
        .app
        .post(
            "/team-messaging/v1/conversations",
            &w.alice.token,
            json!({"members": [{"id": w.bob.id()}]}),
        )
        .await;
    assert!(s == 200 || s == 201, "{chat}");
    let chat = chat["id"].as_str().unwrap().to_string();
    assert_eq!(
        alice.notification().await["body"]["eventType"],
        "GroupJoined"
    );
    post(&w.app, &w.bob, &chat, "hi alice").await;
    assert_eq!(alice.notification().await["body"]["text"], "hi alice");
}

#[tokio::test]
async fn a_new_page_hears_a_conversation_made_on_the_previous_one() {
    let w = World::new().await;
    let mut first = Wsg::connect(&w.app, &w.alice).await;
    first.subscribe(&FILTERS).await;
    let (_, chat) = w
        .app
        .post(
            "/team-messaging/v1/conversations",
            &w.alice.token,
            json!({"members": [{"id": w.bob.id()}]}),
        )
        .await;
    let chat = chat["id"].as_str().unwrap().to_string();
    assert_eq!(
        first.notification().await["body"]["eventType"],
        "GroupJoined"
    );
    // The next page opens its own session, the first page goes away.
    let mut second = Wsg::connect(&w.app, &w.alice).await;
    second.subscribe(&FILTERS).await;
    drop(first);
    tokio::time::sleep(Duration::from_millis(100)).await;
    post(&w.app, &w.bob, &chat, "hi alice").await;
    assert_eq!(second.notification().await["body"]["text"], "hi alice");
}
