//! Tasks, notes and calendar events (`TeamworkStore`, schema version 11), as the SQLite store
//! keeps them: an item of a chat is written with its card post and the post's outbox event in
//! the same job; what a task or an event says is kept as JSON (`content`), its filtered fields
//! as columns.

use openglip_domain::calendar::{self, CalendarEvent, EventContent, EventFilter, NewEvent};
use openglip_domain::events::EventPayload;
use openglip_domain::notes::{self, NewNote, Note, NoteChange, NoteFilter, NoteStatus, NoteWrite};
use openglip_domain::store::*;
use openglip_domain::store_rules::keyset;
use openglip_domain::tasks::{self, NewTask, Task, TaskChange, TaskContent, TaskFilter};
use openglip_domain::teamwork::TeamworkStore;
use openglip_domain::*;
use postgres::Row;
use serde_json::Value;

use crate::PostgresStore;
use crate::db::{Conn, get, now_ms};
use crate::{events, posts};

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Internal(format!("encoding: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(row: &Row, idx: usize) -> Result<T> {
    let text: String = get(row, idx)?;
    serde_json::from_str(&text).map_err(|e| Error::Internal(format!("postgres: column {idx}: {e}")))
}

fn ids_or_null(ids: &[ExtensionId]) -> Option<Vec<i64>> {
    (!ids.is_empty()).then(|| ids.iter().map(|i| i.0).collect())
}

/// The check of a new item of `chat` by `person`, in the writing transaction: the chat exists,
/// the person is one of its members, it is not archived.
fn member_check(c: &mut Conn, chat: ChatId, person: ExtensionId) -> Result<()> {
    let row = c.map_opt(
        "SELECT c.status, EXISTS (SELECT 1 FROM members m WHERE m.chat_id = c.id AND m.person_id = $2)
           FROM chats c WHERE c.id = $1",
        &[&chat.0, &person.0],
        |r| Ok((get::<String>(r, 0)?, get::<bool>(r, 1)?)),
    )?;
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
fn account_of(c: &mut Conn, chat: ChatId) -> Result<AccountId> {
    let row = c.one("SELECT account_id FROM chats WHERE id = $1", &[&chat.0])?;
    Ok(AccountId(get(&row, 0)?))
}

/// Posts an item's card into its chat (`PostAdded`), mentioning the people it names (resolved:
/// `resolve_mentions`); returns the post's id.
fn post_card(
    c: &mut Conn,
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
    c: &mut Conn,
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
fn remove_card(c: &mut Conn, now: i64, chat: ChatId, post: Option<PostId>) -> Result<()> {
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
fn task_names(c: &mut Conn, task: &Task) -> Result<Vec<Mention>> {
    let account = account_of(c, task.chat_id)?;
    posts::resolve_mentions(c, account, &card_mentions(&assignee_ids(task)))
}

fn task_row(r: &Row) -> Result<Task> {
    Ok(Task {
        id: TaskId(get(r, 0)?),
        chat_id: ChatId(get(r, 1)?),
        creator_id: ExtensionId(get(r, 2)?),
        post_id: get::<Option<i64>>(r, 3)?.map(PostId),
        content: from_json(r, 4)?,
        created: Timestamp(get(r, 5)?),
        modified: Timestamp(get(r, 6)?),
    })
}

fn task(c: &mut Conn, id: TaskId) -> Result<Option<Task>> {
    c.map_opt(
        &format!("SELECT {TASK_COLS} FROM tasks t WHERE t.id = $1"),
        &[&id.0],
        task_row,
    )
}

fn write_assignees(c: &mut Conn, id: TaskId, content: &TaskContent) -> Result<()> {
    c.exec("DELETE FROM task_assignees WHERE task_id = $1", &[&id.0])?;
    for a in &content.assignees {
        c.exec(
            "INSERT INTO task_assignees (task_id, person_id, status) VALUES ($1, $2, $3)",
            &[&id.0, &a.id.0, &a.status.as_str()],
        )?;
    }
    Ok(())
}

fn create_task(c: &mut Conn, now: i64, new: NewTask) -> Result<Task> {
    member_check(c, new.chat_id, new.creator_id)?;
    let row = c.one(
        "INSERT INTO tasks (chat_id, creator_id, status, content, created, modified)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        &[
            &new.chat_id.0,
            &new.creator_id.0,
            &new.content.status.as_str(),
            &to_json(&new.content)?,
            &now,
        ],
    )?;
    let mut task = Task {
        id: TaskId(get(&row, 0)?),
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
    c.exec(
        "UPDATE tasks SET post_id = $2 WHERE id = $1",
        &[&task.id.0, &post.0],
    )?;
    task.post_id = Some(post);
    Ok(task)
}

fn list_tasks(c: &mut Conn, f: &TaskFilter, page: PageRequest) -> Result<Page<Task>> {
    const WHERE: &str = "t.chat_id = $3
        AND ($4::bigint IS NULL OR t.created >= $4) AND ($5::bigint IS NULL OR t.created <= $5)
        AND ($6::bigint[] IS NULL OR t.creator_id = ANY($6))
        AND ($7::text[] IS NULL OR t.status = ANY($7))
        AND ($8::boolean IS NULL OR $8 = EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = t.id))
        AND (($9::bigint[] IS NULL AND $10::text IS NULL) OR EXISTS (
              SELECT 1 FROM task_assignees a WHERE a.task_id = t.id
                 AND ($9::bigint[] IS NULL OR a.person_id = ANY($9))
                 AND ($10::text IS NULL OR a.status = $10)))";
    let chat = f.chat_id.map_or(0, |c| c.0);
    let from = f.created_from.map(|t| t.0);
    let to = f.created_to.map(|t| t.0);
    let creators = ids_or_null(&f.creators);
    let statuses: Option<Vec<&str>> =
        (!f.statuses.is_empty()).then(|| f.statuses.iter().map(|s| s.as_str()).collect());
    let assignees = ids_or_null(&f.assignees);
    let assignee_status = f.assignee_status.map(|s| s.as_str());
    keyset(
        c,
        page,
        |c, cmp, order, cursor, n| {
            let sql = format!(
                "SELECT {TASK_COLS} FROM tasks t WHERE {WHERE} AND t.id {cmp} $1 ORDER BY t.id {order} LIMIT $2"
            );
            c.map(
                &sql,
                &[
                    &cursor,
                    &n,
                    &chat,
                    &from,
                    &to,
                    &creators,
                    &statuses,
                    &f.assigned,
                    &assignees,
                    &assignee_status,
                ],
                task_row,
            )
        },
        |c, cmp, cursor| {
            let sql = format!("SELECT 1 FROM tasks t WHERE {WHERE} AND t.id {cmp} $1 LIMIT $2");
            c.exists(
                &sql,
                &[
                    &cursor,
                    &1i64,
                    &chat,
                    &from,
                    &to,
                    &creators,
                    &statuses,
                    &f.assigned,
                    &assignees,
                    &assignee_status,
                ],
            )
        },
    )
}

/// Applies `change` to the task as it is now: write transactions hold the advisory lock, so
/// changes at the same moment are applied one after the other.
fn update_task(c: &mut Conn, now: i64, id: TaskId, change: TaskChange) -> Result<Task> {
    let mut content = task(c, id)?.ok_or(Error::NotFound(Subject::Task))?.content;
    change.apply(&mut content)?;
    let n = c.exec(
        "UPDATE tasks SET status = $2, content = $3, modified = $4 WHERE id = $1",
        &[&id.0, &content.status.as_str(), &to_json(&content)?, &now],
    )?;
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

fn delete_task(c: &mut Conn, now: i64, id: TaskId) -> Result<()> {
    let task = task(c, id)?.ok_or(Error::NotFound(Subject::Task))?;
    c.exec("DELETE FROM tasks WHERE id = $1", &[&id.0])?;
    remove_card(c, now, task.chat_id, task.post_id)
}

// ------------------------------------------------------------------------------------ notes

/// Columns of a note, alias `n`; `$1` is the moment before which a lock has expired.
const NOTE_COLS: &str = "n.id, n.chat_id, n.creator_id, n.title, n.body, n.status,
     CASE WHEN n.locked_at > $1 THEN n.locked_by END, n.last_modified_by, n.post_id, n.created, n.modified";

fn note_row(r: &Row) -> Result<Note> {
    let status: String = get(r, 5)?;
    Ok(Note {
        id: NoteId(get(r, 0)?),
        chat_id: ChatId(get(r, 1)?),
        creator_id: ExtensionId(get(r, 2)?),
        title: get(r, 3)?,
        body: get(r, 4)?,
        status: NoteStatus::parse(&status)
            .ok_or_else(|| Error::Internal(format!("postgres: note status {status:?}")))?,
        locked_by: get::<Option<i64>>(r, 6)?.map(ExtensionId),
        last_modified_by: ExtensionId(get(r, 7)?),
        post_id: get::<Option<i64>>(r, 8)?.map(PostId),
        created: Timestamp(get(r, 9)?),
        modified: Timestamp(get(r, 10)?),
    })
}

fn note(c: &mut Conn, now: i64, id: NoteId) -> Result<Option<Note>> {
    c.map_opt(
        &format!("SELECT {NOTE_COLS} FROM notes n WHERE n.id = $2"),
        &[&(now - notes::LOCK_MILLIS), &id.0],
        note_row,
    )
}

fn create_note(c: &mut Conn, now: i64, new: NewNote) -> Result<Note> {
    member_check(c, new.chat_id, new.creator_id)?;
    let row = c.one(
        "INSERT INTO notes (chat_id, creator_id, title, body, status, last_modified_by, created, modified)
         VALUES ($1, $2, $3, $4, 'Draft', $2, $5, $5) RETURNING id",
        &[&new.chat_id.0, &new.creator_id.0, &new.title, &new.body, &now],
    )?;
    let id = NoteId(get(&row, 0)?);
    note(c, now, id)?.ok_or(Error::NotFound(Subject::Note))
}

fn list_notes(c: &mut Conn, now: i64, f: &NoteFilter, page: PageRequest) -> Result<Page<Note>> {
    const WHERE: &str = "n.chat_id = $4 AND (n.status = 'Active' OR n.creator_id = $5)
        AND ($6::bigint IS NULL OR n.created >= $6) AND ($7::bigint IS NULL OR n.created <= $7)
        AND ($8::bigint[] IS NULL OR n.creator_id = ANY($8))
        AND ($9::text IS NULL OR n.status = $9)";
    let expired = now - notes::LOCK_MILLIS;
    let from = f.created_from.map(|t| t.0);
    let to = f.created_to.map(|t| t.0);
    let creators = ids_or_null(&f.creators);
    let status = f.status.map(|s| s.as_str());
    keyset(
        c,
        page,
        |c, cmp, order, cursor, n| {
            let sql = format!(
                "SELECT {NOTE_COLS} FROM notes n WHERE {WHERE} AND n.id {cmp} $2 ORDER BY n.id {order} LIMIT $3"
            );
            c.map(
                &sql,
                &[
                    &expired,
                    &cursor,
                    &n,
                    &f.chat_id.0,
                    &f.viewer.0,
                    &from,
                    &to,
                    &creators,
                    &status,
                ],
                note_row,
            )
        },
        |c, cmp, cursor| {
            let sql = format!(
                "SELECT 1 FROM notes n WHERE {WHERE} AND n.id {cmp} $2 AND $1::bigint IS NOT NULL LIMIT $3"
            );
            c.exists(
                &sql,
                &[
                    &expired,
                    &cursor,
                    &1i64,
                    &f.chat_id.0,
                    &f.viewer.0,
                    &from,
                    &to,
                    &creators,
                    &status,
                ],
            )
        },
    )
}

fn change_note(
    c: &mut Conn,
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
            c.exec(
                "UPDATE notes SET title = coalesce($2, title), body = coalesce($3, body),
                        last_modified_by = $4, modified = $5,
                        locked_by = CASE WHEN $6 THEN NULL ELSE locked_by END,
                        locked_at = CASE WHEN $6 THEN NULL ELSE locked_at END
                  WHERE id = $1",
                &[&id.0, title, body, &by.0, &now, release_lock],
            )?;
            true
        }
        NoteChange::Lock => {
            c.exec(
                "UPDATE notes SET locked_by = $2, locked_at = $3 WHERE id = $1",
                &[&id.0, &by.0, &now],
            )?;
            false
        }
        NoteChange::Unlock => {
            c.exec(
                "UPDATE notes SET locked_by = NULL, locked_at = NULL WHERE id = $1",
                &[&id.0],
            )?;
            false
        }
        NoteChange::Publish => {
            c.exec(
                "UPDATE notes SET status = 'Active', modified = $2 WHERE id = $1",
                &[&id.0, &now],
            )?;
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
                c.exec(
                    "UPDATE notes SET post_id = $2 WHERE id = $1",
                    &[&id.0, &post.0],
                )?;
                after.post_id = Some(post);
            }
        }
    }
    Ok(NoteWrite::Done(after))
}

fn delete_note(c: &mut Conn, now: i64, id: NoteId) -> Result<()> {
    let note = note(c, now, id)?.ok_or(Error::NotFound(Subject::Note))?;
    c.exec("DELETE FROM notes WHERE id = $1", &[&id.0])?;
    remove_card(c, now, note.chat_id, note.post_id)
}

// ----------------------------------------------------------------------------------- events

const EVENT_COLS: &str =
    "e.id, e.creator_id, e.chat_id, e.post_id, e.content, e.created, e.modified";

fn event_row(r: &Row) -> Result<CalendarEvent> {
    Ok(CalendarEvent {
        id: EventId(get(r, 0)?),
        creator_id: ExtensionId(get(r, 1)?),
        chat_id: get::<Option<i64>>(r, 2)?.map(ChatId),
        post_id: get::<Option<i64>>(r, 3)?.map(PostId),
        content: from_json(r, 4)?,
        created: Timestamp(get(r, 5)?),
        modified: Timestamp(get(r, 6)?),
    })
}

fn calendar_event(c: &mut Conn, id: EventId) -> Result<Option<CalendarEvent>> {
    c.map_opt(
        &format!("SELECT {EVENT_COLS} FROM calendar_events e WHERE e.id = $1"),
        &[&id.0],
        event_row,
    )
}

fn create_event(c: &mut Conn, now: i64, new: NewEvent) -> Result<CalendarEvent> {
    if let Some(chat) = new.chat_id {
        member_check(c, chat, new.creator_id)?;
    }
    let row = c.one(
        "INSERT INTO calendar_events (creator_id, chat_id, content, created, modified)
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
        &[
            &new.creator_id.0,
            &new.chat_id.map(|c| c.0),
            &to_json(&new.content)?,
            &now,
        ],
    )?;
    let mut event = CalendarEvent {
        id: EventId(get(&row, 0)?),
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
            calendar::card(&event),
            vec![],
        )?;
        c.exec(
            "UPDATE calendar_events SET post_id = $2 WHERE id = $1",
            &[&event.id.0, &post.0],
        )?;
        event.post_id = Some(post);
    }
    Ok(event)
}

