//! `POST /restapi/oauth/token` (grants `password`, `refresh_token`, `authorization_code` with
//! PKCE, and the JWT bearer grant) and `POST /restapi/oauth/revoke`, as RingCentral serves them:
//! form bodies, HTTP Basic client authentication (or `client_id` in the body for public apps),
//! snake_case token responses, OAuth errors carrying both `error` and RingCentral's `errorCode`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openglip_domain::error::OAuthError;
use openglip_domain::perm::GrantType;
use openglip_domain::platform::CodeRedemption;
use openglip_domain::*;
use openglip_wire::TokenInfo;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::auth::now;
use crate::error::{ApiError, ApiResult};
use crate::extract::{FormBody, Params};
use crate::secrets;

/// Access tokens live an hour unless the app says otherwise; refresh tokens a week.
pub const DEFAULT_ACCESS_TTL: i64 = 3600;
pub const DEFAULT_REFRESH_TTL: i64 = 604_800;
/// What RingCentral reports as the lifetime of permanent (bot) tokens.
pub const PERMANENT_TTL: i64 = 2_147_483_647;

/// Client secrets are 256-bit random strings, so a SHA-256 digest is a safe way to keep them.
pub fn hash_client_secret(secret: &str) -> String {
    let d: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn secret_matches(secret: &str, stored: &str) -> bool {
    hash_client_secret(secret)
        .as_bytes()
        .ct_eq(stored.as_bytes())
        .into()
}

fn oauth(kind: OAuthError, code: &'static str, msg: impl Into<String>) -> ApiError {
    ApiError(Error::oauth(kind, code, msg))
}

fn missing(param: &'static str) -> ApiError {
    ApiError(Error::OAuth {
        kind: OAuthError::InvalidRequest,
        code: "OAU-101",
        message: format!("Parameter [{param}] is required"),
        parameter: Some(param),
    })
}

/// Authenticates the client: HTTP Basic, or `client_id` (+ `client_secret`) in the body.
/// `required`: whether a request without any client identification is refused.
async fn client(
    st: &AppState,
    headers: &HeaderMap,
    form: &Params,
    required: bool,
) -> ApiResult<Option<App>> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, b64)| b64.trim().to_string());
    let (client_id, secret) = match basic {
        Some(b64) => {
            let decoded = STANDARD
                .decode(b64)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    oauth(
                        OAuthError::InvalidClient,
                        "OAU-123",
                        "Malformed HTTP Basic client credentials",
                    )
                })?;
            let (id, secret) = decoded.split_once(':').unwrap_or((decoded.as_str(), ""));
            (
                id.to_string(),
                Some(secret.to_string()).filter(|s| !s.is_empty()),
            )
        }
        None => match form.get("client_id") {
            Some(id) => (
                id.to_string(),
                form.get("client_secret").map(str::to_string),
            ),
            None if required => {
                return Err(oauth(
                    OAuthError::InvalidClient,
                    "OAU-123",
                    "Client authentication is required",
                ));
            }
            None => return Ok(None),
        },
    };
    let app = st
        .store()
        .app_by_client_id(client_id)
        .await?
        .ok_or_else(|| oauth(OAuthError::InvalidClient, "OAU-127", "Invalid application"))?;
    match (&app.client_secret_hash, secret) {
        (Some(stored), Some(given)) if secret_matches(&given, stored) => {}
        (Some(_), _) => {
            return Err(oauth(
                OAuthError::InvalidClient,
                "OAU-146",
                "Invalid client credentials",
            ));
        }
        (None, _) => {} // public client: identified by its id alone
    }
    Ok(Some(app))
}

fn ttl(form: &Params, name: &'static str, max: i64) -> ApiResult<i64> {
    match form.get(name).filter(|v| !v.is_empty()) {
        None => Ok(max),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n > 0 => Ok(n.min(max)),
            _ => Err(ApiError(Error::OAuth {
                kind: OAuthError::InvalidRequest,
                code: "OAU-101",
                message: format!("Parameter [{name}] value is invalid"),
                parameter: Some(name),
            })),
        },
    }
}

