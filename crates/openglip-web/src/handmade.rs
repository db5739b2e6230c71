//! The hand-made HTML helpers of the web client (`client/`), kept until the client moves onto
//! the page kit (another change converts it; then this file goes). The sign-in, authorization,
//! console and portal pages do not use them: they are maud templates through
//! `openglip_webkit`. Everything here escapes with [`esc`] by hand.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use openglip_domain::events::Generation;
use openglip_domain::platform::SessionRealm;
use openglip_domain::*;
use openglip_platform::sessions::SESSION_TTL_SECS;
use openglip_server::AppState;
use openglip_server::auth::{cookie, cookie_name};
use openglip_server::extract::Params;
use openglip_server::secrets;
use openglip_webkit::csrf::{CSRF_COOKIE as KIT_CSRF_COOKIE, CSRF_TTL};
use openglip_webkit::{Cookie, Csrf, Kit};

use crate::failure::error_message;

const CSRF_COOKIE: &str = "og_csrf";

/// An embedded stylesheet or script. They change with the server, so browsers keep them but ask
/// each time (`no-cache` with an `ETag`): 304 Not Modified until the server is upgraded.
pub fn asset(headers: &HeaderMap, ct: &'static str, body: &'static str) -> Response {
    openglip_webkit::assets::asset(headers, ct, body.as_bytes())
}

/// Escapes text for HTML element content and (double-quoted) attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string component.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The content security policy of the pages: scripts, styles and images from this server only.
pub const PAGE_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Security headers of every page: no caching, no framing (the Access Request page must not be
/// clickjacked), and the content security policy `csp`.
fn harden(resp: &mut Response, csp: &'static str) {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
}

/// A whole HTML document.
pub fn document(title: &str, body_class: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · openglip</title><link rel=\"stylesheet\" href=\"/assets/openglip.css\">\
         <script src=\"/assets/openglip.js\" defer></script></head>\
         <body class=\"{}\"><a class=\"skip\" href=\"#main\">Skip to content</a>{}\
         <footer class=\"footer\">openglip · RingCentral-compatible team messaging</footer></body></html>",
        esc(title),
        esc(body_class),
        body
    )
}

/// An HTML response, with security headers and any cookies to set.
pub fn html(status: StatusCode, doc: String, cookies: Vec<HeaderValue>) -> Response {
    html_with(PAGE_CSP, status, doc, cookies)
}

