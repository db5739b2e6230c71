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

/// Why the token endpoint (or the revoke endpoint) refused a request. Raised by the platform's
/// grants; the server's error table chooses the status, the RFC 6749 `error`, RingCentral's
/// `errorCode` and the message of each, so a failure is named where it happens and spelled in
/// one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthFailure {
    /// A parameter the grant needs is missing (its OAuth name, e.g. `code`).
    MissingParameter(&'static str),
    /// A parameter has a value that cannot be used (e.g. `access_token_ttl=abc`).
    InvalidParameter(&'static str),
    /// The request body is not UTF-8.
    BodyNotUtf8,
    /// The request body is neither a form nor a flat JSON object.
    BodyNotForm,
    /// The `grant_type` is not one this server knows (the name given).
    UnsupportedGrantType(String),
    /// The app may not use this grant (the grant's name).
    GrantNotAllowed(String),
    /// `Authorization: Basic` that does not decode.
    MalformedClientCredentials,
    /// The endpoint needs the client to say who it is, and it did not.
    ClientAuthenticationRequired,
    /// No app has this client id.
    UnknownClient,
    /// A confidential client without its secret, or with a wrong one.
    InvalidClientCredentials,
    /// The password grant: unknown login or wrong password.
    InvalidCredentials,
    /// The person the grant is for is not activated yet.
    ExtensionNotActivated,
    /// The person the grant is for is disabled.
    ExtensionDisabled,
    /// The person the grant is for was removed.
    ExtensionRemoved,
    /// A `scope` naming a permission that does not exist.
    UnknownScope(String),
    /// A `scope` asking for more than the app is allowed.
    ScopeNotAllowed,
    /// An authorization code nobody issued.
    CodeUnknown,
    /// An authorization code presented a second time (its tokens are revoked).
    CodeReused,
    /// An authorization code past its minute.
    CodeExpired,
    /// An authorization code issued to another app.
    CodeOfAnotherClient,
    /// `redirect_uri` differs from the one of the authorization request.
    RedirectUriMismatch,
    /// `code_verifier` missing, malformed, or not matching the code's challenge.
    PkceMismatch,
    /// A refresh token that is not live: unknown, revoked, or spent already (presented again
    /// after it was spent, it has revoked its whole token family).
    RefreshUnknown,
    /// A refresh token spent by another request at the same moment (its family is revoked).
    RefreshReused,
    /// A refresh token issued to another app.
    RefreshOfAnotherClient,
    /// A token to revoke that was issued to another app (RFC 7009 §2.1).
    TokenOfAnotherClient,
    RefreshExpired,
    /// The JWT bearer grant's assertion is unusable, and why.
    InvalidJwt(JwtProblem),
    /// A sandbox app asked to act for a production account.
    SandboxApp,
}

/// What is wrong with a JWT presented to the JWT bearer grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtProblem {
    NotAJwt,
    UnknownOrRevoked,
    Expired,
    /// The credential names the apps it may be used with, and this is not one of them.
    NotForThisApp,
    /// The person the credential signs in was deleted.
    OwnerGone,
}

impl JwtProblem {
    /// In words.
    pub fn as_str(self) -> &'static str {
        match self {
            JwtProblem::NotAJwt => "not a JWT",
            JwtProblem::UnknownOrRevoked => "unknown or revoked",
            JwtProblem::Expired => "expired",
            JwtProblem::NotForThisApp => "not valid for this application",
            JwtProblem::OwnerGone => "its owner is gone",
        }
    }
}

/// Why a sign-in with login and password (the pages' form, the JSON APIs' session) failed. The
/// messages are written for the person at the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInFailure {
    #[error("Enter your email or phone number and your password.")]
    Missing,
    #[error("The login or password is incorrect.")]
    Invalid,
    #[error("This user is not activated yet: use the activation link from your administrator.")]
    NotActivated,
    #[error("This user is disabled. Contact your administrator.")]
    Disabled,
    /// Too many failures for this login or from this address; sign-in is refused for this long
    /// without checking the password.
    #[error("Too many failed attempts. Try again in {} minute{}.", minutes(*retry_after_secs), if minutes(*retry_after_secs) == 1 { "" } else { "s" })]
    Throttled { retry_after_secs: u64 },
}

