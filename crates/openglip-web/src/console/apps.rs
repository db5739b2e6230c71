//! My apps, Create App, and an app's settings.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use openglip_domain::platform::AppRecord;
use openglip_platform::apps::AppForm;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::html::{Button, FormErrors, Table, Tone, notice};
use openglip_webkit::{CsrfForm, enc, html, see_other};

use super::app_form::{AppFields, app_form, form_of};
use super::dev::{Dev, OwnApp, app_page, kind_label};
use crate::failure::{failure_page, in_form};
use crate::parts::{correct_notice, env_pill, form_status, heading};
use crate::words::when;

const APP_COLUMNS: &[&str] = &["App", "Type", "Client ID", "Environment", "Created"];

/// `GET /console`: my apps, and my sandbox account.
pub async fn home(State(st): State<AppState>, d: Dev) -> Response {
    let found = async {
        let apps = st.platform().apps_of_developer(&d.ext).await?;
        Ok::<_, openglip_domain::Error>((apps, st.platform().sandbox_of(&d.ext).await?))
    };
    let (apps, sandbox) = match found.await {
        Ok(found) => found,
        Err(e) => return failure_page(&d.kit, e),
    };
    let rows = apps.iter().map(|r| {
        let href = format!("/console/apps/{}", r.app.client_id);
        html! {
            td { a href=(href) { strong { (r.app.name) } } br; span.hint { (r.details.description) } }
            td { (kind_label(r)) }
            td { code { (r.app.client_id) } }
            td { (env_pill(r.details.stage)) }
            td { (when(r.details.created)) }
        }
    });
    let table = Table::new(APP_COLUMNS).caption("Your apps").rows(rows).empty(html! {
        h2 { "Get started: create your first app" }
        p { "An app gets a client ID and secret to call the team messaging API, in a sandbox first." }
        (Button::primary("Create your first app").link("/console/apps/new"))
    });
    let main = html! {
        div.pagehead {
            div { h1 { "Apps" } p.sub { "Apps and bots you registered." } }
            (Button::primary("Create App").link("/console/apps/new"))
        }
        div.card { (table) }
        @if let Some(acc) = &sandbox {
            div.card {
                h2 { "Your sandbox account" }
                dl.kv {
                    dt { "Company" } dd { (acc.name) }
                    dt { "Phone number" } dd { code { (acc.main_number) } }
                    dt { "Extension" } dd { code { "101" } " (administrator)" }
                    dt { "Admin portal" } dd { a href="/admin" { "Sign in to the admin portal" } " to add users" }
                }
            }
        } @else if !apps.is_empty() {
            div.card {
                h2 { "Your sandbox account" }
                p { "You have no sandbox account yet: apps are tested against one before production." }
                (Button::secondary("Set up my sandbox account").link("/console/sandbox"))
            }
        }
    };
    d.page("/console", "Apps", main).into_response()
}

const NEW_APP_SUB: &str = "Apps start in the sandbox; apply for production when they are ready.";

/// The Create App page, with `f` filled in and `errors` in place.
fn create_page(d: &Dev, f: &AppForm, errors: &FormErrors) -> Response {
    let main = html! {
        (heading("Create App", html! { (NEW_APP_SUB) }))
        (correct_notice(errors))
        (app_form(&d.csrf, f, errors, None))
    };
    let page = d.page("/console", "Create App", main);
    page.status(form_status(errors)).into_response()
}

/// `GET /console/apps/new`: Create App.
pub async fn new_app(d: Dev) -> Response {
    let f = AppForm {
        contact_email: d.ext.email.clone().unwrap_or_default(),
        permissions: vec!["TeamMessaging".into()],
        ..Default::default()
    };
    create_page(&d, &f, &FormErrors::new())
}

/// `POST /console/apps`: creates the app, then on to its credentials (through the sandbox
/// account's set-up when the developer has none yet).
pub async fn create(
    State(st): State<AppState>,
    d: Dev,
    CsrfForm(fields): CsrfForm<AppFields>,
) -> Response {
    let f = fields.form();
    let record = match st.platform().create_app(&d.ext, &f).await {
        Ok((record, _)) => record,
        Err(e) => return in_form(&d.kit, e, |errors| create_page(&d, &f, errors)),
    };
    let created = format!("/console/apps/{}?created=1", record.app.client_id);
    match st.platform().sandbox_of(&d.ext).await {
        Ok(Some(_)) => see_other(&created),
        Ok(None) => see_other(&format!("/console/sandbox?next={}", enc(&created))),
        Err(e) => failure_page(&d.kit, e),
    }
}

/// The settings page of `r`, with `f` filled in, `errors` in place and a `saved` notice.
fn settings_page(
    d: &Dev,
    r: &AppRecord,
    f: &AppForm,
    errors: &FormErrors,
    saved: bool,
) -> Response {
    let current = format!("/console/apps/{}/settings", r.app.client_id);
    let main = html! {
        (heading("Settings", html! { (r.app.name) }))
        @if saved { (notice(Tone::Ok, html! { "Settings saved." })) }
        (correct_notice(errors))
        (app_form(&d.csrf, f, errors, Some(r)))
    };
    let page = app_page(d, r, &current, "Settings", main);
    page.status(form_status(errors)).into_response()
}

/// `GET /console/apps/{id}/settings`.
pub async fn settings(OwnApp { d, r }: OwnApp, p: Params) -> Response {
    settings_page(
        &d,
        &r,
        &form_of(&r),
        &FormErrors::new(),
        p.get("saved").is_some(),
    )
}

/// `POST /console/apps/{id}/settings`: the kind and client type stay as they are.
pub async fn save_settings(
    State(st): State<AppState>,
    OwnApp { d, r }: OwnApp,
    CsrfForm(fields): CsrfForm<AppFields>,
) -> Response {
    let mut f = fields.form();
    let current = form_of(&r);
    f.kind = current.kind;
    f.client_type = current.client_type;
    match st.platform().update_app(&r, &f).await {
        Ok(_) => see_other(&format!(
            "/console/apps/{}/settings?saved=1",
            r.app.client_id
        )),
        Err(e) => in_form(&d.kit, e, |errors| settings_page(&d, &r, &f, errors, false)),
    }
}
