//! Web sessions, authorization codes, consents and JWT credentials (the `PlatformStore`'s
//! grants, schema version 3): one function per call, run by the writer or a reader, so that
//! `platform.rs` keeps only the port's wiring for them.

use openglip_domain::platform::*;
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::db::{Db, is_unique_violation};
use crate::rows::{self, EXT_COLS};

const JWT_COLS: &str = "id, owner_id, label, hash, client_ids, created, expires, revoked";

fn jwt_row(r: &Row<'_>) -> rusqlite::Result<JwtCredential> {
    let ids: Option<String> = r.get(4)?;
    Ok(JwtCredential {
        id: r.get(0)?,
        owner: ExtensionId(r.get(1)?),
        label: r.get(2)?,
        hash: r.get(3)?,
        client_ids: ids.and_then(|s| serde_json::from_str::<Vec<String>>(&s).ok()),
        created: Timestamp(r.get(5)?),
        expires: r.get::<_, Option<i64>>(6)?.map(Timestamp),
        revoked: r.get(7)?,
    })
}

pub(crate) fn create_session(c: &Connection, now: i64, s: &WebSession) -> Result<()> {
    // Expired sessions go when new ones come.
    c.prepare_cached("DELETE FROM web_sessions WHERE expires <= ?1")
        .db()?
        .execute([now])
        .db()?;
    c.prepare_cached(
        "INSERT INTO web_sessions (id_hash, realm, extension_id, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .db()?
    .execute(params![
        s.id_hash,
        s.realm.as_str(),
        s.extension_id.0,
        s.created.millis(),
        s.expires.millis()
    ])
    .db()?;
    Ok(())
}

pub(crate) fn session(
    c: &Connection,
    id_hash: [u8; 32],
    now: Timestamp,
) -> Result<Option<(WebSession, Extension)>> {
    c.prepare_cached(&format!(
        "SELECT s.realm, s.created, s.expires, {EXT_COLS} FROM web_sessions s
         JOIN extensions e ON e.id = s.extension_id WHERE s.id_hash = ?1 AND s.expires > ?2"
    ))
    .db()?
    .query_row(params![id_hash, now.millis()], |r| {
        let realm: String = r.get(0)?;
        let ext = rows::extension(r, 3)?;
        Ok((
            WebSession {
                id_hash,
                realm: SessionRealm::parse(&realm).unwrap_or(SessionRealm::Account),
                extension_id: ext.id,
                created: Timestamp(r.get(1)?),
                expires: Timestamp(r.get(2)?),
            },
            ext,
        ))
    })
    .optional()
    .db()
}

pub(crate) fn delete_session(c: &Connection, id_hash: [u8; 32]) -> Result<()> {
    c.prepare_cached("DELETE FROM web_sessions WHERE id_hash = ?1")
        .db()?
        .execute([id_hash])
        .db()?;
    Ok(())
}

pub(crate) fn insert_code(c: &Connection, now: i64, code: &AuthCode) -> Result<()> {
    // Codes live a minute; a day later nobody will present them again.
    c.prepare_cached("DELETE FROM auth_codes WHERE expires < ?1")
        .db()?
        .execute([now - 86_400_000])
        .db()?;
    c.prepare_cached(
        "INSERT INTO auth_codes (code_hash, app_id, extension_id, account_id, redirect_uri, code_challenge,
                                 challenge_method, scope, family, created, expires, used)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0)",
    )
    .db()?
    .execute(params![
        code.code_hash,
        code.app_id.0,
        code.extension_id.0,
        code.account_id.0,
        code.redirect_uri,
        code.code_challenge,
        code.challenge_method,
        code.scope.bits(),
        code.family,
        code.created.millis(),
        code.expires.millis()
    ])
    .db()?;
    Ok(())
}

