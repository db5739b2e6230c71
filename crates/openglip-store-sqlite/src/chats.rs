//! Chats (teams, the Everyone team and conversations), their members, favorites and paging.

use std::collections::HashMap;

use openglip_domain::store::*;
use openglip_domain::store_rules::{conversation_key, distinct, keyset};
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::{Db, internal, is_fk_violation, json_ids};
use crate::posts;
use crate::rows::{self, CHAT_COLS};

pub(crate) struct ChatInsert<'a> {
    pub account: AccountId,
    pub kind: ChatType,
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: bool,
    pub creator: Option<ExtensionId>,
    pub members: &'a [ExtensionId],
}

fn unknown_member(e: rusqlite::Error) -> Error {
    if is_fk_violation(&e) {
        Error::invalid_because("members", "Unknown person")
    } else {
        internal(e)
    }
}

pub(crate) fn insert_chat(c: &Connection, now: i64, new: ChatInsert<'_>) -> Result<Chat> {
    let members = distinct(new.members);
    let key = new
        .kind
        .is_conversation()
        .then(|| conversation_key(&members));
    c.prepare_cached(
        "INSERT INTO chats (account_id, type, name, description, is_public, status, creator_id, member_key,
                            created, modified, last_activity)
         VALUES (?1, ?2, ?3, ?4, ?5, 'Active', ?6, ?7, ?8, ?8, ?8)",
    )
    .db()?
    .execute(params![
        new.account.0,
        new.kind.as_str(),
        new.name,
        new.description,
        new.public,
        new.creator.map(|c| c.0),
        key,
        now
    ])
    .map_err(|e| {
        if is_fk_violation(&e) {
            Error::NotFound(Subject::Account)
        } else {
            internal(e)
        }
    })?;
    let id = c.last_insert_rowid();
    let mut stmt = c
        .prepare_cached(
            "INSERT INTO members (chat_id, person_id, joined_at, ord) VALUES (?1, ?2, ?3, ?4)",
        )
        .db()?;
    for (ord, m) in members.iter().enumerate() {
        stmt.execute(params![id, m.0, now, ord as i64])
            .map_err(unknown_member)?;
        crate::reads::joined(c, ChatId(id), *m)?;
    }
    Ok(Chat {
        id: ChatId(id),
        account_id: new.account,
        kind: new.kind,
        name: new.name,
        description: new.description,
        public: new.public,
        status: ChatStatus::Active,
        creator_id: new.creator,
        members,
        created: Timestamp(now),
        modified: Timestamp(now),
    })
}

/// Adds a member at the end of the join order. Returns whether they were not a member before.
pub(crate) fn add_member(
    c: &Connection,
    now: i64,
    chat: ChatId,
    person: ExtensionId,
) -> Result<bool> {
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO members (chat_id, person_id, joined_at, ord)
             VALUES (?1, ?2, ?3, (SELECT coalesce(max(ord), -1) + 1 FROM members WHERE chat_id = ?1))",
        )
        .db()?
        .execute(params![chat.0, person.0, now])
        .map_err(unknown_member)?;
    if n == 1 {
        crate::reads::joined(c, chat, person)?;
    }
    Ok(n == 1)
}

fn new_chat_insert(new: &NewChat) -> ChatInsert<'_> {
    ChatInsert {
        account: new.account_id,
        kind: new.kind,
        name: new.name.clone(),
        description: new.description.clone(),
        public: new.public,
        creator: Some(new.creator_id),
        members: &new.members,
    }
}

pub(crate) fn create_chat(c: &Connection, now: i64, new: NewChat) -> Result<Chat> {
    if new.kind.is_conversation() {
        return find_or_create_conversation(c, now, new).map(|(chat, _)| chat);
    }
    insert_chat(c, now, new_chat_insert(&new))
}

