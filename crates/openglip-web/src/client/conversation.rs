//! The pages of the client (home, a conversation, a thread, a chat's details, new direct
//! message, new team) and the post fragments the script inserts (one post, older or newer
//! posts).

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use openglip_domain::service::Service;
use openglip_domain::store::{Direction, PageRequest};
use openglip_domain::*;

use super::rail::{self, chat_title};
use super::*;
use openglip_server::AppState;
use openglip_server::api::{chat_id, post_id};
use openglip_server::error;
use openglip_server::extract::Params;

/// Posts shown when a conversation opens, and per page when scrolling up.
pub const PAGE_POSTS: usize = 40;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/c/{chat}", get(page))
        .route("/c/{chat}/t/{post}", get(thread_page))
        .route("/c/{chat}/details", get(details_page))
        .route("/c/{chat}/posts", get(posts_fragment))
        .route("/c/{chat}/posts/{post}", get(post_fragment))
        .route("/new/dm", get(new_dm_page))
        .route("/new/team", get(new_team_page))
        .route("/teams", get(browse_teams))
}

/// The viewer, or the response that asks them to sign in.
pub async fn require(st: &AppState, headers: &HeaderMap) -> std::result::Result<Viewer, Response> {
    require_at(st, headers, "/").await
}

/// As [`require`], coming back to `here` after signing in (links to a chat, notifications).
pub async fn require_at(
    st: &AppState,
    headers: &HeaderMap,
    here: &str,
) -> std::result::Result<Viewer, Response> {
    match viewer(st, headers).await {
        Ok(Some(v)) => Ok(v),
        Ok(None) if is_fetch(headers) => Err(client_error(
            headers,
            Error::Unauthenticated(openglip_domain::AuthFailure::Missing),
        )),
        Ok(None) => Err(signin_page(st, headers, here)),
        Err(e) => Err(client_error(headers, e)),
    }
}

/// The page around a pane: the rail and the pane.
fn shell(v: &Viewer, rail_html: &str, main: &str, chat: Option<ChatId>) -> String {
    format!(
        "<div class=\"app{}\" id=\"app\" data-me=\"{}\" data-csrf=\"{}\" data-chat=\"{}\">{rail_html}\
         <main id=\"main\" class=\"pane\">{main}</main></div>",
        if chat.is_some() { " has-chat" } else { "" },
        v.ext.id,
        esc(&v.csrf),
        chat.map(|c| c.to_string()).unwrap_or_default(),
    )
}

fn page_response(v: Viewer, title: &str, body: String) -> Response {
    client_html(StatusCode::OK, client_document(title, "", &body), v.cookies)
}

