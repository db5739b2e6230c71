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

/// What a request named, in the domain's words: the thing that does not exist (or that the caller
/// may not see), or that cannot be used as asked. The HTTP edge gives it the parameter name of the
/// API generation that answers: a chat is `chatId`, or `groupId` in the legacy groups API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A company as its people see it (the team-messaging company).
    Company,
    /// An account as its administration sees it.
    Account,
    /// A person as the people of a company see one another (the team-messaging directory).
    Person,
    /// An extension as its account's administration sees it.
    Extension,
    Chat,
    Post,
    /// The post a new post replies to.
    ParentPost,
    /// A thread, named by its first post.
    Thread,
    /// An adaptive card.
    Card,
    /// An extension's profile image.
    ProfileImage,
    Subscription,
    /// A registered app.
    App,
    /// Something of openglip's own APIs (the developer console, the admin portal), by the name
    /// those APIs give it.
    Other(&'static str),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Subject::Company => "company",
            Subject::Account => "account",
            Subject::Person => "person",
            Subject::Extension => "extension",
            Subject::Chat => "chat",
            Subject::Post => "post",
            Subject::ParentPost => "parent post",
            Subject::Thread => "thread",
            Subject::Card => "adaptive card",
            Subject::ProfileImage => "profile image",
            Subject::Subscription => "subscription",
            Subject::App => "app",
            Subject::Other(name) => name,
        })
    }
}

/// Names of openglip's own APIs (see [`Subject::Other`]).
impl From<&'static str> for Subject {
    fn from(name: &'static str) -> Subject {
        Subject::Other(name)
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
    /// What the request named does not exist, or the caller may not see it.
    #[error("The {0} is not found")]
    NotFound(Subject),
    /// What the request named exists, but cannot be used this way.
    #[error("{detail}")]
    InvalidSubject { subject: Subject, detail: String },
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
    pub fn not_found(subject: impl Into<Subject>) -> Self {
        Error::NotFound(subject.into())
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
    /// The request field this error is about, as the request named it, if any. Errors about a
    /// [`Subject`] name it in the domain's words instead ([`Error::subject`]).
    pub fn parameter_name(&self) -> Option<&str> {
        match self {
            Error::InvalidParameter { name, .. }
            | Error::TooLong { name, .. }
            | Error::OutOfRange { name, .. } => Some(name),
            Error::MissingParameter(n) => Some(n),
            Error::NotFound(Subject::Other(n)) => Some(n),
            Error::OAuth { parameter, .. } => *parameter,
            _ => None,
        }
    }

    /// What this error is about, when it is about something the request named.
    pub fn subject(&self) -> Option<Subject> {
        match self {
            Error::NotFound(s) | Error::InvalidSubject { subject: s, .. } => Some(*s),
            _ => None,
        }
    }
}
