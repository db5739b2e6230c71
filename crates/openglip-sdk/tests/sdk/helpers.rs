#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use openglip_domain::Account;
use openglip_sdk::Client;
use openglip_server::realtime::RealtimeConfig;
use openglip_server::{AppState, RateLimitConfig, ServerConfig};

pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub base: String,
    pub state: AppState,
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

pub fn config() -> ServerConfig {
    ServerConfig {
        public_url: None,
        rate_limits: RateLimitConfig::off(),
        realtime: RealtimeConfig {
            allow_private_webhooks: true,
            retry_base: Duration::from_millis(50),
            retry_max: Duration::from_millis(400),
            ..Default::default()
        },
    }
}

pub async fn spawn_app_with(config: ServerConfig) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = openglip_store_sqlite::SqliteStore::open(dir.path()).unwrap();
    let state = AppState::new(Arc::new(store), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let st = state.clone();
    tokio::spawn(async move {
        openglip_server::serve(listener, st, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    TestApp {
        base,
        state,
        dir,
        shutdown: Some(tx),
    }
}

/// A company (Acme: Alice the admin, Bob, Carol), an app with every permission and the password
/// and refresh grants, and logged-in clients.
pub struct World {
    pub app: TestApp,
    pub acme: Account,
    pub client_id: String,
    pub secret: String,
    pub alice: Client,
    pub alice_id: String,
    pub bob: Client,
    pub bob_id: String,
    pub carol_id: String,
}

pub const ALL: [&str; 5] = [
    "TeamMessaging",
    "ReadAccounts",
    "EditExtensions",
    "SubscriptionWebhook",
    "WebSocket",
];

impl World {
    pub async fn new() -> World {
        Self::with(config()).await
    }

    pub async fn with(config: ServerConfig) -> World {
        let app = spawn_app_with(config).await;
        let (acme, alice) = app
            .state
            .platform()
            .create_account(openglip_platform::accounts::NewAccount {
                name: "Acme".into(),
                admin_email: "alice@acme.test".into(),
                admin_password: PASSWORD.into(),
                admin_first_name: Some("Alice".into()),
                admin_last_name: Some("Adams".into()),
            })
            .await
            .unwrap();
        let user = |first: &str, email: &str| openglip_platform::accounts::NewUser {
            account_id: acme.id,
            email: email.into(),
            first_name: first.into(),
            last_name: "Tester".into(),
            password: Some(PASSWORD.into()),
            extension_number: None,
            is_admin: false,
        };
        let bob = app
            .state
            .platform()
            .create_user(user("Bob", "bob@acme.test"))
            .await
            .unwrap();
        let carol = app
            .state
            .platform()
            .create_user(user("Carol", "carol@acme.test"))
            .await
            .unwrap();
        let (a, secret) = app
            .state
            .platform()
            .provision_app(openglip_platform::apps::NewAppSpec {
                account_id: acme.id,
                name: "sdk tests".into(),
                redirect_uris: vec!["http://127.0.0.1/callback".into()],
                grants: vec!["password".into(), "refresh_token".into()],
                permissions: ALL.map(String::from).to_vec(),
                public_client: false,
            })
            .await
            .unwrap();
        let secret = secret.unwrap();
        let w = World {
            alice: Client::builder(&app.base)
                .app(&a.client_id, Some(secret.clone()))
                .build()
                .unwrap(),
            bob: Client::builder(&app.base)
                .app(&a.client_id, Some(secret.clone()))
                .build()
                .unwrap(),
            app,
            acme,
            client_id: a.client_id,
            secret,
            alice_id: alice.id.to_string(),
            bob_id: bob.id.to_string(),
            carol_id: carol.id.to_string(),
        };
        w.alice
            .login_password("alice@acme.test", PASSWORD, None)
            .await
            .unwrap();
        w.bob
            .login_password("bob@acme.test", PASSWORD, None)
            .await
            .unwrap();
        w
    }

    /// A new client of the test app, not logged in.
    pub fn client(&self) -> Client {
        Client::builder(&self.app.base)
            .app(&self.client_id, Some(self.secret.clone()))
            .build()
            .unwrap()
    }
}

/// A TCP proxy in front of the server whose connections can be cut (a network outage) while
/// the server keeps running.
pub struct Proxy {
    pub port: u16,
    target: String,
    tasks: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    pub async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let p = Proxy {
            port,
            target: target.trim_start_matches("http://").to_string(),
            tasks: Arc::new(std::sync::Mutex::new(Vec::new())),
        };
        p.serve(listener);
        p
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        let target = self.target.clone();
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let t = tokio::spawn(async move {
                    if let Ok(mut out) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                });
                tasks.lock().unwrap().push(t);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Drops every connection and stops accepting.
    pub fn cut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    /// Accepts again on the same port.
    pub async fn resume(&self) {
        for _ in 0..100 {
            if let Ok(l) = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await {
                self.serve(l);
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("cannot bind the proxy port again");
    }
}

/// Just enough of a browser for the server's sign-in and Access Request pages.
pub struct Browser {
    base: String,
    http: reqwest::Client,
    cookies: std::sync::Mutex<Vec<(String, String)>>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn input(&self, name: &str) -> String {
        let at = self
            .body
            .find(&format!("name=\"{name}\""))
            .unwrap_or_else(|| panic!("no {name} in {}", self.body));
        let start = self.body[..at].rfind('<').unwrap();
        let end = self.body[at..].find('>').unwrap() + at;
        let tag = &self.body[start..end];
        let v = tag.find("value=\"").unwrap() + 7;
        let e = tag[v..].find('"').unwrap() + v;
        tag[v..e]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Default::default(),
        }
    }

    fn cookie_header(&self) -> String {
        let jar = self.cookies.lock().unwrap();
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&self, r: reqwest::Response) -> Page {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        for c in r.headers().get_all("set-cookie") {
            if let Some((k, v)) = c
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
            {
                let mut jar = self.cookies.lock().unwrap();
                jar.retain(|(n, _)| n != k);
                if !v.is_empty() {
                    jar.push((k.to_string(), v.to_string()));
                }
            }
        }
        Page {
            status,
            location,
            body: r.text().await.unwrap_or_default(),
        }
    }

    pub async fn get(&self, url: &str) -> Page {
        let url = if url.starts_with("http") {
            url.to_string()
        } else {
            format!("{}{url}", self.base)
        };
        let r = self
            .http
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self
            .cookies
            .lock()
            .unwrap()
            .iter()
            .find(|(k, _)| k == "og_csrf")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let mut form = fields.to_vec();
        form.push(("_csrf", &csrf));
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("origin", self.base.clone())
            .form(&form)
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// Sign in and Authorize; returns the redirect to the client.
    pub async fn authorize(&self, url: &str, login: &str, password: &str) -> String {
        let p = self.get(url).await;
        assert_eq!(p.status, 200, "{}", p.body);
        let s = self
            .post(
                "/oauth/signin",
                &[
                    ("q", &p.input("q")),
                    ("login", login),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(s.status, 303, "{}", s.body);
        let c = self.get(&s.location.unwrap()).await;
        let d = self
            .post(
                "/oauth/consent",
                &[("q", &c.input("q")), ("decision", "allow")],
            )
            .await;
        assert!(matches!(d.status, 302 | 303), "{}", d.body);
        d.location.unwrap()
    }
}
