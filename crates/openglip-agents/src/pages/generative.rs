//! The agent's **Generative answers** page: the optional generative step (off by default) —
//! an OpenAI-compatible chat-completions endpoint, its model, key and timeout — answering what
//! the dialog tasks do not. The key is a password field: never shown back; left empty, the
//! saved one stays.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use openglip_webkit::html::{Button, Choice, Choices, Field, FormErrors, Tone, notice, pill};
use openglip_webkit::{Csrf, CsrfForm, Session, html, see_other};
use serde::Deserialize;

use super::{Answer, OrPage, fail, form_errors, page};
use crate::app::App;
use crate::generative::{GenerativeForm, GenerativeSettings};
use crate::store::accounts::Account;

pub fn routes() -> Router<App> {
    Router::new().route("/agents/{id}/generative", get(show).post(save))
}

const ON_OFF: &[Choice] = &[
    Choice {
        value: "on",
        label: "On",
        hint: None,
    },
    Choice {
        value: "off",
        label: "Off",
        hint: None,
    },
];

/// The form as posted (and as shown: the key is never filled in).
#[derive(Deserialize, Default)]
struct Form {
    #[serde(default)]
    enabled: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    model: String,
    #[serde(default, rename = "apiKey")]
    api_key: String,
    #[serde(default, rename = "timeoutMs")]
    timeout_ms: String,
}

impl Form {
    fn of(g: &GenerativeSettings) -> Form {
        Form {
            enabled: if g.enabled { "on" } else { "off" }.into(),
            url: g.url.clone(),
            model: g.model.clone(),
            api_key: String::new(),
            timeout_ms: g.timeout_ms.to_string(),
        }
    }
}

async fn render(
    app: &App,
    me: &Account,
    csrf: &Csrf,
    id: i64,
    form: &Form,
    errors: &FormErrors,
    message: Option<&str>,
) -> Answer {
    let kit = app.kit().clone();
    let row = app.store().agent(id).await.or_page(&kit)?;
    let saved = app.store().generative(id).await.or_page(&kit)?;
    let key_hint = if saved.api_key.is_empty() {
        "Sent as a bearer token. None is saved."
    } else {
        "A key is saved (never shown). Leave empty to keep it."
    };
    let main = html! {
        p { a href=(format!("/agents/{id}")) { "← " (row.name) } }
        @if let Some(m) = message { (notice(Tone::Ok, html! { (m) })) }
        p {
            @if saved.enabled { (pill(Tone::Ok, &format!("On: {}", saved.model))) }
            @else { (pill(Tone::Neutral, "Off")) }
        }
        p { "When no dialog task matches, the agent can ask any OpenAI-compatible chat-completions endpoint (POST {url}/chat/completions) for an answer instead of its fallback. If the endpoint fails or is too slow, the fallback answers and the transcript says why." }
        form.stack method="post" action=(format!("/agents/{id}/generative")) novalidate {
            (errors.summary())
            (csrf.field())
            (Choices::radio("enabled", "Generative answers", ON_OFF).selected(&[if form.enabled == "on" { "on" } else { "off" }]).error(errors.get("enabled")))
            (Field::url("url", "Endpoint base URL").value(&form.url).placeholder("https://api.openai.com/v1").error(errors.get("url")))
            (Field::text("model", "Model").value(&form.model).autocomplete("off").error(errors.get("model")))
            (Field::password("apiKey", "API key").autocomplete("off").hint(key_hint).error(errors.get("apiKey")))
            (Field::number("timeoutMs", "Timeout (milliseconds)").value(&form.timeout_ms).range(Some("1"), Some("60000"), Some("1")).error(errors.get("timeoutMs")))
            div.actions { (Button::primary("Save")) }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(page(app, me, csrf, "Generative answers", main)
        .status(status)
        .into_response())
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
    let saved = app.store().generative(id).await.or_page(&kit)?;
    let message = q.done.is_some().then_some("Saved.");
    render(
        &app,
        &user,
        &csrf,
        id,
        &Form::of(&saved),
        &FormErrors::new(),
        message,
    )
    .await
}

async fn save(
    State(app): State<App>,
    Session { user, .. }: Session<Account>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Form>,
) -> Answer {
    let kit = app.kit().clone();
    // A timeout that is no number is out of range: the service says what it may be.
    let timeout_ms = match form.timeout_ms.trim() {
        "" => None,
        t => Some(t.parse().unwrap_or(0)),
    };
    let sent = GenerativeForm {
        enabled: form.enabled == "on",
        url: form.url.clone(),
        model: form.model.clone(),
        api_key: form.api_key.clone(),
        timeout_ms,
    };
    match app.save_generative(id, sent).await {
        Ok(()) => Ok(see_other(&format!("/agents/{id}/generative?done=saved"))),
        Err(e) => match form_errors(&e) {
            Some(errors) => render(&app, &user, &csrf, id, &form, &errors, None).await,
            None => Err(fail(&kit, e)),
        },
    }
}