fn requested_scope(form: &Params, app: &App) -> ApiResult<PermissionSet> {
    match form.get("scope").filter(|s| !s.trim().is_empty()) {
        None => Ok(app.permissions),
        Some(s) => {
            let asked = PermissionSet::parse_scope(s).map_err(|bad| {
                oauth(
                    OAuthError::InvalidScope,
                    "OAU-105",
                    format!("Unknown scope [{bad}]"),
                )
            })?;
            if asked.intersect(app.permissions) != asked {
                return Err(oauth(
                    OAuthError::InvalidScope,
                    "OAU-105",
                    "The application is not allowed the requested scope",
                ));
            }
            Ok(asked)
        }
    }
}

/// Issues a token pair (a refresh token only if the app may use the refresh grant) and stores
/// the hashes.
#[allow(clippy::too_many_arguments)]
pub async fn issue(
    st: &AppState,
    app: &App,
    ext: &Extension,
    scope: PermissionSet,
    access_ttl: i64,
    refresh_ttl: i64,
    family: String,
    endpoint_id: String,
) -> ApiResult<TokenInfo> {
    let access = secrets::new_token();
    let refresh = app
        .grants
        .contains(GrantType::RefreshToken)
        .then(secrets::new_token);
    let t = now();
    let record = TokenRecord {
        access_hash: secrets::hash_token(&access),
        refresh_hash: refresh.as_deref().map(secrets::hash_token),
        app_id: app.id,
        extension_id: ext.id,
        account_id: ext.account_id,
        scope,
        access_expires: Some(t.plus_seconds(access_ttl)),
        refresh_expires: refresh.as_ref().map(|_| t.plus_seconds(refresh_ttl)),
        family: family.clone(),
        endpoint_id: endpoint_id.clone(),
        created: t,
    };
    st.store().insert_token(record).await?;
    Ok(TokenInfo {
        access_token: access,
        token_type: "bearer".into(),
        expires_in: access_ttl,
        refresh_token_expires_in: refresh.as_ref().map(|_| refresh_ttl),
        refresh_token: refresh,
        scope: scope.to_scope(),
        owner_id: ext.id.to_string(),
        endpoint_id,
        session_id: Some(family),
    })
}

