//! Accounts and extensions (persons and bots), and login lookups.

use std::collections::HashMap;

use openglip_domain::store::NewExtension;
use openglip_domain::store_rules::{self, FIRST_EXTENSION_NUMBER, LoginLookup};
use openglip_domain::*;

use crate::chats::{self, ChatInsert};
use crate::db::{Conn, get, internal, is_unique_violation};
use crate::rows::{self, ACCOUNT_COLS, EXT_COLS, EXT_N};

fn email_taken() -> Error {
    Error::invalid_because("email", "The email address is already in use")
}

fn number_taken() -> Error {
    Error::invalid_because("extensionNumber", "The extension number is already in use")
}

pub(crate) fn create_account(
    c: &mut Conn,
    now: i64,
    name: String,
    admin: NewExtension,
) -> Result<(Account, Extension)> {
    let id: i64 = get(
        &c.one(
            "INSERT INTO accounts (name, created, modified) VALUES ($1, $2, $2) RETURNING id",
            &[&name, &now],
        )?,
        0,
    )?;
    let number = store_rules::main_number(id);
    c.exec(
        "UPDATE accounts SET main_number = $2 WHERE id = $1",
        &[&id, &number],
    )?;
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
    c: &mut Conn,
    now: i64,
    account: AccountId,
    new: NewExtension,
) -> Result<Extension> {
    if !c.exists("SELECT 1 FROM accounts WHERE id = $1", &[&account.0])? {
        return Err(Error::NotFound(Subject::Account));
    }
    let ext = insert_extension(c, now, account, new)?;
    create_personal_chat(c, now, &ext)?;
    let everyone = c.map_opt(
        "SELECT id FROM chats WHERE account_id = $1 AND type = 'Everyone'",
        &[&account.0],
        |r| get::<i64>(r, 0),
    )?;
    if let Some(chat) = everyone {
        chats::add_member(c, now, ChatId(chat), ext.id)?;
    }
    Ok(ext)
}

fn create_personal_chat(c: &mut Conn, now: i64, ext: &Extension) -> Result<Chat> {
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
    c: &mut Conn,
    now: i64,
    account: AccountId,
    new: NewExtension,
) -> Result<Extension> {
    let email = new.email.map(|e| e.trim().to_lowercase());
    if let Some(email) = &email
        && c.exists("SELECT 1 FROM extensions WHERE lower(email) = $1", &[email])?
    {
        return Err(email_taken());
    }
    let number = match new.extension_number {
        Some(n) => {
            if c.exists(
                "SELECT 1 FROM extensions WHERE account_id = $1 AND extension_number = $2",
                &[&account.0, &n],
            )? {
                return Err(number_taken());
            }
            n
        }
        None => next_free_number(c, account)?,
    };
    let row = c
        .one_raw(
            "INSERT INTO extensions (account_id, extension_number, type, status, first_name, last_name, email,
                                     password_hash, is_admin, avatar, created, modified)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $10) RETURNING id",
            &[
                &account.0,
                &number,
                &new.kind.as_str(),
                &new.status.as_str(),
                &new.first_name,
                &new.last_name,
                &email,
                &new.password_hash,
                &new.is_admin,
                &now,
            ],
        )
        .map_err(|e| {
            // Checked above; kept for safety should the checks and the constraints ever diverge.
            if is_unique_violation(&e) {
                if e.to_string().contains("email") { email_taken() } else { number_taken() }
            } else {
                internal(e)
            }
        })?;
    Ok(Extension {
        id: ExtensionId(get(&row, 0)?),
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

/// The smallest number from 101 up that no extension of the account has (nor, with
/// `reserved`, any unassigned extension reserves).
pub(crate) fn next_number(c: &mut Conn, account: AccountId, reserved: bool) -> Result<String> {
    let sql = if reserved {
        "SELECT extension_number FROM extensions WHERE account_id = $1
         UNION SELECT extension_number FROM unassigned_extensions WHERE account_id = $1"
    } else {
        "SELECT extension_number FROM extensions WHERE account_id = $1"
    };
    let taken = c.map(sql, &[&account.0], |r| get::<String>(r, 0))?;
    Ok(store_rules::next_extension_number(
        taken.iter().map(String::as_str),
    ))
}

fn next_free_number(c: &mut Conn, account: AccountId) -> Result<String> {
    next_number(c, account, false)
}

// ---- reads ----

pub(crate) fn account(c: &mut Conn, id: AccountId) -> Result<Option<Account>> {
    c.map_opt(
        &format!("SELECT {ACCOUNT_COLS} FROM accounts a WHERE a.id = $1"),
        &[&id.0],
        rows::account,
    )
}

pub(crate) fn extension(c: &mut Conn, id: ExtensionId) -> Result<Option<Extension>> {
    c.map_opt(
        &format!("SELECT {EXT_COLS} FROM extensions e WHERE e.id = $1"),
        &[&id.0],
        |r| rows::extension(r, 0),
    )
}

pub(crate) fn extensions(c: &mut Conn, ids: &[ExtensionId]) -> Result<Vec<Extension>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<i64> = ids.iter().map(|i| i.0).collect();
    let found: HashMap<ExtensionId, Extension> = c
        .map(
            &format!("SELECT {EXT_COLS} FROM extensions e WHERE e.id = ANY($1)"),
            &[&wanted],
            |r| rows::extension(r, 0),
        )?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
}

pub(crate) fn extension_by_email(c: &mut Conn, email: &str) -> Result<Option<Extension>> {
    c.map_opt(
        &format!("SELECT {EXT_COLS} FROM extensions e WHERE lower(e.email) = $1"),
        &[&email.trim().to_lowercase()],
        |r| rows::extension(r, 0),
    )
}

fn credentials_row(r: &postgres::Row) -> Result<Credentials> {
    Ok(Credentials {
        extension: rows::extension(r, 0)?,
        password_hash: get(r, EXT_N)?,
    })
}

pub(crate) fn credentials(
    c: &mut Conn,
    login: &str,
    extension_number: Option<&str>,
) -> Result<Option<Credentials>> {
    match store_rules::login_lookup(login, extension_number) {
        None => Ok(None),
        Some(LoginLookup::Email(email)) => c.map_opt(
            &format!(
                "SELECT {EXT_COLS}, e.password_hash FROM extensions e WHERE lower(e.email) = $1"
            ),
            &[&email],
            credentials_row,
        ),
        Some(LoginLookup::InAccount {
            extension,
            full,
            national,
            account_id,
        }) => c.map_opt(
            &format!(
                "SELECT {EXT_COLS}, e.password_hash FROM extensions e JOIN accounts a ON a.id = e.account_id
                 WHERE e.extension_number = $1 AND (a.main_number IN ($2, $3) OR a.id = $4::bigint)
                 ORDER BY (a.main_number IN ($2, $3)) DESC NULLS LAST LIMIT 1"
            ),
            &[&extension, &full, &national, &account_id],
            credentials_row,
        ),
        Some(LoginLookup::Extension(number)) => {
            let mut found = c.map(
                &format!(
                    "SELECT {EXT_COLS}, e.password_hash FROM extensions e WHERE e.extension_number = $1 LIMIT 2"
                ),
                &[&number],
                credentials_row,
            )?;
            Ok(if found.len() == 1 { found.pop() } else { None })
        }
    }
}
