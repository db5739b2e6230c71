//! The real `openglip` binary: scriptable administration that prints JSON, and `serve` using
//! what it made (also while admin commands keep running beside it).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_openglip");

pub(crate) fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("OPENGLIP_DATA_DIR")
        .output()
        .expect("run openglip")
}

/// Runs an admin command that must succeed; returns its JSON.
pub(crate) fn ok(data: &Path, args: &[&str]) -> Value {
    let out = run(data, args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{args:?} failed: {}\nstdout: {stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
}

/// Runs an admin command that must fail; returns the error message of its JSON on stderr.
pub(crate) fn fails(data: &Path, args: &[&str]) -> String {
    let (error, lines) = fails_with_logs(data, args);
    assert_eq!(lines, 1, "{args:?}: admin commands print only the error");
    error
}

/// Runs a command that must fail; returns the error message of the JSON on the last line of
/// stderr (`serve` logs to stderr before it), and how many lines stderr had.
pub(crate) fn fails_with_logs(data: &Path, args: &[&str]) -> (String, usize) {
    let out = run(data, args);
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.trim().lines().last().unwrap_or_default();
    let v: Value = serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{args:?}: stderr does not end in JSON ({e}): {stderr}"));
    let error = v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{args:?}: no error: {v}"))
        .to_string();
    (error, stderr.trim().lines().count())
}

pub(crate) fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

pub(crate) fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string: {v}"))
}

/// A process of the binary that serves (the platform, or the OKR app); killed (SIGKILL) when
/// dropped, also when a test panics.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `openglip serve` on a free port and waits for its "listening on" line.
    pub(crate) fn start(data: &Path) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--rate-limits", "off"])
            .arg("--data-dir")
            .arg(data)
            .env_remove("OPENGLIP_DATA_DIR")
            .env_remove("OPENGLIP_PUBLIC_URL");
        Server::spawn(cmd)
    }

    /// Starts a command of the binary that serves, and waits for its "listening on" line.
    pub(crate) fn spawn(cmd: Command) -> Server {
        Server::try_spawn(cmd).expect("the server never said where it listens")
    }

    /// The same, or why it did not start (it ended first: a port taken, a bad setting).
    pub(crate) fn try_spawn(mut cmd: Command) -> Result<Server, String> {
        cmd.stderr(Stdio::inherit());
        Server::start_child(cmd)
    }

    /// The same with the server's stderr (its log) handed to the caller, who must keep reading it.
    pub(crate) fn spawn_with_stderr(mut cmd: Command) -> (Server, std::process::ChildStderr) {
        cmd.stderr(Stdio::piped());
        let mut server = Server::start_child(cmd).expect("the server never said where it listens");
        let stderr = server.child.stderr.take().expect("stderr is piped");
        (server, stderr)
    }

    fn start_child(mut cmd: Command) -> Result<Server, String> {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start openglip");
        let stdout = child.stdout.take().unwrap();
        // Construct the guard before waiting, so the child dies even if the wait fails.
        let mut server = Server {
            child,
            base: String::new(),
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep reading to the end so the pipe never fills up.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split("listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        server.base = rx
            .recv_timeout(Duration::from_secs(60))
            .map_err(|e| format!("it never said where it listens: {e}"))?;
        assert!(
            server.base.starts_with("http://127.0.0.1:"),
            "{}",
            server.base
        );
        Ok(server)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL, and wait until it is gone.
    pub(crate) fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("the process ends");
    }
}

pub(crate) async fn login(
    http: &reqwest::Client,
    server: &Server,
    app: &Value,
    username: &str,
    password: &str,
) -> (u16, Value) {
    let r = http
        .post(server.url("/restapi/oauth/token"))
        .basic_auth(s(app, "clientId"), Some(s(app, "clientSecret")))
        .form(&[
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn get(http: &reqwest::Client, server: &Server, path: &str, token: &str) -> (u16, Value) {
    let r = http
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn admin_commands_provision_what_serve_then_serves() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    let account = ok(
        data,
        &[
            "admin",
            "account",
            "create",
            "--name",
            "Acme",
            "--admin-email",
            "Alice@Acme.test",
            "--admin-password",
            "correct-horse-battery",
            "--admin-first-name",
            "Alice",
            "--admin-last-name",
            "Admin",
        ],
    );
    let account_id = s(&account, "accountId").to_string();
    let admin_id = s(&account, "adminExtensionId").to_string();
    assert!(account_id.parse::<i64>().is_ok(), "{account}");
    assert!(admin_id.parse::<i64>().is_ok(), "{account}");

    let user = ok(
        data,
        &[
            "admin",
            "user",
            "create",
            "--account-id",
            &account_id,
            "--email",
            "bob@acme.test",
            "--first-name",
            "Bob",
            "--last-name",
            "Baker",
            "--password",
            "bobs-long-password",
        ],
    );
    let bob_id = s(&user, "id").to_string();
    let bob_ext = s(&user, "extensionNumber").to_string();
    assert!(bob_id.parse::<i64>().is_ok(), "{user}");
    assert!(bob_ext.bytes().all(|b| b.is_ascii_digit()), "{user}");

    let app = ok(
        data,
        &[
            "admin",
            "app",
            "create",
            "--account-id",
            &account_id,
            "--name",
            "Script",
            "--grant",
            "password",
            "--grant",
            "refresh_token",
            "--permission",
            "TeamMessaging",
        ],
    );
    assert!(!s(&app, "clientId").is_empty(), "{app}");
    assert!(s(&app, "clientSecret").len() >= 20, "{app}");

    let bot = ok(
        data,
        &[
            "admin",
            "bot",
            "create",
            "--account-id",
            &account_id,
            "--name",
            "SmartFriend",
        ],
    );
    let bot_id = s(&bot, "id").to_string();
    let bot_token = s(&bot, "accessToken").to_string();

    let server = Server::start(data);
    let http = reqwest::Client::new();

    // The admin logs in with what the CLI printed; the app has only TeamMessaging.
    let (st, t) = login(
        &http,
        &server,
        &app,
        "alice@acme.test",
        "correct-horse-battery",
    )
    .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["owner_id"], json!(admin_id));
    assert_eq!(t["scope"], "TeamMessaging");
    let alice = s(&t, "access_token").to_string();
    let (st, chats) = get(&http, &server, "/team-messaging/v1/chats", &alice).await;
    assert_eq!(st, 200, "{chats}");
    let (st, b) = get(&http, &server, "/restapi/v1.0/account/~", &alice).await;
    assert_eq!(st, 403, "no ReadAccounts: {b}");

    // Bob by main number and extension number, and by the extension number alone.
    let joined = format!("{}*{bob_ext}", s(&account, "mainNumber"));
    for username in [joined.as_str(), bob_ext.as_str()] {
        let (st, t) = login(&http, &server, &app, username, "bobs-long-password").await;
        assert_eq!(st, 200, "{username}: {t}");
        assert_eq!(t["owner_id"], json!(bob_id));
    }

    // The bot's permanent token.
    let (st, me) = get(
        &http,
        &server,
        "/restapi/v1.0/account/~/extension/~",
        &bot_token,
    )
    .await;
    assert_eq!(st, 200, "{me}");
    assert_eq!(me["type"], "Bot");
    assert_eq!(me["id"].to_string(), bot_id);
    assert_eq!(me["account"]["id"], json!(account_id));
    let (st, b) = get(&http, &server, "/team-messaging/v1/everyone", &bot_token).await;
    assert_eq!(st, 200, "{b}");

    // Admin commands work while the server runs, and the server sees their results at once.
    let carol = ok(
        data,
        &[
            "admin",
            "user",
            "create",
            "--account-id",
            &account_id,
            "--email",
            "carol@acme.test",
            "--first-name",
            "Carol",
            "--last-name",
            "Chen",
            "--password",
            "carols-long-password",
            "--extension-number",
            "4242",
        ],
    );
    assert_eq!(carol["extensionNumber"], "4242");
    let (st, t) = login(
        &http,
        &server,
        &app,
        "carol@acme.test",
        "carols-long-password",
    )
    .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["owner_id"], carol["id"]);
    let (st, person) = get(
        &http,
        &server,
        &format!("/team-messaging/v1/persons/{}", s(&carol, "id")),
        &alice,
    )
    .await;
    assert_eq!(st, 200, "{person}");
    assert_eq!(person["firstName"], "Carol");

    let second_bot = ok(
        data,
        &[
            "admin",
            "bot",
            "create",
            "--account-id",
            &account_id,
            "--name",
            "Helper",
        ],
    );
    let (st, me) = get(
        &http,
        &server,
        "/restapi/v1.0/account/~/extension/~",
        s(&second_bot, "accessToken"),
    )
    .await;
    assert_eq!(st, 200, "{me}");
    assert_eq!(me["name"], "Helper");
    drop(server);
}

#[tokio::test]
async fn bad_admin_input_fails_with_a_json_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let account = |email: &str, password: &str| {
        vec![
            "admin".to_string(),
            "account".into(),
            "create".into(),
            "--name".into(),
            "Acme".into(),
            "--admin-email".into(),
            email.into(),
            "--admin-password".into(),
            password.into(),
        ]
    };

    // A bad e-mail, a short password.
    let e = fails(
        data,
        &strs(&account("not-an-email", "long-enough-password")),
    );
    assert!(e.contains("adminEmail"), "{e}");
    let e = fails(data, &strs(&account("alice@acme.test", "short")));
    assert!(e.contains("password"), "{e}");
    // Nothing was half-made: the e-mail is still free.
    let acme = ok(
        data,
        &strs(&account("alice@acme.test", "long-enough-password")),
    );
    let acme_id = s(&acme, "accountId").to_string();
    let e = fails(
        data,
        &strs(&account("alice@acme.test", "long-enough-password")),
    );
    assert!(e.contains("email"), "a taken e-mail: {e}");

    let user = |account: &str, email: &str, password: &str| {
        vec![
            "admin".to_string(),
            "user".into(),
            "create".into(),
            "--account-id".into(),
            account.into(),
            "--email".into(),
            email.into(),
            "--first-name".into(),
            "Bob".into(),
            "--last-name".into(),
            "Baker".into(),
            "--password".into(),
            password.into(),
            "--extension-number".into(),
            "555".into(),
        ]
    };
    let e = fails(
        data,
        &strs(&user("987654", "bob@acme.test", "long-enough-password")),
    );
    assert!(e.contains("accountId"), "{e}");
    let e = fails(data, &strs(&user(&acme_id, "bob@", "long-enough-password")));
    assert!(e.contains("email"), "{e}");
    let e = fails(data, &strs(&user(&acme_id, "bob@acme.test", "short")));
    assert!(e.contains("password"), "{e}");
    // The e-mail and the extension number are both still free.
    let bob = ok(
        data,
        &strs(&user(&acme_id, "bob@acme.test", "long-enough-password")),
    );
    assert_eq!(bob["extensionNumber"], "555");

    let app = |account: &str, grant: &str, permission: &str| {
        vec![
            "admin".to_string(),
            "app".into(),
            "create".into(),
            "--account-id".into(),
            account.into(),
            "--name".into(),
            "Script".into(),
            "--grant".into(),
            grant.into(),
            "--permission".into(),
            permission.into(),
        ]
    };
    let e = fails(
        data,
        &strs(&app(&acme_id, "client_credentials", "TeamMessaging")),
    );
    assert!(e.contains("grant"), "{e}");
    let e = fails(data, &strs(&app(&acme_id, "password", "Telepathy")));
    assert!(e.contains("permission"), "{e}");
    let e = fails(data, &strs(&app("987654", "password", "TeamMessaging")));
    assert!(e.contains("accountId"), "{e}");
    let e = fails(
        data,
        &[
            "admin",
            "bot",
            "create",
            "--account-id",
            "987654",
            "--name",
            "Ghost",
        ],
    );
    assert!(e.contains("accountId"), "{e}");
    let e = fails(
        data,
        &[
            "admin",
            "bot",
            "create",
            "--account-id",
            &acme_id,
            "--name",
            "   ",
        ],
    );
    assert!(e.contains("name"), "{e}");

    // Nothing of the failed commands exists: the server sees the account, Alice and Bob only
    // (and no bot).
    let good_app = ok(data, &strs(&app(&acme_id, "password", "TeamMessaging")));
    let server = Server::start(data);
    let http = reqwest::Client::new();
    let (st, t) = login(
        &http,
        &server,
        &good_app,
        "alice@acme.test",
        "long-enough-password",
    )
    .await;
    assert_eq!(st, 200, "{t}");
    let (st, everyone) = get(
        &http,
        &server,
        "/restapi/v1.0/glip/groups?type=Team",
        s(&t, "access_token"),
    )
    .await;
    assert_eq!(st, 200, "{everyone}");
    let members: Vec<&Value> = everyone["records"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["members"].as_array().unwrap())
        .collect();
    assert_eq!(
        members,
        [&acme["adminExtensionId"], &bob["id"]],
        "the Everyone team: {everyone}"
    );
}

#[test]
fn serve_refuses_bad_settings_with_a_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let (e, _) = fails_with_logs(
        dir.path(),
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-limits",
            "light=lots",
        ],
    );
    assert!(e.contains("rate-limits"), "{e}");
    let (e, _) = fails_with_logs(dir.path(), &["serve", "--listen", "not an address"]);
    assert!(e.contains("listen"), "{e}");
}

