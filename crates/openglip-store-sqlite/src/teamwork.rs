//! Tasks, notes and calendar events (`TeamworkStore`, schema version 11). An item of a chat is
//! written with its card post and the post's outbox event in the same job; what a task or an
//! event says is kept as JSON (`content`), its filtered fields as columns.

use openglip_domain::calendar::{CalendarEvent, EventContent, EventFilter, NewEvent};
use openglip_domain::events::EventPayload;
use openglip_domain::notes::{self, NewNote, Note, NoteChange, NoteFilter, NoteStatus, NoteWrite};
use openglip_domain::store::*;
use openglip_domain::store_rules::keyset;
use openglip_domain::tasks::{self, NewTask, Task, TaskChange, TaskContent, TaskFilter};
use openglip_domain::teamwork::TeamworkStore;
use openglip_domain::*;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use crate::SqliteStore;
use crate::db::{Db, json_ids, now_ms};
use crate::{events, posts};

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Internal(format!("encoding: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// A JSON array of strings, or NULL when there are none (the filter is off).
fn names_json(names: impl IntoIterator<Item = &'static str>) -> Option<String> {
    let names: Vec<&str> = names.into_iter().collect();
    (!names.is_empty()).then(|| serde_json::to_string(&names).unwrap_or_default())
}

fn ids_or_null(ids: &[ExtensionId]) -> Option<String> {
    (!ids.is_empty()).then(|| json_ids(ids.iter().map(|i| i.0)))
}

/// The check of a new item of `chat` by `person`, in the writing transaction: the chat exists,
/// the person is one of its members, it is not archived.
fn member_check(c: &Connection, chat: ChatId, person: ExtensionId) -> Result<()> {
    let row = c
        .prepare_cached(
            "SELECT c.status, EXISTS (SELECT 1 FROM members m WHERE m.chat_id = c.id AND m.person_id = ?2)
               FROM chats c WHERE c.id = ?1",
        )
        .db()?
        .query_row(params![chat.0, person.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
        })
        .optional()
        .db()?;
    match row {
        None => Err(Error::NotFound(Subject::Chat)),
        Some((_, false)) => Err(Error::forbidden("The person is not a member of the chat")),
        Some((status, true)) if status == ChatStatus::Archived.as_str() => {
            Err(Error::forbidden("The chat is archived"))
        }
        Some(_) => Ok(()),
    }
}

/// The people a card names (a task's assignees), as the mentions of its post: clients show their
/// names, and the people see that the post is about them.
fn card_mentions(people: &[ExtensionId]) -> Vec<(MentionType, i64)> {
    people.iter().map(|p| (MentionType::Person, p.0)).collect()
}

/// The account of a chat.
fn account_of(c: &Connection, chat: ChatId) -> Result<AccountId> {
    c.prepare_cached("SELECT account_id FROM chats WHERE id = ?1")
        .db()?
        .query_row([chat.0], |r| r.get(0))
        .map(AccountId)
        .db()
}

/// Posts an item's card into its chat (`PostAdded`), mentioning the people it names (resolved:
/// `resolve_mentions`); returns the post's id.
fn post_card(
    c: &Connection,
    now: i64,
    chat: ChatId,
    creator: ExtensionId,
    card: Value,
    mentions: Vec<Mention>,
) -> Result<PostId> {
    let new = NewPost {
        chat_id: chat,
        creator_id: creator,
        kind: PostType::TextMessage,
        text: String::new(),
        parent_post_id: None,
        mentions: mentions.iter().map(|m| (m.kind, m.id)).collect(),
        added_person_ids: vec![],
        removed_person_ids: vec![],
        attachments: vec![card],
        activity: None,
        title: None,
        icon_uri: None,
        icon_emoji: None,
    };
    let post = posts::insert_post(c, now, new, mentions)?;
    let id = post.id;
    events::append(c, now, None, &EventPayload::PostAdded { post })?;
    Ok(id)
}

/// Replaces the card of an item's post (`PostChanged`), and the people it names, if the post is
/// still there.
fn change_card(
    c: &Connection,
    now: i64,
    chat: ChatId,
    post: Option<PostId>,
    card: Value,
    people: &[ExtensionId],
) -> Result<()> {
    let Some(id) = post else { return Ok(()) };
    let changed = posts::update_post(c, now, chat, id, String::new(), card_mentions(people))
        .and_then(|_| posts::update_attachments(c, now, chat, id, vec![card]));
    match changed {
        Ok(post) => events::append(c, now, None, &EventPayload::PostChanged { post }).map(|_| ()),
        Err(Error::NotFound(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Deletes an item's post (`PostRemoved`), if it is still there.
fn remove_card(c: &Connection, now: i64, chat: ChatId, post: Option<PostId>) -> Result<()> {
    let Some(id) = post else { return Ok(()) };
    match posts::delete_post(c, chat, id) {
        Ok(()) => events::append(
            c,
            now,
            None,
            &EventPayload::PostRemoved {
                chat_id: chat,
                post_id: id,
            },
        )
        .map(|_| ()),
        Err(Error::NotFound(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

// ------------------------------------------------------------------------------------ tasks

const TASK_COLS: &str =
    "t.id, t.chat_id, t.creator_id, t.post_id, t.content, t.created, t.modified";

fn assignee_ids(task: &Task) -> Vec<ExtensionId> {
    task.content.assignees.iter().map(|a| a.id).collect()
}

/// The assignees' names, as mentions of the task's card post.
fn task_names(c: &Connection, task: &Task) -> Result<Vec<Mention>> {
    let account = account_of(c, task.chat_id)?;
    posts::resolve_mentions(c, account, &card_mentions(&assignee_ids(task)))
}

fn task_row(r: &Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        id: TaskId(r.get(0)?),
        chat_id: ChatId(r.get(1)?),
        creator_id: ExtensionId(r.get(2)?),
        post_id: r.get::<_, Option<i64>>(3)?.map(PostId),
        content: from_json(r, 4)?,
        created: Timestamp(r.get(5)?),
        modified: Timestamp(r.get(6)?),
    })
}

fn task(c: &Connection, id: TaskId) -> Result<Option<Task>> {
    c.prepare_cached(&format!("SELECT {TASK_COLS} FROM tasks t WHERE t.id = ?1"))
        .db()?
        .query_row([id.0], task_row)
        .optional()
        .db()
}

fn write_assignees(c: &Connection, id: TaskId, content: &TaskContent) -> Result<()> {
    c.prepare_cached("DELETE FROM task_assignees WHERE task_id = ?1")
        .db()?
        .execute([id.0])
        .db()?;
    let mut insert = c
        .prepare_cached(
            "INSERT INTO task_assignees (task_id, person_id, status) VALUES (?1, ?2, ?3)",
        )
        .db()?;
    for a in &content.assignees {
        insert
            .execute(params![id.0, a.id.0, a.status.as_str()])
            .db()?;
    }
    Ok(())
}

fn create_task(c: &Connection, now: i64, new: NewTask) -> Result<Task> {
    member_check(c, new.chat_id, new.creator_id)?;
    c.prepare_cached(
        "INSERT INTO tasks (chat_id, creator_id, status, content, created, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )
    .db()?
    .execute(params![
        new.chat_id.0,
        new.creator_id.0,
        new.content.status.as_str(),
        to_json(&new.content)?,
        now
    ])
    .db()?;
    let mut task = Task {
        id: TaskId(c.last_insert_rowid()),
        chat_id: new.chat_id,
        creator_id: new.creator_id,
        post_id: None,
        created: Timestamp(now),
        modified: Timestamp(now),
        content: new.content,
    };
    write_assignees(c, task.id, &task.content)?;
    let names = task_names(c, &task)?;
    let post = post_card(
        c,
        now,
        task.chat_id,
        task.creator_id,
        tasks::card(&task, &names),
        names,
    )?;
    c.prepare_cached("UPDATE tasks SET post_id = ?2 WHERE id = ?1")
        .db()?
        .execute(params![task.id.0, post.0])
        .db()?;
    task.post_id = Some(post);
    Ok(task)
}

fn list_tasks(c: &Connection, f: &TaskFilter, page: PageRequest) -> Result<Page<Task>> {
    const WHERE: &str = "t.chat_id = ?3
        AND (?4 IS NULL OR t.created >= ?4) AND (?5 IS NULL OR t.created <= ?5)
        AND (?6 IS NULL OR t.creator_id IN (SELECT value FROM json_each(?6)))
        AND (?7 IS NULL OR t.status IN (SELECT value FROM json_each(?7)))
        AND (?8 IS NULL OR ?8 = EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = t.id))
        AND ((?9 IS NULL AND ?10 IS NULL) OR EXISTS (
              SELECT 1 FROM task_assignees a WHERE a.task_id = t.id
                 AND (?9 IS NULL OR a.person_id IN (SELECT value FROM json_each(?9)))
                 AND (?10 IS NULL OR a.status = ?10)))";
    let chat = f.chat_id.map_or(0, |c| c.0);
    let from = f.created_from.map(|t| t.0);
    let to = f.created_to.map(|t| t.0);
    let creators = ids_or_null(&f.creators);
    let statuses = names_json(f.statuses.iter().map(|s| s.as_str()));
    let assignees = ids_or_null(&f.assignees);
    let assignee_status = f.assignee_status.map(|s| s.as_str());
    let mut conn = c;
    keyset(
        &mut conn,
        page,
        |c, cmp, order, cursor, n| {
            let sql = format!(
                "SELECT {TASK_COLS} FROM tasks t WHERE {WHERE} AND t.id {cmp} ?1 ORDER BY t.id {order} LIMIT ?2"
            );
            let mut stmt = c.prepare_cached(&sql).db()?;
            let rows = stmt
                .query_map(
                    params![
                        cursor,
                        n,
                        chat,
                        from,
                        to,
                        creators,
                        statuses,
                        f.assigned,
                        assignees,
                        assignee_status
                    ],
                    task_row,
                )
                .db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        },
        |c, cmp, cursor| {
            let sql = format!("SELECT 1 FROM tasks t WHERE {WHERE} AND t.id {cmp} ?1 LIMIT ?2");
            c.prepare_cached(&sql)
                .db()?
                .exists(params![
                    cursor,
                    1,
                    chat,
                    from,
                    to,
                    creators,
                    statuses,
                    f.assigned,
                    assignees,
                    assignee_status
                ])
                .db()
        },
    )
}

/// Applies `change` to the task as it is now: the writer runs one job at a time, so changes at
/// the same moment are applied one after the other.
fn update_task(c: &Connection, now: i64, id: TaskId, change: TaskChange) -> Result<Task> {
    let mut content = task(c, id)?.ok_or(Error::NotFound(Subject::Task))?.content;
    change.apply(&mut content)?;
    let n = c
        .prepare_cached("UPDATE tasks SET status = ?2, content = ?3, modified = ?4 WHERE id = ?1")
        .db()?
        .execute(params![
            id.0,
            content.status.as_str(),
            to_json(&content)?,
            now
        ])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::Task));
    }
    write_assignees(c, id, &content)?;
    let task = task(c, id)?.ok_or(Error::NotFound(Subject::Task))?;
    let names = task_names(c, &task)?;
    change_card(
        c,
        now,
        task.chat_id,
        task.post_id,
        tasks::card(&task, &names),
        &assignee_ids(&task),
    )?;
    Ok(task)
}

fn delete_task(c: &Connection, now: i64, id: TaskId) -> Result<()> {
    let task = task(c, id)?.ok_or(Error::NotFound(Subject::Task))?;
    c.prepare_cached("DELETE FROM tasks WHERE id = ?1")
        .db()?
        .execute([id.0])
        .db()?;
    remove_card(c, now, task.chat_id, task.post_id)
}

// ------------------------------------------------------------------------------------ notes

/// Columns of a note, alias `n`; `?1` is the moment before which a lock has expired.
const NOTE_COLS: &str = "n.id, n.chat_id, n.creator_id, n.title, n.body, n.status,
     CASE WHEN n.locked_at > ?1 THEN n.locked_by END, n.last_modified_by, n.post_id, n.created, n.modified";

fn note_row(r: &Row<'_>) -> rusqlite::Result<Note> {
    let status: String = r.get(5)?;
    Ok(Note {
        id: NoteId(r.get(0)?),
        chat_id: ChatId(r.get(1)?),
        creator_id: ExtensionId(r.get(2)?),
        title: r.get(3)?,
        body: r.get(4)?,
        status: NoteStatus::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                5,
                Type::Text,
                format!("note status {status:?}").into(),
            )
        })?,
        locked_by: r.get::<_, Option<i64>>(6)?.map(ExtensionId),
        last_modified_by: ExtensionId(r.get(7)?),
        post_id: r.get::<_, Option<i64>>(8)?.map(PostId),
        created: Timestamp(r.get(9)?),
        modified: Timestamp(r.get(10)?),
    })
}

fn note(c: &Connection, now: i64, id: NoteId) -> Result<Option<Note>> {
    c.prepare_cached(&format!("SELECT {NOTE_COLS} FROM notes n WHERE n.id = ?2"))
        .db()?
        .query_row(params![now - notes::LOCK_MILLIS, id.0], note_row)
        .optional()
        .db()
}

fn create_note(c: &Connection, now: i64, new: NewNote) -> Result<Note> {
    member_check(c, new.chat_id, new.creator_id)?;
    c.prepare_cached(
        "INSERT INTO notes (chat_id, creator_id, title, body, status, last_modified_by, created, modified)
         VALUES (?1, ?2, ?3, ?4, 'Draft', ?2, ?5, ?5)",
    )
    .db()?
    .execute(params![new.chat_id.0, new.creator_id.0, new.title, new.body, now])
    .db()?;
    let id = NoteId(c.last_insert_rowid());
    note(c, now, id)?.ok_or(Error::NotFound(Subject::Note))
}

fn list_notes(c: &Connection, now: i64, f: &NoteFilter, page: PageRequest) -> Result<Page<Note>> {
    const WHERE: &str = "n.chat_id = ?4 AND (n.status = 'Active' OR n.creator_id = ?5)
        AND (?6 IS NULL OR n.created >= ?6) AND (?7 IS NULL OR n.created <= ?7)
        AND (?8 IS NULL OR n.creator_id IN (SELECT value FROM json_each(?8)))
        AND (?9 IS NULL OR n.status = ?9)";
    let expired = now - notes::LOCK_MILLIS;
    let from = f.created_from.map(|t| t.0);
    let to = f.created_to.map(|t| t.0);
    let creators = ids_or_null(&f.creators);
    let status = f.status.map(|s| s.as_str());
    let mut conn = c;
    keyset(
        &mut conn,
        page,
        |c, cmp, order, cursor, n| {
            let sql = format!(
                "SELECT {NOTE_COLS} FROM notes n WHERE {WHERE} AND n.id {cmp} ?2 ORDER BY n.id {order} LIMIT ?3"
            );
            let mut stmt = c.prepare_cached(&sql).db()?;
            let rows = stmt
                .query_map(
                    params![
                        expired,
                        cursor,
                        n,
                        f.chat_id.0,
                        f.viewer.0,
                        from,
                        to,
                        creators,
                        status
                    ],
                    note_row,
                )
                .db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        },
        |c, cmp, cursor| {
            let sql = format!("SELECT 1 FROM notes n WHERE {WHERE} AND n.id {cmp} ?2 LIMIT ?3");
            c.prepare_cached(&sql)
                .db()?
                .exists(params![
                    expired,
                    cursor,
                    1,
                    f.chat_id.0,
                    f.viewer.0,
                    from,
                    to,
                    creators,
                    status
                ])
                .db()
        },
    )
}

fn change_note(
    c: &Connection,
    now: i64,
    id: NoteId,
    by: ExtensionId,
    change: NoteChange,
) -> Result<NoteWrite> {
    let before = note(c, now, id)?.ok_or(Error::NotFound(Subject::Note))?;
    if let Some(holder) = before.locked_by.filter(|h| *h != by)
        && change != NoteChange::Publish
    {
        return Ok(NoteWrite::LockedBy(holder));
    }
    let shows = match &change {
        NoteChange::Edit {
            title,
            body,
            release_lock,
        } => {
            c.prepare_cached(
                "UPDATE notes SET title = coalesce(?2, title), body = coalesce(?3, body),
                        last_modified_by = ?4, modified = ?5,
                        locked_by = CASE WHEN ?6 THEN NULL ELSE locked_by END,
                        locked_at = CASE WHEN ?6 THEN NULL ELSE locked_at END
                  WHERE id = ?1",
            )
            .db()?
            .execute(params![id.0, title, body, by.0, now, release_lock])
            .db()?;
            true
        }
        NoteChange::Lock => {
            c.prepare_cached("UPDATE notes SET locked_by = ?2, locked_at = ?3 WHERE id = ?1")
                .db()?
                .execute(params![id.0, by.0, now])
                .db()?;
            false
        }
        NoteChange::Unlock => {
            c.prepare_cached("UPDATE notes SET locked_by = NULL, locked_at = NULL WHERE id = ?1")
                .db()?
                .execute([id.0])
                .db()?;
            false
        }
        NoteChange::Publish => {
            c.prepare_cached("UPDATE notes SET status = 'Active', modified = ?2 WHERE id = ?1")
                .db()?
                .execute(params![id.0, now])
                .db()?;
            true
        }
    };
    let mut after = note(c, now, id)?.ok_or(Error::NotFound(Subject::Note))?;
    if shows && after.status == NoteStatus::Active {
        match after.post_id {
            Some(post) => change_card(c, now, after.chat_id, Some(post), notes::card(&after), &[])?,
            None => {
                let post = post_card(
                    c,
                    now,
                    after.chat_id,
                    after.creator_id,
                    notes::card(&after),
                    vec![],
                )?;
                c.prepare_cached("UPDATE notes SET post_id = ?2 WHERE id = ?1")
                    .db()?
                    .execute(params![id.0, post.0])
                    .db()?;
                after.post_id = Some(post);
            }
        }
    }
    Ok(NoteWrite::Done(after))
}

fn delete_note(c: &Connection, now: i64, id: NoteId) -> Result<()> {
    let note = note(c, now, id)?.ok_or(Error::NotFound(Subject::Note))?;
    c.prepare_cached("DELETE FROM notes WHERE id = ?1")
        .db()?
        .execute([id.0])
        .db()?;
    remove_card(c, now, note.chat_id, note.post_id)
}

// ----------------------------------------------------------------------------------- events

const EVENT_COLS: &str =
    "e.id, e.creator_id, e.chat_id, e.post_id, e.content, e.created, e.modified";

fn event_row(r: &Row<'_>) -> rusqlite::Result<CalendarEvent> {
    Ok(CalendarEvent {
        id: EventId(r.get(0)?),
        creator_id: ExtensionId(r.get(1)?),
        chat_id: r.get::<_, Option<i64>>(2)?.map(ChatId),
        post_id: r.get::<_, Option<i64>>(3)?.map(PostId),
        content: from_json(r, 4)?,
        created: Timestamp(r.get(5)?),
        modified: Timestamp(r.get(6)?),
    })
}

fn calendar_event(c: &Connection, id: EventId) -> Result<Option<CalendarEvent>> {
    c.prepare_cached(&format!(
        "SELECT {EVENT_COLS} FROM calendar_events e WHERE e.id = ?1"
    ))
    .db()?
    .query_row([id.0], event_row)
    .optional()
    .db()
}

fn create_event(c: &Connection, now: i64, new: NewEvent) -> Result<CalendarEvent> {
    if let Some(chat) = new.chat_id {
        member_check(c, chat, new.creator_id)?;
    }
    c.prepare_cached(
        "INSERT INTO calendar_events (creator_id, chat_id, content, created, modified) VALUES (?1, ?2, ?3, ?4, ?4)",
    )
    .db()?
    .execute(params![new.creator_id.0, new.chat_id.map(|c| c.0), to_json(&new.content)?, now])
    .db()?;
    let mut event = CalendarEvent {
        id: EventId(c.last_insert_rowid()),
        creator_id: new.creator_id,
        chat_id: new.chat_id,
        post_id: None,
        created: Timestamp(now),
        modified: Timestamp(now),
        content: new.content,
    };
    if let Some(chat) = event.chat_id {
        let post = post_card(
            c,
            now,
            chat,
            event.creator_id,
            openglip_domain::calendar::card(&event),
            vec![],
        )?;
        c.prepare_cached("UPDATE calendar_events SET post_id = ?2 WHERE id = ?1")
            .db()?
            .execute(params![event.id.0, post.0])
            .db()?;
        event.post_id = Some(post);
    }
    Ok(event)
}

fn list_events(c: &Connection, f: EventFilter, page: PageRequest) -> Result<Page<CalendarEvent>> {
    let (scope, key) = match f {
        EventFilter::Creator(p) => ("e.creator_id = ?3", p.0),
        EventFilter::Chat(chat) => ("e.chat_id = ?3", chat.0),
    };
    let mut conn = c;
    keyset(
        &mut conn,
        page,
        |c, cmp, order, cursor, n| {
            let sql = format!(
                "SELECT {EVENT_COLS} FROM calendar_events e WHERE {scope} AND e.id {cmp} ?1 ORDER BY e.id {order} LIMIT ?2"
            );
            let mut stmt = c.prepare_cached(&sql).db()?;
            let rows = stmt.query_map(params![cursor, n, key], event_row).db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        },
        |c, cmp, cursor| {
            let sql =
                format!("SELECT 1 FROM calendar_events e WHERE {scope} AND e.id {cmp} ?1 LIMIT ?2");
            c.prepare_cached(&sql)
                .db()?
                .exists(params![cursor, 1, key])
                .db()
        },
    )
}

fn update_event(
    c: &Connection,
    now: i64,
    id: EventId,
    content: EventContent,
) -> Result<CalendarEvent> {
    let n = c
        .prepare_cached("UPDATE calendar_events SET content = ?2, modified = ?3 WHERE id = ?1")
        .db()?
        .execute(params![id.0, to_json(&content)?, now])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::CalendarEvent));
    }
    let event = calendar_event(c, id)?.ok_or(Error::NotFound(Subject::CalendarEvent))?;
    if let Some(chat) = event.chat_id {
        change_card(
            c,
            now,
            chat,
            event.post_id,
            openglip_domain::calendar::card(&event),
            &[],
        )?;
    }
    Ok(event)
}

