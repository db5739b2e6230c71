//! Presence, `GET|PUT /restapi/v1.0/account/{accountId}/extension/{extensionId}/presence`
//! (`ReadPresence` / `EditPresence`), from the web client's live connections (the realtime
//! hub's WebSocket registry) and what the person set; and the company directory's search,
//! `POST /restapi/v1.0/account/{accountId}/directory/entries/search` (`ReadAccounts`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use openglip_domain::directory_search::DirectorySearch;
use openglip_domain::presence::PresenceInput;
use openglip_domain::{Caller, Subject};
use openglip_wire::{
    DirectoryResource, EnumeratedPaging, PresenceInfo, PresenceInfoRequest,
    SearchDirectoryEntriesRequest,
};

use super::{P, account_id, base_url, extension_id};
use crate::AppState;
use crate::convert;
use crate::error::ApiResult;
use crate::extract::{JsonBody, parse_json};

/// An extension of the account named in the path (`~` for the caller's own).
fn subject(
    c: &Caller,
    account: &str,
    extension: &str,
) -> Result<openglip_domain::ExtensionId, openglip_domain::Error> {
    let account = account_id(c, account, Subject::Account)?;
    if account != c.account_id {
        return Err(openglip_domain::Error::NotFound(Subject::Account));
    }
    extension_id(c, extension, Subject::Extension)
}

pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P((account, ext)): P<(String, String)>,
) -> ApiResult<Json<PresenceInfo>> {
    let id = subject(&c, &account, &ext)?;
    let hub = st.hub().clone();
    let p = st
        .service()
        .presence(&c, id, |e| hub.ws.web_client_online(e))
        .await?;
    Ok(Json(convert::presence_info(&p, &base_url(&st, &headers))))
}

pub async fn update(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P((account, ext)): P<(String, String)>,
    JsonBody(body): JsonBody<PresenceInfoRequest>,
) -> ApiResult<Json<PresenceInfo>> {
    let id = subject(&c, &account, &ext)?;
    let input = PresenceInput {
        user_status: body.user_status,
        dnd_status: body.dnd_status,
        message: body.message,
    };
    let hub = st.hub().clone();
    let p = st
        .service()
        .set_presence(&c, id, input, |e| hub.ws.web_client_online(e))
        .await?;
    Ok(Json(convert::presence_info(&p, &base_url(&st, &headers))))
}

/// The search; an empty body (RingCentral's Python SDK sends none for `{}`) searches everyone.
pub async fn search_directory(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(account): P<String>,
    body: Bytes,
) -> ApiResult<Json<DirectoryResource>> {
    let id = account_id(&c, &account, Subject::Account)?;
    let body: SearchDirectoryEntriesRequest = if body.iter().all(u8::is_ascii_whitespace) {
        SearchDirectoryEntriesRequest::default()
    } else {
        parse_json(&body)?
    };
    let search = DirectorySearch {
        search_string: body.search_string,
        search_fields: body.search_fields,
        extension_type: body.extension_type,
        order_by: body
            .order_by
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, o)| (o.index.unwrap_or(i as i64 + 1), o))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_values()
            .map(|o| {
                (
                    o.field_name.unwrap_or_default(),
                    o.direction.as_deref() == Some("Desc"),
                )
            })
            .collect(),
        page: body.page,
        per_page: body.per_page,
    };
    let page = st.service().search_directory(&c, id, search).await?;
    let account = st.service().account(&c, id).await?;
    let shown = u32::try_from(page.entries.len()).unwrap_or(u32::MAX);
    let start = (page.page - 1).saturating_mul(page.per_page);
    Ok(Json(DirectoryResource {
        paging: EnumeratedPaging {
            per_page: page.per_page,
            page: Some(page.page),
            page_start: (shown > 0).then_some(start),
            page_end: (shown > 0).then(|| start + shown - 1),
            total_pages: page.total.div_ceil(page.per_page),
            total_elements: page.total,
        },
        records: page
            .entries
            .iter()
            .map(|e| convert::contact(e, &account))
            .collect(),
    }))
}
