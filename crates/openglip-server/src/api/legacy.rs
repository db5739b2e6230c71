//! The legacy groups API (`/restapi/v1.0/glip/groups`, `/posts`, `/persons`): the seven operations
//! of the Glip API overview and their companions. Legacy shapes: `isPublic`, `members` as bare
//! id strings, `PrivateChat`/`PersonalChat`.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::events::Generation;
use openglip_domain::service::{MemberInput, TeamInput, TeamRef};
use openglip_domain::{Caller, ChatType, Error, Subject};
use openglip_wire as w;

use super::chats::{member_id, members};
use super::posts::{list_posts as list_chat_posts, post_input};
use super::{
    P, chat_id, chat_types, multipart, navigation, page_request, parse_types_scope, post_id,
    split_ids, token_scope, types_scope,
};
use crate::AppState;
use crate::convert;
use crate::error::LegacyResult;
use crate::extract::{JsonBody, Params};

/// `GET /restapi/v1.0/glip/posts?groupId=…` (or only a `pageToken`, which remembers the group).
pub async fn list_posts(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> LegacyResult<Json<w::PostList>> {
    let from_token =
        token_scope("posts", &q)?.map(|s| s.split(':').next().unwrap_or("").to_string());
    let group = match (q.get("groupId").filter(|g| !g.is_empty()), from_token) {
        (Some(g), Some(t)) if g != t => {
            return Err(Error::invalid_because(
                "pageToken",
                "Parameter [pageToken] value is invalid: it belongs to another group.",
            )
            .into());
        }
        (Some(g), _) => g.to_string(),
        (None, Some(t)) => t,
        (None, None) => return Err(Error::MissingParameter("groupId".into()).into()),
    };
    Ok(Json(list_chat_posts(&st, &c, &group, None, &q).await?))
}

/// `POST /restapi/v1.0/glip/posts` with `groupId` and `text` in the body. Answers 200.
pub async fn create_post(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    JsonBody(body): JsonBody<w::CreatePostRequest>,
) -> LegacyResult<Json<w::PostInfo>> {
    let group = body
        .group_id
        .as_ref()
        .map(|g| g.as_string())
        .ok_or_else(|| Error::MissingParameter("groupId".into()))?;
    let group = chat_id(&group)?;
    let post = st
        .service()
        .create_post(&c, group, post_input(body)?)
        .await?;
    Ok(Json(convert::post_info(&post)))
}

pub async fn list_group_posts(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(group): P<String>,
    q: Params,
) -> LegacyResult<Json<w::PostList>> {
    Ok(Json(list_chat_posts(&st, &c, &group, None, &q).await?))
}

pub async fn create_group_post(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(group): P<String>,
    JsonBody(body): JsonBody<w::CreatePostRequest>,
) -> LegacyResult<Json<w::PostInfo>> {
    if let Some(g) = &body.group_id
        && g.as_string() != group
    {
        return Err(Error::invalid_because(
            "groupId",
            "Parameter [groupId] in the body differs from the one in the path.",
        )
        .into());
    }
    let group = chat_id(&group)?;
    let post = st
        .service()
        .create_post(&c, group, post_input(body)?)
        .await?;
    Ok(Json(convert::post_info(&post)))
}

/// `PUT …/groups/{groupId}/posts/{postId}/text` with a `text/plain` body.
pub async fn update_post_text(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P((group, post)): P<(String, String)>,
    body: Bytes,
) -> LegacyResult<Response> {
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| Error::UnparsableBody("the text is not UTF-8".into()))?;
    let post = st
        .service()
        .update_post(&c, chat_id(&group)?, post_id(&post)?, Some(text))
        .await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        post.text,
    )
        .into_response())
}

