//! The operations of the developer console and the account admin portal, shared by their pages
//! and their JSON APIs: registering apps, sandbox accounts, client secrets, JWT credentials,
//! production graduation, people, bot installation and removal (with the private bot's token
//! delivery to its redirect URI).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openglip_domain::perm::{GrantSet, GrantType};
use openglip_domain::platform::*;
use openglip_domain::store::{NewApp, NewExtension};
use openglip_domain::validate;
use openglip_domain::*;

use crate::AppState;
use crate::admin::BOT_PERMISSIONS;
use crate::auth::now;
use crate::oauth::{DEFAULT_ACCESS_TTL, DEFAULT_REFRESH_TTL, PERMANENT_TTL, hash_client_secret};
use crate::secrets;
use crate::web::Errors;

/// How the app authenticates people (the console's "Auth" panel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientType {
    /// "Server-side web app (most common)": a confidential client with a secret.
    ServerSide,
    /// "Client-side web app": a public client, PKCE, no secret.
    ClientSide,
}

/// The Create App form (and its JSON twin).
#[derive(Debug, Clone)]
pub struct AppForm {
    pub kind: AppKind,
    pub name: String,
    pub description: String,
    pub contact_email: String,
    pub client_type: ClientType,
    pub auth_code: bool,
    pub jwt: bool,
    pub password: bool,
    pub refresh_tokens: bool,
    pub redirect_uris: Vec<String>,
    pub permissions: Vec<String>,
    pub public_bot: bool,
    pub access_ttl_secs: Option<i64>,
    pub refresh_ttl_secs: Option<i64>,
}

impl Default for AppForm {
    fn default() -> Self {
        AppForm {
            kind: AppKind::Rest,
            name: String::new(),
            description: String::new(),
            contact_email: String::new(),
            client_type: ClientType::ServerSide,
            auth_code: true,
            jwt: false,
            password: false,
            refresh_tokens: true,
            redirect_uris: vec![],
            permissions: vec![],
            public_bot: false,
            access_ttl_secs: None,
            refresh_ttl_secs: None,
        }
    }
}

/// A redirect URI people's browsers may be sent to: https, or http on this machine (RFC 9700
/// §2.6 allows loopback for native and development apps); no fragment, no credentials.
pub fn check_redirect_uri(uri: &str) -> std::result::Result<(), String> {
    let uri = uri.trim();
    if uri.len() > 2000 {
        return Err("A redirect URI can have at most 2000 characters.".into());
    }
    let url = reqwest::Url::parse(uri).map_err(|_| format!("[{uri}] is not an absolute URL."))?;
    if url.fragment().is_some() {
        return Err("A redirect URI cannot have a fragment (#…).".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("A redirect URI cannot carry credentials.".into());
    }
    let host = url.host_str().unwrap_or("");
    let loopback = host == "localhost"
        || host.ends_with(".localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(format!(
            "[{uri}] must use https (plain http is allowed only for localhost)."
        )),
        _ => Err(format!("[{uri}] must be an https URL.")),
    }
}

fn ttl(field: &str, v: Option<i64>, min: i64, max: i64, errors: &mut Errors) -> Option<i64> {
    match v {
        Some(n) if !(min..=max).contains(&n) => {
            errors.add(
                field,
                format!("Enter a number of seconds from {min} to {max}."),
            );
            None
        }
        other => other,
    }
}

/// What a valid form gives: name, grants, permissions, redirect URIs, access and refresh TTLs.
type Validated = (String, GrantSet, PermissionSet, Vec<String>, i64, i64);

