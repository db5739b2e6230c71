//! Progress, expected progress and status: the rules, stated once. Pages, the API and the
//! digests show [`PROGRESS_RULE`] and [`STATUS_RULE`] as they are written here.
//!
//! All figures are percentages from 0 to 100.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{KrKind, Period};

/// How progress is computed.
pub const PROGRESS_RULE: &str = "A key result's progress is (value − start) / (target − start), \
kept between 0 % and 100 % (a boolean is 0 or 1 of 1; a milestone key result counts milestones \
reached); before its first check-in its value is its start. An objective's progress is the \
weighted average of its key results (weight 1 unless set; weight 0 does not count); objectives \
aligned to it do not roll into it. A company's, team's or person's progress is the average of its \
objectives in the period, and a team's includes every objective of its sub-teams, each counted \
once. Expected progress is the share of the period that has passed.";

/// Points of progress behind expected that still count as on track.
pub const ON_TRACK_WITHIN: f64 = 10.0;
/// Points behind expected that count as behind; more is at risk.
pub const BEHIND_WITHIN: f64 = 25.0;

/// How status is decided.
pub const STATUS_RULE: &str = "A key result has the status of its newest check-in when the \
person chose one. Otherwise: not started before its first check-in, done at 100 %, and else by \
its distance to the expected progress: on track up to 10 points behind, behind up to 25 points \
behind, at risk beyond. An objective is not started until one of its key results has a \
check-in, done when all are done, and otherwise takes the worse of its own distance to expected \
and its worst key result. A company, team or person is not started until one of its objectives \
has a check-in, done when all are done, and otherwise goes by its own distance to expected.";

/// A status. Ordered from best to worst for the in-progress ones (see [`Status::worse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    NotStarted,
    OnTrack,
    Behind,
    AtRisk,
    Done,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::OnTrack,
        Status::Behind,
        Status::AtRisk,
        Status::Done,
        Status::NotStarted,
    ];

    /// The API's spelling (`onTrack`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "notStarted",
            Status::OnTrack => "onTrack",
            Status::Behind => "behind",
            Status::AtRisk => "atRisk",
            Status::Done => "done",
        }
    }

    /// How people write it (`on track`).
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::OnTrack => "on track",
            Status::Behind => "behind",
            Status::AtRisk => "at risk",
            Status::Done => "done",
        }
    }

    /// Reads a status leniently: `onTrack`, `on track`, `on_track`, `ON-TRACK` …
    pub fn parse(s: &str) -> Option<Status> {
        let k: String = s
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match k.as_str() {
            "notstarted" => Status::NotStarted,
            "ontrack" => Status::OnTrack,
            "behind" => Status::Behind,
            "atrisk" => Status::AtRisk,
            "done" => Status::Done,
            _ => return None,
        })
    }

    /// Severity of the in-progress statuses (0 for done and not started).
    fn severity(self) -> u8 {
        match self {
            Status::OnTrack => 1,
            Status::Behind => 2,
            Status::AtRisk => 3,
            Status::Done | Status::NotStarted => 0,
        }
    }

    /// The worse of two in-progress statuses.
    pub fn worse(self, other: Status) -> Status {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// Whether it needs attention (behind or at risk).
    pub fn needs_attention(self) -> bool {
        matches!(self, Status::Behind | Status::AtRisk)
    }
}

/// Progress, expected progress and status of something.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub progress: f64,
    pub expected: f64,
    pub status: Status,
}

/// A key result's progress for `value` (its start when it has no check-in yet).
pub fn key_result_progress(kind: KrKind, start: f64, target: f64, value: Option<f64>) -> f64 {
    let value = value.unwrap_or(start);
    let share = match kind {
        KrKind::Boolean => {
            if value >= 1.0 {
                1.0
            } else {
                0.0
            }
        }
        _ if target == start => {
            if value >= target {
                1.0
            } else {
                0.0
            }
        }
        _ => (value - start) / (target - start),
    };
    (share * 100.0).clamp(0.0, 100.0)
}

