//! One follower: its schedule popup (opened by the gear icon next to **Follow**, and by the
//! alert's "**Change update time**"; **Default** / **Custom schedule**, **Weekly** / **Monthly**,
//! **Done**), its **Edit** page, the actions on its row (**Preview**, **Send now**, removal), and
//! the notices they leave on the page they return to.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use openglip_webkit::html::{
    Breadcrumbs, Button, Choice, ConfirmForm, Dialog, Field, FormErrors, Icon, Tone, hidden,
    notice, visually_hidden,
};
use openglip_webkit::{
    Allowed, Csrf, CsrfForm, Markup, Page, Render, Session, html, local_path, see_other,
};
use serde::Deserialize;

use super::schedule_form::{FIELDS as SCHEDULE_FIELDS, ScheduleForm};
use super::session::OkrAdmin;
use super::{Answer, OrPage, entity_page, entity_path, fail, page};
use crate::api::Caller;
use crate::api::teams::names;
use crate::app::App;
use crate::error::Result;
use crate::schedule::{local_label, zone};
use crate::store::followers::{DigestState, Follower};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/followers/schedule", post(change_schedule))
        .route("/followers/{id}/edit", get(edit_page))
        .route("/followers/{id}/preview", get(preview))
        .route("/followers/{id}/send-now", post(send_now))
        .route("/followers/{id}/remove", post(remove))
}

/// A conversation's name as people know it.
pub fn chat_name(f: &Follower) -> String {
    f.chat_name
        .clone()
        .unwrap_or_else(|| format!("Conversation {}", f.chat_id))
}

