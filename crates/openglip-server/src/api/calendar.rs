//! Calendar events: `GET|POST …/events`, `GET|PUT|DELETE …/events/{eventId}` and
//! `GET|POST …/groups/{groupId}/events`. The current API (`/team-messaging/v1`) spells an
//! event's recurrence as an object (`TMEventInfo`), the legacy one (`/restapi/v1.0/glip`) as
//! flat fields (`GlipEventInfo`); requests in either spelling are read by both. A chat is named
//! `groupId` in these paths, so its errors name it so in both generations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::calendar::{CalendarEvent, EventFilter, EventInput};
use openglip_domain::events::Generation;
use openglip_domain::paging;
use openglip_domain::store::Page;
use openglip_domain::{Caller, Error, EventId, Subject};
use openglip_wire as w;
use serde::Serialize;

use super::{P, chat_id, multipart, split_ids};
use crate::AppState;
use crate::convert::teamwork::{event_info, glip_event_info};
use crate::error::{self, ApiResult, LegacyResult};
use crate::extract::{JsonBody, Params};

/// At most this many comma-separated ids in one read.
const MAX_IDS: usize = 30;

fn event_id(raw: &str) -> Result<EventId, Error> {
    error::id(Subject::CalendarEvent, raw)
}

/// An event request, in either generation's spelling, as the service takes it.
pub fn event_input(b: w::EventRequest) -> EventInput {
    let (schedule, ending_condition, ending_after, ending_on) = match b.recurrence {
        Some(w::RecurrenceSpec::Object(r)) => (
            r.schedule,
            r.ending_condition.or(b.ending_condition),
            r.ending_after.or(b.ending_after),
            r.ending_on.or(b.ending_on),
        ),
        Some(w::RecurrenceSpec::Schedule(s)) => {
            (Some(s), b.ending_condition, b.ending_after, b.ending_on)
        }
        None => (None, b.ending_condition, b.ending_after, b.ending_on),
    };
    EventInput {
        title: b.title,
        start_time: b.start_time,
        end_time: b.end_time,
        all_day: b.all_day,
        schedule,
        ending_condition,
        ending_after,
        ending_on,
        color: b.color,
        location: b.location,
        description: b.description,
    }
}

/// A page of events of `filter`, and its navigation.
async fn page(
    st: &AppState,
    c: &Caller,
    filter: EventFilter,
    q: &Params,
) -> Result<(Page<CalendarEvent>, w::Navigation), Error> {
    let count = paging::record_count(q.get("recordCount"))?;
    let scope = filter.scope();
    let (scope, req) = paging::request(&scope, q.get("pageToken"), count, |s| s == scope)?;
    let page = st.service().list_events(c, filter, req).await?;
    let ids: Vec<i64> = page.items.iter().map(|e| e.id.0).collect();
    let (prev, next) = paging::navigation(&scope, &ids, page.has_newer, page.has_older);
    Ok((
        page,
        w::Navigation {
            prev_page_token: prev,
            next_page_token: next,
        },
    ))
}

/// One event, or several comma-separated ids answered `207 Multi-Status`.
async fn read_in<T: Serialize>(
    st: &AppState,
    c: &Caller,
    raw: &str,
    convert: fn(&CalendarEvent) -> T,
    generation: Generation,
) -> Result<Response, Error> {
    let ids = split_ids(raw);
    match ids.len() {
        0 => Err(Error::NotFound(Subject::CalendarEvent)),
        1 => {
            let e = st.service().calendar_event(c, event_id(ids[0])?).await?;
            Ok(Json(convert(&e)).into_response())
        }
        n if n > MAX_IDS => Err(Error::invalid_because(
            "eventId",
            format!("Parameter [eventId] value is invalid: at most {MAX_IDS} ids at once."),
        )),
        _ => {
            let mut parts = Vec::with_capacity(ids.len());
            for id in ids {
                let e = match event_id(id) {
                    Ok(id) => st.service().calendar_event(c, id).await,
                    Err(e) => Err(e),
                };
                parts.push(e.map(|e| convert(&e)));
            }
            Ok(multipart(parts, generation))
        }
    }
}

