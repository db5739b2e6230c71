//! `POST /restapi/oauth/token` and `POST /restapi/oauth/revoke`, as RingCentral serves them:
//! form bodies, HTTP Basic client authentication (or `client_id` in the body for public apps),
//! snake_case token responses. The grants are the platform's (`openglip_platform::oauth`);
//! this reads the request and writes the answer. OAuth errors carry both `error` and
//! RingCentral's `errorCode` (`error::oauth`). OpenID Connect's endpoints are in `oidc`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openglip_domain::oidc::Scope;
use openglip_domain::{Error, OAuthFailure};
use openglip_platform::oauth::{ClientCredentials, IssuedToken, TokenRequest};
use openglip_wire::TokenInfo;

use crate::AppState;
use crate::api::base_url;
use crate::error::ApiResult;
use crate::extract::{FormBody, Params};

/// Who the client says it is: HTTP Basic, or `client_id` (+ `client_secret`) in the body.
fn client_credentials(
    headers: &HeaderMap,
    form: &Params,
) -> openglip_domain::Result<Option<ClientCredentials>> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, b64)| b64.trim());
    Ok(match basic {
        Some(b64) => {
            let decoded = STANDARD
                .decode(b64)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or(Error::OAuth(OAuthFailure::MalformedClientCredentials))?;
            let (id, secret) = decoded.split_once(':').unwrap_or((decoded.as_str(), ""));
            Some(ClientCredentials {
                client_id: id.to_string(),
                secret: Some(secret.to_string()).filter(|s| !s.is_empty()),
            })
        }
        None => form.get("client_id").map(|id| ClientCredentials {
            client_id: id.to_string(),
            secret: form.get("client_secret").map(str::to_string),
        }),
    })
}

fn token_request(form: &Params, issuer: String) -> TokenRequest {
    let v = |k: &str| form.get(k).map(str::to_string);
    TokenRequest {
        grant_type: v("grant_type"),
        username: v("username"),
        password: v("password"),
        extension: v("extension"),
        code: v("code"),
        redirect_uri: v("redirect_uri"),
        code_verifier: v("code_verifier"),
        refresh_token: v("refresh_token"),
        assertion: v("assertion"),
        scope: v("scope"),
        access_token_ttl: v("access_token_ttl"),
        refresh_token_ttl: v("refresh_token_ttl"),
        endpoint_id: v("endpoint_id"),
        issuer,
    }
}

fn token_info(t: IssuedToken) -> TokenInfo {
    TokenInfo {
        access_token: t.access_token,
        token_type: "bearer".into(),
        expires_in: t.expires_in,
        refresh_token: t.refresh_token,
        refresh_token_expires_in: t.refresh_token_expires_in,
        scope: Scope {
            permissions: t.scope,
            oidc: t.oidc_scopes,
        }
        .to_scope(),
        owner_id: t.owner.to_string(),
        endpoint_id: t.endpoint_id,
        session_id: Some(t.family),
        id_token: t.id_token,
    }
}

pub async fn token(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> ApiResult<Response> {
    let credentials = client_credentials(&headers, &form);
    let issuer = base_url(&st, &headers);
    let issued = st
        .platform()
        .token(credentials, &token_request(&form, issuer))
        .await?;
    let mut r = Json(token_info(issued)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(r)
}

/// RFC 7009: the client authenticates and owns the token; answers 200 whether or not the
/// token was known.
pub async fn revoke(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> ApiResult<Response> {
    let credentials = client_credentials(&headers, &form)?;
    st.platform().revoke(credentials, form.get("token")).await?;
    Ok(StatusCode::OK.into_response())
}
