//! Calendar events (`…/events`, `…/events/{eventId}`, `…/groups/{groupId}/events`).
//!
//! An event has a title, a start and an end (or whole days), a recurrence, a colour, a location
//! and a description. A person's own events (`POST …/events`) are theirs alone; an event of a
//! chat (`POST …/groups/{groupId}/events`) is seen by the chat's members and posted into the
//! conversation as its card ([`card`]), which follows it as it changes.
//!
//! Rules: `GET …/events` lists the events the caller created; a chat's events are listed to its
//! members; an event is seen by its creator and, if it is a chat's, by the chat's members; only
//! its creator changes or deletes it. One the caller cannot see is "not found".

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;
use crate::store::{Page, PageRequest};
use crate::teamwork::{Color, Ending, date_time, ending, one_of};
use crate::time::Timestamp;
use crate::validate;

pub const MAX_TITLE: usize = 250;
pub const MAX_LOCATION: usize = 1_000;
pub const MAX_DESCRIPTION: usize = 102_400;

/// How often an event repeats (RingCentral's event `recurrence`, which differs from a task's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum EventSchedule {
    #[default]
    None,
    Day,
    Weekday,
    Week,
    Month,
    Year,
}

impl EventSchedule {
    pub const NAMES: [&'static str; 6] = ["None", "Day", "Weekday", "Week", "Month", "Year"];
    const ALL: [EventSchedule; 6] = [
        EventSchedule::None,
        EventSchedule::Day,
        EventSchedule::Weekday,
        EventSchedule::Week,
        EventSchedule::Month,
        EventSchedule::Year,
    ];
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
    }
    /// The shortest period, in days: an event may not last longer than the period it repeats in.
    fn period_days(self) -> Option<i64> {
        match self {
            EventSchedule::None => None,
            EventSchedule::Day | EventSchedule::Weekday => Some(1),
            EventSchedule::Week => Some(7),
            EventSchedule::Month => Some(28),
            EventSchedule::Year => Some(365),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventRecurrence {
    pub schedule: EventSchedule,
    pub ending: Ending,
    pub ending_after: Option<u8>,
    pub ending_on: Option<Timestamp>,
}

/// What an event says: everything but its identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventContent {
    pub title: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub all_day: bool,
    pub recurrence: EventRecurrence,
    pub color: Color,
    pub location: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEvent {
    pub id: EventId,
    pub creator_id: ExtensionId,
    /// The chat it was created in, if any.
    pub chat_id: Option<ChatId>,
    pub post_id: Option<PostId>,
    pub created: Timestamp,
    pub modified: Timestamp,
    pub content: EventContent,
}

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub creator_id: ExtensionId,
    pub chat_id: Option<ChatId>,
    pub content: EventContent,
}

/// Whose events a listing shows. Kept in page tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventFilter {
    /// The events a person created.
    Creator(ExtensionId),
    /// The events of a chat.
    Chat(ChatId),
}

impl EventFilter {
    pub fn scope(&self) -> String {
        match self {
            EventFilter::Creator(p) => format!("events:creator:{p}"),
            EventFilter::Chat(c) => format!("events:chat:{c}"),
        }
    }
}

/// An event as the request spelled it. Both generations come here: the current API's
/// `recurrence` object and the legacy API's flat `recurrence`, `endingCondition`, `endingAfter`
/// and `endingOn` alike.
#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub title: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub all_day: Option<bool>,
    pub schedule: Option<String>,
    pub ending_condition: Option<String>,
    pub ending_after: Option<i64>,
    pub ending_on: Option<String>,
    pub color: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
}

/// The card of a chat's event, the attachment of its post: RingCentral's attachment of type
/// `Event`.
pub fn card(event: &CalendarEvent) -> Value {
    let c = &event.content;
    let mut card = json!({
        "type": "Event",
        "id": event.id.to_string(),
        "creatorId": event.creator_id.to_string(),
        "title": c.title,
        "startTime": c.start.to_string(),
        "endTime": c.end.to_string(),
        "allDay": c.all_day,
        "recurrence": c.recurrence.schedule.as_str(),
        "color": c.color.as_str(),
    });
    if let Some(l) = &c.location {
        card["location"] = Value::String(l.clone());
    }
    if let Some(d) = &c.description {
        card["description"] = Value::String(d.clone());
    }
    card
}