pub(crate) fn redeem_code(c: &Connection, hash: [u8; 32]) -> Result<CodeRedemption> {
    let found = c
        .prepare_cached(
            "SELECT app_id, extension_id, account_id, redirect_uri, code_challenge, challenge_method, scope,
                    family, created, expires, used
             FROM auth_codes WHERE code_hash = ?1",
        )
        .db()?
        .query_row([hash], |r| {
            Ok((
                AuthCode {
                    code_hash: hash,
                    app_id: AppId(r.get(0)?),
                    extension_id: ExtensionId(r.get(1)?),
                    account_id: AccountId(r.get(2)?),
                    redirect_uri: r.get(3)?,
                    code_challenge: r.get(4)?,
                    challenge_method: r.get(5)?,
                    scope: PermissionSet::from_bits(rows::stored_bits(r.get(6)?)),
                    family: r.get(7)?,
                    created: Timestamp(r.get(8)?),
                    expires: Timestamp(r.get(9)?),
                },
                r.get::<_, bool>(10)?,
            ))
        })
        .optional()
        .db()?;
    let Some((code, used)) = found else {
        return Ok(CodeRedemption::Unknown);
    };
    if used {
        let n = c
            .prepare_cached(
                "UPDATE tokens SET state = 'revoked' WHERE family = ?1 AND state <> 'revoked'",
            )
            .db()?
            .execute([&code.family])
            .db()?;
        tracing::warn!(family = %code.family, revoked = n, "authorization code reused; its tokens revoked");
        return Ok(CodeRedemption::Reused);
    }
    c.prepare_cached("UPDATE auth_codes SET used = 1 WHERE code_hash = ?1")
        .db()?
        .execute([hash])
        .db()?;
    Ok(CodeRedemption::Redeemed(code))
}

pub(crate) fn grant_consent(
    c: &Connection,
    now: i64,
    app: AppId,
    extension: ExtensionId,
    scope: PermissionSet,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO consents (app_id, extension_id, scope, created) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (app_id, extension_id) DO UPDATE SET scope = ?3, created = ?4",
    )
    .db()?
    .execute(params![app.0, extension.0, scope.bits(), now])
    .db()?;
    Ok(())
}

pub(crate) fn consent(
    c: &Connection,
    app: AppId,
    extension: ExtensionId,
) -> Result<Option<PermissionSet>> {
    c.prepare_cached("SELECT scope FROM consents WHERE app_id = ?1 AND extension_id = ?2")
        .db()?
        .query_row(params![app.0, extension.0], |r| {
            Ok(PermissionSet::from_bits(rows::stored_bits(r.get(0)?)))
        })
        .optional()
        .db()
}

pub(crate) fn create_jwt(c: &Connection, now: i64, jwt: JwtCredential) -> Result<JwtCredential> {
    let ids = jwt
        .client_ids
        .as_ref()
        .map(|v| serde_json::Value::from(v.clone()).to_string());
    c.prepare_cached(
        "INSERT INTO jwt_credentials (owner_id, label, hash, client_ids, created, expires, revoked)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
    )
    .db()?
    .execute(params![
        jwt.owner.0,
        jwt.label,
        jwt.hash,
        ids,
        now,
        jwt.expires.map(Timestamp::millis)
    ])
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::Internal("JWT hash collision".into())
        } else {
            crate::db::internal(e)
        }
    })?;
    Ok(JwtCredential {
        id: c.last_insert_rowid(),
        created: Timestamp(now),
        revoked: false,
        ..jwt
    })
}

pub(crate) fn jwt_by_hash(c: &Connection, hash: [u8; 32]) -> Result<Option<JwtCredential>> {
    c.prepare_cached(&format!(
        "SELECT {JWT_COLS} FROM jwt_credentials WHERE hash = ?1"
    ))
    .db()?
    .query_row([hash], jwt_row)
    .optional()
    .db()
}

pub(crate) fn jwts_of(c: &Connection, owner: ExtensionId) -> Result<Vec<JwtCredential>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {JWT_COLS} FROM jwt_credentials WHERE owner_id = ?1 AND revoked = 0 ORDER BY id DESC"
        ))
        .db()?;
    stmt.query_map([owner.0], jwt_row)
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()
}

pub(crate) fn revoke_jwt(c: &Connection, owner: ExtensionId, id: i64) -> Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE jwt_credentials SET revoked = 1 WHERE id = ?1 AND owner_id = ?2 AND revoked = 0",
        )
        .db()?
        .execute(params![id, owner.0])
        .db()?;
    Ok(n > 0)
}
