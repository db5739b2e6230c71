//! An objective's page (`/objectives/{id}`): its progress against expected, its key results
//! with their history of check-ins, the objectives aligned to it, and "Add a key result"; and
//! the check-in form of a key result (`/key-results/{id}/check-in`), which shows its errors in
//! place (a value of the wrong kind, a status that is none) and saves nothing until all is
//! right.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use openglip_webkit::html::{
    Breadcrumbs, Button, Choice, Field, FormErrors, Icon, Table, Tone, notice, pill,
};
use openglip_webkit::{Csrf, CsrfForm, Markup, Page, Session, html, see_other};
use serde::Deserialize;

use super::parts::{form_errors, pct, progress, rules, status_pill};
use super::{Answer, OrPage, entity_path, fail, page};
use crate::api::Caller;
use crate::api::teams::names;
use crate::api::views::{KeyResultView, ObjectiveView};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{KrKind, Source, fmt_number};
use crate::platform::lookup_person;
use crate::schedule::local_label;
use crate::service::{NewCheckIn, NewKeyResult, Value};
use jiff::tz::TimeZone;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/objectives/{id}", get(objective))
        .route("/objectives/{id}/key-results", post(add_key_result))
        .route("/key-results/{id}/check-in", get(check_in_page))
        .route("/key-results/{id}/check-ins", post(check_in))
}

#[derive(Debug, Default, Deserialize)]
struct Checked {
    checked: Option<String>,
}

async fn objective(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
    Path(id): Path<String>,
    Query(q): Query<Checked>,
) -> Answer {
    let kit = app.kit();
    let p = render(
        &app,
        &me,
        &csrf,
        &id,
        &q,
        &KeyResultForm::default(),
        &FormErrors::new(),
    )
    .await
    .or_page(kit)?;
    Ok(p.into_response())
}

/// A value as the key result's kind writes it.
fn value_text(k: &KeyResultView) -> String {
    match (k.kind, &k.value) {
        (KrKind::Boolean, serde_json::Value::Bool(b)) => {
            if *b { "Done" } else { "Not done" }.into()
        }
        (_, v) => {
            let n = v.as_f64().map(fmt_number).unwrap_or_default();
            match (&k.unit, k.kind) {
                (_, KrKind::Percent) => format!("{n} %"),
                (Some(u), _) => format!("{n} {u}"),
                (None, KrKind::Milestone) => format!("{n} of {}", fmt_number(k.target)),
                (None, _) => n,
            }
        }
    }
}

/// The viewer's time zone (theirs on the platform, else the company's).
async fn viewer_zone(app: &App, me: &Caller) -> Result<TimeZone> {
    let name = app.service().time_zone_of(&me.viewer).await?;
    Ok(crate::schedule::zone(&name).unwrap_or(TimeZone::UTC))
}

/// An instant of the API's views (RFC 3339) as people read it, in `zone`.
fn when(rfc3339: &str, zone: &TimeZone) -> String {
    rfc3339
        .parse::<jiff::Timestamp>()
        .map_or_else(|_| rfc3339.to_string(), |t| local_label(t, zone))
}

/// A key result: its figures, a "Check in" link when `may_check_in`, and its history (times in
/// `zone`, the viewer's).
fn key_result(k: &KeyResultView, may_check_in: bool, zone: &TimeZone) -> Markup {
    let history = k.check_ins.as_deref().unwrap_or_default();
    let rows = history.iter().map(|c| {
        html! {
            td { (when(&c.created_at, zone)) }
            td { (c.author.name) @if c.source == Source::Chat { " " (pill(Tone::Neutral, "chat")) } }
            td { (c.value) }
            td { @if let Some(s) = c.status { (status_pill(s)) } @else { span.hint { "by the rule" } } }
            td { (c.confidence.map(|n| format!("{n}/10")).unwrap_or_default()) }
            td { (c.note.clone().unwrap_or_default()) }
        }
    });
    html! {
        div.card id=(format!("kr-{}", k.id)) {
            div.pagehead.mb0 {
                div {
                    h2 { (k.title) }
                    p.sub { (k.kind.as_str()) " · from " (fmt_number(k.start)) " to " (fmt_number(k.target))
                        @if let Some(u) = &k.unit { " " (u) } " · now " strong { (value_text(k)) } }
                }
                @if may_check_in {
                    a.btn.primary.small href=(format!("/key-results/{}/check-in", k.id)) { (Icon::Check) "Check in" }
                }
            }
            (progress(&k.figures))
            p { (status_pill(k.figures.status))
                @if let Some(c) = k.confidence { " · confidence " (c) "/10" } }
            details.history {
                summary { "History (" (history.len()) ")" }
                (Table::new(&["When", "Who", "Value", "Status", "Confidence", "Note"]).caption("Check-ins")
                    .rows(rows).empty(html! { "No check-ins yet." }))
            }
        }
    }
}