/// Checks a whole event as sent (create, and the full replacement of `PUT`).
pub fn content(input: EventInput) -> Result<EventContent> {
    let title = match input.title {
        Some(t) => validate::name("title", &t, MAX_TITLE)?,
        None => return Err(Error::MissingParameter("title".into())),
    };
    let start = match input.start_time {
        Some(t) => date_time("startTime", &t)?,
        None => return Err(Error::MissingParameter("startTime".into())),
    };
    let end = match input.end_time {
        Some(t) => date_time("endTime", &t)?,
        None => return Err(Error::MissingParameter("endTime".into())),
    };
    if end < start {
        return Err(Error::invalid_because(
            "endTime",
            "Parameter [endTime] value is invalid: the event ends before it starts.",
        ));
    }
    let schedule = match input.schedule.as_deref() {
        None => EventSchedule::None,
        Some(s) => one_of("recurrence", s, EventSchedule::parse, &EventSchedule::NAMES)?,
    };
    let (ending, ending_after, ending_on) = if schedule == EventSchedule::None {
        (Ending::None, None, None)
    } else {
        ending(
            input.ending_condition.as_deref(),
            input.ending_after,
            input.ending_on.as_deref(),
        )?
    };
    if let Some(days) = schedule.period_days()
        && end.millis() - start.millis() > days * 86_400_000
    {
        return Err(Error::invalid_because(
            "recurrence",
            format!(
                "Parameter [recurrence] value is invalid: an event repeating every {} cannot last longer than that.",
                schedule.as_str().to_lowercase()
            ),
        ));
    }
    if let Some(on) = ending_on
        && on < start
    {
        return Err(Error::invalid_because(
            "endingOn",
            "Parameter [endingOn] value is invalid: the recurrence ends before the event starts.",
        ));
    }
    let color = match input.color.as_deref() {
        None => Color::Black,
        Some(c) => one_of("color", c, Color::parse, &Color::ALL.map(Color::as_str))?,
    };
    let optional = |param: &str, v: Option<String>, max: usize| -> Result<Option<String>> {
        Ok(v.map(|s| validate::text(param, &s, max))
            .transpose()?
            .filter(|s| !s.trim().is_empty()))
    };
    Ok(EventContent {
        title,
        start,
        end,
        all_day: input.all_day.unwrap_or(false),
        recurrence: EventRecurrence {
            schedule,
            ending,
            ending_after,
            ending_on,
        },
        color,
        location: optional("location", input.location, MAX_LOCATION)?,
        description: optional("description", input.description, MAX_DESCRIPTION)?,
    })
}

impl Service {
    /// An event the caller may see: their own, or one of a chat they belong to.
    pub async fn calendar_event(&self, caller: &Caller, id: EventId) -> Result<CalendarEvent> {
        let event = self
            .store()
            .teamwork()
            .calendar_event(id)
            .await?
            .ok_or(Error::NotFound(Subject::CalendarEvent))?;
        if event.creator_id == caller.extension_id {
            return Ok(event);
        }
        match event.chat_id {
            Some(chat) => self
                .member_chat(caller, chat)
                .await
                .map(|_| event)
                .map_err(|_| Error::NotFound(Subject::CalendarEvent)),
            None => Err(Error::NotFound(Subject::CalendarEvent)),
        }
    }

    /// Creates one of the caller's own events, or (with `chat`) an event of a chat they belong
    /// to, posted there as its card.
    pub async fn create_event(
        &self,
        caller: &Caller,
        chat: Option<ChatId>,
        input: EventInput,
    ) -> Result<CalendarEvent> {
        let chat = match chat {
            Some(id) => Some(self.member_chat(caller, id).await?.id),
            None => None,
        };
        let content = content(input)?;
        self.store()
            .teamwork()
            .create_event(NewEvent {
                creator_id: caller.extension_id,
                chat_id: chat,
                content,
            })
            .await
    }

