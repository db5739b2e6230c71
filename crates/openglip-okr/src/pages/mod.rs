//! The app's pages, on the page kit (`openglip-webkit`): server-rendered with maud through the
//! kit's components, working without script (dialogs open with it, and are pages of their own
//! without it), in the platform's look. People sign in with their openglip account
//! ([`session`]).
//!
//! - [`dashboards`]: the company's, a team's and a person's dashboard, with the title pane
//!   (**Followers**, **Follow**, the gear icon and its schedule popup) and the rules stated.
//! - [`objectives`]: an objective with its key results and their history, the check-in form,
//!   new objectives and key results. [`teams`]: the teams and a new team (a people picker
//!   from the platform's directory).
//! - [`followers`]: an entity's followers (the **Glip teams** tab, **Add Followers**);
//!   [`follower`]: the schedule popup (**Default** / **Custom schedule**, **Weekly** /
//!   **Monthly**, **Done**), **Edit**, **Preview** and **Send now**.
//! - [`admin`]: **Admin > Integrations** (**Add to Glip**, **Manage**, **Options > Remove Glip
//!   Integration**), the audit of every digest, the company's settings.
//!
//! Every handler takes its session (or the [`session::OkrAdmin`] role) and, for a form, the
//! kit's verified [`CsrfForm`](openglip_webkit::CsrfForm) before it does anything; a form with
//! bad input comes back with its errors in place (400) and nothing saved.

pub mod admin;
pub mod dashboards;
pub mod follower;
pub mod followers;
pub mod objectives;
mod parts;
mod schedule_form;
pub mod session;
pub mod teams;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{FromRequestParts, OriginalUri, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_webkit::html::{Button, Document, NavLink, Shell, SideGroup, auth_card};
use openglip_webkit::signin;
use openglip_webkit::{
    Csrf, CsrfForm, Kit, Markup, Page, Session, end_session, error_page, html, see_other,
};
use serde::Deserialize;

use crate::api::Caller;
use crate::app::App;
use crate::error::{Error, status_and_code};
use crate::model::{Entity, EntityType};
use crate::platform::lookup_person;

/// The app's own stylesheet, after the kit's: progress, figures, tabs, the title pane.
const STYLESHEET: &str = "/okr/okr.css";
const CSS: &str = include_str!("../../assets/okr.css");

/// The pages' routes (the kit and the state are added by [`crate::router`]).
pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| async { see_other("/company") }))
        .route(STYLESHEET, get(stylesheet))
        .route("/auth/signin", get(signin::start::<App>))
        .route("/auth/callback", get(signin::callback::<App>))
        .route("/signout", post(sign_out))
        .route("/signed-out", get(signed_out))
        .merge(dashboards::routes())
        .merge(objectives::routes())
        .merge(teams::routes())
        .merge(followers::routes())
        .merge(follower::routes())
        .merge(admin::routes())
}

async fn stylesheet(h: HeaderMap) -> Response {
    openglip_webkit::assets::asset(&h, "text/css; charset=utf-8", CSS.as_bytes())
}

/// What no route serves: the API's error under `/api/`, else a page.
pub async fn not_found(kit: Kit, OriginalUri(uri): OriginalUri) -> Response {
    if uri.path().starts_with(crate::api::PREFIX) {
        return crate::api::no_such_resource().into_response();
    }
    error_page(
        &kit,
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no such page in the OKR app.",
    )
}

/// A route that does not answer this method.
pub async fn method_not_allowed(kit: Kit, OriginalUri(uri): OriginalUri) -> Response {
    if uri.path().starts_with(crate::api::PREFIX) {
        return Error::MethodNotAllowed.into_response();
    }
    error_page(
        &kit,
        StatusCode::METHOD_NOT_ALLOWED,
        "Not here",
        "This page cannot be used that way.",
    )
}

// ---------- failures as pages ----------

/// A page handler's failure, already answered (an error page, or a redirect to sign in).
pub struct Fail(Box<Response>);

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// What a page handler answers.
pub type Answer = Result<Response, Fail>;

/// The page of an error: its status from the one error table, its words for a person.
pub fn fail(kit: &Kit, e: Error) -> Fail {
    let (status, _) = status_and_code(&e);
    let (title, message) = match &e {
        Error::NotFound { message, .. } => ("Not found", message.clone()),
        Error::Forbidden(m) => ("Not allowed", m.clone()),
        // The platform no longer takes the session's token: sign in again.
        Error::Unauthenticated { .. } => return Fail(Box::new(see_other("/auth/signin"))),
        Error::Platform(_) | Error::Unavailable(_) | Error::RateLimited => (
            "openglip is not answering",
            format!("{e} Try again in a moment."),
        ),
        Error::Internal(detail) => {
            tracing::error!(error = %detail, "a page failed");
            (
                "Something went wrong",
                "The OKR app could not do this. Try again, or tell your administrator.".into(),
            )
        }
        other => ("That did not work", other.to_string()),
    };
    Fail(Box::new(error_page(kit, status, title, &message)))
}

