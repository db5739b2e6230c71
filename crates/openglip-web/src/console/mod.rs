//! The developer console (`/console`): sign in, my apps, Create App (REST API app or bot), the
//! app dashboard (credentials with the client secret revealed on click and rotation, settings,
//! API usage, production graduation, adding a bot), JWT credentials, and the developer's
//! sandbox account. The same operations as JSON are the server's `api::console`. The rules are
//! the platform's; these pages show them.
//!
//! Every page takes a `Dev` (`dev.rs`): the kit found the console session (or sent the browser to sign
//! in) before the handler runs.

mod app_form;
mod apps;
mod credentials;
mod dashboard;
mod dev;
mod interactive;
mod sandbox;
mod undeliverable;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::platform::SessionRealm;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::{Csrf, Kit, Sessions, local_path, see_other};

use crate::failure::failure_page;
use crate::sessions::ConsolePerson;
use crate::signin::SignIn;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(apps::home))
        .route(
            "/console/signin",
            get(signin_page).merge(SIGN_IN.post_route()),
        )
        .route("/console/signout", SIGN_IN.sign_out_route())
        .route("/console/apps/new", get(apps::new_app))
        .route("/console/apps", post(apps::create))
        .route("/console/sandbox", get(sandbox::page).post(sandbox::create))
        .route("/console/apps/{id}", get(dashboard::dashboard))
        .route("/console/apps/{id}/undeliverable", get(undeliverable::page))
        .route(
            "/console/apps/{id}/undeliverable/{event}/redeliver",
            post(undeliverable::redeliver),
        )
        .route("/console/apps/{id}/secret", post(dashboard::rotate))
        .route(
            "/console/apps/{id}/interactive",
            get(interactive::page).post(interactive::save),
        )
        .route(
            "/console/apps/{id}/interactive/secret",
            post(interactive::rotate),
        )
        .route(
            "/console/apps/{id}/settings",
            get(apps::settings).post(apps::save_settings),
        )
        .route(
            "/console/apps/{id}/production",
            get(dashboard::production).post(dashboard::apply),
        )
        .route(
            "/console/apps/{id}/bot",
            get(dashboard::bot).post(dashboard::install),
        )
        .route(
            "/console/credentials",
            get(credentials::page).post(credentials::create),
        )
        .route(
            "/console/credentials/{jid}/revoke",
            post(credentials::revoke),
        )
}

// ---------------------------------------------------------------------------------- sign in

/// The developer console's sign-in (its own realm: a console session is not an account one).
static SIGN_IN: SignIn = SignIn {
    title: "Developer Console",
    subtitle: "Sign in to build apps and bots for your team messaging.",
    action: "/console/signin",
    home: "/console",
    realm: SessionRealm::Console,
    refuse: |_| None,
    forgot: None,
};

async fn signin_page(
    State(st): State<AppState>,
    kit: Kit,
    csrf: Csrf,
    headers: HeaderMap,
    p: Params,
) -> Response {
    let cookie = <AppState as Sessions<ConsolePerson>>::COOKIE;
    if let Some(token) = kit.read_cookie(&headers, cookie) {
        match st.platform().session(SessionRealm::Console, &token).await {
            Ok(Some(_)) => return see_other(&local_path(p.get("next"), "/console")),
            Ok(None) => {}
            Err(e) => return failure_page(&kit, e),
        }
    }
    SIGN_IN.page(&kit, &csrf, p.get("next")).into_response()
}
