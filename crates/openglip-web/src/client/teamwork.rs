//! A chat's Tasks, Notes and Events tabs (`/c/{chat}/tasks`, `/notes`, `/events`): each lists
//! what the chat has and offers a form to add one; a task is completed (or reopened) and a draft
//! note published with one button. Every form posts and redirects back to its tab; the rules
//! are the domain's (`Service::create_task`, `complete_task`, `publish_note`, …), as for the REST
//! API, and what is created is posted into the conversation as its card.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use maud::{Markup, html};
use openglip_domain::calendar::{CalendarEvent, EventFilter, EventInput};
use openglip_domain::notes::{Note, NoteQuery, NoteStatus};
use openglip_domain::store::{Direction, PageRequest};
use openglip_domain::tasks::{CompleteInput, Task, TaskInput, TaskQuery, TaskStatus};
use openglip_domain::*;
use openglip_webkit::see_other;

use super::conversation::{kind_label, visible};
use super::layout::{Answer, page_with_status};
use super::rail::{self, app, chat_title};
use super::visit::{Action, Viewer, names_of};
use openglip_server::AppState;
use openglip_server::api::chat_id;
use openglip_server::error;
use openglip_server::extract::Params;

/// How many items a tab shows (the newest).
const SHOWN: usize = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/c/{chat}/tasks", get(tasks_page).post(create_task))
        .route("/c/{chat}/tasks/{task}/complete", post(complete_task))
        .route("/c/{chat}/notes", get(notes_page).post(create_note))
        .route("/c/{chat}/notes/{note}/publish", post(publish_note))
        .route("/c/{chat}/events", get(events_page).post(create_event))
}

fn newest() -> PageRequest {
    PageRequest {
        cursor: None,
        direction: Direction::Older,
        limit: SHOWN,
    }
}

/// What a refused form said, to show it again with what was wrong (none: a plain page).
#[derive(Default)]
struct Entered<'a> {
    form: Option<&'a Params>,
    problem: Option<String>,
}

impl<'a> Entered<'a> {
    /// The form as sent and why it was refused, or the error itself when no form can fix it
    /// (not found, forbidden, the store failing).
    fn refused(form: &'a Params, e: Error) -> Result<Entered<'a>> {
        let (status, _) = openglip_server::error::status_and_code(&e);
        if status.is_server_error()
            || matches!(
                e,
                Error::NotFound(_) | Error::Forbidden(_) | Error::Unauthenticated(_)
            )
        {
            return Err(e);
        }
        Ok(Entered {
            form: Some(form),
            problem: Some(for_people(&e)),
        })
    }
    fn value(&self, name: &str) -> &str {
        self.form.and_then(|f| f.get(name)).unwrap_or("")
    }
    fn checked(&self, name: &str, value: &str) -> bool {
        self.form.is_some_and(|f| f.all(name).contains(&value))
    }
    fn status(&self) -> StatusCode {
        if self.problem.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        }
    }
    /// The message above a form that was refused.
    fn problem(&self) -> Markup {
        html! { @if let Some(p) = &self.problem { p.error role="alert" { (p) } } }
    }
}

