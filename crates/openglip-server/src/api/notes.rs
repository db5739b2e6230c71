//! Notes: `GET|POST …/chats/{chatId}/notes`, `GET|PATCH|DELETE …/notes/{noteId}` and
//! `POST …/notes/{noteId}/lock|unlock|publish`, under `/team-messaging/v1` and
//! `/restapi/v1.0/glip` alike; publishing answers the note in the current API and 204 in the
//! legacy one, as the two specs say.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::events::Generation;
use openglip_domain::notes::{self, NoteFilter, NoteQuery};
use openglip_domain::paging;
use openglip_domain::{Caller, Error, NoteId, Subject};
use openglip_wire as w;

use super::tasks::list_param;
use super::{P, chat_id, multipart, split_ids};
use crate::AppState;
use crate::convert::teamwork::note_info;
use crate::error::{self, ApiResult};
use crate::extract::{JsonBody, Params};

/// At most this many comma-separated ids in one read (RingCentral: 50).
const MAX_IDS: usize = 50;

fn note_id(raw: &str) -> Result<NoteId, Error> {
    error::id(Subject::Note, raw)
}

pub async fn list(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(chat): P<String>,
    q: Params,
) -> ApiResult<Json<w::NoteList>> {
    let chat = chat_id(&chat)?;
    let count = paging::record_count(q.get("recordCount"))?;
    let query = NoteQuery {
        creation_time_from: q.get("creationTimeFrom").map(str::to_string),
        creation_time_to: q.get("creationTimeTo").map(str::to_string),
        creator_ids: list_param(&q, "creatorId"),
        status: q.get("status").map(str::to_string),
    };
    let scope = notes::filter(chat, c.extension_id, &query)?.scope();
    let (scope, req) = paging::request(&scope, q.get("pageToken"), count, |s| {
        NoteFilter::from_scope(s).is_some_and(|f| f.chat_id == chat)
    })?;
    let filter = NoteFilter::from_scope(&scope).ok_or_else(|| Error::invalid("pageToken"))?;
    let page = st.service().list_notes(&c, filter, req).await?;
    let ids: Vec<i64> = page.items.iter().map(|n| n.id.0).collect();
    let (prev, next) = paging::navigation(&scope, &ids, page.has_newer, page.has_older);
    Ok(Json(w::NoteList {
        records: page.items.iter().map(|n| note_info(n, false)).collect(),
        navigation: w::Navigation {
            prev_page_token: prev,
            next_page_token: next,
        },
    }))
}

pub async fn create(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(chat): P<String>,
    JsonBody(body): JsonBody<w::NoteRequest>,
) -> ApiResult<Json<w::NoteInfo>> {
    let chat = chat_id(&chat)?;
    let note = st
        .service()
        .create_note(&c, chat, body.title, body.body)
        .await?;
    Ok(Json(note_info(&note, false)))
}

/// One note with its body, or several comma-separated ids answered `207 Multi-Status`.
pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(raw): P<String>,
) -> ApiResult<Response> {
    let ids = split_ids(&raw);
    match ids.len() {
        0 => Err(Error::NotFound(Subject::Note).into()),
        1 => {
            let note = st.service().note(&c, note_id(ids[0])?).await?;
            Ok(Json(note_info(&note, true)).into_response())
        }
        n if n > MAX_IDS => Err(Error::invalid_because(
            "noteId",
            format!("Parameter [noteId] value is invalid: at most {MAX_IDS} ids at once."),
        )
        .into()),
        _ => {
            let mut parts = Vec::with_capacity(ids.len());
            for id in ids {
                let note = match note_id(id) {
                    Ok(id) => st.service().note(&c, id).await,
                    Err(e) => Err(e),
                };
                parts.push(note.map(|n| note_info(&n, true)));
            }
            Ok(multipart(parts, Generation::Current))
        }
    }
}

pub async fn patch(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    q: Params,
    JsonBody(body): JsonBody<w::NoteRequest>,
) -> ApiResult<Json<w::NoteInfo>> {
    let release = match q.get("releaseLock") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Error::invalid("releaseLock").into()),
    };
    let note = st
        .service()
        .update_note(&c, note_id(&id)?, body.title, body.body, release)
        .await?;
    Ok(Json(note_info(&note, false)))
}

pub async fn delete(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().delete_note(&c, note_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn lock(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().lock_note(&c, note_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unlock(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().unlock_note(&c, note_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The current API answers the published note.
pub async fn publish(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<Json<w::NoteInfo>> {
    let note = st.service().publish_note(&c, note_id(&id)?).await?;
    Ok(Json(note_info(&note, false)))
}

/// The legacy API answers 204.
pub async fn publish_legacy(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().publish_note(&c, note_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
