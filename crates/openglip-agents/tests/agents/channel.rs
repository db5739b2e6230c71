//! The channel guide, end to end against the real platform (the testkit's server): the REST API
//! app created through the developer console's API with the agent's OAuth Redirect URI, a
//! sandbox account and its "Travel App" user added without a phone (step 3), the key and secret
//! saved on the Configurations page, **Authorize** (code + PKCE, through the platform's sign-in
//! and Access Request pages), **Enable Channel**; then a person DMs "Hello" and gets the
//! greeting, a booking dialog completes, the agent app restarts mid-dialog and the dialog goes
//! on (catching up on a message sent while it was down), and a token refresh loses nothing.

use std::time::Duration;

use openglip_agents::{App, Config};
use openglip_sdk::{Client, Member};
use openglip_testkit::{Browser, PASSWORD, Page, TestApp, eventually, send, spawn_app};
use serde_json::{Value, json};

/// The agent app on a port, stoppable like a crash and startable again on the same port and data.
struct AgentApp {
    base: String,
    port: u16,
    dir: std::path::PathBuf,
    platform: String,
    app: Option<App>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl AgentApp {
    async fn start(platform: &str, dir: &std::path::Path, port: u16) -> AgentApp {
        let mut a = AgentApp {
            base: format!("http://127.0.0.1:{port}"),
            port,
            dir: dir.to_path_buf(),
            platform: platform.to_string(),
            app: None,
            stop: None,
            task: None,
        };
        a.run().await;
        a
    }

    async fn run(&mut self) {
        let mut config = Config::new(&self.platform, &self.base, &self.dir);
        // Renew the extension's token (ten minutes) when it is ten seconds old, so refreshes
        // happen during the test.
        config.renew_before = Duration::from_secs(590);
        // Check the subscription every second, so that a deleted one is made anew quickly.
        config.subscription_check = Duration::from_secs(1);
        let app = App::open(config).unwrap();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let serving = app.clone();
        self.task = Some(tokio::spawn(async move {
            openglip_agents::serve(listener, serving, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        }));
        self.app = Some(app);
        self.stop = Some(tx);
    }

    async fn restart(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        self.app = None;
        self.run().await;
    }

    fn app(&self) -> &App {
        self.app.as_ref().unwrap()
    }
}

async fn post(b: &Browser, base: &str, path: &str, fields: &[(&str, &str)]) -> Page {
    b.post_from(path, base, "agents_csrf", fields).await
}

async fn console(platform: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let (s, v) = platform.post(path, token, body).await;
    assert!((200..300).contains(&s), "{path}: {s} {v}");
    v
}

/// Waits for a post by `author` in `chat` matching `pattern`; its text.
async fn answer(person: &Client, chat: &str, author: &str, pattern: &str) -> String {
    let re = regex::Regex::new(pattern).unwrap();
    eventually(
        &format!("an answer matching {pattern}"),
        Duration::from_secs(20),
        || async {
            let page = person
                .list_posts(chat, &openglip_sdk::PageQuery::count(30))
                .await
                .ok()?;
            page.records
                .iter()
                .filter(|p| p.creator_id == author)
                .map(|p| p.text.clone())
                .find(|t| re.is_match(t))
        },
    )
    .await
}

/// Everything up to step 4: the platform, the agent app with its channel enabled, and the
/// app's credentials.
struct Connected {
    platform: TestApp,
    agents: AgentApp,
    browser: Browser,
    agent_id: i64,
    client_id: String,
    client_secret: String,
    travel_id: String,
    authorized_at: tokio::time::Instant,
    first_token: String,
    _data: tempfile::TempDir,
}

async fn connected() -> Connected {
    let platform = spawn_app().await;
    let (_acme, _alice) = platform.account("Acme", "alice@acme.test").await;
    let data = tempfile::tempdir().unwrap();
    let port = openglip_testkit::free_port();
    let agents = AgentApp::start(&platform.base, data.path(), port).await;
    let base = agents.base.clone();

    // The agent app: its owner signs up, makes the Travel Assistant and publishes it.
    let b = Browser::new(&base);
    let p = b.get("/signup").await;
    assert_eq!(p.status, 200);
    let p = post(
        &b,
        &base,
        "/signup",
        &[
            ("email", "owner@agents.test"),
            ("name", "Owner"),
            ("password", "owner-password"),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    b.get("/agents").await;
    let p = post(
        &b,
        &base,
        "/agents",
        &[("name", "Travel Assistant"), ("template", "travel")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let agent_page = p.location.unwrap();
    let id: i64 = agent_page.rsplit('/').next().unwrap().parse().unwrap();
    let p = post(&b, &base, &format!("/agents/{id}/publish"), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let channel_page = format!("/agents/{id}/channels/glip");
    let p = b.get(&channel_page).await;
    assert!(
        p.has("Channels &gt; Digital &gt; ")
            && p.has("RingCentral Glip")
            && p.has("Configurations"),
        "{}",
        p.body
    );
    let stream = agents.app().store().agent(id).await.unwrap().stream_id;
    let redirect_uri = format!("{base}/channels/glip/oauth/{stream}");
    assert!(
        p.has(&redirect_uri),
        "the OAuth Redirect URI with the stream id is shown"
    );

    // Step 1: the REST API app, through the developer console's API, and a sandbox account.
    let (_, s) = send(
        platform
            .http
            .post(platform.url("/console/api/session"))
            .json(&json!({"login": "alice@acme.test", "password": PASSWORD})),
    )
    .await;
    let dev = s["token"].as_str().unwrap().to_string();
    let created = console(
        &platform,
        "/console/api/apps",
        &dev,
        json!({
            "type": "RestApi", "name": "Travel Agent", "description": "AI agent channel",
            "contactEmail": "alice@acme.test", "clientType": "ServerSide",
            "grants": ["authorization_code", "refresh_token", "password"],
            "redirectUris": [redirect_uri],
            "permissions": ["SubscriptionWebhook", "ReadAccounts", "TeamMessaging"],
            "accessTokenTtl": 600,
        }),
    )
    .await;
    let client_id = created["clientId"].as_str().unwrap().to_string();
    let client_secret = created["clientSecret"].as_str().unwrap().to_string();
    let sandbox = console(
        &platform,
        "/console/api/sandbox",
        &dev,
        json!({"password": "sandbox-secret"}),
    )
    .await;
    let main = sandbox["mainNumber"].as_str().unwrap().to_string();

    // Step 3: the "Travel App" user, added without a phone, and a person to talk to it.
    let (_, a) = send(
        platform
            .http
            .post(platform.url("/admin/api/session"))
            .json(&json!({"login": main, "extension": "101", "password": "sandbox-secret"})),
    )
    .await;
    let admin = a["token"].as_str().unwrap().to_string();
    console(&platform, "/admin/api/users", &admin, json!({"firstName": "Travel", "lastName": "App", "email": "travel@sandbox.test", "password": "travel-password"})).await;
    console(&platform, "/admin/api/users", &admin, json!({"firstName": "Pat", "lastName": "Person", "email": "pat@sandbox.test", "password": "pat-password"})).await;

    // Step 2: Application Key and Secret, saved; bad input first.
    let p = post(
        &b,
        &base,
        &channel_page,
        &[
            ("app_key", ""),
            ("app_secret", ""),
            ("environment", "sandbox"),
        ],
    )
    .await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("Paste the app&#39;s Client ID") || p.has("Paste the app's Client ID"),
        "{}",
        p.body
    );
    let p = post(
        &b,
        &base,
        &channel_page,
        &[
            ("app_key", &client_id),
            ("app_secret", &client_secret),
            ("environment", "sandbox"),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);

    // Step 3(b): Authorize → sign-in → Access Request → back.
    let p = post(&b, &base, &format!("{channel_page}/authorize"), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let authorize_url = p.location.unwrap();
    assert!(
        authorize_url.contains("code_challenge="),
        "PKCE: {authorize_url}"
    );
    let back = platform
        .browser()
        .authorize(&authorize_url, "travel@sandbox.test", "travel-password")
        .await;
    assert!(back.starts_with(&redirect_uri), "{back}");
    let p = b.get(&back).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b.get(&p.location.unwrap()).await;
    assert!(p.has("Authorized as"), "{}", p.body);
    let authorized_at = tokio::time::Instant::now();
    let first_token = agents
        .app()
        .store()
        .channel(id)
        .await
        .unwrap()
        .access_token
        .unwrap();

    // Enable Channel: Yes, Save → the subscription is Active.
    let p = post(
        &b,
        &base,
        &format!("{channel_page}/enable"),
        &[("enabled", "yes")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = b.get(&channel_page).await;
    assert!(p.has(">Active<"), "{}", p.body);
    let travel_id = agents
        .app()
        .store()
        .channel(id)
        .await
        .unwrap()
        .extension_id
        .unwrap();
    Connected {
        platform,
        agents,
        browser: b,
        agent_id: id,
        client_id,
        client_secret,
        travel_id,
        authorized_at,
        first_token,
        _data: data,
    }
}

/// Pat, signed in, and a direct message with the Travel App.
async fn pat(c: &Connected) -> (Client, String) {
    let pat = Client::builder(&c.platform.base)
        .app(&c.client_id, Some(c.client_secret.clone()))
        .build()
        .unwrap();
    pat.login_password("pat@sandbox.test", "pat-password", None)
        .await
        .unwrap();
    let dm = pat
        .create_conversation(&[Member::Id(c.travel_id.clone())])
        .await
        .unwrap();
    (pat, dm.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_channel_guide_end_to_end_with_a_restart_and_a_refresh() {
    let mut c = connected().await;
    let (pat, dm) = pat(&c).await;
    let (id, travel_id, authorized_at) = (c.agent_id, c.travel_id.clone(), c.authorized_at);
    let first_token = c.first_token.clone();
    let agents = &mut c.agents;
    // Step 4: Pat DMs the Travel App.
    pat.send_text(&dm, "Hello").await.unwrap();
    answer(&pat, &dm, &travel_id, "I'm the Travel Assistant").await;

    // A booking dialog, with a restart of the agent app in the middle.
    pat.send_text(&dm, "I want to book a flight from Boston to Denver")
        .await
        .unwrap();
    answer(&pat, &dm, &travel_id, "What date would you like to fly").await;
    agents.stop.take().unwrap().send(()).unwrap();
    agents.task.take().unwrap().await.unwrap();
    // Said while the agent app was down: caught up on start.
    pat.send_text(&dm, "tomorrow").await.unwrap();
    agents.restart().await;
    answer(&pat, &dm, &travel_id, "How many passengers").await;
    pat.send_text(&dm, "2").await.unwrap();
    answer(
        &pat,
        &dm,
        &travel_id,
        r"Shall I book 2 seat\(s\) from Boston to Denver",
    )
    .await;

    pat.send_text(&dm, "yes").await.unwrap();
    let booked = answer(
        &pat,
        &dm,
        &travel_id,
        r"booking reference is TA-[A-Z0-9]{6}",
    )
    .await;
    let reference = regex::Regex::new(r"TA-[A-Z0-9]{6}")
        .unwrap()
        .find(&booked)
        .unwrap()
        .as_str()
        .to_string();
    // The booking outlives another restart of the agent app (its airline keeps it).
    agents.stop.take().unwrap().send(()).unwrap();
    agents.task.take().unwrap().await.unwrap();
    agents.restart().await;
    pat.send_text(&dm, &format!("check booking {reference}"))
        .await
        .unwrap();
    answer(
        &pat,
        &dm,
        &travel_id,
        &format!(r"Booking {reference}: 2 seat\(s\) from Boston to Denver on .*, confirmed"),
    )
    .await;

    // The extension's token is renewed ten seconds after it was issued: nothing is lost.
    tokio::time::sleep_until(authorized_at + Duration::from_secs(12)).await;
    pat.send_text(&dm, "what can you do").await.unwrap();
    answer(&pat, &dm, &travel_id, "Here is what I can do").await;
    let now = agents
        .app()
        .store()
        .channel(id)
        .await
        .unwrap()
        .access_token
        .unwrap();
    assert_ne!(now, first_token, "the token was refreshed and saved");
    pat.send_text(&dm, "check booking TA-ZZZZZZ").await.unwrap();
    answer(
        &pat,
        &dm,
        &travel_id,
        "couldn't find a booking with the reference TA-ZZZZZZ",
    )
    .await;
    // Each of Pat's messages was answered once: never twice, never its own posts.
    let posts = pat
        .list_posts(&dm, &openglip_sdk::PageQuery::count(100))
        .await
        .unwrap();
    let asked = posts
        .records
        .iter()
        .filter(|p| p.creator_id == travel_id.as_str() && p.text.contains("How many passengers"))
        .count();
    assert_eq!(asked, 1, "answered once");
    let mine = posts
        .records
        .iter()
        .filter(|p| p.creator_id == travel_id.as_str())
        .count();
    let pats = posts
        .records
        .iter()
        .filter(|p| p.creator_id != travel_id)
        .count();
    assert!(
        mine <= pats + 2,
        "no answers to its own posts: {mine} answers to {pats} messages"
    );

    // Enable Channel: No — the subscription is deleted on the platform.
    let base = agents.base.clone();
    let page = format!("/agents/{id}/channels/glip");
    let p = post(
        &c.browser,
        &base,
        &format!("{page}/enable"),
        &[("enabled", "no")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(c.browser.get(&page).await.has(">Disabled<"));
    let token = agents
        .app()
        .store()
        .channel(id)
        .await
        .unwrap()
        .access_token
        .unwrap();
    let (s, subs) = c.platform.get("/restapi/v1.0/subscription", &token).await;
    assert_eq!(s, 200, "{subs}");
    assert_eq!(subs["records"].as_array().map(Vec::len), Some(0), "{subs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_authorization_is_said_on_the_page_and_authorizing_again_is_asked_for() {
    let c = connected().await;
    let (pat, dm) = pat(&c).await;
    pat.send_text(&dm, "Hello").await.unwrap();
    answer(&pat, &dm, &c.travel_id, "I'm the Travel Assistant").await;
    // The extension's token is revoked on the platform (its refresh token with it).
    let stored = c.agents.app().store().channel(c.agent_id).await.unwrap();
    let revoking = Client::builder(&c.platform.base)
        .app(&c.client_id, Some(c.client_secret.clone()))
        .token(openglip_sdk::Token {
            refresh_token: stored.refresh_token.clone(),
            ..openglip_sdk::Token::bearer(stored.access_token.clone().unwrap())
        })
        .build()
        .unwrap();
    revoking.revoke().await.unwrap();
    pat.send_text(&dm, "help").await.unwrap();
    let page = format!("/agents/{}/channels/glip", c.agent_id);
    let shown = eventually(
        "the page asks to authorize again",
        Duration::from_secs(20),
        || async {
            let p = c.browser.get(&page).await;
            p.has("Click Authorize again").then_some(p)
        },
    )
    .await;
    assert!(
        shown.has("no longer accepts this channel"),
        "{}",
        shown.body
    );
    assert!(
        c.agents
            .app()
            .store()
            .channel(c.agent_id)
            .await
            .unwrap()
            .access_token
            .is_none(),
        "the dead tokens are forgotten"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_subscription_is_made_anew_and_what_was_said_meanwhile_is_answered() {
    let c = connected().await;
    let (pat, dm) = pat(&c).await;
    let store = c.agents.app().store().clone();
    let before = store.channel(c.agent_id).await.unwrap();
    let (old_id, token) = (
        before.subscription_id.unwrap(),
        before.access_token.unwrap(),
    );
    // Someone deletes the subscription on the platform; Pat writes while there is none.
    let (s, _) = c
        .platform
        .delete(&format!("/restapi/v1.0/subscription/{old_id}"), &token)
        .await;
    assert_eq!(s, 204);
    pat.send_text(&dm, "Hello").await.unwrap();
    // The channel notices, subscribes again, catches up on Pat's message and answers it.
    answer(&pat, &dm, &c.travel_id, "I'm the Travel Assistant").await;
    let now = store.channel(c.agent_id).await.unwrap();
    assert_ne!(
        now.subscription_id.as_deref(),
        Some(old_id.as_str()),
        "a new subscription"
    );
    assert_eq!(now.subscription_status.as_deref(), Some("Active"));
    // And it delivers: the next message is answered too.
    pat.send_text(&dm, "help").await.unwrap();
    answer(&pat, &dm, &c.travel_id, "Here is what I can do").await;
}
