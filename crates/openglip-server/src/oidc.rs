//! OpenID Connect's endpoints, as RingCentral serves them: the key set ID tokens are signed
//! with (`GET /restapi/oauth/jwks`), the claims of a token's person (`GET
//! /restapi/oauth/userinfo`) and the provider's discovery document (`GET
//! /.well-known/openid-configuration`). The ID token itself comes with the token endpoint's
//! answer (`oauth`); the rules are the platform's (`openglip_platform::oidc`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use openglip_platform::oidc::{CLAIMS_SUPPORTED, SCOPES_SUPPORTED, UserInfo};
use openglip_wire::{JWKey, JWKeySet, OpenIdDiscovery, UserInfoResource};

use crate::AppState;
use crate::api::base_url;
use crate::auth::bearer;
use crate::error::ApiResult;

/// Public keys may be cached a while: a rotation keeps the previous key published.
const JWKS_MAX_AGE: &str = "public, max-age=300";

pub async fn jwks(State(st): State<AppState>) -> ApiResult<Response> {
    let keys = st
        .platform()
        .jwks()
        .await?
        .into_iter()
        .map(|k| JWKey {
            kty: "RSA".into(),
            alg: "RS256".into(),
            use_: "sig".into(),
            kid: k.kid,
            n: k.n,
            e: k.e,
        })
        .collect();
    let mut r = Json(JWKeySet { keys }).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(JWKS_MAX_AGE),
    );
    Ok(r)
}

fn user_info(u: UserInfo) -> UserInfoResource {
    UserInfoResource {
        sub: u.sub,
        account_id: Some(u.account_id),
        name: u.name,
        given_name: u.given_name,
        family_name: u.family_name,
        email: u.email,
        email_verified: u.email_verified,
    }
}

/// The gate has checked the token and the `OpenID` permission; the platform checks that the
/// token's authorization asked for `openid`.
pub async fn userinfo(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let info = st.platform().userinfo(bearer(&headers)?).await?;
    let mut r = Json(user_info(info)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

pub async fn discovery(State(st): State<AppState>, headers: HeaderMap) -> Json<OpenIdDiscovery> {
    let base = base_url(&st, &headers);
    let at = |path: &str| format!("{base}{path}");
    Json(OpenIdDiscovery {
        authorization_endpoint: at("/restapi/oauth/authorize"),
        token_endpoint: at("/restapi/oauth/token"),
        revocation_endpoint: at("/restapi/oauth/revoke"),
        userinfo_endpoint: at("/restapi/oauth/userinfo"),
        jwks_uri: at("/restapi/oauth/jwks"),
        issuer: base,
        scopes_supported: strings(&SCOPES_SUPPORTED),
        token_endpoint_auth_methods_supported: strings(&[
            "client_secret_basic",
            "client_secret_post",
            "none",
        ]),
        response_types_supported: strings(&["code"]),
        grant_types_supported: strings(&["authorization_code", "refresh_token"]),
        subject_types_supported: strings(&["public"]),
        userinfo_signing_alg_values_supported: strings(&["none"]),
        id_token_signing_alg_values_supported: strings(&["RS256"]),
        display_values_supported: strings(&["page", "popup", "touch", "mobile"]),
        claims_supported: strings(&CLAIMS_SUPPORTED),
        code_challenge_methods_supported: strings(&["plain", "S256"]),
        claims_parameter_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
    })
}
