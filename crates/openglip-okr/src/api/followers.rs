//! Followers (with their schedules, next runs, "send now" and "preview"), the audit of every
//! digest, the Glip integration ("Add to Glip", its state, its removal) and the conversations a
//! person can pick.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use futures_util::TryStreamExt;
use serde::Deserialize;
use serde_json::Value as Json_;
use utoipa::ToSchema;

use super::teams::{EntityRef, names};
use super::views::*;
use super::{Caller, Json, Op, Query};
use crate::app::App;
use crate::error::{Error, Result};
use crate::model::EntityType;
use crate::schedule::{self, MAX_RUNS, Run, Schedule};
use crate::service::Viewer;
use crate::service::followers::NewFollower;
use crate::store::followers::Follower;

type Answer<T> = Result<axum::Json<T>>;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateFollowerRequest {
    pub entity: EntityRef,
    /// A team conversation (Glip team) of the platform.
    pub chat_id: String,
    /// `{kind:"default"}` (every Monday 09:00), `{kind:"weekly", weekday:"Friday",
    /// time:"17:30"}` or `{kind:"monthly", day:31, time:"08:30"}`; default when absent.
    #[schema(value_type = Object)]
    pub schedule: Option<Json_>,
    /// IANA name; the time zone of the person adding it when absent.
    pub time_zone: Option<String>,
    /// Post at once when a key result changes status (default false).
    pub status_changes: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatchFollowerRequest {
    #[schema(value_type = Object)]
    pub schedule: Option<Json_>,
    pub time_zone: Option<String>,
    pub status_changes: Option<bool>,
}

fn schedule_of(v: Option<&Json_>) -> Result<Option<Schedule>> {
    v.map(|s| Schedule::from_json(s).map_err(|(p, m)| Error::invalid(p, m)))
        .transpose()
}

async fn follower_view(app: &App, v: &Viewer, f: &Follower) -> Answer<FollowerView> {
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    Ok(axum::Json(FollowerView::new(&model, f, &names)))
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FollowersQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
}

async fn list_followers(
    State(app): State<App>,
    c: Caller,
    Query(q): Query<FollowersQuery>,
) -> Answer<Records<FollowerView>> {
    let model = app.service().model(&c.viewer).await?;
    let names = names(&app, &c.viewer.account_id).await?;
    let kind = q
        .entity_type
        .as_deref()
        .map(|t| {
            EntityType::parse(t).ok_or_else(|| {
                Error::invalid(
                    "entityType",
                    format!("[{t}] is not company, team or person"),
                )
            })
        })
        .transpose()?;
    let records = app
        .store()
        .followers(&c.viewer.account_id, None)
        .await?
        .iter()
        .filter(|f| kind.is_none_or(|k| f.entity.kind == k))
        .filter(|f| q.entity_id.as_ref().is_none_or(|id| &f.entity.id == id))
        .map(|f| FollowerView::new(&model, f, &names))
        .collect();
    Ok(axum::Json(Records { records }))
}

async fn create_follower(
    State(app): State<App>,
    c: Caller,
    Json(r): Json<CreateFollowerRequest>,
) -> Result<(StatusCode, axum::Json<FollowerView>)> {
    c.viewer
        .require_admin("choose which conversations follow OKRs")?;
    let (entity, person) = r.entity.resolve(&c, "entity").await?;
    if let Some(p) = person.clone() {
        app.store()
            .upsert_people(&c.viewer.account_id, vec![p], app.now())
            .await?;
    }
    let schedule = schedule_of(r.schedule.as_ref())?.unwrap_or(Schedule::Default);
    let f = app
        .add_follower(
            &c.viewer,
            &c.client,
            NewFollower {
                entity,
                person_known: person.is_some(),
                chat_id: r.chat_id,
                chat_name: None,
                schedule,
                time_zone: r.time_zone,
                status_changes: r.status_changes.unwrap_or(false),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        follower_view(&app, &c.viewer, &f).await?,
    ))
}

async fn read_follower(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
) -> Answer<FollowerView> {
    let f = app.service().follower(&c.viewer, &id).await?;
    follower_view(&app, &c.viewer, &f).await
}

async fn update_follower(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
    Json(r): Json<PatchFollowerRequest>,
) -> Answer<FollowerView> {
    let schedule = schedule_of(r.schedule.as_ref())?;
    let f = app
        .service()
        .update_follower(&c.viewer, &id, schedule, r.time_zone, r.status_changes)
        .await?;
    follower_view(&app, &c.viewer, &f).await
}

async fn delete_follower(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    app.service().delete_follower(&c.viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RunsQuery {
    pub after: Option<String>,
    pub count: Option<String>,
}

async fn runs(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
    Query(q): Query<RunsQuery>,
) -> Answer<RunsView> {
    let after = q
        .after
        .as_deref()
        .map(|a| {
            a.parse::<jiff::Timestamp>()
                .map_err(|_| Error::invalid("after", format!("[{a}] is not an RFC 3339 instant")))
        })
        .transpose()?;
    let count = match q.count.as_deref() {
        None => 5,
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_RUNS).contains(n))
            .ok_or_else(|| Error::invalid("count", format!("count is from 1 to {MAX_RUNS}")))?,
    };
    let (f, runs) = app.service().runs(&c.viewer, &id, after, count).await?;
    let zone = schedule::zone(&f.time_zone).map_err(Error::internal)?;
    Ok(axum::Json(RunsView {
        follower_id: f.id.to_string(),
        time_zone: f.time_zone,
        runs: runs.into_iter().map(|t| Run::new(t, &zone)).collect(),
    }))
}

async fn digest_view(app: &App, d: &crate::store::followers::Digest) -> Result<DigestView> {
    Ok(DigestView::new(d, app.store().attempts(d.id).await?))
}

/// "Send now": enqueued like any digest, then waited for (up to 15 s) so the answer tells how
/// it went.
async fn send_now(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, axum::Json<DigestView>)> {
    let d = app.send_now(&c.viewer, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(digest_view(&app, &d).await?),
    ))
}

