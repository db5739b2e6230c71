//! API usage per app and throttling group: counted in memory on every authenticated call and
//! written to the store in batches (the server flushes every few seconds, and the graduation
//! check flushes before it reads), so that counting never adds a write to a request.

use std::collections::HashMap;
use std::sync::Mutex;

use openglip_domain::platform::UsageDelta;
use openglip_domain::{AppId, Result};

use crate::Platform;

type Counts = HashMap<(AppId, &'static str), (u64, u64)>;

#[derive(Default)]
pub(crate) struct UsageCounter {
    /// (calls, errors) per (app, throttling group).
    counts: Mutex<Counts>,
    /// Writes happen one at a time.
    flushing: tokio::sync::Mutex<()>,
}

impl UsageCounter {
    fn take(&self) -> Counts {
        std::mem::take(&mut *self.counts.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn add(&self, counts: Counts) {
        let mut m = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        for (key, (calls, errors)) in counts {
            let e = m.entry(key).or_insert((0, 0));
            e.0 += calls;
            e.1 += errors;
        }
    }
}

impl Platform {
    /// Counts one call of an app in a throttling group, answered with `status` (400 and above
    /// count as errors).
    pub fn record_call(&self, app: AppId, group: &'static str, status: u16) {
        self.usage.add(HashMap::from([(
            (app, group),
            (1, u64::from(status >= 400)),
        )]));
    }

    /// Writes what was counted since the last flush. On failure the counts are kept for the
    /// next try.
    pub async fn flush_usage(&self) -> Result<()> {
        let _one = self.usage.flushing.lock().await;
        let counts = self.usage.take();
        if counts.is_empty() {
            return Ok(());
        }
        let deltas = counts
            .iter()
            .map(|(&(app_id, group), &(calls, errors))| UsageDelta {
                app_id,
                group: group.to_string(),
                calls,
                errors,
            })
            .collect();
        if let Err(e) = self.store.platform().add_usage(deltas).await {
            self.usage.add(counts);
            return Err(e);
        }
        Ok(())
    }
}
