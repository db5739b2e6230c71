//! What the receivers record and how the run's figures are read: delivery latencies per
//! receiver, the post a notification carries (read cheaply, or by parsing the whole frame), and
//! the CPU time the server and the tool itself spent, so that a run on shared cores shows how
//! the work split between them.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// What one receiver (a WebSocket subscriber, or a WebHook subscription) got: the latency of
/// every first delivery of a post (µs), the posts seen (for losses) and the repeats.
#[derive(Default)]
pub struct Received {
    pub latencies: Vec<u64>,
    pub keys: HashSet<u64>,
    pub duplicates: u64,
}

/// Every receiver's record, each behind a lock of its own (a receiver takes only its own, so
/// receivers never wait for each other), and the count of first deliveries across all of them.
pub struct Receivers {
    each: Vec<Mutex<Received>>,
    got: AtomicUsize,
}

impl Receivers {
    pub fn new(n: usize) -> Arc<Receivers> {
        Arc::new(Receivers {
            each: (0..n).map(|_| Mutex::default()).collect(),
            got: AtomicUsize::new(0),
        })
    }

    /// Receiver `i` got post `key`, sent at `sent` µs, at `at` µs (both since the run's origin).
    pub fn record(&self, i: usize, key: u64, sent: u64, at: u64) {
        let mut r = self.each[i].lock().unwrap_or_else(|p| p.into_inner());
        if r.keys.insert(key) {
            r.latencies.push(at.saturating_sub(sent));
            self.got.fetch_add(1, Ordering::Relaxed);
        } else {
            r.duplicates += 1;
        }
    }

    /// First deliveries so far.
    pub fn got(&self) -> usize {
        self.got.load(Ordering::Relaxed)
    }

    /// All receivers' latencies and their duplicates, taken out.
    pub fn take(&self) -> (Vec<u64>, u64) {
        let mut latencies = Vec::new();
        let mut duplicates = 0;
        for r in &self.each {
            let mut r = r.lock().unwrap_or_else(|p| p.into_inner());
            latencies.append(&mut r.latencies);
            duplicates += r.duplicates;
        }
        (latencies, duplicates)
    }
}

/// The text of a post carries its unique key and its send-start time (µs since the run's origin).
pub fn post_text(key: u64, sent_us: u64) -> String {
    format!("load {key} {sent_us}")
}

/// The key and send time of a post's text made by [`post_text`].
pub fn parse_text(text: &str) -> Option<(u64, u64)> {
    let mut it = text.strip_prefix("load ")?.split(' ');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// The key and send time of the post a WSG `ServerNotification` frame carries, read without
/// parsing the frame: its meta names the type, and the post's `"text":"load K T"` needs no
/// escaping, so the first such field is the post's (the envelope's fields before `body` are
/// ids and a timestamp). What every subscriber does with every frame, so it must be cheap: on
/// two shared cores the tool's own parsing competes with the server it measures.
pub fn cheap_frame(frame: &str) -> Option<(u64, u64)> {
    let meta_end = frame.find('}')?;
    if !frame[..meta_end].contains("\"type\":\"ServerNotification\"") {
        return None;
    }
    let at = frame.find("\"text\":\"load ")? + "\"text\":\"".len();
    let end = at + frame[at..].find('"')?;
    parse_text(&frame[at..end])
}

/// The same by parsing the whole frame as JSON (`--full-parse`: what a real client does, and
/// what this tool did before; kept to show what the parsing costs).
pub fn full_frame(frame: &str) -> Option<(u64, u64)> {
    let v: Value = serde_json::from_str(frame).ok()?;
    if v[0]["type"] != "ServerNotification" {
        return None;
    }
    v[1]["body"]["text"].as_str().and_then(parse_text)
}

/// CPU time (user + system) of process `pid` in seconds, from `/proc/<pid>/stat` (0 where it
/// cannot be read). The fields after the command name, which is in parentheses and may hold
/// spaces: utime and stime are the 12th and 13th of them, in clock ticks (100 per second).
pub fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return 0.0;
    };
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// Resident memory of process `pid` in KiB (0 where it cannot be read).
pub fn rss_kib(pid: u32) -> u64 {
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

/// Count, p50, p99 and max (ms) of latencies in µs.
pub fn summary(mut v: Vec<u64>) -> Value {
    v.sort_unstable();
    json!({"count": v.len(), "p50": pct(&v, 0.50), "p99": pct(&v, 0.99), "max": pct(&v, 1.0)})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cheap_reading_agrees_with_the_full_one() {
        let note = r#"[{"type":"ServerNotification","messageId":"m","status":200,"wsc":{"token":"t","sequence":3}},{"uuid":"u","event":"/team-messaging/v1/posts","timestamp":"x","subscriptionId":"s","ownerId":"1","body":{"id":"9","groupId":"2","type":"TextMessage","text":"load 17 123456","eventType":"PostAdded"}}]"#;
        assert_eq!(cheap_frame(note), Some((17, 123456)));
        assert_eq!(full_frame(note), Some((17, 123456)));
        let answer =
            r#"[{"type":"ClientRequest","messageId":"sub-1","status":200},{"text":"load 1 2"}]"#;
        assert_eq!(cheap_frame(answer), None);
        assert_eq!(full_frame(answer), None);
        let other = r#"[{"type":"ServerNotification"},{"body":{"text":"hello"}}]"#;
        assert_eq!(cheap_frame(other), None);
        assert_eq!(full_frame(other), None);
    }

    #[test]
    fn receivers_count_first_deliveries_and_repeats() {
        let r = Receivers::new(2);
        r.record(0, 1, 10, 30);
        r.record(1, 1, 10, 40);
        r.record(0, 1, 10, 50);
        assert_eq!(r.got(), 2);
        let (mut lat, dups) = r.take();
        lat.sort_unstable();
        assert_eq!((lat, dups), (vec![20, 30], 1));
    }

    #[test]
    fn own_cpu_time_is_read() {
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        assert!(x != 1);
        assert!(cpu_seconds("self") > 0.0);
        assert_eq!(cpu_seconds("no-such-process"), 0.0);
    }
}