/// The conversation of `kind` with exactly this member set in the account.
pub(crate) fn find_conversation(c: &Connection, new: &NewChat) -> Result<Option<Chat>> {
    let id: Option<i64> = c
        .prepare_cached(
            "SELECT id FROM chats WHERE account_id = ?1 AND type = ?2 AND member_key = ?3",
        )
        .db()?
        .query_row(
            params![
                new.account_id.0,
                new.kind.as_str(),
                conversation_key(&new.members)
            ],
            |r| r.get(0),
        )
        .optional()
        .db()?;
    match id {
        Some(id) => chat(c, ChatId(id)),
        None => Ok(None),
    }
}

pub(crate) fn find_or_create_conversation(
    c: &Connection,
    now: i64,
    new: NewChat,
) -> Result<(Chat, bool)> {
    if !new.kind.is_conversation() {
        return Err(Error::invalid_because("type", "Not a conversation type"));
    }
    if let Some(found) = find_conversation(c, &new)? {
        return Ok((found, false));
    }
    Ok((insert_chat(c, now, new_chat_insert(&new))?, true))
}

/// Fills in the members of `chats` with one query.
pub(crate) fn load_members(c: &Connection, chats: &mut [Chat]) -> Result<()> {
    match chats {
        [] => Ok(()),
        [one] => {
            let mut stmt = c
                .prepare_cached("SELECT person_id FROM members WHERE chat_id = ?1 ORDER BY ord")
                .db()?;
            one.members = stmt
                .query_map([one.id.0], |r| r.get(0).map(ExtensionId))
                .db()?
                .collect::<rusqlite::Result<_>>()
                .db()?;
            Ok(())
        }
        many => {
            let mut stmt = c
                .prepare_cached(
                    "SELECT chat_id, person_id FROM members WHERE chat_id IN (SELECT value FROM json_each(?1))
                     ORDER BY chat_id, ord",
                )
                .db()?;
            let mut by_chat: HashMap<i64, Vec<ExtensionId>> = HashMap::with_capacity(many.len());
            let rows = stmt
                .query_map([json_ids(many.iter().map(|ch| ch.id.0))], |r| {
                    Ok((r.get::<_, i64>(0)?, ExtensionId(r.get(1)?)))
                })
                .db()?;
            for row in rows {
                let (chat, person) = row.db()?;
                by_chat.entry(chat).or_default().push(person);
            }
            for ch in many.iter_mut() {
                ch.members = by_chat.remove(&ch.id.0).unwrap_or_default();
            }
            Ok(())
        }
    }
}

pub(crate) fn chat(c: &Connection, id: ChatId) -> Result<Option<Chat>> {
    let found = c
        .prepare_cached(&format!("SELECT {CHAT_COLS} FROM chats c WHERE c.id = ?1"))
        .db()?
        .query_row([id.0], rows::chat)
        .optional()
        .db()?;
    let Some(mut ch) = found else { return Ok(None) };
    load_members(c, std::slice::from_mut(&mut ch))?;
    Ok(Some(ch))
}

fn existing_chat(c: &Connection, id: ChatId) -> Result<Chat> {
    chat(c, id)?.ok_or(Error::NotFound(Subject::Chat))
}

pub(crate) fn everyone_chat(c: &Connection, account: AccountId) -> Result<Chat> {
    let found = c
        .prepare_cached(&format!(
            "SELECT {CHAT_COLS} FROM chats c WHERE c.account_id = ?1 AND c.type = 'Everyone'"
        ))
        .db()?
        .query_row([account.0], rows::chat)
        .optional()
        .db()?;
    let Some(mut ch) = found else {
        return Err(Error::NotFound(Subject::Account));
    };
    load_members(c, std::slice::from_mut(&mut ch))?;
    Ok(ch)
}

/// The JSON array of type names for the `types` filter; None for every type.
fn types_json(types: &[ChatType]) -> Option<String> {
    (!types.is_empty()).then(|| {
        let names: Vec<serde_json::Value> = types.iter().map(|t| t.as_str().into()).collect();
        serde_json::Value::Array(names).to_string()
    })
}

