//! The portal's signed-in administrator ([`Admin`], with their company) as an extractor, and
//! the chrome of the portal's pages.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use openglip_domain::Extension;
use openglip_domain::platform::Environment;
use openglip_server::AppState;
use openglip_webkit::html::{NavLink, SideGroup};
use openglip_webkit::{Csrf, Kit, Markup, Page, html};

use crate::failure::failure_page;
use crate::parts::{Area, Chrome};
use crate::sessions::{AccountAdmin, signed_in_as};

const AREA: Area = Area {
    name: "Admin Portal",
    home: "/admin/users",
    nav: &[
        NavLink {
            href: "/admin/users",
            label: "Users",
        },
        NavLink {
            href: "/admin/apps",
            label: "Apps",
        },
        NavLink {
            href: "/admin/outbox",
            label: "Mail",
        },
        NavLink {
            href: "/admin/audit",
            label: "Audit log",
        },
    ],
    sign_out: "/admin/signout",
};

const USERS_SIDE: [NavLink<'static>; 2] = [
    NavLink {
        href: "/admin/users",
        label: "Users with Extension",
    },
    NavLink {
        href: "/admin/unassigned",
        label: "Unassigned Extensions",
    },
];

/// An administrator signed in to the portal, their company, and what every page needs.
pub struct Admin {
    pub ext: Extension,
    pub company: String,
    pub env: Environment,
    pub kit: Kit,
    pub csrf: Csrf,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let (AccountAdmin(ext), kit, csrf) = signed_in_as(parts, st).await?;
        let (account, env) = match st.platform().account(ext.account_id).await {
            Ok(found) => found,
            Err(e) => return Err(failure_page(&kit, e)),
        };
        Ok(Admin {
            ext,
            company: account.name,
            env,
            kit,
            csrf,
        })
    }
}

impl Admin {
    /// A portal page in the section `current` (its side menu's link `side_current`, for the
    /// users' pages), the company's name above the content.
    pub fn page(&self, current: &str, side_current: &str, title: &str, main: Markup) -> Page {
        let side = if current == "/admin/users" {
            vec![SideGroup {
                heading: "Users",
                links: USERS_SIDE.to_vec(),
            }]
        } else {
            vec![]
        };
        let chrome = Chrome {
            kit: &self.kit,
            csrf: &self.csrf,
            area: &AREA,
            user: &self.ext,
            env: Some(self.env),
            current,
            side,
            side_current,
        };
        chrome.page(
            title,
            html! {
                p.hint { (self.company) }
                (main)
            },
        )
    }
}
