//! Followers and the digest outbox.
//!
//! The outbox is the `digests` table: a row is written before anything is posted, with an
//! idempotency key that is unique forever (`slot:{follower}:{ms}` for a scheduled slot), so a
//! slot can be owed once only. Delivery claims a row (`pending` → `sending`), posts, and marks it
//! `sent` with the post id; a row left `sending` by a crash is reconciled by looking for its key
//! in the chat before posting again (see `crate::outbox`).

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{Store, corrupt, ms, ts};
use crate::error::{Error, Result};
use crate::model::{Entity, EntityType};
use crate::schedule::Schedule;

/// A conversation following an entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Follower {
    pub id: i64,
    pub account_id: String,
    pub entity: Entity,
    pub chat_id: String,
    pub chat_name: Option<String>,
    pub schedule: Schedule,
    /// IANA name.
    pub time_zone: String,
    /// Whether key results changing status are posted at once.
    pub status_changes: bool,
    /// The next slot.
    pub next_run_at: Timestamp,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// Why a post was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A slot of the follower's schedule.
    Schedule,
    /// "Send now".
    Manual,
    /// A key result changed status.
    Status,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
            Trigger::Status => "status",
        }
    }
    fn parse(s: &str) -> Option<Trigger> {
        Some(match s {
            "schedule" => Trigger::Schedule,
            "manual" => Trigger::Manual,
            "status" => Trigger::Status,
            _ => return None,
        })
    }
}

/// Where a post stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestState {
    Pending,
    Sending,
    Sent,
    Failed,
    Cancelled,
}

impl DigestState {
    pub fn as_str(self) -> &'static str {
        match self {
            DigestState::Pending => "pending",
            DigestState::Sending => "sending",
            DigestState::Sent => "sent",
            DigestState::Failed => "failed",
            DigestState::Cancelled => "cancelled",
        }
    }
    fn parse(s: &str) -> Option<DigestState> {
        Some(match s {
            "pending" => DigestState::Pending,
            "sending" => DigestState::Sending,
            "sent" => DigestState::Sent,
            "failed" => DigestState::Failed,
            "cancelled" => DigestState::Cancelled,
            _ => return None,
        })
    }
}

/// A post to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDigest {
    pub account_id: String,
    pub follower_id: i64,
    pub chat_id: String,
    /// Unique forever. In `Store::add_check_in`, `{checkIn}` (here and in the card) is replaced
    /// by the check-in's id.
    pub idem_key: String,
    pub trigger: Trigger,
    pub slot_at: Option<Timestamp>,
    pub late: bool,
    pub created_at: Timestamp,
    /// The card, when it is fixed at once (status changes); digests are built when first sent.
    pub card: Option<String>,
}

/// A row of the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub id: i64,
    pub account_id: String,
    pub follower_id: i64,
    pub chat_id: String,
    pub idem_key: String,
    pub trigger: Trigger,
    pub slot_at: Option<Timestamp>,
    pub late: bool,
    pub state: DigestState,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub claimed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub post_id: Option<String>,
    pub last_error: Option<String>,
    pub progress: Option<f64>,
    pub card: Option<String>,
}

/// One try at posting.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub at: Timestamp,
    /// `sent`, `found` (an earlier try had posted it), `retry` or `failed`.
    pub outcome: String,
    pub error: Option<String>,
}

const FOLLOWER_COLUMNS: &str =
    "id, account_id, entity_type, entity_id, chat_id, chat_name, schedule,
    time_zone, status_changes, next_run_at, created_by, created_at";

fn follower_row(r: &Row<'_>) -> rusqlite::Result<Follower> {
    let kind: String = r.get(2)?;
    let schedule: String = r.get(6)?;
    let parsed = serde_json::from_str(&schedule)
        .ok()
        .and_then(|v| Schedule::from_json(&v).ok())
        .ok_or_else(|| corrupt("schedule", &schedule))?;
    Ok(Follower {
        id: r.get(0)?,
        account_id: r.get(1)?,
        entity: Entity {
            kind: EntityType::parse(&kind).ok_or_else(|| corrupt("entity type", &kind))?,
            id: r.get(3)?,
        },
        chat_id: r.get(4)?,
        chat_name: r.get(5)?,
        schedule: parsed,
        time_zone: r.get(7)?,
        status_changes: r.get(8)?,
        next_run_at: ts(r.get(9)?),
        created_by: r.get(10)?,
        created_at: ts(r.get(11)?),
    })
}

