//! **Admin** (administrators only): the **Integrations** tab with Glip (**Add to Glip**; once
//! installed **Manage**, the followed conversations each with **Edit**, and **Options >
//! Remove Glip Integration**), the **Audit** of every digest sent (when, to which chat, the
//! post id, failures and retries) and the company's **Settings**.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use openglip_webkit::html::{
    Breadcrumbs, Button, ConfirmForm, Field, FormErrors, Icon, Table, Tone, notice, pill,
};
use openglip_webkit::{Allowed, Csrf, CsrfForm, Markup, Page, html, see_other};
use serde::Deserialize;

use super::follower::{Notices, chat_name, next_update, notices, row_actions};
use super::parts::{form_errors, tabs};
use super::session::OkrAdmin;
use super::{Answer, OrPage, entity_path, fail, page};
use crate::api::Caller;
use crate::api::teams::names;
use crate::app::App;
use crate::error::Result;
use crate::schedule::{local_label, zone};
use crate::store::followers::DigestState;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin", get(|| async { see_other("/admin/integrations") }))
        .route("/admin/integrations", get(integrations))
        .route("/admin/integrations/glip", get(manage).post(add_to_glip))
        .route("/admin/integrations/glip/remove", post(remove))
        .route("/admin/audit", get(audit))
        .route("/admin/settings", get(settings).post(save_settings))
}

const TABS: &[(&str, &str)] = &[
    ("/admin/integrations", "Integrations"),
    ("/admin/audit", "Audit"),
    ("/admin/settings", "Settings"),
];

fn head(current: &str) -> Markup {
    html! {
        div.pagehead { div { h1 { "Admin" } p.sub { "Your company's OKR app: its integrations, what it posted, its settings." } } }
        (tabs("Admin", TABS, current))
    }
}

#[derive(Debug, Default, Deserialize)]
struct IntegrationsQuery {
    installed: Option<String>,
    removed: Option<String>,
}

async fn integrations(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    Query(q): Query<IntegrationsQuery>,
) -> Answer {
    let kit = app.kit();
    let v = &me.viewer;
    let i = app.integration(&v.account_id).await.or_page(kit)?;
    let active = i.as_ref().is_some_and(|i| i.active);
    let following = app
        .store()
        .followers(&v.account_id, None)
        .await
        .or_page(kit)?
        .len();
    let main = html! {
        (head("/admin/integrations"))
        @if q.installed.is_some() && active {
            (notice(Tone::Ok, html! { "Glip is connected: the OKR bot is in your company. Now make Glip teams follow the company, teams or people (" strong { "Followers" } " on their dashboards)." }))
        }
        @if q.removed.is_some() {
            (notice(Tone::Ok, html! { "The Glip integration was removed: nothing is posted any more and the bot's subscriptions are gone. Followers, OKRs and the audit are kept; Add to Glip brings it back." }))
        }
        div.card.integration {
            div.pagehead.mb0 {
                div {
                    h2 { (Icon::Chat) " Glip" }
                    p.sub { "Summarised OKR progress and status updates for the company, teams or individuals, delivered to Glip conversations." }
                }
                div.actions {
                    @if active {
                        a.btn.primary href="/admin/integrations/glip" { (Icon::Settings) "Manage" }
                        details.menu {
                            summary.btn.secondary { "Options" }
                            div.menu-items {
                                (ConfirmForm::new("remove-glip", "/admin/integrations/glip/remove", &csrf,
                                    Button::danger("Remove Glip Integration").icon(Icon::Trash))
                                    .question("Remove the Glip integration?")
                                    .detail(html! { p { "Nothing is posted to Glip any more and the bot's subscriptions are removed. Followers, OKRs and the audit stay." } }))
                            }
                        }
                    } @else {
                        form.inline method="post" action="/admin/integrations/glip" {
                            (csrf.field())
                            (Button::primary("Add to Glip").icon(Icon::Plus))
                        }
                    }
                }
            }
            dl.kv.mt {
                dt { "State" }
                dd { @if active { (pill(Tone::Ok, "Connected")) } @else if i.is_some() { (pill(Tone::Neutral, "Removed")) } @else { (pill(Tone::Neutral, "Not connected")) } }
                @if let Some(i) = &i {
                    @if active { dt { "Bot" } dd { @if app.bot_ready(&v.account_id) { "Answering in chat" } @else { "Connecting…" } } }
                    @if let Some(at) = i.installed_at { dt { "Added" } dd { (crate::schedule::rfc3339(at)) } }
                    @if let (false, Some(at)) = (active, i.removed_at) { dt { "Removed" } dd { (crate::schedule::rfc3339(at)) " · " (i.removed_reason.clone().unwrap_or_default()) } }
                }
                dt { "Followed conversations" } dd { (following) }
            }
        }
    };
    // "Add to Glip" posts here and is sent on to the platform's authorization page.
    let csp = format!(
        "{}; form-action 'self' {}",
        openglip_webkit::DEFAULT_CSP.trim_end_matches("; form-action 'self'"),
        origin(&app.config().platform_url)
    );
    Ok(page(&app, &me, &csrf, "/admin", "Integrations", main)
        .csp(csp)
        .into_response())
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest)),
        None => url.to_string(),
    }
}