async fn render(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    id: &str,
    q: &Checked,
    form: &KeyResultForm,
    errors: &FormErrors,
) -> Result<Page> {
    let v = &me.viewer;
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    let o = app.service().objective(&model, "objectiveId", id)?;
    let zone = viewer_zone(app, me).await?;
    let view = ObjectiveView::new(&model, o, app.now(), &names, true);
    let owner = entity_path(&o.owner);
    let may_shape =
        v.is_admin() || (o.owner.kind == crate::model::EntityType::Person && o.owner.id == v.id());
    let checked = q
        .checked
        .as_deref()
        .and_then(|k| view.key_results.iter().find(|kr| kr.id == k));
    let aligned: Vec<_> = model.aligned_to(o.id);
    let parent = o.parent_id.and_then(|p| model.objectives.get(&p));
    let people = if may_shape {
        super::teams::people(me).await?
    } else {
        vec![]
    };
    let main = html! {
        (Breadcrumbs::new().link(&owner, &view.owner.name).current(&view.title))
        div.pagehead {
            div {
                h1 { (view.title) }
                p.sub { (view.owner.name) " · " (view.period.name) " (" (view.period.start) " to " (view.period.end) ")"
                    @if let Some(p) = parent { " · aligned to " a href=(format!("/objectives/{}", p.id)) { (p.title) } } }
            }
        }
        @if let Some(k) = checked {
            (notice(Tone::Ok, html! { "Checked in: " strong { (k.title) } " is at " (value_text(k)) " (" (pct(k.figures.progress)) ")." }))
        }
        div.card {
            h2 { "Progress" }
            (progress(&view.figures))
            p { (status_pill(view.figures.status)) " · " (view.key_results.len()) " key results" }
            (rules())
        }
        @for k in &view.key_results {
            (key_result(k, model.key_results.get(&k.id.parse().unwrap_or_default())
                .is_some_and(|kr| model.may_check_in(v.id(), v.is_admin(), kr)), &zone))
        }
        @if view.key_results.is_empty() { div.card { p.sub { "No key results yet." } } }
        @if !aligned.is_empty() {
            div.card {
                h2 { "Aligned to it" }
                ul { @for a in &aligned { li { a href=(format!("/objectives/{}", a.id)) { (a.title) } } } }
            }
        }
        @if may_shape { (key_result_form(&view.id, form, errors, csrf, &people)) }
    };
    let mut p = page(app, me, csrf, &owner, &view.title, main);
    if !errors.is_empty() {
        p = p.status(axum::http::StatusCode::BAD_REQUEST);
    }
    Ok(p)
}

// ---------- Add a key result ----------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyResultForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    weight: String,
    #[serde(default)]
    owner_id: String,
}

impl Default for KeyResultForm {
    fn default() -> Self {
        KeyResultForm {
            title: String::new(),
            kind: "percent".into(),
            start: String::new(),
            target: String::new(),
            unit: String::new(),
            weight: "1".into(),
            owner_id: String::new(),
        }
    }
}

const KINDS: &[Choice] = &[
    Choice {
        value: "percent",
        label: "Percent (0 to 100 %)",
        hint: None,
    },
    Choice {
        value: "number",
        label: "Number from a start to a target",
        hint: None,
    },
    Choice {
        value: "boolean",
        label: "Done or not",
        hint: None,
    },
    Choice {
        value: "milestone",
        label: "Milestones reached",
        hint: None,
    },
];

