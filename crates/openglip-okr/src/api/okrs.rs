//! The OKRs: who am I, the rules, settings, dashboards (company, team, person), teams,
//! objectives, key results, check-ins, import and export.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::routing::{delete, get, patch, post};
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value as Json_;
use utoipa::ToSchema;

use super::views::*;
use super::{Caller, Json, Op, Query};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::document::Document;
use crate::model::snapshot::PeriodFilter;
use crate::model::*;
use crate::platform::{lookup_people, lookup_person};
use crate::service::{NewCheckIn, NewKeyResult, Value, Viewer};

type Answer<T> = Result<axum::Json<T>>;
type Created<T> = Result<(StatusCode, axum::Json<T>)>;

fn created<T>(v: T) -> Created<T> {
    Ok((StatusCode::CREATED, axum::Json(v)))
}

/// Names of the company and the people the app knows.
pub(super) async fn names(app: &App, account: &str) -> Result<Names> {
    let company = app
        .store()
        .tenant(account)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    let people = app
        .store()
        .people(account)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p.name()))
        .collect();
    Ok(Names { company, people })
}

/// `{type, id}` of an owner or a followed entity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityRef {
    /// `company`, `team` or `person`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The platform account id, the OKR team id, or the platform extension id.
    pub id: String,
}

impl EntityRef {
    /// The entity, and the person it names when it is one (checked in the directory).
    pub(super) async fn resolve(
        &self,
        c: &Caller,
        param: &str,
    ) -> Result<(Entity, Option<Person>)> {
        let kind = EntityType::parse(&self.kind).ok_or_else(|| {
            Error::invalid(
                format!("{param}.type"),
                format!("[{}] is not company, team or person", self.kind),
            )
        })?;
        let entity = Entity {
            kind,
            id: self.id.clone(),
        };
        let person = match kind {
            EntityType::Person => {
                Some(lookup_person(&c.client, &self.id).await?.ok_or_else(|| {
                    Error::not_found(
                        format!("{param}.id"),
                        format!("There is no person [{}] in your company", self.id),
                    )
                })?)
            }
            _ => None,
        };
        Ok((entity, person))
    }
}

/// Reads `period`: `"2026-Q3"` or `{name?, start, end}`.
fn period_of(v: &Json_) -> Result<Period> {
    let bad = |m: String| Error::invalid("period", m);
    match v {
        Json_::String(s) => Period::parse_quarter(s)
            .ok_or_else(|| bad(format!("[{s}] is not a quarter such as 2026-Q3"))),
        Json_::Object(o) => {
            if let Some(k) = o
                .keys()
                .find(|k| !["name", "start", "end"].contains(&k.as_str()))
            {
                return Err(bad(format!("a period has name, start and end, not [{k}]")));
            }
            let date = |k: &str| -> Result<Date> {
                let s = o
                    .get(k)
                    .and_then(Json_::as_str)
                    .ok_or_else(|| Error::invalid(format!("period.{k}"), "a date, YYYY-MM-DD"))?;
                s.parse().map_err(|_| {
                    Error::invalid(
                        format!("period.{k}"),
                        format!("[{s}] is not a date, YYYY-MM-DD"),
                    )
                })
            };
            Period::custom(
                o.get("name").and_then(Json_::as_str),
                date("start")?,
                date("end")?,
            )
            .map_err(bad)
        }
        _ => Err(bad(
            "a period is a quarter (\"2026-Q3\") or {name, start, end}".into(),
        )),
    }
}

/// `period=current` (default), `all`, or a period's name.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

impl PeriodQuery {
    fn filter(&self) -> PeriodFilter {
        match self.period.as_deref() {
            None | Some("current") | Some("") => PeriodFilter::Current,
            Some("all") => PeriodFilter::All,
            Some(name) => PeriodFilter::Named(
                Period::parse_quarter(name).map_or_else(|| name.to_string(), |p| p.name),
            ),
        }
    }
}

async fn me(State(app): State<App>, c: Caller) -> Answer<MeView> {
    let tz = app.service().time_zone_of(&c.viewer).await?;
    let company = app
        .store()
        .tenant(&c.viewer.account_id)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    let p = &c.viewer.person;
    Ok(axum::Json(MeView {
        id: p.id.clone(),
        name: p.name(),
        email: p.email.clone(),
        is_admin: p.is_admin,
        company: PersonRef {
            id: c.viewer.account_id.clone(),
            name: company,
        },
        time_zone: tz,
    }))
}