fn minutes(secs: u64) -> u64 {
    secs.div_ceil(60)
}

/// One field of a form or request body that is not acceptable: its name (as the form or the
/// JSON body spells it) and what to do about it, in words for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub name: String,
    pub message: String,
}

/// Collects the errors of a whole form, so that every field is reported at once.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, name: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            name: name.into(),
            message: message.into(),
        });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok` when nothing was added, else [`Error::Invalid`] with every field.
    pub fn check(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.0))
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
    /// A developer's JWT credential.
    Jwt,
    /// The person a new JWT credential is to sign in (the developer, or a sandbox's administrator).
    JwtOwner,
    /// A developer's sandbox account.
    Sandbox,
    /// An extension number an administrator keeps unassigned.
    UnassignedNumber,
    /// An activation link sent to a person who has no password yet.
    ActivationLink,
    /// A WebHook notification given up on (undeliverable).
    UndeliverableEvent,
    /// A data export task.
    ExportTask,
    /// A dataset of a data export task.
    ExportDataset,
    /// An uploaded file.
    File,
    /// An incoming webhook (a URL that posts into a chat).
    Webhook,
    /// A task of a chat.
    Task,
    /// A note of a chat.
    Note,
    /// A calendar event.
    CalendarEvent,
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
            Subject::Jwt => "JWT credential",
            Subject::JwtOwner => "owner of the JWT credential",
            Subject::Sandbox => "sandbox",
            Subject::UnassignedNumber => "unassigned extension number",
            Subject::ActivationLink => "activation link",
            Subject::UndeliverableEvent => "undeliverable notification",
            Subject::ExportTask => "data export task",
            Subject::ExportDataset => "dataset",
            Subject::File => "file",
            Subject::Webhook => "webhook",
            Subject::Task => "task",
            Subject::Note => "note",
            Subject::CalendarEvent => "event",
        })
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
        /// What to tell a person who filled in a form, when the API's words would not do
        /// ([`Error::for_people`]; pages show it through [`Error::fields`]).
        for_people: Option<String>,
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
    /// Several fields of a form or body are not acceptable (each with its message).
    #[error("{}", .0.first().map(|f| f.message.as_str()).unwrap_or("Parameter value is invalid."))]
    Invalid(Vec<FieldError>),
    /// The token or revoke endpoint refused the request.
    #[error("OAuth request refused: {0:?}")]
    OAuth(OAuthFailure),
    /// A sign-in with login and password failed.
    #[error("{0}")]
    SignIn(SignInFailure),
    /// An event filter that is unknown, malformed or not allowed to the subscriber (`SUB-508`).
    #[error("{0}")]
    InvalidEventFilter(String),
    /// The subscription's WebHook address did not pass the validation handshake (`SUB-525`).
    #[error("WebHook server response is invalid: {0}")]
    WebhookValidationFailed(String),
    /// A notification delivered again on request was not accepted by the receiver.
    #[error("The WebHook receiver did not accept the notification: {0}")]
    WebhookDeliveryFailed(String),
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

/// An API detail ("Parameter [timeZone] value is invalid: [Mars/Base] is not an IANA time zone
/// …") as a sentence for people: without the parameter's name, starting with a capital, ending
/// with a full stop.
fn people_words(detail: &str) -> String {
    let rest = match detail.strip_prefix("Parameter [") {
        Some(r) => r
            .split_once("] value is invalid")
            .map_or(detail, |(_, after)| {
                after.trim_start_matches([':', '.', ' '])
            }),
        None => detail,
    };
    let mut out: String = match rest.chars().next() {
        None => return "This value is not accepted: check it and try again.".into(),
        Some(first) => first.to_uppercase().chain(rest.chars().skip(1)).collect(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

impl Error {
    pub fn invalid(name: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            detail: None,
            for_people: None,
        }
    }
    pub fn invalid_because(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            detail: Some(detail.into()),
            for_people: None,
        }
    }
    /// The same error, told to a person filling a form in `words` (the API keeps its own).
    pub fn for_people(self, words: impl Into<String>) -> Self {
        match self {
            Error::InvalidParameter { name, detail, .. } => Error::InvalidParameter {
                name,
                detail,
                for_people: Some(words.into()),
            },
            other => other,
        }
    }
    /// What the request named exists, but cannot be used this way, and why.
    pub fn invalid_subject(subject: Subject, detail: impl Into<String>) -> Self {
        Error::InvalidSubject {
            subject,
            detail: detail.into(),
        }
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Error::Forbidden(msg.into())
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
            Error::Invalid(fields) => fields.first().map(|f| f.name.as_str()),
            _ => None,
        }
    }

    /// The fields this error is about, each with its message for people, when it is about what
    /// was entered (a form shows them in place); `None` for every other error (not found,
    /// forbidden, the store failing…), which a form cannot fix. The messages are written for
    /// the person at the form, beside the field they are about — "This is required.", "Nobody
    /// in your company has the e-mail address …" — never the API's "Parameter [members] value
    /// is invalid".
    pub fn fields(&self) -> Option<Vec<FieldError>> {
        let one = |name: &str| {
            Some(vec![FieldError {
                name: name.to_string(),
                message: match self {
                    Error::InvalidParameter {
                        for_people: Some(p),
                        ..
                    } => p.clone(),
                    Error::InvalidParameter {
                        detail: Some(d), ..
                    } => people_words(d),
                    Error::InvalidParameter { .. } => {
                        "This value is not accepted: check it and try again.".into()
                    }
                    Error::MissingParameter(_) => "This is required.".into(),
                    Error::TooLong { max, .. } => {
                        format!("This can be at most {max} characters long.")
                    }
                    Error::OutOfRange { min, max, .. } => {
                        format!("Enter a number from {min} to {max}.")
                    }
                    other => other.to_string(),
                },
            }])
        };
        match self {
            Error::Invalid(fields) => Some(fields.clone()),
            Error::InvalidParameter { name, .. }
            | Error::TooLong { name, .. }
            | Error::OutOfRange { name, .. } => one(name),
            Error::MissingParameter(name) => one(name),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn message(e: Error) -> String {
        e.fields().unwrap()[0].message.clone()
    }

    #[test]
    fn form_fields_are_told_in_words_for_people() {
        assert_eq!(
            message(Error::MissingParameter("members".into())),
            "This is required."
        );
        assert_eq!(
            message(Error::TooLong {
                name: "name".into(),
                max: 250
            }),
            "This can be at most 250 characters long."
        );
        assert_eq!(
            message(Error::invalid("name")),
            "This value is not accepted: check it and try again."
        );
        assert_eq!(
            message(Error::invalid_because(
                "timeZone",
                "Parameter [timeZone] value is invalid: [Mars/Base] is not an IANA time zone"
            )),
            "[Mars/Base] is not an IANA time zone."
        );
        let e = Error::invalid_because(
            "members",
            "Parameter [members] value is invalid: no person with e-mail [x@y.test] in this company",
        )
        .for_people("Nobody in your company has the e-mail address x@y.test.");
        // The API keeps its words; the form gets the person's.
        assert!(e.to_string().contains("Parameter [members]"));
        assert_eq!(
            message(e),
            "Nobody in your company has the e-mail address x@y.test."
        );
        assert!(Error::NotFound(Subject::Chat).fields().is_none());
    }
}
