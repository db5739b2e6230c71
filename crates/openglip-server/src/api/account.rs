use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use openglip_domain::service::ExtensionFilter;
use openglip_domain::{Caller, Error, Subject};
use openglip_wire::{
    AccountInfo, EnumeratedPaging, ExtensionInfo, ExtensionList, PageNavigation, PageUri,
};

use super::{P, account_id, base_url, extension_id};
use crate::AppState;
use crate::convert;
use crate::error::ApiResult;
use crate::extract::Params;

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

/// `DELETE …/account/{accountId}/extension/{extensionId}` (account administrators): the person
/// is removed (`openglip_domain::removal`), and their WebSocket sessions end.
pub async fn delete_extension(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P((account, extension)): P<(String, String)>,
) -> ApiResult<StatusCode> {
    let account = account_id(&c, &account, Subject::Account)?;
    let id = extension_id(&c, &extension, Subject::Extension)?;
    let removed = st.service().remove_person(&c, account, id).await?;
    for app in st.hub().ws.apps_of(removed.id) {
        st.hub().end_sessions_of(removed.id, app).await;
    }
    Ok(StatusCode::NO_CONTENT)
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

/// RingCentral's extension types and statuses, as a list filter accepts them (openglip has
/// users and bots, enabled, not activated or disabled: the others match nothing).
pub(crate) const TYPES: &[&str] = &[
    "User",
    "Department",
    "Announcement",
    "Voicemail",
    "DigitalUser",
    "VirtualUser",
    "FaxUser",
    "PagingOnly",
    "SharedLinesGroup",
    "DelegatedLinesGroup",
    "GroupCallPickup",
    "IvrMenu",
    "ApplicationExtension",
    "ProxyAdmin",
    "RoomConnector",
    "ParkLocation",
    "Limited",
    "Bot",
    "Site",
    "Room",
    "FlexibleUser",
    "TieLine",
    "Unknown",
];
pub(crate) const STATUSES: &[&str] = &[
    "Enabled",
    "Disabled",
    "Frozen",
    "NotActivated",
    "Unassigned",
];
/// The page size when none is asked for, and the largest.
const PER_PAGE: u32 = 100;
pub(crate) const MAX_PER_PAGE: u32 = 1000;

/// The values of a repeatable filter, each one of `known`.
fn one_of(params: &Params, name: &str, known: &[&str]) -> Result<Vec<String>, Error> {
    params
        .all(name)
        .into_iter()
        .map(|v| {
            known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(v))
                .map(|k| k.to_string())
                .ok_or_else(|| Error::invalid(name))
        })
        .collect()
}

/// A positive page number or size (`name`), at most `max`.
fn positive(params: &Params, name: &str, default: u32, max: u32) -> Result<u32, Error> {
    match params.get(name) {
        None => Ok(default),
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(n) if (1..=i64::from(max)).contains(&n) => Ok(n as u32),
            Ok(_) => Err(Error::OutOfRange {
                name: name.into(),
                min: 1,
                max: i64::from(max),
            }),
            Err(_) => Err(Error::invalid(name)),
        },
    }
}

/// `GET /restapi/v1.0/account/{accountId}/extension`: the company's people and bots by
/// extension number, in numbered pages (`page`, `perPage` up to 1000), filtered by `type`,
/// `status`, `email` (each repeatable) and `extensionNumber`.
pub async fn list_extensions(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P(account): P<String>,
    params: Params,
) -> ApiResult<Json<ExtensionList>> {
    let id = account_id(&c, &account, Subject::Account)?;
    let filter = ExtensionFilter {
        types: one_of(&params, "type", TYPES)?,
        statuses: one_of(&params, "status", STATUSES)?,
        emails: params
            .all("email")
            .iter()
            .map(|e| e.to_lowercase())
            .collect(),
        extension_number: params.get("extensionNumber").map(|n| n.trim().to_string()),
    };
    let page = positive(&params, "page", 1, u32::MAX)?;
    let per_page = positive(&params, "perPage", PER_PAGE, MAX_PER_PAGE)?;
    let all = st.service().account_extensions(&c, id, &filter).await?;
    let account = st.service().account(&c, id).await?;
    let base = base_url(&st, &headers);
    let total = u32::try_from(all.len()).unwrap_or(u32::MAX);
    let total_pages = total.div_ceil(per_page);
    let start = (u64::from(page) - 1) * u64::from(per_page);
    let records: Vec<ExtensionInfo> = all
        .iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .map(|e| convert::extension_info(e, &account, &base))
        .collect();
    let list_uri = format!("{base}/restapi/v1.0/account/{}/extension", account.id);
    let uri_of = |n: u32| PageUri {
        uri: page_uri(&list_uri, &params, n, per_page),
    };
    let last = total_pages.max(1);
    let shown = u32::try_from(records.len()).unwrap_or(u32::MAX);
    let page_start = u32::try_from(start).ok();
    Ok(Json(ExtensionList {
        uri: page_uri(&list_uri, &params, page, per_page),
        paging: EnumeratedPaging {
            per_page,
            page: (shown > 0).then_some(page),
            page_start: page_start.filter(|_| shown > 0),
            page_end: page_start.filter(|_| shown > 0).map(|s| s + shown - 1),
            total_pages,
            total_elements: total,
        },
        navigation: PageNavigation {
            first_page: Some(uri_of(1)),
            next_page: (page < total_pages).then(|| uri_of(page + 1)),
            previous_page: (page > 1).then(|| uri_of((page - 1).min(last))),
            last_page: Some(uri_of(last)),
        },
        records,
    }))
}

/// The list's address with the request's filters and page `n` of `per_page`.
fn page_uri(list_uri: &str, params: &Params, n: u32, per_page: u32) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &params.0 {
        if k != "page" && k != "perPage" {
            q.append_pair(k, v);
        }
    }
    q.append_pair("page", &n.to_string());
    q.append_pair("perPage", &per_page.to_string());
    format!("{list_uri}?{}", q.finish())
}
