//! RingCentral's bot framework, `ringcentral-chatbot-core` 1.6.1 from npm, unchanged, against a
//! running openglip (`tests/clients/chatbot/bot.cjs`, installed by `tests/clients/install.sh`):
//! the bot app is registered in the developer console, an administrator adds it ("Add to Glip":
//! the authorization-code flow, then the framework exchanges the code and subscribes its WebHook),
//! and the framework hands the bot what RingCentral's would: a direct message, a team message
//! that does not mention it, an @mention, and its removal. The framework keeps its bots in
//! PostgreSQL (`OPENGLIP_POSTGRES`, default `postgres://postgres@127.0.0.1:5432/postgres`; a fresh
//! database per run, dropped at the end).

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::bots::{add_public_bot, console, sandbox};
use crate::clients::repo_root;
use crate::helpers::*;
use crate::web::enc;

/// The bot server: `node bot.cjs`, its output kept for failure messages.
struct ChatBot {
    url: String,
    http: reqwest::Client,
    child: tokio::process::Child,
    output: Arc<Mutex<Vec<String>>>,
}

impl ChatBot {
    async fn start(port: u16, server: &str, client_id: &str, secret: &str) -> ChatBot {
        let dir = repo_root().join("tests/clients/chatbot");
        assert!(
            dir.join("node_modules/ringcentral-chatbot-core").exists(),
            "ringcentral-chatbot-core is not installed: run `scripts/test` (tests/clients/install.sh installs it)"
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut child = tokio::process::Command::new("node")
            .arg("bot.cjs")
            .current_dir(&dir)
            .env("OPENGLIP_CHATBOT_PORT", port.to_string())
            .env("RINGCENTRAL_SERVER", server)
            .env("RINGCENTRAL_CHATBOT_SERVER", &url)
            .env("RINGCENTRAL_CHATBOT_CLIENT_ID", client_id)
            .env("RINGCENTRAL_CHATBOT_CLIENT_SECRET", secret)
            // The framework warns about the AWS SDK it loads for DynamoDB, which is not used.
            .env("AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE", "1")
            // Its stdin is the bot's lifeline: when this handle goes, it drops its database and
            // exits.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run node: {e}"));
        let output: Arc<Mutex<Vec<String>>> = Arc::default();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let mut ready_tx = Some(ready_tx);
        let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
        let keep = output.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = out.next_line().await {
                if line.starts_with("chatbot listening")
                    && let Some(tx) = ready_tx.take()
                {
                    let _ = tx.send(());
                }
                keep.lock().unwrap().push(line);
            }
        });
        let keep = output.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = err.next_line().await {
                keep.lock().unwrap().push(format!("stderr: {line}"));
            }
        });
        let bot = ChatBot {
            url,
            http: reqwest::Client::new(),
            child,
            output,
        };
        if tokio::time::timeout(Duration::from_secs(60), ready_rx)
            .await
            .is_err()
        {
            panic!("the bot did not start:\n{}", bot.log());
        }
        bot
    }

    fn log(&self) -> String {
        self.output.lock().unwrap().join("\n")
    }

    async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The events the framework handed to the bot so far.
    async fn events(&self) -> Vec<Value> {
        self.get("/scenario/events")
            .await
            .as_array()
            .unwrap()
            .clone()
    }

    /// Waits (20 s at most) for an event of `kind` that `matches`.
    async fn event(&self, kind: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(e) = self
                .events()
                .await
                .into_iter()
                .find(|e| e["type"] == kind && matches(e))
            {
                return e;
            }
            if Instant::now() > deadline {
                panic!(
                    "no {kind} event; the framework handed over {:?}\n{}",
                    self.events().await,
                    self.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Asks the bot to drop its database and exit, and waits for it.
    async fn stop(mut self) {
        let _ = self
            .http
            .post(format!("{}/scenario/stop", self.url))
            .send()
            .await;
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("the bot exits")
            .unwrap();
        assert!(status.success(), "{status}\n{}", self.log());
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (20 s at most) until the chat has a post by `author` with `text`, and returns the texts
/// of all of `author`'s posts in it, oldest first.
async fn await_post(w: &World, token: &str, chat: &str, author: &str, text: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (s, page) = w
            .app
            .get(&format!("/team-messaging/v1/chats/{chat}/posts"), token)
            .await;
        assert_eq!(s, 200, "{page}");
        let mut texts: Vec<String> = page["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["creatorId"] == author)
            .map(|p| p["text"].as_str().unwrap_or("").to_string())
            .collect();
        texts.reverse();
        if texts.iter().any(|t| t == text) {
            return texts;
        }
        assert!(
            Instant::now() < deadline,
            "no post {text:?} by {author} in {chat}: {page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_chatbot_core_is_installed_chats_and_is_removed() {
    let w = World::new().await;
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/bot/oauth");

    // The developer registers a public bot whose redirect URI is the framework's /bot/oauth.
    let dev = console(&w, "alice@acme.test").await;
    let (s, app) = w
        .app
        .post(
            "/console/api/apps",
            &dev,
            json!({
                "type": "Bot", "name": "Echo", "contactEmail": "alice@acme.test",
                "redirectUris": [redirect], "publicBot": true,
            }),
        )
        .await;
    assert_eq!(s, 201, "{app}");
    let client_id = app["clientId"].as_str().unwrap().to_string();
    let secret = app["clientSecret"].as_str().unwrap().to_string();
    let (main, admin_session, admin_token) = sandbox(&w, &dev).await;
    let bot = ChatBot::start(port, &w.app.base, &client_id, &secret).await;

    // "Add to Glip": the sandbox's administrator approves; the browser lands on the framework's
    // /bot/oauth with the code, and the framework exchanges it and subscribes its WebHook before
    // it answers.
    let q = format!(
        "response_type=code&client_id={client_id}&redirect_uri={}",
        enc(&redirect)
    );
    let location = add_public_bot(&w, &q, &main).await;
    assert!(location.starts_with(&redirect), "{location}");
    let r = reqwest::get(&location).await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{text}\n{}", bot.log());
    let added = bot.event("BotAdded", |_| true).await;
    let bot_id = added["botId"].as_str().unwrap().to_string();
    assert_eq!(bot.get("/scenario/bots").await, json!([bot_id]));
    let (_, me) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &admin_token)
        .await;
    let admin_id = me["id"].to_string();

    // A direct message: the framework sees a private chat (two members) and gives it to the bot,
    // which answers.
    let (s, dm) = w
        .app
        .post(
            "/team-messaging/v1/conversations",
            &admin_token,
            json!({"members": [{"id": bot_id}]}),
        )
        .await;
    assert_eq!(s, 201, "{dm}");
    let dm = dm["id"].as_str().unwrap().to_string();
    bot.event("BotJoinGroup", |e| e["groupId"] == dm).await;
    let (s, _) = post_text(&w, &admin_token, &dm, "hello bot").await;
    assert_eq!(s, 201);
    let m = bot.event("Message4Bot", |e| e["groupId"] == dm).await;
    assert_eq!(m["text"], "hello bot");
    assert_eq!(m["isPrivateChat"], true);
    assert_eq!(m["userId"], json!(admin_id));
    await_post(&w, &admin_token, &dm, &bot_id, "You said: hello bot").await;

    // A team of three: a message that does not mention the bot reaches the framework with
    // `mentions: null`, which it reads as a message for others (without it the framework throws,
    // answers 500, and every later event waits behind the retries).
    let (s, sam) = w
        .app
        .post(
            "/admin/api/users",
            &admin_session,
            json!({"firstName": "Sam", "lastName": "Staff", "email": "sam@sandbox.test",
                   "password": "staff-password"}),
        )
        .await;
    assert_eq!(s, 201, "{sam}");
    let sam_id = sam["id"].as_str().unwrap();
    let (s, team) = w
        .app
        .post(
            "/team-messaging/v1/teams",
            &admin_token,
            json!({"name": "Lunch", "members": [{"id": bot_id}, {"id": sam_id}]}),
        )
        .await;
    assert_eq!(s, 201, "{team}");
    let team = team["id"].as_str().unwrap().to_string();
    bot.event("BotJoinGroup", |e| e["groupId"] == team).await;
    let (s, _) = post_text(&w, &admin_token, &team, "lunch anyone?").await;
    assert_eq!(s, 201);
    let others = bot.event("Message4Others", |e| e["groupId"] == team).await;
    assert_eq!(others["text"], "lunch anyone?");
    assert_eq!(others["isPrivateChat"], false);

    // An @mention in the team: for the bot, the mention stripped; it answers that alone.
    let (s, _) = post_text(
        &w,
        &admin_token,
        &team,
        &format!("![:Person]({bot_id}) what is for lunch?"),
    )
    .await;
    assert_eq!(s, 201);
    let m = bot.event("Message4Bot", |e| e["groupId"] == team).await;
    assert_eq!(m["text"], "what is for lunch?");
    assert_eq!(m["isPrivateChat"], false);
    let said = await_post(
        &w,
        &admin_token,
        &team,
        &bot_id,
        "You said: what is for lunch?",
    )
    .await;
    assert_eq!(
        said,
        ["You said: what is for lunch?"],
        "nothing to the others' message"
    );

    // Removed in the admin portal: the extension's Delete event reaches the framework, which
    // forgets the bot.
    let (s, body) = w
        .app
        .delete(&format!("/admin/api/bots/{bot_id}"), &admin_session)
        .await;
    assert_eq!(s, 204, "{body}");
    let removed = bot.event("BotRemoved", |_| true).await;
    assert_eq!(removed["botId"], json!(bot_id));
    assert_eq!(bot.get("/scenario/bots").await, json!([]));
    bot.stop().await;
}

async fn post_text(w: &World, token: &str, chat: &str, text: &str) -> (u16, Value) {
    w.app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            token,
            json!({"text": text}),
        )
        .await
}
