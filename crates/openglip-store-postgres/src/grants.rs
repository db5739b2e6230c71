//! What a person grants and holds beyond tokens: web sessions, authorization codes (single
//! use), consents, and JWT credentials. Only SHA-256 hashes of the secrets are stored.

use openglip_domain::platform::*;
use openglip_domain::*;
use postgres::Row;

use crate::db::{Conn, get, internal, is_unique_violation};
use crate::rows::{self, EXT_COLS, bits, bits_value, hash};
use crate::tokens;

// ---- web sessions ----

pub(crate) fn create_session(c: &mut Conn, now: i64, s: &WebSession) -> Result<()> {
    // Expired sessions go when new ones come.
    c.exec("DELETE FROM web_sessions WHERE expires <= $1", &[&now])?;
    c.exec(
        "INSERT INTO web_sessions (id_hash, realm, extension_id, created, expires) VALUES ($1, $2, $3, $4, $5)",
        &[
            &s.id_hash.as_slice(),
            &s.realm.as_str(),
            &s.extension_id.0,
            &s.created.millis(),
            &s.expires.millis(),
        ],
    )?;
    Ok(())
}

/// A live session and its extension.
pub(crate) fn session(
    c: &mut Conn,
    id_hash: [u8; 32],
    now: Timestamp,
) -> Result<Option<(WebSession, Extension)>> {
    c.map_opt(
        &format!(
            "SELECT s.realm, s.created, s.expires, {EXT_COLS} FROM web_sessions s
             JOIN extensions e ON e.id = s.extension_id WHERE s.id_hash = $1 AND s.expires > $2"
        ),
        &[&id_hash.as_slice(), &now.millis()],
        |r| {
            let realm: String = get(r, 0)?;
            let ext = rows::extension(r, 3)?;
            Ok((
                WebSession {
                    id_hash,
                    realm: SessionRealm::parse(&realm).unwrap_or(SessionRealm::Account),
                    extension_id: ext.id,
                    created: Timestamp(get(r, 1)?),
                    expires: Timestamp(get(r, 2)?),
                },
                ext,
            ))
        },
    )
}

pub(crate) fn delete_session(c: &mut Conn, id_hash: &[u8; 32]) -> Result<()> {
    c.exec(
        "DELETE FROM web_sessions WHERE id_hash = $1",
        &[&id_hash.as_slice()],
    )?;
    Ok(())
}

// ---- authorization codes and consents ----

pub(crate) fn insert_code(c: &mut Conn, now: i64, code: &AuthCode) -> Result<()> {
    // Codes live a minute; a day later nobody will present them again.
    c.exec(
        "DELETE FROM auth_codes WHERE expires < $1",
        &[&(now - 86_400_000)],
    )?;
    c.exec(
        "INSERT INTO auth_codes (code_hash, app_id, extension_id, account_id, redirect_uri, code_challenge,
                                 challenge_method, scope, family, created, expires, used)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, FALSE)",
        &[
            &code.code_hash.as_slice(),
            &code.app_id.0,
            &code.extension_id.0,
            &code.account_id.0,
            &code.redirect_uri,
            &code.code_challenge,
            &code.challenge_method,
            &bits_value(code.scope.bits()),
            &code.family,
            &code.created.millis(),
            &code.expires.millis(),
        ],
    )?;
    Ok(())
}

/// Spends a code (its row locked against a concurrent redemption). A code presented again
/// revokes every token of its family.
pub(crate) fn redeem_code(c: &mut Conn, hash: [u8; 32]) -> Result<CodeRedemption> {
    let found = c.map_opt(
        "SELECT app_id, extension_id, account_id, redirect_uri, code_challenge, challenge_method, scope,
                family, created, expires, used
         FROM auth_codes WHERE code_hash = $1 FOR UPDATE",
        &[&hash.as_slice()],
        |r| {
            Ok((
                AuthCode {
                    code_hash: hash,
                    app_id: AppId(get(r, 0)?),
                    extension_id: ExtensionId(get(r, 1)?),
                    account_id: AccountId(get(r, 2)?),
                    redirect_uri: get(r, 3)?,
                    code_challenge: get(r, 4)?,
                    challenge_method: get(r, 5)?,
                    scope: PermissionSet::from_bits(bits(r, 6)?),
                    family: get(r, 7)?,
                    created: Timestamp(get(r, 8)?),
                    expires: Timestamp(get(r, 9)?),
                },
                get::<bool>(r, 10)?,
            ))
        },
    )?;
    let Some((code, used)) = found else {
        return Ok(CodeRedemption::Unknown);
    };
    if used {
        let n = tokens::revoke_family(c, &code.family)?;
        tracing::warn!(family = %code.family, revoked = n, "authorization code reused; its tokens revoked");
        return Ok(CodeRedemption::Reused);
    }
    c.exec(
        "UPDATE auth_codes SET used = TRUE WHERE code_hash = $1",
        &[&hash.as_slice()],
    )?;
    Ok(CodeRedemption::Redeemed(code))
}

