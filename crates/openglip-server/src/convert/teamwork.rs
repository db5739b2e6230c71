//! Tasks, notes and calendar events to their wire shapes (`TMTaskInfo`, `TMNoteInfo`,
//! `TMEventInfo` and the legacy `GlipEventInfo`).

use openglip_domain::calendar::CalendarEvent;
use openglip_domain::notes::Note;
use openglip_domain::tasks::Task;
use openglip_domain::teamwork::Ending;
use openglip_wire as w;

fn id(v: impl ToString) -> w::IdInfo {
    w::IdInfo { id: v.to_string() }
}

/// `TMTaskInfo`.
pub fn task_info(t: &Task) -> w::TaskInfo {
    let c = &t.content;
    w::TaskInfo {
        id: t.id.to_string(),
        creation_time: t.created.to_rfc3339(),
        last_modified_time: t.modified.to_rfc3339(),
        kind: "Task".into(),
        creator: id(t.creator_id),
        chat_ids: vec![t.chat_id.to_string()],
        status: c.status.as_str().into(),
        subject: c.subject.clone(),
        assignees: c
            .assignees
            .iter()
            .map(|a| w::TaskAssigneeInfo {
                id: a.id.to_string(),
                status: Some(a.status.as_str().into()),
            })
            .collect(),
        completeness_condition: c.completeness.as_str().into(),
        completeness_percentage: c.percentage.map(i64::from),
        start_date: c.start_date.map(|d| d.to_rfc3339()),
        due_date: c.due_date.map(|d| d.to_rfc3339()),
        color: c.color.as_str().into(),
        section: c.section.clone(),
        description: c.description.clone(),
        recurrence: c.recurrence.map(|r| w::TaskRecurrenceInfo {
            schedule: Some(r.schedule.as_str().into()),
            ending_condition: Some(r.ending.as_str().into()),
            ending_after: r.ending_after.map(i64::from),
            ending_on: r.ending_on.map(|d| d.to_rfc3339()),
        }),
        attachments: c
            .attachments
            .iter()
            .map(|f| w::TaskAttachmentInfo {
                id: Some(f.id.clone()),
                kind: Some("File".into()),
                name: f.name.clone(),
                content_uri: f.content_uri.clone(),
            })
            .collect(),
    }
}

/// `TMNoteInfo`; with `body`, `TMNoteWithBodyInfo` (one note read by id).
pub fn note_info(n: &Note, body: bool) -> w::NoteInfo {
    w::NoteInfo {
        id: n.id.to_string(),
        title: n.title.clone(),
        chat_ids: vec![n.chat_id.to_string()],
        preview: n.preview(),
        body: body.then(|| n.body.clone()),
        creator: id(n.creator_id),
        last_modified_by: id(n.last_modified_by),
        locked_by: n.locked_by.map(id),
        status: n.status.as_str().into(),
        creation_time: n.created.to_rfc3339(),
        last_modified_time: n.modified.to_rfc3339(),
        kind: "Note".into(),
    }
}

/// `TMEventInfo` (the current API: the recurrence as an object).
pub fn event_info(e: &CalendarEvent) -> w::EventInfo {
    let c = &e.content;
    let r = &c.recurrence;
    w::EventInfo {
        id: e.id.to_string(),
        creator_id: e.creator_id.to_string(),
        title: c.title.clone(),
        start_time: c.start.to_rfc3339(),
        end_time: c.end.to_rfc3339(),
        all_day: c.all_day,
        recurrence: w::EventRecurrenceInfo {
            schedule: Some(r.schedule.as_str().into()),
            ending_condition: Some(r.ending.as_str().into()),
            ending_after: r.ending_after.map(i64::from),
            ending_on: r.ending_on.map(|d| d.to_rfc3339()),
        },
        color: c.color.as_str().into(),
        location: c.location.clone(),
        description: c.description.clone(),
    }
}

/// `GlipEventInfo` (the legacy API: the recurrence in flat fields).
pub fn glip_event_info(e: &CalendarEvent) -> w::GlipEventInfo {
    let c = &e.content;
    let r = &c.recurrence;
    w::GlipEventInfo {
        id: e.id.to_string(),
        creator_id: e.creator_id.to_string(),
        title: c.title.clone(),
        start_time: c.start.to_rfc3339(),
        end_time: c.end.to_rfc3339(),
        all_day: c.all_day,
        recurrence: r.schedule.as_str().into(),
        ending_condition: r.ending.as_str().into(),
        ending_after: r.ending_after.map(i64::from),
        ending_on: (r.ending == Ending::Date)
            .then_some(r.ending_on)
            .flatten()
            .map(|d| d.to_rfc3339()),
        color: c.color.as_str().into(),
        location: c.location.clone(),
        description: c.description.clone(),
    }
}
