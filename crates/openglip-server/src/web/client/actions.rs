//! What people do in the client: post, reply, edit, delete, mark read, favorite, start a
//! direct message, create a team, add and remove members, join, leave, archive. Each is a form
//! post that redirects back (no script needed); sent by the script (`X-CSRF-Token`), it answers
//! with the fragment to show, or 204.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use openglip_domain::service::{MemberInput, PostInput, TeamInput, TeamRef};
use openglip_domain::*;

use super::conversation::{self, require};
use super::*;
use crate::AppState;
use crate::extract::{FormBody, Params};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/c/{chat}/posts/{post}/edit", post(edit_post))
        .route("/c/{chat}/posts/{post}/delete", post(delete_post))
        .route("/c/{chat}/read", post(read))
        .route("/c/{chat}/favorite", post(favorite))
        .route("/c/{chat}/join", post(join))
        .route("/c/{chat}/leave", post(leave))
        .route("/c/{chat}/archive", post(archive))
        .route("/c/{chat}/members/add", post(add_members))
        .route("/c/{chat}/members/remove", post(remove_member))
}

/// The viewer of a state-changing request, with its CSRF token checked.
async fn actor(
    st: &AppState,
    headers: &HeaderMap,
    form: &Params,
) -> std::result::Result<Viewer, Response> {
    let v = require(st, headers).await?;
    if !request_ok(headers, form) {
        return Err(client_error(
            headers,
            Error::forbidden("This form expired. Reload the page and try again."),
        ));
    }
    throttle(st, &v).map_err(|e| client_error(headers, e))?;
    Ok(v)
}

/// Done: 204 for the script, back to `to` for a form.
fn done(headers: &HeaderMap, to: &str) -> Response {
    if is_fetch(headers) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        see_other(to, vec![])
    }
}

/// `POST /c/{chat}/posts` (`text`, `parent`): the new post's fragment (201), or back.
pub async fn create_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let parent = form.get("parent").filter(|p| !p.trim().is_empty());
    let input = PostInput {
        text: Some(form.get("text").unwrap_or("").to_string()),
        parent_post_id: parent.map(str::to_string),
        ..Default::default()
    };
    let r = async {
        let p = st.service().create_post(&v.caller, &chat, input).await?;
        let back = match p.parent_post_id {
            Some(_) => format!("/c/{}/t/{}#p-{}", p.chat_id, p.thread_id(), p.id),
            None => format!("/c/{}#p-{}", p.chat_id, p.id),
        };
        let fragment = if is_fetch(&headers) {
            Some(conversation::one_post(&st, &v, &chat, &p.id.to_string()).await?)
        } else {
            None
        };
        Ok::<_, Error>((back, fragment))
    }
    .await;
    match r {
        Ok((_, Some(fragment))) => client_html(StatusCode::CREATED, fragment, vec![]),
        Ok((back, None)) => see_other(&back, vec![]),
        Err(e) => client_error(&headers, e),
    }
}

/// `POST /c/{chat}/posts/{post}/edit` (`text`): the changed post's fragment, or back.
async fn edit_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((chat, post)): Path<(String, String)>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let r = async {
        let p = st
            .service()
            .update_post(
                &v.caller,
                &chat,
                &post,
                form.get("text").map(str::to_string),
            )
            .await?;
        if is_fetch(&headers) {
            Ok::<_, Error>(Some(
                conversation::one_post(&st, &v, &chat, &p.id.to_string()).await?,
            ))
        } else {
            Ok(None)
        }
    }
    .await;
    match r {
        Ok(Some(fragment)) => client_html(StatusCode::OK, fragment, vec![]),
        Ok(None) => see_other(&format!("/c/{chat}#p-{post}"), vec![]),
        Err(e) => client_error(&headers, e),
    }
}

/// `POST /c/{chat}/posts/{post}/delete`.
async fn delete_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((chat, post)): Path<(String, String)>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match st.service().delete_post(&v.caller, &chat, &post).await {
        Ok(()) => done(&headers, &format!("/c/{chat}")),
        Err(e) => client_error(&headers, e),
    }
}

/// `POST /c/{chat}/read` (`upto`: the newest post shown; `read=0` marks it unread).
async fn read(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let read = form.get("read") != Some("0");
    let upto = form.get("upto").filter(|u| !u.is_empty());
    match st.service().set_read(&v.caller, &chat, read, upto).await {
        Ok(()) => done(&headers, "/"),
        Err(e) => client_error(&headers, e),
    }
}

