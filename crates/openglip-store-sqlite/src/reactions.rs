//! Reactions on posts (`ReactionStore`, schema version 23): a row per person and emoji on a
//! post; a change and its `ReactionsChanged` event in one job.

use openglip_domain::events::EventPayload;
use openglip_domain::reactions::{ReactionChange, ReactionOutcome, ReactionStore, group_rows};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::SqliteStore;
use crate::db::Db;
use crate::events;

/// The rows of `posts` of `chat`, in the order they were added.
fn rows(
    c: &Connection,
    chat: ChatId,
    posts: &[PostId],
) -> Result<Vec<(PostId, String, ExtensionId)>> {
    let marks = vec!["?"; posts.len()].join(", ");
    let sql = format!(
        "SELECT r.post_id, r.emoji, r.person_id FROM post_reactions r
         JOIN posts p ON p.id = r.post_id
         WHERE p.chat_id = ? AND r.post_id IN ({marks})
         ORDER BY r.post_id, r.created, r.emoji, r.person_id"
    );
    let mut stmt = c.prepare_cached(&sql).db()?;
    let ids = std::iter::once(chat.0).chain(posts.iter().map(|p| p.0));
    let found = stmt
        .query_map(rusqlite::params_from_iter(ids), |r| {
            Ok((
                PostId(r.get(0)?),
                r.get::<_, String>(1)?,
                ExtensionId(r.get(2)?),
            ))
        })
        .db()?;
    found.map(|r| r.db()).collect()
}

fn apply(c: &Connection, now: i64, ch: &ReactionChange) -> Result<ReactionOutcome> {
    let post: Option<i64> = c
        .prepare_cached("SELECT 1 FROM posts WHERE id = ?1 AND chat_id = ?2")
        .db()?
        .query_row(params![ch.post.0, ch.chat.0], |r| r.get(0))
        .optional()
        .db()?;
    if post.is_none() {
        return Err(Error::NotFound(Subject::Post));
    }
    let emoji = ch.emoji.as_str();
    let changed = if ch.add {
        let (kinds, has_emoji): (i64, bool) = c
            .prepare_cached(
                "SELECT count(DISTINCT emoji), coalesce(max(emoji = ?2), 0)
                 FROM post_reactions WHERE post_id = ?1",
            )
            .db()?
            .query_row(params![ch.post.0, emoji], |r| Ok((r.get(0)?, r.get(1)?)))
            .db()?;
        if !has_emoji && kinds as usize >= ch.max_kinds {
            return Ok(ReactionOutcome::TooManyKinds);
        }
        c.prepare_cached(
            "INSERT OR IGNORE INTO post_reactions (post_id, person_id, emoji, created)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .db()?
        .execute(params![ch.post.0, ch.person.0, emoji, now])
        .db()?
            > 0
    } else {
        c.prepare_cached(
            "DELETE FROM post_reactions WHERE post_id = ?1 AND person_id = ?2 AND emoji = ?3",
        )
        .db()?
        .execute(params![ch.post.0, ch.person.0, emoji])
        .db()?
            > 0
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

impl ReactionStore for SqliteStore {
    fn set_reaction(&self, change: ReactionChange) -> BoxFuture<'_, ReactionOutcome> {
        Box::pin(self.write_ev(move |c, now| apply(c, now, &change)))
    }

    fn reactions(
        &self,
        chat: ChatId,
        posts: Vec<PostId>,
    ) -> BoxFuture<'_, Vec<(PostId, Vec<Reaction>)>> {
        Box::pin(self.read(move |c| {
            let mut out = Vec::new();
            // SQLite's limit of parameters is far above a page of posts; chunks keep it so.
            for chunk in posts.chunks(500) {
                out.extend(group_rows(rows(c, chat, chunk)?));
            }
            Ok(out)
        }))
    }
}
