//! Read state: the newest post each member has read in each chat, and unread counts from it.
//! A member's row is written when they join (at the chat's newest post), so what was said before
//! they joined is not unread, and counting is a range of the `(chat_id, id)` index.

use openglip_domain::store::Unread;
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::Db;

/// Unread counts stop here ("99+" in the client).
pub const UNREAD_CAP: i64 = 100;

/// A member joined `chat`: they have read it up to now. Same transaction as the join.
pub(crate) fn joined(c: &Connection, chat: ChatId, person: ExtensionId) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO chat_reads (person_id, chat_id, last_read)
         VALUES (?1, ?2, COALESCE((SELECT MAX(id) FROM posts WHERE chat_id = ?2), 0))
         ON CONFLICT (person_id, chat_id) DO UPDATE SET last_read = excluded.last_read",
    )
    .db()?
    .execute(params![person.0, chat.0])
    .db()?;
    Ok(())
}

/// Marks `chat` read up to `upto` (or its newest post; a read mark never moves back), or unread
/// from the newest message by someone else.
pub(crate) fn set_read(
    c: &Connection,
    member: ExtensionId,
    chat: ChatId,
    read: bool,
    upto: Option<PostId>,
) -> Result<()> {
    let member_of = c
        .prepare_cached("SELECT 1 FROM members WHERE chat_id = ?1 AND person_id = ?2")
        .db()?
        .query_row(params![chat.0, member.0], |_| Ok(()))
        .optional()
        .db()?;
    if member_of.is_none() {
        return Err(Error::forbidden("The person is not a member of the chat"));
    }
    if read {
        c.prepare_cached(
            "INSERT INTO chat_reads (person_id, chat_id, last_read)
             SELECT ?1, ?2, MIN(COALESCE(MAX(id), 0), COALESCE(?3, MAX(id), 0)) FROM posts WHERE chat_id = ?2
             ON CONFLICT (person_id, chat_id) DO UPDATE SET last_read = MAX(last_read, excluded.last_read)",
        )
        .db()?
        .execute(params![member.0, chat.0, upto.map(|p| p.0)])
        .db()?;
        return Ok(());
    }
    // Unread from the newest message by someone else: it (and anything after) counts again.
    let newest: Option<i64> = c
        .prepare_cached(
            "SELECT MAX(id) FROM posts WHERE chat_id = ?1 AND creator_id != ?2 AND type = 'TextMessage'",
        )
        .db()?
        .query_row(params![chat.0, member.0], |r| r.get(0))
        .db()?;
    if let Some(newest) = newest {
        c.prepare_cached(
            "INSERT INTO chat_reads (person_id, chat_id, last_read) VALUES (?1, ?2, ?3)
             ON CONFLICT (person_id, chat_id) DO UPDATE SET last_read = excluded.last_read",
        )
        .db()?
        .execute(params![member.0, chat.0, newest - 1])
        .db()?;
    }
    Ok(())
}

/// For every chat of the member with unread messages: how many (by others, after the last read
/// post; capped) and whether one of them mentions the member.
pub(crate) fn unread(c: &Connection, member: ExtensionId) -> Result<Vec<Unread>> {
    // Each chat with its read mark and newest post: only those with something after the mark are
    // counted.
    let mut stmt = c
        .prepare_cached(
            "SELECT m.chat_id, COALESCE(r.last_read, 0),
                    (SELECT MAX(p.id) FROM posts p WHERE p.chat_id = m.chat_id)
             FROM members m LEFT JOIN chat_reads r ON r.person_id = m.person_id AND r.chat_id = m.chat_id
             WHERE m.person_id = ?1",
        )
        .db()?;
    let marks = stmt
        .query_map([member.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    let mut count = c
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(mentioned), 0) FROM (
                 SELECT p.mentions IS NOT NULL AND EXISTS (
                     SELECT 1 FROM json_each(p.mentions) j
                     WHERE json_extract(j.value, '$.id') = ?3
                       AND json_extract(j.value, '$.type') = 'Person') AS mentioned
                 FROM posts p
                 WHERE p.chat_id = ?1 AND p.id > ?2 AND p.creator_id != ?3 AND p.type = 'TextMessage'
                 LIMIT ?4)",
        )
        .db()?;
    let mut out = Vec::new();
    for (chat, last, top) in marks {
        if top.is_none_or(|t| t <= last) {
            continue;
        }
        let (n, mentioned): (i64, i64) = count
            .query_row(params![chat, last, member.0, UNREAD_CAP], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .db()?;
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
