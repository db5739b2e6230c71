//! The developer's sandbox account: a company of their own, with them as its administrator
//! (extension 101), created once with the administrator's password.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::html::{Button, FormErrors, hidden};
use openglip_webkit::{CsrfForm, html, local_path, see_other};
use serde::Deserialize;

use super::dev::Dev;
use crate::failure::{failure_page, in_form};
use crate::parts::{form_status, heading, new_password_fields};

/// `GET /console/sandbox`: the form, or on to `next` when the sandbox exists.
pub async fn page(State(st): State<AppState>, d: Dev, p: Params) -> Response {
    let next = local_path(p.get("next"), "/console");
    match st.platform().sandbox_of(&d.ext).await {
        Ok(Some(_)) => see_other(&next),
        Ok(None) => form(&d, &next, &FormErrors::new()),
        Err(e) => failure_page(&d.kit, e),
    }
}

fn form(d: &Dev, next: &str, errors: &FormErrors) -> Response {
    let main = html! {
        (heading("Your sandbox account", html! {
            "Apps are built and tested against a sandbox: a company of its own, with you as its administrator."
        }))
        div.card {
            div.steps {
                span { "1. Create app" }
                span aria-current="step" { "2. Sandbox account" }
                span { "3. Credentials" }
            }
            p {
                "We create a sandbox company for you. Set the password of its administrator (you): you sign in to the sandbox with its phone number and extension "
                code { "101" } ", add users there, and authorize your app with them."
            }
            form.stack method="post" action="/console/sandbox" novalidate {
                (d.csrf.field())
                (hidden("next", next))
                (new_password_fields("Sandbox administrator password", errors))
                div.actions { (Button::primary("Next")) }
            }
        }
    };
    let page = d.page("/console", "Sandbox account", main);
    page.status(form_status(errors)).into_response()
}

/// The sandbox form, posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SandboxFields {
    password: String,
    confirm: String,
    next: Option<String>,
}

/// `POST /console/sandbox`: creates the sandbox account, then on to `next`.
pub async fn create(
    State(st): State<AppState>,
    d: Dev,
    CsrfForm(f): CsrfForm<SandboxFields>,
) -> Response {
    let next = local_path(f.next.as_deref(), "/console");
    let mut errors = FormErrors::new();
    if f.password != f.confirm {
        errors.add("confirm", "The passwords do not match.");
        return form(&d, &next, &errors);
    }
    match st.platform().create_sandbox(&d.ext, &f.password).await {
        Ok(_) => see_other(&next),
        Err(e) => in_form(&d.kit, e, |errors| form(&d, &next, errors)),
    }
}
