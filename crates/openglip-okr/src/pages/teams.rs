//! The company's teams (`/teams`): the tree with each team's progress, and "Create a team"
//! for administrators, whose members are picked from the platform's directory (the people
//! picker: `GET /restapi/v1.0/account/~/extension`, enabled people).

use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use openglip_sdk::DirectoryQuery;
use openglip_webkit::html::{Button, Choice, Choices, Field, FormErrors, Icon};
use openglip_webkit::{Allowed, Csrf, CsrfForm, Markup, Page, Session, html, see_other};
use serde::Deserialize;

use super::parts::{form_errors, progress, status_pill};
use super::session::OkrAdmin;
use super::{Answer, OrPage, fail, page};
use crate::api::Caller;
use crate::api::views::TeamSummary;
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::snapshot::PeriodFilter;
use crate::model::{Model, TeamId};
use crate::platform::{lookup_people, person_of};

pub fn routes() -> Router<App> {
    Router::new().route("/teams", get(teams).post(create))
}

/// The people of the company (id, name), by name: whom a person picker offers.
pub async fn people(me: &Caller) -> Result<Vec<(String, String)>> {
    let found = me
        .client
        .directory(&DirectoryQuery::people())
        .await
        .map_err(|e| Error::from_platform(e, None))?;
    let mut out: Vec<(String, String)> = found
        .iter()
        .map(|e| {
            let p = person_of(e);
            (p.id.clone(), p.name())
        })
        .collect();
    out.sort_by_key(|(_, n)| n.to_lowercase());
    Ok(out)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TeamForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    member_ids: Vec<String>,
}

async fn teams(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
) -> Answer {
    let kit = app.kit();
    let p = render(&app, &me, &csrf, &TeamForm::default(), &FormErrors::new())
        .await
        .or_page(kit)?;
    Ok(p.into_response())
}

/// The tree, depth first, each team with its depth.
fn tree(model: &Model) -> Vec<(usize, TeamId)> {
    let mut out = Vec::new();
    let mut todo: Vec<(usize, TeamId)> =
        model.top_teams().iter().rev().map(|t| (0, t.id)).collect();
    while let Some((depth, id)) = todo.pop() {
        out.push((depth, id));
        todo.extend(model.sub_teams(id).iter().rev().map(|t| (depth + 1, t.id)));
        if out.len() > model.teams.len() {
            break;
        }
    }
    out
}

async fn render(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    form: &TeamForm,
    errors: &FormErrors,
) -> Result<Page> {
    let model = app.service().model(&me.viewer).await?;
    let now = app.now();
    let rows: Vec<(usize, TeamSummary)> = tree(&model)
        .into_iter()
        .map(|(depth, id)| {
            (
                depth,
                TeamSummary::new(&model, &model.teams[&id], &PeriodFilter::Current, now),
            )
        })
        .collect();
    let create = if me.viewer.is_admin() {
        Some(team_form(&model, form, errors, csrf, &people(me).await?))
    } else {
        None
    };
    let main = html! {
        div.pagehead { div { h1 { "Teams" } p.sub { "The company's teams; a team's progress includes its sub-teams'." } } }
        div.card {
            @if rows.is_empty() { div.empty { "No teams yet." } }
            ul.tree {
                @for (depth, t) in &rows {
                    li class=(format!("depth{}", depth.min(&6))) {
                        a href=(format!("/teams/{}", t.id)) { (t.name) }
                        " " (status_pill(t.figures.status))
                        (progress(&t.figures))
                    }
                }
            }
        }
        @if let Some(f) = create { (f) }
    };
    let mut p = page(app, me, csrf, "/teams", "Teams", main);
    if !errors.is_empty() {
        p = p.status(axum::http::StatusCode::BAD_REQUEST);
    }
    Ok(p)
}

fn team_form(
    model: &Model,
    form: &TeamForm,
    errors: &FormErrors,
    csrf: &Csrf,
    people: &[(String, String)],
) -> Markup {
    let parents: Vec<(String, String)> =
        std::iter::once((String::new(), "None (a top team)".to_string()))
            .chain(tree(model).into_iter().map(|(d, id)| {
                (
                    id.to_string(),
                    format!("{}{}", "· ".repeat(d), model.teams[&id].name),
                )
            }))
            .collect();
    let parent_choices: Vec<Choice> = parents.iter().map(|(v, l)| Choice::new(v, l)).collect();
    let member_choices: Vec<Choice> = people.iter().map(|(v, l)| Choice::new(v, l)).collect();
    let ticked: Vec<&str> = form.member_ids.iter().map(String::as_str).collect();
    html! {
        div.card {
            h2 { "Create a team" }
            form.stack method="post" action="/teams" novalidate {
                (errors.summary())
                (csrf.field())
                (Field::text("name", "Name").value(&form.name).required().error(errors.get("name")))
                (Field::select("parentId", "Inside", &parent_choices).value(&form.parent_id).error(errors.get("parentId")))
                (Choices::checkboxes("memberIds", "Members", &member_choices).selected(&ticked).columns()
                    .hint("People of your company, from openglip's directory").error(errors.get("memberIds")))
                div.actions { (Button::primary("Create team").icon(Icon::Users)) }
            }
        }
    }
}

async fn create(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> Answer {
    let kit = app.kit();
    let made = async {
        let members = lookup_people(&me.client, "memberIds", &form.member_ids).await?;
        let parent = Some(form.parent_id.trim()).filter(|p| !p.is_empty());
        app.service()
            .create_team(&me.viewer, &form.name, parent, members)
            .await
    }
    .await;
    match made {
        Ok(id) => Ok(see_other(&format!("/teams/{id}"))),
        Err(err) => {
            let mut err = err;
            // A member not found is named by its place (memberIds[2]): the field is the list.
            if let Error::NotFound { parameter, message } = &err
                && parameter.starts_with("memberIds")
            {
                err = Error::invalid("memberIds", message.clone());
            }
            let fields = [
                ("name", "name"),
                ("parentId", "parentId"),
                ("memberIds", "memberIds"),
            ];
            let errors = form_errors(err, &fields).map_err(|e| fail(kit, e))?;
            let p = render(&app, &me, &csrf, &form, &errors)
                .await
                .or_page(kit)?;
            Ok(p.into_response())
        }
    }
}