/// Why a tab's form was refused, in words for the person at it.
fn for_people(e: &Error) -> String {
    if let Error::TooLong { max, .. } = e {
        return format!("That is too long: at most {max} characters.");
    }
    match e.parameter_name() {
        Some("subject") => "Give the task a subject.".into(),
        Some("title") => "Give it a title.".into(),
        Some("dueDate") => "Pick a due date (not before the start).".into(),
        Some("startTime" | "endTime") => {
            "Enter when it starts and when it ends, the end after the start.".into()
        }
        Some("assignees") => "Assign it to people of this chat only.".into(),
        _ => crate::error_message(e),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tab {
    Tasks,
    Notes,
    Events,
}

impl Tab {
    const ALL: [(Tab, &'static str, &'static str); 3] = [
        (Tab::Tasks, "tasks", "Tasks"),
        (Tab::Notes, "notes", "Notes"),
        (Tab::Events, "events", "Events"),
    ];
    fn name(self) -> &'static str {
        Tab::ALL.iter().find(|t| t.0 == self).map_or("", |t| t.2)
    }
}

/// The page around a tab: the rail, the chat's head with its tabs, the tab.
async fn tab_page(
    st: &AppState,
    v: &Viewer,
    chat: &Chat,
    tab: Tab,
    status: StatusCode,
    body: Markup,
) -> Answer {
    let rail = rail::load(st, v).await?;
    let names = names_of(st, v, chat.members.iter().copied().chain([v.ext.id])).await?;
    let title = chat_title(chat, v.ext.id, &names);
    let pane = html! {
        header.conv-head {
            a.back href={ "/c/" (chat.id) } aria-label="Back to the conversation" { "‹" }
            div.conv-title {
                h1 { (title) }
                span.kind { (kind_label(chat)) }
            }
            a.btn.small href={ "/c/" (chat.id) } { "Conversation" }
        }
        (tabs(chat.id, Some(tab)))
        div.details.teamwork { (body) }
    };
    let body = app(
        v,
        rail::render(&rail, Some(chat.id), &v.csrf),
        pane,
        Some(chat.id),
    );
    Ok(page_with_status(
        status,
        &format!("{} · {title}", tab.name()),
        body,
    ))
}

/// The tab links of a chat (`current`: the one shown).
pub(super) fn tabs(chat: ChatId, current: Option<Tab>) -> Markup {
    html! {
        nav.tabs aria-label="Chat tabs" {
            @for (tab, path, name) in Tab::ALL {
                a.tab href={ "/c/" (chat) "/" (path) }
                    aria-current=[(current == Some(tab)).then_some("page")] { (name) }
            }
        }
    }
}

/// A person's name, or "User N" for one who is gone.
fn name_of(names: &HashMap<ExtensionId, Extension>, id: ExtensionId) -> String {
    names
        .get(&id)
        .map(Extension::full_name)
        .unwrap_or_else(|| format!("User {id}"))
}

/// `2026-12-07 10:30 UTC`, or the day alone.
fn when(t: Timestamp, day_only: bool) -> String {
    let s = t.to_string();
    if day_only {
        s[..10].to_string()
    } else {
        format!("{} {} UTC", &s[..10], &s[11..16])
    }
}

// ------------------------------------------------------------------------------------ tasks

async fn tasks_page(State(st): State<AppState>, v: Viewer, Path(chat): Path<String>) -> Answer {
    tasks_tab(&st, &v, &chat, Entered::default()).await
}

async fn tasks_tab(st: &AppState, v: &Viewer, chat: &str, entered: Entered<'_>) -> Answer {
    let chat = visible(st, v, chat).await?;
    let filter = openglip_domain::tasks::filter(chat.id, &TaskQuery::default())?;
    let list = st.service().list_tasks(&v.caller, filter, newest()).await?;
    let names = names_of(st, v, chat.members.iter().copied()).await?;
    let body = html! {
        h2 { "Tasks" }
        @if list.items.is_empty() { p.muted { "No tasks yet." } }
        ul.items #task-list {
            @for t in &list.items { (task_item(v, &chat, &names, t)) }
        }
        (new_task_form(v, &chat, &names, &entered))
    };
    tab_page(st, v, &chat, Tab::Tasks, entered.status(), body).await
}

fn task_item(v: &Viewer, chat: &Chat, names: &HashMap<ExtensionId, Extension>, t: &Task) -> Markup {
    let c = &t.content;
    let done = c.status == TaskStatus::Completed;
    html! {
        li.item.task.done[done] data-id=(t.id) {
            div.item-main {
                span.status-badge data-status=(c.status.as_str()) { (c.status.as_str()) }
                span.item-title { (c.subject) }
                @if let Some(due) = c.due_date { span.muted { " · due " (when(due, true)) } }
                @if !c.assignees.is_empty() {
                    div.muted {
                        "Assigned to "
                        (c.assignees.iter().map(|a| name_of(names, a.id)).collect::<Vec<_>>().join(", "))
                    }
                }
                @if let Some(d) = &c.description { div.item-text { (d) } }
            }
            form.inline method="post" action={ "/c/" (chat.id) "/tasks/" (t.id) "/complete" } {
                (v.csrf.field())
                input type="hidden" name="done" value=(if done { 0 } else { 1 });
                button.btn.small type="submit" {
                    (if done { "Reopen" } else { "Complete" })
                    span.sr-only { " " (c.subject) }
                }
            }
        }
    }
}

