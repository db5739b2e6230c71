//! Tasks of a chat (`…/chats/{chatId}/tasks`, `…/tasks/{taskId}`, `…/tasks/{taskId}/complete`).
//!
//! A task has a subject, people it is assigned to (each with their own status), a condition
//! that says when it is complete, dates, a colour, a section, a description, a recurrence and
//! file attachments. Its status is `Pending`, `InProgress` or `Completed`, derived by
//! [`complete`] from how it was completed ([`TaskChange`]: applied by the store to the task as
//! it is when it writes):
//!
//! - `Simple`: one completion completes it for everyone;
//! - `AllAssignees`: each assignee completes their part; it is in progress until all have;
//! - `Percentage`: a percentage is reported; 0 is pending, 100 completed.
//!
//! Rules: members of a chat see, create, change and complete its tasks; assignees are members
//! of the chat; only the creator (or an account administrator) deletes one. A task of a chat the
//! caller cannot see is "not found", like the chat. A new task is posted into its chat as its
//! card ([`card`]), which follows the task as it changes.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::ids::*;
use crate::model::*;
use crate::teamwork::{Color, Ending};
use crate::time::Timestamp;

mod change;
mod input;

pub use change::*;
pub use input::*;

pub const MAX_SUBJECT: usize = 250;
pub const MAX_SECTION: usize = 100;
pub const MAX_DESCRIPTION: usize = 102_400;
pub const MAX_ASSIGNEES: usize = 250;
pub const MAX_ATTACHMENTS: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaskStatus {
    Pending,
    InProgress,
    Completed,
}

impl TaskStatus {
    pub const NAMES: [&'static str; 3] = ["Pending", "InProgress", "Completed"];
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "Pending",
            TaskStatus::InProgress => "InProgress",
            TaskStatus::Completed => "Completed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Pending" => Some(TaskStatus::Pending),
            "InProgress" => Some(TaskStatus::InProgress),
            "Completed" => Some(TaskStatus::Completed),
            _ => None,
        }
    }
}

/// Where one assignee stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AssigneeStatus {
    Pending,
    Completed,
}

impl AssigneeStatus {
    pub const NAMES: [&'static str; 2] = ["Pending", "Completed"];
    pub fn as_str(self) -> &'static str {
        match self {
            AssigneeStatus::Pending => "Pending",
            AssigneeStatus::Completed => "Completed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Pending" => Some(AssigneeStatus::Pending),
            "Completed" => Some(AssigneeStatus::Completed),
            _ => None,
        }
    }
}

/// When a task is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Completeness {
    #[default]
    Simple,
    AllAssignees,
    Percentage,
}

impl Completeness {
    pub const NAMES: [&'static str; 3] = ["Simple", "AllAssignees", "Percentage"];
    pub fn as_str(self) -> &'static str {
        match self {
            Completeness::Simple => "Simple",
            Completeness::AllAssignees => "AllAssignees",
            Completeness::Percentage => "Percentage",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Simple" => Some(Completeness::Simple),
            "AllAssignees" => Some(Completeness::AllAssignees),
            "Percentage" => Some(Completeness::Percentage),
            _ => None,
        }
    }
}

/// How often a task repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum TaskSchedule {
    #[default]
    None,
    Daily,
    Weekdays,
    Weekly,
    Monthly,
    Yearly,
}

