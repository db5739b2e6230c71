//! Objectives, key results and check-ins; the whole model's export and import.

use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::{get, post};
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value as Json_;
use utoipa::ToSchema;

use super::teams::{Answer, Created, EntityRef, PeriodQuery, created, names};
use super::views::*;
use super::{Caller, Json, Op, Query};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::document::Document;
use crate::model::snapshot::PeriodFilter;
use crate::model::*;
use crate::platform::{lookup_people, lookup_person};
use crate::service::{NewCheckIn, NewKeyResult, Value, Viewer};

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
    Json(k): Json<NewKeyResult>,
) -> Created<KeyResultView> {
    let owner = match &k.owner_id {
        Some(p) => Some(lookup_person(&c.client, p).await?.ok_or_else(|| {
            Error::not_found(
                "ownerId",
                format!("There is no person [{p}] in your company"),
            )
        })?),
        None => None,
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
    let made = app
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
        )
        .await?;
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
    vec![
        Op::new(
            M::GET,
            "/objectives",
            "listObjectives",
            "Objectives, by owner and period",
            get(list_objectives),
        )
        .answers(200, Some("ObjectiveView[]"))
        .query(&[
            ("ownerType", "company, team or person"),
            ("ownerId", "the owner's id"),
            ("period", "current (default), all, or a period's name"),
        ]),
        Op::new(
            M::POST,
            "/objectives",
            "createObjective",
            "Create an objective",
            post(create_objective),
        )
        .takes("CreateObjectiveRequest")
        .answers(201, Some("ObjectiveView")),
        Op::new(
            M::GET,
            "/objectives/{objectiveId}",
            "readObjective",
            "An objective with progress, expected progress, status, key results and their history",
            get(read_objective),
        )
        .answers(200, Some("ObjectiveView")),
        Op::new(
            M::POST,
            "/objectives/{objectiveId}/key-results",
            "createKeyResult",
            "Add a key result",
            post(create_key_result),
        )
        .takes("NewKeyResult")
        .answers(201, Some("KeyResultView")),
        Op::new(
            M::GET,
            "/key-results/{keyResultId}",
            "readKeyResult",
            "A key result with its check-ins",
            get(read_key_result),
        )
        .answers(200, Some("KeyResultView")),
        Op::new(
            M::GET,
            "/key-results/{keyResultId}/check-ins",
            "listCheckIns",
            "A key result's check-ins, newest first",
            get(list_check_ins),
        )
        .answers(200, Some("CheckInView[]")),
        Op::new(
            M::POST,
            "/key-results/{keyResultId}/check-ins",
            "createCheckIn",
            "Check in",
            post(create_check_in),
        )
        .takes("CreateCheckInRequest")
        .answers(201, Some("CheckInView")),
        Op::new(
            M::GET,
            "/export",
            "exportOkrs",
            "The whole model as one JSON document",
            get(export),
        )
        .answers(200, Some("Document")),
        Op::new(
            M::POST,
            "/import",
            "importOkrs",
            "Import a document into a company without teams or objectives (admins)",
            post(import),
        )
        .takes("Document")
        .answers(201, Some("ImportedView")),
    ]
}
