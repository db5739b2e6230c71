//! The web pages: the sign-in and Access Request pages of the authorization server
//! (`authorize`), the developer console (`console`) and the account admin portal (`portal`;
//! their JSON APIs are `api`'s, behind the gate), and the web client (`client`). Server-rendered
//! HTML, written by hand with [`esc`]; one embedded stylesheet and a few lines of script, served
//! from `/assets/`.
//!
//! Shared here: the page chrome, cookies, web sessions (the cookie holds the platform's session
//! token), CSRF tokens (double-submit: a cookie and a hidden field that must match, plus an
//! `Origin` check), the one sign-in flow, and error pages. The rules (sign-in check and its
//! throttle, sessions, apps, people, bots) are the platform's (`AppState::platform`).

pub mod authorize;
pub mod client;
pub mod console;
pub mod portal;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::events::Generation;
use openglip_domain::platform::SessionRealm;
use openglip_domain::*;
use openglip_platform::sessions::SESSION_TTL_SECS;

pub use openglip_server::auth::{ACCOUNT_COOKIE, CONSOLE_COOKIE, cookie, cookie_name};
use openglip_server::extract::Params;
pub use openglip_server::extract::Peer;
use openglip_server::secrets;
use openglip_server::{AppState, Pages};

const CSRF_COOKIE: &str = "og_csrf";

/// The pages as the server takes them ([`openglip_server::serve`]): the page routes, and the
/// two handlers of `/restapi/oauth/authorize` (operations of the server's table).
pub fn pages() -> Pages {
    Pages {
        routes: routes(),
        authorize_get: get(authorize::authorize_get),
        authorize_post: post(authorize::authorize_post),
    }
}

/// The routes of the pages (merged into the main router; they are not API operations, so they
/// are not in the operation table).
pub fn routes() -> Router<AppState> {
    Router::new()
        // The stylesheet and script every page loads come from the page kit.
        .merge(openglip_webkit::assets::routes())
        .merge(authorize::routes())
        .merge(console::routes())
        .merge(portal::routes())
        .merge(client::routes())
}

/// An embedded stylesheet or script. They change with the server, so browsers keep them but ask
/// each time (`no-cache` with an `ETag`): 304 Not Modified until the server is upgraded.
pub fn asset(headers: &HeaderMap, ct: &'static str, body: &'static str) -> Response {
    openglip_webkit::assets::asset(headers, ct, body.as_bytes())
}

// ------------------------------------------------------------------------------------ HTML

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

/// Initials for an avatar circle.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
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

/// Only paths of this server are followed after signing in (no open redirects).
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

/// A domain error in words for a person (internal details are not shown).
pub fn error_message(e: &Error) -> String {
    match e {
        Error::Internal(_) | Error::Unavailable => "Something went wrong. Please try again.".into(),
        other => openglip_server::error::message(other),
    }
}

/// An error of a JSON answer of the pages (the web client's `fetch`es): RingCentral's body.
pub fn api_error(e: Error) -> Response {
    openglip_server::error::ApiError(e).into_response()
}

/// The page for an error a form cannot fix: not found, forbidden, the store failing (logged,
/// 500 or 503, never shown as an empty page). Its status is the API's for the same error.
pub fn failure_page(e: Error) -> Response {
    let (status, _) = openglip_server::error::status_and_code(&e);
    if status.is_server_error() {
        tracing::error!(error = %e, "a page failed");
        return error_page(
            status,
            "Something went wrong",
            "The server could not do this just now. Please try again in a moment.",
        );
    }
    let message = match &e {
        Error::NotFound(_) => "There is nothing here, or it is not yours to see.".into(),
        other => error_message(other),
    };
    error_page(status, "This did not work", &message)
}

/// The card of the sign-in, consent, activation, error and offline pages: the brand, then
/// `inner` (HTML).
pub fn auth_card(inner: &str) -> String {
    format!(
        "<main id=\"main\" class=\"auth\"><div class=\"authcard\">\
         <div class=\"brand\"><span class=\"logo\" aria-hidden=\"true\">og</span>openglip</div>{inner}</div></main>"
    )
}

