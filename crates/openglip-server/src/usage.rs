//! API usage per app and throttling group: counted in memory by the gate on every
//! authenticated call, written to the store every few seconds (and before anyone reads it), so
//! that counting never adds a write to a request. The console shows it, and the production
//! graduation check reads it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use openglip_domain::platform::{UsageDelta, UsageRow};
use openglip_domain::{AppId, Result};

use crate::AppState;

/// How often counts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// Graduation: every throttling group the app uses needs this many sandbox calls…
pub const MIN_CALLS_PER_GROUP: i64 = 5;
/// …and errors (responses of 400 and above) must stay below this share of the calls, in percent.
pub const MAX_ERROR_PERCENT: i64 = 5;

type Counts = HashMap<(AppId, &'static str), (u64, u64)>;

#[derive(Default)]
pub struct Usage {
    /// (calls, errors) per (app, throttling group).
    counts: Mutex<Counts>,
    /// Writes happen one at a time.
    flushing: tokio::sync::Mutex<()>,
}

impl Usage {
    /// Counts one call answered with `status`.
    pub fn record(&self, app: AppId, group: &'static str, status: u16) {
        let mut m = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let e = m.entry((app, group)).or_insert((0, 0));
        e.0 += 1;
        if status >= 400 {
            e.1 += 1;
        }
    }

    /// Writes what was counted since the last flush.
    pub async fn flush(&self, st: &AppState) -> Result<()> {
        let _one = self.flushing.lock().await;
        let deltas: Vec<UsageDelta> = {
            let mut m = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            m.drain()
                .map(|((app_id, group), (calls, errors))| UsageDelta {
                    app_id,
                    group: group.to_string(),
                    calls,
                    errors,
                })
                .collect()
        };
        if deltas.is_empty() {
            return Ok(());
        }
        if let Err(e) = st.store().platform().add_usage(deltas.clone()).await {
            // Put them back for the next try.
            let mut m = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            for d in deltas {
                let group = [
                    crate::ratelimit::Group::Light,
                    crate::ratelimit::Group::Medium,
                    crate::ratelimit::Group::Heavy,
                    crate::ratelimit::Group::Auth,
                    crate::ratelimit::Group::NoThrottling,
                ]
                .into_iter()
                .map(crate::ratelimit::Group::spec_name)
                .find(|g| *g == d.group);
                if let Some(g) = group {
                    let e = m.entry((d.app_id, g)).or_insert((0, 0));
                    e.0 += d.calls;
                    e.1 += d.errors;
                }
            }
            return Err(e);
        }
        Ok(())
    }

    /// Flushes every [`FLUSH_EVERY`] for as long as the server runs.
    pub fn start(st: AppState) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = st.0.usage.flush(&st).await {
                    tracing::warn!(error = %e, "writing API usage failed");
                }
            }
        });
    }
}

/// One requirement of the production graduation, and whether it is met.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub text: String,
    pub met: bool,
}

/// What stands between an app and production, from its usage.
pub fn graduation(usage: &[UsageRow]) -> Vec<Requirement> {
    let calls: i64 = usage.iter().map(|u| u.calls).sum();
    let errors: i64 = usage.iter().map(|u| u.errors).sum();
    let mut out = vec![Requirement {
        text: if calls == 0 {
            "Call the API from the sandbox (no calls yet)".into()
        } else {
            format!("Call the API from the sandbox ({calls} calls so far)")
        },
        met: calls > 0,
    }];
    for u in usage.iter().filter(|u| u.calls > 0) {
        out.push(Requirement {
            text: format!(
                "Call each API group you use at least {MIN_CALLS_PER_GROUP} times: {} group, {} call{}",
                u.group,
                u.calls,
                if u.calls == 1 { "" } else { "s" }
            ),
            met: u.calls >= MIN_CALLS_PER_GROUP,
        });
    }
    out.push(Requirement {
        text: format!(
            "Keep the error rate below {MAX_ERROR_PERCENT}% ({errors} of {calls} calls failed)"
        ),
        met: calls > 0 && errors * 100 < MAX_ERROR_PERCENT * calls,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use openglip_domain::Timestamp;

    fn row(group: &str, calls: i64, errors: i64) -> UsageRow {
        UsageRow {
            group: group.into(),
            calls,
            errors,
            last_call: Timestamp(0),
        }
    }

    #[test]
    fn graduation_needs_calls_in_every_group_and_few_errors() {
        assert!(graduation(&[]).iter().any(|r| !r.met));
        assert!(
            graduation(&[row("Light", 5, 0), row("Medium", 7, 0)])
                .iter()
                .all(|r| r.met)
        );
        assert!(
            graduation(&[row("Light", 5, 0), row("Medium", 4, 0)])
                .iter()
                .any(|r| !r.met)
        );
        assert!(graduation(&[row("Light", 20, 1)]).iter().any(|r| !r.met));
        assert!(graduation(&[row("Light", 100, 4)]).iter().all(|r| r.met));
    }
}
