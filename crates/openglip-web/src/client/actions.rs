//! What people do in the client: post, reply, edit, delete, mark read, favorite, start a
//! direct message or a group chat, create a team, rename it, add and remove members, join,
//! leave, archive, add, suspend, activate and delete a chat's incoming webhooks. Each is a form
//! post that redirects back (no script needed); sent by the script (`X-CSRF-Token`), it answers
//! with the fragment to show, or 204.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use openglip_domain::events::Generation;
use openglip_domain::notify::NotificationLevel;
use openglip_domain::reactions::Emoji;
use openglip_domain::service::{MemberInput, PostInput, TeamInput, TeamRef};
use openglip_domain::webhooks::WebhookStatus;
use openglip_domain::*;
use openglip_webkit::html::FormErrors;
use openglip_webkit::see_other;

use crate::error_message;

use super::details::details_body;
use super::directory::{new_group_body, new_team_body};
use super::hooks;
use super::layout::{Answer, page_with_status, respond};
use super::posts::{PostCtx, render_post};
use super::visit::{Action, Viewer};
use openglip_server::AppState;
use openglip_server::api::chats::member_id;
use openglip_server::api::webhooks::make;
use openglip_server::api::{chat_id, post_id};
use openglip_server::error;

pub fn routes() -> Router<AppState> {
    // The forms' pages (`GET` of the same paths) are `conversation`'s.
    Router::new()
        .route("/c/{chat}/posts", post(create_post))
        .route("/new/dm", post(start_dm))
        .route("/new/team", post(create_team))
        .route("/new/group", post(start_group))
        .route("/c/{chat}/settings", post(team_settings))
        .route("/c/{chat}/posts/{post}/edit", post(edit_post))
        .route("/c/{chat}/posts/{post}/delete", post(delete_post))
        .route("/c/{chat}/posts/{post}/reactions", post(react))
        .route("/c/{chat}/{action}", post(chat_action))
        .route("/c/{chat}/members/{action}", post(members))
        .route("/c/{chat}/webhooks", post(create_webhook))
        .route("/c/{chat}/webhooks/{id}/{action}", post(change_webhook))
}

/// Done: 204 for the script, back to `to` for a form.
fn done(fetch: bool, to: &str) -> Response {
    if fetch {
        StatusCode::NO_CONTENT.into_response()
    } else {
        see_other(to)
    }
}

/// `POST /c/{chat}/posts` (`text`, `parent`): the new post's fragment (201), or back.
pub async fn create_post(
    State(st): State<AppState>,
    Path(chat): Path<String>,
    Action { v, form }: Action,
) -> Answer {
    let parent = form.get("parent").filter(|p| !p.trim().is_empty());
    let input = PostInput {
        text: Some(form.get("text").unwrap_or("").to_string()),
        parent_post_id: parent
            .map(|p| error::id(Subject::ParentPost, p))
            .transpose()?,
        ..Default::default()
    };
    let p = st
        .service()
        .create_post(&v.caller, chat_id(&chat)?, input)
        .await?;
    answer_post(&st, &v, StatusCode::CREATED, p).await
}

/// `POST /c/{chat}/posts/{post}/edit` (`text`): the changed post's fragment, or back to it.
async fn edit_post(
    State(st): State<AppState>,
    Path((chat, post)): Path<(String, String)>,
    Action { v, form }: Action,
) -> Answer {
    let text = form.get("text").map(str::to_string);
    let p = st
        .service()
        .update_post(&v.caller, chat_id(&chat)?, post_id(&post)?, text)
        .await?;
    answer_post(&st, &v, StatusCode::OK, p).await
}

/// A post just written: its fragment for the script (with `status`), or back to it for a form
/// (in its thread's page when it is a reply).
async fn answer_post(st: &AppState, v: &Viewer, status: StatusCode, p: Post) -> Answer {
    if !v.fetch {
        let back = match p.parent_post_id {
            Some(_) => format!("/c/{}/t/{}#p-{}", p.chat_id, p.thread_id(), p.id),
            None => format!("/c/{}#p-{}", p.chat_id, p.id),
        };
        return Ok(see_other(&back));
    }
    let item = render_post(st, v, p.chat_id, &p, false).await?;
    Ok(respond(status, item))
}

/// `POST /c/{chat}/posts/{post}/reactions` (`add` or `remove`: one emoji): the post's new
/// reactions block for the script (`reactions.rs`), or back to the message.
async fn react(
    State(st): State<AppState>,
    Path((chat, post)): Path<(String, String)>,
    Action { v, form }: Action,
) -> Answer {
    let (chat, post) = (chat_id(&chat)?, post_id(&post)?);
    let (raw, add) = match (form.get("add"), form.get("remove")) {
        (Some(e), _) => (e, true),
        (None, Some(e)) => (e, false),
        (None, None) => return Err(Error::MissingParameter("emoji".into()).into()),
    };
    st.service()
        .react(&v.caller, chat, post, Emoji::parse(raw)?, add)
        .await?;
    let p = st.service().post(&v.caller, chat, post).await?;
    if !v.fetch {
        let back = match p.parent_post_id {
            Some(_) => format!("/c/{chat}/t/{}#p-{post}", p.thread_id()),
            None => format!("/c/{chat}#p-{post}"),
        };
        return Ok(see_other(&back));
    }
    let chat = st.service().member_chat(&v.caller, chat).await?;
    let ctx = PostCtx::load(&st, &v, chat, std::slice::from_ref(&p), false).await?;
    Ok(respond(StatusCode::OK, ctx.reactions_block(&p)))
}

