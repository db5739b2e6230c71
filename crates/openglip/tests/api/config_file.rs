//! `--config FILE` on the real binary: settings from TOML beside flags and environment (a flag
//! wins over its variable, the variable over the file, the file over the default), an unknown
//! key refused by name, and admin commands finding the data where the file says.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::cli::{BIN, Server};

fn write(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("openglip.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The binary with only `args` (none of the suite's usual flags) and none of the variables.
fn bare(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for v in [
        "OPENGLIP_DATA_DIR",
        "OPENGLIP_DATABASE_URL",
        "OPENGLIP_CONFIG",
        "OPENGLIP_LOG_FORMAT",
        "OPENGLIP_LISTEN",
        "OPENGLIP_PUBLIC_URL",
        "OPENGLIP_RATE_LIMITS",
    ] {
        cmd.env_remove(v);
    }
    cmd
}

/// The error of a run that must fail (the JSON on the last line of its stderr).
fn refused(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    assert!(!out.status.success(), "it succeeded");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let v: Value = serde_json::from_str(stderr.trim().lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stderr}"));
    v["error"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn file_settings_apply_below_flags_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(
        dir.path(),
        &format!(
            "# the operator's settings\nlisten = \"127.0.0.1:0\"\nrate_limits = \"off\"\ndata-dir = {:?}\nlog-format = \"xml\"\nwebhook-allow-private = false\n",
            data.to_str().unwrap()
        ),
    );
    let config = file.to_str().unwrap();

    // The admin command writes where the file says.
    let out = bare(&[
        "admin",
        "account",
        "create",
        "--config",
        config,
        "--name",
        "Acme",
        "--admin-email",
        "alice@acme.test",
        "--admin-password",
        "correct-horse-battery",
    ])
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.join("openglip.db").is_file());

    // The file's log format applies (and is refused, saying which flag).
    let e = refused(bare(&["serve", "--config", config]));
    assert!(e.contains("--log-format"), "{e}");
    // The environment wins over the file…
    let mut cmd = bare(&["serve", "--config", config]);
    cmd.env("OPENGLIP_LOG_FORMAT", "text");
    drop(Server::spawn(cmd));
    // …and so does a flag, also with the file named by the environment.
    let mut cmd = bare(&["serve", "--log-format", "json"]);
    cmd.env("OPENGLIP_CONFIG", config);
    let server = Server::spawn(cmd);
    // It serves the data of the file's folder.
    let r = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn unknown_keys_and_unreadable_files_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "lisen = \"127.0.0.1:0\"\n");
    let e = refused(bare(&["serve", "--config", file.to_str().unwrap()]));
    assert!(e.contains("\"lisen\""), "{e}");
    let file = write(dir.path(), "listen = [\"a\", \"b\"]\n");
    let e = refused(bare(&["serve", "--config", file.to_str().unwrap()]));
    assert!(e.contains("listen"), "{e}");
    let file = write(dir.path(), "listen = \n");
    let e = refused(bare(&["serve", "--config", file.to_str().unwrap()]));
    assert!(e.contains("openglip.toml"), "{e}");
    let missing = dir.path().join("nope.toml");
    let e = refused(bare(&["serve", "--config", missing.to_str().unwrap()]));
    assert!(e.contains("cannot read the configuration file"), "{e}");
}
