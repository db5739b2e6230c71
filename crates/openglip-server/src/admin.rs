//! Provisioning used by the `openglip admin` commands, `serve --demo` and the tests: accounts,
//! users, apps and bots. Validates like the API does and hashes every secret before it is stored.

use openglip_domain::perm::{GrantSet, GrantType};
use openglip_domain::store::{NewApp, NewExtension};
use openglip_domain::validate;
use openglip_domain::*;

use crate::AppState;
use crate::oauth::{DEFAULT_ACCESS_TTL, DEFAULT_REFRESH_TTL, hash_client_secret};
use crate::secrets;

/// The permissions a RingCentral bot app has.
pub const BOT_PERMISSIONS: [Permission; 5] = [
    Permission::TeamMessaging,
    Permission::ReadAccounts,
    Permission::EditExtensions,
    Permission::SubscriptionWebhook,
    Permission::WebSocket,
];

fn password(p: &str) -> Result<()> {
    if p.chars().count() < 8 {
        return Err(Error::invalid_because(
            "password",
            "A password needs at least 8 characters.",
        ));
    }
    if p.len() > 1024 {
        return Err(Error::TooLong {
            name: "password".into(),
            max: 1024,
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

pub struct NewAccount {
    pub name: String,
    pub admin_email: String,
    pub admin_password: String,
    pub admin_first_name: Option<String>,
    pub admin_last_name: Option<String>,
}

pub async fn create_account(st: &AppState, new: NewAccount) -> Result<(Account, Extension)> {
    let name = validate::name("name", &new.name, validate::MAX_NAME)?;
    let email = validate::email("adminEmail", &new.admin_email)?;
    password(&new.admin_password)?;
    let (f, l) = match (new.admin_first_name, new.admin_last_name) {
        (Some(f), Some(l)) => (f, l),
        _ => {
            let local = email.split('@').next().unwrap_or("admin");
            let (f, l) = split_name(&local.replace(['.', '_'], " "));
            (capitalise(&f), capitalise(&l))
        }
    };
    let hash = secrets::hash_password_async(new.admin_password).await;
    st.store()
        .create_account(
            name,
            NewExtension {
                kind: ExtensionType::User,
                status: ExtensionStatus::Enabled,
                first_name: f,
                last_name: l,
                email: Some(email),
                extension_number: None,
                password_hash: Some(hash),
                is_admin: true,
            },
        )
        .await
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

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

pub async fn create_user(st: &AppState, new: NewUser) -> Result<Extension> {
    st.store()
        .account(new.account_id)
        .await?
        .ok_or_else(|| Error::not_found("accountId"))?;
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
            password(&p)?;
            Some(secrets::hash_password_async(p).await)
        }
        None => None,
    };
    st.store()
        .create_extension(
            new.account_id,
            NewExtension {
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
        )
        .await
}

pub struct NewAppSpec {
    pub account_id: AccountId,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub grants: Vec<String>,
    pub permissions: Vec<String>,
    /// A client-side app: no secret.
    pub public_client: bool,
}

/// Returns the app and its client secret (shown once; only its hash is kept).
pub async fn create_app(st: &AppState, spec: NewAppSpec) -> Result<(App, Option<String>)> {
    st.store()
        .account(spec.account_id)
        .await?
        .ok_or_else(|| Error::not_found("accountId"))?;
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
    let app = st
        .store()
        .create_app(NewApp {
            client_id: secrets::new_id(),
            client_secret_hash: secret.as_deref().map(hash_client_secret),
            account_id: spec.account_id,
            name,
            kind: AppKind::Rest,
            public_client: spec.public_client,
            grants,
            permissions,
            redirect_uris: spec.redirect_uris,
            access_ttl_secs: DEFAULT_ACCESS_TTL,
            refresh_ttl_secs: DEFAULT_REFRESH_TTL,
        })
        .await?;
    Ok((app, secret))
}

/// Creates a bot extension with its bot app and a permanent access token.
pub async fn create_bot(
    st: &AppState,
    account_id: AccountId,
    name: &str,
) -> Result<(Extension, App, String)> {
    st.store()
        .account(account_id)
        .await?
        .ok_or_else(|| Error::not_found("accountId"))?;
    let name = validate::name("name", name, validate::MAX_NAME)?;
    let app = st
        .store()
        .create_app(NewApp {
            client_id: secrets::new_id(),
            client_secret_hash: Some(hash_client_secret(&secrets::new_token())),
            account_id,
            name: name.clone(),
            kind: AppKind::Bot,
            public_client: false,
            grants: GrantSet::default(),
            permissions: BOT_PERMISSIONS.into_iter().collect(),
            redirect_uris: vec![],
            access_ttl_secs: crate::oauth::PERMANENT_TTL,
            refresh_ttl_secs: 0,
        })
        .await?;
    let ext = st
        .store()
        .create_extension(
            account_id,
            NewExtension {
                kind: ExtensionType::Bot,
                status: ExtensionStatus::Enabled,
                first_name: name,
                last_name: String::new(),
                email: None,
                extension_number: None,
                password_hash: None,
                is_admin: false,
            },
        )
        .await?;
    let token = secrets::new_token();
    st.store()
        .insert_token(TokenRecord {
            access_hash: secrets::hash_token(&token),
            refresh_hash: None,
            app_id: app.id,
            extension_id: ext.id,
            account_id,
            scope: app.permissions,
            access_expires: None,
            refresh_expires: None,
            family: secrets::new_id(),
            endpoint_id: secrets::new_id(),
            created: crate::auth::now(),
        })
        .await?;
    Ok((ext, app, token))
}
