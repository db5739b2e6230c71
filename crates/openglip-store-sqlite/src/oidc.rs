//! OpenID Connect's storage (`OidcStore`, schema version 15): the signing keys (the signing one
//! and the previous one) and the OpenID part of authorizations, by token family.

use openglip_domain::oidc::{OidcGrant, OidcScopes, OidcStore, SigningKey};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::SqliteStore;
use crate::db::Db;

const KEY_COLUMNS: &str = "kid, private_pkcs8, modulus, exponent, created, retired";

fn key(r: &rusqlite::Row<'_>) -> rusqlite::Result<SigningKey> {
    Ok(SigningKey {
        kid: r.get(0)?,
        private_pkcs8: r.get(1)?,
        modulus: r.get(2)?,
        exponent: r.get(3)?,
        created: Timestamp(r.get(4)?),
        retired: r.get::<_, Option<i64>>(5)?.map(Timestamp),
    })
}

/// The keys kept, the signing one first, then by age.
fn keys(c: &Connection) -> Result<Vec<SigningKey>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM oidc_signing_keys
             ORDER BY retired IS NOT NULL, created DESC, kid"
        ))
        .db()?;
    let rows = stmt.query_map([], key).db()?;
    rows.collect::<rusqlite::Result<_>>().db()
}

fn insert_key(c: &Connection, k: &SigningKey) -> Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO oidc_signing_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, NULL)"
    ))
    .db()?
    .execute(params![
        k.kid,
        k.private_pkcs8,
        k.modulus,
        k.exponent,
        k.created.0
    ])
    .db()?;
    Ok(())
}

impl OidcStore for SqliteStore {
    fn signing_keys(&self) -> BoxFuture<'_, Vec<SigningKey>> {
        Box::pin(self.read(keys))
    }

    fn add_first_signing_key(&self, new: SigningKey) -> BoxFuture<'_, SigningKey> {
        Box::pin(self.write(move |c, _| {
            let current = c
                .prepare_cached(&format!(
                    "SELECT {KEY_COLUMNS} FROM oidc_signing_keys WHERE retired IS NULL"
                ))
                .db()?
                .query_row([], key)
                .optional()
                .db()?;
            if let Some(current) = current {
                return Ok(current);
            }
            insert_key(c, &new)?;
            Ok(new)
        }))
    }

    fn rotate_signing_key(&self, new: SigningKey) -> BoxFuture<'_, Vec<SigningKey>> {
        Box::pin(self.write(move |c, _| {
            c.prepare_cached("DELETE FROM oidc_signing_keys WHERE retired IS NOT NULL")
                .db()?
                .execute([])
                .db()?;
            c.prepare_cached("UPDATE oidc_signing_keys SET retired = ?1 WHERE retired IS NULL")
                .db()?
                .execute(params![new.created.0])
                .db()?;
            insert_key(c, &new)?;
            keys(c)
        }))
    }

    fn put_oidc_grant(&self, g: OidcGrant) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| {
            c.prepare_cached(
                "INSERT INTO oidc_grants (family, scopes, nonce, auth_time) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (family) DO UPDATE SET scopes = excluded.scopes,
                     nonce = excluded.nonce, auth_time = excluded.auth_time",
            )
            .db()?
            .execute(params![g.family, g.scopes.bits(), g.nonce, g.auth_time.0])
            .db()?;
            Ok(())
        }))
    }

    fn oidc_grant(&self, family: String) -> BoxFuture<'_, Option<OidcGrant>> {
        Box::pin(self.read(move |c| {
            c.prepare_cached("SELECT scopes, nonce, auth_time FROM oidc_grants WHERE family = ?1")
                .db()?
                .query_row(params![family], |r| {
                    Ok(OidcGrant {
                        family: family.clone(),
                        scopes: OidcScopes::from_bits(r.get(0)?),
                        nonce: r.get(1)?,
                        auth_time: Timestamp(r.get(2)?),
                    })
                })
                .optional()
                .db()
        }))
    }
}
