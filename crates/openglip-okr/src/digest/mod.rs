//! What a digest says, computed without I/O from the model, the names of people, and the
//! follower's moment (now, the start of its cadence, the progress its previous digest showed).
//!
//! A digest tells, for the followed company, team or person: overall progress and its change
//! since that conversation's previous digest; expected against actual; objectives by status;
//! what goes well (biggest movers up) and what needs attention (objectives behind or at risk,
//! biggest movers down); who has not checked in during the cadence; the newest check-in notes;
//! for a team its sub-teams (for the company its top teams) each with their figures; links.
//! [`render`] turns it into an Adaptive Card with a plain-text fallback.

pub mod render;

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;

use crate::links::Links;
use crate::model::period::utc_date;
use crate::model::snapshot::{PeriodFilter, StatusCounts};
use crate::model::{Entity, EntityType, Model, Status, fmt_number};

/// How many lines each list shows.
pub const LIST_MAX: usize = 5;

/// What a digest needs besides the model.
pub struct Moment<'a> {
    pub now: Timestamp,
    /// Check-ins since then count for "who has not checked in"; movers are measured from then.
    pub since: Timestamp,
    /// The progress the conversation's previous digest showed.
    pub previous_progress: Option<f64>,
    /// When the slot was due, if the digest is late ("late: due …").
    pub late_due: Option<String>,
    /// When the next digest is due, for people.
    pub next_run: Option<String>,
    pub links: &'a Links,
}

/// A sub-team's (or top team's) line.
#[derive(Debug, Clone, PartialEq)]
pub struct SubFigures {
    pub name: String,
    pub progress: f64,
    pub expected: f64,
    pub status: Status,
    pub objectives: usize,
    pub link: String,
}

/// A check-in note.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub author: String,
    pub key_result: String,
    pub note: String,
    pub at: Timestamp,
}

/// A digest's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub entity: Entity,
    pub entity_name: String,
    /// The period(s) of the objectives counted (`2026-Q3`).
    pub period: String,
    pub progress: f64,
    pub expected: f64,
    pub status: Status,
    /// Points since the conversation's previous digest.
    pub change: Option<f64>,
    pub counts: StatusCounts,
    pub objectives: usize,
    pub sub_entities: Vec<SubFigures>,
    pub going_well: Vec<String>,
    pub needs_attention: Vec<String>,
    pub not_checked_in: Vec<String>,
    pub notes: Vec<Note>,
    pub since: Timestamp,
    pub late_due: Option<String>,
    pub next_run: Option<String>,
    pub link: String,
}

/// Percent as people read it: `42%`.
pub fn pct(v: f64) -> String {
    format!("{}%", v.round() as i64)
}

/// A change in points: `+6`, `−3`, `±0`.
pub fn points(v: f64) -> String {
    let r = v.round() as i64;
    match r.signum() {
        1 => format!("+{r}"),
        -1 => format!("−{}", -r),
        _ => "±0".into(),
    }
}

/// The name of an entity for people.
pub fn entity_name(
    model: &Model,
    company: &str,
    names: &HashMap<String, String>,
    e: &Entity,
) -> String {
    match e.kind {
        EntityType::Company => company.to_string(),
        EntityType::Team => e
            .team_id()
            .and_then(|t| model.teams.get(&t))
            .map_or_else(|| format!("Team {}", e.id), |t| t.name.clone()),
        EntityType::Person => names
            .get(&e.id)
            .cloned()
            .unwrap_or_else(|| format!("Person {}", e.id)),
    }
}

