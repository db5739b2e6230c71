//! Accounts and extensions (persons and bots), and login lookups.

use std::collections::HashMap;

use openglip_domain::store::NewExtension;
use openglip_domain::store_rules::{self, FIRST_EXTENSION_NUMBER, LoginLookup};
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::chats::{self, ChatInsert};
use crate::db::{Db, is_unique_violation, json_ids};
use crate::rows::{self, ACCOUNT_COLS, EXT_COLS, EXT_N};

fn email_taken() -> Error {
    Error::invalid_because("email", "The email address is already in use")
}

fn number_taken() -> Error {
    Error::invalid_because("extensionNumber", "The extension number is already in use")
}

pub(crate) fn create_account(
    c: &Connection,
    now: i64,
    name: String,
    admin: NewExtension,
) -> Result<(Account, Extension)> {
    c.prepare_cached("INSERT INTO accounts (name, created, modified) VALUES (?1, ?2, ?2)")
        .db()?
        .execute(params![name, now])
        .db()?;
    let id = c.last_insert_rowid();
    let number = store_rules::main_number(id);
    c.prepare_cached("UPDATE accounts SET main_number = ?2 WHERE id = ?1")
        .db()?
        .execute(params![id, number])
        .db()?;
    let account = Account {
        id: AccountId(id),
        name,
        main_number: number,
        created: Timestamp(now),
        modified: Timestamp(now),
    };
    let mut admin = admin;
    if admin.extension_number.is_none() {
        admin.extension_number = Some(FIRST_EXTENSION_NUMBER.to_string());
    }
    let ext = insert_extension(c, now, account.id, admin)?;
    chats::insert_chat(
        c,
        now,
        ChatInsert {
            account: account.id,
            kind: ChatType::Everyone,
            name: Some("Everyone".into()),
            description: Some("Company-wide team".into()),
            public: true,
            creator: Some(ext.id),
            members: &[ext.id],
        },
    )?;
    create_personal_chat(c, now, &ext)?;
    Ok((account, ext))
}

pub(crate) fn create_extension(
    c: &Connection,
    now: i64,
    account: AccountId,
    new: NewExtension,
) -> Result<Extension> {
    let exists = c
        .prepare_cached("SELECT 1 FROM accounts WHERE id = ?1")
        .db()?
        .exists([account.0])
        .db()?;
    if !exists {
        return Err(Error::NotFound(Subject::Account));
    }
    let ext = insert_extension(c, now, account, new)?;
    create_personal_chat(c, now, &ext)?;
    let everyone: Option<i64> = c
        .prepare_cached("SELECT id FROM chats WHERE account_id = ?1 AND type = 'Everyone'")
        .db()?
        .query_row([account.0], |r| r.get(0))
        .optional()
        .db()?;
    if let Some(chat) = everyone {
        chats::add_member(c, now, ChatId(chat), ext.id)?;
    }
    Ok(ext)
}

fn create_personal_chat(c: &Connection, now: i64, ext: &Extension) -> Result<Chat> {
    chats::insert_chat(
        c,
        now,
        ChatInsert {
            account: ext.account_id,
            kind: ChatType::Personal,
            name: None,
            description: None,
            public: false,
            creator: Some(ext.id),
            members: &[ext.id],
        },
    )
}

fn insert_extension(
    c: &Connection,
    now: i64,
    account: AccountId,
    new: NewExtension,
) -> Result<Extension> {
    let email = new.email.map(|e| e.trim().to_lowercase());
    if let Some(email) = &email {
        let taken = c
            .prepare_cached("SELECT 1 FROM extensions WHERE email = ?1")
            .db()?
            .exists([email])
            .db()?;
        if taken {
            return Err(email_taken());
        }
    }
    let number = match new.extension_number {
        Some(n) => {
            let taken = c
                .prepare_cached(
                    "SELECT 1 FROM extensions WHERE account_id = ?1 AND extension_number = ?2",
                )
                .db()?
                .exists(params![account.0, n])
                .db()?;
            if taken {
                return Err(number_taken());
            }
            n
        }
        None => next_free_number(c, account)?,
    };
    c.prepare_cached(
        "INSERT INTO extensions (account_id, extension_number, type, status, first_name, last_name, email,
                                 password_hash, is_admin, avatar, created, modified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?10)",
    )
    .db()?
    .execute(params![
        account.0,
        number,
        new.kind.as_str(),
        new.status.as_str(),
        new.first_name,
        new.last_name,
        email,
        new.password_hash,
        new.is_admin,
        now
    ])
    .map_err(|e| {
        // Checked above; kept for safety should the checks and the constraints ever diverge.
        if is_unique_violation(&e) {
            if e.to_string().contains("email") { email_taken() } else { number_taken() }
        } else {
            crate::db::internal(e)
        }
    })?;
    Ok(Extension {
        id: ExtensionId(c.last_insert_rowid()),
        account_id: account,
        extension_number: number,
        kind: new.kind,
        status: new.status,
        first_name: new.first_name,
        last_name: new.last_name,
        email,
        is_admin: new.is_admin,
        avatar: None,
        time_zone: None,
        language: None,
        formatting_locale: None,
        created: Timestamp(now),
        modified: Timestamp(now),
    })
}

