//! Subscriptions: who wants which events, delivered how, and how far delivery has got.

use openglip_domain::events::{
    EventFilter, Subscription, SubscriptionStatus, Transport, UndeliverableEvent,
};
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::db::{Db, internal};

const COLS: &str = "id, account_id, owner_id, app_id, filters, transport, address, verification_token, \
                    encryption_key, status, blacklisted_at, blacklist_reason, created, expires, cursor, expires_in";

fn row(r: &Row<'_>) -> rusqlite::Result<Subscription> {
    let account = AccountId(r.get(1)?);
    let owner = ExtensionId(r.get(2)?);
    let filters_json: String = r.get(4)?;
    let texts: Vec<String> = serde_json::from_str(&filters_json).unwrap_or_default();
    // Filters were validated when stored; one that no longer parses is dropped.
    let filters = texts
        .iter()
        .filter_map(|t| EventFilter::parse(t, account, owner).ok())
        .collect();
    let transport = match r.get::<_, String>(5)?.as_str() {
        "WebHook" => Transport::WebHook {
            address: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            verification_token: r.get(7)?,
        },
        _ => Transport::WebSocket,
    };
    let key: Option<Vec<u8>> = r.get(8)?;
    let status =
        SubscriptionStatus::parse(&r.get::<_, String>(9)?).unwrap_or(SubscriptionStatus::Active);
    let blacklisted = match (
        r.get::<_, Option<i64>>(10)?,
        r.get::<_, Option<String>>(11)?,
    ) {
        (Some(at), Some(reason)) => Some((Timestamp(at), reason)),
        _ => None,
    };
    Ok(Subscription {
        id: r.get(0)?,
        account_id: account,
        owner,
        app_id: AppId(r.get(3)?),
        filters,
        transport,
        encryption_key: key.and_then(|k| <[u8; 16]>::try_from(k.as_slice()).ok()),
        status,
        blacklisted,
        created: Timestamp(r.get(12)?),
        expires: Timestamp(r.get(13)?),
        cursor: r.get(14)?,
        expires_in_secs: r.get(15)?,
    })
}

fn filters_json(s: &Subscription) -> String {
    serde_json::Value::from(s.filters.iter().map(|f| f.text.clone()).collect::<Vec<_>>())
        .to_string()
}

fn transport_cols(t: &Transport) -> (&'static str, Option<&str>, Option<&str>) {
    match t {
        Transport::WebHook {
            address,
            verification_token,
        } => (
            "WebHook",
            Some(address.as_str()),
            verification_token.as_deref(),
        ),
        Transport::WebSocket => ("WebSocket", None, None),
    }
}

pub(crate) fn create(c: &Connection, s: &Subscription) -> Result<Subscription> {
    let (transport, address, token) = transport_cols(&s.transport);
    c.prepare_cached(&format!(
        "INSERT INTO subscriptions ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
    ))
    .db()?
    .execute(params![
        s.id,
        s.account_id.0,
        s.owner.0,
        s.app_id.0,
        filters_json(s),
        transport,
        address,
        token,
        s.encryption_key.map(|k| k.to_vec()),
        s.status.as_str(),
        s.blacklisted.as_ref().map(|b| b.0.millis()),
        s.blacklisted.as_ref().map(|b| b.1.clone()),
        s.created.millis(),
        s.expires.millis(),
        s.cursor,
        s.expires_in_secs,
    ])
    .map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            Error::invalid("id")
        } else {
            internal(e)
        }
    })?;
    Ok(s.clone())
}

pub(crate) fn get(c: &Connection, id: &str) -> Result<Option<Subscription>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM subscriptions WHERE id = ?1"))
        .db()?
        .query_row([id], row)
        .optional()
        .db()
}

pub(crate) fn of_owner(
    c: &Connection,
    owner: ExtensionId,
    app: AppId,
) -> Result<Vec<Subscription>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM subscriptions WHERE owner_id = ?1 AND app_id = ?2 ORDER BY created, id"
        ))
        .db()?;
    let rows = stmt.query_map(params![owner.0, app.0], row).db()?;
    rows.map(|r| r.map_err(internal)).collect()
}

pub(crate) fn all(c: &Connection) -> Result<Vec<Subscription>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM subscriptions ORDER BY created, id"
        ))
        .db()?;
    let rows = stmt.query_map([], row).db()?;
    rows.map(|r| r.map_err(internal)).collect()
}