fn token_response(info: TokenInfo) -> Response {
    let mut r = Json(info).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

pub async fn token(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> ApiResult<Response> {
    let grant_name = form
        .get("grant_type")
        .filter(|g| !g.is_empty())
        .ok_or_else(|| missing("grant_type"))?
        .to_string();
    let grant = GrantType::parse(&grant_name).ok_or_else(|| {
        oauth(
            OAuthError::UnsupportedGrantType,
            "OAU-250",
            format!("Unsupported grant type [{grant_name}]"),
        )
    })?;
    let app = client(&st, &headers, &form, true).await?.expect("required");
    if !app.grants.contains(grant) {
        return Err(oauth(
            OAuthError::UnauthorizedClient,
            "OAU-251",
            format!("Unauthorized for this grant type [{grant_name}]"),
        ));
    }
    let info = match grant {
        GrantType::Password => password_grant(&st, &app, &form).await?,
        GrantType::RefreshToken => refresh_grant(&st, &app, &form).await?,
        GrantType::AuthorizationCode => code_grant(&st, &app, &form).await?,
        GrantType::JwtBearer => jwt_grant(&st, &app, &form).await?,
    };
    Ok(token_response(info))
}

/// A fixed Argon2 hash to verify against when the login is unknown, so that unknown logins and
/// wrong passwords take the same time.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| secrets::hash_password("openglip-timing-equaliser"));

async fn password_grant(st: &AppState, app: &App, form: &Params) -> ApiResult<TokenInfo> {
    let username = form
        .get("username")
        .filter(|u| !u.is_empty())
        .ok_or_else(|| missing("username"))?;
    let password = form
        .get("password")
        .ok_or_else(|| missing("password"))?
        .to_string();
    let (login, ext) = match username.split_once('*') {
        Some((l, e)) => (l.to_string(), Some(e.to_string())),
        None => (
            username.to_string(),
            form.get("extension")
                .filter(|e| !e.is_empty())
                .map(str::to_string),
        ),
    };
    let bad = || {
        oauth(
            OAuthError::InvalidGrant,
            "OAU-140",
            "Invalid resource owner credentials",
        )
    };
    let creds = st
        .store()
        .credentials(login.trim().to_string(), ext.map(|e| e.trim().to_string()))
        .await?;
    let Some(creds) = creds else {
        let dummy = DUMMY_HASH.clone();
        secrets::verify_password_async(password, dummy).await;
        return Err(bad());
    };
    let Some(hash) = creds.password_hash.clone() else {
        return Err(bad());
    };
    if !secrets::verify_password_async(password, hash).await {
        return Err(bad());
    }
    let ext = creds.extension;
    if ext.account_id != app.account_id && app.kind == AppKind::Bot {
        return Err(bad());
    }
    check_status(&ext)?;
    crate::platform::check_environment(st, app, ext.account_id).await?;
    let scope = requested_scope(form, app)?;
    let access_ttl = ttl(form, "access_token_ttl", app.access_ttl_secs)?;
    let refresh_ttl = ttl(form, "refresh_token_ttl", app.refresh_ttl_secs)?;
    issue(
        st,
        app,
        &ext,
        scope,
        access_ttl,
        refresh_ttl,
        secrets::new_id(),
        endpoint_id(form),
    )
    .await
}

/// The `endpoint_id` a client names, or a new one.
fn endpoint_id(form: &Params) -> String {
    form.get("endpoint_id")
        .filter(|e| secrets::looks_like_token(e) || (8..=64).contains(&e.len()))
        .map(str::to_string)
        .unwrap_or_else(secrets::new_id)
}

/// Only enabled extensions get tokens.
fn check_status(ext: &Extension) -> ApiResult<()> {
    match ext.status {
        ExtensionStatus::Enabled => {}
        ExtensionStatus::Disabled => {
            return Err(oauth(
                OAuthError::InvalidGrant,
                "OAU-236",
                "Extension is disabled or frozen",
            ));
        }
        ExtensionStatus::NotActivated => {
            return Err(oauth(
                OAuthError::InvalidGrant,
                "OAU-140",
                "Extension is not activated",
            ));
        }
        ExtensionStatus::Removed => {
            return Err(oauth(
                OAuthError::InvalidGrant,
                "OAU-232",
                "Extension has been removed",
            ));
        }
    }
    Ok(())
}

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`.
pub fn valid_pkce_string(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether a verifier matches the challenge of a code (`plain` or `S256`).
pub fn pkce_matches(verifier: &str, challenge: &str, method: &str) -> bool {
    let computed = match method {
        "S256" => {
            let d = Sha256::digest(verifier.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d)
        }
        _ => verifier.to_string(),
    };
    computed.as_bytes().ct_eq(challenge.as_bytes()).into()
}

/// `grant_type=authorization_code`: `code`, `redirect_uri` (as sent to the authorization
/// endpoint), `code_verifier` when the code was requested with a PKCE challenge. A code works
/// once, for a minute, for the client it was issued to; presented again, it revokes what it
/// gave.
async fn code_grant(st: &AppState, app: &App, form: &Params) -> ApiResult<TokenInfo> {
    let raw = form
        .get("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| missing("code"))?;
    let bad_code = || {
        oauth(
            OAuthError::InvalidGrant,
            "OAU-109",
            "Authorization code is invalid, expired or already used",
        )
    };
    if !secrets::looks_like_token(raw) {
        return Err(bad_code());
    }
    let code = match st
        .store()
        .platform()
        .redeem_code(secrets::hash_token(raw))
        .await?
    {
        CodeRedemption::Redeemed(code) => code,
        CodeRedemption::Reused | CodeRedemption::Unknown => return Err(bad_code()),
    };
    if code.expires <= now() {
        return Err(bad_code());
    }
    if code.app_id != app.id {
        return Err(oauth(
            OAuthError::InvalidGrant,
            "OAU-112",
            "The authorization code was issued to another application",
        ));
    }
    let redirect = form.get("redirect_uri").unwrap_or("");
    if redirect != code.redirect_uri {
        return Err(ApiError(Error::OAuth {
            kind: OAuthError::InvalidGrant,
            code: "OAU-110",
            message: "Parameter [redirect_uri] does not match the one of the authorization request"
                .into(),
            parameter: Some("redirect_uri"),
        }));
    }
    let verifier = form.get("code_verifier").filter(|v| !v.is_empty());
    let pkce_ok = match (&code.code_challenge, verifier) {
        (Some(ch), Some(v)) => {
            valid_pkce_string(v)
                && pkce_matches(v, ch, code.challenge_method.as_deref().unwrap_or("plain"))
        }
        (Some(_), None) => false,
        (None, Some(_)) => false,
        (None, None) => true,
    };
    if !pkce_ok {
        return Err(ApiError(Error::OAuth {
            kind: OAuthError::InvalidGrant,
            code: "OAU-111",
            message: "Parameter [code_verifier] does not match the code challenge".into(),
            parameter: Some("code_verifier"),
        }));
    }
    let ext = st
        .store()
        .extension(code.extension_id)
        .await?
        .ok_or_else(bad_code)?;
    check_status(&ext)?;
    crate::platform::check_environment(st, app, ext.account_id).await?;
    if app.kind == AppKind::Bot {
        // A public bot's code gives the bot extension its permanent token.
        let token = crate::platform::permanent_token(st, app, &ext, code.family.clone()).await?;
        return Ok(TokenInfo {
            access_token: token,
            token_type: "bearer".into(),
            expires_in: PERMANENT_TTL,
            refresh_token: None,
            refresh_token_expires_in: None,
            scope: app.permissions.to_scope(),
            owner_id: ext.id.to_string(),
            endpoint_id: endpoint_id(form),
            session_id: Some(code.family),
        });
    }
    let access_ttl = ttl(form, "access_token_ttl", app.access_ttl_secs)?;
    let refresh_ttl = ttl(form, "refresh_token_ttl", app.refresh_ttl_secs)?;
    issue(
        st,
        app,
        &ext,
        code.scope.intersect(app.permissions),
        access_ttl,
        refresh_ttl,
        code.family,
        endpoint_id(form),
    )
    .await
}

/// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`: `assertion` is a JWT credential
/// its owner created in the developer console.
async fn jwt_grant(st: &AppState, app: &App, form: &Params) -> ApiResult<TokenInfo> {
    let raw = form
        .get("assertion")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| missing("assertion"))?;
    let invalid = |why: &str| {
        oauth(
            OAuthError::InvalidGrant,
            "OAU-145",
            format!("Invalid JWT: {why}"),
        )
    };
    if raw.len() > 4096 || raw.split('.').count() != 3 {
        return Err(invalid("not a JWT"));
    }
    let cred = st
        .store()
        .platform()
        .jwt_by_hash(secrets::hash_token(raw))
        .await?
        .filter(|c| !c.revoked)
        .ok_or_else(|| invalid("unknown or revoked"))?;
    if cred.expires.is_some_and(|e| e <= now()) {
        return Err(invalid("expired"));
    }
    if let Some(ids) = &cred.client_ids
        && !ids.contains(&app.client_id)
    {
        return Err(invalid("not valid for this application"));
    }
    let ext = st
        .store()
        .extension(cred.owner)
        .await?
        .ok_or_else(|| invalid("its owner is gone"))?;
    check_status(&ext)?;
    crate::platform::check_environment(st, app, ext.account_id).await?;
    let scope = requested_scope(form, app)?;
    let access_ttl = ttl(form, "access_token_ttl", app.access_ttl_secs)?;
    let refresh_ttl = ttl(form, "refresh_token_ttl", app.refresh_ttl_secs)?;
    issue(
        st,
        app,
        &ext,
        scope,
        access_ttl,
        refresh_ttl,
        secrets::new_id(),
        endpoint_id(form),
    )
    .await
}

async fn refresh_grant(st: &AppState, app: &App, form: &Params) -> ApiResult<TokenInfo> {
    let raw = form
        .get("refresh_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| missing("refresh_token"))?;
    let invalid = || {
        oauth(
            OAuthError::InvalidGrant,
            "OAU-211",
            "Token is revoked or not found",
        )
    };
    if !secrets::looks_like_token(raw) {
        return Err(invalid());
    }
    let old_hash = secrets::hash_token(raw);
    let Some(grant) = st.store().token_by_refresh_hash(old_hash).await? else {
        // Not live: unknown, or spent or revoked already. A spent refresh token presented again
        // has leaked, so the store revokes every token descended from the same login (refresh
        // token reuse detection, RFC 9700 §4.14.2). The record passed is never stored when the
        // old token is not live.
        let unused = TokenRecord {
            access_hash: [0; 32],
            refresh_hash: None,
            app_id: app.id,
            extension_id: ExtensionId(0),
            account_id: app.account_id,
            scope: PermissionSet::empty(),
            access_expires: Some(now()),
            refresh_expires: Some(now()),
            family: String::new(),
            endpoint_id: String::new(),
            created: now(),
        };
        st.store().rotate_refresh(old_hash, unused).await?;
        return Err(invalid());
    };
    if grant.token.app_id != app.id {
        return Err(oauth(
            OAuthError::InvalidGrant,
            "OAU-211",
            "The refresh token was issued to another application",
        ));
    }
    if grant.token.refresh_expires.is_some_and(|e| e <= now()) {
        return Err(oauth(
            OAuthError::InvalidGrant,
            "OAU-214",
            "Refresh token expired",
        ));
    }
    if grant.extension.status != ExtensionStatus::Enabled {
        return Err(oauth(
            OAuthError::InvalidGrant,
            "OAU-236",
            "Extension is disabled or frozen",
        ));
    }
    let access_ttl = ttl(form, "access_token_ttl", app.access_ttl_secs)?;
    let refresh_ttl = ttl(form, "refresh_token_ttl", app.refresh_ttl_secs)?;
    let access = secrets::new_token();
    let refresh = secrets::new_token();
    let t = now();
    let scope = grant.token.scope.intersect(app.permissions);
    let record = TokenRecord {
        access_hash: secrets::hash_token(&access),
        refresh_hash: Some(secrets::hash_token(&refresh)),
        app_id: app.id,
        extension_id: grant.extension.id,
        account_id: grant.extension.account_id,
        scope,
        access_expires: Some(t.plus_seconds(access_ttl)),
        refresh_expires: Some(t.plus_seconds(refresh_ttl)),
        family: grant.token.family.clone(),
        endpoint_id: grant.token.endpoint_id.clone(),
        created: t,
    };
    st.store()
        .rotate_refresh(old_hash, record)
        .await?
        .ok_or_else(invalid)?;
    Ok(TokenInfo {
        access_token: access,
        token_type: "bearer".into(),
        expires_in: access_ttl,
        refresh_token: Some(refresh),
        refresh_token_expires_in: Some(refresh_ttl),
        scope: scope.to_scope(),
        owner_id: grant.extension.id.to_string(),
        endpoint_id: grant.token.endpoint_id,
        session_id: Some(grant.token.family),
    })
}

/// RFC 7009: answers 200 whether or not the token was known.
pub async fn revoke(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> ApiResult<Response> {
    client(&st, &headers, &form, false).await?;
    let token = form
        .get("token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| missing("token"))?;
    if secrets::looks_like_token(token) {
        st.store().revoke_token(secrets::hash_token(token)).await?;
    }
    Ok(axum::http::StatusCode::OK.into_response())
}
