//! The schedule of a follower as a form: **Default** (every week on Monday at 09:00 in the
//! recipient's time zone) or **Custom schedule**, **Weekly** on a day of the week or **Monthly**
//! on a day of the month, at a time, in a time zone. Read with the API's own rules
//! ([`Schedule::from_json`], [`schedule::zone`]), so the pages and the API accept and refuse
//! the same things in the same words.

use openglip_webkit::html::{Choice, Choices, Field, FormErrors};
use openglip_webkit::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use crate::schedule::{self, Schedule, fmt_time, weekday_name};
use crate::store::followers::Follower;

/// The fields as posted (each kept as typed, so a refused form shows it again).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub weekday: String,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub time_zone: String,
}

const KINDS: &[Choice] = &[
    Choice {
        value: "default",
        label: "Default",
        hint: Some("Every week on Monday at 09:00 in the recipient's time zone"),
    },
    Choice {
        value: "custom",
        label: "Custom schedule",
        hint: Some("Choose the frequency, the day and the time"),
    },
];

const FREQUENCIES: &[Choice] = &[
    Choice {
        value: "weekly",
        label: "Weekly",
        hint: Some("On a day of the week"),
    },
    Choice {
        value: "monthly",
        label: "Monthly",
        hint: Some("On a day of the month; past the month's end, on its last day"),
    },
];

const WEEKDAYS: &[Choice] = &[
    Choice {
        value: "Monday",
        label: "Monday",
        hint: None,
    },
    Choice {
        value: "Tuesday",
        label: "Tuesday",
        hint: None,
    },
    Choice {
        value: "Wednesday",
        label: "Wednesday",
        hint: None,
    },
    Choice {
        value: "Thursday",
        label: "Thursday",
        hint: None,
    },
    Choice {
        value: "Friday",
        label: "Friday",
        hint: None,
    },
    Choice {
        value: "Saturday",
        label: "Saturday",
        hint: None,
    },
    Choice {
        value: "Sunday",
        label: "Sunday",
        hint: None,
    },
];

/// Where the rules' parameters are on the form.
pub const FIELDS: &[(&str, &str)] = &[
    ("schedule", "kind"),
    ("schedule.kind", "kind"),
    ("schedule.weekday", "weekday"),
    ("schedule.day", "day"),
    ("schedule.time", "time"),
    ("timeZone", "timeZone"),
];

impl ScheduleForm {
    /// A new follower's: the default schedule in `zone`.
    pub fn new(zone: &str) -> ScheduleForm {
        ScheduleForm {
            kind: "default".into(),
            frequency: "weekly".into(),
            weekday: weekday_name(Schedule::DEFAULT_WEEKDAY).into(),
            day: "1".into(),
            time: fmt_time(Schedule::DEFAULT_TIME),
            time_zone: zone.into(),
        }
    }

    /// A follower's schedule as it is.
    pub fn of(f: &Follower) -> ScheduleForm {
        let mut form = ScheduleForm::new(&f.time_zone);
        match f.schedule {
            Schedule::Default => {}
            Schedule::Weekly { weekday, time } => {
                form.kind = "custom".into();
                form.weekday = weekday_name(weekday).into();
                form.time = fmt_time(time);
            }
            Schedule::Monthly { day, time } => {
                form.kind = "custom".into();
                form.frequency = "monthly".into();
                form.day = day.to_string();
                form.time = fmt_time(time);
            }
        }
        form
    }

