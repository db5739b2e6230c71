//! The app's one error enum, and its one mapping to HTTP: RingCentral's error body
//! (`errorCode`, `message`, `errors[]`) for the API, the same words on the pages.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::dialog::DialogError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A field's problem, for forms and `errors[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Fields of a request that are wrong (each named).
    #[error("{}", .0.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" "))]
    Invalid(Vec<FieldError>),
    /// A dialog file with errors (each at its line).
    #[error("The dialog file has {} error(s).", .0.len())]
    Dialog(Vec<DialogError>),
    #[error("{0} not found.")]
    NotFound(String),
    #[error("Sign in first.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// The openglip platform refused or failed (words for people).
    #[error("{0}")]
    Platform(String),
    #[error("the agent app's database failed: {0}")]
    Store(String),
}

impl Error {
    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// (HTTP status, RingCentral error code).
    pub fn status(&self) -> (StatusCode, &'static str) {
        match self {
            Error::Invalid(_) | Error::Dialog(_) => (StatusCode::BAD_REQUEST, "CMN-101"),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "CMN-102"),
            Error::Unauthenticated => (StatusCode::UNAUTHORIZED, "AGW-401"),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "CMN-401"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "CMN-409"),
            Error::Platform(_) => (StatusCode::BAD_GATEWAY, "CMN-502"),
            Error::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, "CMN-211"),
        }
    }

    /// RingCentral's error body.
    pub fn body(&self) -> serde_json::Value {
        let (_, code) = self.status();
        let errors: Vec<serde_json::Value> = match self {
            Error::Invalid(fields) => fields
                .iter()
                .map(|f| json!({"errorCode": code, "message": f.message, "parameterName": f.field}))
                .collect(),
            Error::Dialog(list) => list
                .iter()
                .map(|d| json!({"errorCode": code, "message": d.message, "line": d.line}))
                .collect(),
            other => vec![json!({"errorCode": code, "message": other.to_string()})],
        };
        json!({"errorCode": code, "message": self.to_string(), "errors": errors})
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::Store(e.to_string())
    }
}

impl From<openglip_sdk::Error> for Error {
    fn from(e: openglip_sdk::Error) -> Error {
        Error::Platform(e.to_string())
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Store(e) = &self {
            tracing::error!(error = %e, "store failure");
        }
        (self.status().0, Json(self.body())).into_response()
    }
}