/// `result.or_page(&kit)?`: an error as its page.
pub trait OrPage<T> {
    fn or_page(self, kit: &Kit) -> Result<T, Fail>;
}

impl<T> OrPage<T> for crate::error::Result<T> {
    fn or_page(self, kit: &Kit) -> Result<T, Fail> {
        self.map_err(|e| fail(kit, e))
    }
}

// ---------- the chrome ----------

const OKRS: &[(&str, &str)] = &[
    ("/company", "Company"),
    ("/teams", "Teams"),
    ("/me", "My OKRs"),
];

/// A signed-in page: the kit's shell with the app's side menu (**Admin** for administrators),
/// who is signed in and the sign-out button.
pub fn page(app: &App, me: &Caller, csrf: &Csrf, current: &str, title: &str, main: Markup) -> Page {
    let kit = app.kit();
    let mut groups = vec![SideGroup {
        heading: "OKRs",
        links: OKRS
            .iter()
            .map(|(href, label)| NavLink { href, label })
            .collect(),
    }];
    if me.viewer.is_admin() {
        groups.push(SideGroup {
            heading: "Administration",
            links: vec![NavLink {
                href: "/admin/integrations",
                label: "Admin",
            }],
        });
    }
    // The side menu marks the section a page belongs to.
    let section = ["/admin", "/teams", "/me"]
        .into_iter()
        .find(|s| current.starts_with(s))
        .map(|s| {
            if s == "/admin" {
                "/admin/integrations"
            } else {
                s
            }
        })
        .unwrap_or("/company");
    let name = me.viewer.person.name();
    let doc = Document::new(kit, title).stylesheet(STYLESHEET);
    let shell = Shell::new(kit, "OKRs", "/company")
        .user(&name)
        .sign_out("/signout", csrf)
        .side(groups, section)
        .document(doc);
    Page::new(shell.render(title, main))
}

/// The local path of an entity's dashboard (`/company`, `/teams/3`, `/people/7`).
pub fn entity_path(e: &Entity) -> String {
    match e.kind {
        EntityType::Company => "/company".into(),
        EntityType::Team => format!("/teams/{}", e.id),
        EntityType::Person => format!("/people/{}", e.id),
    }
}

// ---------- what a path names ----------

/// The entity a page's path names: `/company/…`, `/teams/{team}/…` or `/people/{person}/…`
/// (one handler serves all three routes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Company,
    Team(String),
    Person(String),
}

impl<S: Send + Sync> FromRequestParts<S> for Target {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(match (params.get("team"), params.get("person")) {
            (Some(t), _) => Target::Team(t.clone()),
            (None, Some(p)) => Target::Person(p.clone()),
            (None, None) => Target::Company,
        })
    }
}

impl Target {
    /// The entity, checked: a team of the company, a person of its directory (recorded, so
    /// their name is known). Not found otherwise.
    pub async fn resolve(&self, app: &App, me: &Caller) -> crate::error::Result<Entity> {
        let v = &me.viewer;
        match self {
            Target::Company => Ok(Entity::company(&v.account_id)),
            Target::Team(id) => {
                let model = app.service().model(v).await?;
                Ok(Entity::team(app.service().team(&model, "teamId", id)?.id))
            }
            Target::Person(id) => {
                let p = lookup_person(&me.client, id).await?.ok_or_else(|| {
                    Error::not_found(
                        "personId",
                        format!("There is no person [{id}] in your company"),
                    )
                })?;
                app.store()
                    .upsert_people(&v.account_id, vec![p], app.now())
                    .await?;
                Ok(Entity::person(id))
            }
        }
    }
}

/// The path of a page of an entity (`/teams/3` + `/followers`).
pub fn entity_page(e: &Entity, page: &str) -> String {
    format!("{}{page}", entity_path(e))
}

// ---------- signing out ----------

#[derive(Deserialize)]
struct Nothing {}

async fn sign_out(
    State(app): State<App>,
    kit: Kit,
    headers: HeaderMap,
    _: Session<Caller>,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Answer {
    let cleared = end_session::<Caller, _>(&app, &kit, &headers)
        .await
        .map_err(|e| fail(&kit, Error::internal(e)))?;
    Ok((cleared, see_other("/signed-out")).into_response())
}

async fn signed_out(kit: Kit) -> Page {
    let doc = Document::new(&kit, "Signed out").render(auth_card(
        &kit,
        html! {
            h1 { "You are signed out" }
            p.sub { "Your OKRs stay where they are." }
            p.mt { (Button::primary("Sign in with openglip").link("/auth/signin").wide()) }
        },
    ));
    Page::new(doc)
}
