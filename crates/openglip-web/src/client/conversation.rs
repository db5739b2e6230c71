//! The conversation pages (home, a conversation, a thread) and the post fragments the script
//! inserts (one post, older or newer posts).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::routing::get;
use maud::{Markup, html};
use openglip_domain::store::{Direction, PageRequest};
use openglip_domain::*;

use super::layout::{Answer, fragment, page};
use super::posts::{PAGE_POSTS, PostCtx, load_posts, posts_html, render_post, timeline};
use super::rail::{self, Rail, app, chat_title};
use super::visit::{Viewer, names_of};
use openglip_server::AppState;
use openglip_server::api::{chat_id, post_id};
use openglip_server::error;
use openglip_server::extract::Params;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/c/{chat}", get(conversation_page))
        .route("/c/{chat}/t/{post}", get(thread_page))
        .route("/c/{chat}/posts", get(posts_fragment))
        .route("/c/{chat}/posts/{post}", get(post_fragment))
}

/// `GET /`: the rail and a welcome pane (the sign-in form for nobody: [`Viewer`]).
async fn home(State(st): State<AppState>, v: Viewer) -> Answer {
    let rail = rail::load(&st, &v).await?;
    let welcome = html! {
        div.welcome {
            h1 { "Hi, " (v.ext.first_name) }
            p { "Pick a chat on the left, or start one." }
            p.row {
                a.btn.primary href="/new/dm" { "New direct message" }
                a.btn href="/new/group" { "New group chat" }
                a.btn href="/new/team" { "New team" }
            }
        }
    };
    let body = app(&v, rail::render(&rail, None, &v.csrf), welcome, None);
    Ok(page("Chats", body))
}

/// What a chat is, under its title: "Public team · 3 members", "Direct message", ….
pub fn kind_label(chat: &Chat) -> String {
    let n = chat.members.len();
    let members = format!("{n} member{}", if n == 1 { "" } else { "s" });
    match chat.kind {
        ChatType::Team => format!(
            "{} team · {members}{}",
            if chat.public { "Public" } else { "Private" },
            if chat.status == ChatStatus::Archived {
                " · Archived"
            } else {
                ""
            }
        ),
        ChatType::Everyone => format!("Everyone in the company · {members}"),
        ChatType::Group => format!("Group · {members}"),
        ChatType::Direct => "Direct message".into(),
        ChatType::Personal => "Only you can see this".into(),
    }
}

/// A chat's title: the rail's when it lists the chat (it holds the newest 250), else worked
/// out (a public team the viewer is not in, an old conversation).
pub(super) async fn title_of(
    st: &AppState,
    v: &Viewer,
    rail: &Rail,
    chat: &Chat,
) -> Result<String> {
    if let Some(c) = rail.chats.iter().find(|c| c.chat.id == chat.id) {
        return Ok(c.title.clone());
    }
    let people = rail::title_people(std::slice::from_ref(chat));
    let names = names_of(st, v, people.into_iter().chain([v.ext.id])).await?;
    Ok(chat_title(chat, v.ext.id, &names))
}

/// The header of a conversation pane: back, title, kind, the favorite star, Details.
fn conv_head(v: &Viewer, rail: &Rail, chat: &Chat, title: &str, back: &str) -> Markup {
    let favorite = rail
        .chats
        .iter()
        .any(|c| c.chat.id == chat.id && c.favorite);
    html! {
        header.conv-head {
            a.back href=(back) aria-label="Back" { "‹" }
            div.conv-title {
                h1 #conv-title { (title) }
                span.kind { (kind_label(chat)) }
            }
            form.inline method="post" action={ "/c/" (chat.id) "/favorite" } data-fetch="reload-rail" {
                (v.csrf.field())
                input type="hidden" name="on" value=(if favorite { 0 } else { 1 });
                button.star type="submit" aria-pressed=(favorite)
                    title=(if favorite { "Remove from favorites" } else { "Add to favorites" }) {
                    (if favorite { "★" } else { "☆" })
                    span.sr-only { "Favorite" }
                }
            }
            a.btn.small href={ "/c/" (chat.id) "/details" } { "Details" }
        }
        (super::teamwork::tabs(chat.id, None))
    }
}

