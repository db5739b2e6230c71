//! **Channels > Digital > RingCentral Glip**, the **Configurations** tab, with the channel
//! guide's labels: the **OAuth Redirect URI** (with the stream id, and a copy button), the
//! **Application Key** and **Application Secret**, the **RingCentral Environment** (Sandbox or
//! Production, each with its platform URL), **Save**; **Authorize**; **Enable Channel** Yes/No
//! with **Save**; and the subscription's state (**Active** when enabled and delivering). Also the
//! channel's two public endpoints: the OAuth Redirect URI and the WebHook address.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openglip_webkit::html::{
    Button, Choice, Choices, Field, FormErrors, Tone, copyable, notice, pill,
};
use openglip_webkit::{Csrf, CsrfForm, Session, html, see_other};
use serde::Deserialize;
use tower::ServiceExt;

use super::{Answer, Nothing, OrPage, fail, form_errors, page};
use crate::app::App;
use crate::channel;
use crate::error::Error;
use crate::store::accounts::Account;
use crate::store::agents::AgentRow;
use crate::store::channels::Channel;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/agents/{id}/channels/glip", get(show).post(save))
        .route("/agents/{id}/channels/glip/authorize", post(authorize))
        .route("/agents/{id}/channels/glip/enable", post(enable))
        .route("/channels/glip/oauth/{stream}", get(oauth_callback))
        .route("/channels/glip/webhook/{stream}", post(webhook))
}

const ENVIRONMENTS: &[Choice] = &[
    Choice {
        value: "sandbox",
        label: "Sandbox",
        hint: None,
    },
    Choice {
        value: "production",
        label: "Production",
        hint: None,
    },
];
const YES_NO: &[Choice] = &[
    Choice {
        value: "yes",
        label: "Yes",
        hint: None,
    },
    Choice {
        value: "no",
        label: "No",
        hint: None,
    },
];

#[derive(Deserialize, Default)]
struct Config {
    #[serde(default)]
    app_key: String,
    #[serde(default)]
    app_secret: String,
    #[serde(default)]
    environment: String,
    #[serde(default)]
    sandbox_url: String,
    #[serde(default)]
    production_url: String,
}

/// The subscription's state in words: **Active** when enabled and delivering.
fn state(app: &App, ch: &Channel) -> (Tone, String) {
    if !ch.enabled {
        return (Tone::Neutral, "Disabled".into());
    }
    match ch.subscription_status.as_deref() {
        Some("Active") if app.inner.channels.is_running(ch.agent_id) => (Tone::Ok, "Active".into()),
        Some("Active") => (
            Tone::Warn,
            "Active, not running here (restart the app)".into(),
        ),
        Some(other) => (Tone::Bad, other.to_string()),
        None => (Tone::Bad, "No subscription".into()),
    }
}

/// What the Configurations page shows.
struct View<'a> {
    row: &'a AgentRow,
    ch: &'a Channel,
    form: &'a Config,
    errors: &'a FormErrors,
    message: Option<&'a str>,
}

