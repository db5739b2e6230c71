//! The platform part of the port (`openglip_domain::store::PlatformStore`): environments,
//! console apps, web sessions, authorization codes, consents, JWT credentials, usage, bot
//! installations, activation links, the mail outbox and profile images (schema version 3).

use openglip_domain::events::EventPayload;
use openglip_domain::perm::GrantSet;
use openglip_domain::platform::*;
use openglip_domain::store::PlatformStore;
use openglip_domain::store::{BoxFuture, NewApp, NewExtension};
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::db::Db;
use crate::rows::{self, ACCOUNT_COLS, APP_COLS, EXT_COLS, EXT_N};
use crate::{
    SqliteStore, accounts, activations, chats, events, grants, password_failures, tokens, usage,
};

const DETAIL_COLS: &str =
    "d.developer_id, d.description, d.contact_email, d.stage, d.public_bot, d.created";

/// An app row (`APP_COLS`) followed by its optional details (`DETAIL_COLS`, from a LEFT JOIN).
fn app_record(r: &Row<'_>) -> rusqlite::Result<AppRecord> {
    let app = rows::app(r, 0)?;
    let at = 13;
    let created: Option<i64> = r.get(at + 5)?;
    let details = match created {
        None => AppDetails::provisioned(app.created),
        Some(created) => {
            let stage: String = r.get(at + 3)?;
            AppDetails {
                developer_id: r.get::<_, Option<i64>>(at)?.map(ExtensionId),
                description: r.get(at + 1)?,
                contact_email: r.get(at + 2)?,
                stage: Environment::parse(&stage).unwrap_or(Environment::Sandbox),
                public_bot: r.get(at + 4)?,
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

fn app_record_by_id(c: &Connection, id: AppId) -> Result<Option<AppRecord>> {
    c.prepare_cached(&app_record_sql("a.id = ?1"))
        .db()?
        .query_row([id.0], app_record)
        .optional()
        .db()
}

fn extension_by_id(c: &Connection, id: ExtensionId) -> Result<Extension> {
    accounts::extension(c, id)?.ok_or(Error::NotFound(Subject::Extension))
}

fn bot_install_row(r: &Row<'_>) -> rusqlite::Result<BotInstall> {
    Ok(BotInstall {
        extension: rows::extension(r, 0)?,
        app: rows::app(r, EXT_N)?,
        account_id: AccountId(r.get(EXT_N + 13)?),
        installed_by: ExtensionId(r.get(EXT_N + 14)?),
        created: Timestamp(r.get(EXT_N + 15)?),
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
    c: &Connection,
    now: i64,
    new: NewApp,
    details: AppDetails,
) -> Result<AppRecord> {
    let app = tokens::create_app(c, now, new)?;
    c.prepare_cached(
        "INSERT INTO app_details (app_id, developer_id, description, contact_email, stage, public_bot, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .db()?
    .execute(params![
        app.id.0,
        details.developer_id.map(|d| d.0),
        details.description,
        details.contact_email,
        details.stage.as_str(),
        details.public_bot,
        now
    ])
    .db()?;
    app_record_by_id(c, app.id)?.ok_or_else(|| Error::Internal("app vanished".into()))
}

/// Revokes every token (and consent) `app` holds in `account`; how many tokens.
pub(crate) fn revoke_app_in_account(c: &Connection, app: AppId, account: AccountId) -> Result<u64> {
    let n = c
        .prepare_cached(
            "UPDATE tokens SET state = 'revoked' WHERE account_id = ?1 AND app_id = ?2 AND state <> 'revoked'",
        )
        .db()?
        .execute(params![account.0, app.0])
        .db()?;
    c.prepare_cached(
        "DELETE FROM consents WHERE app_id = ?1
         AND extension_id IN (SELECT id FROM extensions WHERE account_id = ?2)",
    )
    .db()?
    .execute(params![app.0, account.0])
    .db()?;
    Ok(n as u64)
}

/// Replaces a confidential app's client secret hash; `NotFound(App)` for a public client or
/// no app.
pub(crate) fn set_client_secret(c: &Connection, id: AppId, hash: &str) -> Result<()> {
    let n = c
        .prepare_cached(
            "UPDATE apps SET client_secret_hash = ?2 WHERE id = ?1 AND public_client = 0",
        )
        .db()?
        .execute(params![id.0, hash])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::App));
    }
    Ok(())
}

pub(crate) fn update_extension(
    c: &Connection,
    now: i64,
    id: ExtensionId,
    patch: ExtensionPatch,
) -> Result<Extension> {
    let cur = extension_by_id(c, id)?;
    if let Some(email) = &patch.email
        && cur.email.as_deref() != Some(email.as_str())
    {
        let taken = c
            .prepare_cached("SELECT 1 FROM extensions WHERE email = ?1 AND id <> ?2")
            .db()?
            .exists(params![email, id.0])
            .db()?;
        if taken {
            return Err(Error::invalid_because(
                "email",
                "The email address is already in use",
            ));
        }
    }
    c.prepare_cached(
        "UPDATE extensions SET first_name = COALESCE(?2, first_name), last_name = COALESCE(?3, last_name),
             email = COALESCE(?4, email), status = COALESCE(?5, status), is_admin = COALESCE(?6, is_admin),
             password_hash = COALESCE(?7, password_hash), time_zone = COALESCE(?9, time_zone), modified = ?8,
             language = COALESCE(?10, language), formatting_locale = COALESCE(?11, formatting_locale)
         WHERE id = ?1",
    )
    .db()?
    .execute(params![
        id.0,
        patch.first_name,
        patch.last_name,
        patch.email,
        patch.status.map(ExtensionStatus::as_str),
        patch.is_admin,
        patch.password_hash,
        now,
        patch.time_zone,
        patch.language,
        patch.formatting_locale
    ])
    .db()?;
    let ext = extension_by_id(c, id)?;
    events::append(
        c,
        now,
        Some(ext.account_id),
        &EventPayload::ExtensionUpdated { extension_id: id },
    )?;
    Ok(ext)
}

impl PlatformStore for SqliteStore {
    // ---- accounts, extensions ----

    fn account_environment(&self, account: AccountId) -> BoxFuture<'_, Environment> {
        Box::pin(self.read(move |c| {
            let env: Option<String> = c
                .prepare_cached("SELECT environment FROM accounts WHERE id = ?1")
                .db()?
                .query_row([account.0], |r| r.get(0))
                .optional()
                .db()?;
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
            let taken = c
                .prepare_cached("SELECT 1 FROM developer_sandboxes WHERE developer_id = ?1")
                .db()?
                .exists([developer.0])
                .db()?;
            if taken {
                return Err(Error::invalid_because(
                    "sandbox",
                    "The developer has a sandbox account already",
                ));
            }
            let (account, ext) = accounts::create_account(c, now, name, admin)?;
            crate::joined_own_chats(c, now, &ext)?;
            c.prepare_cached("UPDATE accounts SET environment = 'Sandbox' WHERE id = ?1")
                .db()?
                .execute([account.id.0])
                .db()?;
            c.prepare_cached(
                "INSERT INTO developer_sandboxes (developer_id, account_id) VALUES (?1, ?2)",
            )
            .db()?
            .execute(params![developer.0, account.id.0])
            .db()?;
            Ok((account, ext))
        }))
    }

    fn sandbox_of(&self, developer: ExtensionId) -> BoxFuture<'_, Option<Account>> {
        Box::pin(self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {ACCOUNT_COLS} FROM developer_sandboxes s JOIN accounts a ON a.id = s.account_id
                 WHERE s.developer_id = ?1"
            ))
            .db()?
            .query_row([developer.0], rows::account)
            .optional()
            .db()
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
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {EXT_COLS} FROM extensions e WHERE e.account_id = ?1 AND e.status <> 'Removed'
                     AND (?2 IS NULL OR lower(e.first_name || ' ' || e.last_name) LIKE ?2 ESCAPE '\\'
                          OR lower(coalesce(e.email, '')) LIKE ?2 ESCAPE '\\' OR e.extension_number LIKE ?2 ESCAPE '\\')
                     ORDER BY CAST(e.extension_number AS INTEGER), e.id"
                ))
                .db()?;
            stmt.query_map(params![account.0, pattern], |r| rows::extension(r, 0))
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()
        }))
    }

    fn update_extension(&self, id: ExtensionId, patch: ExtensionPatch) -> BoxFuture<'_, Extension> {
        Box::pin(self.write_ev(move |c, now| update_extension(c, now, id, patch)))
    }

    fn set_profile_image(
        &self,
        id: ExtensionId,
        content_type: String,
        bytes: Vec<u8>,
        uri: String,
    ) -> BoxFuture<'_, Extension> {
        Box::pin(self.write_ev(move |c, now| {
            extension_by_id(c, id)?;
            c.prepare_cached(
                "INSERT INTO profile_images (extension_id, content_type, bytes, modified) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (extension_id) DO UPDATE SET content_type = ?2, bytes = ?3, modified = ?4",
            )
            .db()?
            .execute(params![id.0, content_type, bytes, now])
            .db()?;
            c.prepare_cached("UPDATE extensions SET avatar = ?2, modified = ?3 WHERE id = ?1")
                .db()?
                .execute(params![id.0, uri, now])
                .db()?;
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
            c.prepare_cached(
                "SELECT content_type, bytes FROM profile_images WHERE extension_id = ?1",
            )
            .db()?
            .query_row([id.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .db()
        }))
    }

    fn reserve_extension(&self, account: AccountId) -> BoxFuture<'_, String> {
        self.reserve(account)
    }

    fn next_extension_number(&self, account: AccountId) -> BoxFuture<'_, String> {
        self.next_free(account)
    }

    fn unassigned_extensions(&self, account: AccountId) -> BoxFuture<'_, Vec<(String, Timestamp)>> {
        self.unassigned(account)
    }

    fn release_extension(&self, account: AccountId, number: String) -> BoxFuture<'_, bool> {
        self.release(account, number)
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
            activations::create_activation(
                c,
                now,
                extension,
                hash,
                expires,
                activations::Letter {
                    to: &to,
                    subject: &subject,
                    body: &body,
                },
            )
        }))
    }

    fn activation(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<Extension>> {
        Box::pin(self.read(move |c| activations::activation(c, hash)))
    }

    fn redeem_activation(
        &self,
        hash: [u8; 32],
        password_hash: String,
    ) -> BoxFuture<'_, Option<Extension>> {
        Box::pin(self.write_ev(move |c, now| {
            let Some(id) = activations::spend(c, now, hash)? else {
                return Ok(None);
            };
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

    fn outbox(&self, account: AccountId, limit: usize) -> BoxFuture<'_, Vec<Mail>> {
        Box::pin(self.read(move |c| activations::outbox(c, account, limit)))
    }

    // ---- apps ----

    fn register_app(&self, new: NewApp, details: AppDetails) -> BoxFuture<'_, AppRecord> {
        Box::pin(self.write(move |c, now| register_app(c, now, new, details)))
    }

    fn app_record(&self, client_id: String) -> BoxFuture<'_, Option<AppRecord>> {
        Box::pin(self.read(move |c| {
            c.prepare_cached(&app_record_sql("a.client_id = ?1"))
                .db()?
                .query_row([client_id], app_record)
                .optional()
                .db()
        }))
    }

    fn app_record_by_id(&self, id: AppId) -> BoxFuture<'_, Option<AppRecord>> {
        Box::pin(self.read(move |c| app_record_by_id(c, id)))
    }

    fn apps_of_developer(&self, developer: ExtensionId) -> BoxFuture<'_, Vec<AppRecord>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "{} ORDER BY a.id DESC",
                    app_record_sql("d.developer_id = ?1")
                ))
                .db()?;
            stmt.query_map([developer.0], app_record)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()
        }))
    }

    fn update_app(&self, id: AppId, u: AppUpdate) -> BoxFuture<'_, AppRecord> {
        Box::pin(self.write(move |c, now| {
            app_record_by_id(c, id)?.ok_or(Error::NotFound(Subject::App))?;
            let uris = u
                .redirect_uris
                .map(|v| serde_json::Value::from(v).to_string());
            c.prepare_cached(
                "UPDATE apps SET name = COALESCE(?2, name), redirect_uris = COALESCE(?3, redirect_uris),
                     grants = COALESCE(?4, grants), permissions = COALESCE(?5, permissions),
                     access_ttl_secs = COALESCE(?6, access_ttl_secs), refresh_ttl_secs = COALESCE(?7, refresh_ttl_secs)
                 WHERE id = ?1",
            )
            .db()?
            .execute(params![
                id.0,
                u.name,
                uris,
                u.grants.map(GrantSet::bits),
                u.permissions.map(PermissionSet::bits),
                u.access_ttl_secs,
                u.refresh_ttl_secs
            ])
            .db()?;
            // Operator-provisioned apps get a details row on their first console change.
            c.prepare_cached(
                "INSERT INTO app_details (app_id, stage, created) VALUES (?1, 'Production', ?2)
                 ON CONFLICT (app_id) DO NOTHING",
            )
            .db()?
            .execute(params![id.0, now])
            .db()?;
            c.prepare_cached(
                "UPDATE app_details SET description = COALESCE(?2, description),
                     contact_email = COALESCE(?3, contact_email), public_bot = COALESCE(?4, public_bot)
                 WHERE app_id = ?1",
            )
            .db()?
            .execute(params![id.0, u.description, u.contact_email, u.public_bot])
            .db()?;
            app_record_by_id(c, id)?.ok_or(Error::NotFound(Subject::App))
        }))
    }

    fn set_client_secret(&self, id: AppId, hash: String) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, _| set_client_secret(c, id, &hash)))
    }

    fn set_app_stage(&self, id: AppId, stage: Environment) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| {
            c.prepare_cached(
                "INSERT INTO app_details (app_id, stage, created) VALUES (?1, ?2, ?3)
                 ON CONFLICT (app_id) DO UPDATE SET stage = ?2",
            )
            .db()?
            .execute(params![id.0, stage.as_str(), now])
            .db()?;
            Ok(())
        }))
    }

    // ---- usage ----

    fn add_usage(&self, deltas: Vec<UsageDelta>) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| usage::add_usage(c, now, deltas)))
    }

    fn usage(&self, app: AppId) -> BoxFuture<'_, Vec<UsageRow>> {
        Box::pin(self.read(move |c| usage::usage(c, app)))
    }

    // ---- web sessions ----

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
        Box::pin(self.write(move |c, _| grants::delete_session(c, id_hash)))
    }

    // ---- authorization codes and consents ----

    fn insert_code(&self, code: AuthCode) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| grants::insert_code(c, now, &code)))
    }

    fn redeem_code(&self, hash: [u8; 32]) -> BoxFuture<'_, CodeRedemption> {
        Box::pin(self.write(move |c, _| grants::redeem_code(c, hash)))
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

    // ---- JWT credentials ----

    fn create_jwt(&self, jwt: JwtCredential) -> BoxFuture<'_, JwtCredential> {
        Box::pin(self.write(move |c, now| grants::create_jwt(c, now, jwt)))
    }

    fn jwt_by_hash(&self, hash: [u8; 32]) -> BoxFuture<'_, Option<JwtCredential>> {
        Box::pin(self.read(move |c| grants::jwt_by_hash(c, hash)))
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
            c.prepare_cached(
                "INSERT INTO bot_installs (extension_id, app_id, account_id, installed_by, created)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .db()?
            .execute(params![ext.id.0, app.0, account.0, installed_by.0, now])
            .db()?;
            c.prepare_cached(&bot_install_sql("b.extension_id = ?1"))
                .db()?
                .query_row([ext.id.0], bot_install_row)
                .db()
        }))
    }

    fn bot_installs(&self, account: AccountId) -> BoxFuture<'_, Vec<BotInstall>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "{} ORDER BY b.created DESC",
                    bot_install_sql("b.account_id = ?1 AND e.status <> 'Removed'")
                ))
                .db()?;
            stmt.query_map([account.0], bot_install_row)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()
        }))
    }

    fn remove_bot(
        &self,
        account: AccountId,
        extension: ExtensionId,
    ) -> BoxFuture<'_, Option<BotInstall>> {
        Box::pin(self.write_ev(move |c, now| {
            let found = c
                .prepare_cached(&bot_install_sql(
                    "b.extension_id = ?1 AND b.account_id = ?2 AND e.status <> 'Removed'",
                ))
                .db()?
                .query_row(params![extension.0, account.0], bot_install_row)
                .optional()
                .db()?;
            let Some(install) = found else {
                return Ok(None);
            };
            c.prepare_cached(
                "UPDATE extensions SET status = 'Removed', modified = ?2 WHERE id = ?1",
            )
            .db()?
            .execute(params![extension.0, now])
            .db()?;
            c.prepare_cached(
                "UPDATE tokens SET state = 'revoked' WHERE extension_id = ?1 AND state <> 'revoked'",
            )
            .db()?
            .execute([extension.0])
            .db()?;
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
                c.prepare_cached("DELETE FROM members WHERE chat_id = ?1 AND person_id = ?2")
                    .db()?
                    .execute(params![chat_id.0, extension.0])
                    .db()?;
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
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {APP_COLS}, count(DISTINCT t.extension_id), max(t.created) FROM tokens t
                     JOIN apps a ON a.id = t.app_id
                     WHERE t.account_id = ?1 AND t.state = 'live' AND a.kind = 'Rest'
                       AND (t.access_expires IS NULL OR t.access_expires > ?2 OR t.refresh_expires > ?2)
                     GROUP BY a.id ORDER BY max(t.created) DESC"
                ))
                .db()?;
            stmt.query_map(params![account.0, crate::db::now_ms()], |r| {
                Ok(AuthorizedApp {
                    app: rows::app(r, 0)?,
                    users: r.get(13)?,
                    last_authorized: Timestamp(r.get(14)?),
                })
            })
            .db()?
            .collect::<rusqlite::Result<Vec<_>>>()
            .db()
        }))
    }

    fn revoke_app_in_account(&self, app: AppId, account: AccountId) -> BoxFuture<'_, u64> {
        Box::pin(self.write(move |c, _| revoke_app_in_account(c, app, account)))
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

