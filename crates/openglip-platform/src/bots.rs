//! Bots: a bot extension of a company, acting through a bot app with a permanent token.
//!
//! The operator creates one directly (`openglip admin bot create`). A developer's bot app is
//! installed into a company ("Add to Glip"): a bot extension named after the app joins its
//! Personal chat and the Everyone team. A public bot is installed by an administrator through
//! the authorization flow and exchanges the code for its token; a private bot is installed from
//! the console and its permanent token is POSTed to its redirect URI. A company has one bot per
//! app: installing it again reuses that bot (and gives it a new token).

use openglip_domain::audit::{AuditKind, NewAuditEvent};
use openglip_domain::perm::GrantSet;
use openglip_domain::platform::*;
use openglip_domain::store::{NewApp, NewExtension};
use openglip_domain::validate;
use openglip_domain::*;

use crate::environments::admitted;
use crate::oauth::PERMANENT_TTL;
use crate::ports::BotTokenPost;
use crate::{Platform, secrets};

/// The permissions a RingCentral bot app has.
pub const BOT_PERMISSIONS: [Permission; 5] = [
    Permission::TeamMessaging,
    Permission::ReadAccounts,
    Permission::EditExtensions,
    Permission::SubscriptionWebhook,
    Permission::WebSocket,
];

/// What installing a bot did.
#[derive(Debug)]
pub struct Installed {
    pub install: BotInstall,
    /// Whether the company had this bot already (it was kept, not made anew).
    pub reused: bool,
    /// Private bots: whether the token reached the bot's redirect URI, or why not.
    pub delivery: Option<std::result::Result<(), String>>,
}

fn bot_extension(name: String) -> NewExtension {
    NewExtension {
        kind: ExtensionType::Bot,
        status: ExtensionStatus::Enabled,
        first_name: name,
        last_name: String::new(),
        email: None,
        extension_number: None,
        password_hash: None,
        is_admin: false,
    }
}

impl Platform {
    /// Creates a bot extension with its own bot app and a permanent access token (the
    /// operator's `openglip admin bot create`), in one store transaction: a failure leaves no
    /// app without its bot.
    pub async fn create_bot(
        &self,
        account_id: AccountId,
        name: &str,
    ) -> Result<(Extension, App, String)> {
        self.existing_account(account_id).await?;
        let name = validate::name("name", name, validate::MAX_NAME)?;
        let app = NewApp {
            client_id: secrets::new_id(),
            client_secret_hash: Some(secrets::hash_client_secret(&secrets::new_token())),
            account_id,
            name: name.clone(),
            kind: AppKind::Bot,
            public_client: false,
            grants: GrantSet::default(),
            permissions: BOT_PERMISSIONS.into_iter().collect(),
            redirect_uris: vec![],
            access_ttl_secs: PERMANENT_TTL,
            refresh_ttl_secs: 0,
        };
        let token = secrets::new_token();
        let record = TokenRecord {
            access_hash: secrets::hash_token(&token),
            refresh_hash: None,
            // Filled in by the store, in the same transaction.
            app_id: AppId(0),
            extension_id: ExtensionId(0),
            account_id,
            scope: BOT_PERMISSIONS.into_iter().collect(),
            access_expires: None,
            refresh_expires: None,
            family: secrets::new_id(),
            endpoint_id: secrets::new_id(),
            created: self.now(),
        };
        let (app, ext) = self
            .store
            .create_bot(account_id, app, bot_extension(name), record)
            .await?;
        self.audit(
            NewAuditEvent::new(AuditKind::BotCreated, Some(account_id))
                .app(app.id)
                .target(ext.id.to_string())
                .detail(format!("{} (operator)", app.name)),
        )
        .await?;
        Ok((ext, app, token))
    }

    /// Issues a permanent token of a bot extension (in the token family `family`).
    pub async fn permanent_token(
        &self,
        app: &App,
        bot: &Extension,
        family: String,
    ) -> Result<String> {
        let token = secrets::new_token();
        self.store
            .insert_token(TokenRecord {
                access_hash: secrets::hash_token(&token),
                refresh_hash: None,
                app_id: app.id,
                extension_id: bot.id,
                account_id: bot.account_id,
                scope: app.permissions,
                access_expires: None,
                refresh_expires: None,
                family,
                endpoint_id: secrets::new_id(),
                created: self.now(),
            })
            .await?;
        Ok(token)
    }

    /// Installs a bot app into an account, by `by`; reuses the bot the account has of this app.
    /// `deliver_private`: issue the bot's permanent token and POST it to its redirect URI (a
    /// private bot from the console); otherwise the token comes from an authorization code.
    pub async fn install_bot(
        &self,
        record: &AppRecord,
        account: AccountId,
        by: &Extension,
        deliver_private: bool,
    ) -> Result<Installed> {
        if record.app.kind != AppKind::Bot {
            return Err(Error::invalid_subject(Subject::App, "Not a bot app"));
        }
        if !admitted(
            record.details.stage,
            self.account_environment(account).await?,
        ) {
            return Err(Error::invalid_subject(
                Subject::App,
                "The bot is in the sandbox: it can be added to sandbox accounts only until it is admitted to production.",
            ));
        }
        let existing = self
            .store
            .platform()
            .bot_installs(account)
            .await?
            .into_iter()
            .find(|i| i.app.id == record.app.id);
        let (install, reused) = match existing {
            Some(install) => (install, true),
            None => {
                let install = self
                    .store
                    .platform()
                    .install_bot(
                        record.app.id,
                        account,
                        by.id,
                        bot_extension(record.app.name.clone()),
                    )
                    .await?;
                (install, false)
            }
        };
        self.audit(
            NewAuditEvent::new(AuditKind::BotInstalled, Some(account))
                .actor(by.id)
                .app(record.app.id)
                .target(install.extension.id.to_string())
                .detail(format!(
                    "{}{}",
                    record.app.name,
                    if reused { " (installed again)" } else { "" }
                )),
        )
        .await?;
        let delivery = if deliver_private {
            let token = self
                .permanent_token(&record.app, &install.extension, secrets::new_id())
                .await?;
            Some(self.deliver_token(record, &install, by, token).await)
        } else {
            None
        };
        Ok(Installed {
            install,
            reused,
            delivery,
        })
    }

