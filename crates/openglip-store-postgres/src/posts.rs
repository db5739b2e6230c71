//! Posts. `create_post` is the hot path: one check query, at most one mention query, the insert
//! and the chat's activity bump, all with prepared statements.

use std::collections::HashMap;

use openglip_domain::store::*;
use openglip_domain::store_rules::{ids_json, keyset, mentions_json, values_json};
use openglip_domain::*;

use crate::db::{Conn, get};
use crate::rows::{self, POST_COLS};

/// Names the mentions: persons of `account` by full name, chats of `account` by name. Unknown ids
/// are dropped; the order and de-duplication of `wanted` are kept.
pub(crate) fn resolve_mentions(
    c: &mut Conn,
    account: AccountId,
    wanted: &[(MentionType, i64)],
) -> Result<Vec<Mention>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let ids_of = |kind: MentionType| -> Vec<i64> {
        wanted
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
            .collect()
    };
    let rows = c.query(
        "SELECT 0, e.id, e.first_name, e.last_name, e.extension_number
           FROM extensions e WHERE e.id = ANY($2) AND e.account_id = $1
         UNION ALL
         SELECT 1, c.id, coalesce(c.name, ''), '', ''
           FROM chats c WHERE c.id = ANY($3) AND c.account_id = $1",
        &[
            &account.0,
            &ids_of(MentionType::Person),
            &ids_of(MentionType::Team),
        ],
    )?;
    let mut names: HashMap<(MentionType, i64), String> = HashMap::with_capacity(wanted.len());
    for r in rows {
        let kind = if get::<i32>(&r, 0)? == 0 {
            MentionType::Person
        } else {
            MentionType::Team
        };
        let first: String = get(&r, 2)?;
        let last: String = get(&r, 3)?;
        let number: String = get(&r, 4)?;
        let name = match kind {
            MentionType::Person => display_name(&first, &last, &number),
            MentionType::Team => first,
        };
        names.insert((kind, get(&r, 1)?), name);
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
    c: &mut Conn,
    now: i64,
    new: NewPost,
    mentions: Vec<Mention>,
) -> Result<Post> {
    // A new post is a change of its chat (`lastModifiedTime` orders recent chats): both in one
    // statement.
    let row = c.one(
        "WITH inserted AS (
             INSERT INTO posts (chat_id, creator_id, type, text, parent_post_id, mentions, added_person_ids,
                                removed_person_ids, attachments, activity, title, icon_uri, icon_emoji, created,
                                modified)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id),
         touched AS (UPDATE chats SET modified = $14, last_activity = $14 WHERE id = $1)
         SELECT id FROM inserted",
        &[
            &new.chat_id.0,
            &new.creator_id.0,
            &new.kind.as_str(),
            &new.text,
            &new.parent_post_id.map(|p| p.0),
            &mentions_json(&mentions),
            &ids_json(&new.added_person_ids),
            &ids_json(&new.removed_person_ids),
            &values_json(&new.attachments),
            &new.activity,
            &new.title,
            &new.icon_uri,
            &new.icon_emoji,
            &now,
        ],
    )?;
    let id: i64 = get(&row, 0)?;
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

