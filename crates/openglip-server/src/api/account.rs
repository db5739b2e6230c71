use axum::extract::State;
use axum::http::HeaderMap;
use axum::{Extension, Json};
use openglip_domain::Caller;
use openglip_wire::{AccountInfo, ExtensionInfo};

use super::{P, base_url};
use crate::AppState;
use crate::convert;
use crate::error::ApiResult;

pub async fn account(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P(account_id): P<String>,
) -> ApiResult<Json<AccountInfo>> {
    let account = st.service().account(&c, &account_id).await?;
    Ok(Json(convert::account_info(
        &account,
        &base_url(&st, &headers),
    )))
}

pub async fn extension(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P((account_id, extension_id)): P<(String, String)>,
) -> ApiResult<Json<ExtensionInfo>> {
    let ext = st
        .service()
        .extension(&c, &account_id, &extension_id)
        .await?;
    let account = st.service().account(&c, "~").await?;
    Ok(Json(convert::extension_info(
        &ext,
        &account,
        &base_url(&st, &headers),
    )))
}
