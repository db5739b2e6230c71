//! The gate: runs before every operation of the table. It authenticates the caller as the
//! operation's [`Access`] says, checks the app permission, counts the request against its
//! rate-limit group, and afterwards adds the `X-Rate-Limit-*` headers, counts the app's usage
//! and records metrics.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use openglip_domain::platform::SessionRealm;
use openglip_domain::{Caller, Error};

use crate::AppState;
use crate::auth::{self, AccountAdmin, Developer};
use crate::error::{ApiError, needs};
use crate::ops::Access;
use crate::ratelimit::{Decision, Group};

/// Who a request is, once admitted: the rate-limit bucket it counts in, and the app whose usage
/// it is.
struct Admitted {
    bucket: Option<String>,
    app: Option<openglip_domain::AppId>,
}

async fn admit(state: &AppState, access: Access, req: &mut Request) -> Result<Admitted, ApiError> {
    Ok(match access {
        Access::Public => {
            // Unauthenticated endpoints are throttled per client address.
            let peer = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_default();
            Admitted {
                bucket: Some(format!("ip:{peer}")),
                app: None,
            }
        }
        Access::Token(permission) => {
            // A request tunnelled over a WebSocket session (`ClientRequest`) arrives with the
            // session's caller already in its extensions, which nothing from the network can set.
            let caller = match req.extensions().get::<Caller>() {
                Some(c) => c.clone(),
                None => auth::authenticate(state, req.headers()).await?,
            };
            if let Some(p) = permission
                && !caller.permissions.contains(p)
            {
                return Err(needs(p));
            }
            let admitted = Admitted {
                bucket: Some(format!("{}:{}", caller.app_id, caller.extension_id)),
                app: Some(caller.app_id),
            };
            req.extensions_mut().insert(caller);
            admitted
        }
        Access::Developer => {
            let ext = auth::session_user(state, req.headers(), SessionRealm::Console).await?;
            let bucket = Some(format!("web:{}", ext.id));
            req.extensions_mut().insert(Developer(ext));
            Admitted { bucket, app: None }
        }
        Access::AccountAdmin => {
            let ext = auth::session_user(state, req.headers(), SessionRealm::Account).await?;
            if !ext.is_admin {
                return Err(Error::forbidden("Only administrators can use the admin API").into());
            }
            let bucket = Some(format!("web:{}", ext.id));
            req.extensions_mut().insert(AccountAdmin(ext));
            Admitted { bucket, app: None }
        }
    })
}

/// Runs before every API handler.
pub async fn gate(
    State((state, index)): State<(AppState, usize)>,
    mut req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let op = &state.0.ops[index];
    let mut decision: Option<Decision> = None;
    let mut app = None;
    let admitted: Result<(), ApiError> = async {
        let who = admit(&state, op.access, &mut req).await?;
        app = who.app;
        if op.group != Group::NoThrottling
            && let Some(bucket) = who.bucket
        {
            decision = state.check_rate(&bucket, op.group).await;
        }
        if let Some(d) = decision
            && let Some(retry) = d.retry_after
        {
            return Err(ApiError(Error::RateLimited {
                group: d.group.spec_name(),
                retry_after_secs: retry,
            }));
        }
        Ok(())
    }
    .await;
    let mut resp = match admitted {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    if let Some(d) = decision {
        let h = resp.headers_mut();
        h.insert(
            "x-rate-limit-group",
            HeaderValue::from_static(d.group.spec_name()),
        );
        h.insert("x-rate-limit-limit", HeaderValue::from(d.limit));
        h.insert("x-rate-limit-remaining", HeaderValue::from(d.remaining));
        h.insert("x-rate-limit-window", HeaderValue::from(d.window_secs));
    }
    if let Some(app) = app {
        resp.extensions_mut()
            .insert(crate::access_log::CallingApp(app));
        state
            .platform()
            .record_call(app, op.group.spec_name(), resp.status().as_u16());
    }
    state.0.metrics.record(
        index,
        resp.status().as_u16(),
        start.elapsed().as_micros() as u64,
    );
    resp
}
