use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use openglip_domain::Error;
use openglip_wire::{ApiVersionInfo, ApiVersionsInfo};

use super::{P, base_url};
use crate::AppState;
use crate::error::ApiError;

const RELEASE_DATE: &str = "2026-11-22T00:00:00.000Z";

fn v1(base: &str) -> ApiVersionInfo {
    ApiVersionInfo {
        uri: format!("{base}/restapi/v1.0"),
        version_string: "1.0.60".into(),
        release_date: RELEASE_DATE.into(),
        uri_string: "v1.0".into(),
    }
}

pub async fn versions(State(st): State<AppState>, headers: HeaderMap) -> Json<ApiVersionsInfo> {
    let base = base_url(&st, &headers);
    Json(ApiVersionsInfo {
        uri: format!("{base}/restapi"),
        api_versions: vec![v1(&base)],
        server_version: env!("CARGO_PKG_VERSION").into(),
        server_revision: "openglip".into(),
    })
}

/// `GET /restapi/{apiVersion}`: `v1.0` is the one version served (RingCentral's clients also
/// write it `v1`); another is an invalid `apiVersion`.
pub async fn version(
    State(st): State<AppState>,
    headers: HeaderMap,
    P(api_version): P<String>,
) -> Result<Json<ApiVersionInfo>, ApiError> {
    match api_version.as_str() {
        "v1.0" | "v1" => Ok(Json(v1(&base_url(&st, &headers)))),
        _ => Err(Error::invalid_because("apiVersion", "Only API version v1.0 is served").into()),
    }
}

/// `GET /metrics`: the counters, and what the hub and the store say now (the outbox lag is
/// left out when the store does not answer, rather than reported as none).
pub async fn metrics(State(st): State<AppState>) -> impl IntoResponse {
    let hub = st.hub();
    let (webhook, websocket, lagging) = hub.subscription_counts();
    let position = hub.position();
    let outbox_lag = match st.store().last_event_seq().await {
        Ok(last) => Some(last - position),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: reading the outbox position failed");
            None
        }
    };
    let snap = crate::metrics::Snapshot {
        webhook_subscriptions: webhook,
        websocket_subscriptions: websocket,
        webhook_lagging: lagging,
        outbox_lag,
        pool: st.store().pool_stats(),
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        {
            let mut text = st.0.metrics.render(&snap);
            if let Some(c) = st.hub().cluster() {
                text.push_str(&c.render_metrics());
            }
            text
        },
    )
}

/// Plain-text answers of the probes, never cached.
fn probe(status: StatusCode, text: &'static str) -> impl IntoResponse {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
}

/// `GET /healthz`: the process is up and answering HTTP (liveness; asks nothing of the
/// database, so a database outage does not get a healthy node restarted).
pub async fn healthz() -> impl IntoResponse {
    probe(StatusCode::OK, "ok\n")
}

/// `GET /readyz`: the database answers and holds this build's schema (readiness): 200, else 503
/// saying which, so a proxy sends no traffic to a node that cannot serve it.
pub async fn readyz(State(st): State<AppState>) -> impl IntoResponse {
    if let Some(c) = st.hub().cluster()
        && !c.is_connected()
    {
        tracing::warn!("not ready: NATS is not reachable");
        return probe(
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: NATS is not reachable\n",
        );
    }
    match st.store().ready().await {
        Ok(true) => probe(StatusCode::OK, "ready\n"),
        Ok(false) => {
            tracing::warn!("not ready: the database schema is not this build's");
            probe(
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database schema is not this build's\n",
            )
        }
        Err(e) => {
            tracing::warn!(error = ?e, "not ready: the database does not answer");
            probe(
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database does not answer\n",
            )
        }
    }
}
