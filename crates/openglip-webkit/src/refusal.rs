//! [`Refusal`]: why the kit turned a request away before the handler ran, answered as a page
//! (a redirect to sign in, a 403 page) or as JSON in the app's own error body.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use crate::Kit;
use crate::response::{enc, error_page, json_error, see_other};

/// Why a request was turned away by an extractor.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Nobody is signed in (no session, or it ended). Pages go to `sign_in` (which carries
    /// `?next=` back to the page); JSON answers 401.
    SignInRequired { sign_in: String },
    /// Signed in, but not allowed (a role's refusal): 403 with this sentence.
    Forbidden(String),
    /// The request came from another origin (`Origin` of another site, or `Origin: null`).
    CrossOrigin,
    /// The CSRF token is missing or does not match the browser's cookie.
    CsrfMismatch,
    /// The form could not be read (400).
    BadForm(String),
    /// The app's storage failed (logged where it happened): 503, try again.
    Unavailable,
}

impl Refusal {
    /// Sign in first, coming back to `path_and_query` afterwards (only for pages a browser
    /// can GET again: a form post comes back to `sign_in` alone).
    pub(crate) fn sign_in(sign_in: &str, back: Option<&str>) -> Refusal {
        let sign_in = match back {
            Some(p) => {
                let sep = if sign_in.contains('?') { '&' } else { '?' };
                format!("{sign_in}{sep}next={}", enc(p))
            }
            None => sign_in.to_string(),
        };
        Refusal::SignInRequired { sign_in }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::SignInRequired { .. } => StatusCode::UNAUTHORIZED,
            Refusal::Forbidden(_) | Refusal::CrossOrigin | Refusal::CsrfMismatch => {
                StatusCode::FORBIDDEN
            }
            Refusal::BadForm(_) => StatusCode::BAD_REQUEST,
            Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A stable name, for the app's JSON error codes.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::SignInRequired { .. } => "SignInRequired",
            Refusal::Forbidden(_) => "Forbidden",
            Refusal::CrossOrigin => "CrossOrigin",
            Refusal::CsrfMismatch => "CsrfMismatch",
            Refusal::BadForm(_) => "BadForm",
            Refusal::Unavailable => "Unavailable",
        }
    }

    /// The sentence shown to a person.
    pub fn message(&self) -> String {
        match self {
            Refusal::SignInRequired { .. } => "Sign in to continue.".into(),
            Refusal::Forbidden(why) => why.clone(),
            Refusal::CrossOrigin => "Requests from other sites are not accepted.".into(),
            Refusal::CsrfMismatch => {
                "This form has expired. Go back, reload the page and try again.".into()
            }
            Refusal::BadForm(why) => format!("The form could not be read: {why}"),
            Refusal::Unavailable => {
                "The service is temporarily unavailable. Try again in a moment.".into()
            }
        }
    }

    /// The answer for a page: to the sign-in page, or an error page.
    pub fn page(&self, kit: &Kit) -> Response {
        match self {
            Refusal::SignInRequired { sign_in } => see_other(sign_in),
            other => error_page(kit, other.status(), other.title(), &other.message()),
        }
    }

    /// The answer for a JSON API: the app's error body ([`Kit::json_errors`]).
    pub fn json(&self, kit: &Kit) -> Response {
        json_error(self.status(), &kit.json_body(self))
    }

    /// As a page, or as JSON when the page's script asked ([`is_fetch`]).
    pub fn answer(&self, kit: &Kit, headers: &HeaderMap) -> Response {
        if is_fetch(headers) {
            self.json(kit)
        } else {
            self.page(kit)
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Refusal::SignInRequired { .. } => "Sign in",
            Refusal::Forbidden(_) => "Not allowed",
            Refusal::CrossOrigin | Refusal::CsrfMismatch => "Form expired",
            Refusal::BadForm(_) => "That did not work",
            Refusal::Unavailable => "Temporarily unavailable",
        }
    }
}

/// Whether a page's own script sent the request (`fetch` with `X-CSRF-Token`, or
/// `X-Requested-With: fetch`): it wants JSON or a fragment, not a redirect.
pub fn is_fetch(headers: &HeaderMap) -> bool {
    headers.contains_key(crate::csrf::CSRF_HEADER)
        || headers
            .get("x-requested-with")
            .is_some_and(|v| v.as_bytes() == b"fetch")
}

/// The default JSON error body: `{"errorCode": "SignInRequired", "message": "Sign in to
/// continue."}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorMessage {
    pub error_code: String,
    pub message: String,
}

impl ErrorMessage {
    pub fn of(r: &Refusal) -> ErrorMessage {
        ErrorMessage {
            error_code: r.code().to_string(),
            message: r.message(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_keeps_where_to_come_back() {
        assert_eq!(
            Refusal::sign_in("/signin", Some("/teams?x=1")),
            Refusal::SignInRequired {
                sign_in: "/signin?next=%2Fteams%3Fx%3D1".into()
            }
        );
        assert_eq!(
            Refusal::sign_in("/auth/start?prompt=login", Some("/")),
            Refusal::SignInRequired {
                sign_in: "/auth/start?prompt=login&next=%2F".into()
            }
        );
        assert_eq!(
            Refusal::sign_in("/signin", None),
            Refusal::SignInRequired {
                sign_in: "/signin".into()
            }
        );
    }
}
