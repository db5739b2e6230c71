//! Dashboards: the company's (`/company`), a team's (`/teams/{id}`, with its sub-teams) and a
//! person's (`/people/{id}`; `/me` is one's own): progress against expected, status, counts,
//! the teams below, the objectives, and "Add an objective". Their title pane carries the
//! **Followers** button, the **Follow** link and, next to it, the gear icon that opens the
//! schedule popup; after following, an alert offers "**Change update time**".

use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use openglip_webkit::html::{Breadcrumbs, Button, Choice, Field, FormErrors, Icon, Table};
use openglip_webkit::{Csrf, CsrfForm, Markup, Page, Session, html, see_other};
use serde::Deserialize;

use super::follower::{Notices, POPUP, gear, notices, schedule_popup};
use super::parts::{figures, form_errors, progress, rules, status_pill};
use super::{Answer, OrPage, Target, entity_page, entity_path, fail, page};
use crate::api::Caller;
use crate::api::teams::{PeriodQuery, names};
use crate::api::views::Dashboard;
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::period::utc_date;
use crate::model::snapshot::PeriodFilter;
use crate::model::{Entity, EntityType, Period};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/company", get(dashboard))
        .route("/teams/{team}", get(dashboard))
        .route("/people/{person}", get(dashboard))
        .route("/me", get(me))
        .route("/objectives", post(create_objective))
}

#[derive(Debug, Default, Deserialize)]
struct DashboardQuery {
    period: Option<String>,
    #[serde(flatten)]
    notices: Notices,
}

async fn me(Session { user, .. }: Session<Caller>) -> axum::response::Response {
    see_other(&format!("/people/{}", user.viewer.id()))
}

async fn dashboard(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
    target: Target,
    Query(q): Query<DashboardQuery>,
) -> Answer {
    let kit = app.kit();
    let e = target.resolve(&app, &me).await.or_page(kit)?;
    let form = ObjectiveForm::new(&app, &e);
    let page = render(&app, &me, &csrf, &e, &q, &form, &FormErrors::new())
        .await
        .or_page(kit)?;
    Ok(page.into_response())
}

/// Whether `me` may give `e` objectives: administrators any, people themselves.
fn may_add_objective(me: &Caller, e: &Entity) -> bool {
    me.viewer.is_admin() || (e.kind == EntityType::Person && e.id == me.viewer.id())
}

/// The title pane: **Followers**, **Follow** and the gear icon (administrators shape followers;
/// everyone sees them).
fn title_pane(me: &Caller, e: &Entity, followers: usize, popup_fallback: &str) -> Markup {
    html! {
        div.titlepane.actions {
            a.btn.secondary href=(entity_page(e, "/followers")) {
                (Icon::Users) "Followers" span.count { (followers) }
            }
            @if me.viewer.is_admin() {
                a.followlink href=(entity_page(e, "/followers/add")) { (Icon::Bell) "Follow" }
                (gear(POPUP, popup_fallback))
            }
        }
    }
}

async fn render(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    e: &Entity,
    q: &DashboardQuery,
    form: &ObjectiveForm,
    errors: &FormErrors,
) -> Result<Page> {
    let v = &me.viewer;
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    let now = app.now();
    let filter = PeriodQuery {
        period: q.period.clone(),
    }
    .filter();
    let d = Dashboard::new(&model, e, &filter, now, &names);
    let name = d.entity.name.clone();
    let here = entity_path(e);
    let followers = app
        .store()
        .followers(&v.account_id, Some(e.clone()))
        .await?;
    // The popup opens on the conversation that just followed, if one did.
    let followed: Option<i64> = q.notices.followed.as_deref().and_then(|f| f.parse().ok());
    let mut follower_refs: Vec<_> = followers.iter().collect();
    follower_refs.sort_by_key(|f| Some(f.id) != followed);
    let (popup, popup_fallback) = schedule_popup(POPUP, &name, &follower_refs, csrf, &here);
    let period = match &filter {
        PeriodFilter::Current => Period::quarter_of(utc_date(now)).name,
        PeriodFilter::Named(n) => n.clone(),
        PeriodFilter::All => "All periods".into(),
    };
    let kind = match e.kind {
        EntityType::Company => "Company",
        EntityType::Team => "Team",
        EntityType::Person => "Person",
    };
    let mut crumbs = Breadcrumbs::new();
    let parents = team_parents(&model, e);
    if e.kind != EntityType::Company {
        crumbs = crumbs.link("/company", &names.company);
    }
    for (href, label) in &parents {
        crumbs = crumbs.link(href, label);
    }
    let teams_heading = match e.kind {
        EntityType::Company => "Teams",
        EntityType::Team => "Sub-teams",
        EntityType::Person => "Teams",
    };
    let team_rows = d.teams.iter().map(|t| {
        html! {
            td { a href=(format!("/teams/{}", t.id)) { (t.name) } }
            td { (progress(&t.figures)) }
            td { (status_pill(t.figures.status)) }
            td { (t.objective_count) }
        }
    });
    let objective_rows = d.objectives.iter().map(|o| {
        html! {
            td { a href=(format!("/objectives/{}", o.id)) { (o.title) } br; span.hint { (o.owner.name) " · " (o.period.name) } }
            td { (progress(&o.figures)) }
            td { (status_pill(o.figures.status)) }
            td { (o.key_results.len()) }
        }
    });
    let main = html! {
        (crumbs.current(&name))
        div.pagehead {
            div {
                h1 { (name) }
                p.sub { (kind) " · " (period) " · "
                    @if filter == PeriodFilter::All { a href=(here) { "This quarter" } }
                    @else { a href=(format!("{here}?period=all")) { "All periods" } } }
            }
            (title_pane(me, e, followers.len(), &popup_fallback))
        }
        (notices(app, me, &q.notices, &here).await?)
        div.card {
            h2 { "Progress" }
            (figures(&d.figures, &d.counts, d.objective_count))
            (rules())
        }
        @if let Some(t) = &d.team {
            div.card {
                h2 { "Members" }
                @if t.members.is_empty() { p.sub { "Nobody yet." } }
                ul.people { @for m in &t.members { li { a href=(format!("/people/{}", m.id)) { (m.name) } } } }
            }
        }
        @if !d.teams.is_empty() || e.kind == EntityType::Team {
            div.card {
                h2 { (teams_heading) }
                (Table::new(&["Team", "Progress", "Status", "Objectives"]).caption(teams_heading)
                    .rows(team_rows).empty(html! { "No " (teams_heading.to_lowercase()) "." }))
            }
        }
        div.card {
            h2 { "Objectives" }
            (Table::new(&["Objective", "Progress", "Status", "Key results"]).caption("Objectives")
                .rows(objective_rows).empty(html! { "No objectives in " (period) "." }))
        }
        @if may_add_objective(me, e) { (objective_form(&d, e, form, errors, csrf)) }
        (popup)
    };
    let mut p = page(app, me, csrf, &here, &name, main);
    if !errors.is_empty() {
        p = p.status(axum::http::StatusCode::BAD_REQUEST);
    }
    Ok(p)
}