/// `GET /restapi/v1.0/glip/groups?type=…` — the caller's groups, newest first.
pub async fn list_groups(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> LegacyResult<Json<w::GlipGroupList>> {
    let types = match token_scope("groups", &q)? {
        Some(scope) => parse_types_scope(&scope),
        None => chat_types(&q, true)?,
    };
    let (scope, req) = page_request("groups", &types_scope(&types), &q)?;
    let page = st.service().list_chats(&c, types, req).await?;
    Ok(Json(w::GlipGroupList {
        records: page.items.iter().map(convert::legacy_group).collect(),
        navigation: navigation("groups", &scope, &page, |c| c.id.0),
    }))
}

/// `POST /restapi/v1.0/glip/groups` — a `Team`, or a `PrivateChat` (found if it exists).
pub async fn create_group(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    JsonBody(body): JsonBody<w::GlipCreateGroup>,
) -> LegacyResult<Json<w::GlipGroupInfo>> {
    let kind = body
        .kind
        .as_deref()
        .ok_or_else(|| Error::MissingParameter("type".into()))?;
    let specs = members("members", body.members.as_deref().unwrap_or_default())?;
    let chat = match ChatType::parse_legacy(kind) {
        Some(ChatType::Team) => {
            st.service()
                .create_team(
                    &c,
                    TeamInput {
                        name: body.name,
                        description: body.description,
                        public: body.is_public,
                        members: specs,
                    },
                )
                .await?
        }
        Some(ChatType::Direct) => {
            if body.members.is_none() {
                return Err(Error::MissingParameter("members".into()).into());
            }
            // Members may be named by id or e-mail, and may include the caller.
            let others: Vec<MemberInput> = st
                .service()
                .resolve_members(&c, "members", &specs)
                .await?
                .into_iter()
                .filter(|m| *m != c.extension_id)
                .map(MemberInput::Id)
                .collect();
            if others.len() != 1 {
                return Err(Error::invalid_because(
                    "members",
                    "A PrivateChat has exactly two members: you and one other person.",
                )
                .into());
            }
            st.service().conversation(&c, &others).await?.0
        }
        _ => return Err(Error::invalid("type").into()),
    };
    Ok(Json(convert::legacy_group(&chat)))
}

/// `GET /restapi/v1.0/glip/groups/{groupId}`; several comma-separated ids answer 207 multipart.
pub async fn read_group(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(ids): P<String>,
) -> LegacyResult<Response> {
    let ids = split_ids(&ids);
    if ids.len() > 30 {
        return Err(Error::invalid_because("groupId", "At most 30 ids at once.").into());
    }
    let group = |raw: &str| {
        let id = chat_id(raw);
        let (st, c) = (&st, &c);
        async move { st.service().visible_chat(c, id?).await }
    };
    if ids.len() == 1 {
        let chat = group(ids[0]).await?;
        return Ok(Json(convert::legacy_group(&chat)).into_response());
    }
    if ids.is_empty() {
        return Err(Error::NotFound(Subject::Chat).into());
    }
    let mut parts = Vec::with_capacity(ids.len());
    for id in ids {
        parts.push(group(id).await.map(|chat| convert::legacy_group(&chat)));
    }
    Ok(multipart(parts, Generation::Legacy))
}

/// `POST /restapi/v1.0/glip/groups/{groupId}/bulk-assign`.
pub async fn bulk_assign(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(group): P<String>,
    JsonBody(body): JsonBody<w::GlipBulkAssign>,
) -> LegacyResult<Json<w::GlipGroupInfo>> {
    let ids = |param: &str, v: Option<Vec<w::IdOrString>>| -> Result<Vec<MemberInput>, Error> {
        v.unwrap_or_default()
            .iter()
            .map(|i| member_id(param, &i.as_string()))
            .collect()
    };
    let add_ids = ids("addedPersonIds", body.added_person_ids)?;
    let add_emails: Vec<MemberInput> = body
        .added_person_emails
        .unwrap_or_default()
        .into_iter()
        .map(MemberInput::Email)
        .collect();
    let remove = ids("removedPersonIds", body.removed_person_ids)?;
    if add_ids.is_empty() && add_emails.is_empty() && remove.is_empty() {
        return Err(Error::MissingParameter("addedPersonIds".into()).into());
    }
    let chat = st
        .service()
        .change_team_members(
            &c,
            TeamRef::Chat(chat_id(&group)?),
            &[
                ("addedPersonIds", &add_ids),
                ("addedPersonEmails", &add_emails),
            ],
            &[("removedPersonIds", &remove)],
        )
        .await?;
    Ok(Json(convert::legacy_group(&chat)))
}

/// `GET /restapi/v1.0/glip/persons/{personId}`; several comma-separated ids answer 207 multipart.
pub async fn read_person(
    st: State<AppState>,
    c: Extension<Caller>,
    ids: P<String>,
) -> LegacyResult<Response> {
    Ok(super::chats::person(st, c, ids).await?)
}