/// Builds the digest of `entity`.
pub fn build(
    model: &Model,
    company: &str,
    names: &HashMap<String, String>,
    entity: &Entity,
    m: &Moment<'_>,
) -> Digest {
    let filter = PeriodFilter::Current;
    let figures = model.entity_figures(entity, &filter, m.now);
    let objectives = model.objectives_of(entity, &filter, utc_date(m.now));
    let mut periods: Vec<String> = objectives.iter().map(|o| o.period.name.clone()).collect();
    periods.sort();
    periods.dedup();
    let name_of = |id: &str| {
        names
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("Person {id}"))
    };

    let subs = match entity.kind {
        EntityType::Team => entity
            .team_id()
            .map(|t| model.sub_teams(t))
            .unwrap_or_default(),
        EntityType::Company => model.top_teams(),
        EntityType::Person => vec![],
    };
    let sub_entities = subs
        .into_iter()
        .map(|t| {
            let e = Entity::team(t.id);
            let f = model.entity_figures(&e, &filter, m.now);
            SubFigures {
                name: t.name.clone(),
                progress: f.figures.progress,
                expected: f.figures.expected,
                status: f.figures.status,
                objectives: f.objectives,
                link: m.links.entity(&e),
            }
        })
        .collect();

    // Key results in scope, with their movement since the cadence began.
    let mut movers = Vec::new();
    let mut responsible = BTreeSet::new();
    let mut checked_in = BTreeSet::new();
    let mut notes = Vec::new();
    for o in &objectives {
        for kr in model.key_results_of(o.id) {
            let before = model.key_result_state_at(kr, m.since).figures.progress;
            let now = model.key_result_state_at(kr, m.now).figures.progress;
            let owner = entity_name(model, company, names, &o.owner);
            movers.push((now - before, format!("{} ({owner})", kr.title), before, now));
            responsible.extend(model.responsible_for(kr));
            for c in model
                .check_ins_of(kr.id)
                .iter()
                .filter(|c| c.created_at > m.since && c.created_at <= m.now)
            {
                checked_in.insert(c.author_id.clone());
                if let Some(n) = c.note.as_ref().filter(|n| !n.trim().is_empty()) {
                    notes.push(Note {
                        author: name_of(&c.author_id),
                        key_result: kr.title.clone(),
                        note: n.trim().to_string(),
                        at: c.created_at,
                    });
                }
            }
        }
    }
    movers.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let line = |(d, what, before, now): &(f64, String, f64, f64)| {
        format!("{what}: {} → {} ({})", pct(*before), pct(*now), points(*d))
    };
    let going_well: Vec<String> = movers
        .iter()
        .filter(|m| m.0 >= 0.5)
        .take(LIST_MAX)
        .map(line)
        .collect();
    let mut needs_attention: Vec<(f64, String)> = objectives
        .iter()
        .filter_map(|o| {
            let f = model.objective_figures(o, m.now);
            f.status.needs_attention().then(|| {
                (
                    f.expected - f.progress,
                    format!(
                        "{} ({}): {} of {} expected, {}",
                        o.title,
                        entity_name(model, company, names, &o.owner),
                        pct(f.progress),
                        pct(f.expected),
                        f.status.label()
                    ),
                )
            })
        })
        .collect();
    needs_attention.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut needs_attention: Vec<String> = needs_attention
        .into_iter()
        .map(|(_, s)| s)
        .take(LIST_MAX)
        .collect();
    needs_attention.extend(
        movers
            .iter()
            .rev()
            .filter(|m| m.0 <= -0.5)
            .take(LIST_MAX)
            .map(line),
    );
    notes.sort_by_key(|n| std::cmp::Reverse(n.at));
    notes.truncate(LIST_MAX);
    let mut not_checked_in: Vec<String> = responsible
        .difference(&checked_in)
        .map(|p| name_of(p))
        .collect();
    not_checked_in.sort();

    Digest {
        entity: entity.clone(),
        entity_name: entity_name(model, company, names, entity),
        period: if periods.is_empty() {
            "no objectives this period".into()
        } else {
            periods.join(", ")
        },
        progress: figures.figures.progress,
        expected: figures.figures.expected,
        status: figures.figures.status,
        change: m.previous_progress.map(|p| figures.figures.progress - p),
        counts: figures.counts,
        objectives: figures.objectives,
        sub_entities,
        going_well,
        needs_attention,
        not_checked_in,
        notes,
        since: m.since,
        late_due: m.late_due.clone(),
        next_run: m.next_run.clone(),
        link: m.links.entity(entity),
    }
}

/// A key result that changed status with a check-in: posted at once to followers that asked
/// for it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub key_result: String,
    pub objective: String,
    /// Who owns the objective.
    pub owner: String,
    pub from: Status,
    pub to: Status,
    pub value: f64,
    pub progress: f64,
    pub by: String,
    pub note: Option<String>,
    pub link: String,
}

impl StatusChange {
    /// The post's text.
    pub fn text(&self) -> String {
        let mut s = format!(
            "{} ({}, {}) is now {} (was {}): {} at {}, checked in by {}",
            self.key_result,
            self.objective,
            self.owner,
            self.to.label(),
            self.from.label(),
            fmt_number(self.value),
            pct(self.progress),
            self.by
        );
        if let Some(n) = self.note.as_deref().filter(|n| !n.trim().is_empty()) {
            s.push_str(&format!(" — “{}”", n.trim()));
        }
        s
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