    /// The schedule and time zone it says, or its errors by field.
    pub fn read(&self) -> Result<(Schedule, String), FormErrors> {
        let mut errors = FormErrors::new();
        let json = match (self.kind.as_str(), self.frequency.as_str()) {
            ("default", _) => Some(json!({"kind": "default"})),
            ("custom", "weekly") => Some(
                json!({"kind": "weekly", "weekday": self.weekday.trim(), "time": self.time.trim()}),
            ),
            ("custom", "monthly") => match self.day.trim().parse::<i64>() {
                Ok(day) => Some(json!({"kind": "monthly", "day": day, "time": self.time.trim()})),
                Err(_) => {
                    errors.add("day", "Enter a day of the month, from 1 to 31.");
                    None
                }
            },
            ("custom", _) => {
                errors.add("frequency", "Choose Weekly or Monthly.");
                None
            }
            _ => {
                errors.add("kind", "Choose Default or Custom schedule.");
                None
            }
        };
        let schedule = json.and_then(|j| match Schedule::from_json(&j) {
            Ok(s) => Some(s),
            Err((param, message)) => {
                let field = FIELDS
                    .iter()
                    .find(|(p, _)| *p == param)
                    .map_or("kind", |(_, f)| f);
                errors.add(field, message);
                None
            }
        });
        let zone = self.time_zone.trim();
        if let Err(m) = schedule::zone(zone) {
            errors.add("timeZone", m);
        }
        match schedule {
            Some(s) if errors.is_empty() => Ok((s, zone.to_string())),
            _ => Err(errors),
        }
    }

    /// The fields, with the errors in place.
    pub fn fields(&self, errors: &FormErrors) -> Markup {
        html! {
            (Choices::radio("kind", "Schedule", KINDS).selected(&[self.kind.as_str()]).error(errors.get("kind")))
            fieldset.group.custom {
                legend.legend { "Custom schedule" }
                (Choices::radio("frequency", "Frequency", FREQUENCIES)
                    .selected(&[self.frequency.as_str()]).columns().error(errors.get("frequency")))
                div.row {
                    (Field::select("weekday", "Day of the week (weekly)", WEEKDAYS)
                        .value(&self.weekday).error(errors.get("weekday")))
                    (Field::number("day", "Day of the month (monthly)").value(&self.day)
                        .range(Some("1"), Some("31"), Some("1")).error(errors.get("day")))
                    (Field::text("time", "Time").value(&self.time).placeholder("HH:MM")
                        .hint("24-hour clock, such as 09:00 or 17:30").error(errors.get("time")))
                }
            }
            (Field::text("timeZone", "Time zone").value(&self.time_zone)
                .hint("The recipient's IANA time zone, such as Europe/Berlin or America/New_York")
                .error(errors.get("timeZone")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, frequency: &str, day: &str, time: &str, tz: &str) -> ScheduleForm {
        ScheduleForm {
            kind: kind.into(),
            frequency: frequency.into(),
            weekday: "Friday".into(),
            day: day.into(),
            time: time.into(),
            time_zone: tz.into(),
        }
    }

    #[test]
    fn the_form_reads_as_the_api_does() {
        assert_eq!(
            form("default", "", "", "", "Europe/Berlin").read().unwrap(),
            (Schedule::Default, "Europe/Berlin".into())
        );
        let (s, _) = form("custom", "weekly", "", "17:30", "UTC").read().unwrap();
        assert_eq!(s.describe(), "every Friday at 17:30");
        let (s, _) = form("custom", "monthly", "31", "08:30", "Asia/Tokyo")
            .read()
            .unwrap();
        assert_eq!(s.describe(), "monthly on day 31 at 08:30");
    }

    #[test]
    fn a_malformed_schedule_says_which_field() {
        let e = form("custom", "weekly", "", "9", "Mars/Base")
            .read()
            .unwrap_err();
        assert!(e.get("time").is_some(), "{e:?}");
        assert!(e.get("timeZone").is_some(), "{e:?}");
        let e = form("custom", "monthly", "32", "09:00", "UTC")
            .read()
            .unwrap_err();
        assert!(e.get("day").is_some(), "{e:?}");
        let e = form("custom", "monthly", "first", "09:00", "UTC")
            .read()
            .unwrap_err();
        assert!(e.get("day").is_some(), "{e:?}");
        let e = form("custom", "yearly", "", "09:00", "UTC")
            .read()
            .unwrap_err();
        assert!(e.get("frequency").is_some(), "{e:?}");
        let e = form("", "", "", "", "UTC").read().unwrap_err();
        assert!(e.get("kind").is_some(), "{e:?}");
    }
}