/// `POST /c/{chat}/posts/{post}/delete`.
async fn delete_post(
    State(st): State<AppState>,
    Path((chat, post)): Path<(String, String)>,
    Action { v, .. }: Action,
) -> Answer {
    st.service()
        .delete_post(&v.caller, chat_id(&chat)?, post_id(&post)?)
        .await?;
    Ok(done(v.fetch, &format!("/c/{chat}")))
}

/// `POST /c/{chat}/{action}`: `read` (`upto`: the newest post shown; `read=0` marks it
/// unread), `notifications` (`level`: `all`, `mentions`, `muted`), `favorite` (`on=1|0`), `join`, `leave`, `archive` (`archived=1|0`). Back to the
/// chat (or home, or its details), or 204 for the script; `read` goes nowhere in particular.
async fn chat_action(
    State(st): State<AppState>,
    Path((chat, action)): Path<(String, String)>,
    Action { v, form }: Action,
) -> Answer {
    let (svc, me) = (st.service(), &v.caller);
    let chat = chat_id(&chat)?;
    let back = match action.as_str() {
        "read" => {
            let upto = form
                .get("upto")
                .filter(|u| !u.is_empty())
                .map(post_id)
                .transpose()?;
            svc.set_read(me, chat, form.get("read") != Some("0"), upto)
                .await?;
            return Ok(done(v.fetch, "/"));
        }
        "notifications" => {
            let level = NotificationLevel::parse("level", form.get("level").unwrap_or(""))?;
            svc.set_notification_level(me, chat, level).await?;
            format!("/c/{chat}/details")
        }
        "favorite" => {
            svc.set_favorite(me, chat, form.get("on") != Some("0"))
                .await?;
            format!("/c/{chat}")
        }
        "join" => format!("/c/{}", svc.join_team(me, chat).await?.id),
        "leave" => {
            svc.leave_team(me, chat).await?;
            "/".into()
        }
        "archive" => {
            let status = if form.get("archived") == Some("0") {
                ChatStatus::Active
            } else {
                ChatStatus::Archived
            };
            let c = svc.set_team_status(me, chat, status).await?;
            format!("/c/{}/details", c.id)
        }
        _ => return Err(Error::InvalidUri.into()),
    };
    Ok(see_other(&back))
}

/// `POST /c/{chat}/members/add` (`members`: names, e-mails or ids) and `…/remove` (`member`).
async fn members(
    State(st): State<AppState>,
    Path((chat, action)): Path<(String, String)>,
    Action { v, form }: Action,
) -> Answer {
    let (field, adding) = match action.as_str() {
        "add" => ("members", true),
        "remove" => ("member", false),
        _ => return Err(Error::InvalidUri.into()),
    };
    let people = member_inputs(field, form.get(field).unwrap_or(""))?;
    if people.is_empty() {
        return Err(Error::MissingParameter(field.into()).into());
    }
    let named: &[(&str, &[MemberInput])] = &[(field, &people)];
    let (add, remove) = if adding {
        (named, &[][..])
    } else {
        (&[][..], named)
    };
    let c = st
        .service()
        .change_team_members(&v.caller, TeamRef::Team(chat_id(&chat)?), add, remove)
        .await?;
    Ok(see_other(&format!("/c/{}/details", c.id)))
}

/// People as typed in the form field `field`: ids, e-mails, or "Name <email>" as the picker fills
/// in, comma or newline separated.
pub fn member_inputs(field: &str, raw: &str) -> Result<Vec<MemberInput>> {
    raw.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let s = match (s.rfind('<'), s.ends_with('>')) {
                (Some(i), true) => &s[i + 1..s.len() - 1],
                _ => s,
            };
            let s = s.trim();
            if s.contains('@') {
                Ok(MemberInput::Email(s.to_string()))
            } else {
                member_id(field, s)
            }
        })
        .collect()
}

/// `POST /new/dm` (`person`: an id or e-mail; the viewer's own id opens the personal chat).
pub async fn start_dm(State(st): State<AppState>, Action { v, form }: Action) -> Answer {
    let people = member_inputs("person", form.get("person").unwrap_or(""))?;
    if people.is_empty() {
        return Err(Error::MissingParameter("person".into()).into());
    }
    let (c, _) = st.service().conversation(&v.caller, &people).await?;
    Ok(see_other(&format!("/c/{}", c.id)))
}

