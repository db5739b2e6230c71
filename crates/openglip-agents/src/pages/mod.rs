//! The app's pages, on the page kit: its own accounts (the first to sign up owns the app;
//! cookies `agents_*`, apart from the platform's), the agents ([`agents`]: list, the dialog
//! editor with errors at their lines, **Publish**, **Talk to agent**, utterance testing,
//! transcripts), their optional [`generative`] answers, and their channel ([`channel`]:
//! **Channels > Digital > RingCentral Glip**, **Configurations**). Every handler takes its session and, for a form, the kit's verified
//! `CsrfForm` before it does anything; bad input comes back on the page, nothing saved.

pub mod agents;
pub mod channel;
pub mod generative;

use std::time::SystemTime;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_webkit::html::{Button, Document, Field, FormErrors, NavLink, Shell, auth_card};
use openglip_webkit::{
    Csrf, CsrfForm, Kit, Markup, Page, Refusal, SessionId, Sessions, StorageError, end_session,
    error_page, html, see_other, start_session,
};
use serde::Deserialize;

use crate::app::App;
use crate::error::Error;
use crate::store::accounts::Account;

/// The app's own stylesheet, after the kit's.
const STYLESHEET: &str = "/agents/agents.css";
const CSS: &str = include_str!("../../assets/agents.css");

async fn stylesheet(h: HeaderMap) -> Response {
    openglip_webkit::assets::asset(&h, "text/css; charset=utf-8", CSS.as_bytes())
}

/// The app's router: pages, the channel's endpoints, the flights endpoint.
pub fn router(app: App) -> Router {
    let pages = Router::new()
        .route("/", get(home))
        .route(STYLESHEET, get(stylesheet))
        .route("/signup", get(sign_up_page).post(sign_up))
        .route("/signin", get(sign_in_page).post(sign_in))
        .route("/signout", post(sign_out))
        .merge(agents::routes())
        .merge(channel::routes())
        .merge(generative::routes())
        .merge(crate::api::routes());
    let flights = crate::flights::router(app.inner.flights.clone());
    app.kit().apply(pages).with_state(app).merge(flights)
}

/// The JSON error body of the kit's refusals: RingCentral's shape.
pub fn refusal_body(r: &Refusal) -> serde_json::Value {
    serde_json::json!({
        "errorCode": r.code(),
        "message": r.message(),
        "errors": [{ "errorCode": r.code(), "message": r.message() }],
    })
}

impl Sessions<Account> for App {
    const COOKIE: &'static str = "session";
    const SIGN_IN: &'static str = "/signin";
    /// The API's tokens (`POST /api/v1/session`) are sessions too.
    const BEARER: bool = true;

    async fn load_session(
        &self,
        id: SessionId,
        now: SystemTime,
    ) -> Result<Option<Account>, StorageError> {
        let at = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        self.store()
            .web_session(id.0, at)
            .await
            .map_err(StorageError::new)
    }

    async fn save_session(
        &self,
        id: SessionId,
        user: &Account,
        expires: SystemTime,
    ) -> Result<(), StorageError> {
        let until = expires
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        self.store()
            .save_web_session(id.0, user.id, until)
            .await
            .map_err(StorageError::new)
    }

    async fn delete_session(&self, id: SessionId) -> Result<(), StorageError> {
        self.store()
            .delete_web_session(id.0)
            .await
            .map_err(StorageError::new)
    }
}

// ---------- failures as pages ----------

/// A page handler's failure, already answered.
pub struct Fail(Box<Response>);

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        *self.0
    }
}

pub type Answer = Result<Response, Fail>;

/// The page of an error, in words.
pub fn fail(kit: &Kit, e: Error) -> Fail {
    let (status, _) = e.status();
    let title = match &e {
        Error::NotFound(_) => "Not found",
        Error::Forbidden(_) => "Not allowed",
        Error::Platform(_) => "openglip refused",
        Error::Store(_) => "Something went wrong",
        _ => "That did not work",
    };
    let message = match &e {
        Error::Store(_) => "The agent app could not do this. Try again in a moment.".to_string(),
        other => other.to_string(),
    };
    if let Error::Store(detail) = &e {
        tracing::error!(error = %detail, "a page failed");
    }
    Fail(Box::new(error_page(kit, status, title, &message)))
}

pub trait OrPage<T> {
    fn or_page(self, kit: &Kit) -> Result<T, Fail>;
}

impl<T> OrPage<T> for crate::error::Result<T> {
    fn or_page(self, kit: &Kit) -> Result<T, Fail> {
        self.map_err(|e| fail(kit, e))
    }
}

/// The errors of a refused form, field by field.
pub fn form_errors(e: &Error) -> Option<FormErrors> {
    let mut errors = FormErrors::new();
    match e {
        Error::Invalid(fields) => fields
            .iter()
            .for_each(|f| errors.add(&f.field, f.message.clone())),
        _ => return None,
    }
    Some(errors)
}

