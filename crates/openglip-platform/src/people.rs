//! People of an account, as its administrators manage them in the admin portal: added without
//! a phone (with a password, or with an activation link recorded in the mail outbox), on a
//! number kept for them (unassigned extensions) or the next free one; renamed, enabled,
//! disabled, made administrators; and the activation page where a person sets their password.

use openglip_domain::audit::{AuditKind, AuditedChange, Changed, NewAuditEvent};
use openglip_domain::platform::*;
use openglip_domain::validate;
use openglip_domain::*;

use crate::accounts::{NewUser, check_password};
use crate::{Platform, secrets};

/// Activation links work this long.
pub const ACTIVATION_TTL_SECS: i64 = 7 * 86_400;

/// How long a "forgot password" link works.
pub const RESET_TTL_SECS: i64 = 3_600;

/// The Add User form.
#[derive(Debug, Clone, Default)]
pub struct UserForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// Empty: the next free number.
    pub extension_number: String,
    /// Empty: the user gets an activation link.
    pub password: String,
    pub is_admin: bool,
}

/// What adding a user gave: the extension and, without a pre-assigned password, the activation
/// link (also recorded in the mail outbox).
#[derive(Debug, Clone)]
pub struct AddedUser {
    pub extension: Extension,
    pub activation_link: Option<String>,
}

/// Changes an administrator makes to a person; `None` keeps what is there.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Empty: keep the e-mail.
    pub email: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: Option<ExtensionStatus>,
    pub is_admin: Option<bool>,
    /// A new password; it also enables a person who is not activated yet.
    pub password: Option<String>,
}

const MIN_PASSWORD: &str = "Use at least 8 characters.";

impl Platform {
    /// A person (or bot) of the administrator's account; `NotFound(Extension)` for anyone
    /// else and for removed ones.
    pub async fn account_user(&self, admin: &Extension, id: ExtensionId) -> Result<Extension> {
        match self.store.extension(id).await? {
            Some(e) if e.account_id == admin.account_id && e.status != ExtensionStatus::Removed => {
                Ok(e)
            }
            _ => Err(Error::NotFound(Subject::Extension)),
        }
    }

    /// The people of the administrator's account, by extension number; `search` matches names,
    /// e-mail and number.
    pub async fn users(&self, admin: &Extension, search: Option<&str>) -> Result<Vec<Extension>> {
        self.store
            .platform()
            .account_extensions(admin.account_id, search.map(str::to_string))
            .await
    }

    /// Adds a person to the administrator's account ("Add Users without Phone").
    pub async fn add_user(
        &self,
        admin: &Extension,
        form: &UserForm,
        base_url: &str,
    ) -> Result<AddedUser> {
        let mut errors = FieldErrors::default();
        if form.first_name.trim().is_empty() {
            errors.add("firstName", "Enter the first name.");
        }
        if form.email.trim().is_empty() || validate::email("email", &form.email).is_err() {
            errors.add("email", "Enter a valid email address.");
        }
        let number = form.extension_number.trim();
        if !number.is_empty() && validate::extension_number(number).is_err() {
            errors.add("extensionNumber", "Use 1 to 8 digits.");
        }
        if !form.password.is_empty() && form.password.chars().count() < 8 {
            errors.add(
                "password",
                "Use at least 8 characters, or leave it empty to send an activation link.",
            );
        }
        errors.check()?;
        let number = if number.is_empty() {
            self.store
                .platform()
                .next_extension_number(admin.account_id)
                .await?
        } else {
            number.to_string()
        };
        let ext = self
            .new_user(
                NewUser {
                    account_id: admin.account_id,
                    email: form.email.clone(),
                    first_name: form.first_name.clone(),
                    last_name: form.last_name.clone(),
                    password: (!form.password.is_empty()).then(|| form.password.clone()),
                    extension_number: Some(number.clone()),
                    is_admin: form.is_admin,
                },
                Some(admin.id),
            )
            .await?;
        // The number is taken now; a kept reservation would be dropped when listed anyway.
        if let Err(e) = self
            .store
            .platform()
            .release_extension(admin.account_id, number)
            .await
        {
            tracing::warn!(error = %e, "releasing an assigned extension number failed");
        }
        let activation_link = if ext.status == ExtensionStatus::NotActivated {
            Some(self.send_activation(admin, &ext, base_url).await?)
        } else {
            None
        };
        Ok(AddedUser {
            extension: ext,
            activation_link,
        })
    }

    /// Records an activation link for a person who has no password yet, and the mail that
    /// carries it. Returns the link.
    pub async fn send_activation(
        &self,
        admin: &Extension,
        ext: &Extension,
        base_url: &str,
    ) -> Result<String> {
        let token = secrets::new_token();
        let link = format!("{base_url}/activate?token={token}");
        let company = self.existing_account(ext.account_id).await?.name;
        self.store
            .platform()
            .create_activation(
                ext.id,
                secrets::hash_token(&token),
                self.now().plus_seconds(ACTIVATION_TTL_SECS),
                ext.email.clone().unwrap_or_default(),
                format!("Activate your {company} account"),
                format!(
                    "Hello {},\n\n{} added you to {company}. Set your password to activate your account:\n\n{link}\n\nThe link works for 7 days. Your extension number is {}.\n",
                    ext.first_name,
                    admin.full_name(),
                    ext.extension_number
                ),
            )
            .await?;
        Ok(link)
    }

