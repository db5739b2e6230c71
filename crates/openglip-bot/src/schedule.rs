//! Timed jobs: one-off and recurring (daily, weekly, monthly, every N seconds) in an IANA time
//! zone, kept in the bot's database so they survive restarts. A job with `text` posts it to its
//! chat; a job without is handed to [`crate::Bot::on_job`]. A recurring job whose times passed
//! while the bot was down runs once on start, then keeps its rhythm.

use std::sync::Arc;

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::store::Store;
use crate::{BotError, Result};

/// When a job repeats. Times are wall-clock times in the job's time zone: "daily at 09:00 in
/// Europe/Berlin" stays at 09:00 across daylight-saving changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Recurrence {
    Once,
    Daily {
        at: Time,
    },
    /// On these days of the week.
    Weekly {
        days: Vec<Weekday>,
        at: Time,
    },
    /// On this day of the month (clamped to the month's last day).
    Monthly {
        day: i8,
        at: Time,
    },
    /// Every `seconds`, from the first run.
    Every {
        seconds: i64,
    },
}

/// How a recurrence is kept in the database: times as `HH:MM[:SS]`, weekdays as 1 (Monday)
/// to 7 (Sunday).
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Repr {
    Once,
    Daily { at: String },
    Weekly { days: Vec<i8>, at: String },
    Monthly { day: i8, at: String },
    Every { seconds: i64 },
}

impl Recurrence {
    fn to_json(&self) -> String {
        let r = match self {
            Recurrence::Once => Repr::Once,
            Recurrence::Daily { at } => Repr::Daily { at: at.to_string() },
            Recurrence::Weekly { days, at } => Repr::Weekly {
                days: days.iter().map(|d| d.to_monday_one_offset()).collect(),
                at: at.to_string(),
            },
            Recurrence::Monthly { day, at } => Repr::Monthly {
                day: *day,
                at: at.to_string(),
            },
            Recurrence::Every { seconds } => Repr::Every { seconds: *seconds },
        };
        serde_json::to_string(&r).unwrap_or_default()
    }

    fn from_json(s: &str) -> Result<Recurrence> {
        let bad = |e: String| BotError::Schedule(format!("stored recurrence [{s}]: {e}"));
        let r: Repr = serde_json::from_str(s).map_err(|e| bad(e.to_string()))?;
        let t = |at: &str| at.parse::<Time>().map_err(|e| bad(e.to_string()));
        Ok(match r {
            Repr::Once => Recurrence::Once,
            Repr::Daily { at } => Recurrence::Daily { at: t(&at)? },
            Repr::Weekly { days, at } => Recurrence::Weekly {
                days: days
                    .into_iter()
                    .map(|d| Weekday::from_monday_one_offset(d).map_err(|e| bad(e.to_string())))
                    .collect::<Result<_>>()?,
                at: t(&at)?,
            },
            Repr::Monthly { day, at } => Recurrence::Monthly { day, at: t(&at)? },
            Repr::Every { seconds } => Recurrence::Every { seconds },
        })
    }
}

/// What to schedule.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub chat_id: String,
    /// A name for the bot's own use (e.g. to tell its jobs apart in `on_job`).
    pub name: String,
    /// Posted to the chat when the job runs; None: [`crate::Bot::on_job`] is called instead.
    pub text: Option<String>,
    pub data: serde_json::Value,
    /// An IANA time zone name (`America/New_York`).
    pub time_zone: String,
    pub recurrence: Recurrence,
    /// The first run (for `Once` and `Every`); for the others, the first matching time after now.
    pub first: Option<Timestamp>,
}

/// A scheduled job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub chat_id: String,
    pub name: String,
    pub text: Option<String>,
    pub data: serde_json::Value,
    pub time_zone: String,
    pub recurrence: Recurrence,
    /// When it runs next.
    pub due: Timestamp,
}

fn tz(name: &str) -> Result<TimeZone> {
    TimeZone::get(name).map_err(|e| BotError::Schedule(format!("time zone [{name}]: {e}")))
}