/// The share of `period` that has passed at `now`.
pub fn expected_progress(period: &Period, now: Timestamp) -> f64 {
    let start = period.start_instant().as_millisecond() as f64;
    let end = period.end_instant().as_millisecond() as f64;
    if end <= start {
        return 100.0;
    }
    ((now.as_millisecond() as f64 - start) / (end - start) * 100.0).clamp(0.0, 100.0)
}

/// On track, behind or at risk by the distance of `progress` to `expected`.
pub fn status_by_distance(progress: f64, expected: f64) -> Status {
    let behind = expected - progress;
    if behind <= ON_TRACK_WITHIN {
        Status::OnTrack
    } else if behind <= BEHIND_WITHIN {
        Status::Behind
    } else {
        Status::AtRisk
    }
}

/// A key result's status: `chosen` is the status of its newest check-in, if the person chose one;
/// `checked_in` whether it has any check-in.
pub fn key_result_status(
    progress: f64,
    expected: f64,
    checked_in: bool,
    chosen: Option<Status>,
) -> Status {
    match chosen {
        Some(s) => s,
        None if !checked_in => Status::NotStarted,
        None if progress >= 100.0 => Status::Done,
        None => status_by_distance(progress, expected),
    }
}

/// The weighted average of `(progress, weight)` pairs (0 when nothing counts).
pub fn weighted_average(parts: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    let (mut sum, mut weights) = (0.0, 0.0);
    for (p, w) in parts {
        if w > 0.0 {
            sum += p * w;
            weights += w;
        }
    }
    if weights > 0.0 { sum / weights } else { 0.0 }
}

/// An objective's status from its own figures and its key results' statuses.
pub fn objective_status(progress: f64, expected: f64, key_results: &[Status]) -> Status {
    if key_results.iter().all(|s| *s == Status::NotStarted) {
        return Status::NotStarted;
    }
    if key_results.iter().all(|s| *s == Status::Done) {
        return Status::Done;
    }
    key_results
        .iter()
        .fold(status_by_distance(progress, expected), |acc, s| {
            acc.worse(*s)
        })
}

/// A company's, team's or person's status from its figures and its objectives' statuses.
pub fn entity_status(progress: f64, expected: f64, objectives: &[Status]) -> Status {
    if objectives.iter().all(|s| *s == Status::NotStarted) {
        Status::NotStarted
    } else if objectives.iter().all(|s| *s == Status::Done) {
        Status::Done
    } else {
        status_by_distance(progress, expected)
    }
}