    /// The caller's own events, or a chat's (its members only).
    pub async fn list_events(
        &self,
        caller: &Caller,
        filter: EventFilter,
        page: PageRequest,
    ) -> Result<Page<CalendarEvent>> {
        match filter {
            EventFilter::Creator(p) if p != caller.extension_id => {
                return Err(Error::invalid_because(
                    "pageToken",
                    "Parameter [pageToken] value is invalid: it belongs to another listing.",
                ));
            }
            EventFilter::Creator(_) => {}
            EventFilter::Chat(chat) => {
                self.member_chat(caller, chat).await?;
            }
        }
        self.store().teamwork().list_events(filter, page).await
    }

    async fn own_event(&self, caller: &Caller, id: EventId, action: &str) -> Result<CalendarEvent> {
        let event = self.calendar_event(caller, id).await?;
        if event.creator_id != caller.extension_id {
            return Err(Error::forbidden(format!(
                "Only the creator of an event may {action} it."
            )));
        }
        Ok(event)
    }

    /// Replaces an event (its creator only).
    pub async fn update_event(
        &self,
        caller: &Caller,
        id: EventId,
        input: EventInput,
    ) -> Result<CalendarEvent> {
        let event = self.own_event(caller, id, "change").await?;
        let content = content(input)?;
        self.store()
            .teamwork()
            .update_event(event.id, content)
            .await
    }

    /// Deletes an event and its post (its creator only).
    pub async fn delete_event(&self, caller: &Caller, id: EventId) -> Result<()> {
        let event = self.own_event(caller, id, "delete").await?;
        self.store().teamwork().delete_event(event.id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput {
        EventInput {
            title: Some("Standup".into()),
            start_time: Some("2026-12-07T10:00:00Z".into()),
            end_time: Some("2026-12-07T10:15:00Z".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_plain_event() {
        let c = content(input()).unwrap();
        assert_eq!(c.recurrence, EventRecurrence::default());
        assert_eq!(c.color, Color::Black);
        assert_eq!(c.end.millis() - c.start.millis(), 15 * 60 * 1000);
    }

    #[test]
    fn bad_events_name_their_field() {
        let cases: Vec<(EventInput, &str)> = vec![
            (
                EventInput {
                    title: None,
                    ..input()
                },
                "title",
            ),
            (
                EventInput {
                    end_time: Some("2026-12-07T09:00:00Z".into()),
                    ..input()
                },
                "endTime",
            ),
            (
                EventInput {
                    start_time: Some("tomorrow".into()),
                    ..input()
                },
                "startTime",
            ),
            (
                EventInput {
                    schedule: Some("Fortnight".into()),
                    ..input()
                },
                "recurrence",
            ),
            (
                EventInput {
                    schedule: Some("Day".into()),
                    ending_condition: Some("Count".into()),
                    ..input()
                },
                "endingAfter",
            ),
            (
                EventInput {
                    schedule: Some("Day".into()),
                    ending_after: Some(11),
                    ..input()
                },
                "endingAfter",
            ),
            (
                EventInput {
                    schedule: Some("Day".into()),
                    end_time: Some("2026-12-09T10:00:00Z".into()),
                    ..input()
                },
                "recurrence",
            ),
            (
                EventInput {
                    color: Some("Pink".into()),
                    ..input()
                },
                "color",
            ),
        ];
        for (i, want) in cases {
            let e = content(i).unwrap_err();
            assert_eq!(e.parameter_name(), Some(want), "{e:?}");
        }
    }

    #[test]
    fn recurrence_ending_by_count() {
        let c = content(EventInput {
            schedule: Some("Week".into()),
            ending_after: Some(3),
            ..input()
        })
        .unwrap();
        assert_eq!(c.recurrence.ending, Ending::Count);
        assert_eq!(c.recurrence.ending_after, Some(3));
    }
}
