//! Starting conversations: "New direct message" (the company's people and bots, searched as
//! one types), "New group chat" (several people, no name), "Public teams" to join, and "New
//! team"; and the people the script completes names from (`/app/people`, JSON).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use openglip_domain::*;
use openglip_webkit::html::{Field, FormErrors};

use super::layout::{Answer, fragment, page};
use super::rail::{self, app};
use super::visit::{ApiViewer, Viewer};
use crate::initials;
use openglip_server::AppState;
use openglip_server::extract::Params;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/new/dm", get(new_dm_page))
        .route("/new/team", get(new_team_page))
        .route("/new/group", get(new_group_page))
        .route("/teams", get(browse_teams))
        .route("/app/people", get(people))
}

/// The header of a page of its own (not a chat): back home, a title and what it is for.
pub(super) fn head(title: &str, about: &str, extra: Markup) -> Markup {
    html! {
        header.conv-head {
            a.back href="/" aria-label="Back" { "‹" }
            div.conv-title {
                h1 { (title) }
                span.kind { (about) }
            }
            (extra)
        }
    }
}

/// A page of the app that is not a chat: the rail, and `pane`.
pub(super) async fn own_page(st: &AppState, v: &Viewer, pane: Markup) -> Result<Markup> {
    let rail = rail::load(st, v).await?;
    Ok(app(
        v,
        rail::render(&rail, None, &v.csrf),
        pane,
        Some(ChatId(0)),
    ))
}

// ------------------------------------------------------------------------- direct message

/// `GET /new/dm?q=`: find a person or bot and message them; the live search (the script, or
/// `fragment=1`) gets the results only.
async fn new_dm_page(State(st): State<AppState>, v: Viewer, q: Params) -> Answer {
    let query = q.get("q").unwrap_or("").to_string();
    let found = st.service().directory(&v.caller, &query, 50).await?;
    if v.fetch || q.get("fragment").is_some() {
        return Ok(fragment(people_list(&v, &found)));
    }
    let pane = html! {
        (head("New direct message", "People and bots of your company", html! {}))
        div.details {
            form.searchbar method="get" action="/new/dm" role="search" data-live="people-results" {
                label.sr-only for="dm-q" { "Search people and bots" }
                input #dm-q name="q" type="search" value=(query)
                    placeholder="Search by name or email" autofocus autocomplete="off";
                button.btn type="submit" { "Search" }
            }
            div #people-results { (people_list(&v, &found)) }
        }
    };
    let body = own_page(&st, &v, pane).await?;
    Ok(page("New direct message", body))
}