fn delete_event(c: &Connection, now: i64, id: EventId) -> Result<()> {
    let event = calendar_event(c, id)?.ok_or(Error::NotFound(Subject::CalendarEvent))?;
    c.prepare_cached("DELETE FROM calendar_events WHERE id = ?1")
        .db()?
        .execute([id.0])
        .db()?;
    match event.chat_id {
        Some(chat) => remove_card(c, now, chat, event.post_id),
        None => Ok(()),
    }
}

impl TeamworkStore for SqliteStore {
    fn create_task(&self, new: NewTask) -> BoxFuture<'_, Task> {
        Box::pin(self.write_ev(move |c, now| create_task(c, now, new)))
    }
    fn task(&self, id: TaskId) -> BoxFuture<'_, Option<Task>> {
        Box::pin(self.read(move |c| task(c, id)))
    }
    fn list_tasks(&self, filter: TaskFilter, page: PageRequest) -> BoxFuture<'_, Page<Task>> {
        Box::pin(self.read(move |c| list_tasks(c, &filter, page)))
    }
    fn update_task(&self, id: TaskId, change: TaskChange) -> BoxFuture<'_, Task> {
        Box::pin(self.write_ev(move |c, now| update_task(c, now, id, change)))
    }
    fn delete_task(&self, id: TaskId) -> BoxFuture<'_, ()> {
        Box::pin(self.write_ev(move |c, now| delete_task(c, now, id)))
    }

    fn create_note(&self, new: NewNote) -> BoxFuture<'_, Note> {
        Box::pin(self.write_ev(move |c, now| create_note(c, now, new)))
    }
    fn note(&self, id: NoteId) -> BoxFuture<'_, Option<Note>> {
        Box::pin(self.read(move |c| note(c, now_ms(), id)))
    }
    fn list_notes(&self, filter: NoteFilter, page: PageRequest) -> BoxFuture<'_, Page<Note>> {
        Box::pin(self.read(move |c| list_notes(c, now_ms(), &filter, page)))
    }
    fn change_note(
        &self,
        id: NoteId,
        by: ExtensionId,
        change: NoteChange,
    ) -> BoxFuture<'_, NoteWrite> {
        Box::pin(self.write_ev(move |c, now| change_note(c, now, id, by, change)))
    }
    fn delete_note(&self, id: NoteId) -> BoxFuture<'_, ()> {
        Box::pin(self.write_ev(move |c, now| delete_note(c, now, id)))
    }

    fn create_event(&self, new: NewEvent) -> BoxFuture<'_, CalendarEvent> {
        Box::pin(self.write_ev(move |c, now| create_event(c, now, new)))
    }
    fn calendar_event(&self, id: EventId) -> BoxFuture<'_, Option<CalendarEvent>> {
        Box::pin(self.read(move |c| calendar_event(c, id)))
    }
    fn list_events(
        &self,
        filter: EventFilter,
        page: PageRequest,
    ) -> BoxFuture<'_, Page<CalendarEvent>> {
        Box::pin(self.read(move |c| list_events(c, filter, page)))
    }
    fn update_event(&self, id: EventId, content: EventContent) -> BoxFuture<'_, CalendarEvent> {
        Box::pin(self.write_ev(move |c, now| update_event(c, now, id, content)))
    }
    fn delete_event(&self, id: EventId) -> BoxFuture<'_, ()> {
        Box::pin(self.write_ev(move |c, now| delete_event(c, now, id)))
    }
}
