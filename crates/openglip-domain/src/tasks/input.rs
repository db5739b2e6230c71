//! What a request says about tasks (inputs, list queries, completions), checked, and the
//! `Service` methods that apply the rules of [`super`].

use crate::error::{Error, Result, Subject};
use crate::service::Service;
use crate::store::{Page, PageRequest};
use crate::teamwork::{Color, date_time, ending, one_of};
use crate::validate;

use super::*;

/// A list query as the request spelled it (`GET …/chats/{chatId}/tasks`).
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub creation_time_from: Option<String>,
    pub creation_time_to: Option<String>,
    pub creator_ids: Vec<String>,
    pub statuses: Vec<String>,
    pub assignment_status: Option<String>,
    pub assignee_ids: Vec<String>,
    pub assignee_status: Option<String>,
}

/// A recurrence as the request spelled it.
#[derive(Debug, Clone, Default)]
pub struct RecurrenceInput {
    pub schedule: Option<String>,
    pub ending_condition: Option<String>,
    pub ending_after: Option<i64>,
    pub ending_on: Option<String>,
}

/// A file attachment as the request spelled it.
#[derive(Debug, Clone, Default)]
pub struct FileInput {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub content_uri: Option<String>,
}

/// A new task, or a change (`None`: unchanged), as the request spelled it.
#[derive(Debug, Clone, Default)]
pub struct TaskInput {
    pub subject: Option<String>,
    /// The assignees' ids as sent.
    pub assignees: Option<Vec<String>>,
    pub completeness_condition: Option<String>,
    pub start_date: Option<String>,
    pub due_date: Option<String>,
    pub color: Option<String>,
    pub section: Option<String>,
    pub description: Option<String>,
    pub recurrence: Option<RecurrenceInput>,
    pub attachments: Option<Vec<FileInput>>,
}

/// `POST …/tasks/{taskId}/complete` as the request spelled it.
#[derive(Debug, Clone, Default)]
pub struct CompleteInput {
    /// `Complete` (the default) or `Incomplete`.
    pub status: Option<String>,
    /// Whose part (`AllAssignees`); the caller's when absent.
    pub assignees: Option<Vec<String>>,
    pub percentage: Option<i64>,
}