/// The composer of a conversation (or a thread: `parent` set).
fn composer(v: &Viewer, chat: &Chat, title: &str, parent: Option<PostId>) -> Markup {
    if chat.status == ChatStatus::Archived {
        return html! {
            p.composer-off role="note" { "This team is archived: it can be read, not written to." }
        };
    }
    let thread = parent.map(|p| p.to_string()).unwrap_or_default();
    let placeholder = match parent {
        Some(_) => "Reply in thread".to_string(),
        None => format!("Message {title}"),
    };
    html! {
        form #composer .composer method="post" action={ "/c/" (chat.id) "/posts" } data-thread=(thread) {
            (v.csrf.field())
            input #composer-parent type="hidden" name="parent" value=(thread);
            div.replying #replying hidden {
                span { "Replying to " b #replying-to {} }
                button.linkbtn #reply-cancel type="button" { "Cancel" }
            }
            div.compose-row {
                label.sr-only for="composer-text" { "Message " (title) }
                textarea #composer-text name="text" rows="1" placeholder=(placeholder)
                    autocomplete="off" aria-describedby="composer-hint" aria-autocomplete="list"
                    aria-controls="mention-list" maxlength="10000" {}
                // Files: the attach button, paste and drop (`assets/files.js`).
                button.btn.attach #attach type="button" title="Attach files (or paste or drop them)" hidden { "Attach" }
                input #attach-input type="file" multiple hidden;
                button.btn.primary.send type="submit" { "Send" }
            }
            ul #uploads .uploads aria-live="polite" {}
            ul #mention-list .mention-list role="listbox" aria-label="People to mention" hidden {}
            p #composer-hint .hint {
                "Enter sends · Shift+Enter new line · @ mentions · **bold** *italics* > quote"
            }
        }
    }
}

/// The chat of a page, as the viewer may see it.
pub async fn visible(st: &AppState, v: &Viewer, chat: &str) -> Result<Chat> {
    st.service().visible_chat(&v.caller, chat_id(chat)?).await
}

/// `GET /c/{chat}`: the conversation, its newest posts, the composer.
/// With `?at={post}` (a search result), opened at that message, which is marked: the page of
/// posts up to it, older ones above.
async fn conversation_page(
    State(st): State<AppState>,
    v: Viewer,
    Path(chat): Path<String>,
    q: Params,
) -> Answer {
    let at = q
        .get("at")
        .map(|a| error::id::<PostId>(Subject::Post, a))
        .transpose()?;
    let (title, body) = conversation(&st, &v, &chat, at).await?;
    Ok(page(&title, body))
}