fn render(app: &App, me: &Account, csrf: &Csrf, view: View<'_>) -> Response {
    let View {
        row,
        ch,
        form,
        errors,
        message,
    } = view;
    let base = format!("/agents/{}/channels/glip", row.id);
    let redirect = channel::redirect_uri(app, &row.stream_id);
    let (tone, words) = state(app, ch);
    let env = if form.environment.is_empty() {
        "sandbox"
    } else {
        form.environment.as_str()
    };
    let platform = &app.config().platform_url;
    let main = html! {
        nav.breadcrumbs aria-label="Channels" { "Channels > Digital > " strong { "RingCentral Glip" } }
        p { a href=(format!("/agents/{}", row.id)) { "← " (row.name) } }
        div.tabs role="tablist" { a role="tab" aria-selected="true" aria-current="page" href=(base) { "Configurations" } }
        @if let Some(m) = message { (notice(Tone::Ok, html! { (m) })) }
        @if let Some(e) = &ch.last_error { (notice(Tone::Bad, html! { (e) })) }
        section aria-labelledby="redirect" {
            h2 #redirect { "OAuth Redirect URI" }
            p { "Paste it in the Auth panel of your REST API app (3-legged OAuth flow, authorization code; issue refresh tokens). It includes this agent's stream id." }
            (copyable("redirect-uri", &redirect))
        }
        form.stack method="post" action=(base) novalidate {
            (errors.summary())
            (csrf.field())
            (Field::text("app_key", "Application Key").value(&form.app_key).required().autocomplete("off").hint("The app's Client ID.").error(errors.get("app_key")))
            (Field::password("app_secret", "Application Secret").value(&form.app_secret).required().autocomplete("off").hint("The app's Client Secret.").error(errors.get("app_secret")))
            (Choices::radio("environment", "RingCentral Environment", ENVIRONMENTS).selected(&[env]).error(errors.get("environment")))
            (Field::url("sandbox_url", "Sandbox platform URL").value(&form.sandbox_url).placeholder(platform).hint("Empty: the openglip this app was started against.").error(errors.get("sandbox_url")))
            (Field::url("production_url", "Production platform URL").value(&form.production_url).placeholder(platform).hint("Empty: the openglip this app was started against.").error(errors.get("production_url")))
            div.actions { (Button::primary("Save")) }
        }
        section aria-labelledby="authorize" {
            h2 #authorize { "Authorize" }
            @match (&ch.extension_name, &ch.access_token) {
                (Some(name), Some(_)) => p { "Authorized as " strong { (name) } " (extension " (ch.extension_id.clone().unwrap_or_default()) ")." },
                _ => p { "Authorize a user extension of your account (for example \"Travel App\") for the agent to act as." },
            }
            form method="post" action=(format!("{base}/authorize")) {
                (csrf.field())
                (Button::primary("Authorize"))
            }
        }
        section aria-labelledby="enable" {
            h2 #enable { "Enable Channel" }
            p { "Subscription: " (pill(tone, &words)) }
            form.stack method="post" action=(format!("{base}/enable")) novalidate {
                (csrf.field())
                (Choices::radio("enabled", "Enable Channel", YES_NO).selected(&[if ch.enabled { "yes" } else { "no" }]).error(errors.get("enabled")))
                div.actions { (Button::primary("Save")) }
            }
        }
    };
    // Authorize goes on to the platform's sign-in pages.
    let origin = |u: &str| u.split('/').take(3).collect::<Vec<_>>().join("/");
    let csp = format!(
        "{}; form-action 'self' {} {}",
        openglip_webkit::DEFAULT_CSP.trim_end_matches("; form-action 'self'"),
        origin(&channel::environment_url(app, ch)),
        origin(platform),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(app, me, csrf, "RingCentral Glip", main)
        .csp(csp)
        .status(status)
        .into_response()
}

/// The page again with `errors` in place (the form as sent, or as saved).
async fn again(
    app: &App,
    me: &Account,
    csrf: &Csrf,
    id: i64,
    form: Option<&Config>,
    errors: &FormErrors,
) -> Answer {
    let kit = app.kit().clone();
    let row = app.store().agent(id).await.or_page(&kit)?;
    let ch = app.store().channel(id).await.or_page(&kit)?;
    let saved = form_of(&ch);
    let form = form.unwrap_or(&saved);
    Ok(render(
        app,
        me,
        csrf,
        View {
            row: &row,
            ch: &ch,
            form,
            errors,
            message: None,
        },
    ))
}

fn form_of(ch: &Channel) -> Config {
    Config {
        app_key: ch.app_key.clone(),
        app_secret: ch.app_secret.clone(),
        environment: ch.environment.clone(),
        sandbox_url: ch.sandbox_url.clone().unwrap_or_default(),
        production_url: ch.production_url.clone().unwrap_or_default(),
    }
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn show(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Answer {
    let kit = app.kit().clone();
    let row = app.store().agent(id).await.or_page(&kit)?;
    let ch = app.store().channel(id).await.or_page(&kit)?;
    let message = q.done.as_deref().map(|d| match d {
        "authorized" => "Authorized: the access token was obtained.",
        "enabled" => {
            "The channel is enabled: the published agent answers direct messages and mentions."
        }
        "disabled" => "The channel is disabled.",
        _ => "Saved.",
    });
    Ok(render(
        &app,
        &user,
        &csrf,
        View {
            row: &row,
            ch: &ch,
            form: &form_of(&ch),
            errors: &FormErrors::new(),
            message,
        },
    ))
}

async fn save(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Config>,
) -> Answer {
    let kit = app.kit().clone();
    match app
        .save_channel(
            id,
            &form.app_key,
            &form.app_secret,
            &form.environment,
            &form.sandbox_url,
            &form.production_url,
        )
        .await
    {
        Ok(()) => Ok(see_other(&format!("/agents/{id}/channels/glip?done=saved"))),
        Err(e) => match form_errors(&e) {
            Some(errors) => again(&app, &user, &csrf, id, Some(&form), &errors).await,
            None => Err(fail(&kit, e)),
        },
    }
}

async fn authorize(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Answer {
    let kit = app.kit().clone();
    match channel::authorize_url(&app, id).await {
        Ok(url) => Ok(see_other(&url)),
        Err(e) => match form_errors(&e) {
            Some(errors) => again(&app, &user, &csrf, id, None, &errors).await,
            None => Err(fail(&kit, e)),
        },
    }
}

#[derive(Deserialize)]
struct Enable {
    #[serde(default)]
    enabled: String,
}

async fn enable(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Enable>,
) -> Answer {
    let on = form.enabled == "yes";
    match channel::set_enabled(&app, id, on).await {
        Ok(()) => Ok(see_other(&format!(
            "/agents/{id}/channels/glip?done={}",
            if on { "enabled" } else { "disabled" }
        ))),
        Err(e) => {
            let errors = form_errors(&e).unwrap_or_else(|| {
                let mut f = FormErrors::new();
                f.add("enabled", e.to_string());
                f
            });
            again(&app, &user, &csrf, id, None, &errors).await
        }
    }
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The OAuth Redirect URI: the platform comes back with a code (or a refusal).
async fn oauth_callback(
    State(app): State<App>,
    Path(stream): Path<String>,
    Query(q): Query<Callback>,
) -> Answer {
    let kit = app.kit().clone();
    let row = app.store().agent_by_stream(&stream).await.or_page(&kit)?;
    if let Some(e) = q.error {
        let words = q.error_description.unwrap_or(e);
        app.store()
            .set_channel_error(
                row.id,
                Some(&format!("The authorization was refused: {words}")),
            )
            .await
            .or_page(&kit)?;
        return Ok(see_other(&format!("/agents/{}/channels/glip", row.id)));
    }
    let (Some(code), Some(state)) = (q.code, q.state) else {
        return Err(fail(
            &kit,
            Error::invalid("code", "The platform sent no code and state back."),
        ));
    };
    match channel::callback(&app, &stream, &code, &state).await {
        Ok(id) => Ok(see_other(&format!(
            "/agents/{id}/channels/glip?done=authorized"
        ))),
        Err(e @ Error::Forbidden(_)) => Err(fail(&kit, e)),
        Err(e) => {
            app.store()
                .set_channel_error(row.id, Some(&e.to_string()))
                .await
                .or_page(&kit)?;
            Ok(see_other(&format!("/agents/{}/channels/glip", row.id)))
        }
    }
}

/// WebHook deliveries, handed to the running channel's receiver (the SDK's: the validation
/// handshake, the verification token).
async fn webhook(
    State(app): State<App>,
    Path(stream): Path<String>,
    req: Request<Body>,
) -> Response {
    match app.inner.channels.webhook(&stream) {
        Some(router) => match router.oneshot(req).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        },
        None => Error::NotFound("A running channel at this address".into()).into_response(),
    }
}
