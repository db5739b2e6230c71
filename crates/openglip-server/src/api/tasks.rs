//! Tasks: `GET|POST …/chats/{chatId}/tasks`, `GET|PATCH|DELETE …/tasks/{taskId}` and
//! `POST …/tasks/{taskId}/complete`, under `/team-messaging/v1` and `/restapi/v1.0/glip` alike
//! (the two generations spell tasks the same way).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::events::Generation;
use openglip_domain::paging;
use openglip_domain::tasks::{
    self, CompleteInput, FileInput, RecurrenceInput, TaskFilter, TaskInput, TaskQuery,
};
use openglip_domain::{Caller, Error, Subject, TaskId};
use openglip_wire as w;

use super::{P, chat_id, multipart, split_ids};
use crate::AppState;
use crate::convert::teamwork::task_info;
use crate::error::{self, ApiResult};
use crate::extract::{JsonBody, Params};

/// At most this many comma-separated ids in one read.
const MAX_IDS: usize = 30;

/// The values of a query parameter that takes a list: repeated, or comma-separated.
pub fn list_param(q: &Params, name: &str) -> Vec<String> {
    q.all(name)
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

fn ids(list: Option<Vec<w::IdRef>>) -> Option<Vec<String>> {
    list.map(|l| l.into_iter().map(|r| r.id.as_string()).collect())
}

/// A task request as the service takes it.
pub fn task_input(b: w::TaskRequest) -> TaskInput {
    TaskInput {
        subject: b.subject,
        assignees: ids(b.assignees),
        completeness_condition: b.completeness_condition,
        start_date: b.start_date,
        due_date: b.due_date,
        color: b.color,
        section: b.section,
        description: b.description,
        recurrence: b.recurrence.map(|r| RecurrenceInput {
            schedule: r.schedule,
            ending_condition: r.ending_condition,
            ending_after: r.ending_after,
            ending_on: r.ending_on,
        }),
        attachments: b.attachments.map(|files| {
            files
                .into_iter()
                .map(|f| FileInput {
                    id: f.id,
                    kind: f.kind,
                    name: f.name,
                    content_uri: f.content_uri,
                })
                .collect()
        }),
    }
}

fn task_id(raw: &str) -> Result<TaskId, Error> {
    error::id(Subject::Task, raw)
}

pub async fn list(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(chat): P<String>,
    q: Params,
) -> ApiResult<Json<w::TaskList>> {
    let chat = chat_id(&chat)?;
    let count = paging::record_count(q.get("recordCount"))?;
    let query = TaskQuery {
        creation_time_from: q.get("creationTimeFrom").map(str::to_string),
        creation_time_to: q.get("creationTimeTo").map(str::to_string),
        creator_ids: list_param(&q, "creatorId"),
        statuses: list_param(&q, "status"),
        assignment_status: q.get("assignmentStatus").map(str::to_string),
        assignee_ids: list_param(&q, "assigneeId"),
        assignee_status: q.get("assigneeStatus").map(str::to_string),
    };
    let scope = tasks::filter(chat, &query)?.scope();
    let (scope, req) = paging::request(&scope, q.get("pageToken"), count, |s| {
        TaskFilter::from_scope(s).is_some_and(|f| f.chat_id == Some(chat))
    })?;
    let filter = TaskFilter::from_scope(&scope).ok_or_else(|| Error::invalid("pageToken"))?;
    let page = st.service().list_tasks(&c, filter, req).await?;
    let ids: Vec<i64> = page.items.iter().map(|t| t.id.0).collect();
    let (prev, next) = paging::navigation(&scope, &ids, page.has_newer, page.has_older);
    Ok(Json(w::TaskList {
        records: page.items.iter().map(task_info).collect(),
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
    JsonBody(body): JsonBody<w::TaskRequest>,
) -> ApiResult<Response> {
    let chat = chat_id(&chat)?;
    let task = st.service().create_task(&c, chat, task_input(body)).await?;
    Ok((StatusCode::CREATED, Json(task_info(&task))).into_response())
}

/// One task, or several comma-separated ids answered `207 Multi-Status`.
pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(raw): P<String>,
) -> ApiResult<Response> {
    let ids = split_ids(&raw);
    match ids.len() {
        0 => Err(Error::NotFound(Subject::Task).into()),
        1 => {
            let task = st.service().task(&c, task_id(ids[0])?).await?;
            Ok(Json(task_info(&task)).into_response())
        }
        n if n > MAX_IDS => Err(Error::invalid_because(
            "taskId",
            format!("Parameter [taskId] value is invalid: at most {MAX_IDS} ids at once."),
        )
        .into()),
        _ => {
            let mut parts = Vec::with_capacity(ids.len());
            for id in ids {
                let task = match task_id(id) {
                    Ok(id) => st.service().task(&c, id).await,
                    Err(e) => Err(e),
                };
                parts.push(task.map(|t| task_info(&t)));
            }
            Ok(multipart(parts, Generation::Current))
        }
    }
}

/// Answers `TMTaskList` with the one task, as RingCentral's spec says.
pub async fn patch(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(body): JsonBody<w::TaskRequest>,
) -> ApiResult<Json<w::TaskList>> {
    let task = st
        .service()
        .update_task(&c, task_id(&id)?, task_input(body))
        .await?;
    Ok(Json(w::TaskList {
        records: vec![task_info(&task)],
        navigation: w::Navigation::default(),
    }))
}

pub async fn delete(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().delete_task(&c, task_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn complete(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(body): JsonBody<w::CompleteTaskRequest>,
) -> ApiResult<StatusCode> {
    let input = CompleteInput {
        status: body.status,
        assignees: ids(body.assignees),
        percentage: body.completeness_percentage,
    };
    st.service().complete_task(&c, task_id(&id)?, input).await?;
    Ok(StatusCode::NO_CONTENT)
}
