//! The JSON API under `/api/v1`, authenticated by the platform's own bearer tokens (the app
//! asks the platform who a token belongs to and caches the answer briefly). Every route is
//! declared once, in [`ops`], from which both the router and `/api/v1/openapi.json` are made.
//! Errors are RingCentral's error body (`crate::error`).
//!
//! [`routes`] are the API's routes; [`crate::router`] serves them with the pages.

mod docs;
pub(crate) mod followers;
pub(crate) mod objectives;
pub(crate) mod teams;
pub mod views;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::routing::{MethodRouter, get};
use serde::de::DeserializeOwned;

use crate::app::App;
use crate::error::{Error, Result};
use crate::platform::Identity;
use crate::service::Viewer;

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";
/// The largest request body (an import of a big company fits).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// One operation of the API.
pub struct Op {
    pub method: Method,
    /// Below [`PREFIX`], axum's syntax (`/teams/{teamId}`).
    pub path: &'static str,
    pub id: &'static str,
    pub summary: &'static str,
    /// The request body's schema.
    pub request: Option<&'static str>,
    /// The answer's schema; `X[]` is `{records: [X]}`.
    pub response: Option<&'static str>,
    pub status: u16,
    /// Query parameters (name, description).
    pub query: &'static [(&'static str, &'static str)],
    pub handler: MethodRouter<App>,
}

impl Op {
    /// An operation answering 200 with no body schema; see [`Op::takes`], [`Op::answers`],
    /// [`Op::query`].
    pub fn new(
        method: Method,
        path: &'static str,
        id: &'static str,
        summary: &'static str,
        handler: MethodRouter<App>,
    ) -> Op {
        Op {
            method,
            path,
            id,
            summary,
            request: None,
            response: None,
            status: 200,
            query: &[],
            handler,
        }
    }

    /// The request body's schema.
    pub fn takes(self, schema: &'static str) -> Op {
        Op {
            request: Some(schema),
            ..self
        }
    }

    /// The success status and its body's schema (`X[]`: `{records: [X]}`).
    pub fn answers(self, status: u16, schema: Option<&'static str>) -> Op {
        Op {
            status,
            response: schema,
            ..self
        }
    }

    /// Query parameters (name, description).
    pub fn query(self, query: &'static [(&'static str, &'static str)]) -> Op {
        Op { query, ..self }
    }
}

/// Every operation.
pub fn ops() -> Vec<Op> {
    let mut v = teams::ops();
    v.extend(objectives::ops());
    v.extend(followers::ops());
    v
}

/// The API's routes, its OpenAPI document, and the platform's redirect after "Add to Glip"
/// (`/integrations/glip/callback`). [`crate::router`] serves them with the pages.
pub fn routes() -> Router<App> {
    let mut r: Router<App> = Router::new();
    for op in ops() {
        r = r.route(&format!("{PREFIX}{}", op.path), op.handler);
    }
    r.route(&format!("{PREFIX}/openapi.json"), get(docs::serve))
        .route(
            "/integrations/glip/callback",
            get(followers::install_callback),
        )
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

/// A path the API does not have.
pub fn no_such_resource() -> Error {
    Error::not_found("uri", "There is no such resource in the OKR API")
}

/// The person calling: by their platform bearer token (the API), or signed in to the pages
/// (`crate::pages`), with a client acting for them on the platform.
#[derive(Clone)]
pub struct Caller {
    pub viewer: Viewer,
    /// Acting for them on the platform.
    pub client: openglip_sdk::Client,
}

impl FromRequestParts<App> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Caller> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .ok_or_else(|| Error::Unauthenticated {
                code: "CMN-405".into(),
                message: "Sign in: send the platform's access token as Authorization: Bearer"
                    .into(),
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::Unauthenticated {
                code: "OAU-151".into(),
                message: "Only Bearer tokens are accepted".into(),
            })?;
        let (identity, client, fresh) = app.platform().authenticate(token).await?;
        if fresh {
            remember(app, &identity).await?;
        }
        Ok(Caller {
            viewer: Viewer {
                account_id: identity.account_id,
                person: identity.person,
            },
            client,
        })
    }
}

/// Keeps the company and the person as the platform described them just now.
pub(crate) async fn remember(app: &App, who: &Identity) -> Result<()> {
    let now = app.now();
    app.store()
        .upsert_tenant(&who.account_id, &who.company_name, now)
        .await?;
    app.store()
        .upsert_people(&who.account_id, vec![who.person.clone()], now)
        .await
}

/// A JSON request body. Not JSON: `CMN-103`; a value of the wrong type or an unknown field:
/// `CMN-101` naming it (`owner.type`).
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
            let mime = ct.split(';').next().unwrap_or("").trim();
            if !(mime == "application/json" || mime.ends_with("+json") || mime.is_empty()) {
                return Err(Error::invalid(
                    "Content-Type",
                    format!("Send JSON (application/json), not [{mime}]"),
                ));
            }
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|r| Error::Unreadable(r.body_text()))?;
        parse(&bytes).map(Json)
    }
}

/// Parses a JSON body (an empty one is `{}`).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|e| Error::Unreadable(e.to_string()))?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Error::invalid(
            "body",
            "The request body must be a JSON object",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let msg = inner
            .find(" at line ")
            .map_or(inner.as_str(), |i| &inner[..i])
            .to_string();
        let name = if path == "." || path.is_empty() {
            "body".to_string()
        } else {
            path
        };
        Error::invalid(
            name.clone(),
            format!("Parameter [{name}] value is invalid: {msg}"),
        )
    })
}

/// Query parameters, with errors in the API's shape.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|r| Error::invalid("query", r.body_text()))
    }
}
