//! Every schedule rule, with instants given explicitly (the clock is injected by the caller).

use super::*;
use jiff::civil::time;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn tz(name: &str) -> TimeZone {
    zone(name).unwrap()
}

fn weekly(day: &str, hhmm: &str) -> Schedule {
    Schedule::Weekly {
        weekday: parse_weekday(day).unwrap(),
        time: parse_time(hhmm).unwrap(),
    }
}

fn monthly(day: i8, hhmm: &str) -> Schedule {
    Schedule::Monthly {
        day,
        time: parse_time(hhmm).unwrap(),
    }
}

#[test]
fn default_is_monday_nine_in_the_followers_zone() {
    let d = Schedule::Default;
    // Sunday 2026-07-05, noon UTC.
    assert_eq!(
        d.next_after(&tz("Europe/Berlin"), at("2026-07-05T12:00:00Z")),
        at("2026-07-06T07:00:00Z")
    );
    assert_eq!(
        d.next_after(&tz("America/New_York"), at("2026-07-05T12:00:00Z")),
        at("2026-07-06T13:00:00Z")
    );
    assert_eq!(
        d.next_after(&tz("Australia/Sydney"), at("2026-07-05T12:00:00Z")),
        at("2026-07-05T23:00:00Z")
    );
    // Exactly at a run: the next one is a week later.
    assert_eq!(
        d.next_after(&tz("Europe/Berlin"), at("2026-07-06T07:00:00Z")),
        at("2026-07-13T07:00:00Z")
    );
    assert_eq!(d, Schedule::from_json(&json!({"kind": "default"})).unwrap());
}

#[test]
fn weekly_keeps_wall_clock_time_across_daylight_saving() {
    let berlin = tz("Europe/Berlin");
    let runs = Schedule::Default.runs(&berlin, at("2026-03-20T00:00:00Z"), 2);
    // 09:00 CET (+01), then 09:00 CEST (+02).
    assert_eq!(
        runs,
        [at("2026-03-23T08:00:00Z"), at("2026-03-30T07:00:00Z")]
    );
    let ny = tz("America/New_York");
    let runs = weekly("Friday", "17:30").runs(&ny, at("2026-10-28T00:00:00Z"), 2);
    assert_eq!(
        runs,
        [at("2026-10-30T21:30:00Z"), at("2026-11-06T22:30:00Z")]
    );
    // Southern hemisphere: Sydney leaves daylight saving time in April.
    let syd = tz("Australia/Sydney");
    let runs = weekly("Monday", "09:00").runs(&syd, at("2026-03-29T00:00:00Z"), 2);
    assert_eq!(
        runs,
        [at("2026-03-29T22:00:00Z"), at("2026-04-05T23:00:00Z")]
    );
}

#[test]
fn monthly_on_29_to_31_falls_on_the_last_day_of_shorter_months() {
    let utc = tz("UTC");
    let runs = monthly(31, "08:30").runs(&utc, at("2026-01-01T00:00:00Z"), 5);
    assert_eq!(
        runs,
        [
            at("2026-01-31T08:30:00Z"),
            at("2026-02-28T08:30:00Z"),
            at("2026-03-31T08:30:00Z"),
            at("2026-04-30T08:30:00Z"),
            at("2026-05-31T08:30:00Z"),
        ]
    );
    // A leap year has 29 February.
    assert_eq!(
        monthly(30, "08:30").next_after(&utc, at("2028-02-01T00:00:00Z")),
        at("2028-02-29T08:30:00Z")
    );
    assert_eq!(
        monthly(29, "08:30").next_after(&utc, at("2026-02-01T00:00:00Z")),
        at("2026-02-28T08:30:00Z")
    );
    assert_eq!(
        monthly(29, "08:30").next_after(&utc, at("2026-02-28T08:30:00Z")),
        at("2026-03-29T08:30:00Z")
    );
    assert_eq!(
        monthly(1, "00:00").next_after(&utc, at("2026-12-15T00:00:00Z")),
        at("2027-01-01T00:00:00Z")
    );
    // In a zone: the 15th at 09:00 in New York.
    assert_eq!(
        monthly(15, "09:00").next_after(&tz("America/New_York"), at("2026-07-15T14:00:00Z")),
        at("2026-08-15T13:00:00Z")
    );
}

