//! Accounts and people provisioned by the operator (`openglip admin`, `serve --demo`, tests):
//! validated as the API validates, passwords hashed before they are stored. Operator-made
//! accounts are production accounts.

use openglip_domain::audit::{AuditKind, AuditedChange, Changed, NewAuditEvent};
use openglip_domain::store::NewExtension;
use openglip_domain::validate;
use openglip_domain::*;

use crate::{Platform, secrets};

/// The shortest and longest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a new password: at least 8 characters, at most 1024 bytes. `field` is the form's name
/// for it.
pub fn check_password(field: &str, p: &str) -> Result<()> {
    if p.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::invalid_because(
            field,
            "A password needs at least 8 characters.",
        ));
    }
    if p.len() > MAX_PASSWORD_BYTES {
        return Err(Error::TooLong {
            name: field.into(),
            max: MAX_PASSWORD_BYTES,
        });
    }
    Ok(())
}

/// Splits "Ada Lovelace" into first and last name.
fn split_name(full: &str) -> (String, String) {
    match full.trim().rsplit_once(' ') {
        Some((f, l)) => (f.trim().to_string(), l.trim().to_string()),
        None => (full.trim().to_string(), String::new()),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A company and its first administrator.
pub struct NewAccount {
    pub name: String,
    pub admin_email: String,
    pub admin_password: String,
    /// Without names, they are made from the e-mail's local part (`ada.lovelace` → Ada
    /// Lovelace).
    pub admin_first_name: Option<String>,
    pub admin_last_name: Option<String>,
}

/// A person of an account.
#[derive(Clone)]
pub struct NewUser {
    pub account_id: AccountId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// None: the user is `NotActivated` until a password is set.
    pub password: Option<String>,
    pub extension_number: Option<String>,
    pub is_admin: bool,
}

impl Platform {
    /// The account, or `NotFound(Account)`.
    pub(crate) async fn existing_account(&self, id: AccountId) -> Result<Account> {
        self.store
            .account(id)
            .await?
            .ok_or(Error::NotFound(Subject::Account))
    }

    /// Creates an account with its administrator.
    pub async fn create_account(&self, new: NewAccount) -> Result<(Account, Extension)> {
        let name = validate::name("name", &new.name, validate::MAX_NAME)?;
        let email = validate::email("adminEmail", &new.admin_email)?;
        check_password("password", &new.admin_password)?;
        let (f, l) = match (new.admin_first_name, new.admin_last_name) {
            (Some(f), Some(l)) => (f, l),
            _ => {
                let local = email.split('@').next().unwrap_or("admin");
                let (f, l) = split_name(&local.replace(['.', '_'], " "));
                (capitalise(&f), capitalise(&l))
            }
        };
        let hash = secrets::hash_password_async(new.admin_password).await;
        let change = AuditedChange::CreateAccount {
            name,
            admin: NewExtension {
                kind: ExtensionType::User,
                status: ExtensionStatus::Enabled,
                first_name: f,
                last_name: l,
                email: Some(email),
                extension_number: None,
                password_hash: Some(hash),
                is_admin: true,
            },
        };
        let (account, admin) = self
            .audited(change, |changed| match changed {
                Changed::Account(account, admin) => vec![
                    NewAuditEvent::new(AuditKind::AccountCreated, Some(account.id))
                        .target(account.id.to_string())
                        .detail(format!(
                            "{} (operator), administrator {}",
                            account.name, admin.id
                        )),
                ],
                _ => Vec::new(),
            })
            .await?
            .into_account()?;
        Ok((account, admin))
    }

    /// Creates a person of an account: enabled with a password, `NotActivated` without one
    /// (the operator's; recorded as added by no one).
    pub async fn create_user(&self, new: NewUser) -> Result<Extension> {
        self.new_user(new, None).await
    }

    /// [`Platform::create_user`], recorded as done `by` a person (an administrator).
    pub(crate) async fn new_user(
        &self,
        new: NewUser,
        by: Option<ExtensionId>,
    ) -> Result<Extension> {
        self.existing_account(new.account_id).await?;
        let email = validate::email("email", &new.email)?;
        let first = validate::name("firstName", &new.first_name, validate::MAX_NAME)?;
        let last = validate::text("lastName", new.last_name.trim(), validate::MAX_NAME)?;
        let number = new
            .extension_number
            .as_deref()
            .map(validate::extension_number)
            .transpose()?;
        let hash = match new.password {
            Some(p) => {
                check_password("password", &p)?;
                Some(secrets::hash_password_async(p).await)
            }
            None => None,
        };
        let change = AuditedChange::CreateExtension {
            account: new.account_id,
            new: NewExtension {
                kind: ExtensionType::User,
                status: if hash.is_some() {
                    ExtensionStatus::Enabled
                } else {
                    ExtensionStatus::NotActivated
                },
                first_name: first,
                last_name: last,
                email: Some(email),
                extension_number: number,
                password_hash: hash,
                is_admin: new.is_admin,
            },
        };
        let ext = self
            .audited(change, move |changed| {
                let Changed::Extension(ext) = changed else {
                    return Vec::new();
                };
                let mut event = NewAuditEvent::new(AuditKind::UserAdded, Some(ext.account_id))
                    .target(ext.id.to_string())
                    .detail(format!(
                        "{} ({}){}",
                        ext.full_name(),
                        ext.status.as_str(),
                        if ext.is_admin { ", administrator" } else { "" }
                    ));
                if let Some(by) = by {
                    event = event.actor(by);
                }
                vec![event]
            })
            .await?
            .into_extension()?;
        Ok(ext)
    }

    /// An extension by id (any account; callers check whose it is).
    pub async fn extension(&self, id: ExtensionId) -> Result<Option<Extension>> {
        self.store.extension(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_email_when_not_given() {
        assert_eq!(
            split_name("ada lovelace"),
            ("ada".into(), "lovelace".into())
        );
        assert_eq!(split_name("ada"), ("ada".into(), String::new()));
        assert_eq!(capitalise("ada"), "Ada");
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(check_password("password", "1234567").is_err());
        assert!(check_password("password", "12345678").is_ok());
        assert!(check_password("password", &"x".repeat(1025)).is_err());
    }
}
