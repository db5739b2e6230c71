//! Prometheus metrics, rendered by hand at `GET /metrics`: per-operation request counts by
//! status class and latency sums, and the process's resident memory.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct OpMetrics {
    pub ok: AtomicU64,
    pub client_errors: AtomicU64,
    pub server_errors: AtomicU64,
    pub micros: AtomicU64,
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
        m.micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut s = String::with_capacity(4096);
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
        s.push_str("# HELP openglip_http_request_duration_seconds_sum Time spent serving each operation.\n");
        s.push_str("# TYPE openglip_http_request_duration_seconds_sum counter\n");
        for (id, m) in &self.ops {
            let v = m.micros.load(Ordering::Relaxed);
            if v > 0 {
                let _ = writeln!(
                    s,
                    "openglip_http_request_duration_seconds_sum{{operation=\"{id}\"}} {:.6}",
                    v as f64 / 1e6
                );
            }
        }
        let _ = writeln!(
            s,
            "# HELP openglip_http_unmatched_total Requests for unknown paths.\n# TYPE openglip_http_unmatched_total counter\nopenglip_http_unmatched_total {}",
            self.unmatched.load(Ordering::Relaxed)
        );
        if let Some(rss) = resident_memory_bytes() {
            let _ = writeln!(
                s,
                "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {rss}"
            );
        }
        s
    }
}

/// RSS from `/proc/self/statm` (Linux); None elsewhere.
pub fn resident_memory_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}