pub(crate) fn list_chats(
    c: &Connection,
    filter: &ChatFilter,
    page: PageRequest,
) -> Result<Page<Chat>> {
    let types = types_json(&filter.types);
    let mut conn = c;
    let mut out = keyset(
        &mut conn,
        page,
        |c, cmp, order, cursor, n| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {CHAT_COLS} FROM members m JOIN chats c ON c.id = m.chat_id
                     WHERE m.person_id = ?1 AND m.chat_id {cmp} ?2
                       AND (?3 IS NULL OR c.type IN (SELECT value FROM json_each(?3)))
                     ORDER BY m.chat_id {order} LIMIT ?4"
                ))
                .db()?;
            stmt.query_map(params![filter.member.0, cursor, types, n], rows::chat)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()
        },
        |c, cmp, cursor| {
            c.prepare_cached(&format!(
                "SELECT 1 FROM members m JOIN chats c ON c.id = m.chat_id
                 WHERE m.person_id = ?1 AND m.chat_id {cmp} ?2
                   AND (?3 IS NULL OR c.type IN (SELECT value FROM json_each(?3)))
                 LIMIT 1"
            ))
            .db()?
            .exists(params![filter.member.0, cursor, types])
            .db()
        },
    )?;
    load_members(c, &mut out.items)?;
    Ok(out)
}

pub(crate) fn recent_chats(c: &Connection, filter: &ChatFilter, limit: usize) -> Result<Vec<Chat>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {CHAT_COLS} FROM members m JOIN chats c ON c.id = m.chat_id
             WHERE m.person_id = ?1 AND (?2 IS NULL OR c.type IN (SELECT value FROM json_each(?2)))
             ORDER BY c.last_activity DESC, c.id DESC LIMIT ?3"
        ))
        .db()?;
    let mut chats = stmt
        .query_map(
            params![
                filter.member.0,
                types_json(&filter.types),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            rows::chat,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    load_members(c, &mut chats)?;
    Ok(chats)
}

/// Active public teams of `account` that `person` is not in, by latest activity.
pub(crate) fn joinable_teams(
    c: &Connection,
    account: AccountId,
    person: ExtensionId,
    limit: usize,
) -> Result<Vec<Chat>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {CHAT_COLS} FROM chats c
             WHERE c.account_id = ?1 AND c.type = 'Team' AND c.is_public = 1 AND c.status = 'Active'
               AND NOT EXISTS (SELECT 1 FROM members m WHERE m.chat_id = c.id AND m.person_id = ?2)
             ORDER BY c.last_activity DESC, c.id DESC LIMIT ?3"
        ))
        .db()?;
    let mut chats = stmt
        .query_map(
            params![
                account.0,
                person.0,
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            rows::chat,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    load_members(c, &mut chats)?;
    Ok(chats)
}

pub(crate) fn favorite_chats(
    c: &Connection,
    member: ExtensionId,
    limit: usize,
) -> Result<Vec<Chat>> {
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {CHAT_COLS} FROM favorites f JOIN chats c ON c.id = f.chat_id
             WHERE f.person_id = ?1 ORDER BY f.id LIMIT ?2"
        ))
        .db()?;
    let mut chats = stmt
        .query_map(
            params![member.0, i64::try_from(limit).unwrap_or(i64::MAX)],
            rows::chat,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    load_members(c, &mut chats)?;
    Ok(chats)
}

pub(crate) fn set_favorite(
    c: &Connection,
    now: i64,
    member: ExtensionId,
    chat: ChatId,
    favorite: bool,
) -> Result<()> {
    if !favorite {
        c.prepare_cached("DELETE FROM favorites WHERE person_id = ?1 AND chat_id = ?2")
            .db()?
            .execute(params![member.0, chat.0])
            .db()?;
        return Ok(());
    }
    let exists = c
        .prepare_cached("SELECT 1 FROM chats WHERE id = ?1")
        .db()?
        .exists([chat.0])
        .db()?;
    if !exists {
        return Err(Error::NotFound(Subject::Chat));
    }
    c.prepare_cached(
        "INSERT OR IGNORE INTO favorites (person_id, chat_id, created) VALUES (?1, ?2, ?3)",
    )
    .db()?
    .execute(params![member.0, chat.0, now])
    .map_err(|e| {
        if is_fk_violation(&e) {
            Error::NotFound(Subject::Extension)
        } else {
            internal(e)
        }
    })?;
    Ok(())
}