/// When a follower's next update comes, in its own time zone.
pub fn next_update(f: &Follower) -> String {
    local_label(
        f.next_run_at,
        &zone(&f.time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
    )
}

/// `path` with `key=value` added to its query.
pub fn with_query(path: &str, key: &str, value: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{key}={}", openglip_webkit::enc(value))
}

/// What a follower's schedule is now, in words.
pub fn schedule_words(f: &Follower) -> String {
    format!(
        "{} ({}); next update {}",
        f.schedule.describe(),
        f.time_zone,
        next_update(f)
    )
}

// ---------- the schedule popup ----------

/// The schedule popup: a dialog (opened by the gear icon or "Change update time") whose form
/// sets the schedule of one of `followers`, the first preselected. Returns the dialog and its
/// opener's page for browsers without the script (the first follower's **Edit**).
pub fn schedule_popup(
    dialog_id: &str,
    what: &str,
    followers: &[&Follower],
    csrf: &Csrf,
    back: &str,
) -> (Markup, String) {
    let Some(first) = followers.first() else {
        let body = html! {
            p { "No Glip conversation follows " strong { (what) } " yet." }
            p.sub { "Follow it with a Glip team first; then choose when its updates come." }
        };
        return (
            Dialog::new(dialog_id, "Update time", body).render(),
            back.to_string(),
        );
    };
    let names: Vec<(String, String)> = followers
        .iter()
        .map(|f| (f.id.to_string(), chat_name(f)))
        .collect();
    let choices: Vec<Choice> = names.iter().map(|(v, l)| Choice::new(v, l)).collect();
    let first_id = first.id.to_string();
    let body = html! {
        form.stack method="post" action="/followers/schedule" {
            (csrf.field())
            (hidden("back", back))
            @if followers.len() == 1 {
                (hidden("followerId", &first_id))
                p.sub { "When " strong { (chat_name(first)) } " gets the updates of " (what) "." }
            } @else {
                (Field::select("followerId", "Conversation", &choices).value(&first_id).id(&format!("{dialog_id}-chat")))
            }
            (ScheduleForm::of(first).fields(&FormErrors::new()))
            div.actions { (Button::primary("Done")) }
        }
    };
    let edit = with_query(&format!("/followers/{}/edit", first.id), "back", back);
    (Dialog::new(dialog_id, "Update time", body).render(), edit)
}

/// The gear icon that opens a schedule popup.
pub fn gear(dialog_id: &str, fallback: &str) -> Markup {
    html! {
        a.iconlink href=(fallback) data-dialog=(dialog_id) aria-haspopup="dialog" title="Update time" {
            (Icon::Settings) (visually_hidden("Update time"))
        }
    }
}

/// The id of a page's schedule popup.
pub const POPUP: &str = "schedule-popup";

/// The notices of a page that shows followers: after following (with "Change update time",
/// which opens the page's schedule popup), after a change, after "Send now", after removing.
pub async fn notices(app: &App, me: &Caller, q: &Notices, back: &str) -> Result<Markup> {
    let v = &me.viewer;
    let follower = |id: &Option<String>| {
        let id = id.clone();
        async move {
            match id {
                Some(id) => app.service().follower(v, &id).await.map(Some),
                None => Ok(None),
            }
        }
    };
    let mut out = html! {};
    if let Some(f) = follower(&q.followed).await? {
        // The dashboard's schedule popup opens with this follower chosen; without the script,
        // its Edit page.
        let edit = with_query(&format!("/followers/{}/edit", f.id), "back", back);
        out = html! {
            (out)
            (notice(Tone::Ok, html! {
                strong { (chat_name(&f)) } " now follows it: " (schedule_words(&f)) ". "
                a href=(edit) data-dialog=(POPUP) aria-haspopup="dialog" { "Change update time" }
            }))
        };
    }
    if let Some(f) = follower(&q.saved).await? {
        out = html! { (out) (notice(Tone::Ok, html! { "Updates to " strong { (chat_name(&f)) } ": " (schedule_words(&f)) "." })) };
    }
    if let Some(id) = q.digest.as_deref().and_then(|d| d.parse::<i64>().ok())
        && let Some(d) = app.store().digest(&v.account_id, id).await?
    {
        let to = app
            .store()
            .follower(&v.account_id, d.follower_id)
            .await?
            .map_or_else(|| d.chat_id.clone(), |f| chat_name(&f));
        out = html! {
            (out)
            @match d.state {
                DigestState::Sent => (notice(Tone::Ok, html! { "Sent to " strong { (to) } " now (post " (d.post_id.unwrap_or_default()) ")." })),
                DigestState::Failed | DigestState::Cancelled => (notice(Tone::Bad, html! { "The update could not be posted to " strong { (to) } ": " (d.last_error.unwrap_or_default()) })),
                _ => (notice(Tone::Info, html! { "The update to " strong { (to) } " is on its way; the audit shows when it is posted." })),
            }
        };
    }
    if q.removed.is_some() {
        out =
            html! { (out) (notice(Tone::Ok, html! { "The conversation no longer follows it." })) };
    }
    Ok(out)
}

/// The query of a page that shows followers' notices.
#[derive(Debug, Default, Deserialize)]
pub struct Notices {
    pub followed: Option<String>,
    pub saved: Option<String>,
    pub digest: Option<String>,
    pub removed: Option<String>,
}

// ---------- a follower's row ----------

/// The actions on a follower's row: **Preview**, **Send now**, **Edit**, remove.
pub fn row_actions(f: &Follower, csrf: &Csrf, back: &str, admin: bool) -> Markup {
    let id = f.id;
    let preview = with_query(&format!("/followers/{id}/preview"), "back", back);
    let edit = with_query(&format!("/followers/{id}/edit"), "back", back);
    let remove_id = format!("remove-{id}");
    let remove = format!("/followers/{id}/remove");
    let question = format!("Stop posting to {}?", chat_name(f));
    html! {
        div.actions.tight {
            a.btn.secondary.small href=(preview) { (Icon::Eye) "Preview" }
            @if admin {
                form.inline method="post" action=(format!("/followers/{id}/send-now")) {
                    (csrf.field()) (hidden("back", back))
                    (Button::secondary("Send now").small().icon(Icon::Chat))
                }
                a.btn.secondary.small href=(edit) { (Icon::Edit) "Edit" }
                (ConfirmForm::new(&remove_id, &remove, csrf, Button::danger("Remove").small().icon(Icon::Trash))
                    .field("back", back)
                    .question(&question)
                    .detail(html! { p { "It gets no more updates of this. Its past updates stay in the audit." } }))
            }
        }
    }
}

/// Refused forms answer 400.
pub(super) trait StatusOk {
    fn status_ok(self, errors: &FormErrors) -> Page;
}

impl StatusOk for Page {
    fn status_ok(self, errors: &FormErrors) -> Page {
        if errors.is_empty() {
            self
        } else {
            self.status(StatusCode::BAD_REQUEST)
        }
    }
}

// ---------- Edit, and Done ----------

#[derive(Debug, Default, Deserialize)]
struct Back {
    back: Option<String>,
}

async fn edit_page(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    Path(id): Path<String>,
    Query(q): Query<Back>,
) -> Answer {
    let kit = app.kit();
    let f = app.service().follower(&me.viewer, &id).await.or_page(kit)?;
    let back = local_path(q.back.as_deref(), "/admin/integrations/glip");
    let form = EditForm::of(&f, &back);
    Ok(render_edit(&app, &me, &csrf, &f, &form, &FormErrors::new())
        .await
        .or_page(kit)?
        .into_response())
}

/// The schedule form as posted by the popup or the Edit page.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EditForm {
    #[serde(default)]
    follower_id: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    time_zone: String,
    /// Present when the form shows the status-changes option (the Edit page).
    options: Option<String>,
    status_changes: Option<String>,
}

impl EditForm {
    fn of(f: &Follower, back: &str) -> EditForm {
        let s = ScheduleForm::of(f);
        EditForm {
            follower_id: f.id.to_string(),
            back: back.to_string(),
            kind: s.kind,
            frequency: s.frequency,
            weekday: s.weekday,
            day: s.day,
            time: s.time,
            time_zone: s.time_zone,
            options: Some("1".into()),
            status_changes: f.status_changes.then(|| "on".into()),
        }
    }