/// Validates the form; returns the NewApp pieces or the errors of every field.
fn validate_app_form(form: &AppForm) -> std::result::Result<Validated, Errors> {
    let mut errors = Errors::default();
    let name = match validate::name("name", &form.name, validate::MAX_NAME) {
        Ok(n) => n,
        Err(_) => {
            errors.add("name", "Enter an app name (at most 250 characters).");
            String::new()
        }
    };
    if form.description.chars().count() > 1000 {
        errors.add("description", "At most 1000 characters.");
    }
    if form.contact_email.trim().is_empty()
        || validate::email("contactEmail", &form.contact_email).is_err()
    {
        errors.add(
            "contactEmail",
            "Enter the email address of the primary contact.",
        );
    }
    let mut uris: Vec<String> = Vec::new();
    for u in form
        .redirect_uris
        .iter()
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
    {
        if let Err(e) = check_redirect_uri(u) {
            errors.add("redirectUris", e);
        } else if !uris.iter().any(|x| x == u) {
            uris.push(u.to_string());
        }
    }
    if uris.len() > 10 {
        errors.add("redirectUris", "At most 10 redirect URIs.");
    }
    let mut perms = PermissionSet::empty();
    for p in &form.permissions {
        match Permission::parse(p) {
            Some(p) => perms.insert(p),
            None => errors.add("permissions", format!("Unknown permission [{p}].")),
        }
    }
    let mut grants = GrantSet::default();
    let (access, refresh);
    match form.kind {
        AppKind::Rest => {
            if form.auth_code {
                grants.insert(GrantType::AuthorizationCode);
            }
            if form.jwt {
                grants.insert(GrantType::JwtBearer);
            }
            if form.password {
                grants.insert(GrantType::Password);
            }
            if form.refresh_tokens {
                grants.insert(GrantType::RefreshToken);
            }
            if !(form.auth_code || form.jwt || form.password) {
                errors.add("auth", "Choose at least one way to authorize.");
            }
            if form.client_type == ClientType::ClientSide && (form.jwt || form.password) {
                errors.add(
                    "auth",
                    "A client-side app has no secret: it can use only the authorization code flow with PKCE.",
                );
            }
            if form.auth_code && uris.is_empty() {
                errors.add(
                    "redirectUris",
                    "The authorization code flow needs at least one OAuth redirect URI.",
                );
            }
            if perms.is_empty() {
                errors.add("permissions", "Choose at least one permission.");
            }
            access = ttl(
                "accessTokenTtl",
                form.access_ttl_secs,
                600,
                86_400,
                &mut errors,
            )
            .unwrap_or(DEFAULT_ACCESS_TTL);
            refresh = ttl(
                "refreshTokenTtl",
                form.refresh_ttl_secs,
                3600,
                30 * 86_400,
                &mut errors,
            )
            .unwrap_or(DEFAULT_REFRESH_TTL);
        }
        AppKind::Bot => {
            // A public bot is installed through the authorization flow and exchanges a code.
            grants.insert(GrantType::AuthorizationCode);
            for p in BOT_PERMISSIONS {
                perms.insert(p);
            }
            if uris.is_empty() {
                errors.add(
                    "redirectUris",
                    "A bot needs its OAuth redirect URI: the address where it receives its access token.",
                );
            }
            access = PERMANENT_TTL;
            refresh = 0;
        }
    }
    if errors.is_empty() {
        Ok((name, grants, perms, uris, access, refresh))
    } else {
        Err(errors)
    }
}

/// Registers an app in the console. Returns it and its client secret (shown once).
pub async fn create_app(
    st: &AppState,
    developer: &Extension,
    form: &AppForm,
) -> std::result::Result<(AppRecord, Option<String>), Errors> {
    let (name, grants, permissions, redirect_uris, access, refresh) = validate_app_form(form)?;
    let public_client = form.kind == AppKind::Rest && form.client_type == ClientType::ClientSide;
    let secret = (!public_client).then(secrets::new_token);
    let record = st
        .store()
        .platform()
        .register_app(
            NewApp {
                client_id: secrets::new_id(),
                client_secret_hash: secret.as_deref().map(hash_client_secret),
                account_id: developer.account_id,
                name,
                kind: form.kind,
                public_client,
                grants,
                permissions,
                redirect_uris,
                access_ttl_secs: access,
                refresh_ttl_secs: refresh,
            },
            AppDetails {
                developer_id: Some(developer.id),
                description: form.description.trim().to_string(),
                contact_email: form.contact_email.trim().to_lowercase(),
                stage: Environment::Sandbox,
                public_bot: form.kind == AppKind::Bot && form.public_bot,
                created: now(),
            },
        )
        .await
        .map_err(|e| Errors::from_error(&e, "name"))?;
    if let Some(s) = &secret {
        st.0.web
            .keep_secret(developer.id, &record.app.client_id, s.clone());
    }
    Ok((record, secret))
}

