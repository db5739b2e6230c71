//! The suite's fixtures on top of `openglip_testkit` (the one test-server starter): the two
//! companies of [`World`], RingCentral error assertions, and a WebHook receiver.

#![allow(dead_code)]

use std::sync::Arc;

use openglip_domain::Account;
use serde_json::Value;

pub use openglip_testkit::{
    ALL_PERMISSIONS, Client, PASSWORD, TestApp, User, send, spawn_app, spawn_app_with,
    test_realtime,
};

/// A ready world: company "Acme" (Alice the admin, Bob, Carol), company "Globex" (Eve), an app
/// of each company with every permission and the password + refresh grants, everyone logged in.
pub struct World {
    pub app: TestApp,
    pub acme: Account,
    pub globex: Account,
    pub alice: User,
    pub bob: User,
    pub carol: User,
    pub eve: User,
    pub client: Client,
    pub globex_client: Client,
}

impl World {
    pub async fn new() -> World {
        Self::with(spawn_app().await).await
    }

    pub async fn with(app: TestApp) -> World {
        let (acme, alice) = app.account("Acme", "alice@acme.test").await;
        let bob = app.user(&acme, "Bob", "Baker", "bob@acme.test").await;
        let carol = app.user(&acme, "Carol", "Chen", "carol@acme.test").await;
        let (globex, eve) = app.account("Globex", "eve@globex.test").await;
        let client = app
            .client(&acme, &["password", "refresh_token"], &ALL_PERMISSIONS)
            .await;
        let globex_client = app
            .client(&globex, &["password", "refresh_token"], &ALL_PERMISSIONS)
            .await;
        let alice = app.logged_in(&client, alice).await;
        let bob = app.logged_in(&client, bob).await;
        let carol = app.logged_in(&client, carol).await;
        let eve = app.logged_in(&globex_client, eve).await;
        World {
            app,
            acme,
            globex,
            alice,
            bob,
            carol,
            eve,
            client,
            globex_client,
        }
    }

    /// Alice creates a team with Bob (and more) via the current API; returns its id.
    pub async fn team(&self, name: &str, public: bool, members: &[&User]) -> String {
        let members: Vec<Value> = members
            .iter()
            .map(|u| serde_json::json!({"id": u.id()}))
            .collect();
        let (s, b) = self
            .app
            .post(
                "/team-messaging/v1/teams",
                &self.alice.token,
                serde_json::json!({"name": name, "public": public, "members": members}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        b["id"].as_str().unwrap().to_string()
    }
}

/// Asserts the RingCentral error shape and code; returns the body.
pub fn assert_rc_error(status: u16, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status, want_status, "status; body: {body}");
    assert_eq!(body["errorCode"], want_code, "errorCode; body: {body}");
    assert!(body["message"].is_string(), "message missing: {body}");
    assert_eq!(
        body["errors"][0]["errorCode"], want_code,
        "errors[0]; body: {body}"
    );
    assert!(body["errors"][0]["message"].is_string());
}

/// ISO-8601 UTC with milliseconds: `2026-11-22T02:16:27.123Z`.
pub fn assert_time(v: &Value) {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("not a string time: {v}"));
    assert_eq!(s.len(), 24, "{s}");
    assert!(s.ends_with('Z') && s.as_bytes()[19] == b'.', "{s}");
}

// ---------------------------------------------------------------- WebHook receiver

/// One request a [`Receiver`] got: its headers (names lower-case), body, and the status it
/// answered.
#[derive(Debug, Clone)]
pub struct Hit {
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub answered: u16,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
    /// The creation handshake (the only request that may carry `Validation-Token`).
    pub fn is_validation(&self) -> bool {
        self.header("validation-token").is_some()
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.answered)
    }
}

/// How a [`Receiver`] answers the `Validation-Token` handshake.
#[derive(Debug, Clone, PartialEq)]
pub enum Handshake {
    /// 200, echoing the token (what receivers must do).
    Echo,
    /// 200 without the header.
    NoEcho,
    /// This status, echoing the token.
    Status(u16),
    /// Echoes, after this long.
    Slow(std::time::Duration),
    /// Echoes, with a body of this many bytes.
    Big(usize),
}

#[derive(Debug)]
struct Behaviour {
    handshake: Handshake,
    /// Deliveries still to answer 503.
    fail_next: usize,
    /// Answer every delivery 503.
    fail_all: bool,
    /// Answer 500 to every delivery whose body contains this (a body the bot cannot handle).
    refuse_containing: Option<String>,
}

struct Shared {
    behaviour: std::sync::Mutex<Behaviour>,
    hits: tokio::sync::mpsc::UnboundedSender<Hit>,
}

