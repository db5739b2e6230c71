//! A change of what a task says, checked by the service and applied by the store to the task as
//! it is inside the writing transaction ([`TaskChange::apply`]): changes made at the same moment
//! (two assignees completing their parts) are applied one after the other, and none is lost.

use crate::error::{Error, Result};
use crate::ids::ExtensionId;
use crate::teamwork::Color;
use crate::time::Timestamp;

use super::*;

/// An edit (`PATCH`) or a completion (`…/complete`).
#[derive(Debug, Clone, PartialEq)]
pub enum TaskChange {
    Edit(TaskEdit),
    Complete {
        /// Completed, or taken back.
        done: bool,
        /// Whose part (`AllAssignees`).
        who: Vec<ExtensionId>,
        /// `Percentage`: 0 to 100.
        percentage: Option<u8>,
    },
}

/// The fields an edit sets, checked (`None`: unchanged; `Some(None)`: cleared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskEdit {
    pub subject: Option<String>,
    /// Members of the task's chat; those already assigned keep their status.
    pub assignees: Option<Vec<ExtensionId>>,
    pub completeness: Option<Completeness>,
    pub start_date: Option<Timestamp>,
    pub due_date: Option<Timestamp>,
    pub color: Option<Color>,
    pub section: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub recurrence: Option<Option<TaskRecurrence>>,
    pub attachments: Option<Vec<TaskFile>>,
}

impl TaskChange {
    /// Applies the change to what the task says now. Refused (nothing changes) when the result
    /// is not a task: a due date before the start date, or a completion for someone who is not
    /// an assignee of an `AllAssignees` task.
    pub fn apply(self, c: &mut TaskContent) -> Result<()> {
        match self {
            TaskChange::Edit(edit) => edit.apply(c),
            TaskChange::Complete {
                done,
                who,
                percentage,
            } => {
                if c.completeness == Completeness::AllAssignees
                    && !c.assignees.is_empty()
                    && let Some(other) = who
                        .iter()
                        .find(|w| !c.assignees.iter().any(|a| a.id == **w))
                {
                    return Err(Error::invalid_because(
                        "assignees",
                        format!(
                            "Parameter [assignees] value is invalid: person [{other}] is not an assignee of this task."
                        ),
                    ));
                }
                complete(c, done, &who, percentage);
                Ok(())
            }
        }
    }
}

impl TaskEdit {
    pub fn apply(self, c: &mut TaskContent) -> Result<()> {
        if let Some(s) = self.subject {
            c.subject = s;
        }
        if let Some(ids) = self.assignees {
            let before = std::mem::take(&mut c.assignees);
            c.assignees = ids
                .into_iter()
                .map(|id| Assignee {
                    id,
                    status: before
                        .iter()
                        .find(|a| a.id == id)
                        .map_or(AssigneeStatus::Pending, |a| a.status),
                })
                .collect();
        }
        if let Some(k) = self.completeness {
            c.completeness = k;
        }
        c.percentage = match c.completeness {
            Completeness::Percentage => Some(c.percentage.unwrap_or(0)),
            _ => None,
        };
        if let Some(d) = self.start_date {
            c.start_date = Some(d);
        }
        if let Some(d) = self.due_date {
            c.due_date = Some(d);
        }
        if let (Some(start), Some(due)) = (c.start_date, c.due_date)
            && due < start
        {
            return Err(Error::invalid_because(
                "dueDate",
                "Parameter [dueDate] value is invalid: the due date is before the start date.",
            ));
        }
        if let Some(color) = self.color {
            c.color = color;
        }
        if let Some(s) = self.section {
            c.section = s;
        }
        if let Some(d) = self.description {
            c.description = d;
        }
        if let Some(r) = self.recurrence {
            c.recurrence = r;
        }
        if let Some(files) = self.attachments {
            c.attachments = files;
        }
        derive_status(c);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(completeness: Completeness) -> TaskContent {
        TaskContent {
            subject: "Ship".into(),
            assignees: vec![Assignee {
                id: ExtensionId(1),
                status: AssigneeStatus::Pending,
            }],
            completeness,
            percentage: None,
            status: TaskStatus::Pending,
            start_date: Some(Timestamp(1_000)),
            due_date: None,
            color: Color::Black,
            section: None,
            description: None,
            recurrence: None,
            attachments: vec![],
        }
    }

    #[test]
    fn only_assignees_complete_their_part() {
        let mut c = task(Completeness::AllAssignees);
        let stranger = TaskChange::Complete {
            done: true,
            who: vec![ExtensionId(2)],
            percentage: None,
        };
        assert_eq!(
            stranger.apply(&mut c).unwrap_err().parameter_name(),
            Some("assignees")
        );
        let mine = TaskChange::Complete {
            done: true,
            who: vec![ExtensionId(1)],
            percentage: None,
        };
        mine.apply(&mut c).unwrap();
        assert_eq!(c.status, TaskStatus::Completed);
    }

    #[test]
    fn edits_keep_statuses_and_check_dates() {
        let mut c = task(Completeness::Simple);
        c.assignees[0].status = AssigneeStatus::Completed;
        let edit = TaskEdit {
            assignees: Some(vec![ExtensionId(1), ExtensionId(3)]),
            completeness: Some(Completeness::Percentage),
            section: Some(None),
            ..Default::default()
        };
        TaskChange::Edit(edit).apply(&mut c).unwrap();
        assert_eq!(c.assignees[0].status, AssigneeStatus::Completed);
        assert_eq!(c.assignees[1].status, AssigneeStatus::Pending);
        assert_eq!(c.percentage, Some(0));
        let early = TaskEdit {
            due_date: Some(Timestamp(10)),
            ..Default::default()
        };
        assert_eq!(
            TaskChange::Edit(early)
                .apply(&mut c)
                .unwrap_err()
                .parameter_name(),
            Some("dueDate")
        );
    }
}
