//! Subscriptions: who wants which events, delivered how, and how far delivery has got.

use openglip_domain::events::{
    EventFilter, Subscription, SubscriptionStatus, Transport, UndeliverableEvent,
};
use openglip_domain::*;
use postgres::Row;

use crate::db::{Conn, get, internal, is_unique_violation};

const COLS: &str = "id, account_id, owner_id, app_id, filters, transport, address, verification_token, \
                    encryption_key, status, blacklisted_at, blacklist_reason, created, expires, cursor, expires_in";

fn row(r: &Row) -> Result<Subscription> {
    let account = AccountId(get(r, 1)?);
    let owner = ExtensionId(get(r, 2)?);
    let filters_json: String = get(r, 4)?;
    let texts: Vec<String> = serde_json::from_str(&filters_json).unwrap_or_default();
    // Filters were validated when stored; one that no longer parses is dropped.
    let filters = texts
        .iter()
        .filter_map(|t| EventFilter::parse(t, account, owner).ok())
        .collect();
    let transport = match get::<String>(r, 5)?.as_str() {
        "WebHook" => Transport::WebHook {
            address: get::<Option<String>>(r, 6)?.unwrap_or_default(),
            verification_token: get(r, 7)?,
        },
        _ => Transport::WebSocket,
    };
    let key: Option<Vec<u8>> = get(r, 8)?;
    let status =
        SubscriptionStatus::parse(&get::<String>(r, 9)?).unwrap_or(SubscriptionStatus::Active);
    let blacklisted = match (get::<Option<i64>>(r, 10)?, get::<Option<String>>(r, 11)?) {
        (Some(at), Some(reason)) => Some((Timestamp(at), reason)),
        _ => None,
    };
    Ok(Subscription {
        id: get(r, 0)?,
        account_id: account,
        owner,
        app_id: AppId(get(r, 3)?),
        filters,
        transport,
        encryption_key: key.and_then(|k| <[u8; 16]>::try_from(k.as_slice()).ok()),
        status,
        blacklisted,
        created: Timestamp(get(r, 12)?),
        expires: Timestamp(get(r, 13)?),
        cursor: get(r, 14)?,
        expires_in_secs: get(r, 15)?,
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

pub(crate) fn create(c: &mut Conn, s: &Subscription) -> Result<Subscription> {
    let (transport, address, token) = transport_cols(&s.transport);
    c.exec_raw(
        &format!(
            "INSERT INTO subscriptions ({COLS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        ),
        &[
            &s.id,
            &s.account_id.0,
            &s.owner.0,
            &s.app_id.0,
            &filters_json(s),
            &transport,
            &address,
            &token,
            &s.encryption_key.map(|k| k.to_vec()),
            &s.status.as_str(),
            &s.blacklisted.as_ref().map(|b| b.0.millis()),
            &s.blacklisted.as_ref().map(|b| b.1.clone()),
            &s.created.millis(),
            &s.expires.millis(),
            &s.cursor,
            &s.expires_in_secs,
        ],
    )
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::invalid("id")
        } else {
            internal(e)
        }
    })?;
    Ok(s.clone())
}

pub(crate) fn get_one(c: &mut Conn, id: &str) -> Result<Option<Subscription>> {
    c.map_opt(
        &format!("SELECT {COLS} FROM subscriptions WHERE id = $1"),
        &[&id],
        row,
    )
}

pub(crate) fn of_owner(c: &mut Conn, owner: ExtensionId, app: AppId) -> Result<Vec<Subscription>> {
    c.map(
        &format!(
            "SELECT {COLS} FROM subscriptions WHERE owner_id = $1 AND app_id = $2 ORDER BY created, id"
        ),
        &[&owner.0, &app.0],
        row,
    )
}

pub(crate) fn all(c: &mut Conn) -> Result<Vec<Subscription>> {
    c.map(
        &format!("SELECT {COLS} FROM subscriptions ORDER BY created, id"),
        &[],
        row,
    )
}

/// Replaces everything but the id, owner, app, creation time and cursor.
pub(crate) fn update(c: &mut Conn, s: &Subscription) -> Result<Subscription> {
    let (transport, address, token) = transport_cols(&s.transport);
    let n = c.exec(
        "UPDATE subscriptions SET filters = $2, transport = $3, address = $4, verification_token = $5,
             encryption_key = $6, status = $7, blacklisted_at = $8, blacklist_reason = $9, expires = $10,
             expires_in = $11
         WHERE id = $1",
        &[
            &s.id,
            &filters_json(s),
            &transport,
            &address,
            &token,
            &s.encryption_key.map(|k| k.to_vec()),
            &s.status.as_str(),
            &s.blacklisted.as_ref().map(|b| b.0.millis()),
            &s.blacklisted.as_ref().map(|b| b.1.clone()),
            &s.expires.millis(),
            &s.expires_in_secs,
        ],
    )?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Subscription));
    }
    get_one(c, &s.id)?.ok_or(Error::NotFound(Subject::Subscription))
}

