//! Prometheus metrics, rendered by hand at `GET /metrics`:
//!
//! - per operation: requests by status class, and a latency histogram;
//! - real-time delivery: open WebSocket connections, subscriptions by transport (and how many
//!   WebHooks are catching up from the outbox), WebHook deliveries by outcome with their
//!   latency, and the outbox lag (events committed that the hub has not routed yet);
//! - the database: the store's reading connections open and in use, its writer's batches and
//!   jobs;
//! - the process's resident memory.
//!
//! Recording is a few relaxed atomic additions (no lock, no allocation), so it costs nothing
//! measurable per request; everything else is read when scraped.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Upper bounds of the latency buckets, in microseconds (1 ms … 10 s; Prometheus's usual
/// spread), and as the `le` labels say them.
const BUCKETS_US: [u64; 12] = [
    1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
    10_000_000,
];
const BUCKET_LABELS: [&str; 12] = [
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "10",
];

/// A latency histogram: counts per bucket (not cumulative: one addition per observation), the
/// count beyond the last bucket, and the sum.
#[derive(Default)]
pub struct Histogram {
    buckets: [AtomicU64; 12],
    over: AtomicU64,
    micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, micros: u64) {
        match BUCKETS_US.iter().position(|b| micros <= *b) {
            Some(i) => &self.buckets[i],
            None => &self.over,
        }
        .fetch_add(1, Ordering::Relaxed);
        self.micros.fetch_add(micros, Ordering::Relaxed);
    }

    fn count(&self) -> u64 {
        self.buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .sum::<u64>()
            + self.over.load(Ordering::Relaxed)
    }

    /// The `_bucket`, `_sum` and `_count` lines of `name` with `labels` (`k="v"`, or empty).
    fn render(&self, s: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (b, le) in self.buckets.iter().zip(BUCKET_LABELS) {
            cumulative += b.load(Ordering::Relaxed);
            let _ = writeln!(s, "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {cumulative}");
        }
        let count = cumulative + self.over.load(Ordering::Relaxed);
        let _ = writeln!(s, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
        let sum = self.micros.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = |l: &str| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{{{l}}}")
            }
        };
        let _ = writeln!(s, "{name}_sum{} {sum:.6}", braces(labels));
        let _ = writeln!(s, "{name}_count{} {count}", braces(labels));
    }
}

#[derive(Default)]
pub struct OpMetrics {
    pub ok: AtomicU64,
    pub client_errors: AtomicU64,
    pub server_errors: AtomicU64,
    pub latency: Histogram,
}

/// Real-time delivery's counters, process-wide (the transports record into them).
#[derive(Default)]
pub struct Delivery {
    /// WebSocket connections open now.
    pub websockets: AtomicI64,
    /// WebHook notifications the receiver accepted, and those it did not (each attempt).
    pub webhook_ok: AtomicU64,
    pub webhook_failed: AtomicU64,
    /// How long each WebHook attempt took.
    pub webhook_latency: Histogram,
    /// From an event's commit to its WebHook notification accepted (retries and catching up
    /// included).
    pub event_latency: Histogram,
}

/// The process's real-time delivery counters.
pub static DELIVERY: std::sync::LazyLock<Delivery> = std::sync::LazyLock::new(Delivery::default);

/// Counts a WebSocket connection as open while it lives.
pub struct WebSocketOpen(());

impl WebSocketOpen {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        DELIVERY.websockets.fetch_add(1, Ordering::Relaxed);
        WebSocketOpen(())
    }
}

impl Drop for WebSocketOpen {
    fn drop(&mut self) {
        DELIVERY.websockets.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What is read when scraped, from the hub and the store.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub webhook_subscriptions: usize,
    pub websocket_subscriptions: usize,
    /// WebHook subscriptions reading the outbox to catch up.
    pub webhook_lagging: usize,
    /// Events committed but not routed yet; None when the store did not answer.
    pub outbox_lag: Option<i64>,
    pub pool: openglip_domain::store::PoolStats,
}

pub struct Metrics {
    ops: Vec<(&'static str, OpMetrics)>,
    pub unmatched: AtomicU64,
}

impl Metrics {
    pub fn new(op_ids: impl IntoIterator<Item = &'static str>) -> Self {
        Metrics {
            ops: op_ids
                .into_iter()
                .map(|id| (id, OpMetrics::default()))
                .collect(),
            unmatched: AtomicU64::new(0),
        }
    }

    pub fn record(&self, op: usize, status: u16, micros: u64) {
        let Some((_, m)) = self.ops.get(op) else {
            return;
        };
        match status {
            500.. => &m.server_errors,
            400..=499 => &m.client_errors,
            _ => &m.ok,
        }
        .fetch_add(1, Ordering::Relaxed);
        m.latency.observe(micros);
    }

