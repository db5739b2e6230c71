//! The audit log (`audit_events`, schema version 16): appended through the writer, listed
//! newest first by company, kind, actor and time, a page at a time by id.

use openglip_domain::audit::{
    AuditEvent, AuditFilter, AuditKind, AuditOf, AuditStore, AuditedChange, Changed, NewAuditEvent,
    kind_names, page_size,
};
use openglip_domain::store::BoxFuture;
use openglip_domain::{AccountId, AppId, Error, ExtensionId, Result, Timestamp};
use rusqlite::{Connection, Row, params};

use crate::db::Db;
use crate::{SqliteStore, accounts, joined_own_chats, platform, tokens};

impl AuditStore for SqliteStore {
    fn record_audit(&self, event: NewAuditEvent) -> BoxFuture<'_, AuditEvent> {
        Box::pin(self.write(move |c, now| insert(c, event, now)))
    }

    fn audit_events(&self, filter: AuditFilter) -> BoxFuture<'_, Vec<AuditEvent>> {
        Box::pin(self.read(move |c| list(c, &filter)))
    }

    fn change_audited(&self, change: AuditedChange, audit: AuditOf) -> BoxFuture<'_, Changed> {
        Box::pin(self.write_ev(move |c, now| {
            let changed = change_in(c, now, change)?;
            for event in audit(&changed) {
                insert(c, event, now)?;
            }
            Ok(changed)
        }))
    }
}

/// Makes an audited change, as the `Store` method of the same name does.
fn change_in(c: &Connection, now: i64, change: AuditedChange) -> Result<Changed> {
    Ok(match change {
        AuditedChange::CreateAccount { name, admin } => {
            let (account, admin) = accounts::create_account(c, now, name, admin)?;
            joined_own_chats(c, now, &admin)?;
            Changed::Account(account, admin)
        }
        AuditedChange::CreateExtension { account, new } => {
            let ext = accounts::create_extension(c, now, account, new)?;
            joined_own_chats(c, now, &ext)?;
            Changed::Extension(ext)
        }
        AuditedChange::UpdateExtension { id, patch } => {
            Changed::Extension(platform::update_extension(c, now, id, patch)?)
        }
        AuditedChange::InsertToken(t) => {
            tokens::insert_token(c, &t)?;
            Changed::TokenInserted
        }
        AuditedChange::RotateRefresh { old, new } => {
            Changed::Rotated(tokens::rotate_refresh(c, now, &old, new)?)
        }
        AuditedChange::RevokeToken(hash) => Changed::Revoked(tokens::revoke_token(c, &hash)?),
        AuditedChange::CreateApp(new) => Changed::App(tokens::create_app(c, now, new)?),
        AuditedChange::RegisterApp { new, details } => {
            Changed::AppRecord(platform::register_app(c, now, new, details)?)
        }
        AuditedChange::RevokeAppInAccount { app, account } => {
            Changed::AppRevoked(platform::revoke_app_in_account(c, app, account)?)
        }
        AuditedChange::SetClientSecret { app, hash } => {
            platform::set_client_secret(c, app, &hash)?;
            Changed::SecretSet
        }
    })
}

pub(crate) fn insert(c: &Connection, event: NewAuditEvent, now: i64) -> Result<AuditEvent> {
    let id = c
        .prepare_cached(
            "INSERT INTO audit_events
                 (at, kind, account_id, actor_id, app_id, target, address, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        )
        .db()?
        .query_row(
            params![
                now,
                event.kind.as_str(),
                event.account_id.map(|a| a.0),
                event.actor_id.map(|a| a.0),
                event.app_id.map(|a| a.0),
                event.target,
                event.address,
                event.detail,
            ],
            |r| r.get(0),
        )
        .db()?;
    Ok(AuditEvent {
        id,
        at: Timestamp(now),
        event,
    })
}

fn list(c: &Connection, f: &AuditFilter) -> Result<Vec<AuditEvent>> {
    // One statement for every filter: an absent condition is a NULL parameter.
    let kinds = (!f.kinds.is_empty())
        .then(|| serde_json::to_string(&kind_names(&f.kinds)).unwrap_or_else(|_| "[]".into()));
    let mut stmt = c
        .prepare_cached(
            "SELECT id, at, kind, account_id, actor_id, app_id, target, address, detail
             FROM audit_events
             WHERE (?1 IS NULL OR account_id = ?1)
               AND (?2 IS NULL OR kind IN (SELECT value FROM json_each(?2)))
               AND (?3 IS NULL OR actor_id = ?3)
               AND (?4 IS NULL OR at >= ?4)
               AND (?5 IS NULL OR at < ?5)
               AND (?6 IS NULL OR id < ?6)
             ORDER BY id DESC LIMIT ?7",
        )
        .db()?;
    let rows = stmt
        .query_map(
            params![
                f.account_id.map(|a| a.0),
                kinds,
                f.actor_id.map(|a| a.0),
                f.since.map(|t| t.millis()),
                f.until.map(|t| t.millis()),
                f.before_id,
                page_size(f) as i64,
            ],
            row,
        )
        .db()?;
    let mut out = Vec::new();
    for r in rows {
        out.push(r.db()??);
    }
    Ok(out)
}

/// A row; a kind this build does not know is an error (never dropped from the listing).
fn row(r: &Row<'_>) -> rusqlite::Result<Result<AuditEvent>> {
    let kind: String = r.get(2)?;
    let Some(kind) = AuditKind::parse(&kind) else {
        return Ok(Err(Error::Internal(format!(
            "audit_events: unknown kind {kind:?}"
        ))));
    };
    Ok(Ok(AuditEvent {
        id: r.get(0)?,
        at: Timestamp(r.get(1)?),
        event: NewAuditEvent {
            kind,
            account_id: r.get::<_, Option<i64>>(3)?.map(AccountId),
            actor_id: r.get::<_, Option<i64>>(4)?.map(ExtensionId),
            app_id: r.get::<_, Option<i64>>(5)?.map(AppId),
            target: r.get(6)?,
            address: r.get(7)?,
            detail: r.get(8)?,
        },
    }))
}
