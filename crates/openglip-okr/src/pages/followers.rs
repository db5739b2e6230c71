//! Followers: the Glip conversations that get an entity's updates. The **Followers** page of
//! the company, a team or a person, with its **Glip teams** tab and **Add Followers** (the team
//! conversations the person is in; the bot joins them). One follower's popup, page and actions
//! are in [`super::follower`].

use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use futures_util::TryStreamExt;
use openglip_sdk::ChatType;
use openglip_webkit::html::{
    Breadcrumbs, Button, Choice, Choices, Dialog, Field, FormErrors, Icon, Table, Tone, notice,
};
use openglip_webkit::{Allowed, Csrf, CsrfForm, Markup, Page, Session, html, see_other};
use serde::Deserialize;

use super::follower::{
    Notices, StatusOk, chat_name, next_update, notices, row_actions, with_query,
};
use super::schedule_form::{FIELDS as SCHEDULE_FIELDS, ScheduleForm};
use super::session::OkrAdmin;
use super::{Answer, OrPage, Target, entity_page, entity_path, fail, page};
use crate::api::Caller;
use crate::api::teams::names;
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::Entity;
use crate::service::followers::NewFollower;
use crate::store::followers::Follower;

pub fn routes() -> Router<App> {
    let mut r = Router::new();
    for base in ["/company", "/teams/{team}", "/people/{person}"] {
        r = r
            .route(&format!("{base}/followers"), get(followers_page).post(add))
            .route(&format!("{base}/followers/add"), get(add_page));
    }
    r
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