fn key_result_form(
    objective: &str,
    form: &KeyResultForm,
    errors: &FormErrors,
    csrf: &Csrf,
    people: &[(String, String)],
) -> Markup {
    let owners: Vec<Choice> = std::iter::once(Choice::new("", "The objective's owner"))
        .chain(people.iter().map(|(id, name)| Choice::new(id, name)))
        .collect();
    html! {
        div.card {
            h2 { "Add a key result" }
            form.stack method="post" action=(format!("/objectives/{objective}/key-results")) novalidate {
                (errors.summary())
                (csrf.field())
                (Field::text("title", "Key result").value(&form.title).required().error(errors.get("title")))
                (Field::select("kind", "Kind", KINDS).value(&form.kind).error(errors.get("kind")))
                div.row {
                    (Field::text("start", "Start").value(&form.start).hint("Where it begins (numbers: required)").error(errors.get("start")))
                    (Field::text("target", "Target").value(&form.target).hint("Where it should end; below the start counts down").error(errors.get("target")))
                    (Field::text("unit", "Unit").value(&form.unit).placeholder("deals").error(errors.get("unit")))
                    (Field::text("weight", "Weight").value(&form.weight).hint("0 to 10; 0 does not count").error(errors.get("weight")))
                }
                (Field::select("ownerId", "Who checks in", &owners).value(&form.owner_id).error(errors.get("ownerId")))
                div.actions { (Button::primary("Add key result").icon(Icon::Plus)) }
            }
        }
    }
}

/// A number typed in a form (empty: none); errors name `field`.
fn number(field: &str, s: &str) -> Result<Option<f64>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>()
        .map(Some)
        .map_err(|_| Error::invalid(field, format!("[{s}] is not a number")))
}

async fn add_key_result(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<KeyResultForm>,
) -> Answer {
    let kit = app.kit();
    let made = async {
        let owner = match form.owner_id.trim() {
            "" => None,
            p => Some(lookup_person(&me.client, p).await?.ok_or_else(|| {
                Error::not_found(
                    "ownerId",
                    format!("There is no person [{p}] in your company"),
                )
            })?),
        };
        let k = NewKeyResult {
            title: form.title.clone(),
            kind: form.kind.clone(),
            start: number("start", &form.start)?,
            target: number("target", &form.target)?,
            unit: Some(form.unit.clone()),
            weight: number("weight", &form.weight)?,
            owner_id: owner.as_ref().map(|p| p.id.clone()),
        };
        app.service()
            .create_key_result(&me.viewer, &id, k, owner)
            .await
    }
    .await;
    match made {
        Ok(kr) => Ok(see_other(&format!("/objectives/{id}#kr-{kr}"))),
        Err(err) => {
            let fields = [
                "title", "kind", "start", "target", "unit", "weight", "ownerId",
            ]
            .map(|f| (f, f));
            let errors = form_errors(err, &fields).map_err(|e| fail(kit, e))?;
            let p = render(&app, &me, &csrf, &id, &Checked::default(), &form, &errors)
                .await
                .or_page(kit)?;
            Ok(p.into_response())
        }
    }
}

// ---------- the check-in form ----------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CheckInForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    note: String,
}

const STATUSES: &[Choice] = &[
    Choice {
        value: "",
        label: "By the rule (distance to expected)",
        hint: None,
    },
    Choice {
        value: "onTrack",
        label: "On track",
        hint: None,
    },
    Choice {
        value: "behind",
        label: "Behind",
        hint: None,
    },
    Choice {
        value: "atRisk",
        label: "At risk",
        hint: None,
    },
    Choice {
        value: "done",
        label: "Done",
        hint: None,
    },
    Choice {
        value: "notStarted",
        label: "Not started",
        hint: None,
    },
];

const DONE: &[Choice] = &[
    Choice {
        value: "no",
        label: "Not done",
        hint: None,
    },
    Choice {
        value: "yes",
        label: "Done",
        hint: None,
    },
];

async fn check_in_page(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
    Path(id): Path<String>,
) -> Answer {
    let kit = app.kit();
    let p = render_check_in(
        &app,
        &me,
        &csrf,
        &id,
        &CheckInForm::default(),
        &FormErrors::new(),
    )
    .await
    .or_page(kit)?;
    Ok(p.into_response())
}

