//! The framework against a real openglip (in-process, see `openglip_bot::harness`): the
//! lifecycle over both transports, outages of the server and of the bot, state, the scheduler,
//! card submits and the private install flow.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use openglip_bot::harness::{BotAccount, Company, Person, TestServer};
use openglip_bot::sdk::wire::CreateTeamRequest;
use openglip_bot::sdk::{Member, WsOptions};
use openglip_bot::{
    Bot, BotConfig, CardSubmit, ChatEvent, Context, HandlerResult, Installed, Job, JobSpec,
    Message, Recurrence, RunningBot,
};

const T: Duration = Duration::from_secs(15);
const GREETING: &str = "hello, I am the recorder";

/// Records what happens, greets in direct chats, echoes messages with a per-chat count.
#[derive(Clone, Default)]
struct Recorder {
    log: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn push(&self, s: String) {
        self.log.lock().unwrap().push(s);
    }
    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
    async fn wait_for(&self, entry: &str) {
        let deadline = tokio::time::Instant::now() + T;
        while !self.log().iter().any(|e| e == entry) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {entry:?} in {:?}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Bot for Recorder {
    async fn on_installed(&self, _ctx: &Context, ev: &Installed) -> HandlerResult {
        self.push(format!("installed {:?}", ev.flow));
        Ok(())
    }
    async fn on_joined_chat(&self, ctx: &Context, chat: &ChatEvent) -> HandlerResult {
        self.push(format!("joined {} {}", chat.kind, chat.id));
        if chat.kind == "Direct" {
            ctx.reply(&chat.id, GREETING).await?;
        }
        Ok(())
    }
    async fn on_left_chat(&self, _ctx: &Context, chat: &ChatEvent) -> HandlerResult {
        self.push(format!("left {}", chat.id));
        Ok(())
    }
    async fn on_message(&self, ctx: &Context, msg: &Message) -> HandlerResult {
        let state = ctx.state(&msg.chat_id);
        let n: u32 = state.get("count").await?.unwrap_or(0) + 1;
        state.set("count", &n).await?;
        self.push(format!("message {}", msg.text));
        if msg.text == "schedule" {
            let at = jiff::Timestamp::now() + jiff::SignedDuration::from_millis(1500);
            ctx.scheduler()
                .once(
                    &msg.chat_id,
                    &at.in_tz("America/New_York")?,
                    "a scheduled hello",
                )
                .await?;
            let id = ctx
                .scheduler()
                .schedule(JobSpec {
                    chat_id: msg.chat_id.clone(),
                    name: "tick".into(),
                    text: None,
                    data: serde_json::Value::Null,
                    time_zone: "Europe/Berlin".into(),
                    recurrence: Recurrence::Every { seconds: 1 },
                    first: Some(jiff::Timestamp::now()),
                })
                .await?;
            self.push(format!("scheduled {id}"));
        }
        if msg.text == "cancel" {
            for j in ctx.scheduler().jobs(Some(&msg.chat_id)).await? {
                ctx.scheduler().cancel(j.id).await?;
            }
        }
        ctx.reply(&msg.chat_id, &format!("echo {n}: {}", msg.text))
            .await?;
        Ok(())
    }
    async fn on_job(&self, _ctx: &Context, job: &Job) -> HandlerResult {
        self.push(format!("job {}", job.name));
        Ok(())
    }
    async fn on_card_submit(
        &self,
        _ctx: &Context,
        s: &CardSubmit,
    ) -> Result<Option<serde_json::Value>, Box<dyn std::error::Error + Send + Sync>> {
        self.push(format!("submit {}", s.data["choice"]));
        Ok(Some(
            serde_json::json!({"type": "dialog", "dialog": {"title": "Thanks"}}),
        ))
    }
    async fn on_removed(&self, _ctx: &Context) -> HandlerResult {
        self.push("removed".into());
        Ok(())
    }
}

struct Setup {
    server: TestServer,
    acme: Company,
    john: Person,
    jane: Person,
    bot: BotAccount,
    dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let server = TestServer::start().await;
    let acme = server.company("Acme").await;
    let john = acme.person(&server, "John", "Smith").await;
    let jane = acme.person(&server, "Jane", "Doe").await;
    let bot = acme.bot(&server, "Recorder").await;
    Setup {
        server,
        acme,
        john,
        jane,
        bot,
        dir: tempfile::tempdir().unwrap(),
    }
}

async fn start(rec: &Recorder, config: BotConfig) -> RunningBot {
    let mut running = openglip_bot::start(rec.clone(), config)
        .await
        .expect("the bot starts");
    running.ready(T).await.expect("the bot is ready");
    running
}

/// Direct chat, mention gating, own posts, state, teams joined and left.
async fn lifecycle(s: &Setup, rec: &Recorder) {
    rec.wait_for("installed Token").await;
    let chat = s.john.direct_chat(&s.bot.id).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    rec.wait_for(&format!("joined Direct {chat}")).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    let hello = s.john.say(&chat, "hello").await;
    let replies = s.john.expect_posts(&chat, &s.bot.id, &hello, 1, T).await;
    assert_eq!(replies[0].text, "echo 1: hello");
    let again = s.john.say(&chat, "again").await;
    let echo = s.john.expect_post(&chat, &s.bot.id, &again, T).await;
    assert_eq!(echo.text, "echo 2: again");
    // The bot never answers itself.
    s.john
        .expect_silence(&chat, &s.bot.id, &echo, Duration::from_millis(500))
        .await;

    let team = s
        .john
        .client
        .create_team(&CreateTeamRequest {
            public: Some(false),
            name: Some("Travel".into()),
            description: None,
            members: Some(vec![
                openglip_bot::sdk::wire::MemberSpec::Object {
                    id: Some(openglip_bot::sdk::wire::IdOrString::Str(s.bot.id.clone())),
                    email: None,
                },
                openglip_bot::sdk::wire::MemberSpec::Object {
                    id: None,
                    email: Some(s.jane.email.clone()),
                },
            ]),
        })
        .await
        .unwrap()
        .id;
    rec.wait_for(&format!("joined Team {team}")).await;
    let plain = s.jane.say(&team, "lunch anyone?").await;
    s.jane
        .expect_silence(&team, &s.bot.id, &plain, Duration::from_secs(1))
        .await;
    let mention = s
        .jane
        .say(&team, &format!("![:Person]({}) status please", s.bot.id))
        .await;
    assert_eq!(
        s.jane.expect_post(&team, &s.bot.id, &mention, T).await.text,
        "echo 1: status please"
    );
    s.john
        .client
        .remove_team_members(&team, &[&s.bot.id])
        .await
        .unwrap();
    rec.wait_for(&format!("left {team}")).await;
    assert!(!rec.log().contains(&"message lunch anyone?".to_string()));
}

#[tokio::test]
async fn lifecycle_over_websocket() {
    let s = setup().await;
    let rec = Recorder::default();
    let running = start(&rec, s.server.bot_config(&s.bot.token, s.dir.path())).await;
    assert_eq!(running.bot_id().as_deref(), Some(s.bot.id.as_str()));
    lifecycle(&s, &rec).await;
    running.stop().await.unwrap();
}

#[tokio::test]
async fn lifecycle_over_webhook() {
    let s = setup().await;
    let rec = Recorder::default();
    let config = s.server.webhook_bot_config(&s.bot.token, s.dir.path());
    let running = start(&rec, config).await;
    lifecycle(&s, &rec).await;
    running.stop().await.unwrap();
}

/// The server goes down and comes back (same port, same data); posts are made as soon as it is
/// back, before the bot's WebSocket has reconnected. Its session cannot be recovered (the server
/// restarted), so it re-subscribes and reads what it missed.
#[tokio::test]
async fn no_event_is_lost_when_the_server_restarts_websocket() {
    let mut s = setup().await;
    let rec = Recorder::default();
    let running = start(&rec, s.server.bot_config(&s.bot.token, s.dir.path())).await;
    let chat = s.john.direct_chat(&s.bot.id).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    let first = s.john.say(&chat, "before").await;
    s.john.expect_post(&chat, &s.bot.id, &first, T).await;
    let catch_ups = running.catch_ups();

    s.server.stop();
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.server.restart().await;
    let a = s.john.say(&chat, "during 1").await;
    s.john.say(&chat, "during 2").await;
    s.john.say(&chat, "during 3").await;
    let replies = s
        .john
        .expect_posts(&chat, &s.bot.id, &a, 3, Duration::from_secs(30))
        .await;
    let texts: Vec<&str> = replies.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        ["echo 2: during 1", "echo 3: during 2", "echo 4: during 3"]
    );
    assert!(
        running.catch_ups() > catch_ups,
        "the bot caught up through REST"
    );
    let after = s.john.say(&chat, "after").await;
    assert_eq!(
        s.john.expect_post(&chat, &s.bot.id, &after, T).await.text,
        "echo 5: after"
    );
    running.stop().await.unwrap();
}

/// WebHook: the bot's endpoint is down while posts are made, then the server restarts; the
/// server resumes deliveries from its persisted cursor when both are back.
#[tokio::test]
async fn no_event_is_lost_when_the_server_restarts_webhook() {
    let mut s = setup().await;
    let rec = Recorder::default();
    let config = s.server.webhook_bot_config(&s.bot.token, s.dir.path());
    let running = start(&rec, config.clone()).await;
    let chat = s.john.direct_chat(&s.bot.id).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    let first = s.john.say(&chat, "before").await;
    s.john.expect_post(&chat, &s.bot.id, &first, T).await;
    running.stop().await.unwrap();

    let a = s.john.say(&chat, "while the bot is down 1").await;
    s.john.say(&chat, "while the bot is down 2").await;
    s.server.stop();
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.server.restart().await;
    let running = start(&rec, config).await;
    let replies = s
        .john
        .expect_posts(&chat, &s.bot.id, &a, 2, Duration::from_secs(30))
        .await;
    let texts: Vec<&str> = replies.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "echo 2: while the bot is down 1",
            "echo 3: while the bot is down 2"
        ]
    );
    // Delivered twice (WebHook catch-up and REST catch-up) but handled once.
    s.john
        .expect_silence(
            &chat,
            &s.bot.id,
            replies.last().unwrap(),
            Duration::from_secs(1),
        )
        .await;
    running.stop().await.unwrap();
}