    /// "Forgot your password?": for an enabled person (not a bot) with this e-mail address, a
    /// link to choose a new password, recorded with its mail in the outbox as activation links
    /// are (it opens the same page, and works for [`RESET_TTL_SECS`]). For any other address
    /// nothing happens, and the answer is the same, so that it does not tell which addresses
    /// exist. A malformed address is refused.
    pub async fn send_password_reset(&self, email: &str, base_url: &str) -> Result<()> {
        let address = validate::email("email", email.trim())
            .map_err(|e| e.for_people("Enter the e-mail address you sign in with."))?;
        let Some(ext) = self.store.extension_by_email(address).await? else {
            return Ok(());
        };
        if ext.kind != ExtensionType::User || ext.status != ExtensionStatus::Enabled {
            return Ok(());
        }
        let token = secrets::new_token();
        let link = format!("{base_url}/activate?token={token}");
        let company = self.existing_account(ext.account_id).await?.name;
        self.store
            .platform()
            .create_activation(
                ext.id,
                secrets::hash_token(&token),
                self.now().plus_seconds(RESET_TTL_SECS),
                ext.email.clone().unwrap_or_default(),
                format!("Choose a new password for {company}"),
                format!(
                    "Hello {},\n\nSomeone (we hope you) asked to reset your {company} password. Choose a new one here:\n\n{link}\n\nThe link works for one hour. If you did not ask, ignore this mail: your password stays as it is.\n",
                    ext.first_name
                ),
            )
            .await
    }

