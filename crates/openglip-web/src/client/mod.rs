//! The web client for people, served at `/`: the left rail (Favorites, Direct Messages, Teams,
//! Groups, Personal, with unread counts), conversations with paging, a composer, replies,
//! editing and deleting, team management; live over the platform's own WebSocket.
//!
//! Pages are rendered here, on the server, as maud templates on the page kit, and work without
//! script: every action is a form that posts and redirects back. The script
//! (`assets/client.js`) enhances them: it sends forms with `fetch` and inserts the HTML fragment
//! the server answers with, pages older posts in as the reader scrolls up, completes @mentions,
//! and opens the WebSocket gateway (`/ws`, WSG protocol, a `wstoken` from [`wstoken`]) to learn
//! about new, changed and removed posts and membership changes, fetching each post's fragment to
//! show it. Rendering stays in one place: Rust.
//!
//! - [`visit`]: who is asking, as extractors ([`visit::Viewer`], [`visit::Action`]): a handler
//!   starts with its work;
//! - [`layout`]: the document, the app around a pane, responses, errors;
//! - [`rail`], [`conversation`] (and [`posts`]), [`details`], [`directory`], [`search`],
//!   [`teamwork`] (a chat's Tasks, Notes and Events tabs): the pages and fragments; [`actions`]: the form posts; [`render`]: message text and attachments;
//!   [`pwa`]: the installable app.
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
mod card_submit;
mod conversation;
mod details;
mod directory;
mod files;
mod hooks;
mod layout;
mod posts;
mod profile;
pub mod pwa;
mod rail;
pub mod render;
mod search;
mod teamwork;
mod visit;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::platform::SessionRealm;
use openglip_webkit::{Kit, see_other};

use openglip_server::AppState;
use visit::{Action, ApiViewer, Fetched, SIGN_IN};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signin", SIGN_IN.post_route())
        .route("/signout", post(signout))
        .route("/app/wstoken", post(wstoken))
        .route("/app/rail", get(rail::list_fragment))
        .route("/app/search", get(search::search_page))
        .route("/c/{chat}/details", get(details::details_page))
        .merge(conversation::routes())
        .merge(directory::routes())
        .merge(profile::routes())
        .merge(actions::routes())
        .merge(files::routes())
        .merge(card_submit::routes())
        .merge(teamwork::routes())
        .merge(pwa::routes())
        .layer(axum::middleware::from_fn(layout::answer_failures))
}

// --------------------------------------------------------------------- sign in and sign out

/// Ends the browser's session and the person's live connections of the web client (other
/// browsers still signed in reconnect on their own; this one's pages find they are signed out).
async fn signout(
    State(st): State<AppState>,
    kit: Kit,
    headers: HeaderMap,
    Action { v, .. }: Action,
) -> layout::Answer {
    let cleared = crate::signin::end(&st, &kit, &headers, SessionRealm::Account).await?;
    st.hub().end_sessions_of(v.ext.id, v.caller.app_id).await;
    Ok((cleared, see_other("/")).into_response())
}

// ------------------------------------------------------------------------------ WebSocket

/// `POST /app/wstoken`: a token for the WebSocket gateway, as `POST /restapi/oauth/wstoken`
/// gives one, for the signed-in person through the web client app.
async fn wstoken(
    State(st): State<AppState>,
    _: Fetched,
    ApiViewer(v): ApiViewer,
    headers: HeaderMap,
) -> Response {
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