    /// POSTs a private bot's token to its redirect URI (form: `access_token`,
    /// `creator_extension_id`, `creator_account_id`, `client_id`, …).
    async fn deliver_token(
        &self,
        record: &AppRecord,
        install: &BotInstall,
        by: &Extension,
        token: String,
    ) -> std::result::Result<(), String> {
        let Some(uri) = record.app.redirect_uris.first() else {
            return Err("the bot has no OAuth redirect URI".into());
        };
        let form = vec![
            ("access_token", token),
            ("token_type", "bearer".to_string()),
            ("expires_in", PERMANENT_TTL.to_string()),
            ("scope", record.app.permissions.to_scope()),
            ("owner_id", install.extension.id.to_string()),
            ("endpoint_id", secrets::new_id()),
            ("creator_extension_id", by.id.to_string()),
            ("creator_account_id", install.account_id.to_string()),
            ("client_id", record.app.client_id.clone()),
        ];
        self.delivery
            .deliver(BotTokenPost {
                redirect_uri: uri.clone(),
                form,
            })
            .await
    }

    /// Where the developer's "Add to RingCentral" installs a bot: a sandbox app into their
    /// sandbox account, a production app into their own company (administrators only). `None`:
    /// nowhere yet.
    pub async fn bot_target(
        &self,
        developer: &Extension,
        record: &AppRecord,
    ) -> Result<Option<AccountId>> {
        Ok(match record.details.stage {
            Environment::Sandbox => self.sandbox_of(developer).await?.map(|a| a.id),
            Environment::Production => developer.is_admin.then_some(developer.account_id),
        })
    }

    /// Who installs a bot into an account for the developer: in their sandbox its
    /// administrator (the developer's twin), in their own company the developer.
    async fn installer(&self, developer: &Extension, account: AccountId) -> Result<Extension> {
        if account == developer.account_id {
            return Ok(developer.clone());
        }
        Ok(self
            .account_admin(account)
            .await?
            .unwrap_or_else(|| developer.clone()))
    }

    /// The first administrator of an account.
    pub(crate) async fn account_admin(&self, account: AccountId) -> Result<Option<Extension>> {
        Ok(self
            .store
            .platform()
            .account_extensions(account, None)
            .await?
            .into_iter()
            .find(|e| e.is_admin))
    }

    /// The console's "Add to RingCentral": installs the developer's bot where
    /// [`Platform::bot_target`] says, and delivers its token.
    pub async fn install_for_developer(
        &self,
        developer: &Extension,
        record: &AppRecord,
    ) -> Result<Installed> {
        if record.app.kind != AppKind::Bot {
            return Err(Error::invalid_subject(Subject::App, "Not a bot app"));
        }
        let Some(account) = self.bot_target(developer, record).await? else {
            return Err(Error::invalid_subject(
                Subject::Account,
                "There is no account to add the bot to (set up the sandbox first)",
            ));
        };
        let by = self.installer(developer, account).await?;
        self.install_bot(record, account, &by, true).await
    }

    /// The bots installed in an account.
    pub async fn bot_installs(&self, account: AccountId) -> Result<Vec<BotInstall>> {
        self.store.platform().bot_installs(account).await
    }

    /// Removes a bot from an account: its extension is deleted (a `Delete` event), its tokens
    /// revoked, it leaves every chat. `NotFound(Extension)` if the account has no such bot.
    pub async fn remove_bot(&self, account: AccountId, bot: ExtensionId) -> Result<BotInstall> {
        self.remove_bot_as(account, bot, None).await
    }

    /// [`Platform::remove_bot`] by an administrator of the account (recorded as theirs).
    pub async fn remove_bot_by(&self, admin: &Extension, bot: ExtensionId) -> Result<BotInstall> {
        self.remove_bot_as(admin.account_id, bot, Some(admin.id))
            .await
    }

    async fn remove_bot_as(
        &self,
        account: AccountId,
        bot: ExtensionId,
        by: Option<ExtensionId>,
    ) -> Result<BotInstall> {
        let removed = self
            .store
            .platform()
            .remove_bot(account, bot)
            .await?
            .ok_or(Error::NotFound(Subject::Extension))?;
        let mut event = NewAuditEvent::new(AuditKind::BotRemoved, Some(account))
            .app(removed.app.id)
            .target(bot.to_string())
            .detail(removed.app.name.clone());
        if let Some(by) = by {
            event = event.actor(by);
        }
        self.audit(event).await?;
        Ok(removed)
    }
}
