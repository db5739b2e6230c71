//! `--upload-size BYTES`: instead of posts, each sender uploads files of that size into the
//! team (`POST /team-messaging/v1/files?groupId=…&name=…`, the bare body), each with different
//! content (every upload is hashed, staged, synced and recorded with its post). Reports
//! uploads/s, MB/s, upload latency and the server's memory: a body is streamed to disk, never
//! held whole, so memory should not grow with the file size.

use std::time::Instant;

use serde_json::{Value, json};

use crate::{rss_kib, summary};

/// The run's figures.
pub async fn run(
    base: &str,
    tokens: &[String],
    chat: &str,
    uploads: usize,
    size: usize,
    pid: u32,
) -> Value {
    let idle_rss = rss_kib(pid);
    let per_sender = uploads.div_ceil(tokens.len());
    let url = format!("{base}/team-messaging/v1/files?groupId={chat}");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (s, token) in tokens.iter().cloned().enumerate() {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            let mut lat = Vec::with_capacity(per_sender);
            let mut errors = 0usize;
            for i in 0..per_sender {
                // Different content every time: its first bytes are the sender and the number.
                let mut body = vec![b'x'; size];
                let tag = format!("{s}:{i}:");
                let n = tag.len().min(size);
                body[..n].copy_from_slice(&tag.as_bytes()[..n]);
                let t = Instant::now();
                let ok = client
                    .post(format!("{url}&name=load-{s}-{i}.bin"))
                    .bearer_auth(&token)
                    .header("content-type", "application/octet-stream")
                    .body(body)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                lat.push(t.elapsed().as_micros() as u64);
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.expect("uploader");
        lat.extend(l);
        errors += e;
    }
    let secs = started.elapsed().as_secs_f64();
    let done = lat.len();
    json!({
        "uploaders": tokens.len(),
        "uploads": done,
        "uploadErrors": errors,
        "bytesEach": size,
        "seconds": (secs * 1000.0).round() / 1000.0,
        "uploadsPerSecond": (done as f64 / secs * 10.0).round() / 10.0,
        "megabytesPerSecond": ((done * size) as f64 / secs / 1_000_000.0 * 10.0).round() / 10.0,
        "uploadLatencyMs": summary(lat),
        "serverRssKiB": {"idle": idle_rss, "afterRun": rss_kib(pid)},
    })
}
