//! A chat's details page: its description, the viewer's notification level (all messages,
//! @mentions only, muted), its name and description (renamed by a team's administrators), its
//! members (add and remove, for a team's administrators), its incoming webhooks (`hooks`), and
//! leaving, joining, archiving.

use std::collections::HashMap;

use axum::extract::{Path, State};
use maud::{Markup, html};
use openglip_domain::notify::NotificationLevel;
use openglip_domain::service::Service;
use openglip_domain::*;
use openglip_webkit::html::{Field, FormErrors};

use super::conversation::{kind_label, visible};
use super::hooks::{self, Fresh};
use super::layout::{Answer, page};
use super::rail::{self, app, chat_title};
use super::visit::{Viewer, names_of};
use crate::initials;
use openglip_server::AppState;
use openglip_server::extract::Params;

/// What the viewer may do with the chat.
struct Rights {
    manage: bool,
    member: bool,
    team: bool,
    active: bool,
}

/// `GET /c/{chat}/details`: members (add, remove), favorite, leave, archive.
pub async fn details_page(
    State(st): State<AppState>,
    v: Viewer,
    Path(chat): Path<String>,
) -> Answer {
    let (title, body) = details_body(&st, &v, &chat, None, None).await?;
    Ok(page(&format!("Details · {title}"), body))
}

/// The details page's title and body; `settings`: the team settings form as it was posted,
/// with its errors; `fresh`: a webhook just made, whose URL is shown this once.
pub async fn details_body(
    st: &AppState,
    v: &Viewer,
    chat: &str,
    settings: Option<(&Params, &FormErrors)>,
    fresh: Option<&Fresh>,
) -> Result<(String, Markup)> {
    let chat = visible(st, v, chat).await?;
    let rail = rail::load(st, v).await?;
    let names = names_of(st, v, chat.members.iter().copied().chain([v.ext.id])).await?;
    let title = chat_title(&chat, v.ext.id, &names);
    let level = st
        .service()
        .notification_levels(&v.caller)
        .await?
        .get(&chat.id)
        .copied()
        .unwrap_or_else(|| NotificationLevel::default_for(chat.kind));
    let rights = Rights {
        manage: Service::can_manage(&v.caller, &chat),
        member: chat.is_member(v.ext.id),
        team: chat.kind == ChatType::Team,
        active: chat.status == ChatStatus::Active,
    };
    let webhooks = if rights.member {
        Some(hooks::section(st, v, &chat, &names, fresh).await?)
    } else {
        None
    };
    let pane = html! {
        header.conv-head {
            a.back href={ "/c/" (chat.id) } aria-label="Back to the conversation" { "‹" }
            div.conv-title {
                h1 { (title) }
                span.kind { (kind_label(&chat)) }
            }
            a.btn.small href={ "/c/" (chat.id) } { "Conversation" }
        }
        div.details {
            @if let Some(d) = chat.description.as_deref().filter(|d| !d.is_empty()) {
                p.desc { (d) }
            }
            @if rights.member { (notifications(v, &chat, level)) }
            @if rights.manage && rights.active { (team_settings(v, &chat, settings)) }
            @if rights.team && rights.member && rights.active { (add_members(v, &chat)) }
            h2 { "Members (" (chat.members.len()) ")" }
            ul.members {
                @for m in &chat.members { (member(v, &chat, &rights, &names, *m)) }
            }
            @if let Some(w) = webhooks { (w) }
            (actions(v, &chat, &rights, &title))
        }
    };
    let body = app(
        v,
        rail::render(&rail, Some(chat.id), &v.csrf),
        pane,
        Some(chat.id),
    );
    Ok((title, body))
}

/// The viewer's notification level for the chat: every message, @mentions only, or muted.
fn notifications(v: &Viewer, chat: &Chat, level: NotificationLevel) -> Markup {
    let choices = [
        (
            NotificationLevel::All,
            "All messages",
            "A desktop notification for every message",
        ),
        (
            NotificationLevel::Mentions,
            "Only @mentions",
            "Notified only when someone mentions you",
        ),
        (
            NotificationLevel::Muted,
            "Nothing (muted)",
            "No notifications; the chat stays in the rail, unread counts too",
        ),
    ];
    html! {
        form.stack.card #notifications method="post" action={ "/c/" (chat.id) "/notifications" } {
            (v.csrf.field())
            fieldset {
                legend { "Notifications" }
                @for (l, label, hint) in choices {
                    label.choice {
                        input type="radio" name="level" value=(l.as_str()) checked[l == level];
                        span { strong { (label) } br; small.muted { (hint) } }
                    }
                }
            }
            button.btn type="submit" { "Save notifications" }
        }
    }
}

