//! The activation page (`/activate?token=`): a person added without a password sets one; the
//! same link, asked for with "Forgot your password?" (`forgot.rs`), lets an active person choose
//! a new one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use openglip_domain::*;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::html::{Button, Document, FormErrors, auth_card, hidden};
use openglip_webkit::{Csrf, CsrfForm, Kit, Markup, Page, error_page, html};
use serde::Deserialize;

use crate::failure::{failure_page, form_errors};
use crate::parts::{form_status, new_password_fields};

fn card(kit: &Kit, title: &str, inner: Markup) -> Page {
    Page::new(Document::new(kit, title).render(auth_card(kit, inner)))
}

/// The form of `ext`'s activation link `token`, `errors` in place.
fn form(kit: &Kit, csrf: &Csrf, token: &str, ext: &Extension, errors: &FormErrors) -> Response {
    let login = ext.email.as_deref().unwrap_or(&ext.extension_number);
    let reset = ext.status == ExtensionStatus::Enabled;
    let title = if reset {
        "Choose a new password"
    } else {
        "Activate your account"
    };
    let page = card(
        kit,
        title,
        html! {
            h1 { (title) }
            @if reset {
                p.sub { "Hello " (ext.first_name) ". Choose a new password: you sign in with " strong { (login) } "." }
            } @else {
                p.sub { "Welcome, " (ext.first_name) ". Set a password to finish: you sign in with " strong { (login) } "." }
            }
            form.stack.mt method="post" action="/activate" novalidate {
                (csrf.field())
                (hidden("token", token))
                (new_password_fields("Password", errors))
                (Button::primary(if reset { "Set password" } else { "Activate" }).wide())
            }
        },
    );
    page.status(form_status(errors)).into_response()
}

/// The person a link is for; the page when it does not work (unknown, used or expired).
async fn person(st: &AppState, kit: &Kit, token: &str) -> Result<Extension, Response> {
    match st.platform().activation(token).await {
        Ok(Some(ext)) => Ok(ext),
        Ok(None) => Err(error_page(
            kit,
            StatusCode::NOT_FOUND,
            "This link does not work",
            "The link is unknown, used or expired. Ask for a new one with \"Forgot your password?\" when you sign in, or ask your administrator.",
        )),
        Err(e) => Err(failure_page(kit, e)),
    }
}

/// `GET /activate?token=`.
pub async fn page(State(st): State<AppState>, kit: Kit, csrf: Csrf, p: Params) -> Response {
    let token = p.get("token").unwrap_or("");
    match person(&st, &kit, token).await {
        Ok(ext) => form(&kit, &csrf, token, &ext, &FormErrors::new()),
        Err(resp) => resp,
    }
}

/// The activation form, posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActivationFields {
    token: String,
    password: String,
    confirm: String,
}

/// `POST /activate`: sets the password; the person can sign in.
pub async fn activate(
    State(st): State<AppState>,
    kit: Kit,
    csrf: Csrf,
    CsrfForm(f): CsrfForm<ActivationFields>,
) -> Response {
    let ext = match person(&st, &kit, &f.token).await {
        Ok(ext) => ext,
        Err(resp) => return resp,
    };
    let mut errors = FormErrors::new();
    match st
        .platform()
        .activate(&f.token, &f.password, &f.confirm)
        .await
    {
        Ok(done) => {
            let login = done.email.as_deref().unwrap_or(&done.extension_number);
            let what = if ext.status == ExtensionStatus::Enabled {
                "Your password is changed."
            } else {
                "Your account is active."
            };
            let said = html! {
                h1 { "You're all set" }
                p.sub { (what) " Sign in with " strong { (login) } " and your new password." }
                div.actions { (Button::primary("Sign in").link("/")) }
            };
            return card(&kit, "Account activated", said).into_response();
        }
        Err(Error::NotFound(_)) => errors.add("password", "The link was used meanwhile."),
        Err(e) => match form_errors(&e) {
            Some(found) => errors = found,
            None => return failure_page(&kit, e),
        },
    }
    form(&kit, &csrf, &f.token, &ext, &errors)
}
