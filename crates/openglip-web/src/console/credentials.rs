//! JWT credentials: create one (shown once), list and revoke them.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use openglip_domain::Error;
use openglip_platform::jwt::{JwtForm, JwtOwner};
use openglip_server::AppState;
use openglip_server::api::base_url;
use openglip_webkit::html::{Button, Choice, Field, FormErrors, Table, secret};
use openglip_webkit::{CsrfForm, html, see_other};
use serde::Deserialize;

use super::app_form::split_list;
use super::dev::Dev;
use crate::failure::{failure_page, form_errors};
use crate::parts::{NoFields, danger_form, form_status, heading, named_cell};
use crate::words::when;

/// Whom a JWT signs in, in words for the page.
fn owner_label(o: &JwtOwner) -> String {
    match o {
        JwtOwner::Own(e) => format!("{} (your account)", e.full_name()),
        JwtOwner::SandboxAdmin(e) => format!("{} (sandbox administrator)", e.full_name()),
    }
}

const JWT_COLUMNS: &[&str] = &["Label", "Apps", "Created", "Expires", ""];

/// The credentials page: the JWT just created (`created`), the form, the list.
async fn view(st: &AppState, d: &Dev, created: Option<&str>, errors: &FormErrors) -> Response {
    let found = async {
        let owners = st.platform().jwt_owners(&d.ext).await?;
        Ok::<_, Error>((owners, st.platform().jwts_of_developer(&d.ext).await?))
    };
    let (owners, jwts) = match found.await {
        Ok(found) => found,
        Err(e) => return failure_page(&d.kit, e),
    };
    let labels: Vec<(String, String)> = owners
        .iter()
        .map(|o| (o.extension().id.to_string(), owner_label(o)))
        .collect();
    let choices: Vec<Choice<'_>> = labels.iter().map(|(v, l)| Choice::new(v, l)).collect();
    let rows = jwts.iter().map(|(owner, j)| {
        let action = format!("/console/credentials/{}/revoke", j.id);
        let id = format!("revoke-{}", j.id);
        html! {
            (named_cell(&j.label, html! { (owner_label(owner)) }))
            td { @match &j.client_ids { Some(ids) => (ids.join(", ")), None => "Any app" } }
            td { (when(j.created)) }
            td { @match j.expires { Some(t) => (when(t)), None => "Never" } }
            td { (danger_form(&id, &action, &d.csrf, "Revoke", "Revoke this JWT? Apps signed in with it lose access.")) }
        }
    });
    let main = html! {
        (heading("Credentials", html! { "JWT credentials sign you in to apps that use the JWT auth flow." }))
        @if let Some(jwt) = created {
            div.card {
                h2 { "Your new JWT" }
                (secret("new-jwt", jwt))
                p.hint {
                    "Copy it now: only its hash is kept, it will not be shown again. Exchange it with "
                    code { "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer" } " and " code { "assertion" } "."
                }
            }
        }
        div.card {
            h2 { "Create JWT" }
            form.stack method="post" action="/console/credentials" novalidate {
                (d.csrf.field())
                (Field::text("label", "Label").required().error(errors.get("label")))
                (Field::select("owner", "Signs in as", &choices))
                (Field::text("clientIds", "Only for these apps (client ids)")
                    .hint("Leave empty to allow any app; separate several with commas")
                    .error(errors.get("clientIds")))
                (Field::number("expiresInDays", "Expires after (days)")
                    .hint("Leave empty for no expiry").error(errors.get("expiresInDays")))
                div.actions { (Button::primary("Create JWT")) }
            }
        }
        div.card {
            h2 { "Your JWTs" }
            (Table::new(JWT_COLUMNS).caption("Your JWTs").rows(rows).empty(html! { "No JWT credentials." }))
        }
    };
    let page = d.page("/console/credentials", "Credentials", main);
    page.status(form_status(errors)).into_response()
}

/// `GET /console/credentials`.
pub async fn page(State(st): State<AppState>, d: Dev) -> Response {
    view(&st, &d, None, &FormErrors::new()).await
}

/// The Create JWT form, posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct JwtFields {
    label: String,
    owner: String,
    client_ids: String,
    expires_in_days: String,
}

/// `POST /console/credentials`: the new JWT, shown once.
pub async fn create(
    State(st): State<AppState>,
    d: Dev,
    headers: HeaderMap,
    CsrfForm(f): CsrfForm<JwtFields>,
) -> Response {
    let owners = match st.platform().jwt_owners(&d.ext).await {
        Ok(owners) => owners,
        Err(e) => return failure_page(&d.kit, e),
    };
    let owner = owners
        .iter()
        .map(JwtOwner::extension)
        .find(|e| e.id.to_string() == f.owner)
        .cloned()
        .unwrap_or_else(|| d.ext.clone());
    let ids = split_list(&f.client_ids);
    // Not a number: 0 days, which the platform refuses in place.
    let days = Some(f.expires_in_days.trim())
        .filter(|s| !s.is_empty())
        .map(|v| v.parse::<i64>().unwrap_or(0));
    let form = JwtForm {
        label: f.label,
        client_ids: (!ids.is_empty()).then_some(ids),
        expires_in_days: days,
    };
    let base = base_url(&st, &headers);
    match st.platform().create_jwt(&owner, &form, &base).await {
        Ok((_, jwt)) => view(&st, &d, Some(&jwt), &FormErrors::new()).await,
        Err(e) => match form_errors(&e) {
            Some(errors) => view(&st, &d, None, &errors).await,
            None => failure_page(&d.kit, e),
        },
    }
}

/// `POST /console/credentials/{jid}/revoke`.
pub async fn revoke(
    State(st): State<AppState>,
    d: Dev,
    Path(jid): Path<i64>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    match st.platform().revoke_jwt(&d.ext, jid).await {
        // One that is not (or no longer) theirs: the list shows what there is.
        Ok(()) | Err(Error::NotFound(_)) => see_other("/console/credentials"),
        Err(e) => failure_page(&d.kit, e),
    }
}