/// The team's name and description, for its administrators to change (the values and errors
/// of a failed attempt, if any).
fn team_settings(v: &Viewer, chat: &Chat, posted: Option<(&Params, &FormErrors)>) -> Markup {
    let none = FormErrors::new();
    let (name, description, errors) = match posted {
        Some((form, errors)) => (
            form.get("name").unwrap_or(""),
            form.get("description").unwrap_or(""),
            errors,
        ),
        None => (
            chat.name.as_deref().unwrap_or(""),
            chat.description.as_deref().unwrap_or(""),
            &none,
        ),
    };
    html! {
        details.card #team-settings open[posted.is_some()] {
            summary { "Rename team" }
            form.stack method="post" action={ "/c/" (chat.id) "/settings" } novalidate {
                (v.csrf.field())
                (Field::text("name", "Team name").value(name).required().error(errors.get("name")))
                (Field::text("description", "Description (optional)")
                    .value(description)
                    .error(errors.get("description")))
                button.btn.primary type="submit" { "Save" }
            }
        }
    }
}

/// The "Add people" form of a team.
fn add_members(v: &Viewer, chat: &Chat) -> Markup {
    html! {
        form.stack.card #add-members method="post" action={ "/c/" (chat.id) "/members/add" } {
            (v.csrf.field())
            label for="add-people" { "Add people" }
            input #add-people name="members" type="text" data-people="emails" autocomplete="off"
                placeholder="Names or emails, separated by commas" aria-describedby="add-hint";
            span.hint #add-hint { "Type a name to pick from your company" }
            button.btn.primary type="submit" { "Add" }
        }
    }
}

/// One member, with "Remove" for those who manage the team.
fn member(
    v: &Viewer,
    chat: &Chat,
    rights: &Rights,
    names: &HashMap<ExtensionId, Extension>,
    m: ExtensionId,
) -> Markup {
    let e = names.get(&m);
    let name = e
        .map(Extension::full_name)
        .unwrap_or_else(|| format!("User {m}"));
    let removable = rights.team && rights.active && rights.manage && m != v.ext.id;
    html! {
        li {
            span.av.bot[e.is_some_and(|e| e.kind == ExtensionType::Bot)] aria-hidden="true" {
                (initials(&name))
            }
            span.nm { (name) @if m == v.ext.id { " (you)" } }
            span.muted { (e.and_then(|e| e.email.as_deref()).unwrap_or("")) }
            @if removable {
                form.inline method="post" action={ "/c/" (chat.id) "/members/remove" } {
                    (v.csrf.field())
                    input type="hidden" name="member" value=(m);
                    button.linkbtn.danger type="submit" {
                        "Remove" span.sr-only { " " (name) }
                    }
                }
            }
        }
    }
}

/// Leave, join, archive or unarchive, as the viewer may.
fn actions(v: &Viewer, chat: &Chat, rights: &Rights, title: &str) -> Markup {
    let leave = rights.team && rights.member;
    let join = rights.team && !rights.member && chat.public;
    if !(leave || join || rights.manage) {
        return html! {};
    }
    html! {
        div.row.actions-row {
            @if leave {
                form.inline method="post" action={ "/c/" (chat.id) "/leave" }
                    data-confirm={ "Leave " (title) "?" } {
                    (v.csrf.field())
                    button.btn.danger type="submit" { "Leave team" }
                }
            }
            @if join {
                form.inline method="post" action={ "/c/" (chat.id) "/join" } {
                    (v.csrf.field())
                    button.btn.primary type="submit" { "Join team" }
                }
            }
            @if rights.manage {
                form.inline method="post" action={ "/c/" (chat.id) "/archive" } {
                    (v.csrf.field())
                    input type="hidden" name="archived" value=(if rights.active { 1 } else { 0 });
                    button.btn type="submit" {
                        (if rights.active { "Archive team" } else { "Unarchive team" })
                    }
                }
            }
        }
    }
}
