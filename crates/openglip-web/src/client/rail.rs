//! The app around a pane ([`app`]) and its left rail: the viewer's chats in sections (Favorites, Direct Messages, Teams, Groups,
//! Personal), most recent first, with unread counts; and chat titles as people read them.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use maud::{Markup, html};
use openglip_domain::notify::NotificationLevel;
use openglip_domain::store::Unread;
use openglip_domain::*;
use openglip_webkit::Csrf;
use openglip_webkit::html::{Tone, brand, env_tag};

use super::layout::{Answer, fragment, kit};
use super::visit::{Viewer, names_of};
use crate::initials;
use openglip_server::AppState;
use openglip_server::extract::Params;

/// Chats listed in the rail at most.
const RAIL_LIMIT: usize = 250;

pub struct RailChat {
    pub chat: Chat,
    pub title: String,
    pub unread: Option<Unread>,
    pub favorite: bool,
    /// The viewer's notification level for it (its kind's default unless they set one).
    pub notify: NotificationLevel,
}

pub struct Rail {
    pub chats: Vec<RailChat>,
    pub me: Extension,
    /// The viewer's company is a developer's sandbox (a company of its own): the rail says so.
    pub sandbox: bool,
}

/// What a chat is called in the viewer's eyes: a team by its name, a direct chat by the other
/// person, a group by its members' first names, the personal chat by the viewer's name.
pub fn chat_title(chat: &Chat, me: ExtensionId, names: &HashMap<ExtensionId, Extension>) -> String {
    let name_of = |id: &ExtensionId| {
        names
            .get(id)
            .map(Extension::full_name)
            .unwrap_or_else(|| format!("User {id}"))
    };
    match chat.kind {
        ChatType::Team | ChatType::Everyone => chat.name.clone().unwrap_or_else(|| "Team".into()),
        ChatType::Personal => format!("{} (you)", name_of(&me)),
        ChatType::Direct => chat
            .members
            .iter()
            .find(|m| **m != me)
            .map(name_of)
            .unwrap_or_else(|| "Direct chat".into()),
        ChatType::Group => {
            let others: Vec<String> = chat
                .members
                .iter()
                .filter(|m| **m != me)
                .take(4)
                .map(|m| {
                    names
                        .get(m)
                        .map(|e| {
                            if e.first_name.is_empty() {
                                e.full_name()
                            } else {
                                e.first_name.clone()
                            }
                        })
                        .unwrap_or_else(|| format!("User {m}"))
                })
                .collect();
            let more = chat.members.len().saturating_sub(1 + others.len());
            if more > 0 {
                format!("{} +{more}", others.join(", "))
            } else {
                others.join(", ")
            }
        }
    }
}

/// The people whose names the titles of these chats need.
pub fn title_people(chats: &[Chat]) -> HashSet<ExtensionId> {
    chats
        .iter()
        .filter(|c| c.kind.is_conversation())
        .flat_map(|c| c.members.iter().take(6).copied())
        .collect()
}

pub async fn load(st: &AppState, v: &Viewer) -> Result<Rail> {
    let svc = st.service();
    let recent = svc.recent_chats(&v.caller, vec![], RAIL_LIMIT).await?;
    let favorites: HashSet<ChatId> = svc
        .favorites(&v.caller, RAIL_LIMIT)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let levels = svc.notification_levels(&v.caller).await?;
    let unread: HashMap<ChatId, Unread> = svc
        .unread(&v.caller)
        .await?
        .into_iter()
        .map(|u| (u.chat_id, u))
        .collect();
    let mut people = title_people(&recent);
    people.insert(v.ext.id);
    let names = names_of(st, v, people).await?;
    let chats = recent
        .into_iter()
        .map(|chat| RailChat {
            title: chat_title(&chat, v.ext.id, &names),
            unread: unread.get(&chat.id).copied(),
            favorite: favorites.contains(&chat.id),
            notify: levels
                .get(&chat.id)
                .copied()
                .unwrap_or_else(|| NotificationLevel::default_for(chat.kind)),
            chat,
        })
        .collect();
    let (_, env) = st.platform().account(v.ext.account_id).await?;
    Ok(Rail {
        chats,
        me: v.ext.clone(),
        sandbox: env == openglip_domain::platform::Environment::Sandbox,
    })
}

fn section_of(c: &RailChat) -> &'static str {
    if c.favorite {
        return "favorites";
    }
    match c.chat.kind {
        ChatType::Direct => "direct",
        ChatType::Team | ChatType::Everyone => "teams",
        ChatType::Group => "groups",
        ChatType::Personal => "personal",
    }
}

/// The app around a pane: the rail, and the pane in `<main>`. `chat` is the open one
/// (`ChatId(0)` for a page of its own that is not a chat: new team, directory).
pub fn app(v: &Viewer, rail: Markup, pane: Markup, chat: Option<ChatId>) -> Markup {
    html! {
        div.app.has-chat[chat.is_some()] #app data-me=(v.ext.id) data-csrf=(v.csrf.token())
            data-chat=(chat.map(|c| c.to_string()).unwrap_or_default()) {
            (rail)
            main #main .pane { (pane) }
        }
    }
}

