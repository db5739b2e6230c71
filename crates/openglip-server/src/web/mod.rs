//! The web pages: the sign-in and Access Request pages of the authorization server
//! (`authorize`), the developer console (`console`) and the account admin portal (`portal`),
//! with their JSON APIs. Server-rendered HTML, written by hand with [`esc`]; one embedded
//! stylesheet and a few lines of script, served from `/assets/`.
//!
//! Shared here: the page chrome, cookies, web sessions (the cookie holds a random id, the store
//! its SHA-256), CSRF tokens (double-submit: a cookie and a hidden field that must match, plus an
//! `Origin` check), and the sign-in throttle (failed attempts per login and per client address).

pub mod authorize;
pub mod client;
pub mod console;
pub mod portal;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use openglip_domain::platform::{SessionRealm, WebSession};
use openglip_domain::*;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::auth::now;
use crate::extract::Params;
use crate::secrets;

/// How long a browser stays signed in.
pub const SESSION_TTL_SECS: i64 = 12 * 3600;
pub const ACCOUNT_COOKIE: &str = "og_session";
pub const CONSOLE_COOKIE: &str = "og_console";
const CSRF_COOKIE: &str = "og_csrf";

/// The routes of the pages and their JSON APIs (merged into the main router; they are not
/// RingCentral API operations, so they are not in the operation table).
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
    /// A domain error as a form error on the field it names (or on `fallback`).
    pub fn from_error(e: &Error, fallback: &str) -> Errors {
        let mut out = Errors::default();
        let field = e.parameter_name().unwrap_or(fallback).to_string();
        out.add(&field, error_message(e));
        out
    }
}

/// A domain error in words for a person (internal details are not shown).
pub fn error_message(e: &Error) -> String {
    match e {
        Error::InvalidParameter {
            detail: Some(d), ..
        } => d.clone(),
        Error::Internal(_) => "Something went wrong. Please try again.".into(),
        other => other.to_string(),
    }
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

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

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
    let same: bool = cookie_token.as_bytes().ct_eq(field.as_bytes()).into();
    if !same || cookie_token.is_empty() {
        return false;
    }
    same_origin(headers)
}

/// Whether a request that says where it comes from (`Origin`) comes from this host. The JSON
/// APIs require it of requests authenticated by cookie (bearer-authenticated ones carry no
/// ambient credentials).
pub fn same_origin(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::AUTHORIZATION) {
        return true;
    }
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

fn cookie_name(realm: SessionRealm) -> &'static str {
    match realm {
        SessionRealm::Account => ACCOUNT_COOKIE,
        SessionRealm::Console => CONSOLE_COOKIE,
    }
}

/// The raw session token of a request: the realm's cookie, or (JSON APIs)
/// `Authorization: Bearer`.
fn session_token(headers: &HeaderMap, realm: SessionRealm, bearer: bool) -> Option<String> {
    if bearer && let Ok(t) = crate::auth::bearer(headers) {
        return Some(t.to_string());
    }
    cookie(headers, cookie_name(realm)).filter(|t| secrets::looks_like_token(t))
}

/// The signed-in extension of a request (an enabled one), if any.
pub async fn signed_in(
    st: &AppState,
    headers: &HeaderMap,
    realm: SessionRealm,
    bearer: bool,
) -> Option<Extension> {
    let token = session_token(headers, realm, bearer)?;
    let (session, ext) = st
        .store()
        .platform()
        .session(secrets::hash_token(&token), now())
        .await
        .ok()??;
    (session.realm == realm && ext.status == ExtensionStatus::Enabled).then_some(ext)
}

/// Starts a session; returns the token and the cookie that carries it. A session the browser
/// had in the same realm is ended (a new id at every sign-in: no session fixation).
pub async fn start_session(
    st: &AppState,
    headers: &HeaderMap,
    realm: SessionRealm,
    ext: &Extension,
) -> Result<(String, HeaderValue)> {
    if let Some(old) = session_token(headers, realm, false) {
        st.store()
            .platform()
            .delete_session(secrets::hash_token(&old))
            .await?;
    }
    let token = secrets::new_token();
    let t = now();
    st.store()
        .platform()
        .create_session(WebSession {
            id_hash: secrets::hash_token(&token),
            realm,
            extension_id: ext.id,
            created: t,
            expires: t.plus_seconds(SESSION_TTL_SECS),
        })
        .await?;
    let c = set_cookie(st, cookie_name(realm), &token, SESSION_TTL_SECS);
    Ok((token, c))
}