/// A real HTTP server on `127.0.0.1:0` standing in for a bot's WebHook endpoint: it records every
/// request and answers as told. It stops when dropped.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`
    pub url: String,
    shared: Arc<Shared>,
    rx: tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<Hit>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn receive(
    axum::extract::State(s): axum::extract::State<Arc<Shared>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let token = headers
        .get("validation-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (status, echo, delay, big) = {
        let mut b = s.behaviour.lock().unwrap();
        match (&token, b.handshake.clone()) {
            (Some(_), Handshake::Echo) => (200, true, None, 0),
            (Some(_), Handshake::NoEcho) => (200, false, None, 0),
            (Some(_), Handshake::Status(st)) => (st, true, None, 0),
            (Some(_), Handshake::Slow(d)) => (200, true, Some(d), 0),
            (Some(_), Handshake::Big(n)) => (200, true, None, n),
            (None, _) if b.fail_all => (503, false, None, 0),
            (None, _)
                if b.refuse_containing
                    .as_deref()
                    .is_some_and(|p| String::from_utf8_lossy(&body).contains(p)) =>
            {
                (500, false, None, 0)
            }
            (None, _) if b.fail_next > 0 => {
                b.fail_next -= 1;
                (503, false, None, 0)
            }
            (None, _) => (200, false, None, 0),
        }
    };
    let _ = s.hits.send(Hit {
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
        answered: status,
    });
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let mut resp = (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        "x".repeat(big),
    )
        .into_response();
    if echo && let Some(t) = token {
        resp.headers_mut()
            .insert("validation-token", t.parse().unwrap());
    }
    resp
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            behaviour: std::sync::Mutex::new(Behaviour {
                handshake: Handshake::Echo,
                fail_next: 0,
                fail_all: false,
                refuse_containing: None,
            }),
            hits: tx,
        });
        let router = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Receiver {
            url,
            shared,
            rx: tokio::sync::Mutex::new(rx),
            _stop: stop,
        }
    }

    pub fn handshake(&self, h: Handshake) {
        self.shared.behaviour.lock().unwrap().handshake = h;
    }
    /// Answer the next `n` deliveries 503.
    pub fn fail_next(&self, n: usize) {
        self.shared.behaviour.lock().unwrap().fail_next = n;
    }
    /// Answer 500 to deliveries whose body contains `text` (`None`: accept them again).
    pub fn refuse_containing(&self, text: Option<&str>) {
        self.shared.behaviour.lock().unwrap().refuse_containing = text.map(str::to_string);
    }
    /// Answer every delivery 503 (until told otherwise).
    pub fn fail_all(&self, on: bool) {
        self.shared.behaviour.lock().unwrap().fail_all = on;
    }

    /// The next request, if one comes within `within`.
    pub async fn try_next(&self, within: std::time::Duration) -> Option<Hit> {
        tokio::time::timeout(within, self.rx.lock().await.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next request (within 10 s, else the test fails).
    pub async fn next(&self) -> Hit {
        self.try_next(std::time::Duration::from_secs(10))
            .await
            .expect("the receiver got no request within 10 s")
    }

    /// The next request, which must be the creation handshake; returns it.
    pub async fn validation(&self) -> Hit {
        let h = self.next().await;
        assert!(h.is_validation(), "expected the handshake, got {h:?}");
        h
    }

    /// The next accepted delivery (failed attempts are skipped), as JSON. It never carries
    /// `Validation-Token`.
    pub async fn notification(&self) -> Value {
        loop {
            let h = self.next().await;
            assert!(
                !h.is_validation(),
                "a delivery with Validation-Token: {h:?}"
            );
            if h.ok() {
                return h.json();
            }
        }
    }

    /// The next `n` accepted deliveries.
    pub async fn notifications(&self, n: usize) -> Vec<Value> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.notification().await);
        }
        out
    }

    /// Asserts that nothing arrives for `d`.
    pub async fn assert_quiet(&self, d: std::time::Duration) {
        if let Some(h) = self.try_next(d).await {
            panic!("expected no request, got {h:?}");
        }
    }
}

/// `POST /restapi/v1.0/subscription` for a WebHook at `url` with these filters and extra
/// top-level fields (`expiresIn`, or `deliveryMode` overrides under `"deliveryMode"`).
pub async fn create_webhook(
    app: &TestApp,
    token: &str,
    filters: &[&str],
    url: &str,
    extra: Value,
) -> (u16, Value) {
    let mut body = serde_json::json!({
        "eventFilters": filters,
        "deliveryMode": {"transportType": "WebHook", "address": url},
    });
    if let Value::Object(m) = extra {
        for (k, v) in m {
            if k == "deliveryMode" {
                if let Value::Object(dm) = v {
                    for (dk, dv) in dm {
                        body["deliveryMode"][dk] = dv;
                    }
                }
            } else {
                body[k] = v;
            }
        }
    }
    app.post("/restapi/v1.0/subscription", token, body).await
}

/// A WebHook subscription that must succeed; consumes the handshake. Returns the
/// `SubscriptionInfo`.
pub async fn subscribe(
    app: &TestApp,
    token: &str,
    filters: &[&str],
    recv: &Receiver,
    extra: Value,
) -> Value {
    let (s, b) = create_webhook(app, token, filters, &recv.url, extra).await;
    assert_eq!(s, 200, "{b}");
    recv.validation().await;
    b
}
