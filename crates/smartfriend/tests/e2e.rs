//! SmartFriend installed into a running openglip as a private bot, all through the real
//! binaries: `openglip serve`, `openglip admin … create`, and `smartfriend` with `BOT_TOKEN`.
//! A person then talks to it through the API, as in RingCentral's Glip API overview.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use openglip_bot::harness::PASSWORD;
use openglip_bot::sdk::wire::{CreateTeamRequest, IdOrString, MemberSpec};
use openglip_bot::sdk::{Client, Member};

const T: Duration = Duration::from_secs(20);

/// `target/<profile>/openglip`, built if missing (it is built already by `cargo nextest run
/// --workspace`).
pub fn openglip_binary() -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_smartfriend"))
        .parent()
        .unwrap()
        .to_path_buf();
    let bin = dir.join(format!("openglip{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "-p", "openglip", "--bin", "openglip"]);
        if dir.ends_with("release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building openglip failed");
    }
    bin
}

/// A child process killed when dropped, whose stderr lines are collected.
pub struct Proc {
    child: Child,
    pub lines: mpsc::Receiver<String>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    pub fn spawn(cmd: &mut Command) -> Proc {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the process starts");
        let (tx, rx) = mpsc::channel();
        for out in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    eprintln!("  | {line}");
                    let _ = tx.send(line);
                }
            });
        }
        Proc { child, lines: rx }
    }

    /// Waits for an output line containing `needle`.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => {}
                Err(_) => panic!("no output line with {needle:?} within {timeout:?}"),
            }
        }
    }
}