/// Ends the session of the realm; returns the cookie that clears it.
pub async fn end_session(st: &AppState, headers: &HeaderMap, realm: SessionRealm) -> HeaderValue {
    if let Some(old) = session_token(headers, realm, true) {
        let _ = st
            .store()
            .platform()
            .delete_session(secrets::hash_token(&old))
            .await;
    }
    set_cookie(st, cookie_name(realm), "", 0)
}

// ------------------------------------------------------------------- sign-in and throttling

/// Failed sign-ins are counted per login and per client address; past the limit, sign-in is
/// refused for a while without checking the password (brute-force protection, RFC 9700 §4.x).
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Failures allowed per login, and per address, in a window.
pub const MAX_FAILURES_PER_LOGIN: u32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u32 = 30;
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl LoginThrottle {
    fn keys(login: &str, peer: &str) -> [(String, u32); 2] {
        [
            (
                format!("login:{}", login.trim().to_lowercase()),
                MAX_FAILURES_PER_LOGIN,
            ),
            (format!("addr:{peer}"), MAX_FAILURES_PER_ADDRESS),
        ]
    }
    /// Seconds until sign-in is allowed again, if it is blocked now.
    pub fn blocked(&self, login: &str, peer: &str) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        Self::keys(login, peer)
            .iter()
            .filter_map(|(k, max)| {
                let (n, since) = map.get(k)?;
                let left = THROTTLE_WINDOW.checked_sub(since.elapsed())?;
                (*n >= *max).then_some(left.as_secs().max(1))
            })
            .max()
    }
    pub fn failed(&self, login: &str, peer: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| since.elapsed() < THROTTLE_WINDOW);
        }
        for (k, _) in Self::keys(login, peer) {
            let e = map.entry(k).or_insert((0, Instant::now()));
            if e.1.elapsed() >= THROTTLE_WINDOW {
                *e = (0, Instant::now());
            }
            e.0 += 1;
        }
    }
    pub fn succeeded(&self, login: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("login:{}", login.trim().to_lowercase()));
    }
}

/// The client's address (for throttling), as an extractor.
pub struct Peer(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_default(),
        ))
    }
}

/// Why a sign-in failed, in words for the form.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInError {
    Missing,
    Invalid,
    NotActivated,
    Disabled,
    Throttled(u64),
}

impl SignInError {
    /// The status of the page that shows it: 429 when throttled, else 400.
    pub fn status(&self) -> StatusCode {
        if matches!(self, SignInError::Throttled(_)) {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::BAD_REQUEST
        }
    }

    pub fn message(&self) -> String {
        match self {
            SignInError::Missing => "Enter your email or phone number and your password.".into(),
            SignInError::Invalid => "The login or password is incorrect.".into(),
            SignInError::NotActivated => {
                "This user is not activated yet: use the activation link from your administrator."
                    .into()
            }
            SignInError::Disabled => "This user is disabled. Contact your administrator.".into(),
            SignInError::Throttled(secs) => format!(
                "Too many failed attempts. Try again in {} minute{}.",
                secs.div_ceil(60),
                if secs.div_ceil(60) == 1 { "" } else { "s" }
            ),
        }
    }
}

static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| secrets::hash_password("openglip-timing-equaliser"));

