//! The authorization endpoint (`GET`/`POST /restapi/oauth/authorize`) and its pages: sign-in
//! (with "Continue as …" when a session exists and "Use another account"), the Access Request
//! page (Authorize / Cancel), and the redirect back with `code` and `state`, or with
//! `error=access_denied`.
//!
//! Nothing is kept between the pages but the session: every page and form carries the
//! authorization request itself (`q`, the canonical query string) and validates it again, so a
//! tampered request fails the same checks as a fresh one. Errors about the client or its
//! redirect URI are shown as a page and never redirected (no open redirects); other errors go
//! back to the (registered) redirect URI, RFC 6749 §4.1.2.1.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use openglip_domain::perm::GrantType;
use openglip_domain::platform::*;
use openglip_domain::*;
use openglip_platform::oauth::{AuthorizationGrant, Refusal, valid_pkce_string};

use super::*;
use openglip_server::AppState;
use openglip_server::extract::{FormBody, Params};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/signin", post(signin))
        .route("/oauth/consent", get(consent).post(decide))
        .route("/oauth/cancel", get(cancel))
}

/// What a permission lets an app do, in words for the Access Request page.
pub fn permission_text(p: Permission) -> &'static str {
    match p {
        Permission::TeamMessaging => {
            "Read and send messages; create and manage chats, teams and their members"
        }
        Permission::ReadAccounts => "Read your company's and your own profile information",
        Permission::EditExtensions => "Change your profile (name and picture)",
        Permission::SubscriptionWebhook => {
            "Be notified of new messages and chat changes through WebHooks"
        }
        Permission::WebSocket => "Be notified of new messages and chat changes over a WebSocket",
        Permission::ReadClientInfo => "Read information about the application",
    }
}

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct Authz {
    pub record: AppRecord,
    pub redirect_uri: String,
    /// Whether the request named `redirect_uri` (else the app's only one is used, and the
    /// token request need not name it: RFC 6749 §4.1.3).
    pub redirect_uri_given: bool,
    pub state: Option<String>,
    pub scope: PermissionSet,
    pub challenge: Option<String>,
    pub method: Option<String>,
    pub prompt_login: bool,
    pub prompt_none: bool,
    pub login_hint: Option<String>,
    /// The canonical query string that reproduces this request.
    pub q: String,
}

pub enum Reject {
    /// Shown to the person; never redirected.
    Page(StatusCode, String),
    /// Sent back to the client's redirect URI.
    Redirect(String),
}

impl Reject {
    fn into_response(self) -> Response {
        match self {
            Reject::Page(status, msg) => {
                error_page(status, "This sign-in link does not work", &msg)
            }
            Reject::Redirect(url) => redirect_to_client(&url),
        }
    }
}

/// `redirect_uri` with parameters added (`?` or `&`).
pub fn with_params(uri: &str, params: &[(&str, &str)]) -> String {
    let mut url = uri.to_string();
    let mut sep = if uri.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        url.push(sep);
        url.push_str(&enc(k));
        url.push('=');
        url.push_str(&enc(v));
        sep = '&';
    }
    url
}

/// The redirect back to the client: 303, so that a browser that posted the consent form GETs
/// the redirect URI (RFC 9700 §4.12).
fn redirect_to_client(url: &str) -> Response {
    see_other(url, vec![])
}

fn error_redirect(a: &Authz, error: &str, description: &str) -> String {
    let mut p = vec![("error", error), ("error_description", description)];
    if let Some(s) = &a.state {
        p.push(("state", s.as_str()));
    }
    with_params(&a.redirect_uri, &p)
}