/// The smallest number from 101 up that no extension of the account has and none reserves.
fn next_number(c: &Connection, account: AccountId) -> Result<String> {
    let mut stmt = c
        .prepare_cached(
            "SELECT extension_number FROM extensions WHERE account_id = ?1
             UNION SELECT extension_number FROM unassigned_extensions WHERE account_id = ?1",
        )
        .db()?;
    let taken = stmt
        .query_map([account.0], |r| r.get::<_, String>(0))
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(openglip_domain::store_rules::next_extension_number(
        taken.iter().map(String::as_str),
    ))
}

pub(crate) fn reserve_extension(c: &Connection, now: i64, account: AccountId) -> Result<String> {
    accounts::account(c, account)?.ok_or(Error::NotFound(Subject::Account))?;
    let n = next_number(c, account)?;
    c.prepare_cached(
        "INSERT INTO unassigned_extensions (account_id, extension_number, created) VALUES (?1, ?2, ?3)",
    )
    .db()?
    .execute(params![account.0, n, now])
    .db()?;
    Ok(n)
}

impl SqliteStore {
    pub(crate) fn reserve(&self, account: AccountId) -> BoxFuture<'_, String> {
        Box::pin(self.write(move |c, now| reserve_extension(c, now, account)))
    }
    pub(crate) fn next_free(&self, account: AccountId) -> BoxFuture<'_, String> {
        Box::pin(self.read(move |c| next_number(c, account)))
    }
    pub(crate) fn unassigned(&self, account: AccountId) -> BoxFuture<'_, Vec<(String, Timestamp)>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT u.extension_number, u.created FROM unassigned_extensions u
                     WHERE u.account_id = ?1 AND NOT EXISTS (SELECT 1 FROM extensions e
                         WHERE e.account_id = u.account_id AND e.extension_number = u.extension_number)
                     ORDER BY CAST(u.extension_number AS INTEGER)",
                )
                .db()?;
            stmt.query_map([account.0], |r| Ok((r.get(0)?, Timestamp(r.get(1)?))))
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()
        }))
    }
    pub(crate) fn release(&self, account: AccountId, number: String) -> BoxFuture<'_, bool> {
        Box::pin(self.write(move |c, _| {
            let n = c
                .prepare_cached(
                    "DELETE FROM unassigned_extensions WHERE account_id = ?1 AND extension_number = ?2",
                )
                .db()?
                .execute(params![account.0, number])
                .db()?;
            Ok(n > 0)
        }))
    }
}
