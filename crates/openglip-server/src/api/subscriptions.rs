//! `/restapi/v1.0/subscription`: create, list, read, update (every PUT renews), renew, delete.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::events::{self, Subscription, SubscriptionStatus, Transport};
use openglip_domain::{Caller, Error, Permission, Subject};
use openglip_wire as w;

use super::{P, base_url};
use crate::AppState;
use crate::auth::now;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::realtime::{WsSessionRef, crypto, webhook};

fn info(sub: &Subscription, base: &str) -> w::SubscriptionInfo {
    let t = now();
    let (address, encrypted) = match &sub.transport {
        Transport::WebHook { address, .. } => (Some(address.clone()), sub.encryption_key.is_some()),
        Transport::WebSocket => (None, sub.encryption_key.is_some()),
    };
    w::SubscriptionInfo {
        uri: format!("{base}/restapi/v1.0/subscription/{}", sub.id),
        id: sub.id.clone(),
        event_filters: sub.filters.iter().map(|f| f.text.clone()).collect(),
        disabled_filters: vec![],
        expiration_time: sub.expires.to_rfc3339(),
        expires_in: sub.expires_in(t),
        status: sub.status.as_str().to_string(),
        creation_time: sub.created.to_rfc3339(),
        delivery_mode: w::DeliveryMode {
            transport_type: sub.transport.name().to_string(),
            encryption: encrypted,
            address,
            encryption_algorithm: sub.encryption_key.map(|_| "AES".to_string()),
            encryption_key: sub.encryption_key.as_ref().map(crypto::key_base64),
        },
        blacklisted_data: sub
            .blacklisted
            .as_ref()
            .map(|(at, reason)| w::BlacklistedData {
                blacklisted_at: at.to_rfc3339(),
                reason: reason.clone(),
            }),
    }
}

fn expires_in(v: &Option<serde_json::Value>) -> Result<Option<i64>, ApiError> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f.min(i64::MAX as f64) as i64))
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| Error::invalid("expiresIn").into()),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| Error::invalid("expiresIn").into()),
        Some(_) => Err(Error::invalid("expiresIn").into()),
    }
}

fn wants_encryption(v: &Option<serde_json::Value>) -> Result<bool, ApiError> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(false),
        Some(serde_json::Value::Bool(b)) => Ok(*b),
        Some(serde_json::Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(serde_json::Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(Error::invalid("deliveryMode.encryption").into()),
    }
}

/// The filters, checked against what the app may see.
fn filters(c: &Caller, raw: &[String]) -> Result<Vec<events::EventFilter>, ApiError> {
    let parsed = events::parse_filters(raw, c.account_id, c.extension_id)?;
    for f in &parsed {
        let needs = match f.kind {
            events::FilterKind::Posts(_)
            | events::FilterKind::Chats(_)
            | events::FilterKind::Reactions => Some(Permission::TeamMessaging),
            events::FilterKind::Extension { .. } => Some(Permission::ReadAccounts),
            events::FilterKind::Renewal { .. } => None,
        };
        if let Some(p) = needs
            && !c.permissions.contains(p)
        {
            return Err(Error::InvalidEventFilter(format!(
                "Event filter [{}] is not allowed: the application needs the [{}] permission",
                f.text,
                p.api_name()
            ))
            .into());
        }
    }
    Ok(parsed)
}

/// `deliveryMode.verificationToken`: empty means none; at most 256 characters.
fn verification_token_of(t: Option<&String>) -> Result<Option<String>, ApiError> {
    let token = t.filter(|t| !t.is_empty()).cloned();
    if token.as_ref().is_some_and(|t| t.len() > 256) {
        return Err(Error::TooLong {
            name: "deliveryMode.verificationToken".into(),
            max: 256,
        }
        .into());
    }
    Ok(token)
}

/// Reads `deliveryMode`: a transport the server offers, with the permission it needs.
async fn transport(
    st: &AppState,
    c: &Caller,
    dm: &w::DeliveryModeRequest,
    ws: Option<&WsSessionRef>,
) -> Result<Transport, ApiError> {
    let kind = dm
        .transport_type
        .as_deref()
        .ok_or_else(|| Error::MissingParameter("deliveryMode.transportType".into()))?;
    match kind {
        "WebHook" => {
            if !c.permissions.contains(Permission::SubscriptionWebhook) {
                return Err(crate::error::needs(Permission::SubscriptionWebhook));
            }
            let address = dm.address.as_deref().filter(|a| !a.is_empty()).ok_or_else(|| Error::MissingParameter("deliveryMode.address".into()))?;
            let url = webhook::check_address(address, st.hub().config.allow_private_webhooks)?;
            let token = verification_token_of(dm.verification_token.as_ref())?;
            st.hub().http.validate(&url).await?;
            Ok(Transport::WebHook {
                address: address.to_string(),
                verification_token: token,
            })
        }
        "WebSocket" => {
            if !c.permissions.contains(Permission::WebSocket) {
                return Err(crate::error::needs(Permission::WebSocket));
            }
            if ws.is_none() {
                return Err(Error::invalid_because(
                    "deliveryMode.transportType",
                    "WebSocket subscriptions are created over the WebSocket connection (POST /restapi/oauth/wstoken, then a ClientRequest frame).",
                )
                .into());
            }
            Ok(Transport::WebSocket)
        }
        other => Err(Error::UnsupportedTransport(format!(
            "Delivery mode [{other}] is not supported; this server delivers by WebHook and WebSocket."
        ))
        .into()),
    }
}