/// `POST /new/group` (`members`: names, e-mails or ids): the group chat of the viewer and
/// those people (the one there is, if they already have it), or the form again with the error
/// in place.
pub async fn start_group(State(st): State<AppState>, Action { v, form }: Action) -> Answer {
    let r = async {
        let people = member_inputs("members", form.get("members").unwrap_or(""))?;
        st.service().conversation(&v.caller, &people).await
    }
    .await;
    let e = match r {
        Ok((c, _)) => return Ok(see_other(&format!("/c/{}", c.id))),
        Err(e) => e,
    };
    if error::status_and_code(&e).0.is_server_error() {
        return Err(e.into());
    }
    let body = new_group_body(&st, &v, &form, &form_errors(&e, "members")).await?;
    Ok(page_with_status(
        StatusCode::BAD_REQUEST,
        "New group chat",
        body,
    ))
}

/// `POST /c/{chat}/settings` (`name`, `description`): renames a team (its administrators
/// only); back to its details, or the details again with the error in place.
pub async fn team_settings(
    State(st): State<AppState>,
    Path(chat): Path<String>,
    Action { v, form }: Action,
) -> Answer {
    let id = chat_id(&chat)?;
    let r = st
        .service()
        .patch_team(
            &v.caller,
            id,
            Some(form.get("name").unwrap_or("").to_string()),
            Some(form.get("description").unwrap_or("").to_string()),
            None,
        )
        .await;
    let e = match r {
        Ok(c) => return Ok(see_other(&format!("/c/{}/details", c.id))),
        Err(e) => e,
    };
    if e.fields().is_none() {
        return Err(e.into());
    }
    let (title, body) = details_body(
        &st,
        &v,
        &chat,
        Some((&form, &form_errors(&e, "name"))),
        None,
    )
    .await?;
    Ok(page_with_status(
        StatusCode::BAD_REQUEST,
        &format!("Details · {title}"),
        body,
    ))
}

/// `POST /new/team` (`name`, `description`, `public`, `members`): the team, or the form again
/// with the error in place.
pub async fn create_team(State(st): State<AppState>, Action { v, form }: Action) -> Answer {
    let r = async {
        let input = TeamInput {
            name: Some(form.get("name").unwrap_or("").to_string()),
            description: form.get("description").map(str::to_string),
            public: Some(form.get("public").is_some()),
            members: member_inputs("members", form.get("members").unwrap_or(""))?,
        };
        st.service().create_team(&v.caller, input).await
    }
    .await;
    let e = match r {
        Ok(c) => return Ok(see_other(&format!("/c/{}", c.id))),
        Err(e) => e,
    };
    if error::status_and_code(&e).0.is_server_error() {
        return Err(e.into());
    }
    let body = new_team_body(&st, &v, &form, &form_errors(&e, "name")).await?;
    Ok(page_with_status(StatusCode::BAD_REQUEST, "New team", body))
}

/// What was wrong with a form, field by field, to show in place (a message on `fallback` when
/// the error names no field).
fn form_errors(e: &Error, fallback: &str) -> FormErrors {
    crate::failure::form_errors(e).unwrap_or_else(|| {
        let mut out = FormErrors::new();
        let name = openglip_server::error::parameter_in(e, Generation::Current);
        out.add(name.unwrap_or(fallback), error_message(e));
        out
    })
}

/// `POST /c/{chat}/webhooks`: a new webhook; the details page with its URL (this once).
async fn create_webhook(
    State(st): State<AppState>,
    Path(chat): Path<String>,
    headers: HeaderMap,
    Action { v, .. }: Action,
) -> Answer {
    let (hook, uri) = make(&st, &v.caller, chat_id(&chat)?, &headers).await?;
    let fresh = hooks::Fresh { id: hook.id, uri };
    let (title, body) = details_body(&st, &v, &chat, None, Some(&fresh)).await?;
    Ok(page_with_status(
        StatusCode::CREATED,
        &format!("Details · {title}"),
        body,
    ))
}

/// `POST /c/{chat}/webhooks/{id}/suspend|activate|delete`, then back to the details page.
async fn change_webhook(
    State(st): State<AppState>,
    Path((chat, id, action)): Path<(String, String, String)>,
    Action { v, .. }: Action,
) -> Answer {
    let chat = chat_id(&chat)?;
    let svc = st.service();
    match action.as_str() {
        "suspend" => {
            svc.set_webhook_status(&v.caller, &id, WebhookStatus::Suspended)
                .await?;
        }
        "activate" => {
            svc.set_webhook_status(&v.caller, &id, WebhookStatus::Active)
                .await?;
        }
        "delete" => svc.delete_webhook(&v.caller, &id).await?,
        _ => return Err(Error::InvalidUri.into()),
    }
    Ok(see_other(&format!("/c/{chat}/details#webhooks")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_fields_accept_ids_emails_and_picker_entries() {
        assert_eq!(
            member_inputs(
                "members",
                "12, bob@x.example;\n Carol Diaz <carol@x.example>, ,"
            )
            .unwrap(),
            vec![
                MemberInput::Id(ExtensionId(12)),
                MemberInput::Email("bob@x.example".into()),
                MemberInput::Email("carol@x.example".into()),
            ]
        );
        let e = member_inputs("members", "12, Carol").unwrap_err();
        assert_eq!(e.parameter_name(), Some("members"));
    }
}
