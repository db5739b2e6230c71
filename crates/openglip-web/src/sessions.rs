//! Who is signed in to the platform's pages, as the page kit's extractors see it.
//!
//! The platform has two session realms (`openglip_platform::sessions`): the account's
//! (`og_session`: the authorization pages, the admin portal and the web client share it) and the
//! developer console's (`og_console`). Each is a user type here, [`AccountPerson`] and
//! [`ConsolePerson`], whose sessions [`AppState`] keeps through the platform
//! (`Platform::keep_session`, `session_by_hash`, `end_session_by_hash`): the kit makes the random
//! token and hands its SHA-256 over, so the platform stores only the hash, as it does for the
//! sessions it starts itself (the JSON APIs'). On top of them, the roles: [`Developer`] (anyone
//! signed in to the console) and [`AccountAdmin`] (an administrator of their company).
//!
//! [`Visitor`] is the account realm's person when there may be none (the authorization pages
//! show the sign-in form rather than redirecting).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use openglip_domain::platform::SessionRealm;
use openglip_domain::{Error, Extension, Timestamp};
use openglip_platform::sessions::SESSION_TTL_SECS;
use openglip_server::AppState;
use openglip_webkit::{Allowed, Csrf, Kit, Refusal, Role, SessionId, Sessions, StorageError};

/// The platform's page kit: product "openglip", cookies `og_…`, the public URL (for `Origin`
/// checks and `Secure` cookies), and RingCentral's error body for JSON refusals.
pub fn platform_kit(public_url: Option<&str>) -> Kit {
    Kit::new("openglip", "og_")
        .public_url(public_url)
        .footer("openglip · RingCentral-compatible team messaging")
        .json_errors(|r| openglip_server::error::body(&refusal_error(r)))
}

/// A kit refusal as the domain error RingCentral's body is made from.
fn refusal_error(r: &Refusal) -> Error {
    match r {
        Refusal::SignInRequired { .. } => {
            Error::Unauthenticated(openglip_domain::AuthFailure::Missing)
        }
        Refusal::Unavailable => Error::Unavailable,
        other => Error::forbidden(other.message()),
    }
}

/// A person signed in to the account realm (`og_session`).
#[derive(Debug, Clone)]
pub struct AccountPerson(pub Extension);

/// A person signed in to the developer console (`og_console`).
#[derive(Debug, Clone)]
pub struct ConsolePerson(pub Extension);

const TTL: Duration = Duration::from_secs(SESSION_TTL_SECS as u64);

fn timestamp(t: SystemTime) -> Timestamp {
    let ms = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    Timestamp::from_millis(i64::try_from(ms).unwrap_or(i64::MAX))
}

fn storage(e: Error) -> StorageError {
    StorageError::new(e)
}

/// One realm's sessions through the platform (the session's `now` is the platform's clock).
macro_rules! realm_sessions {
    ($user:ident, $realm:expr, $cookie:literal, $sign_in:literal) => {
        impl Sessions<$user> for AppState {
            const COOKIE: &'static str = $cookie;
            const SIGN_IN: &'static str = $sign_in;
            const TTL: Duration = TTL;

            async fn load_session(
                &self,
                id: SessionId,
                _now: SystemTime,
            ) -> Result<Option<$user>, StorageError> {
                let found = self.platform().session_by_hash($realm, id.0).await;
                found.map(|p| p.map($user)).map_err(storage)
            }

            async fn save_session(
                &self,
                id: SessionId,
                user: &$user,
                expires: SystemTime,
            ) -> Result<(), StorageError> {
                let kept = self
                    .platform()
                    .keep_session($realm, &user.0, id.0, timestamp(expires));
                kept.await.map_err(storage)
            }

            async fn delete_session(&self, id: SessionId) -> Result<(), StorageError> {
                self.platform()
                    .end_session_by_hash(id.0)
                    .await
                    .map_err(storage)
            }
        }
    };
}

