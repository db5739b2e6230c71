//! [`Model`]: one tenant's teams, objectives, key results and check-ins, loaded together, with
//! the roll-ups of [`super::progress`] and the rule of who may check in on what.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use utoipa::ToSchema;

use super::period::utc_date;
use super::progress::{
    Figures, Status, entity_status, expected_progress, key_result_progress, key_result_status,
    objective_status, weighted_average,
};
use super::*;

/// Which objectives count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodFilter {
    /// Those whose period contains today (UTC).
    Current,
    /// Those of the period with this name (`2026-Q3`).
    Named(String),
    All,
}

/// How many objectives have each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    pub on_track: u32,
    pub behind: u32,
    pub at_risk: u32,
    pub done: u32,
    pub not_started: u32,
}

impl StatusCounts {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::OnTrack => self.on_track += 1,
            Status::Behind => self.behind += 1,
            Status::AtRisk => self.at_risk += 1,
            Status::Done => self.done += 1,
            Status::NotStarted => self.not_started += 1,
        }
    }
    pub fn get(&self, s: Status) -> u32 {
        match s {
            Status::OnTrack => self.on_track,
            Status::Behind => self.behind,
            Status::AtRisk => self.at_risk,
            Status::Done => self.done,
            Status::NotStarted => self.not_started,
        }
    }
}

/// The figures of a company, team or person.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntityFigures {
    pub figures: Figures,
    pub counts: StatusCounts,
    /// How many objectives counted.
    pub objectives: usize,
}

/// A key result's current state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KrState {
    /// Its value now (its start before the first check-in).
    pub value: f64,
    pub figures: Figures,
}

/// One tenant's whole model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub account_id: String,
    pub teams: BTreeMap<TeamId, Team>,
    pub objectives: BTreeMap<ObjectiveId, Objective>,
    pub key_results: BTreeMap<KeyResultId, KeyResult>,
    /// Per key result, oldest first.
    pub check_ins: HashMap<KeyResultId, Vec<CheckIn>>,
}

impl Model {
    pub fn new(account_id: &str) -> Model {
        Model {
            account_id: account_id.to_string(),
            ..Default::default()
        }
    }

    /// Adds a check-in to the history (kept in order of time).
    pub fn push_check_in(&mut self, c: CheckIn) {
        let list = self.check_ins.entry(c.key_result_id).or_default();
        list.push(c);
        list.sort_by_key(|c| (c.created_at, c.id));
    }

    // ---------- teams ----------

    /// A team's direct sub-teams, by name.
    pub fn sub_teams(&self, id: TeamId) -> Vec<&Team> {
        self.sorted(self.teams.values().filter(|t| t.parent_id == Some(id)))
    }

    /// The teams without a parent, by name.
    pub fn top_teams(&self) -> Vec<&Team> {
        self.sorted(self.teams.values().filter(|t| t.parent_id.is_none()))
    }