async fn rules(_c: Caller) -> Answer<RulesView> {
    Ok(axum::Json(RulesView {
        progress: progress::PROGRESS_RULE,
        status: progress::STATUS_RULE,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsRequest {
    pub time_zone: Option<String>,
    pub nudges: Option<bool>,
}

async fn settings_view(app: &App, v: &Viewer) -> Answer<SettingsView> {
    let t = app
        .store()
        .tenant(&v.account_id)
        .await?
        .ok_or_else(|| Error::internal("the caller's company is not recorded"))?;
    Ok(axum::Json(SettingsView {
        time_zone: t.time_zone,
        nudges: t.nudges,
    }))
}

async fn settings(State(app): State<App>, c: Caller) -> Answer<SettingsView> {
    settings_view(&app, &c.viewer).await
}

async fn change_settings(
    State(app): State<App>,
    c: Caller,
    Json(r): Json<SettingsRequest>,
) -> Answer<SettingsView> {
    c.viewer.require_admin("change the OKR settings")?;
    if let Some(tz) = &r.time_zone {
        crate::schedule::zone(tz).map_err(|m| Error::invalid("timeZone", m))?;
    }
    app.store()
        .update_tenant(&c.viewer.account_id, r.time_zone, r.nudges)
        .await?;
    settings_view(&app, &c.viewer).await
}

async fn dashboard(app: &App, v: &Viewer, e: &Entity, q: &PeriodQuery) -> Answer<Dashboard> {
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    Ok(axum::Json(Dashboard::new(
        &model,
        e,
        &q.filter(),
        app.now(),
        &names,
    )))
}

async fn company(
    State(app): State<App>,
    c: Caller,
    Query(q): Query<PeriodQuery>,
) -> Answer<Dashboard> {
    let e = Entity::company(&c.viewer.account_id);
    dashboard(&app, &c.viewer, &e, &q).await
}

async fn person(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Answer<Dashboard> {
    let p = lookup_person(&c.client, &id).await?.ok_or_else(|| {
        Error::not_found(
            "personId",
            format!("There is no person [{id}] in your company"),
        )
    })?;
    app.store()
        .upsert_people(&c.viewer.account_id, vec![p], app.now())
        .await?;
    dashboard(&app, &c.viewer, &Entity::person(&id), &q).await
}

// ---------- teams ----------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTeamRequest {
    pub name: String,
    pub parent_id: Option<String>,
    /// Platform extension ids of the members.
    #[serde(default)]
    pub member_ids: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatchTeamRequest {
    pub name: Option<String>,
    /// A team id, or null for a top team.
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    pub member_ids: Option<Vec<String>>,
}

/// Present (even null) → Some; absent → None (with `default`).
fn some<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

async fn team_view(app: &App, v: &Viewer, id: TeamId) -> Answer<TeamView> {
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    let t = model
        .teams
        .get(&id)
        .ok_or_else(|| Error::internal("a team just written is missing"))?;
    Ok(axum::Json(TeamView::new(&model, t, &names)))
}

async fn list_teams(State(app): State<App>, c: Caller) -> Answer<Records<TeamView>> {
    let model = app.service().model(&c.viewer).await?;
    let names = names(&app, &c.viewer.account_id).await?;
    let records = model
        .teams
        .values()
        .map(|t| TeamView::new(&model, t, &names))
        .collect();
    Ok(axum::Json(Records { records }))
}

async fn create_team(
    State(app): State<App>,
    c: Caller,
    Json(r): Json<CreateTeamRequest>,
) -> Created<TeamView> {
    c.viewer.require_admin("shape teams")?;
    let members = lookup_people(&c.client, "memberIds", &r.member_ids).await?;
    let id = app
        .service()
        .create_team(&c.viewer, &r.name, r.parent_id.as_deref(), members)
        .await?;
    created(team_view(&app, &c.viewer, id).await?.0)
}

async fn read_team(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Answer<Dashboard> {
    let model = app.service().model(&c.viewer).await?;
    let team = app.service().team(&model, "teamId", &id)?;
    dashboard(&app, &c.viewer, &Entity::team(team.id), &q).await
}

async fn update_team(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
    Json(r): Json<PatchTeamRequest>,
) -> Answer<TeamView> {
    c.viewer.require_admin("shape teams")?;
    let members = match &r.member_ids {
        Some(ids) => Some(lookup_people(&c.client, "memberIds", ids).await?),
        None => None,
    };
    let parent = r.parent_id.as_ref().map(|p| p.as_deref());
    app.service()
        .update_team(&c.viewer, &id, r.name.as_deref(), parent, members)
        .await?;
    let model = app.service().model(&c.viewer).await?;
    team_view(
        &app,
        &c.viewer,
        app.service().team(&model, "teamId", &id)?.id,
    )
    .await
}

async fn delete_team(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    app.service().delete_team(&c.viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- objectives, key results, check-ins ----------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateObjectiveRequest {
    pub title: String,
    pub owner: EntityRef,
    /// A quarter (`"2026-Q3"`) or `{name?, start, end}`; the current quarter when absent.
    #[schema(value_type = Object)]
    pub period: Option<Json_>,
    /// The objective it is aligned to.
    pub parent_id: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectivesQuery {
    pub owner_type: Option<String>,
    pub owner_id: Option<String>,
    pub period: Option<String>,
}

async fn objective_view(
    app: &App,
    v: &Viewer,
    id: ObjectiveId,
    history: bool,
) -> Answer<ObjectiveView> {
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    let o = model
        .objectives
        .get(&id)
        .ok_or_else(|| Error::internal("an objective just written is missing"))?;
    Ok(axum::Json(ObjectiveView::new(
        &model,
        o,
        app.now(),
        &names,
        history,
    )))
}

async fn list_objectives(
    State(app): State<App>,
    c: Caller,
    Query(q): Query<ObjectivesQuery>,
) -> Answer<Records<ObjectiveView>> {
    let model = app.service().model(&c.viewer).await?;
    let names = names(&app, &c.viewer.account_id).await?;
    let owner_type = q
        .owner_type
        .as_deref()
        .map(|t| {
            EntityType::parse(t).ok_or_else(|| {
                Error::invalid("ownerType", format!("[{t}] is not company, team or person"))
            })
        })
        .transpose()?;
    let filter = PeriodQuery {
        period: q.period.clone(),
    }
    .filter();
    let today = crate::model::period::utc_date(app.now());
    let records = model
        .objectives
        .values()
        .filter(|o| owner_type.is_none_or(|t| o.owner.kind == t))
        .filter(|o| q.owner_id.as_ref().is_none_or(|id| &o.owner.id == id))
        .filter(|o| match &filter {
            PeriodFilter::Current => o.period.contains(today),
            PeriodFilter::Named(n) => &o.period.name == n,
            PeriodFilter::All => true,
        })
        .map(|o| ObjectiveView::new(&model, o, app.now(), &names, false))
        .collect();
    Ok(axum::Json(Records { records }))
}

async fn create_objective(
    State(app): State<App>,
    c: Caller,
    Json(r): Json<CreateObjectiveRequest>,
) -> Created<ObjectiveView> {
    let (owner, person) = r.owner.resolve(&c, "owner").await?;
    let period = r.period.as_ref().map(period_of).transpose()?;
    let id = app
        .service()
        .create_objective(
            &c.viewer,
            &r.title,
            owner,
            person,
            period,
            r.parent_id.as_deref(),
        )
        .await?;
    created(objective_view(&app, &c.viewer, id, false).await?.0)
}

async fn read_objective(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
) -> Answer<ObjectiveView> {
    let model = app.service().model(&c.viewer).await?;
    let o = app.service().objective(&model, "objectiveId", &id)?.id;
    objective_view(&app, &c.viewer, o, true).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateKeyResultRequest {
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

async fn key_result_view(
    app: &App,
    v: &Viewer,
    id: KeyResultId,
    history: bool,
) -> Answer<KeyResultView> {
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    let k = model
        .key_results
        .get(&id)
        .ok_or_else(|| Error::internal("a key result just written is missing"))?;
    Ok(axum::Json(KeyResultView::new(
        &model,
        k,
        app.now(),
        &names,
        history,
    )))
}

async fn create_key_result(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
    Json(r): Json<CreateKeyResultRequest>,
) -> Created<KeyResultView> {
    let owner = match &r.owner_id {
        Some(p) => Some(lookup_person(&c.client, p).await?.ok_or_else(|| {
            Error::not_found(
                "ownerId",
                format!("There is no person [{p}] in your company"),
            )
        })?),
        None => None,
    };
    let k = NewKeyResult {
        title: r.title,
        kind: r.kind,
        start: r.start,
        target: r.target,
        unit: r.unit,
        weight: r.weight,
        owner_id: r.owner_id,
    };
    let kr = app
        .service()
        .create_key_result(&c.viewer, &id, k, owner)
        .await?;
    created(key_result_view(&app, &c.viewer, kr, false).await?.0)
}

async fn read_key_result(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
) -> Answer<KeyResultView> {
    let model = app.service().model(&c.viewer).await?;
    let k = app.service().key_result(&model, "keyResultId", &id)?.id;
    key_result_view(&app, &c.viewer, k, true).await
}

async fn list_check_ins(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
) -> Answer<Records<CheckInView>> {
    let model = app.service().model(&c.viewer).await?;
    let names = names(&app, &c.viewer.account_id).await?;
    let k = app.service().key_result(&model, "keyResultId", &id)?;
    let records = model
        .check_ins_of(k.id)
        .iter()
        .rev()
        .map(|ci| CheckInView::new(k, ci, &names))
        .collect();
    Ok(axum::Json(Records { records }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCheckInRequest {
    /// A number; true/false for a boolean key result.
    #[schema(value_type = Object)]
    pub value: Option<Json_>,
    /// `onTrack`, `behind`, `atRisk`, `done` or `notStarted` (`on track` … too); when absent,
    /// the status rule decides.
    pub status: Option<String>,
    /// 0 to 10.
    pub confidence: Option<i64>,
    pub note: Option<String>,
}

async fn create_check_in(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
    Json(r): Json<CreateCheckInRequest>,
) -> Created<CheckInView> {
    let value = r.value.ok_or_else(|| Error::Missing("value".into()))?;
    let active = app.integration_active(&c.viewer.account_id).await?;
    let made = app
        .service()
        .check_in(
            &c.viewer,
            &id,
            NewCheckIn {
                value: Value::Json(value),
                status: r.status,
                confidence: r.confidence,
                note: r.note,
                source: Source::Api,
            },
            active,
        )
        .await?;
    app.inner.wake.notify_one();
    let model = app.service().model(&c.viewer).await?;
    let names = names(&app, &c.viewer.account_id).await?;
    let k = &model.key_results[&made.key_result_id];
    created(CheckInView::new(k, &made, &names))
}

// ---------- import and export ----------

async fn export(State(app): State<App>, c: Caller) -> Answer<Document> {
    Ok(axum::Json(app.service().export(&c.viewer).await?))
}

async fn import(
    State(app): State<App>,
    c: Caller,
    Json(doc): Json<Document>,
) -> Created<ImportedView> {
    c.viewer.require_admin("import OKRs")?;
    let plan = doc.plan().map_err(|(p, m)| Error::invalid(p, m))?;
    let ids: Vec<String> = plan.person_ids.into_iter().collect();
    let people = lookup_people(&c.client, "people", &ids).await?;
    let n = app.service().import(&c.viewer, &doc, people).await?;
    created(ImportedView {
        teams: n.teams,
        objectives: n.objectives,
        key_results: n.key_results,
        check_ins: n.check_ins,
    })
}

pub(super) fn ops() -> Vec<Op> {
    use Method as M;
    let op = |method, path, id, summary, request, response, status, handler| Op {
        method,
        path,
        id,
        summary,
        request,
        response,
        status,
        query: &[],
        handler,
    };
    let period: &'static [(&str, &str)] = &[(
        "period",
        "current (default), all, or a period's name such as 2026-Q3",
    )];
    vec![
        op(
            M::GET,
            "/me",
            "readMe",
            "Who the token belongs to, and whether they are an OKR admin",
            None,
            Some("MeView"),
            200,
            get(me),
        ),
        op(
            M::GET,
            "/rules",
            "readRules",
            "How progress and status are computed",
            None,
            Some("RulesView"),
            200,
            get(rules),
        ),
        op(
            M::GET,
            "/settings",
            "readSettings",
            "The company's OKR settings",
            None,
            Some("SettingsView"),
            200,
            get(settings),
        ),
        op(
            M::PATCH,
            "/settings",
            "updateSettings",
            "Change the company's OKR settings (admins)",
            Some("SettingsRequest"),
            Some("SettingsView"),
            200,
            patch(change_settings),
        ),
        Op {
            query: period,
            ..op(
                M::GET,
                "/company",
                "readCompany",
                "The company's dashboard: progress, top teams, objectives",
                None,
                Some("Dashboard"),
                200,
                get(company),
            )
        },
        Op {
            query: period,
            ..op(
                M::GET,
                "/people/{personId}",
                "readPerson",
                "A person's dashboard",
                None,
                Some("Dashboard"),
                200,
                get(person),
            )
        },
        op(
            M::GET,
            "/teams",
            "listTeams",
            "The company's teams (a tree: parentId, subTeamIds)",
            None,
            Some("TeamView[]"),
            200,
            get(list_teams),
        ),
        op(
            M::POST,
            "/teams",
            "createTeam",
            "Create a team (admins)",
            Some("CreateTeamRequest"),
            Some("TeamView"),
            201,
            post(create_team),
        ),
        Op {
            query: period,
            ..op(
                M::GET,
                "/teams/{teamId}",
                "readTeam",
                "A team's dashboard with its progress, sub-teams and objectives",
                None,
                Some("Dashboard"),
                200,
                get(read_team),
            )
        },
        op(
            M::PATCH,
            "/teams/{teamId}",
            "updateTeam",
            "Rename a team, move it, set its members (admins)",
            Some("PatchTeamRequest"),
            Some("TeamView"),
            200,
            patch(update_team),
        ),
        op(
            M::DELETE,
            "/teams/{teamId}",
            "deleteTeam",
            "Delete a team nothing refers to (admins)",
            None,
            None,
            204,
            delete(delete_team),
        ),
        Op {
            query: &[
                ("ownerType", "company, team or person"),
                ("ownerId", "the owner's id"),
                ("period", "current (default), all, or a period's name"),
            ],
            ..op(
                M::GET,
                "/objectives",
                "listObjectives",
                "Objectives, by owner and period",
                None,
                Some("ObjectiveView[]"),
                200,
                get(list_objectives),
            )
        },
        op(
            M::POST,
            "/objectives",
            "createObjective",
            "Create an objective",
            Some("CreateObjectiveRequest"),
            Some("ObjectiveView"),
            201,
            post(create_objective),
        ),
        op(
            M::GET,
            "/objectives/{objectiveId}",
            "readObjective",
            "An objective with progress, expected progress, status, key results and their history",
            None,
            Some("ObjectiveView"),
            200,
            get(read_objective),
        ),
        op(
            M::POST,
            "/objectives/{objectiveId}/key-results",
            "createKeyResult",
            "Add a key result",
            Some("CreateKeyResultRequest"),
            Some("KeyResultView"),
            201,
            post(create_key_result),
        ),
        op(
            M::GET,
            "/key-results/{keyResultId}",
            "readKeyResult",
            "A key result with its check-ins",
            None,
            Some("KeyResultView"),
            200,
            get(read_key_result),
        ),
        op(
            M::GET,
            "/key-results/{keyResultId}/check-ins",
            "listCheckIns",
            "A key result's check-ins, newest first",
            None,
            Some("CheckInView[]"),
            200,
            get(list_check_ins),
        ),
        op(
            M::POST,
            "/key-results/{keyResultId}/check-ins",
            "createCheckIn",
            "Check in",
            Some("CreateCheckInRequest"),
            Some("CheckInView"),
            201,
            post(create_check_in),
        ),
        op(
            M::GET,
            "/export",
            "exportOkrs",
            "The whole model as one JSON document",
            None,
            Some("Document"),
            200,
            get(export),
        ),
        op(
            M::POST,
            "/import",
            "importOkrs",
            "Import a document into a company without teams or objectives (admins)",
            Some("Document"),
            Some("ImportedView"),
            201,
            post(import),
        ),
    ]
}
