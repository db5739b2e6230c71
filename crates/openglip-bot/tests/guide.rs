//! Runs docs/first-bot.md as written: every `sh` block in order in one shell session (exported
//! variables carry over), `sh terminal-N` blocks as long-running processes (as in a terminal of
//! their own), checks that the `rust file=…` block is the file, and that the output of the last
//! command matches the `text output` block.
//!
//! Only three things are adapted: the port (8080 may be taken, a free one is used), the folder
//! (a temporary one), and `cargo run …` is resolved to the binary it runs (built already by the
//! test build; building again inside a test would be slow), with the arguments as written.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Block {
    info: String,
    body: String,
}

fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur: Option<Block> = None;
    for line in md.lines() {
        match (&mut cur, line.strip_prefix("```")) {
            (None, Some(info)) => {
                cur = Some(Block {
                    info: info.trim().to_string(),
                    body: String::new(),
                })
            }
            (Some(_), Some("")) => out.push(cur.take().unwrap()),
            (Some(b), _) => {
                b.body.push_str(line);
                b.body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

fn target_dir() -> PathBuf {
    // …/target/debug/deps/guide-<hash>
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

fn ensure_built(path: &Path, args: &[&str]) {
    if path.exists() {
        return;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .arg("build")
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "cargo build {args:?}");
}

struct Terminal {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Terminal {
    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(l) if l.contains(needle) => return,
                Ok(_) => {}
                Err(_) => panic!("no {needle:?} within 30 s"),
            }
        }
    }
}

/// The exported variables of the shell session so far.
fn session_env(dir: &Path) -> Vec<(String, String)> {
    let out = shell(dir, "env -0").output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split('\0')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A terminal's command run directly (not through a shell, so that it can be stopped by its
/// id): `NAME=value … program args…`, lines joined at `\`.
fn terminal_command(dir: &Path, block: &str) -> Command {
    let line = block.replace("\\\n", " ");
    let mut words = line.split_whitespace().peekable();
    let mut env = Vec::new();
    while let Some(w) = words.peek() {
        match w.split_once('=') {
            Some((k, v)) if k.chars().all(|c| c.is_ascii_uppercase() || c == '_') => {
                env.push((k.to_string(), v.to_string()));
                words.next();
            }
            _ => break,
        }
    }
    let program = words.next().expect("a program");
    let mut c = Command::new(program);
    c.current_dir(dir)
        .args(words)
        .env_clear()
        .envs(session_env(dir))
        .envs(env);
    c
}

fn shell(dir: &Path, script: &str) -> Command {
    let mut c = Command::new("bash");
    c.current_dir(dir)
        .arg("-c")
        .arg(format!(
            "set -euo pipefail\n[ -f .guide-env ] && source .guide-env\n{script}\nexport -p > .guide-env"
        ))
        .env_remove("BOT_TOKEN")
        .env_remove("OPENGLIP_SERVER");
    c
}

#[test]
fn the_first_bot_guide_works_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let md = std::fs::read_to_string(root.join("docs/first-bot.md")).unwrap();
    let target = target_dir();
    let openglip = target.join("openglip");
    let example = target.join("examples/first_bot");
    ensure_built(&openglip, &["-p", "openglip", "--bin", "openglip"]);
    ensure_built(&example, &["-p", "openglip-bot", "--example", "first_bot"]);
    let port = openglip_bot::harness::free_port();
    let adapt = |s: &str| {
        s.replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
            .replace(
                "cargo run -p openglip-bot --example first_bot",
                &example.display().to_string(),
            )
            .replace("cargo run -q -- ", &format!("{} ", openglip.display()))
            .replace("cargo run -- ", &format!("{} ", openglip.display()))
    };
    let dir = tempfile::tempdir().unwrap();
    let mut terminals = Vec::new();
    let mut last_sh: Option<String> = None;
    let mut checked_file = false;
    let mut checked_output = false;
    for b in blocks(&md) {
        let kind: Vec<&str> = b.info.split_whitespace().collect();
        match kind.as_slice() {
            ["sh", t] if t.starts_with("terminal-") => {
                let mut child = terminal_command(dir.path(), &adapt(&b.body))
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                let (tx, rx) = mpsc::channel();
                for out in [
                    Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
                    Box::new(child.stderr.take().unwrap()),
                ] {
                    let tx = tx.clone();
                    std::thread::spawn(move || {
                        for l in BufReader::new(out).lines().map_while(Result::ok) {
                            eprintln!("  {l}");
                            let _ = tx.send(l);
                        }
                    });
                }
                let t = Terminal { child, lines: rx };
                // What the guide says each terminal prints when it is up.
                if b.body.contains(" serve ") {
                    t.wait_for("openglip listening on");
                } else {
                    t.wait_for("bot ready");
                }
                terminals.push(t);
            }
            ["sh"] => {
                let out = shell(dir.path(), &adapt(&b.body)).output().unwrap();
                eprintln!("$ {}{}", b.body, String::from_utf8_lossy(&out.stdout));
                assert!(
                    out.status.success(),
                    "step failed: {}\n{}",
                    b.body,
                    String::from_utf8_lossy(&out.stderr)
                );
                last_sh = Some(b.body.clone());
            }
            ["rust", f] if f.starts_with("file=") => {
                let file = std::fs::read_to_string(root.join(&f["file=".len()..])).unwrap();
                assert_eq!(b.body, file, "the guide shows {f} as it is");
                checked_file = true;
            }
            ["text", "output"] => {
                // The bot answers within moments: read again until it has.
                let script = adapt(last_sh.as_deref().expect("a command before its output"));
                let deadline = Instant::now() + Duration::from_secs(20);
                loop {
                    let out = shell(dir.path(), &script).output().unwrap();
                    let got = String::from_utf8_lossy(&out.stdout).to_string();
                    // The greeting and Ada's "hi" may land in either order.
                    let sorted = |t: &str| {
                        let mut l: Vec<String> = t.lines().map(|l| l.trim().to_string()).collect();
                        l.sort();
                        l
                    };
                    if sorted(&got) == sorted(&b.body) {
                        break;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "expected\n{}\ngot\n{got}",
                        b.body
                    );
                    std::thread::sleep(Duration::from_millis(300));
                }
                checked_output = true;
            }
            _ => {}
        }
    }
    assert!(checked_file && checked_output && terminals.len() == 2);
}
