//! `openglip-load`: measures a real `openglip serve` process.
//!
//! It provisions a fresh data folder with `openglip admin`, starts `openglip serve` on a free
//! loopback port with rate limits off, logs in one user per sender and per subscriber, and puts
//! them all in one team. `M` WebSocket subscribers (the WSG protocol RingCentral's SDKs speak)
//! and `K` WebHook subscribers listen to `/team-messaging/v1/posts` while `N` senders post into
//! the team over keep-alive connections, as fast as they can or at a set rate. Each post's text
//! carries its send-start time, so every receiver measures delivery latency (send start →
//! receipt). It reports posts/s, post latency, delivery latency per transport, events lost
//! (expected deliveries that never arrived), the server's resident memory, and the CPU time the
//! server and this tool spent (`measure.rs`: on shared cores, each subscriber reads only the post's
//! key and send time from a frame unless `--full-parse` asks for the whole frame parsed). With
//! `--idle-connections C` it instead opens C WebSocket connections and holds them; with
//! `--upload-size B` the senders upload files of B bytes instead of posting (`uploads.rs`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;

mod measure;
mod uploads;
use futures_util::{SinkExt, StreamExt};
use measure::{Receivers, cpu_seconds, parse_text, post_text, rss_kib, summary};
use openglip_wire::{self as w, wsg};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser, Debug)]
#[command(about = "Load generator for openglip")]
struct Args {
    /// The openglip binary (default: next to this one).
    #[arg(long)]
    openglip: Option<PathBuf>,
    /// Concurrent senders, each with its own connection and user.
    #[arg(long, default_value_t = 16)]
    senders: usize,
    /// Posts to send in all.
    #[arg(long, default_value_t = 50_000)]
    posts: usize,
    /// Target rate in posts/s across all senders (0: as fast as possible).
    #[arg(long, default_value_t = 0)]
    rate: u64,
    /// WebSocket subscribers (each its own user and connection).
    #[arg(long, default_value_t = 0)]
    ws_subscribers: usize,
    /// WebHook subscribers (each its own user and subscription, all to one local receiver).
    #[arg(long, default_value_t = 0)]
    webhooks: usize,
    /// Instead of the post run: open this many WebSocket connections, hold them, report memory.
    #[arg(long, default_value_t = 0)]
    idle_connections: usize,
    /// Seconds to wait for the last deliveries after the last post.
    #[arg(long, default_value_t = 30)]
    drain_secs: u64,
    /// Instead of posts: upload files of this many bytes (`--posts` of them in all).
    #[arg(long, default_value_t = 0)]
    upload_size: usize,
    /// Data folder (default: a new temporary one, removed afterwards).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Server processes: more than one makes a cluster (needs `OPENGLIP_DATABASE_URL` and
    /// `OPENGLIP_NATS_URL` in the environment; a fresh NATS prefix per run). Senders, WebSocket
    /// subscribers and WebHook subscriptions are spread over the nodes in turn.
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// WebSocket subscribers parse every frame as JSON (as a real client does) instead of
    /// reading only the post's key and send time: shows what the tool's own parsing costs.
    #[arg(long)]
    full_parse: bool,
}

const PASSWORD: &str = "load-test-password";

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

