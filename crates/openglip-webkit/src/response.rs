//! Responses: [`Page`] (HTML, hardened: no-store, no framing, nosniff, same-origin referrer, a content
//! security policy), [`see_other`] after a form post, [`error_page`], JSON errors in the app's
//! own body ([`json_error`], [`JsonError`]), and [`local_path`] for `next=` parameters.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Serialize;

use crate::Kit;

/// The content security policy of pages unless they name another: everything from this
/// server only, images also as `data:` URLs, no framing, no `<base>`, forms post only here.
/// Inline scripts and `style=` attributes are refused, so pages use classes and the script file.
pub const DEFAULT_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Security headers of every page and redirect: not cached (pages hold personal data and
/// CSRF tokens), never framed (clickjacking), content type trusted as sent, `Referer` only to
/// this app (URLs can carry codes; other sites learn nothing), and the content security policy
/// `csp`.
///
/// Why `same-origin` and not `no-referrer`: under `no-referrer` browsers send `Origin: null`
/// with every form post, even to the page's own origin, and the kit refuses `Origin: null` as
/// cross-origin. Under `same-origin` a form posted to this app carries its real origin, and one
/// posted from elsewhere still says `null`.
pub fn harden(resp: &mut Response, csp: &str) {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    match HeaderValue::from_str(csp) {
        Ok(v) => h.insert(header::CONTENT_SECURITY_POLICY, v),
        Err(_) => h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        ),
    };
}

/// An HTML page: a rendered document (see [`crate::html::Document`]), with its status and
/// content security policy. Return it from a handler; add cookies as a tuple
/// (`(cookie, page)`).
#[derive(Debug, Clone)]
pub struct Page {
    status: StatusCode,
    body: String,
    csp: Cow<'static, str>,
}

impl Page {
    /// 200 OK with [`DEFAULT_CSP`].
    pub fn new(document: Markup) -> Page {
        Page {
            status: StatusCode::OK,
            body: document.into_string(),
            csp: Cow::Borrowed(DEFAULT_CSP),
        }
    }

    pub fn status(mut self, status: StatusCode) -> Page {
        self.status = status;
        self
    }

    /// Another content security policy (e.g. a client that opens a WebSocket).
    pub fn csp(mut self, csp: impl Into<Cow<'static, str>>) -> Page {
        self.csp = csp.into();
        self
    }

    /// The HTML, as sent.
    pub fn body(&self) -> &str {
        &self.body
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut resp = (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            self.body,
        )
            .into_response();
        harden(&mut resp, &self.csp);
        resp
    }
}

/// `303 See Other` to `location`: the answer to a form post (the browser then GETs the page,
/// so reloading does not post again). Hardened like a page.
pub fn see_other(location: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    match HeaderValue::from_str(location) {
        Ok(v) => {
            resp.headers_mut().insert(header::LOCATION, v);
        }
        Err(_) => {
            tracing::error!(location, "a redirect location is not a valid header");
            resp.headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/"));
        }
    }
    harden(&mut resp, DEFAULT_CSP);
    resp
}

/// An error page: the auth card with a heading and a sentence, and a link back.
pub fn error_page(kit: &Kit, status: StatusCode, title: &str, message: &str) -> Response {
    let doc = crate::html::Document::new(kit, title).render(crate::html::auth_card(
        kit,
        maud::html! {
            h1 { (title) }
            p.sub { (message) }
            p.mt { a.btn.secondary href="/" { "Back to the start" } }
        },
    ));
    Page::new(doc).status(status).into_response()
}

/// A JSON error in the app's own body type: the platform answers RingCentral's error body,
/// the apps theirs. Not cached, content type trusted as sent.
pub fn json_error<B: Serialize>(status: StatusCode, body: &B) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

/// A JSON error as a handler's `Err`: `Result<Json<T>, JsonError<MyErrorBody>>`.
#[derive(Debug, Clone)]
pub struct JsonError<B>(pub StatusCode, pub B);

impl<B: Serialize> IntoResponse for JsonError<B> {
    fn into_response(self) -> Response {
        json_error(self.0, &self.1)
    }
}

/// Where to go after signing in: `next` if it is a path of this server, else `default`. No
/// open redirects: `//host`, `/\host`, schemes and control characters are refused.
pub fn local_path(next: Option<&str>, default: &str) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p.to_string()
        }
        _ => default.to_string(),
    }
}

/// Percent-encodes a query-string component (`next=/a?b=c` → `next=%2Fa%3Fb%3Dc`).
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/okr/teams?x=1"), "/"), "/okr/teams?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/a\nb",
            "",
            "evil",
        ] {
            assert_eq!(local_path(Some(bad), "/home"), "/home", "{bad:?}");
        }
        assert_eq!(local_path(None, "/x"), "/x");
    }

    #[test]
    fn pages_are_hardened_with_the_csp_they_name() {
        let r = Page::new(maud::html! { p { "hi" } }).into_response();
        assert_eq!(r.headers()["cache-control"], "no-store");
        assert_eq!(r.headers()["x-frame-options"], "DENY");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.headers()["referrer-policy"], "same-origin");
        assert_eq!(r.headers()["content-security-policy"], DEFAULT_CSP);
        let c = Page::new(maud::html! {})
            .csp("default-src 'self'; connect-src 'self'")
            .status(StatusCode::CREATED)
            .into_response();
        assert_eq!(c.status(), StatusCode::CREATED);
        assert_eq!(
            c.headers()["content-security-policy"],
            "default-src 'self'; connect-src 'self'"
        );
        let s = see_other("/next");
        assert_eq!(s.status(), StatusCode::SEE_OTHER);
        assert_eq!(s.headers()["location"], "/next");
        assert_eq!(s.headers()["x-frame-options"], "DENY");
    }

    #[test]
    fn json_errors_carry_the_app_body() {
        #[derive(Serialize)]
        struct Mine {
            problem: &'static str,
        }
        let r = JsonError(StatusCode::NOT_FOUND, Mine { problem: "gone" }).into_response();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(r.headers()["cache-control"], "no-store");
    }
}
