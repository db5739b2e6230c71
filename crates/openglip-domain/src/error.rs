//! The one error enum of the domain. The HTTP edge maps each variant, in one table, to a status and
//! RingCentral's error body (`errorCode`, `message`, `errors[]`).

use crate::perm::Permission;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a bearer token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization` header at all.
    Missing,
    /// A scheme other than `Bearer`.
    UnsupportedScheme,
    /// Not a token this server could have issued.
    Malformed,
    /// Unknown or revoked.
    NotFound,
    Expired,
    /// The token's extension was removed (bots uninstalled).
    ExtensionRemoved,
    /// The token's extension is disabled.
    ExtensionDisabled,
}

/// Errors of the OAuth token and revoke endpoints (RFC 6749 §5.2 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthError {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
}

impl OAuthError {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::InvalidGrant => "invalid_grant",
            OAuthError::UnauthorizedClient => "unauthorized_client",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
            OAuthError::InvalidScope => "invalid_scope",
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A parameter (path, query or body) has a value that is not acceptable.
    #[error("Parameter [{name}] value is invalid.")]
    InvalidParameter {
        name: String,
        /// A more specific explanation, shown instead of the generic text when present.
        detail: Option<String>,
    },
    #[error("Mandatory parameter [{0}] not specified")]
    MissingParameter(String),
    #[error("The parameter [{name}] cannot be longer than {max}")]
    TooLong { name: String, max: usize },
    #[error("The parameter [{name}] has to be in the range: [{min}..{max}].")]
    OutOfRange { name: String, min: i64, max: i64 },
    /// The request body is not JSON, or not the JSON the endpoint takes.
    #[error("JSON can't be parsed: {0}")]
    UnparsableBody(String),
    #[error("Cannot parse request")]
    EmptyBody,
    #[error("Unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("Request body is too large (limit {0} bytes)")]
    PayloadTooLarge(usize),
    /// The resource named by a parameter does not exist, or the caller may not see it.
    #[error("Resource for parameter [{0}] is not found")]
    NotFound(String),
    #[error("Invalid URI")]
    InvalidUri,
    #[error("Method not allowed")]
    MethodNotAllowed,
    /// The app behind the token lacks a permission the endpoint requires.
    #[error("In order to call this API endpoint, application needs to have [{0}] permission")]
    AppPermissionRequired(Permission),
    /// The person may not do this to this resource.
    #[error("{0}")]
    Forbidden(String),
    #[error("Authentication failed: {0:?}")]
    Unauthenticated(AuthFailure),
    #[error("{message}")]
    OAuth {
        kind: OAuthError,
        code: &'static str,
        message: String,
        parameter: Option<&'static str>,
    },
    /// An event filter that is unknown, malformed or not allowed to the subscriber (`SUB-508`).
    #[error("{0}")]
    InvalidEventFilter(String),
    /// The subscription's WebHook address did not pass the validation handshake (`SUB-525`).
    #[error("WebHook server response is invalid: {0}")]
    WebhookValidationFailed(String),
    /// A delivery mode this server does not offer (`SUB-520`-style), naming the supported ones.
    #[error("{0}")]
    UnsupportedTransport(String),
    #[error("Request rate exceeded")]
    RateLimited {
        group: &'static str,
        retry_after_secs: u64,
    },
    #[error("Service Temporary Unavailable")]
    Unavailable,
    #[error("Internal Server Error")]
    Internal(String),
}

impl Error {
    pub fn invalid(name: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            detail: None,
        }
    }
    pub fn invalid_because(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            detail: Some(detail.into()),
        }
    }
    pub fn not_found(name: impl Into<String>) -> Self {
        Error::NotFound(name.into())
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Error::Forbidden(msg.into())
    }
    pub fn oauth(kind: OAuthError, code: &'static str, message: impl Into<String>) -> Self {
        Error::OAuth {
            kind,
            code,
            message: message.into(),
            parameter: None,
        }
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Error::Internal(e.to_string())
    }
    /// The parameter this error is about, if any (RingCentral's `parameterName`).
    pub fn parameter_name(&self) -> Option<&str> {
        match self {
            Error::InvalidParameter { name, .. }
            | Error::TooLong { name, .. }
            | Error::OutOfRange { name, .. } => Some(name),
            Error::MissingParameter(n) | Error::NotFound(n) => Some(n),
            Error::OAuth { parameter, .. } => *parameter,
            _ => None,
        }
    }
}