/// Changes an app's settings from the console form (kind and client type stay).
pub async fn update_app(
    st: &AppState,
    record: &AppRecord,
    form: &AppForm,
) -> std::result::Result<AppRecord, Errors> {
    let (name, grants, permissions, redirect_uris, access, refresh) = validate_app_form(form)?;
    st.store()
        .platform()
        .update_app(
            record.app.id,
            AppUpdate {
                name: Some(name),
                description: Some(form.description.trim().to_string()),
                contact_email: Some(form.contact_email.trim().to_lowercase()),
                redirect_uris: Some(redirect_uris),
                grants: Some(grants),
                permissions: Some(permissions),
                access_ttl_secs: Some(access),
                refresh_ttl_secs: Some(refresh),
                public_bot: Some(record.app.kind == AppKind::Bot && form.public_bot),
            },
        )
        .await
        .map_err(|e| Errors::from_error(&e, "name"))
}

/// An app of this developer, by client id (anything else is "not found").
pub async fn developer_app(
    st: &AppState,
    developer: &Extension,
    client_id: &str,
) -> Result<AppRecord> {
    match st
        .store()
        .platform()
        .app_record(client_id.to_string())
        .await?
    {
        Some(r) if r.details.developer_id == Some(developer.id) => Ok(r),
        _ => Err(Error::not_found("clientId")),
    }
}

/// A new client secret (the old one stops working at once).
pub async fn rotate_secret(
    st: &AppState,
    developer: &Extension,
    record: &AppRecord,
) -> Result<String> {
    if record.app.public_client {
        return Err(Error::invalid_because(
            "clientId",
            "A client-side app has no client secret.",
        ));
    }
    let secret = secrets::new_token();
    st.store()
        .platform()
        .set_client_secret(record.app.id, hash_client_secret(&secret))
        .await?;
    st.0.web
        .keep_secret(developer.id, &record.app.client_id, secret.clone());
    Ok(secret)
}