    /// Applies an administrator's changes to a person of their account. Every field is checked
    /// before anything changes; administrators cannot disable themselves or drop their own
    /// role.
    pub async fn change_user(
        &self,
        admin: &Extension,
        target: &Extension,
        changes: UserChanges,
    ) -> Result<Extension> {
        let mut errors = FieldErrors::default();
        let mut patch = ExtensionPatch::default();
        if let Some(f) = changes.first_name {
            match validate::name("firstName", &f, validate::MAX_NAME) {
                Ok(f) => patch.first_name = Some(f),
                Err(_) => errors.add("firstName", "Enter the first name."),
            }
        }
        if let Some(l) = changes.last_name {
            match validate::text("lastName", l.trim(), validate::MAX_NAME) {
                Ok(l) => patch.last_name = Some(l),
                Err(_) => errors.add("lastName", "At most 250 characters."),
            }
        }
        if let Some(m) = changes.email.filter(|m| !m.trim().is_empty()) {
            match validate::email("email", &m) {
                Ok(m) => patch.email = Some(m),
                Err(_) => errors.add("email", "Enter a valid email address."),
            }
        }
        match changes.status {
            None => {}
            Some(ExtensionStatus::Enabled) if target.status == ExtensionStatus::NotActivated => {
                errors.add(
                    "status",
                    "This user is not activated yet: they are enabled once a password is set.",
                );
            }
            Some(ExtensionStatus::Disabled) if target.id == admin.id => {
                errors.add("status", "You cannot disable yourself.");
            }
            Some(s @ (ExtensionStatus::Enabled | ExtensionStatus::Disabled)) => {
                patch.status = Some(s)
            }
            Some(_) => errors.add("status", "A user is Enabled or Disabled."),
        }
        if let Some(adm) = changes.is_admin {
            if target.id == admin.id && !adm {
                errors.add("admin", "You cannot remove your own administrator role.");
            }
            patch.is_admin = Some(adm);
        }
        if let Some(pw) = &changes.password {
            if let Err(e) = check_password("password", pw) {
                errors.add(
                    "password",
                    e.fields()
                        .map_or(MIN_PASSWORD.into(), |f| f[0].message.clone()),
                );
            } else if target.kind == ExtensionType::Bot {
                errors.add("password", "A bot has no password.");
            }
        }
        errors.check()?;
        if let Some(pw) = changes.password {
            patch.password_hash = Some(secrets::hash_password_async(pw).await);
            if target.status == ExtensionStatus::NotActivated {
                patch.status = Some(ExtensionStatus::Enabled);
            }
        }
        let events: Vec<(AuditKind, &str)> = [
            (patch.status == Some(ExtensionStatus::Disabled)
                && target.status != ExtensionStatus::Disabled)
                .then_some((AuditKind::UserDisabled, "")),
            (patch.status == Some(ExtensionStatus::Enabled)
                && target.status != ExtensionStatus::Enabled)
                .then_some((AuditKind::UserEnabled, "")),
            patch.is_admin.filter(|a| *a != target.is_admin).map(|a| {
                let what = if a {
                    "made an administrator"
                } else {
                    "no longer an administrator"
                };
                (AuditKind::AdminChanged, what)
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        let events: Vec<NewAuditEvent> = events
            .into_iter()
            .map(|(kind, detail)| {
                NewAuditEvent::new(kind, Some(target.account_id))
                    .actor(admin.id)
                    .target(target.id.to_string())
                    .detail(detail)
            })
            .collect();
        let change = AuditedChange::UpdateExtension {
            id: target.id,
            patch,
        };
        self.audited(change, move |_| events)
            .await?
            .into_extension()
    }

    /// Keeps the next free extension number of the administrator's account for someone added
    /// later, and returns it.
    pub async fn reserve_extension(&self, admin: &Extension) -> Result<String> {
        self.store
            .platform()
            .reserve_extension(admin.account_id)
            .await
    }

    /// The numbers kept for people, with when they were kept.
    pub async fn unassigned_extensions(
        &self,
        admin: &Extension,
    ) -> Result<Vec<(String, Timestamp)>> {
        self.store
            .platform()
            .unassigned_extensions(admin.account_id)
            .await
    }

    /// Whether `number` is kept for someone in the administrator's account.
    pub async fn is_unassigned(&self, admin: &Extension, number: &str) -> Result<bool> {
        Ok(self
            .unassigned_extensions(admin)
            .await?
            .iter()
            .any(|(n, _)| n == number))
    }

    /// Adds a person on a kept number (which releases it). `NotFound(UnassignedNumber)` when
    /// the number is not kept.
    pub async fn assign_extension(
        &self,
        admin: &Extension,
        number: &str,
        form: &UserForm,
        base_url: &str,
    ) -> Result<AddedUser> {
        if !self.is_unassigned(admin, number).await? {
            return Err(Error::NotFound(Subject::UnassignedNumber));
        }
        let form = UserForm {
            extension_number: number.to_string(),
            ..form.clone()
        };
        self.add_user(admin, &form, base_url).await
    }

    /// The mails this server would have sent to people of the administrator's account, newest
    /// first.
    pub async fn outbox(&self, admin: &Extension) -> Result<Vec<Mail>> {
        self.store.platform().outbox(admin.account_id, 100).await
    }

    /// Apps people of the administrator's account authorized.
    pub async fn authorized_apps(&self, admin: &Extension) -> Result<Vec<AuthorizedApp>> {
        self.store
            .platform()
            .authorized_apps(admin.account_id)
            .await
    }

    /// Removes an app from the administrator's account: every token (and consent) it holds
    /// there is revoked. Returns the app and how many tokens. `NotFound(App)`.
    pub async fn remove_app(&self, admin: &Extension, client_id: &str) -> Result<(App, u64)> {
        let app = self
            .store
            .app_by_client_id(client_id.to_string())
            .await?
            .ok_or(Error::NotFound(Subject::App))?;
        let event = NewAuditEvent::new(AuditKind::IntegrationRemoved, Some(admin.account_id))
            .actor(admin.id)
            .app(app.id)
            .target(app.client_id.clone());
        let name = app.name.clone();
        let change = AuditedChange::RevokeAppInAccount {
            app: app.id,
            account: admin.account_id,
        };
        let n = self
            .audited(change, move |changed| match changed {
                Changed::AppRevoked(n) => vec![event.detail(format!("{name}: {n} tokens revoked"))],
                _ => Vec::new(),
            })
            .await?
            .into_revoked_count()?;
        Ok((app, n))
    }

    /// The person a live activation link is for (`None`: unknown, used or expired).
    pub async fn activation(&self, token: &str) -> Result<Option<Extension>> {
        if !secrets::looks_like_token(token) {
            return Ok(None);
        }
        self.store
            .platform()
            .activation(secrets::hash_token(token))
            .await
    }

    /// Sets the password of the person the link is for and enables them; the link is spent.
    /// `NotFound(ActivationLink)` when the link no longer works.
    pub async fn activate(&self, token: &str, password: &str, confirm: &str) -> Result<Extension> {
        let mut errors = FieldErrors::default();
        if check_password("password", password).is_err() {
            errors.add("password", MIN_PASSWORD);
        } else if password != confirm {
            errors.add("confirm", "The passwords do not match.");
        }
        errors.check()?;
        // A disabled person's link (a reset asked before they were disabled) does not
        // enable them again.
        match self.activation(token).await? {
            Some(ext) if ext.status != ExtensionStatus::Disabled => {}
            _ => return Err(Error::NotFound(Subject::ActivationLink)),
        }
        let hashed = secrets::hash_password_async(password.to_string()).await;
        self.store
            .platform()
            .redeem_activation(secrets::hash_token(token), hashed)
            .await?
            .ok_or(Error::NotFound(Subject::ActivationLink))
    }
}