/// `POST /c/{chat}/favorite` (`on=1|0`).
async fn favorite(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let on = form.get("on") != Some("0");
    match st.service().set_favorite(&v.caller, &chat, on).await {
        Ok(()) => see_other(&format!("/c/{chat}"), vec![]),
        Err(e) => client_error(&headers, e),
    }
}

async fn join(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match st.service().join_team(&v.caller, &chat).await {
        Ok(c) => see_other(&format!("/c/{}", c.id), vec![]),
        Err(e) => client_error(&headers, e),
    }
}

async fn leave(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match st.service().leave_team(&v.caller, &chat).await {
        Ok(_) => see_other("/", vec![]),
        Err(e) => client_error(&headers, e),
    }
}

/// `POST /c/{chat}/archive` (`archived=1|0`).
async fn archive(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let status = if form.get("archived") == Some("0") {
        ChatStatus::Active
    } else {
        ChatStatus::Archived
    };
    match st.service().set_team_status(&v.caller, &chat, status).await {
        Ok(c) => see_other(&format!("/c/{}/details", c.id), vec![]),
        Err(e) => client_error(&headers, e),
    }
}

/// People as typed in a field: ids, e-mails, or "Name <email>" as the picker fills in, comma
/// or newline separated.
pub fn member_inputs(raw: &str) -> Vec<MemberInput> {
    raw.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let s = match (s.rfind('<'), s.ends_with('>')) {
                (Some(i), true) => &s[i + 1..s.len() - 1],
                _ => s,
            };
            MemberInput::from_bare(s.trim())
        })
        .collect()
}

async fn add_members(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let people = member_inputs(form.get("members").unwrap_or(""));
    if people.is_empty() {
        return client_error(&headers, Error::MissingParameter("members".into()));
    }
    match st
        .service()
        .change_team_members(
            &v.caller,
            TeamRef::Team(&chat),
            &[("members", &people)],
            &[],
        )
        .await
    {
        Ok(c) => see_other(&format!("/c/{}/details", c.id), vec![]),
        Err(e) => client_error(&headers, e),
    }
}

async fn remove_member(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let people = member_inputs(form.get("member").unwrap_or(""));
    if people.is_empty() {
        return client_error(&headers, Error::MissingParameter("member".into()));
    }
    match st
        .service()
        .change_team_members(&v.caller, TeamRef::Team(&chat), &[], &[("member", &people)])
        .await
    {
        Ok(c) => see_other(&format!("/c/{}/details", c.id), vec![]),
        Err(e) => client_error(&headers, e),
    }
}

/// `POST /new/dm` (`person`: an id or e-mail; the viewer's own id opens the personal chat).
pub async fn start_dm(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let people = member_inputs(form.get("person").unwrap_or(""));
    if people.is_empty() {
        return client_error(&headers, Error::MissingParameter("person".into()));
    }
    match st.service().conversation(&v.caller, &people).await {
        Ok((c, _)) => see_other(&format!("/c/{}", c.id), vec![]),
        Err(e) => client_error(&headers, e),
    }
}

/// `POST /new/team` (`name`, `description`, `public`, `members`): the team, or the form again
/// with the error in place.
pub async fn create_team(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let v = match actor(&st, &headers, &form).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let input = TeamInput {
        name: Some(form.get("name").unwrap_or("").to_string()),
        description: form.get("description").map(str::to_string),
        public: Some(form.get("public").is_some()),
        members: member_inputs(form.get("members").unwrap_or("")),
    };
    match st.service().create_team(&v.caller, input).await {
        Ok(c) => see_other(&format!("/c/{}", c.id), vec![]),
        Err(e @ Error::Internal(_)) => client_error(&headers, e),
        Err(e) => {
            let errors = Errors::from_error(&e, "name");
            match conversation::new_team_body(&st, &v, &form, &errors).await {
                Ok(body) => {
                    conversation::page_with_status(v, StatusCode::BAD_REQUEST, "New team", body)
                }
                Err(e) => client_error(&headers, e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_fields_accept_ids_emails_and_picker_entries() {
        assert_eq!(
            member_inputs("12, bob@x.example;\n Carol Diaz <carol@x.example>, ,"),
            vec![
                MemberInput::Id("12".into()),
                MemberInput::Email("bob@x.example".into()),
                MemberInput::Email("carol@x.example".into()),
            ]
        );
    }
}