/// Issue 15: a start-up error says why and where — a file where the data folder should be, a
/// folder that cannot be made, a port in use, a mistyped flag — and admin commands refuse a
/// folder with no openglip data (except creating the first account, which says where it wrote).
#[test]
fn start_up_errors_name_the_cause_and_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let (e, _) = fails_with_logs(&file, &["serve", "--listen", "127.0.0.1:0"]);
    assert!(
        e.contains("is not a folder") && e.contains(&file.display().to_string()),
        "{e}"
    );
    let under = file.join("data");
    let (e, _) = fails_with_logs(&under, &["serve", "--listen", "127.0.0.1:0"]);
    assert!(
        e.contains("cannot create the data folder") && e.contains(&under.display().to_string()),
        "{e}"
    );

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let (e, _) = fails_with_logs(&dir.path().join("data"), &["serve", "--listen", &address]);
    assert!(
        e.contains("in use") && e.contains(&address) && e.contains("--listen"),
        "{e}"
    );

    let out = run(dir.path(), &["serve", "--lisen", "127.0.0.1:0"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--lisen") && stderr.contains("--listen"),
        "{stderr}"
    );

    // An admin command pointed at a folder without openglip data creates nothing there.
    let empty = dir.path().join("elsewhere");
    let e = fails(
        &empty,
        &[
            "admin",
            "user",
            "create",
            "--account-id",
            "1",
            "--email",
            "bob@acme.test",
            "--first-name",
            "Bob",
            "--last-name",
            "Baker",
        ],
    );
    assert!(
        e.contains("no openglip data") && e.contains(&empty.display().to_string()),
        "{e}"
    );
    assert!(!empty.exists(), "nothing made at {}", empty.display());
    // Creating the first account says where it wrote.
    let made = ok(
        &empty,
        &[
            "admin",
            "account",
            "create",
            "--name",
            "Acme",
            "--admin-email",
            "alice@acme.test",
            "--admin-password",
            "long-enough-password",
        ],
    );
    let written = made["dataDir"].as_str().unwrap();
    assert_eq!(
        std::fs::canonicalize(written).unwrap(),
        std::fs::canonicalize(&empty).unwrap()
    );
}