/// Checks a login (email, `number*ext`, or a number with an extension field) and password.
pub async fn verify_sign_in(
    st: &AppState,
    peer: &str,
    login: &str,
    extension: Option<&str>,
    password: &str,
) -> std::result::Result<Extension, SignInError> {
    let login = login.trim();
    if login.is_empty() || password.is_empty() {
        return Err(SignInError::Missing);
    }
    let throttle = &st.0.web.throttle;
    if let Some(secs) = throttle.blocked(login, peer) {
        return Err(SignInError::Throttled(secs));
    }
    let creds = st
        .store()
        .credentials(
            login.to_string(),
            extension
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
        )
        .await
        .ok()
        .flatten();
    let (hash, ext) = match creds {
        Some(c) => (c.password_hash, Some(c.extension)),
        None => (None, None),
    };
    let ok = secrets::verify_password_async(
        password.to_string(),
        hash.clone().unwrap_or_else(|| DUMMY_HASH.clone()),
    )
    .await
        && hash.is_some();
    let Some(ext) = ext.filter(|_| ok) else {
        throttle.failed(login, peer);
        return Err(SignInError::Invalid);
    };
    throttle.succeeded(login);
    match ext.status {
        ExtensionStatus::Enabled => Ok(ext),
        ExtensionStatus::NotActivated => Err(SignInError::NotActivated),
        ExtensionStatus::Disabled => Err(SignInError::Disabled),
        ExtensionStatus::Removed => Err(SignInError::Invalid),
    }
}

// ------------------------------------------------------------------------ state of the web

/// A client secret just created or rotated, shown to the developer's session for a while (only
/// its hash is stored).
struct FreshSecret {
    secret: String,
    at: Instant,
}

/// How long a new client secret can be revealed in the console.
pub const FRESH_SECRET_TTL: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct WebState {
    pub throttle: LoginThrottle,
    /// The web client app of each account (see `client`), once looked up.
    pub web_apps: Mutex<HashMap<AccountId, (AppId, String)>>,
    fresh: Mutex<HashMap<(ExtensionId, String), FreshSecret>>,
}

impl WebState {
    pub fn keep_secret(&self, developer: ExtensionId, client_id: &str, secret: String) {
        let mut m = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, f| f.at.elapsed() < FRESH_SECRET_TTL);
        m.insert(
            (developer, client_id.to_string()),
            FreshSecret {
                secret,
                at: Instant::now(),
            },
        );
    }
    pub fn fresh_secret(&self, developer: ExtensionId, client_id: &str) -> Option<String> {
        let m = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        m.get(&(developer, client_id.to_string()))
            .filter(|f| f.at.elapsed() < FRESH_SECRET_TTL)
            .map(|f| f.secret.clone())
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
        let checked = verify_sign_in(
            st,
            peer,
            login,
            Some(extension),
            form.get("password").unwrap_or(""),
        )
        .await;
        match checked {
            Ok(ext) => {
                if let Some(why) = (self.refuse)(&ext) {
                    return fail(why, StatusCode::FORBIDDEN);
                }
                match start_session(st, headers, self.realm, &ext).await {
                    Ok((_, c)) => see_other(&next, vec![c]),
                    Err(_) => fail(
                        "Sign-in failed. Try again.",
                        StatusCode::SERVICE_UNAVAILABLE,
                    ),
                }
            }
            Err(e) => fail(&e.message(), e.status()),
        }
    }
}

/// Formats a timestamp for people: `2026-11-22 02:16 UTC`.
pub fn when(t: Timestamp) -> String {
    let s = t.to_rfc3339();
    format!("{} {} UTC", &s[..10], &s[11..16])
}

/// A JSON API error: RingCentral's error body.
pub fn api_error(e: Error) -> Response {
    crate::error::ApiError(e).into_response()
}

/// Form errors as a JSON API error (the first one, naming its field).
pub fn api_form_error(errors: &Errors) -> Response {
    let (field, msg) = errors
        .0
        .first()
        .cloned()
        .unwrap_or_else(|| ("body".into(), "Invalid request".into()));
    api_error(Error::invalid_because(field, msg))
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

    #[test]
    fn throttle_blocks_after_repeated_failures() {
        let t = LoginThrottle::default();
        for _ in 0..MAX_FAILURES_PER_LOGIN {
            assert!(t.blocked("a@b.c", "1").is_none());
            t.failed("A@b.c", "1");
        }
        assert!(t.blocked("a@b.c", "2").is_some());
        assert!(t.blocked("other@b.c", "2").is_none());
        t.succeeded("a@b.c");
        assert!(t.blocked("a@b.c", "2").is_none());
    }
}
