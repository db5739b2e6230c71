//! OpenID Connect's storage (`OidcStore`, schema version 15), as the SQLite store's: the
//! signing keys (the signing one and the previous one) and the OpenID part of authorizations,
//! by token family.

use openglip_domain::oidc::{OidcGrant, OidcScopes, OidcStore, SigningKey};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use postgres::Row;

use crate::PostgresStore;
use crate::db::{Conn, get};

const KEY_COLUMNS: &str = "kid, private_pkcs8, modulus, exponent, created, retired";

fn key(r: &Row) -> Result<SigningKey> {
    Ok(SigningKey {
        kid: get(r, 0)?,
        private_pkcs8: get(r, 1)?,
        modulus: get(r, 2)?,
        exponent: get(r, 3)?,
        created: Timestamp(get(r, 4)?),
        retired: get::<Option<i64>>(r, 5)?.map(Timestamp),
    })
}

/// The keys kept, the signing one first, then by age.
fn keys(c: &mut Conn) -> Result<Vec<SigningKey>> {
    c.map(
        &format!(
            "SELECT {KEY_COLUMNS} FROM oidc_signing_keys
             ORDER BY retired IS NOT NULL, created DESC, kid"
        ),
        &[],
        key,
    )
}

fn insert_key(c: &mut Conn, k: &SigningKey) -> Result<()> {
    c.exec(
        &format!("INSERT INTO oidc_signing_keys ({KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL)"),
        &[
            &k.kid,
            &k.private_pkcs8,
            &k.modulus,
            &k.exponent,
            &k.created.0,
        ],
    )?;
    Ok(())
}

impl OidcStore for PostgresStore {
    fn signing_keys(&self) -> BoxFuture<'_, Vec<SigningKey>> {
        Box::pin(self.read(keys))
    }

    fn add_first_signing_key(&self, new: SigningKey) -> BoxFuture<'_, SigningKey> {
        Box::pin(self.write(move |c, _| {
            let current = c.map_opt(
                &format!("SELECT {KEY_COLUMNS} FROM oidc_signing_keys WHERE retired IS NULL"),
                &[],
                key,
            )?;
            if let Some(current) = current {
                return Ok(current);
            }
            insert_key(c, &new)?;
            Ok(new)
        }))
    }

    fn rotate_signing_key(&self, new: SigningKey) -> BoxFuture<'_, Vec<SigningKey>> {
        Box::pin(self.write(move |c, _| {
            c.exec(
                "DELETE FROM oidc_signing_keys WHERE retired IS NOT NULL",
                &[],
            )?;
            c.exec(
                "UPDATE oidc_signing_keys SET retired = $1 WHERE retired IS NULL",
                &[&new.created.0],
            )?;
            insert_key(c, &new)?;
            keys(c)
        }))
    }

    fn put_oidc_grant(&self, g: OidcGrant) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| {
            c.exec(
                "INSERT INTO oidc_grants (family, scopes, nonce, auth_time) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (family) DO UPDATE SET scopes = excluded.scopes,
                     nonce = excluded.nonce, auth_time = excluded.auth_time",
                &[&g.family, &g.scopes.bits(), &g.nonce, &g.auth_time.0],
            )?;
            Ok(())
        }))
    }

    fn oidc_grant(&self, family: String) -> BoxFuture<'_, Option<OidcGrant>> {
        Box::pin(self.read(move |c| {
            c.map_opt(
                "SELECT scopes, nonce, auth_time FROM oidc_grants WHERE family = $1",
                &[&family],
                |r| {
                    Ok(OidcGrant {
                        family: family.clone(),
                        scopes: OidcScopes::from_bits(get(r, 0)?),
                        nonce: get(r, 1)?,
                        auth_time: Timestamp(get(r, 2)?),
                    })
                },
            )
        }))
    }
}
