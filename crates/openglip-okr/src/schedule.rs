//! When a follower's digest is due: pure functions of a schedule, an IANA time zone and an
//! instant (the clock is always passed in).
//!
//! The rules:
//! - **Default**: every week on Monday at 09:00 in the follower's time zone.
//! - **Weekly**: on a day of the week at a time; **Monthly**: on a day of the month (1–31) at a
//!   time; a day past the month's end (29–31) falls on the month's last day.
//! - A local time that does not exist (the clocks jump over it when daylight-saving time
//!   starts) runs at the first instant after the gap; a local time that happens twice (the
//!   clocks go back) runs at its first occurrence.
//! - Times are wall-clock times: 09:00 stays 09:00 across daylight-saving changes. A follower
//!   whose time zone changes runs at its times in the new zone from then on.
//!
//! `openglip-bot`'s scheduler keeps wall-clock times as well, but resolves gaps like jiff's
//! "compatible" rule (02:30 in a one-hour gap becomes 03:30); the rule here is the first instant
//! after the gap (03:00), hence this module.

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Serialize;
use serde_json::{Value, json};

/// The most runs one question may ask for.
pub const MAX_RUNS: usize = 100;

/// A follower's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every week on Monday at 09:00.
    Default,
    Weekly {
        weekday: Weekday,
        time: Time,
    },
    /// `day` 1–31; later than the month's last day means its last day.
    Monthly {
        day: i8,
        time: Time,
    },
}

/// Why a schedule or time zone was refused: the field and what is wrong.
pub type Invalid = (&'static str, String);

impl Schedule {
    /// The weekly rule the default stands for.
    pub const DEFAULT_WEEKDAY: Weekday = Weekday::Monday;
    pub const DEFAULT_TIME: Time = Time::constant(9, 0, 0, 0);

    /// Reads `{kind:"default"}`, `{kind:"weekly", weekday:"Monday", time:"09:00"}` or
    /// `{kind:"monthly", day:31, time:"08:30"}`.
    pub fn from_json(v: &Value) -> Result<Schedule, Invalid> {
        let Some(o) = v.as_object() else {
            return Err(("schedule", "the schedule is an object with a kind".into()));
        };
        let kind = o.get("kind").and_then(Value::as_str).ok_or((
            "schedule.kind",
            "the schedule's kind is \"default\", \"weekly\" or \"monthly\"".to_string(),
        ))?;
        let allowed: &[&str] = match kind {
            "default" => &["kind"],
            "weekly" => &["kind", "weekday", "time"],
            "monthly" => &["kind", "day", "time"],
            other => {
                return Err((
                    "schedule.kind",
                    format!(
                        "[{other}] is not a schedule kind: use \"default\", \"weekly\" or \"monthly\""
                    ),
                ));
            }
        };
        if let Some(k) = o.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(("schedule", format!("a {kind} schedule has no [{k}]")));
        }
        let time = || -> Result<Time, Invalid> {
            let s = o.get("time").and_then(Value::as_str).ok_or((
                "schedule.time",
                "the schedule needs a time, \"HH:MM\" (24 h)".to_string(),
            ))?;
            parse_time(s).map_err(|e| ("schedule.time", e))
        };
        Ok(match kind {
            "default" => Schedule::Default,
            "weekly" => {
                let w = o.get("weekday").and_then(Value::as_str).ok_or((
                    "schedule.weekday",
                    "a weekly schedule needs a weekday, such as \"Monday\"".to_string(),
                ))?;
                Schedule::Weekly {
                    weekday: parse_weekday(w).map_err(|e| ("schedule.weekday", e))?,
                    time: time()?,
                }
            }
            _ => {
                let day = o
                    .get("day")
                    .and_then(Value::as_i64)
                    .filter(|d| (1..=31).contains(d))
                    .ok_or((
                        "schedule.day",
                        "a monthly schedule needs a day from 1 to 31".to_string(),
                    ))?;
                Schedule::Monthly {
                    day: day as i8,
                    time: time()?,
                }
            }
        })
    }

    /// The weekly schedule that runs at `at` (to the minute) in `zone`: what a rehearsal or a
    /// test asks for to see a digest "in a minute".
    pub fn weekly_at(at: Timestamp, zone: &str) -> Result<Schedule, String> {
        let z = at.to_zoned(self::zone(zone)?);
        Ok(Schedule::Weekly {
            weekday: z.weekday(),
            time: Time::constant(z.hour(), z.minute(), 0, 0),
        })
    }

    /// The API's JSON for the schedule.
    pub fn to_json(&self) -> Value {
        match self {
            Schedule::Default => json!({"kind": "default"}),
            Schedule::Weekly { weekday, time } => {
                json!({"kind": "weekly", "weekday": weekday_name(*weekday), "time": fmt_time(*time)})
            }
            Schedule::Monthly { day, time } => {
                json!({"kind": "monthly", "day": day, "time": fmt_time(*time)})
            }
        }
    }

    /// In words: "every Monday at 09:00", "monthly on day 31 at 08:30".
    pub fn describe(&self) -> String {
        match self {
            Schedule::Default => "every Monday at 09:00 (default)".into(),
            Schedule::Weekly { weekday, time } => {
                format!("every {} at {}", weekday_name(*weekday), fmt_time(*time))
            }
            Schedule::Monthly { day, time } => {
                format!("monthly on day {day} at {}", fmt_time(*time))
            }
        }
    }

    /// The first run strictly after `after`.
    pub fn next_after(&self, zone: &TimeZone, after: Timestamp) -> Timestamp {
        let start = after.to_zoned(zone.clone()).date();
        match *self {
            Schedule::Default => weekly_after(
                zone,
                after,
                start,
                Self::DEFAULT_WEEKDAY,
                Self::DEFAULT_TIME,
            ),
            Schedule::Weekly { weekday, time } => weekly_after(zone, after, start, weekday, time),
            Schedule::Monthly { day, time } => {
                let mut first = start.first_of_month();
                loop {
                    let d = first
                        .with()
                        .day(day.min(first.days_in_month()))
                        .build()
                        .expect("a day within the month");
                    let t = local_instant(zone, d.to_datetime(time));
                    if t > after {
                        return t;
                    }
                    first = first
                        .checked_add(1.month())
                        .expect("dates far from the end of time");
                }
            }
        }
    }

    /// The next `n` runs after `after`, in order.
    pub fn runs(&self, zone: &TimeZone, after: Timestamp, n: usize) -> Vec<Timestamp> {
        let mut out = Vec::with_capacity(n.min(MAX_RUNS));
        let mut t = after;
        for _ in 0..n.min(MAX_RUNS) {
            t = self.next_after(zone, t);
            out.push(t);
        }
        out
    }

    /// The last run strictly before `before`.
    pub fn previous_before(&self, zone: &TimeZone, before: Timestamp) -> Timestamp {
        let mut run = self.next_after(zone, before - days(70));
        loop {
            let next = self.next_after(zone, run);
            if next >= before {
                return run;
            }
            run = next;
        }
    }

    /// The latest run at or before `now`, starting from the run `due` (itself at or before
    /// `now`): what is owed when one or more runs passed unnoticed.
    pub fn latest_due(&self, zone: &TimeZone, due: Timestamp, now: Timestamp) -> Timestamp {
        let mut run = due;
        // After a long outage, skip ahead instead of walking every missed run.
        if now - days(400) > run {
            run = self.previous_before(zone, now);
        }
        loop {
            let next = self.next_after(zone, run);
            if next > now {
                return run;
            }
            run = next;
        }
    }
}

