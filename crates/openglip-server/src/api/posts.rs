//! Posts under `/team-messaging/v1/chats/{chatId}/posts` (and the same path under `/restapi/v1.0/glip`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::service::PostInput;
use openglip_domain::{Caller, Error, PostId, Subject};
use openglip_wire as w;

use super::{P, chat_id, navigation, page_request, post_id};
use crate::AppState;
use crate::convert;
use crate::error::{self, ApiError, ApiResult};
use crate::extract::{JsonBody, Params};

/// A new post as the service takes it: `parentPostId` (or `threadId`) parsed, an empty one
/// meaning none.
pub fn post_input(body: w::CreatePostRequest) -> Result<PostInput, Error> {
    let parent = body
        .parent_post_id
        .or(body.thread_id)
        .map(|p| p.as_string())
        .filter(|p| !p.is_empty());
    Ok(PostInput {
        text: body.text,
        parent_post_id: parent
            .map(|p| error::id(Subject::ParentPost, &p))
            .transpose()?,
        attachments: body.attachments,
        activity: body.activity,
        title: body.title,
        icon_uri: body.icon_uri,
        icon_emoji: body.icon_emoji,
    })
}

/// Lists posts of `chat` (optionally one thread), newest first, with RingCentral paging.
pub async fn list_posts(
    st: &AppState,
    c: &Caller,
    chat: &str,
    thread: Option<&str>,
    q: &Params,
) -> Result<w::PostList, ApiError> {
    let scope = match thread {
        Some(t) => format!("{chat}:{t}"),
        None => chat.to_string(),
    };
    let (scope, req) = page_request("posts", &scope, q)?;
    if scope.split(':').next() != Some(chat) {
        return Err(Error::invalid_because(
            "pageToken",
            "Parameter [pageToken] value is invalid: it belongs to another chat.",
        )
        .into());
    }
    let chat = chat_id(chat)?;
    let thread = match thread.map(|t| error::id::<PostId>(Subject::Thread, t)) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            // The chat is checked first: a thread of a chat the caller cannot see is the chat's
            // error.
            st.service().member_chat(c, chat).await?;
            return Err(e.into());
        }
    };
    let page = st.service().list_posts(c, chat, thread, req).await?;
    Ok(w::PostList {
        records: page.items.iter().map(convert::post_info).collect(),
        navigation: navigation("posts", &scope, &page, |p| p.id.0),
    })
}

pub async fn list(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(chat): P<String>,
    q: Params,
) -> ApiResult<Json<w::PostList>> {
    Ok(Json(list_posts(&st, &c, &chat, None, &q).await?))
}

pub async fn thread(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P((chat, thread)): P<(String, String)>,
    q: Params,
) -> ApiResult<Json<w::PostList>> {
    Ok(Json(list_posts(&st, &c, &chat, Some(&thread), &q).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(chat): P<String>,
    JsonBody(body): JsonBody<w::CreatePostRequest>,
) -> ApiResult<Response> {
    let chat = chat_id(&chat)?;
    let post = st
        .service()
        .create_post(&c, chat, post_input(body)?)
        .await?;
    Ok((StatusCode::CREATED, Json(convert::post_info(&post))).into_response())
}

pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P((chat, id)): P<(String, String)>,
) -> ApiResult<Json<w::PostInfo>> {
    let post = st
        .service()
        .post(&c, chat_id(&chat)?, post_id(&id)?)
        .await?;
    Ok(Json(convert::post_info(&post)))
}

pub async fn patch(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P((chat, id)): P<(String, String)>,
    JsonBody(body): JsonBody<w::UpdatePostRequest>,
) -> ApiResult<Json<w::PostInfo>> {
    let post = st
        .service()
        .update_post(&c, chat_id(&chat)?, post_id(&id)?, body.text)
        .await?;
    Ok(Json(convert::post_info(&post)))
}

pub async fn delete(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P((chat, id)): P<(String, String)>,
) -> ApiResult<StatusCode> {
    st.service()
        .delete_post(&c, chat_id(&chat)?, post_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