pub fn notice(kind: &str, html_text: &str) -> String {
    format!("<div class=\"notice {kind}\" role=\"status\">{html_text}</div>")
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

/// Starts a session; returns the token and the cookie that carries it. A session the browser
/// had in the same realm is ended (a new id at every sign-in: no session fixation).
pub async fn start_session(
    st: &AppState,
    headers: &HeaderMap,
    realm: SessionRealm,
    ext: &Extension,
) -> Result<(String, HeaderValue)> {
    let old = session_cookie(headers, realm);
    let token = st
        .platform()
        .start_session(realm, ext, old.as_deref())
        .await?;
    let c = set_cookie(st, cookie_name(realm), &token, SESSION_TTL_SECS);
    Ok((token, c))
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

/// A sign-in failure in words for the form, and the status of the page that shows it (429
/// when throttled); `None` when the store failed rather than the person.
pub fn sign_in_failure(e: &Error) -> Option<(String, StatusCode)> {
    match e {
        Error::SignIn(f @ SignInFailure::Throttled { .. }) => {
            Some((f.to_string(), StatusCode::TOO_MANY_REQUESTS))
        }
        Error::SignIn(f) => Some((f.to_string(), StatusCode::BAD_REQUEST)),
        _ => None,
    }
}

/// Shorthand for an HTML error page (no redirect).
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = auth_card(&format!(
        "<h1>{}</h1><p class=\"sub\">{}</p>",
        esc(title),
        esc(message)
    ));
    html(status, document(title, "", &body), vec![])
}

/// The chrome of the console and the admin portal: top bar (brand, area, sections, who is
/// signed in, sign out), an optional side menu, and the page.
pub struct Shell<'a> {
    pub area: &'a str,
    pub home: &'a str,
    pub nav: &'a [(&'a str, &'a str)],
    pub active: &'a str,
    pub user: &'a Extension,
    pub env: Option<openglip_domain::platform::Environment>,
    pub signout: &'a str,
    pub csrf: &'a str,
    /// (heading, [(href, label)])
    pub side: Vec<(String, Vec<(String, String)>)>,
    pub side_active: String,
}

impl Shell<'_> {
    pub fn render(&self, title: &str, main: &str) -> String {
        let nav: String = self
            .nav
            .iter()
            .map(|(href, label)| {
                format!(
                    "<a href=\"{}\"{}>{}</a>",
                    esc(href),
                    if *href == self.active {
                        " aria-current=\"page\""
                    } else {
                        ""
                    },
                    esc(label)
                )
            })
            .collect();
        let env = self
            .env
            .map(|e| format!("<span class=\"envtag env-{0}\">{0}</span>", e.as_str()))
            .unwrap_or_default();
        let side = if self.side.is_empty() {
            String::new()
        } else {
            let groups: String = self
                .side
                .iter()
                .map(|(h, links)| {
                    let l: String = links
                        .iter()
                        .map(|(href, label)| {
                            format!(
                                "<a href=\"{}\"{}>{}</a>",
                                esc(href),
                                if *href == self.side_active {
                                    " aria-current=\"page\""
                                } else {
                                    ""
                                },
                                esc(label)
                            )
                        })
                        .collect();
                    format!("<h4>{}</h4>{l}", esc(h))
                })
                .collect();
            format!("<nav class=\"side\" aria-label=\"Section\">{groups}</nav>")
        };
        let body = format!(
            "<header class=\"topbar\"><a class=\"brand\" href=\"{home}\"><span class=\"logo\" aria-hidden=\"true\">og</span>openglip</a>\
             <span class=\"area\">{area}</span><nav class=\"topnav\" aria-label=\"Main\">{nav}</nav>\
             <div class=\"who\">{env}<span>{name}</span><form method=\"post\" action=\"{signout}\">{csrf}\
             <button class=\"linkbtn\" type=\"submit\">Sign out</button></form></div></header>\
             <div class=\"shell\">{side}<main id=\"main\">{main}</main></div>",
            home = esc(self.home),
            area = esc(self.area),
            name = esc(&self.user.full_name()),
            signout = esc(self.signout),
            csrf = csrf_field(self.csrf),
        );
        document(title, "", &body)
    }
}

