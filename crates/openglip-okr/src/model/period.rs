//! Periods: calendar quarters by default (`2026-Q3`), or custom date ranges. A period runs from
//! the start of its first day to the end of its last day, in UTC.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

/// The longest custom period (a little over three years).
pub const MAX_DAYS: i64 = 3 * 366;

/// A period: a name and its first and last day (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub name: String,
    pub start: Date,
    pub end: Date,
}

impl Period {
    /// The calendar quarter that contains `date`, named `YYYY-Qn`.
    pub fn quarter_of(date: Date) -> Period {
        let q = (date.month() - 1) / 3 + 1;
        Self::quarter(date.year(), q).expect("a quarter of a valid date")
    }

    /// The quarter `q` (1–4) of `year`.
    pub fn quarter(year: i16, q: i8) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        let start = Date::new(year, (q - 1) * 3 + 1, 1).ok()?;
        let end = start.checked_add(3.months()).ok()?.yesterday().ok()?;
        Some(Period {
            name: format!("{year}-Q{q}"),
            start,
            end,
        })
    }

    /// Reads a quarter's name: `2026-Q3`, `2026Q3` or `Q3 2026` (any case).
    pub fn parse_quarter(s: &str) -> Option<Period> {
        let s = s.trim().to_ascii_uppercase();
        let (year, q) = if let Some(rest) = s.strip_prefix('Q') {
            let (q, year) = rest.split_once(' ')?;
            (year.trim(), q.trim())
        } else {
            let (year, q) = s.split_once('Q')?;
            (year.trim_end_matches(['-', ' ']), q)
        };
        let year: i16 = year.parse().ok()?;
        let q: i8 = q.parse().ok()?;
        if !(1970..=9998).contains(&year) {
            return None;
        }
        Self::quarter(year, q)
    }

    /// A custom range; `name` defaults to `START – END`.
    pub fn custom(name: Option<&str>, start: Date, end: Date) -> Result<Period, String> {
        if end < start {
            return Err("the period ends before it starts".into());
        }
        let days = (end - start).get_days() as i64;
        if days > MAX_DAYS {
            return Err(format!("a period can last at most {MAX_DAYS} days"));
        }
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if n.chars().count() > 60 => {
                return Err("a period's name can have at most 60 characters".into());
            }
            Some(n) => n.to_string(),
            None => format!("{start} – {end}"),
        };
        Ok(Period { name, start, end })
    }

    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }

    /// The first instant of the period (its first day at 00:00 UTC).
    pub fn start_instant(&self) -> Timestamp {
        day_start(self.start)
    }

    /// The instant after the period (the day after its last day, at 00:00 UTC).
    pub fn end_instant(&self) -> Timestamp {
        day_start(self.end.tomorrow().unwrap_or(self.end))
    }
}

fn day_start(d: Date) -> Timestamp {
    d.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The UTC date of an instant.
pub fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn quarters() {
        let q = Period::quarter_of(date(2026, 8, 15));
        assert_eq!(q.name, "2026-Q3");
        assert_eq!((q.start, q.end), (date(2026, 7, 1), date(2026, 9, 30)));
        let q4 = Period::quarter_of(date(2026, 12, 31));
        assert_eq!(q4.end, date(2026, 12, 31));
        assert_eq!(Period::quarter_of(date(2024, 2, 29)).end, date(2024, 3, 31));
        for s in ["2026-Q3", "2026q3", "Q3 2026", " q3 2026 "] {
            assert_eq!(
                Period::parse_quarter(s).map(|p| p.name),
                Some("2026-Q3".into()),
                "{s}"
            );
        }
        for s in ["2026-Q5", "Q0 2026", "2026", "Sales", ""] {
            assert!(Period::parse_quarter(s).is_none(), "{s}");
        }
    }

    #[test]
    fn custom_ranges() {
        let p = Period::custom(None, date(2026, 1, 1), date(2026, 6, 30)).unwrap();
        assert_eq!(p.name, "2026-01-01 – 2026-06-30");
        assert!(p.contains(date(2026, 6, 30)) && !p.contains(date(2026, 7, 1)));
        assert_eq!(p.start_instant(), "2026-01-01T00:00:00Z".parse().unwrap());
        assert_eq!(p.end_instant(), "2026-07-01T00:00:00Z".parse().unwrap());
        assert!(Period::custom(None, date(2026, 2, 1), date(2026, 1, 1)).is_err());
        assert!(Period::custom(None, date(2020, 1, 1), date(2026, 1, 1)).is_err());
        let one_day = Period::custom(Some("Launch"), date(2026, 3, 3), date(2026, 3, 3)).unwrap();
        assert_eq!(one_day.name, "Launch");
    }
}
