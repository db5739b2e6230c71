//! Chats, conversations, teams, the Everyone team, recent chats and favorites — the same shapes
//! under `/team-messaging/v1` and `/restapi/v1.0/glip`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::events::Generation;
use openglip_domain::service::{MemberInput, TeamInput, TeamRef};
use openglip_domain::{Caller, ChatStatus, ChatType, Error, ExtensionId, Subject, paging};
use openglip_wire as w;

use super::{
    P, chat_id, chat_types, extension_id, multipart, navigation, page_request, parse_types_scope,
    split_ids, token_scope, types_scope,
};
use crate::AppState;
use crate::convert;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Params};

/// A member named by id in the request parameter `param`; an id that cannot be one is refused
/// as an unknown person, as the service refuses ids of nobody in the company.
pub fn member_id(param: &str, raw: &str) -> Result<MemberInput, Error> {
    raw.trim()
        .parse::<ExtensionId>()
        .map(MemberInput::Id)
        .map_err(|_| {
            Error::invalid_because(
                param,
                format!("Parameter [{param}] value is invalid: unknown person [{raw}]"),
            )
            .for_people(format!(
                "Pick \"{}\" from the suggestions as you type, or enter an e-mail address.",
                raw.trim()
            ))
        })
}

/// Member specs from a request to domain member inputs. A bare string is an e-mail when it has an
/// `@`, else an id.
pub fn members(param: &str, specs: &[w::MemberSpec]) -> Result<Vec<MemberInput>, ApiError> {
    specs
        .iter()
        .enumerate()
        .map(|(i, m)| match m {
            w::MemberSpec::Bare(w::IdOrString::Str(s)) if s.contains('@') => {
                Ok(MemberInput::Email(s.clone()))
            }
            w::MemberSpec::Bare(id) | w::MemberSpec::Object { id: Some(id), .. } => {
                Ok(member_id(param, &id.as_string())?)
            }
            w::MemberSpec::Object {
                id: None,
                email: Some(e),
            } => Ok(MemberInput::Email(e.clone())),
            w::MemberSpec::Object {
                id: None,
                email: None,
            } => Err(Error::MissingParameter(format!("{param}[{i}].id")).into()),
        })
        .collect()
}

/// The `members` of a request that must name some (conversations, team add/remove).
fn required_members(body: w::MembersRequest) -> Result<Vec<MemberInput>, ApiError> {
    let specs = body
        .members
        .ok_or_else(|| Error::MissingParameter("members".into()))?;
    members("members", &specs)
}

