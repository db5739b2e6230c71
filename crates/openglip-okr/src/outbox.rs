//! How a digest gets from a schedule to a post, exactly once per follower and slot.
//!
//! Every tick (a second):
//! 1. **Owe.** Followers whose next slot has come get one outbox row for the *latest* slot that
//!    passed (after an outage, the missed slots are owed once, as one late digest) with the key
//!    `slot:{follower}:{ms}`, and their next slot moves past now — both in one transaction. A
//!    key is unique forever, so a slot is never owed twice, whatever restarts.
//! 2. **Claim.** Due rows turn `sending` (with one attempt more); rows left `sending` by a crash
//!    are claimed again after [`STALE`].
//! 3. **Build.** A digest's card is built at its first attempt and kept, so retries post the same
//!    card; it carries its key (`okrDigestKey`).
//! 4. **Reconcile.** Before a second attempt, the chat's recent posts are searched for the key:
//!    a post made just before a crash is recognised and recorded, not made again.
//! 5. **Post** as the bot (an Adaptive Card with a text fallback), and record the post id, or the
//!    failure: retried with backoff when it may pass, failed for good otherwise. Every attempt is
//!    in the audit.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::{SignedDuration, Timestamp};
use openglip_sdk::Client;
use openglip_sdk::wire::AdaptiveCardRequest;
use tokio::sync::watch;

use crate::app::App;
use crate::digest::render::key_of;
use crate::digest::{self, Moment};
use crate::error::{Error, Result};
use crate::schedule::{self, local_label};
use crate::store::followers::{Digest, DigestState, Follower, NewDigest, Trigger};

/// A slot owed later than this after it came is marked late ("late: due …").
pub const LATE_AFTER: SignedDuration = SignedDuration::from_secs(60);
/// A row `sending` for longer than this was abandoned (a crash): it is claimed again.
pub const STALE: SignedDuration = SignedDuration::from_secs(120);
/// Attempts before a post is given up.
pub const MAX_ATTEMPTS: i64 = 10;
/// How far back the reconciliation looks in a chat.
const RECONCILE_POSTS: usize = 300;

/// Runs until `shutdown`.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(e) = tick(&app).await {
            tracing::error!(error = %e, "the digest worker failed a tick");
        }
        tokio::select! {
            _ = shutdown.wait_for(|s| *s) => return,
            _ = app.inner.wake.notified() => {}
            _ = tokio::time::sleep(app.config().tick) => {}
        }
    }
}

/// One round: owe due slots, then post what is due.
pub async fn tick(app: &App) -> Result<()> {
    owe_due_slots(app, app.now()).await?;
    deliver(app, app.now()).await
}

/// Step 1: followers whose slot came.
pub async fn owe_due_slots(app: &App, now: Timestamp) -> Result<()> {
    let mut active: HashMap<String, bool> = HashMap::new();
    for f in app.store().due_followers(now).await? {
        // Zones are checked when set; one the time-zone database no longer knows runs in UTC
        // rather than stopping the worker.
        let zone = schedule::zone(&f.time_zone).unwrap_or_else(|e| {
            tracing::warn!(follower = f.id, error = e, "unknown time zone; using UTC");
            jiff::tz::TimeZone::UTC
        });
        let slot = f.schedule.latest_due(&zone, f.next_run_at, now);
        let next = f.schedule.next_after(&zone, now);
        let installed = match active.get(&f.account_id) {
            Some(a) => *a,
            None => {
                let a = app.integration_active(&f.account_id).await?;
                active.insert(f.account_id.clone(), a);
                a
            }
        };
        // Without the integration the slot passes unposted.
        let owed = installed.then(|| NewDigest {
            account_id: f.account_id.clone(),
            follower_id: f.id,
            chat_id: f.chat_id.clone(),
            idem_key: format!("slot:{}:{}", f.id, slot.as_millisecond()),
            trigger: Trigger::Schedule,
            slot_at: Some(slot),
            late: now.duration_since(slot) > LATE_AFTER,
            created_at: now,
            card: None,
        });
        if let Some(id) = app.store().advance_follower(&f, owed, next).await? {
            tracing::info!(follower = f.id, digest = id, %slot, "digest owed");
        }
    }
    Ok(())
}

/// Steps 2 to 5.
pub async fn deliver(app: &App, now: Timestamp) -> Result<()> {
    let claimed = app.store().claim(now, now - STALE, 20).await?;
    if claimed.is_empty() {
        return Ok(());
    }
    for d in claimed {
        let id = d.id;
        if let Err(e) = deliver_one(app, d).await {
            // Unexpected (the database); the row stays `sending` and is claimed again later.
            tracing::error!(digest = id, error = %e, "delivering a digest failed");
        }
    }
    app.inner.delivered.send_modify(|n| *n += 1);
    Ok(())
}