/// Checks and inserts a post; returns it with its chat's account (for its event).
pub(crate) fn create_post(c: &mut Conn, now: i64, new: NewPost) -> Result<(AccountId, Post)> {
    // One indexed lookup answers: does the chat exist, its account and status, is the creator a
    // member, is the parent a post of this chat.
    let check = c.map_opt(
        "SELECT c.account_id, c.status,
                EXISTS (SELECT 1 FROM members m WHERE m.chat_id = c.id AND m.person_id = $2),
                $3::bigint IS NULL OR EXISTS (SELECT 1 FROM posts p WHERE p.id = $3 AND p.chat_id = c.id)
         FROM chats c WHERE c.id = $1",
        &[
            &new.chat_id.0,
            &new.creator_id.0,
            &new.parent_post_id.map(|p| p.0),
        ],
        |r| {
            Ok((
                AccountId(get(r, 0)?),
                get::<String>(r, 1)?,
                get::<bool>(r, 2)?,
                get::<bool>(r, 3)?,
            ))
        },
    )?;
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

pub(crate) fn post(c: &mut Conn, chat: ChatId, id: PostId) -> Result<Option<Post>> {
    c.map_opt(
        &format!("SELECT {POST_COLS} FROM posts p WHERE p.id = $1 AND p.chat_id = $2"),
        &[&id.0, &chat.0],
        rows::post,
    )
}

pub(crate) fn list_posts(
    c: &mut Conn,
    chat: ChatId,
    thread: Option<PostId>,
    page: PageRequest,
) -> Result<Page<Post>> {
    // Two shapes so that each uses its index: (chat_id, id) for a chat; for a thread, the root by
    // primary key and its replies by (parent_post_id, id), never a scan of the chat.
    let scope = match thread {
        None => "p.chat_id = $1",
        Some(_) => {
            "p.id IN (SELECT $4::bigint UNION ALL SELECT r.id FROM posts r WHERE r.parent_post_id = $4) AND p.chat_id = $1"
        }
    };
    let thread = thread.map(|t| t.0);
    keyset(
        c,
        page,
        |c, cmp, order, cursor, n| {
            let sql = format!(
                "SELECT {POST_COLS} FROM posts p WHERE {scope} AND p.id {cmp} $2 ORDER BY p.id {order} LIMIT $3"
            );
            match thread {
                None => c.map(&sql, &[&chat.0, &cursor, &n], rows::post),
                Some(t) => c.map(&sql, &[&chat.0, &cursor, &n, &t], rows::post),
            }
        },
        |c, cmp, cursor| {
            let sql = format!("SELECT 1 FROM posts p WHERE {scope} AND p.id {cmp} $2 LIMIT $3");
            match thread {
                None => c.exists(&sql, &[&chat.0, &cursor, &1i64]),
                Some(t) => c.exists(&sql, &[&chat.0, &cursor, &1i64, &t]),
            }
        },
    )
}

pub(crate) fn update_post(
    c: &mut Conn,
    now: i64,
    chat: ChatId,
    id: PostId,
    text: String,
    mentions: Vec<(MentionType, i64)>,
) -> Result<Post> {
    let account = c.map_opt(
        "SELECT c.account_id FROM posts p JOIN chats c ON c.id = p.chat_id WHERE p.id = $1 AND p.chat_id = $2",
        &[&id.0, &chat.0],
        |r| get::<i64>(r, 0),
    )?;
    let Some(account) = account else {
        return Err(Error::NotFound(Subject::Post));
    };
    let mentions = resolve_mentions(c, AccountId(account), &mentions)?;
    c.exec(
        "UPDATE posts SET text = $2, mentions = $3, modified = $4 WHERE id = $1",
        &[&id.0, &text, &mentions_json(&mentions), &now],
    )?;
    post(c, chat, id)?.ok_or(Error::NotFound(Subject::Post))
}

pub(crate) fn delete_post(c: &mut Conn, chat: ChatId, id: PostId) -> Result<()> {
    let n = c.exec(
        "DELETE FROM posts WHERE id = $1 AND chat_id = $2",
        &[&id.0, &chat.0],
    )?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Post));
    }
    Ok(())
}

/// A post by primary key, in any chat.
pub(crate) fn post_by_id(c: &mut Conn, id: PostId) -> Result<Option<Post>> {
    c.map_opt(
        &format!("SELECT {POST_COLS} FROM posts p WHERE p.id = $1"),
        &[&id.0],
        rows::post,
    )
}

/// Replaces the attachments of a post of `chat` (an adaptive card's post); the text is kept.
pub(crate) fn update_attachments(
    c: &mut Conn,
    now: i64,
    chat: ChatId,
    id: PostId,
    attachments: Vec<serde_json::Value>,
) -> Result<Post> {
    let n = c.exec(
        "UPDATE posts SET attachments = $3, modified = $4 WHERE id = $1 AND chat_id = $2",
        &[&id.0, &chat.0, &values_json(&attachments), &now],
    )?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Post));
    }
    post(c, chat, id)?.ok_or(Error::NotFound(Subject::Post))
}
