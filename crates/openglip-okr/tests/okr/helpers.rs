//! The real platform in-process (`openglip_testkit`'s server, with the companies, people and
//! apps of `openglip_bot::harness`), the OKR app beside it (in-process, or as `openglip okr
//! serve` for the crash test), its API called with platform tokens of real people, its pages
//! with the testkit's browser (signed in with openglip), and "Add to Glip" walked through the
//! platform's pages.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use openglip_bot::harness::{BotApp, Company, Person, TestServer};
use openglip_bot::sdk::reqwest;
use openglip_bot::sdk::wire::{CreateTeamRequest, IdOrString, MemberSpec, PostInfo};
use openglip_okr::clock::OffsetClock;
use openglip_testkit::{Browser, PASSWORD, free_port};
use serde_json::{Value, json};

/// How long anything may take.
pub const T: Duration = Duration::from_secs(20);

/// The OKR app running in this process, with a clock the test moves.
pub struct Okr {
    pub app: openglip_okr::App,
    pub url: String,
    pub port: u16,
    pub clock: Arc<OffsetClock>,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Okr {
    /// Starts it on the platform's `okr_port` (where its apps' redirect URIs point).
    pub async fn start(p: &Platform) -> Okr {
        Okr::start_in(p, tempfile::tempdir().expect("a data folder")).await
    }

    /// Starts it with the data folder `dir` (kept from an earlier run).
    pub async fn start_in(p: &Platform, dir: tempfile::TempDir) -> Okr {
        let port = p.okr_port;
        let clock = Arc::new(OffsetClock::default());
        let url = format!("http://127.0.0.1:{port}");
        let mut config = openglip_okr::Config::new(&p.server.url(), &url, dir.path());
        config.bot_client_id = p.bot_app.client_id.clone();
        config.bot_client_secret = p.bot_app.client_secret.clone();
        config.client_id = p.sign_in.0.clone();
        config.client_secret = Some(p.sign_in.1.clone());
        config.clock = clock.clone();
        let listener = bind(port).await;
        let app = openglip_okr::App::open(config).expect("the OKR app opens");
        let router = openglip_okr::router(app.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let running = app.clone();
        let task = tokio::spawn(async move {
            openglip_okr::serve_app(listener, running, router, async {
                let _ = rx.await;
            })
            .await
            .expect("the OKR app runs");
        });
        Okr {
            app,
            url,
            port,
            clock,
            dir,
            stop: Some(tx),
            task: Some(task),
        }
    }

    pub async fn stop(mut self) {
        self.halt().await;
    }

    /// Stops it and gives back its data folder.
    pub async fn stop_keeping_data(mut self) -> tempfile::TempDir {
        self.halt().await;
        let empty = tempfile::tempdir().expect("a data folder");
        std::mem::replace(&mut self.dir, empty)
    }

    async fn halt(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }

    pub fn api(&self) -> Api {
        Api::new(&self.url)
    }

    /// The bot's token, as the app keeps it in its database.
    pub fn bot_token(&self) -> String {
        bot_token(self.dir.path())
    }
}

/// The bot's token in the OKR app's database in `dir`.
pub fn bot_token(dir: &std::path::Path) -> String {
    let db =
        rusqlite::Connection::open(dir.join(openglip_okr::store::FILE)).expect("the OKR database");
    db.query_row(
        "SELECT bot_token FROM integrations WHERE state = 'active'",
        [],
        |r| r.get(0),
    )
    .expect("an active integration")
}

/// Binds the app's port (which the previous run may hold a moment longer).
async fn bind(port: u16) -> tokio::net::TcpListener {
    for _ in 0..100 {
        if let Ok(l) = tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            return l;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the OKR app's port {port} stays busy")
}

/// The platform with a company and the OKR app's two registrations for an OKR app on
/// `okr_port`: the public bot app "Add to Glip" installs, and the REST app that signs people
/// in (`sign_in`: client id and secret).
pub struct Platform {
    pub server: TestServer,
    pub acme: Company,
    pub bot_app: BotApp,
    pub sign_in: (String, String),
    pub okr_port: u16,
}

impl Platform {
    pub async fn start() -> Platform {
        let server = TestServer::start().await;
        let acme = server.company("Acme").await;
        let okr_port = free_port();
        let bot_app = acme
            .bot_app(
                &server,
                "OKR",
                &format!("http://127.0.0.1:{okr_port}/integrations/glip/callback"),
                true,
            )
            .await;
        let (app, secret) = server
            .state()
            .platform()
            .provision_app(openglip_platform::apps::NewAppSpec {
                account_id: acme.account_id,
                name: "OKR sign-in".into(),
                redirect_uris: vec![format!("http://127.0.0.1:{okr_port}/auth/callback")],
                grants: vec!["authorization_code".into(), "refresh_token".into()],
                permissions: vec!["ReadAccounts".into(), "TeamMessaging".into()],
                public_client: false,
            })
            .await
            .expect("register the sign-in app");
        Platform {
            server,
            acme,
            bot_app,
            sign_in: (app.client_id, secret.expect("a server-side app")),
            okr_port,
        }
    }

    pub fn admin(&self) -> &Person {
        self.acme.admin()
    }

    pub async fn person(&self, first: &str, last: &str) -> Person {
        self.acme.person(&self.server, first, last).await
    }

    /// The reference example's regional members: Uma (US), Eva (Europe), Aiko (Asia).
    pub async fn regions(&self) -> (Person, Person, Person) {
        (
            self.person("Uma", "Stone").await,
            self.person("Eva", "Berg").await,
            self.person("Aiko", "Tan").await,
        )
    }
}

/// The platform, and the OKR app in this process with its API.
pub async fn platform_and_app() -> (Platform, Okr, Api) {
    let p = Platform::start().await;
    let okr = Okr::start(&p).await;
    let api = okr.api();
    (p, okr, api)
}

/// A person's platform access token.
pub async fn token(p: &Person) -> String {
    p.client.token().await.expect("logged in").access_token
}

/// The OKR API.
pub struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// Calls the API as `who` (None: without a token); returns the status and JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        who: Option<&Person>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}/api/v1{path}", self.base);
        let mut rb = self.http.request(method.parse().expect("a method"), &url);
        if let Some(p) = who {
            rb = rb.bearer_auth(token(p).await);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = r.status().as_u16();
        let text = r.text().await.expect("a body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    /// Calls and expects `status`; returns the body.
    pub async fn ok(
        &self,
        method: &str,
        path: &str,
        who: &Person,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        let (s, v) = self.call(method, path, Some(who), body).await;
        assert_eq!(s, status, "{method} {path}: {v}");
        v
    }

    /// Each case (who, body, status, parameter) of `method path` is refused as said.
    pub async fn refusals(
        &self,
        method: &str,
        path: &str,
        cases: Vec<(&Person, Value, u16, Option<&str>)>,
    ) {
        for (who, body, status, parameter) in cases {
            self.refused(method, path, who, Some(body), status, parameter)
                .await;
        }
    }

    /// Calls and expects an error of `status` naming `parameter` (when given); returns it.
    pub async fn refused(
        &self,
        method: &str,
        path: &str,
        who: &Person,
        body: Option<Value>,
        status: u16,
        parameter: Option<&str>,
    ) -> Value {
        let (s, v) = self.call(method, path, Some(who), body).await;
        assert_eq!(s, status, "{method} {path}: {v}");
        assert!(
            v["errorCode"].is_string() && v["message"].is_string(),
            "not an error body: {v}"
        );
        if let Some(p) = parameter {
            assert_eq!(v["errors"][0]["parameterName"], p, "{v}");
        }
        v
    }
}

/// "Add to Glip" as `admin` does it: the API gives the platform's authorization URL, the browser
/// signs in and authorizes, the platform redirects to the app. Returns the bot's id, once the
/// bot is connected.
pub async fn add_to_glip(server: &TestServer, api: &Api, admin: &Person) -> String {
    let v = api
        .ok("POST", "/integration", admin, Some(json!({})), 200)
        .await;
    let url = v["authorizeUrl"]
        .as_str()
        .expect("an authorize URL")
        .to_string();
    let to_app = Browser::new(&server.url())
        .authorize(&url, &admin.email, PASSWORD)
        .await;
    let r = reqwest::get(&to_app).await.expect("the callback");
    assert_eq!(
        r.status().as_u16(),
        200,
        "{}",
        r.text().await.unwrap_or_default()
    );
    wait_until("the bot is connected", || async {
        let (_, v) = api.call("GET", "/integration", Some(admin), None).await;
        (v["botReady"] == true).then(|| v["botId"].as_str().unwrap_or_default().to_string())
    })
    .await
}

/// Polls `f` until it gives something (or panics after [`T`]).
pub async fn wait_until<T, F, Fut>(what: &str, f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    openglip_testkit::eventually(what, T, f).await
}

/// Creates a team conversation on the platform with `members`.
pub async fn glip_team(owner: &Person, name: &str, public: bool, members: &[&Person]) -> String {
    owner
        .client
        .create_team(&CreateTeamRequest {
            public: Some(public),
            name: Some(name.into()),
            description: None,
            members: Some(
                members
                    .iter()
                    .map(|m| MemberSpec::Object {
                        id: Some(IdOrString::Str(m.id.clone())),
                        email: None,
                    })
                    .collect(),
            ),
        })
        .await
        .expect("create a team")
        .id
}

/// The bot's digests (posts with our card) in a chat, oldest first.
pub async fn digests_in(reader: &Person, chat: &str, bot_id: &str) -> Vec<PostInfo> {
    let page = reader
        .client
        .list_posts(chat, &openglip_bot::sdk::PageQuery::count(100))
        .await
        .expect("read the posts");
    let mut out: Vec<PostInfo> = page
        .records
        .into_iter()
        .filter(|p| {
            p.creator_id == bot_id && card_text(p).is_some_and(|t| t.starts_with("OKR update"))
        })
        .collect();
    out.reverse();
    out
}

/// The text fallback of a post's card.
pub fn card_text(p: &PostInfo) -> Option<String> {
    p.attachments
        .as_ref()?
        .iter()
        .find_map(|a| a.get("fallbackText").and_then(Value::as_str))
        .map(str::to_string)
}

/// The Sales example of the reference document: Sales with US, Europe and Asia, an objective
/// and a key result each. Returns (Sales team id, [US, Europe, Asia] key result ids).
pub async fn sales_example(
    api: &Api,
    admin: &Person,
    us: &Person,
    europe: &Person,
    asia: &Person,
) -> (String, [String; 3]) {
    let sales = api
        .ok(
            "POST",
            "/teams",
            admin,
            Some(json!({"name": "Sales", "memberIds": [admin.id]})),
            201,
        )
        .await;
    let sales = sales["id"].as_str().unwrap().to_string();
    let mut krs = Vec::new();
    for (name, who, title, kind, kr) in [
        (
            "US",
            us,
            "Grow US revenue",
            "number",
            json!({"title": "Close deals", "kind": "number", "start": 0, "target": 40, "unit": "deals"}),
        ),
        (
            "Europe",
            europe,
            "Open Europe",
            "percent",
            json!({"title": "Partners signed", "kind": "percent"}),
        ),
        (
            "Asia",
            asia,
            "Launch in Asia",
            "boolean",
            json!({"title": "Office open", "kind": "boolean"}),
        ),
    ] {
        let t = api
            .ok(
                "POST",
                "/teams",
                admin,
                Some(json!({"name": name, "parentId": sales, "memberIds": [who.id]})),
                201,
            )
            .await;
        let o = api
            .ok(
                "POST",
                "/objectives",
                admin,
                Some(json!({"title": title, "owner": {"type": "team", "id": t["id"]}})),
                201,
            )
            .await;
        let k = api
            .ok(
                "POST",
                &format!("/objectives/{}/key-results", o["id"].as_str().unwrap()),
                admin,
                Some(kr),
                201,
            )
            .await;
        assert_eq!(k["kind"], kind);
        krs.push(k["id"].as_str().unwrap().to_string());
    }
    (sales, [krs[0].clone(), krs[1].clone(), krs[2].clone()])
}

/// A weekly schedule whose next run is `at` in `zone`, as the API takes it.
pub fn weekly_at(at: jiff::Timestamp, zone: &str) -> Value {
    openglip_okr::schedule::Schedule::weekly_at(at, zone)
        .expect("a zone")
        .to_json()
}

/// The start of the minute `secs` seconds from `now` (rounded up).
pub fn minute_after(now: jiff::Timestamp, secs: i64) -> jiff::Timestamp {
    let t = now.as_second() + secs;
    jiff::Timestamp::from_second(t - t.rem_euclid(60) + 60).expect("an instant")
}
