//! `openglip-load`: measures the create-post path of a real `openglip serve` process.
//!
//! It provisions a fresh data folder with `openglip admin`, starts `openglip serve` on a free
//! loopback port with rate limits off, logs one user in per sender, and has every sender post
//! into one shared team over its own keep-alive connection. It reports posts/s, post latency
//! percentiles and the server's resident memory (idle and after the run).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};

#[derive(Parser, Debug)]
#[command(about = "Load generator for openglip")]
struct Args {
    /// The openglip binary (default: next to this one).
    #[arg(long)]
    openglip: Option<PathBuf>,
    /// Concurrent senders, each with its own connection and user.
    #[arg(long, default_value_t = 16)]
    senders: usize,
    /// Posts to send in all (after warm-up).
    #[arg(long, default_value_t = 50_000)]
    posts: usize,
    /// Target rate in posts/s across all senders (0: as fast as possible).
    #[arg(long, default_value_t = 0)]
    rate: u64,
    /// Data folder (default: a new temporary one, removed afterwards).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn admin(bin: &Path, data: &Path, args: &[&str]) -> Value {
    let out = Command::new(bin)
        .arg("admin")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .expect("run openglip admin");
    assert!(
        out.status.success(),
        "openglip admin {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("admin prints JSON")
}

fn start(bin: &Path, data: &Path) -> Server {
    use std::io::BufRead;
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-limits",
            "off",
            "--data-dir",
        ])
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start openglip serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let base = loop {
        let line = lines.next().expect("server exited").expect("read stdout");
        if let Some(rest) = line.strip_prefix("openglip listening on ") {
            break rest.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server { child, base }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let bin = args.openglip.clone().unwrap_or_else(|| {
        let me = std::env::current_exe().expect("own path");
        me.with_file_name("openglip")
    });
    let tmp;
    let data = match &args.data_dir {
        Some(d) => d.clone(),
        None => {
            tmp = std::env::temp_dir().join(format!("openglip-load-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            tmp.clone()
        }
    };
    let password = "load-test-password";
    let acct = admin(
        &bin,
        &data,
        &[
            "account",
            "create",
            "--name",
            "Load Inc",
            "--admin-email",
            "admin@load.test",
            "--admin-password",
            password,
        ],
    );
    let account_id = acct["accountId"].as_str().unwrap().to_string();
    let app = admin(
        &bin,
        &data,
        &[
            "app",
            "create",
            "--account-id",
            &account_id,
            "--name",
            "load",
            "--grant",
            "password",
            "--permission",
            "TeamMessaging",
        ],
    );
    let (cid, secret) = (
        app["clientId"].as_str().unwrap().to_string(),
        app["clientSecret"].as_str().unwrap().to_string(),
    );
    let mut emails = vec!["admin@load.test".to_string()];
    for i in 1..args.senders {
        let email = format!("sender{i}@load.test");
        admin(
            &bin,
            &data,
            &[
                "user",
                "create",
                "--account-id",
                &account_id,
                "--email",
                &email,
                "--first-name",
                "Sender",
                "--last-name",
                &i.to_string(),
                "--password",
                password,
            ],
        );
        emails.push(email);
    }
    let server = start(&bin, &data);
    let base = server.base.clone();
    let pid = server.child.id();
    let setup = reqwest::Client::new();
    let mut tokens = Vec::new();
    for email in &emails {
        let r: Value = setup
            .post(format!("{base}/restapi/oauth/token"))
            .basic_auth(&cid, Some(&secret))
            .form(&[
                ("grant_type", "password"),
                ("username", email.as_str()),
                ("password", password),
            ])
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("token json");
        tokens.push(
            r["access_token"]
                .as_str()
                .expect("access_token")
                .to_string(),
        );
    }
    let members: Vec<Value> = emails[1..].iter().map(|e| json!({"email": e})).collect();
    let team: Value = setup
        .post(format!("{base}/team-messaging/v1/teams"))
        .bearer_auth(&tokens[0])
        .json(&json!({"name": "Load", "public": true, "members": members}))
        .send()
        .await
        .expect("create team")
        .json()
        .await
        .expect("team json");
    let chat = team["id"].as_str().expect("team id").to_string();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_rss = rss_kib(pid);

    let url = format!("{base}/team-messaging/v1/chats/{chat}/posts");
    let per_sender = args.posts.div_ceil(args.senders);
    let interval =
        (args.rate > 0).then(|| Duration::from_secs_f64(args.senders as f64 / args.rate as f64));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for token in tokens.clone() {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            let mut lat = Vec::with_capacity(per_sender);
            let mut errors = 0usize;
            let t0 = Instant::now();
            for i in 0..per_sender {
                if let Some(iv) = interval {
                    let due = t0 + iv * i as u32;
                    tokio::time::sleep_until(due.into()).await;
                }
                let s = Instant::now();
                let ok = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"text": format!("load post {i}")}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16() == 201)
                    .unwrap_or(false);
                lat.push(s.elapsed().as_micros() as u64);
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.expect("sender");
        all.extend(l);
        errors += e;
    }
    let secs = started.elapsed().as_secs_f64();
    let busy_rss = rss_kib(pid);
    all.sort_unstable();
    let report = json!({
        "senders": args.senders,
        "posts": all.len(),
        "errors": errors,
        "seconds": (secs * 1000.0).round() / 1000.0,
        "postsPerSecond": (all.len() as f64 / secs).round(),
        "latencyMs": {"p50": pct(&all, 0.50), "p99": pct(&all, 0.99), "max": pct(&all, 1.0)},
        "serverRssKiB": {"idle": idle_rss, "afterRun": busy_rss},
    });
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    drop(server);
    if args.data_dir.is_none() {
        let _ = std::fs::remove_dir_all(&data);
    }
    if errors > 0 {
        std::process::exit(1);
    }
}
