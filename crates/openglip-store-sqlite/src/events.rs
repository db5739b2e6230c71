//! The event outbox: events are appended by the same job (and so the same transaction) as the
//! change that caused them, and read back in `seq` order by the delivery side.

use std::cell::Cell;

use openglip_domain::events::{EventPayload, StoredEvent};
use openglip_domain::membership_history::{MembershipStep, steps_of};
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::{Db, internal};

thread_local! {
    /// The largest seq appended by the job running on this (the writer's) thread.
    static LAST_APPENDED: Cell<i64> = const { Cell::new(0) };
}

/// Called by the store before a job that may append events.
pub(crate) fn begin_job() {
    LAST_APPENDED.with(|c| c.set(0));
}

/// The largest seq the job appended (0: none).
pub(crate) fn end_job() -> i64 {
    LAST_APPENDED.with(|c| c.replace(0))
}

/// Appends one event. The account is the chat's when the event is about a chat.
pub(crate) fn append(
    c: &Connection,
    now: i64,
    account: Option<AccountId>,
    payload: &EventPayload,
) -> Result<i64> {
    let chat = payload.chat_id();
    let account = match (account, chat) {
        (Some(a), _) => a.0,
        (None, Some(chat)) => c
            .prepare_cached("SELECT account_id FROM chats WHERE id = ?1")
            .db()?
            .query_row([chat.0], |r| r.get(0))
            .db()?,
        (None, None) => return Err(Error::Internal("an event needs an account".into())),
    };
    let json = serde_json::to_string(payload)
        .map_err(|e| Error::Internal(format!("event encoding: {e}")))?;
    c.prepare_cached(
        "INSERT INTO events (account_id, chat_id, created, payload) VALUES (?1, ?2, ?3, ?4)",
    )
    .db()?
    .execute(params![account, chat.map(|c| c.0), now, json])
    .db()?;
    let seq = c.last_insert_rowid();
    record_steps(c, seq, payload)?;
    LAST_APPENDED.with(|cell| cell.set(cell.get().max(seq)));
    Ok(seq)
}

/// The membership steps of a `GroupJoined`/`GroupLeft` event (`membership_history`).
fn record_steps(c: &Connection, seq: i64, payload: &EventPayload) -> Result<()> {
    for (chat, person, joined) in steps_of(payload) {
        c.prepare_cached(
            "INSERT OR IGNORE INTO membership_steps (person_id, seq, chat_id, joined) VALUES (?1, ?2, ?3, ?4)",
        )
        .db()?
        .execute(params![person.0, seq, chat.0, joined])
        .db()?;
    }
    Ok(())
}

/// The joins and leaves of `member` recorded with events after `after`, in seq order.
pub(crate) fn membership_steps(
    c: &Connection,
    member: ExtensionId,
    after: i64,
) -> Result<Vec<MembershipStep>> {
    let mut stmt = c
        .prepare_cached(
            "SELECT seq, chat_id, joined FROM membership_steps WHERE person_id = ?1 AND seq > ?2 ORDER BY seq",
        )
        .db()?;
    let rows = stmt
        .query_map(params![member.0, after], |r| {
            Ok(MembershipStep {
                seq: r.get(0)?,
                chat: ChatId(r.get(1)?),
                joined: r.get(2)?,
            })
        })
        .db()?;
    rows.map(|r| r.map_err(internal)).collect()
}

pub(crate) fn events_after(c: &Connection, after: i64, limit: usize) -> Result<Vec<StoredEvent>> {
    let mut stmt = c
        .prepare_cached("SELECT seq, account_id, created, payload FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")
        .db()?;
    let rows = stmt
        .query_map(params![after, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .db()?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, account, created, payload) = row.map_err(internal)?;
        match serde_json::from_str::<EventPayload>(&payload) {
            Ok(payload) => out.push(StoredEvent {
                seq,
                account_id: AccountId(account),
                created: Timestamp(created),
                payload,
            }),
            // An event this build cannot read (written by a newer one) is skipped, not fatal.
            Err(e) => tracing::warn!(seq, error = %e, "skipping an unreadable event"),
        }
    }
    Ok(out)
}

pub(crate) fn last_seq(c: &Connection) -> Result<i64> {
    c.prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM events")
        .db()?
        .query_row([], |r| r.get(0))
        .db()
}

pub(crate) fn member_chat_ids(c: &Connection, member: ExtensionId) -> Result<Vec<ChatId>> {
    let mut stmt = c
        .prepare_cached("SELECT chat_id FROM members WHERE person_id = ?1")
        .db()?;
    let rows = stmt.query_map([member.0], |r| r.get::<_, i64>(0)).db()?;
    rows.map(|r| r.map(ChatId).map_err(internal)).collect()
}

/// Deletes events with `seq < before` created before `older_than` (ms). Returns how many.
pub(crate) fn prune(c: &Connection, before: i64, older_than: i64) -> Result<u64> {
    let n = c
        .prepare_cached("DELETE FROM events WHERE seq < ?1 AND created < ?2")
        .db()?
        .execute(params![before, older_than])
        .db()?;
    // A step older than every event left can no longer decide anything (seqs are never reused).
    c.prepare_cached(
        "DELETE FROM membership_steps WHERE seq < COALESCE((SELECT MIN(seq) FROM events), 9223372036854775807)",
    )
    .db()?
    .execute([])
    .db()?;
    Ok(n as u64)
}

/// The members of a chat now (for membership-change events).
pub(crate) fn members_of(c: &Connection, chat: ChatId) -> Result<Vec<ExtensionId>> {
    let mut stmt = c
        .prepare_cached("SELECT person_id FROM members WHERE chat_id = ?1 ORDER BY ord")
        .db()?;
    let rows = stmt.query_map([chat.0], |r| r.get::<_, i64>(0)).db()?;
    rows.map(|r| r.map(ExtensionId).map_err(internal)).collect()
}

pub(crate) fn chat_name(c: &Connection, chat: ChatId) -> Result<Option<Option<String>>> {
    c.prepare_cached("SELECT name FROM chats WHERE id = ?1")
        .db()?
        .query_row([chat.0], |r| r.get::<_, Option<String>>(0))
        .optional()
        .db()
}