/// "Preview": the digest the follower would get now, posted nowhere.
async fn preview(State(app): State<App>, c: Caller, Path(id): Path<String>) -> Answer<PreviewView> {
    let p = app.preview(&c.viewer, &id).await?;
    Ok(axum::Json(PreviewView {
        text: p.text,
        card: serde_json::to_value(p.card).map_err(Error::internal)?,
    }))
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DigestsQuery {
    pub follower_id: Option<String>,
    pub count: Option<String>,
}

/// The audit: every post to a follower (when, to which chat, the post id, failures, retries).
async fn list_digests(
    State(app): State<App>,
    c: Caller,
    Query(q): Query<DigestsQuery>,
) -> Answer<Records<DigestView>> {
    let follower = match q.follower_id.as_deref() {
        Some(f) => Some(app.service().follower(&c.viewer, f).await?.id),
        None => None,
    };
    let count = match q.count.as_deref() {
        None => 100,
        Some(n) => n
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| Error::invalid("count", "count is from 1 to 1000"))?,
    };
    let mut records = Vec::new();
    for d in app
        .store()
        .digests(&c.viewer.account_id, follower, count)
        .await?
    {
        records.push(digest_view(&app, &d).await?);
    }
    Ok(axum::Json(Records { records }))
}

async fn read_digest(
    State(app): State<App>,
    c: Caller,
    Path(id): Path<String>,
) -> Answer<DigestView> {
    let d = match id.parse::<i64>() {
        Ok(n) => app.store().digest(&c.viewer.account_id, n).await?,
        Err(_) => None,
    }
    .ok_or_else(|| Error::not_found("digestId", format!("There is no digest [{id}]")))?;
    Ok(axum::Json(digest_view(&app, &d).await?))
}

// ---------- the integration ----------

async fn integration_view(app: &App, v: &Viewer) -> Answer<IntegrationView> {
    let i = app.integration(&v.account_id).await?;
    let model = app.service().model(v).await?;
    let names = names(app, &v.account_id).await?;
    let followers = app
        .store()
        .followers(&v.account_id, None)
        .await?
        .iter()
        .map(|f| FollowerView::new(&model, f, &names))
        .collect();
    let at = |t: Option<jiff::Timestamp>| t.map(schedule::rfc3339);
    Ok(axum::Json(IntegrationView {
        state: match &i {
            None => "notInstalled",
            Some(i) if i.active => "active",
            Some(_) => "removed",
        }
        .into(),
        bot_ready: app.bot_ready(&v.account_id),
        bot_id: i.as_ref().and_then(|i| i.bot_id.clone()),
        installed_by: i.as_ref().and_then(|i| i.installed_by.clone()),
        installed_at: at(i.as_ref().and_then(|i| i.installed_at)),
        removed_at: at(i.as_ref().and_then(|i| i.removed_at)),
        removed_reason: i.and_then(|i| i.removed_reason),
        followers,
    }))
}

