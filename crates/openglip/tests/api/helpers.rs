//! `spawn_app()` and fixtures.

#![allow(dead_code)]

use std::sync::Arc;

use openglip_domain::{Account, Extension};
use openglip_server::{AppState, RateLimitConfig, ServerConfig, admin};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Real-time settings for tests: WebHooks to loopback allowed, short retries.
pub fn test_realtime() -> openglip_server::realtime::RealtimeConfig {
    openglip_server::realtime::RealtimeConfig {
        allow_private_webhooks: true,
        retry_base: std::time::Duration::from_millis(50),
        retry_max: std::time::Duration::from_millis(400),
        ..Default::default()
    }
}

/// Starts the server with rate limits off.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(ServerConfig {
        public_url: None,
        rate_limits: RateLimitConfig::off(),
        realtime: crate::helpers::test_realtime(),
    })
    .await
}

pub async fn spawn_app_with(config: ServerConfig) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = openglip_store_sqlite::SqliteStore::open(dir.path()).expect("open store");
    let state = AppState::new(Arc::new(store), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let st = state.clone();
    tokio::spawn(async move {
        openglip_server::serve(listener, st, async {
            let _ = rx.await;
        })
        .await
        .expect("server");
    });
    TestApp {
        base,
        state,
        http: reqwest::Client::new(),
        dir,
        shutdown: Some(tx),
    }
}

/// A person with a password and (after `login`) a token.
#[derive(Clone, Debug)]
pub struct User {
    pub ext: Extension,
    pub email: String,
    pub token: String,
}

impl User {
    pub fn id(&self) -> String {
        self.ext.id.to_string()
    }
}

/// An OAuth app's credentials.
#[derive(Clone, Debug)]
pub struct Client {
    pub client_id: String,
    pub secret: Option<String>,
}

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

pub const ALL_PERMISSIONS: [&str; 5] = [
    "TeamMessaging",
    "ReadAccounts",
    "EditExtensions",
    "SubscriptionWebhook",
    "WebSocket",
];

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn account(&self, name: &str, admin_email: &str) -> (Account, Extension) {
        admin::create_account(
            &self.state,
            admin::NewAccount {
                name: name.into(),
                admin_email: admin_email.into(),
                admin_password: PASSWORD.into(),
                admin_first_name: None,
                admin_last_name: None,
            },
        )
        .await
        .expect("create account")
    }

    pub async fn user(&self, account: &Account, first: &str, last: &str, email: &str) -> Extension {
        admin::create_user(
            &self.state,
            admin::NewUser {
                account_id: account.id,
                email: email.into(),
                first_name: first.into(),
                last_name: last.into(),
                password: Some(PASSWORD.into()),
                extension_number: None,
                is_admin: false,
            },
        )
        .await
        .expect("create user")
    }

    pub async fn client(&self, account: &Account, grants: &[&str], permissions: &[&str]) -> Client {
        let (app, secret) = admin::create_app(
            &self.state,
            admin::NewAppSpec {
                account_id: account.id,
                name: "test app".into(),
                redirect_uris: vec![],
                grants: grants.iter().map(|s| s.to_string()).collect(),
                permissions: permissions.iter().map(|s| s.to_string()).collect(),
                public_client: false,
            },
        )
        .await
        .expect("create app");
        Client {
            client_id: app.client_id,
            secret,
        }
    }

    /// `POST /restapi/oauth/token` with the password grant; returns the whole response.
    pub async fn password_grant(
        &self,
        client: &Client,
        username: &str,
        password: &str,
    ) -> Response {
        self.http
            .post(self.url("/restapi/oauth/token"))
            .basic_auth(&client.client_id, client.secret.as_deref())
            .form(&[
                ("grant_type", "password"),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .expect("token request")
    }

    /// Logs in and returns the token response JSON (panics unless 200).
    pub async fn login(&self, client: &Client, email: &str) -> Value {
        let r = self.password_grant(client, email, PASSWORD).await;
        assert_eq!(r.status(), 200, "login of {email} failed");
        r.json().await.unwrap()
    }

    pub async fn logged_in(&self, client: &Client, ext: Extension) -> User {
        let email = ext.email.clone().expect("users have e-mails");
        let tok = self.login(client, &email).await;
        User {
            ext,
            email,
            token: tok["access_token"].as_str().unwrap().to_string(),
        }
    }

    /// A request with a bearer token.
    pub fn req(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(token)
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        send(self.req(Method::GET, path, token)).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        send(self.req(Method::POST, path, token).json(&body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        send(self.req(Method::PATCH, path, token).json(&body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (u16, Value) {
        send(self.req(Method::DELETE, path, token)).await
    }
}

/// Sends and returns (status, JSON body or Null when empty / not JSON).
pub async fn send(rb: RequestBuilder) -> (u16, Value) {
    let r = rb.send().await.expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
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
