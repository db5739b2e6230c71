//! The JSON the API answers with (camelCase, ids as strings, figures as percentages 0–100 with
//! one decimal, instants as RFC 3339 UTC), and how model values become it.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::digest::entity_name;
use crate::model::document::value_json;
use crate::model::period::utc_date;
use crate::model::progress::round1;
use crate::model::snapshot::{PeriodFilter, StatusCounts};
use crate::model::*;
use crate::schedule::{Run, rfc3339, zone};
use crate::store::followers::{Attempt, Digest, Follower};

/// A list (RingCentral's shape: `{"records": [...]}`).
#[derive(Debug, Serialize)]
pub struct Records<T> {
    pub records: Vec<T>,
}

/// Names of people and the company, for views.
pub struct Names {
    pub company: String,
    pub people: HashMap<String, String>,
}

impl Names {
    pub fn person(&self, id: &str) -> String {
        self.people
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("Person {id}"))
    }
    pub fn entity(&self, model: &Model, e: &Entity) -> String {
        entity_name(model, &self.company, &self.people, e)
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntityView {
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub id: String,
    pub name: String,
}

impl EntityView {
    pub fn new(model: &Model, names: &Names, e: &Entity) -> EntityView {
        EntityView {
            kind: e.kind,
            id: e.id.clone(),
            name: names.entity(model, e),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PeriodView {
    pub name: String,
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day (inclusive).
    pub end: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FiguresView {
    /// 0–100.
    pub progress: f64,
    /// The elapsed share of the period, 0–100.
    pub expected_progress: f64,
    pub status: Status,
}

impl From<Figures> for FiguresView {
    fn from(f: Figures) -> Self {
        FiguresView {
            progress: round1(f.progress),
            expected_progress: round1(f.expected),
            status: f.status,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckInView {
    pub id: String,
    pub key_result_id: String,
    /// A number, or true/false for a boolean key result.
    #[schema(value_type = Object)]
    pub value: Value,
    /// The status the person chose, if any.
    pub status: Option<Status>,
    pub confidence: Option<u8>,
    pub note: Option<String>,
    pub author: PersonRef,
    pub source: Source,
    pub created_at: String,
}

impl CheckInView {
    pub fn new(kr: &KeyResult, c: &CheckIn, names: &Names) -> CheckInView {
        CheckInView {
            id: c.id.to_string(),
            key_result_id: kr.id.to_string(),
            value: value_json(kr.kind, c.value),
            status: c.status,
            confidence: c.confidence,
            note: c.note.clone(),
            author: PersonRef {
                id: c.author_id.clone(),
                name: names.person(&c.author_id),
            },
            source: c.source,
            created_at: rfc3339(c.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KeyResultView {
    pub id: String,
    pub objective_id: String,
    pub title: String,
    pub kind: KrKind,
    pub start: f64,
    pub target: f64,
    pub unit: Option<String>,
    pub weight: f64,
    /// The person who checks in on it, when not the objective's owner.
    pub owner_id: Option<String>,
    /// Its value now (its start before the first check-in).
    #[schema(value_type = Object)]
    pub value: Value,
    #[serde(flatten)]
    pub figures: FiguresView,
    pub confidence: Option<u8>,
    pub last_check_in_at: Option<String>,
    /// Newest first (only on `GET /key-results/{id}` and `GET /objectives/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_ins: Option<Vec<CheckInView>>,
}

impl KeyResultView {
    pub fn new(
        model: &Model,
        kr: &KeyResult,
        now: Timestamp,
        names: &Names,
        history: bool,
    ) -> KeyResultView {
        let s = model.key_result_state_at(kr, now);
        let latest = model.latest(kr.id);
        KeyResultView {
            id: kr.id.to_string(),
            objective_id: kr.objective_id.to_string(),
            title: kr.title.clone(),
            kind: kr.kind,
            start: kr.start,
            target: kr.target,
            unit: kr.unit.clone(),
            weight: kr.weight,
            owner_id: kr.owner_id.clone(),
            value: value_json(kr.kind, s.value),
            figures: s.figures.into(),
            confidence: latest.and_then(|c| c.confidence),
            last_check_in_at: latest.map(|c| rfc3339(c.created_at)),
            check_ins: history.then(|| {
                model
                    .check_ins_of(kr.id)
                    .iter()
                    .rev()
                    .map(|c| CheckInView::new(kr, c, names))
                    .collect()
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectiveView {
    pub id: String,
    pub title: String,
    pub owner: EntityView,
    pub period: PeriodView,
    /// The objective it is aligned to.
    pub parent_id: Option<String>,
    /// Objectives aligned to it (they do not roll into it).
    pub aligned_ids: Vec<String>,
    #[serde(flatten)]
    pub figures: FiguresView,
    pub key_results: Vec<KeyResultView>,
    pub created_by: String,
    pub created_at: String,
}

impl ObjectiveView {
    pub fn new(
        model: &Model,
        o: &Objective,
        now: Timestamp,
        names: &Names,
        history: bool,
    ) -> ObjectiveView {
        ObjectiveView {
            id: o.id.to_string(),
            title: o.title.clone(),
            owner: EntityView::new(model, names, &o.owner),
            period: PeriodView {
                name: o.period.name.clone(),
                start: o.period.start.to_string(),
                end: o.period.end.to_string(),
            },
            parent_id: o.parent_id.map(|p| p.to_string()),
            aligned_ids: model
                .aligned_to(o.id)
                .iter()
                .map(|a| a.id.to_string())
                .collect(),
            figures: model.objective_figures(o, now).into(),
            key_results: model
                .key_results_of(o.id)
                .into_iter()
                .map(|k| KeyResultView::new(model, k, now, names, history))
                .collect(),
            created_by: o.created_by.clone(),
            created_at: rfc3339(o.created_at),
        }
    }
}

/// A team with its figures (sub-teams included).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamSummary {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: FiguresView,
    pub counts: StatusCounts,
    /// How many objectives count (its own and its sub-teams').
    pub objective_count: usize,
}

impl TeamSummary {
    pub fn new(model: &Model, t: &Team, filter: &PeriodFilter, now: Timestamp) -> TeamSummary {
        let f = model.entity_figures(&Entity::team(t.id), filter, now);
        TeamSummary {
            id: t.id.to_string(),
            name: t.name.clone(),
            figures: f.figures.into(),
            counts: f.counts,
            objective_count: f.objectives,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamView {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub members: Vec<PersonRef>,
    pub sub_team_ids: Vec<String>,
}

impl TeamView {
    pub fn new(model: &Model, t: &Team, names: &Names) -> TeamView {
        TeamView {
            id: t.id.to_string(),
            name: t.name.clone(),
            parent_id: t.parent_id.map(|p| p.to_string()),
            members: t
                .member_ids
                .iter()
                .map(|m| PersonRef {
                    id: m.clone(),
                    name: names.person(m),
                })
                .collect(),
            sub_team_ids: model
                .sub_teams(t.id)
                .iter()
                .map(|s| s.id.to_string())
                .collect(),
        }
    }
}

/// A dashboard: a company, team or person with its figures, the teams below it and its
/// objectives.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub entity: EntityView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamView>,
    #[serde(flatten)]
    pub figures: FiguresView,
    pub counts: StatusCounts,
    pub objective_count: usize,
    /// A team's sub-teams; the company's top teams; a person's teams.
    pub teams: Vec<TeamSummary>,
    /// The objectives counted (a team's include its sub-teams').
    pub objectives: Vec<ObjectiveView>,
    /// The status rule, as the pages state it.
    pub status_rule: &'static str,
}

impl Dashboard {
    pub fn new(
        model: &Model,
        e: &Entity,
        filter: &PeriodFilter,
        now: Timestamp,
        names: &Names,
    ) -> Dashboard {
        let f = model.entity_figures(e, filter, now);
        let teams = match e.kind {
            EntityType::Company => model.top_teams(),
            EntityType::Team => e.team_id().map(|t| model.sub_teams(t)).unwrap_or_default(),
            EntityType::Person => model.teams_of(&e.id),
        };
        Dashboard {
            entity: EntityView::new(model, names, e),
            team: e
                .team_id()
                .and_then(|t| model.teams.get(&t))
                .map(|t| TeamView::new(model, t, names)),
            figures: f.figures.into(),
            counts: f.counts,
            objective_count: f.objectives,
            teams: teams
                .into_iter()
                .map(|t| TeamSummary::new(model, t, filter, now))
                .collect(),
            objectives: model
                .objectives_of(e, filter, utc_date(now))
                .into_iter()
                .map(|o| ObjectiveView::new(model, o, now, names, false))
                .collect(),
            status_rule: crate::model::progress::STATUS_RULE,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowerView {
    pub id: String,
    pub entity: EntityView,
    pub chat_id: String,
    pub chat_name: Option<String>,
    /// `{kind:"default"}`, `{kind:"weekly", weekday, time}` or `{kind:"monthly", day, time}`.
    #[schema(value_type = Object)]
    pub schedule: Value,
    /// The schedule in words.
    pub schedule_text: String,
    pub time_zone: String,
    /// Whether key results changing status are posted at once.
    pub status_changes: bool,
    /// RFC 3339, UTC.
    pub next_run_at: String,
    /// The same instant in the follower's time zone.
    pub next_run_local: String,
    pub created_by: String,
    pub created_at: String,
}

impl FollowerView {
    pub fn new(model: &Model, f: &Follower, names: &Names) -> FollowerView {
        let tz = zone(&f.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        FollowerView {
            id: f.id.to_string(),
            entity: EntityView::new(model, names, &f.entity),
            chat_id: f.chat_id.clone(),
            chat_name: f.chat_name.clone(),
            schedule: f.schedule.to_json(),
            schedule_text: f.schedule.describe(),
            time_zone: f.time_zone.clone(),
            status_changes: f.status_changes,
            next_run_at: rfc3339(f.next_run_at),
            next_run_local: Run::new(f.next_run_at, &tz).local,
            created_by: f.created_by.clone(),
            created_at: rfc3339(f.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunsView {
    pub follower_id: String,
    pub time_zone: String,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    pub at: String,
    /// `sent`, `found` (an earlier attempt had posted it), `retry` or `failed`.
    pub outcome: String,
    pub error: Option<String>,
}

/// A post to a follower, as the audit shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DigestView {
    pub id: String,
    pub follower_id: String,
    pub chat_id: String,
    /// `schedule`, `manual` (send now) or `status` (a key result changed status).
    pub trigger: String,
    /// The slot it was due at.
    pub slot_at: Option<String>,
    pub late: bool,
    /// `pending`, `sending`, `sent`, `failed` or `cancelled`.
    pub state: String,
    pub attempts: i64,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub post_id: Option<String>,
    pub last_error: Option<String>,
    pub progress: Option<f64>,
    pub attempt_log: Vec<AttemptView>,
}

impl DigestView {
    pub fn new(d: &Digest, attempts: Vec<Attempt>) -> DigestView {
        DigestView {
            id: d.id.to_string(),
            follower_id: d.follower_id.to_string(),
            chat_id: d.chat_id.clone(),
            trigger: d.trigger.as_str().into(),
            slot_at: d.slot_at.map(rfc3339),
            late: d.late,
            state: d.state.as_str().into(),
            attempts: d.attempts,
            created_at: rfc3339(d.created_at),
            sent_at: d.sent_at.map(rfc3339),
            post_id: d.post_id.clone(),
            last_error: d.last_error.clone(),
            progress: d.progress.map(round1),
            attempt_log: attempts
                .into_iter()
                .map(|a| AttemptView {
                    at: rfc3339(a.at),
                    outcome: a.outcome,
                    error: a.error,
                })
                .collect(),
        }
    }
}

/// "Preview": what the follower would get now, posted nowhere.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreviewView {
    pub text: String,
    #[schema(value_type = Object)]
    pub card: Value,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationView {
    /// `notInstalled`, `active` or `removed`.
    pub state: String,
    pub bot_id: Option<String>,
    /// Whether the bot is connected and answering.
    pub bot_ready: bool,
    pub installed_by: Option<String>,
    pub installed_at: Option<String>,
    pub removed_at: Option<String>,
    pub removed_reason: Option<String>,
    /// The conversations that follow something ("Manage").
    pub followers: Vec<FollowerView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstallView {
    /// Send the browser here to add the bot on the platform.
    pub authorize_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeView {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// An administrator of the company: an OKR admin.
    pub is_admin: bool,
    pub company: PersonRef,
    pub time_zone: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RulesView {
    pub progress: &'static str,
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// The zone of people whose own zone is not known.
    pub time_zone: String,
    /// Whether people with stale key results are reminded.
    pub nudges: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedView {
    pub teams: usize,
    pub objectives: usize,
    pub key_results: usize,
    pub check_ins: usize,
}

/// A team conversation the caller can pick as a follower.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatView {
    pub id: String,
    pub name: Option<String>,
    pub public: bool,
}