async fn conversation(
    st: &AppState,
    v: &Viewer,
    chat: &str,
    at: Option<PostId>,
) -> Result<(String, Markup)> {
    let chat = visible(st, v, chat).await?;
    let member = chat.is_member(v.ext.id);
    let rail = rail::load(st, v).await?;
    // Whether the timeline stops before the newest posts (opened at an older message).
    let mut jumped = false;
    let (posts, more) = if member {
        // Opening a chat reads it (a write only when there was something unread; the rail does
        // not count the open chat).
        if rail
            .chats
            .iter()
            .any(|c| c.chat.id == chat.id && c.unread.is_some())
        {
            st.service()
                .set_read(&v.caller, chat.id, true, None)
                .await?;
        }
        let newest = PageRequest {
            cursor: None,
            direction: Direction::Older,
            limit: PAGE_POSTS,
        };
        let (posts, more) = load_posts(st, v, &chat, None, newest).await?;
        match at {
            // Older than the newest page: the page that ends with it (newer posts come back with
            // the conversation opened plainly, the link under the timeline).
            Some(at) if posts.first().is_some_and(|p| p.id > at) => {
                let upto = PageRequest {
                    cursor: Some(at.0 + 1),
                    direction: Direction::Older,
                    limit: PAGE_POSTS,
                };
                let (older, more) = load_posts(st, v, &chat, None, upto).await?;
                jumped = true;
                (older, more)
            }
            _ => (posts, more),
        }
    } else {
        (vec![], false)
    };
    let title = title_of(st, v, &rail, &chat).await?;
    let mut ctx = PostCtx::load(st, v, chat.clone(), &posts, false).await?;
    ctx.found = at;
    let base = format!("/c/{}/posts", chat.id);
    let pane = html! {
        (conv_head(v, &rail, &chat, &title, "/"))
        (timeline(&ctx, &posts, more, &base))
        @if jumped {
            p.newer #newer { a href={ "/c/" (chat.id) } { "Newer messages: go to the latest" } }
        }
        @if member {
            (composer(v, &chat, &title, None))
        } @else {
            form.composer-off method="post" action={ "/c/" (chat.id) "/join" } {
                (v.csrf.field())
                span { "You are not a member of this public team." }
                button.btn.primary type="submit" { "Join team" }
            }
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

/// `GET /c/{chat}/t/{post}`: a thread (its first post and the replies), with a composer that
/// replies in it.
async fn thread_page(
    State(st): State<AppState>,
    v: Viewer,
    Path((chat, post)): Path<(String, String)>,
) -> Answer {
    let (title, body) = thread(&st, &v, &chat, &post).await?;
    Ok(page(&format!("Thread · {title}"), body))
}

async fn thread(st: &AppState, v: &Viewer, chat: &str, post: &str) -> Result<(String, Markup)> {
    let chat = st.service().member_chat(&v.caller, chat_id(chat)?).await?;
    let root: PostId = error::id(Subject::Thread, post)?;
    let all = PageRequest {
        cursor: None,
        direction: Direction::Older,
        limit: 250,
    };
    let (posts, _) = load_posts(st, v, &chat, Some(root), all).await?;
    let rail = rail::load(st, v).await?;
    let title = title_of(st, v, &rail, &chat).await?;
    let ctx = PostCtx::load(st, v, chat.clone(), &posts, true).await?;
    let back = format!("/c/{}", chat.id);
    let pane = html! {
        (conv_head(v, &rail, &chat, &format!("Thread in {title}"), &back))
        div.scroller #scroller tabindex="0" aria-label="Messages" {
            p.older.start { a href=(back) { "Back to the conversation" } }
            ol.timeline.thread #timeline { (posts_html(&ctx, &posts)) }
        }
        (composer(v, &chat, &title, Some(root)))
    };
    let body = app(
        v,
        rail::render(&rail, Some(chat.id), &v.csrf),
        pane,
        Some(chat.id),
    );
    Ok((title, body))
}

/// `GET /c/{chat}/posts?before=ID` (older, for scrolling up) or `?after=ID` (newer, to catch up
/// after a reconnect): the posts as list items, oldest first; `X-More: 1` when there are more.
async fn posts_fragment(
    State(st): State<AppState>,
    v: Viewer,
    Path(chat): Path<String>,
    q: Params,
) -> Answer {
    let (items, more) = posts_page(&st, &v, &chat, &q).await?;
    let mut resp = fragment(items);
    resp.headers_mut().insert(
        "x-more",
        HeaderValue::from_static(if more { "1" } else { "0" }),
    );
    Ok(resp)
}

async fn posts_page(st: &AppState, v: &Viewer, chat: &str, q: &Params) -> Result<(Markup, bool)> {
    let chat = st.service().member_chat(&v.caller, chat_id(chat)?).await?;
    let cursor = |name: &str| -> Result<Option<i64>> {
        q.get(name)
            .map(|s| s.trim().parse::<i64>().map_err(|_| Error::invalid(name)))
            .transpose()
    };
    let page = match (cursor("before")?, cursor("after")?) {
        (Some(b), None) => PageRequest {
            cursor: Some(b),
            direction: Direction::Older,
            limit: PAGE_POSTS,
        },
        (None, Some(a)) => PageRequest {
            cursor: Some(a),
            direction: Direction::Newer,
            limit: 100,
        },
        _ => {
            return Err(Error::invalid_because(
                "before",
                "Give exactly one of before and after",
            ));
        }
    };
    let (posts, more) = load_posts(st, v, &chat, None, page).await?;
    let ctx = PostCtx::load(st, v, chat, &posts, false).await?;
    Ok((posts_html(&ctx, &posts), more))
}

/// `GET /c/{chat}/posts/{post}[?thread=1]`: one post as a list item (for live updates; in a
/// thread's page, without the "in reply to" line).
async fn post_fragment(
    State(st): State<AppState>,
    v: Viewer,
    Path((chat, post)): Path<(String, String)>,
    q: Params,
) -> Answer {
    let in_thread = q.get("thread").is_some_and(|t| t == "1");
    let chat = chat_id(&chat)?;
    let p = st.service().post(&v.caller, chat, post_id(&post)?).await?;
    Ok(fragment(render_post(&st, &v, chat, &p, in_thread).await?))
}
