//! The console's signed-in developer ([`Dev`]) and their app ([`OwnApp`]) as extractors, and
//! the chrome of the console's pages (its sections, an app's side menu).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use openglip_domain::platform::AppRecord;
use openglip_domain::*;
use openglip_server::AppState;
use openglip_webkit::html::{NavLink, SideGroup};
use openglip_webkit::{Csrf, Kit, Markup, Page};

use crate::failure::{failure_page, not_found};
use crate::parts::{Area, Chrome};
use crate::sessions::{Developer, signed_in_as};

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
    pub fn chrome<'a>(
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
    pub fn page(&self, current: &str, title: &str, main: Markup) -> Page {
        self.chrome(current, vec![], "").page(title, main)
    }

    /// The developer's app `id`; a 404 page when it is not theirs.
    pub async fn app(&self, st: &AppState, id: &str) -> Result<AppRecord, Response> {
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
        links.push((format!("{base}/interactive"), "Interactive Messages"));
    }
    links.push((format!("{base}/undeliverable"), "Undeliverable events"));
    links
}

/// A page of one app, with its side menu (`current`: the link marked).
pub fn app_page(d: &Dev, r: &AppRecord, current: &str, title: &str, main: Markup) -> Page {
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
pub fn kind_label(r: &AppRecord) -> &'static str {
    match (r.app.kind, r.app.public_client) {
        (AppKind::Bot, _) if r.details.public_bot => "Bot (public)",
        (AppKind::Bot, _) => "Bot (private)",
        (AppKind::Rest, true) => "REST API · client-side",
        (AppKind::Rest, false) => "REST API · server-side",
    }
}