fn new_task_form(
    v: &Viewer,
    chat: &Chat,
    names: &HashMap<ExtensionId, Extension>,
    entered: &Entered,
) -> Markup {
    html! {
        form.stack.card #new-task method="post" action={ "/c/" (chat.id) "/tasks" } {
            (v.csrf.field())
            h3 { "New task" }
            (entered.problem())
            label for="task-subject" { "Subject" }
            input #task-subject name="subject" type="text" required maxlength="250"
                value=(entered.value("subject"));
            fieldset.people-pick {
                legend { "Assignees" }
                @for m in &chat.members {
                    label.check {
                        input type="checkbox" name="assignee" value=(m)
                            checked[entered.checked("assignee", &m.to_string())];
                        " " (name_of(names, *m))
                    }
                }
            }
            label for="task-due" { "Due date" }
            input #task-due name="due" type="date" value=(entered.value("due"));
            label for="task-description" { "Description" }
            textarea #task-description name="description" rows="3" { (entered.value("description")) }
            button.btn.primary type="submit" { "Add task" }
        }
    }
}

async fn create_task(
    State(st): State<AppState>,
    Path(chat): Path<String>,
    Action { v, form }: Action,
) -> Answer {
    let chat = chat_id(&chat)?;
    let opt = |name: &str| {
        form.get(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let input = TaskInput {
        subject: Some(form.get("subject").unwrap_or("").to_string()),
        assignees: Some(
            form.all("assignee")
                .into_iter()
                .map(str::to_string)
                .collect(),
        ),
        due_date: opt("due"),
        description: opt("description"),
        ..Default::default()
    };
    match st.service().create_task(&v.caller, chat, input).await {
        Ok(_) => Ok(see_other(&format!("/c/{chat}/tasks"))),
        Err(e) => tasks_tab(&st, &v, &chat.to_string(), Entered::refused(&form, e)?).await,
    }
}

async fn complete_task(
    State(st): State<AppState>,
    Path((chat, task)): Path<(String, String)>,
    Action { v, form }: Action,
) -> Answer {
    let chat = chat_id(&chat)?;
    let task: TaskId = error::id(Subject::Task, &task)?;
    let done = form.get("done") != Some("0");
    let input = CompleteInput {
        status: Some(if done { "Complete" } else { "Incomplete" }.into()),
        ..Default::default()
    };
    st.service().complete_task(&v.caller, task, input).await?;
    Ok(see_other(&format!("/c/{chat}/tasks")))
}

// ------------------------------------------------------------------------------------ notes

async fn notes_page(State(st): State<AppState>, v: Viewer, Path(chat): Path<String>) -> Answer {
    notes_tab(&st, &v, &chat, Entered::default()).await
}

async fn notes_tab(st: &AppState, v: &Viewer, chat: &str, entered: Entered<'_>) -> Answer {
    let chat = visible(st, v, chat).await?;
    let filter = openglip_domain::notes::filter(chat.id, v.ext.id, &NoteQuery::default())?;
    let list = st.service().list_notes(&v.caller, filter, newest()).await?;
    let names = names_of(st, v, chat.members.iter().copied()).await?;
    let body = html! {
        h2 { "Notes" }
        @if list.items.is_empty() { p.muted { "No notes yet." } }
        ul.items #note-list {
            @for n in &list.items { (note_item(v, &chat, &names, n)) }
        }
        form.stack.card #new-note method="post" action={ "/c/" (chat.id) "/notes" } {
            (v.csrf.field())
            h3 { "New note" }
            p.hint { "A note is a draft only you see until you publish it." }
            (entered.problem())
            label for="note-title" { "Title" }
            input #note-title name="title" type="text" required maxlength="250"
                value=(entered.value("title"));
            label for="note-body" { "Text" }
            textarea #note-body name="body" rows="5" { (entered.value("body")) }
            button.btn.primary type="submit" { "Save draft" }
        }
    };
    tab_page(st, v, &chat, Tab::Notes, entered.status(), body).await
}