/// An HTML response under the content security policy `csp`.
pub fn html_with(
    csp: &'static str,
    status: StatusCode,
    doc: String,
    cookies: Vec<HeaderValue>,
) -> Response {
    let mut resp = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        doc,
    )
        .into_response();
    harden(&mut resp, csp);
    for c in cookies {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// 303 See Other (after a form post), with cookies.
pub fn see_other(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    harden(&mut resp, PAGE_CSP);
    for c in cookies {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// A form field: label, input, hint and the error in place.
pub struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub required: bool,
    pub autocomplete: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, label: &'a str, kind: &'a str) -> Self {
        Field {
            name,
            label,
            kind,
            value: "",
            hint: None,
            error: None,
            required: false,
            autocomplete: None,
        }
    }
    pub fn value(mut self, v: &'a str) -> Self {
        self.value = v;
        self
    }
    pub fn hint(mut self, h: &'a str) -> Self {
        self.hint = Some(h);
        self
    }
    pub fn error(mut self, e: Option<&'a str>) -> Self {
        self.error = e;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn autocomplete(mut self, a: &'a str) -> Self {
        self.autocomplete = Some(a);
        self
    }
    pub fn render(&self) -> String {
        let id = format!("f-{}", self.name);
        let described = match (self.hint.is_some(), self.error.is_some()) {
            (_, true) => format!(" aria-invalid=\"true\" aria-describedby=\"{id}-err\""),
            (true, false) => format!(" aria-describedby=\"{id}-hint\""),
            _ => String::new(),
        };
        let input = if self.kind == "textarea" {
            format!(
                "<textarea id=\"{id}\" name=\"{}\"{}{}>{}</textarea>",
                esc(self.name),
                if self.required { " required" } else { "" },
                described,
                esc(self.value)
            )
        } else {
            format!(
                "<input id=\"{id}\" name=\"{}\" type=\"{}\" value=\"{}\"{}{}{}>",
                esc(self.name),
                esc(self.kind),
                if self.kind == "password" {
                    String::new()
                } else {
                    esc(self.value)
                },
                if self.required { " required" } else { "" },
                self.autocomplete
                    .map(|a| format!(" autocomplete=\"{}\"", esc(a)))
                    .unwrap_or_default(),
                described
            )
        };
        format!(
            "<div class=\"field{}\"><label for=\"{id}\">{}</label>{input}{}{}</div>",
            if self.error.is_some() { " invalid" } else { "" },
            esc(self.label),
            self.hint
                .map(|h| format!("<span class=\"hint\" id=\"{id}-hint\">{}</span>", esc(h)))
                .unwrap_or_default(),
            self.error
                .map(|e| format!(
                    "<span class=\"error\" id=\"{id}-err\" role=\"alert\">{}</span>",
                    esc(e)
                ))
                .unwrap_or_default(),
        )
    }
}

/// Form errors by field name.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn add(&mut self, field: &str, msg: impl Into<String>) {
        self.0.push((field.to_string(), msg.into()));
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The fields a domain error is about, each with its message, to show in place; `None` when
    /// it is not about what was entered (see [`failure_page`]).
    pub fn of(e: &Error) -> Option<Errors> {
        e.fields()
            .map(|fields| Errors(fields.into_iter().map(|f| (f.name, f.message)).collect()))
    }
    /// Any domain error as form errors: its fields, or one message on the parameter it names
    /// (or on `fallback`).
    pub fn from_error(e: &Error, fallback: &str) -> Errors {
        Errors::of(e).unwrap_or_else(|| {
            let mut out = Errors::default();
            let name = openglip_server::error::parameter_in(e, Generation::Current);
            out.add(name.unwrap_or(fallback), error_message(e));
            out
        })
    }
}

/// An error of a JSON answer of the pages (the web client's `fetch`es): RingCentral's body.
pub fn api_error(e: Error) -> Response {
    openglip_server::error::ApiError(e).into_response()
}

/// The card of the sign-in, consent, activation, error and offline pages: the brand, then
/// `inner` (HTML).
pub fn auth_card(inner: &str) -> String {
    format!(
        "<main id=\"main\" class=\"auth\"><div class=\"authcard\">\
         <div class=\"brand\"><span class=\"logo\" aria-hidden=\"true\">og</span>openglip</div>{inner}</div></main>"
    )
}

// --------------------------------------------------------------------------------- cookies

fn secure(st: &AppState) -> bool {
    st.config()
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

/// `Set-Cookie`: HttpOnly, SameSite=Lax, Path=/, Secure when the public URL is https.
pub fn set_cookie(st: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let v = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure(st) { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

// ------------------------------------------------------------------------------------ CSRF

/// The CSRF token of this browser, and the cookie to set when it is new.
pub fn csrf(st: &AppState, headers: &HeaderMap) -> (String, Vec<HeaderValue>) {
    match cookie(headers, CSRF_COOKIE).filter(|t| secrets::looks_like_token(t)) {
        Some(t) => (t, vec![]),
        None => {
            let t = secrets::new_token();
            let c = set_cookie(st, CSRF_COOKIE, &t, SESSION_TTL_SECS * 2);
            (t, vec![c])
        }
    }
}

pub fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"_csrf\" value=\"{}\">",
        esc(token)
    )
}

/// A form post is ours if its hidden token matches the cookie and, when the browser says where
/// it comes from, it comes from this host.
pub fn csrf_ok(headers: &HeaderMap, form: &Params) -> bool {
    let Some(cookie_token) = cookie(headers, CSRF_COOKIE) else {
        return false;
    };
    let Some(field) = form.get("_csrf") else {
        return false;
    };
    if cookie_token.is_empty() || !secrets::same(&cookie_token, field) {
        return false;
    }
    same_origin(headers)
}

/// Whether a page's request that says where it comes from (`Origin`) comes from this host.
/// Browsers send `Origin: null` with the forms of pages under `Referrer-Policy: no-referrer`
/// (ours), so for pages `null` passes: their CSRF token is what proves them ours. (The JSON
/// APIs, which have no such token, refuse `null`: `auth::from_this_host`.)
pub fn same_origin(headers: &HeaderMap) -> bool {
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) if origin != "null" => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            let origin_host = origin.split("://").nth(1).unwrap_or("");
            origin_host.eq_ignore_ascii_case(host)
        }
        _ => true,
    }
}

// -------------------------------------------------------------------------------- sessions

/// The session token a browser holds in a realm (its cookie).
fn session_cookie(headers: &HeaderMap, realm: SessionRealm) -> Option<String> {
    cookie(headers, cookie_name(realm)).filter(|t| secrets::looks_like_token(t))
}

/// The person signed in to this realm in this browser (an enabled one), if any.
pub async fn signed_in(
    st: &AppState,
    headers: &HeaderMap,
    realm: SessionRealm,
) -> Result<Option<Extension>> {
    match session_cookie(headers, realm) {
        Some(token) => st.platform().session(realm, &token).await,
        None => Ok(None),
    }
}

/// Ends the browser's session of the realm; returns the cookie that clears it.
pub async fn end_session(
    st: &AppState,
    headers: &HeaderMap,
    realm: SessionRealm,
) -> Result<HeaderValue> {
    if let Some(old) = session_cookie(headers, realm) {
        st.platform().end_session(&old).await?;
    }
    Ok(set_cookie(st, cookie_name(realm), "", 0))
}

/// The platform's kit and the browser's CSRF token for code that holds only the headers (the
/// client's sign-in page, rendered from inside its handlers): the token from the cookie, or a
/// new one with the cookie to set.
pub fn kit_and_csrf(st: &AppState, headers: &HeaderMap) -> (Kit, Csrf, Option<Cookie>) {
    let kit = crate::sessions::platform_kit(st.config().public_url.as_deref());
    match kit
        .read_cookie(headers, KIT_CSRF_COOKIE)
        .filter(|t| secrets::looks_like_token(t))
    {
        Some(t) => (kit, Csrf::new(t), None),
        None => {
            let t = secrets::new_token();
            let c = kit.cookie(KIT_CSRF_COOKIE, &t).max_age(CSRF_TTL);
            (kit, Csrf::new(t), Some(c))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">O'Brien & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;"
        );
    }
}