impl TaskSchedule {
    pub const NAMES: [&'static str; 6] =
        ["None", "Daily", "Weekdays", "Weekly", "Monthly", "Yearly"];
    pub fn as_str(self) -> &'static str {
        match self {
            TaskSchedule::None => "None",
            TaskSchedule::Daily => "Daily",
            TaskSchedule::Weekdays => "Weekdays",
            TaskSchedule::Weekly => "Weekly",
            TaskSchedule::Monthly => "Monthly",
            TaskSchedule::Yearly => "Yearly",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::NAMES.iter().position(|n| *n == s).map(|i| {
            [
                Self::None,
                Self::Daily,
                Self::Weekdays,
                Self::Weekly,
                Self::Monthly,
                Self::Yearly,
            ][i]
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub id: ExtensionId,
    pub status: AssigneeStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskRecurrence {
    pub schedule: TaskSchedule,
    pub ending: Ending,
    /// With `Ending::Count`.
    pub ending_after: Option<u8>,
    /// With `Ending::Date`.
    pub ending_on: Option<Timestamp>,
}

/// A file attached to a task (RingCentral's `TaskAttachment`, of type `File`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFile {
    pub id: String,
    pub name: Option<String>,
    pub content_uri: Option<String>,
}

/// What a task says: everything but its identity. The store keeps it as given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskContent {
    pub subject: String,
    pub assignees: Vec<Assignee>,
    pub completeness: Completeness,
    /// With `Completeness::Percentage`: 0 to 100.
    pub percentage: Option<u8>,
    pub status: TaskStatus,
    pub start_date: Option<Timestamp>,
    pub due_date: Option<Timestamp>,
    pub color: Color,
    pub section: Option<String>,
    pub description: Option<String>,
    pub recurrence: Option<TaskRecurrence>,
    pub attachments: Vec<TaskFile>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: TaskId,
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
    /// The post that shows the task in its chat (none if that post was deleted).
    pub post_id: Option<PostId>,
    pub created: Timestamp,
    pub modified: Timestamp,
    pub content: TaskContent,
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
    pub content: TaskContent,
}

/// Which tasks of a chat a listing shows. Empty lists accept all. Kept in page tokens (its
/// serde form), so a client may send only `pageToken` to go on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskFilter {
    pub chat_id: Option<ChatId>,
    pub created_from: Option<Timestamp>,
    pub created_to: Option<Timestamp>,
    pub creators: Vec<ExtensionId>,
    pub statuses: Vec<TaskStatus>,
    /// `Some(true)`: only tasks assigned to someone; `Some(false)`: only unassigned ones.
    pub assigned: Option<bool>,
    /// Tasks assigned to one of these (with `assignee_status`, whose status is that).
    pub assignees: Vec<ExtensionId>,
    pub assignee_status: Option<AssigneeStatus>,
}

impl TaskFilter {
    /// The listing a page token belongs to.
    pub fn scope(&self) -> String {
        format!(
            "tasks:{}",
            serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
        )
    }
    /// The filter a page token of [`TaskFilter::scope`] carries.
    pub fn from_scope(scope: &str) -> Option<TaskFilter> {
        serde_json::from_str(scope.strip_prefix("tasks:")?).ok()
    }
}

/// The card of a task, the attachment of its post: RingCentral's attachment of type `Task`
/// with the subject as title, the description as text, and status, due date and section as
/// fields. `names`: the assignees' names, as the store resolves the mentions of the post (an
/// assignee without one is "User N").
pub fn card(task: &Task, names: &[Mention]) -> Value {
    let c = &task.content;
    let mut fields = vec![json!({"title": "Status", "value": status_words(c), "style": "Short"})];
    if let Some(due) = c.due_date {
        fields.push(json!({"title": "Due", "value": day_and_time(due), "style": "Short"}));
    }
    if !c.assignees.is_empty() {
        let names: Vec<String> = c
            .assignees
            .iter()
            .map(|a| {
                names
                    .iter()
                    .find(|m| m.kind == MentionType::Person && m.id == a.id.0)
                    .map_or_else(|| format!("User {}", a.id), |m| m.name.clone())
            })
            .collect();
        fields.push(json!({"title": "Assignees", "value": names.join(", "), "style": "Long"}));
    }
    if let Some(s) = &c.section {
        fields.push(json!({"title": "Section", "value": s, "style": "Short"}));
    }
    let mut card = json!({
        "type": "Task",
        "id": task.id.to_string(),
        "title": c.subject,
        "color": c.color.as_str(),
        "creatorId": task.creator_id.to_string(),
        "fields": fields,
    });
    if let Some(d) = c.description.as_ref().filter(|d| !d.is_empty()) {
        card["text"] = Value::String(d.clone());
    }
    card
}

fn status_words(c: &TaskContent) -> String {
    match (c.status, c.completeness, c.percentage) {
        (TaskStatus::InProgress, Completeness::Percentage, Some(p)) => {
            format!("In progress ({p}%)")
        }
        (TaskStatus::InProgress, _, _) => {
            let done = c
                .assignees
                .iter()
                .filter(|a| a.status == AssigneeStatus::Completed)
                .count();
            format!("In progress ({done} of {})", c.assignees.len())
        }
        (TaskStatus::Pending, _, _) => "Pending".into(),
        (TaskStatus::Completed, _, _) => "Completed".into(),
    }
}

/// `2026-12-07` at midnight UTC, else `2026-12-07 10:30 UTC`.
fn day_and_time(t: Timestamp) -> String {
    let s = t.to_string();
    let (day, time) = s.split_at(10);
    if time.starts_with("T00:00:00") {
        day.to_string()
    } else {
        format!("{day} {} UTC", &time[1..6])
    }
}

/// Applies a completion to what a task says: see the module's documentation. `who`: the
/// assignees whose part it is (`AllAssignees`).
pub fn complete(
    content: &mut TaskContent,
    done: bool,
    who: &[ExtensionId],
    percentage: Option<u8>,
) {
    let mark = if done {
        AssigneeStatus::Completed
    } else {
        AssigneeStatus::Pending
    };
    match content.completeness {
        Completeness::Simple => {
            content.assignees.iter_mut().for_each(|a| a.status = mark);
            content.status = if done {
                TaskStatus::Completed
            } else {
                TaskStatus::Pending
            };
        }
        Completeness::AllAssignees => {
            for a in content.assignees.iter_mut().filter(|a| who.contains(&a.id)) {
                a.status = mark;
            }
            if content.assignees.is_empty() {
                content.status = if done {
                    TaskStatus::Completed
                } else {
                    TaskStatus::Pending
                };
            } else {
                derive_status(content);
            }
        }
        Completeness::Percentage => {
            let p = percentage.unwrap_or(if done { 100 } else { 0 });
            content.percentage = Some(p);
            content.assignees.iter_mut().for_each(|a| {
                a.status = if p == 100 {
                    AssigneeStatus::Completed
                } else {
                    AssigneeStatus::Pending
                }
            });
            derive_status(content);
        }
    }
}

/// The status that the assignees' parts (`AllAssignees`) or the percentage (`Percentage`)
/// give; a `Simple` task keeps its own.
pub(crate) fn derive_status(c: &mut TaskContent) {
    match c.completeness {
        Completeness::Simple => {}
        Completeness::AllAssignees => {
            let done = c
                .assignees
                .iter()
                .filter(|a| a.status == AssigneeStatus::Completed)
                .count();
            c.status = if c.assignees.is_empty() {
                c.status
            } else if done == c.assignees.len() {
                TaskStatus::Completed
            } else if done > 0 {
                TaskStatus::InProgress
            } else {
                TaskStatus::Pending
            };
        }
        Completeness::Percentage => {
            c.status = match c.percentage.unwrap_or(0) {
                0 => TaskStatus::Pending,
                100 => TaskStatus::Completed,
                _ => TaskStatus::InProgress,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(c: Completeness, people: &[i64]) -> TaskContent {
        TaskContent {
            subject: "Ship".into(),
            assignees: people
                .iter()
                .map(|p| Assignee {
                    id: ExtensionId(*p),
                    status: AssigneeStatus::Pending,
                })
                .collect(),
            completeness: c,
            percentage: (c == Completeness::Percentage).then_some(0),
            status: TaskStatus::Pending,
            start_date: None,
            due_date: None,
            color: Color::Black,
            section: None,
            description: None,
            recurrence: None,
            attachments: vec![],
        }
    }

    #[test]
    fn simple_completes_for_everyone_and_back() {
        let mut c = content(Completeness::Simple, &[1, 2]);
        complete(&mut c, true, &[ExtensionId(1)], None);
        assert_eq!(c.status, TaskStatus::Completed);
        assert!(
            c.assignees
                .iter()
                .all(|a| a.status == AssigneeStatus::Completed)
        );
        complete(&mut c, false, &[], None);
        assert_eq!(c.status, TaskStatus::Pending);
    }

    #[test]
    fn all_assignees_is_in_progress_until_everyone_is_done() {
        let mut c = content(Completeness::AllAssignees, &[1, 2]);
        complete(&mut c, true, &[ExtensionId(1)], None);
        assert_eq!(c.status, TaskStatus::InProgress);
        assert_eq!(status_words(&c), "In progress (1 of 2)");
        complete(&mut c, true, &[ExtensionId(2)], None);
        assert_eq!(c.status, TaskStatus::Completed);
        complete(&mut c, false, &[ExtensionId(1)], None);
        assert_eq!(c.status, TaskStatus::InProgress);
    }

    #[test]
    fn percentage_decides_the_status() {
        let mut c = content(Completeness::Percentage, &[1]);
        complete(&mut c, true, &[], Some(40));
        assert_eq!((c.status, c.percentage), (TaskStatus::InProgress, Some(40)));
        complete(&mut c, true, &[], None);
        assert_eq!((c.status, c.percentage), (TaskStatus::Completed, Some(100)));
    }

    #[test]
    fn the_card_names_the_task() {
        let task = Task {
            id: TaskId(9),
            chat_id: ChatId(3),
            creator_id: ExtensionId(5),
            post_id: None,
            created: Timestamp(0),
            modified: Timestamp(0),
            content: TaskContent {
                due_date: Some(Timestamp(1_765_101_600_000)),
                description: Some("details".into()),
                ..content(Completeness::Simple, &[1])
            },
        };
        let names = [Mention {
            id: 1,
            kind: MentionType::Person,
            name: "Pat Lee".into(),
        }];
        let c = card(&task, &names);
        assert_eq!(
            (c["type"].as_str(), c["id"].as_str()),
            (Some("Task"), Some("9"))
        );
        assert_eq!(c["title"], "Ship");
        assert_eq!(c["text"], "details");
        assert_eq!(c["fields"][1]["value"], "2025-12-07 10:00 UTC");
        assert_eq!(c["fields"][2]["value"], "Pat Lee");
        assert_eq!(card(&task, &[])["fields"][2]["value"], "User 1");
    }
}
