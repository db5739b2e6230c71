//! The app's one error enum, and the one place it becomes HTTP: a status and RingCentral's error
//! body (`errorCode`, `message`, `errors[]` naming the parameter), the same shape the platform
//! answers with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use openglip_sdk::wire::{ErrorBody, ErrorDetail};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A parameter has a value that is not acceptable.
    #[error("{message}")]
    Invalid { parameter: String, message: String },
    /// A required parameter is missing.
    #[error("Mandatory parameter [{0}] not specified")]
    Missing(String),
    /// The body is not JSON, or empty.
    #[error("The request body cannot be read: {0}")]
    Unreadable(String),
    /// No token, or the platform did not accept it (its `errorCode` is kept).
    #[error("{message}")]
    Unauthenticated { code: String, message: String },
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// What the parameter names does not exist, or is not the caller's to see.
    #[error("{message}")]
    NotFound { parameter: String, message: String },
    /// The resource exists but not with this method.
    #[error("The method is not allowed for this resource")]
    MethodNotAllowed,
    /// The request conflicts with the current state (a duplicate, a missing integration).
    #[error("{0}")]
    Conflict(String),
    /// The platform refused or failed a call made on the caller's behalf.
    #[error("The platform answered: {0}")]
    Platform(String),
    /// The platform asked us to slow down.
    #[error("Too many requests to the platform; try again later")]
    RateLimited,
    /// The platform cannot be reached.
    #[error("The platform is unreachable: {0}")]
    Unavailable(String),
    /// A bug or a failed database; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(parameter: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid {
            parameter: parameter.into(),
            message: message.into(),
        }
    }

    pub fn not_found(parameter: impl Into<String>, message: impl Into<String>) -> Error {
        Error::NotFound {
            parameter: parameter.into(),
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Error {
        Error::Forbidden(message.into())
    }

    pub fn internal(e: impl std::fmt::Display) -> Error {
        Error::Internal(e.to_string())
    }

    /// A platform error from a call made for a request: 401 and 429 keep their meaning, an
    /// unreachable platform is 503, the rest is 502. `not_found` says what a 404 means here.
    pub fn from_platform(e: openglip_sdk::Error, not_found: Option<(&str, &str)>) -> Error {
        match (e.status(), not_found) {
            (Some(404), Some((p, m))) => Error::not_found(p, m),
            (Some(401), _) => Error::Unauthenticated {
                code: e.error_code().unwrap_or("OAU-213").to_string(),
                message: "The platform did not accept the token".into(),
            },
            (Some(429), _) => Error::RateLimited,
            _ if e.is_transient() => Error::Unavailable(e.to_string()),
            _ => Error::Platform(e.to_string()),
        }
    }

    /// The parameter the error is about.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            Error::Invalid { parameter, .. } | Error::NotFound { parameter, .. } => Some(parameter),
            Error::Missing(p) => Some(p),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::Internal(format!("database: {e}"))
    }
}

/// The mapping table: HTTP status and `errorCode` of every error.
pub fn status_and_code(e: &Error) -> (StatusCode, String) {
    use StatusCode as S;
    let (status, code) = match e {
        Error::Invalid { .. } => (S::BAD_REQUEST, "CMN-101"),
        Error::Missing(_) => (S::BAD_REQUEST, "CMN-100"),
        Error::Unreadable(_) => (S::BAD_REQUEST, "CMN-103"),
        Error::Unauthenticated { code, .. } => return (S::UNAUTHORIZED, code.clone()),
        Error::Forbidden(_) => (S::FORBIDDEN, "CMN-408"),
        Error::NotFound { .. } => (S::NOT_FOUND, "CMN-102"),
        Error::MethodNotAllowed => (S::METHOD_NOT_ALLOWED, "CMN-120"),
        Error::Conflict(_) => (S::CONFLICT, "OKR-409"),
        Error::Platform(_) => (S::BAD_GATEWAY, "OKR-502"),
        Error::RateLimited => (S::TOO_MANY_REQUESTS, "CMN-301"),
        Error::Unavailable(_) => (S::SERVICE_UNAVAILABLE, "CMN-201"),
        Error::Internal(_) => (S::INTERNAL_SERVER_ERROR, "CMN-203"),
    };
    (status, code.to_string())
}

/// The error body.
pub fn body(e: &Error) -> ErrorBody {
    let (_, code) = status_and_code(e);
    let message = match e {
        Error::Internal(_) => "Internal Server Error".to_string(),
        other => other.to_string(),
    };
    ErrorBody {
        error_code: code.clone(),
        message: message.clone(),
        errors: vec![ErrorDetail {
            error_code: code,
            message,
            parameter_name: e.parameter().map(str::to_string),
            parameter_value: None,
        }],
        error: None,
        error_description: None,
    }
}

/// The page kit's refusals (signed out, not allowed, a form from elsewhere) in the API's error
/// body, for the kit's JSON answers.
pub fn refusal_body(r: &openglip_webkit::Refusal) -> ErrorBody {
    use openglip_webkit::Refusal as R;
    let code = match r {
        R::SignInRequired { .. } => "CMN-405",
        R::Forbidden(_) | R::CrossOrigin | R::CsrfMismatch => "CMN-408",
        R::BadForm(_) => "CMN-101",
        R::Unavailable => "CMN-201",
    };
    let message = r.message();
    ErrorBody {
        error_code: code.into(),
        message: message.clone(),
        errors: vec![ErrorDetail {
            error_code: code.into(),
            message,
            parameter_name: None,
            parameter_value: None,
        }],
        error: None,
        error_description: None,
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, _) = status_and_code(&self);
        if let Error::Internal(detail) = &self {
            tracing::error!(error = %detail, "internal error");
        }
        (status, axum::Json(body(&self))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_name_the_parameter_and_hide_internals() {
        let b = body(&Error::invalid("schedule.time", "[9:00] is not a time"));
        assert_eq!(b.error_code, "CMN-101");
        assert_eq!(b.errors[0].parameter_name.as_deref(), Some("schedule.time"));
        assert_eq!(b.message, "[9:00] is not a time");
        let b = body(&Error::internal("disk on fire"));
        assert_eq!(b.message, "Internal Server Error");
        assert_eq!(
            status_and_code(&Error::not_found("chatId", "x")).0,
            StatusCode::NOT_FOUND
        );
        let (s, c) = status_and_code(&Error::Unauthenticated {
            code: "OAU-213".into(),
            message: "no".into(),
        });
        assert_eq!((s, c.as_str()), (StatusCode::UNAUTHORIZED, "OAU-213"));
    }
}
