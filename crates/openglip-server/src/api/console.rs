//! The developer console's JSON API (`/console/api/…`): the console's operations for scripts
//! and tools, behind the gate with a console session (`auth::Developer`). Parse, call the
//! platform, convert.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use openglip_domain::perm::GrantType;
use openglip_domain::platform::{AppRecord, Environment, JwtCredential};
use openglip_domain::{AppKind, Error, Subject};
use openglip_platform::apps::{AppForm, ClientType};
use openglip_platform::environments::Requirement;
use openglip_platform::jwt::JwtForm;
use openglip_wire as w;

use super::{P, base_url};
use crate::AppState;
use crate::auth::Developer;
use crate::error::{self, ApiResult};
use crate::extract::JsonBody;

fn app_info(r: &AppRecord) -> w::ConsoleApp {
    w::ConsoleApp {
        client_id: r.app.client_id.clone(),
        name: r.app.name.clone(),
        kind: match r.app.kind {
            AppKind::Bot => "Bot",
            AppKind::Rest => "RestApi",
        }
        .into(),
        client_type: if r.app.public_client {
            "ClientSide"
        } else {
            "ServerSide"
        }
        .into(),
        description: r.details.description.clone(),
        contact_email: r.details.contact_email.clone(),
        environment: r.details.stage.as_str().into(),
        public_bot: r.details.public_bot,
        grants: r.app.grants.iter().map(|g| g.as_str().into()).collect(),
        permissions: r
            .app
            .permissions
            .iter()
            .map(|p| p.api_name().into())
            .collect(),
        redirect_uris: r.app.redirect_uris.clone(),
        access_token_ttl: openglip_platform::oauth::access_token_lifetime(&r.app),
        refresh_token_ttl: r.app.refresh_ttl_secs,
        permanent_token: openglip_platform::oauth::access_token_lifetime(&r.app).is_none(),
        creation_time: r.details.created.to_rfc3339(),
    }
}

/// The Create App form from its JSON twin: no `grants` means the authorization code flow with
/// refresh tokens.
fn app_form(b: w::ConsoleAppRequest) -> AppForm {
    let has = |g: &str| b.grants.iter().any(|x| x == g);
    let default_grants = b.grants.is_empty();
    AppForm {
        kind: if b.kind.as_deref() == Some("Bot") {
            AppKind::Bot
        } else {
            AppKind::Rest
        },
        client_type: if b.client_type.as_deref() == Some("ClientSide") {
            ClientType::ClientSide
        } else {
            ClientType::ServerSide
        },
        auth_code: default_grants || has(GrantType::AuthorizationCode.as_str()),
        jwt: has(GrantType::JwtBearer.as_str()),
        password: has(GrantType::Password.as_str()),
        refresh_tokens: default_grants || has(GrantType::RefreshToken.as_str()),
        access_ttl_secs: b.access_token_ttl,
        refresh_ttl_secs: b.refresh_token_ttl,
        public_bot: b.public_bot,
        name: b.name,
        description: b.description,
        contact_email: b.contact_email,
        redirect_uris: b.redirect_uris,
        permissions: b.permissions,
    }
}

fn requirements(reqs: &[Requirement]) -> Vec<w::GraduationRequirement> {
    reqs.iter()
        .map(|q| w::GraduationRequirement {
            requirement: q.text.clone(),
            met: q.met,
        })
        .collect()
}

fn jwt_info(j: &JwtCredential, jwt: Option<String>) -> w::ConsoleJwt {
    w::ConsoleJwt {
        id: j.id.to_string(),
        label: j.label.clone(),
        owner_id: j.owner.to_string(),
        client_ids: j.client_ids.clone(),
        creation_time: j.created.to_rfc3339(),
        expiration_time: j.expires.map(|e| e.to_rfc3339()),
        jwt,
    }
}

pub async fn list_apps(
    State(st): State<AppState>,
    Developer(d): Developer,
) -> ApiResult<Json<w::ConsoleAppList>> {
    let apps = st.platform().apps_of_developer(&d).await?;
    Ok(Json(w::ConsoleAppList {
        records: apps.iter().map(app_info).collect(),
    }))
}