fn ws_header(resp: &mut Response, sub: &Subscription, ws: Option<&WsSessionRef>) {
    if ws.is_some()
        && let Ok(v) = HeaderValue::from_str(&sub.id)
    {
        resp.headers_mut().insert("WSG-SubscriptionId", v);
    }
}

/// Puts `sub` in service: its sink (a WebHook worker, or the WebSocket session) and the hub.
/// A WebSocket session gets the events after `from` (read before the subscription was stored),
/// so that none committed meanwhile is lost.
async fn activate(
    st: &AppState,
    sub: &Subscription,
    ws: Option<&WsSessionRef>,
    from: i64,
) -> Result<(), ApiError> {
    if sub.status != SubscriptionStatus::Active {
        return Ok(());
    }
    let sink = match (&sub.transport, ws) {
        // A worker that reads the outbox from its cursor itself (see `Hub::catch_up`), here or,
        // in a cluster, on the node that takes the subscription's lease.
        (Transport::WebHook { .. }, _) => return Ok(st.hub().adopt_webhook(sub.clone()).await?),
        (Transport::WebSocket, Some(session)) => {
            if let Some(old) = session.0.bound()
                && old != sub.id
            {
                // One subscription per connection: the new one replaces the old.
                st.hub().unregister(&old);
                if let Err(e) = st.store().delete_subscription(old).await {
                    // It is no longer delivered to; left in the store, it expires.
                    tracing::warn!(error = %e, "deleting a replaced WebSocket subscription failed");
                }
            }
            session.0.bind(sub)
        }
        (Transport::WebSocket, None) => return Ok(()),
    };
    // Every new sink starts behind: a WebHook worker reads the outbox from its cursor itself
    // (see `Hub::catch_up`); a WebSocket session is caught up here.
    st.hub().register(sub.clone(), Some(sink), true).await?;
    if sub.transport == Transport::WebSocket {
        st.hub().catch_up_into(&sub.id, from).await?;
    }
    Ok(())
}

pub async fn create(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    ws: Option<Extension<WsSessionRef>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<w::SubscriptionRequest>,
) -> ApiResult<Response> {
    let ws = ws.map(|e| e.0);
    let raw = body
        .event_filters
        .ok_or_else(|| Error::MissingParameter("eventFilters".into()))?;
    let filters = filters(&c, &raw)?;
    let dm = body
        .delivery_mode
        .ok_or_else(|| Error::MissingParameter("deliveryMode".into()))?;
    let encrypt = wants_encryption(&dm.encryption)?;
    let asked = expires_in(&body.expires_in)?;
    let existing = st
        .store()
        .subscriptions_of(c.extension_id, c.app_id)
        .await?;
    let t = now();
    if existing.iter().filter(|s| s.expires > t).count() >= st.hub().config.max_subscriptions {
        return Err(Error::invalid_because(
            "eventFilters",
            format!(
                "The limit of {} subscriptions per user and application is reached",
                st.hub().config.max_subscriptions
            ),
        )
        .into());
    }
    let transport = transport(&st, &c, &dm, ws.as_ref()).await?;
    let lifetime = events::clamp_expires_in(asked, &transport);
    let cursor = st.store().last_event_seq().await?;
    let sub = Subscription {
        id: crate::secrets::new_uuid(),
        account_id: c.account_id,
        owner: c.extension_id,
        app_id: c.app_id,
        filters,
        transport,
        encryption_key: encrypt.then(crypto::new_key),
        status: SubscriptionStatus::Active,
        blacklisted: None,
        created: t,
        expires: t.plus_seconds(lifetime),
        cursor,
        expires_in_secs: lifetime,
    };
    let sub = st.store().create_subscription(sub).await?;
    activate(&st, &sub, ws.as_ref(), cursor).await?;
    let mut resp = Json(info(&sub, &base_url(&st, &headers))).into_response();
    ws_header(&mut resp, &sub, ws.as_ref());
    Ok(resp)
}

