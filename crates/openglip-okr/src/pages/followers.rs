//! Followers: the Glip conversations that get an entity's updates. The **Followers** page of
//! the company, a team or a person with its **Glip teams** tab and **Add Followers**; the
//! schedule popup of the gear icon and of "**Change update time**" (**Default** / **Custom
//! schedule**, **Weekly** / **Monthly**, **Done**), also a page of its own (**Edit**); and, on
//! each follower's row, **Preview**, **Send now** and removal.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use futures_util::TryStreamExt;
use openglip_sdk::ChatType;
use openglip_webkit::html::{
    Breadcrumbs, Button, Choice, Choices, ConfirmForm, Dialog, Field, FormErrors, Icon, Table,
    Tone, hidden, notice, visually_hidden,
};
use openglip_webkit::{
    Allowed, Csrf, CsrfForm, Markup, Page, Render, Session, html, local_path, see_other,
};
use serde::Deserialize;

use super::schedule_form::{FIELDS as SCHEDULE_FIELDS, ScheduleForm};
use super::session::OkrAdmin;
use super::{Answer, OrPage, Target, entity_page, entity_path, fail, page};
use crate::api::Caller;
use crate::api::teams::names;
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::Entity;
use crate::schedule::{local_label, zone};
use crate::service::followers::NewFollower;
use crate::store::followers::{DigestState, Follower};

pub fn routes() -> Router<App> {
    let mut r = Router::new();
    for base in ["/company", "/teams/{team}", "/people/{person}"] {
        r = r
            .route(&format!("{base}/followers"), get(followers_page).post(add))
            .route(&format!("{base}/followers/add"), get(add_page));
    }
    r.route("/followers/schedule", post(change_schedule))
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

// ---------- the Followers page and Add Followers ----------

async fn followers_page(
    State(app): State<App>,
    Session { user: me, .. }: Session<Caller>,
    csrf: Csrf,
    target: Target,
    Query(q): Query<Notices>,
) -> Answer {
    let kit = app.kit();
    let e = target.resolve(&app, &me).await.or_page(kit)?;
    let form = AddForm::new(&app, &me).await.or_page(kit)?;
    let page = render_followers(&app, &me, &csrf, &e, &q, &form, &FormErrors::new())
        .await
        .or_page(kit)?;
    Ok(page.into_response())
}

async fn add_page(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    target: Target,
) -> Answer {
    let kit = app.kit();
    let e = target.resolve(&app, &me).await.or_page(kit)?;
    let form = AddForm::new(&app, &me).await.or_page(kit)?;
    Ok(render_add(&app, &me, &csrf, &e, &form, &FormErrors::new())
        .await
        .or_page(kit)?
        .into_response())
}

/// The Add Followers form as posted.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddForm {
    #[serde(default)]
    chat_id: String,
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
    status_changes: Option<String>,
}

