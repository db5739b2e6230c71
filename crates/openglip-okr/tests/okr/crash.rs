//! The OKR app as a separate process, killed with SIGKILL: just before a slot (the digest comes
//! once, on time, after the restart), right after posting (not again), and while another slot
//! passes (sent once on start, marked late).
//!
//! Until phase B's `openglip okr serve` exists, the separate process is this test binary itself,
//! running the ignored test [`okr_child_process`] with `OKR_CHILD_*` settings.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the OKR app as a child process of kill_9_before_a_slot_and_while_one_passes, which runs it"]
async fn okr_child_process() {
    let var = |k: &str| {
        std::env::var(k)
            .unwrap_or_else(|_| panic!("{k} is not set: this runs as the crash test's child"))
    };
    // Its log goes to child-N.log in the data folder.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("info")
        .with_writer(std::io::stderr)
        .try_init();
    let dir = var("OKR_CHILD_DATA_DIR");
    let mut config = openglip_okr::Config::new(
        &var("OKR_CHILD_PLATFORM_URL"),
        &var("OKR_CHILD_PUBLIC_URL"),
        &dir,
    );
    config.client_id = "okr-sign-in".into();
    config.bot_client_id = var("OKR_CHILD_BOT_CLIENT_ID");
    config.bot_client_secret = Some(var("OKR_CHILD_BOT_CLIENT_SECRET"));
    let offset: i64 = var("OKR_CHILD_CLOCK_OFFSET_MS")
        .parse()
        .expect("an offset in ms");
    config.clock = Arc::new(openglip_okr::clock::OffsetClock::new(
        SignedDuration::from_millis(offset),
    ));
    let listen = var("OKR_CHILD_LISTEN");
    let listener = loop {
        match tokio::net::TcpListener::bind(&listen).await {
            Ok(l) => break l,
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };
    openglip_okr::serve(listener, config, std::future::pending())
        .await
        .expect("the OKR app runs");
}

/// The app in its own process.
struct Process {
    child: Child,
}

impl Process {
    /// Starts the app with its clock reading `now` (give or take its start-up), and waits until
    /// it answers.
    async fn start(p: &Platform, dir: &Path, now: Timestamp, n: u32) -> Process {
        let offset = now.duration_since(Timestamp::now()).as_millis() as i64;
        let log = std::fs::File::create(dir.join(format!("child-{n}.log"))).expect("a log file");
        let child = Command::new(std::env::current_exe().expect("this test binary"))
            .args([
                "crash::okr_child_process",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("OKR_CHILD_DATA_DIR", dir)
            .env("OKR_CHILD_PLATFORM_URL", p.server.url())
            .env(
                "OKR_CHILD_PUBLIC_URL",
                format!("http://127.0.0.1:{}", p.okr_port),
            )
            .env("OKR_CHILD_LISTEN", format!("127.0.0.1:{}", p.okr_port))
            .env("OKR_CHILD_BOT_CLIENT_ID", &p.bot_app.client_id)
            .env(
                "OKR_CHILD_BOT_CLIENT_SECRET",
                p.bot_app.client_secret.clone().unwrap_or_default(),
            )
            .env("OKR_CHILD_CLOCK_OFFSET_MS", offset.to_string())
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the child starts");
        let url = format!("http://127.0.0.1:{}/api/v1/openapi.json", p.okr_port);
        wait_until("the child answers", || async {
            openglip_bot::sdk::reqwest::get(&url)
                .await
                .ok()
                .filter(|r| r.status().is_success())
        })
        .await;
        Process { child }
    }

    /// SIGKILL, and wait for it to be gone.
    fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("the child ends");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn titled<'a>(
    posts: &'a [openglip_bot::sdk::wire::PostInfo],
    title: &str,
) -> Vec<&'a openglip_bot::sdk::wire::PostInfo> {
    posts
        .iter()
        .filter(|p| card_text(p).is_some_and(|t| t.starts_with(title)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_before_a_slot_and_while_one_passes() {
    let p = Platform::start().await;
    let dir = tempfile::tempdir().unwrap();
    let api = Api::new(&format!("http://127.0.0.1:{}", p.okr_port));
    let admin = p.admin();
    let (uma, eva, aiko) = p.regions().await;

    let first = Process::start(&p, dir.path(), Timestamp::now(), 1).await;
    let bot = add_to_glip(&p.server, &api, admin).await;
    let (sales, [us, eu, asia]) = sales_example(&api, admin, &uma, &eva, &aiko).await;
    for (who, kr, value) in [
        (&uma, &us, json!(20)),
        (&eva, &eu, json!(30)),
        (&aiko, &asia, json!(true)),
    ] {
        api.ok(
            "POST",
            &format!("/key-results/{kr}/check-ins"),
            who,
            Some(json!({"value": value})),
            201,
        )
        .await;
    }
    let room = glip_team(admin, "Org-Sales", false, &[&uma, &eva, &aiko]).await;
    // Sales at the minute after next (Berlin); the company two minutes later (New York).
    let s1 = minute_after(Timestamp::now(), 90);
    let s2 = s1 + SignedDuration::from_mins(2);
    let f1 = api
        .ok("POST", "/followers", admin, Some(json!({"entity": {"type": "team", "id": sales}, "chatId": room, "schedule": weekly_at(s1, "Europe/Berlin"), "timeZone": "Europe/Berlin"})), 201)
        .await;
    let company = api.ok("GET", "/me", admin, None, 200).await["company"]["id"].clone();
    api.ok("POST", "/followers", admin, Some(json!({"entity": {"type": "company", "id": company}, "chatId": room, "schedule": weekly_at(s2, "America/New_York"), "timeZone": "America/New_York"})), 201)
        .await;

    // kill -9 before the slot; back three seconds before it.
    first.kill_9();
    assert!(Timestamp::now() < s1, "the setup took too long");
    let second = Process::start(&p, dir.path(), s1 - SignedDuration::from_secs(3), 2).await;
    let posts = wait_until("the Sales digest", || async {
        let d = digests_in(admin, &room, &bot).await;
        (!titled(&d, "OKR update: Sales").is_empty()).then_some(d)
    })
    .await;
    // kill -9 right after it posted (possibly before it recorded that it did).
    second.kill_9();
    let sales_post = titled(&posts, "OKR update: Sales")[0].clone();
    let text = card_text(&sales_post).unwrap();
    assert!(
        text.contains("Progress 60%") && text.contains("• US 50%") && !text.contains("late"),
        "{text}"
    );

    // Back after the company's slot passed: owed once, late.
    let third = Process::start(&p, dir.path(), s2 + SignedDuration::from_mins(3), 3).await;
    let posts = wait_until("the company's late digest", || async {
        let d = digests_in(admin, &room, &bot).await;
        (!titled(&d, "OKR update: Acme").is_empty()).then_some(d)
    })
    .await;
    let late = card_text(titled(&posts, "OKR update: Acme")[0]).unwrap();
    assert!(
        late.contains("Company · ") && late.contains(" · late: due "),
        "{late}"
    );
    assert!(late.contains("(America/New_York)"), "{late}");
    // Nothing twice, some ticks later.
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let posts = digests_in(admin, &room, &bot).await;
    assert_eq!(titled(&posts, "OKR update: Sales").len(), 1);
    assert_eq!(titled(&posts, "OKR update: Acme").len(), 1);
    // The audit knows the Sales post by its id, however the kill fell.
    let f1 = f1["id"].as_str().unwrap();
    let audit = wait_until("the Sales digest recorded as sent", || async {
        let a = api
            .ok(
                "GET",
                &format!("/digests?followerId={f1}"),
                admin,
                None,
                200,
            )
            .await;
        (a["records"][0]["state"] == "sent").then_some(a)
    })
    .await;
    assert_eq!(audit["records"].as_array().unwrap().len(), 1);
    assert_eq!(audit["records"][0]["postId"], sales_post.id.as_str());
    assert_eq!(audit["records"][0]["late"], false);
    third.kill_9();
}

/// The outcome of a post lost in a crash (the post made, the row still `sending`): the row is
/// claimed again, the post is found by its key in the chat, and nothing is posted twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_made_just_before_a_crash_is_recognised() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let bot_id = add_to_glip(&p.server, &api, admin).await;
    let team = api
        .ok("POST", "/teams", admin, Some(json!({"name": "Sales"})), 201)
        .await;
    let room = glip_team(admin, "Org-Sales", false, &[]).await;
    let f = api
        .ok(
            "POST",
            "/followers",
            admin,
            Some(json!({"entity": {"type": "team", "id": team["id"]}, "chatId": room})),
            201,
        )
        .await;
    // What a crash leaves: the post is in the chat, its row says `sending`, claimed long ago.
    let key = "slot:1:1767600000000";
    let bot = openglip_bot::sdk::Client::with_bot_token(p.server.url(), okr.bot_token()).unwrap();
    let mut card = openglip_bot::sdk::wire::AdaptiveCardRequest {
        fallback_text: Some("OKR update: Sales (made before the crash)".into()),
        ..Default::default()
    };
    card.extra.insert("okrDigestKey".into(), json!(key));
    let made = bot.create_adaptive_card(&room, &card).await.unwrap();
    let db = rusqlite::Connection::open(okr.dir.path().join(openglip_okr::store::FILE)).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute(
        "INSERT INTO digests (account_id, follower_id, chat_id, idem_key, trigger, slot_at, state, attempts,
           next_attempt_at, claimed_at, created_at, card)
         SELECT account_id, id, chat_id, ?1, 'schedule', 1767600000000, 'sending', 1, 0, 0, ?2, ?3 FROM followers WHERE id = ?4",
        rusqlite::params![key, Timestamp::now().as_millisecond(), serde_json::to_string(&card).unwrap(), f["id"].as_str().unwrap()],
    )
    .unwrap();
    let audit = wait_until("the row reconciled", || async {
        let a = api.ok("GET", "/digests", admin, None, 200).await;
        (a["records"][0]["state"] == "sent").then_some(a)
    })
    .await;
    let d = &audit["records"][0];
    assert_eq!(d["postId"], made.id.as_str());
    assert_eq!(d["attempts"], 2);
    assert_eq!(d["attemptLog"][0]["outcome"], "found");
    let posts = digests_in(admin, &room, &bot_id).await;
    assert_eq!(posts.len(), 1, "posted once");
    okr.stop().await;
}
