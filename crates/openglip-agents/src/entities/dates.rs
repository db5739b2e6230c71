//! Dates and times as people write them: "today", "tomorrow", "the day after tomorrow",
//! "friday", "next friday", "in 3 days", "2026-12-24", "12/24", "december 24", "24th dec",
//! "dec 24 2027"; "3pm", "3:30 pm", "15:30", "noon". A date without a year is the next one not
//! before today; a weekday is the next one after today. Dates are `YYYY-MM-DD`, times `HH:MM`.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use crate::text::Token;

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

fn month(word: &str) -> Option<i8> {
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() >= 3 && m.starts_with(word)))
        .map(|p| p as i8 + 1)
}

fn weekday(word: &str) -> Option<Weekday> {
    WEEKDAYS
        .iter()
        .find(|(name, _)| *name == word || (word.len() >= 3 && name.starts_with(word)))
        .map(|(_, d)| *d)
}

/// A day of the month: "24", "24th", "1st".
fn day(word: &str) -> Option<i8> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    let d: i8 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year(word: &str) -> Option<i16> {
    (word.len() == 4)
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

/// The next `month`/`day` not before today (or in `year`).
fn month_day(m: i8, d: i8, year: Option<i16>, today: Date) -> Option<Date> {
    match year {
        Some(y) => Date::new(y, m, d).ok(),
        None => {
            let this = Date::new(today.year(), m, d).ok()?;
            if this >= today {
                Some(this)
            } else {
                Date::new(today.year() + 1, m, d).ok()
            }
        }
    }
}

fn iso(d: Date) -> String {
    d.to_string()
}

/// A date starting at token `i`: (tokens used, `YYYY-MM-DD`).
pub fn date_at(tokens: &[Token], i: usize, today: Date) -> Option<(usize, String)> {
    let w = |k: usize| tokens.get(i + k).map(|t| t.norm.as_str());
    let first = w(0)?;
    match first {
        "today" | "tonight" => return Some((1, iso(today))),
        "tomorrow" => return Some((1, iso(today.tomorrow().ok()?))),
        _ => {}
    }
    if first == "the" && w(1) == Some("day") && w(2) == Some("after") && w(3) == Some("tomorrow") {
        return Some((4, iso(today.checked_add(2.days()).ok()?)));
    }
    if first == "day" && w(1) == Some("after") && w(2) == Some("tomorrow") {
        return Some((3, iso(today.checked_add(2.days()).ok()?)));
    }
    if first == "in"
        && let (Some(n), Some(unit)) = (w(1), w(2))
    {
        let n: i64 = match n {
            "a" | "one" => 1,
            "two" => 2,
            "three" => 3,
            other => other.parse().ok()?,
        };
        let days = match unit {
            "day" | "days" => n,
            "week" | "weeks" => 7 * n,
            _ => return None,
        };
        return Some((3, iso(today.checked_add(days.days()).ok()?)));
    }
    // "next friday", "this friday", "friday"
    let (skip, wd) = match (first, w(1).and_then(weekday)) {
        ("next" | "this", Some(d)) => (2, Some(d)),
        _ => (1, weekday(first)),
    };
    if let Some(d) = wd {
        return Some((skip, iso(today.nth_weekday(1, d).ok()?)));
    }
    // 2026-12-24
    if let Ok(d) = first.parse::<Date>() {
        return Some((1, iso(d)));
    }
    // 12/24 or 12/24/2026
    if first.contains('/') {
        let parts: Vec<&str> = first.split('/').collect();
        let m: i8 = parts.first()?.parse().ok()?;
        let d: i8 = parts.get(1)?.parse().ok()?;
        let y = match parts.get(2) {
            Some(y) => Some(year(y)?),
            None => None,
        };
        if parts.len() > 3 || !(1..=12).contains(&m) {
            return None;
        }
        return month_day(m, d, y, today).map(|d| (1, iso(d)));
    }
    // december 24 [2027] / dec 24th
    if let (Some(m), Some(d)) = (month(first), w(1).and_then(day)) {
        let y = w(2).and_then(year);
        let used = if y.is_some() { 3 } else { 2 };
        return month_day(m, d, y, today).map(|d| (used, iso(d)));
    }
    // 24 december [2027] / 24th of dec
    if let Some(d) = day(first) {
        let (of, mw) = if w(1) == Some("of") {
            (1, w(2))
        } else {
            (0, w(1))
        };
        if let Some(m) = mw.and_then(month) {
            let y = w(2 + of).and_then(year);
            let used = 2 + of + usize::from(y.is_some());
            return month_day(m, d, y, today).map(|d| (used, iso(d)));
        }
    }
    None
}

/// A time starting at token `i`: (tokens used, `HH:MM`).
pub fn time_at(tokens: &[Token], i: usize) -> Option<(usize, String)> {
    let first = tokens.get(i)?.norm.as_str();
    let next = tokens.get(i + 1).map(|t| t.norm.as_str());
    match first {
        "noon" | "midday" => return Some((1, "12:00".into())),
        "midnight" => return Some((1, "00:00".into())),
        _ => {}
    }
    let (clock, meridiem, used) = if let Some(c) = first.strip_suffix("am") {
        (c, Some(false), 1)
    } else if let Some(c) = first.strip_suffix("pm") {
        (c, Some(true), 1)
    } else if matches!(next, Some("am" | "a.m")) {
        (first, Some(false), 2)
    } else if matches!(next, Some("pm" | "p.m")) {
        (first, Some(true), 2)
    } else {
        (first, None, 1)
    };
    let (h, m) = match clock.split_once(':') {
        Some((h, m)) if m.len() == 2 => (h.parse::<u8>().ok()?, m.parse::<u8>().ok()?),
        None if meridiem.is_some() => (clock.parse::<u8>().ok()?, 0),
        _ => return None,
    };
    if m > 59 {
        return None;
    }
    let h = match meridiem {
        Some(pm) => {
            if !(1..=12).contains(&h) {
                return None;
            }
            (h % 12) + if pm { 12 } else { 0 }
        }
        None if h <= 23 => h,
        None => return None,
    };
    Some((used, format!("{h:02}:{m:02}")))
}