/// The smallest number from 101 up that no extension of the account has.
fn next_free_number(c: &Connection, account: AccountId) -> Result<String> {
    let mut stmt = c
        .prepare_cached("SELECT extension_number FROM extensions WHERE account_id = ?1")
        .db()?;
    let taken = stmt
        .query_map([account.0], |r| r.get::<_, String>(0))
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(store_rules::next_extension_number(
        taken.iter().map(String::as_str),
    ))
}

// ---- reads ----

pub(crate) fn account(c: &Connection, id: AccountId) -> Result<Option<Account>> {
    c.prepare_cached(&format!(
        "SELECT {ACCOUNT_COLS} FROM accounts a WHERE a.id = ?1"
    ))
    .db()?
    .query_row([id.0], rows::account)
    .optional()
    .db()
}

pub(crate) fn extension(c: &Connection, id: ExtensionId) -> Result<Option<Extension>> {
    c.prepare_cached(&format!(
        "SELECT {EXT_COLS} FROM extensions e WHERE e.id = ?1"
    ))
    .db()?
    .query_row([id.0], |r| rows::extension(r, 0))
    .optional()
    .db()
}

pub(crate) fn extensions(c: &Connection, ids: &[ExtensionId]) -> Result<Vec<Extension>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {EXT_COLS} FROM extensions e WHERE e.id IN (SELECT value FROM json_each(?1))"
        ))
        .db()?;
    let found: HashMap<ExtensionId, Extension> = stmt
        .query_map([json_ids(ids.iter().map(|i| i.0))], |r| {
            rows::extension(r, 0)
        })
        .db()?
        .map(|e| e.map(|e| (e.id, e)))
        .collect::<rusqlite::Result<_>>()
        .db()?;
    Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
}

pub(crate) fn extension_by_email(c: &Connection, email: &str) -> Result<Option<Extension>> {
    c.prepare_cached(&format!(
        "SELECT {EXT_COLS} FROM extensions e WHERE e.email = ?1"
    ))
    .db()?
    .query_row([email.trim().to_lowercase()], |r| rows::extension(r, 0))
    .optional()
    .db()
}

fn credentials_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Credentials> {
    Ok(Credentials {
        extension: rows::extension(r, 0)?,
        password_hash: r.get(EXT_N)?,
    })
}

pub(crate) fn credentials(
    c: &Connection,
    login: &str,
    extension_number: Option<&str>,
) -> Result<Option<Credentials>> {
    match store_rules::login_lookup(login, extension_number) {
        None => Ok(None),
        Some(LoginLookup::Email(email)) => c
            .prepare_cached(&format!(
                "SELECT {EXT_COLS}, e.password_hash FROM extensions e WHERE e.email = ?1"
            ))
            .db()?
            .query_row([email], credentials_row)
            .optional()
            .db(),
        Some(LoginLookup::InAccount {
            extension,
            full,
            national,
            account_id,
        }) => c
            .prepare_cached(&format!(
                "SELECT {EXT_COLS}, e.password_hash FROM extensions e JOIN accounts a ON a.id = e.account_id
                 WHERE e.extension_number = ?1 AND (a.main_number IN (?2, ?3) OR a.id = ?4)
                 ORDER BY (a.main_number IN (?2, ?3)) DESC LIMIT 1"
            ))
            .db()?
            .query_row(params![extension, full, national, account_id], credentials_row)
            .optional()
            .db(),
        Some(LoginLookup::Extension(number)) => {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {EXT_COLS}, e.password_hash FROM extensions e WHERE e.extension_number = ?1 LIMIT 2"
                ))
                .db()?;
            let mut found = stmt
                .query_map([number], credentials_row)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(if found.len() == 1 { found.pop() } else { None })
        }
    }
}
