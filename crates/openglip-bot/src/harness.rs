//! A test harness (feature `harness`): a real openglip server in-process (`openglip_testkit`'s
//! test server: a random loopback port, a fresh data folder, stopped hard as a crash and started
//! again on the same port and data); companies, people and bots provisioned on it; people who
//! talk through the public API (the SDK) and wait for the bot's answers.
//!
//! ```no_run
//! # async fn f() {
//! use openglip_bot::harness::TestServer;
//! let server = TestServer::start().await;
//! let acme = server.company("Acme").await;
//! let john = acme.person(&server, "John", "Smith").await;
//! let bot = acme.bot(&server, "SmartFriend").await;
//! // start the bot with server.bot_config(&bot.token, dir), then:
//! let chat = john.direct_chat(&bot.id).await;
//! let sent = john.say(&chat, "help").await;
//! let reply = john.expect_post(&chat, &bot.id, &sent, std::time::Duration::from_secs(10)).await;
//! # }
//! ```

use std::path::Path;
use std::time::Duration;

use openglip_domain::{Account, AccountId};
use openglip_sdk::Client;
use openglip_sdk::wire::PostInfo;
use openglip_server::{AppState, ServerConfig};
use openglip_testkit::{ALL_PERMISSIONS, TestApp};

pub use openglip_testkit::{Browser, PASSWORD, Page, free_port, test_config};

use crate::config::{BotConfig, Transport};

/// An openglip server running in its own runtime (`openglip_testkit`'s), so that stopping it
/// drops every task and connection at once, like a crash.
pub struct TestServer(TestApp);

impl TestServer {
    /// Starts a server with [`test_config`].
    pub async fn start() -> TestServer {
        TestServer(openglip_testkit::spawn_app().await)
    }

    pub async fn start_with(config: ServerConfig) -> TestServer {
        TestServer(openglip_testkit::spawn_app_with(config).await)
    }

    /// The testkit's server: its fixtures and requests with a bearer token.
    pub fn app(&self) -> &TestApp {
        &self.0
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        self.0.base.clone()
    }

    pub fn data_dir(&self) -> &Path {
        self.0.data_dir()
    }

    /// The server's state, for provisioning (`AppState::platform`).
    pub fn state(&self) -> &AppState {
        self.0.state()
    }

    pub fn is_running(&self) -> bool {
        self.0.is_running()
    }

    /// Stops the server at once: every task and connection is dropped (an outage, as a crash).
    pub fn stop(&mut self) {
        self.0.stop();
    }

    /// Starts it again on the same port and data folder.
    pub async fn restart(&mut self) {
        self.0.restart().await;
    }

    /// A company with an administrator (`admin@<name>.test`) and an app that may use the password
    /// and refresh grants with every permission.
    pub async fn company(&self, name: &str) -> Company {
        let domain = name.to_lowercase().replace(' ', "-");
        let admin_email = format!("admin@{domain}.test");
        let (account, admin_ext) = self
            .0
            .account_with_admin(name, &admin_email, ("Admin", name))
            .await;
        let app = self
            .0
            .client(&account, &["password", "refresh_token"], &ALL_PERMISSIONS)
            .await;
        let mut c = Company {
            account_id: account.id,
            account,
            domain,
            client_id: app.client_id,
            client_secret: app.secret,
            server: self.url(),
            admin: None,
        };
        let admin = c
            .login(&admin_ext.id.to_string(), "Admin", &admin_email)
            .await;
        c.admin = Some(admin);
        c
    }
}

/// A company on the test server.
pub struct Company {
    pub account_id: AccountId,
    pub account: Account,
    pub domain: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub server: String,
    admin: Option<Person>,
}

/// A bot created with `Platform::create_bot` (as `openglip admin bot create`).
#[derive(Debug, Clone)]
pub struct BotAccount {
    pub id: String,
    pub token: String,
    pub client_id: String,
}

impl Company {
    /// The account administrator.
    pub fn admin(&self) -> &Person {
        self.admin
            .as_ref()
            .expect("the company has an administrator")
    }

    async fn login(&self, id: &str, first_name: &str, email: &str) -> Person {
        let client = Client::builder(&self.server)
            .app(&self.client_id, self.client_secret.clone())
            .build()
            .expect("a client");
        client
            .login_password(email, PASSWORD, None)
            .await
            .expect("log in");
        Person {
            id: id.to_string(),
            first_name: first_name.to_string(),
            email: email.to_string(),
            client,
        }
    }

