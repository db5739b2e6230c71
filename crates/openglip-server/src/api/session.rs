//! `POST /console/api/session` and `POST /admin/api/session`: sign in with a login and password
//! (JSON, or the same as a form) and get a web session token for the console's or the admin
//! portal's JSON API; `DELETE` ends the session the request was authenticated with.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use openglip_domain::platform::SessionRealm;
use openglip_platform::sessions::SESSION_TTL_SECS;
use openglip_wire as w;

use crate::AppState;
use crate::auth::{self, AccountAdmin, Developer};
use crate::error::ApiResult;
use crate::extract::{FormBody, Params, Peer};

fn request(form: &Params) -> w::WebSessionRequest {
    w::WebSessionRequest {
        login: form.get("login").unwrap_or("").to_string(),
        extension: form.get("extension").map(str::to_string),
        password: form.get("password").unwrap_or("").to_string(),
    }
}

async fn open(
    st: &AppState,
    peer: &str,
    form: &Params,
    realm: SessionRealm,
) -> ApiResult<Json<w::WebSessionInfo>> {
    let r = request(form);
    let (token, ext) = st
        .platform()
        .open_api_session(realm, peer, &r.login, r.extension.as_deref(), &r.password)
        .await?;
    Ok(Json(w::WebSessionInfo {
        token,
        expires_in: SESSION_TTL_SECS,
        extension_id: ext.id.to_string(),
        account_id: ext.account_id.to_string(),
        name: ext.full_name(),
    }))
}

async fn close(st: &AppState, headers: &HeaderMap, realm: SessionRealm) -> ApiResult<StatusCode> {
    if let Some(token) = auth::session_of(headers, realm) {
        st.platform().end_session(&token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn open_console(
    State(st): State<AppState>,
    Peer(peer): Peer,
    FormBody(form): FormBody,
) -> ApiResult<Json<w::WebSessionInfo>> {
    open(&st, &peer, &form, SessionRealm::Console).await
}

pub async fn close_console(
    State(st): State<AppState>,
    _: Developer,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    close(&st, &headers, SessionRealm::Console).await
}

pub async fn open_admin(
    State(st): State<AppState>,
    Peer(peer): Peer,
    FormBody(form): FormBody,
) -> ApiResult<Json<w::WebSessionInfo>> {
    open(&st, &peer, &form, SessionRealm::Account).await
}

pub async fn close_admin(
    State(st): State<AppState>,
    _: AccountAdmin,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    close(&st, &headers, SessionRealm::Account).await
}