/// Replaces everything but the id, owner, app, creation time and cursor.
pub(crate) fn update(c: &Connection, s: &Subscription) -> Result<Subscription> {
    let (transport, address, token) = transport_cols(&s.transport);
    let n = c
        .prepare_cached(
            "UPDATE subscriptions SET filters = ?2, transport = ?3, address = ?4, verification_token = ?5,
                 encryption_key = ?6, status = ?7, blacklisted_at = ?8, blacklist_reason = ?9, expires = ?10,
                 expires_in = ?11
             WHERE id = ?1",
        )
        .db()?
        .execute(params![
            s.id,
            filters_json(s),
            transport,
            address,
            token,
            s.encryption_key.map(|k| k.to_vec()),
            s.status.as_str(),
            s.blacklisted.as_ref().map(|b| b.0.millis()),
            s.blacklisted.as_ref().map(|b| b.1.clone()),
            s.expires.millis(),
            s.expires_in_secs,
        ])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Subscription));
    }
    get(c, &s.id)?.ok_or(Error::NotFound(Subject::Subscription))
}

pub(crate) fn delete(c: &Connection, id: &str) -> Result<bool> {
    Ok(c.prepare_cached("DELETE FROM subscriptions WHERE id = ?1")
        .db()?
        .execute([id])
        .db()?
        > 0)
}

/// Moves the cursor forward (never back); a delivery succeeded, so it is not failing.
pub(crate) fn advance(c: &Connection, id: &str, seq: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE subscriptions SET cursor = MAX(cursor, ?2), failing_since = NULL WHERE id = ?1",
    )
    .db()?
    .execute(params![id, seq])
    .db()?;
    Ok(())
}

/// Records a notification given up on and moves the cursor to `cursor`; `failing_since` stays.
pub(crate) fn give_up(
    c: &Connection,
    e: &UndeliverableEvent,
    cursor: Option<i64>,
) -> Result<UndeliverableEvent> {
    c.prepare_cached(
        "INSERT INTO undeliverable_events (subscription_id, seq, body, reason, failed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .db()?
    .execute(params![
        e.subscription_id,
        e.seq,
        e.body,
        e.reason,
        e.failed_at.millis()
    ])
    .db()?;
    let id = c.last_insert_rowid();
    if let Some(seq) = cursor {
        c.prepare_cached("UPDATE subscriptions SET cursor = MAX(cursor, ?2) WHERE id = ?1")
            .db()?
            .execute(params![e.subscription_id, seq])
            .db()?;
    }
    Ok(UndeliverableEvent { id, ..e.clone() })
}

/// The notifications given up on, of the subscriptions of an app, newest first.
pub(crate) fn undeliverable(c: &Connection, app: AppId) -> Result<Vec<UndeliverableEvent>> {
    let mut stmt = c
        .prepare_cached(
            "SELECT u.id, u.subscription_id, u.seq, u.body, u.reason, u.failed_at
             FROM undeliverable_events u JOIN subscriptions s ON s.id = u.subscription_id
             WHERE s.app_id = ?1 ORDER BY u.id DESC",
        )
        .db()?;
    let rows = stmt
        .query_map([app.0], |r| {
            Ok(UndeliverableEvent {
                id: r.get(0)?,
                subscription_id: r.get(1)?,
                seq: r.get(2)?,
                body: r.get(3)?,
                reason: r.get(4)?,
                failed_at: Timestamp(r.get(5)?),
            })
        })
        .db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

/// Forgets one notification given up on.
pub(crate) fn forget_undeliverable(c: &Connection, id: i64) -> Result<bool> {
    let n = c
        .prepare_cached("DELETE FROM undeliverable_events WHERE id = ?1")
        .db()?
        .execute([id])
        .db()?;
    Ok(n > 0)
}

pub(crate) fn blacklist(c: &Connection, id: &str, at: i64, reason: &str) -> Result<()> {
    c.prepare_cached(
        "UPDATE subscriptions SET status = 'Blacklisted', blacklisted_at = ?2, blacklist_reason = ?3 WHERE id = ?1",
    )
    .db()?
    .execute(params![id, at, reason])
    .db()?;
    Ok(())
}

/// The smallest cursor of live WebHook subscriptions (events after it must be kept).
pub(crate) fn min_webhook_cursor(c: &Connection, now: i64) -> Result<Option<i64>> {
    c.prepare_cached(
        "SELECT MIN(cursor) FROM subscriptions WHERE transport = 'WebHook' AND status = 'Active' AND expires > ?1",
    )
    .db()?
    .query_row([now], |r| r.get(0))
    .db()
}

/// Records when deliveries started failing (kept if already set); returns that time.
pub(crate) fn mark_failing(c: &Connection, id: &str, since: i64) -> Result<Option<i64>> {
    c.prepare_cached(
        "UPDATE subscriptions SET failing_since = COALESCE(failing_since, ?2) WHERE id = ?1",
    )
    .db()?
    .execute(params![id, since])
    .db()?;
    c.prepare_cached("SELECT failing_since FROM subscriptions WHERE id = ?1")
        .db()?
        .query_row([id], |r| r.get(0))
        .optional()
        .map(Option::flatten)
        .db()
}
