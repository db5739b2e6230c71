//! Teamwork items of chats: tasks ([`crate::tasks`]), notes ([`crate::notes`]) and calendar
//! events ([`crate::calendar`]), and the storage port that keeps them, [`TeamworkStore`]
//! (reached through `Store::teamwork()`).
//!
//! Each kind keeps its model and rules in its own file; this one holds what they share: the
//! colours RingCentral offers, how a date-time of a request is read, and the sub-port.
//!
//! An item that belongs to a chat is shown in its conversation as a post whose one attachment is
//! the item's card (`"type": "Task"`, `"Note"` or `"Event"`, with the item's `id`). The store
//! writes the item and its post in one transaction with the post's outbox event (`PostAdded`,
//! `PostChanged` when the item changes, `PostRemoved` when it is deleted); the card itself is
//! built by the item's own module (`tasks::card`, `notes::card`, `calendar::card`), so both
//! stores show the same card.

use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarEvent, EventContent, EventFilter, NewEvent};
use crate::error::{Error, Result};
use crate::ids::*;
use crate::notes::{NewNote, Note, NoteChange, NoteFilter, NoteWrite};
use crate::store::{BoxFuture, Page, PageRequest};
use crate::tasks::{NewTask, Task, TaskChange, TaskFilter};
use crate::time::Timestamp;

/// The colours of a task or an event (RingCentral's enum; `Black` by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Color {
    #[default]
    Black,
    Red,
    Orange,
    Yellow,
    Green,
    Blue,
    Purple,
    Magenta,
}

impl Color {
    pub const ALL: [Color; 8] = [
        Color::Black,
        Color::Red,
        Color::Orange,
        Color::Yellow,
        Color::Green,
        Color::Blue,
        Color::Purple,
        Color::Magenta,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Black => "Black",
            Color::Red => "Red",
            Color::Orange => "Orange",
            Color::Yellow => "Yellow",
            Color::Green => "Green",
            Color::Blue => "Blue",
            Color::Purple => "Purple",
            Color::Magenta => "Magenta",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Color::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How a recurring task or event ends (RingCentral's `endingCondition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Ending {
    /// It goes on.
    #[default]
    None,
    /// After `endingAfter` occurrences (1 to 10).
    Count,
    /// On `endingOn`.
    Date,
}

impl Ending {
    pub const NAMES: [&'static str; 3] = ["None", "Count", "Date"];
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::None => "None",
            Ending::Count => "Count",
            Ending::Date => "Date",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "None" => Some(Ending::None),
            "Count" => Some(Ending::Count),
            "Date" => Some(Ending::Date),
            _ => None,
        }
    }
}

/// The most occurrences a recurrence that ends by count may have.
pub const MAX_OCCURRENCES: i64 = 10;

/// Checks the ending of a recurrence: a count of 1 to 10 when it ends by count, a date when it
/// ends on one; returns the count and the date kept (only the one its condition uses).
pub(crate) fn ending(
    condition: Option<&str>,
    after: Option<i64>,
    on: Option<&str>,
) -> Result<(Ending, Option<u8>, Option<Timestamp>)> {
    let condition = match condition {
        None => match (after, on) {
            (Some(_), _) => Ending::Count,
            (None, Some(_)) => Ending::Date,
            (None, None) => Ending::None,
        },
        Some(c) => one_of("endingCondition", c, Ending::parse, &Ending::NAMES)?,
    };
    match condition {
        Ending::None => Ok((Ending::None, None, None)),
        Ending::Count => match after {
            Some(n) if (1..=MAX_OCCURRENCES).contains(&n) => {
                Ok((Ending::Count, Some(n as u8), None))
            }
            Some(_) => Err(Error::OutOfRange {
                name: "endingAfter".into(),
                min: 1,
                max: MAX_OCCURRENCES,
            }),
            None => Err(Error::MissingParameter("endingAfter".into())),
        },
        Ending::Date => match on {
            Some(d) => Ok((Ending::Date, None, Some(date_time("endingOn", d)?))),
            None => Err(Error::MissingParameter("endingOn".into())),
        },
    }
}

/// One of `choices` by its name, or `InvalidParameter(param)` naming the accepted values.
pub(crate) fn one_of<T: Copy>(
    param: &str,
    raw: &str,
    parse: fn(&str) -> Option<T>,
    names: &[&str],
) -> Result<T> {
    parse(raw).ok_or_else(|| {
        Error::invalid_because(
            param,
            format!(
                "Parameter [{param}] value is invalid: one of {} is expected.",
                names.join(", ")
            ),
        )
    })
}

/// A date-time of a request (ISO 8601): with an offset (`2026-12-07T10:00:00Z`,
/// `…+02:00`), without one (then UTC, as RingCentral's examples `2019-03-10T18:23:45` are), or a
/// date alone (midnight UTC).
pub fn date_time(param: &str, raw: &str) -> Result<Timestamp> {
    let raw = raw.trim();
    if let Some(t) = Timestamp::parse(raw) {
        return Ok(t);
    }
    let civil = raw.parse::<jiff::civil::DateTime>().ok().or_else(|| {
        raw.parse::<jiff::civil::Date>()
            .ok()
            .map(|d| d.at(0, 0, 0, 0))
    });
    civil
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| Timestamp(z.timestamp().as_millisecond()))
        .ok_or_else(|| {
            Error::invalid_because(
                param,
                format!(
                    "Parameter [{param}] value is invalid: an ISO 8601 date-time such as 2026-12-07T10:00:00Z is expected."
                ),
            )
        })
}

