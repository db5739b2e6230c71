//! The web client for people, served at `/`: the left rail (Favorites, Direct Messages, Teams,
//! Groups, Personal, with unread counts), conversations with paging, a composer, replies,
//! editing and deleting, team management; live over the platform's own WebSocket.
//!
//! Pages are rendered here, on the server, and work without script: every action is a form that
//! posts and redirects back. The script (`assets/client.js`) enhances them: it sends forms with
//! `fetch` and inserts the HTML fragment the server answers with, pages older posts in as the
//! reader scrolls up, completes @mentions, and opens the WebSocket gateway (`/ws`, WSG protocol,
//! a `wstoken` from [`wstoken`]) to learn about new, changed and removed posts and membership
//! changes, fetching each post's fragment to show it. Rendering stays in one place: Rust.
//!
//! The browser acts as the signed-in person through a first-party app of their account
//! ("openglip Web", one per account, created on first use, with no OAuth grants so that it
//! cannot be used from outside): the [`Caller`] every page and action uses, and the app that
//! owns the web client's WebSocket subscriptions. The domain's rules apply unchanged: a person
//! sees and changes only what the REST API would let them.
//!
//! Sessions are the account realm's (the OAuth sign-in pages' cookie); forms carry the CSRF
//! token, `fetch` sends it as `X-CSRF-Token` (double-submit with the cookie, plus `Origin`).

mod actions;
mod conversation;
pub mod pwa;
mod rail;
pub mod render;

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::platform::SessionRealm;
use openglip_domain::*;

use super::*;
use openglip_server::AppState;
use openglip_server::extract::{FormBody, Params};

const CLIENT_JS: &str = include_str!("../assets/client.js");
const CLIENT_CSS: &str = include_str!("../assets/client.css");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(conversation::home))
        .route("/signin", post(signin))
        .route("/signout", post(signout))
        .route("/assets/client.js", get(client_js))
        .route("/assets/client.css", get(client_css))
        .route("/app/wstoken", post(wstoken))
        .route("/app/people", get(people))
        .route("/app/rail", get(rail::fragment))
        .merge(conversation::routes())
        .merge(actions::routes())
        .merge(pwa::routes())
}

async fn client_js(headers: HeaderMap) -> Response {
    asset(&headers, "text/javascript; charset=utf-8", CLIENT_JS)
}

async fn client_css(headers: HeaderMap) -> Response {
    asset(&headers, "text/css; charset=utf-8", CLIENT_CSS)
}

// ------------------------------------------------------------------------------ the viewer

/// The signed-in person of a client request, and the caller they act as.
pub struct Viewer {
    pub ext: Extension,
    pub caller: Caller,
    pub csrf: String,
    /// Cookies to set with the response (a new CSRF token).
    pub cookies: Vec<HeaderValue>,
}

/// The viewer of a request, or `None` when nobody is signed in.
pub async fn viewer(st: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>> {
    let Some(ext) = signed_in(st, headers, SessionRealm::Account).await? else {
        return Ok(None);
    };
    if ext.kind == ExtensionType::Bot {
        return Ok(None);
    }
    let caller = st.platform().web_client_caller(&ext).await?;
    let (csrf, cookies) = csrf(st, headers);
    Ok(Some(Viewer {
        ext,
        caller,
        csrf,
        cookies,
    }))
}

/// Whether a `fetch` from the page carries the CSRF token (header, double-submitted with the
/// cookie) and comes from this origin.
pub fn csrf_header_ok(headers: &HeaderMap) -> bool {
    let Some(cookie_token) = cookie(headers, "og_csrf") else {
        return false;
    };
    let Some(sent) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    !cookie_token.is_empty()
        && openglip_server::secrets::same(&cookie_token, sent)
        && same_origin(headers)
}

/// A state-changing request is ours: a form with the hidden token, or a `fetch` with the header.
pub fn request_ok(headers: &HeaderMap, form: &Params) -> bool {
    if headers.contains_key("x-csrf-token") {
        csrf_header_ok(headers)
    } else {
        csrf_ok(headers, form)
    }
}

/// Whether the page's script asked (it wants a fragment or JSON, not a redirect).
pub fn is_fetch(headers: &HeaderMap) -> bool {
    headers.contains_key("x-csrf-token")
        || headers
            .get("x-requested-with")
            .is_some_and(|v| v.as_bytes() == b"fetch")
}

/// The client's content security policy: as the other pages', but images of bot cards may come
/// from any https origin, and the WebSocket gateway and the service worker are allowed.
const CLIENT_CSP: &str = "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; \
     connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// A page or fragment of the client.
pub fn client_html(status: StatusCode, body: String, cookies: Vec<HeaderValue>) -> Response {
    html_with(CLIENT_CSP, status, body, cookies)
}

/// The whole document of a client page.
pub fn client_document(title: &str, body_class: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1, viewport-fit=cover\">\
         <title>{} · openglip</title>{}\
         <link rel=\"stylesheet\" href=\"/assets/openglip.css\"><link rel=\"stylesheet\" href=\"/assets/client.css\">\
         <script src=\"/assets/client.js\" defer></script></head>\
         <body class=\"client {}\"><a class=\"skip\" href=\"#composer-text\">Skip to the message box</a>{}</body></html>",
        esc(title),
        pwa::head_tags(),
        esc(body_class),
        body
    )
}

/// An error for the client: a message in the page for `fetch`, a page otherwise.
pub fn client_error(headers: &HeaderMap, e: Error) -> Response {
    if is_fetch(headers) {
        return openglip_server::error::ApiError(e).into_response();
    }
    let (status, _) = openglip_server::error::status_and_code(&e);
    let body = auth_card(&format!(
        "<h1>That did not work</h1><p class=\"sub\">{}</p>\
         <p><a class=\"btn\" href=\"/\">Back to your chats</a></p>",
        esc(&error_message(&e))
    ));
    client_html(status, client_document("Error", "", &body), vec![])
}