/// Validates an authorization request (query or form parameters).
pub async fn validate(st: &AppState, p: &Params) -> Result<Authz, Reject> {
    let page = |msg: &str| Reject::Page(StatusCode::BAD_REQUEST, msg.to_string());
    let client_id = p
        .get("client_id")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| page("The request does not name an application (client_id is missing)."))?;
    let record = st
        .platform()
        .app_record(client_id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "reading the app of an authorization request failed");
            Reject::Page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again in a moment.".into(),
            )
        })?
        .ok_or_else(|| page("The application is unknown (invalid client_id)."))?;
    let app = &record.app;
    let redirect_uri = match p.get("redirect_uri").filter(|r| !r.is_empty()) {
        Some(r) if app.redirect_uris.iter().any(|u| u == r) => r.to_string(),
        Some(_) => {
            return Err(page(
                "The redirect URI does not match any OAuth redirect URI registered for this application.",
            ));
        }
        None if app.redirect_uris.len() == 1 => app.redirect_uris[0].clone(),
        None => {
            return Err(page(
                "The request does not name a redirect URI, and the application has several.",
            ));
        }
    };
    let state = p.get("state").map(str::to_string);
    let mut a = Authz {
        record: record.clone(),
        redirect_uri,
        redirect_uri_given: p.get("redirect_uri").is_some_and(|r| !r.is_empty()),
        state,
        scope: app.permissions,
        challenge: None,
        method: None,
        prompt_login: false,
        prompt_none: false,
        login_hint: p
            .get("login_hint")
            .filter(|h| !h.is_empty() && h.len() <= 200)
            .map(str::to_string),
        q: String::new(),
    };
    let fail = |a: &Authz, e: &str, d: &str| Reject::Redirect(error_redirect(a, e, d));
    if a.state.as_ref().is_some_and(|s| s.len() > 2000) {
        return Err(page("The state parameter is too long."));
    }
    match p.get("response_type") {
        Some("code") => {}
        None | Some("") => return Err(fail(&a, "invalid_request", "response_type is required")),
        Some(_) => {
            return Err(fail(
                &a,
                "unsupported_response_type",
                "Only response_type=code is supported",
            ));
        }
    }
    if app.kind == AppKind::Rest && !app.grants.contains(GrantType::AuthorizationCode) {
        return Err(fail(
            &a,
            "unauthorized_client",
            "The application may not use the authorization code flow",
        ));
    }
    if app.kind == AppKind::Bot && !record.details.public_bot {
        return Err(fail(
            &a,
            "unauthorized_client",
            "A private bot is added to an account from the developer console",
        ));
    }
    let challenge = p.get("code_challenge").filter(|c| !c.is_empty());
    let method = p.get("code_challenge_method").filter(|m| !m.is_empty());
    match (challenge, method) {
        (None, Some(_)) => {
            return Err(fail(
                &a,
                "invalid_request",
                "code_challenge_method without code_challenge",
            ));
        }
        (Some(c), m) => {
            let m = m.unwrap_or("plain");
            if m != "plain" && m != "S256" {
                return Err(fail(
                    &a,
                    "invalid_request",
                    "code_challenge_method must be plain or S256",
                ));
            }
            if !valid_pkce_string(c) {
                return Err(fail(&a, "invalid_request", "code_challenge is malformed"));
            }
            a.challenge = Some(c.to_string());
            a.method = Some(m.to_string());
        }
        (None, None) if app.public_client => {
            return Err(fail(
                &a,
                "invalid_request",
                "A client-side application must use PKCE (code_challenge)",
            ));
        }
        (None, None) => {}
    }
    if let Some(s) = p.get("scope").filter(|s| !s.trim().is_empty()) {
        match PermissionSet::parse_scope(s) {
            Ok(asked) if asked.intersect(app.permissions) == asked && !asked.is_empty() => {
                a.scope = asked;
            }
            _ => {
                return Err(fail(
                    &a,
                    "invalid_scope",
                    "The application is not allowed the requested scope",
                ));
            }
        }
    }
    let prompt = p.get("prompt").unwrap_or("");
    for word in prompt.split([' ', '+']).filter(|w| !w.is_empty()) {
        match word {
            "login" => a.prompt_login = true,
            "none" => a.prompt_none = true,
            "consent" | "sso" | "select_account" => {}
            _ => return Err(fail(&a, "invalid_request", "prompt is invalid")),
        }
    }
    if a.prompt_none && a.prompt_login {
        return Err(fail(
            &a,
            "invalid_request",
            "prompt=none cannot be combined with login",
        ));
    }
    // The canonical request: what the pages carry from step to step.
    let mut q = vec![
        ("client_id", app.client_id.clone()),
        ("response_type", "code".to_string()),
    ];
    if a.redirect_uri_given {
        q.push(("redirect_uri", a.redirect_uri.clone()));
    }
    if let Some(s) = &a.state {
        q.push(("state", s.clone()));
    }
    if p.get("scope").is_some_and(|s| !s.trim().is_empty()) {
        q.push(("scope", a.scope.to_scope()));
    }
    if let (Some(c), Some(m)) = (&a.challenge, &a.method) {
        q.push(("code_challenge", c.clone()));
        q.push(("code_challenge_method", m.clone()));
    }
    if let Some(h) = &a.login_hint {
        q.push(("login_hint", h.clone()));
    }
    a.q = q
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    Ok(a)
}