/// The storage port of tasks, notes and calendar events. Same contract as `Store`: each call
/// atomic and durable when it returns; the store assigns ids and times. A call that creates or
/// changes an item of a chat also writes the item's card post and its outbox event in the same
/// transaction (see the module's documentation).
pub trait TeamworkStore: Send + Sync {
    // ---- tasks ----

    /// Creates a task and its card post (`PostAdded`). `NotFound(Chat)` if there is no such
    /// chat; `Forbidden` if the creator is not one of its members or it is archived.
    fn create_task(&self, new: NewTask) -> BoxFuture<'_, Task>;
    fn task(&self, id: TaskId) -> BoxFuture<'_, Option<Task>>;
    /// Tasks of a chat that the filter accepts, newest first.
    fn list_tasks(&self, filter: TaskFilter, page: PageRequest) -> BoxFuture<'_, Page<Task>>;
    /// Applies a change to the task as it is in the writing transaction (`TaskChange::apply`,
    /// whose refusal changes nothing), so that changes at the same moment are all kept; its
    /// card post changes (`PostChanged`). `NotFound(Task)`.
    fn update_task(&self, id: TaskId, change: TaskChange) -> BoxFuture<'_, Task>;
    /// Deletes a task and its card post (`PostRemoved`). `NotFound(Task)`.
    fn delete_task(&self, id: TaskId) -> BoxFuture<'_, ()>;

    // ---- notes ----

    /// Creates a note (a draft: no post yet). `NotFound(Chat)`; `Forbidden` as for tasks.
    fn create_note(&self, new: NewNote) -> BoxFuture<'_, Note>;
    fn note(&self, id: NoteId) -> BoxFuture<'_, Option<Note>>;
    /// Notes of a chat that the filter accepts (drafts only of `filter.viewer`), newest first.
    fn list_notes(&self, filter: NoteFilter, page: PageRequest) -> BoxFuture<'_, Page<Note>>;
    /// Applies a change as `by`, unless someone else holds the note's lock (a lock is held for
    /// `notes::LOCK_MILLIS` after it was taken): then nothing changes and the answer names
    /// who holds it. A published note's card post is written (`PostAdded` when it is published,
    /// `PostChanged` when a published note is edited). `NotFound(Note)`.
    fn change_note(
        &self,
        id: NoteId,
        by: ExtensionId,
        change: NoteChange,
    ) -> BoxFuture<'_, NoteWrite>;
    /// Deletes a note and its card post, if any (`PostRemoved`). `NotFound(Note)`.
    fn delete_note(&self, id: NoteId) -> BoxFuture<'_, ()>;

    // ---- calendar events ----

    /// Creates an event; one of a chat gets its card post (`PostAdded`), with the same checks
    /// as `create_task`.
    fn create_event(&self, new: NewEvent) -> BoxFuture<'_, CalendarEvent>;
    fn calendar_event(&self, id: EventId) -> BoxFuture<'_, Option<CalendarEvent>>;
    /// Events of a creator or of a chat, newest first.
    fn list_events(
        &self,
        filter: EventFilter,
        page: PageRequest,
    ) -> BoxFuture<'_, Page<CalendarEvent>>;
    /// Replaces what an event says (its card post, if any, changes). `NotFound(CalendarEvent)`.
    fn update_event(&self, id: EventId, content: EventContent) -> BoxFuture<'_, CalendarEvent>;
    /// Deletes an event and its card post, if any. `NotFound(CalendarEvent)`.
    fn delete_event(&self, id: EventId) -> BoxFuture<'_, ()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_with_and_without_offset() {
        let z = date_time("t", "2019-03-10T18:23:45Z").unwrap();
        assert_eq!(date_time("t", "2019-03-10T18:23:45").unwrap(), z);
        assert_eq!(date_time("t", "2019-03-10T20:23:45+02:00").unwrap(), z);
        assert_eq!(
            date_time("t", "2019-03-10").unwrap().to_string(),
            "2019-03-10T00:00:00.000Z"
        );
        let e = date_time("dueDate", "next tuesday").unwrap_err();
        assert_eq!(e.parameter_name(), Some("dueDate"));
        assert!(date_time("t", "2019-02-30T00:00:00Z").is_err());
    }

    #[test]
    fn colors_by_name() {
        assert_eq!(Color::parse("Magenta"), Some(Color::Magenta));
        assert_eq!(Color::parse("magenta"), None);
        assert_eq!(Color::default(), Color::Black);
    }
}
