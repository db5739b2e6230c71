//! The authorization endpoint (`GET`/`POST /restapi/oauth/authorize`) and its pages: sign-in
//! (with "Continue as …" when a session exists and "Use another account"), the Access Request
//! page (Authorize / Cancel), and the redirect back with `code` and `state`, or with
//! `error=access_denied`.
//!
//! `request` checks the request (again at every step, from the `q` each page carries);
//! `pages` renders. Errors about the client or its redirect URI are shown as a page and never
//! redirected (no open redirects); other errors go back to the (registered) redirect URI,
//! RFC 6749 §4.1.2.1.

mod pages;
pub mod request;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_domain::platform::*;
use openglip_domain::*;
use openglip_platform::oauth::{AuthorizationGrant, Refusal};
use openglip_server::AppState;
use openglip_server::extract::{FormBody, Params, Peer};
use openglip_webkit::{Csrf, CsrfForm, Kit, see_other};
use serde::Deserialize;

use crate::failure::failure_page;
use crate::sessions::Visitor;
use crate::signin::{self, Attempt};
use pages::Typed;
pub use request::{Authz, Reject, permission_text, validate, with_params};
use request::{error_redirect, redirect_to_client};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/signin", post(signin))
        .route("/oauth/consent", get(consent).post(decide))
        .route("/oauth/cancel", get(cancel))
}

/// `GET /restapi/oauth/authorize`.
pub async fn authorize_get(
    State(st): State<AppState>,
    kit: Kit,
    csrf: Csrf,
    Visitor(visitor): Visitor,
    p: Params,
) -> Response {
    authorize(&st, &kit, &csrf, visitor, p).await
}

/// `POST /restapi/oauth/authorize` (the same parameters as a form).
pub async fn authorize_post(
    State(st): State<AppState>,
    kit: Kit,
    csrf: Csrf,
    Visitor(visitor): Visitor,
    FormBody(p): FormBody,
) -> Response {
    authorize(&st, &kit, &csrf, visitor, p).await
}

async fn authorize(
    st: &AppState,
    kit: &Kit,
    csrf: &Csrf,
    visitor: Option<Extension>,
    p: Params,
) -> Response {
    let a = match validate(st, &p).await {
        Ok(a) => a,
        Err(r) => return r.answer(kit),
    };
    if a.prompt_none {
        return match silently(st, &a, visitor).await {
            Ok(url) => redirect_to_client(&url),
            Err(e) => failure_page(kit, e),
        };
    }
    match visitor {
        Some(ext) if !a.prompt_login => pages::continue_as(kit, &a, &ext).into_response(),
        _ => {
            let typed = Typed {
                login: a.login_hint.as_deref().unwrap_or(""),
                extension: "",
                error: None,
            };
            pages::signin(kit, csrf, &a, &typed).into_response()
        }
    }
}

/// `prompt=none`: a code at once when the person is signed in and consented before, else the
/// redirect with the error that says why.
async fn silently(st: &AppState, a: &Authz, visitor: Option<Extension>) -> Result<String> {
    let Some(ext) = visitor else {
        return Ok(error_redirect(a, "login_required", "Sign-in is required"));
    };
    let consented = st
        .platform()
        .consented(&a.record.app, &ext, a.scope)
        .await?;
    if !consented || a.record.app.kind == AppKind::Bot {
        return Ok(error_redirect(a, "consent_required", "Consent is required"));
    }
    Ok(match approve(st, a, &ext).await? {
        Ok(url) => url,
        Err(why) => error_redirect(a, "unauthorized_client", &why),
    })
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

/// The sign-in form of an authorization request, posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignInForm {
    q: String,
    login: String,
    extension: String,
    password: String,
}

