//! Chats (teams, the Everyone team and conversations), their members, favorites and paging.

use std::collections::HashMap;

use openglip_domain::store::*;
use openglip_domain::store_rules::{conversation_key, distinct, keyset};
use openglip_domain::*;

use crate::db::{Conn, get, internal, is_fk_violation, limit};
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

fn unknown_member(e: postgres::Error) -> Error {
    if is_fk_violation(&e) {
        Error::invalid_because("members", "Unknown person")
    } else {
        internal(e)
    }
}

pub(crate) fn insert_chat(c: &mut Conn, now: i64, new: ChatInsert<'_>) -> Result<Chat> {
    let members = distinct(new.members);
    let key = new
        .kind
        .is_conversation()
        .then(|| conversation_key(&members));
    let row = c
        .one_raw(
            "INSERT INTO chats (account_id, type, name, description, is_public, status, creator_id, member_key,
                                created, modified, last_activity)
             VALUES ($1, $2, $3, $4, $5, 'Active', $6, $7, $8, $8, $8) RETURNING id",
            &[
                &new.account.0,
                &new.kind.as_str(),
                &new.name,
                &new.description,
                &new.public,
                &new.creator.map(|c| c.0),
                &key,
                &now,
            ],
        )
        .map_err(|e| {
            if is_fk_violation(&e) {
                Error::NotFound(Subject::Account)
            } else {
                internal(e)
            }
        })?;
    let id: i64 = get(&row, 0)?;
    for (ord, m) in members.iter().enumerate() {
        c.exec_raw(
            "INSERT INTO members (chat_id, person_id, joined_at, ord) VALUES ($1, $2, $3, $4)",
            &[&id, &m.0, &now, &(ord as i64)],
        )
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
    c: &mut Conn,
    now: i64,
    chat: ChatId,
    person: ExtensionId,
) -> Result<bool> {
    let n = c
        .exec_raw(
            "INSERT INTO members (chat_id, person_id, joined_at, ord)
             VALUES ($1, $2, $3, (SELECT coalesce(max(ord), -1) + 1 FROM members WHERE chat_id = $1))
             ON CONFLICT (chat_id, person_id) DO NOTHING",
            &[&chat.0, &person.0, &now],
        )
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

pub(crate) fn create_chat(c: &mut Conn, now: i64, new: NewChat) -> Result<Chat> {
    if new.kind.is_conversation() {
        return find_or_create_conversation(c, now, new).map(|(chat, _)| chat);
    }
    insert_chat(c, now, new_chat_insert(&new))
}

/// The conversation of `kind` with exactly this member set in the account.
pub(crate) fn find_conversation(c: &mut Conn, new: &NewChat) -> Result<Option<Chat>> {
    let id = c.map_opt(
        "SELECT id FROM chats WHERE account_id = $1 AND type = $2 AND member_key = $3",
        &[
            &new.account_id.0,
            &new.kind.as_str(),
            &conversation_key(&new.members),
        ],
        |r| get::<i64>(r, 0),
    )?;
    match id {
        Some(id) => chat(c, ChatId(id)),
        None => Ok(None),
    }
}

pub(crate) fn find_or_create_conversation(
    c: &mut Conn,
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
fn load_members(c: &mut Conn, chats: &mut [Chat]) -> Result<()> {
    if chats.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = chats.iter().map(|ch| ch.id.0).collect();
    let mut by_chat: HashMap<i64, Vec<ExtensionId>> = HashMap::with_capacity(chats.len());
    for row in c.query(
        "SELECT chat_id, person_id FROM members WHERE chat_id = ANY($1) ORDER BY chat_id, ord",
        &[&ids],
    )? {
        by_chat
            .entry(get(&row, 0)?)
            .or_default()
            .push(ExtensionId(get(&row, 1)?));
    }
    for ch in chats.iter_mut() {
        ch.members = by_chat.remove(&ch.id.0).unwrap_or_default();
    }
    Ok(())
}

/// Chats of a query, with their members.
pub(crate) fn chats_with_members(
    c: &mut Conn,
    sql: &str,
    params: crate::db::Params<'_>,
) -> Result<Vec<Chat>> {
    let mut chats = c.map(sql, params, rows::chat)?;
    load_members(c, &mut chats)?;
    Ok(chats)
}

pub(crate) fn chat(c: &mut Conn, id: ChatId) -> Result<Option<Chat>> {
    let sql = format!("SELECT {CHAT_COLS} FROM chats c WHERE c.id = $1");
    Ok(chats_with_members(c, &sql, &[&id.0])?.pop())
}

fn existing_chat(c: &mut Conn, id: ChatId) -> Result<Chat> {
    chat(c, id)?.ok_or(Error::NotFound(Subject::Chat))
}

pub(crate) fn everyone_chat(c: &mut Conn, account: AccountId) -> Result<Chat> {
    let sql =
        format!("SELECT {CHAT_COLS} FROM chats c WHERE c.account_id = $1 AND c.type = 'Everyone'");
    chats_with_members(c, &sql, &[&account.0])?
        .pop()
        .ok_or(Error::NotFound(Subject::Account))
}

/// The type names of the `types` filter; None for every type.
fn type_names(types: &[ChatType]) -> Option<Vec<String>> {
    (!types.is_empty()).then(|| types.iter().map(|t| t.as_str().to_string()).collect())
}

pub(crate) fn list_chats(
    c: &mut Conn,
    filter: &ChatFilter,
    page: PageRequest,
) -> Result<Page<Chat>> {
    let types = type_names(&filter.types);
    let member = filter.member.0;
    let mut out = keyset(
        c,
        page,
        |c, cmp, order, cursor, n| {
            c.map(
                &format!(
                    "SELECT {CHAT_COLS} FROM members m JOIN chats c ON c.id = m.chat_id
                     WHERE m.person_id = $1 AND m.chat_id {cmp} $2
                       AND ($3::text[] IS NULL OR c.type = ANY($3))
                     ORDER BY m.chat_id {order} LIMIT $4"
                ),
                &[&member, &cursor, &types, &n],
                rows::chat,
            )
        },
        |c, cmp, cursor| {
            c.exists(
                &format!(
                    "SELECT 1 FROM members m JOIN chats c ON c.id = m.chat_id
                     WHERE m.person_id = $1 AND m.chat_id {cmp} $2
                       AND ($3::text[] IS NULL OR c.type = ANY($3))
                     LIMIT 1"
                ),
                &[&member, &cursor, &types],
            )
        },
    )?;
    load_members(c, &mut out.items)?;
    Ok(out)
}

pub(crate) fn recent_chats(c: &mut Conn, filter: &ChatFilter, n: usize) -> Result<Vec<Chat>> {
    let sql = format!(
        "SELECT {CHAT_COLS} FROM members m JOIN chats c ON c.id = m.chat_id
         WHERE m.person_id = $1 AND ($2::text[] IS NULL OR c.type = ANY($2))
         ORDER BY c.last_activity DESC, c.id DESC LIMIT $3"
    );
    chats_with_members(
        c,
        &sql,
        &[&filter.member.0, &type_names(&filter.types), &limit(n)],
    )
}

/// Active public teams of `account` that `person` is not in, by latest activity.
pub(crate) fn joinable_teams(
    c: &mut Conn,
    account: AccountId,
    person: ExtensionId,
    n: usize,
) -> Result<Vec<Chat>> {
    let sql = format!(
        "SELECT {CHAT_COLS} FROM chats c
         WHERE c.account_id = $1 AND c.type = 'Team' AND c.is_public AND c.status = 'Active'
           AND NOT EXISTS (SELECT 1 FROM members m WHERE m.chat_id = c.id AND m.person_id = $2)
         ORDER BY c.last_activity DESC, c.id DESC LIMIT $3"
    );
    chats_with_members(c, &sql, &[&account.0, &person.0, &limit(n)])
}

pub(crate) fn favorite_chats(c: &mut Conn, member: ExtensionId, n: usize) -> Result<Vec<Chat>> {
    let sql = format!(
        "SELECT {CHAT_COLS} FROM favorites f JOIN chats c ON c.id = f.chat_id
         WHERE f.person_id = $1 ORDER BY f.id LIMIT $2"
    );
    chats_with_members(c, &sql, &[&member.0, &limit(n)])
}

pub(crate) fn set_favorite(
    c: &mut Conn,
    now: i64,
    member: ExtensionId,
    chat: ChatId,
    favorite: bool,
) -> Result<()> {
    if !favorite {
        c.exec(
            "DELETE FROM favorites WHERE person_id = $1 AND chat_id = $2",
            &[&member.0, &chat.0],
        )?;
        return Ok(());
    }
    if !c.exists("SELECT 1 FROM chats WHERE id = $1", &[&chat.0])? {
        return Err(Error::NotFound(Subject::Chat));
    }
    c.exec_raw(
        "INSERT INTO favorites (person_id, chat_id, created) VALUES ($1, $2, $3)
         ON CONFLICT (person_id, chat_id) DO NOTHING",
        &[&member.0, &chat.0, &now],
    )
    .map_err(|e| {
        if is_fk_violation(&e) {
            Error::NotFound(Subject::Extension)
        } else {
            internal(e)
        }
    })?;
    Ok(())
}

pub(crate) fn update_chat(c: &mut Conn, now: i64, id: ChatId, patch: ChatPatch) -> Result<Chat> {
    let n = c.exec(
        "UPDATE chats SET name = coalesce($2, name), description = coalesce($3, description),
                          is_public = coalesce($4, is_public), status = coalesce($5, status),
                          modified = $6, last_activity = $6
         WHERE id = $1",
        &[
            &id.0,
            &patch.name,
            &patch.description,
            &patch.public,
            &patch.status.map(ChatStatus::as_str),
            &now,
        ],
    )?;
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
    c: &mut Conn,
    now: i64,
    change: MembershipChange,
) -> Result<(Chat, Vec<Post>)> {
    let chat_id = change.chat_id;
    let kind = c.map_opt("SELECT type FROM chats WHERE id = $1", &[&chat_id.0], |r| {
        get::<String>(r, 0)
    })?;
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
    for person in distinct(&change.remove) {
        let gone = c.exec(
            "DELETE FROM members WHERE chat_id = $1 AND person_id = $2",
            &[&chat_id.0, &person.0],
        )?;
        if gone == 1 {
            c.exec(
                "DELETE FROM favorites WHERE person_id = $2 AND chat_id = $1",
                &[&chat_id.0, &person.0],
            )?;
            removed.push(person);
        }
    }
    if added.is_empty() && removed.is_empty() {
        return Ok((existing_chat(c, chat_id)?, Vec::new()));
    }
    c.exec(
        "UPDATE chats SET modified = $2, last_activity = $2 WHERE id = $1",
        &[&chat_id.0, &now],
    )?;
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

pub(crate) fn delete_chat(c: &mut Conn, id: ChatId) -> Result<()> {
    if c.exec("DELETE FROM chats WHERE id = $1", &[&id.0])? == 0 {
        return Err(Error::NotFound(Subject::Chat));
    }
    Ok(())
}