#[test]
fn a_time_in_the_daylight_saving_gap_runs_at_the_first_instant_after_it() {
    // 02:30 does not exist on the night the clocks go forward: it runs at 03:00.
    let sunday = weekly("Sunday", "02:30");
    assert_eq!(
        sunday.next_after(&tz("Europe/Berlin"), at("2026-03-28T12:00:00Z")),
        at("2026-03-29T01:00:00Z")
    );
    assert_eq!(
        sunday.next_after(&tz("America/New_York"), at("2026-03-07T12:00:00Z")),
        at("2026-03-08T07:00:00Z")
    );
    assert_eq!(
        sunday.next_after(&tz("Australia/Sydney"), at("2026-10-03T00:00:00Z")),
        at("2026-10-03T16:00:00Z")
    );
    // Lord Howe Island moves by half an hour: 02:15 runs at 02:30 (+11:00).
    let lord_howe = weekly("Sunday", "02:15");
    assert_eq!(
        lord_howe.next_after(&tz("Australia/Lord_Howe"), at("2026-10-03T00:00:00Z")),
        at("2026-10-03T15:30:00Z")
    );
    // Monthly too: 29 March 2026 at 02:30 in Berlin.
    assert_eq!(
        monthly(29, "02:30").next_after(&tz("Europe/Berlin"), at("2026-03-01T00:00:00Z")),
        at("2026-03-29T01:00:00Z")
    );
    // The week after, 02:30 exists again.
    assert_eq!(
        sunday.next_after(&tz("Europe/Berlin"), at("2026-03-29T01:00:00Z")),
        at("2026-04-05T00:30:00Z")
    );
}

#[test]
fn a_time_that_happens_twice_runs_at_its_first_occurrence_only() {
    let berlin = weekly("Sunday", "02:30");
    // 02:30 CEST (+02) is the first of the two.
    assert_eq!(
        berlin.next_after(&tz("Europe/Berlin"), at("2026-10-24T12:00:00Z")),
        at("2026-10-25T00:30:00Z")
    );
    // Once the first has passed, the second is not a run: next week.
    assert_eq!(
        berlin.next_after(&tz("Europe/Berlin"), at("2026-10-25T00:30:00Z")),
        at("2026-11-01T01:30:00Z")
    );
    let ny = weekly("Sunday", "01:30");
    assert_eq!(
        ny.next_after(&tz("America/New_York"), at("2026-10-31T12:00:00Z")),
        at("2026-11-01T05:30:00Z")
    );
    assert_eq!(
        ny.next_after(&tz("America/New_York"), at("2026-11-01T05:30:00Z")),
        at("2026-11-08T06:30:00Z")
    );
    let sydney = weekly("Sunday", "02:30");
    assert_eq!(
        sydney.next_after(&tz("Australia/Sydney"), at("2026-04-04T00:00:00Z")),
        at("2026-04-04T15:30:00Z")
    );
}

#[test]
fn changing_the_time_zone_moves_the_next_run() {
    let s = Schedule::Default;
    // Monday 2026-07-06 08:00 UTC: 10:00 in Berlin (this week's run has passed), 04:00 in New York.
    let now = at("2026-07-06T08:00:00Z");
    assert_eq!(
        s.next_after(&tz("Europe/Berlin"), now),
        at("2026-07-13T07:00:00Z")
    );
    assert_eq!(
        s.next_after(&tz("America/New_York"), now),
        at("2026-07-06T13:00:00Z")
    );
    assert_eq!(
        s.next_after(&tz("Asia/Tokyo"), now),
        at("2026-07-13T00:00:00Z")
    );
}