/// `GET /restapi/oauth/authorize`.
pub async fn authorize_get(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    authorize(st, headers, p).await
}

/// `POST /restapi/oauth/authorize` (the same parameters as a form).
pub async fn authorize_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(p): FormBody,
) -> Response {
    authorize(st, headers, p).await
}

async fn authorize(st: AppState, headers: HeaderMap, p: Params) -> Response {
    let a = match validate(&st, &p).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let session = match signed_in(&st, &headers, SessionRealm::Account).await {
        Ok(s) => s,
        Err(e) => return failure_page(e),
    };
    if a.prompt_none {
        let Some(ext) = session else {
            return redirect_to_client(&error_redirect(
                &a,
                "login_required",
                "Sign-in is required",
            ));
        };
        let consented = match st.platform().consented(&a.record.app, &ext, a.scope).await {
            Ok(c) => c,
            Err(e) => return failure_page(e),
        };
        if !consented || a.record.app.kind == AppKind::Bot {
            return redirect_to_client(&error_redirect(
                &a,
                "consent_required",
                "Consent is required",
            ));
        }
        return match approve(&st, &a, &ext).await {
            Ok(Ok(url)) => redirect_to_client(&url),
            Ok(Err(why)) => redirect_to_client(&error_redirect(&a, "unauthorized_client", &why)),
            Err(e) => failure_page(e),
        };
    }
    match session {
        Some(ext) if !a.prompt_login => continue_page(&st, &headers, &a, &ext),
        _ => signin_page(
            &st,
            &headers,
            &a,
            a.login_hint.as_deref().unwrap_or(""),
            "",
            None,
            StatusCode::OK,
        ),
    }
}

fn app_header(a: &Authz) -> String {
    format!(
        "<div class=\"account\"><span class=\"applogo\" aria-hidden=\"true\">{}</span>\
         <div><strong>{}</strong><br><span class=\"hint\">{}</span></div></div>",
        esc(&initials(&a.record.app.name)),
        esc(&a.record.app.name),
        if a.record.app.kind == AppKind::Bot {
            "Bot"
        } else {
            "wants to use your account"
        }
    )
}

fn auth_shell(title: &str, inner: &str) -> String {
    document(title, "", &auth_card(inner))
}

#[allow(clippy::too_many_arguments)]
fn signin_page(
    st: &AppState,
    headers: &HeaderMap,
    a: &Authz,
    login: &str,
    extension: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let (token, cookies) = csrf(st, headers);
    let inner = format!(
        "<h1>Sign in</h1><p class=\"sub\">to continue to <strong>{app}</strong></p>\
         {err}\
         <form class=\"stack\" method=\"post\" action=\"/oauth/signin\" novalidate>{csrf}\
         <input type=\"hidden\" name=\"q\" value=\"{q}\">\
         {login}{ext}{pw}\
         <button class=\"btn primary wide\" type=\"submit\">Sign in</button></form>\
         <p class=\"hint\" style=\"margin-top:1rem\">Not you, or not now? \
         <a href=\"/oauth/cancel?{qa}\">Cancel and return to {app}</a></p>",
        app = esc(&a.record.app.name),
        err = error.map(|e| notice("bad", &esc(e))).unwrap_or_default(),
        csrf = csrf_field(&token),
        q = esc(&a.q),
        qa = esc(&a.q),
        login = Field::new("login", "Email or phone number", "text")
            .value(login)
            .autocomplete("username")
            .required()
            .render(),
        ext = Field::new("extension", "Extension", "text")
            .value(extension)
            .hint("Only when you sign in with a company phone number")
            .render(),
        pw = Field::new("password", "Password", "password")
            .autocomplete("current-password")
            .required()
            .render(),
    );
    html(status, auth_shell("Sign in", &inner), cookies)
}