    /// A person (`first.last@<company>.test`), logged in.
    pub async fn person(&self, server: &TestServer, first: &str, last: &str) -> Person {
        let email = format!(
            "{}.{}@{}.test",
            first.to_lowercase(),
            last.to_lowercase(),
            self.domain
        );
        let ext = server.app().user(&self.account, first, last, &email).await;
        self.login(&ext.id.to_string(), first, &email).await
    }

    /// A bot extension with its permanent token.
    pub async fn bot(&self, server: &TestServer, name: &str) -> BotAccount {
        let (ext, app, token) = server
            .state()
            .platform()
            .create_bot(self.account_id, name)
            .await
            .expect("create a bot");
        BotAccount {
            id: ext.id.to_string(),
            token,
            client_id: app.client_id,
        }
    }
}

/// A person using the API.
pub struct Person {
    pub id: String,
    pub first_name: String,
    pub email: String,
    pub client: Client,
}

fn newer(p: &PostInfo, than: &PostInfo) -> bool {
    match (p.id.parse::<u64>(), than.id.parse::<u64>()) {
        (Ok(a), Ok(b)) => a > b,
        _ => p.creation_time > than.creation_time,
    }
}

impl Person {
    /// The direct conversation with `other` (created, or the existing one).
    pub async fn direct_chat(&self, other: &str) -> String {
        self.client
            .create_conversation(&[openglip_sdk::Member::Id(other.to_string())])
            .await
            .expect("create a conversation")
            .id
    }

