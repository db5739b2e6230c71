//! "Forgot your password?" (`/forgot`), linked from the account's sign-in forms (the web client
//! and the admin portal): a person enters the e-mail address they sign in with; the platform
//! records a link in the mail outbox when it is an enabled person's
//! (`Platform::send_password_reset`), which opens the activation page to choose a new password.
//! The answer is the same whether or not the address is known, so the page tells nobody which
//! addresses exist; asking again for one address is rate limited.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use openglip_server::AppState;
use openglip_server::api::base_url;
use openglip_server::ratelimit::Group;
use openglip_webkit::html::{Button, Document, Field, FormErrors, auth_card};
use openglip_webkit::{Csrf, CsrfForm, Kit, Markup, Page, html};
use serde::Deserialize;

use crate::failure::{failure_page, form_errors};

fn card(kit: &Kit, title: &str, inner: Markup) -> Page {
    Page::new(Document::new(kit, title).render(auth_card(kit, inner)))
}

fn form(kit: &Kit, csrf: &Csrf, email: &str, errors: &FormErrors) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    card(
        kit,
        "Forgot your password?",
        html! {
            h1 { "Forgot your password?" }
            p.sub { "Enter the e-mail address you sign in with: we send it a link to choose a new password." }
            form.stack.mt method="post" action="/forgot" novalidate {
                (csrf.field())
                (Field::email("email", "E-mail address").value(email).required().error(errors.get("email")))
                (Button::primary("Send me a link").wide())
            }
            p.mt { a href="/" { "Back to sign in" } }
        },
    )
    .status(status)
    .into_response()
}

/// `GET /forgot`.
pub async fn page(kit: Kit, csrf: Csrf) -> Response {
    form(&kit, &csrf, "", &FormErrors::new())
}

/// The form, posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotFields {
    email: String,
}

/// `POST /forgot`: the link is sent (or not), and the same answer either way.
pub async fn send(
    State(st): State<AppState>,
    kit: Kit,
    csrf: Csrf,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<ForgotFields>,
) -> Response {
    let key = format!("forgot:{}", f.email.trim().to_ascii_lowercase());
    if st
        .check_rate(&key, Group::Heavy)
        .await
        .is_some_and(|d| d.retry_after.is_some())
    {
        let mut errors = FormErrors::new();
        errors.add(
            "email",
            "A link was asked for this address many times just now: wait a minute, then try again.",
        );
        return form(&kit, &csrf, &f.email, &errors);
    }
    match st
        .platform()
        .send_password_reset(&f.email, &base_url(&st, &headers))
        .await
    {
        Ok(()) => card(
            &kit,
            "Check your e-mail",
            html! {
                h1 { "Check your e-mail" }
                p.sub {
                    "If " strong { (f.email.trim()) } " is the address of an account here, it has a link to choose a new password. The link works for one hour."
                }
                p.mt { a href="/" { "Back to sign in" } }
            },
        )
        .into_response(),
        Err(e) => match form_errors(&e) {
            Some(errors) => form(&kit, &csrf, &f.email, &errors),
            None => failure_page(&kit, e),
        },
    }
}