// ------------------------------------------------------------------------- current API

pub async fn list(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> ApiResult<Json<w::EventList>> {
    let (page, navigation) = page(&st, &c, EventFilter::Creator(c.extension_id), &q).await?;
    Ok(Json(w::EventList {
        records: page.items.iter().map(event_info).collect(),
        navigation,
    }))
}

pub async fn create(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    JsonBody(body): JsonBody<w::EventRequest>,
) -> ApiResult<Json<w::EventInfo>> {
    let e = st
        .service()
        .create_event(&c, None, event_input(body))
        .await?;
    Ok(Json(event_info(&e)))
}

pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(raw): P<String>,
) -> ApiResult<Response> {
    Ok(read_in(&st, &c, &raw, event_info, Generation::Current).await?)
}

pub async fn update(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(body): JsonBody<w::EventRequest>,
) -> ApiResult<Json<w::EventInfo>> {
    let e = st
        .service()
        .update_event(&c, event_id(&id)?, event_input(body))
        .await?;
    Ok(Json(event_info(&e)))
}

/// Both generations answer 200 with no body, as their specs say.
pub async fn delete(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().delete_event(&c, event_id(&id)?).await?;
    Ok(StatusCode::OK)
}

pub async fn group_list(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(group): P<String>,
    q: Params,
) -> LegacyResult<Json<w::EventList>> {
    let chat = chat_id(&group)?;
    let (page, navigation) = page(&st, &c, EventFilter::Chat(chat), &q).await?;
    Ok(Json(w::EventList {
        records: page.items.iter().map(event_info).collect(),
        navigation,
    }))
}

pub async fn group_create(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(group): P<String>,
    JsonBody(body): JsonBody<w::EventRequest>,
) -> LegacyResult<Json<w::EventInfo>> {
    let chat = chat_id(&group)?;
    let e = st
        .service()
        .create_event(&c, Some(chat), event_input(body))
        .await?;
    Ok(Json(event_info(&e)))
}

// -------------------------------------------------------------------------- legacy API

pub async fn list_legacy(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> LegacyResult<Json<w::GlipEventList>> {
    let (page, navigation) = page(&st, &c, EventFilter::Creator(c.extension_id), &q).await?;
    Ok(Json(w::GlipEventList {
        records: page.items.iter().map(glip_event_info).collect(),
        navigation,
    }))
}

pub async fn create_legacy(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    JsonBody(body): JsonBody<w::EventRequest>,
) -> LegacyResult<Json<w::GlipEventInfo>> {
    let e = st
        .service()
        .create_event(&c, None, event_input(body))
        .await?;
    Ok(Json(glip_event_info(&e)))
}

pub async fn read_legacy(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(raw): P<String>,
) -> LegacyResult<Response> {
    Ok(read_in(&st, &c, &raw, glip_event_info, Generation::Legacy).await?)
}

pub async fn update_legacy(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(body): JsonBody<w::EventRequest>,
) -> LegacyResult<Json<w::GlipEventInfo>> {
    let e = st
        .service()
        .update_event(&c, event_id(&id)?, event_input(body))
        .await?;
    Ok(Json(glip_event_info(&e)))
}

pub async fn group_list_legacy(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(group): P<String>,
    q: Params,
) -> LegacyResult<Json<w::GlipEventList>> {
    let chat = chat_id(&group)?;
    let (page, navigation) = page(&st, &c, EventFilter::Chat(chat), &q).await?;
    Ok(Json(w::GlipEventList {
        records: page.items.iter().map(glip_event_info).collect(),
        navigation,
    }))
}

pub async fn group_create_legacy(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(group): P<String>,
    JsonBody(body): JsonBody<w::EventRequest>,
) -> LegacyResult<Json<w::GlipEventInfo>> {
    let chat = chat_id(&group)?;
    let e = st
        .service()
        .create_event(&c, Some(chat), event_input(body))
        .await?;
    Ok(Json(glip_event_info(&e)))
}
