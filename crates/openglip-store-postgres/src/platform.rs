//! The platform part of the port (`openglip_domain::store::PlatformStore`): environments,
//! console apps, web sessions, authorization codes, consents, JWT credentials, usage, bot
//! installations, activation links, the mail outbox and profile images (schema version 3).

use openglip_domain::events::EventPayload;
use openglip_domain::perm::GrantSet;
use openglip_domain::platform::*;
use openglip_domain::store::PlatformStore;
use openglip_domain::store::{BoxFuture, NewApp, NewExtension};
use openglip_domain::*;
use postgres::Row;

use crate::db::{Conn, get, limit, now_ms};
use crate::rows::{self, ACCOUNT_COLS, APP_COLS, APP_N, EXT_COLS, EXT_N, bits_value};
use crate::{PostgresStore, accounts, chats, events, grants, password_failures, tokens};

const DETAIL_COLS: &str =
    "d.developer_id, d.description, d.contact_email, d.stage, d.public_bot, d.created";

/// An app row (`APP_COLS`) followed by its optional details (`DETAIL_COLS`, from a LEFT JOIN).
fn app_record(r: &Row) -> Result<AppRecord> {
    let app = rows::app(r, 0)?;
    let at = APP_N;
    let created: Option<i64> = get(r, at + 5)?;
    let details = match created {
        None => AppDetails::provisioned(app.created),
        Some(created) => {
            let stage: String = get(r, at + 3)?;
            AppDetails {
                developer_id: get::<Option<i64>>(r, at)?.map(ExtensionId),
                description: get(r, at + 1)?,
                contact_email: get(r, at + 2)?,
                stage: Environment::parse(&stage).unwrap_or(Environment::Sandbox),
                public_bot: get(r, at + 4)?,
                created: Timestamp(created),
            }
        }
    };
    Ok(AppRecord { app, details })
}

fn app_record_sql(condition: &str) -> String {
    format!(
        "SELECT {APP_COLS}, {DETAIL_COLS} FROM apps a LEFT JOIN app_details d ON d.app_id = a.id WHERE {condition}"
    )
}

fn app_record_by_id(c: &mut Conn, id: AppId) -> Result<Option<AppRecord>> {
    c.map_opt(&app_record_sql("a.id = $1"), &[&id.0], app_record)
}

fn extension_by_id(c: &mut Conn, id: ExtensionId) -> Result<Extension> {
    accounts::extension(c, id)?.ok_or(Error::NotFound(Subject::Extension))
}

fn bot_install_row(r: &Row) -> Result<BotInstall> {
    Ok(BotInstall {
        extension: rows::extension(r, 0)?,
        app: rows::app(r, EXT_N)?,
        account_id: AccountId(get(r, EXT_N + APP_N)?),
        installed_by: ExtensionId(get(r, EXT_N + APP_N + 1)?),
        created: Timestamp(get(r, EXT_N + APP_N + 2)?),
    })
}

fn bot_install_sql(condition: &str) -> String {
    format!(
        "SELECT {EXT_COLS}, {APP_COLS}, b.account_id, b.installed_by, b.created FROM bot_installs b
         JOIN extensions e ON e.id = b.extension_id JOIN apps a ON a.id = b.app_id WHERE {condition}"
    )
}

/// Registers an app with its console details.
pub(crate) fn register_app(
    c: &mut Conn,
    now: i64,
    new: NewApp,
    details: AppDetails,
) -> Result<AppRecord> {
    let app = tokens::create_app(c, now, new)?;
    c.exec(
        "INSERT INTO app_details (app_id, developer_id, description, contact_email, stage, public_bot, created)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &app.id.0,
            &details.developer_id.map(|d| d.0),
            &details.description,
            &details.contact_email,
            &details.stage.as_str(),
            &details.public_bot,
            &now,
        ],
    )?;
    app_record_by_id(c, app.id)?.ok_or_else(|| Error::Internal("app vanished".into()))
}

