//! The bot's HTTP endpoint's handlers, and the state they share with the main loop
//! (`runtime`): the install flows (`/bot/oauth`: a public bot's code exchanged, a private bot's
//! token received) hand an [`Install`] to the main loop; card submits (`/bot/submit`) are
//! verified and given to the bot.

use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use openglip_sdk::Client;
use serde::Deserialize;
use tokio::sync::{mpsc, watch};

use crate::config::BotConfig;
use crate::schedule::Scheduler;
use crate::store::Store;
use crate::{Bot, CardSubmit, Context, InstallFlow, Installed};

pub(crate) struct Install {
    pub(crate) token: String,
    pub(crate) installed: Installed,
}

#[derive(Default)]
pub(crate) struct Status {
    pub(crate) bot_id: Option<String>,
    pub(crate) ready: bool,
    pub(crate) catch_ups: u64,
}

pub(crate) struct Shared<B> {
    pub(crate) bot: B,
    pub(crate) config: BotConfig,
    pub(crate) store: Store,
    pub(crate) scheduler: Scheduler,
    pub(crate) ctx: Mutex<Option<Context>>,
    pub(crate) installs: mpsc::Sender<Install>,
    pub(crate) status: Mutex<Status>,
    pub(crate) ready: watch::Sender<bool>,
}

impl<B> Shared<B> {
    pub(crate) fn ctx(&self) -> Option<Context> {
        self.ctx.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    pub(crate) fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(|p| p.into_inner())
    }
}

// ---------- the install flows and card submits ----------

#[derive(Deserialize)]
pub(crate) struct OAuthQuery {
    code: Option<String>,
    creator_extension_id: Option<String>,
    creator_account_id: Option<String>,
    error: Option<String>,
}

/// Public bots: the server redirects here with `?code=`; the bot exchanges it.
pub(crate) async fn oauth_get<B: Bot>(
    State(sh): State<Arc<Shared<B>>>,
    Query(q): Query<OAuthQuery>,
) -> Response {
    if let Some(e) = q.error {
        return (
            StatusCode::BAD_REQUEST,
            format!("installation refused: {e}"),
        )
            .into_response();
    }
    let Some(code) = q.code else {
        return (StatusCode::BAD_REQUEST, "no code").into_response();
    };
    let Some(client_id) = sh.config.client_id.clone() else {
        return (StatusCode::BAD_REQUEST, "this bot has no client id").into_response();
    };
    let redirect = sh.config.redirect_uri().unwrap_or_else(|| {
        format!(
            "http://{}/bot/oauth",
            sh.config.listen.clone().unwrap_or_default()
        )
    });
    let client = match Client::builder(&sh.config.server)
        .app(client_id, sh.config.client_secret.clone())
        .build()
    {
        Ok(c) => c,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    match client.exchange_code(&code, &redirect, None).await {
        Ok(token) => {
            let bot_id = token.owner_id.clone().unwrap_or_default();
            let install = Install {
                token: token.access_token,
                installed: Installed {
                    flow: InstallFlow::Public,
                    bot_id,
                    creator_extension_id: q.creator_extension_id,
                    creator_account_id: q.creator_account_id,
                },
            };
            let _ = sh.installs.send(install).await;
            (
                StatusCode::OK,
                "The bot is installed. You can close this page.",
            )
                .into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "exchanging the install code failed");
            (StatusCode::BAD_REQUEST, format!("installation failed: {e}")).into_response()
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct OAuthForm {
    access_token: Option<String>,
    creator_extension_id: Option<String>,
    creator_account_id: Option<String>,
    client_id: Option<String>,
}

/// Private bots: the server POSTs the token here.
pub(crate) async fn oauth_post<B: Bot>(
    State(sh): State<Arc<Shared<B>>>,
    Form(f): Form<OAuthForm>,
) -> Response {
    let Some(token) = f.access_token.filter(|t| !t.is_empty()) else {
        return (StatusCode::BAD_REQUEST, "no access_token").into_response();
    };
    if let (Some(mine), Some(theirs)) = (&sh.config.client_id, &f.client_id)
        && mine != theirs
    {
        return (StatusCode::BAD_REQUEST, "not this bot's client_id").into_response();
    }
    let install = Install {
        token,
        installed: Installed {
            flow: InstallFlow::Private,
            bot_id: String::new(),
            creator_extension_id: f.creator_extension_id,
            creator_account_id: f.creator_account_id,
        },
    };
    let _ = sh.installs.send(install).await;
    StatusCode::OK.into_response()
}

/// Adaptive Card submits, verified by their `X-Glip-Signature` (see `signature`).
pub(crate) async fn submit<B: Bot>(
    State(sh): State<Arc<Shared<B>>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(secret) = &sh.config.submit_secret else {
        tracing::warn!(
            "a card submit was refused: set BOT_SUBMIT_SECRET (the app's shared secret) to accept signed submits"
        );
        return (
            StatusCode::UNAUTHORIZED,
            "card submits need BOT_SUBMIT_SECRET",
        )
            .into_response();
    };
    let signature = headers
        .get("x-glip-signature")
        .and_then(|v| v.to_str().ok());
    if !crate::signature::verify(secret, &body, signature) {
        tracing::warn!("a card submit with a missing or wrong X-Glip-Signature was refused");
        return (StatusCode::UNAUTHORIZED, "bad X-Glip-Signature").into_response();
    }
    let Ok(raw) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    let Some(ctx) = sh.ctx() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let s = |p: &[&str]| {
        let mut v = &raw;
        for k in p {
            v = v.get(*k)?;
        }
        v.as_str().map(str::to_string)
    };
    let sub = CardSubmit {
        user_id: s(&["user", "id"]),
        chat_id: s(&["conversation", "id"]),
        card_id: s(&["card", "id"]).or_else(|| s(&["post", "id"])),
        data: raw.get("data").cloned().unwrap_or(serde_json::Value::Null),
        raw: raw.clone(),
    };
    match sh.bot.on_card_submit(&ctx, &sub).await {
        Ok(Some(v)) => axum::Json(v).into_response(),
        Ok(None) => StatusCode::OK.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "on_card_submit failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