#[test]
fn runs_after_any_instant_and_what_is_owed_after_an_outage() {
    let berlin = tz("Europe/Berlin");
    let s = weekly("Wednesday", "10:00");
    assert!(s.runs(&berlin, at("2026-01-01T00:00:00Z"), 1000).len() == MAX_RUNS);
    assert_eq!(s.runs(&berlin, at("2026-01-01T00:00:00Z"), 0), []);
    assert_eq!(
        s.previous_before(&berlin, at("2026-07-08T08:00:00Z")),
        at("2026-07-01T08:00:00Z")
    );
    assert_eq!(
        s.previous_before(&berlin, at("2026-07-08T08:00:01Z")),
        at("2026-07-08T08:00:00Z")
    );
    // Down from before the 1 July run until after the 15 July run: only the latest is owed.
    assert_eq!(
        s.latest_due(
            &berlin,
            at("2026-07-01T08:00:00Z"),
            at("2026-07-16T00:00:00Z")
        ),
        at("2026-07-15T08:00:00Z")
    );
    assert_eq!(
        s.latest_due(
            &berlin,
            at("2026-07-01T08:00:00Z"),
            at("2026-07-01T08:00:00Z")
        ),
        at("2026-07-01T08:00:00Z")
    );
    // Years later, without walking every week.
    assert_eq!(
        s.latest_due(
            &berlin,
            at("2020-01-01T09:00:00Z"),
            at("2026-07-16T00:00:00Z")
        ),
        at("2026-07-15T08:00:00Z")
    );
    let m = monthly(31, "09:00");
    assert_eq!(
        m.previous_before(&berlin, at("2026-03-01T00:00:00Z")),
        at("2026-02-28T08:00:00Z")
    );
}

#[test]
fn schedules_from_json_and_their_errors() {
    assert_eq!(
        Schedule::from_json(&json!({"kind": "weekly", "weekday": "friday", "time": "17:30"}))
            .unwrap(),
        Schedule::Weekly {
            weekday: Weekday::Friday,
            time: time(17, 30, 0, 0)
        }
    );
    let m = Schedule::from_json(&json!({"kind": "monthly", "day": 31, "time": "08:05"})).unwrap();
    assert_eq!(
        m.to_json(),
        json!({"kind": "monthly", "day": 31, "time": "08:05"})
    );
    assert_eq!(
        weekly("mon", "09:00").to_json(),
        json!({"kind": "weekly", "weekday": "Monday", "time": "09:00"})
    );
    let field = |v: Value| Schedule::from_json(&v).unwrap_err().0;
    assert_eq!(field(json!("weekly")), "schedule");
    assert_eq!(field(json!({"kind": "daily"})), "schedule.kind");
    assert_eq!(
        field(json!({"kind": "weekly", "time": "09:00"})),
        "schedule.weekday"
    );
    assert_eq!(
        field(json!({"kind": "weekly", "weekday": "Funday", "time": "09:00"})),
        "schedule.weekday"
    );
    assert_eq!(
        field(json!({"kind": "weekly", "weekday": "Monday", "time": "9:00"})),
        "schedule.time"
    );
    assert_eq!(
        field(json!({"kind": "monthly", "day": 32, "time": "09:00"})),
        "schedule.day"
    );
    assert_eq!(
        field(json!({"kind": "monthly", "day": 0, "time": "09:00"})),
        "schedule.day"
    );
    assert_eq!(
        field(json!({"kind": "default", "time": "09:00"})),
        "schedule"
    );
    for bad in ["24:00", "12:60", "ab:cd", "0900", "09:00:00", ""] {
        assert!(parse_time(bad).is_err(), "{bad}");
    }
    assert!(zone("Not/AZone").is_err());
    assert!(zone("").is_err());
}

#[test]
fn how_runs_are_shown() {
    let berlin = tz("Europe/Berlin");
    let r = Run::new(at("2026-07-06T07:00:00Z"), &berlin);
    assert_eq!(r.at, "2026-07-06T07:00:00Z");
    assert_eq!(r.local, "2026-07-06T09:00:00+02:00");
    assert_eq!(
        local_label(at("2026-07-06T07:00:00Z"), &berlin),
        "Mon 6 Jul 2026 09:00 (Europe/Berlin)"
    );
    assert_eq!(
        monthly(31, "08:30").describe(),
        "monthly on day 31 at 08:30"
    );
}