/// Revokes every token (and consent) `app` holds in `account`; how many tokens.
pub(crate) fn revoke_app_in_account(c: &mut Conn, app: AppId, account: AccountId) -> Result<u64> {
    let n = c.exec(
        "UPDATE tokens SET state = 'revoked' WHERE account_id = $1 AND app_id = $2 AND state <> 'revoked'",
        &[&account.0, &app.0],
    )?;
    c.exec(
        "DELETE FROM consents WHERE app_id = $1
         AND extension_id IN (SELECT id FROM extensions WHERE account_id = $2)",
        &[&app.0, &account.0],
    )?;
    Ok(n)
}

/// Replaces a confidential app's client secret hash; `NotFound(App)` for a public client or
/// no app.
pub(crate) fn set_client_secret(c: &mut Conn, id: AppId, hash: &str) -> Result<()> {
    let n = c.exec(
        "UPDATE apps SET client_secret_hash = $2 WHERE id = $1 AND NOT public_client",
        &[&id.0, &hash],
    )?;
    if n == 0 {
        return Err(Error::NotFound(Subject::App));
    }
    Ok(())
}

pub(crate) fn update_extension(
    c: &mut Conn,
    now: i64,
    id: ExtensionId,
    patch: ExtensionPatch,
) -> Result<Extension> {
    let cur = extension_by_id(c, id)?;
    let email = patch.email.map(|e| e.trim().to_lowercase());
    if let Some(email) = &email
        && cur.email.as_deref() != Some(email.as_str())
        && c.exists(
            "SELECT 1 FROM extensions WHERE lower(email) = $1 AND id <> $2",
            &[email, &id.0],
        )?
    {
        return Err(Error::invalid_because(
            "email",
            "The email address is already in use",
        ));
    }
    c.exec(
        "UPDATE extensions SET first_name = COALESCE($2, first_name), last_name = COALESCE($3, last_name),
             email = COALESCE($4, email), status = COALESCE($5, status), is_admin = COALESCE($6, is_admin),
             password_hash = COALESCE($7, password_hash), time_zone = COALESCE($9, time_zone), modified = $8
         WHERE id = $1",
        &[
            &id.0,
            &patch.first_name,
            &patch.last_name,
            &email,
            &patch.status.map(ExtensionStatus::as_str),
            &patch.is_admin,
            &patch.password_hash,
            &now,
            &patch.time_zone,
        ],
    )?;
    let ext = extension_by_id(c, id)?;
    events::append(
        c,
        now,
        Some(ext.account_id),
        &EventPayload::ExtensionUpdated { extension_id: id },
    )?;
    Ok(ext)
}

/// Reserves the next free number of the account as an unassigned extension.
fn reserve_extension(c: &mut Conn, now: i64, account: AccountId) -> Result<String> {
    accounts::account(c, account)?.ok_or(Error::NotFound(Subject::Account))?;
    let n = accounts::next_number(c, account, true)?;
    c.exec(
        "INSERT INTO unassigned_extensions (account_id, extension_number, created) VALUES ($1, $2, $3)",
        &[&account.0, &n, &now],
    )?;
    Ok(n)
}

impl PlatformStore for PostgresStore {
    // ---- accounts, extensions ----

