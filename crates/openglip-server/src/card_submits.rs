//! The delivery worker of interactive messages: posts each card submission
//! (`openglip_domain::interactive`) to the outbound URL of the app that posted the card, signed
//! with the app's shared secret, as RingCentral does.
//!
//! A submission is a row before anyone hears of it (the person's request answers once it is
//! committed), so a restart loses none: the worker claims due rows from the store (a claim
//! counts an attempt and holds the row for [`LEASE_MS`]; a worker that dies mid-delivery leaves
//! it to be claimed again when the lease ends — the receiver may then see the same `uuid`
//! twice, as RingCentral's own retries can). A refused or unanswered attempt is retried with the
//! WebHook notifications' backoff (`retry_base` doubling up to `retry_max`) until
//! `event_retry_for` has passed since the person submitted; then it is `Failed`, with the
//! reason, which the person sees. An app that turned interactive messages off in the meantime
//! fails what is still waiting.
//!
//! The worker wakes when a submission is recorded in this process ([`wake`]) and polls every
//! [`POLL_EVERY`] for retries that came due and rows other processes recorded. Deliveries run
//! concurrently, at most [`PARALLEL`] at a time, so that one slow app does not hold up others.

use std::sync::Arc;
use std::time::Duration;

use openglip_domain::interactive::{Claimed, LEASE_MS, SubmissionStatus};
use openglip_domain::{Result, Timestamp};
use tokio::sync::Semaphore;

use crate::AppState;
use crate::convert::interactive::button_submit;

/// How often the worker looks for due submissions when nobody woke it.
pub const POLL_EVERY: Duration = Duration::from_millis(500);
/// Deliveries in flight at once.
pub const PARALLEL: usize = 16;

fn now() -> Timestamp {
    Timestamp(jiff::Timestamp::now().as_millisecond())
}

/// Tells this process's worker a submission is waiting.
pub fn wake(st: &AppState) {
    st.0.submits_wake.notify_one();
}

/// Starts the worker (once per server).
pub fn start(st: AppState) {
    tokio::spawn(async move {
        let slots = Arc::new(Semaphore::new(PARALLEL));
        loop {
            // Claim while there is work and a free slot; then wait to be woken or to poll.
            loop {
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    return;
                };
                match claim(&st).await {
                    Ok(Some(c)) => {
                        let st = st.clone();
                        tokio::spawn(async move {
                            deliver(&st, c).await;
                            drop(slot);
                        });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "card submissions: claiming failed");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = st.0.submits_wake.notified() => {}
                _ = tokio::time::sleep(POLL_EVERY) => {}
            }
        }
    });
}

async fn claim(st: &AppState) -> Result<Option<Claimed>> {
    let at = now();
    st.store()
        .interactive()
        .claim_submission(at, Timestamp(at.0 + LEASE_MS))
        .await
}

/// One attempt at one submission, and what follows from it.
async fn deliver(st: &AppState, c: Claimed) {
    let s = &c.submission;
    let store = st.store().interactive();
    let settings = c.settings.filter(|x| x.enabled && !x.url.is_empty());
    let Some(settings) = settings else {
        let why = "The app turned interactive messages off.".to_string();
        if let Err(e) = store
            .finish_submission(s.id, SubmissionStatus::Failed, Some(why))
            .await
        {
            tracing::warn!(submission = s.id, error = %e, "card submissions: recording failed");
        }
        return;
    };
    let body = match serde_json::to_string(&button_submit(s)) {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(submission = s.id, error = %e, "card submissions: not serialisable");
            return;
        }
    };
    let signature = openglip_wire::interactive::signature(&settings.secret, body.as_bytes());
    let answer = st
        .hub()
        .http
        .post_signed(&settings.url, &signature, body)
        .await;
    let rt = &st.config().realtime;
    let recorded = match answer {
        Ok(()) => {
            tracing::info!(
                submission = s.id,
                attempts = s.attempts,
                "card submission delivered"
            );
            store
                .finish_submission(s.id, SubmissionStatus::Delivered, None)
                .await
        }
        Err(reason) => {
            let at = now();
            let waited = Duration::from_millis((at.0 - s.created.0).max(0) as u64);
            tracing::warn!(submission = s.id, attempts = s.attempts, %reason, "card submission not delivered");
            if waited >= rt.event_retry_for {
                store
                    .finish_submission(s.id, SubmissionStatus::Failed, Some(reason))
                    .await
            } else {
                let base = rt.retry_base.as_millis() as u64;
                let exp = s.attempts.saturating_sub(1).min(20);
                let delay = base
                    .saturating_mul(1u64 << exp)
                    .min(rt.retry_max.as_millis() as u64);
                store
                    .retry_submission(s.id, Timestamp(at.0 + delay as i64), reason)
                    .await
            }
        }
    };
    if let Err(e) = recorded {
        tracing::warn!(submission = s.id, error = %e, "card submissions: recording the outcome failed");
    }
    // A retry may be due before the next poll.
    wake(st);
}
