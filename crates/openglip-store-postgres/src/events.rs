//! The event outbox: events are appended by the same job (and so the same transaction) as the
//! change that caused them, and read back in `seq` order by the delivery side.

use std::cell::Cell;

use openglip_domain::events::{EventPayload, StoredEvent};
use openglip_domain::membership_history::{MembershipStep, steps_of};
use openglip_domain::*;

use crate::db::{Conn, get, limit};

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
    c: &mut Conn,
    now: i64,
    account: Option<AccountId>,
    payload: &EventPayload,
) -> Result<i64> {
    let chat = payload.chat_id().map(|c| c.0);
    let account: i64 = match (account, chat) {
        (Some(a), _) => a.0,
        (None, Some(chat)) => get(
            &c.one("SELECT account_id FROM chats WHERE id = $1", &[&chat])?,
            0,
        )?,
        (None, None) => return Err(Error::Internal("an event needs an account".into())),
    };
    let json = serde_json::to_string(payload)
        .map_err(|e| Error::Internal(format!("event encoding: {e}")))?;
    let row = c.one(
        "INSERT INTO events (account_id, chat_id, created, payload) VALUES ($1, $2, $3, $4) RETURNING seq",
        &[&account, &chat, &now, &json],
    )?;
    let seq: i64 = get(&row, 0)?;
    record_steps(c, seq, payload)?;
    LAST_APPENDED.with(|cell| cell.set(cell.get().max(seq)));
    Ok(seq)
}

/// The membership steps of a `GroupJoined`/`GroupLeft` event (`membership_history`).
fn record_steps(c: &mut Conn, seq: i64, payload: &EventPayload) -> Result<()> {
    for (chat, person, joined) in steps_of(payload) {
        c.exec(
            "INSERT INTO membership_steps (person_id, seq, chat_id, joined) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&person.0, &seq, &chat.0, &joined],
        )?;
    }
    Ok(())
}

/// The joins and leaves of `member` recorded with events after `after`, in seq order.
pub(crate) fn membership_steps(
    c: &mut Conn,
    member: ExtensionId,
    after: i64,
) -> Result<Vec<MembershipStep>> {
    c.map(
        "SELECT seq, chat_id, joined FROM membership_steps WHERE person_id = $1 AND seq > $2 ORDER BY seq",
        &[&member.0, &after],
        |r| {
            Ok(MembershipStep {
                seq: get(r, 0)?,
                chat: ChatId(get(r, 1)?),
                joined: get(r, 2)?,
            })
        },
    )
}

pub(crate) fn events_after(c: &mut Conn, after: i64, n: usize) -> Result<Vec<StoredEvent>> {
    let rows = c.query(
        "SELECT seq, account_id, created, payload FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[&after, &limit(n)],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let seq: i64 = get(&row, 0)?;
        let payload: String = get(&row, 3)?;
        match serde_json::from_str::<EventPayload>(&payload) {
            Ok(payload) => out.push(StoredEvent {
                seq,
                account_id: AccountId(get(&row, 1)?),
                created: Timestamp(get(&row, 2)?),
                payload,
            }),
            // An event this build cannot read (written by a newer one) is skipped, not fatal.
            Err(e) => tracing::warn!(seq, error = %e, "skipping an unreadable event"),
        }
    }
    Ok(out)
}

pub(crate) fn last_seq(c: &mut Conn) -> Result<i64> {
    get(&c.one("SELECT COALESCE(MAX(seq), 0) FROM events", &[])?, 0)
}

pub(crate) fn member_chat_ids(c: &mut Conn, member: ExtensionId) -> Result<Vec<ChatId>> {
    c.map(
        "SELECT chat_id FROM members WHERE person_id = $1 ORDER BY chat_id",
        &[&member.0],
        |r| get(r, 0).map(ChatId),
    )
}

/// Deletes events with `seq < before` created before `older_than` (ms). Returns how many.
pub(crate) fn prune(c: &mut Conn, before: i64, older_than: i64) -> Result<u64> {
    let n = c.exec(
        "DELETE FROM events WHERE seq < $1 AND created < $2",
        &[&before, &older_than],
    )?;
    // A step older than every event left can no longer decide anything (seqs are never reused).
    c.exec(
        "DELETE FROM membership_steps WHERE seq < COALESCE((SELECT MIN(seq) FROM events), 9223372036854775807)",
        &[],
    )?;
    Ok(n)
}

/// The members of a chat now (for membership-change events).
pub(crate) fn members_of(c: &mut Conn, chat: ChatId) -> Result<Vec<ExtensionId>> {
    c.map(
        "SELECT person_id FROM members WHERE chat_id = $1 ORDER BY ord",
        &[&chat.0],
        |r| get(r, 0).map(ExtensionId),
    )
}

pub(crate) fn chat_name(c: &mut Conn, chat: ChatId) -> Result<Option<Option<String>>> {
    c.map_opt("SELECT name FROM chats WHERE id = $1", &[&chat.0], |r| {
        get(r, 0)
    })
}