/// **Add to Glip**: to the platform, which installs the bot and sends the browser back here.
async fn add_to_glip(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Answer {
    let kit = app.kit();
    let url = app
        .begin_install(&me.viewer, Some("/admin/integrations?installed=1"))
        .await
        .or_page(kit)?;
    Ok(see_other(&url))
}

#[derive(Deserialize)]
struct Nothing {}

/// **Options > Remove Glip Integration**.
async fn remove(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    CsrfForm(Nothing {}): CsrfForm<Nothing>,
) -> Answer {
    let kit = app.kit();
    app.remove_integration(&me.viewer).await.or_page(kit)?;
    Ok(see_other("/admin/integrations?removed=1"))
}

/// **Manage**: every followed conversation, with **Edit**, **Preview** and **Send now**.
async fn manage(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    Query(q): Query<Notices>,
) -> Answer {
    let kit = app.kit();
    let p = render_manage(&app, &me, &csrf, &q).await.or_page(kit)?;
    Ok(p.into_response())
}

async fn render_manage(app: &App, me: &Caller, csrf: &Csrf, q: &Notices) -> Result<Page> {
    let v = &me.viewer;
    let back = "/admin/integrations/glip";
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    let list = app.store().followers(&v.account_id, None).await?;
    let active = app.integration_active(&v.account_id).await?;
    let rows = list.iter().map(|f| {
        html! {
            td { strong { (chat_name(f)) } }
            td { a href=(entity_path(&f.entity)) { (names.entity(&model, &f.entity)) } }
            td { (f.schedule.describe()) br; span.hint { (f.time_zone) } }
            td { (next_update(f)) }
            td { (row_actions(f, csrf, back, true)) }
        }
    });
    let main = html! {
        (Breadcrumbs::new().link("/admin/integrations", "Integrations").current("Glip"))
        h1 { "Manage Glip" }
        p.sub { "The Glip conversations that follow the company, teams or people, and when they get updates." }
        @if !active { (notice(Tone::Warn, html! { "The Glip integration is not installed: nothing is posted. " a href="/admin/integrations" { "Add to Glip" } })) }
        (notices(app, me, q, back).await?)
        div.card {
            (Table::new(&["Glip team", "Follows", "Schedule", "Next update", ""])
                .caption("Followed conversations")
                .rows(rows)
                .empty(html! { "No Glip team follows anything yet: use Followers on a dashboard." }))
        }
    };
    Ok(page(app, me, csrf, "/admin", "Manage Glip", main))
}

// ---------- the audit ----------

#[derive(Debug, Default, Deserialize)]
struct AuditQuery {
    follower: Option<String>,
}

async fn audit(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    Query(q): Query<AuditQuery>,
) -> Answer {
    let kit = app.kit();
    let v = &me.viewer;
    let follower = match q.follower.as_deref() {
        Some(f) => Some(app.service().follower(v, f).await.or_page(kit)?.id),
        None => None,
    };
    let digests = app
        .store()
        .digests(&v.account_id, follower, 200)
        .await
        .or_page(kit)?;
    let followers = app
        .store()
        .followers(&v.account_id, None)
        .await
        .or_page(kit)?;
    let mut rows = Vec::new();
    for d in &digests {
        let f = followers.iter().find(|f| f.id == d.follower_id);
        let tz = f
            .and_then(|f| zone(&f.time_zone).ok())
            .unwrap_or(jiff::tz::TimeZone::UTC);
        let attempts = app.store().attempts(d.id).await.or_page(kit)?;
        let tone = match d.state {
            DigestState::Sent => Tone::Ok,
            DigestState::Failed | DigestState::Cancelled => Tone::Bad,
            _ => Tone::Info,
        };
        rows.push(html! {
            td { (local_label(d.sent_at.unwrap_or(d.created_at), &tz)) }
            td { (f.map_or_else(|| d.chat_id.clone(), chat_name)) }
            td { (d.trigger.as_str()) @if d.late { " " (pill(Tone::Warn, "late")) }
                 @if let Some(s) = d.slot_at { br; span.hint { "due " (local_label(s, &tz)) } } }
            td { (pill(tone, d.state.as_str())) }
            td { code { (d.post_id.clone().unwrap_or_default()) } }
            td { (d.attempts)
                 @for a in &attempts { br; span.hint { (a.outcome) @if let Some(e) = &a.error { ": " (e) } } } }
        });
    }
    let main = html! {
        (head("/admin/audit"))
        div.card {
            h2 { "Every digest sent" }
            (Table::new(&["When", "To", "Why", "State", "Post", "Attempts"]).caption("Digests")
                .rows(rows).empty(html! { "Nothing posted yet." }))
        }
    };
    Ok(page(&app, &me, &csrf, "/admin", "Audit", main).into_response())
}

// ---------- settings ----------

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsForm {
    #[serde(default)]
    time_zone: String,
    nudges: Option<String>,
    saved: Option<String>,
}

async fn settings(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    Query(q): Query<SettingsForm>,
) -> Answer {
    let kit = app.kit();
    let t = app
        .store()
        .tenant(&me.viewer.account_id)
        .await
        .or_page(kit)?;
    let form = SettingsForm {
        time_zone: t
            .as_ref()
            .map_or_else(|| "UTC".into(), |t| t.time_zone.clone()),
        nudges: t.filter(|t| t.nudges).map(|_| "on".into()),
        saved: q.saved,
    };
    Ok(render_settings(&app, &me, &csrf, &form, &FormErrors::new()).into_response())
}

fn render_settings(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    form: &SettingsForm,
    errors: &FormErrors,
) -> Page {
    let main = html! {
        (head("/admin/settings"))
        @if form.saved.is_some() { (notice(Tone::Ok, html! { "Saved." })) }
        div.card.narrow {
            form.stack method="post" action="/admin/settings" novalidate {
                (errors.summary())
                (csrf.field())
                (Field::text("timeZone", "Company time zone").value(&form.time_zone)
                    .hint("For people who have not set their own in openglip (an IANA name such as Europe/Berlin)")
                    .error(errors.get("timeZone")))
                (Field::checkbox("nudges", "Remind people whose key results went a week without a check-in")
                    .checked(form.nudges.is_some()))
                div.actions { (Button::primary("Save")) }
            }
        }
    };
    let p = page(app, me, csrf, "/admin", "Settings", main);
    if errors.is_empty() {
        p
    } else {
        p.status(axum::http::StatusCode::BAD_REQUEST)
    }
}

async fn save_settings(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Answer {
    let kit = app.kit();
    let saved = app
        .service()
        .change_settings(
            &me.viewer,
            Some(form.time_zone.clone()),
            Some(form.nudges.is_some()),
        )
        .await;
    match saved {
        Ok(()) => Ok(see_other("/admin/settings?saved=1")),
        Err(err) => {
            let errors = form_errors(err, &[("timeZone", "timeZone")]).map_err(|e| fail(kit, e))?;
            Ok(render_settings(&app, &me, &csrf, &form, &errors).into_response())
        }
    }
}