// --------------------------------------------------------------------- sign in and sign out

/// The web client's sign-in: people (bots have no business in a chat client).
const SIGN_IN: SignIn = SignIn {
    title: "Sign in to openglip",
    subtitle: "Chat with your team: direct messages, teams and bots.",
    action: "/signin",
    home: "/",
    realm: SessionRealm::Account,
    refuse: |ext| {
        (ext.kind == ExtensionType::Bot).then_some("Bots do not sign in to the web client.")
    },
};

/// The sign-in page; `next` is where to go after (a path of this server).
pub fn signin_page(st: &AppState, headers: &HeaderMap, next: &str) -> Response {
    SIGN_IN.page(st, headers, Some(next))
}

async fn signin(
    State(st): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    SIGN_IN.post(&st, &peer, &headers, &form).await
}

/// Ends the browser's session and the person's live connections of the web client (other
/// browsers still signed in reconnect on their own; this one's pages find they are signed out).
async fn signout(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    if !request_ok(&headers, &form) {
        return see_other("/", vec![]);
    }
    let who = match viewer(&st, &headers).await {
        Ok(who) => who,
        Err(e) => return client_error(&headers, e),
    };
    let c = match end_session(&st, &headers, SessionRealm::Account).await {
        Ok(c) => c,
        Err(e) => return client_error(&headers, e),
    };
    if let Some(v) = who {
        for s in st.hub().ws.sessions_of(v.ext.id, v.caller.app_id) {
            s.end(st.hub()).await;
        }
    }
    see_other("/", vec![c])
}

/// Counts a change made in the client against the person's `Medium` rate limit, as the same
/// change through the REST API would be (the web client app and the person are the key).
pub fn throttle(st: &AppState, v: &Viewer) -> Result<()> {
    let key = format!("{}:{}", v.caller.app_id, v.caller.extension_id);
    match st
        .0
        .limiter
        .check(&key, openglip_server::ratelimit::Group::Medium)
    {
        Some(d) => match d.retry_after {
            Some(retry) => Err(Error::RateLimited {
                group: d.group.spec_name(),
                retry_after_secs: retry,
            }),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

// ------------------------------------------------------------------ WebSocket and directory

/// `POST /app/wstoken`: a token for the WebSocket gateway, as `POST /restapi/oauth/wstoken`
/// gives one, for the signed-in person through the web client app.
async fn wstoken(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if !csrf_header_ok(&headers) {
        return api_error(Error::forbidden("Missing or wrong X-CSRF-Token"));
    }
    let v = match viewer(&st, &headers).await {
        Ok(Some(v)) => v,
        Ok(None) => {
            return api_error(Error::Unauthenticated(
                openglip_domain::AuthFailure::Missing,
            ));
        }
        Err(e) => return api_error(e),
    };
    let ttl = st.hub().config.ws.token_ttl;
    let token = st.hub().ws.issue(v.caller, ttl);
    let body = openglip_wire::WsToken {
        ws_access_token: token,
        uri: openglip_server::realtime::ws::gateway_uri(&openglip_server::api::base_url(
            &st, &headers,
        )),
        expires_in: ttl.as_secs().max(1) as i64,
    };
    let mut resp = axum::Json(body).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `q` in the company directory; with no `q` but a `chat`, that chat's members (what "@" alone
/// offers in a conversation).
async fn people_for(st: &AppState, v: &Viewer, q: &Params) -> Result<Vec<Extension>> {
    let text = q.get("q").unwrap_or("").trim();
    match q.get("chat").filter(|c| !c.is_empty()) {
        Some(chat) if text.is_empty() => {
            let chat = st
                .service()
                .member_chat(&v.caller, openglip_server::api::chat_id(chat)?)
                .await?;
            let ids: Vec<ExtensionId> = chat
                .members
                .iter()
                .copied()
                .filter(|m| *m != v.ext.id)
                .take(8)
                .collect();
            let mut found = st.service().people(&v.caller, ids).await?;
            found.retain(|e| e.status == ExtensionStatus::Enabled);
            found.sort_by_cached_key(|e| e.full_name().to_lowercase());
            Ok(found)
        }
        _ => st.service().directory(&v.caller, text, 8).await,
    }
}

/// One person or bot of the viewer's company, for completion and pickers.
#[derive(serde::Serialize)]
struct Person {
    id: String,
    name: String,
    email: Option<String>,
    bot: bool,
    initials: String,
}

/// `GET /app/people?q=`: people and bots of the viewer's company whose name, e-mail or
/// extension number matches (at most 8; enabled ones, the viewer last).
async fn people(State(st): State<AppState>, headers: HeaderMap, q: Params) -> Response {
    let v = match viewer(&st, &headers).await {
        Ok(Some(v)) => v,
        Ok(None) => {
            return api_error(Error::Unauthenticated(
                openglip_domain::AuthFailure::Missing,
            ));
        }
        Err(e) => return api_error(e),
    };
    match people_for(&st, &v, &q).await {
        Ok(list) => {
            let out: Vec<Person> = list
                .into_iter()
                .map(|e| Person {
                    id: e.id.to_string(),
                    initials: initials(&e.full_name()),
                    name: e.full_name(),
                    email: e.email.clone(),
                    bot: e.kind == ExtensionType::Bot,
                })
                .collect();
            let mut resp = axum::Json(out).into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => api_error(e),
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
