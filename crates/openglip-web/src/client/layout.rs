//! The client's chrome: the document (installable: manifest and icons; the client's stylesheet
//! and script), the app around a pane (the rail and the pane, with what the script needs to
//! know in `data-` attributes), the responses of pages and fragments, and error answers.

use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use openglip_domain::Error;
use openglip_webkit::csrf::CSRF_HEADER;
use openglip_webkit::html::{Document, auth_card};
use openglip_webkit::{Kit, Page};

use super::pwa;
use crate::error_message;

/// The client's content security policy: the kit's, but images of bot cards may come from any
/// https origin, and the WebSocket gateway and the service worker are allowed.
pub const CLIENT_CSP: &str = "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; \
     connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// The platform's page kit as the client's pages render it (the product's brand and footer).
pub fn kit() -> &'static Kit {
    static KIT: LazyLock<Kit> = LazyLock::new(|| crate::sessions::platform_kit(None));
    &KIT
}

/// Whether the page's script asked (it wants a fragment or JSON, not a page or a redirect).
pub fn is_fetch(headers: &HeaderMap) -> bool {
    headers.contains_key(CSRF_HEADER)
        || headers
            .get("x-requested-with")
            .is_some_and(|v| v.as_bytes() == b"fetch")
}

/// A page or fragment of the client as a response: hardened like every page of the kit
/// (no-store, no framing, nosniff, same-origin referrer) under [`CLIENT_CSP`]. (The kit's layer
/// sets the CSRF cookie when the token was issued for this request.)
pub fn respond(status: StatusCode, body: Markup) -> Response {
    Page::new(body)
        .status(status)
        .csp(CLIENT_CSP)
        .into_response()
}

/// A fragment for the script (200).
pub fn fragment(body: Markup) -> Response {
    respond(StatusCode::OK, body)
}

/// The whole document of a client page: the kit's, with the client's stylesheet and script,
/// installable (the manifest and icons), a full-height app without a footer, whose skip link
/// goes to the message box.
pub fn document(title: &str, body: Markup) -> Markup {
    Document::new(kit(), title)
        .body_class("client")
        .stylesheet("/assets/client.css")
        .script("/assets/client.js")
        .script("/assets/files.js")
        .script("/assets/cards.js")
        .head(pwa::head_tags())
        .skip_to("#composer-text", "Skip to the message box")
        .without_footer()
        .render(body)
}

/// A page of the app (200).
pub fn page(title: &str, body: Markup) -> Response {
    page_with_status(StatusCode::OK, title, body)
}

pub fn page_with_status(status: StatusCode, title: &str, body: Markup) -> Response {
    respond(status, document(title, body))
}

/// What a handler of the client answers: a page, a fragment, a redirect; or a [`Failure`].
pub type Answer = Result<Response, Failure>;

/// A handler's failure: the domain's error, which [`answer_failures`] turns into the client's
/// answer for the request (a page, or RingCentral's error body when the script asked), so that
/// handlers use `?` and errors are answered in one place.
#[derive(Debug)]
pub struct Failure(pub Error);

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure(e)
    }
}

/// The error a handler failed with, carried out to [`answer_failures`].
#[derive(Clone)]
struct Failed(Error);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        resp.extensions_mut().insert(Failed(self.0));
        resp
    }
}

/// The client's layer: a handler's [`Failure`] becomes the client's error answer, as a page or
/// for the script, as the request asked.
pub async fn answer_failures(req: Request, next: Next) -> Response {
    let fetch = is_fetch(req.headers());
    let mut resp = next.run(req).await;
    match resp.extensions_mut().remove::<Failed>() {
        Some(Failed(e)) => client_error(fetch, e),
        None => resp,
    }
}

/// An error for the client: RingCentral's error body for the script, a page otherwise. Server
/// failures (the store's) are logged here, and shown as such, never as an empty page.
pub fn client_error(fetch: bool, e: Error) -> Response {
    let (status, _) = openglip_server::error::status_and_code(&e);
    if status.is_server_error() {
        tracing::error!(error = %e, "a page of the web client failed");
    }
    if fetch {
        return openglip_server::error::ApiError(e).into_response();
    }
    let card = auth_card(
        kit(),
        html! {
            h1 { "That did not work" }
            p.sub { (error_message(&e)) }
            p { a.btn href="/" { "Back to your chats" } }
        },
    );
    respond(status, document("Error", card))
}
