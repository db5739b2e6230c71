//! The one place where domain errors become HTTP: status, RingCentral `errorCode`, and body,
//! with the parameter names of the API generation that answers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use openglip_domain::events::Generation;
use openglip_domain::{AuthFailure, Error, OAuthFailure, Permission, SignInFailure, Subject};
use openglip_wire::{ErrorBody, ErrorDetail};

/// An error on its way out of the current API (and of everything that names a chat `chatId`).
/// Handlers return `Result<_, ApiError>` and use `?` on domain results.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// An error on its way out of the legacy groups API (`/restapi/v1.0/glip/groups`,
/// `/restapi/v1.0/glip/posts`), which names a chat `groupId`.
#[derive(Debug)]
pub struct LegacyError(pub Error);

impl From<Error> for LegacyError {
    fn from(e: Error) -> Self {
        LegacyError(e)
    }
}

impl From<ApiError> for LegacyError {
    fn from(e: ApiError) -> Self {
        LegacyError(e.0)
    }
}

pub type LegacyResult<T> = Result<T, LegacyError>;

/// The parameter that names `subject` in `generation` (RingCentral's `parameterName`).
pub fn parameter(subject: Subject, generation: Generation) -> &'static str {
    match subject {
        Subject::Chat => match generation {
            Generation::Legacy => "groupId",
            Generation::Current => "chatId",
        },
        Subject::Company => "companyId",
        Subject::Account => "accountId",
        Subject::Person => "personId",
        Subject::Extension => "extensionId",
        Subject::Post => "postId",
        Subject::ParentPost => "parentPostId",
        Subject::Thread => "threadId",
        Subject::Card => "cardId",
        Subject::ProfileImage => "profileImage",
        Subject::Subscription => "subscriptionId",
        Subject::App => "clientId",
        Subject::Jwt => "jwtId",
        Subject::JwtOwner => "ownerId",
        Subject::Sandbox => "sandbox",
        Subject::UnassignedNumber => "extensionNumber",
        Subject::ActivationLink => "token",
        Subject::UndeliverableEvent => "eventId",
        Subject::ExportTask => "taskId",
        Subject::ExportDataset => "datasetId",
        Subject::File => "fileId",
        Subject::Webhook => "webhookId",
        Subject::Task => "taskId",
        Subject::Note => "noteId",
        Subject::CalendarEvent => "eventId",
    }
}

/// The parameter an error is about, as `generation` names it: the name of its [`Subject`], or
/// the request field it names.
pub fn parameter_in(e: &Error, generation: Generation) -> Option<&str> {
    match e.subject() {
        Some(s) => Some(parameter(s, generation)),
        None => e.parameter_name(),
    }
}

/// Parses an id from a path or a body. A malformed id is "not found", the way RingCentral
/// answers for ids it does not know.
pub fn id<T: std::str::FromStr>(subject: Subject, raw: &str) -> Result<T, Error> {
    raw.trim().parse().map_err(|_| Error::NotFound(subject))
}

/// The mapping table: (HTTP status, RingCentral error code) for every domain error.
pub fn status_and_code(e: &Error) -> (StatusCode, &'static str) {
    use StatusCode as S;
    match e {
        Error::InvalidParameter { .. } | Error::Invalid(_) => (S::BAD_REQUEST, "CMN-101"),
        Error::MissingParameter(_) => (S::BAD_REQUEST, "CMN-100"),
        Error::TooLong { .. } => (S::BAD_REQUEST, "CMN-409"),
        Error::OutOfRange { .. } => (S::BAD_REQUEST, "CMN-411"),
        Error::UnparsableBody(_) => (S::BAD_REQUEST, "CMN-103"),
        Error::EmptyBody => (S::BAD_REQUEST, "CMN-104"),
        Error::UnsupportedMediaType(_) => (S::UNSUPPORTED_MEDIA_TYPE, "CMN-407"),
        Error::PayloadTooLarge(_) => (S::PAYLOAD_TOO_LARGE, "CMN-101"),
        Error::NotFound(_) => (S::NOT_FOUND, "CMN-102"),
        Error::InvalidSubject { .. } => (S::BAD_REQUEST, "CMN-101"),
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
        Error::OAuth(f) => {
            let o = oauth(f);
            (o.status, o.code)
        }
        Error::SignIn(SignInFailure::Throttled { .. }) => (S::TOO_MANY_REQUESTS, "CMN-301"),
        Error::SignIn(_) => (S::BAD_REQUEST, "OAU-140"),
        Error::InvalidEventFilter(_) => (S::BAD_REQUEST, "SUB-508"),
        Error::WebhookValidationFailed(_) => (S::BAD_REQUEST, "SUB-525"),
        // openglip's own: the receiver refused a notification delivered again on request.
        Error::WebhookDeliveryFailed(_) => (S::BAD_GATEWAY, "SUB-529"),
        Error::UnsupportedTransport(_) => (S::BAD_REQUEST, "SUB-523"),
        Error::RateLimited { .. } => (S::TOO_MANY_REQUESTS, "CMN-301"),
        Error::Unavailable => (S::SERVICE_UNAVAILABLE, "CMN-201"),
        Error::Internal(_) => (S::INTERNAL_SERVER_ERROR, "CMN-203"),
    }
}