pub(crate) fn grant_consent(
    c: &mut Conn,
    now: i64,
    app: AppId,
    extension: ExtensionId,
    scope: PermissionSet,
) -> Result<()> {
    c.exec(
        "INSERT INTO consents (app_id, extension_id, scope, created) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_id, extension_id) DO UPDATE SET scope = $3, created = $4",
        &[&app.0, &extension.0, &bits_value(scope.bits()), &now],
    )?;
    Ok(())
}

pub(crate) fn consent(
    c: &mut Conn,
    app: AppId,
    extension: ExtensionId,
) -> Result<Option<PermissionSet>> {
    c.map_opt(
        "SELECT scope FROM consents WHERE app_id = $1 AND extension_id = $2",
        &[&app.0, &extension.0],
        |r| Ok(PermissionSet::from_bits(bits(r, 0)?)),
    )
}

// ---- JWT credentials ----

const JWT_COLS: &str = "id, owner_id, label, hash, client_ids, created, expires, revoked";

fn jwt_row(r: &Row) -> Result<JwtCredential> {
    let ids: Option<String> = get(r, 4)?;
    Ok(JwtCredential {
        id: get(r, 0)?,
        owner: ExtensionId(get(r, 1)?),
        label: get(r, 2)?,
        hash: hash(r, 3)?,
        client_ids: ids.and_then(|s| serde_json::from_str::<Vec<String>>(&s).ok()),
        created: Timestamp(get(r, 5)?),
        expires: get::<Option<i64>>(r, 6)?.map(Timestamp),
        revoked: get(r, 7)?,
    })
}

pub(crate) fn create_jwt(c: &mut Conn, now: i64, jwt: JwtCredential) -> Result<JwtCredential> {
    let ids = jwt
        .client_ids
        .as_ref()
        .map(|v| serde_json::Value::from(v.clone()).to_string());
    let row = c
        .one_raw(
            "INSERT INTO jwt_credentials (owner_id, label, hash, client_ids, created, expires, revoked)
             VALUES ($1, $2, $3, $4, $5, $6, FALSE) RETURNING id",
            &[
                &jwt.owner.0,
                &jwt.label,
                &jwt.hash.as_slice(),
                &ids,
                &now,
                &jwt.expires.map(Timestamp::millis),
            ],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::Internal("JWT hash collision".into())
            } else {
                internal(e)
            }
        })?;
    Ok(JwtCredential {
        id: get(&row, 0)?,
        created: Timestamp(now),
        revoked: false,
        ..jwt
    })
}

pub(crate) fn jwt_by_hash(c: &mut Conn, hash: &[u8; 32]) -> Result<Option<JwtCredential>> {
    c.map_opt(
        &format!("SELECT {JWT_COLS} FROM jwt_credentials WHERE hash = $1"),
        &[&hash.as_slice()],
        jwt_row,
    )
}

pub(crate) fn jwts_of(c: &mut Conn, owner: ExtensionId) -> Result<Vec<JwtCredential>> {
    c.map(
        &format!(
            "SELECT {JWT_COLS} FROM jwt_credentials WHERE owner_id = $1 AND NOT revoked ORDER BY id DESC"
        ),
        &[&owner.0],
        jwt_row,
    )
}

/// Returns whether the owner had it.
pub(crate) fn revoke_jwt(c: &mut Conn, owner: ExtensionId, id: i64) -> Result<bool> {
    let n = c.exec(
        "UPDATE jwt_credentials SET revoked = TRUE WHERE id = $1 AND owner_id = $2 AND NOT revoked",
        &[&id, &owner.0],
    )?;
    Ok(n > 0)
}