/// One chat of the rail: its avatar, title and unread badge.
fn chat_link(c: &RailChat, active: Option<ChatId>) -> Markup {
    let is_active = active == Some(c.chat.id);
    let unread = c.unread.filter(|_| !is_active);
    let is_team = matches!(c.chat.kind, ChatType::Team | ChatType::Everyone);
    let muted = c.notify == NotificationLevel::Muted;
    html! {
        li {
            a.chat.unread[unread.is_some()].archived[c.chat.status == ChatStatus::Archived].muted[muted]
                href={ "/c/" (c.chat.id) } data-chat=(c.chat.id) data-kind=(c.chat.kind.as_str())
                data-name=(c.title) data-notify=(c.notify.as_str())
                aria-current=[is_active.then_some("page")] {
                @if is_team {
                    span.av.team aria-hidden="true" { "#" }
                } @else {
                    span.av aria-hidden="true" { (initials(&c.title)) }
                }
                span.nm { (c.title) }
                @if muted { span.mute title="Muted" { "🔕" span.sr-only { " (muted)" } } }
                @if let Some(u) = unread {
                    span.badge.strong[!muted && (u.mentioned || c.chat.kind == ChatType::Direct)] {
                        span aria-hidden="true" {
                            @if u.count >= 100 { "99+" } @else { (u.count) }
                        }
                        span.sr-only {
                            ", " (u.count) " unread" @if u.mentioned { ", mentions you" }
                        }
                    }
                }
            }
        }
    }
}

/// The sections of the rail and what each says when it is empty.
const SECTIONS: [(&str, &str, &str); 5] = [
    ("favorites", "Favorites", ""),
    ("direct", "Direct Messages", "No direct messages yet."),
    ("teams", "Teams", "No teams yet."),
    ("groups", "Groups", "No group chats yet."),
    ("personal", "Personal", ""),
];

/// The list of sections (the part the script refreshes).
pub fn render_list(rail: &Rail, active: Option<ChatId>, csrf: &Csrf) -> Markup {
    html! {
        @for (key, heading, empty) in SECTIONS {
            @let chats: Vec<&RailChat> = rail.chats.iter().filter(|c| section_of(c) == key).collect();
            @let unread_in: u32 = chats
                .iter()
                .filter(|c| active != Some(c.chat.id))
                .filter_map(|c| c.unread.map(|u| u.count))
                .sum();
            @if !(chats.is_empty() && key == "favorites") {
                section.rail-sec data-section=(key) {
                    h2 id={ "sec-" (key) } {
                        (heading)
                        @if unread_in > 0 {
                            " "
                            span.sec-count {
                                span aria-hidden="true" { (unread_in) }
                                span.sr-only { ", " (unread_in) " unread" }
                            }
                        }
                    }
                    @if !chats.is_empty() {
                        ul aria-labelledby={ "sec-" (key) } {
                            @for c in chats { (chat_link(c, active)) }
                        }
                    } @else if key == "personal" {
                        // Everyone has a personal chat; it is created the first time it is opened.
                        form.rail-empty method="post" action="/new/dm" {
                            (csrf.field())
                            input type="hidden" name="person" value=(rail.me.id);
                            button.linkbtn type="submit" { "Open your personal chat" }
                        }
                    } @else {
                        p.rail-empty { (empty) }
                    }
                }
            }
        }
    }
}

/// The whole rail: who is signed in, "+" (new direct message, new team), the sections, and the
/// footer (desktop notifications, sign out).
pub fn render(rail: &Rail, active: Option<ChatId>, csrf: &Csrf) -> Markup {
    let name = rail.me.full_name();
    html! {
        aside.rail #rail aria-label="Chats" {
            header.rail-head {
                (brand(kit(), Some("/")))
                @if rail.sandbox { (env_tag("Sandbox", Tone::Warn)) }
                details.plus {
                    summary aria-label="New conversation" title="New conversation" { "+" }
                    div.menu role="menu" {
                        a role="menuitem" href="/new/dm" { "New direct message" }
                        a role="menuitem" href="/new/group" { "New group chat" }
                        a role="menuitem" href="/new/team" { "New team" }
                        a role="menuitem" href="/teams" { "Browse public teams" }
                    }
                }
            }
            nav.rail-list #rail-list aria-label="Conversations" { (render_list(rail, active, csrf)) }
            footer.rail-foot {
                a.me href="/me" title="Your profile" {
                    (super::profile::avatar_of(&rail.me, ""))
                    span.nm { (name) }
                    span.sr-only { " (your profile)" }
                }
                button.linkbtn #notify-btn type="button" hidden { "Enable notifications" }
                span.conn #conn role="status" aria-live="polite" {}
                form method="post" action="/signout" {
                    (csrf.field())
                    button.linkbtn type="submit" { "Sign out" }
                }
            }
        }
    }
}

/// `GET /app/rail?active=`: the sections, for the script to swap in after changes.
pub async fn list_fragment(State(st): State<AppState>, v: Viewer, q: Params) -> Answer {
    let active = q
        .get("active")
        .and_then(|a| a.parse::<i64>().ok())
        .map(ChatId);
    let rail = load(&st, &v).await?;
    Ok(fragment(render_list(&rail, active, &v.csrf)))
}