fn continue_page(st: &AppState, headers: &HeaderMap, a: &Authz, ext: &Extension) -> Response {
    let (_, cookies) = csrf(st, headers);
    let another = format!("/restapi/oauth/authorize?{}&prompt=login", a.q);
    let inner = format!(
        "<h1>Sign in</h1><p class=\"sub\">to continue to <strong>{app}</strong></p>\
         <div class=\"account\"><span class=\"avatar\" aria-hidden=\"true\">{ini}</span>\
         <div><strong>{name}</strong><br><span class=\"hint\">{who}</span></div></div>\
         <div class=\"stack\" style=\"display:flex;flex-direction:column;gap:.75rem\">\
         <a class=\"btn primary wide\" href=\"/oauth/consent?{q}\">Continue as {first}</a>\
         <div class=\"divider\">or</div>\
         <a class=\"btn secondary wide\" href=\"{another}\">Use another account</a></div>",
        app = esc(&a.record.app.name),
        ini = esc(&initials(&ext.full_name())),
        name = esc(&ext.full_name()),
        first = esc(if ext.first_name.is_empty() {
            &ext.extension_number
        } else {
            &ext.first_name
        }),
        who = esc(&ext
            .email
            .clone()
            .unwrap_or_else(|| format!("Extension {}", ext.extension_number))),
        q = esc(&a.q),
        another = esc(&another),
    );
    html(StatusCode::OK, auth_shell("Sign in", &inner), cookies)
}

/// Why this person may not authorize this app, in words for the page, if they may not.
async fn refusal(st: &AppState, a: &Authz, ext: &Extension) -> Result<Option<String>> {
    Ok(st.platform().refusal(&a.record, ext).await?.map(|r| match r {
        Refusal::SandboxApp => format!(
            "{} is still in the sandbox: only sandbox accounts can authorize it until it is admitted to production. Sign in with your sandbox account.",
            a.record.app.name
        ),
        Refusal::BotNeedsAdmin => "Only an administrator can add a bot to the company.".into(),
    }))
}

/// `POST /oauth/signin`: checks the login, starts the account session, goes on to the Access
/// Request page.
async fn signin(
    State(st): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let q = Params::parse(form.get("q").unwrap_or(""));
    let a = match validate(&st, &q).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let login = form.get("login").unwrap_or("").to_string();
    let extension = form.get("extension").unwrap_or("").to_string();
    if !csrf_ok(&headers, &form) {
        return signin_page(
            &st,
            &headers,
            &a,
            &login,
            &extension,
            Some("Your session expired. Please sign in again."),
            StatusCode::FORBIDDEN,
        );
    }
    let password = form.get("password").unwrap_or("");
    let ext = match st
        .platform()
        .sign_in(&peer, &login, Some(&extension), password)
        .await
    {
        Ok(ext) => ext,
        Err(e) => {
            let Some((why, status)) = sign_in_failure(&e) else {
                return failure_page(e);
            };
            return signin_page(&st, &headers, &a, &login, &extension, Some(&why), status);
        }
    };
    let refused = match refusal(&st, &a, &ext).await {
        Ok(r) => r,
        Err(e) => return failure_page(e),
    };
    if let Some(why) = refused {
        return signin_page(
            &st,
            &headers,
            &a,
            &login,
            &extension,
            Some(&why),
            StatusCode::FORBIDDEN,
        );
    }
    match start_session(&st, &headers, SessionRealm::Account, &ext).await {
        Ok((_, cookie)) => see_other(&format!("/oauth/consent?{}", a.q), vec![cookie]),
        Err(e) => failure_page(e),
    }
}

/// `GET /oauth/consent`: the Access Request page.
async fn consent(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    let a = match validate(&st, &p).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let ext = match signed_in(&st, &headers, SessionRealm::Account).await {
        Ok(Some(ext)) => ext,
        Ok(None) => return see_other(&format!("/restapi/oauth/authorize?{}", a.q), vec![]),
        Err(e) => return failure_page(e),
    };
    let refused = match refusal(&st, &a, &ext).await {
        Ok(r) => r,
        Err(e) => return failure_page(e),
    };
    if let Some(why) = refused {
        let login = ext.email.clone().unwrap_or_default();
        return signin_page(
            &st,
            &headers,
            &a,
            &login,
            "",
            Some(&why),
            StatusCode::FORBIDDEN,
        );
    }
    consent_page(&st, &headers, &a, &ext).await
}

