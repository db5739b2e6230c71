//! Apps (OAuth clients) and tokens. Only SHA-256 hashes of tokens are stored.

use openglip_domain::store::NewApp;
use openglip_domain::*;

use crate::db::{Conn, get, internal, is_fk_violation, is_unique_violation};
use crate::rows::{self, APP_COLS, EXT_COLS, EXT_N, TOKEN_COLS, TOKEN_N, bits_value};

const LIVE: &str = "live";

pub(crate) fn create_app(c: &mut Conn, now: i64, new: NewApp) -> Result<App> {
    let uris = serde_json::Value::from(new.redirect_uris.clone()).to_string();
    let row = c
        .one_raw(
            "INSERT INTO apps (client_id, client_secret_hash, account_id, name, kind, public_client, grants,
                               permissions, redirect_uris, access_ttl_secs, refresh_ttl_secs, created)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            &[
                &new.client_id,
                &new.client_secret_hash,
                &new.account_id.0,
                &new.name,
                &new.kind.as_str(),
                &new.public_client,
                &bits_value(new.grants.bits()),
                &bits_value(new.permissions.bits()),
                &uris,
                &new.access_ttl_secs,
                &new.refresh_ttl_secs,
                &now,
            ],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::invalid_because("clientId", "The client id is already in use")
            } else if is_fk_violation(&e) {
                Error::NotFound(Subject::Account)
            } else {
                internal(e)
            }
        })?;
    Ok(App {
        id: AppId(get(&row, 0)?),
        client_id: new.client_id,
        client_secret_hash: new.client_secret_hash,
        account_id: new.account_id,
        name: new.name,
        kind: new.kind,
        public_client: new.public_client,
        grants: new.grants,
        permissions: new.permissions,
        redirect_uris: new.redirect_uris,
        access_ttl_secs: new.access_ttl_secs,
        refresh_ttl_secs: new.refresh_ttl_secs,
        created: Timestamp(now),
    })
}

pub(crate) fn app_by_client_id(c: &mut Conn, client_id: &str) -> Result<Option<App>> {
    c.map_opt(
        &format!("SELECT {APP_COLS} FROM apps a WHERE a.client_id = $1"),
        &[&client_id],
        |r| rows::app(r, 0),
    )
}

pub(crate) fn insert_token(c: &mut Conn, t: &TokenRecord) -> Result<()> {
    c.exec(
        "INSERT INTO tokens (access_hash, refresh_hash, app_id, extension_id, account_id, scope, access_expires,
                             refresh_expires, family, endpoint_id, created, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'live')",
        &[
            &t.access_hash.as_slice(),
            &t.refresh_hash.as_ref().map(|h| h.as_slice()),
            &t.app_id.0,
            &t.extension_id.0,
            &t.account_id.0,
            &bits_value(t.scope.bits()),
            &t.access_expires.map(Timestamp::millis),
            &t.refresh_expires.map(Timestamp::millis),
            &t.family,
            &t.endpoint_id,
            &t.created.millis(),
        ],
    )?;
    Ok(())
}

fn grant(r: &postgres::Row) -> Result<TokenGrant> {
    let (token, state) = rows::token(r, 0)?;
    Ok(TokenGrant {
        token,
        // A spent pair (rotated by a refresh) is as dead as a revoked one.
        revoked: state != LIVE,
        extension: rows::extension(r, TOKEN_N)?,
        app: rows::app(r, TOKEN_N + EXT_N)?,
    })
}

fn grant_sql(condition: &str) -> String {
    format!(
        "SELECT {TOKEN_COLS}, {EXT_COLS}, {APP_COLS} FROM tokens t
         JOIN extensions e ON e.id = t.extension_id JOIN apps a ON a.id = t.app_id
         WHERE {condition}"
    )
}

pub(crate) fn token_by_access_hash(c: &mut Conn, hash: &[u8; 32]) -> Result<Option<TokenGrant>> {
    c.map_opt(&grant_sql("t.access_hash = $1"), &[&hash.as_slice()], grant)
}

pub(crate) fn token_by_refresh_hash(c: &mut Conn, hash: &[u8; 32]) -> Result<Option<TokenGrant>> {
    c.map_opt(
        &grant_sql("t.refresh_hash = $1 AND t.state = 'live'"),
        &[&hash.as_slice()],
        grant,
    )
}

/// Revokes every token of a family not revoked yet. Returns how many.
pub(crate) fn revoke_family(c: &mut Conn, family: &str) -> Result<u64> {
    c.exec(
        "UPDATE tokens SET state = 'revoked' WHERE family = $1 AND state <> 'revoked'",
        &[&family],
    )
}

/// Spends `old` and stores `new` in its family, or, on reuse of a spent or revoked refresh token,
/// revokes the whole family. An expired refresh token counts as unknown.
pub(crate) fn rotate_refresh(
    c: &mut Conn,
    now: i64,
    old: &[u8; 32],
    new: TokenRecord,
) -> Result<Option<TokenRecord>> {
    let found = c.map_opt(
        &format!("SELECT t.id, {TOKEN_COLS} FROM tokens t WHERE t.refresh_hash = $1 FOR UPDATE"),
        &[&old.as_slice()],
        |r| Ok((get::<i64>(r, 0)?, rows::token(r, 1)?)),
    )?;
    let Some((id, (record, state))) = found else {
        return Ok(None);
    };
    if state != LIVE {
        let n = revoke_family(c, &record.family)?;
        tracing::warn!(family = %record.family, revoked = n, "refresh token reused; token family revoked");
        return Ok(None);
    }
    if record.refresh_expires.is_some_and(|t| t.millis() <= now) {
        return Ok(None);
    }
    c.exec("UPDATE tokens SET state = 'spent' WHERE id = $1", &[&id])?;
    insert_token(
        c,
        &TokenRecord {
            family: record.family.clone(),
            ..new
        },
    )?;
    Ok(Some(record))
}

pub(crate) fn revoke_token(c: &mut Conn, hash: &[u8; 32]) -> Result<bool> {
    let n = c.exec(
        "UPDATE tokens SET state = 'revoked' WHERE access_hash = $1 OR refresh_hash = $1",
        &[&hash.as_slice()],
    )?;
    Ok(n > 0)
}
