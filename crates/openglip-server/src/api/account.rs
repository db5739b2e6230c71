use axum::extract::State;
use axum::http::HeaderMap;
use axum::{Extension, Json};
use openglip_domain::{Caller, Subject};
use openglip_wire::{AccountInfo, ExtensionInfo};

use super::{P, account_id, base_url, extension_id};
use crate::AppState;
use crate::convert;
use crate::error::ApiResult;

pub async fn account(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P(account): P<String>,
) -> ApiResult<Json<AccountInfo>> {
    let id = account_id(&c, &account, Subject::Account)?;
    let account = st.service().account(&c, id).await?;
    Ok(Json(convert::account_info(
        &account,
        &base_url(&st, &headers),
    )))
}

pub async fn extension(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P((account, extension)): P<(String, String)>,
) -> ApiResult<Json<ExtensionInfo>> {
    let account = account_id(&c, &account, Subject::Account)?;
    let id = extension_id(&c, &extension, Subject::Extension)?;
    let ext = st.service().extension(&c, account, id).await?;
    let account = st.service().account(&c, c.account_id).await?;
    Ok(Json(convert::extension_info(
        &ext,
        &account,
        &base_url(&st, &headers),
    )))
}