/// How an OAuth failure is answered: HTTP status, the RFC 6749 `error`, RingCentral's
/// `errorCode`, the message, and the parameter it is about.
pub struct OAuthAnswer {
    pub status: StatusCode,
    pub error: &'static str,
    pub code: &'static str,
    pub message: String,
    pub parameter: Option<&'static str>,
}

/// The OAuth part of the table.
pub fn oauth(f: &OAuthFailure) -> OAuthAnswer {
    use OAuthFailure as F;
    let (status, error, code, message, parameter): (StatusCode, _, _, String, _) = match f {
        F::MissingParameter(p) => (
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "OAU-101",
            format!("Parameter [{p}] is required"),
            Some(*p),
        ),
        F::InvalidParameter(p) => (
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "OAU-101",
            format!("Parameter [{p}] value is invalid"),
            Some(*p),
        ),
        F::BodyNotUtf8 => bad(
            "invalid_request",
            "OAU-101",
            "Request body is not valid UTF-8",
        ),
        F::BodyNotForm => bad(
            "invalid_request",
            "OAU-101",
            "Request body must be application/x-www-form-urlencoded",
        ),
        F::UnsupportedGrantType(g) => bad(
            "unsupported_grant_type",
            "OAU-250",
            format!("Unsupported grant type [{g}]"),
        ),
        F::GrantNotAllowed(g) => bad(
            "unauthorized_client",
            "OAU-251",
            format!("Unauthorized for this grant type [{g}]"),
        ),
        F::MalformedClientCredentials => {
            client("OAU-123", "Malformed HTTP Basic client credentials")
        }
        F::ClientAuthenticationRequired => client("OAU-123", "Client authentication is required"),
        F::UnknownClient => client("OAU-127", "Invalid application"),
        F::InvalidClientCredentials => client("OAU-146", "Invalid client credentials"),
        F::InvalidCredentials => grant("OAU-140", "Invalid resource owner credentials"),
        F::ExtensionNotActivated => grant("OAU-140", "Extension is not activated"),
        F::ExtensionDisabled => grant("OAU-236", "Extension is disabled or frozen"),
        F::ExtensionRemoved => grant("OAU-232", "Extension has been removed"),
        F::UnknownScope(s) => bad("invalid_scope", "OAU-105", format!("Unknown scope [{s}]")),
        F::ScopeNotAllowed => bad(
            "invalid_scope",
            "OAU-105",
            "The application is not allowed the requested scope",
        ),
        // Unknown, used and expired codes look alike to the client.
        F::CodeUnknown | F::CodeReused | F::CodeExpired => grant(
            "OAU-109",
            "Authorization code is invalid, expired or already used",
        ),
        F::CodeOfAnotherClient => grant(
            "OAU-112",
            "The authorization code was issued to another application",
        ),
        F::RedirectUriMismatch => (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "OAU-110",
            "Parameter [redirect_uri] does not match the one of the authorization request".into(),
            Some("redirect_uri"),
        ),
        F::PkceMismatch => (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "OAU-111",
            "Parameter [code_verifier] does not match the code challenge".into(),
            Some("code_verifier"),
        ),
        F::RefreshUnknown | F::RefreshReused => grant("OAU-211", "Token is revoked or not found"),
        F::RefreshOfAnotherClient => grant(
            "OAU-211",
            "The refresh token was issued to another application",
        ),
        F::RefreshExpired => grant("OAU-214", "Refresh token expired"),
        // RingCentral's code for a revocation by the wrong client app.
        F::TokenOfAnotherClient => bad(
            "unauthorized_client",
            "OAU-164",
            "The token was issued to another application",
        ),
        F::InvalidJwt(why) => grant("OAU-145", format!("Invalid JWT: {}", why.as_str())),
        F::SandboxApp => bad(
            "unauthorized_client",
            "OAU-253",
            "The application is in the sandbox: only sandbox accounts can authorize it until it is admitted to production",
        ),
    };
    OAuthAnswer {
        status,
        error,
        code,
        message,
        parameter,
    }
}

type Row = (
    StatusCode,
    &'static str,
    &'static str,
    String,
    Option<&'static str>,
);

fn bad(error: &'static str, code: &'static str, message: impl Into<String>) -> Row {
    (StatusCode::BAD_REQUEST, error, code, message.into(), None)
}

