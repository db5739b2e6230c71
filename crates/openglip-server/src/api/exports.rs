//! Data export under `/team-messaging/v1/data-export` and `/restapi/v1.0/glip/data-export`:
//! create a task (202), list them (RingCentral's numbered pages), read one, download a dataset.
//! The rules (administrators only, ranges, limits) are `openglip_domain::export`'s; the work is
//! the background worker's (`crate::exports`).

use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::export::{ExportInput, ExportStatus};
use openglip_domain::service::MemberInput;
use openglip_domain::{Caller, Error, Subject, Timestamp};
use openglip_wire as w;

use super::{P, base_url, chat_id};
use crate::AppState;
use crate::convert;
use crate::error::{self, ApiResult};
use crate::extract::{JsonBody, Params};

/// Records per page of the list: RingCentral's default and most.
const PER_PAGE: i64 = 100;
const MAX_PER_PAGE: i64 = 1000;

/// `…/data-export` as this request named it (either generation), absolute.
fn collection(st: &AppState, headers: &HeaderMap, uri: &OriginalUri) -> String {
    let path = uri.path();
    let end = path
        .find("/data-export")
        .map_or(path.len(), |i| i + "/data-export".len());
    format!("{}{}", base_url(st, headers), &path[..end])
}

fn task_id(raw: &str) -> Result<i64, Error> {
    error::id(Subject::ExportTask, raw)
}

fn instant(name: &str, raw: Option<&str>) -> Result<Option<Timestamp>, Error> {
    raw.filter(|v| !v.trim().is_empty())
        .map(|v| {
            Timestamp::parse(v.trim()).ok_or_else(|| {
                Error::invalid_because(
                    name,
                    format!("Parameter [{name}] value is invalid: an ISO 8601 date and time is expected."),
                )
            })
        })
        .transpose()
}

pub async fn create(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    uri: OriginalUri,
    JsonBody(body): JsonBody<w::CreateDataExportTaskRequest>,
) -> ApiResult<Response> {
    let mut contacts = Vec::new();
    for contact in body.contacts.unwrap_or_default() {
        match (contact.id, contact.email) {
            (Some(id), _) => contacts.push(MemberInput::Id(error::id(
                Subject::Person,
                &id.as_string(),
            )?)),
            (None, Some(email)) => contacts.push(MemberInput::Email(email)),
            (None, None) => {
                return Err(Error::invalid_because(
                    "contacts",
                    "Parameter [contacts] value is invalid: each contact needs an id or an email.",
                )
                .into());
            }
        }
    }
    let chats = body
        .chat_ids
        .unwrap_or_default()
        .iter()
        .map(|c| chat_id(&c.as_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let input = ExportInput {
        time_from: instant("timeFrom", body.time_from.as_deref())?,
        time_to: instant("timeTo", body.time_to.as_deref())?,
        contacts,
        chats,
    };
    let now = Timestamp(jiff::Timestamp::now().as_millisecond());
    let task = st.service().create_export(&c, input, now).await?;
    crate::exports::wake(&st);
    let base = collection(&st, &headers, &uri);
    Ok((
        StatusCode::ACCEPTED,
        Json(convert::export_task(&task, &base)),
    )
        .into_response())
}

pub async fn list(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    uri: OriginalUri,
    q: Params,
) -> ApiResult<Json<w::DataExportTaskList>> {
    let status = q
        .get("status")
        .filter(|s| !s.is_empty())
        .map(|s| ExportStatus::parse(s).ok_or_else(|| Error::invalid("status")))
        .transpose()?;
    let number = |name: &str, default: i64| -> Result<i64, Error> {
        match q.get(name).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => match s.trim().parse::<i64>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(Error::invalid(name)),
            },
        }
    };
    let page = number("page", 1)?;
    let per_page = number("perPage", PER_PAGE)?.min(MAX_PER_PAGE);
    let all = st.service().export_tasks(&c, status).await?;
    let base = collection(&st, &headers, &uri);
    let total = all.len() as i64;
    let total_pages = (total + per_page - 1) / per_page;
    let start = (page - 1).saturating_mul(per_page);
    let tasks: Vec<w::DataExportTask> = all
        .iter()
        .skip(start.min(total) as usize)
        .take(per_page as usize)
        .map(|t| convert::export_task(t, &base))
        .collect();
    let link = |p: i64| {
        let status = status
            .map(|s| format!("&status={}", s.as_str()))
            .unwrap_or_default();
        w::DataExportNavigationUri {
            uri: format!("{base}?page={p}&perPage={per_page}{status}"),
        }
    };
    let navigation = w::DataExportNavigationInfo {
        first_page: (total_pages > 0).then(|| link(1)),
        next_page: (page < total_pages).then(|| link(page + 1)),
        previous_page: (page > 1 && page <= total_pages).then(|| link(page - 1)),
        last_page: (total_pages > 0).then(|| link(total_pages)),
    };
    let shown = tasks.len() as i64;
    Ok(Json(w::DataExportTaskList {
        paging: w::DataExportPagingInfo {
            page: (shown > 0).then_some(page),
            per_page,
            page_start: (shown > 0).then_some(start),
            page_end: (shown > 0).then_some(start + shown - 1),
            total_pages,
            total_elements: total,
        },
        tasks,
        navigation,
    }))
}

pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    uri: OriginalUri,
    P(id): P<String>,
) -> ApiResult<Json<w::DataExportTask>> {
    let task = st.service().export_task(&c, task_id(&id)?).await?;
    let base = collection(&st, &headers, &uri);
    Ok(Json(convert::export_task(&task, &base)))
}

pub async fn dataset(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P((task, dataset)): P<(String, String)>,
) -> ApiResult<Response> {
    let task = task_id(&task)?;
    let dataset: i64 = error::id(Subject::ExportDataset, &dataset)?;
    let bytes = st.service().export_dataset(&c, task, dataset).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"glip-export-{task}-{dataset}.zip\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
