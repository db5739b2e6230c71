//! The rules of who may read and change what, over the store. The JSON API and the chat
//! commands both go through here, so they allow exactly the same things:
//!
//! - everyone in a company reads the whole company's OKRs;
//! - the platform account's administrators are the OKR admins: they shape teams, the company's
//!   and teams' objectives, and the followers, and manage the Glip integration;
//! - people create their own objectives and check in on their own and their teams' key results
//!   ([`Model::may_check_in`]).
//!
//! Every change is validated in full before the store is called once, in one transaction.

pub mod followers;

use std::sync::Arc;

use jiff::Timestamp;

use crate::clock::Clock;
use crate::digest::StatusChange;
use crate::error::{Error, Result};
use crate::links::Links;
use crate::model::document::{Document, export};
use crate::model::period::utc_date;
use crate::model::snapshot::PeriodFilter;
use crate::model::values::{
    MAX_WEIGHT, NAME_MAX, NOTE_MAX, TITLE_MAX, UNIT_MAX, range_of, text, value_from_json,
    value_from_text,
};
use crate::model::*;
use crate::store::Store;
use crate::store::followers::{NewDigest, Trigger};
use crate::store::okrs::Imported;

/// Who is asking: a person of a company.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub account_id: String,
    pub person: Person,
}

impl Viewer {
    pub fn id(&self) -> &str {
        &self.person.id
    }

    pub fn is_admin(&self) -> bool {
        self.person.is_admin
    }

    /// Refuses people who are not administrators of the company.
    pub fn require_admin(&self, to: &str) -> Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "Only the company's administrators can {to}"
            )))
        }
    }
}

/// A check-in's value as it came: JSON from the API, text from the chat.
#[derive(Debug, Clone)]
pub enum Value {
    Json(serde_json::Value),
    Text(String),
}

/// A check-in to make.
#[derive(Debug, Clone)]
pub struct NewCheckIn {
    pub value: Value,
    pub status: Option<String>,
    pub confidence: Option<i64>,
    pub note: Option<String>,
    pub source: Source,
}

/// A key result to add (also the body of `POST /objectives/{id}/key-results`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewKeyResult {
    pub title: String,
    /// `percent`, `number`, `boolean` or `milestone`.
    pub kind: String,
    pub start: Option<f64>,
    pub target: Option<f64>,
    pub unit: Option<String>,
    /// Weight in the objective's average (default 1, 0 to 10).
    pub weight: Option<f64>,
    /// The person who checks in on it (a platform extension id).
    pub owner_id: Option<String>,
}

fn invalid((p, m): (impl Into<String>, String)) -> Error {
    Error::invalid(p, m)
}

/// The rules, over the store.
#[derive(Clone)]
pub struct Service {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub links: Links,
}

impl Service {
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The company's model.
    pub async fn model(&self, v: &Viewer) -> Result<Model> {
        self.store.model(&v.account_id).await
    }