/// The bot itself is down: chats it was added to and posts made meanwhile are handled when it
/// starts again.
#[tokio::test]
async fn a_restarted_bot_replays_what_it_missed() {
    let s = setup().await;
    let rec = Recorder::default();
    let config = s.server.bot_config(&s.bot.token, s.dir.path());
    let running = start(&rec, config.clone()).await;
    let chat = s.john.direct_chat(&s.bot.id).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    let first = s.john.say(&chat, "one").await;
    s.john.expect_post(&chat, &s.bot.id, &first, T).await;
    running.stop().await.unwrap();

    let two = s.john.say(&chat, "two").await;
    let jane_chat = s.jane.direct_chat(&s.bot.id).await;
    let running = start(&rec, config).await;
    assert_eq!(
        s.john.expect_post(&chat, &s.bot.id, &two, T).await.text,
        "echo 2: two"
    );
    rec.wait_for(&format!("joined Direct {jane_chat}")).await;
    s.jane.expect_text(&jane_chat, &s.bot.id, GREETING, T).await;
    assert_eq!(
        rec.log().iter().filter(|e| *e == "installed Token").count(),
        1,
        "installed once"
    );
    running.stop().await.unwrap();
}

#[tokio::test]
async fn scheduled_messages_and_jobs() {
    let s = setup().await;
    let rec = Recorder::default();
    let running = start(&rec, s.server.bot_config(&s.bot.token, s.dir.path())).await;
    let chat = s.john.direct_chat(&s.bot.id).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    let mark = s.john.say(&chat, "schedule").await;
    s.john.expect_post(&chat, &s.bot.id, &mark, T).await;

    let echo = s.john.expect_post(&chat, &s.bot.id, &mark, T).await;
    let sched = s.john.expect_post(&chat, &s.bot.id, &echo, T).await;
    assert_eq!(sched.text, "a scheduled hello");
    let deadline = tokio::time::Instant::now() + T;
    while rec.log().iter().filter(|e| *e == "job tick").count() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "{:?}", rec.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let c = s.john.say(&chat, "cancel").await;
    s.john.expect_post(&chat, &s.bot.id, &c, T).await;
    let ticks = rec.log().iter().filter(|e| *e == "job tick").count();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        rec.log().iter().filter(|e| *e == "job tick").count() <= ticks + 1,
        "cancelled"
    );
    running.stop().await.unwrap();
}