    fn schedule(&self) -> ScheduleForm {
        ScheduleForm {
            kind: self.kind.clone(),
            frequency: self.frequency.clone(),
            weekday: self.weekday.clone(),
            day: self.day.clone(),
            time: self.time.clone(),
            time_zone: self.time_zone.clone(),
        }
    }
}

async fn render_edit(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    f: &Follower,
    form: &EditForm,
    errors: &FormErrors,
) -> Result<Page> {
    let model = app.service().model(&me.viewer).await?;
    let what = names(app, &me.viewer.account_id)
        .await?
        .entity(&model, &f.entity);
    let title = format!("Update time · {}", chat_name(f));
    let main = html! {
        (Breadcrumbs::new().link("/admin/integrations/glip", "Manage").current(&chat_name(f)))
        h1 { "Update time" }
        p.sub { "When " strong { (chat_name(f)) } " gets the updates of " (what) ". Next: " (next_update(f)) "." }
        div.card.narrow {
            form.stack method="post" action="/followers/schedule" novalidate {
                (errors.summary())
                (csrf.field())
                (hidden("followerId", &form.follower_id))
                (hidden("back", &form.back))
                (hidden("options", "1"))
                (form.schedule().fields(errors))
                (Field::checkbox("statusChanges", "Also post at once when a key result changes status")
                    .checked(form.status_changes.is_some()))
                div.actions { (Button::primary("Done")) a.btn.secondary href=(form.back) { "Cancel" } }
            }
        }
    };
    Ok(page(app, me, csrf, "/admin", &title, main).status_ok(errors))
}

/// **Done**: the follower's new schedule (the popup's and the Edit page's form).
async fn change_schedule(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Answer {
    let kit = app.kit();
    let f = app
        .service()
        .follower(&me.viewer, &form.follower_id)
        .await
        .or_page(kit)?;
    let back = local_path(Some(&form.back), "/admin/integrations/glip");
    let (schedule, tz) = match form.schedule().read() {
        Ok(s) => s,
        Err(errors) => {
            let page = render_edit(&app, &me, &csrf, &f, &form, &errors)
                .await
                .or_page(kit)?;
            return Ok(page.into_response());
        }
    };
    let status_changes = form.options.as_ref().map(|_| form.status_changes.is_some());
    let saved = app
        .service()
        .update_follower(
            &me.viewer,
            &form.follower_id,
            Some(schedule),
            Some(tz),
            status_changes,
        )
        .await;
    match saved {
        Ok(f) => Ok(see_other(&with_query(&back, "saved", &f.id.to_string()))),
        Err(err) => {
            let errors =
                super::parts::form_errors(err, SCHEDULE_FIELDS).map_err(|e| fail(kit, e))?;
            let page = render_edit(&app, &me, &csrf, &f, &form, &errors)
                .await
                .or_page(kit)?;
            Ok(page.into_response())
        }
    }
}

// ---------- Preview, Send now, removal ----------

async fn preview(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
    Path(id): Path<String>,
    Query(q): Query<Back>,
) -> Answer {
    let kit = app.kit();
    let f = app.service().follower(&me.viewer, &id).await.or_page(kit)?;
    let p = app.preview(&me.viewer, &id).await.or_page(kit)?;
    let back = local_path(q.back.as_deref(), &entity_page(&f.entity, "/followers"));
    let title = format!("Preview · {}", chat_name(&f));
    let main = html! {
        (Breadcrumbs::new().link(&back, "Back").current("Preview"))
        h1 { "Preview" }
        (notice(Tone::Info, html! { "What " strong { (chat_name(&f)) } " would get now. This preview is posted nowhere." }))
        div.card {
            pre.digest { (p.text) }
        }
        div.actions {
            @if me.viewer.is_admin() {
                form.inline method="post" action=(format!("/followers/{id}/send-now")) {
                    (csrf.field()) (hidden("back", &back))
                    (Button::primary("Send now").icon(Icon::Chat))
                }
            }
            a.btn.secondary href=(back) { "Back" }
        }
    };
    Ok(page(&app, &me, &csrf, &entity_path(&f.entity), &title, main).into_response())
}

#[derive(Debug, Deserialize)]
struct BackForm {
    #[serde(default)]
    back: String,
}

/// **Send now**: posted like a scheduled update; back to the page, which says how it went.
async fn send_now(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Answer {
    let kit = app.kit();
    let d = app.send_now(&me.viewer, &id).await.or_page(kit)?;
    let back = local_path(Some(&form.back), "/admin/integrations/glip");
    Ok(see_other(&with_query(&back, "digest", &d.id.to_string())))
}

async fn remove(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Answer {
    let kit = app.kit();
    app.service()
        .delete_follower(&me.viewer, &id)
        .await
        .or_page(kit)?;
    let back = local_path(Some(&form.back), "/admin/integrations/glip");
    Ok(see_other(&with_query(&back, "removed", "1")))
}