fn at(date: jiff::civil::Date, time: Time, zone: &TimeZone) -> Result<Zoned> {
    date.to_datetime(time)
        .to_zoned(zone.clone())
        .map_err(|e| BotError::Schedule(e.to_string()))
}

/// The first time strictly after `after` that `rec` fires, in `zone`.
pub fn next_after(rec: &Recurrence, zone: &str, after: Timestamp) -> Result<Option<Timestamp>> {
    let zone = tz(zone)?;
    let local = after.to_zoned(zone.clone());
    let today = local.date();
    let next = match rec {
        Recurrence::Once => None,
        Recurrence::Every { seconds } => {
            if *seconds <= 0 {
                return Err(BotError::Schedule("Every needs seconds > 0".into()));
            }
            Some(after + (*seconds).seconds())
        }
        Recurrence::Daily { at: t } => {
            let mut d = today;
            loop {
                let z = at(d, *t, &zone)?;
                if z.timestamp() > after {
                    break Some(z.timestamp());
                }
                d = d
                    .tomorrow()
                    .map_err(|e| BotError::Schedule(e.to_string()))?;
            }
        }
        Recurrence::Weekly { days, at: t } => {
            if days.is_empty() {
                return Err(BotError::Schedule("Weekly needs at least one day".into()));
            }
            let mut d = today;
            let mut found = None;
            for _ in 0..15 {
                if days.contains(&d.weekday()) {
                    let z = at(d, *t, &zone)?;
                    if z.timestamp() > after {
                        found = Some(z.timestamp());
                        break;
                    }
                }
                d = d
                    .tomorrow()
                    .map_err(|e| BotError::Schedule(e.to_string()))?;
            }
            found
        }
        Recurrence::Monthly { day, at: t } => {
            if !(1..=31).contains(day) {
                return Err(BotError::Schedule("Monthly needs a day of 1-31".into()));
            }
            let mut first = today.first_of_month();
            let mut found = None;
            for _ in 0..3 {
                let d = first
                    .with()
                    .day((*day).min(first.days_in_month()))
                    .build()
                    .map_err(|e| BotError::Schedule(e.to_string()))?;
                let z = at(d, *t, &zone)?;
                if z.timestamp() > after {
                    found = Some(z.timestamp());
                    break;
                }
                first = first
                    .checked_add(1.month())
                    .map_err(|e| BotError::Schedule(e.to_string()))?;
            }
            found
        }
    };
    Ok(next)
}

/// Schedules and cancels jobs. Cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    store: Store,
    wake: Arc<Notify>,
}

impl Scheduler {
    pub fn new(store: Store) -> Scheduler {
        Scheduler {
            store,
            wake: Arc::new(Notify::new()),
        }
    }

    pub(crate) fn wake(&self) -> &Arc<Notify> {
        &self.wake
    }

