//! The OKR app as the README runs it: the platform (`openglip serve`), its two apps registered
//! from the command line (`openglip admin app create`, and `--type bot`), and `openglip okr
//! serve` as a process of its own, killed with SIGKILL just before a slot (the digest comes once,
//! on time, after the restart), right after posting (not again), and while another slot passes
//! (sent once on start, marked late). Its clock is moved with the hidden `--clock-offset-ms`,
//! so no test waits for a slot.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use openglip_okr::schedule::Schedule;
use openglip_testkit::{Browser, eventually};
use serde_json::{Value, json};

use crate::cli::{BIN, Server, fails, login, ok, s, strs};

const PASSWORD: &str = "okr-crash-test-1";
/// How long anything may take.
const PATIENCE: Duration = Duration::from_secs(30);

/// `openglip okr serve` for the platform at `platform`, on `port`, with its data in `data` and
/// its clock reading `now` (give or take its start). Tried again while the port is taken (by a
/// connection's own end, which the system may give any free port).
fn okr_serve(platform: &Server, apps: &Apps, data: &Path, port: u16, now: Timestamp) -> Server {
    let mut last = String::new();
    for _ in 0..20 {
        match Server::try_spawn(okr_command(platform, apps, data, port, now)) {
            Ok(s) => return s,
            Err(e) => last = e,
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("okr serve does not start: {last}")
}

fn okr_command(platform: &Server, apps: &Apps, data: &Path, port: u16, now: Timestamp) -> Command {
    let offset = now.duration_since(Timestamp::now()).as_millis().to_string();
    let mut cmd = Command::new(BIN);
    cmd.args(["okr", "serve", "--platform-url", &platform.base])
        .args(["--client-id", s(&apps.sign_in, "clientId")])
        .args(["--client-secret", s(&apps.sign_in, "clientSecret")])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data)
        // The bot's credentials and the clock through the environment.
        .env("OPENGLIP_OKR_BOT_CLIENT_ID", s(&apps.bot, "clientId"))
        .env(
            "OPENGLIP_OKR_BOT_CLIENT_SECRET",
            s(&apps.bot, "clientSecret"),
        )
        .env("OPENGLIP_OKR_CLOCK_OFFSET_MS", offset)
        .env_remove("OPENGLIP_OKR_PUBLIC_URL");
    cmd
}

/// What the command line registered.
struct Apps {
    /// A password-grant app, for the test's own tokens.
    tokens: Value,
    sign_in: Value,
    bot: Value,
}

/// The platform's answers as (status, JSON), with a bearer token.
async fn call(
    http: &reqwest::Client,
    method: &str,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = http
        .request(method.parse().unwrap(), url)
        .bearer_auth(token);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.expect("a request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The fallback texts of the bot's digests in a chat, oldest first.
async fn digests(
    http: &reqwest::Client,
    platform: &Server,
    chat: &str,
    token: &str,
    bot: &str,
) -> Vec<(String, String)> {
    let (st, page) = call(
        http,
        "GET",
        &platform.url(&format!(
            "/team-messaging/v1/chats/{chat}/posts?recordCount=100"
        )),
        token,
        None,
    )
    .await;
    assert_eq!(st, 200, "{page}");
    let mut out: Vec<(String, String)> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["creatorId"] == bot)
        .filter_map(|p| {
            let text = p["attachments"]
                .as_array()?
                .iter()
                .find_map(|a| a["fallbackText"].as_str())?;
            text.starts_with("OKR update")
                .then(|| (s(p, "id").to_string(), text.to_string()))
        })
        .collect();
    out.reverse();
    out
}

fn titled<'a>(posts: &'a [(String, String)], title: &str) -> Vec<&'a (String, String)> {
    posts.iter().filter(|(_, t)| t.starts_with(title)).collect()
}

/// A weekly schedule whose next run is `at` in `zone`.
fn weekly_at(at: Timestamp, zone: &str) -> Value {
    Schedule::weekly_at(at, zone).unwrap().to_json()
}

