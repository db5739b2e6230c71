//! Incoming webhooks: `POST|GET …/groups/{groupId}/webhooks`, `GET …/webhooks`,
//! `GET|DELETE …/webhooks/{webhookId}` (several comma-separated ids on `GET`),
//! `POST …/webhooks/{webhookId}/activate|suspend` under both `/team-messaging/v1` and
//! `/restapi/v1.0/glip`, and the webhook's own URL, `POST /webhook/v2/{key}` (and the
//! version-less `/webhook/{key}` of older integrations), which takes posts without a token.
//!
//! The URL's last segment is `{webhookId}.{secret}`: the id names the webhook, the secret (256
//! random bits, made here) proves the sender was given the URL. Only the secret's SHA-256 is
//! kept, so the URL is in the answer that makes the webhook and nowhere after.

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use openglip_domain::webhooks::{Webhook, WebhookStatus};
use openglip_domain::{Caller, ChatId, Error, Subject};
use openglip_wire::{WebhookInfo, WebhookList, WebhookPostResult};
use serde_json::Value;

use super::{P, base_url, chat_id, split_ids};
use crate::AppState;
use crate::convert;
use crate::error::{ApiResult, LegacyResult};
use crate::extract::JsonBody;
use crate::secrets;

/// At most this many comma-separated ids in one read.
const MAX_IDS: usize = 30;

/// The path of a webhook's URL, before its key.
pub const URL_PATH: &str = "/webhook/v2";

fn list(hooks: Vec<Webhook>) -> WebhookList {
    WebhookList {
        records: hooks
            .iter()
            .map(|h| convert::webhook_info(h, None))
            .collect(),
    }
}

/// Makes a webhook in `chat` for `caller`, with a fresh secret, and returns it with its URL
/// (on this server's public URL, or the request's `Host`). The API and the web client's
/// details page both make webhooks through here.
pub async fn make(
    st: &AppState,
    caller: &Caller,
    chat: ChatId,
    headers: &HeaderMap,
) -> Result<(Webhook, String), Error> {
    let secret = secrets::new_token();
    let hook = st
        .service()
        .create_webhook(
            caller,
            chat,
            secrets::new_uuid(),
            secrets::hash_token(&secret),
        )
        .await?;
    let uri = format!("{}{URL_PATH}/{}.{secret}", base_url(st, headers), hook.id);
    Ok((hook, uri))
}

/// `POST …/groups/{groupId}/webhooks` (no body): a new webhook in the chat, with its URL.
pub async fn create(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P(chat): P<String>,
) -> LegacyResult<Json<WebhookInfo>> {
    let (hook, uri) = make(&st, &c, chat_id(&chat)?, &headers).await?;
    Ok(Json(convert::webhook_info(&hook, Some(uri))))
}

/// `GET …/groups/{groupId}/webhooks`.
pub async fn list_of_chat(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(chat): P<String>,
) -> LegacyResult<Json<WebhookList>> {
    let hooks = st.service().chat_webhooks(&c, chat_id(&chat)?).await?;
    Ok(Json(list(hooks)))
}

/// `GET …/webhooks`: the webhooks of every chat the caller is in.
pub async fn list_mine(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
) -> ApiResult<Json<WebhookList>> {
    Ok(Json(list(st.service().my_webhooks(&c).await?)))
}

/// `GET …/webhooks/{webhookId}`: one or several comma-separated ids, all of which must be
/// webhooks of the caller's chats.
pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(ids): P<String>,
) -> ApiResult<Json<WebhookList>> {
    let ids = split_ids(&ids);
    if ids.is_empty() {
        return Err(Error::NotFound(Subject::Webhook).into());
    }
    if ids.len() > MAX_IDS {
        return Err(Error::invalid_because(
            "webhookId",
            format!("Parameter [webhookId] value is invalid: at most {MAX_IDS} ids at once."),
        )
        .into());
    }
    let mut hooks = Vec::with_capacity(ids.len());
    for id in ids {
        hooks.push(st.service().webhook(&c, id).await?);
    }
    Ok(Json(list(hooks)))
}

pub async fn delete(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().delete_webhook(&c, &id).await?;
    Ok(StatusCode::OK)
}

pub async fn activate(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service()
        .set_webhook_status(&c, &id, WebhookStatus::Active)
        .await?;
    Ok(StatusCode::OK)
}

pub async fn suspend(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service()
        .set_webhook_status(&c, &id, WebhookStatus::Suspended)
        .await?;
    Ok(StatusCode::OK)
}

/// `POST /webhook/v2/{key}` (and `/webhook/{key}`): a message in either format (see
/// `openglip_domain::webhook_payload`), posted into the webhook's chat as its creator. Counted
/// per webhook (`--rate-limits webhook=N`): over the limit, 429 with `Retry-After`.
pub async fn post(
    State(st): State<AppState>,
    P(key): P<String>,
    JsonBody(payload): JsonBody<Value>,
) -> ApiResult<Json<WebhookPostResult>> {
    let (id, secret) = key
        .split_once('.')
        .filter(|(id, secret)| !id.is_empty() && secrets::looks_like_token(secret))
        .ok_or(Error::NotFound(Subject::Webhook))?;
    if let Some(d) = st.0.limiter.check_webhook(id)
        && let Some(retry) = d.retry_after
    {
        return Err(Error::RateLimited {
            group: "Webhook",
            retry_after_secs: retry,
        }
        .into());
    }
    st.service()
        .post_via_webhook(id, secrets::hash_token(secret), payload)
        .await?;
    Ok(Json(WebhookPostResult {
        status: "OK".into(),
    }))
}
