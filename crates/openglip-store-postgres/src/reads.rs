//! Read state: the newest post each member has read in each chat, and unread counts from it.
//! A member's row is written when they join (at the chat's newest post), so what was said before
//! they joined is not unread, and counting is a range of the `(chat_id, id)` index.

use openglip_domain::store::Unread;
use openglip_domain::*;

use crate::db::{Conn, get};

/// Unread counts stop here ("99+" in the client).
pub const UNREAD_CAP: i64 = 100;

/// A member joined `chat`: they have read it up to now. Same transaction as the join.
pub(crate) fn joined(c: &mut Conn, chat: ChatId, person: ExtensionId) -> Result<()> {
    c.exec(
        "INSERT INTO chat_reads (person_id, chat_id, last_read)
         VALUES ($1, $2, COALESCE((SELECT MAX(id) FROM posts WHERE chat_id = $2), 0))
         ON CONFLICT (person_id, chat_id) DO UPDATE SET last_read = EXCLUDED.last_read",
        &[&person.0, &chat.0],
    )?;
    Ok(())
}

/// Marks `chat` read up to `upto` (or its newest post; a read mark never moves back), or unread
/// from the newest message by someone else.
pub(crate) fn set_read(
    c: &mut Conn,
    member: ExtensionId,
    chat: ChatId,
    read: bool,
    upto: Option<PostId>,
) -> Result<()> {
    if !c.exists(
        "SELECT 1 FROM members WHERE chat_id = $1 AND person_id = $2",
        &[&chat.0, &member.0],
    )? {
        return Err(Error::forbidden("The person is not a member of the chat"));
    }
    if read {
        c.exec(
            "INSERT INTO chat_reads (person_id, chat_id, last_read)
             SELECT $1, $2, LEAST(COALESCE(MAX(id), 0), COALESCE($3::bigint, MAX(id), 0))
             FROM posts WHERE chat_id = $2
             ON CONFLICT (person_id, chat_id)
             DO UPDATE SET last_read = GREATEST(chat_reads.last_read, EXCLUDED.last_read)",
            &[&member.0, &chat.0, &upto.map(|p| p.0)],
        )?;
        return Ok(());
    }
    // Unread from the newest message by someone else: it (and anything after) counts again.
    let newest: Option<i64> = get(
        &c.one(
            "SELECT MAX(id) FROM posts WHERE chat_id = $1 AND creator_id <> $2 AND type = 'TextMessage'",
            &[&chat.0, &member.0],
        )?,
        0,
    )?;
    if let Some(newest) = newest {
        c.exec(
            "INSERT INTO chat_reads (person_id, chat_id, last_read) VALUES ($1, $2, $3)
             ON CONFLICT (person_id, chat_id) DO UPDATE SET last_read = EXCLUDED.last_read",
            &[&member.0, &chat.0, &(newest - 1)],
        )?;
    }
    Ok(())
}

/// For every chat of the member with unread messages: how many (by others, after the last read
/// post; capped) and whether one of them mentions the member.
pub(crate) fn unread(c: &mut Conn, member: ExtensionId) -> Result<Vec<Unread>> {
    // Each chat with its read mark and newest post: only those with something after the mark are
    // counted.
    let marks = c.map(
        "SELECT m.chat_id, COALESCE(r.last_read, 0),
                (SELECT MAX(p.id) FROM posts p WHERE p.chat_id = m.chat_id)
         FROM members m LEFT JOIN chat_reads r ON r.person_id = m.person_id AND r.chat_id = m.chat_id
         WHERE m.person_id = $1",
        &[&member.0],
        |r| Ok((get::<i64>(r, 0)?, get::<i64>(r, 1)?, get::<Option<i64>>(r, 2)?)),
    )?;
    // A person's mention is `{"id": <their id>, "type": "Person", …}` in the post's JSON.
    let mention = serde_json::json!([{ "id": member.0, "type": "Person" }]).to_string();
    let mut out = Vec::new();
    for (chat, last, top) in marks {
        if top.is_none_or(|t| t <= last) {
            continue;
        }
        let row = c.one(
            "SELECT count(*), count(*) FILTER (WHERE mentioned) FROM (
                 SELECT p.mentions IS NOT NULL AND p.mentions::jsonb @> $4::text::jsonb AS mentioned
                 FROM posts p
                 WHERE p.chat_id = $1 AND p.id > $2 AND p.creator_id <> $3 AND p.type = 'TextMessage'
                 ORDER BY p.id LIMIT $5) AS unread",
            &[&chat, &last, &member.0, &mention, &UNREAD_CAP],
        )?;
        let n: i64 = get(&row, 0)?;
        let mentioned: i64 = get(&row, 1)?;
        if n > 0 {
            out.push(Unread {
                chat_id: ChatId(chat),
                count: n as u32,
                mentioned: mentioned > 0,
            });
        }
    }
    Ok(out)
}
