//! The one place where domain errors become HTTP: status, RingCentral `errorCode`, and body.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use openglip_domain::error::AuthFailure;
use openglip_domain::{Error, Permission};
use openglip_wire::{ErrorBody, ErrorDetail};

/// An error on its way out. Handlers return `Result<_, ApiError>` and use `?` on domain results.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The mapping table: (HTTP status, RingCentral error code) for every domain error.
pub fn status_and_code(e: &Error) -> (StatusCode, &'static str) {
    use StatusCode as S;
    match e {
        Error::InvalidParameter { .. } => (S::BAD_REQUEST, "CMN-101"),
        Error::MissingParameter(_) => (S::BAD_REQUEST, "CMN-100"),
        Error::TooLong { .. } => (S::BAD_REQUEST, "CMN-409"),
        Error::OutOfRange { .. } => (S::BAD_REQUEST, "CMN-411"),
        Error::UnparsableBody(_) => (S::BAD_REQUEST, "CMN-103"),
        Error::EmptyBody => (S::BAD_REQUEST, "CMN-104"),
        Error::UnsupportedMediaType(_) => (S::UNSUPPORTED_MEDIA_TYPE, "CMN-407"),
        Error::PayloadTooLarge(_) => (S::PAYLOAD_TOO_LARGE, "CMN-101"),
        Error::NotFound(_) => (S::NOT_FOUND, "CMN-102"),
        Error::InvalidUri => (S::NOT_FOUND, "CMN-120"),
        Error::MethodNotAllowed => (S::METHOD_NOT_ALLOWED, "CMN-120"),
        Error::AppPermissionRequired(_) => (S::FORBIDDEN, "CMN-401"),
        Error::Forbidden(_) => (S::FORBIDDEN, "CMN-408"),
        Error::Unauthenticated(f) => (
            S::UNAUTHORIZED,
            match f {
                AuthFailure::Missing => "CMN-405",
                AuthFailure::UnsupportedScheme => "OAU-151",
                AuthFailure::Malformed => "OAU-149",
                AuthFailure::NotFound => "OAU-213",
                AuthFailure::Expired => "OAU-128",
                AuthFailure::ExtensionRemoved => "OAU-232",
                AuthFailure::ExtensionDisabled => "OAU-236",
            },
        ),
        Error::OAuth { kind, code, .. } => (
            match kind {
                openglip_domain::error::OAuthError::InvalidClient => S::UNAUTHORIZED,
                _ => S::BAD_REQUEST,
            },
            code,
        ),
        Error::InvalidEventFilter(_) => (S::BAD_REQUEST, "SUB-508"),
        Error::WebhookValidationFailed(_) => (S::BAD_REQUEST, "SUB-525"),
        Error::UnsupportedTransport(_) => (S::BAD_REQUEST, "SUB-523"),
        Error::RateLimited { .. } => (S::TOO_MANY_REQUESTS, "CMN-301"),
        Error::Unavailable => (S::SERVICE_UNAVAILABLE, "CMN-201"),
        Error::Internal(_) => (S::INTERNAL_SERVER_ERROR, "CMN-203"),
    }
}

fn message(e: &Error) -> String {
    match e {
        Error::InvalidParameter {
            detail: Some(d), ..
        } => d.clone(),
        Error::Unauthenticated(f) => match f {
            AuthFailure::Missing => "Login to extension required".into(),
            AuthFailure::UnsupportedScheme => "Authorization method not supported".into(),
            AuthFailure::Malformed => "Invalid token".into(),
            AuthFailure::NotFound => "Token not found".into(),
            AuthFailure::Expired => "Access token expired".into(),
            AuthFailure::ExtensionRemoved => "Extension not found".into(),
            AuthFailure::ExtensionDisabled => "Extension is disabled or frozen".into(),
        },
        // Never leak internals to clients; they are logged instead.
        Error::Internal(_) => "Internal Server Error".into(),
        other => other.to_string(),
    }
}

/// The RingCentral error body for a domain error.
pub fn body(e: &Error) -> ErrorBody {
    let (_, code) = status_and_code(e);
    let msg = message(e);
    let (error, error_description) = match e {
        Error::OAuth { kind, message, .. } => {
            (Some(kind.as_str().to_string()), Some(message.clone()))
        }
        _ => (None, None),
    };
    ErrorBody {
        error_code: code.to_string(),
        message: msg.clone(),
        errors: vec![ErrorDetail {
            error_code: code.to_string(),
            message: msg,
            parameter_name: e.parameter_name().map(str::to_string),
            parameter_value: None,
        }],
        error,
        error_description,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = status_and_code(&self.0);
        if let Error::Internal(detail) = &self.0 {
            tracing::error!(error = %detail, "internal error");
        }
        let mut resp = (status, axum::Json(body(&self.0))).into_response();
        let headers = resp.headers_mut();
        match &self.0 {
            Error::RateLimited {
                retry_after_secs, ..
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            Error::Unauthenticated(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"openglip\""),
                );
            }
            Error::OAuth { kind, .. } => {
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                if *kind == openglip_domain::error::OAuthError::InvalidClient {
                    // RFC 6749 §5.2: a 401 names the client authentication scheme to use.
                    headers.insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Basic realm=\"openglip\""),
                    );
                }
            }
            _ => {}
        }
        resp
    }
}

/// Shorthand for the permission error.
pub fn needs(p: Permission) -> ApiError {
    ApiError(Error::AppPermissionRequired(p))
}