    fn account_environment(&self, account: AccountId) -> BoxFuture<'_, Environment> {
        Box::pin(self.read(move |c| {
            let env = c.map_opt(
                "SELECT environment FROM accounts WHERE id = $1",
                &[&account.0],
                |r| get::<String>(r, 0),
            )?;
            env.and_then(|e| Environment::parse(&e))
                .ok_or(Error::NotFound(Subject::Account))
        }))
    }

    fn create_sandbox_account(
        &self,
        developer: ExtensionId,
        name: String,
        admin: NewExtension,
    ) -> BoxFuture<'_, (Account, Extension)> {
        Box::pin(self.write_ev(move |c, now| {
            if c.exists(
                "SELECT 1 FROM developer_sandboxes WHERE developer_id = $1",
                &[&developer.0],
            )? {
                return Err(Error::invalid_because(
                    "sandbox",
                    "The developer has a sandbox account already",
                ));
            }
            let (account, ext) = accounts::create_account(c, now, name, admin)?;
            crate::joined_own_chats(c, now, &ext)?;
            c.exec(
                "UPDATE accounts SET environment = 'Sandbox' WHERE id = $1",
                &[&account.id.0],
            )?;
            c.exec(
                "INSERT INTO developer_sandboxes (developer_id, account_id) VALUES ($1, $2)",
                &[&developer.0, &account.id.0],
            )?;
            Ok((account, ext))
        }))
    }

    fn sandbox_of(&self, developer: ExtensionId) -> BoxFuture<'_, Option<Account>> {
        Box::pin(self.read(move |c| {
            c.map_opt(
                &format!(
                    "SELECT {ACCOUNT_COLS} FROM developer_sandboxes s JOIN accounts a ON a.id = s.account_id
                     WHERE s.developer_id = $1"
                ),
                &[&developer.0],
                rows::account,
            )
        }))
    }

    fn account_extensions(
        &self,
        account: AccountId,
        search: Option<String>,
    ) -> BoxFuture<'_, Vec<Extension>> {
        Box::pin(self.read(move |c| {
            let pattern = search
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    format!("%{escaped}%")
                });
            // Numbers in numeric order (digits only: shorter first, then by digits).
            c.map(
                &format!(
                    "SELECT {EXT_COLS} FROM extensions e WHERE e.account_id = $1 AND e.status <> 'Removed'
                     AND ($2::text IS NULL OR lower(e.first_name || ' ' || e.last_name) LIKE $2 ESCAPE '\\'
                          OR lower(coalesce(e.email, '')) LIKE $2 ESCAPE '\\' OR e.extension_number LIKE $2 ESCAPE '\\')
                     ORDER BY length(e.extension_number), e.extension_number, e.id"
                ),
                &[&account.0, &pattern],
                |r| rows::extension(r, 0),
            )
        }))
    }

    fn update_extension(&self, id: ExtensionId, patch: ExtensionPatch) -> BoxFuture<'_, Extension> {
        Box::pin(self.write_auth(move |c, now| update_extension(c, now, id, patch)))
    }

    fn set_profile_image(
        &self,
        id: ExtensionId,
        content_type: String,
        bytes: Vec<u8>,
        uri: String,
    ) -> BoxFuture<'_, Extension> {
        Box::pin(self.write_auth(move |c, now| {
            extension_by_id(c, id)?;
            c.exec(
                "INSERT INTO profile_images (extension_id, content_type, bytes, modified) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (extension_id) DO UPDATE SET content_type = $2, bytes = $3, modified = $4",
                &[&id.0, &content_type, &bytes, &now],
            )?;
            c.exec(
                "UPDATE extensions SET avatar = $2, modified = $3 WHERE id = $1",
                &[&id.0, &uri, &now],
            )?;
            let ext = extension_by_id(c, id)?;
            events::append(
                c,
                now,
                Some(ext.account_id),
                &EventPayload::ExtensionUpdated { extension_id: id },
            )?;
            Ok(ext)
        }))
    }

    fn profile_image(&self, id: ExtensionId) -> BoxFuture<'_, Option<(String, Vec<u8>)>> {
        Box::pin(self.read(move |c| {
            c.map_opt(
                "SELECT content_type, bytes FROM profile_images WHERE extension_id = $1",
                &[&id.0],
                |r| Ok((get(r, 0)?, get(r, 1)?)),
            )
        }))
    }

    fn reserve_extension(&self, account: AccountId) -> BoxFuture<'_, String> {
        Box::pin(self.write(move |c, now| reserve_extension(c, now, account)))
    }

    fn next_extension_number(&self, account: AccountId) -> BoxFuture<'_, String> {
        Box::pin(self.read(move |c| accounts::next_number(c, account, true)))
    }

    fn unassigned_extensions(&self, account: AccountId) -> BoxFuture<'_, Vec<(String, Timestamp)>> {
        Box::pin(self.read(move |c| {
            c.map(
                "SELECT u.extension_number, u.created FROM unassigned_extensions u
                 WHERE u.account_id = $1 AND NOT EXISTS (SELECT 1 FROM extensions e
                     WHERE e.account_id = u.account_id AND e.extension_number = u.extension_number)
                 ORDER BY length(u.extension_number), u.extension_number",
                &[&account.0],
                |r| Ok((get(r, 0)?, Timestamp(get(r, 1)?))),
            )
        }))
    }

    fn release_extension(&self, account: AccountId, number: String) -> BoxFuture<'_, bool> {
        Box::pin(self.write(move |c, _| {
            let n = c.exec(
                "DELETE FROM unassigned_extensions WHERE account_id = $1 AND extension_number = $2",
                &[&account.0, &number],
            )?;
            Ok(n > 0)
        }))
    }

    // ---- activation links and the mail outbox ----

    fn create_activation(
        &self,
        extension: ExtensionId,
        hash: [u8; 32],
        expires: Timestamp,
        to: String,
        subject: String,
        body: String,
    ) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| {
            let ext = extension_by_id(c, extension)?;
            c.exec(
                "INSERT INTO activations (hash, extension_id, expires, used) VALUES ($1, $2, $3, FALSE)",
                &[&hash.as_slice(), &extension.0, &expires.millis()],
            )?;
            c.exec(
                "INSERT INTO mail_outbox (account_id, recipient, subject, body, created) VALUES ($1, $2, $3, $4, $5)",
                &[&ext.account_id.0, &to, &subject, &body, &now],
            )?;
            Ok(())
        }))
    }

    fn activation(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<Extension>> {
        Box::pin(self.read(move |c| {
            c.map_opt(
                &format!(
                    "SELECT {EXT_COLS} FROM activations v JOIN extensions e ON e.id = v.extension_id
                     WHERE v.hash = $1 AND NOT v.used AND v.expires > $2 AND e.status IN ('NotActivated', 'Enabled')"
                ),
                &[&hash.as_slice(), &now_ms()],
                |r| rows::extension(r, 0),
            )
        }))
    }

    fn redeem_activation(
        &self,
        hash: [u8; 32],
        password_hash: String,
    ) -> BoxFuture<'_, Option<Extension>> {
        Box::pin(self.write_auth(move |c, now| {
            let id = c.map_opt(
                "SELECT v.extension_id FROM activations v JOIN extensions e ON e.id = v.extension_id
                 WHERE v.hash = $1 AND NOT v.used AND v.expires > $2 AND e.status IN ('NotActivated', 'Enabled')",
                &[&hash.as_slice(), &now],
                |r| get::<i64>(r, 0),
            )?;
            let Some(id) = id else { return Ok(None) };
            c.exec(
                "UPDATE activations SET used = TRUE WHERE extension_id = $1",
                &[&id],
            )?;
            // A new password signs the person out everywhere: whoever knew the old one
            // keeps no session.
            c.exec("DELETE FROM web_sessions WHERE extension_id = $1", &[&id])?;
            let ext = update_extension(
                c,
                now,
                ExtensionId(id),
                ExtensionPatch {
                    status: Some(ExtensionStatus::Enabled),
                    password_hash: Some(password_hash),
                    ..Default::default()
                },
            )?;
            Ok(Some(ext))
        }))
    }

    fn outbox(&self, account: AccountId, n: usize) -> BoxFuture<'_, Vec<Mail>> {
        Box::pin(self.read(move |c| {
            c.map(
                "SELECT id, account_id, recipient, subject, body, created FROM mail_outbox
                 WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
                &[&account.0, &limit(n)],
                |r| {
                    Ok(Mail {
                        id: get(r, 0)?,
                        account_id: AccountId(get(r, 1)?),
                        to: get(r, 2)?,
                        subject: get(r, 3)?,
                        body: get(r, 4)?,
                        created: Timestamp(get(r, 5)?),
                    })
                },
            )
        }))
    }

    // ---- apps ----

    fn register_app(&self, new: NewApp, details: AppDetails) -> BoxFuture<'_, AppRecord> {
        Box::pin(self.write(move |c, now| register_app(c, now, new, details)))
    }

    fn app_record(&self, client_id: String) -> BoxFuture<'_, Option<AppRecord>> {
        Box::pin(self.read(move |c| {
            c.map_opt(
                &app_record_sql("a.client_id = $1"),
                &[&client_id],
                app_record,
            )
        }))
    }

    fn app_record_by_id(&self, id: AppId) -> BoxFuture<'_, Option<AppRecord>> {
        Box::pin(self.read(move |c| app_record_by_id(c, id)))
    }

    fn apps_of_developer(&self, developer: ExtensionId) -> BoxFuture<'_, Vec<AppRecord>> {
        Box::pin(self.read(move |c| {
            c.map(
                &format!(
                    "{} ORDER BY a.id DESC",
                    app_record_sql("d.developer_id = $1")
                ),
                &[&developer.0],
                app_record,
            )
        }))
    }

    fn update_app(&self, id: AppId, u: AppUpdate) -> BoxFuture<'_, AppRecord> {
        Box::pin(self.write_auth(move |c, now| {
            app_record_by_id(c, id)?.ok_or(Error::NotFound(Subject::App))?;
            let uris = u
                .redirect_uris
                .map(|v| serde_json::Value::from(v).to_string());
            c.exec(
                "UPDATE apps SET name = COALESCE($2, name), redirect_uris = COALESCE($3, redirect_uris),
                     grants = COALESCE($4, grants), permissions = COALESCE($5, permissions),
                     access_ttl_secs = COALESCE($6, access_ttl_secs), refresh_ttl_secs = COALESCE($7, refresh_ttl_secs)
                 WHERE id = $1",
                &[
                    &id.0,
                    &u.name,
                    &uris,
                    &u.grants.map(|g| bits_value(GrantSet::bits(g))),
                    &u.permissions.map(|p| bits_value(PermissionSet::bits(p))),
                    &u.access_ttl_secs,
                    &u.refresh_ttl_secs,
                ],
            )?;
            // Operator-provisioned apps get a details row on their first console change.
            c.exec(
                "INSERT INTO app_details (app_id, stage, created) VALUES ($1, 'Production', $2)
                 ON CONFLICT (app_id) DO NOTHING",
                &[&id.0, &now],
            )?;
            c.exec(
                "UPDATE app_details SET description = COALESCE($2, description),
                     contact_email = COALESCE($3, contact_email), public_bot = COALESCE($4, public_bot)
                 WHERE app_id = $1",
                &[&id.0, &u.description, &u.contact_email, &u.public_bot],
            )?;
            app_record_by_id(c, id)?.ok_or(Error::NotFound(Subject::App))
        }))
    }

    fn set_client_secret(&self, id: AppId, hash: String) -> BoxFuture<'_, ()> {
        Box::pin(self.write_auth(move |c, _| set_client_secret(c, id, &hash)))
    }

    fn set_app_stage(&self, id: AppId, stage: Environment) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| {
            c.exec(
                "INSERT INTO app_details (app_id, stage, created) VALUES ($1, $2, $3)
                 ON CONFLICT (app_id) DO UPDATE SET stage = $2",
                &[&id.0, &stage.as_str(), &now],
            )?;
            Ok(())
        }))
    }

    // ---- usage ----

    fn add_usage(&self, deltas: Vec<UsageDelta>) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| {
            for d in deltas {
                // An app deleted meanwhile has no usage to add to (its usage no longer matters):
                // the row is only written while the app exists.
                c.exec(
                    "INSERT INTO app_usage (app_id, grp, calls, errors, last_call)
                     SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM apps WHERE id = $1)
                     ON CONFLICT (app_id, grp) DO UPDATE SET calls = app_usage.calls + $3,
                         errors = app_usage.errors + $4, last_call = $5",
                    &[
                        &d.app_id.0,
                        &d.group,
                        &i64::try_from(d.calls).unwrap_or(i64::MAX),
                        &i64::try_from(d.errors).unwrap_or(i64::MAX),
                        &now,
                    ],
                )?;
            }
            Ok(())
        }))
    }

    fn usage(&self, app: AppId) -> BoxFuture<'_, Vec<UsageRow>> {
        Box::pin(self.read(move |c| {
            c.map(
                "SELECT grp, calls, errors, last_call FROM app_usage WHERE app_id = $1 ORDER BY grp",
                &[&app.0],
                |r| {
                    Ok(UsageRow {
                        group: get(r, 0)?,
                        calls: get(r, 1)?,
                        errors: get(r, 2)?,
                        last_call: Timestamp(get(r, 3)?),
                    })
                },
            )
        }))
    }

    // ---- web sessions, authorization codes, consents, JWT credentials (`grants`) ----

    fn create_session(&self, s: WebSession) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| grants::create_session(c, now, &s)))
    }

    fn session(
        &self,
        id_hash: [u8; 32],
        now: Timestamp,
    ) -> BoxFuture<'_, Option<(WebSession, Extension)>> {
        Box::pin(self.read(move |c| grants::session(c, id_hash, now)))
    }

    fn delete_session(&self, id_hash: [u8; 32]) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| grants::delete_session(c, &id_hash)))
    }

    fn insert_code(&self, code: AuthCode) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| grants::insert_code(c, now, &code)))
    }

    fn redeem_code(&self, hash: [u8; 32]) -> BoxFuture<'_, CodeRedemption> {
        Box::pin(self.write_auth(move |c, _| grants::redeem_code(c, hash)))
    }

    fn grant_consent(
        &self,
        app: AppId,
        extension: ExtensionId,
        scope: PermissionSet,
    ) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| grants::grant_consent(c, now, app, extension, scope)))
    }

    fn consent(&self, app: AppId, extension: ExtensionId) -> BoxFuture<'_, Option<PermissionSet>> {
        Box::pin(self.read(move |c| grants::consent(c, app, extension)))
    }

    fn create_jwt(&self, jwt: JwtCredential) -> BoxFuture<'_, JwtCredential> {
        Box::pin(self.write(move |c, now| grants::create_jwt(c, now, jwt)))
    }

    fn jwt_by_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<JwtCredential>> {
        Box::pin(self.read(move |c| grants::jwt_by_hash(c, &hash)))
    }

    fn jwts_of(&self, owner: ExtensionId) -> BoxFuture<'_, Vec<JwtCredential>> {
        Box::pin(self.read(move |c| grants::jwts_of(c, owner)))
    }

    fn revoke_jwt(&self, owner: ExtensionId, id: i64) -> BoxFuture<'_, bool> {
        Box::pin(self.write(move |c, _| grants::revoke_jwt(c, owner, id)))
    }

    // ---- installed apps and bots ----

    fn install_bot(
        &self,
        app: AppId,
        account: AccountId,
        installed_by: ExtensionId,
        bot: NewExtension,
    ) -> BoxFuture<'_, BotInstall> {
        Box::pin(self.write_ev(move |c, now| {
            let ext = accounts::create_extension(c, now, account, bot)?;
            crate::joined_own_chats(c, now, &ext)?;
            c.exec(
                "INSERT INTO bot_installs (extension_id, app_id, account_id, installed_by, created)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&ext.id.0, &app.0, &account.0, &installed_by.0, &now],
            )?;
            bot_install_row(&c.one(&bot_install_sql("b.extension_id = $1"), &[&ext.id.0])?)
        }))
    }

    fn bot_installs(&self, account: AccountId) -> BoxFuture<'_, Vec<BotInstall>> {
        Box::pin(self.read(move |c| {
            c.map(
                &format!(
                    "{} ORDER BY b.created DESC",
                    bot_install_sql("b.account_id = $1 AND e.status <> 'Removed'")
                ),
                &[&account.0],
                bot_install_row,
            )
        }))
    }

    fn remove_bot(
        &self,
        account: AccountId,
        extension: ExtensionId,
    ) -> BoxFuture<'_, Option<BotInstall>> {
        Box::pin(self.write_auth(move |c, now| {
            let found = c.map_opt(
                &bot_install_sql(
                    "b.extension_id = $1 AND b.account_id = $2 AND e.status <> 'Removed'",
                ),
                &[&extension.0, &account.0],
                bot_install_row,
            )?;
            let Some(install) = found else {
                return Ok(None);
            };
            c.exec(
                "UPDATE extensions SET status = 'Removed', modified = $2 WHERE id = $1",
                &[&extension.0, &now],
            )?;
            c.exec(
                "UPDATE tokens SET state = 'revoked' WHERE extension_id = $1 AND state <> 'revoked'",
                &[&extension.0],
            )?;
            // The bot hears of its removal first (its extension subscription), then leaves its
            // chats.
            events::append(
                c,
                now,
                Some(account),
                &EventPayload::ExtensionDeleted {
                    extension_id: extension,
                },
            )?;
            for chat_id in events::member_chat_ids(c, extension)? {
                c.exec(
                    "DELETE FROM members WHERE chat_id = $1 AND person_id = $2",
                    &[&chat_id.0, &extension.0],
                )?;
                if let Some(chat) = chats::chat(c, chat_id)? {
                    events::append(
                        c,
                        now,
                        Some(account),
                        &EventPayload::GroupLeft {
                            chat,
                            persons: vec![extension],
                        },
                    )?;
                }
            }
            Ok(Some(install))
        }))
    }

    fn authorized_apps(&self, account: AccountId) -> BoxFuture<'_, Vec<AuthorizedApp>> {
        Box::pin(self.read(move |c| {
            c.map(
                &format!(
                    "SELECT {APP_COLS}, count(DISTINCT t.extension_id), max(t.created) FROM tokens t
                     JOIN apps a ON a.id = t.app_id
                     WHERE t.account_id = $1 AND t.state = 'live' AND a.kind = 'Rest'
                       AND (t.access_expires IS NULL OR t.access_expires > $2 OR t.refresh_expires > $2)
                     GROUP BY a.id ORDER BY max(t.created) DESC"
                ),
                &[&account.0, &now_ms()],
                |r| {
                    Ok(AuthorizedApp {
                        app: rows::app(r, 0)?,
                        users: get(r, APP_N)?,
                        last_authorized: Timestamp(get(r, APP_N + 1)?),
                    })
                },
            )
        }))
    }

    fn revoke_app_in_account(&self, app: AppId, account: AccountId) -> BoxFuture<'_, u64> {
        Box::pin(self.write_auth(move |c, _| revoke_app_in_account(c, app, account)))
    }

    // ---- password guessing ----

    fn password_failures(&self, keys: Vec<String>) -> BoxFuture<'_, Vec<PasswordFailures>> {
        Box::pin(self.read(move |c| password_failures::of(c, &keys)))
    }

    fn record_password_failure(
        &self,
        keys: Vec<String>,
        now: Timestamp,
        window_start: Timestamp,
    ) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| password_failures::record(c, &keys, now, window_start)))
    }

    fn clear_password_failures(&self, key: String) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| password_failures::clear(c, &key)))
    }
}