    fn sorted<'a>(&self, it: impl Iterator<Item = &'a Team>) -> Vec<&'a Team> {
        let mut v: Vec<&Team> = it.collect();
        v.sort_by_key(|t| (t.name.to_lowercase(), t.id));
        v
    }

    /// The team and all teams below it.
    pub fn with_descendants(&self, id: TeamId) -> BTreeSet<TeamId> {
        let mut out = BTreeSet::new();
        let mut todo = vec![id];
        while let Some(t) = todo.pop() {
            if self.teams.contains_key(&t) && out.insert(t) {
                todo.extend(
                    self.teams
                        .values()
                        .filter(|c| c.parent_id == Some(t))
                        .map(|c| c.id),
                );
            }
        }
        out
    }

    /// Whether making `parent` the parent of `team` would close a loop.
    pub fn would_cycle(&self, team: TeamId, parent: TeamId) -> bool {
        self.with_descendants(team).contains(&parent)
    }

    /// A team by name (any case).
    pub fn team_by_name(&self, name: &str) -> Option<&Team> {
        let n = name.trim().to_lowercase();
        self.teams.values().find(|t| t.name.to_lowercase() == n)
    }

    /// The teams `person` is a direct member of.
    pub fn teams_of(&self, person: &str) -> Vec<&Team> {
        self.sorted(
            self.teams
                .values()
                .filter(|t| t.member_ids.iter().any(|m| m == person)),
        )
    }

    // ---------- objectives and key results ----------

    /// The objectives an entity's figures count, each once: the company's own; a team's and
    /// its sub-teams'; a person's own. Ordered by id.
    pub fn objectives_of(
        &self,
        entity: &Entity,
        filter: &PeriodFilter,
        today: Date,
    ) -> Vec<&Objective> {
        let teams = entity
            .team_id()
            .map(|t| self.with_descendants(t))
            .unwrap_or_default();
        self.objectives
            .values()
            .filter(|o| match entity.kind {
                EntityType::Team => o.owner.team_id().is_some_and(|t| teams.contains(&t)),
                _ => o.owner == *entity,
            })
            .filter(|o| match filter {
                PeriodFilter::Current => o.period.contains(today),
                PeriodFilter::Named(n) => o.period.name == *n,
                PeriodFilter::All => true,
            })
            .collect()
    }

    /// An objective's key results, in order of creation.
    pub fn key_results_of(&self, objective: ObjectiveId) -> Vec<&KeyResult> {
        self.key_results
            .values()
            .filter(|k| k.objective_id == objective)
            .collect()
    }

    /// Objectives aligned to this one.
    pub fn aligned_to(&self, objective: ObjectiveId) -> Vec<&Objective> {
        self.objectives
            .values()
            .filter(|o| o.parent_id == Some(objective))
            .collect()
    }

    pub fn check_ins_of(&self, kr: KeyResultId) -> &[CheckIn] {
        self.check_ins.get(&kr).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn latest(&self, kr: KeyResultId) -> Option<&CheckIn> {
        self.check_ins_of(kr).last()
    }

    /// The newest check-in made at or before `t`.
    pub fn latest_at(&self, kr: KeyResultId, t: Timestamp) -> Option<&CheckIn> {
        self.check_ins_of(kr)
            .iter()
            .rev()
            .find(|c| c.created_at <= t)
    }

    /// A key result's value and figures as they were at `at`, judged against the expected
    /// progress of `at`.
    pub fn key_result_state_at(&self, kr: &KeyResult, at: Timestamp) -> KrState {
        let period = &self.objectives[&kr.objective_id].period;
        let latest = self.latest_at(kr.id, at);
        let value = latest.map_or(kr.start, |c| c.value);
        let progress = key_result_progress(kr.kind, kr.start, kr.target, Some(value));
        let expected = expected_progress(period, at);
        KrState {
            value,
            figures: Figures {
                progress,
                expected,
                status: key_result_status(
                    progress,
                    expected,
                    latest.is_some(),
                    latest.and_then(|c| c.status),
                ),
            },
        }
    }

    /// An objective's figures at `now`.
    pub fn objective_figures(&self, objective: &Objective, now: Timestamp) -> Figures {
        let krs: Vec<(KrState, f64)> = self
            .key_results_of(objective.id)
            .into_iter()
            .map(|k| (self.key_result_state_at(k, now), k.weight))
            .collect();
        let progress = weighted_average(krs.iter().map(|(s, w)| (s.figures.progress, *w)));
        let expected = expected_progress(&objective.period, now);
        let statuses: Vec<Status> = krs.iter().map(|(s, _)| s.figures.status).collect();
        Figures {
            progress,
            expected,
            status: objective_status(progress, expected, &statuses),
        }
    }

    /// A company's, team's or person's figures at `now`.
    pub fn entity_figures(
        &self,
        entity: &Entity,
        filter: &PeriodFilter,
        now: Timestamp,
    ) -> EntityFigures {
        let objectives = self.objectives_of(entity, filter, utc_date(now));
        let mut counts = StatusCounts::default();
        let mut statuses = Vec::new();
        let (mut progress, mut expected) = (0.0, 0.0);
        for o in &objectives {
            let f = self.objective_figures(o, now);
            counts.add(f.status);
            statuses.push(f.status);
            progress += f.progress;
            expected += f.expected;
        }
        let n = objectives.len().max(1) as f64;
        let (progress, expected) = (progress / n, expected / n);
        EntityFigures {
            figures: Figures {
                progress,
                expected,
                status: entity_status(progress, expected, &statuses),
            },
            counts,
            objectives: objectives.len(),
        }
    }

    // ---------- people and permissions ----------

    /// The people expected to check in on a key result: its own owner; else the objective's
    /// person; else, for a team objective, the team's members (none for the company's).
    pub fn responsible_for(&self, kr: &KeyResult) -> Vec<String> {
        if let Some(p) = &kr.owner_id {
            return vec![p.clone()];
        }
        let Some(o) = self.objectives.get(&kr.objective_id) else {
            return vec![];
        };
        match o.owner.kind {
            EntityType::Person => vec![o.owner.id.clone()],
            EntityType::Team => o
                .owner
                .team_id()
                .and_then(|t| self.teams.get(&t))
                .map(|t| t.member_ids.clone())
                .unwrap_or_default(),
            EntityType::Company => vec![],
        }
    }

    /// Whether `person` may check in on `kr`: administrators anywhere; others on key results
    /// they own, of objectives they own, and of their teams' objectives (a member of a sub-team
    /// is a member of the teams above it).
    pub fn may_check_in(&self, person: &str, is_admin: bool, kr: &KeyResult) -> bool {
        if is_admin || kr.owner_id.as_deref() == Some(person) {
            return true;
        }
        let Some(o) = self.objectives.get(&kr.objective_id) else {
            return false;
        };
        match o.owner.kind {
            EntityType::Person => o.owner.id == person,
            EntityType::Team => o.owner.team_id().is_some_and(|t| {
                self.with_descendants(t)
                    .iter()
                    .any(|d| self.teams[d].member_ids.iter().any(|m| m == person))
            }),
            EntityType::Company => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn team(id: TeamId, name: &str, parent: Option<TeamId>, members: &[&str]) -> Team {
        Team {
            id,
            name: name.into(),
            parent_id: parent,
            member_ids: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    fn objective(id: ObjectiveId, owner: Entity) -> Objective {
        Objective {
            id,
            title: format!("O{id}"),
            owner,
            period: Period::quarter_of(date(2026, 7, 1)),
            parent_id: None,
            created_by: "1".into(),
            created_at: at("2026-07-01T00:00:00Z"),
        }
    }

    fn kr(
        id: KeyResultId,
        objective: ObjectiveId,
        kind: KrKind,
        start: f64,
        target: f64,
    ) -> KeyResult {
        KeyResult {
            id,
            objective_id: objective,
            title: format!("KR{id}"),
            kind,
            start,
            target,
            unit: None,
            weight: 1.0,
            owner_id: None,
            created_at: at("2026-07-01T00:00:00Z"),
        }
    }

    fn check_in(id: CheckInId, kr: KeyResultId, value: f64, when: &str) -> CheckIn {
        CheckIn {
            id,
            key_result_id: kr,
            value,
            status: None,
            confidence: None,
            note: None,
            author_id: "2".into(),
            source: Source::Api,
            created_at: at(when),
        }
    }

    /// Sales (1) with US (2), Europe (3) and Asia (4); Europe has Berlin (5).
    fn sales() -> Model {
        let mut m = Model::new("100");
        m.teams.insert(1, team(1, "Sales", None, &["10"]));
        m.teams.insert(2, team(2, "US", Some(1), &["20"]));
        m.teams.insert(3, team(3, "Europe", Some(1), &["30"]));
        m.teams.insert(4, team(4, "Asia", Some(1), &["40"]));
        m.teams.insert(5, team(5, "Berlin", Some(3), &["50"]));
        m.objectives.insert(1, objective(1, Entity::company("100")));
        m.objectives.insert(2, objective(2, Entity::team(2)));
        m.objectives.insert(3, objective(3, Entity::team(3)));
        m.objectives.insert(4, objective(4, Entity::team(4)));
        m.objectives.insert(5, objective(5, Entity::team(5)));
        m.objectives.insert(6, objective(6, Entity::person("20")));
        let mut o2 = objective(7, Entity::team(2));
        o2.period = Period::quarter_of(date(2026, 10, 1));
        m.objectives.insert(7, o2);
        m.key_results
            .insert(1, kr(1, 2, KrKind::Number, 0.0, 100.0));
        m.key_results
            .insert(2, kr(2, 3, KrKind::Percent, 0.0, 100.0));
        m.key_results.insert(3, kr(3, 4, KrKind::Boolean, 0.0, 1.0));
        m.key_results
            .insert(4, kr(4, 5, KrKind::Milestone, 0.0, 4.0));
        m.key_results.insert(5, kr(5, 2, KrKind::Number, 0.0, 10.0));
        m
    }

    #[test]
    fn a_team_counts_its_sub_teams_objectives_once() {
        let m = sales();
        let today = date(2026, 8, 1);
        let ids = |e: &Entity| {
            m.objectives_of(e, &PeriodFilter::Current, today)
                .iter()
                .map(|o| o.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&Entity::team(1)), [2, 3, 4, 5]);
        assert_eq!(ids(&Entity::team(3)), [3, 5]);
        assert_eq!(ids(&Entity::company("100")), [1]);
        assert_eq!(ids(&Entity::person("20")), [6]);
        let all: Vec<_> = m
            .objectives_of(&Entity::team(2), &PeriodFilter::All, today)
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(all, [2, 7]);
        let next: Vec<_> = m
            .objectives_of(
                &Entity::team(2),
                &PeriodFilter::Named("2026-Q4".into()),
                today,
            )
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(next, [7]);
    }

    #[test]
    fn roll_ups() {
        let mut m = sales();
        let now = at("2026-08-16T00:00:00Z"); // half of Q3
        m.push_check_in(check_in(1, 1, 50.0, "2026-08-01T10:00:00Z")); // US KR1 50 %
        m.push_check_in(check_in(2, 2, 30.0, "2026-08-02T10:00:00Z")); // Europe 30 %
        m.push_check_in(check_in(3, 3, 1.0, "2026-08-03T10:00:00Z")); // Asia 100 %
        // US: KR1 50 %, KR5 not started (0 %): 25 %.
        let us = m.objective_figures(&m.objectives[&2], now);
        assert_eq!(us.progress, 25.0);
        assert_eq!(us.status, Status::Behind); // 25 points behind 50
        // A key result reported at risk makes its objective at risk.
        let mut flagged = m.clone();
        flagged.push_check_in(CheckIn {
            status: Some(Status::AtRisk),
            ..check_in(9, 1, 50.0, "2026-08-04T10:00:00Z")
        });
        assert_eq!(
            flagged
                .objective_figures(&flagged.objectives[&2], now)
                .status,
            Status::AtRisk
        );
        // Weights: KR1 counts three times as much.
        m.key_results.get_mut(&1).unwrap().weight = 3.0;
        assert_eq!(m.objective_figures(&m.objectives[&2], now).progress, 37.5);
        m.key_results.get_mut(&1).unwrap().weight = 1.0;
        let asia = m.objective_figures(&m.objectives[&4], now);
        assert_eq!((asia.progress, asia.status), (100.0, Status::Done));
        // Sales: US 25, Europe 30, Asia 100, Berlin 0 (not started).
        let sales = m.entity_figures(&Entity::team(1), &PeriodFilter::Current, now);
        assert_eq!(sales.objectives, 4);
        assert_eq!(sales.figures.progress, (25.0 + 30.0 + 100.0 + 0.0) / 4.0);
        assert!((sales.figures.expected - 50.0).abs() < 1e-9);
        assert_eq!(sales.figures.status, Status::Behind); // 38.75 vs 50
        assert_eq!(sales.counts.done, 1);
        assert_eq!(sales.counts.not_started, 1);
        // Before any check-in, a team is not started.
        let fresh = self::sales();
        let f = fresh.entity_figures(&Entity::team(1), &PeriodFilter::Current, now);
        assert_eq!(f.figures.status, Status::NotStarted);
        // A team without objectives has nothing to show.
        assert_eq!(
            m.entity_figures(&Entity::person("99"), &PeriodFilter::Current, now)
                .objectives,
            0
        );
    }

    #[test]
    fn history_answers_what_it_was() {
        let mut m = sales();
        m.push_check_in(check_in(2, 1, 70.0, "2026-08-10T00:00:00Z"));
        m.push_check_in(check_in(1, 1, 40.0, "2026-08-01T00:00:00Z"));
        let kr = m.key_results[&1].clone();
        assert_eq!(
            m.key_result_state_at(&kr, at("2026-08-05T00:00:00Z")).value,
            40.0
        );
        assert_eq!(
            m.key_result_state_at(&kr, at("2026-08-11T00:00:00Z")).value,
            70.0
        );
        assert_eq!(
            m.key_result_state_at(&kr, at("2026-07-05T00:00:00Z")).value,
            0.0
        );
        assert_eq!(m.latest(1).map(|c| c.id), Some(2));
    }

    #[test]
    fn who_checks_in_where() {
        let mut m = sales();
        let us_kr = m.key_results[&1].clone();
        let berlin_kr = m.key_results[&4].clone();
        assert!(m.may_check_in("20", false, &us_kr), "a US member");
        assert!(!m.may_check_in("30", false, &us_kr), "a Europe member");
        assert!(m.may_check_in("50", false, &berlin_kr), "a Berlin member");
        assert!(
            !m.may_check_in("30", false, &berlin_kr),
            "Europe's members are above Berlin"
        );
        assert!(m.may_check_in("99", true, &us_kr), "an administrator");
        // A member of a sub-team may check in on the parent team's objectives.
        m.objectives.insert(8, objective(8, Entity::team(3)));
        m.key_results
            .insert(8, kr(8, 8, KrKind::Percent, 0.0, 100.0));
        assert!(m.may_check_in("50", false, &m.key_results[&8].clone()));
        // The company's key results: administrators, or a named owner.
        m.key_results
            .insert(9, kr(9, 1, KrKind::Percent, 0.0, 100.0));
        assert!(!m.may_check_in("20", false, &m.key_results[&9].clone()));
        m.key_results.get_mut(&9).unwrap().owner_id = Some("20".into());
        assert!(m.may_check_in("20", false, &m.key_results[&9].clone()));
        assert_eq!(m.responsible_for(&m.key_results[&9]), ["20"]);
        assert_eq!(m.responsible_for(&us_kr), ["20"]);
        assert_eq!(m.responsible_for(&m.key_results[&1]), ["20"]);
        m.objectives.insert(10, objective(10, Entity::person("77")));
        m.key_results
            .insert(10, kr(10, 10, KrKind::Boolean, 0.0, 1.0));
        assert_eq!(m.responsible_for(&m.key_results[&10]), ["77"]);
    }

    #[test]
    fn tree_rules() {
        let m = sales();
        assert!(m.would_cycle(1, 5), "Sales under Berlin");
        assert!(m.would_cycle(3, 3));
        assert!(!m.would_cycle(2, 3), "US under Europe");
        assert_eq!(
            m.sub_teams(1)
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>(),
            ["Asia", "Europe", "US"]
        );
        assert_eq!(m.top_teams().len(), 1);
        assert_eq!(m.team_by_name("europe").map(|t| t.id), Some(3));
        assert_eq!(m.teams_of("50").len(), 1);
    }
}