pub async fn create_app(
    State(st): State<AppState>,
    Developer(d): Developer,
    JsonBody(body): JsonBody<w::ConsoleAppRequest>,
) -> ApiResult<(StatusCode, Json<w::ConsoleNewApp>)> {
    let (record, secret) = st.platform().create_app(&d, &app_form(body)).await?;
    let sandbox = st.platform().sandbox_of(&d).await?;
    Ok((
        StatusCode::CREATED,
        Json(w::ConsoleNewApp {
            app: app_info(&record),
            client_secret: secret,
            sandbox_account_id: sandbox.map(|a| a.id.to_string()),
        }),
    ))
}

pub async fn read_app(
    State(st): State<AppState>,
    Developer(d): Developer,
    P(id): P<String>,
) -> ApiResult<Json<w::ConsoleApp>> {
    let r = st.platform().developer_app(&d, &id).await?;
    Ok(Json(app_info(&r)))
}

pub async fn rotate_secret(
    State(st): State<AppState>,
    Developer(d): Developer,
    P(id): P<String>,
) -> ApiResult<Json<w::ConsoleClientSecret>> {
    let r = st.platform().developer_app(&d, &id).await?;
    let secret = st.platform().rotate_secret(&d, &r).await?;
    Ok(Json(w::ConsoleClientSecret {
        client_id: r.app.client_id,
        client_secret: secret,
    }))
}

pub async fn usage(
    State(st): State<AppState>,
    Developer(d): Developer,
    P(id): P<String>,
) -> ApiResult<Json<w::ConsoleAppUsage>> {
    let r = st.platform().developer_app(&d, &id).await?;
    let g = st.platform().graduation(&r).await?;
    Ok(Json(w::ConsoleAppUsage {
        records: g
            .usage
            .iter()
            .map(|u| w::ConsoleUsageRecord {
                group: u.group.clone(),
                calls: u.calls,
                errors: u.errors,
                last_call_time: u.last_call.to_rfc3339(),
            })
            .collect(),
        environment: r.details.stage.as_str().into(),
        requirements: requirements(&g.requirements),
    }))
}

/// 200 when the app is (now) in production, 409 while a requirement is not met.
pub async fn apply_for_production(
    State(st): State<AppState>,
    Developer(d): Developer,
    P(id): P<String>,
) -> ApiResult<(StatusCode, Json<w::ConsoleProductionDecision>)> {
    let r = st.platform().developer_app(&d, &id).await?;
    let (stage, g) = st.platform().apply_for_production(&r).await?;
    let admitted = stage == Environment::Production;
    Ok((
        if admitted {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        },
        Json(w::ConsoleProductionDecision {
            environment: stage.as_str().into(),
            admitted,
            requirements: requirements(&g.requirements),
        }),
    ))
}

pub async fn install_bot(
    State(st): State<AppState>,
    Developer(d): Developer,
    P(id): P<String>,
) -> ApiResult<(StatusCode, Json<w::ConsoleBotInstall>)> {
    let r = st.platform().developer_app(&d, &id).await?;
    let done = st.platform().install_for_developer(&d, &r).await?;
    Ok((
        StatusCode::CREATED,
        Json(w::ConsoleBotInstall {
            extension_id: done.install.extension.id.to_string(),
            account_id: done.install.account_id.to_string(),
            token_delivered: matches!(done.delivery, Some(Ok(()))),
            delivery_error: done.delivery.and_then(|d| d.err()),
        }),
    ))
}

pub async fn sandbox(
    State(st): State<AppState>,
    Developer(d): Developer,
) -> ApiResult<Json<w::ConsoleSandbox>> {
    let a = st
        .platform()
        .sandbox_of(&d)
        .await?
        .ok_or(Error::NotFound(Subject::Sandbox))?;
    Ok(Json(w::ConsoleSandbox {
        account_id: a.id.to_string(),
        name: a.name,
        main_number: a.main_number,
        admin_extension_id: None,
        admin_extension_number: "101".into(),
    }))
}