/// `GET /`: sign-in, or the rail and a welcome pane.
pub async fn home(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let v = match require(&st, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let rail = match rail::load(&st, &v).await {
        Ok(r) => r,
        Err(e) => return client_error(&headers, e),
    };
    let main = format!(
        "<div class=\"welcome\"><h1>Hi, {}</h1><p>Pick a chat on the left, or start one.</p>\
         <p class=\"row\"><a class=\"btn primary\" href=\"/new/dm\">New direct message</a>\
         <a class=\"btn\" href=\"/new/team\">New team</a></p></div>",
        esc(&v.ext.first_name)
    );
    let body = shell(&v, &rail::render(&rail, None, &v.csrf), &main, None);
    page_response(v, "Chats", body)
}

// ------------------------------------------------------------------------------------ posts

/// What rendering posts needs: who reads, the chat, names, and the parents of replies.
pub struct PostCtx {
    pub me: ExtensionId,
    pub chat: Chat,
    pub names: HashMap<ExtensionId, Extension>,
    pub parents: HashMap<PostId, Post>,
    /// Inside a thread's page (replies need no "in reply to").
    pub in_thread: bool,
}

impl PostCtx {
    /// Looks up the names and parents `posts` refer to.
    pub async fn load(
        st: &AppState,
        v: &Viewer,
        chat: Chat,
        posts: &[Post],
        in_thread: bool,
    ) -> Result<PostCtx> {
        let mut parents: HashMap<PostId, Post> = HashMap::new();
        if !in_thread {
            let present: HashMap<PostId, &Post> = posts.iter().map(|p| (p.id, p)).collect();
            for p in posts {
                let Some(parent) = p.parent_post_id else {
                    continue;
                };
                if parents.contains_key(&parent) {
                    continue;
                }
                if let Some(found) = present.get(&parent) {
                    parents.insert(parent, (*found).clone());
                } else {
                    match st.service().post(&v.caller, chat.id, parent).await {
                        Ok(found) => {
                            parents.insert(parent, found);
                        }
                        Err(Error::NotFound(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        let ids = posts
            .iter()
            .chain(parents.values())
            .flat_map(|p| {
                std::iter::once(p.creator_id)
                    .chain(p.added_person_ids.iter().copied())
                    .chain(p.removed_person_ids.iter().copied())
            })
            .chain(std::iter::once(v.ext.id));
        Ok(PostCtx {
            me: v.ext.id,
            names: names_of(st, v, ids).await?,
            chat,
            parents,
            in_thread,
        })
    }

    fn name(&self, id: ExtensionId) -> String {
        self.names
            .get(&id)
            .map(Extension::full_name)
            .unwrap_or_else(|| format!("User {id}"))
    }

    fn names(&self, ids: &[ExtensionId]) -> String {
        let names: Vec<String> = ids.iter().map(|i| self.name(*i)).collect();
        match names.len() {
            0 => "nobody".into(),
            1 => names[0].clone(),
            n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        }
    }
}

/// `<time>` in UTC; the script shows it in the reader's time zone.
fn time_html(t: Timestamp) -> String {
    let iso = t.to_rfc3339();
    format!(
        "<time datetime=\"{iso}\" title=\"{} {} UTC\">{} UTC</time>",
        &iso[..10],
        &iso[11..16],
        &iso[11..16]
    )
}

/// One post as a list item of the timeline.
pub fn post_html(ctx: &PostCtx, p: &Post) -> String {
    let chat = ctx.chat.id;
    let when = time_html(p.created);
    if p.kind != PostType::TextMessage {
        let what = match p.kind {
            PostType::PersonJoined => format!("{} joined the team", ctx.name(p.creator_id)),
            PostType::PersonsAdded => format!(
                "{} added {}",
                ctx.name(p.creator_id),
                ctx.names(&p.added_person_ids)
            ),
            PostType::PersonsRemoved => {
                if p.removed_person_ids == [p.creator_id] {
                    format!("{} left the team", ctx.name(p.creator_id))
                } else {
                    format!(
                        "{} removed {}",
                        ctx.name(p.creator_id),
                        ctx.names(&p.removed_person_ids)
                    )
                }
            }
            PostType::TextMessage => String::new(),
        };
        return format!(
            "<li class=\"post system\" id=\"p-{id}\" data-id=\"{id}\"><span class=\"sys\">{}</span> {when}</li>",
            esc(&what),
            id = p.id
        );
    }
    let author = ctx.names.get(&p.creator_id);
    let author_name = ctx.name(p.creator_id);
    let is_bot = author.is_some_and(|a| a.kind == ExtensionType::Bot);
    let mine = p.creator_id == ctx.me;
    let edited = p.modified != p.created;
    let reply = match p.parent_post_id {
        Some(parent) if !ctx.in_thread => {
            let quote = match ctx.parents.get(&parent) {
                Some(pp) => format!(
                    "<b>{}</b> {}",
                    esc(&ctx.name(pp.creator_id)),
                    esc(&render::plain(&pp.text, &pp.mentions, 80))
                ),
                None => "a deleted message".into(),
            };
            format!(
                "<a class=\"replyto\" href=\"/c/{chat}/t/{parent}\" title=\"Open the thread\">\
                 <span aria-hidden=\"true\">↪</span> <span class=\"sr-only\">In reply to </span>{quote}</a>"
            )
        }
        _ => String::new(),
    };
    let title = p
        .title
        .as_deref()
        .map(|t| format!("<div class=\"ptitle\">{}</div>", esc(t)))
        .unwrap_or_default();
    let actions = {
        let mut a = format!(
            "<button type=\"button\" class=\"act\" data-act=\"reply\" data-author=\"{}\">Reply</button>",
            esc(&author_name)
        );
        if mine {
            a.push_str(
                "<button type=\"button\" class=\"act\" data-act=\"edit\">Edit</button>\
                 <button type=\"button\" class=\"act danger\" data-act=\"delete\">Delete</button>",
            );
        }
        a
    };
    let raw = if mine {
        format!(" data-text=\"{}\"", esc(&p.text))
    } else {
        String::new()
    };
    let mentions_me = p
        .mentions
        .iter()
        .any(|m| m.kind == MentionType::Person && m.id == ctx.me.0);
    format!(
        "<li class=\"post{mine}{reply_cls}{mention_cls}\" id=\"p-{id}\" data-id=\"{id}\" data-author=\"{author_id}\"{parent}{raw}>\
         <span class=\"av{bot_cls}\" aria-hidden=\"true\">{ini}</span><div class=\"pbody\">\
         <div class=\"meta\"><span class=\"author\">{name}</span>{bot}\
         <a class=\"ts\" href=\"/c/{chat}#p-{id}\">{when}</a>{edited}</div>{reply}{title}\
         <div class=\"text\">{text}</div>{atts}\
         <div class=\"actions\" role=\"group\" aria-label=\"Message actions\">{actions}</div></div></li>",
        mine = if mine { " mine" } else { "" },
        parent = p
            .parent_post_id
            .map(|pp| format!(" data-parent=\"{pp}\""))
            .unwrap_or_default(),
        reply_cls = if reply.is_empty() { "" } else { " reply" },
        mention_cls = if mentions_me { " mentions-me" } else { "" },
        id = p.id,
        author_id = p.creator_id,
        bot_cls = if is_bot { " bot" } else { "" },
        ini = esc(&initials(&author_name)),
        name = esc(&author_name),
        bot = if is_bot {
            "<span class=\"tag\">Bot</span>"
        } else {
            ""
        },
        edited = if edited {
            "<span class=\"edited\">(edited)</span>"
        } else {
            ""
        },
        text = render::message(&p.text, &p.mentions, ctx.me.0),
        atts = render::attachments(&p.attachments),
    )
}

fn posts_html(ctx: &PostCtx, posts: &[Post]) -> String {
    posts.iter().map(|p| post_html(ctx, p)).collect()
}

/// The posts of a page request, oldest first, and whether more exist past them.
async fn load_posts(
    st: &AppState,
    v: &Viewer,
    chat: &Chat,
    thread: Option<PostId>,
    page: PageRequest,
) -> Result<(Vec<Post>, bool)> {
    let got = st
        .service()
        .list_posts(&v.caller, chat.id, thread, page)
        .await?;
    let more = match page.direction {
        Direction::Older => got.has_older,
        Direction::Newer => got.has_newer,
    };
    let mut items = got.items;
    items.sort_by_key(|p| p.id);
    Ok((items, more))
}

// ------------------------------------------------------------------------ the conversation

fn kind_label(chat: &Chat) -> String {
    let members = format!(
        "{} member{}",
        chat.members.len(),
        if chat.members.len() == 1 { "" } else { "s" }
    );
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
async fn title_of(st: &AppState, v: &Viewer, rail: &rail::Rail, chat: &Chat) -> Result<String> {
    if let Some(c) = rail.chats.iter().find(|c| c.chat.id == chat.id) {
        return Ok(c.title.clone());
    }
    let people = rail::title_people(std::slice::from_ref(chat));
    let names = names_of(st, v, people.into_iter().chain([v.ext.id])).await?;
    Ok(chat_title(chat, v.ext.id, &names))
}

/// The header of a conversation pane.
fn conv_head(v: &Viewer, rail: &rail::Rail, chat: &Chat, title: &str, back: &str) -> String {
    let favorite = rail
        .chats
        .iter()
        .any(|c| c.chat.id == chat.id && c.favorite);
    format!(
        "<header class=\"conv-head\"><a class=\"back\" href=\"{back}\" aria-label=\"Back\">‹</a>\
         <div class=\"conv-title\"><h1 id=\"conv-title\">{title}</h1><span class=\"kind\">{kind}</span></div>\
         <form method=\"post\" action=\"/c/{id}/favorite\" class=\"inline\" data-fetch=\"reload-rail\">{csrf}\
         <input type=\"hidden\" name=\"on\" value=\"{next}\"><button class=\"star\" type=\"submit\" aria-pressed=\"{pressed}\" \
         title=\"{star_title}\">{star}<span class=\"sr-only\">Favorite</span></button></form>\
         <a class=\"btn small\" href=\"/c/{id}/details\">Details</a></header>",
        title = esc(title),
        kind = esc(&kind_label(chat)),
        id = chat.id,
        csrf = csrf_field(&v.csrf),
        next = if favorite { 0 } else { 1 },
        pressed = favorite,
        star_title = if favorite {
            "Remove from favorites"
        } else {
            "Add to favorites"
        },
        star = if favorite { "★" } else { "☆" },
    )
}

/// The composer of a conversation (or a thread: `parent` set).
fn composer(v: &Viewer, chat: &Chat, title: &str, parent: Option<PostId>) -> String {
    if chat.status == ChatStatus::Archived {
        return "<p class=\"composer-off\" role=\"note\">This team is archived: it can be read, not written to.</p>".into();
    }
    format!(
        "<form id=\"composer\" class=\"composer\" method=\"post\" action=\"/c/{id}/posts\" data-thread=\"{thread}\">{csrf}\
         <input type=\"hidden\" name=\"parent\" id=\"composer-parent\" value=\"{thread}\">\
         <div class=\"replying\" id=\"replying\" hidden><span>Replying to <b id=\"replying-to\"></b></span>\
         <button type=\"button\" class=\"linkbtn\" id=\"reply-cancel\">Cancel</button></div>\
         <div class=\"compose-row\"><label for=\"composer-text\" class=\"sr-only\">Message {title}</label>\
         <textarea id=\"composer-text\" name=\"text\" rows=\"1\" placeholder=\"{placeholder}\" autocomplete=\"off\" \
         aria-describedby=\"composer-hint\" aria-autocomplete=\"list\" aria-controls=\"mention-list\" maxlength=\"10000\"></textarea>\
         <button class=\"btn primary send\" type=\"submit\">Send</button></div>\
         <ul id=\"mention-list\" class=\"mention-list\" role=\"listbox\" aria-label=\"People to mention\" hidden></ul>\
         <p id=\"composer-hint\" class=\"hint\">Enter sends · Shift+Enter new line · @ mentions · **bold** *italics* &gt; quote</p></form>",
        id = chat.id,
        thread = parent.map(|p| p.to_string()).unwrap_or_default(),
        csrf = csrf_field(&v.csrf),
        title = esc(title),
        placeholder = esc(&match parent {
            Some(_) => "Reply in thread".to_string(),
            None => format!("Message {title}"),
        }),
    )
}

/// The chat of a page, as the viewer may see it.
async fn visible(st: &AppState, v: &Viewer, chat: &str) -> Result<Chat> {
    st.service().visible_chat(&v.caller, chat_id(chat)?).await
}

/// `GET /c/{chat}`: the conversation, its newest posts, the composer.
async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
) -> Response {
    let v = match require_at(&st, &headers, &format!("/c/{}", enc(&chat))).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match conversation(&st, &v, &chat).await {
        Ok((title, body)) => page_response(v, &title, body),
        Err(e) => client_error(&headers, e),
    }
}

async fn conversation(st: &AppState, v: &Viewer, chat: &str) -> Result<(String, String)> {
    let chat = visible(st, v, chat).await?;
    let member = chat.is_member(v.ext.id);
    let rail = rail::load(st, v).await?;
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
        load_posts(
            st,
            v,
            &chat,
            None,
            PageRequest {
                cursor: None,
                direction: Direction::Older,
                limit: PAGE_POSTS,
            },
        )
        .await?
    } else {
        (vec![], false)
    };
    let title = title_of(st, v, &rail, &chat).await?;
    let head = conv_head(v, &rail, &chat, &title, "/");
    let ctx = PostCtx::load(st, v, chat.clone(), &posts, false).await?;
    let timeline = timeline(&ctx, &posts, more, &format!("/c/{}/posts", chat.id));
    let bottom = if member {
        composer(v, &chat, &title, None)
    } else {
        format!(
            "<form method=\"post\" action=\"/c/{}/join\" class=\"composer-off\">{}<span>You are not a member of this public team.</span>\
             <button class=\"btn primary\" type=\"submit\">Join team</button></form>",
            chat.id,
            csrf_field(&v.csrf)
        )
    };
    let main = format!("{head}{timeline}{bottom}");
    let body = shell(
        v,
        &rail::render(&rail, Some(chat.id), &v.csrf),
        &main,
        Some(chat.id),
    );
    Ok((title, body))
}

/// The scrolling list of posts, with the link to older ones.
fn timeline(ctx: &PostCtx, posts: &[Post], more: bool, base: &str) -> String {
    let older = match (more, posts.first()) {
        (true, Some(first)) => format!(
            "<a class=\"older\" id=\"older\" href=\"{base}?before={}\" data-before=\"{}\">Show older messages</a>",
            first.id, first.id
        ),
        _ => "<p class=\"older start\" id=\"older\">This is the start of the conversation.</p>"
            .into(),
    };
    format!(
        "<div class=\"scroller\" id=\"scroller\" tabindex=\"0\" aria-label=\"Messages\">{older}\
         <ol class=\"timeline\" id=\"timeline\">{}</ol></div>",
        posts_html(ctx, posts)
    )
}

/// `GET /c/{chat}/t/{post}`: a thread (its first post and the replies), with a composer that
/// replies in it.
async fn thread_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((chat, post)): Path<(String, String)>,
) -> Response {
    let here = format!("/c/{}/t/{}", enc(&chat), enc(&post));
    let v = match require_at(&st, &headers, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let r = async {
        let chat = st.service().member_chat(&v.caller, chat_id(&chat)?).await?;
        let root: PostId = error::id(Subject::Thread, &post)?;
        let (posts, _) = load_posts(
            &st,
            &v,
            &chat,
            Some(root),
            PageRequest {
                cursor: None,
                direction: Direction::Older,
                limit: 250,
            },
        )
        .await?;
        let rail = rail::load(&st, &v).await?;
        let title = title_of(&st, &v, &rail, &chat).await?;
        let head = conv_head(
            &v,
            &rail,
            &chat,
            &format!("Thread in {title}"),
            &format!("/c/{}", chat.id),
        );
        let ctx = PostCtx::load(&st, &v, chat.clone(), &posts, true).await?;
        let main = format!(
            "{head}<div class=\"scroller\" id=\"scroller\" tabindex=\"0\" aria-label=\"Messages\">\
             <p class=\"older start\"><a href=\"/c/{}\">Back to the conversation</a></p>\
             <ol class=\"timeline thread\" id=\"timeline\">{}</ol></div>{}",
            chat.id,
            posts_html(&ctx, &posts),
            composer(&v, &chat, &title, Some(root))
        );
        let body = shell(
            &v,
            &rail::render(&rail, Some(chat.id), &v.csrf),
            &main,
            Some(chat.id),
        );
        Ok::<_, Error>((title, body))
    }
    .await;
    match r {
        Ok((title, body)) => page_response(v, &format!("Thread · {title}"), body),
        Err(e) => client_error(&headers, e),
    }
}

/// `GET /c/{chat}/posts?before=ID` (older, for scrolling up) or `?after=ID` (newer, to catch up
/// after a reconnect): the posts as list items, oldest first; `X-More: 1` when there are more.
async fn posts_fragment(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
    q: Params,
) -> Response {
    let v = match require(&st, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let r = async {
        let chat = st.service().member_chat(&v.caller, chat_id(&chat)?).await?;
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
        let (posts, more) = load_posts(&st, &v, &chat, None, page).await?;
        let ctx = PostCtx::load(&st, &v, chat, &posts, false).await?;
        Ok::<_, Error>((posts_html(&ctx, &posts), more))
    }
    .await;
    match r {
        Ok((html_text, more)) => {
            let mut resp = client_html(StatusCode::OK, html_text, vec![]);
            resp.headers_mut().insert(
                "x-more",
                HeaderValue::from_static(if more { "1" } else { "0" }),
            );
            resp
        }
        Err(e) => client_error(&headers, e),
    }
}

/// `GET /c/{chat}/posts/{post}[?thread=1]`: one post as a list item (for live updates; in a
/// thread's page, without the "in reply to" line).
async fn post_fragment(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((chat, post)): Path<(String, String)>,
    q: Params,
) -> Response {
    let v = match require(&st, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let in_thread = q.get("thread").is_some_and(|t| t == "1");
    let found = async {
        st.service()
            .post(&v.caller, chat_id(&chat)?, post_id(&post)?)
            .await
    };
    let html_text = match found.await {
        Ok(p) => render_post(&st, &v, &chat, &p, in_thread).await,
        Err(e) => Err(e),
    };
    match html_text {
        Ok(h) => client_html(StatusCode::OK, h, vec![]),
        Err(e) => client_error(&headers, e),
    }
}

/// `p`, a post of `chat` the viewer may see, as a list item.
pub async fn render_post(
    st: &AppState,
    v: &Viewer,
    chat: &str,
    p: &Post,
    in_thread: bool,
) -> Result<String> {
    let chat = st.service().member_chat(&v.caller, chat_id(chat)?).await?;
    let ctx = PostCtx::load(st, v, chat, std::slice::from_ref(p), in_thread).await?;
    Ok(post_html(&ctx, p))
}

// ------------------------------------------------------------------------------- details

/// `GET /c/{chat}/details`: members (add, remove), favorite, leave, archive.
async fn details_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(chat): Path<String>,
) -> Response {
    let v = match require(&st, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let r = async {
        let chat = visible(&st, &v, &chat).await?;
        let rail = rail::load(&st, &v).await?;
        let names = names_of(&st, &v, chat.members.iter().copied().chain([v.ext.id])).await?;
        let title = chat_title(&chat, v.ext.id, &names);
        let manage = Service::can_manage(&v.caller, &chat);
        let member = chat.is_member(v.ext.id);
        let is_team = chat.kind == ChatType::Team;
        let active = chat.status == ChatStatus::Active;
        let csrf = csrf_field(&v.csrf);
        let members: String = chat
            .members
            .iter()
            .map(|m| {
                let e = names.get(m);
                let name = e.map(Extension::full_name).unwrap_or_else(|| format!("User {m}"));
                let remove = if is_team && active && manage && *m != v.ext.id {
                    format!(
                        "<form method=\"post\" action=\"/c/{}/members/remove\" class=\"inline\">{csrf}\
                         <input type=\"hidden\" name=\"member\" value=\"{m}\">\
                         <button class=\"linkbtn danger\" type=\"submit\">Remove<span class=\"sr-only\"> {}</span></button></form>",
                        chat.id,
                        esc(&name)
                    )
                } else {
                    String::new()
                };
                format!(
                    "<li><span class=\"av{}\" aria-hidden=\"true\">{}</span><span class=\"nm\">{}{}</span>\
                     <span class=\"muted\">{}</span>{remove}</li>",
                    if e.is_some_and(|e| e.kind == ExtensionType::Bot) { " bot" } else { "" },
                    esc(&initials(&name)),
                    esc(&name),
                    if *m == v.ext.id { " (you)" } else { "" },
                    esc(e.and_then(|e| e.email.as_deref()).unwrap_or("")),
                )
            })
            .collect();
        let mut sections = String::new();
        if let Some(d) = chat.description.as_deref().filter(|d| !d.is_empty()) {
            sections.push_str(&format!("<p class=\"desc\">{}</p>", esc(d)));
        }
        if is_team && member && active {
            sections.push_str(&format!(
                "<form method=\"post\" action=\"/c/{}/members/add\" class=\"stack card\" id=\"add-members\">{csrf}\
                 <label for=\"add-people\">Add people</label>\
                 <input id=\"add-people\" name=\"members\" type=\"text\" data-people=\"emails\" autocomplete=\"off\" \
                 placeholder=\"Names or emails, separated by commas\" aria-describedby=\"add-hint\">\
                 <span class=\"hint\" id=\"add-hint\">Type a name to pick from your company</span>\
                 <button class=\"btn primary\" type=\"submit\">Add</button></form>",
                chat.id
            ));
        }
        sections.push_str(&format!(
            "<h2>Members ({})</h2><ul class=\"members\">{members}</ul>",
            chat.members.len()
        ));
        let mut actions = String::new();
        if is_team && member {
            actions.push_str(&format!(
                "<form method=\"post\" action=\"/c/{}/leave\" class=\"inline\" data-confirm=\"Leave {}?\">{csrf}\
                 <button class=\"btn danger\" type=\"submit\">Leave team</button></form>",
                chat.id,
                esc(&title)
            ));
        }
        if is_team && !member && chat.public {
            actions.push_str(&format!(
                "<form method=\"post\" action=\"/c/{}/join\" class=\"inline\">{csrf}\
                 <button class=\"btn primary\" type=\"submit\">Join team</button></form>",
                chat.id
            ));
        }
        if manage {
            actions.push_str(&format!(
                "<form method=\"post\" action=\"/c/{}/archive\" class=\"inline\">{csrf}\
                 <input type=\"hidden\" name=\"archived\" value=\"{}\">\
                 <button class=\"btn\" type=\"submit\">{}</button></form>",
                chat.id,
                if active { 1 } else { 0 },
                if active { "Archive team" } else { "Unarchive team" }
            ));
        }
        if !actions.is_empty() {
            sections.push_str(&format!("<div class=\"row actions-row\">{actions}</div>"));
        }
        let head = format!(
            "<header class=\"conv-head\"><a class=\"back\" href=\"/c/{}\" aria-label=\"Back to the conversation\">‹</a>\
             <div class=\"conv-title\"><h1>{}</h1><span class=\"kind\">{}</span></div>\
             <a class=\"btn small\" href=\"/c/{}\">Conversation</a></header>",
            chat.id,
            esc(&title),
            esc(&kind_label(&chat)),
            chat.id
        );
        let main = format!("{head}<div class=\"details\">{sections}</div>");
        let body = shell(&v, &rail::render(&rail, Some(chat.id), &v.csrf), &main, Some(chat.id));
        Ok::<_, Error>((title, body))
    }
    .await;
    match r {
        Ok((title, body)) => page_response(v, &format!("Details · {title}"), body),
        Err(e) => client_error(&headers, e),
    }
}

// ------------------------------------------------------------------------------- new chats

/// `GET /new/dm?q=`: find a person or bot and message them.
async fn new_dm_page(State(st): State<AppState>, headers: HeaderMap, q: Params) -> Response {
    let v = match require(&st, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let query = q.get("q").unwrap_or("").to_string();
    let r = async {
        let rail = rail::load(&st, &v).await?;
        let found = st.service().directory(&v.caller, &query, 50).await?;
        let list = people_list(&v, &found);
        let main = format!(
            "<header class=\"conv-head\"><a class=\"back\" href=\"/\" aria-label=\"Back\">‹</a>\
             <div class=\"conv-title\"><h1>New direct message</h1><span class=\"kind\">People and bots of your company</span></div></header>\
             <div class=\"details\"><form method=\"get\" action=\"/new/dm\" role=\"search\" class=\"searchbar\" data-live=\"people-results\">\
             <label for=\"dm-q\" class=\"sr-only\">Search people and bots</label>\
             <input id=\"dm-q\" name=\"q\" type=\"search\" value=\"{}\" placeholder=\"Search by name or email\" autofocus autocomplete=\"off\">\
             <button class=\"btn\" type=\"submit\">Search</button></form>\
             <div id=\"people-results\">{list}</div></div>",
            esc(&query)
        );
        let body = shell(&v, &rail::render(&rail, None, &v.csrf), &main, Some(ChatId(0)));
        Ok::<_, Error>(body)
    }
    .await;
    match r {
        Ok(body) if is_fetch(&headers) || q.get("fragment").is_some() => {
            // The live search asks for the results only.
            let _ = body;
            match st.service().directory(&v.caller, &query, 50).await {
                Ok(found) => client_html(StatusCode::OK, people_list(&v, &found), vec![]),
                Err(e) => client_error(&headers, e),
            }
        }
        Ok(body) => page_response(v, "New direct message", body),
        Err(e) => client_error(&headers, e),
    }
}

fn people_list(v: &Viewer, found: &[Extension]) -> String {
    if found.is_empty() {
        return "<p class=\"muted\">Nobody matches.</p>".into();
    }
    let items: String = found
        .iter()
        .map(|e| {
            let name = e.full_name();
            format!(
                "<li><form method=\"post\" action=\"/new/dm\">{}<input type=\"hidden\" name=\"person\" value=\"{}\">\
                 <button type=\"submit\" class=\"person\"><span class=\"av{}\" aria-hidden=\"true\">{}</span>\
                 <span class=\"nm\">{}{}{}</span><span class=\"muted\">{}</span></button></form></li>",
                csrf_field(&v.csrf),
                e.id,
                if e.kind == ExtensionType::Bot { " bot" } else { "" },
                esc(&initials(&name)),
                esc(&name),
                if e.id == v.ext.id { " (you)" } else { "" },
                if e.kind == ExtensionType::Bot {
                    " <span class=\"tag\">Bot</span>"
                } else {
                    ""
                },
                esc(e.email.as_deref().unwrap_or("")),
            )
        })
        .collect();
    format!("<ul class=\"people\">{items}</ul>")
}

/// `GET /teams`: public teams of the company the viewer is not in, to join.
async fn browse_teams(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let v = match require_at(&st, &headers, "/teams").await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let r = async {
        let rail = rail::load(&st, &v).await?;
        let teams = st.service().joinable_teams(&v.caller, 200).await?;
        let list = if teams.is_empty() {
            "<p class=\"muted\">No public teams to join: you are in all of them.</p>".to_string()
        } else {
            let items: String = teams
                .iter()
                .map(|t| {
                    let name = t.name.clone().unwrap_or_else(|| "Team".into());
                    format!(
                        "<li><span class=\"av team\" aria-hidden=\"true\">#</span><span class=\"nm\">{}</span>\
                         <span class=\"muted\">{} · {} member{}</span>\
                         <form method=\"post\" action=\"/c/{}/join\" class=\"inline\">{}\
                         <button class=\"btn small primary\" type=\"submit\">Join<span class=\"sr-only\"> {}</span></button></form></li>",
                        esc(&name),
                        esc(t.description.as_deref().unwrap_or("")),
                        t.members.len(),
                        if t.members.len() == 1 { "" } else { "s" },
                        t.id,
                        csrf_field(&v.csrf),
                        esc(&name),
                    )
                })
                .collect();
            format!("<ul class=\"members teams\">{items}</ul>")
        };
        let main = format!(
            "<header class=\"conv-head\"><a class=\"back\" href=\"/\" aria-label=\"Back\">‹</a>\
             <div class=\"conv-title\"><h1>Public teams</h1><span class=\"kind\">Teams anyone in your company can join</span></div>\
             <a class=\"btn small\" href=\"/new/team\">New team</a></header><div class=\"details\">{list}</div>"
        );
        Ok::<_, Error>(shell(&v, &rail::render(&rail, None, &v.csrf), &main, Some(ChatId(0))))
    }
    .await;
    match r {
        Ok(body) => page_response(v, "Public teams", body),
        Err(e) => client_error(&headers, e),
    }
}

/// The new-team form, with the values and errors of a failed attempt.
pub fn new_team_form(v: &Viewer, form: &Params, errors: &Errors) -> String {
    format!(
        "<header class=\"conv-head\"><a class=\"back\" href=\"/\" aria-label=\"Back\">‹</a>\
         <div class=\"conv-title\"><h1>New team</h1><span class=\"kind\">A place for a group of people to work together</span></div></header>\
         <div class=\"details\"><form method=\"post\" action=\"/new/team\" class=\"stack card\" novalidate>{}{}{}\
         <div class=\"field check\"><input id=\"f-public\" name=\"public\" type=\"checkbox\" value=\"1\"{}>\
         <label for=\"f-public\">Public: anyone in the company can find and join it</label></div>{}\
         <button class=\"btn primary\" type=\"submit\">Create team</button></form></div>",
        csrf_field(&v.csrf),
        Field::new("name", "Team name", "text")
            .value(form.get("name").unwrap_or(""))
            .required()
            .error(errors.get("name"))
            .render(),
        Field::new("description", "Description (optional)", "text")
            .value(form.get("description").unwrap_or(""))
            .error(errors.get("description"))
            .render(),
        if form.get("public").is_some() {
            " checked"
        } else {
            ""
        },
        Field::new("members", "Members", "text")
            .value(form.get("members").unwrap_or(""))
            .hint("Names or emails, separated by commas; type a name to pick from your company")
            .error(errors.get("members"))
            .autocomplete("off")
            .render()
            .replace(
                "<input id=\"f-members\"",
                "<input id=\"f-members\" data-people=\"emails\""
            ),
    )
}

/// `GET /new/team`.
async fn new_team_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let v = match require(&st, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match new_team_body(&st, &v, &Params(vec![]), &Errors::default()).await {
        Ok(body) => page_response(v, "New team", body),
        Err(e) => client_error(&headers, e),
    }
}

pub async fn new_team_body(
    st: &AppState,
    v: &Viewer,
    form: &Params,
    errors: &Errors,
) -> Result<String> {
    let rail = rail::load(st, v).await?;
    Ok(shell(
        v,
        &rail::render(&rail, None, &v.csrf),
        &new_team_form(v, form, errors),
        Some(ChatId(0)),
    ))
}

pub fn page_with_status(v: Viewer, status: StatusCode, title: &str, body: String) -> Response {
    client_html(status, client_document(title, "", &body), v.cookies)
}