    /// Posts `text` to `chat`, retrying while the server is unreachable (up to 20 s).
    pub async fn say(&self, chat: &str, text: &str) -> PostInfo {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            match self.client.send_text(chat, text).await {
                Ok(p) => return p,
                Err(e) if e.is_transient() && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("posting {text:?} failed: {e}"),
            }
        }
    }

    /// The posts of `from` in `chat` after `after`, oldest first.
    pub async fn posts_after(&self, chat: &str, from: &str, after: &PostInfo) -> Vec<PostInfo> {
        let page = self
            .client
            .list_posts(chat, &openglip_sdk::PageQuery::count(100))
            .await
            .unwrap_or_else(|e| panic!("reading the posts of {chat}: {e}"));
        let mut out: Vec<PostInfo> = page
            .records
            .into_iter()
            .filter(|p| p.creator_id == from && newer(p, after))
            .collect();
        out.reverse();
        out
    }

    /// Waits for a post by `from` in `chat` newer than `after`.
    pub async fn expect_post(
        &self,
        chat: &str,
        from: &str,
        after: &PostInfo,
        timeout: Duration,
    ) -> PostInfo {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(p) = self.posts_after(chat, from, after).await.into_iter().next() {
                return p;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "no post from {from} in chat {chat} after {:?} within {timeout:?}",
                    after.text
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for `n` posts by `from` in `chat` newer than `after`.
    pub async fn expect_posts(
        &self,
        chat: &str,
        from: &str,
        after: &PostInfo,
        n: usize,
        timeout: Duration,
    ) -> Vec<PostInfo> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let posts = self.posts_after(chat, from, after).await;
            if posts.len() >= n {
                return posts;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "{} of {n} posts from {from} in chat {chat} within {timeout:?}: {:?}",
                    posts.len(),
                    posts.iter().map(|p| &p.text).collect::<Vec<_>>()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `chat` has a post by `from` with exactly `text`.
    pub async fn expect_text(
        &self,
        chat: &str,
        from: &str,
        text: &str,
        timeout: Duration,
    ) -> PostInfo {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let page = self
                .client
                .list_posts(chat, &openglip_sdk::PageQuery::count(100))
                .await
                .unwrap_or_else(|e| panic!("reading the posts of {chat}: {e}"));
            if let Some(p) = page
                .records
                .into_iter()
                .find(|p| p.creator_id == from && p.text == text)
            {
                return p;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("no post {text:?} from {from} in chat {chat} within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Asserts that `from` posts nothing in `chat` after `after` for `wait`.
    pub async fn expect_silence(&self, chat: &str, from: &str, after: &PostInfo, wait: Duration) {
        tokio::time::sleep(wait).await;
        let posts = self.posts_after(chat, from, after).await;
        assert!(
            posts.is_empty(),
            "expected no post from {from}, got {:?}",
            posts.iter().map(|p| &p.text).collect::<Vec<_>>()
        );
    }
}

impl TestServer {
    /// A bot configuration for this server: the bot's token, its database in `data_dir`,
    /// WebSocket transport.
    pub fn bot_config(&self, token: &str, data_dir: &Path) -> BotConfig {
        let mut c = BotConfig::new(self.url());
        c.token = Some(token.to_string());
        c.data_dir = data_dir.to_path_buf();
        c.transport = Transport::WebSocket;
        c
    }

    /// The same, with WebHook transport: the bot listens on a free loopback port.
    pub fn webhook_bot_config(&self, token: &str, data_dir: &Path) -> BotConfig {
        let port = free_port();
        let mut c = self.bot_config(token, data_dir);
        c.listen = Some(format!("127.0.0.1:{port}"));
        c.public_url = Some(format!("http://127.0.0.1:{port}"));
        c.transport = Transport::WebHook;
        c
    }
}

// ---------- bot apps and their install flows (the server's console and authorization pages) ----------

/// A bot app registered on the server (as in the developer console), admitted to production.
#[derive(Debug, Clone)]
pub struct BotApp {
    pub client_id: String,
    pub client_secret: Option<String>,
    pub redirect_uri: String,
}

impl Company {
    /// Registers a bot app whose OAuth redirect URI is `redirect_uri` (the bot's `/bot/oauth`);
    /// `public`: installed by people through the authorization pages, else by an administrator.
    pub async fn bot_app(
        &self,
        server: &TestServer,
        name: &str,
        redirect_uri: &str,
        public: bool,
    ) -> BotApp {
        use openglip_platform::apps::AppForm;
        let st = server.state();
        let admin = self.extension(server, &self.admin().id).await;
        let (record, secret) = st
            .platform()
            .create_app(
                &admin,
                &AppForm {
                    kind: openglip_domain::AppKind::Bot,
                    name: name.into(),
                    description: "A test bot".into(),
                    contact_email: self.admin().email.clone(),
                    redirect_uris: vec![redirect_uri.into()],
                    public_bot: public,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_else(|e| panic!("registering the bot app: {e:?}"));
        st.store()
            .platform()
            .set_app_stage(
                record.app.id,
                openglip_domain::platform::Environment::Production,
            )
            .await
            .expect("admit the app to production");
        BotApp {
            client_id: record.app.client_id,
            client_secret: secret,
            redirect_uri: redirect_uri.into(),
        }
    }

    async fn extension(&self, server: &TestServer, id: &str) -> openglip_domain::Extension {
        let id = openglip_domain::ExtensionId(id.parse().expect("a numeric id"));
        server
            .state()
            .store()
            .extension(id)
            .await
            .expect("read the extension")
            .expect("the extension exists")
    }

    /// An administrator adds a private bot (the console's "Add to …"): the server creates the bot
    /// extension and POSTs its token to the bot's redirect URI. Returns the bot's id.
    pub async fn install_private_bot(&self, server: &TestServer, app: &BotApp) -> String {
        let st = server.state();
        let record = st
            .store()
            .platform()
            .app_record(app.client_id.clone())
            .await
            .expect("read the app")
            .expect("the app exists");
        let admin = self.extension(server, &self.admin().id).await;
        let installed = st
            .platform()
            .install_bot(&record, self.account_id, &admin, true)
            .await
            .expect("install the bot");
        if let Some(Err(e)) = installed.delivery {
            panic!("the token was not delivered to the bot: {e}");
        }
        installed.install.extension.id.to_string()
    }

    /// Removes a bot from the company: its extension is deleted (a `Delete` event) and its
    /// token stops working.
    pub async fn remove_bot(&self, server: &TestServer, bot_id: &str) {
        let id = openglip_domain::ExtensionId(bot_id.parse().expect("a numeric id"));
        server
            .state()
            .platform()
            .remove_bot(self.account_id, id)
            .await
            .expect("remove the bot");
    }
}

impl Person {
    /// Adds a public bot as a person does: through the authorization pages, then the browser
    /// follows the redirect to the bot, which exchanges the code. Returns the bot's answer status.
    pub async fn add_public_bot(&self, server: &TestServer, app: &BotApp) -> u16 {
        let client = Client::builder(server.url())
            .app(&app.client_id, None)
            .build()
            .expect("a client");
        let url = client
            .authorize_url(&openglip_sdk::auth::AuthorizeRequest {
                redirect_uri: app.redirect_uri.clone(),
                ..Default::default()
            })
            .expect("an authorize URL");
        let b = Browser::new(&server.url());
        let to_bot = b.authorize(&url, &self.email, PASSWORD).await;
        assert!(to_bot.starts_with(&app.redirect_uri), "{to_bot}");
        b.get(&to_bot).await.status
    }
}
