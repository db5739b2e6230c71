//! The platform's web pages: the sign-in and Access Request pages of the authorization server
//! (`authorize`), the developer console (`console`) and the account admin portal (`portal`;
//! their JSON APIs are the server's `api`, behind the gate), and the web client (`client`).
//!
//! The server serves them without depending on this crate: [`pages`] hands it the page routes
//! and the two handlers of `/restapi/oauth/authorize` (operations of its table).
//!
//! # A page request
//!
//! The pages are maud templates through the page kit (`openglip_webkit`), installed on their
//! router with the platform's [`Kit`] ([`sessions::platform_kit`]: cookies `og_…`). A handler's
//! extractors run first: the kit's `Allowed<Developer>` / `Allowed<AccountAdmin>` find the
//! session ([`sessions`]: the platform keeps it, by the SHA-256 of the cookie's token) and the
//! role, or answer with a redirect to sign in or a 403 page; `CsrfForm<T>` checks the `Origin`
//! (`null` refused) and the double-submit token, then reads the form. The handler then asks the
//! platform (`AppState::platform`, the rules) which asks the store, and renders; a domain error
//! is shown in place on the form or as an error page ([`failure`]): a failing store is a 500/503
//! page, never an empty list.
//!
//! The web client (`client/`) stands on the same kit: its `Viewer` and `Action` extractors
//! build on the account realm's `Visitor`, the kit's `Csrf` and `CsrfForm`.

pub mod authorize;
pub mod client;
pub mod console;
pub mod failure;
mod parts;
pub mod portal;
pub mod sessions;
pub mod signin;
mod words;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};
use openglip_server::{AppState, Pages};
use openglip_webkit::Kit;

pub use failure::error_message;
pub use openglip_server::auth::{ACCOUNT_COOKIE, CONSOLE_COOKIE, cookie, cookie_name};
pub use openglip_server::extract::Peer;
pub use signin::SignIn;
pub use words::{initials, when};

/// The pages as the server takes them ([`openglip_server::serve`]): the page routes, and the
/// two handlers of `/restapi/oauth/authorize` (operations of the server's table), all under the
/// platform's kit for `state`'s public URL.
pub fn pages(state: &AppState) -> Pages {
    let kit = sessions::platform_kit(state.config().public_url.as_deref());
    let with_kit =
        |m: MethodRouter<AppState>| m.layer(from_fn_with_state(kit.clone(), Kit::middleware));
    Pages {
        routes: kit.apply(routes()),
        authorize_get: with_kit(get(authorize::authorize_get)),
        authorize_post: with_kit(post(authorize::authorize_post)),
    }
}

/// The routes of the pages, without the kit (see [`pages`]); they are not API operations, so
/// they are not in the operation table.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(authorize::routes())
        .merge(console::routes())
        .merge(portal::routes())
        .merge(client::routes())
}