    /// The team `id` (a path or body parameter `param`) of the viewer's company.
    pub fn team<'m>(&self, model: &'m Model, param: &str, id: &str) -> Result<&'m Team> {
        id.parse::<TeamId>()
            .ok()
            .and_then(|t| model.teams.get(&t))
            .ok_or_else(|| Error::not_found(param, format!("There is no team [{id}]")))
    }

    pub fn objective<'m>(&self, model: &'m Model, param: &str, id: &str) -> Result<&'m Objective> {
        id.parse::<ObjectiveId>()
            .ok()
            .and_then(|o| model.objectives.get(&o))
            .ok_or_else(|| Error::not_found(param, format!("There is no objective [{id}]")))
    }

    pub fn key_result<'m>(&self, model: &'m Model, param: &str, id: &str) -> Result<&'m KeyResult> {
        id.parse::<KeyResultId>()
            .ok()
            .and_then(|k| model.key_results.get(&k))
            .ok_or_else(|| Error::not_found(param, format!("There is no key result [{id}]")))
    }

    /// Checks that an entity exists in the viewer's company. People are checked by the caller
    /// (against the platform's directory) and passed in `known_person`.
    pub fn check_entity(
        &self,
        model: &Model,
        v: &Viewer,
        e: &Entity,
        known_person: bool,
        param: &str,
    ) -> Result<()> {
        let ok = match e.kind {
            EntityType::Company => e.id == v.account_id,
            EntityType::Team => self.team(model, param, &e.id).is_ok(),
            EntityType::Person => known_person,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::not_found(
                param,
                format!("There is no {} [{}] in your company", e.kind.as_str(), e.id),
            ))
        }
    }

    // ---------- teams ----------

    /// Creates a team (administrators). `members` are people the caller found in the directory.
    pub async fn create_team(
        &self,
        v: &Viewer,
        name: &str,
        parent_id: Option<&str>,
        members: Vec<Person>,
    ) -> Result<TeamId> {
        v.require_admin("shape teams")?;
        let name = text("name", name, NAME_MAX).map_err(invalid)?;
        let model = self.model(v).await?;
        let parent = parent_id
            .map(|p| self.team(&model, "parentId", p).map(|t| t.id))
            .transpose()?;
        let ids = members.iter().map(|p| p.id.clone()).collect();
        self.store
            .upsert_people(&v.account_id, members, self.now())
            .await?;
        self.store
            .create_team(&v.account_id, &name, parent, ids, self.now())
            .await
    }

    /// Changes a team (administrators): name, parent (`Some(None)`: top team), members.
    pub async fn update_team(
        &self,
        v: &Viewer,
        id: &str,
        name: Option<&str>,
        parent_id: Option<Option<&str>>,
        members: Option<Vec<Person>>,
    ) -> Result<()> {
        v.require_admin("shape teams")?;
        let model = self.model(v).await?;
        let team = self.team(&model, "teamId", id)?.id;
        let name = name
            .map(|n| text("name", n, NAME_MAX).map_err(invalid))
            .transpose()?;
        let parent = match parent_id {
            Some(Some(p)) => {
                let p = self.team(&model, "parentId", p)?.id;
                if model.would_cycle(team, p) {
                    return Err(Error::invalid(
                        "parentId",
                        "A team cannot be inside itself or its own sub-teams",
                    ));
                }
                Some(Some(p))
            }
            Some(None) => Some(None),
            None => None,
        };
        let ids = members
            .as_ref()
            .map(|m| m.iter().map(|p| p.id.clone()).collect());
        if let Some(m) = members {
            self.store
                .upsert_people(&v.account_id, m, self.now())
                .await?;
        }
        self.store.update_team(team, name, parent, ids).await
    }

    pub async fn delete_team(&self, v: &Viewer, id: &str) -> Result<()> {
        v.require_admin("shape teams")?;
        let model = self.model(v).await?;
        let team = self.team(&model, "teamId", id)?.id;
        self.store.delete_team(&v.account_id, team).await
    }

    // ---------- objectives and key results ----------

    /// Creates an objective. The company's and teams' objectives are the administrators'; a
    /// person creates their own (administrators anyone's). `owner_person` is the owner when it
    /// is a person, found in the directory by the caller.
    pub async fn create_objective(
        &self,
        v: &Viewer,
        title: &str,
        owner: Entity,
        owner_person: Option<Person>,
        period: Option<Period>,
        parent_id: Option<&str>,
    ) -> Result<ObjectiveId> {
        let title = text("title", title, TITLE_MAX).map_err(invalid)?;
        match owner.kind {
            EntityType::Company | EntityType::Team => {
                v.require_admin("set the company's and teams' objectives")?
            }
            EntityType::Person if owner.id != v.id() => {
                v.require_admin("set objectives for other people")?
            }
            EntityType::Person => {}
        }
        let model = self.model(v).await?;
        self.check_entity(&model, v, &owner, owner_person.is_some(), "owner.id")?;
        let parent = parent_id
            .map(|p| self.objective(&model, "parentId", p).map(|o| o.id))
            .transpose()?;
        let now = self.now();
        if let Some(p) = owner_person {
            self.store
                .upsert_people(&v.account_id, vec![p], now)
                .await?;
        }
        let objective = Objective {
            id: 0,
            title,
            owner,
            period: period.unwrap_or_else(|| Period::quarter_of(utc_date(now))),
            parent_id: parent,
            created_by: v.id().to_string(),
            created_at: now,
        };
        self.store.create_objective(&v.account_id, objective).await
    }

    /// Whether the viewer may shape an objective (add key results to it).
    fn may_shape(&self, v: &Viewer, o: &Objective) -> bool {
        v.is_admin() || (o.owner.kind == EntityType::Person && o.owner.id == v.id())
    }

    /// Adds a key result to an objective (whoever may shape the objective). `owner` is the
    /// person who checks in on it, when given, found in the directory by the caller.
    pub async fn create_key_result(
        &self,
        v: &Viewer,
        objective_id: &str,
        k: NewKeyResult,
        owner: Option<Person>,
    ) -> Result<KeyResultId> {
        let model = self.model(v).await?;
        let objective = self.objective(&model, "objectiveId", objective_id)?;
        if !self.may_shape(v, objective) {
            return Err(Error::forbidden(
                "Only administrators, or the person who owns the objective, can add key results to it",
            ));
        }
        let title = text("title", &k.title, TITLE_MAX).map_err(invalid)?;
        let kind = KrKind::parse(&k.kind).ok_or_else(|| {
            Error::invalid(
                "kind",
                format!(
                    "[{}] is not a kind: use percent, number, boolean or milestone",
                    k.kind
                ),
            )
        })?;
        let (start, target) =
            range_of(kind, k.start, k.target).map_err(|(p, m)| Error::invalid(p, m))?;
        let unit = k
            .unit
            .filter(|u| !u.trim().is_empty())
            .map(|u| text("unit", &u, UNIT_MAX).map_err(invalid))
            .transpose()?;
        let weight = k.weight.unwrap_or(1.0);
        if !(0.0..=MAX_WEIGHT).contains(&weight) {
            return Err(Error::invalid(
                "weight",
                format!("A weight is from 0 to {MAX_WEIGHT}"),
            ));
        }
        let now = self.now();
        if let Some(p) = owner.clone() {
            self.store
                .upsert_people(&v.account_id, vec![p], now)
                .await?;
        }
        let kr = KeyResult {
            id: 0,
            objective_id: objective.id,
            title,
            kind,
            start,
            target,
            unit,
            weight,
            owner_id: owner.map(|p| p.id),
            created_at: now,
        };
        self.store.create_key_result(&v.account_id, kr).await
    }

    // ---------- check-ins ----------

    /// Checks in on a key result, and enqueues the status-change posts of followers that asked
    /// for them (in the same transaction). Returns the check-in.
    pub async fn check_in(
        &self,
        v: &Viewer,
        key_result_id: &str,
        c: NewCheckIn,
        integration_active: bool,
    ) -> Result<CheckIn> {
        let mut model = self.model(v).await?;
        let kr = self
            .key_result(&model, "keyResultId", key_result_id)?
            .clone();
        if !model.may_check_in(v.id(), v.is_admin(), &kr) {
            return Err(Error::forbidden(
                "You can check in on your own key results and on your teams' key results",
            ));
        }
        let value = match &c.value {
            Value::Json(j) => value_from_json(kr.kind, kr.target, j),
            Value::Text(t) => value_from_text(kr.kind, kr.target, t),
        }
        .map_err(|m| Error::invalid("value", m))?;
        let status = c
            .status
            .as_deref()
            .map(|s| {
                Status::parse(s).ok_or_else(|| {
                    Error::invalid("status", format!("[{s}] is not a status: use on track, behind, at risk, done or not started"))
                })
            })
            .transpose()?;
        let confidence = c
            .confidence
            .map(|n| {
                u8::try_from(n)
                    .ok()
                    .filter(|n| *n <= 10)
                    .ok_or_else(|| Error::invalid("confidence", "Confidence is from 0 to 10"))
            })
            .transpose()?;
        let note = c
            .note
            .filter(|n| !n.trim().is_empty())
            .map(|n| text("note", &n, NOTE_MAX).map_err(invalid))
            .transpose()?;
        let now = self.now();
        let before = model.key_result_state_at(&kr, now).figures.status;
        let check_in = CheckIn {
            id: 0,
            key_result_id: kr.id,
            value,
            status,
            confidence,
            note,
            author_id: v.id().to_string(),
            source: c.source,
            created_at: now,
        };
        model.push_check_in(check_in.clone());
        let after = model.key_result_state_at(&kr, now);
        let posts = if integration_active && after.figures.status != before {
            self.status_posts(v, &model, &kr, &check_in, before, after.figures)
                .await?
        } else {
            vec![]
        };
        let id = self
            .store
            .add_check_in(&v.account_id, check_in.clone(), posts)
            .await?;
        Ok(CheckIn { id, ..check_in })
    }

    /// The posts for followers that asked to hear when a key result changes status.
    async fn status_posts(
        &self,
        v: &Viewer,
        model: &Model,
        kr: &KeyResult,
        c: &CheckIn,
        from: Status,
        now: Figures,
    ) -> Result<Vec<NewDigest>> {
        let objective = &model.objectives[&kr.objective_id];
        let company = self
            .store
            .tenant(&v.account_id)
            .await?
            .map(|t| t.name)
            .unwrap_or_default();
        let names = std::collections::HashMap::from([(v.id().to_string(), v.person.name())]);
        let change = StatusChange {
            key_result: kr.title.clone(),
            objective: objective.title.clone(),
            owner: crate::digest::entity_name(model, &company, &names, &objective.owner),
            from,
            to: now.status,
            value: c.value,
            progress: now.progress,
            by: v.person.name(),
            note: c.note.clone(),
            link: self.links.objective(objective.id),
        };
        let today = utc_date(c.created_at);
        let mut out = Vec::new();
        for f in self.store.followers(&v.account_id, None).await? {
            let in_scope = f.status_changes
                && model
                    .objectives_of(&f.entity, &PeriodFilter::All, today)
                    .iter()
                    .any(|o| o.id == objective.id);
            if in_scope {
                let key = format!("status:{}:{{checkIn}}", f.id);
                let card = change.card(&key);
                out.push(NewDigest {
                    account_id: v.account_id.clone(),
                    follower_id: f.id,
                    chat_id: f.chat_id.clone(),
                    idem_key: key,
                    trigger: Trigger::Status,
                    slot_at: None,
                    late: false,
                    created_at: c.created_at,
                    card: Some(serde_json::to_string(&card).map_err(Error::internal)?),
                });
            }
        }
        Ok(out)
    }

    // ---------- settings ----------

    /// Changes the company's settings (administrators): the time zone of people whose own is
    /// not known, and whether nudges go out.
    pub async fn change_settings(
        &self,
        v: &Viewer,
        time_zone: Option<String>,
        nudges: Option<bool>,
    ) -> Result<()> {
        v.require_admin("change the OKR settings")?;
        let time_zone = time_zone.map(|tz| tz.trim().to_string());
        if let Some(tz) = &time_zone {
            crate::schedule::zone(tz).map_err(|m| Error::invalid("timeZone", m))?;
        }
        self.store
            .update_tenant(&v.account_id, time_zone, nudges)
            .await
    }

    // ---------- import and export ----------

    /// The whole model as a document.
    pub async fn export(&self, v: &Viewer) -> Result<Document> {
        let model = self.model(v).await?;
        let company = self
            .store
            .tenant(&v.account_id)
            .await?
            .map(|t| t.name)
            .unwrap_or_default();
        let people = self.store.people(&v.account_id).await?;
        Ok(export(&model, &company, &people, self.now()))
    }

    /// Imports a document into a company without teams or objectives (administrators). Every
    /// person it names must be in `people` (found in the directory by the caller).
    pub async fn import(
        &self,
        v: &Viewer,
        doc: &Document,
        people: Vec<Person>,
    ) -> Result<Imported> {
        v.require_admin("import OKRs")?;
        let plan = doc.plan().map_err(|(p, m)| Error::invalid(p, m))?;
        if let Some(missing) = plan
            .person_ids
            .iter()
            .find(|id| !people.iter().any(|p| &&p.id == id))
        {
            return Err(Error::not_found(
                "people",
                format!("There is no person [{missing}] in your company"),
            ));
        }
        self.store
            .upsert_people(&v.account_id, people, self.now())
            .await?;
        self.store.import(&v.account_id, plan, self.now()).await
    }
}
