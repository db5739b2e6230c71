//! Tasks, notes and calendar events: `…/chats/{chatId}/tasks`, `…/tasks/{taskId}`,
//! `…/chats/{chatId}/notes`, `…/notes/{noteId}`, `…/events`, `…/groups/{groupId}/events` (both
//! generations). Tasks and notes are the same in both; an event's recurrence is an object in the
//! current API (`EventRecurrenceInfo`) and flat fields in the legacy one (`GlipEventInfo`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{IdOrString, Navigation};

/// `{"id":"…"}`: a creator, a modifier, the holder of a lock.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct IdInfo {
    pub id: String,
}

/// An id a client sends as `{"id": …}` (a string or a number).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct IdRef {
    pub id: IdOrString,
}

// ------------------------------------------------------------------------------------ tasks

/// An assignee of a task and where they stand (`Pending`, `Completed`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct TaskAssigneeInfo {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `TaskRecurrenceInfo`: `schedule` `None|Daily|Weekdays|Weekly|Monthly|Yearly`,
/// `endingCondition` `None|Count|Date`, `endingAfter` (1–10), `endingOn`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskRecurrenceInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_on: Option<String>,
}

/// `TaskAttachment`: a file attached to a task (`type` `File`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskAttachmentInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_uri: Option<String>,
}

/// `TMTaskInfo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskInfo {
    pub id: String,
    pub creation_time: String,
    pub last_modified_time: String,
    /// Always `Task`.
    #[serde(rename = "type")]
    pub kind: String,
    pub creator: IdInfo,
    pub chat_ids: Vec<String>,
    /// `Pending`, `InProgress` or `Completed`.
    pub status: String,
    pub subject: String,
    pub assignees: Vec<TaskAssigneeInfo>,
    /// `Simple`, `AllAssignees` or `Percentage`.
    pub completeness_condition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness_percentage: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<TaskRecurrenceInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<TaskAttachmentInfo>,
}

/// `TMTaskList` (also the answer of `PATCH …/tasks/{taskId}`, as RingCentral's spec has it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct TaskList {
    pub records: Vec<TaskInfo>,
    #[serde(default)]
    pub navigation: Navigation,
}

/// `TMCreateTaskRequest` (`subject` and `assignees` required) and `TMUpdateTaskRequest` (all
/// optional: what is sent changes).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<IdRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness_condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<TaskRecurrenceInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<TaskAttachmentInfo>>,
}

/// `TMCompleteTaskRequest`: `status` `Complete` (the default) or `Incomplete`; `assignees` whose
/// part it is (`AllAssignees`); `completenessPercentage` (`Percentage`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompleteTaskRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<IdRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness_percentage: Option<i64>,
}

// ------------------------------------------------------------------------------------ notes

/// `TMNoteInfo`, and `TMNoteWithBodyInfo` (with `body`) when one note is read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteInfo {
    pub id: String,
    pub title: String,
    pub chat_ids: Vec<String>,
    pub preview: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub creator: IdInfo,
    pub last_modified_by: IdInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_by: Option<IdInfo>,
    /// `Active` or `Draft`.
    pub status: String,
    pub creation_time: String,
    pub last_modified_time: String,
    /// Always `Note`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `TMNoteList`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct NoteList {
    pub records: Vec<NoteInfo>,
    #[serde(default)]
    pub navigation: Navigation,
}

/// `TMCreateNoteRequest`: `title` (required to create) and `body` (HTML).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct NoteRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

// ----------------------------------------------------------------------------------- events

/// `EventRecurrenceInfo`: `schedule` `None|Day|Weekday|Week|Month|Year`, `endingCondition`
/// `None|Count|Date`, `endingAfter` (1–10), `endingOn`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventRecurrenceInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_on: Option<String>,
}

/// `TMEventInfo` (the current API).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventInfo {
    pub id: String,
    pub creator_id: String,
    pub title: String,
    pub start_time: String,
    pub end_time: String,
    pub all_day: bool,
    pub recurrence: EventRecurrenceInfo,
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `TMEventList`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct EventList {
    pub records: Vec<EventInfo>,
    #[serde(default)]
    pub navigation: Navigation,
}

/// `GlipEventInfo` (the legacy API): the recurrence in flat fields.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GlipEventInfo {
    pub id: String,
    pub creator_id: String,
    pub title: String,
    pub start_time: String,
    pub end_time: String,
    pub all_day: bool,
    /// `None`, `Day`, `Weekday`, `Week`, `Month` or `Year`.
    pub recurrence: String,
    pub ending_condition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_on: Option<String>,
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `GlipEventsInfo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct GlipEventList {
    pub records: Vec<GlipEventInfo>,
    #[serde(default)]
    pub navigation: Navigation,
}

/// An event's recurrence as either generation sends it: the current API's object, or the
/// legacy API's schedule name (with the ending in the request's flat fields).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(untagged)]
pub enum RecurrenceSpec {
    Schedule(String),
    Object(EventRecurrenceInfo),
}

/// `TMCreateEventRequest` / `GlipEventCreate`: `title`, `startTime`, `endTime` required.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceSpec>,
    /// The legacy API's flat ending fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ending_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
