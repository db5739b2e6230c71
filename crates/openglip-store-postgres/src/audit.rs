//! The audit log (`audit_events`, schema version 16): appended through the writer, listed
//! newest first by company, kind, actor and time, a page at a time by id.

use openglip_domain::audit::{
    AuditEvent, AuditFilter, AuditKind, AuditOf, AuditStore, AuditedChange, Changed, NewAuditEvent,
    kind_names, page_size,
};
use openglip_domain::store::BoxFuture;
use openglip_domain::{AccountId, AppId, Error, ExtensionId, Result, Timestamp};
use postgres::Row;

use crate::db::{Conn, get, limit};
use crate::{PostgresStore, accounts, joined_own_chats, platform, tokens};

impl AuditStore for PostgresStore {
    fn record_audit(&self, event: NewAuditEvent) -> BoxFuture<'_, AuditEvent> {
        Box::pin(self.write(move |c, now| insert(c, event, now)))
    }

    fn audit_events(&self, filter: AuditFilter) -> BoxFuture<'_, Vec<AuditEvent>> {
        Box::pin(self.read(move |c| list(c, &filter)))
    }

    fn change_audited(&self, change: AuditedChange, audit: AuditOf) -> BoxFuture<'_, Changed> {
        Box::pin(self.write_auth(move |c, now| {
            let changed = change_in(c, now, change)?;
            for event in audit(&changed) {
                insert(c, event, now)?;
            }
            Ok(changed)
        }))
    }
}

/// Makes an audited change, as the `Store` method of the same name does.
fn change_in(c: &mut Conn, now: i64, change: AuditedChange) -> Result<Changed> {
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

pub(crate) fn insert(c: &mut Conn, event: NewAuditEvent, now: i64) -> Result<AuditEvent> {
    let r = c.one(
        "INSERT INTO audit_events
             (at, kind, account_id, actor_id, app_id, target, address, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[
            &now,
            &event.kind.as_str(),
            &event.account_id.map(|a| a.0),
            &event.actor_id.map(|a| a.0),
            &event.app_id.map(|a| a.0),
            &event.target,
            &event.address,
            &event.detail,
        ],
    )?;
    Ok(AuditEvent {
        id: get(&r, 0)?,
        at: Timestamp(now),
        event,
    })
}

fn list(c: &mut Conn, f: &AuditFilter) -> Result<Vec<AuditEvent>> {
    // One statement for every filter: an absent condition is a NULL parameter.
    let kinds: Option<Vec<&str>> = (!f.kinds.is_empty()).then(|| kind_names(&f.kinds));
    let rows = c.query(
        "SELECT id, at, kind, account_id, actor_id, app_id, target, address, detail
         FROM audit_events
         WHERE ($1::BIGINT IS NULL OR account_id = $1)
           AND ($2::TEXT[] IS NULL OR kind = ANY($2))
           AND ($3::BIGINT IS NULL OR actor_id = $3)
           AND ($4::BIGINT IS NULL OR at >= $4)
           AND ($5::BIGINT IS NULL OR at < $5)
           AND ($6::BIGINT IS NULL OR id < $6)
         ORDER BY id DESC LIMIT $7",
        &[
            &f.account_id.map(|a| a.0),
            &kinds,
            &f.actor_id.map(|a| a.0),
            &f.since.map(|t| t.millis()),
            &f.until.map(|t| t.millis()),
            &f.before_id,
            &limit(page_size(f)),
        ],
    )?;
    rows.iter().map(row).collect()
}

/// A row; a kind this build does not know is an error (never dropped from the listing).
fn row(r: &Row) -> Result<AuditEvent> {
    let kind: String = get(r, 2)?;
    let kind = AuditKind::parse(&kind)
        .ok_or_else(|| Error::Internal(format!("audit_events: unknown kind {kind:?}")))?;
    Ok(AuditEvent {
        id: get(r, 0)?,
        at: Timestamp(get(r, 1)?),
        event: NewAuditEvent {
            kind,
            account_id: get::<Option<i64>>(r, 3)?.map(AccountId),
            actor_id: get::<Option<i64>>(r, 4)?.map(ExtensionId),
            app_id: get::<Option<i64>>(r, 5)?.map(AppId),
            target: get(r, 6)?,
            address: get(r, 7)?,
            detail: get(r, 8)?,
        },
    })
}
