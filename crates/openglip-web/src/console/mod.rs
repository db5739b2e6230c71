//! The developer console (`/console`): sign in, my apps, Create App (REST API app or bot), the
//! app dashboard (credentials with the client secret revealed on click and rotation, settings,
//! API usage, production graduation, adding a bot), JWT credentials, and the developer's
//! sandbox account. The same operations as JSON are the server's `api::console`. The rules are
//! the platform's; these pages show them.
//!
//! Every page takes a [`Dev`]: the kit found the console session (or sent the browser to sign
//! in) before the handler runs.

mod app_form;
mod apps;
mod credentials;
mod dashboard;
mod sandbox;

use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::platform::{AppRecord, SessionRealm};
use openglip_domain::*;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::html::{NavLink, SideGroup};
use openglip_webkit::{Csrf, Kit, Markup, Page, Sessions, local_path, see_other};

use crate::failure::{failure_page, not_found};
use crate::parts::{Area, Chrome};
use crate::sessions::{ConsolePerson, Developer, signed_in_as};
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
        .route("/console/apps/{id}/secret", post(dashboard::rotate))
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

const AREA: Area = Area {
    name: "Developer Console",
    home: "/console",
    nav: &[
        NavLink {
            href: "/console",
            label: "Apps",
        },
        NavLink {
            href: "/console/credentials",
            label: "Credentials",
        },
    ],
    sign_out: "/console/signout",
};

/// A developer signed in to the console, with what every page needs.
pub struct Dev {
    pub ext: Extension,
    pub kit: Kit,
    pub csrf: Csrf,
}

impl FromRequestParts<AppState> for Dev {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let (Developer(ext), kit, csrf) = signed_in_as(parts, st).await?;
        Ok(Dev { ext, kit, csrf })
    }
}

/// A developer's own app, by the `{id}` of the path: a 404 page when it is not theirs.
pub struct OwnApp {
    pub d: Dev,
    pub r: AppRecord,
}

impl FromRequestParts<AppState> for OwnApp {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let d = Dev::from_request_parts(parts, st).await?;
        let Path(id) = Path::<String>::from_request_parts(parts, st)
            .await
            .map_err(IntoResponse::into_response)?;
        let r = d.app(st, &id).await?;
        Ok(OwnApp { d, r })
    }
}

impl Dev {
    /// The chrome of a console page in the section `current`, with a side menu.
    fn chrome<'a>(
        &'a self,
        current: &'a str,
        side: Vec<SideGroup<'a>>,
        side_current: &'a str,
    ) -> Chrome<'a> {
        Chrome {
            kit: &self.kit,
            csrf: &self.csrf,
            area: &AREA,
            user: &self.ext,
            env: None,
            current,
            side,
            side_current,
        }
    }

    /// A page of the console's top level (`current`: its section).
    fn page(&self, current: &str, title: &str, main: Markup) -> Page {
        self.chrome(current, vec![], "").page(title, main)
    }

    /// The developer's app `id`; a 404 page when it is not theirs.
    async fn app(&self, st: &AppState, id: &str) -> Result<AppRecord, Response> {
        match st.platform().developer_app(&self.ext, id).await {
            Ok(r) => Ok(r),
            Err(Error::NotFound(_)) => Err(not_found(
                &self.kit,
                "App not found",
                "There is no such app among yours.",
            )),
            Err(e) => Err(failure_page(&self.kit, e)),
        }
    }
}

/// The side menu of an app: its pages.
fn app_links(r: &AppRecord) -> Vec<(String, &'static str)> {
    let base = format!("/console/apps/{}", r.app.client_id);
    let mut links = vec![
        (base.clone(), "Credentials"),
        (format!("{base}/settings"), "Settings"),
        (format!("{base}/production"), "Usage & production"),
    ];
    if r.app.kind == AppKind::Bot {
        links.push((format!("{base}/bot"), "Bot"));
    }
    links
}

/// A page of one app, with its side menu (`current`: the link marked).
fn app_page(d: &Dev, r: &AppRecord, current: &str, title: &str, main: Markup) -> Page {
    let links = app_links(r);
    let side = vec![
        SideGroup {
            heading: &r.app.name,
            links: links
                .iter()
                .map(|(href, label)| NavLink { href, label })
                .collect(),
        },
        SideGroup {
            heading: "Console",
            links: vec![NavLink {
                href: "/console",
                label: "All apps",
            }],
        },
    ];
    d.chrome("/console", side, current).page(title, main)
}

/// What kind of app it is, in words.
fn kind_label(r: &AppRecord) -> &'static str {
    match (r.app.kind, r.app.public_client) {
        (AppKind::Bot, _) if r.details.public_bot => "Bot (public)",
        (AppKind::Bot, _) => "Bot (private)",
        (AppKind::Rest, true) => "REST API · client-side",
        (AppKind::Rest, false) => "REST API · server-side",
    }
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
