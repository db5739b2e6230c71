//! Activation links and the mail outbox (the `PlatformStore`'s part for people an administrator
//! invites, schema version 3): what the writer or a reader runs for them. Redeeming a link
//! changes the person, so that part stays with the extension updates in `platform.rs`; `spend`
//! is the link's part.

use openglip_domain::platform::*;
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::accounts;
use crate::db::Db;
use crate::rows::{self, EXT_COLS};

/// The e-mail that carries an activation link, written to the outbox with it.
pub(crate) struct Letter<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub(crate) fn create_activation(
    c: &Connection,
    now: i64,
    extension: ExtensionId,
    hash: [u8; 32],
    expires: Timestamp,
    letter: Letter<'_>,
) -> Result<()> {
    let ext = accounts::extension(c, extension)?.ok_or(Error::NotFound(Subject::Extension))?;
    c.prepare_cached(
        "INSERT INTO activations (hash, extension_id, expires, used) VALUES (?1, ?2, ?3, 0)",
    )
    .db()?
    .execute(params![hash, extension.0, expires.millis()])
    .db()?;
    c.prepare_cached(
        "INSERT INTO mail_outbox (account_id, recipient, subject, body, created) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .db()?
    .execute(params![
        ext.account_id.0,
        letter.to,
        letter.subject,
        letter.body,
        now
    ])
    .db()?;
    Ok(())
}

pub(crate) fn activation(c: &Connection, hash: [u8; 32]) -> Result<Option<Extension>> {
    c.prepare_cached(&format!(
        "SELECT {EXT_COLS} FROM activations v JOIN extensions e ON e.id = v.extension_id
         WHERE v.hash = ?1 AND v.used = 0 AND v.expires > ?2 AND e.status IN ('NotActivated', 'Enabled')"
    ))
    .db()?
    .query_row(params![hash, crate::db::now_ms()], |r| {
        rows::extension(r, 0)
    })
    .optional()
    .db()
}

pub(crate) fn outbox(c: &Connection, account: AccountId, limit: usize) -> Result<Vec<Mail>> {
    let mut stmt = c
        .prepare_cached(
            "SELECT id, account_id, recipient, subject, body, created FROM mail_outbox
             WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .db()?;
    stmt.query_map(params![account.0, limit as i64], |r| {
        Ok(Mail {
            id: r.get(0)?,
            account_id: AccountId(r.get(1)?),
            to: r.get(2)?,
            subject: r.get(3)?,
            body: r.get(4)?,
            created: Timestamp(r.get(5)?),
        })
    })
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}

/// Spends a live link (and the person's other links) of a person not activated yet or enabled,
/// and ends their web sessions (a new password signs them out everywhere: whoever knew the old
/// one keeps no session). The extension's id, or `None` when the link no longer works.
pub(crate) fn spend(c: &Connection, now: i64, hash: [u8; 32]) -> Result<Option<i64>> {
    let id: Option<i64> = c
        .prepare_cached(
            "SELECT v.extension_id FROM activations v JOIN extensions e ON e.id = v.extension_id
             WHERE v.hash = ?1 AND v.used = 0 AND v.expires > ?2 AND e.status IN ('NotActivated', 'Enabled')",
        )
        .db()?
        .query_row(params![hash, now], |r| r.get(0))
        .optional()
        .db()?;
    let Some(id) = id else { return Ok(None) };
    c.prepare_cached("UPDATE activations SET used = 1 WHERE extension_id = ?1")
        .db()?
        .execute([id])
        .db()?;
    c.prepare_cached("DELETE FROM web_sessions WHERE extension_id = ?1")
        .db()?
        .execute([id])
        .db()?;
    Ok(Some(id))
}
