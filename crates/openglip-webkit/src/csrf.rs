//! CSRF: a double-submit token (the `{prefix}csrf` cookie, and the same value in the form's
//! hidden `_csrf` field or a `fetch`'s `X-CSRF-Token` header, compared in constant time) plus an
//! `Origin` check: a browser that says where a request comes from must name this app's origin;
//! `Origin: null` (sandboxed frames, some redirects, `data:` pages) is cross-origin (RFC 6454
//! §7.3) and refused.
//!
//! - [`Csrf`]: a page handler's token to render ([`Csrf::field`]); issued when the browser has
//!   none (the kit sets the cookie on the response).
//! - [`CsrfForm<T>`]: a form post, verified before the handler runs, read into `T`.
//! - [`CsrfVerified`]: a request verified by its header (a `fetch` with another body, or none).

use std::time::Duration;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::de::DeserializeOwned;

use crate::Kit;
use crate::kit::IssuedCsrf;
use crate::refusal::Refusal;
use crate::token::{looks_like_token, same};

/// The cookie, after the app's prefix.
pub const CSRF_COOKIE: &str = "csrf";
/// The form field.
pub const CSRF_FIELD: &str = "_csrf";
/// The header a page's script sends with `fetch`.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long the browser keeps the token.
pub const CSRF_TTL: Duration = Duration::from_secs(24 * 3600);
/// The largest form body read (larger posts are refused before reading further).
pub const FORM_LIMIT: usize = 1024 * 1024;

/// The browser's CSRF token, for the page to put in its forms. Take it as an extractor.
#[derive(Debug, Clone)]
pub struct Csrf {
    token: String,
}

impl Csrf {
    /// A token already held (a template rendered in a test, or outside a request). Handlers
    /// take `Csrf` as an extractor instead, which issues the browser's cookie.
    pub fn new(token: impl Into<String>) -> Csrf {
        Csrf {
            token: token.into(),
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// `<input type="hidden" name="_csrf" value="…">`: put it in every form that posts.
    pub fn field(&self) -> Markup {
        html! { input type="hidden" name=(CSRF_FIELD) value=(self.token); }
    }

    /// `<meta name="csrf-token" content="…">`, for a page's script to send as `X-CSRF-Token`.
    pub fn meta(&self) -> Markup {
        html! { meta name="csrf-token" content=(self.token); }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let kit = Kit::of(parts)?;
        if let Some(token) = kit
            .read_cookie(&parts.headers, CSRF_COOKIE)
            .filter(|t| looks_like_token(t))
        {
            return Ok(Csrf { token });
        }
        let issued = parts
            .extensions
            .get::<IssuedCsrf>()
            .cloned()
            .unwrap_or_default();
        Ok(Csrf {
            token: issued.get_or_issue(),
        })
    }
}

/// Whether a request that says where it comes from comes from this app: its `Origin` must be
/// the kit's public origin (or, without one, name the request's `Host`). No `Origin` passes
/// (same-origin GETs and older browsers send none; the token still has to match).
pub fn check_origin(kit: &Kit, headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin
        .to_str()
        .ok()
        .and_then(crate::kit::origin_of)
        .ok_or(Refusal::CrossOrigin)?;
    let ours = match kit.origin() {
        Some(public) => origin == public,
        None => {
            // Without a configured public URL the scheme is unknown (a proxy may end TLS):
            // the origin's host and port must be the request's `Host`.
            let scheme = origin.split_once("://").map_or("http", |(s, _)| s);
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            !host.is_empty()
                && crate::kit::origin_of(&format!("{scheme}://{host}")).as_deref()
                    == Some(origin.as_str())
        }
    };
    if ours {
        Ok(())
    } else {
        Err(Refusal::CrossOrigin)
    }
}

/// The double-submit check: `presented` (the form field or header) must equal the cookie.
pub fn check_token(kit: &Kit, headers: &HeaderMap, presented: Option<&str>) -> Result<(), Refusal> {
    let cookie = kit
        .read_cookie(headers, CSRF_COOKIE)
        .filter(|t| looks_like_token(t))
        .ok_or(Refusal::CsrfMismatch)?;
    match presented {
        Some(p) if same(&cookie, p) => Ok(()),
        _ => Err(Refusal::CsrfMismatch),
    }
}

fn header_token(headers: &HeaderMap) -> Option<&str> {
    headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok())
}

/// A request checked by its `X-CSRF-Token` header and `Origin`: for `fetch` requests whose
/// body is not a form (JSON, or none, e.g. `DELETE`). Refused with JSON.
#[derive(Debug, Clone, Copy)]
pub struct CsrfVerified;

impl<S: Send + Sync> FromRequestParts<S> for CsrfVerified {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let kit = Kit::of(parts)?;
        check_origin(&kit, &parts.headers)
            .and_then(|()| check_token(&kit, &parts.headers, header_token(&parts.headers)))
            .map(|()| CsrfVerified)
            .map_err(|r| r.json(&kit))
    }
}

/// A form post, read into `T` after its CSRF token (the `_csrf` field, or the `X-CSRF-Token`
/// header when a script sent the form) and `Origin` were verified. `T` is any
/// `Deserialize` struct; repeated fields (checkbox groups) read into `Vec<String>`, and the
/// `_csrf` field is ignored unless `T` denies unknown fields.
///
/// Refused as a 403 page (JSON when a script sent it) before the handler runs; a body that is
/// not a form, or does not fit `T`, is a 400.
#[derive(Debug, Clone)]
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let kit = Kit::of(&parts)?;
        let refuse = |r: Refusal| r.answer(&kit, &parts.headers);
        check_origin(&kit, &parts.headers).map_err(refuse)?;
        if parts.method == Method::GET || parts.method == Method::HEAD {
            return Err(refuse(Refusal::BadForm("a form is posted".into())));
        }
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(refuse(Refusal::BadForm(
                "expected application/x-www-form-urlencoded".into(),
            )));
        }
        let bytes = axum::body::to_bytes(body, FORM_LIMIT)
            .await
            .map_err(|_| refuse(Refusal::BadForm("the form is too large".into())))?;
        let field = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned());
        let presented = header_token(&parts.headers).or(field.as_deref());
        check_token(&kit, &parts.headers, presented).map_err(refuse)?;
        serde_html_form::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| refuse(Refusal::BadForm(e.to_string())))
    }
}
