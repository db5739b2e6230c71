//! Posts. `create_post` is the hot path: one check query, at most one mention query, the insert
//! and the chat's activity bump, all with cached statements.

use std::collections::HashMap;

use openglip_domain::store::*;
use openglip_domain::store_rules::{ids_json, keyset, mentions_json, values_json};
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::{Db, json_ids};
use crate::rows::{self, POST_COLS};

/// Names the mentions: persons of `account` by full name, chats of `account` by name. Unknown ids
/// are dropped; the order and de-duplication of `wanted` are kept.
pub(crate) fn resolve_mentions(
    c: &Connection,
    account: AccountId,
    wanted: &[(MentionType, i64)],
) -> Result<Vec<Mention>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let ids_of =
        |kind: MentionType| json_ids(wanted.iter().filter(|(k, _)| *k == kind).map(|(_, id)| *id));
    let mut stmt = c
        .prepare_cached(
            // CROSS JOIN: drive from the few ids asked, by primary key, never from the account.
            "SELECT 0, e.id, e.first_name, e.last_name, e.extension_number
               FROM json_each(?2) j CROSS JOIN extensions e ON e.id = j.value
              WHERE e.account_id = ?1
             UNION ALL
             SELECT 1, c.id, coalesce(c.name, ''), '', ''
               FROM json_each(?3) j CROSS JOIN chats c ON c.id = j.value
              WHERE c.account_id = ?1",
        )
        .db()?;
    let mut names: HashMap<(MentionType, i64), String> = HashMap::with_capacity(wanted.len());
    let rows = stmt
        .query_map(
            params![
                account.0,
                ids_of(MentionType::Person),
                ids_of(MentionType::Team)
            ],
            |r| {
                let kind = if r.get::<_, i64>(0)? == 0 {
                    MentionType::Person
                } else {
                    MentionType::Team
                };
                let first: String = r.get(2)?;
                let last: String = r.get(3)?;
                let number: String = r.get(4)?;
                let name = match kind {
                    MentionType::Person => display_name(&first, &last, &number),
                    MentionType::Team => first,
                };
                Ok(((kind, r.get::<_, i64>(1)?), name))
            },
        )
        .db()?;
    for row in rows {
        let (key, name) = row.db()?;
        names.insert(key, name);
    }
    let mut out: Vec<Mention> = Vec::with_capacity(names.len());
    for &(kind, id) in wanted {
        if let Some(name) = names.remove(&(kind, id)) {
            out.push(Mention { id, kind, name });
        }
    }
    Ok(out)
}

/// Inserts a post as given (no checks) and bumps the chat's activity.
pub(crate) fn insert_post(
    c: &Connection,
    now: i64,
    new: NewPost,
    mentions: Vec<Mention>,
) -> Result<Post> {
    c.prepare_cached(
        "INSERT INTO posts (chat_id, creator_id, type, text, parent_post_id, mentions, added_person_ids,
                            removed_person_ids, attachments, activity, title, icon_uri, icon_emoji, created, modified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
    )
    .db()?
    .execute(params![
        new.chat_id.0,
        new.creator_id.0,
        new.kind.as_str(),
        new.text,
        new.parent_post_id.map(|p| p.0),
        mentions_json(&mentions),
        ids_json(&new.added_person_ids),
        ids_json(&new.removed_person_ids),
        values_json(&new.attachments),
        new.activity,
        new.title,
        new.icon_uri,
        new.icon_emoji,
        now
    ])
    .db()?;
    let id = c.last_insert_rowid();
    // A new post is a change of its chat: `lastModifiedTime` orders recent chats.
    c.prepare_cached("UPDATE chats SET modified = ?2, last_activity = ?2 WHERE id = ?1")
        .db()?
        .execute(params![new.chat_id.0, now])
        .db()?;
    Ok(Post {
        id: PostId(id),
        chat_id: new.chat_id,
        creator_id: new.creator_id,
        kind: new.kind,
        text: new.text,
        parent_post_id: new.parent_post_id,
        mentions,
        added_person_ids: new.added_person_ids,
        removed_person_ids: new.removed_person_ids,
        attachments: new.attachments,
        activity: new.activity,
        title: new.title,
        icon_uri: new.icon_uri,
        icon_emoji: new.icon_emoji,
        created: Timestamp(now),
        modified: Timestamp(now),
    })
}

