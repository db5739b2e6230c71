//! The left rail: the viewer's chats in sections (Favorites, Direct Messages, Teams, Groups,
//! Personal), most recent first, with unread counts; and chat titles as people read them.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use openglip_domain::store::Unread;
use openglip_domain::*;

use super::*;
use openglip_server::AppState;
use openglip_server::extract::Params;

/// Chats listed in the rail at most.
const RAIL_LIMIT: usize = 250;

pub struct RailChat {
    pub chat: Chat,
    pub title: String,
    pub unread: Option<Unread>,
    pub favorite: bool,
}

pub struct Rail {
    pub chats: Vec<RailChat>,
    pub me: Extension,
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
            chat,
        })
        .collect();
    Ok(Rail {
        chats,
        me: v.ext.clone(),
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

fn chat_link(c: &RailChat, active: Option<ChatId>) -> String {
    let is_active = active == Some(c.chat.id);
    let badge = match c.unread {
        Some(u) if !is_active => format!(
            "<span class=\"badge{}\"><span aria-hidden=\"true\">{}</span><span class=\"sr-only\">, {} unread{}</span></span>",
            if u.mentioned || c.chat.kind == ChatType::Direct {
                " strong"
            } else {
                ""
            },
            if u.count >= 100 {
                "99+".to_string()
            } else {
                u.count.to_string()
            },
            u.count,
            if u.mentioned { ", mentions you" } else { "" },
        ),
        _ => String::new(),
    };
    let icon = match c.chat.kind {
        ChatType::Team | ChatType::Everyone => {
            "<span class=\"av team\" aria-hidden=\"true\">#</span>".to_string()
        }
        _ => format!(
            "<span class=\"av\" aria-hidden=\"true\">{}</span>",
            esc(&initials(&c.title))
        ),
    };
    format!(
        "<li><a href=\"/c/{id}\" class=\"chat{unread}{archived}\" data-chat=\"{id}\" data-kind=\"{kind}\" \
         data-name=\"{name}\"{current}>{icon}<span class=\"nm\">{name}</span>{badge}</a></li>",
        id = c.chat.id,
        unread = if c.unread.is_some() && !is_active {
            " unread"
        } else {
            ""
        },
        archived = if c.chat.status == ChatStatus::Archived {
            " archived"
        } else {
            ""
        },
        kind = c.chat.kind.as_str(),
        name = esc(&c.title),
        current = if is_active {
            " aria-current=\"page\""
        } else {
            ""
        },
    )
}

/// The list of sections (the part the script refreshes).
pub fn render_list(rail: &Rail, active: Option<ChatId>, csrf: &str) -> String {
    let sections: [(&str, &str, &str); 5] = [
        ("favorites", "Favorites", ""),
        ("direct", "Direct Messages", "No direct messages yet."),
        ("teams", "Teams", "No teams yet."),
        ("groups", "Groups", "No group chats yet."),
        ("personal", "Personal", ""),
    ];
    let mut out = String::new();
    for (key, heading, empty) in sections {
        let items: String = rail
            .chats
            .iter()
            .filter(|c| section_of(c) == key)
            .map(|c| chat_link(c, active))
            .collect();
        let unread_in: u32 = rail
            .chats
            .iter()
            .filter(|c| section_of(c) == key && active != Some(c.chat.id))
            .filter_map(|c| c.unread.map(|u| u.count))
            .sum();
        if items.is_empty() && key == "favorites" {
            continue;
        }
        let body = if !items.is_empty() {
            format!("<ul aria-labelledby=\"sec-{key}\">{items}</ul>")
        } else if key == "personal" {
            // Everyone has a personal chat; it is created the first time it is opened.
            format!(
                "<form method=\"post\" action=\"/new/dm\" class=\"rail-empty\">{}\
                 <input type=\"hidden\" name=\"person\" value=\"{}\">\
                 <button class=\"linkbtn\" type=\"submit\">Open your personal chat</button></form>",
                csrf_field(csrf),
                rail.me.id
            )
        } else {
            format!("<p class=\"rail-empty\">{}</p>", esc(empty))
        };
        out.push_str(&format!(
            "<section class=\"rail-sec\" data-section=\"{key}\"><h2 id=\"sec-{key}\">{heading}{}</h2>{body}</section>",
            if unread_in > 0 {
                format!(" <span class=\"sec-count\"><span aria-hidden=\"true\">{unread_in}</span><span class=\"sr-only\">, {unread_in} unread</span></span>")
            } else {
                String::new()
            }
        ));
    }
    out
}

/// The whole rail: who is signed in, "+" (new direct message, new team), the sections, and the
/// footer (desktop notifications, sign out).
pub fn render(rail: &Rail, active: Option<ChatId>, csrf: &str) -> String {
    let me = &rail.me;
    format!(
        "<aside class=\"rail\" id=\"rail\" aria-label=\"Chats\">\
         <header class=\"rail-head\"><a class=\"brand\" href=\"/\"><span class=\"logo\" aria-hidden=\"true\">og</span>openglip</a>\
         <details class=\"plus\"><summary aria-label=\"New conversation\" title=\"New conversation\">+</summary>\
         <div class=\"menu\" role=\"menu\"><a role=\"menuitem\" href=\"/new/dm\">New direct message</a>\
         <a role=\"menuitem\" href=\"/new/team\">New team</a><a role=\"menuitem\" href=\"/teams\">Browse public teams</a></div></details></header>\
         <nav class=\"rail-list\" id=\"rail-list\" aria-label=\"Conversations\">{list}</nav>\
         <footer class=\"rail-foot\"><span class=\"me\"><span class=\"av\" aria-hidden=\"true\">{ini}</span>\
         <span class=\"nm\">{name}</span></span>\
         <button type=\"button\" class=\"linkbtn\" id=\"notify-btn\" hidden>Enable notifications</button>\
         <span class=\"conn\" id=\"conn\" role=\"status\" aria-live=\"polite\"></span>\
         <form method=\"post\" action=\"/signout\">{csrf}<button class=\"linkbtn\" type=\"submit\">Sign out</button></form>\
         </footer></aside>",
        list = render_list(rail, active, csrf),
        ini = esc(&initials(&me.full_name())),
        name = esc(&me.full_name()),
        csrf = csrf_field(csrf),
    )
}

/// `GET /app/rail?active=`: the sections, for the script to swap in after changes.
pub async fn fragment(State(st): State<AppState>, headers: HeaderMap, q: Params) -> Response {
    let v = match viewer(&st, &headers).await {
        Ok(Some(v)) => v,
        Ok(None) => {
            return client_error(
                &headers,
                Error::Unauthenticated(openglip_domain::AuthFailure::Missing),
            );
        }
        Err(e) => return client_error(&headers, e),
    };
    let active = q
        .get("active")
        .and_then(|a| a.parse::<i64>().ok())
        .map(ChatId);
    match load(&st, &v).await {
        Ok(rail) => client_html(
            StatusCode::OK,
            render_list(&rail, active, &v.csrf),
            v.cookies,
        ),
        Err(e) => client_error(&headers, e),
    }
}
