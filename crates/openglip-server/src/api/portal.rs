//! The account admin portal's JSON API (`/admin/api/…`): the portal's operations for scripts
//! and tools, behind the gate with an administrator's account session (`auth::AccountAdmin`).
//! Parse, call the platform, convert.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use openglip_domain::{Error, Extension, ExtensionStatus, Subject};
use openglip_platform::people::{AddedUser, UserChanges, UserForm};
use openglip_wire as w;

use super::{P, base_url};
use crate::AppState;
use crate::auth::AccountAdmin;
use crate::error::{self, ApiResult};
use crate::extract::{JsonBody, Params};

pub fn user_info(e: &Extension) -> w::AdminUser {
    w::AdminUser {
        id: e.id.to_string(),
        extension_number: e.extension_number.clone(),
        kind: e.kind.as_str().into(),
        status: e.status.as_str().into(),
        first_name: e.first_name.clone(),
        last_name: e.last_name.clone(),
        name: e.full_name(),
        email: e.email.clone(),
        admin: e.is_admin,
        creation_time: e.created.to_rfc3339(),
    }
}

fn user_form(b: w::AdminUserRequest) -> UserForm {
    UserForm {
        first_name: b.first_name,
        last_name: b.last_name,
        email: b.email,
        extension_number: b.extension_number,
        password: b.password,
        is_admin: b.admin,
    }
}

fn added(a: AddedUser) -> (StatusCode, Json<w::AdminNewUser>) {
    (
        StatusCode::CREATED,
        Json(w::AdminNewUser {
            user: user_info(&a.extension),
            activation_link: a.activation_link,
        }),
    )
}

/// A person of the administrator's account, by the id in the path.
async fn person(st: &AppState, admin: &Extension, id: &str) -> ApiResult<Extension> {
    let id = error::id(Subject::Extension, id)?;
    Ok(st.platform().account_user(admin, id).await?)
}

pub async fn list_users(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
    q: Params,
) -> ApiResult<Json<w::AdminUserList>> {
    let list = st.platform().users(&a, q.get("search")).await?;
    Ok(Json(w::AdminUserList {
        records: list.iter().map(user_info).collect(),
    }))
}

pub async fn add_user(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
    headers: HeaderMap,
    JsonBody(body): JsonBody<w::AdminUserRequest>,
) -> ApiResult<(StatusCode, Json<w::AdminNewUser>)> {
    let done = st
        .platform()
        .add_user(&a, &user_form(body), &base_url(&st, &headers))
        .await?;
    Ok(added(done))
}

pub async fn read_user(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
    P(id): P<String>,
) -> ApiResult<Json<w::AdminUser>> {
    Ok(Json(user_info(&person(&st, &a, &id).await?)))
}

pub async fn change_user(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
    P(id): P<String>,
    JsonBody(body): JsonBody<w::AdminUserPatch>,
) -> ApiResult<Json<w::AdminUser>> {
    let target = person(&st, &a, &id).await?;
    let status =
        match body.status.as_deref() {
            None => None,
            Some(s) => Some(ExtensionStatus::parse(s).ok_or_else(|| {
                Error::invalid_because("status", "A user is Enabled or Disabled.")
            })?),
        };
    let changes = UserChanges {
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        status,
        is_admin: body.admin,
        password: body.password,
    };
    let updated = st.platform().change_user(&a, &target, changes).await?;
    Ok(Json(user_info(&updated)))
}

pub async fn list_unassigned(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
) -> ApiResult<Json<w::AdminUnassignedList>> {
    let list = st.platform().unassigned_extensions(&a).await?;
    Ok(Json(w::AdminUnassignedList {
        records: list
            .into_iter()
            .map(|(n, t)| w::AdminUnassignedExtension {
                extension_number: n,
                status: "Unassigned".into(),
                creation_time: Some(t.to_rfc3339()),
            })
            .collect(),
    }))
}

pub async fn add_unassigned(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
) -> ApiResult<(StatusCode, Json<w::AdminUnassignedExtension>)> {
    let n = st.platform().reserve_extension(&a).await?;
    Ok((
        StatusCode::CREATED,
        Json(w::AdminUnassignedExtension {
            extension_number: n,
            status: "Unassigned".into(),
            creation_time: None,
        }),
    ))
}

pub async fn assign(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
    P(number): P<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<w::AdminUserRequest>,
) -> ApiResult<(StatusCode, Json<w::AdminNewUser>)> {
    let done = st
        .platform()
        .assign_extension(&a, &number, &user_form(body), &base_url(&st, &headers))
        .await?;
    Ok(added(done))
}

pub async fn list_apps(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
) -> ApiResult<Json<w::AdminAccountApps>> {
    let bots = st.platform().bot_installs(a.account_id).await?;
    let apps = st.platform().authorized_apps(&a).await?;
    Ok(Json(w::AdminAccountApps {
        bots: bots
            .iter()
            .map(|b| w::AdminInstalledBot {
                extension_id: b.extension.id.to_string(),
                name: b.extension.full_name(),
                client_id: b.app.client_id.clone(),
                app_name: b.app.name.clone(),
                creation_time: b.created.to_rfc3339(),
            })
            .collect(),
        apps: apps
            .iter()
            .map(|x| w::AdminAuthorizedApp {
                client_id: x.app.client_id.clone(),
                name: x.app.name.clone(),
                users: x.users,
                last_authorized_time: x.last_authorized.to_rfc3339(),
            })
            .collect(),
    }))
}

pub async fn remove_bot(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    let id = error::id(Subject::Extension, &id)?;
    st.platform().remove_bot_by(&a, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_app(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
    P(client_id): P<String>,
) -> ApiResult<Json<w::AdminRevokedTokens>> {
    let (_, n) = st.platform().remove_app(&a, &client_id).await?;
    Ok(Json(w::AdminRevokedTokens { revoked_tokens: n }))
}

pub async fn outbox(
    State(st): State<AppState>,
    AccountAdmin(a): AccountAdmin,
) -> ApiResult<Json<w::AdminMailList>> {
    let mails = st.platform().outbox(&a).await?;
    Ok(Json(w::AdminMailList {
        records: mails
            .into_iter()
            .map(|m| w::AdminMail {
                id: m.id.to_string(),
                to: m.to,
                subject: m.subject,
                body: m.body,
                creation_time: m.created.to_rfc3339(),
            })
            .collect(),
    }))
}
