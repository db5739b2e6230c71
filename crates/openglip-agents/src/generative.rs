//! The optional generative step: when the dialog tasks have no answer (the fallback would
//! answer), an agent may ask any OpenAI-compatible chat-completions endpoint instead —
//! `POST {url}/chat/completions` with `model` and `messages`, the key as a bearer token. It is
//! off by default and configured per agent ([`GenerativeSettings`]); the key is kept to make the
//! call and never shown back. Any failure (refused, timeout, an error status, a body without an
//! answer) leaves the fallback's answer in place, is logged, and is noted in the turn's
//! transcript ("failed: …; the fallback answered").

use std::time::Duration;

use serde_json::{Value, json};

use crate::agent::Agent;
use crate::app::App;
use crate::error::{Error, FieldError, Result};
pub use crate::store::generative::GenerativeSettings;

/// The longest timeout a setting may ask for (a person waits for the answer).
pub const MAX_TIMEOUT_MS: u32 = 60_000;

/// What the generative step did in a turn.
#[derive(Debug, Clone, PartialEq)]
pub enum Generated {
    /// The endpoint's answer.
    Answer(String),
    /// Why there is no answer, in words.
    Failed(String),
}

/// Asks the endpoint of `settings` to answer `message` said to `agent`.
pub async fn generate(
    client: &reqwest::Client,
    settings: &GenerativeSettings,
    agent: &Agent,
    message: &str,
) -> Generated {
    let url = format!("{}/chat/completions", settings.url.trim_end_matches('/'));
    let system = format!(
        "You are {}, an assistant in a team chat. Answer briefly and politely. The tasks you can do are: {}. If the person wants one of them, tell them to say so.",
        agent.name(),
        agent.task_titles().join(", ")
    );
    let body = json!({
        "model": settings.model,
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": message},
        ],
    });
    let mut req = client
        .post(&url)
        .timeout(Duration::from_millis(u64::from(settings.timeout_ms)))
        .json(&body);
    if !settings.api_key.is_empty() {
        req = req.bearer_auth(&settings.api_key);
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return Generated::Failed(format!("no answer within {} ms", settings.timeout_ms));
        }
        Err(e) => return Generated::Failed(format!("the endpoint could not be reached: {e}")),
    };
    let status = resp.status();
    if !status.is_success() {
        return Generated::Failed(format!("the endpoint answered HTTP {}", status.as_u16()));
    }
    let body: Value = match resp.json().await {
        Ok(b) => b,
        Err(e) if e.is_timeout() => {
            return Generated::Failed(format!("no answer within {} ms", settings.timeout_ms));
        }
        Err(e) => return Generated::Failed(format!("the endpoint's answer is not JSON: {e}")),
    };
    match body["choices"][0]["message"]["content"]
        .as_str()
        .map(str::trim)
    {
        Some(text) if !text.is_empty() => Generated::Answer(text.to_string()),
        _ => Generated::Failed("the endpoint's answer has no choices[0].message.content".into()),
    }
}

/// The settings as a person sends them: the key empty keeps the one saved.
#[derive(Debug, Clone, Default)]
pub struct GenerativeForm {
    pub enabled: bool,
    pub url: String,
    pub model: String,
    pub api_key: String,
    /// Empty: 10000.
    pub timeout_ms: Option<u32>,
}

impl App {
    /// Checks and saves an agent's generative settings. Turned on, it needs an http(s) URL and a
    /// model; the timeout is 1..=60000 ms; an empty key keeps the saved one.
    pub async fn save_generative(&self, agent_id: i64, form: GenerativeForm) -> Result<()> {
        self.store().agent(agent_id).await?;
        let saved = self.store().generative(agent_id).await?;
        let url = form.url.trim().trim_end_matches('/').to_string();
        let model = form.model.trim().to_string();
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: &str| {
            errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            })
        };
        let is_http = url.starts_with("http://") || url.starts_with("https://");
        if (form.enabled || !url.is_empty()) && !is_http {
            bad(
                "url",
                "Give the endpoint's base URL, starting with http:// or https:// (calls go to {url}/chat/completions).",
            );
        }
        if form.enabled && model.is_empty() {
            bad("model", "Name the model to ask (for example gpt-4o-mini).");
        }
        let timeout_ms = form.timeout_ms.unwrap_or(10_000);
        if !(1..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
            bad(
                "timeoutMs",
                "The timeout is between 1 and 60000 milliseconds.",
            );
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let api_key = if form.api_key.trim().is_empty() {
            saved.api_key
        } else {
            form.api_key.trim().to_string()
        };
        self.store()
            .save_generative(
                agent_id,
                GenerativeSettings {
                    enabled: form.enabled,
                    url,
                    model,
                    api_key,
                    timeout_ms,
                },
            )
            .await
    }
}