fn list_events(c: &mut Conn, f: EventFilter, page: PageRequest) -> Result<Page<CalendarEvent>> {
    let (scope, key) = match f {
        EventFilter::Creator(p) => ("e.creator_id = $3", p.0),
        EventFilter::Chat(chat) => ("e.chat_id = $3", chat.0),
    };
    keyset(
        c,
        page,
        |c, cmp, order, cursor, n| {
            let sql = format!(
                "SELECT {EVENT_COLS} FROM calendar_events e WHERE {scope} AND e.id {cmp} $1 ORDER BY e.id {order} LIMIT $2"
            );
            c.map(&sql, &[&cursor, &n, &key], event_row)
        },
        |c, cmp, cursor| {
            let sql =
                format!("SELECT 1 FROM calendar_events e WHERE {scope} AND e.id {cmp} $1 LIMIT $2");
            c.exists(&sql, &[&cursor, &1i64, &key])
        },
    )
}

fn update_event(
    c: &mut Conn,
    now: i64,
    id: EventId,
    content: EventContent,
) -> Result<CalendarEvent> {
    let n = c.exec(
        "UPDATE calendar_events SET content = $2, modified = $3 WHERE id = $1",
        &[&id.0, &to_json(&content)?, &now],
    )?;
    if n == 0 {
        return Err(Error::NotFound(Subject::CalendarEvent));
    }
    let event = calendar_event(c, id)?.ok_or(Error::NotFound(Subject::CalendarEvent))?;
    if let Some(chat) = event.chat_id {
        change_card(c, now, chat, event.post_id, calendar::card(&event), &[])?;
    }
    Ok(event)
}

fn delete_event(c: &mut Conn, now: i64, id: EventId) -> Result<()> {
    let event = calendar_event(c, id)?.ok_or(Error::NotFound(Subject::CalendarEvent))?;
    c.exec("DELETE FROM calendar_events WHERE id = $1", &[&id.0])?;
    match event.chat_id {
        Some(chat) => remove_card(c, now, chat, event.post_id),
        None => Ok(()),
    }
}

impl TeamworkStore for PostgresStore {
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
