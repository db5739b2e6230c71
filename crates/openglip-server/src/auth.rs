//! Bearer-token authentication: `Authorization: Bearer <token>` (any case of `bearer`) to a
//! [`Caller`].

use axum::http::{HeaderMap, header};
use openglip_domain::{AuthFailure, Caller, Error, ExtensionStatus, Result, Timestamp};

use crate::AppState;
use crate::secrets;

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

/// Resolves an access token to the party calling.
pub async fn caller_for_token(state: &AppState, token: &str) -> Result<Caller> {
    let grant = state
        .store()
        .token_by_access_hash(secrets::hash_token(token))
        .await?
        .ok_or(Error::Unauthenticated(AuthFailure::NotFound))?;
    // An uninstalled bot's token answers as RingCentral's do: the extension is gone.
    if grant.extension.status == ExtensionStatus::Removed {
        return Err(Error::Unauthenticated(AuthFailure::ExtensionRemoved));
    }
    if grant.revoked {
        return Err(Error::Unauthenticated(AuthFailure::NotFound));
    }
    if let Some(exp) = grant.token.access_expires
        && exp <= now()
    {
        return Err(Error::Unauthenticated(AuthFailure::Expired));
    }
    if grant.extension.status == ExtensionStatus::Disabled {
        return Err(Error::Unauthenticated(AuthFailure::ExtensionDisabled));
    }
    Ok(Caller {
        account_id: grant.extension.account_id,
        extension_id: grant.extension.id,
        extension_type: grant.extension.kind,
        is_admin: grant.extension.is_admin,
        app_id: grant.app.id,
        client_id: grant.app.client_id.clone(),
        permissions: grant.token.scope.intersect(grant.app.permissions),
    })
}

pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller> {
    let token = bearer(headers)?;
    caller_for_token(state, token).await
}

/// Now, in the store's time base.
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp(ms)
}