/// A subscription of the caller (same person and app), not expired.
async fn own(st: &AppState, c: &Caller, id: &str) -> Result<Subscription, ApiError> {
    match st.store().subscription(id.to_string()).await? {
        Some(s) if s.owner == c.extension_id && s.app_id == c.app_id && s.expires > now() => Ok(s),
        _ => Err(Error::NotFound(Subject::Subscription).into()),
    }
}

pub async fn list(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
) -> ApiResult<Json<w::SubscriptionList>> {
    let base = base_url(&st, &headers);
    let t = now();
    let subs = st
        .store()
        .subscriptions_of(c.extension_id, c.app_id)
        .await?;
    Ok(Json(w::SubscriptionList {
        uri: format!("{base}/restapi/v1.0/subscription"),
        records: subs
            .iter()
            .filter(|s| s.expires > t)
            .map(|s| info(s, &base))
            .collect(),
    }))
}

pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P(id): P<String>,
) -> ApiResult<Json<w::SubscriptionInfo>> {
    let sub = own(&st, &c, &id).await?;
    Ok(Json(info(&sub, &base_url(&st, &headers))))
}

/// Every PUT renews; filters and delivery mode change when given.
pub async fn update(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    ws: Option<Extension<WsSessionRef>>,
    headers: HeaderMap,
    P(id): P<String>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let ws = ws.map(|e| e.0);
    let body: w::SubscriptionRequest = if body.iter().all(u8::is_ascii_whitespace) {
        w::SubscriptionRequest::default()
    } else {
        crate::extract::parse_json(&body)?
    };
    let mut sub = own(&st, &c, &id).await?;
    if sub.status == SubscriptionStatus::Blacklisted {
        return Err(Error::invalid_because(
            "subscriptionId",
            "The subscription is blacklisted; delete it and create a new one.",
        )
        .into());
    }
    if let Some(raw) = &body.event_filters {
        sub.filters = filters(&c, raw)?;
    }
    let mut transport_changed = false;
    if let Some(dm) = &body.delivery_mode {
        if dm.transport_type.is_some() {
            let new_transport = match (&sub.transport, dm.transport_type.as_deref(), &dm.address) {
                // The same WebHook address needs no new handshake; only the token may change. A
                // renewal that repeats the address without the token keeps it ("" removes it).
                (
                    Transport::WebHook {
                        address,
                        verification_token,
                    },
                    Some("WebHook"),
                    Some(a),
                ) if a == address => Transport::WebHook {
                    address: address.clone(),
                    verification_token: match &dm.verification_token {
                        None => verification_token.clone(),
                        Some(t) => verification_token_of(Some(t))?,
                    },
                },
                (Transport::WebSocket, Some("WebSocket"), _) if ws.is_none() => {
                    Transport::WebSocket
                }
                _ => transport(&st, &c, dm, ws.as_ref()).await?,
            };
            transport_changed = new_transport != sub.transport;
            sub.transport = new_transport;
        }
        if dm.encryption.is_some() {
            let want = wants_encryption(&dm.encryption)?;
            if want != sub.encryption_key.is_some() {
                sub.encryption_key = want.then(crypto::new_key);
            }
        }
    }
    if let Some(asked) = expires_in(&body.expires_in)? {
        sub.expires_in_secs = events::clamp_expires_in(Some(asked), &sub.transport);
    }
    let t = now();
    sub.expires = t.plus_seconds(sub.expires_in_secs);
    let from = st.store().last_event_seq().await?;
    let sub = st.store().update_subscription(sub).await?;
    if transport_changed || ws.is_some() {
        activate(&st, &sub, ws.as_ref(), from).await?;
    } else {
        st.hub().update(sub.clone());
    }
    let mut resp = Json(info(&sub, &base_url(&st, &headers))).into_response();
    ws_header(&mut resp, &sub, ws.as_ref());
    Ok(resp)
}

pub async fn renew(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    headers: HeaderMap,
    P(id): P<String>,
) -> ApiResult<Json<w::SubscriptionInfo>> {
    let mut sub = own(&st, &c, &id).await?;
    if sub.status == SubscriptionStatus::Blacklisted {
        return Err(Error::invalid_because(
            "subscriptionId",
            "The subscription is blacklisted; delete it and create a new one.",
        )
        .into());
    }
    sub.expires = now().plus_seconds(sub.expires_in_secs);
    let sub = st.store().update_subscription(sub).await?;
    st.hub().update(sub.clone());
    Ok(Json(info(&sub, &base_url(&st, &headers))))
}

pub async fn delete(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    let sub = own(&st, &c, &id).await?;
    st.hub().unregister(&sub.id);
    st.store().delete_subscription(sub.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