const DIGEST_COLUMNS: &str = "id, account_id, follower_id, chat_id, idem_key, trigger, slot_at, late,
    state, attempts, next_attempt_at, claimed_at, created_at, sent_at, post_id, last_error, progress, card";

fn digest_row(r: &Row<'_>) -> rusqlite::Result<Digest> {
    let trigger: String = r.get(5)?;
    let state: String = r.get(8)?;
    Ok(Digest {
        id: r.get(0)?,
        account_id: r.get(1)?,
        follower_id: r.get(2)?,
        chat_id: r.get(3)?,
        idem_key: r.get(4)?,
        trigger: Trigger::parse(&trigger).ok_or_else(|| corrupt("trigger", &trigger))?,
        slot_at: r.get::<_, Option<i64>>(6)?.map(ts),
        late: r.get(7)?,
        state: DigestState::parse(&state).ok_or_else(|| corrupt("state", &state))?,
        attempts: r.get(9)?,
        next_attempt_at: ts(r.get(10)?),
        claimed_at: r.get::<_, Option<i64>>(11)?.map(ts),
        created_at: ts(r.get(12)?),
        sent_at: r.get::<_, Option<i64>>(13)?.map(ts),
        post_id: r.get(14)?,
        last_error: r.get(15)?,
        progress: r.get(16)?,
        card: r.get(17)?,
    })
}

/// Inserts a post into the outbox unless its key exists. Returns its id, or None when the key
/// was taken (the post is owed or made already).
pub(crate) fn insert_digest(tx: &Transaction<'_>, d: &NewDigest) -> Result<Option<i64>> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO digests (account_id, follower_id, chat_id, idem_key, trigger, slot_at,
           late, state, next_attempt_at, created_at, card)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?8, ?9)",
        params![
            d.account_id,
            d.follower_id,
            d.chat_id,
            d.idem_key,
            d.trigger.as_str(),
            d.slot_at.map(ms),
            d.late,
            ms(d.created_at),
            d.card
        ],
    )?;
    Ok((n == 1).then(|| tx.last_insert_rowid()))
}