async fn deliver_one(app: &App, d: Digest) -> Result<()> {
    let store = app.store();
    let now = app.now();
    let Some((bot_id, bot)) = app.bot_client(&d.account_id).await? else {
        let why = "the Glip integration is not installed".to_string();
        return store
            .finish_attempt(d.id, now, "failed", None, Some(why), None)
            .await;
    };
    let card = match &d.card {
        Some(c) => serde_json::from_str::<AdaptiveCardRequest>(c).map_err(Error::internal)?,
        None => {
            let Some(f) = store.follower(&d.account_id, d.follower_id).await? else {
                let why = "the follower was removed".to_string();
                return store
                    .finish_attempt(d.id, now, "failed", None, Some(why), None)
                    .await;
            };
            let (card, progress) = build_card(app, &f, &d, now).await?;
            store
                .set_card(
                    d.id,
                    serde_json::to_string(&card).map_err(Error::internal)?,
                    Some(progress),
                )
                .await?;
            card
        }
    };
    if d.attempts > 1 {
        match find_post(&bot, &bot_id, &d).await {
            Ok(Some(post)) => {
                return store
                    .finish_attempt(d.id, now, "found", Some(post), None, None)
                    .await;
            }
            Ok(None) => {}
            Err(e) => return retry(app, &d, e).await,
        }
    }
    match bot.create_adaptive_card(&d.chat_id, &card).await {
        Ok(info) => {
            tracing::info!(
                digest = d.id,
                chat = d.chat_id,
                post = info.id,
                "digest posted"
            );
            store
                .finish_attempt(d.id, app.now(), "sent", Some(info.id), None, None)
                .await
        }
        Err(e) => retry(app, &d, e).await,
    }
}

/// Records a failed attempt: retried with backoff when it may pass (the platform unreachable,
/// busy or failing), failed for good when the platform refused (the chat is gone, the bot was
/// removed from it) or after [`MAX_ATTEMPTS`].
async fn retry(app: &App, d: &Digest, e: openglip_sdk::Error) -> Result<()> {
    let now = app.now();
    let error = e.to_string();
    tracing::warn!(
        digest = d.id,
        attempt = d.attempts,
        error,
        "posting a digest failed"
    );
    if e.is_transient() && d.attempts < MAX_ATTEMPTS {
        let wait = SignedDuration::from_secs(5 * 2i64.pow(d.attempts.clamp(0, 7) as u32));
        app.store()
            .finish_attempt(d.id, now, "retry", None, Some(error), Some(now + wait))
            .await
    } else {
        app.store()
            .finish_attempt(d.id, now, "failed", None, Some(error), None)
            .await
    }
}

/// Looks in the chat for a post of the bot that carries the row's key (made by an attempt whose
/// outcome was lost).
async fn find_post(bot: &Client, bot_id: &str, d: &Digest) -> openglip_sdk::Result<Option<String>> {
    let floor = d.created_at - SignedDuration::from_mins(5);
    let mut posts = std::pin::pin!(bot.posts_stream(&d.chat_id).take(RECONCILE_POSTS));
    while let Some(p) = posts.next().await {
        let p = p?;
        if p.creation_time
            .parse::<Timestamp>()
            .is_ok_and(|t| t < floor)
        {
            break;
        }
        if p.creator_id == bot_id && key_of(p.attachments.as_ref()) == Some(d.idem_key.as_str()) {
            return Ok(Some(p.id));
        }
    }
    Ok(None)
}

/// Builds a digest's card for its follower, and the progress it shows.
pub async fn build_card(
    app: &App,
    f: &Follower,
    d: &Digest,
    now: Timestamp,
) -> Result<(AdaptiveCardRequest, f64)> {
    let (digest, zone) = compose(app, f, now, Some(d)).await?;
    let progress = digest.progress;
    Ok((digest.card(&zone, &d.idem_key), progress))
}

/// The digest a follower gets now; `row` is its outbox row when it is being sent (for the
/// change since the previous one and lateness). Used for "Preview" with no row.
pub async fn compose(
    app: &App,
    f: &Follower,
    now: Timestamp,
    row: Option<&Digest>,
) -> Result<(digest::Digest, jiff::tz::TimeZone)> {
    let store = app.store();
    let zone = schedule::zone(&f.time_zone).map_err(Error::internal)?;
    let model = store.model(&f.account_id).await?;
    let company = store
        .tenant(&f.account_id)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    let names: HashMap<String, String> = store
        .people(&f.account_id)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p.name()))
        .collect();
    let previous = store
        .previous_progress(f.id, row.map_or(i64::MAX, |r| r.id))
        .await?;
    let slot = row.and_then(|r| r.slot_at);
    let since = f.schedule.previous_before(&zone, slot.unwrap_or(now));
    let moment = Moment {
        now,
        since,
        previous_progress: previous,
        late_due: row
            .filter(|r| r.late)
            .and_then(|r| r.slot_at)
            .map(|s| local_label(s, &zone)),
        next_run: Some(local_label(
            f.next_run_at.max(f.schedule.next_after(&zone, now)),
            &zone,
        )),
        links: app.links(),
    };
    Ok((
        digest::build(&model, &company, &names, &f.entity, &moment),
        zone,
    ))
}

/// Waits until the outbox row `id` is no longer waiting to be sent (or `timeout` passes).
pub async fn wait_for(app: &App, account: &str, id: i64, timeout: Duration) -> Result<Digest> {
    let mut delivered = app.inner.delivered.subscribe();
    app.inner.wake.notify_one();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let d = app
            .store()
            .digest(account, id)
            .await?
            .ok_or_else(|| Error::internal("an enqueued digest vanished"))?;
        let settled = match d.state {
            DigestState::Sending => false,
            // A first attempt still to come; after one, a retry is scheduled.
            DigestState::Pending => d.attempts > 0,
            DigestState::Sent | DigestState::Failed | DigestState::Cancelled => true,
        };
        if settled {
            return Ok(d);
        }
        if tokio::time::timeout_at(deadline, delivered.changed())
            .await
            .is_err()
        {
            return Ok(d);
        }
    }
}