fn grant(code: &'static str, message: impl Into<String>) -> Row {
    bad("invalid_grant", code, message)
}

/// RFC 6749 §5.2: a failed client authentication is 401.
fn client(code: &'static str, message: &str) -> Row {
    (
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        code,
        message.into(),
        None,
    )
}

/// The `message` of the error body in the current API (also what the pages show).
pub fn message(e: &Error) -> String {
    message_in(e, Generation::Current)
}

/// The `message` of the error body, naming parameters as `generation` names them.
fn message_in(e: &Error, generation: Generation) -> String {
    match e {
        Error::NotFound(s) => format!(
            "Resource for parameter [{}] is not found",
            parameter(*s, generation)
        ),
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
        Error::OAuth(f) => oauth(f).message,
        // Never leak internals to clients; they are logged instead.
        Error::Internal(_) => "Internal Server Error".into(),
        other => other.to_string(),
    }
}

/// The RingCentral error body for a domain error, in the current API.
pub fn body(e: &Error) -> ErrorBody {
    body_in(e, Generation::Current)
}

/// The RingCentral error body for a domain error, named as `generation` names things.
pub fn body_in(e: &Error, generation: Generation) -> ErrorBody {
    let (_, code) = status_and_code(e);
    let msg = message_in(e, generation);
    let detail = |message: String, parameter: Option<&str>| ErrorDetail {
        error_code: code.to_string(),
        message,
        parameter_name: parameter.map(str::to_string),
        parameter_value: None,
    };
    let (errors, error, error_description) = match e {
        Error::Invalid(fields) if !fields.is_empty() => (
            fields
                .iter()
                .map(|f| detail(f.message.clone(), Some(&f.name)))
                .collect(),
            None,
            None,
        ),
        Error::OAuth(f) => {
            let o = oauth(f);
            (
                vec![detail(o.message.clone(), o.parameter)],
                Some(o.error.to_string()),
                Some(o.message),
            )
        }
        Error::SignIn(f) if !matches!(f, SignInFailure::Throttled { .. }) => (
            vec![detail(msg.clone(), None)],
            Some("invalid_grant".to_string()),
            Some(msg.clone()),
        ),
        _ => (
            vec![detail(msg.clone(), parameter_in(e, generation))],
            None,
            None,
        ),
    };
    ErrorBody {
        error_code: code.to_string(),
        message: msg,
        errors,
        error,
        error_description,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        respond(self.0, Generation::Current)
    }
}

impl IntoResponse for LegacyError {
    fn into_response(self) -> Response {
        respond(self.0, Generation::Legacy)
    }
}

/// The response for an error: status, body, and the headers some errors carry.
fn respond(e: Error, generation: Generation) -> Response {
    let (status, _) = status_and_code(&e);
    if let Error::Internal(detail) = &e {
        tracing::error!(error = %detail, "internal error");
    }
    let mut resp = (status, axum::Json(body_in(&e, generation))).into_response();
    let headers = resp.headers_mut();
    match &e {
        Error::RateLimited {
            retry_after_secs, ..
        }
        | Error::SignIn(SignInFailure::Throttled { retry_after_secs }) => {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        Error::Unauthenticated(_) => {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"openglip\""),
            );
        }
        Error::OAuth(f) => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if oauth(f).error == "invalid_client" {
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

/// Shorthand for the permission error.
pub fn needs(p: Permission) -> ApiError {
    ApiError(Error::AppPermissionRequired(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_named_as_the_answering_generation_names_them() {
        let e = Error::NotFound(Subject::Chat);
        let current = body(&e);
        assert_eq!(current.errors[0].parameter_name.as_deref(), Some("chatId"));
        assert_eq!(
            current.message,
            "Resource for parameter [chatId] is not found"
        );
        let legacy = body_in(&e, Generation::Legacy);
        assert_eq!(legacy.errors[0].parameter_name.as_deref(), Some("groupId"));
        assert_eq!(
            legacy.message,
            "Resource for parameter [groupId] is not found"
        );
        // Everything else is named alike in both.
        let person = body_in(&Error::NotFound(Subject::Person), Generation::Legacy);
        assert_eq!(person.errors[0].parameter_name.as_deref(), Some("personId"));
        let bad = Error::InvalidSubject {
            subject: Subject::Chat,
            detail: "not a team".into(),
        };
        assert_eq!(status_and_code(&bad), (StatusCode::BAD_REQUEST, "CMN-101"));
        assert_eq!(
            body_in(&bad, Generation::Legacy).errors[0]
                .parameter_name
                .as_deref(),
            Some("groupId")
        );
        assert_eq!(
            id::<openglip_domain::ChatId>(Subject::Chat, "x")
                .unwrap_err()
                .subject(),
            Some(Subject::Chat)
        );
    }
}
