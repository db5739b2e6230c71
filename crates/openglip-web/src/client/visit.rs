//! Who is asking, checked before a handler runs, so that a handler starts with its work. They
//! stand on the platform's page kit (installed on every page route by [`crate::pages`]):
//!
//! - [`Viewer`]: the signed-in person (a person, not a bot; the account realm's session, the
//!   kit's [`Visitor`]) with the [`Caller`] they act as and their CSRF token ([`Csrf`]: the kit
//!   issues the cookie). Nobody signed in: a page answers with the sign-in form in its place,
//!   coming back to the page afterwards (`next`); the script's `fetch` gets a 401 in
//!   RingCentral's error body. A store failure is an error page (logged), never "signed out".
//! - [`ApiViewer`]: the same for the JSON answers of the page's script, always refused as JSON.
//! - [`Action`]: a state-changing form post (or the script's `fetch` of one): the viewer, then
//!   the kit's [`CsrfForm`] (the `Origin` must be this server's, `Origin: null` is refused: the
//!   client's pages send their real origin under `Referrer-Policy: same-origin`; the `_csrf`
//!   field or `X-CSRF-Token` header must match the `og_csrf` cookie, compared in constant
//!   time), and the person's `Medium` rate limit, as the REST API would count it.
//! - [`Fetched`]: a `fetch` of the script (`POST /app/wstoken`), the kit's [`CsrfVerified`].
//! - [`Upload`]: a `multipart/form-data` form with a file (the profile picture): the same
//!   checks as [`Action`], the token read from the form's `_csrf` part, before anything is done.
//!
//! Also here: the client's [`SIGN_IN`] (the shared sign-in flow, for people, not bots), which a
//! page shows in place when nobody is signed in, and [`names_of`], the viewer's colleagues by id.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use openglip_domain::platform::SessionRealm;
use openglip_domain::*;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::csrf::{CSRF_FIELD, CSRF_HEADER, check_origin, check_token};
use openglip_webkit::{Csrf, CsrfForm, CsrfVerified, Kit};

use super::layout::{client_error, is_fetch};
use crate::SignIn;
use crate::sessions::Visitor;

/// The signed-in person of a client request, and the caller they act as.
pub struct Viewer {
    pub ext: Extension,
    pub caller: Caller,
    /// The browser's CSRF token, for the page's forms.
    pub csrf: Csrf,
    /// The page's script asked: it wants a fragment or JSON, not a page or a redirect.
    pub fetch: bool,
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

/// The person signed in to the web client, if any (a bot is nobody here), as the caller of
/// the account's web client app.
async fn viewer(parts: &mut Parts, st: &AppState) -> Result<Option<Viewer>, Response> {
    let fetch = is_fetch(&parts.headers);
    let Visitor(who) = Visitor::from_request_parts(parts, st).await?;
    let Some(ext) = who.filter(|e| e.kind != ExtensionType::Bot) else {
        return Ok(None);
    };
    let caller = st
        .platform()
        .web_client_caller(&ext)
        .await
        .map_err(|e| client_error(fetch, e))?;
    let csrf = Csrf::from_request_parts(parts, st).await?;
    Ok(Some(Viewer {
        ext,
        caller,
        csrf,
        fetch,
    }))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        match viewer(parts, st).await? {
            Some(v) => Ok(v),
            None if is_fetch(&parts.headers) => Err(client_error(true, signed_out())),
            None => {
                let kit = Kit::of(parts)?;
                let csrf = Csrf::from_request_parts(parts, st).await?;
                Err(signin_page(&kit, &csrf, &back_here(parts)))
            }
        }
    }
}

/// The web client's sign-in: people (bots have no business in a chat client).
pub static SIGN_IN: SignIn = SignIn {
    title: "Sign in to openglip",
    subtitle: "Chat with your team: direct messages, teams and bots.",
    action: "/signin",
    home: "/",
    realm: SessionRealm::Account,
    refuse: |ext| {
        (ext.kind == ExtensionType::Bot).then_some("Bots do not sign in to the web client.")
    },
    forgot: Some("/forgot"),
};

