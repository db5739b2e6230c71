//! Who is calling, as the gate asks it: a bearer access token (`Authorization: Bearer`, any
//! case of `bearer`) resolved to a [`Caller`], or, for the console's and the admin portal's JSON
//! APIs, a web session: its token as the bearer, or the realm's cookie. A cookie is sent by the
//! browser on its own, so a cookie-authenticated request must also come from this host
//! (`Origin`); an opaque origin (`Origin: null`, RFC 6454 §7.3) is refused.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use openglip_domain::platform::SessionRealm;
use openglip_domain::{AuthFailure, Caller, Error, Extension, Result, Timestamp};

use crate::AppState;
use crate::error::ApiError;
use crate::secrets;

/// The cookie of the account realm's session (authorization pages, admin portal, web client).
pub const ACCOUNT_COOKIE: &str = "og_session";
/// The cookie of the developer console's session.
pub const CONSOLE_COOKIE: &str = "og_console";

/// The session cookie of a realm.
pub fn cookie_name(realm: SessionRealm) -> &'static str {
    match realm {
        SessionRealm::Account => ACCOUNT_COOKIE,
        SessionRealm::Console => CONSOLE_COOKIE,
    }
}

/// The value of a cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The bearer token of a request, if it has one in a supported form.
pub fn bearer(headers: &HeaderMap) -> Result<&str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(Error::Unauthenticated(AuthFailure::Missing))?
        .to_str()
        .map_err(|_| Error::Unauthenticated(AuthFailure::Malformed))?
        .trim();
    let (scheme, token) = value
        .split_once(' ')
        .ok_or(Error::Unauthenticated(AuthFailure::UnsupportedScheme))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Error::Unauthenticated(AuthFailure::UnsupportedScheme));
    }
    let token = token.trim();
    if !secrets::looks_like_token(token) {
        return Err(Error::Unauthenticated(AuthFailure::Malformed));
    }
    Ok(token)
}

/// The caller of a request with a bearer access token.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller> {
    let token = bearer(headers)?;
    state.platform().caller(token).await
}

/// Whether a request comes from a page of this host: its `Origin`, when sent, names this host.
/// `Origin: null` (a sandboxed or privacy-sensitive context) is an opaque origin and is not.
pub fn from_this_host(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    match origin.split_once("://") {
        Some((_, origin_host)) => !host.is_empty() && origin_host.eq_ignore_ascii_case(host),
        None => false,
    }
}

/// The raw session token of a JSON API request: the bearer, else the realm's cookie (then only
/// from this host).
fn session_token(headers: &HeaderMap, realm: SessionRealm) -> Result<String> {
    if headers.contains_key(header::AUTHORIZATION) {
        return bearer(headers).map(str::to_string);
    }
    let token = cookie(headers, cookie_name(realm))
        .filter(|t| secrets::looks_like_token(t))
        .ok_or(Error::Unauthenticated(AuthFailure::Missing))?;
    if !from_this_host(headers) {
        return Err(Error::forbidden("Cross-site requests are not allowed"));
    }
    Ok(token)
}

/// The person signed in to a realm's JSON API. An unknown or ended session is "login
/// required" (`CMN-405`).
pub async fn session_user(
    state: &AppState,
    headers: &HeaderMap,
    realm: SessionRealm,
) -> Result<Extension> {
    let token = session_token(headers, realm)?;
    state
        .platform()
        .session(realm, &token)
        .await?
        .ok_or(Error::Unauthenticated(AuthFailure::Missing))
}

/// The session token a JSON API request was authenticated with (to end it).
pub fn session_of(headers: &HeaderMap, realm: SessionRealm) -> Option<String> {
    session_token(headers, realm).ok()
}

/// A developer signed in to the console, as the gate found them (`Access::Developer`).
#[derive(Debug, Clone)]
pub struct Developer(pub Extension);

/// An administrator signed in to the admin portal, as the gate found them
/// (`Access::AccountAdmin`).
#[derive(Debug, Clone)]
pub struct AccountAdmin(pub Extension);

macro_rules! from_gate {
    ($t:ty) => {
        impl<S: Send + Sync> FromRequestParts<S> for $t {
            type Rejection = ApiError;

            async fn from_request_parts(
                parts: &mut Parts,
                _state: &S,
            ) -> std::result::Result<Self, ApiError> {
                parts
                    .extensions
                    .get::<$t>()
                    .cloned()
                    .ok_or(ApiError(Error::Unauthenticated(AuthFailure::Missing)))
            }
        }
    };
}

from_gate!(Developer);
from_gate!(AccountAdmin);

/// Now, in the store's time base.
pub fn now() -> Timestamp {
    use openglip_platform::Clock;
    openglip_platform::SystemClock.now()
}