/// `n` days of 24 hours.
fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn weekly_after(
    zone: &TimeZone,
    after: Timestamp,
    start: Date,
    weekday: Weekday,
    time: Time,
) -> Timestamp {
    let mut d = start.yesterday().unwrap_or(start);
    loop {
        if d.weekday() == weekday {
            let t = local_instant(zone, d.to_datetime(time));
            if t > after {
                return t;
            }
        }
        d = d.tomorrow().expect("dates far from the end of time");
    }
}

/// The instant of a local date and time in `zone`: a time in a gap is the first instant after
/// the gap; a time that happens twice is its first occurrence.
pub fn local_instant(zone: &TimeZone, dt: DateTime) -> Timestamp {
    let amb = zone.to_ambiguous_timestamp(dt);
    match amb.offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt),
        AmbiguousOffset::Fold { before, .. } => before.to_timestamp(dt),
        AmbiguousOffset::Gap { after, .. } => {
            // `dt` read with the offset after the gap lies before the transition; the
            // transition that follows it is where the gap ends.
            let early = after.to_timestamp(dt).unwrap_or(Timestamp::UNIX_EPOCH);
            return zone
                .following(early)
                .next()
                .map(|t| t.timestamp())
                .unwrap_or(early);
        }
    }
    .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// An IANA time zone by name (`Europe/Berlin`; `UTC`).
pub fn zone(name: &str) -> Result<TimeZone, String> {
    if name.is_empty() || name.len() > 64 {
        return Err("a time zone is an IANA name such as Europe/Berlin".into());
    }
    TimeZone::get(name)
        .map_err(|_| format!("[{name}] is not an IANA time zone (such as Europe/Berlin)"))
}

/// `"HH:MM"`, 24 h.
pub fn parse_time(s: &str) -> Result<Time, String> {
    let bad = || format!("[{s}] is not a time: use HH:MM, 24 h (\"09:00\", \"17:30\")");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

pub fn fmt_time(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// An English day name (`Monday`, any case; `Mon` too).
pub fn parse_weekday(s: &str) -> Result<Weekday, String> {
    let w = s.trim().to_ascii_lowercase();
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    days.into_iter()
        .find(|d| {
            let name = weekday_name(*d).to_ascii_lowercase();
            name == w || (w.len() == 3 && name.starts_with(&w))
        })
        .ok_or_else(|| {
            format!("[{s}] is not a day of the week: use an English day name such as \"Monday\"")
        })
}

pub fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// An instant as RFC 3339 UTC with seconds (`2026-07-06T07:00:00Z`).
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// An instant in a zone, for people: `Mon 6 Jul 2026 09:00 (Europe/Berlin)`.
pub fn local_label(t: Timestamp, zone: &TimeZone) -> String {
    let z = t.to_zoned(zone.clone());
    format!(
        "{} {} ({})",
        z.strftime("%a %-d %b %Y"),
        z.strftime("%H:%M"),
        zone.iana_name().unwrap_or("UTC")
    )
}

/// A run as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// RFC 3339, UTC.
    pub at: String,
    /// The same instant in the follower's zone, RFC 3339 with its offset.
    pub local: String,
}

impl Run {
    pub fn new(t: Timestamp, zone: &TimeZone) -> Run {
        Run {
            at: rfc3339(t),
            local: t
                .to_zoned(zone.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
        }
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