fn followers_where(
    c: &Connection,
    clause: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Follower>> {
    let mut st = c.prepare(&format!(
        "SELECT {FOLLOWER_COLUMNS} FROM followers WHERE {clause} ORDER BY id"
    ))?;
    let rows = st.query_map(p, follower_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    // ---------- followers ----------

    /// Adds a follower; one per entity and conversation.
    pub async fn create_follower(&self, f: Follower) -> Result<Follower> {
        self.write(move |tx| {
            let n = tx.execute(
                "INSERT OR IGNORE INTO followers (account_id, entity_type, entity_id, chat_id, chat_name,
                   schedule, time_zone, status_changes, next_run_at, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    f.account_id,
                    f.entity.kind.as_str(),
                    f.entity.id,
                    f.chat_id,
                    f.chat_name,
                    f.schedule.to_json().to_string(),
                    f.time_zone,
                    f.status_changes,
                    ms(f.next_run_at),
                    f.created_by,
                    ms(f.created_at)
                ],
            )?;
            if n == 0 {
                return Err(Error::Conflict("this conversation already follows it".into()));
            }
            Ok(Follower { id: tx.last_insert_rowid(), ..f })
        })
        .await
    }

    /// A company's followers, of one entity or all.
    pub async fn followers(
        &self,
        account_id: &str,
        entity: Option<Entity>,
    ) -> Result<Vec<Follower>> {
        let a = account_id.to_string();
        self.read(move |c| match entity {
            Some(e) => followers_where(
                c,
                "account_id = ?1 AND entity_type = ?2 AND entity_id = ?3",
                params![a, e.kind.as_str(), e.id],
            ),
            None => followers_where(c, "account_id = ?1", [a]),
        })
        .await
    }

    pub async fn follower(&self, account_id: &str, id: i64) -> Result<Option<Follower>> {
        let a = account_id.to_string();
        self.read(move |c| {
            Ok(followers_where(c, "account_id = ?1 AND id = ?2", params![a, id])?.pop())
        })
        .await
    }

    /// The followers in a conversation.
    pub async fn followers_in_chat(
        &self,
        account_id: &str,
        chat_id: &str,
    ) -> Result<Vec<Follower>> {
        let (a, chat) = (account_id.to_string(), chat_id.to_string());
        self.read(move |c| followers_where(c, "account_id = ?1 AND chat_id = ?2", params![a, chat]))
            .await
    }

    /// Saves a follower's schedule, zone, options and next slot.
    pub async fn update_follower(&self, f: Follower) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE followers SET schedule = ?3, time_zone = ?4, status_changes = ?5, next_run_at = ?6
                 WHERE account_id = ?1 AND id = ?2",
                params![
                    f.account_id,
                    f.id,
                    f.schedule.to_json().to_string(),
                    f.time_zone,
                    f.status_changes,
                    ms(f.next_run_at)
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// Removes a follower; what it was owed and not sent is cancelled (the audit stays).
    pub async fn delete_follower(&self, account_id: &str, id: i64) -> Result<()> {
        let a = account_id.to_string();
        self.write(move |tx| {
            tx.execute(
                "DELETE FROM followers WHERE account_id = ?1 AND id = ?2",
                params![a, id],
            )?;
            tx.execute(
                "UPDATE digests SET state = 'cancelled', last_error = 'the follower was removed'
                 WHERE follower_id = ?1 AND state IN ('pending', 'sending')",
                [id],
            )?;
            Ok(())
        })
        .await
    }

    /// Followers whose next slot has come.
    pub async fn due_followers(&self, now: Timestamp) -> Result<Vec<Follower>> {
        self.read(move |c| followers_where(c, "next_run_at <= ?1", [ms(now)]))
            .await
    }

    /// Records that a follower's slot came: the post it is owed (when `owed` is given) and its
    /// next slot, in one transaction, and only if nobody moved its next slot meanwhile.
    /// Returns the new post's id (None: not owed, the key was taken, or the follower changed).
    pub async fn advance_follower(
        &self,
        follower: &Follower,
        owed: Option<NewDigest>,
        next_run_at: Timestamp,
    ) -> Result<Option<i64>> {
        let (id, expected) = (follower.id, ms(follower.next_run_at));
        self.write(move |tx| {
            let moved = tx.execute(
                "UPDATE followers SET next_run_at = ?3 WHERE id = ?1 AND next_run_at = ?2",
                params![id, expected, ms(next_run_at)],
            )?;
            if moved == 0 {
                return Ok(None);
            }
            match owed {
                Some(d) => insert_digest(tx, &d),
                None => Ok(None),
            }
        })
        .await
    }

    // ---------- the outbox ----------

    /// Enqueues a post (send now, status changes). None: its key was taken.
    pub async fn enqueue(&self, d: NewDigest) -> Result<Option<i64>> {
        self.write(move |tx| insert_digest(tx, &d)).await
    }

    /// Claims up to `limit` posts that are due, and those left `sending` since before
    /// `stale_before` (by a crash, or a task that died): each becomes `sending`, one attempt more.
    pub async fn claim(
        &self,
        now: Timestamp,
        stale_before: Timestamp,
        limit: i64,
    ) -> Result<Vec<Digest>> {
        // Most ticks find nothing: look before taking the write lock.
        let any: bool = self
            .read(move |c| {
                Ok(c.query_row(
                    "SELECT EXISTS (SELECT 1 FROM digests WHERE (state = 'pending' AND next_attempt_at <= ?1)
                       OR (state = 'sending' AND claimed_at < ?2))",
                    params![ms(now), ms(stale_before)],
                    |r| r.get(0),
                )?)
            })
            .await?;
        if !any {
            return Ok(vec![]);
        }
        self.write(move |tx| {
            let mut st = tx.prepare(&format!(
                "UPDATE digests SET state = 'sending', claimed_at = ?1, attempts = attempts + 1
                 WHERE id IN (SELECT id FROM digests
                   WHERE (state = 'pending' AND next_attempt_at <= ?1)
                      OR (state = 'sending' AND claimed_at < ?2)
                   ORDER BY id LIMIT ?3)
                 RETURNING {DIGEST_COLUMNS}"
            ))?;
            let rows = st.query_map(params![ms(now), ms(stale_before), limit], digest_row)?;
            let mut out: Vec<Digest> = rows.collect::<rusqlite::Result<_>>()?;
            out.sort_by_key(|d| d.id);
            Ok(out)
        })
        .await
    }

    /// Fixes what a post says before it is first sent.
    pub async fn set_card(&self, id: i64, card: String, progress: Option<f64>) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE digests SET card = ?2, progress = ?3 WHERE id = ?1",
                params![id, card, progress],
            )?;
            Ok(())
        })
        .await
    }

    /// Records how an attempt ended: `sent`/`found` with the post id; `retry` at `retry_at`;
    /// `failed` for good.
    pub async fn finish_attempt(
        &self,
        id: i64,
        at: Timestamp,
        outcome: &str,
        post_id: Option<String>,
        error: Option<String>,
        retry_at: Option<Timestamp>,
    ) -> Result<()> {
        let outcome = outcome.to_string();
        self.write(move |tx| {
            let state = match (&post_id, retry_at) {
                (Some(_), _) => "sent",
                (None, Some(_)) => "pending",
                (None, None) => "failed",
            };
            tx.execute(
                "UPDATE digests SET state = ?2, post_id = COALESCE(?3, post_id), last_error = ?4,
                   sent_at = CASE WHEN ?3 IS NOT NULL THEN ?5 ELSE sent_at END,
                   next_attempt_at = COALESCE(?6, next_attempt_at), claimed_at = NULL
                 WHERE id = ?1 AND state = 'sending'",
                params![id, state, post_id, error, ms(at), retry_at.map(ms)],
            )?;
            tx.execute(
                "INSERT INTO digest_attempts (digest_id, at, outcome, error) VALUES (?1, ?2, ?3, ?4)",
                params![id, ms(at), outcome, error],
            )?;
            Ok(())
        })
        .await
    }

    /// Cancels everything a company still owes (its integration was removed).
    pub async fn cancel_owed(&self, account_id: &str, reason: &str) -> Result<usize> {
        let (a, why) = (account_id.to_string(), reason.to_string());
        self.write(move |tx| {
            Ok(tx.execute(
                "UPDATE digests SET state = 'cancelled', last_error = ?2
                 WHERE account_id = ?1 AND state IN ('pending', 'sending')",
                params![a, why],
            )?)
        })
        .await
    }

    /// The progress the follower's last digest before `before_id` carried.
    pub async fn previous_progress(&self, follower_id: i64, before_id: i64) -> Result<Option<f64>> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT progress FROM digests WHERE follower_id = ?1 AND id < ?2 AND state = 'sent'
                   AND trigger != 'status' AND progress IS NOT NULL ORDER BY id DESC LIMIT 1",
                params![follower_id, before_id],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    /// The newest posts of a company (or of one follower), newest first.
    pub async fn digests(
        &self,
        account_id: &str,
        follower_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Digest>> {
        let a = account_id.to_string();
        self.read(move |c| {
            let mut st = c.prepare(&format!(
                "SELECT {DIGEST_COLUMNS} FROM digests WHERE account_id = ?1 AND (?2 IS NULL OR follower_id = ?2)
                 ORDER BY id DESC LIMIT ?3"
            ))?;
            let rows = st.query_map(params![a, follower_id, limit], digest_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    pub async fn digest(&self, account_id: &str, id: i64) -> Result<Option<Digest>> {
        let a = account_id.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                &format!("SELECT {DIGEST_COLUMNS} FROM digests WHERE account_id = ?1 AND id = ?2"),
                params![a, id],
                digest_row,
            )
            .optional()?)
        })
        .await
    }

    /// The attempts at a post, oldest first.
    pub async fn attempts(&self, digest_id: i64) -> Result<Vec<Attempt>> {
        self.read(move |c| {
            let mut st = c.prepare("SELECT at, outcome, error FROM digest_attempts WHERE digest_id = ?1 ORDER BY rowid")?;
            let rows = st.query_map([digest_id], |r| {
                Ok(Attempt { at: ts(r.get(0)?), outcome: r.get(1)?, error: r.get(2)? })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}