/// Issue 15: a server listening on loopback accepts WebHooks on this machine (the bots beside it)
/// without `--webhook-allow-private`; told otherwise, it refuses them with a message that names
/// the setting.
#[tokio::test]
async fn a_loopback_server_takes_loopback_webhooks_and_names_the_setting_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(
        data,
        &[
            "admin",
            "account",
            "create",
            "--name",
            "Acme",
            "--admin-email",
            "alice@acme.test",
            "--admin-password",
            "long-enough-password",
        ],
    );
    let app = ok(
        data,
        &[
            "admin",
            "app",
            "create",
            "--account-id",
            "1",
            "--name",
            "Hooks",
            "--grant",
            "password",
            "--permission",
            "TeamMessaging",
            "--permission",
            "SubscriptionWebhook",
        ],
    );
    let recv = crate::helpers::Receiver::start().await;
    let http = reqwest::Client::new();
    let subscribe = |server: &Server, token: &str| {
        http.post(server.url("/restapi/v1.0/subscription"))
            .bearer_auth(token)
            .json(&json!({
                "eventFilters": ["/team-messaging/v1/posts"],
                "deliveryMode": {"transportType": "WebHook", "address": recv.url},
            }))
            .send()
    };

    let server = Server::start(data);
    let (_, t) = login(
        &http,
        &server,
        &app,
        "alice@acme.test",
        "long-enough-password",
    )
    .await;
    let token = s(&t, "access_token").to_string();
    let r = subscribe(&server, &token).await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    drop(server);

    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--webhook-allow-private=false",
    ])
    .arg("--data-dir")
    .arg(data)
    .env_remove("OPENGLIP_DATA_DIR")
    .env_remove("OPENGLIP_WEBHOOK_ALLOW_PRIVATE");
    let server = Server::spawn(cmd);
    let r = subscribe(&server, &token).await.unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(body.contains("--webhook-allow-private"), "{body}");
}
