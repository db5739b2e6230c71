//! People and places: who am I, the rules, settings, the dashboards of the company, a team
//! or a person, and teams. Shared by the API's modules: names, entity references, periods.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::routing::{delete, get, patch, post};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::*;
use super::{Caller, Json, Op, Query};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::snapshot::PeriodFilter;
use crate::model::*;
use crate::platform::{lookup_people, lookup_person};
use crate::service::Viewer;

pub(super) type Answer<T> = Result<axum::Json<T>>;
pub(super) type Created<T> = Result<(StatusCode, axum::Json<T>)>;

pub(super) fn created<T>(v: T) -> Created<T> {
    Ok((StatusCode::CREATED, axum::Json(v)))
}

/// Names of the company and the people the app knows.
pub(crate) async fn names(app: &App, account: &str) -> Result<Names> {
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
    pub(crate) async fn resolve(
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

/// `period=current` (default), `all`, or a period's name.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

impl PeriodQuery {
    pub(crate) fn filter(&self) -> PeriodFilter {
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
    app.service()
        .change_settings(&c.viewer, r.time_zone, r.nudges)
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

pub(super) fn ops() -> Vec<Op> {
    use Method as M;
    let period: &'static [(&str, &str)] = &[(
        "period",
        "current (default), all, or a period's name such as 2026-Q3",
    )];
    vec![
        Op::new(
            M::GET,
            "/me",
            "readMe",
            "Who the token belongs to, and whether they are an OKR admin",
            get(me),
        )
        .answers(200, Some("MeView")),
        Op::new(
            M::GET,
            "/rules",
            "readRules",
            "How progress and status are computed",
            get(rules),
        )
        .answers(200, Some("RulesView")),
        Op::new(
            M::GET,
            "/settings",
            "readSettings",
            "The company's OKR settings",
            get(settings),
        )
        .answers(200, Some("SettingsView")),
        Op::new(
            M::PATCH,
            "/settings",
            "updateSettings",
            "Change the company's OKR settings (admins)",
            patch(change_settings),
        )
        .takes("SettingsRequest")
        .answers(200, Some("SettingsView")),
        Op::new(
            M::GET,
            "/company",
            "readCompany",
            "The company's dashboard: progress, top teams, objectives",
            get(company),
        )
        .answers(200, Some("Dashboard"))
        .query(period),
        Op::new(
            M::GET,
            "/people/{personId}",
            "readPerson",
            "A person's dashboard",
            get(person),
        )
        .answers(200, Some("Dashboard"))
        .query(period),
        Op::new(
            M::GET,
            "/teams",
            "listTeams",
            "The company's teams (a tree: parentId, subTeamIds)",
            get(list_teams),
        )
        .answers(200, Some("TeamView[]")),
        Op::new(
            M::POST,
            "/teams",
            "createTeam",
            "Create a team (admins)",
            post(create_team),
        )
        .takes("CreateTeamRequest")
        .answers(201, Some("TeamView")),
        Op::new(
            M::GET,
            "/teams/{teamId}",
            "readTeam",
            "A team's dashboard with its progress, sub-teams and objectives",
            get(read_team),
        )
        .answers(200, Some("Dashboard"))
        .query(period),
        Op::new(
            M::PATCH,
            "/teams/{teamId}",
            "updateTeam",
            "Rename a team, move it, set its members (admins)",
            patch(update_team),
        )
        .takes("PatchTeamRequest")
        .answers(200, Some("TeamView")),
        Op::new(
            M::DELETE,
            "/teams/{teamId}",
            "deleteTeam",
            "Delete a team nothing refers to (admins)",
            delete(delete_team),
        )
        .answers(204, None),
    ]
}