/// The sign-in page; `next` is where to go after (a path of this server).
fn signin_page(kit: &Kit, csrf: &Csrf, next: &str) -> Response {
    SIGN_IN.page(kit, csrf, Some(next)).into_response()
}

/// The viewer of a JSON answer for the script: refusals are RingCentral's error body.
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        match viewer(parts, st).await? {
            Some(v) => Ok(ApiViewer(v)),
            None => Err(openglip_server::error::ApiError(signed_out()).into_response()),
        }
    }
}

/// A `fetch` of the page's script checked by its `X-CSRF-Token` header and `Origin`.
pub struct Fetched;

impl FromRequestParts<AppState> for Fetched {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        CsrfVerified::from_request_parts(parts, st).await?;
        Ok(Fetched)
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
        let req = Request::from_parts(parts, body);
        let CsrfForm(pairs) = CsrfForm::<Vec<(String, String)>>::from_request(req, st).await?;
        throttle(st, &v)
            .await
            .map_err(|e| client_error(v.fetch, e))?;
        Ok(Action {
            v,
            form: Params(pairs),
        })
    }
}

/// A file posted with a `multipart/form-data` form of the client: checked as an [`Action`] is
/// (who, `Origin`, the CSRF token of its `_csrf` part or `X-CSRF-Token`, the rate limit), then
/// the bytes of its `file` part (empty when it has none). A body over the server's limit is
/// "too large".
pub struct Upload {
    pub v: Viewer,
    pub file: Vec<u8>,
}

/// The name of the file part [`Upload`] reads.
pub const UPLOAD_FIELD: &str = "image";

impl FromRequest<AppState> for Upload {
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let v = Viewer::from_request_parts(&mut parts, st).await?;
        let kit = Kit::of(&parts)?;
        let headers = parts.headers.clone();
        check_origin(&kit, &headers).map_err(|r| r.answer(&kit, &headers))?;
        let unreadable = |e: axum::extract::multipart::MultipartError| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                Error::PayloadTooLarge(openglip_server::BODY_LIMIT)
            } else {
                Error::MissingParameter(UPLOAD_FIELD.into())
            }
        };
        let fetch = v.fetch;
        let mut form = Multipart::from_request(Request::from_parts(parts, body), st)
            .await
            .map_err(|_| client_error(fetch, Error::MissingParameter(UPLOAD_FIELD.into())))?;
        let (mut token, mut file) = (None, Vec::new());
        loop {
            let field = form
                .next_field()
                .await
                .map_err(|e| client_error(fetch, unreadable(e)))?;
            let Some(field) = field else { break };
            match field.name() {
                Some(CSRF_FIELD) => token = field.text().await.ok(),
                Some(UPLOAD_FIELD) => {
                    file = field
                        .bytes()
                        .await
                        .map_err(|e| client_error(fetch, unreadable(e)))?
                        .to_vec()
                }
                _ => {}
            }
        }
        let header = headers
            .get(CSRF_HEADER)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string);
        check_token(&kit, &headers, header.or(token).as_deref())
            .map_err(|r| r.answer(&kit, &headers))?;
        throttle(st, &v)
            .await
            .map_err(|e| client_error(v.fetch, e))?;
        Ok(Upload { v, file })
    }
}

/// Counts a change made in the client against the person's `Medium` rate limit, as the same
/// change through the REST API would be (the web client app and the person are the key).
pub(super) async fn throttle(st: &AppState, v: &Viewer) -> Result<()> {
    let key = format!("{}:{}", v.caller.app_id, v.caller.extension_id);
    match st
        .check_rate(&key, openglip_server::ratelimit::Group::Medium)
        .await
        .and_then(|d| d.retry_after.map(|retry| (d.group, retry)))
    {
        Some((group, retry)) => Err(Error::RateLimited {
            group: group.spec_name(),
            retry_after_secs: retry,
        }),
        None => Ok(()),
    }
}

/// People of the viewer's company by id, for names (unknown ones and other companies' are left
/// out).
pub async fn names_of(
    st: &AppState,
    v: &Viewer,
    ids: impl IntoIterator<Item = ExtensionId>,
) -> Result<HashMap<ExtensionId, Extension>> {
    let mut ids: Vec<ExtensionId> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(st
        .service()
        .people(&v.caller, ids)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect())
}