// The account realm's pages that need someone signed in are the admin portal's: they send
// people to its sign-in page. (The authorization pages take a `Visitor`; the web client looks
// for its viewer itself.)
realm_sessions!(
    AccountPerson,
    SessionRealm::Account,
    "session",
    "/admin/signin"
);
realm_sessions!(
    ConsolePerson,
    SessionRealm::Console,
    "console",
    "/console/signin"
);

/// Anyone signed in to the developer console.
pub struct Developer(pub Extension);

impl Role for Developer {
    type User = ConsolePerson;
    const REFUSAL: &'static str = "Sign in to the developer console.";
    fn admit(p: ConsolePerson) -> Option<Self> {
        Some(Developer(p.0))
    }
}

/// An administrator of their company, signed in to the account realm.
pub struct AccountAdmin(pub Extension);

impl Role for AccountAdmin {
    type User = AccountPerson;
    const REFUSAL: &'static str = "The admin portal is for the company's administrators. Sign out and sign in as an administrator.";
    fn admit(p: AccountPerson) -> Option<Self> {
        p.0.is_admin.then_some(AccountAdmin(p.0))
    }
}

/// The person signed in to the account realm in this browser, if any; a failing store is a 503
/// page, never "signed out".
pub struct Visitor(pub Option<Extension>);

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let kit = Kit::of(parts)?;
        let cookie = <AppState as Sessions<AccountPerson>>::COOKIE;
        let Some(token) = kit.read_cookie(&parts.headers, cookie) else {
            return Ok(Visitor(None));
        };
        match st.platform().session(SessionRealm::Account, &token).await {
            Ok(found) => Ok(Visitor(found)),
            Err(e) => {
                tracing::error!(error = %e, "looking up a session failed");
                Err(Refusal::Unavailable.page(&kit))
            }
        }
    }
}

/// What every page of a signed-in area starts with: the user in role `R` (the kit's
/// `Allowed<R>`: to sign in, or a 403 page, when they are not), the kit, and the browser's CSRF
/// token.
pub async fn signed_in_as<R>(parts: &mut Parts, st: &AppState) -> Result<(R, Kit, Csrf), Response>
where
    R: Role,
    AppState: Sessions<R::User>,
{
    let Allowed(role) = Allowed::<R>::from_request_parts(parts, st).await?;
    let kit = Kit::of(parts)?;
    let csrf = Csrf::from_request_parts(parts, st).await?;
    Ok((role, kit, csrf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kit_names_the_cookies_the_server_and_the_client_read() {
        let kit = platform_kit(None);
        let name = |n: &str| kit.cookie(n, "x").name().to_string();
        let account = <AppState as Sessions<AccountPerson>>::COOKIE;
        let console = <AppState as Sessions<ConsolePerson>>::COOKIE;
        // The JSON APIs' sessions (`auth::session_of`) are the pages' sessions.
        assert_eq!(name(account), openglip_server::auth::ACCOUNT_COOKIE);
        assert_eq!(name(console), openglip_server::auth::CONSOLE_COOKIE);
        // The web client's forms and `fetch`es double-submit the same CSRF cookie.
        assert_eq!(name(openglip_webkit::csrf::CSRF_COOKIE), "og_csrf");
    }

    #[test]
    fn refusals_are_ringcentral_errors() {
        let body = |r: Refusal| {
            serde_json::to_value(openglip_server::error::body(&refusal_error(&r))).unwrap()
        };
        let signed_out = body(Refusal::SignInRequired {
            sign_in: "/x".into(),
        });
        assert_eq!(signed_out["errorCode"], "CMN-405");
        let forged = body(Refusal::CrossOrigin);
        assert!(
            forged["errorCode"].as_str().unwrap().starts_with("CMN-"),
            "{forged}"
        );
        assert!(
            forged["errors"].is_array() && forged["message"].is_string(),
            "{forged}"
        );
    }
}