pub(crate) fn update_chat(c: &Connection, now: i64, id: ChatId, patch: ChatPatch) -> Result<Chat> {
    let n = c
        .prepare_cached(
            "UPDATE chats SET name = coalesce(?2, name), description = coalesce(?3, description),
                              is_public = coalesce(?4, is_public), status = coalesce(?5, status),
                              modified = ?6, last_activity = ?6
             WHERE id = ?1",
        )
        .db()?
        .execute(params![
            id.0,
            patch.name,
            patch.description,
            patch.public,
            patch.status.map(ChatStatus::as_str),
            now
        ])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Chat));
    }
    existing_chat(c, id)
}

fn system_post(kind: PostType, chat: ChatId, actor: ExtensionId) -> NewPost {
    NewPost {
        chat_id: chat,
        creator_id: actor,
        kind,
        text: String::new(),
        parent_post_id: None,
        mentions: Vec::new(),
        added_person_ids: Vec::new(),
        removed_person_ids: Vec::new(),
        attachments: Vec::new(),
        activity: None,
        title: None,
        icon_uri: None,
        icon_emoji: None,
    }
}

/// Applies a membership change; returns the chat and the system posts it recorded (the joined or
/// added one first, then the removed one).
pub(crate) fn change_members(
    c: &Connection,
    now: i64,
    change: MembershipChange,
) -> Result<(Chat, Vec<Post>)> {
    let chat_id = change.chat_id;
    let kind: Option<String> = c
        .prepare_cached("SELECT type FROM chats WHERE id = ?1")
        .db()?
        .query_row([chat_id.0], |r| r.get(0))
        .optional()
        .db()?;
    let Some(kind) = kind else {
        return Err(Error::NotFound(Subject::Chat));
    };
    // A conversation is its member set (see `conversation_key`): it never changes members.
    if ChatType::parse(&kind).is_some_and(ChatType::is_conversation) {
        return Err(Error::forbidden(
            "The members of a conversation cannot change",
        ));
    }
    let mut added = Vec::new();
    for person in distinct(&change.add) {
        if add_member(c, now, chat_id, person)? {
            added.push(person);
        }
    }
    let mut removed = Vec::new();
    {
        let mut remove = c
            .prepare_cached("DELETE FROM members WHERE chat_id = ?1 AND person_id = ?2")
            .db()?;
        let mut unfavorite = c
            .prepare_cached("DELETE FROM favorites WHERE person_id = ?2 AND chat_id = ?1")
            .db()?;
        for person in distinct(&change.remove) {
            if remove.execute(params![chat_id.0, person.0]).db()? == 1 {
                unfavorite.execute(params![chat_id.0, person.0]).db()?;
                removed.push(person);
            }
        }
    }
    if added.is_empty() && removed.is_empty() {
        return Ok((existing_chat(c, chat_id)?, Vec::new()));
    }
    c.prepare_cached("UPDATE chats SET modified = ?2, last_activity = ?2 WHERE id = ?1")
        .db()?
        .execute(params![chat_id.0, now])
        .db()?;
    let mut system = Vec::with_capacity(2);
    if !added.is_empty() {
        let post = if added == [change.actor] {
            system_post(PostType::PersonJoined, chat_id, change.actor)
        } else {
            NewPost {
                added_person_ids: added,
                ..system_post(PostType::PersonsAdded, chat_id, change.actor)
            }
        };
        system.push(posts::insert_post(c, now, post, Vec::new())?);
    }
    if !removed.is_empty() {
        let post = NewPost {
            removed_person_ids: removed,
            ..system_post(PostType::PersonsRemoved, chat_id, change.actor)
        };
        system.push(posts::insert_post(c, now, post, Vec::new())?);
    }
    Ok((existing_chat(c, chat_id)?, system))
}

pub(crate) fn delete_chat(c: &Connection, id: ChatId) -> Result<()> {
    let n = c
        .prepare_cached("DELETE FROM chats WHERE id = ?1")
        .db()?
        .execute([id.0])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Chat));
    }
    Ok(())
}