/// People to message, each a form that opens the conversation.
fn people_list(v: &Viewer, found: &[Extension]) -> Markup {
    if found.is_empty() {
        return html! { p.muted { "Nobody matches." } };
    }
    html! {
        ul.people {
            @for e in found {
                @let name = e.full_name();
                @let bot = e.kind == ExtensionType::Bot;
                li {
                    form method="post" action="/new/dm" {
                        (v.csrf.field())
                        input type="hidden" name="person" value=(e.id);
                        button.person type="submit" {
                            span.av.bot[bot] aria-hidden="true" { (initials(&name)) }
                            span.nm {
                                (name)
                                @if e.id == v.ext.id { " (you)" }
                                @if bot { " " span.tag { "Bot" } }
                            }
                            span.muted { (e.email.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------- teams

/// `GET /teams`: public teams of the company the viewer is not in, to join.
async fn browse_teams(State(st): State<AppState>, v: Viewer) -> Answer {
    let teams = st.service().joinable_teams(&v.caller, 200).await?;
    let new_team = html! { a.btn.small href="/new/team" { "New team" } };
    let pane = html! {
        (head("Public teams", "Teams anyone in your company can join", new_team))
        div.details {
            @if teams.is_empty() {
                p.muted { "No public teams to join: you are in all of them." }
            } @else {
                ul.members.teams { @for t in &teams { (joinable(&v, t)) } }
            }
        }
    };
    let body = own_page(&st, &v, pane).await?;
    Ok(page("Public teams", body))
}

/// A public team with its "Join" button.
fn joinable(v: &Viewer, t: &Chat) -> Markup {
    let name = t.name.as_deref().unwrap_or("Team");
    let n = t.members.len();
    html! {
        li {
            span.av.team aria-hidden="true" { "#" }
            span.nm { (name) }
            span.muted {
                (t.description.as_deref().unwrap_or("")) " · " (n) " member" @if n != 1 { "s" }
            }
            form.inline method="post" action={ "/c/" (t.id) "/join" } {
                (v.csrf.field())
                button.btn.small.primary type="submit" { "Join" span.sr-only { " " (name) } }
            }
        }
    }
}

/// The new-team form, with the values and errors of a failed attempt.
fn new_team_form(v: &Viewer, form: &Params, errors: &FormErrors) -> Markup {
    html! {
        (head("New team", "A place for a group of people to work together", html! {}))
        div.details {
            form.stack.card method="post" action="/new/team" novalidate {
                (v.csrf.field())
                (Field::text("name", "Team name")
                    .value(form.get("name").unwrap_or(""))
                    .required()
                    .error(errors.get("name")))
                (Field::text("description", "Description (optional)")
                    .value(form.get("description").unwrap_or(""))
                    .error(errors.get("description")))
                (Field::checkbox("public", "Public: anyone in the company can find and join it")
                    .checked(form.get("public").is_some()))
                (members_field(form, errors, "Members"))
                button.btn.primary type="submit" { "Create team" }
            }
        }
    }
}

/// The `members` field with its label, hint and error: the script's people picker completes
/// names into it.
fn members_field(form: &Params, errors: &FormErrors, label: &str) -> Markup {
    let members = form.get("members").unwrap_or("");
    let members_error = errors.get("members");
    let described = match members_error {
        Some(_) => "f-members-hint f-members-err",
        None => "f-members-hint",
    };
    html! {
        div.field.invalid[members_error.is_some()] {
            label for="f-members" { (label) }
            input #f-members name="members" type="text" value=(members)
                data-people="emails" autocomplete="off"
                aria-invalid=[members_error.map(|_| "true")] aria-describedby=(described);
            span.hint #f-members-hint {
                "Names or emails, separated by commas; type a name to pick from your company"
            }
            @if let Some(e) = members_error { span.error #f-members-err role="alert" { (e) } }
        }
    }
}

// -------------------------------------------------------------------------- group chats

/// The new-group-chat form, with the values and errors of a failed attempt.
fn new_group_form(v: &Viewer, form: &Params, errors: &FormErrors) -> Markup {
    html! {
        (head("New group chat", "A conversation with several people, without a name", html! {}))
        div.details {
            form.stack.card method="post" action="/new/group" novalidate {
                (v.csrf.field())
                (members_field(form, errors, "People"))
                p.muted { "With one person, this is your direct message with them." }
                button.btn.primary type="submit" { "Start group chat" }
            }
        }
    }
}

/// `GET /new/group`.
async fn new_group_page(State(st): State<AppState>, v: Viewer) -> Answer {
    let body = new_group_body(&st, &v, &Params(vec![]), &FormErrors::new()).await?;
    Ok(page("New group chat", body))
}

/// The new-group-chat page, with what was entered and what was wrong with it.
pub async fn new_group_body(
    st: &AppState,
    v: &Viewer,
    form: &Params,
    errors: &FormErrors,
) -> Result<Markup> {
    own_page(st, v, new_group_form(v, form, errors)).await
}

/// `GET /new/team`.
async fn new_team_page(State(st): State<AppState>, v: Viewer) -> Answer {
    let body = new_team_body(&st, &v, &Params(vec![]), &FormErrors::new()).await?;
    Ok(page("New team", body))
}

/// The new-team page, with what was entered and what was wrong with it.
pub async fn new_team_body(
    st: &AppState,
    v: &Viewer,
    form: &Params,
    errors: &FormErrors,
) -> Result<Markup> {
    own_page(st, v, new_team_form(v, form, errors)).await
}

// --------------------------------------------------------------------- people, as JSON

/// `q` in the company directory; with no `q` but a `chat`, that chat's members (what "@" alone
/// offers in a conversation).
async fn people_for(st: &AppState, v: &Viewer, q: &Params) -> Result<Vec<Extension>> {
    let text = q.get("q").unwrap_or("").trim();
    match q.get("chat").filter(|c| !c.is_empty()) {
        Some(chat) if text.is_empty() => {
            let chat = st
                .service()
                .member_chat(&v.caller, openglip_server::api::chat_id(chat)?)
                .await?;
            let ids: Vec<ExtensionId> = chat
                .members
                .iter()
                .copied()
                .filter(|m| *m != v.ext.id)
                .take(8)
                .collect();
            let mut found = st.service().people(&v.caller, ids).await?;
            found.retain(|e| e.status == ExtensionStatus::Enabled);
            found.sort_by_cached_key(|e| e.full_name().to_lowercase());
            Ok(found)
        }
        _ => st.service().directory(&v.caller, text, 8).await,
    }
}

/// One person or bot of the viewer's company, for completion and pickers.
#[derive(serde::Serialize)]
struct Person {
    id: String,
    name: String,
    email: Option<String>,
    bot: bool,
    initials: String,
}

/// `GET /app/people?q=`: people and bots of the viewer's company whose name, e-mail or
/// extension number matches (at most 8; enabled ones, the viewer last).
async fn people(State(st): State<AppState>, ApiViewer(v): ApiViewer, q: Params) -> Response {
    match people_for(&st, &v, &q).await {
        Ok(list) => {
            let out: Vec<Person> = list
                .into_iter()
                .map(|e| Person {
                    id: e.id.to_string(),
                    initials: initials(&e.full_name()),
                    name: e.full_name(),
                    email: e.email.clone(),
                    bot: e.kind == ExtensionType::Bot,
                })
                .collect();
            let mut resp = axum::Json(out).into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => openglip_server::error::ApiError(e).into_response(),
    }
}