/// `POST /oauth/signin`: checks the login, starts the account session, goes on to the Access
/// Request page.
async fn signin(
    State(st): State<AppState>,
    kit: Kit,
    csrf: Csrf,
    Peer(peer): Peer,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Response {
    let a = match validate(&st, &Params::parse(&form.q)).await {
        Ok(a) => a,
        Err(r) => return r.answer(&kit),
    };
    let again = |why: &str, status: StatusCode| {
        let typed = Typed {
            login: &form.login,
            extension: &form.extension,
            error: Some(why),
        };
        pages::signin(&kit, &csrf, &a, &typed)
            .status(status)
            .into_response()
    };
    let attempt = Attempt {
        peer: &peer,
        login: &form.login,
        extension: &form.extension,
        password: &form.password,
    };
    let ext = match signin::check(&st, attempt).await {
        Ok(Ok(ext)) => ext,
        Ok(Err((why, status))) => return again(&why, status),
        Err(e) => return failure_page(&kit, e),
    };
    match refusal(&st, &a, &ext).await {
        Ok(None) => {}
        Ok(Some(why)) => return again(&why, StatusCode::FORBIDDEN),
        Err(e) => return failure_page(&kit, e),
    }
    match signin::start(&st, &kit, &headers, SessionRealm::Account, ext).await {
        Ok(cookie) => (cookie, see_other(&format!("/oauth/consent?{}", a.q))).into_response(),
        Err(e) => failure_page(&kit, e),
    }
}

/// The sign-in form again, filled in with the signed-in person's e-mail and the reason they may
/// not authorize this app.
fn refused(kit: &Kit, csrf: &Csrf, a: &Authz, ext: &Extension, why: &str) -> Response {
    let login = ext.email.clone().unwrap_or_default();
    let typed = Typed {
        login: &login,
        extension: "",
        error: Some(why),
    };
    pages::signin(kit, csrf, a, &typed)
        .status(StatusCode::FORBIDDEN)
        .into_response()
}

/// `GET /oauth/consent`: the Access Request page.
async fn consent(
    State(st): State<AppState>,
    kit: Kit,
    csrf: Csrf,
    Visitor(visitor): Visitor,
    p: Params,
) -> Response {
    let a = match validate(&st, &p).await {
        Ok(a) => a,
        Err(r) => return r.answer(&kit),
    };
    let Some(ext) = visitor else {
        return see_other(&format!("/restapi/oauth/authorize?{}", a.q));
    };
    let shown = async {
        if let Some(why) = refusal(&st, &a, &ext).await? {
            return Ok(refused(&kit, &csrf, &a, &ext, &why));
        }
        let (company, _) = st.platform().account(ext.account_id).await?;
        Ok::<_, Error>(pages::consent(&kit, &csrf, &a, &ext, &company.name).into_response())
    };
    shown.await.unwrap_or_else(|e| failure_page(&kit, e))
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
                oidc: a.oidc.clone(),
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

/// The Access Request form, posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Decision {
    q: String,
    decision: String,
}

/// `POST /oauth/consent`: Authorize or Cancel.
async fn decide(
    State(st): State<AppState>,
    kit: Kit,
    csrf: Csrf,
    Visitor(visitor): Visitor,
    CsrfForm(form): CsrfForm<Decision>,
) -> Response {
    let a = match validate(&st, &Params::parse(&form.q)).await {
        Ok(a) => a,
        Err(r) => return r.answer(&kit),
    };
    let Some(ext) = visitor else {
        return see_other(&format!("/restapi/oauth/authorize?{}", a.q));
    };
    if form.decision != "allow" {
        return redirect_to_client(&error_redirect(
            &a,
            "access_denied",
            "The user denied the request",
        ));
    }
    match approve(&st, &a, &ext).await {
        Ok(Ok(url)) => redirect_to_client(&url),
        Ok(Err(why)) => refused(&kit, &csrf, &a, &ext, &why),
        Err(e) => failure_page(&kit, e),
    }
}

/// `GET /oauth/cancel`: back to the client with `error=access_denied`.
async fn cancel(State(st): State<AppState>, kit: Kit, p: Params) -> Response {
    match validate(&st, &p).await {
        Ok(a) => redirect_to_client(&error_redirect(&a, "access_denied", "The user cancelled")),
        Err(r) => r.answer(&kit),
    }
}
