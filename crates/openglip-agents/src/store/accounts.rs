//! The app's accounts (the first one owns the app) and signed-in browsers.

use rusqlite::{OptionalExtension, params};

use super::{Store, now};
use crate::error::{Error, Result};

/// An account of the agent app.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub owner: bool,
}

fn account(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        owner: r.get(3)?,
    })
}

impl Store {
    /// Whether any account exists (none: the sign-up page makes the owner).
    pub async fn has_accounts(&self) -> Result<bool> {
        self.read(|c| Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))?))
            .await
    }

    /// Adds an account; the first one made owns the app. `hash` is the password's Argon2 hash.
    pub async fn create_account(&self, email: &str, name: &str, hash: &str) -> Result<Account> {
        let (email, name, hash) = (email.to_string(), name.to_string(), hash.to_string());
        self.write(move |tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM accounts WHERE email = ?1)",
                [&email],
                |r| r.get(0),
            )?;
            if taken {
                return Err(Error::invalid("email", "An account with this e-mail address exists."));
            }
            let first: bool =
                tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))?;
            tx.execute(
                "INSERT INTO accounts (email, name, password_hash, owner, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![email, name, hash, first, now()],
            )?;
            Ok(Account { id: tx.last_insert_rowid(), email, name, owner: first })
        })
        .await
    }

    /// An account and its password hash, by e-mail address.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<(Account, String)>> {
        let email = email.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT id, email, name, owner, password_hash FROM accounts WHERE email = ?1",
                [email],
                |r| Ok((account(r)?, r.get(4)?)),
            )
            .optional()?)
        })
        .await
    }

    pub async fn save_web_session(&self, id: [u8; 32], account: i64, expires: i64) -> Result<()> {
        self.write(move |tx| {
            tx.execute("DELETE FROM web_sessions WHERE expires_at < ?1", [now()])?;
            tx.execute(
                "INSERT INTO web_sessions (id, account_id, expires_at) VALUES (?1, ?2, ?3)",
                params![id.to_vec(), account, expires],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn web_session(&self, id: [u8; 32], at: i64) -> Result<Option<Account>> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT a.id, a.email, a.name, a.owner FROM web_sessions s JOIN accounts a ON a.id = s.account_id
                 WHERE s.id = ?1 AND s.expires_at > ?2",
                params![id.to_vec(), at],
                account,
            )
            .optional()?)
        })
        .await
    }

    pub async fn delete_web_session(&self, id: [u8; 32]) -> Result<()> {
        self.write(move |tx| {
            tx.execute("DELETE FROM web_sessions WHERE id = ?1", [id.to_vec()])?;
            Ok(())
        })
        .await
    }
}
