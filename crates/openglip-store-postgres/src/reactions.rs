//! Reactions on posts (`ReactionStore`, schema version 23): a row per person and emoji on a
//! post; a change and its `ReactionsChanged` event in one job.

use openglip_domain::events::EventPayload;
use openglip_domain::reactions::{ReactionChange, ReactionOutcome, ReactionStore, group_rows};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;

use crate::PostgresStore;
use crate::db::{Conn, get};
use crate::events;

/// The rows of `posts` of `chat`, in the order they were added.
fn rows(
    c: &mut Conn,
    chat: ChatId,
    posts: &[PostId],
) -> Result<Vec<(PostId, String, ExtensionId)>> {
    let ids: Vec<i64> = posts.iter().map(|p| p.0).collect();
    c.map(
        "SELECT r.post_id, r.emoji, r.person_id FROM post_reactions r
         JOIN posts p ON p.id = r.post_id
         WHERE p.chat_id = $1 AND r.post_id = ANY($2)
         ORDER BY r.post_id, r.created, r.emoji, r.person_id",
        &[&chat.0, &ids],
        |r| Ok((PostId(get(r, 0)?), get(r, 1)?, ExtensionId(get(r, 2)?))),
    )
}

fn apply(c: &mut Conn, now: i64, ch: &ReactionChange) -> Result<ReactionOutcome> {
    if !c.exists(
        "SELECT 1 FROM posts WHERE id = $1 AND chat_id = $2",
        &[&ch.post.0, &ch.chat.0],
    )? {
        return Err(Error::NotFound(Subject::Post));
    }
    let emoji = ch.emoji.as_str();
    let changed = if ch.add {
        let row = c.one(
            "SELECT count(DISTINCT emoji), coalesce(bool_or(emoji = $2), false)
             FROM post_reactions WHERE post_id = $1",
            &[&ch.post.0, &emoji],
        )?;
        let (kinds, has_emoji): (i64, bool) = (get(&row, 0)?, get(&row, 1)?);
        if !has_emoji && kinds as usize >= ch.max_kinds {
            return Ok(ReactionOutcome::TooManyKinds);
        }
        c.exec(
            "INSERT INTO post_reactions (post_id, person_id, emoji, created)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&ch.post.0, &ch.person.0, &emoji, &now],
        )? > 0
    } else {
        c.exec(
            "DELETE FROM post_reactions WHERE post_id = $1 AND person_id = $2 AND emoji = $3",
            &[&ch.post.0, &ch.person.0, &emoji],
        )? > 0
    };
    let reactions = group_rows(rows(c, ch.chat, &[ch.post])?)
        .pop()
        .map(|(_, r)| r)
        .unwrap_or_default();
    if changed {
        let event = EventPayload::ReactionsChanged {
            chat_id: ch.chat,
            post_id: ch.post,
            reactions: reactions.clone(),
        };
        events::append(c, now, None, &event)?;
    }
    Ok(ReactionOutcome::Done(reactions))
}

impl ReactionStore for PostgresStore {
    fn set_reaction(&self, change: ReactionChange) -> BoxFuture<'_, ReactionOutcome> {
        Box::pin(self.write_ev(move |c, now| apply(c, now, &change)))
    }

    fn reactions(
        &self,
        chat: ChatId,
        posts: Vec<PostId>,
    ) -> BoxFuture<'_, Vec<(PostId, Vec<Reaction>)>> {
        Box::pin(self.read(move |c| Ok(group_rows(rows(c, chat, &posts)?))))
    }
}