/// Checks and inserts a post; answers the chat's account with it (its outbox event's).
pub(crate) fn create_post(c: &Connection, now: i64, new: NewPost) -> Result<(AccountId, Post)> {
    // One indexed lookup answers: does the chat exist, its account and status, is the creator a
    // member, is the parent a post of this chat.
    let check = c
        .prepare_cached(
            "SELECT c.account_id, c.status,
                    EXISTS (SELECT 1 FROM members m WHERE m.chat_id = c.id AND m.person_id = ?2),
                    ?3 IS NULL OR EXISTS (SELECT 1 FROM posts p WHERE p.id = ?3 AND p.chat_id = c.id)
             FROM chats c WHERE c.id = ?1",
        )
        .db()?
        .query_row(
            params![new.chat_id.0, new.creator_id.0, new.parent_post_id.map(|p| p.0)],
            |r| {
                Ok((
                    AccountId(r.get(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            },
        )
        .optional()
        .db()?;
    let Some((account, status, member, parent_ok)) = check else {
        return Err(Error::NotFound(Subject::Chat));
    };
    if !member {
        return Err(Error::forbidden("The person is not a member of the chat"));
    }
    if status == ChatStatus::Archived.as_str() {
        return Err(Error::forbidden("The chat is archived"));
    }
    if !parent_ok {
        return Err(Error::NotFound(Subject::ParentPost));
    }
    let mentions = resolve_mentions(c, account, &new.mentions)?;
    Ok((account, insert_post(c, now, new, mentions)?))
}

pub(crate) fn post(c: &Connection, chat: ChatId, id: PostId) -> Result<Option<Post>> {
    c.prepare_cached(&format!(
        "SELECT {POST_COLS} FROM posts p WHERE p.id = ?1 AND p.chat_id = ?2"
    ))
    .db()?
    .query_row(params![id.0, chat.0], rows::post)
    .optional()
    .db()
}

pub(crate) fn list_posts(
    c: &Connection,
    chat: ChatId,
    thread: Option<PostId>,
    page: PageRequest,
) -> Result<Page<Post>> {
    // Two shapes so that each uses its index: (chat_id, id) for a chat; for a thread, the root by
    // primary key and its replies by (parent_post_id, id), never a scan of the chat.
    let scope = match thread {
        None => "p.chat_id = ?1",
        Some(_) => {
            "p.id IN (SELECT ?4 UNION ALL SELECT r.id FROM posts r WHERE r.parent_post_id = ?4) AND p.chat_id = ?1"
        }
    };
    let thread = thread.map(|t| t.0);
    let mut conn = c;
    keyset(
        &mut conn,
        page,
        |c, cmp, order, cursor, n| {
            let sql = format!(
                "SELECT {POST_COLS} FROM posts p WHERE {scope} AND p.id {cmp} ?2 ORDER BY p.id {order} LIMIT ?3"
            );
            let mut stmt = c.prepare_cached(&sql).db()?;
            let rows = match thread {
                None => stmt.query_map(params![chat.0, cursor, n], rows::post),
                Some(t) => stmt.query_map(params![chat.0, cursor, n, t], rows::post),
            };
            rows.db()?.collect::<rusqlite::Result<Vec<_>>>().db()
        },
        |c, cmp, cursor| {
            let sql = format!("SELECT 1 FROM posts p WHERE {scope} AND p.id {cmp} ?2 LIMIT ?3");
            let mut stmt = c.prepare_cached(&sql).db()?;
            match thread {
                None => stmt.exists(params![chat.0, cursor, 1]),
                Some(t) => stmt.exists(params![chat.0, cursor, 1, t]),
            }
            .db()
        },
    )
}

pub(crate) fn update_post(
    c: &Connection,
    now: i64,
    chat: ChatId,
    id: PostId,
    text: String,
    mentions: Vec<(MentionType, i64)>,
) -> Result<Post> {
    let account: Option<i64> = c
        .prepare_cached(
            "SELECT c.account_id FROM posts p JOIN chats c ON c.id = p.chat_id WHERE p.id = ?1 AND p.chat_id = ?2",
        )
        .db()?
        .query_row(params![id.0, chat.0], |r| r.get(0))
        .optional()
        .db()?;
    let Some(account) = account else {
        return Err(Error::NotFound(Subject::Post));
    };
    let mentions = resolve_mentions(c, AccountId(account), &mentions)?;
    c.prepare_cached("UPDATE posts SET text = ?2, mentions = ?3, modified = ?4 WHERE id = ?1")
        .db()?
        .execute(params![id.0, text, mentions_json(&mentions), now])
        .db()?;
    post(c, chat, id)?.ok_or(Error::NotFound(Subject::Post))
}

pub(crate) fn delete_post(c: &Connection, chat: ChatId, id: PostId) -> Result<()> {
    let n = c
        .prepare_cached("DELETE FROM posts WHERE id = ?1 AND chat_id = ?2")
        .db()?
        .execute(params![id.0, chat.0])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Post));
    }
    Ok(())
}

/// A post by primary key, in any chat.
pub(crate) fn post_by_id(c: &Connection, id: PostId) -> Result<Option<Post>> {
    c.prepare_cached(&format!("SELECT {POST_COLS} FROM posts p WHERE p.id = ?1"))
        .db()?
        .query_row(params![id.0], rows::post)
        .optional()
        .db()
}

/// Replaces the attachments of a post of `chat` (an adaptive card's post); the text is kept.
pub(crate) fn update_attachments(
    c: &Connection,
    now: i64,
    chat: ChatId,
    id: PostId,
    attachments: Vec<serde_json::Value>,
) -> Result<Post> {
    let n = c
        .prepare_cached(
            "UPDATE posts SET attachments = ?3, modified = ?4 WHERE id = ?1 AND chat_id = ?2",
        )
        .db()?
        .execute(params![id.0, chat.0, values_json(&attachments), now])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Post));
    }
    post(c, chat, id)?.ok_or(Error::NotFound(Subject::Post))
}