pub fn admin(data: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(openglip_binary())
        .arg("admin")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .expect("openglip admin runs");
    assert!(
        out.status.success(),
        "openglip admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// `openglip serve` on a free port; returns the process and its URL.
pub fn serve(data: &Path) -> (Proc, String) {
    let p = Proc::spawn(
        Command::new(openglip_binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--rate-limits", "off"])
            .arg("--data-dir")
            .arg(data),
    );
    let line = p.wait_for("openglip listening on ", T);
    let url = line.rsplit(' ').next().unwrap().trim().to_string();
    (p, url)
}

async fn wait_text(c: &Client, chat: &str, from: &str, pred: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let page = c
            .list_posts(chat, &openglip_bot::sdk::PageQuery::count(50))
            .await
            .unwrap();
        if let Some(p) = page
            .records
            .iter()
            .find(|p| p.creator_id == from && pred(&p.text))
        {
            return p.text.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no matching post from {from}: {:?}",
            page.records.iter().map(|p| &p.text).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn bot_posts(c: &Client, chat: &str, bot: &str) -> Vec<String> {
    let page = c
        .list_posts(chat, &openglip_bot::sdk::PageQuery::count(100))
        .await
        .unwrap();
    page.records
        .into_iter()
        .filter(|p| p.creator_id == bot)
        .map(|p| p.text)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn smartfriend_as_a_private_bot() {
    let data = tempfile::tempdir().unwrap();
    let (_server, url) = serve(data.path());
    let acme = admin(
        data.path(),
        &[
            "account",
            "create",
            "--name",
            "Acme",
            "--admin-email",
            "john@acme.test",
            "--admin-password",
            PASSWORD,
            "--admin-first-name",
            "John",
            "--admin-last-name",
            "Smith",
        ],
    );
    let account = acme["accountId"].as_str().unwrap();
    admin(
        data.path(),
        &[
            "user",
            "create",
            "--account-id",
            account,
            "--email",
            "jane@acme.test",
            "--first-name",
            "Jane",
            "--last-name",
            "Doe",
            "--password",
            PASSWORD,
        ],
    );
    let app = admin(
        data.path(),
        &[
            "app",
            "create",
            "--account-id",
            account,
            "--name",
            "Glip app",
            "--grant",
            "password",
            "--grant",
            "refresh_token",
            "--permission",
            "TeamMessaging",
            "--permission",
            "ReadAccounts",
        ],
    );
    let bot = admin(
        data.path(),
        &[
            "bot",
            "create",
            "--account-id",
            account,
            "--name",
            "SmartFriend",
        ],
    );
    let bot_id = bot["id"].as_str().unwrap().to_string();

    let bot_data = tempfile::tempdir().unwrap();
    let sf = Proc::spawn(
        Command::new(env!("CARGO_BIN_EXE_smartfriend"))
            .env("OPENGLIP_SERVER", &url)
            .env("BOT_TOKEN", bot["accessToken"].as_str().unwrap())
            .env("BOT_DATA_DIR", bot_data.path())
            .env("RUST_LOG", "info"),
    );
    sf.wait_for("bot ready", T);

    let login = |email: &'static str| {
        let url = url.clone();
        let app = app.clone();
        async move {
            let c = Client::builder(url)
                .app(
                    app["clientId"].as_str().unwrap(),
                    app["clientSecret"].as_str().map(String::from),
                )
                .build()
                .unwrap();
            c.login_password(email, PASSWORD, None).await.unwrap();
            c
        }
    };
    let john = login("john@acme.test").await;
    let jane = login("jane@acme.test").await;

    // John adds SmartFriend to a private chat: it greets him by first name.
    let chat = john
        .create_conversation(&[Member::Id(bot_id.clone())])
        .await
        .unwrap()
        .id;
    let hi = wait_text(&john, &chat, &bot_id, |t| t.starts_with("Hi ")).await;
    assert_eq!(hi, "Hi John, Nice to meet you! How can I help you?");

    // The overview's booking request.
    john.send_text(&chat, "Hi SmartFriend! Please book me a flight New York – San Francisco 05/  06/17, ID #5674028947")
        .await
        .unwrap();
    let booked = wait_text(&john, &chat, &bot_id, |t| t.starts_with("Absolutely!")).await;
    assert!(
        booked.starts_with("Absolutely! Your flight is booked – DL"),
        "{booked}"
    );
    assert!(booked.contains("06MAY JFK-SFO"), "{booked}");
    assert!(
        booked.contains("from New York (JFK) to San Francisco (SFO) on Saturday, May 6, 2017"),
        "{booked}"
    );
    assert!(booked.contains("simulation"), "{booked}");

    // Missing parts are asked for.
    john.send_text(&chat, "book me a flight to Boston")
        .await
        .unwrap();
    let q = wait_text(&john, &chat, &bot_id, |t| t.contains("flying to Boston")).await;
    assert!(
        q.contains("Where are you flying to Boston (BOS) from?"),
        "{q}"
    );
    john.send_text(&chat, "help").await.unwrap();
    wait_text(&john, &chat, &bot_id, |t| t.starts_with("I'm SmartFriend")).await;

    // In a team it answers only when @mentioned.
    let team = john
        .create_team(&CreateTeamRequest {
            public: Some(false),
            name: Some("Travel desk".into()),
            description: None,
            members: Some(vec![
                MemberSpec::Object {
                    id: Some(IdOrString::Str(bot_id.clone())),
                    email: None,
                },
                MemberSpec::Object {
                    id: None,
                    email: Some("jane@acme.test".into()),
                },
            ]),
        })
        .await
        .unwrap()
        .id;
    jane.send_text(&team, "Please book me a flight Chicago – Miami 12/01/26")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        bot_posts(&jane, &team, &bot_id).await.is_empty(),
        "no reply without a mention"
    );
    jane.send_text(
        &team,
        &format!("![:Person]({bot_id}) please book me a flight Chicago – Miami 12/01/26"),
    )
    .await
    .unwrap();
    let r = wait_text(&jane, &team, &bot_id, |t| t.starts_with("Absolutely!")).await;
    assert!(r.contains("ORD-MIA") && r.contains("01DEC"), "{r}");
    assert_eq!(bot_posts(&jane, &team, &bot_id).await.len(), 1);
}

/// SmartFriend as a public bot (`BOT_CLIENT_ID`, `BOT_CLIENT_SECRET`, `BOT_LISTEN`,
/// `BOT_PUBLIC_URL`): an administrator adds it through the authorization pages, and it receives
/// WebHooks at its public URL. Then as a private bot of another company, installed by the server
/// POSTing its token.
#[tokio::test(flavor = "multi_thread")]
async fn smartfriend_installed_through_oauth_as_a_public_and_a_private_bot() {
    use openglip_bot::harness::{TestServer, free_port};
    let server = TestServer::start().await;
    for public in [true, false] {
        let company = server.company(if public { "Acme" } else { "Globex" }).await;
        let john = company.person(&server, "John", "Smith").await;
        let port = free_port();
        let public_url = format!("http://127.0.0.1:{port}");
        let app = company
            .bot_app(
                &server,
                "SmartFriend",
                &format!("{public_url}/bot/oauth"),
                public,
            )
            .await;
        let bot_data = tempfile::tempdir().unwrap();
        let sf = Proc::spawn(
            Command::new(env!("CARGO_BIN_EXE_smartfriend"))
                .env("OPENGLIP_SERVER", server.url())
                .env("BOT_CLIENT_ID", &app.client_id)
                .env(
                    "BOT_CLIENT_SECRET",
                    app.client_secret.clone().unwrap_or_default(),
                )
                .env("BOT_LISTEN", format!("127.0.0.1:{port}"))
                .env("BOT_PUBLIC_URL", &public_url)
                .env("BOT_DATA_DIR", bot_data.path())
                .env("RUST_LOG", "info"),
        );
        sf.wait_for("bot endpoint listening", T);
        let bot_id = if public {
            assert_eq!(company.admin().add_public_bot(&server, &app).await, 200);
            let line = sf.wait_for("bot ready", T);
            line.split("bot_id=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string()
        } else {
            let id = company.install_private_bot(&server, &app).await;
            sf.wait_for("bot ready", T);
            id
        };
        let chat = john.direct_chat(&bot_id).await;
        let hi = wait_text(&john.client, &chat, &bot_id, |t| t.starts_with("Hi ")).await;
        assert_eq!(hi, "Hi John, Nice to meet you! How can I help you?");
        john.client
            .send_text(
                &chat,
                "Please book me a flight New York – San Francisco 05/06/17",
            )
            .await
            .unwrap();
        let booked = wait_text(&john.client, &chat, &bot_id, |t| {
            t.starts_with("Absolutely!")
        })
        .await;
        assert!(booked.contains("06MAY JFK-SFO"), "{booked}");
        drop(sf);
    }
}