fn start(bin: &Path, data: &Path, prefix: &str) -> Server {
    use std::io::BufRead;
    let mut cmd = Command::new(bin);
    if !prefix.is_empty() {
        cmd.env("OPENGLIP_NATS_PREFIX", prefix);
    }
    let mut child = cmd
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-limits",
            "off",
            "--webhook-allow-private",
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

/// A subscription to posts over `transport` (`WebSocket`, or `WebHook` to `address`).
fn subscription(transport: &str, address: Option<String>) -> w::SubscriptionRequest {
    w::SubscriptionRequest {
        event_filters: Some(vec!["/team-messaging/v1/posts".into()]),
        delivery_mode: Some(w::DeliveryModeRequest {
            transport_type: Some(transport.into()),
            address,
            ..Default::default()
        }),
        expires_in: Some(Value::from(3600)),
    }
}

async fn login(http: &reqwest::Client, base: &str, cid: &str, secret: &str, email: &str) -> String {
    let r: Value = http
        .post(format!("{base}/restapi/oauth/token"))
        .basic_auth(cid, Some(secret))
        .form(&[
            ("grant_type", "password"),
            ("username", email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("token json");
    r["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// Connects one WSG session: wstoken, upgrade, ConnectionDetails, then (optionally) subscribes.
async fn ws_connect(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    subscribe: bool,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let t: Value = http
        .post(format!("{base}/restapi/oauth/wstoken"))
        .bearer_auth(token)
        .send()
        .await
        .expect("wstoken")
        .json()
        .await
        .expect("wstoken json");
    let uri = format!(
        "{}?access_token={}",
        t["uri"].as_str().expect("uri"),
        t["ws_access_token"].as_str().expect("ws token")
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(uri)
        .await
        .expect("ws connect");
    let first = ws.next().await.expect("first frame").expect("ws read");
    let v: Value = serde_json::from_str(first.to_text().unwrap_or("[]")).unwrap_or(Value::Null);
    assert_eq!(v[0]["type"], "ConnectionDetails", "first frame: {v}");
    if subscribe {
        let meta = wsg::Meta {
            message_id: Some("sub-1".into()),
            method: Some("POST".into()),
            path: Some("/restapi/v1.0/subscription/".into()),
            ..wsg::Meta::new(wsg::MessageType::ClientRequest)
        };
        let body = serde_json::to_string(&subscription("WebSocket", None)).expect("request");
        ws.send(Message::Text(wsg::frame(&meta, Some(&body)).into()))
            .await
            .expect("ws send");
        loop {
            let m = ws
                .next()
                .await
                .expect("subscription answer")
                .expect("ws read");
            let v: Value = serde_json::from_str(m.to_text().unwrap_or("[]")).unwrap_or(Value::Null);
            if v[0]["messageId"] == "sub-1" {
                assert_eq!(v[0]["status"], 200, "subscribe: {v}");
                break;
            }
        }
    }
    ws
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let bin = args.openglip.clone().unwrap_or_else(|| {
        std::env::current_exe()
            .expect("own path")
            .with_file_name("openglip")
    });
    let data = args.data_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("openglip-load-{}", std::process::id()))
    });
    if args.data_dir.is_none() {
        let _ = std::fs::remove_dir_all(&data);
    }
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
            PASSWORD,
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
            "--permission",
            "WebSocket",
            "--permission",
            "SubscriptionWebhook",
        ],
    );
    let (cid, secret) = (
        app["clientId"].as_str().unwrap().to_string(),
        app["clientSecret"].as_str().unwrap().to_string(),
    );
    let people = if args.idle_connections > 0 {
        1
    } else {
        args.senders + args.ws_subscribers + args.webhooks
    };
    let mut emails = vec!["admin@load.test".to_string()];
    for i in 1..people {
        let email = format!("user{i}@load.test");
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
                "User",
                "--last-name",
                &i.to_string(),
                "--password",
                PASSWORD,
            ],
        );
        emails.push(email);
    }
    assert!(
        args.nodes <= 1
            || (std::env::var("OPENGLIP_NATS_URL").is_ok()
                && std::env::var("OPENGLIP_DATABASE_URL").is_ok()),
        "--nodes needs OPENGLIP_DATABASE_URL and OPENGLIP_NATS_URL"
    );
    let prefix = if args.nodes > 1 {
        format!("load{}", std::process::id())
    } else {
        String::new()
    };
    let servers: Vec<Server> = (0..args.nodes.max(1))
        .map(|_| start(&bin, &data, &prefix))
        .collect();
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let server = &servers[0];
    let base = server.base.clone();
    let pid = server.child.id();
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for email in &emails {
        tokens.push(login(&http, &base, &cid, &secret, email).await);
    }

    if args.idle_connections > 0 {
        idle(&args, &http, &base, &tokens[0], pid).await;
        drop(servers);
        if args.data_dir.is_none() {
            let _ = std::fs::remove_dir_all(&data);
        }
        return;
    }

    let members = emails[1..]
        .iter()
        .map(|e| w::MemberSpec::Object {
            id: None,
            email: Some(e.clone()),
        })
        .collect();
    let team: Value = http
        .post(format!("{base}/team-messaging/v1/teams"))
        .bearer_auth(&tokens[0])
        .json(&w::CreateTeamRequest {
            public: Some(true),
            name: Some("Load".into()),
            description: None,
            members: Some(members),
        })
        .send()
        .await
        .expect("create team")
        .json()
        .await
        .expect("team json");
    let chat = team["id"].as_str().expect("team id").to_string();

    if args.upload_size > 0 {
        let report = uploads::run(
            &base,
            &tokens[..args.senders],
            &chat,
            args.posts,
            args.upload_size,
            pid,
        )
        .await;
        println!("{}", serde_json::to_string_pretty(&report).unwrap());
        drop(servers);
        if args.data_dir.is_none() {
            let _ = std::fs::remove_dir_all(&data);
        }
        if report["uploadErrors"].as_u64().unwrap_or(1) > 0 {
            std::process::exit(1);
        }
        return;
    }

    let origin = Instant::now();
    let ws_received = Receivers::new(args.ws_subscribers);
    let hook_received = Receivers::new(args.webhooks);

    // WebSocket subscribers.
    let sub_tokens = &tokens[args.senders..args.senders + args.ws_subscribers];
    let read = if args.full_parse {
        measure::full_frame
    } else {
        measure::cheap_frame
    };
    for (i, token) in sub_tokens.iter().enumerate() {
        let mut ws = ws_connect(&http, &bases[i % bases.len()], token, true).await;
        let rec = ws_received.clone();
        tokio::spawn(async move {
            while let Some(Ok(m)) = ws.next().await {
                let at = origin.elapsed().as_micros() as u64;
                let Ok(text) = m.to_text() else { continue };
                if let Some((key, sent)) = read(text) {
                    rec.record(i, key, sent, at);
                }
            }
        });
    }

    // WebHook subscribers: one local receiver, one subscription per subscriber (path /hook/{i}).
    if args.webhooks > 0 {
        let rec = hook_received.clone();
        let rec_len = args.webhooks;
        let app = axum::Router::new().route(
            "/hook/{i}",
            axum::routing::post(
                move |axum::extract::Path(i): axum::extract::Path<usize>,
                      headers: axum::http::HeaderMap,
                      body: String| {
                    let rec = rec.clone();
                    async move {
                        let at = origin.elapsed().as_micros() as u64;
                        if let Some(t) = headers.get("validation-token") {
                            return (
                                [("Validation-Token", t.to_str().unwrap_or("").to_string())],
                                String::new(),
                            );
                        }
                        if let Ok(v) = serde_json::from_str::<Value>(&body)
                            && let Some((key, sent)) =
                                v["body"]["text"].as_str().and_then(parse_text)
                            && i < rec_len
                        {
                            rec.record(i, key, sent, at);
                        }
                        (
                            [("Content-Type", "application/json".to_string())],
                            String::new(),
                        )
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        for (i, token) in tokens[args.senders + args.ws_subscribers..]
            .iter()
            .enumerate()
        {
            let r = http
                .post(format!(
                    "{}/restapi/v1.0/subscription",
                    bases[i % bases.len()]
                ))
                .bearer_auth(token)
                .json(&subscription(
                    "WebHook",
                    Some(format!("http://{addr}/hook/{i}")),
                ))
                .send()
                .await
                .expect("webhook subscription");
            assert!(
                r.status().is_success(),
                "webhook subscription failed: {}",
                r.text().await.unwrap_or_default()
            );
        }
    }

    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_rss = rss_kib(pid);

    let urls: Vec<String> = bases
        .iter()
        .map(|b| format!("{b}/team-messaging/v1/chats/{chat}/posts"))
        .collect();
    let per_sender = args.posts.div_ceil(args.senders);
    let pids: Vec<String> = servers.iter().map(|s| s.child.id().to_string()).collect();
    let server_cpu0: f64 = pids.iter().map(|p| cpu_seconds(p)).sum();
    let tool_cpu0 = cpu_seconds("self");
    let interval =
        (args.rate > 0).then(|| Duration::from_secs_f64(args.senders as f64 / args.rate as f64));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (s, token) in tokens[..args.senders].iter().cloned().enumerate() {
        let url = urls[s % urls.len()].clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            let mut lat = Vec::with_capacity(per_sender);
            let mut ok_keys = Vec::with_capacity(per_sender);
            let t0 = Instant::now();
            for i in 0..per_sender {
                if let Some(iv) = interval {
                    // Spread senders over the interval so the aggregate rate is smooth.
                    let due = t0 + iv.mul_f64(i as f64 + s as f64 / 16.0);
                    tokio::time::sleep_until(due.into()).await;
                }
                let key = (s * per_sender + i) as u64;
                let s0 = Instant::now();
                let sent = origin.elapsed().as_micros() as u64;
                let ok = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&w::CreatePostRequest {
                        text: Some(post_text(key, sent)),
                        ..Default::default()
                    })
                    .send()
                    .await
                    .map(|r| r.status().as_u16() == 201)
                    .unwrap_or(false);
                lat.push(s0.elapsed().as_micros() as u64);
                if ok {
                    ok_keys.push(key);
                }
            }
            (lat, ok_keys)
        }));
    }
    let mut post_lat = Vec::new();
    let mut acked = Vec::new();
    for t in tasks {
        let (l, k) = t.await.expect("sender");
        post_lat.extend(l);
        acked.extend(k);
    }
    let secs = started.elapsed().as_secs_f64();
    let busy_rss = rss_kib(pid);

    // Wait for deliveries of every acknowledged post.
    let expected_ws = acked.len() * args.ws_subscribers;
    let expected_hooks = acked.len() * args.webhooks;
    let deadline = Instant::now() + Duration::from_secs(args.drain_secs);
    loop {
        let got_ws = ws_received.got();
        let got_hooks = hook_received.got();
        if (got_ws >= expected_ws && got_hooks >= expected_hooks) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = started.elapsed().as_secs_f64();
    let (server_cpu, tool_cpu) = (
        pids.iter().map(|p| cpu_seconds(p)).sum::<f64>() - server_cpu0,
        cpu_seconds("self") - tool_cpu0,
    );
    let (got_ws, got_hooks) = (ws_received.got(), hook_received.got());
    let (ws_lat, ws_dups) = ws_received.take();
    let (hook_lat, hook_dups) = hook_received.take();
    let lost =
        (expected_ws - got_ws.min(expected_ws)) + (expected_hooks - got_hooks.min(expected_hooks));
    let deliveries = (got_ws + got_hooks) as f64;
    let round = |x: f64| (x * 100.0).round() / 100.0;
    let posts_n = post_lat.len();
    let report = json!({
        "nodes": args.nodes.max(1),
        "senders": args.senders,
        "rateTarget": args.rate,
        "posts": post_lat.len(),
        "postErrors": post_lat.len() - acked.len(),
        "seconds": (secs * 1000.0).round() / 1000.0,
        "postsPerSecond": (post_lat.len() as f64 / secs).round(),
        "postLatencyMs": summary(post_lat),
        "webSocket": {"subscribers": args.ws_subscribers, "expected": expected_ws, "deliveryLatencyMs": summary(ws_lat), "duplicates": ws_dups, "fullParse": args.full_parse},
        "webHook": {"subscribers": args.webhooks, "expected": expected_hooks, "deliveryLatencyMs": summary(hook_lat), "duplicates": hook_dups},
        // From the first post until the last delivery arrived (or the drain gave up).
        "cpu": {
            "seconds": round(drained),
            "serverSeconds": round(server_cpu),
            "toolSeconds": round(tool_cpu),
            "serverUsPerPost": round(server_cpu * 1e6 / posts_n.max(1) as f64),
            "serverUsPerDelivery": (deliveries > 0.0).then(|| round(server_cpu * 1e6 / deliveries)),
            "toolUsPerDelivery": (deliveries > 0.0).then(|| round(tool_cpu * 1e6 / deliveries)),
        },
        "eventsLost": lost,
        "serverRssKiB": {"idle": idle_rss, "afterRun": busy_rss},
    });
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    drop(servers);
    if args.data_dir.is_none() {
        let _ = std::fs::remove_dir_all(&data);
    }
    if lost > 0 || post_lat_errors(&report) {
        std::process::exit(1);
    }
}

fn post_lat_errors(report: &Value) -> bool {
    report["postErrors"].as_u64().unwrap_or(0) > 0
}

/// Opens `idle_connections` WebSocket connections and holds them; reports the server's memory.
async fn idle(args: &Args, http: &reqwest::Client, base: &str, token: &str, pid: u32) {
    let before = rss_kib(pid);
    let mut conns = Vec::with_capacity(args.idle_connections);
    let started = Instant::now();
    for _ in 0..args.idle_connections {
        conns.push(ws_connect(http, base, token, false).await);
    }
    let opened = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Every connection still open: send a heartbeat on each and read its echo.
    let mut alive = 0usize;
    for ws in conns.iter_mut() {
        let hb = wsg::frame(
            &wsg::Meta {
                message_id: Some("hb".into()),
                ..wsg::Meta::new(wsg::MessageType::Heartbeat)
            },
            None,
        );
        if ws.send(Message::Text(hb.into())).await.is_ok()
            && let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(5), ws.next()).await
        {
            alive += 1;
        }
    }
    let report = json!({
        "idleConnections": args.idle_connections,
        "alive": alive,
        "secondsToOpen": (opened * 1000.0).round() / 1000.0,
        "serverRssKiB": {"before": before, "holding": rss_kib(pid)},
    });
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    if alive < args.idle_connections {
        std::process::exit(1);
    }
}
