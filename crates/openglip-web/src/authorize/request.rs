//! An authorization request (`/restapi/oauth/authorize`'s parameters) checked as RFC 6749 and
//! RFC 7636 ask ([`validate`]), and where its answer goes: back to the client's (registered)
//! redirect URI with `code` or `error` ([`with_params`], [`error_redirect`]), or, when the
//! client or its redirect URI is wrong, a page ([`Reject::Page`]; never an open redirect).
//!
//! Nothing is kept between the pages but the session: every page and form carries the request
//! itself (`q`, the canonical query string) and validates it again, so a tampered request fails
//! the same checks as a fresh one.

use axum::http::StatusCode;
use axum::response::Response;
use openglip_domain::oidc::{OidcScopes, Scope};
use openglip_domain::perm::GrantType;
use openglip_domain::platform::*;
use openglip_domain::*;
use openglip_platform::oauth::valid_pkce_string;
use openglip_platform::oidc::{MAX_NONCE, OidcRequest, requested_scope};
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::{Kit, enc, error_page, see_other};

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
        Permission::ReadPresence => "See whether you and your colleagues are available",
        Permission::EditPresence => "Set your availability (status, do not disturb, message)",
        Permission::EditAccounts => "Change your company's users (administrators only)",
        Permission::OpenId => "Know who you are: your name and e-mail address, for signing in",
        Permission::GlipInternal => "Mark your conversations read and unread",
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
    /// The OpenID Connect part: `openid`, `profile`, `email` and the `nonce` (`None`: no
    /// `openid`).
    pub oidc: Option<OidcRequest>,
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
    /// The page, or the redirect back to the client.
    pub fn answer(self, kit: &Kit) -> Response {
        match self {
            Reject::Page(status, msg) => {
                error_page(kit, status, "This sign-in link does not work", &msg)
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
pub fn redirect_to_client(url: &str) -> Response {
    see_other(url)
}

/// The client's redirect URI with `error`, `error_description` and `state`.
pub fn error_redirect(a: &Authz, error: &str, description: &str) -> String {
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
        oidc: None,
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
    let asked = p.get("scope").filter(|s| !s.trim().is_empty());
    match requested_scope(app, asked) {
        Ok(scope) if !scope.permissions.is_empty() => {
            a.scope = scope.permissions;
            let nonce = p.get("nonce").filter(|n| !n.is_empty());
            if nonce.is_some_and(|n| n.len() > MAX_NONCE) {
                return Err(fail(&a, "invalid_request", "nonce is too long"));
            }
            a.oidc = scope
                .oidc
                .contains(OidcScopes::OPENID)
                .then(|| OidcRequest {
                    scopes: scope.oidc,
                    nonce: nonce.map(str::to_string),
                });
        }
        _ => {
            return Err(fail(
                &a,
                "invalid_scope",
                "The application is not allowed the requested scope",
            ));
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
    if asked.is_some() {
        let oidc = a.oidc.as_ref().map_or(OidcScopes::empty(), |o| o.scopes);
        let scope = Scope {
            permissions: a.scope,
            oidc,
        };
        q.push(("scope", scope.to_scope()));
    }
    if let Some(n) = a.oidc.as_ref().and_then(|o| o.nonce.as_ref()) {
        q.push(("nonce", n.clone()));
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