pub async fn create_sandbox(
    State(st): State<AppState>,
    Developer(d): Developer,
    JsonBody(body): JsonBody<w::ConsoleSandboxRequest>,
) -> ApiResult<(StatusCode, Json<w::ConsoleSandbox>)> {
    let (a, admin) = st.platform().create_sandbox(&d, &body.password).await?;
    Ok((
        StatusCode::CREATED,
        Json(w::ConsoleSandbox {
            account_id: a.id.to_string(),
            name: a.name,
            main_number: a.main_number,
            admin_extension_id: Some(admin.id.to_string()),
            admin_extension_number: admin.extension_number,
        }),
    ))
}

pub async fn list_jwts(
    State(st): State<AppState>,
    Developer(d): Developer,
) -> ApiResult<Json<w::ConsoleJwtList>> {
    let jwts = st.platform().jwts_of_developer(&d).await?;
    Ok(Json(w::ConsoleJwtList {
        records: jwts.iter().map(|(_, j)| jwt_info(j, None)).collect(),
    }))
}

pub async fn create_jwt(
    State(st): State<AppState>,
    Developer(d): Developer,
    headers: HeaderMap,
    JsonBody(body): JsonBody<w::ConsoleJwtRequest>,
) -> ApiResult<(StatusCode, Json<w::ConsoleJwt>)> {
    let owner = match body.owner_id.as_deref() {
        None => None,
        Some(o) => Some(error::id(Subject::JwtOwner, o)?),
    };
    let owner = st.platform().jwt_owner(&d, owner).await?;
    let form = JwtForm {
        label: body.label,
        client_ids: body.client_ids,
        expires_in_days: body.expires_in_days,
    };
    let (cred, jwt) = st
        .platform()
        .create_jwt(&owner, &form, &base_url(&st, &headers))
        .await?;
    Ok((StatusCode::CREATED, Json(jwt_info(&cred, Some(jwt)))))
}

pub async fn revoke_jwt(
    State(st): State<AppState>,
    Developer(d): Developer,
    P(id): P<i64>,
) -> ApiResult<StatusCode> {
    st.platform().revoke_jwt(&d, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn undeliverable_info(e: &openglip_domain::events::UndeliverableEvent) -> w::ConsoleUndeliverable {
    w::ConsoleUndeliverable {
        id: e.id.to_string(),
        subscription_id: e.subscription_id.clone(),
        failed_at: e.failed_at.to_rfc3339(),
        reason: e.reason.clone(),
        body: e.body.clone(),
    }
}

/// `GET /console/api/apps/{clientId}/undeliverable`: the notifications the app's WebHooks did not
/// accept within their retry budget.
pub async fn list_undeliverable(
    State(st): State<AppState>,
    Developer(d): Developer,
    P(id): P<String>,
) -> ApiResult<Json<w::ConsoleUndeliverableList>> {
    let r = st.platform().developer_app(&d, &id).await?;
    let events = st.platform().undeliverable_events(&r).await?;
    Ok(Json(w::ConsoleUndeliverableList {
        records: events.iter().map(undeliverable_info).collect(),
    }))
}

/// `POST /console/api/apps/{clientId}/undeliverable/{eventId}/redeliver`: posts it to its WebHook
/// once more, now; forgotten when the receiver accepts it (204), kept when it refuses (502
/// `SUB-529`, with the receiver's answer).
pub async fn redeliver(
    State(st): State<AppState>,
    Developer(d): Developer,
    P((id, event)): P<(String, String)>,
) -> ApiResult<StatusCode> {
    let r = st.platform().developer_app(&d, &id).await?;
    let e = st.platform().undeliverable_event(&r, &event).await?;
    crate::realtime::webhook::redeliver(st.hub(), &e).await?;
    st.platform().delivered_again(&e).await?;
    Ok(StatusCode::NO_CONTENT)
}