pub(crate) fn delete(c: &mut Conn, id: &str) -> Result<bool> {
    Ok(c.exec("DELETE FROM subscriptions WHERE id = $1", &[&id])? > 0)
}

/// Moves the cursor forward (never back); a delivery succeeded, so it is not failing.
pub(crate) fn advance(c: &mut Conn, id: &str, seq: i64) -> Result<()> {
    c.exec(
        "UPDATE subscriptions SET cursor = GREATEST(cursor, $2), failing_since = NULL WHERE id = $1",
        &[&id, &seq],
    )?;
    Ok(())
}

/// Records a notification given up on and moves the cursor to `cursor`; `failing_since` stays.
pub(crate) fn give_up(
    c: &mut Conn,
    e: &UndeliverableEvent,
    cursor: Option<i64>,
) -> Result<UndeliverableEvent> {
    let row = c.one(
        "INSERT INTO undeliverable_events (subscription_id, seq, body, reason, failed_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            &e.subscription_id,
            &e.seq,
            &e.body,
            &e.reason,
            &e.failed_at.millis(),
        ],
    )?;
    let id: i64 = get(&row, 0)?;
    if let Some(seq) = cursor {
        c.exec(
            "UPDATE subscriptions SET cursor = GREATEST(cursor, $2) WHERE id = $1",
            &[&e.subscription_id, &seq],
        )?;
    }
    Ok(UndeliverableEvent { id, ..e.clone() })
}

/// The notifications given up on, of the subscriptions of an app, newest first.
pub(crate) fn undeliverable(c: &mut Conn, app: AppId) -> Result<Vec<UndeliverableEvent>> {
    c.map(
        "SELECT u.id, u.subscription_id, u.seq, u.body, u.reason, u.failed_at
         FROM undeliverable_events u JOIN subscriptions s ON s.id = u.subscription_id
         WHERE s.app_id = $1 ORDER BY u.id DESC",
        &[&app.0],
        |r| {
            Ok(UndeliverableEvent {
                id: get(r, 0)?,
                subscription_id: get(r, 1)?,
                seq: get(r, 2)?,
                body: get(r, 3)?,
                reason: get(r, 4)?,
                failed_at: Timestamp(get(r, 5)?),
            })
        },
    )
}

/// Forgets one notification given up on.
pub(crate) fn forget_undeliverable(c: &mut Conn, id: i64) -> Result<bool> {
    Ok(c.exec("DELETE FROM undeliverable_events WHERE id = $1", &[&id])? > 0)
}

pub(crate) fn blacklist(c: &mut Conn, id: &str, at: i64, reason: &str) -> Result<()> {
    c.exec(
        "UPDATE subscriptions SET status = 'Blacklisted', blacklisted_at = $2, blacklist_reason = $3 WHERE id = $1",
        &[&id, &at, &reason],
    )?;
    Ok(())
}

/// The smallest cursor of live WebHook subscriptions (events after it must be kept).
pub(crate) fn min_webhook_cursor(c: &mut Conn, now: i64) -> Result<Option<i64>> {
    get(
        &c.one(
            "SELECT MIN(cursor) FROM subscriptions WHERE transport = 'WebHook' AND status = 'Active' AND expires > $1",
            &[&now],
        )?,
        0,
    )
}

/// Records when deliveries started failing (kept if already set); returns that time.
pub(crate) fn mark_failing(c: &mut Conn, id: &str, since: i64) -> Result<Option<i64>> {
    let found = c.map_opt(
        "UPDATE subscriptions SET failing_since = COALESCE(failing_since, $2) WHERE id = $1
         RETURNING failing_since",
        &[&id, &since],
        |r| get::<Option<i64>>(r, 0),
    )?;
    Ok(found.flatten())
}
