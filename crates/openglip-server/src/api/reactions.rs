//! Reactions on posts, an openglip extension of the API (`openglip_domain::reactions`; the wire
//! in `docs/API-COMPAT.md`): `GET …/chats/{chatId}/posts/{postId}/reactions` lists a post's
//! reactions; `PUT` and `DELETE` of `…/reactions/{emoji}` add and take back the caller's (both
//! idempotent), answering the post's reactions after.

use axum::extract::State;
use axum::{Extension, Json};
use openglip_domain::Caller;
use openglip_domain::reactions::{Emoji, Reaction};
use openglip_wire as w;

use super::{P, chat_id, post_id};
use crate::AppState;
use crate::convert;
use crate::error::ApiResult;

/// The reactions as the caller sees them.
fn list(c: &Caller, reactions: &[Reaction]) -> Json<w::ReactionList> {
    Json(w::ReactionList {
        records: reactions
            .iter()
            .map(|r| convert::reaction_info(r, Some(c.extension_id)))
            .collect(),
    })
}

pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P((chat, post)): P<(String, String)>,
) -> ApiResult<Json<w::ReactionList>> {
    let now = st
        .service()
        .post_reactions(&c, chat_id(&chat)?, post_id(&post)?)
        .await?;
    Ok(list(&c, &now))
}

async fn set(
    st: &AppState,
    c: &Caller,
    (chat, post, emoji): (String, String, String),
    add: bool,
) -> ApiResult<Json<w::ReactionList>> {
    let (chat, post) = (chat_id(&chat)?, post_id(&post)?);
    let emoji = Emoji::parse(&emoji)?;
    let now = st.service().react(c, chat, post, emoji, add).await?;
    Ok(list(c, &now))
}

pub async fn add(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(path): P<(String, String, String)>,
) -> ApiResult<Json<w::ReactionList>> {
    set(&st, &c, path, true).await
}

pub async fn remove(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(path): P<(String, String, String)>,
) -> ApiResult<Json<w::ReactionList>> {
    set(&st, &c, path, false).await
}