/// The teams above a team, from the top (links for the breadcrumbs).
fn team_parents(model: &crate::model::Model, e: &Entity) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut next = e
        .team_id()
        .and_then(|t| model.teams.get(&t))
        .and_then(|t| t.parent_id);
    while let Some(id) = next {
        let Some(t) = model.teams.get(&id) else { break };
        out.push((format!("/teams/{id}"), t.name.clone()));
        next = t.parent_id;
        if out.len() > model.teams.len() {
            break;
        }
    }
    out.reverse();
    out
}

// ---------- Add an objective ----------

/// The form of a new objective, as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ObjectiveForm {
    /// `company`, `team:3` or `person:7`.
    #[serde(default)]
    owner: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    parent_id: String,
}

impl ObjectiveForm {
    fn new(app: &App, e: &Entity) -> ObjectiveForm {
        ObjectiveForm {
            owner: owner_value(e),
            period: Period::quarter_of(utc_date(app.now())).name,
            ..Default::default()
        }
    }
}

fn owner_value(e: &Entity) -> String {
    match e.kind {
        EntityType::Company => "company".into(),
        _ => format!("{}:{}", e.kind.as_str(), e.id),
    }
}

fn objective_form(
    d: &Dashboard,
    e: &Entity,
    form: &ObjectiveForm,
    errors: &FormErrors,
    csrf: &Csrf,
) -> Markup {
    let options: Vec<(String, String)> =
        std::iter::once((String::new(), "Not aligned".to_string()))
            .chain(d.objectives.iter().map(|o| (o.id.clone(), o.title.clone())))
            .collect();
    let choices: Vec<Choice> = options.iter().map(|(v, l)| Choice::new(v, l)).collect();
    html! {
        div.card {
            h2 { "Add an objective" }
            form.stack method="post" action="/objectives" novalidate {
                (errors.summary())
                (csrf.field())
                input type="hidden" name="owner" value=(owner_value(e));
                (Field::text("title", "Objective").value(&form.title).required().error(errors.get("title")))
                div.row {
                    (Field::text("period", "Period").value(&form.period)
                        .hint("A quarter, such as 2026-Q3").error(errors.get("period")))
                    (Field::select("parentId", "Aligned to", &choices).value(&form.parent_id)
                        .error(errors.get("parentId")))
                }
                div.actions { (Button::primary("Add objective").icon(Icon::Target)) }
            }
        }
    }
}

/// Add an objective: to the objective's page, or the dashboard again with the errors in place.
async fn create_objective(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<ObjectiveForm>,
) -> Answer {
    let kit = app.kit();
    let target = match form.owner.split_once(':') {
        None if form.owner == "company" => Target::Company,
        Some(("team", id)) => Target::Team(id.into()),
        Some(("person", id)) => Target::Person(id.into()),
        _ => {
            return Err(fail(
                kit,
                Error::invalid(
                    "owner",
                    "The objective's owner is a company, a team or a person",
                ),
            ));
        }
    };
    let e = target.resolve(&app, &me).await.or_page(kit)?;
    let made = match Period::parse_quarter(form.period.trim()) {
        Some(period) => {
            let person = match &target {
                Target::Person(_) => app
                    .store()
                    .person(&me.viewer.account_id, &e.id)
                    .await
                    .or_page(kit)?,
                _ => None,
            };
            let parent = Some(form.parent_id.trim()).filter(|p| !p.is_empty());
            app.service()
                .create_objective(
                    &me.viewer,
                    &form.title,
                    e.clone(),
                    person,
                    Some(period),
                    parent,
                )
                .await
        }
        None => Err(Error::invalid(
            "period",
            format!("[{}] is not a quarter such as 2026-Q3", form.period.trim()),
        )),
    };
    match made {
        Ok(id) => Ok(see_other(&format!("/objectives/{id}"))),
        Err(err) => {
            let fields = [
                ("title", "title"),
                ("parentId", "parentId"),
                ("period", "period"),
            ];
            let errors = form_errors(err, &fields).map_err(|e| fail(kit, e))?;
            let q = DashboardQuery::default();
            let page = render(&app, &me, &csrf, &e, &q, &form, &errors)
                .await
                .or_page(kit)?;
            Ok(page.into_response())
        }
    }
}