async fn render_check_in(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    id: &str,
    form: &CheckInForm,
    errors: &FormErrors,
) -> Result<Page> {
    let v = &me.viewer;
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    let kr = app.service().key_result(&model, "keyResultId", id)?;
    let zone = viewer_zone(app, me).await?;
    let o = &model.objectives[&kr.objective_id];
    let view = KeyResultView::new(&model, kr, app.now(), &names, true);
    let may = model.may_check_in(v.id(), v.is_admin(), kr);
    let value = match kr.kind {
        KrKind::Boolean => Field::select("value", "Value", DONE).value(&form.value),
        KrKind::Percent => Field::text("value", "Value (%)")
            .value(&form.value)
            .hint("0 to 100"),
        KrKind::Milestone => Field::text("value", "Milestones reached").value(&form.value),
        KrKind::Number => Field::text("value", "Value")
            .value(&form.value)
            .hint("A number; the start is where it began, the target where it should end"),
    };
    let title = format!("Check in · {}", kr.title);
    let main = html! {
        (Breadcrumbs::new().link(&entity_path(&o.owner), &names.entity(&model, &o.owner))
            .link(&format!("/objectives/{}", o.id), &o.title).current("Check in"))
        h1 { "Check in" }
        p.sub { strong { (kr.title) } " · now " (value_text(&view)) " · " (pct(view.figures.progress)) }
        @if !may {
            (notice(Tone::Warn, html! { "You can check in on your own key results and on your teams' key results." }))
        } @else {
            div.card.narrow {
                form.stack method="post" action=(format!("/key-results/{id}/check-ins")) novalidate {
                    (errors.summary())
                    (csrf.field())
                    (value.required().error(errors.get("value")))
                    (Field::select("status", "Status", STATUSES).value(&form.status).error(errors.get("status")))
                    (Field::number("confidence", "Confidence").value(&form.confidence).range(Some("0"), Some("10"), Some("1"))
                        .hint("0 (none) to 10 (certain); optional").error(errors.get("confidence")))
                    (Field::textarea("note", "Note").value(&form.note).hint("What is the latest? Optional").error(errors.get("note")))
                    div.actions { (Button::primary("Check in").icon(Icon::Check)) a.btn.secondary href=(format!("/objectives/{}", o.id)) { "Cancel" } }
                }
            }
        }
        (key_result(&view, false, &zone))
    };
    let mut p = page(app, me, csrf, &entity_path(&o.owner), &title, main);
    if !errors.is_empty() {
        p = p.status(axum::http::StatusCode::BAD_REQUEST);
    }
    Ok(p)
}

async fn check_in(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CheckInForm>,
) -> Answer {
    let kit = app.kit();
    let made = async {
        let confidence = match form.confidence.trim() {
            "" => None,
            c => Some(
                c.parse::<i64>()
                    .map_err(|_| Error::invalid("confidence", "Confidence is from 0 to 10"))?,
            ),
        };
        if form.value.trim().is_empty() {
            return Err(Error::Missing("value".into()));
        }
        app.check_in(
            &me.viewer,
            &id,
            NewCheckIn {
                value: Value::Text(form.value.clone()),
                status: Some(form.status.clone()).filter(|s| !s.is_empty()),
                confidence,
                note: Some(form.note.clone()),
                source: Source::Api,
            },
        )
        .await
    }
    .await;
    match made {
        Ok(c) => {
            let model = app.service().model(&me.viewer).await.or_page(kit)?;
            let objective = model
                .key_results
                .get(&c.key_result_id)
                .map_or(0, |k| k.objective_id);
            Ok(see_other(&format!(
                "/objectives/{objective}?checked={}#kr-{}",
                c.key_result_id, c.key_result_id
            )))
        }
        Err(err) => {
            let fields = ["value", "status", "confidence", "note"].map(|f| (f, f));
            let errors = form_errors(err, &fields).map_err(|e| fail(kit, e))?;
            let p = render_check_in(&app, &me, &csrf, &id, &form, &errors)
                .await
                .or_page(kit)?;
            Ok(p.into_response())
        }
    }
}