fn person_ids(param: &str, raw: &[String]) -> Result<Vec<ExtensionId>> {
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        let id = r.trim().parse::<ExtensionId>().map_err(|_| {
            Error::invalid_because(
                param,
                format!("Parameter [{param}] value is invalid: [{r}] is not a person's id."),
            )
        })?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The list query, checked, for `chat`.
pub fn filter(chat: ChatId, q: &TaskQuery) -> Result<TaskFilter> {
    let time =
        |param: &str, v: &Option<String>| v.as_deref().map(|t| date_time(param, t)).transpose();
    let mut statuses = Vec::new();
    for s in &q.statuses {
        statuses.push(one_of("status", s, TaskStatus::parse, &TaskStatus::NAMES)?);
    }
    Ok(TaskFilter {
        chat_id: Some(chat),
        created_from: time("creationTimeFrom", &q.creation_time_from)?,
        created_to: time("creationTimeTo", &q.creation_time_to)?,
        creators: person_ids("creatorId", &q.creator_ids)?,
        statuses,
        assigned: q
            .assignment_status
            .as_deref()
            .map(|s| {
                one_of(
                    "assignmentStatus",
                    s,
                    |s| match s {
                        "Assigned" => Some(true),
                        "Unassigned" => Some(false),
                        _ => None,
                    },
                    &["Unassigned", "Assigned"],
                )
            })
            .transpose()?,
        assignees: person_ids("assigneeId", &q.assignee_ids)?,
        assignee_status: q
            .assignee_status
            .as_deref()
            .map(|s| {
                one_of(
                    "assigneeStatus",
                    s,
                    AssigneeStatus::parse,
                    &AssigneeStatus::NAMES,
                )
            })
            .transpose()?,
    })
}

fn recurrence(r: &RecurrenceInput) -> Result<TaskRecurrence> {
    let schedule = match r.schedule.as_deref() {
        None => TaskSchedule::None,
        Some(s) => one_of(
            "recurrence.schedule",
            s,
            TaskSchedule::parse,
            &TaskSchedule::NAMES,
        )?,
    };
    let (ending, ending_after, ending_on) = ending(
        r.ending_condition.as_deref(),
        r.ending_after,
        r.ending_on.as_deref(),
    )?;
    Ok(TaskRecurrence {
        schedule,
        ending,
        ending_after,
        ending_on,
    })
}

fn files(items: &[FileInput]) -> Result<Vec<TaskFile>> {
    if items.len() > MAX_ATTACHMENTS {
        return Err(Error::invalid_because(
            "attachments",
            format!("Parameter [attachments] value is invalid: at most {MAX_ATTACHMENTS} files."),
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, f) in items.iter().enumerate() {
        if f.kind.as_deref().is_some_and(|k| k != "File") {
            return Err(Error::invalid_because(
                format!("attachments[{i}].type"),
                format!(
                    "Parameter [attachments[{i}].type] value is invalid: only File is possible."
                ),
            ));
        }
        let id = match f.id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => validate::name(&format!("attachments[{i}].id"), id, 100)?,
            _ => return Err(Error::MissingParameter(format!("attachments[{i}].id"))),
        };
        let short = |param: &str, v: &Option<String>| {
            v.as_deref()
                .map(|s| validate::text(&format!("attachments[{i}].{param}"), s, 2_000))
                .transpose()
        };
        out.push(TaskFile {
            id,
            name: short("name", &f.name)?,
            content_uri: short("contentUri", &f.content_uri)?,
        });
    }
    Ok(out)
}

impl Service {
    /// A task of a chat the caller belongs to; any other is not found.
    pub async fn task(&self, caller: &Caller, id: TaskId) -> Result<Task> {
        let task = self
            .store()
            .teamwork()
            .task(id)
            .await?
            .ok_or(Error::NotFound(Subject::Task))?;
        self.member_chat(caller, task.chat_id)
            .await
            .map_err(|e| match e {
                Error::NotFound(Subject::Chat) => Error::NotFound(Subject::Task),
                other => other,
            })?;
        Ok(task)
    }

    /// Assignees named by id, each a member of `chat`.
    async fn assignees(&self, chat: &Chat, raw: &[String]) -> Result<Vec<ExtensionId>> {
        if raw.len() > MAX_ASSIGNEES {
            return Err(Error::invalid_because(
                "assignees",
                format!("Parameter [assignees] value is invalid: at most {MAX_ASSIGNEES} people."),
            ));
        }
        let ids = person_ids("assignees", raw)?;
        if let Some(stranger) = ids.iter().find(|id| !chat.is_member(**id)) {
            return Err(Error::invalid_because(
                "assignees",
                format!(
                    "Parameter [assignees] value is invalid: person [{stranger}] is not a member of this chat."
                ),
            ));
        }
        Ok(ids)
    }

    /// What `input` sets, checked: assignees must be members of `chat`.
    async fn task_edit(&self, chat: &Chat, input: TaskInput) -> Result<TaskEdit> {
        let assignees = match input.assignees {
            Some(raw) => Some(self.assignees(chat, &raw).await?),
            None => None,
        };
        let time = |param: &str, v: Option<String>| v.map(|d| date_time(param, &d)).transpose();
        Ok(TaskEdit {
            subject: input
                .subject
                .map(|s| validate::name("subject", &s, MAX_SUBJECT))
                .transpose()?,
            assignees,
            completeness: input
                .completeness_condition
                .map(|c| {
                    one_of(
                        "completenessCondition",
                        &c,
                        Completeness::parse,
                        &Completeness::NAMES,
                    )
                })
                .transpose()?,
            start_date: time("startDate", input.start_date)?,
            due_date: time("dueDate", input.due_date)?,
            color: input
                .color
                .map(|c| one_of("color", &c, Color::parse, &Color::ALL.map(Color::as_str)))
                .transpose()?,
            section: input
                .section
                .map(|s| {
                    validate::text("section", s.trim(), MAX_SECTION)
                        .map(|s| (!s.is_empty()).then_some(s))
                })
                .transpose()?,
            description: input
                .description
                .map(|d| {
                    validate::text("description", &d, MAX_DESCRIPTION)
                        .map(|d| (!d.is_empty()).then_some(d))
                })
                .transpose()?,
            recurrence: input
                .recurrence
                .map(|r| recurrence(&r).map(|r| (r != TaskRecurrence::default()).then_some(r)))
                .transpose()?,
            attachments: input.attachments.map(|f| files(&f)).transpose()?,
        })
    }

    /// Creates a task in a chat the caller belongs to, and posts its card there.
    pub async fn create_task(
        &self,
        caller: &Caller,
        chat: ChatId,
        input: TaskInput,
    ) -> Result<Task> {
        let chat = self.member_chat(caller, chat).await?;
        if input.subject.is_none() {
            return Err(Error::MissingParameter("subject".into()));
        }
        if input.assignees.is_none() {
            return Err(Error::MissingParameter("assignees".into()));
        }
        let mut content = TaskContent {
            subject: String::new(),
            assignees: vec![],
            completeness: Completeness::Simple,
            percentage: None,
            status: TaskStatus::Pending,
            start_date: None,
            due_date: None,
            color: Color::Black,
            section: None,
            description: None,
            recurrence: None,
            attachments: vec![],
        };
        self.task_edit(&chat, input).await?.apply(&mut content)?;
        self.store()
            .teamwork()
            .create_task(NewTask {
                chat_id: chat.id,
                creator_id: caller.extension_id,
                content,
            })
            .await
    }

    /// Tasks of a chat the caller belongs to. `filter` is the request's, or a page token's.
    pub async fn list_tasks(
        &self,
        caller: &Caller,
        filter: TaskFilter,
        page: PageRequest,
    ) -> Result<Page<Task>> {
        let chat = filter.chat_id.ok_or(Error::NotFound(Subject::Chat))?;
        self.member_chat(caller, chat).await?;
        self.store().teamwork().list_tasks(filter, page).await
    }

    /// Changes a task (any member of its chat).
    pub async fn update_task(&self, caller: &Caller, id: TaskId, input: TaskInput) -> Result<Task> {
        let task = self.task(caller, id).await?;
        let chat = self.member_chat(caller, task.chat_id).await?;
        let edit = self.task_edit(&chat, input).await?;
        self.store()
            .teamwork()
            .update_task(task.id, TaskChange::Edit(edit))
            .await
    }

    /// Completes a task, or part of it, or takes the completion back (any member of its chat).
    pub async fn complete_task(
        &self,
        caller: &Caller,
        id: TaskId,
        input: CompleteInput,
    ) -> Result<Task> {
        let task = self.task(caller, id).await?;
        let done = match input.status.as_deref() {
            None | Some("Complete") => true,
            Some("Incomplete") => false,
            Some(s) => {
                return Err(Error::invalid_because(
                    "status",
                    format!(
                        "Parameter [status] value is invalid: [{s}]; Complete or Incomplete is expected."
                    ),
                ));
            }
        };
        let percentage = match input.percentage {
            None => None,
            Some(p) if (0..=100).contains(&p) => Some(p as u8),
            Some(_) => {
                return Err(Error::OutOfRange {
                    name: "completenessPercentage".into(),
                    min: 0,
                    max: 100,
                });
            }
        };
        let who = match input.assignees {
            Some(raw) => person_ids("assignees", &raw)?,
            None => vec![caller.extension_id],
        };
        let change = TaskChange::Complete {
            done,
            who,
            percentage,
        };
        self.store().teamwork().update_task(task.id, change).await
    }

    /// Deletes a task and its post: its creator, or an account administrator.
    pub async fn delete_task(&self, caller: &Caller, id: TaskId) -> Result<()> {
        let task = self.task(caller, id).await?;
        if task.creator_id != caller.extension_id && !caller.is_admin {
            return Err(Error::forbidden(
                "Only the creator of a task may delete it.",
            ));
        }
        self.store().teamwork().delete_task(task.id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_round_trip_through_their_scope_and_bad_ones_are_named() {
        let q = TaskQuery {
            statuses: vec!["Pending".into(), "Completed".into()],
            assignee_ids: vec!["7".into()],
            assignment_status: Some("Assigned".into()),
            creation_time_from: Some("2026-01-01T00:00:00Z".into()),
            ..Default::default()
        };
        let f = filter(ChatId(3), &q).unwrap();
        assert_eq!(TaskFilter::from_scope(&f.scope()), Some(f));
        let bad = TaskQuery {
            statuses: vec!["Done".into()],
            ..Default::default()
        };
        assert_eq!(
            filter(ChatId(3), &bad).unwrap_err().parameter_name(),
            Some("status")
        );
        let bad = TaskQuery {
            creation_time_to: Some("soon".into()),
            ..Default::default()
        };
        assert_eq!(
            filter(ChatId(3), &bad).unwrap_err().parameter_name(),
            Some("creationTimeTo")
        );
    }
}