#[tokio::test]
async fn card_submits_reach_the_bot() {
    let s = setup().await;
    let rec = Recorder::default();
    let mut config = s.server.bot_config(&s.bot.token, s.dir.path());
    config.listen = Some("127.0.0.1:0".into());
    config.submit_secret = Some("shared-secret".into());
    let running = start(&rec, config).await;
    let url = format!("http://{}/bot/submit", running.local_addr().unwrap());
    let body = serde_json::to_vec(&serde_json::json!({
        "type": "button_submit", "user": {"id": s.john.id}, "conversation": {"id": "1"},
        "card": {"id": "c1"}, "data": {"choice": "yes"}
    }))
    .unwrap();
    let post = |signature: Option<String>| {
        let mut r = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(sig) = signature {
            r = r.header("X-Glip-Signature", sig);
        }
        r.send()
    };
    // Issue 15: unsigned or wrongly signed submits never reach the bot.
    assert_eq!(post(None).await.unwrap().status(), 401);
    let forged = openglip_bot::signature::sign("guess", &body);
    assert_eq!(post(Some(forged)).await.unwrap().status(), 401);
    let r = post(Some(openglip_bot::signature::sign("shared-secret", &body)))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let answer: serde_json::Value = r.json().await.unwrap();
    assert_eq!(answer["type"], "dialog");
    rec.wait_for("submit \"yes\"").await;
    assert_eq!(
        rec.log().iter().filter(|e| e.starts_with("submit")).count(),
        1,
        "only the signed submit reached the bot"
    );
    running.stop().await.unwrap();
}

