//! Sessions and roles as extractors, over the app's own storage.
//!
//! The app's state implements [`Sessions<U>`] for its user type `U`: find, save and delete a
//! session by [`SessionId`] (the SHA-256 of the cookie's random token: the token itself is
//! never stored). Then a handler takes
//! - [`Session<U>`] (pages): not signed in → `303` to [`Sessions::SIGN_IN`] with `next=`;
//! - [`ApiSession<U>`] (JSON APIs): not signed in → 401 in the app's error body;
//! - [`Allowed<R>`] / [`ApiAllowed<R>`] for a [`Role`] `R` the app defines on top of `U`:
//!   signed in without the role → a 403 page / JSON error.
//!
//! [`start_session`] at sign-in (always a new id, the browser's old session ended: no session
//! fixation) and [`end_session`] at sign-out give the cookie to set.

use std::future::Future;
use std::time::{Duration, SystemTime};

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;

use crate::cookies::Cookie;
use crate::refusal::Refusal;
use crate::token::{looks_like_token, new_token, sha256};
use crate::{Kit, csrf};

/// How a session is found in storage: the SHA-256 of its cookie's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(pub [u8; 32]);

impl SessionId {
    /// The id of a presented token.
    pub fn of(token: &str) -> SessionId {
        SessionId(sha256(&[token.as_bytes()]))
    }

    /// Lower-case hex, for storages that keep text.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The app's storage failed: logged, and answered 503 (a page or JSON). Never shown as
/// "signed out".
#[derive(Debug, Clone, PartialEq)]
pub struct StorageError(pub String);

impl StorageError {
    pub fn new(e: impl std::fmt::Display) -> StorageError {
        StorageError(e.to_string())
    }
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "session storage: {}", self.0)
    }
}

impl std::error::Error for StorageError {}

/// The sessions of users of type `U`, in the app's own storage. Implemented by the app's
/// state, once per kind of user (the platform has two: console and account).
pub trait Sessions<U>: Send + Sync
where
    U: Clone + Send + Sync + 'static,
{
    /// The cookie, after the kit's prefix (`"session"` → `og_session`).
    const COOKIE: &'static str;
    /// The sign-in page pages send people to (the kit adds `next=`).
    const SIGN_IN: &'static str;
    /// How long a session lasts.
    const TTL: Duration = Duration::from_secs(12 * 3600);
    /// Whether JSON APIs also accept the session's token as `Authorization: Bearer`.
    const BEARER: bool = false;

    /// The user of a live session: `None` when there is none, it expired at `now`, or the user
    /// may no longer sign in (disabled, removed).
    fn load_session(
        &self,
        id: SessionId,
        now: SystemTime,
    ) -> impl Future<Output = Result<Option<U>, StorageError>> + Send;

    /// Keeps a new session of `user` until `expires`.
    fn save_session(
        &self,
        id: SessionId,
        user: &U,
        expires: SystemTime,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;

    /// Ends a session (nothing happens if there is none).
    fn delete_session(
        &self,
        id: SessionId,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
}

/// Starts a session for `user` (after the password, or "Sign in with openglip", was checked):
/// ends the browser's previous session of this kind, stores a new id, and returns the cookie
/// to set with the response.
pub async fn start_session<U, S>(
    state: &S,
    kit: &Kit,
    headers: &HeaderMap,
    user: &U,
) -> Result<Cookie, StorageError>
where
    U: Clone + Send + Sync + 'static,
    S: Sessions<U>,
{
    if let Some(old) = kit.read_cookie(headers, S::COOKIE) {
        state.delete_session(SessionId::of(&old)).await?;
    }
    let token = new_token();
    state
        .save_session(SessionId::of(&token), user, SystemTime::now() + S::TTL)
        .await?;
    Ok(kit.cookie(S::COOKIE, &token).max_age(S::TTL))
}

/// Ends the browser's session of this kind; returns the cookie that clears it.
/// `end_session::<Person, _>(&state, &kit, &headers)`.
pub async fn end_session<U, S>(
    state: &S,
    kit: &Kit,
    headers: &HeaderMap,
) -> Result<Cookie, StorageError>
where
    U: Clone + Send + Sync + 'static,
    S: Sessions<U>,
{
    if let Some(old) = kit.read_cookie(headers, S::COOKIE) {
        state.delete_session(SessionId::of(&old)).await?;
    }
    Ok(kit.cookie(S::COOKIE, "").cleared())
}

/// A signed-in user, for pages. Not signed in: `303` to the sign-in page, coming back here.
#[derive(Debug, Clone)]
pub struct Session<U> {
    pub user: U,
    pub id: SessionId,
}

/// A signed-in user, for JSON APIs: the session cookie (with a same-origin check on requests
/// that change something) or, when [`Sessions::BEARER`], `Authorization: Bearer <token>`. Not
/// signed in: 401 in the app's JSON error body.
#[derive(Debug, Clone)]
pub struct ApiSession<U> {
    pub user: U,
    pub id: SessionId,
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Where a page would come back to after signing in (pages a browser can GET again only).
fn back_to(parts: &Parts) -> Option<String> {
    if !is_safe(&parts.method) {
        return None;
    }
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |o| &o.0);
    uri.path_and_query().map(|p| p.as_str().to_string())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Finds the session of a request.
async fn find<U, S>(
    parts: &Parts,
    state: &S,
    kit: &Kit,
    api: bool,
) -> Result<(U, SessionId), Refusal>
where
    U: Clone + Send + Sync + 'static,
    S: Sessions<U>,
{
    let signed_out = || Refusal::sign_in(S::SIGN_IN, back_to(parts).as_deref());
    let token = match bearer(&parts.headers).filter(|_| api && S::BEARER) {
        Some(t) => t.to_string(),
        None => {
            let t = kit
                .read_cookie(&parts.headers, S::COOKIE)
                .ok_or_else(signed_out)?;
            if api && !is_safe(&parts.method) {
                // A cookie travels with requests from any page of the same site (another app
                // on another port of this host): a JSON change must come from this origin.
                csrf::check_origin(kit, &parts.headers)?;
            }
            t
        }
    };
    if !looks_like_token(&token) {
        return Err(signed_out());
    }
    let id = SessionId::of(&token);
    match state.load_session(id, SystemTime::now()).await {
        Ok(Some(user)) => Ok((user, id)),
        Ok(None) => Err(signed_out()),
        Err(e) => {
            tracing::error!(error = %e, "looking up a session failed");
            Err(Refusal::Unavailable)
        }
    }
}

impl<U, S> FromRequestParts<S> for Session<U>
where
    U: Clone + Send + Sync + 'static,
    S: Sessions<U>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let kit = Kit::of(parts)?;
        match find(parts, state, &kit, false).await {
            Ok((user, id)) => Ok(Session { user, id }),
            Err(r) => Err(r.answer(&kit, &parts.headers)),
        }
    }
}

impl<U, S> FromRequestParts<S> for ApiSession<U>
where
    U: Clone + Send + Sync + 'static,
    S: Sessions<U>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let kit = Kit::of(parts)?;
        match find(parts, state, &kit, true).await {
            Ok((user, id)) => Ok(ApiSession { user, id }),
            Err(r) => Err(r.json(&kit)),
        }
    }
}

