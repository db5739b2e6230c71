//! Apps: registered in the developer console (REST API apps and bots, with their client type,
//! grants, redirect URIs, permissions and token lifetimes; they start in the sandbox) or by the
//! operator (production at once). Client secrets are shown once and kept as hashes; a fresh one
//! can be revealed to its developer for a quarter of an hour.

use std::collections::HashMap;
use std::sync::Mutex;

use openglip_domain::audit::{AuditKind, AuditedChange, Changed, NewAuditEvent};
use openglip_domain::perm::{GrantSet, GrantType};
use openglip_domain::platform::*;
use openglip_domain::store::NewApp;
use openglip_domain::validate;
use openglip_domain::*;

use crate::bots::BOT_PERMISSIONS;
use crate::oauth::{DEFAULT_ACCESS_TTL, DEFAULT_REFRESH_TTL, PERMANENT_TTL};
use crate::{Platform, secrets};

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
    let url = url::Url::parse(uri).map_err(|_| format!("[{uri}] is not an absolute URL."))?;
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

fn ttl(field: &str, v: Option<i64>, min: i64, max: i64, errors: &mut FieldErrors) -> Option<i64> {
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

/// What a valid form gives.
#[derive(Debug)]
struct Valid {
    name: String,
    grants: GrantSet,
    permissions: PermissionSet,
    redirect_uris: Vec<String>,
    access_ttl: i64,
    refresh_ttl: i64,
}

/// Validates the form: the app's settings, or every field that is wrong.
fn validate_form(form: &AppForm) -> Result<Valid> {
    let mut errors = FieldErrors::default();
    let name = validate::name("name", &form.name, validate::MAX_NAME).unwrap_or_else(|_| {
        errors.add("name", "Enter an app name (at most 250 characters).");
        String::new()
    });
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
            Some(p) if Permission::ASSIGNABLE.contains(&p) => perms.insert(p),
            Some(p) => errors.add(
                "permissions",
                format!("[{p}] is RingCentral's own permission, for its first-party clients."),
            ),
            None => errors.add("permissions", format!("Unknown permission [{p}].")),
        }
    }
    let mut grants = GrantSet::default();
    let (access, refresh);
    match form.kind {
        AppKind::Rest => {
            for (on, g) in [
                (form.auth_code, GrantType::AuthorizationCode),
                (form.jwt, GrantType::JwtBearer),
                (form.password, GrantType::Password),
                (form.refresh_tokens, GrantType::RefreshToken),
            ] {
                if on {
                    grants.insert(g);
                }
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
    errors.check()?;
    Ok(Valid {
        name,
        grants,
        permissions: perms,
        redirect_uris: uris,
        access_ttl: access,
        refresh_ttl: refresh,
    })
}

/// An app registered by the operator (`openglip admin app create`): production at once.
pub struct NewAppSpec {
    pub account_id: AccountId,
    pub name: String,
    pub redirect_uris: Vec<String>,
    /// Grant type names; empty: `password` and `refresh_token`.
    pub grants: Vec<String>,
    /// Permission names; empty: `TeamMessaging` and `ReadAccounts`.
    pub permissions: Vec<String>,
    /// A client-side app: no secret.
    pub public_client: bool,
}

/// How long a new client secret can be revealed in the console.
pub const FRESH_SECRET_TTL_SECS: i64 = 15 * 60;

/// Client secrets just created or rotated, by (developer, client id), for a while.
#[derive(Default)]
pub(crate) struct FreshSecrets(Mutex<HashMap<(ExtensionId, String), (String, Timestamp)>>);

impl Platform {
    fn keep_secret(&self, developer: ExtensionId, client_id: &str, secret: String) {
        let now = self.now();
        let mut m = self.fresh.0.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, (_, at)| at.plus_seconds(FRESH_SECRET_TTL_SECS) > now);
        m.insert((developer, client_id.to_string()), (secret, now));
    }

    /// The client secret issued to this developer for this app in the last quarter of an hour
    /// (only its hash is stored; after that it cannot be shown again).
    pub fn fresh_secret(&self, developer: ExtensionId, client_id: &str) -> Option<String> {
        let now = self.now();
        let m = self.fresh.0.lock().unwrap_or_else(|e| e.into_inner());
        m.get(&(developer, client_id.to_string()))
            .filter(|(_, at)| at.plus_seconds(FRESH_SECRET_TTL_SECS) > now)
            .map(|(s, _)| s.clone())
    }

    /// Registers an app in the console, in the sandbox. Returns it and its client secret (shown
    /// once; only its hash is kept).
    pub async fn create_app(
        &self,
        developer: &Extension,
        form: &AppForm,
    ) -> Result<(AppRecord, Option<String>)> {
        let v = validate_form(form)?;
        let public_client =
            form.kind == AppKind::Rest && form.client_type == ClientType::ClientSide;
        let secret = (!public_client).then(secrets::new_token);
        let change = AuditedChange::RegisterApp {
            new: NewApp {
                client_id: secrets::new_id(),
                client_secret_hash: secret.as_deref().map(secrets::hash_client_secret),
                account_id: developer.account_id,
                name: v.name,
                kind: form.kind,
                public_client,
                grants: v.grants,
                permissions: v.permissions,
                redirect_uris: v.redirect_uris,
                access_ttl_secs: v.access_ttl,
                refresh_ttl_secs: v.refresh_ttl,
            },
            details: AppDetails {
                developer_id: Some(developer.id),
                description: form.description.trim().to_string(),
                contact_email: form.contact_email.trim().to_lowercase(),
                stage: Environment::Sandbox,
                public_bot: form.kind == AppKind::Bot && form.public_bot,
                created: self.now(),
            },
        };
        let (account, developer_id) = (developer.account_id, developer.id);
        let record = self
            .audited(change, move |changed| {
                let Changed::AppRecord(record) = changed else {
                    return Vec::new();
                };
                vec![
                    NewAuditEvent::new(AuditKind::AppCreated, Some(account))
                        .actor(developer_id)
                        .app(record.app.id)
                        .target(record.app.client_id.clone())
                        .detail(format!("{} (console, sandbox)", record.app.name)),
                ]
            })
            .await?
            .into_app_record()?;
        if let Some(s) = &secret {
            self.keep_secret(developer.id, &record.app.client_id, s.clone());
        }
        Ok((record, secret))
    }

    /// Changes an app's settings from the console form (its kind and client type stay).
    pub async fn update_app(&self, record: &AppRecord, form: &AppForm) -> Result<AppRecord> {
        let form = AppForm {
            kind: record.app.kind,
            client_type: if record.app.public_client {
                ClientType::ClientSide
            } else {
                ClientType::ServerSide
            },
            ..form.clone()
        };
        let v = validate_form(&form)?;
        self.store
            .platform()
            .update_app(
                record.app.id,
                AppUpdate {
                    name: Some(v.name),
                    description: Some(form.description.trim().to_string()),
                    contact_email: Some(form.contact_email.trim().to_lowercase()),
                    redirect_uris: Some(v.redirect_uris),
                    grants: Some(v.grants),
                    permissions: Some(v.permissions),
                    access_ttl_secs: Some(v.access_ttl),
                    refresh_ttl_secs: Some(v.refresh_ttl),
                    public_bot: Some(record.app.kind == AppKind::Bot && form.public_bot),
                },
            )
            .await
    }

    /// An app with its console details, by client id.
    pub async fn app_record(&self, client_id: &str) -> Result<Option<AppRecord>> {
        self.store
            .platform()
            .app_record(client_id.to_string())
            .await
    }

    /// An app of this developer, by client id (anyone else's is "not found").
    pub async fn developer_app(&self, developer: &Extension, client_id: &str) -> Result<AppRecord> {
        match self.app_record(client_id).await? {
            Some(r) if r.details.developer_id == Some(developer.id) => Ok(r),
            _ => Err(Error::NotFound(Subject::App)),
        }
    }

    /// The developer's apps, newest first.
    pub async fn apps_of_developer(&self, developer: &Extension) -> Result<Vec<AppRecord>> {
        self.store.platform().apps_of_developer(developer.id).await
    }

    /// A new client secret; the old one stops working at once.
    pub async fn rotate_secret(&self, developer: &Extension, record: &AppRecord) -> Result<String> {
        if record.app.public_client {
            return Err(Error::invalid_subject(
                Subject::App,
                "A client-side app has no client secret.",
            ));
        }
        let secret = secrets::new_token();
        let event = NewAuditEvent::new(AuditKind::SecretRotated, Some(developer.account_id))
            .actor(developer.id)
            .app(record.app.id)
            .target(record.app.client_id.clone());
        let change = AuditedChange::SetClientSecret {
            app: record.app.id,
            hash: secrets::hash_client_secret(&secret),
        };
        self.audited(change, move |_| vec![event]).await?;
        self.keep_secret(developer.id, &record.app.client_id, secret.clone());
        Ok(secret)
    }

    /// Registers an app for the operator. Returns it and its client secret (shown once).
    pub async fn provision_app(&self, spec: NewAppSpec) -> Result<(App, Option<String>)> {
        self.existing_account(spec.account_id).await?;
        let name = validate::name("name", &spec.name, validate::MAX_NAME)?;
        let grants: GrantSet = if spec.grants.is_empty() {
            [GrantType::Password, GrantType::RefreshToken]
                .into_iter()
                .collect()
        } else {
            spec.grants
                .iter()
                .map(|g| {
                    GrantType::parse(g.trim()).ok_or_else(|| {
                        Error::invalid_because("grant", format!("Unknown grant type [{g}]"))
                    })
                })
                .collect::<Result<_>>()?
        };
        let permissions: PermissionSet = if spec.permissions.is_empty() {
            [Permission::TeamMessaging, Permission::ReadAccounts]
                .into_iter()
                .collect()
        } else {
            spec.permissions
                .iter()
                .map(|p| {
                    Permission::parse(p).ok_or_else(|| {
                        Error::invalid_because("permission", format!("Unknown permission [{p}]"))
                    })
                })
                .collect::<Result<_>>()?
        };
        for uri in &spec.redirect_uris {
            let ok = (uri.starts_with("https://") || uri.starts_with("http://"))
                && !uri.contains('#')
                && uri.len() <= 2000;
            if !ok {
                return Err(Error::invalid_because(
                    "redirectUri",
                    format!("Invalid redirect URI [{uri}]"),
                ));
            }
        }
        let secret = (!spec.public_client).then(secrets::new_token);
        let change = AuditedChange::CreateApp(NewApp {
            client_id: secrets::new_id(),
            client_secret_hash: secret.as_deref().map(secrets::hash_client_secret),
            account_id: spec.account_id,
            name,
            kind: AppKind::Rest,
            public_client: spec.public_client,
            grants,
            permissions,
            redirect_uris: spec.redirect_uris,
            access_ttl_secs: DEFAULT_ACCESS_TTL,
            refresh_ttl_secs: DEFAULT_REFRESH_TTL,
        });
        let app = self
            .audited(change, |changed| match changed {
                Changed::App(app) => vec![
                    NewAuditEvent::new(AuditKind::AppCreated, Some(app.account_id))
                        .app(app.id)
                        .target(app.client_id.clone())
                        .detail(format!("{} (operator)", app.name)),
                ],
                _ => Vec::new(),
            })
            .await?
            .into_app()?;
        Ok((app, secret))
    }

    /// Registers a public bot app for the operator (`openglip admin app create --type bot`):
    /// installed by any company's administrator through the authorization pages, its code
    /// exchanged at one of `redirect_uris` for a permanent bot token. Admitted to production at
    /// once. Returns it and its client secret (shown once).
    pub async fn provision_bot_app(
        &self,
        account_id: AccountId,
        name: &str,
        redirect_uris: &[String],
    ) -> Result<(AppRecord, Option<String>)> {
        self.existing_account(account_id).await?;
        let name = validate::name("name", name, validate::MAX_NAME)?;
        if redirect_uris.is_empty() {
            return Err(Error::MissingParameter("redirectUri".into()));
        }
        for uri in redirect_uris {
            check_redirect_uri(uri).map_err(|m| Error::invalid_because("redirectUri", m))?;
        }
        let secret = secrets::new_token();
        let details = AppDetails {
            public_bot: true,
            ..AppDetails::provisioned(self.now())
        };
        let change = AuditedChange::RegisterApp {
            new: NewApp {
                client_id: secrets::new_id(),
                client_secret_hash: Some(secrets::hash_client_secret(&secret)),
                account_id,
                name,
                kind: AppKind::Bot,
                public_client: false,
                grants: [GrantType::AuthorizationCode].into_iter().collect(),
                permissions: BOT_PERMISSIONS.into_iter().collect(),
                redirect_uris: redirect_uris.to_vec(),
                access_ttl_secs: PERMANENT_TTL,
                refresh_ttl_secs: 0,
            },
            details,
        };
        let record = self
            .audited(change, move |changed| match changed {
                Changed::AppRecord(record) => vec![
                    NewAuditEvent::new(AuditKind::AppCreated, Some(account_id))
                        .app(record.app.id)
                        .target(record.app.client_id.clone())
                        .detail(format!("{} (operator, public bot)", record.app.name)),
                ],
                _ => Vec::new(),
            })
            .await?
            .into_app_record()?;
        Ok((record, Some(secret)))
    }
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

    fn fields(e: Error) -> Vec<(String, String)> {
        match e {
            Error::Invalid(f) => f.into_iter().map(|f| (f.name, f.message)).collect(),
            other => panic!("not a form error: {other:?}"),
        }
    }

    #[test]
    fn the_app_form_reports_every_wrong_field_at_once() {
        let form = AppForm {
            name: " ".into(),
            contact_email: "nope".into(),
            client_type: ClientType::ClientSide,
            password: true,
            permissions: vec!["TeamMessaging".into(), "Nope".into()],
            redirect_uris: vec!["http://evil.example/cb".into()],
            access_ttl_secs: Some(10),
            ..Default::default()
        };
        let f = fields(validate_form(&form).expect_err("invalid"));
        let names: Vec<&str> = f.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "name",
            "contactEmail",
            "redirectUris",
            "permissions",
            "auth",
            "accessTokenTtl",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        assert!(f.iter().all(|(_, m)| !m.is_empty() && m.ends_with('.')));
    }

    #[test]
    fn a_valid_form_gives_grants_and_defaults() {
        let v = validate_form(&AppForm {
            name: "Travel".into(),
            contact_email: "dev@example.com".into(),
            redirect_uris: vec!["https://a.example/cb".into(), "https://a.example/cb".into()],
            permissions: vec!["TeamMessaging".into()],
            ..Default::default()
        })
        .expect("valid");
        assert!(v.grants.contains(GrantType::AuthorizationCode));
        assert!(v.grants.contains(GrantType::RefreshToken));
        assert!(!v.grants.contains(GrantType::Password));
        assert_eq!(v.redirect_uris.len(), 1, "duplicates are dropped");
        assert_eq!(
            (v.access_ttl, v.refresh_ttl),
            (DEFAULT_ACCESS_TTL, DEFAULT_REFRESH_TTL)
        );
        let bot = validate_form(&AppForm {
            kind: AppKind::Bot,
            name: "Bot".into(),
            contact_email: "dev@example.com".into(),
            redirect_uris: vec!["https://bot.example/oauth".into()],
            ..Default::default()
        })
        .expect("valid bot");
        assert_eq!(bot.access_ttl, PERMANENT_TTL);
        assert!(BOT_PERMISSIONS.iter().all(|p| bot.permissions.contains(*p)));
    }
}
