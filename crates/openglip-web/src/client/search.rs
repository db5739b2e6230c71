//! `GET /app/search`: the search box's page. The rail's box (and the form on this page, which
//! can keep the search to one chat) asks it; it lists the matches, best first, each with its
//! chat, author, time and highlighted snippet, linking to the conversation opened at the message
//! (`/c/{chat}?at={post}#p-{post}`, where the message is marked). Pages of
//! [`RESULTS_PER_PAGE`]. The same rules as the API's search (`openglip_domain::search`): a query
//! the rules refuse is said on the page, in place, with the form kept.

use std::collections::HashMap;

use axum::extract::State;
use maud::{Markup, html};
use openglip_domain::search::{self, SearchHit, SearchQuery};
use openglip_domain::*;

use super::conversation::title_of;
use super::layout::{Answer, page};
use super::rail::{self, Rail, app};
use super::visit::{Viewer, names_of};
use openglip_server::AppState;
use openglip_server::extract::Params;

/// Matches shown per page.
pub const RESULTS_PER_PAGE: usize = 25;
/// The furthest page offered.
const MAX_PAGE: usize = 40;

/// What was asked, as the form shows it again.
struct Asked {
    q: String,
    chat: Option<ChatId>,
    page: usize,
}

/// What the page shows under the form.
enum Outcome {
    /// Nothing asked yet.
    Nothing,
    /// The rules refused the query: why, for people.
    Refused(String),
    Found {
        hits: Vec<SearchHit>,
        more: bool,
        chats: HashMap<ChatId, String>,
        names: HashMap<ExtensionId, Extension>,
    },
}

pub async fn search_page(State(st): State<AppState>, v: Viewer, q: Params) -> Answer {
    let asked = Asked {
        q: q.get("q").unwrap_or("").trim().to_string(),
        chat: q
            .get("chat")
            .and_then(|c| c.trim().parse::<i64>().ok())
            .map(ChatId),
        page: q
            .get("page")
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, MAX_PAGE),
    };
    let rail = rail::load(&st, &v).await?;
    let outcome = run(&st, &v, &rail, &asked).await?;
    let pane = html! {
        header.conv-head {
            a.back href="/" aria-label="Back" { "‹" }
            div.conv-title {
                h1 #conv-title { "Search" }
                span.kind { (summary(&asked, &outcome)) }
            }
        }
        div.scroller.search-pane #search-results tabindex="0" aria-label="Search results" {
            (form(&rail, &asked))
            (results(&asked, &outcome))
        }
    };
    let body = app(&v, rail::render(&rail, None, &v.csrf), pane, None);
    Ok(page("Search", body))
}

/// Runs the search; a query the rules refuse becomes [`Outcome::Refused`], anything else that
/// fails is the page's failure.
async fn run(st: &AppState, v: &Viewer, rail: &Rail, asked: &Asked) -> Result<Outcome> {
    if asked.q.is_empty() {
        return Ok(Outcome::Nothing);
    }
    let terms = match search::terms(&asked.q) {
        Ok(t) => t,
        Err(Error::TooLong { max, .. }) => {
            return Ok(Outcome::Refused(format!(
                "That is too long to search for: at most {max} characters."
            )));
        }
        Err(Error::InvalidParameter {
            detail: Some(d), ..
        }) if d.contains("at most") => {
            return Ok(Outcome::Refused(format!(
                "Search for at most {} words at once.",
                search::MAX_TERMS
            )));
        }
        Err(_) => {
            return Ok(Outcome::Refused(
                "Type a word to search for: letters or digits.".into(),
            ));
        }
    };
    let query = SearchQuery {
        terms,
        chat: asked.chat,
        ..Default::default()
    };
    let offset = (asked.page - 1) * RESULTS_PER_PAGE;
    let (hits, more) = match st
        .service()
        .search_posts(&v.caller, query, offset, RESULTS_PER_PAGE)
        .await
    {
        Err(Error::NotFound(Subject::Chat)) | Err(Error::Forbidden(_)) => {
            return Ok(Outcome::Refused(
                "That chat is not one of yours: search all chats instead.".into(),
            ));
        }
        other => other?,
    };
    let mut chats: HashMap<ChatId, String> = HashMap::new();
    for hit in &hits {
        let id = hit.post.chat_id;
        if chats.contains_key(&id) {
            continue;
        }
        let chat = match rail.chats.iter().find(|c| c.chat.id == id) {
            Some(c) => c.chat.clone(),
            None => st.service().visible_chat(&v.caller, id).await?,
        };
        chats.insert(id, title_of(st, v, rail, &chat).await?);
    }
    let names = names_of(st, v, hits.iter().map(|h| h.post.creator_id)).await?;
    Ok(Outcome::Found {
        hits,
        more: more && asked.page < MAX_PAGE,
        chats,
        names,
    })
}