/// The sign-in page of the console and the admin portal.
#[allow(clippy::too_many_arguments)]
pub fn signin_form(
    title: &str,
    subtitle: &str,
    action: &str,
    next: &str,
    csrf_token: &str,
    login: &str,
    extension: &str,
    error: Option<&str>,
) -> String {
    let inner = format!(
        "<h1>{}</h1><p class=\"sub\">{}</p>{}\
         <form class=\"stack\" method=\"post\" action=\"{}\" novalidate style=\"margin-top:1rem\">{}\
         <input type=\"hidden\" name=\"next\" value=\"{}\">{}{}{}\
         <button class=\"btn primary wide\" type=\"submit\">Sign in</button></form>",
        esc(title),
        esc(subtitle),
        error.map(|e| notice("bad", &esc(e))).unwrap_or_default(),
        esc(action),
        csrf_field(csrf_token),
        esc(next),
        Field::new("login", "Email or phone number", "text")
            .value(login)
            .autocomplete("username")
            .required()
            .render(),
        Field::new("extension", "Extension", "text")
            .value(extension)
            .hint("Only when you sign in with a company phone number, e.g. your sandbox's main number and 101")
            .render(),
        Field::new("password", "Password", "password")
            .autocomplete("current-password")
            .required()
            .render(),
    );
    document(title, "", &auth_card(&inner))
}

/// A sign-in page of the console, the admin portal or the web client: one flow (CSRF, throttled
/// password check, a new session in the realm, back to `next`), each with its words, realm and
/// who it turns away.
pub struct SignIn {
    pub title: &'static str,
    pub subtitle: &'static str,
    /// Where the form posts.
    pub action: &'static str,
    /// Where to go after signing in when the form names nowhere (or somewhere not local).
    pub home: &'static str,
    pub realm: SessionRealm,
    /// Who may not sign in here, with the reason shown (403).
    pub refuse: fn(&Extension) -> Option<&'static str>,
}

impl SignIn {
    /// The empty form, coming back to `next` afterwards.
    pub fn page(&self, st: &AppState, headers: &HeaderMap, next: Option<&str>) -> Response {
        let (token, cookies) = csrf(st, headers);
        let doc = signin_form(
            self.title,
            self.subtitle,
            self.action,
            &local_path(next, self.home),
            &token,
            "",
            "",
            None,
        );
        html(StatusCode::OK, doc, cookies)
    }

    /// The form posted: signed in and on to `next`, or the form again with the reason.
    pub async fn post(
        &self,
        st: &AppState,
        peer: &str,
        headers: &HeaderMap,
        form: &Params,
    ) -> Response {
        let (token, cookies) = csrf(st, headers);
        let next = local_path(form.get("next"), self.home);
        let login = form.get("login").unwrap_or("");
        let extension = form.get("extension").unwrap_or("");
        let fail = |msg: &str, status: StatusCode| {
            html(
                status,
                signin_form(
                    self.title,
                    self.subtitle,
                    self.action,
                    &next,
                    &token,
                    login,
                    extension,
                    Some(msg),
                ),
                cookies.clone(),
            )
        };
        if !csrf_ok(headers, form) {
            return fail(
                "Your session expired. Please sign in again.",
                StatusCode::FORBIDDEN,
            );
        }
        let checked = st
            .platform()
            .sign_in(
                peer,
                login,
                Some(extension),
                form.get("password").unwrap_or(""),
            )
            .await;
        let ext = match checked {
            Ok(ext) => ext,
            Err(e) => {
                return match sign_in_failure(&e) {
                    Some((why, status)) => fail(&why, status),
                    None => failure_page(e),
                };
            }
        };
        if let Some(why) = (self.refuse)(&ext) {
            return fail(why, StatusCode::FORBIDDEN);
        }
        match start_session(st, headers, self.realm, &ext).await {
            Ok((_, c)) => see_other(&next, vec![c]),
            Err(e) => failure_page(e),
        }
    }
}

/// Formats a timestamp for people: `2026-11-22 02:16 UTC`.
pub fn when(t: Timestamp) -> String {
    let s = t.to_rfc3339();
    format!("{} {} UTC", &s[..10], &s[11..16])
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

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/console/apps"), "/"), "/console/apps");
        assert_eq!(local_path(Some("//evil.example"), "/"), "/");
        assert_eq!(local_path(Some("https://evil.example"), "/"), "/");
        assert_eq!(local_path(Some("/\\evil"), "/"), "/");
        assert_eq!(local_path(None, "/x"), "/x");
    }
}