    /// Adds a job; returns its id.
    pub async fn schedule(&self, spec: JobSpec) -> Result<i64> {
        tz(&spec.time_zone)?;
        let now = Timestamp::now();
        let due = match (&spec.recurrence, spec.first) {
            (Recurrence::Once | Recurrence::Every { .. }, Some(t)) => t,
            (Recurrence::Once, None) => {
                return Err(BotError::Schedule("a one-off job needs its time".into()));
            }
            (Recurrence::Every { seconds }, None) => now + (*seconds).seconds(),
            (rec, first) => next_after(rec, &spec.time_zone, first.unwrap_or(now).max(now))?
                .ok_or_else(|| BotError::Schedule("the job never runs".into()))?,
        };
        let rec = spec.recurrence.to_json();
        let data = spec.data.to_string();
        let id = self
            .store
            .with(move |c| {
                c.execute(
                    "INSERT INTO jobs (chat_id, name, text, data, tz, recurrence, due_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        spec.chat_id,
                        spec.name,
                        spec.text,
                        data,
                        spec.time_zone,
                        rec,
                        due.as_millisecond()
                    ],
                )?;
                Ok(c.last_insert_rowid())
            })
            .await?;
        self.wake.notify_one();
        Ok(id)
    }

    /// Posts `text` to `chat_id` once, at `at`.
    pub async fn once(&self, chat_id: &str, at: &Zoned, text: &str) -> Result<i64> {
        self.schedule(JobSpec {
            chat_id: chat_id.into(),
            name: "message".into(),
            text: Some(text.into()),
            data: serde_json::Value::Null,
            time_zone: at.time_zone().iana_name().unwrap_or("UTC").to_string(),
            recurrence: Recurrence::Once,
            first: Some(at.timestamp()),
        })
        .await
    }

    /// Posts `text` to `chat_id` every day at `at` in `time_zone`.
    pub async fn daily(&self, chat_id: &str, at: Time, time_zone: &str, text: &str) -> Result<i64> {
        self.recurring(chat_id, Recurrence::Daily { at }, time_zone, text)
            .await
    }

    /// Posts `text` to `chat_id` on `days` at `at` in `time_zone`.
    pub async fn weekly(
        &self,
        chat_id: &str,
        days: &[Weekday],
        at: Time,
        time_zone: &str,
        text: &str,
    ) -> Result<i64> {
        let rec = Recurrence::Weekly {
            days: days.to_vec(),
            at,
        };
        self.recurring(chat_id, rec, time_zone, text).await
    }

    async fn recurring(
        &self,
        chat_id: &str,
        rec: Recurrence,
        time_zone: &str,
        text: &str,
    ) -> Result<i64> {
        self.schedule(JobSpec {
            chat_id: chat_id.into(),
            name: "message".into(),
            text: Some(text.into()),
            data: serde_json::Value::Null,
            time_zone: time_zone.into(),
            recurrence: rec,
            first: None,
        })
        .await
    }

    /// Cancels a job; returns whether it existed.
    pub async fn cancel(&self, id: i64) -> Result<bool> {
        let n = self
            .store
            .with(move |c| c.execute("DELETE FROM jobs WHERE id = ?1", [id]))
            .await?;
        self.wake.notify_one();
        Ok(n == 1)
    }

    /// The jobs of a chat (or all), soonest first.
    pub async fn jobs(&self, chat_id: Option<&str>) -> Result<Vec<Job>> {
        let chat = chat_id.map(str::to_string);
        let rows = self
            .store
            .with(move |c| {
                let mut st = c.prepare(
                    "SELECT id, chat_id, name, text, data, tz, recurrence, due_ms FROM jobs
                     WHERE ?1 IS NULL OR chat_id = ?1 ORDER BY due_ms, id",
                )?;
                let rows = st.query_map([chat], row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        rows.into_iter().collect()
    }

    /// The next job's due time.
    pub(crate) async fn next_due(&self) -> Result<Option<Timestamp>> {
        let ms: Option<i64> = self
            .store
            .with(|c| {
                c.query_row("SELECT MIN(due_ms) FROM jobs", [], |r| r.get(0))
                    .optional()
                    .map(Option::flatten)
            })
            .await?;
        ms.map(|m| Timestamp::from_millisecond(m).map_err(|e| BotError::Schedule(e.to_string())))
            .transpose()
    }

    /// Jobs due now, and moves each to its next time (or deletes it), in one transaction, so a
    /// crash after this runs a job at most once more.
    pub(crate) async fn take_due(&self, now: Timestamp) -> Result<Vec<Job>> {
        let jobs: Vec<Result<Job>> = self
            .store
            .with(move |c| {
                let mut st = c.prepare(
                    "SELECT id, chat_id, name, text, data, tz, recurrence, due_ms FROM jobs
                     WHERE due_ms <= ?1 ORDER BY due_ms, id",
                )?;
                let rows = st.query_map([now.as_millisecond()], row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        let mut out = Vec::new();
        for j in jobs {
            let job = match j {
                Ok(j) => j,
                Err(e) => {
                    tracing::error!(error = %e, "unreadable job");
                    continue;
                }
            };
            let next =
                next_after(&job.recurrence, &job.time_zone, now.max(job.due)).unwrap_or(None);
            let id = job.id;
            self.store
                .with(move |c| match next {
                    Some(t) => c.execute(
                        "UPDATE jobs SET due_ms = ?2 WHERE id = ?1",
                        params![id, t.as_millisecond()],
                    ),
                    None => c.execute("DELETE FROM jobs WHERE id = ?1", [id]),
                })
                .await?;
            out.push(job);
        }
        Ok(out)
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Job>> {
    let rec: String = r.get(6)?;
    let data: String = r.get(4)?;
    let due: i64 = r.get(7)?;
    let id: i64 = r.get(0)?;
    let chat_id: String = r.get(1)?;
    let name: String = r.get(2)?;
    let text: Option<String> = r.get(3)?;
    let time_zone: String = r.get(5)?;
    Ok((|| {
        Ok(Job {
            id,
            chat_id,
            name,
            text,
            data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
            time_zone,
            recurrence: Recurrence::from_json(&rec)?,
            due: Timestamp::from_millisecond(due).map_err(|e| BotError::Schedule(e.to_string()))?,
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn daily_keeps_wall_clock_time_across_dst() {
        // New York leaves daylight saving time on 2026-11-01.
        let rec = Recurrence::Daily {
            at: time(9, 0, 0, 0),
        };
        let a = next_after(&rec, "America/New_York", ts("2026-10-31T14:00:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(a, ts("2026-11-01T14:00:00Z")); // 09:00 EST
        let b = next_after(&rec, "America/New_York", ts("2026-10-30T12:00:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(b, ts("2026-10-30T13:00:00Z")); // 09:00 EDT
    }

    #[test]
    fn weekly_monthly_every_and_gaps() {
        let mon = Recurrence::Weekly {
            days: vec![Weekday::Monday],
            at: time(9, 0, 0, 0),
        };
        // 2026-11-22 is a Sunday.
        let n = next_after(&mon, "Europe/Berlin", ts("2026-11-22T10:00:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(n, ts("2026-11-23T08:00:00Z"));
        let m = Recurrence::Monthly {
            day: 31,
            at: time(8, 0, 0, 0),
        };
        let n = next_after(&m, "UTC", ts("2026-02-01T00:00:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(n, ts("2026-02-28T08:00:00Z"));
        let e = Recurrence::Every { seconds: 90 };
        assert_eq!(
            next_after(&e, "UTC", ts("2026-01-01T00:00:00Z")).unwrap(),
            Some(ts("2026-01-01T00:01:30Z"))
        );
        assert_eq!(
            next_after(&Recurrence::Once, "UTC", Timestamp::now()).unwrap(),
            None
        );
        // 02:30 does not exist in Berlin on 2026-03-29: the job runs at 03:30 local.
        let d = Recurrence::Daily {
            at: time(2, 30, 0, 0),
        };
        let n = next_after(&d, "Europe/Berlin", ts("2026-03-28T12:00:00Z"))
            .unwrap()
            .unwrap();
        assert_eq!(
            n,
            date(2026, 3, 29)
                .at(3, 30, 0, 0)
                .in_tz("Europe/Berlin")
                .unwrap()
                .timestamp()
        );
        assert!(next_after(&d, "Not/AZone", Timestamp::now()).is_err());
    }

    #[tokio::test]
    async fn jobs_persist_and_advance() {
        let s = Scheduler::new(Store::in_memory().unwrap());
        let past = ts("2026-01-01T00:00:00Z");
        let id = s
            .schedule(JobSpec {
                chat_id: "1".into(),
                name: "tick".into(),
                text: None,
                data: serde_json::json!({"n": 1}),
                time_zone: "UTC".into(),
                recurrence: Recurrence::Every { seconds: 60 },
                first: Some(past),
            })
            .await
            .unwrap();
        let once = s
            .once("1", &past.to_zoned(TimeZone::UTC), "hello")
            .await
            .unwrap();
        let now = Timestamp::now();
        let due = s.take_due(now).await.unwrap();
        assert_eq!(due.iter().map(|j| j.id).collect::<Vec<_>>(), [id, once]);
        let left = s.jobs(Some("1")).await.unwrap();
        assert_eq!(left.len(), 1, "the one-off job is gone");
        assert!(left[0].due > now, "the recurring one moved past now");
        assert!(s.cancel(id).await.unwrap());
        assert_eq!(s.next_due().await.unwrap(), None);
    }
}