/// The start of the minute `secs` seconds from `now` (rounded up).
fn minute_after(now: Timestamp, secs: i64) -> Timestamp {
    let t = now.as_second() + secs;
    Timestamp::from_second(t - t.rem_euclid(60) + 60).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okr_serve_killed_before_a_slot_and_while_one_passes() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let (pdata, odata) = (dirs[0].path(), dirs[1].path());
    let platform = Server::start(pdata);
    let port = openglip_testkit::free_port();
    let okr_url = format!("http://127.0.0.1:{port}");

    // The README's commands: a company, people, and the app's two registrations.
    let acme = ok(
        pdata,
        &[
            "admin",
            "account",
            "create",
            "--name",
            "Acme",
            "--admin-email",
            "alice@acme.test",
            "--admin-password",
            PASSWORD,
            "--admin-first-name",
            "Alice",
            "--admin-last-name",
            "Adams",
        ],
    );
    let account = s(&acme, "accountId").to_string();
    let mut people = vec![s(&acme, "adminExtensionId").to_string()];
    for first in ["Uma", "Eva", "Aiko"] {
        let u = ok(
            pdata,
            &[
                "admin",
                "user",
                "create",
                "--account-id",
                &account,
                "--email",
                &format!("{}@acme.test", first.to_lowercase()),
                "--first-name",
                first,
                "--last-name",
                "Region",
                "--password",
                PASSWORD,
            ],
        );
        people.push(s(&u, "id").to_string());
    }
    // `admin app create` for `account`, with these arguments.
    let app = |args: &[&str]| -> Vec<String> {
        ["admin", "app", "create", "--account-id", &account]
            .iter()
            .chain(args)
            .map(|a| a.to_string())
            .collect()
    };
    let (sign_in_uri, bot_uri) = (
        format!("{okr_url}/auth/callback"),
        format!("{okr_url}/integrations/glip/callback"),
    );
    let apps = Apps {
        tokens: ok(
            pdata,
            &strs(&app(&[
                "--name",
                "Tokens",
                "--grant",
                "password",
                "--permission",
                "TeamMessaging",
                "--permission",
                "ReadAccounts",
            ])),
        ),
        sign_in: ok(
            pdata,
            &strs(&app(&[
                "--name",
                "OKR",
                "--grant",
                "authorization_code",
                "--grant",
                "refresh_token",
                "--permission",
                "ReadAccounts",
                "--permission",
                "TeamMessaging",
                "--redirect-uri",
                &sign_in_uri,
            ])),
        ),
        bot: ok(
            pdata,
            &strs(&app(&[
                "--name",
                "OKR",
                "--type",
                "bot",
                "--redirect-uri",
                &bot_uri,
            ])),
        ),
    };
    assert_eq!(
        apps.bot["grants"],
        json!(["authorization_code"]),
        "{}",
        apps.bot
    );
    assert_eq!(apps.bot["public"], true);
    let fixed: &[&str] = &[
        "--grant",
        "password",
        "--redirect-uri",
        "https://x.example/cb",
    ];
    let plain: &[&str] = &["--redirect-uri", "http://x.example/cb"];
    for (extra, why) in [(fixed, "are fixed"), (plain, "https")] {
        let mut args = app(&["--name", "X", "--type", "bot"]);
        args.extend(extra.iter().map(|a| a.to_string()));
        let refused = fails(pdata, &strs(&args));
        assert!(refused.contains(why), "{refused}");
    }

    let http = reqwest::Client::new();
    let (st, t) = login(&http, &platform, &apps.tokens, "alice@acme.test", PASSWORD).await;
    assert_eq!(st, 200, "{t}");
    let alice = s(&t, "access_token").to_string();
    let api = |path: &str| format!("{okr_url}/api/v1{path}");

    // The app, the integration, the reference example, 'Org-Sales'.
    let first = okr_serve(&platform, &apps, odata, port, Timestamp::now());
    let (st, v) = call(&http, "POST", &api("/integration"), &alice, Some(json!({}))).await;
    assert_eq!(st, 200, "{v}");
    let to_app = Browser::new(&platform.base)
        .authorize(s(&v, "authorizeUrl"), "alice@acme.test", PASSWORD)
        .await;
    let r = http.get(&to_app).send().await.unwrap();
    assert_eq!(
        r.status().as_u16(),
        200,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let bot = eventually("the bot is connected", PATIENCE, || async {
        let (_, v) = call(&http, "GET", &api("/integration"), &alice, None).await;
        (v["botReady"] == true).then(|| s(&v, "botId").to_string())
    })
    .await;
    let example = openglip_okr::demo::reference_example(
        &openglip_okr::demo::ExamplePeople {
            admin: people[0].clone(),
            us: people[1].clone(),
            europe: people[2].clone(),
            asia: people[3].clone(),
        },
        Timestamp::now(),
    );
    let (st, v) = call(
        &http,
        "POST",
        &api("/import"),
        &alice,
        Some(serde_json::to_value(&example).unwrap()),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let members: Vec<Value> = people[1..].iter().map(|id| json!({"id": id})).collect();
    let (st, room) = call(
        &http,
        "POST",
        &platform.url("/team-messaging/v1/teams"),
        &alice,
        Some(json!({"name": "Org-Sales", "public": false, "members": members})),
    )
    .await;
    assert_eq!(st, 201, "{room}");
    let room = s(&room, "id").to_string();
    let (_, teams) = call(&http, "GET", &api("/teams"), &alice, None).await;
    let sales = teams["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Sales")
        .map(|t| s(t, "id").to_string())
        .expect("Sales");

    // Sales at the minute after next (Berlin); the company two minutes later (New York).
    let s1 = minute_after(Timestamp::now(), 90);
    let s2 = s1 + SignedDuration::from_mins(2);
    let (st, f1) = call(&http, "POST", &api("/followers"), &alice, Some(json!({"entity": {"type": "team", "id": sales}, "chatId": room, "schedule": weekly_at(s1, "Europe/Berlin"), "timeZone": "Europe/Berlin"}))).await;
    assert_eq!(st, 201, "{f1}");
    let (st, f2) = call(&http, "POST", &api("/followers"), &alice, Some(json!({"entity": {"type": "company", "id": account}, "chatId": room, "schedule": weekly_at(s2, "America/New_York"), "timeZone": "America/New_York"}))).await;
    assert_eq!(st, 201, "{f2}");

    // What the digest will say of Sales (progress moves only with check-ins).
    let (_, dashboard) = call(&http, "GET", &api(&format!("/teams/{sales}")), &alice, None).await;
    let progress = openglip_okr::model::fmt_number(dashboard["progress"].as_f64().unwrap().round());
    // kill -9 before the slot; back three seconds before it.
    first.kill_9();
    assert!(Timestamp::now() < s1, "the setup took too long");
    let second = okr_serve(
        &platform,
        &apps,
        odata,
        port,
        s1 - SignedDuration::from_secs(3),
    );
    let posts = eventually("the Sales digest", PATIENCE, || async {
        let d = digests(&http, &platform, &room, &alice, &bot).await;
        (!titled(&d, "OKR update: Sales").is_empty()).then_some(d)
    })
    .await;
    // kill -9 right after it posted (possibly before it recorded that it did).
    second.kill_9();
    let (sales_post, text) = titled(&posts, "OKR update: Sales")[0].clone();
    for region in ["• US ", "• Europe ", "• Asia "] {
        assert!(text.contains(region), "{region} in {text}");
    }
    assert!(
        text.contains(&format!("Progress {progress}%")),
        "Sales is at {progress}%: {text}"
    );
    assert!(!text.contains("late"), "{text}");

    // Back after the company's slot passed: owed once, late.
    let third = okr_serve(
        &platform,
        &apps,
        odata,
        port,
        s2 + SignedDuration::from_mins(3),
    );
    let posts = eventually("the company's late digest", PATIENCE, || async {
        let d = digests(&http, &platform, &room, &alice, &bot).await;
        (!titled(&d, "OKR update: Acme").is_empty()).then_some(d)
    })
    .await;
    let late = &titled(&posts, "OKR update: Acme")[0].1;
    assert!(
        late.contains(" · late: due ") && late.contains("(America/New_York)"),
        "{late}"
    );
    // Nothing twice, some ticks later; the audit knows the Sales post by its id.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let posts = digests(&http, &platform, &room, &alice, &bot).await;
    assert_eq!(titled(&posts, "OKR update: Sales").len(), 1);
    assert_eq!(titled(&posts, "OKR update: Acme").len(), 1);
    let f1 = s(&f1, "id");
    let audit = eventually("the Sales digest recorded as sent", PATIENCE, || async {
        let (_, a) = call(
            &http,
            "GET",
            &api(&format!("/digests?followerId={f1}")),
            &alice,
            None,
        )
        .await;
        (a["records"][0]["state"] == "sent").then_some(a)
    })
    .await;
    assert_eq!(audit["records"].as_array().unwrap().len(), 1);
    assert_eq!(audit["records"][0]["postId"], sales_post.as_str());
    third.kill_9();
}

#[test]
fn okr_serve_refuses_missing_settings_with_a_json_error() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "okr",
            "serve",
            "--platform-url",
            "ftp://nowhere",
            "--client-id",
            "a",
            "--client-secret",
            "b",
            "--bot-client-id",
            "c",
            "--bot-client-secret",
            "d",
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last: Value = serde_json::from_str(stderr.trim().lines().last().unwrap()).unwrap();
    assert!(
        s(&last, "error").contains("platformUrl must be an http(s) URL"),
        "{stderr}"
    );
    let out = Command::new(BIN)
        .args(["okr", "serve", "--platform-url", "http://127.0.0.1:1"])
        .env_remove("OPENGLIP_OKR_CLIENT_ID")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--client-id"),
        "clap names what is missing"
    );
}
