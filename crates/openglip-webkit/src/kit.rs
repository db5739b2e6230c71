//! [`Kit`]: one app's settings (product name, cookie prefix, public URL, footer, JSON error body),
//! and [`Kit::apply`], which installs them on the app's router for the extractors to find.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::cookies::Cookie;
use crate::csrf::{CSRF_COOKIE, CSRF_TTL};
use crate::refusal::{ErrorMessage, Refusal};

type JsonBody = dyn Fn(&Refusal) -> serde_json::Value + Send + Sync;

struct Settings {
    product: String,
    cookie_prefix: String,
    /// `scheme://host[:port]` of the public URL, when the app knows it.
    origin: Option<String>,
    secure: bool,
    footer: String,
    json_body: Arc<JsonBody>,
}

/// One app's page kit: what its pages are called, how its cookies are named, where it is
/// reached, and how its JSON APIs spell an error. Cheap to clone (shared).
///
/// Build it once at start, keep it in the app's state if pages need it, and install it on the
/// router with [`Kit::apply`]; handlers can also take it as an extractor (`kit: Kit`).
#[derive(Clone)]
pub struct Kit(Arc<Settings>);

impl std::fmt::Debug for Kit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kit")
            .field("product", &self.0.product)
            .field("cookie_prefix", &self.0.cookie_prefix)
            .field("origin", &self.0.origin)
            .finish_non_exhaustive()
    }
}

impl Kit {
    /// The kit of the product called `product` ("openglip", "openglip OKR"), whose cookies are
    /// all named `{cookie_prefix}…`. Cookies ignore ports: apps that may share a host need
    /// different prefixes (the platform uses `og_`).
    ///
    /// # Panics
    /// If the prefix is empty or holds anything but ASCII letters, digits, `_` and `-` (a
    /// programming error: it is a constant of the app).
    pub fn new(product: impl Into<String>, cookie_prefix: &str) -> Kit {
        assert!(
            !cookie_prefix.is_empty()
                && cookie_prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
            "a cookie prefix is ASCII letters, digits, '_' and '-': {cookie_prefix:?}"
        );
        let product = product.into();
        Kit(Arc::new(Settings {
            footer: product.clone(),
            product,
            cookie_prefix: cookie_prefix.to_string(),
            origin: None,
            secure: false,
            json_body: Arc::new(|r| {
                serde_json::to_value(ErrorMessage::of(r)).unwrap_or(serde_json::Value::Null)
            }),
        }))
    }

    fn with(self, change: impl FnOnce(&mut Settings)) -> Kit {
        let s = &*self.0;
        let mut next = Settings {
            product: s.product.clone(),
            cookie_prefix: s.cookie_prefix.clone(),
            origin: s.origin.clone(),
            secure: s.secure,
            footer: s.footer.clone(),
            json_body: s.json_body.clone(),
        };
        change(&mut next);
        Kit(Arc::new(next))
    }

    /// The URL people reach the app at (`https://okr.example.com`), if configured. With it,
    /// `Origin` must be exactly its origin, and cookies are `Secure` when it is https; without
    /// it, `Origin` must name the request's `Host`.
    pub fn public_url(self, url: Option<&str>) -> Kit {
        let origin = url.and_then(origin_of);
        let secure = url.is_some_and(|u| u.starts_with("https://"));
        self.with(|s| {
            s.origin = origin;
            s.secure = secure;
        })
    }

    /// The footer line of every page (default: the product name).
    pub fn footer(self, text: impl Into<String>) -> Kit {
        let text = text.into();
        self.with(|s| s.footer = text)
    }

