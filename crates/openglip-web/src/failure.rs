//! How the pages show a domain error: in place on the form when it is about what was entered
//! ([`form_errors`]), otherwise as an error page whose status is the API's for the same error
//! ([`failure_page`]: a failing store is logged and shown as a 500/503 page, never as an empty
//! list).

use axum::http::StatusCode;
use axum::response::Response;
use openglip_domain::Error;
use openglip_webkit::html::FormErrors;
use openglip_webkit::{Kit, error_page};

/// A domain error in words for a person (internal details are not shown).
pub fn error_message(e: &Error) -> String {
    match e {
        Error::Internal(_) | Error::Unavailable => "Something went wrong. Please try again.".into(),
        other => openglip_server::error::message(other),
    }
}

/// The fields a domain error is about, each with its message, to show in place; `None` when
/// it is not about what was entered (show [`failure_page`] then).
pub fn form_errors(e: &Error) -> Option<FormErrors> {
    let fields = e.fields()?;
    let mut out = FormErrors::new();
    for f in fields {
        out.add(&f.name, f.message);
    }
    Some(out)
}

/// The page for an error a form cannot fix: not found, forbidden, the store failing (logged,
/// 500 or 503). Its status is the API's for the same error.
pub fn failure_page(kit: &Kit, e: Error) -> Response {
    let (status, _) = openglip_server::error::status_and_code(&e);
    if status.is_server_error() {
        tracing::error!(error = %e, "a page failed");
        return error_page(
            kit,
            status,
            "Something went wrong",
            "The server could not do this just now. Please try again in a moment.",
        );
    }
    let message = match &e {
        Error::NotFound(_) => "There is nothing here, or it is not yours to see.".into(),
        other => error_message(other),
    };
    error_page(kit, status, "This did not work", &message)
}

/// A 404 page about one thing (an app, a user) that is not there or not the viewer's.
pub fn not_found(kit: &Kit, title: &str, message: &str) -> Response {
    error_page(kit, StatusCode::NOT_FOUND, title, message)
}

/// A domain error answered by a form: shown in place (`again`, with the errors) when it is
/// about what was entered, else the error page.
pub fn in_form(kit: &Kit, e: Error, again: impl FnOnce(&FormErrors) -> Response) -> Response {
    match form_errors(&e) {
        Some(errors) => again(&errors),
        None => failure_page(kit, e),
    }
}