/// Rounds a figure to one decimal, as the API shows it.
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn key_result_progress_is_the_clamped_share_of_the_way() {
        use KrKind::*;
        assert_eq!(key_result_progress(Number, 0.0, 200.0, Some(50.0)), 25.0);
        // 30 % → 50 %, at 40 %: half way.
        assert_eq!(key_result_progress(Percent, 30.0, 50.0, Some(40.0)), 50.0);
        // Down: complaints from 10 to 0, now 4.
        assert_eq!(key_result_progress(Number, 10.0, 0.0, Some(4.0)), 60.0);
        assert_eq!(key_result_progress(Number, 10.0, 0.0, Some(12.0)), 0.0);
        assert_eq!(key_result_progress(Number, 0.0, 10.0, Some(15.0)), 100.0);
        assert_eq!(key_result_progress(Number, 0.0, 10.0, None), 0.0);
        assert_eq!(key_result_progress(Boolean, 0.0, 1.0, Some(1.0)), 100.0);
        assert_eq!(key_result_progress(Boolean, 0.0, 1.0, Some(0.0)), 0.0);
        assert_eq!(key_result_progress(Milestone, 0.0, 4.0, Some(3.0)), 75.0);
    }

    #[test]
    fn expected_progress_is_the_elapsed_share_of_the_period() {
        let q = Period::quarter_of(date(2026, 7, 1)); // 92 days
        assert_eq!(
            expected_progress(&q, "2026-06-30T12:00:00Z".parse().unwrap()),
            0.0
        );
        assert_eq!(
            expected_progress(&q, "2026-07-01T00:00:00Z".parse().unwrap()),
            0.0
        );
        let mid = expected_progress(&q, "2026-08-16T00:00:00Z".parse().unwrap());
        assert!((mid - 50.0).abs() < 1e-9, "{mid}");
        assert_eq!(
            expected_progress(&q, "2026-10-01T00:00:00Z".parse().unwrap()),
            100.0
        );
    }

    #[test]
    fn status_by_distance_to_expected() {
        assert_eq!(status_by_distance(50.0, 40.0), Status::OnTrack);
        assert_eq!(status_by_distance(40.0, 50.0), Status::OnTrack); // 10 behind
        assert_eq!(status_by_distance(39.9, 50.0), Status::Behind);
        assert_eq!(status_by_distance(25.0, 50.0), Status::Behind); // 25 behind
        assert_eq!(status_by_distance(24.9, 50.0), Status::AtRisk);
    }

    #[test]
    fn key_result_status_rule() {
        assert_eq!(
            key_result_status(0.0, 50.0, false, None),
            Status::NotStarted
        );
        assert_eq!(key_result_status(100.0, 50.0, true, None), Status::Done);
        assert_eq!(key_result_status(20.0, 50.0, true, None), Status::AtRisk);
        // The person's choice wins.
        assert_eq!(
            key_result_status(20.0, 50.0, true, Some(Status::OnTrack)),
            Status::OnTrack
        );
        assert_eq!(
            key_result_status(100.0, 50.0, true, Some(Status::Behind)),
            Status::Behind
        );
    }

    #[test]
    fn objective_status_is_the_worse_of_its_distance_and_its_worst_key_result() {
        use Status::*;
        assert_eq!(objective_status(0.0, 50.0, &[]), NotStarted);
        assert_eq!(
            objective_status(0.0, 50.0, &[NotStarted, NotStarted]),
            NotStarted
        );
        assert_eq!(objective_status(100.0, 50.0, &[Done, Done]), Done);
        assert_eq!(objective_status(60.0, 50.0, &[OnTrack, Done]), OnTrack);
        assert_eq!(objective_status(60.0, 50.0, &[OnTrack, AtRisk]), AtRisk);
        assert_eq!(objective_status(30.0, 50.0, &[OnTrack, NotStarted]), Behind);
    }

    #[test]
    fn entity_status_goes_by_distance() {
        use Status::*;
        assert_eq!(entity_status(0.0, 30.0, &[NotStarted]), NotStarted);
        assert_eq!(entity_status(100.0, 30.0, &[Done, Done]), Done);
        assert_eq!(entity_status(45.0, 50.0, &[AtRisk, OnTrack]), OnTrack);
        assert_eq!(entity_status(10.0, 50.0, &[OnTrack, NotStarted]), AtRisk);
    }

    #[test]
    fn weights_and_parsing() {
        assert_eq!(weighted_average([(100.0, 1.0), (0.0, 1.0)]), 50.0);
        assert_eq!(weighted_average([(100.0, 3.0), (0.0, 1.0)]), 75.0);
        assert_eq!(weighted_average([(100.0, 0.0), (20.0, 1.0)]), 20.0);
        assert_eq!(weighted_average([]), 0.0);
        assert_eq!(Status::parse("on track"), Some(Status::OnTrack));
        assert_eq!(Status::parse("AT_RISK"), Some(Status::AtRisk));
        assert_eq!(Status::parse("notStarted"), Some(Status::NotStarted));
        assert_eq!(Status::parse("late"), None);
        assert_eq!(round1(33.333), 33.3);
    }
}
