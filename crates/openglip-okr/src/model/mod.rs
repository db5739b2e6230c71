//! The OKR model, without I/O: a company (the platform account) with teams in a tree, people
//! (platform extensions), periods, objectives owned by the company, a team or a person and
//! optionally aligned to a parent objective, key results of four kinds, and check-ins kept as
//! immutable history.
//!
//! - [`period`]: quarters and custom date ranges.
//! - [`progress`]: how progress, expected progress and status are computed, the rules stated
//!   once ([`progress::STATUS_RULE`], [`progress::PROGRESS_RULE`]).
//! - [`snapshot`]: [`snapshot::Model`], one tenant's whole model loaded at once, with the
//!   roll-ups (objective, team with its sub-teams, company, person) and who may check in where.
//! - [`values`]: what each kind of key result accepts.
//! - [`document`]: the whole model as one JSON document, for export and import.

pub mod document;
pub mod period;
pub mod progress;
pub mod snapshot;
pub mod values;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use period::Period;
pub use progress::{Figures, Status};
pub use snapshot::Model;

pub type TeamId = i64;
pub type ObjectiveId = i64;
pub type KeyResultId = i64;
pub type CheckInId = i64;

/// What owns objectives and what followers follow: the company, a team or a person.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum EntityType {
    Company,
    Team,
    Person,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Company => "company",
            EntityType::Team => "team",
            EntityType::Person => "person",
        }
    }

    pub fn parse(s: &str) -> Option<EntityType> {
        Some(match s {
            "company" => EntityType::Company,
            "team" => EntityType::Team,
            "person" => EntityType::Person,
            _ => return None,
        })
    }
}

/// An entity: its `id` is the platform account id for the company, the OKR team id for a
/// team, the platform extension id for a person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entity {
    pub kind: EntityType,
    pub id: String,
}

impl Entity {
    pub fn company(account_id: &str) -> Entity {
        Entity {
            kind: EntityType::Company,
            id: account_id.to_string(),
        }
    }
    pub fn team(id: TeamId) -> Entity {
        Entity {
            kind: EntityType::Team,
            id: id.to_string(),
        }
    }
    pub fn person(id: &str) -> Entity {
        Entity {
            kind: EntityType::Person,
            id: id.to_string(),
        }
    }
    /// The team id of a team entity.
    pub fn team_id(&self) -> Option<TeamId> {
        (self.kind == EntityType::Team)
            .then(|| self.id.parse().ok())
            .flatten()
    }
}

/// A person as the app knows them: from the platform's directory, kept up to date whenever
/// the platform tells us about them (one row per account and extension: nobody twice).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub is_admin: bool,
    /// IANA time zone, when known.
    pub time_zone: Option<String>,
}

impl Person {
    pub fn name(&self) -> String {
        let n = format!("{} {}", self.first_name, self.last_name);
        let n = n.trim();
        if n.is_empty() {
            format!("Person {}", self.id)
        } else {
            n.to_string()
        }
    }
}

/// A team of the company; teams form a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub parent_id: Option<TeamId>,
    /// Platform extension ids.
    pub member_ids: Vec<String>,
}

/// An objective.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub id: ObjectiveId,
    pub title: String,
    pub owner: Entity,
    pub period: Period,
    /// The objective this one is aligned to (it does not roll into it).
    pub parent_id: Option<ObjectiveId>,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// The kinds of key results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum KrKind {
    /// A percentage, from `start` (default 0) to `target` (default 100).
    Percent,
    /// A number from `start` to `target`, up or down, with a unit.
    Number,
    /// Done or not (0 or 1).
    Boolean,
    /// A count of milestones reached, from 0 to `target` (default 1).
    Milestone,
}

impl KrKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KrKind::Percent => "percent",
            KrKind::Number => "number",
            KrKind::Boolean => "boolean",
            KrKind::Milestone => "milestone",
        }
    }

    pub fn parse(s: &str) -> Option<KrKind> {
        Some(match s {
            "percent" => KrKind::Percent,
            "number" => KrKind::Number,
            "boolean" => KrKind::Boolean,
            "milestone" => KrKind::Milestone,
            _ => return None,
        })
    }
}

/// A key result.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyResult {
    pub id: KeyResultId,
    pub objective_id: ObjectiveId,
    pub title: String,
    pub kind: KrKind,
    pub start: f64,
    pub target: f64,
    pub unit: Option<String>,
    /// Its weight in the objective's average (default 1; 0: does not count).
    pub weight: f64,
    /// The person who checks in on it, when it is not the objective's owner.
    pub owner_id: Option<String>,
    pub created_at: Timestamp,
}

/// Where a check-in came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    Api,
    Chat,
    Import,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Chat => "chat",
            Source::Import => "import",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        Some(match s {
            "api" => Source::Api,
            "chat" => Source::Chat,
            "import" => Source::Import,
            _ => return None,
        })
    }
}

/// A check-in: never changed or deleted once made.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    pub id: CheckInId,
    pub key_result_id: KeyResultId,
    pub value: f64,
    /// The status the person chose, if any (else it follows the status rule).
    pub status: Option<Status>,
    /// 0 (no confidence) to 10.
    pub confidence: Option<u8>,
    pub note: Option<String>,
    pub author_id: String,
    pub source: Source,
    pub created_at: Timestamp,
}

/// Formats a number the way people write it: no trailing `.0`, at most two decimals.
pub fn fmt_number(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_plainly() {
        assert_eq!(fmt_number(12.0), "12");
        assert_eq!(fmt_number(12.5), "12.5");
        assert_eq!(fmt_number(0.333), "0.33");
        assert_eq!(fmt_number(-3.0), "-3");
    }

    #[test]
    fn entities_and_names() {
        assert_eq!(Entity::team(7).team_id(), Some(7));
        assert_eq!(Entity::company("1").team_id(), None);
        let p = Person {
            id: "5".into(),
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            is_admin: false,
            time_zone: None,
        };
        assert_eq!(p.name(), "Person 5");
        assert_eq!(EntityType::parse("team"), Some(EntityType::Team));
        assert_eq!(KrKind::parse("milestone"), Some(KrKind::Milestone));
        assert_eq!(KrKind::parse("kpi"), None);
    }
}