fn note_item(v: &Viewer, chat: &Chat, names: &HashMap<ExtensionId, Extension>, n: &Note) -> Markup {
    let draft = n.status == NoteStatus::Draft;
    html! {
        li.item.note data-id=(n.id) {
            div.item-main {
                span.status-badge data-status=(n.status.as_str()) { (n.status.as_str()) }
                span.item-title { (n.title) }
                div.muted {
                    "By " (name_of(names, n.creator_id))
                    @if let Some(holder) = n.locked_by { " · being edited by " (name_of(names, holder)) }
                }
                @let preview = n.preview();
                @if !preview.is_empty() { div.item-text { (preview) } }
            }
            @if draft && n.creator_id == v.ext.id {
                form.inline method="post" action={ "/c/" (chat.id) "/notes/" (n.id) "/publish" } {
                    (v.csrf.field())
                    button.btn.small.primary type="submit" {
                        "Publish" span.sr-only { " " (n.title) }
                    }
                }
            }
        }
    }
}

async fn create_note(
    State(st): State<AppState>,
    Path(chat): Path<String>,
    Action { v, form }: Action,
) -> Answer {
    let chat = chat_id(&chat)?;
    let made = st
        .service()
        .create_note(
            &v.caller,
            chat,
            Some(form.get("title").unwrap_or("").to_string()),
            form.get("body").map(str::to_string),
        )
        .await;
    match made {
        Ok(_) => Ok(see_other(&format!("/c/{chat}/notes"))),
        Err(e) => notes_tab(&st, &v, &chat.to_string(), Entered::refused(&form, e)?).await,
    }
}

async fn publish_note(
    State(st): State<AppState>,
    Path((chat, note)): Path<(String, String)>,
    Action { v, .. }: Action,
) -> Answer {
    let chat = chat_id(&chat)?;
    let note: NoteId = error::id(Subject::Note, &note)?;
    st.service().publish_note(&v.caller, note).await?;
    Ok(see_other(&format!("/c/{chat}/notes")))
}

// ----------------------------------------------------------------------------------- events

async fn events_page(State(st): State<AppState>, v: Viewer, Path(chat): Path<String>) -> Answer {
    events_tab(&st, &v, &chat, Entered::default()).await
}

async fn events_tab(st: &AppState, v: &Viewer, chat: &str, entered: Entered<'_>) -> Answer {
    let chat = visible(st, v, chat).await?;
    let list = st
        .service()
        .list_events(&v.caller, EventFilter::Chat(chat.id), newest())
        .await?;
    let body = html! {
        h2 { "Events" }
        @if list.items.is_empty() { p.muted { "No events yet." } }
        ul.items #event-list {
            @for e in &list.items { (event_item(e)) }
        }
        form.stack.card #new-event method="post" action={ "/c/" (chat.id) "/events" } {
            (v.csrf.field())
            h3 { "New event" }
            (entered.problem())
            label for="event-title" { "Title" }
            input #event-title name="title" type="text" required maxlength="250"
                value=(entered.value("title"));
            label for="event-start" { "Starts (UTC)" }
            input #event-start name="start" type="datetime-local" required
                value=(entered.value("start"));
            label for="event-end" { "Ends (UTC)" }
            input #event-end name="end" type="datetime-local" required
                value=(entered.value("end"));
            label.check {
                input type="checkbox" name="allDay" value="1" checked[entered.checked("allDay", "1")];
                " All day"
            }
            label for="event-location" { "Location" }
            input #event-location name="location" type="text" value=(entered.value("location"));
            button.btn.primary type="submit" { "Add event" }
        }
    };
    tab_page(st, v, &chat, Tab::Events, entered.status(), body).await
}

fn event_item(e: &CalendarEvent) -> Markup {
    let c = &e.content;
    html! {
        li.item.event data-id=(e.id) {
            div.item-main {
                span.item-title { (c.title) }
                div.muted {
                    (when(c.start, c.all_day)) " – " (when(c.end, c.all_day))
                    @if c.all_day { " · All day" }
                    @if let Some(l) = &c.location { " · " (l) }
                }
            }
        }
    }
}

async fn create_event(
    State(st): State<AppState>,
    Path(chat): Path<String>,
    Action { v, form }: Action,
) -> Answer {
    let chat = chat_id(&chat)?;
    let opt = |name: &str| {
        form.get(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let input = EventInput {
        title: Some(form.get("title").unwrap_or("").to_string()),
        start_time: opt("start"),
        end_time: opt("end"),
        all_day: Some(form.get("allDay") == Some("1")),
        location: opt("location"),
        ..Default::default()
    };
    match st
        .service()
        .create_event(&v.caller, Some(chat), input)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/c/{chat}/events"))),
        Err(e) => events_tab(&st, &v, &chat.to_string(), Entered::refused(&form, e)?).await,
    }
}