/// A role: some of the signed-in users of type [`Role::User`], with a sentence for the others.
/// The app defines each in a few lines, and takes it as [`Allowed<R>`] (pages) or
/// [`ApiAllowed<R>`] (JSON):
///
/// ```
/// # #[derive(Clone)] pub struct Person { admin: bool }
/// pub struct AccountAdmin(pub Person);
///
/// impl openglip_webkit::Role for AccountAdmin {
///     type User = Person;
///     const REFUSAL: &'static str = "Only administrators can use the admin portal.";
///     fn admit(p: Person) -> Option<Self> {
///         p.admin.then_some(AccountAdmin(p))
///     }
/// }
/// ```
pub trait Role: Sized + Send + 'static {
    type User: Clone + Send + Sync + 'static;
    /// Shown to someone signed in without the role (403).
    const REFUSAL: &'static str;
    /// The user in this role, or `None` when they do not have it.
    fn admit(user: Self::User) -> Option<Self>;
}

/// A signed-in user in role `R`, for pages: not signed in → sign in; without the role → a 403
/// page with [`Role::REFUSAL`].
pub struct Allowed<R>(pub R);

/// A signed-in user in role `R`, for JSON APIs: 401, or 403 with [`Role::REFUSAL`], in the
/// app's error body.
pub struct ApiAllowed<R>(pub R);

async fn admit<R, S>(parts: &Parts, state: &S, kit: &Kit, api: bool) -> Result<R, Refusal>
where
    R: Role,
    S: Sessions<R::User>,
{
    let (user, _) = find::<R::User, S>(parts, state, kit, api).await?;
    R::admit(user).ok_or_else(|| Refusal::Forbidden(R::REFUSAL.to_string()))
}

impl<R, S> FromRequestParts<S> for Allowed<R>
where
    R: Role,
    S: Sessions<R::User>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let kit = Kit::of(parts)?;
        admit::<R, S>(parts, state, &kit, false)
            .await
            .map(Allowed)
            .map_err(|r| r.answer(&kit, &parts.headers))
    }
}

impl<R, S> FromRequestParts<S> for ApiAllowed<R>
where
    R: Role,
    S: Sessions<R::User>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let kit = Kit::of(parts)?;
        admit::<R, S>(parts, state, &kit, true)
            .await
            .map(ApiAllowed)
            .map_err(|r| r.json(&kit))
    }
}