pub async fn list_chats(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> ApiResult<Json<w::ChatList>> {
    let types = match token_scope("chats", &q)? {
        Some(scope) => parse_types_scope(&scope),
        None => chat_types(&q, false)?,
    };
    let (scope, req) = page_request("chats", &types_scope(&types), &q)?;
    let page = st.service().list_chats(&c, types, req).await?;
    Ok(Json(w::ChatList {
        records: page.items.iter().map(convert::chat_info).collect(),
        navigation: Some(navigation("chats", &scope, &page, |c| c.id.0)),
    }))
}

pub async fn read_chat(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<Json<w::ChatInfo>> {
    let chat = st.service().visible_chat(&c, chat_id(&id)?).await?;
    Ok(Json(convert::chat_info(&chat)))
}

pub async fn favorite(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().set_favorite(&c, chat_id(&id)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unfavorite(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().set_favorite(&c, chat_id(&id)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /restapi/v1.0/glip/chats/{chatId}/read`: the caller's read mark moves to the chat's
/// newest post (the read state the web client's unread counts come from).
pub async fn mark_read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().set_read(&c, chat_id(&id)?, true, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /restapi/v1.0/glip/chats/{chatId}/unread`: the chat is unread again from the newest
/// post by someone else.
pub async fn mark_unread(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service()
        .set_read(&c, chat_id(&id)?, false, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn recent(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> ApiResult<Json<w::ChatList>> {
    let types = chat_types(&q, false)?;
    let limit = paging::record_count(q.get("recordCount"))?;
    let chats = st.service().recent_chats(&c, types, limit).await?;
    Ok(Json(w::ChatList {
        records: chats.iter().map(convert::chat_info).collect(),
        navigation: None,
    }))
}

pub async fn favorites(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> ApiResult<Json<w::ChatList>> {
    let limit = paging::record_count(q.get("recordCount"))?;
    let chats = st.service().favorites(&c, limit).await?;
    Ok(Json(w::ChatList {
        records: chats.iter().map(convert::chat_info).collect(),
        navigation: None,
    }))
}

pub async fn list_conversations(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> ApiResult<Json<w::ConversationList>> {
    let (scope, req) = page_request("conversations", "", &q)?;
    let page = st
        .service()
        .list_chats(
            &c,
            vec![ChatType::Direct, ChatType::Group, ChatType::Personal],
            req,
        )
        .await?;
    Ok(Json(w::ConversationList {
        records: page.items.iter().map(convert::conversation_info).collect(),
        navigation: navigation("conversations", &scope, &page, |c| c.id.0),
    }))
}

pub async fn create_conversation(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    JsonBody(body): JsonBody<w::MembersRequest>,
) -> ApiResult<Response> {
    let (chat, created) = st
        .service()
        .conversation(&c, &required_members(body)?)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(convert::conversation_info(&chat))).into_response())
}

pub async fn read_conversation(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<Json<w::ConversationInfo>> {
    let chat = st.service().visible_chat(&c, chat_id(&id)?).await?;
    if !chat.kind.is_conversation() {
        return Err(Error::NotFound(Subject::Chat).into());
    }
    Ok(Json(convert::conversation_info(&chat)))
}

pub async fn list_teams(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> ApiResult<Json<w::TeamList>> {
    let (scope, req) = page_request("teams", "", &q)?;
    let page = st
        .service()
        .list_chats(&c, vec![ChatType::Team], req)
        .await?;
    Ok(Json(w::TeamList {
        records: page.items.iter().map(convert::team_info).collect(),
        navigation: navigation("teams", &scope, &page, |c| c.id.0),
    }))
}

pub async fn create_team(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    JsonBody(body): JsonBody<w::CreateTeamRequest>,
) -> ApiResult<Response> {
    let input = TeamInput {
        name: body.name,
        description: body.description,
        public: body.public,
        members: members("members", body.members.as_deref().unwrap_or_default())?,
    };
    let chat = st.service().create_team(&c, input).await?;
    Ok((StatusCode::CREATED, Json(convert::team_info(&chat))).into_response())
}

pub async fn read_team(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<Json<w::TeamInfo>> {
    Ok(Json(convert::team_info(
        &st.service().team(&c, chat_id(&id)?).await?,
    )))
}

pub async fn patch_team(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(body): JsonBody<w::PatchTeamRequest>,
) -> ApiResult<Json<w::TeamInfo>> {
    let chat = st
        .service()
        .patch_team(&c, chat_id(&id)?, body.name, body.description, body.public)
        .await?;
    Ok(Json(convert::team_info(&chat)))
}

pub async fn delete_team(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().delete_team(&c, chat_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn join_team(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().join_team(&c, chat_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn leave_team(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().leave_team(&c, chat_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn add_members(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(body): JsonBody<w::MembersRequest>,
) -> ApiResult<StatusCode> {
    let add = required_members(body)?;
    st.service()
        .change_team_members(&c, TeamRef::Team(chat_id(&id)?), &[("members", &add)], &[])
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_members(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(body): JsonBody<w::MembersRequest>,
) -> ApiResult<StatusCode> {
    let remove = required_members(body)?;
    st.service()
        .change_team_members(
            &c,
            TeamRef::Team(chat_id(&id)?),
            &[],
            &[("members", &remove)],
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn archive_team(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service()
        .set_team_status(&c, chat_id(&id)?, ChatStatus::Archived)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unarchive_team(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service()
        .set_team_status(&c, chat_id(&id)?, ChatStatus::Active)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn everyone(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
) -> ApiResult<Json<w::EveryoneTeamInfo>> {
    Ok(Json(convert::everyone_info(
        &st.service().everyone(&c).await?,
    )))
}

pub async fn patch_everyone(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    JsonBody(body): JsonBody<w::PatchTeamRequest>,
) -> ApiResult<Json<w::EveryoneTeamInfo>> {
    if body.public.is_some() {
        return Err(Error::invalid_because(
            "public",
            "The Everyone team is always the whole company.",
        )
        .into());
    }
    let chat = st
        .service()
        .patch_everyone(&c, body.name, body.description)
        .await?;
    Ok(Json(convert::everyone_info(&chat)))
}

/// `GET …/persons/{personId}` on both generations; several comma-separated ids (at most 30)
/// answer `207 multipart/mixed`, one part per id. `~` is the caller.
pub async fn person(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(ids): P<String>,
) -> ApiResult<Response> {
    let ids = split_ids(&ids);
    if ids.len() > 30 {
        return Err(Error::invalid_because("personId", "At most 30 ids at once.").into());
    }
    let person = |raw: &str| {
        let id = extension_id(&c, raw, Subject::Person);
        let st = &st;
        let c = &c;
        async move { st.service().person(c, id?).await }
    };
    match ids.as_slice() {
        [] => Err(Error::NotFound(Subject::Person).into()),
        [one] => {
            let person = person(one).await?;
            Ok(Json(convert::person_info(&person)).into_response())
        }
        many => {
            let mut parts = Vec::with_capacity(many.len());
            for id in many {
                parts.push(person(id).await.map(|p| convert::person_info(&p)));
            }
            Ok(multipart(parts, Generation::Current))
        }
    }
}

pub async fn company(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<Json<w::CompanyInfo>> {
    let id = super::account_id(&c, &id, Subject::Company)?;
    Ok(Json(convert::company_info(
        &st.service().company(&c, id).await?,
    )))
}