/// The line under the title: what was found.
fn summary(asked: &Asked, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Found { hits, .. } if hits.is_empty() && asked.page == 1 => {
            format!("No messages match “{}”", asked.q)
        }
        Outcome::Found { hits, more, .. } => {
            let from = (asked.page - 1) * RESULTS_PER_PAGE + 1;
            let to = from + hits.len().saturating_sub(1);
            format!(
                "Messages {from}–{to}{} matching “{}”, best first",
                if *more { " and more" } else { "" },
                asked.q
            )
        }
        _ => "Messages of your chats".into(),
    }
}

/// The search form: the words, and which chat.
fn form(rail: &Rail, asked: &Asked) -> Markup {
    html! {
        form.search-form method="get" action="/app/search" role="search" {
            label.sr-only for="search-q" { "Search messages" }
            input #search-q type="search" name="q" value=(asked.q) maxlength=(search::MAX_QUERY_CHARS)
                placeholder="Words to find" autocomplete="off" required;
            label.sr-only for="search-chat" { "In" }
            select #search-chat name="chat" {
                option value="" selected[asked.chat.is_none()] { "All chats" }
                @for c in &rail.chats {
                    option value=(c.chat.id) selected[asked.chat == Some(c.chat.id)] { (c.title) }
                }
            }
            button.btn.primary type="submit" { "Search" }
        }
    }
}

/// The matches, or why there are none.
fn results(asked: &Asked, outcome: &Outcome) -> Markup {
    match outcome {
        Outcome::Nothing => html! {
            p.muted.search-hint { "Words match the start of words in messages: “deplo” finds “deployment”." }
        },
        Outcome::Refused(why) => html! { p.search-error role="alert" { (why) } },
        Outcome::Found {
            hits,
            more,
            chats,
            names,
        } => html! {
            @if hits.is_empty() {
                p.muted.search-hint { "Nothing found. Try fewer words, or the start of a word." }
            }
            ol.results #results {
                @for hit in hits { (result(hit, chats, names)) }
            }
            nav.search-more aria-label="More results" {
                @if asked.page > 1 {
                    a.btn.small href=(page_link(asked, asked.page - 1)) { "Previous" }
                }
                @if *more {
                    a.btn.small #search-next href=(page_link(asked, asked.page + 1)) { "More results" }
                }
            }
        },
    }
}

fn page_link(asked: &Asked, page: usize) -> String {
    let mut url = form_urlencoded::Serializer::new(String::new());
    url.append_pair("q", &asked.q);
    if let Some(c) = asked.chat {
        url.append_pair("chat", &c.to_string());
    }
    url.append_pair("page", &page.to_string());
    format!("/app/search?{}", url.finish())
}

/// One match: where and by whom, when, and the highlighted snippet; the whole item opens the
/// conversation at the message.
fn result(
    hit: &SearchHit,
    chats: &HashMap<ChatId, String>,
    names: &HashMap<ExtensionId, Extension>,
) -> Markup {
    let p = &hit.post;
    let author = names
        .get(&p.creator_id)
        .map(Extension::full_name)
        .unwrap_or_else(|| format!("User {}", p.creator_id));
    let iso = p.created.to_rfc3339();
    html! {
        li.result data-post=(p.id) data-chat=(p.chat_id) {
            a.hit href={ "/c/" (p.chat_id) "?at=" (p.id) "#p-" (p.id) } {
                span.meta {
                    span.author { (author) }
                    span.in { "in " b { (chats.get(&p.chat_id).map(String::as_str).unwrap_or("a chat")) } }
                    time datetime=(iso) title={ (&iso[..10]) " " (&iso[11..16]) " UTC" } { (&iso[..10]) }
                }
                span.snippet {
                    @for (text, matched) in &hit.highlight.parts {
                        @if *matched { mark { (text) } } @else { (text) }
                    }
                }
            }
        }
    }
}