impl AddForm {
    /// An empty form: the default schedule in the time zone of the person adding.
    async fn new(app: &App, me: &Caller) -> Result<AddForm> {
        let tz = app.service().time_zone_of(&me.viewer).await?;
        let s = ScheduleForm::new(&tz);
        Ok(AddForm {
            chat_id: String::new(),
            kind: s.kind,
            frequency: s.frequency,
            weekday: s.weekday,
            day: s.day,
            time: s.time,
            time_zone: s.time_zone,
            status_changes: None,
        })
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

/// The Glip teams the person can choose from (theirs, and the public ones they see).
async fn team_chats(me: &Caller) -> Result<Vec<(String, String)>> {
    let chats: Vec<openglip_sdk::wire::ChatInfo> = me
        .client
        .chats_stream(&[ChatType::Team])
        .try_collect()
        .await
        .map_err(|e| Error::from_platform(e, None))?;
    let mut out: Vec<(String, String)> = chats
        .into_iter()
        .map(|c| {
            let name = c.name.unwrap_or_else(|| format!("Conversation {}", c.id));
            (c.id, name)
        })
        .collect();
    out.sort_by_key(|(_, n)| n.to_lowercase());
    Ok(out)
}

/// The form of Add Followers (in its dialog, or a page of its own).
async fn add_form(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    e: &Entity,
    form: &AddForm,
    errors: &FormErrors,
) -> Result<Markup> {
    if !app.integration_active(&me.viewer.account_id).await? {
        return Ok(notice(
            Tone::Warn,
            html! {
                "The Glip integration is not installed. "
                a href="/admin/integrations" { "Add to Glip" } " first (Admin > Integrations)."
            },
        ));
    }
    let chats = team_chats(me).await?;
    let choices: Vec<Choice> = chats
        .iter()
        .map(|(id, name)| Choice::new(id, name))
        .collect();
    let action = entity_page(e, "/followers");
    Ok(html! {
        form.stack method="post" action=(action) novalidate {
            (errors.summary())
            (csrf.field())
            @if choices.is_empty() {
                (notice(Tone::Info, html! { "You are in no Glip team yet. Create one in openglip, then add it here." }))
            } @else {
                (Choices::radio("chatId", "Glip team", &choices).selected(&[form.chat_id.as_str()])
                    .hint("The bot joins a public team, or is added to a private one you are in.")
                    .error(errors.get("chatId")))
            }
            (form.schedule().fields(errors))
            (Field::checkbox("statusChanges", "Also post at once when a key result changes status")
                .checked(form.status_changes.is_some()))
            div.actions { (Button::primary("Follow").icon(Icon::Plus)) }
        }
    })
}

async fn render_followers(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    e: &Entity,
    q: &Notices,
    form: &AddForm,
    errors: &FormErrors,
) -> Result<Page> {
    let v = &me.viewer;
    let model = app.service().model(v).await?;
    let name = names(app, &v.account_id).await?.entity(&model, e);
    let back = entity_page(e, "/followers");
    let list = app
        .store()
        .followers(&v.account_id, Some(e.clone()))
        .await?;
    let rows = list.iter().map(|f| {
        html! {
            td { strong { (chat_name(f)) } }
            td { (f.schedule.describe()) br; span.hint { (f.time_zone) } }
            td { (next_update(f)) }
            td { (row_actions(f, csrf, &back, v.is_admin())) }
        }
    });
    let add = if v.is_admin() {
        Some(Dialog::new(
            "add-followers",
            "Add Followers",
            add_form(app, me, csrf, e, form, errors).await?,
        ))
    } else {
        None
    };
    let title = format!("Followers of {name}");
    let main = html! {
        (Breadcrumbs::new().link(&entity_path(e), &name).current("Followers"))
        div.pagehead {
            div { h1 { (title) } p.sub { "Conversations that get the summarised progress and status of " (name) "." } }
            @if let Some(d) = &add {
                div.actions { (d.opener(html! { (Icon::Plus) "Add Followers" }, Some(&entity_page(e, "/followers/add")))) }
            }
        }
        (notices(app, me, q, &back).await?)
        (super::parts::tabs("Followers", &[(back.as_str(), "Glip teams")], &back))
        div.card {
            (Table::new(&["Glip team", "Schedule", "Next update", ""])
                .caption("Glip teams that follow")
                .rows(rows)
                .empty(html! { "No Glip team follows " (name) " yet." }))
        }
        @if let Some(d) = add { (d) }
    };
    Ok(page(app, me, csrf, &entity_path(e), &title, main))
}

async fn render_add(
    app: &App,
    me: &Caller,
    csrf: &Csrf,
    e: &Entity,
    form: &AddForm,
    errors: &FormErrors,
) -> Result<Page> {
    let model = app.service().model(&me.viewer).await?;
    let name = names(app, &me.viewer.account_id).await?.entity(&model, e);
    let main = html! {
        (Breadcrumbs::new().link(&entity_path(e), &name).link(&entity_page(e, "/followers"), "Followers").current("Add Followers"))
        h1 { "Add Followers" }
        p.sub { "A Glip team that follows " (name) " gets its summarised progress and status updates." }
        div.card.narrow { (add_form(app, me, csrf, e, form, errors).await?) }
    };
    Ok(page(app, me, csrf, &entity_path(e), "Add Followers", main).status_ok(errors))
}

/// Refused forms answer 400.
trait StatusOk {
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

/// Add Followers: the conversation follows the entity (the bot joins it), then the dashboard
/// shows the alert with "Change update time".
async fn add(
    State(app): State<App>,
    Allowed(OkrAdmin(me)): Allowed<OkrAdmin>,
    csrf: Csrf,
    target: Target,
    CsrfForm(form): CsrfForm<AddForm>,
) -> Answer {
    let kit = app.kit();
    let e = target.resolve(&app, &me).await.or_page(kit)?;
    let added = follow(&app, &me, &target, &e, &form).await;
    match added {
        Ok(f) => Ok(see_other(&with_query(
            &entity_path(&e),
            "followed",
            &f.id.to_string(),
        ))),
        Err(errors) => {
            let errors = errors.map_err(|e| fail(kit, e))?;
            let page = render_add(&app, &me, &csrf, &e, &form, &errors)
                .await
                .or_page(kit)?;
            Ok(page.into_response())
        }
    }
}

/// Checks the form and adds the follower: the follower, or the form's errors (`Ok`), or a
/// failure that is not about the form (`Err`).
async fn follow(
    app: &App,
    me: &Caller,
    target: &Target,
    e: &Entity,
    form: &AddForm,
) -> std::result::Result<Follower, Result<FormErrors>> {
    let schedule = form.schedule().read();
    if form.chat_id.is_empty() || schedule.is_err() {
        let mut errors = schedule.err().unwrap_or_default();
        if form.chat_id.is_empty() {
            errors.add("chatId", "Choose the Glip team that follows.");
        }
        return Err(Ok(errors));
    }
    let (schedule, time_zone) = schedule.map_err(Ok)?;
    let follower = NewFollower {
        person_known: matches!(target, Target::Person(_)),
        entity: e.clone(),
        chat_id: form.chat_id.clone(),
        chat_name: None,
        schedule,
        time_zone: Some(time_zone),
        status_changes: form.status_changes.is_some(),
    };
    app.add_follower(&me.viewer, &me.client, follower)
        .await
        .map_err(|err| {
            let mut fields = vec![("chatId", "chatId")];
            fields.extend_from_slice(SCHEDULE_FIELDS);
            super::parts::form_errors(err, &fields)
        })
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