    pub fn render(&self, snap: &Snapshot) -> String {
        let mut s = String::with_capacity(16 * 1024);
        s.push_str(
            "# HELP openglip_http_requests_total HTTP requests by operation and status class.\n",
        );
        s.push_str("# TYPE openglip_http_requests_total counter\n");
        for (id, m) in &self.ops {
            for (class, v) in [
                ("2xx", &m.ok),
                ("4xx", &m.client_errors),
                ("5xx", &m.server_errors),
            ] {
                let v = v.load(Ordering::Relaxed);
                if v > 0 {
                    let _ = writeln!(
                        s,
                        "openglip_http_requests_total{{operation=\"{id}\",status=\"{class}\"}} {v}"
                    );
                }
            }
        }
        s.push_str("# HELP openglip_http_request_duration_seconds Time to answer, per operation (operations called at least once).\n");
        s.push_str("# TYPE openglip_http_request_duration_seconds histogram\n");
        for (id, m) in &self.ops {
            if m.latency.count() > 0 {
                m.latency.render(
                    &mut s,
                    "openglip_http_request_duration_seconds",
                    &format!("operation=\"{id}\""),
                );
            }
        }
        let _ = writeln!(
            s,
            "# HELP openglip_http_unmatched_total Requests for unknown paths.\n# TYPE openglip_http_unmatched_total counter\nopenglip_http_unmatched_total {}",
            self.unmatched.load(Ordering::Relaxed)
        );
        render_delivery(&mut s, snap);
        render_pool(&mut s, &snap.pool);
        if let Some(rss) = resident_memory_bytes() {
            let _ = writeln!(
                s,
                "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {rss}"
            );
        }
        s
    }
}

fn render_delivery(s: &mut String, snap: &Snapshot) {
    let d = &*DELIVERY;
    let _ = writeln!(
        s,
        "# HELP openglip_websocket_connections WebSocket connections open.\n# TYPE openglip_websocket_connections gauge\nopenglip_websocket_connections {}",
        d.websockets.load(Ordering::Relaxed).max(0)
    );
    let _ = writeln!(
        s,
        "# HELP openglip_subscriptions Live event subscriptions by transport.\n# TYPE openglip_subscriptions gauge\nopenglip_subscriptions{{transport=\"WebHook\"}} {}\nopenglip_subscriptions{{transport=\"WebSocket\"}} {}",
        snap.webhook_subscriptions, snap.websocket_subscriptions
    );
    let _ = writeln!(
        s,
        "# HELP openglip_webhook_subscriptions_catching_up WebHook subscriptions reading the outbox to catch up.\n# TYPE openglip_webhook_subscriptions_catching_up gauge\nopenglip_webhook_subscriptions_catching_up {}",
        snap.webhook_lagging
    );
    let _ = writeln!(
        s,
        "# HELP openglip_webhook_deliveries_total WebHook notification attempts by outcome.\n# TYPE openglip_webhook_deliveries_total counter\nopenglip_webhook_deliveries_total{{outcome=\"accepted\"}} {}\nopenglip_webhook_deliveries_total{{outcome=\"failed\"}} {}",
        d.webhook_ok.load(Ordering::Relaxed),
        d.webhook_failed.load(Ordering::Relaxed)
    );
    s.push_str("# HELP openglip_webhook_delivery_duration_seconds Time a receiver took to answer a notification.\n");
    s.push_str("# TYPE openglip_webhook_delivery_duration_seconds histogram\n");
    d.webhook_latency
        .render(s, "openglip_webhook_delivery_duration_seconds", "");
    s.push_str("# HELP openglip_webhook_event_latency_seconds From an event's commit to its WebHook notification accepted.\n");
    s.push_str("# TYPE openglip_webhook_event_latency_seconds histogram\n");
    d.event_latency
        .render(s, "openglip_webhook_event_latency_seconds", "");
    if let Some(lag) = snap.outbox_lag {
        let _ = writeln!(
            s,
            "# HELP openglip_outbox_lag_events Events committed to the outbox and not yet routed to subscriptions.\n# TYPE openglip_outbox_lag_events gauge\nopenglip_outbox_lag_events {}",
            lag.max(0)
        );
    }
}

fn render_pool(s: &mut String, p: &openglip_domain::store::PoolStats) {
    let _ = writeln!(
        s,
        "# HELP openglip_db_readers Reading connections of the store: open, in use, the most it opens.\n# TYPE openglip_db_readers gauge\nopenglip_db_readers{{state=\"open\"}} {}\nopenglip_db_readers{{state=\"in_use\"}} {}\nopenglip_db_readers{{state=\"max\"}} {}",
        p.readers_open, p.readers_in_use, p.readers_max
    );
    let _ = writeln!(
        s,
        "# HELP openglip_db_writer_batches_total Write transactions committed by the store's writer (group commit).\n# TYPE openglip_db_writer_batches_total counter\nopenglip_db_writer_batches_total {}\n# HELP openglip_db_writer_jobs_total Mutating calls the store's writer ran.\n# TYPE openglip_db_writer_jobs_total counter\nopenglip_db_writer_jobs_total {}",
        p.writer_batches, p.writer_jobs
    );
}

/// RSS from `/proc/self/statm` (Linux); None elsewhere.
pub fn resident_memory_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_with_sum_and_count() {
        let h = Histogram::default();
        for us in [500, 1_000, 3_000, 20_000_000] {
            h.observe(us);
        }
        let mut s = String::new();
        h.render(&mut s, "x", "op=\"a\"");
        assert!(s.contains("x_bucket{op=\"a\",le=\"0.001\"} 2\n"), "{s}");
        assert!(s.contains("x_bucket{op=\"a\",le=\"0.005\"} 3\n"), "{s}");
        assert!(s.contains("x_bucket{op=\"a\",le=\"10\"} 3\n"), "{s}");
        assert!(s.contains("x_bucket{op=\"a\",le=\"+Inf\"} 4\n"), "{s}");
        assert!(s.contains("x_count{op=\"a\"} 4\n"), "{s}");
        assert!(s.contains("x_sum{op=\"a\"} 20.004500\n"), "{s}");
    }
}
