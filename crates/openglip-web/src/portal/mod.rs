//! The account admin portal (`/admin`): Users with Extension (list, search, Add User without a
//! phone, user profile with Save & Enable, disable, admin role), Unassigned Extensions (add,
//! assign), installed apps and bots (remove), the mail outbox, the audit log (filtered, downloaded as CSV
//! or JSON); and the activation page
//! (`/activate`) where a person added without a password sets one. The same as JSON is the
//! server's `api::portal`. Only administrators of an account sign in here; the session is the
//! one the authorization pages use. The rules are the platform's; these pages show them.
//!
//! Every page takes an `Admin` (`admin.rs`): the kit found the account session and the administrator role
//! (or sent the browser to sign in, or answered 403) before the handler runs.

mod activate;
mod admin;
mod apps;
mod audit;
mod forgot;
mod unassigned;
mod user_form;
mod users;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::platform::SessionRealm;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::{Csrf, Kit, see_other};

use crate::signin::SignIn;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { see_other("/admin/users") }))
        .route(
            "/admin/signin",
            get(signin_page).merge(SIGN_IN.post_route()),
        )
        .route("/admin/signout", SIGN_IN.sign_out_route())
        .route("/admin/users", get(users::list).post(users::add))
        .route("/admin/users/new", get(users::new_user))
        .route("/admin/users/{id}", get(users::profile).post(users::save))
        .route(
            "/admin/unassigned",
            get(unassigned::list).post(unassigned::add),
        )
        .route(
            "/admin/unassigned/{number}",
            get(unassigned::assign_page).post(unassigned::assign),
        )
        .route("/admin/apps", get(apps::list))
        .route("/admin/apps/bots/{id}/remove", post(apps::remove_bot))
        .route("/admin/apps/{client_id}/remove", post(apps::remove_app))
        .route("/admin/outbox", get(apps::outbox))
        .route("/admin/audit", get(audit::list))
        .route("/admin/audit/export", get(audit::export))
        .route("/activate", get(activate::page).post(activate::activate))
        .route("/forgot", get(forgot::page).post(forgot::send))
}

// ---------------------------------------------------------------------------------- sign in

/// The admin portal's sign-in: administrators only.
static SIGN_IN: SignIn = SignIn {
    title: "Admin Portal",
    subtitle: "Sign in as an administrator of your company (your sandbox: its phone number and extension 101).",
    action: "/admin/signin",
    home: "/admin/users",
    realm: SessionRealm::Account,
    refuse: |ext| (!ext.is_admin).then_some("Only administrators can sign in to the admin portal."),
    forgot: Some("/forgot"),
};

async fn signin_page(kit: Kit, csrf: Csrf, p: Params) -> Response {
    SIGN_IN.page(&kit, &csrf, p.get("next")).into_response()
}
