//! Posts as the timeline shows them: one list item per post (author, time, "in reply to", the
//! text and attachments through [`super::render`], the actions the script wires up), the
//! scrolling timeline with its link to older posts, and the loading of a page of posts with
//! the names and parents they refer to.

use std::collections::HashMap;

use maud::{Markup, html};
use openglip_domain::store::{Direction, PageRequest};
use openglip_domain::*;

use super::reactions;
use super::render;
use super::visit::{Viewer, names_of};
use crate::initials;
use openglip_server::AppState;

/// Posts shown when a conversation opens, and per page when scrolling up.
pub const PAGE_POSTS: usize = 40;

/// What rendering posts needs: who reads, the chat, names, and the parents of replies.
pub struct PostCtx {
    pub me: ExtensionId,
    pub chat: Chat,
    pub names: HashMap<ExtensionId, Extension>,
    pub parents: HashMap<PostId, Post>,
    /// Inside a thread's page (replies need no "in reply to").
    pub in_thread: bool,
    /// The message a search result opened the conversation at: marked.
    pub found: Option<PostId>,
    /// The posts' reactions (posts without any are not here).
    pub reactions: HashMap<PostId, Vec<Reaction>>,
    /// The CSRF field of the reactions' forms.
    pub csrf: maud::Markup,
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
                        // A deleted parent: the reply says so.
                        Err(Error::NotFound(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        let reactions: HashMap<PostId, Vec<Reaction>> = st
            .service()
            .reactions_of(&v.caller, chat.id, posts.iter().map(|p| p.id).collect())
            .await?
            .into_iter()
            .collect();
        let reactors = reactions
            .values()
            .flatten()
            .flat_map(|r| r.person_ids.iter().copied());
        let ids = posts
            .iter()
            .chain(parents.values())
            .flat_map(|p| {
                std::iter::once(p.creator_id)
                    .chain(p.added_person_ids.iter().copied())
                    .chain(p.removed_person_ids.iter().copied())
            })
            .chain(reactors)
            .chain(std::iter::once(v.ext.id));
        Ok(PostCtx {
            me: v.ext.id,
            names: names_of(st, v, ids).await?,
            chat,
            parents,
            in_thread,
            found: None,
            reactions,
            csrf: v.csrf.field(),
        })
    }

    /// The reactions and picker under `p`.
    pub fn reactions_block(&self, p: &Post) -> Markup {
        let of_post = self.reactions.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
        let named: Vec<(&Reaction, String)> = of_post
            .iter()
            .map(|r| (r, self.names(&r.person_ids)))
            .collect();
        reactions::block(&self.chat, p.id, self.me, &self.csrf, &named)
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

    /// What a membership post says ("Ann added Bob and Cy").
    fn system_text(&self, p: &Post) -> String {
        let who = self.name(p.creator_id);
        match p.kind {
            PostType::PersonJoined => format!("{who} joined the team"),
            PostType::PersonsAdded => format!("{who} added {}", self.names(&p.added_person_ids)),
            PostType::PersonsRemoved if p.removed_person_ids == [p.creator_id] => {
                format!("{who} left the team")
            }
            PostType::PersonsRemoved => {
                format!("{who} removed {}", self.names(&p.removed_person_ids))
            }
            PostType::TextMessage => String::new(),
        }
    }
}

/// `<time>` in UTC; the script shows it in the reader's time zone.
fn time(t: Timestamp) -> Markup {
    let iso = t.to_rfc3339();
    let (day, hm) = (&iso[..10], &iso[11..16]);
    html! { time datetime=(iso) title={ (day) " " (hm) " UTC" } { (hm) " UTC" } }
}

/// The "in reply to" line of a reply shown outside its thread.
fn reply_to(ctx: &PostCtx, parent: PostId) -> Markup {
    html! {
        a.replyto href={ "/c/" (ctx.chat.id) "/t/" (parent) } title="Open the thread" {
            span aria-hidden="true" { "↪" }
            " "
            span.sr-only { "In reply to " }
            @match ctx.parents.get(&parent) {
                Some(pp) => {
                    b { (ctx.name(pp.creator_id)) }
                    " "
                    (render::plain(&pp.text, &pp.mentions, 80))
                }
                None => "a deleted message",
            }
        }
    }
}

/// One post as a list item of the timeline.
pub fn post_html(ctx: &PostCtx, p: &Post) -> Markup {
    if p.kind != PostType::TextMessage {
        return html! {
            li.post.system id={ "p-" (p.id) } data-id=(p.id) {
                span.sys { (ctx.system_text(p)) } " " (time(p.created))
            }
        };
    }
    let author = ctx.names.get(&p.creator_id);
    let author_name = ctx.name(p.creator_id);
    let is_bot = author.is_some_and(|a| a.kind == ExtensionType::Bot);
    let mine = p.creator_id == ctx.me;
    let reply = p.parent_post_id.filter(|_| !ctx.in_thread);
    let mentions_me = p
        .mentions
        .iter()
        .any(|m| m.kind == MentionType::Person && m.id == ctx.me.0);
    html! {
        li.post.mine[mine].reply[reply.is_some()].mentions-me[mentions_me].found[ctx.found == Some(p.id)]
            id={ "p-" (p.id) } aria-current=[(ctx.found == Some(p.id)).then_some("true")]
            data-id=(p.id) data-author=(p.creator_id) data-parent=[p.parent_post_id]
            data-text=[mine.then_some(&p.text)] {
            span.av.bot[is_bot] aria-hidden="true" { (initials(&author_name)) }
            div.pbody {
                div.meta {
                    span.author { (author_name) }
                    @if is_bot { span.tag { "Bot" } }
                    a.ts href={ "/c/" (ctx.chat.id) "#p-" (p.id) } { (time(p.created)) }
                    @if p.modified != p.created { span.edited { "(edited)" } }
                }
                @if let Some(parent) = reply { (reply_to(ctx, parent)) }
                @if let Some(t) = &p.title { div.ptitle { (t) } }
                div.text { (render::message(&p.text, &p.mentions, ctx.me.0)) }
                (render::attachments(&p.attachments))
                (ctx.reactions_block(p))
                div.actions role="group" aria-label="Message actions" {
                    button.act type="button" data-act="reply" data-author=(author_name) { "Reply" }
                    @if mine {
                        button.act type="button" data-act="edit" { "Edit" }
                        button.act.danger type="button" data-act="delete" { "Delete" }
                    }
                }
            }
        }
    }
}

/// Posts as list items, oldest first.
pub fn posts_html(ctx: &PostCtx, posts: &[Post]) -> Markup {
    html! { @for p in posts { (post_html(ctx, p)) } }
}

/// The scrolling list of posts, with the link to older ones (`base`: where they are paged).
pub fn timeline(ctx: &PostCtx, posts: &[Post], more: bool, base: &str) -> Markup {
    html! {
        div.scroller #scroller tabindex="0" aria-label="Messages" {
            @match (more, posts.first()) {
                (true, Some(first)) => {
                    a.older #older href={ (base) "?before=" (first.id) } data-before=(first.id) {
                        "Show older messages"
                    }
                }
                _ => p.older.start #older { "This is the start of the conversation." },
            }
            ol.timeline #timeline { (posts_html(ctx, posts)) }
        }
    }
}

/// The posts of a page request, oldest first, and whether more exist past them.
pub async fn load_posts(
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

/// `p`, a post of `chat` the viewer may see, as a list item.
pub async fn render_post(
    st: &AppState,
    v: &Viewer,
    chat: ChatId,
    p: &Post,
    in_thread: bool,
) -> Result<Markup> {
    let chat = st.service().member_chat(&v.caller, chat).await?;
    let ctx = PostCtx::load(st, v, chat, std::slice::from_ref(p), in_thread).await?;
    Ok(post_html(&ctx, p))
}
