//! The whole model as one JSON document (`format: "openglip-okr/1"`), so a company can move its
//! OKRs out of the app and into another. References inside the document are its own ids;
//! importing gives everything new ids. People are platform extension ids, as everywhere.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::values::{
    MAX_WEIGHT, NAME_MAX, NOTE_MAX, TITLE_MAX, UNIT_MAX, range_of, text, value_from_json,
};
use super::*;

pub const FORMAT: &str = "openglip-okr/1";

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Document {
    /// Always `openglip-okr/1`.
    pub format: String,
    #[serde(default)]
    pub exported_at: Option<String>,
    #[serde(default)]
    pub company: Option<DocCompany>,
    #[serde(default)]
    pub people: Vec<DocPerson>,
    #[serde(default)]
    pub teams: Vec<DocTeam>,
    #[serde(default)]
    pub objectives: Vec<DocObjective>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocCompany {
    pub account_id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DocPerson {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocTeam {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub member_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocOwner {
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocPeriod {
    pub name: String,
    /// `YYYY-MM-DD`
    pub start: String,
    /// `YYYY-MM-DD` (inclusive)
    pub end: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocObjective {
    pub id: String,
    pub title: String,
    pub owner: DocOwner,
    pub period: DocPeriod,
    #[serde(default)]
    pub parent_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
    #[serde(default)]
    pub key_results: Vec<DocKeyResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocKeyResult {
    pub title: String,
    pub kind: KrKind,
    pub start: f64,
    pub target: f64,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default)]
    pub owner_id: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub check_ins: Vec<DocCheckIn>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocCheckIn {
    #[schema(value_type = f64)]
    pub value: serde_json::Value,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub confidence: Option<u8>,
    #[serde(default)]
    pub note: Option<String>,
    pub author_id: String,
    #[serde(default)]
    pub source: Option<Source>,
    pub created_at: String,
}

/// Writes the model out.
pub fn export(model: &Model, company_name: &str, people: &[Person], now: Timestamp) -> Document {
    let teams = model
        .teams
        .values()
        .map(|t| DocTeam {
            id: t.id.to_string(),
            name: t.name.clone(),
            parent_id: t.parent_id.map(|p| p.to_string()),
            member_ids: t.member_ids.clone(),
        })
        .collect();
    let objectives = model
        .objectives
        .values()
        .map(|o| DocObjective {
            id: o.id.to_string(),
            title: o.title.clone(),
            owner: DocOwner {
                kind: o.owner.kind,
                id: o.owner.id.clone(),
            },
            period: DocPeriod {
                name: o.period.name.clone(),
                start: o.period.start.to_string(),
                end: o.period.end.to_string(),
            },
            parent_id: o.parent_id.map(|p| p.to_string()),
            created_by: o.created_by.clone(),
            created_at: o.created_at.to_string(),
            key_results: model
                .key_results_of(o.id)
                .into_iter()
                .map(|k| DocKeyResult {
                    title: k.title.clone(),
                    kind: k.kind,
                    start: k.start,
                    target: k.target,
                    unit: k.unit.clone(),
                    weight: k.weight,
                    owner_id: k.owner_id.clone(),
                    created_at: k.created_at.to_string(),
                    check_ins: model
                        .check_ins_of(k.id)
                        .iter()
                        .map(|c| DocCheckIn {
                            value: value_json(k.kind, c.value),
                            status: c.status,
                            confidence: c.confidence,
                            note: c.note.clone(),
                            author_id: c.author_id.clone(),
                            source: Some(c.source),
                            created_at: c.created_at.to_string(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Document {
        format: FORMAT.into(),
        exported_at: Some(now.to_string()),
        company: Some(DocCompany {
            account_id: model.account_id.clone(),
            name: company_name.to_string(),
        }),
        people: people
            .iter()
            .map(|p| DocPerson {
                id: p.id.clone(),
                name: p.name(),
                email: p.email.clone(),
            })
            .collect(),
        teams,
        objectives,
    }
}

/// A value as JSON: `true`/`false` for booleans, a number otherwise.
pub fn value_json(kind: KrKind, v: f64) -> serde_json::Value {
    match kind {
        KrKind::Boolean => serde_json::Value::Bool(v >= 1.0),
        _ => serde_json::Number::from_f64(v)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
    }
}

/// What an import will create, checked: teams parents first, objectives parents first.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub teams: Vec<PlanTeam>,
    pub objectives: Vec<PlanObjective>,
    /// Every person the document names (they must be in the company).
    pub person_ids: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanTeam {
    pub name: String,
    /// Index of the parent in `teams` (always earlier).
    pub parent: Option<usize>,
    pub member_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanOwner {
    Company,
    /// Index in `teams`.
    Team(usize),
    Person(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanObjective {
    pub title: String,
    pub owner: PlanOwner,
    pub period: Period,
    /// Index of the parent in `objectives` (always earlier).
    pub parent: Option<usize>,
    pub created_by: String,
    pub created_at: Timestamp,
    /// The key results and their check-ins (`id`s are 0: the store assigns them).
    pub key_results: Vec<(KeyResult, Vec<CheckIn>)>,
}

type Problem = (String, String);

fn bad(path: impl Into<String>, msg: impl Into<String>) -> Problem {
    (path.into(), msg.into())
}

fn instant(path: &str, s: &str) -> Result<Timestamp, Problem> {
    s.parse()
        .map_err(|_| bad(path, format!("[{s}] is not an RFC 3339 instant")))
}

fn date(path: &str, s: &str) -> Result<Date, Problem> {
    s.parse()
        .map_err(|_| bad(path, format!("[{s}] is not a date (YYYY-MM-DD)")))
}

/// Items in an order where each comes after its parent.
struct Ordered<'a> {
    /// Index in the document by id.
    index: HashMap<&'a str, usize>,
    /// Indexes in the document, parents first.
    order: Vec<usize>,
    /// Where each index stands in `order`.
    position: HashMap<usize, usize>,
}

impl Ordered<'_> {
    fn position_of(&self, id: &str) -> usize {
        self.position[&self.index[id]]
    }
}

/// Orders `(id, parent id)` items of the list `list` parents first; refuses repeated ids,
/// unknown parents and loops.
fn parents_first<'a>(
    list: &str,
    what: &str,
    items: impl Iterator<Item = (&'a str, Option<&'a str>)>,
) -> Result<Ordered<'a>, Problem> {
    let items: Vec<(&str, Option<&str>)> = items.collect();
    let mut index = HashMap::new();
    for (i, (id, _)) in items.iter().enumerate() {
        if index.insert(*id, i).is_some() {
            return Err(bad(
                format!("{list}[{i}].id"),
                format!("two of the {list} have this id"),
            ));
        }
    }
    for (i, (_, parent)) in items.iter().enumerate() {
        if let Some(p) = parent.filter(|p| !index.contains_key(p)) {
            return Err(bad(
                format!("{list}[{i}].parentId"),
                format!("no {what} [{p}] in the document"),
            ));
        }
    }
    let (mut order, mut position) = (Vec::new(), HashMap::new());
    while order.len() < items.len() {
        let before = order.len();
        for (i, (_, parent)) in items.iter().enumerate() {
            let ready = parent.is_none_or(|p| position.contains_key(&index[p]));
            if !position.contains_key(&i) && ready {
                position.insert(i, order.len());
                order.push(i);
            }
        }
        if order.len() == before {
            return Err(bad(list, format!("the {list}' parents form a loop")));
        }
    }
    Ok(Ordered {
        index,
        order,
        position,
    })
}

impl Document {
    /// Checks the whole document and orders it for creation. Errors name the offending path
    /// (`objectives[2].keyResults[0].checkIns[1].value`).
    pub fn plan(&self) -> Result<ImportPlan, Problem> {
        if self.format != FORMAT {
            return Err(bad("format", format!("the format must be [{FORMAT}]")));
        }
        let mut people = BTreeSet::new();
        let mut names = BTreeSet::new();
        for (i, t) in self.teams.iter().enumerate() {
            text(&format!("teams[{i}].name"), &t.name, NAME_MAX)?;
            if !names.insert(t.name.trim().to_lowercase()) {
                return Err(bad(format!("teams[{i}].name"), "two teams have this name"));
            }
        }
        let teams_order = parents_first(
            "teams",
            "team",
            self.teams
                .iter()
                .map(|t| (t.id.as_str(), t.parent_id.as_deref())),
        )?;
        let teams = teams_order
            .order
            .iter()
            .map(|&i| {
                let t = &self.teams[i];
                people.extend(t.member_ids.iter().cloned());
                PlanTeam {
                    name: t.name.trim().to_string(),
                    parent: t.parent_id.as_deref().map(|p| teams_order.position_of(p)),
                    member_ids: t.member_ids.clone(),
                }
            })
            .collect();
        let objectives = self.plan_objectives(&teams_order, &mut people)?;
        Ok(ImportPlan {
            teams,
            objectives,
            person_ids: people,
        })
    }

    fn plan_objectives(
        &self,
        teams: &Ordered<'_>,
        people: &mut BTreeSet<String>,
    ) -> Result<Vec<PlanObjective>, Problem> {
        let ordered = parents_first(
            "objectives",
            "objective",
            self.objectives
                .iter()
                .map(|o| (o.id.as_str(), o.parent_id.as_deref())),
        )?;
        let order = &ordered.order;
        let mut out = Vec::new();
        for &i in order {
            let o = &self.objectives[i];
            let at = |f: &str| format!("objectives[{i}].{f}");
            text(&at("title"), &o.title, TITLE_MAX)?;
            let owner = match o.owner.kind {
                EntityType::Company => PlanOwner::Company,
                EntityType::Team => PlanOwner::Team(
                    teams
                        .index
                        .get(o.owner.id.as_str())
                        .map(|t| teams.position[t])
                        .ok_or_else(|| {
                            bad(
                                at("owner.id"),
                                format!("no team [{}] in the document", o.owner.id),
                            )
                        })?,
                ),
                EntityType::Person => {
                    people.insert(o.owner.id.clone());
                    PlanOwner::Person(o.owner.id.clone())
                }
            };
            let period = Period::custom(
                Some(&o.period.name),
                date(&at("period.start"), &o.period.start)?,
                date(&at("period.end"), &o.period.end)?,
            )
            .map_err(|e| bad(at("period"), e))?;
            people.insert(o.created_by.clone());
            let mut key_results = Vec::new();
            for (k, kr) in o.key_results.iter().enumerate() {
                let kat = |f: &str| format!("objectives[{i}].keyResults[{k}].{f}");
                text(&kat("title"), &kr.title, TITLE_MAX)?;
                let (start, target) = range_of(kr.kind, Some(kr.start), Some(kr.target))
                    .map_err(|(f, m)| bad(kat(f), m))?;
                if !(0.0..=MAX_WEIGHT).contains(&kr.weight) {
                    return Err(bad(
                        kat("weight"),
                        format!("a weight is from 0 to {MAX_WEIGHT}"),
                    ));
                }
                if let Some(u) = &kr.unit {
                    text(&kat("unit"), u, UNIT_MAX)?;
                }
                if let Some(p) = &kr.owner_id {
                    people.insert(p.clone());
                }
                let mut check_ins = Vec::new();
                for (c, ci) in kr.check_ins.iter().enumerate() {
                    let cat =
                        |f: &str| format!("objectives[{i}].keyResults[{k}].checkIns[{c}].{f}");
                    let value = value_from_json(kr.kind, target, &ci.value)
                        .map_err(|m| bad(cat("value"), m))?;
                    if ci.confidence.is_some_and(|c| c > 10) {
                        return Err(bad(cat("confidence"), "confidence is from 0 to 10"));
                    }
                    if let Some(n) = &ci.note {
                        text(&cat("note"), n, NOTE_MAX)?;
                    }
                    people.insert(ci.author_id.clone());
                    check_ins.push(CheckIn {
                        id: 0,
                        key_result_id: 0,
                        value,
                        status: ci.status,
                        confidence: ci.confidence,
                        note: ci.note.clone().filter(|n| !n.trim().is_empty()),
                        author_id: ci.author_id.clone(),
                        source: Source::Import,
                        created_at: instant(&cat("createdAt"), &ci.created_at)?,
                    });
                }
                check_ins.sort_by_key(|c| c.created_at);
                key_results.push((
                    KeyResult {
                        id: 0,
                        objective_id: 0,
                        title: kr.title.trim().to_string(),
                        kind: kr.kind,
                        start,
                        target,
                        unit: kr.unit.clone().filter(|u| !u.trim().is_empty()),
                        weight: kr.weight,
                        owner_id: kr.owner_id.clone(),
                        created_at: instant(&kat("createdAt"), &kr.created_at)?,
                    },
                    check_ins,
                ));
            }
            out.push(PlanObjective {
                title: o.title.trim().to_string(),
                owner,
                period,
                parent: o.parent_id.as_deref().map(|p| ordered.position_of(p)),
                created_by: o.created_by.clone(),
                created_at: instant(&at("createdAt"), &o.created_at)?,
                key_results,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn model() -> Model {
        let t0: Timestamp = "2026-07-02T09:00:00Z".parse().unwrap();
        let mut m = Model::new("100");
        m.teams.insert(
            1,
            Team {
                id: 1,
                name: "Sales".into(),
                parent_id: None,
                member_ids: vec!["10".into()],
            },
        );
        m.teams.insert(
            2,
            Team {
                id: 2,
                name: "US".into(),
                parent_id: Some(1),
                member_ids: vec!["20".into()],
            },
        );
        let period = Period::quarter_of(date(2026, 7, 1));
        m.objectives.insert(
            1,
            Objective {
                id: 1,
                title: "Win".into(),
                owner: Entity::company("100"),
                period: period.clone(),
                parent_id: None,
                created_by: "10".into(),
                created_at: t0,
            },
        );
        m.objectives.insert(
            2,
            Objective {
                id: 2,
                title: "Sell".into(),
                owner: Entity::team(2),
                period,
                parent_id: Some(1),
                created_by: "10".into(),
                created_at: t0,
            },
        );
        m.key_results.insert(
            1,
            KeyResult {
                id: 1,
                objective_id: 2,
                title: "Deals".into(),
                kind: KrKind::Boolean,
                start: 0.0,
                target: 1.0,
                unit: None,
                weight: 2.0,
                owner_id: Some("20".into()),
                created_at: t0,
            },
        );
        m.push_check_in(CheckIn {
            id: 1,
            key_result_id: 1,
            value: 1.0,
            status: None,
            confidence: Some(8),
            note: Some("signed".into()),
            author_id: "20".into(),
            source: Source::Chat,
            created_at: t0,
        });
        m
    }

    #[test]
    fn export_then_plan_keeps_everything() {
        let doc = export(
            &model(),
            "Acme",
            &[],
            "2026-07-03T00:00:00Z".parse().unwrap(),
        );
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(
            json["objectives"][1]["keyResults"][0]["checkIns"][0]["value"],
            true
        );
        let back: Document = serde_json::from_value(json).unwrap();
        let plan = back.plan().unwrap();
        assert_eq!(plan.teams.len(), 2);
        assert_eq!(plan.teams[1].parent, Some(0));
        assert_eq!(plan.objectives[1].owner, PlanOwner::Team(1));
        assert_eq!(plan.objectives[1].parent, Some(0));
        let (kr, cis) = &plan.objectives[1].key_results[0];
        assert_eq!((kr.weight, kr.owner_id.as_deref()), (2.0, Some("20")));
        assert_eq!((cis[0].value, cis[0].source), (1.0, Source::Import));
        assert_eq!(plan.person_ids.iter().collect::<Vec<_>>(), ["10", "20"]);
    }

    #[test]
    fn bad_documents_name_the_place() {
        let good =
            serde_json::to_value(export(&model(), "Acme", &[], Timestamp::UNIX_EPOCH)).unwrap();
        let problem = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut v = good.clone();
            edit(&mut v);
            serde_json::from_value::<Document>(v)
                .unwrap()
                .plan()
                .unwrap_err()
                .0
        };
        assert_eq!(problem(&|v| v["format"] = "okr/9".into()), "format");
        assert_eq!(
            problem(&|v| v["teams"][0]["parentId"] = "2".into()),
            "teams"
        );
        assert_eq!(
            problem(&|v| v["teams"][1]["parentId"] = "9".into()),
            "teams[1].parentId"
        );
        assert_eq!(
            problem(&|v| v["teams"][1]["name"] = "sales".into()),
            "teams[1].name"
        );
        assert_eq!(
            problem(&|v| v["objectives"][0]["parentId"] = "2".into()),
            "objectives"
        );
        assert_eq!(
            problem(&|v| v["objectives"][1]["owner"]["id"] = "7".into()),
            "objectives[1].owner.id"
        );
        assert_eq!(
            problem(&|v| v["objectives"][1]["keyResults"][0]["checkIns"][0]["value"] = 3.into()),
            "objectives[1].keyResults[0].checkIns[0].value"
        );
        assert_eq!(
            problem(&|v| v["objectives"][1]["period"]["end"] = "2026-13-01".into()),
            "objectives[1].period.end"
        );
    }
}