/// Creates the developer's sandbox account, its administrator being the developer (no e-mail:
/// they sign in with the account's main number and extension 101).
pub async fn create_sandbox(
    st: &AppState,
    developer: &Extension,
    password: &str,
) -> std::result::Result<(Account, Extension), Errors> {
    let mut errors = Errors::default();
    if password.chars().count() < 8 {
        errors.add("password", "Use at least 8 characters.");
    } else if password.len() > 1024 {
        errors.add("password", "At most 1024 characters.");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let company = st
        .store()
        .account(developer.account_id)
        .await
        .ok()
        .flatten()
        .map(|a| a.name)
        .unwrap_or_else(|| developer.full_name());
    let hash = secrets::hash_password_async(password.to_string()).await;
    st.store()
        .platform()
        .create_sandbox_account(
            developer.id,
            format!("{company} (sandbox)"),
            NewExtension {
                kind: ExtensionType::User,
                status: ExtensionStatus::Enabled,
                first_name: developer.first_name.clone(),
                last_name: developer.last_name.clone(),
                email: None,
                extension_number: None,
                password_hash: Some(hash),
                is_admin: true,
            },
        )
        .await
        .map_err(|e| Errors::from_error(&e, "password"))
}

/// Flushes usage and checks the graduation requirements; admits the app to production when all
/// are met. Returns the requirements.
pub async fn apply_for_production(
    st: &AppState,
    record: &AppRecord,
) -> Result<Vec<crate::usage::Requirement>> {
    let reqs = graduation_report(st, record).await?;
    if record.details.stage == Environment::Sandbox && reqs.iter().all(|r| r.met) {
        st.store()
            .platform()
            .set_app_stage(record.app.id, Environment::Production)
            .await?;
    }
    Ok(reqs)
}

pub async fn graduation_report(
    st: &AppState,
    record: &AppRecord,
) -> Result<Vec<crate::usage::Requirement>> {
    let _ = st.0.usage.flush(st).await;
    let usage = st.store().platform().usage(record.app.id).await?;
    Ok(crate::usage::graduation(&usage))
}

/// Whether an app in its stage may be used by an account of this environment.
pub fn admitted(stage: Environment, account: Environment) -> bool {
    stage == Environment::Production || account == Environment::Sandbox
}

/// Checks that the app may act for people of this account; the OAuth error when it may not.
pub async fn check_environment(st: &AppState, app: &App, account: AccountId) -> Result<()> {
    let stage = match st.store().platform().app_record_by_id(app.id).await? {
        Some(r) => r.details.stage,
        None => Environment::Production,
    };
    let env = st.store().platform().account_environment(account).await?;
    if admitted(stage, env) {
        Ok(())
    } else {
        Err(Error::oauth(
            openglip_domain::error::OAuthError::UnauthorizedClient,
            "OAU-253",
            "The application is in the sandbox: only sandbox accounts can authorize it until it is admitted to production",
        ))
    }
}

// ------------------------------------------------------------------------- JWT credentials

/// Creates a JWT credential for `owner`; returns it and the JWT (shown once; only its hash is
/// kept). The JWT is a real JWS in shape (header, claims, signature) whose signature is 256
/// random bits: the server recognises it by its hash, so no signing key needs keeping.
pub async fn create_jwt(
    st: &AppState,
    owner: &Extension,
    label: &str,
    client_ids: Option<Vec<String>>,
    expires_days: Option<i64>,
    issuer: &str,
) -> std::result::Result<(JwtCredential, String), Errors> {
    let mut errors = Errors::default();
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        errors.add("label", "Enter a label (at most 100 characters).");
    }
    if let Some(d) = expires_days
        && !(1..=3650).contains(&d)
    {
        errors.add(
            "expiresInDays",
            "Enter a number of days from 1 to 3650, or leave it empty.",
        );
    }
    if let Some(ids) = &client_ids {
        if ids.is_empty() {
            errors.add("clientIds", "Name at least one app, or allow any app.");
        }
        for id in ids {
            if st
                .store()
                .app_by_client_id(id.clone())
                .await
                .ok()
                .flatten()
                .is_none()
            {
                errors.add("clientIds", format!("No app has the client id [{id}]."));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let t = now();
    let expires = expires_days.map(|d| t.plus_seconds(d * 86_400));
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let mut claims = serde_json::json!({
        "aud": format!("{issuer}/restapi/oauth/token"),
        "iss": issuer,
        "sub": owner.id.to_string(),
        "iat": t.millis() / 1000,
        "jti": secrets::new_id(),
    });
    if let Some(e) = expires {
        claims["exp"] = serde_json::json!(e.millis() / 1000);
    }
    let body = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
    let signature = secrets::new_token();
    let jwt = format!("{header}.{body}.{signature}");
    let cred = st
        .store()
        .platform()
        .create_jwt(JwtCredential {
            id: 0,
            owner: owner.id,
            label: label.to_string(),
            hash: secrets::hash_token(&jwt),
            client_ids,
            created: t,
            expires,
            revoked: false,
        })
        .await
        .map_err(|e| Errors::from_error(&e, "label"))?;
    Ok((cred, jwt))
}

// ----------------------------------------------------------------------------------- people

/// The Add User form.
#[derive(Debug, Clone, Default)]
pub struct UserForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub extension_number: String,
    /// Empty: the user gets an activation link.
    pub password: String,
    pub is_admin: bool,
}

/// What adding a user gave: the extension and, without a pre-assigned password, the activation
/// link (also recorded in the mail outbox).
pub struct AddedUser {
    pub extension: Extension,
    pub activation_link: Option<String>,
}

/// Activation links work this long.
pub const ACTIVATION_TTL_SECS: i64 = 7 * 86_400;

pub async fn add_user(
    st: &AppState,
    admin: &Extension,
    form: &UserForm,
    base_url: &str,
) -> std::result::Result<AddedUser, Errors> {
    let mut errors = Errors::default();
    if form.first_name.trim().is_empty() {
        errors.add("firstName", "Enter the first name.");
    }
    if form.email.trim().is_empty() || validate::email("email", &form.email).is_err() {
        errors.add("email", "Enter a valid email address.");
    }
    let number = form.extension_number.trim();
    if !number.is_empty() && validate::extension_number(number).is_err() {
        errors.add("extensionNumber", "Use 3 to 8 digits.");
    }
    if !form.password.is_empty() && form.password.chars().count() < 8 {
        errors.add(
            "password",
            "Use at least 8 characters, or leave it empty to send an activation link.",
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let number = if number.is_empty() {
        Some(
            st.store()
                .platform()
                .next_extension_number(admin.account_id)
                .await
                .map_err(|e| Errors::from_error(&e, "extensionNumber"))?,
        )
    } else {
        Some(number.to_string())
    };
    let ext = crate::admin::create_user(
        st,
        crate::admin::NewUser {
            account_id: admin.account_id,
            email: form.email.clone(),
            first_name: form.first_name.clone(),
            last_name: form.last_name.clone(),
            password: (!form.password.is_empty()).then(|| form.password.clone()),
            extension_number: number.clone(),
            is_admin: form.is_admin,
        },
    )
    .await
    .map_err(|e| Errors::from_error(&e, "email"))?;
    if let Some(n) = number {
        let _ = st
            .store()
            .platform()
            .release_extension(admin.account_id, n)
            .await;
    }
    let activation_link = if ext.status == ExtensionStatus::NotActivated {
        Some(
            send_activation(st, admin, &ext, base_url)
                .await
                .map_err(|e| Errors::from_error(&e, "email"))?,
        )
    } else {
        None
    };
    Ok(AddedUser {
        extension: ext,
        activation_link,
    })
}

/// Records an activation link for a user who has no password yet, and its mail.
pub async fn send_activation(
    st: &AppState,
    admin: &Extension,
    ext: &Extension,
    base_url: &str,
) -> Result<String> {
    let token = secrets::new_token();
    let link = format!("{base_url}/activate?token={token}");
    let company = st
        .store()
        .account(ext.account_id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let to = ext.email.clone().unwrap_or_default();
    st.store()
        .platform()
        .create_activation(
            ext.id,
            secrets::hash_token(&token),
            now().plus_seconds(ACTIVATION_TTL_SECS),
            to,
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

// -------------------------------------------------------------------------------------- bots

/// What installing a bot did.
pub struct Installed {
    pub install: BotInstall,
    /// Private bots: the outcome of POSTing the token to the redirect URI.
    pub delivery: Option<std::result::Result<(), String>>,
}

/// Issues the permanent token of a bot extension.
pub async fn permanent_token(
    st: &AppState,
    app: &App,
    bot: &Extension,
    family: String,
) -> Result<String> {
    let token = secrets::new_token();
    st.store()
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
            created: now(),
        })
        .await?;
    Ok(token)
}

/// Installs a bot app into an account ("Add to Glip"): a bot extension named after the app
/// joins its Personal chat and the Everyone team. A private bot then gets its permanent token
/// by an HTTP POST (form: `access_token`, `creator_extension_id`, `creator_account_id`,
/// `client_id`) to its redirect URI.
pub async fn install_bot(
    st: &AppState,
    record: &AppRecord,
    account: AccountId,
    by: &Extension,
    deliver_private: bool,
) -> Result<Installed> {
    if record.app.kind != AppKind::Bot {
        return Err(Error::invalid_because("clientId", "Not a bot app"));
    }
    let env = st.store().platform().account_environment(account).await?;
    if !admitted(record.details.stage, env) {
        return Err(Error::invalid_because(
            "clientId",
            "The bot is in the sandbox: it can be added to sandbox accounts only until it is admitted to production.",
        ));
    }
    let install = st
        .store()
        .platform()
        .install_bot(
            record.app.id,
            account,
            by.id,
            NewExtension {
                kind: ExtensionType::Bot,
                status: ExtensionStatus::Enabled,
                first_name: record.app.name.clone(),
                last_name: String::new(),
                email: None,
                extension_number: None,
                password_hash: None,
                is_admin: false,
            },
        )
        .await?;
    let delivery = if deliver_private {
        let token = permanent_token(st, &record.app, &install.extension, secrets::new_id()).await?;
        Some(deliver_token(st, record, &install, by, &token).await)
    } else {
        None
    };
    Ok(Installed { install, delivery })
}

async fn deliver_token(
    st: &AppState,
    record: &AppRecord,
    install: &BotInstall,
    by: &Extension,
    token: &str,
) -> std::result::Result<(), String> {
    let Some(uri) = record.app.redirect_uris.first() else {
        return Err("the bot has no OAuth redirect URI".into());
    };
    let allow_private = st.config().realtime.allow_private_webhooks;
    let url =
        crate::realtime::webhook::check_address(uri, allow_private).map_err(|e| e.to_string())?;
    if !allow_private {
        let host = url.host_str().unwrap_or("").to_string();
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<_> = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| format!("cannot resolve {host}: {e}"))?
            .collect();
        if addrs.is_empty()
            || addrs
                .iter()
                .any(|a| crate::realtime::webhook::is_private(a.ip()))
        {
            return Err(format!("{host} is not a public address"));
        }
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("openglip/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())?;
    let form = [
        ("access_token", token.to_string()),
        ("token_type", "bearer".to_string()),
        ("expires_in", PERMANENT_TTL.to_string()),
        ("scope", record.app.permissions.to_scope()),
        ("owner_id", install.extension.id.to_string()),
        ("endpoint_id", secrets::new_id()),
        ("creator_extension_id", by.id.to_string()),
        ("creator_account_id", install.account_id.to_string()),
        ("client_id", record.app.client_id.clone()),
    ];
    let resp = client
        .post(url)
        .form(&form)
        .send()
        .await
        .map_err(|e| format!("the bot server did not answer: {e}"))?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(format!("the bot server answered {}", resp.status()))
    }
}

/// Removes a bot from an account: `Delete` event, token dead, out of every chat.
pub async fn remove_bot(st: &AppState, account: AccountId, bot: ExtensionId) -> Result<BotInstall> {
    st.store()
        .platform()
        .remove_bot(account, bot)
        .await?
        .ok_or_else(|| Error::not_found("extensionId"))
}

/// The ids in a form's list field: one per line or comma-separated.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', ',', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_https_or_loopback() {
        assert!(check_redirect_uri("https://app.example/cb?x=1").is_ok());
        assert!(check_redirect_uri("http://localhost:3000/cb").is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:9/cb").is_ok());
        assert!(check_redirect_uri("http://[::1]:9/cb").is_ok());
        assert!(check_redirect_uri("http://app.example/cb").is_err());
        assert!(check_redirect_uri("https://app.example/cb#frag").is_err());
        assert!(check_redirect_uri("javascript:alert(1)").is_err());
        assert!(check_redirect_uri("https://u:p@app.example/").is_err());
        assert!(check_redirect_uri("/relative").is_err());
    }

    #[test]
    fn sandbox_apps_are_for_sandbox_accounts() {
        assert!(admitted(Environment::Sandbox, Environment::Sandbox));
        assert!(!admitted(Environment::Sandbox, Environment::Production));
        assert!(admitted(Environment::Production, Environment::Production));
        assert!(admitted(Environment::Production, Environment::Sandbox));
    }
}