/// A private bot is installed by the server POSTing its token to `/bot/oauth`.
#[tokio::test]
async fn private_install_flow() {
    let s = setup().await;
    let rec = Recorder::default();
    let mut config = BotConfig::new(s.server.url());
    config.client_id = Some(s.bot.client_id.clone());
    config.listen = Some("127.0.0.1:0".into());
    config.data_dir = s.dir.path().to_path_buf();
    config.transport = openglip_bot::Transport::WebSocket;
    let mut running = openglip_bot::start(rec.clone(), config).await.unwrap();
    assert!(running.bot_id().is_none(), "waiting to be installed");
    let url = format!("http://{}/bot/oauth", running.local_addr().unwrap());
    let r = reqwest::Client::new()
        .post(url)
        .form(&[
            ("access_token", s.bot.token.as_str()),
            ("creator_extension_id", s.john.id.as_str()),
            ("client_id", s.bot.client_id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    running.ready(T).await.unwrap();
    rec.wait_for("installed Private").await;
    let chat = s.john.direct_chat(&s.bot.id).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    let m = s.john.say(&chat, "installed?").await;
    assert_eq!(
        s.john.expect_post(&chat, &s.bot.id, &m, T).await.text,
        "echo 1: installed?"
    );
    running.stop().await.unwrap();
    // The token was saved: a restart needs no new install.
    let mut config = BotConfig::new(s.server.url());
    config.client_id = Some(s.bot.client_id.clone());
    config.listen = Some("127.0.0.1:0".into());
    config.data_dir = s.dir.path().to_path_buf();
    let running = start(&rec, config).await;
    assert_eq!(running.bot_id().as_deref(), Some(s.bot.id.as_str()));
    running.stop().await.unwrap();
    let _ = &s.acme;
}

/// WebHook deliveries that failed while the receiver was down survive a server restart: the
/// server resumes them from its persisted cursor (SDK level, no bot framework).
#[tokio::test]
async fn webhook_deliveries_resume_from_the_cursor_after_a_restart() {
    let mut s = setup().await;
    let port = openglip_bot::harness::free_port();
    let address = format!("http://127.0.0.1:{port}/hook");
    async fn serve(
        port: u16,
        router: axum::Router,
    ) -> tokio::task::JoinHandle<std::io::Result<()>> {
        let l = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        tokio::spawn(async move { axum::serve(l, router).await })
    }
    let (router, mut events) =
        openglip_bot::sdk::webhook::WebhookReceiver::new(None).router("/hook");
    let receiver = serve(port, router).await;
    let sub = s
        .john
        .client
        .create_webhook(
            &["/team-messaging/v1/posts".into()],
            &address,
            None,
            Some(3600),
        )
        .await
        .unwrap();
    receiver.abort();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let chat = s.jane.direct_chat(&s.john.id).await;
    s.jane.say(&chat, "missed 1").await;
    s.jane.say(&chat, "missed 2").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.server.stop();
    s.server.restart().await;
    let (router2, events2) = openglip_bot::sdk::webhook::WebhookReceiver::new(None).router("/hook");
    drop(std::mem::replace(&mut events, events2));
    let _receiver = serve(port, router2).await;
    let mut texts = Vec::new();
    while texts.len() < 2 {
        let n = tokio::time::timeout(Duration::from_secs(20), events.next_notification())
            .await
            .expect("deliveries resume")
            .unwrap();
        assert_eq!(n.subscription_id, sub.id);
        if let openglip_bot::sdk::Event::PostAdded(p) = n.body
            && !texts.contains(&p.text)
        {
            texts.push(p.text);
        }
    }
    assert_eq!(texts, ["missed 1", "missed 2"]);
    let _ = WsOptions::new(vec![]);
    let _ = Member::Id(String::new());
}

fn oauth_config(s: &Setup, port: u16, app: &openglip_bot::harness::BotApp) -> BotConfig {
    let mut config = BotConfig::new(s.server.url());
    config.client_id = Some(app.client_id.clone());
    config.client_secret = app.client_secret.clone();
    config.listen = Some(format!("127.0.0.1:{port}"));
    config.public_url = Some(format!("http://127.0.0.1:{port}"));
    config.data_dir = s.dir.path().to_path_buf();
    config
}

/// An administrator adds a private bot: the server creates its extension and POSTs the token
/// to the bot's `/bot/oauth`. Removing it deletes the extension: the bot hears `Delete`.
#[tokio::test]
async fn a_private_bot_is_installed_and_removed_by_the_server() {
    let s = setup().await;
    let rec = Recorder::default();
    let port = openglip_bot::harness::free_port();
    let app = s
        .acme
        .bot_app(
            &s.server,
            "Concierge",
            &format!("http://127.0.0.1:{port}/bot/oauth"),
            false,
        )
        .await;
    // With a public URL the bot receives WebHooks.
    let mut running = openglip_bot::start(rec.clone(), oauth_config(&s, port, &app))
        .await
        .unwrap();
    let bot_id = s.acme.install_private_bot(&s.server, &app).await;
    running.ready(T).await.unwrap();
    rec.wait_for("installed Private").await;
    assert_eq!(running.bot_id(), Some(bot_id.clone()));
    let chat = s.john.direct_chat(&bot_id).await;
    s.john.expect_text(&chat, &bot_id, GREETING, T).await;
    let m = s.john.say(&chat, "private?").await;
    assert_eq!(
        s.john.expect_post(&chat, &bot_id, &m, T).await.text,
        "echo 1: private?"
    );

    s.acme.remove_bot(&s.server, &bot_id).await;
    rec.wait_for("removed").await;
    running.stop().await.unwrap();
}

/// An administrator adds a public bot through the authorization pages; the browser is redirected to
/// the bot with a code, which the bot exchanges for its token.
#[tokio::test]
async fn a_public_bot_is_installed_through_the_authorization_pages() {
    let s = setup().await;
    let rec = Recorder::default();
    let port = openglip_bot::harness::free_port();
    let app = s
        .acme
        .bot_app(
            &s.server,
            "Helper",
            &format!("http://127.0.0.1:{port}/bot/oauth"),
            true,
        )
        .await;
    let mut config = oauth_config(&s, port, &app);
    config.transport = openglip_bot::Transport::WebSocket;
    let mut running = openglip_bot::start(rec.clone(), config).await.unwrap();
    // Only an administrator may add a bot to the company.
    assert_eq!(s.acme.admin().add_public_bot(&s.server, &app).await, 200);
    running.ready(T).await.unwrap();
    rec.wait_for("installed Public").await;
    let bot_id = running.bot_id().unwrap();
    let chat = s.jane.direct_chat(&bot_id).await;
    s.jane.expect_text(&chat, &bot_id, GREETING, T).await;
    let m = s.jane.say(&chat, "public?").await;
    assert_eq!(
        s.jane.expect_post(&chat, &bot_id, &m, T).await.text,
        "echo 1: public?"
    );
    running.stop().await.unwrap();
}

/// The bot keeps its WebHook subscription without a cron job: when it is gone (deleted,
/// expired or blacklisted), the next check makes it again and catches up.
#[tokio::test]
async fn a_lost_webhook_subscription_is_made_again() {
    let s = setup().await;
    let rec = Recorder::default();
    let mut config = s.server.webhook_bot_config(&s.bot.token, s.dir.path());
    config.renew_every = Duration::from_millis(300);
    let running = start(&rec, config).await;
    let as_bot =
        openglip_bot::sdk::Client::with_bot_token(s.server.url(), s.bot.token.clone()).unwrap();
    let subs = as_bot.list_subscriptions().await.unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].delivery_mode.transport_type, "WebHook");
    // Renewed in the background.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let renewed = as_bot.subscription(&subs[0].id).await.unwrap();
    assert!(renewed.expiration_time >= subs[0].expiration_time);

    as_bot.delete_subscription(&subs[0].id).await.unwrap();
    let chat = s.john.direct_chat(&s.bot.id).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    let m = s.john.say(&chat, "still there?").await;
    assert_eq!(
        s.john.expect_post(&chat, &s.bot.id, &m, T).await.text,
        "echo 1: still there?"
    );
    let now = as_bot.list_subscriptions().await.unwrap();
    assert_eq!(now.len(), 1);
    assert_ne!(now[0].id, subs[0].id, "a new subscription");
    running.stop().await.unwrap();
}

/// Issue 15: the same data folder, then a fresh server (its ids start again) and a new bot
/// token: the bot does not take the new server's posts for ones it handled, and answers; the old
/// state is kept beside the new one.
#[tokio::test]
async fn a_bot_restarted_against_a_fresh_server_answers() {
    let s = setup().await;
    let rec = Recorder::default();
    let running = start(&rec, s.server.bot_config(&s.bot.token, s.dir.path())).await;
    let chat = s.john.direct_chat(&s.bot.id).await;
    s.john.expect_text(&chat, &s.bot.id, GREETING, T).await;
    let one = s.john.say(&chat, "one").await;
    assert_eq!(
        s.john.expect_post(&chat, &s.bot.id, &one, T).await.text,
        "echo 1: one"
    );
    running.stop().await.unwrap();

    // A fresh server: the same companies, people and bot, so the same ids.
    let fresh = setup().await;
    assert_eq!(fresh.bot.id, s.bot.id, "ids start again");
    let rec = Recorder::default();
    let running = start(
        &rec,
        fresh.server.bot_config(&fresh.bot.token, s.dir.path()),
    )
    .await;
    let chat = fresh.john.direct_chat(&fresh.bot.id).await;
    fresh
        .john
        .expect_text(&chat, &fresh.bot.id, GREETING, T)
        .await;
    let one = fresh.john.say(&chat, "one").await;
    assert_eq!(
        fresh
            .john
            .expect_post(&chat, &fresh.bot.id, &one, T)
            .await
            .text,
        "echo 1: one"
    );
    running.stop().await.unwrap();
    let files: Vec<String> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("bot-") && f.ends_with(".sqlite")),
        "the old state is kept: {files:?}"
    );
}