async fn consent_page(st: &AppState, headers: &HeaderMap, a: &Authz, ext: &Extension) -> Response {
    let (token, cookies) = csrf(st, headers);
    let company = match st.platform().account(ext.account_id).await {
        Ok((acc, _)) => acc.name,
        Err(e) => return failure_page(e),
    };
    let perms: String = a
        .scope
        .iter()
        .map(|p| {
            format!(
                "<li><strong>{}</strong><span>{}</span></li>",
                esc(p.display_name()),
                esc(permission_text(p))
            )
        })
        .collect();
    let what = if a.record.app.kind == AppKind::Bot {
        format!(
            "<p><strong>{}</strong> will be added to <strong>{}</strong> as a bot: it joins the Everyone team, people can message it and add it to chats. It will be able to:</p>",
            esc(&a.record.app.name),
            esc(&company)
        )
    } else {
        format!(
            "<p><strong>{}</strong> is requesting access to your account. It will be able to:</p>",
            esc(&a.record.app.name)
        )
    };
    let by = if a.record.details.contact_email.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"hint\">Published by {}</p>",
            esc(&a.record.details.contact_email)
        )
    };
    let another = format!("/restapi/oauth/authorize?{}&prompt=login", a.q);
    let inner = format!(
        "<h1>Access Request</h1>{app}{what}<ul class=\"perms\">{perms}</ul>{by}\
         <p class=\"hint\">Signed in as <strong>{name}</strong> ({company}). <a href=\"{another}\">Use another account</a></p>\
         <form method=\"post\" action=\"/oauth/consent\" class=\"actions\" style=\"margin-top:1rem\">{csrf}\
         <input type=\"hidden\" name=\"q\" value=\"{q}\">\
         <button class=\"btn primary\" type=\"submit\" name=\"decision\" value=\"allow\">Authorize</button>\
         <button class=\"btn secondary\" type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button></form>",
        app = app_header(a),
        name = esc(&ext.full_name()),
        company = esc(&company),
        another = esc(&another),
        csrf = csrf_field(&token),
        q = esc(&a.q),
    );
    html(
        StatusCode::OK,
        auth_shell("Access Request", &inner),
        cookies,
    )
}

/// Issues the code (installing a public bot first) and returns the redirect URL, or why this
/// person may not authorize the app.
async fn approve(st: &AppState, a: &Authz, ext: &Extension) -> Result<Result<String, String>> {
    if let Some(why) = refusal(st, a, ext).await? {
        return Ok(Err(why));
    }
    let issued = st
        .platform()
        .authorize(
            AuthorizationGrant {
                record: &a.record,
                redirect_uri: &a.redirect_uri,
                redirect_uri_given: a.redirect_uri_given,
                challenge: a.challenge.as_deref(),
                method: a.method.as_deref(),
                scope: a.scope,
            },
            ext,
        )
        .await?;
    let creator = issued.bot.as_ref().map(|_| {
        [
            ("creator_extension_id", ext.id.to_string()),
            ("creator_account_id", ext.account_id.to_string()),
        ]
    });
    let mut params: Vec<(&str, &str)> = vec![("code", issued.code.as_str())];
    if let Some(s) = &a.state {
        params.push(("state", s.as_str()));
    }
    for (k, v) in creator.iter().flatten() {
        params.push((k, v.as_str()));
    }
    Ok(Ok(with_params(&a.redirect_uri, &params)))
}

/// `POST /oauth/consent`: Authorize or Cancel.
async fn decide(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let q = Params::parse(form.get("q").unwrap_or(""));
    let a = match validate(&st, &q).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    if !csrf_ok(&headers, &form) {
        return error_page(
            StatusCode::FORBIDDEN,
            "This form expired",
            "Go back to the application and start again.",
        );
    }
    let ext = match signed_in(&st, &headers, SessionRealm::Account).await {
        Ok(Some(ext)) => ext,
        Ok(None) => return see_other(&format!("/restapi/oauth/authorize?{}", a.q), vec![]),
        Err(e) => return failure_page(e),
    };
    if form.get("decision") != Some("allow") {
        return redirect_to_client(&error_redirect(
            &a,
            "access_denied",
            "The user denied the request",
        ));
    }
    match approve(&st, &a, &ext).await {
        Ok(Ok(url)) => redirect_to_client(&url),
        Err(e) => failure_page(e),
        Ok(Err(why)) => {
            let login = ext.email.clone().unwrap_or_default();
            signin_page(
                &st,
                &headers,
                &a,
                &login,
                "",
                Some(&why),
                StatusCode::FORBIDDEN,
            )
        }
    }
}

/// `GET /oauth/cancel`: back to the client with `error=access_denied`.
async fn cancel(State(st): State<AppState>, p: Params) -> Response {
    match validate(&st, &p).await {
        Ok(a) => redirect_to_client(&error_redirect(&a, "access_denied", "The user cancelled")),
        Err(r) => r.into_response(),
    }
}
