//! Who is asking, checked before a handler runs, so that a handler starts with its work:
//!
//! - [`Viewer`]: the signed-in person (a person, not a bot) with the [`Caller`] they act as and
//!   their CSRF token. Nobody signed in: a page answers with the sign-in form in its place,
//!   coming back to the page afterwards (`next`); the script's `fetch` gets a 401 in
//!   RingCentral's error body. A store failure is an error page (logged), never "signed out".
//! - [`ApiViewer`]: the same for the JSON answers of the page's script, always refused as JSON.
//! - [`Action`]: a state-changing form post (or the script's `fetch` of one): the viewer, the
//!   CSRF token (the `_csrf` field or the `X-CSRF-Token` header, double-submitted with the
//!   `og_csrf` cookie, compared in constant time), the `Origin` (this server's; `Origin: null`
//!   is refused: the client's pages send their real origin under `Referrer-Policy:
//!   same-origin`), and the person's `Medium` rate limit, as the REST API would count it.
//! - [`Fetched`]: a `fetch` of the script (`POST /app/wstoken`), checked by its header.
//!
//! A refusal is the client's error: a fragment-sized JSON body for the script, a page otherwise.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use openglip_domain::*;
use openglip_webkit::csrf::{CSRF_FIELD, CSRF_HEADER, check_origin, check_token};
use openglip_webkit::{Csrf, Kit};

use super::layout::client_error;
use super::signin_page;
use crate::sessions::{account_person, platform_kit};
use openglip_server::AppState;
use openglip_server::extract::{FormBody, Params};

/// The signed-in person of a client request, and the caller they act as.
pub struct Viewer {
    pub ext: Extension,
    pub caller: Caller,
    /// The browser's CSRF token, for the page's forms (the kit sets its cookie when it is new).
    pub csrf: Csrf,
    /// The page's script asked: it wants a fragment or JSON, not a page or a redirect.
    pub fetch: bool,
}

/// The viewer of a request, or `None` when nobody (or a bot) is signed in.
async fn viewer(
    st: &AppState,
    kit: &Kit,
    csrf: Csrf,
    headers: &HeaderMap,
) -> Result<Option<Viewer>> {
    let Some(ext) = account_person(st, kit, headers).await? else {
        return Ok(None);
    };
    if ext.kind == ExtensionType::Bot {
        return Ok(None);
    }
    let caller = st.platform().web_client_caller(&ext).await?;
    Ok(Some(Viewer {
        ext,
        caller,
        csrf,
        fetch: is_fetch(headers),
    }))
}

/// The viewer of a request's parts: the kit (installed on every page route), the browser's
/// CSRF token (issued when new) and the account realm's session.
async fn viewer_of(parts: &mut Parts, st: &AppState) -> Result<Option<Viewer>, Response> {
    let kit = Kit::of(parts)?;
    let csrf = Csrf::from_request_parts(parts, st).await?;
    let headers = &parts.headers;
    match viewer(st, &kit, csrf.clone(), headers).await {
        Ok(None) if !is_fetch(headers) => Err(signin_page(&kit, &csrf, &back_here(parts))),
        Ok(found) => Ok(found),
        Err(e) => Err(client_error(is_fetch(headers), e)),
    }
}

/// Whether the page's script asked (it wants a fragment or JSON, not a page or a redirect).
pub fn is_fetch(headers: &HeaderMap) -> bool {
    headers.contains_key(CSRF_HEADER)
        || headers
            .get("x-requested-with")
            .is_some_and(|v| v.as_bytes() == b"fetch")
}

fn signed_out() -> Error {
    Error::Unauthenticated(AuthFailure::Missing)
}

/// Where to come back to after signing in: the page asked for (a `GET`), else home.
fn back_here(parts: &Parts) -> String {
    match (&parts.method, parts.uri.path_and_query()) {
        (&Method::GET, Some(pq)) => pq.as_str().to_string(),
        _ => "/".into(),
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        match viewer_of(parts, st).await? {
            Some(v) => Ok(v),
            None => Err(client_error(true, signed_out())),
        }
    }
}

/// The viewer of a JSON answer for the script: refusals are RingCentral's error body.
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let kit = Kit::of(parts)?;
        let csrf = Csrf::from_request_parts(parts, st).await?;
        match viewer(st, &kit, csrf, &parts.headers).await {
            Ok(Some(v)) => Ok(ApiViewer(v)),
            Ok(None) => Err(openglip_server::error::ApiError(signed_out()).into_response()),
            Err(e) => Err(openglip_server::error::ApiError(e).into_response()),
        }
    }
}

/// Why a write is refused before it is read: not from this origin, or without the token.
fn forged() -> Error {
    Error::forbidden("This form expired. Reload the page and try again.")
}

/// The `Origin` and the token `presented` (field or header) of a write.
fn check_write(st: &AppState, headers: &HeaderMap, presented: Option<&str>) -> Result<()> {
    let kit = platform_kit(st.config().public_url.as_deref());
    check_origin(&kit, headers)
        .and_then(|()| check_token(&kit, headers, presented))
        .map_err(|_| forged())
}

/// A `fetch` of the page's script checked by its `X-CSRF-Token` header and `Origin`.
pub struct Fetched;

impl FromRequestParts<AppState> for Fetched {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        check_write(st, &parts.headers, sent)
            .map(|()| Fetched)
            .map_err(|e| openglip_server::error::ApiError(e).into_response())
    }
}

/// A state-changing request of the client, checked: who, CSRF and origin, rate limit; and its
/// form.
pub struct Action {
    pub v: Viewer,
    pub form: Params,
}

impl FromRequest<AppState> for Action {
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let v = Viewer::from_request_parts(&mut parts, st).await?;
        let headers = parts.headers.clone();
        let refuse = |e: Error| client_error(v.fetch, e);
        let FormBody(form) = FormBody::from_request(Request::from_parts(parts, body), st)
            .await
            .map_err(IntoResponse::into_response)?;
        let presented = match headers.get(CSRF_HEADER) {
            Some(h) => h.to_str().ok(),
            None => form.get(CSRF_FIELD),
        };
        check_write(st, &headers, presented).map_err(refuse)?;
        throttle(st, &v).map_err(refuse)?;
        Ok(Action { v, form })
    }
}

/// Counts a change made in the client against the person's `Medium` rate limit, as the same
/// change through the REST API would be (the web client app and the person are the key).
fn throttle(st: &AppState, v: &Viewer) -> Result<()> {
    let key = format!("{}:{}", v.caller.app_id, v.caller.extension_id);
    match st
        .0
        .limiter
        .check(&key, openglip_server::ratelimit::Group::Medium)
        .and_then(|d| d.retry_after.map(|retry| (d.group, retry)))
    {
        Some((group, retry)) => Err(Error::RateLimited {
            group: group.spec_name(),
            retry_after_secs: retry,
        }),
        None => Ok(()),
    }
}