const NAV: &[NavLink] = &[NavLink {
    href: "/agents",
    label: "Agents",
}];

/// A signed-in page in the app's chrome.
pub fn page(app: &App, me: &Account, csrf: &Csrf, title: &str, main: Markup) -> Page {
    let kit = app.kit();
    let shell = Shell::new(kit, "Agents", "/agents")
        .nav(NAV, "/agents")
        .user(&me.name)
        .sign_out("/signout", csrf)
        .document(Document::new(kit, title).stylesheet(STYLESHEET));
    let main = html! { h1 { (title) } (main) };
    Page::new(shell.render(title, main))
}

// ---------- accounts ----------

async fn home(State(app): State<App>) -> Answer {
    let kit = app.kit().clone();
    if app.store().has_accounts().await.or_page(&kit)? {
        Ok(see_other("/agents"))
    } else {
        Ok(see_other("/signup"))
    }
}

#[derive(Deserialize, Default)]
struct AccountForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

fn account_page(
    kit: &Kit,
    csrf: &Csrf,
    sign_up: bool,
    form: &AccountForm,
    errors: &FormErrors,
) -> Page {
    let (title, action, button) = if sign_up {
        ("Create the owner account", "/signup", "Create account")
    } else {
        ("Sign in", "/signin", "Sign in")
    };
    let inner = html! {
        h1 { (title) }
        @if sign_up {
            p { "You are the first person here: this account will own the agent app." }
        }
        form.stack method="post" action=(action) novalidate {
            (errors.summary())
            (csrf.field())
            (Field::email("email", "E-mail address").value(&form.email).required().autocomplete("username").error(errors.get("email")))
            @if sign_up {
                (Field::text("name", "Your name").value(&form.name).required().error(errors.get("name")))
            }
            (Field::password("password", "Password").required()
                .autocomplete(if sign_up { "new-password" } else { "current-password" })
                .error(errors.get("password")))
            div.actions { (Button::primary(button).wide()) }
        }
    };
    Page::new(Document::new(kit, title).render(auth_card(kit, inner)))
}

async fn sign_up_page(State(app): State<App>, csrf: Csrf) -> Answer {
    let kit = app.kit().clone();
    if app.store().has_accounts().await.or_page(&kit)? {
        return Ok(see_other("/signin"));
    }
    Ok(account_page(
        &kit,
        &csrf,
        true,
        &AccountForm::default(),
        &FormErrors::new(),
    )
    .into_response())
}

async fn sign_up(
    State(app): State<App>,
    headers: HeaderMap,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Answer {
    let kit = app.kit().clone();
    match app.sign_up(&form.email, &form.name, &form.password).await {
        Ok(account) => signed_in(&app, &kit, &headers, &account).await,
        Err(e) => match form_errors(&e) {
            Some(errors) => Ok(account_page(&kit, &csrf, true, &form, &errors)
                .status(StatusCode::BAD_REQUEST)
                .into_response()),
            None => Err(fail(&kit, e)),
        },
    }
}

async fn sign_in_page(State(app): State<App>, csrf: Csrf) -> Answer {
    let kit = app.kit().clone();
    if !app.store().has_accounts().await.or_page(&kit)? {
        return Ok(see_other("/signup"));
    }
    Ok(account_page(
        &kit,
        &csrf,
        false,
        &AccountForm::default(),
        &FormErrors::new(),
    )
    .into_response())
}

async fn sign_in(
    State(app): State<App>,
    headers: HeaderMap,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Answer {
    let kit = app.kit().clone();
    match app.sign_in(&form.email, &form.password).await {
        Ok(account) => signed_in(&app, &kit, &headers, &account).await,
        Err(e) => match form_errors(&e) {
            Some(errors) => {
                let form = AccountForm {
                    password: String::new(),
                    ..form
                };
                Ok(account_page(&kit, &csrf, false, &form, &errors)
                    .status(StatusCode::BAD_REQUEST)
                    .into_response())
            }
            None => Err(fail(&kit, e)),
        },
    }
}

async fn signed_in(app: &App, kit: &Kit, headers: &HeaderMap, account: &Account) -> Answer {
    let cookie = start_session::<Account, App>(app, kit, headers, account)
        .await
        .map_err(|e| fail(kit, Error::Store(e.to_string())))?;
    let mut resp = see_other("/agents");
    resp.headers_mut()
        .append(header::SET_COOKIE, cookie.header_value());
    Ok(resp)
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub(crate) struct Nothing {}

async fn sign_out(
    State(app): State<App>,
    headers: HeaderMap,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Answer {
    let kit = app.kit().clone();
    let cookie = end_session::<Account, App>(&app, &kit, &headers)
        .await
        .map_err(|e| fail(&kit, Error::Store(e.to_string())))?;
    let mut resp = see_other("/signin");
    resp.headers_mut()
        .append(header::SET_COOKIE, cookie.header_value());
    Ok(resp)
}