    /// How the app's JSON APIs spell the kit's refusals (401 signed out, 403, CSRF, 503): the
    /// app's own error body. Default: `{"errorCode": …, "message": …}` ([`ErrorMessage`]).
    pub fn json_errors<B: Serialize + 'static>(self, body: fn(&Refusal) -> B) -> Kit {
        self.with(|s| {
            s.json_body =
                Arc::new(move |r| serde_json::to_value(body(r)).unwrap_or(serde_json::Value::Null))
        })
    }

    pub fn product(&self) -> &str {
        &self.0.product
    }

    pub fn footer_text(&self) -> &str {
        &self.0.footer
    }

    pub fn cookie_prefix(&self) -> &str {
        &self.0.cookie_prefix
    }

    /// The public origin, when configured.
    pub fn origin(&self) -> Option<&str> {
        self.0.origin.as_deref()
    }

    /// Whether cookies carry `Secure` (the public URL is https).
    pub fn secure(&self) -> bool {
        self.0.secure
    }

    /// The app's JSON error body for a refusal.
    pub fn json_body(&self, refusal: &Refusal) -> serde_json::Value {
        (self.0.json_body)(refusal)
    }

    /// A cookie of this app: `{prefix}{name}`, `HttpOnly; SameSite=Lax; Path=/` (and `Secure`
    /// behind https).
    pub fn cookie(&self, name: &str, value: &str) -> Cookie {
        Cookie::new(
            format!("{}{name}", self.0.cookie_prefix),
            value,
            self.0.secure,
        )
    }

    /// The value of this app's cookie `{prefix}{name}` in a request.
    pub fn read_cookie(&self, headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
        crate::cookies::read(headers, &format!("{}{name}", self.0.cookie_prefix))
    }

    /// Installs the kit on the app's router: every request carries the kit (for the
    /// extractors) and a CSRF token issued while handling it is set as a cookie on the response.
    /// Also serves the stylesheet and script ([`crate::assets::routes`]).
    pub fn apply<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        let kit = self.clone();
        router
            .merge(crate::assets::routes())
            .layer(axum::middleware::from_fn(
                move |req: Request, next: Next| {
                    let kit = kit.clone();
                    async move { kit.around(req, next).await }
                },
            ))
    }

    /// [`Kit::apply`]'s middleware alone, for a route that is not in a router the kit wraps
    /// (a handler another crate routes, such as an operation of the platform's table):
    /// `get(handler).layer(axum::middleware::from_fn_with_state(kit, Kit::middleware))`.
    pub async fn middleware(State(kit): State<Kit>, req: Request, next: Next) -> Response {
        kit.around(req, next).await
    }

    async fn around(self, mut req: Request, next: Next) -> Response {
        let issued = IssuedCsrf::default();
        req.extensions_mut().insert(self.clone());
        req.extensions_mut().insert(issued.clone());
        let mut resp = next.run(req).await;
        if let Some(token) = issued.take() {
            let c = self.cookie(CSRF_COOKIE, &token).max_age(CSRF_TTL);
            resp.headers_mut().append(SET_COOKIE, c.header_value());
        }
        resp
    }

    /// The kit installed on the request's router (see [`Kit::apply`]).
    pub fn of(parts: &Parts) -> Result<Kit, KitMissing> {
        parts.extensions.get::<Kit>().cloned().ok_or(KitMissing)
    }
}

/// A kit extractor ran on a router that [`Kit::apply`] did not wrap: a programming error,
/// logged and answered 500.
#[derive(Debug, Clone, Copy)]
pub struct KitMissing;

impl IntoResponse for KitMissing {
    fn into_response(self) -> Response {
        tracing::error!("openglip-webkit: Kit::apply was not called on this router");
        axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
}

impl From<KitMissing> for Response {
    fn from(m: KitMissing) -> Response {
        m.into_response()
    }
}

/// A CSRF token issued during this request (the browser had none), to be set as a cookie.
#[derive(Clone, Default)]
pub(crate) struct IssuedCsrf(Arc<Mutex<Option<String>>>);

impl IssuedCsrf {
    /// The token issued in this request, issuing it on first use.
    pub(crate) fn get_or_issue(&self) -> String {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(crate::token::new_token).clone()
    }

    fn take(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Kit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Kit::of(parts)?)
    }
}

/// `scheme://host[:port]` of a URL, lower-cased, without a default port.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host.to_string(),
        _ => authority,
    };
    Some(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            origin_of("https://OKR.example.com:443/x?y").as_deref(),
            Some("https://okr.example.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8081").as_deref(),
            Some("http://127.0.0.1:8081")
        );
        assert_eq!(origin_of("null"), None);
        assert_eq!(origin_of("http://user@evil.example"), None);
    }

    #[test]
    #[should_panic(expected = "cookie prefix")]
    fn a_cookie_prefix_must_be_a_token() {
        Kit::new("x", "a;b");
    }

    #[test]
    fn cookies_are_named_by_the_app_prefix() {
        let okr = Kit::new("openglip OKR", "okr_");
        let c = okr.cookie("session", "t").header_value();
        assert!(c.to_str().unwrap().starts_with("okr_session=t; "));
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            "cookie",
            "og_session=platform; okr_session=mine".parse().unwrap(),
        );
        assert_eq!(okr.read_cookie(&h, "session").as_deref(), Some("mine"));
        let platform = Kit::new("openglip", "og_");
        assert_eq!(
            platform.read_cookie(&h, "session").as_deref(),
            Some("platform")
        );
        assert!(
            Kit::new("x", "agents_")
                .read_cookie(&h, "session")
                .is_none()
        );
    }
}