async fn read_integration(State(app): State<App>, c: Caller) -> Answer<IntegrationView> {
    integration_view(&app, &c.viewer).await
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstallRequest {
    /// A path of this app to return to after the platform's pages.
    pub return_to: Option<String>,
}

/// "Add to Glip": where to send the browser.
async fn add_integration(
    State(app): State<App>,
    c: Caller,
    Json(r): Json<InstallRequest>,
) -> Answer<InstallView> {
    let url = app.begin_install(&c.viewer, r.return_to.as_deref()).await?;
    Ok(axum::Json(InstallView { authorize_url: url }))
}

/// "Remove Glip Integration".
async fn remove_integration(State(app): State<App>, c: Caller) -> Answer<IntegrationView> {
    app.remove_integration(&c.viewer).await?;
    integration_view(&app, &c.viewer).await
}

#[derive(Debug, Deserialize)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The platform's redirect after "Add to Glip" (`GET /integrations/glip/callback`): installs,
/// then sends the browser back where it came from, or says so in JSON. A refusal is a page for
/// a browser (`Accept: text/html`), the API's error otherwise.
pub(super) async fn install_callback(
    State(app): State<App>,
    kit: openglip_webkit::Kit,
    headers: axum::http::HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let error = q.error.as_deref().map(|e| match &q.error_description {
        Some(d) => format!("{e}: {d}"),
        None => e.to_string(),
    });
    let browser = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    match app
        .finish_install(q.code.as_deref(), q.state.as_deref(), error.as_deref())
        .await
    {
        Ok((_, Some(path))) => (StatusCode::SEE_OTHER, [(header::LOCATION, path)]).into_response(),
        Ok((account, None)) => {
            axum::Json(serde_json::json!({"state": "active", "accountId": account})).into_response()
        }
        Err(e) if browser => crate::pages::fail(&kit, e).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The team conversations the caller is in or can see (to pick followers from).
async fn list_chats(c: Caller) -> Answer<Records<ChatView>> {
    let chats: Vec<openglip_sdk::wire::ChatInfo> = c
        .client
        .chats_stream(&[openglip_sdk::ChatType::Team])
        .try_collect()
        .await
        .map_err(|e| Error::from_platform(e, None))?;
    let records = chats
        .into_iter()
        .map(|ch| ChatView {
            id: ch.id,
            name: ch.name,
            public: ch.public.unwrap_or(false),
        })
        .collect();
    Ok(axum::Json(Records { records }))
}

pub(super) fn ops() -> Vec<Op> {
    use Method as M;
    vec![
        Op::new(
            M::GET,
            "/followers",
            "listFollowers",
            "Conversations following the company, teams and people",
            get(list_followers),
        )
        .answers(200, Some("FollowerView[]"))
        .query(&[
            ("entityType", "company, team or person"),
            ("entityId", "the entity's id"),
        ]),
        Op::new(
            M::POST,
            "/followers",
            "createFollower",
            "A team conversation follows an entity (admins); the bot joins it",
            post(create_follower),
        )
        .takes("CreateFollowerRequest")
        .answers(201, Some("FollowerView")),
        Op::new(
            M::GET,
            "/followers/{followerId}",
            "readFollower",
            "A follower with its next run",
            get(read_follower),
        )
        .answers(200, Some("FollowerView")),
        Op::new(
            M::PATCH,
            "/followers/{followerId}",
            "updateFollower",
            "Change a follower's schedule, time zone or options (admins)",
            patch(update_follower),
        )
        .takes("PatchFollowerRequest")
        .answers(200, Some("FollowerView")),
        Op::new(
            M::DELETE,
            "/followers/{followerId}",
            "deleteFollower",
            "Stop following (admins)",
            delete(delete_follower),
        )
        .answers(204, None),
        Op::new(
            M::GET,
            "/followers/{followerId}/runs",
            "listRuns",
            "The next runs of a follower's schedule after any instant",
            get(runs),
        )
        .answers(200, Some("RunsView"))
        .query(&[
            ("after", "an RFC 3339 instant (default: now)"),
            ("count", "1 to 100 (default 5)"),
        ]),
        Op::new(
            M::POST,
            "/followers/{followerId}/send-now",
            "sendNow",
            "Post the follower's digest now (admins)",
            post(send_now),
        )
        .answers(202, Some("DigestView")),
        Op::new(
            M::GET,
            "/followers/{followerId}/preview",
            "previewDigest",
            "The digest the follower would get now, posted nowhere",
            get(preview),
        )
        .answers(200, Some("PreviewView")),
        Op::new(
            M::GET,
            "/digests",
            "listDigests",
            "The audit of every digest: when, to which chat, the post id, failures and retries",
            get(list_digests),
        )
        .answers(200, Some("DigestView[]"))
        .query(&[
            ("followerId", "one follower's only"),
            ("count", "1 to 1000 (default 100)"),
        ]),
        Op::new(
            M::GET,
            "/digests/{digestId}",
            "readDigest",
            "One digest of the audit",
            get(read_digest),
        )
        .answers(200, Some("DigestView")),
        Op::new(
            M::GET,
            "/integration",
            "readIntegration",
            "The Glip integration's state and the conversations that follow",
            get(read_integration),
        )
        .answers(200, Some("IntegrationView")),
        Op::new(
            M::POST,
            "/integration",
            "addIntegration",
            "\"Add to Glip\": the platform URL that installs the bot (admins)",
            post(add_integration),
        )
        .takes("InstallRequest")
        .answers(200, Some("InstallView")),
        Op::new(
            M::DELETE,
            "/integration",
            "removeIntegration",
            "\"Remove Glip Integration\": stop posting, remove the bot's subscriptions (admins)",
            delete(remove_integration),
        )
        .answers(200, Some("IntegrationView")),
        Op::new(
            M::GET,
            "/chats",
            "listChats",
            "Team conversations the caller can pick as followers",
            get(list_chats),
        )
        .answers(200, Some("ChatView[]")),
    ]
}
