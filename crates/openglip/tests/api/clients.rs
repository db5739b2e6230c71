//! RingCentral's own SDKs against a running openglip: `@ringcentral/sdk` (npm) and `ringcentral`
//! (PyPI) run the scenarios in `tests/clients/` (installed there by `scripts/test`).

use std::path::PathBuf;
use std::process::Stdio;

use openglip_server::{RateLimitConfig, ServerConfig};

use crate::helpers::*;

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) struct Setup {
    pub(crate) app: TestApp,
    pub(crate) env: Vec<(&'static str, String)>,
}

pub(crate) async fn setup() -> Setup {
    // Rate limits stay on (generous defaults), so the clients see the headers they would see.
    let app = spawn_app_with(ServerConfig {
        public_url: None,
        rate_limits: RateLimitConfig::default(),
        realtime: crate::helpers::test_realtime(),
        ..Default::default()
    })
    .await;
    let (acme, alice) = app.account("Acme", "john.smith@acme.test").await;
    let bob = app.user(&acme, "Bob", "Baker", "bob@acme.test").await;
    let _carol = app.user(&acme, "Carol", "Chen", "carol@acme.test").await;
    let client = app
        .client(
            &acme,
            &["password", "refresh_token"],
            &[
                "TeamMessaging",
                "ReadAccounts",
                "ReadPresence",
                "EditPresence",
            ],
        )
        .await;
    let env = vec![
        ("OPENGLIP_SERVER", app.base.clone()),
        ("OPENGLIP_CLIENT_ID", client.client_id.clone()),
        ("OPENGLIP_CLIENT_SECRET", client.secret.clone().unwrap()),
        ("OPENGLIP_USER_EMAIL", "john.smith@acme.test".to_string()),
        ("OPENGLIP_USER_PASSWORD", PASSWORD.to_string()),
        ("OPENGLIP_MAIN_NUMBER", acme.main_number.clone()),
        ("OPENGLIP_USER_EXTENSION", alice.extension_number.clone()),
        (
            "OPENGLIP_MEMBER_EMAILS",
            "bob@acme.test,carol@acme.test".to_string(),
        ),
        ("OPENGLIP_OTHER_PERSON_ID", bob.id.to_string()),
    ];
    Setup { app, env }
}

pub(crate) async fn run(
    program: &str,
    script: PathBuf,
    extra_env: Vec<(&'static str, String)>,
    setup: Setup,
) {
    assert!(script.exists(), "missing {}", script.display());
    let mut cmd = tokio::process::Command::new(program);
    cmd.arg(&script)
        .current_dir(script.parent().unwrap())
        .envs(setup.env.iter().map(|(k, v)| (*k, v.as_str())))
        .envs(extra_env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let out = tokio::time::timeout(std::time::Duration::from_secs(300), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{} did not finish in 5 minutes", script.display()))
        .unwrap_or_else(|e| {
            panic!("cannot run {program}: {e} (install it; scripts/test installs the client SDKs)")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "{} failed:\n{stdout}\n{stderr}",
        script.display()
    );
    assert!(
        stdout.contains(" passed, 0 failed"),
        "no summary line in the output"
    );
    drop(setup.app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_js_sdk_scenario() {
    let root = repo_root().join("tests/clients/js");
    assert!(
        root.join("node_modules/@ringcentral/sdk").exists(),
        "the JavaScript SDK is not installed: run `scripts/test` (it installs tests/clients/js/node_modules)"
    );
    let s = setup().await;
    run("node", root.join("scenario.mjs"), vec![], s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_python_sdk_scenario() {
    let root = repo_root().join("tests/clients/python");
    let deps = root.join(".deps");
    assert!(
        deps.join("ringcentral").exists(),
        "the Python SDK is not installed: run `scripts/test` (it installs tests/clients/python/.deps)"
    );
    let s = setup().await;
    run(
        "python3",
        root.join("scenario.py"),
        vec![("PYTHONPATH", deps.display().to_string())],
        s,
    )
    .await;
}

/// Incoming webhooks through the JavaScript SDK (`tests/clients/js/webhooks.mjs`): both
/// formats, suspended, unknown id, malformed payload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_js_sdk_incoming_webhooks() {
    let root = repo_root().join("tests/clients/js");
    assert!(
        root.join("node_modules/@ringcentral/sdk").exists(),
        "the JavaScript SDK is not installed: run `scripts/test` (it installs tests/clients/js/node_modules)"
    );
    let s = setup().await;
    run("node", root.join("webhooks.mjs"), vec![], s).await;
}

/// The same with the Python SDK (`tests/clients/python/webhooks.py`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_python_sdk_incoming_webhooks() {
    let root = repo_root().join("tests/clients/python");
    let deps = root.join(".deps");
    assert!(
        deps.join("ringcentral").exists(),
        "the Python SDK is not installed: run `scripts/test` (it installs tests/clients/python/.deps)"
    );
    let s = setup().await;
    run(
        "python3",
        root.join("webhooks.py"),
        vec![("PYTHONPATH", deps.display().to_string())],
        s,
    )
    .await;
}

/// Presence and the directory's search through the JavaScript SDK
/// (`tests/clients/js/presence.mjs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_js_sdk_presence_and_directory() {
    let root = repo_root().join("tests/clients/js");
    assert!(
        root.join("node_modules/@ringcentral/sdk").exists(),
        "the JavaScript SDK is not installed: run `scripts/test` (it installs tests/clients/js/node_modules)"
    );
    let s = setup().await;
    run("node", root.join("presence.mjs"), vec![], s).await;
}

/// The same with the Python SDK (`tests/clients/python/presence.py`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_python_sdk_presence_and_directory() {
    let root = repo_root().join("tests/clients/python");
    let deps = root.join(".deps");
    assert!(
        deps.join("ringcentral").exists(),
        "the Python SDK is not installed: run `scripts/test` (it installs tests/clients/python/.deps)"
    );
    let s = setup().await;
    run(
        "python3",
        root.join("presence.py"),
        vec![("PYTHONPATH", deps.display().to_string())],
        s,
    )
    .await;
}

/// For the WebSocket scenarios: the app also has the `WebSocket` permission, and the subscriber
/// (John) shares a team with Bob, who causes the events.
async fn ws_setup() -> Setup {
    let app = spawn_app_with(ServerConfig {
        public_url: None,
        rate_limits: RateLimitConfig::default(),
        realtime: crate::helpers::test_realtime(),
        ..Default::default()
    })
    .await;
    let (acme, _john) = app.account("Acme", "john.smith@acme.test").await;
    let bob = app.user(&acme, "Bob", "Baker", "bob@acme.test").await;
    let client = app
        .client(
            &acme,
            &["password", "refresh_token"],
            &["TeamMessaging", "ReadAccounts", "WebSocket"],
        )
        .await;
    let john = app.login(&client, "john.smith@acme.test").await;
    let (s, team) = app
        .post(
            "/team-messaging/v1/teams",
            john["access_token"].as_str().unwrap(),
            serde_json::json!({"name": "Shared", "public": false, "members": [{"id": bob.id.to_string()}]}),
        )
        .await;
    assert_eq!(s, 201, "{team}");
    let env = vec![
        ("OPENGLIP_SERVER", app.base.clone()),
        ("OPENGLIP_CLIENT_ID", client.client_id.clone()),
        ("OPENGLIP_CLIENT_SECRET", client.secret.clone().unwrap()),
        ("OPENGLIP_USER_EMAIL", "john.smith@acme.test".to_string()),
        ("OPENGLIP_USER_PASSWORD", PASSWORD.to_string()),
        ("OPENGLIP_SECOND_EMAIL", "bob@acme.test".to_string()),
        (
            "OPENGLIP_SHARED_CHAT_ID",
            team["id"].as_str().unwrap().to_string(),
        ),
    ];
    Setup { app, env }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_js_sdk_websocket_subscription() {
    let root = repo_root().join("tests/clients/js");
    assert!(
        root.join("node_modules/@ringcentral/subscriptions")
            .exists(),
        "the JavaScript SDK is not installed: run `scripts/test` (it installs tests/clients/js/node_modules)"
    );
    let s = ws_setup().await;
    run("node", root.join("subscribe.mjs"), vec![], s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_python_sdk_websocket_subscription() {
    let root = repo_root().join("tests/clients/python");
    let deps = root.join(".deps");
    assert!(
        deps.join("ringcentral").exists(),
        "the Python SDK is not installed: run `scripts/test` (it installs tests/clients/python/.deps)"
    );
    let s = ws_setup().await;
    run(
        "python3",
        root.join("subscribe.py"),
        vec![("PYTHONPATH", deps.display().to_string())],
        s,
    )
    .await;
}
