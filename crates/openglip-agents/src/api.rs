//! The JSON API under `/api/v1`: agents, their dialog definitions, publishing, talking to an
//! agent, utterance testing, the channel, the optional generative step, sessions and transcripts. Bearer tokens are issued to
//! the app's accounts by `POST /api/v1/session` (the same sessions as the pages', hashed in the
//! store). Every operation is listed once in [`OPERATIONS`], from which both the router and
//! `/api/v1/openapi.json` are made. Errors are RingCentral's error body (`crate::error`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use axum::{Json, Router};
use openglip_webkit::ApiSession;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::App;
use crate::channel;
use crate::error::{Error, Result};
use crate::generative::GenerativeForm;
use crate::rules::Template;
use crate::store::accounts::Account;
use crate::store::agents::AgentRow;
use crate::store::conversations::ConversationKey;

/// One operation: method, path below `/api/v1`, operationId, summary, request schema.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub summary: &'static str,
    pub body: Option<&'static str>,
}

const fn op(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    body: Option<&'static str>,
) -> Operation {
    Operation {
        method,
        path,
        id,
        summary,
        body,
    }
}

/// Every operation of the API.
pub const OPERATIONS: &[Operation] = &[
    op(
        "post",
        "/session",
        "signIn",
        "A bearer token for an account of the app ({email, password}).",
        Some("SignIn"),
    ),
    op("get", "/agents", "listAgents", "The agents.", None),
    op(
        "post",
        "/agents",
        "createAgent",
        "A new agent ({name, template: blank | travel}).",
        Some("NewAgent"),
    ),
    op(
        "get",
        "/agents/{agentId}",
        "getAgent",
        "An agent with its draft dialog file.",
        None,
    ),
    op(
        "put",
        "/agents/{agentId}/dialog",
        "saveDialog",
        "Saves the draft dialog file; with errors, nothing is saved and each error has its line.",
        Some("Dialog"),
    ),
    op(
        "post",
        "/agents/{agentId}/publish",
        "publishAgent",
        "Publishes the draft: the channel answers with it from now on.",
        None,
    ),
    op(
        "post",
        "/agents/{agentId}/talk",
        "talkToAgent",
        "Says something to the draft (a conversation of its own per account).",
        Some("Utterance"),
    ),
    op(
        "post",
        "/agents/{agentId}/utterances",
        "testUtterance",
        "Which task a message starts, every task's score, and why.",
        Some("Utterance"),
    ),
    op(
        "get",
        "/agents/{agentId}/channel",
        "getChannel",
        "The RingCentral Glip channel: settings (no secret), authorization, subscription state.",
        None,
    ),
    op(
        "put",
        "/agents/{agentId}/channel",
        "saveChannel",
        "The channel's Configurations: Application Key and Secret, environment and its URLs.",
        Some("ChannelSettings"),
    ),
    op(
        "post",
        "/agents/{agentId}/channel/enable",
        "enableChannel",
        "Enable Channel yes or no ({enabled}).",
        Some("Enable"),
    ),
    op(
        "get",
        "/agents/{agentId}/generative",
        "getGenerative",
        "The optional generative step: enabled, url, model, timeoutMs, apiKeySet (the key is never returned).",
        None,
    ),
    op(
        "put",
        "/agents/{agentId}/generative",
        "saveGenerative",
        "Sets the generative step (an OpenAI-compatible chat-completions endpoint); an empty or absent apiKey keeps the saved one.",
        Some("GenerativeSettings"),
    ),
    op(
        "get",
        "/agents/{agentId}/sessions",
        "listSessions",
        "The agent's conversations (channel, chat, person, turns).",
        None,
    ),
    op(
        "get",
        "/agents/{agentId}/transcripts",
        "getTranscript",
        "One conversation's turns (?channel=&chatId=&personId=).",
        None,
    ),
];

fn handler(id: &str) -> MethodRouter<App> {
    match id {
        "signIn" => post(sign_in),
        "listAgents" => get(list_agents),
        "createAgent" => post(create_agent),
        "getAgent" => get(get_agent),
        "saveDialog" => put(save_dialog),
        "publishAgent" => post(publish),
        "talkToAgent" => post(talk),
        "testUtterance" => post(utterance),
        "getChannel" => get(get_channel),
        "saveChannel" => put(save_channel),
        "enableChannel" => post(enable_channel),
        "getGenerative" => get(get_generative),
        "saveGenerative" => put(save_generative),
        "listSessions" => get(list_sessions),
        "getTranscript" => get(transcript),
        other => unreachable!("no handler for {other}"),
    }
}

/// The API's routes and its OpenAPI document.
pub fn routes() -> Router<App> {
    let mut r = Router::new();
    for o in OPERATIONS {
        let path = format!("/api/v1{}", o.path.replace("{agentId}", "{id}"));
        r = r.route(&path, handler(o.id));
    }
    r.route("/api/v1/openapi.json", get(openapi))
}

/// The OpenAPI 3.0 document of [`OPERATIONS`].
pub fn openapi_document(server: &str) -> Value {
    let mut paths = serde_json::Map::new();
    for o in OPERATIONS {
        let entry = paths
            .entry(format!("/api/v1{}", o.path))
            .or_insert_with(|| json!({}));
        let mut operation = json!({
            "operationId": o.id,
            "summary": o.summary,
            "responses": {
                "200": {"description": "Done", "content": {"application/json": {}}},
                "400": {"$ref": "#/components/responses/Error"},
                "401": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
            },
        });
        if o.id != "signIn" {
            operation["security"] = json!([{"bearer": []}]);
        }
        if o.path.contains("{agentId}") {
            operation["parameters"] = json!([{"name": "agentId", "in": "path", "required": true, "schema": {"type": "integer"}}]);
        }
        if let Some(body) = o.body {
            operation["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{body}")}}}});
        }
        entry[o.method] = operation;
    }
    let s = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "openglip Agents API", "version": "1"},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "RingCentral's error body", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": s(json!({"errorCode": {"type": "string"}, "message": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object"}}}), &["errorCode", "message", "errors"]),
                "SignIn": s(json!({"email": {"type": "string"}, "password": {"type": "string"}}), &["email", "password"]),
                "NewAgent": s(json!({"name": {"type": "string"}, "template": {"type": "string", "enum": ["blank", "travel"]}}), &["name"]),
                "Dialog": s(json!({"source": {"type": "string", "description": "The dialog file, YAML or JSON (docs/agents.md)"}}), &["source"]),
                "Utterance": s(json!({"text": {"type": "string"}}), &["text"]),
                "ChannelSettings": s(json!({"appKey": {"type": "string"}, "appSecret": {"type": "string"}, "environment": {"type": "string", "enum": ["sandbox", "production"]}, "sandboxUrl": {"type": "string"}, "productionUrl": {"type": "string"}}), &["appKey", "appSecret", "environment"]),
                "GenerativeSettings": s(json!({"enabled": {"type": "boolean"}, "url": {"type": "string", "description": "Base URL; calls go to {url}/chat/completions"}, "model": {"type": "string"}, "apiKey": {"type": "string", "writeOnly": true}, "timeoutMs": {"type": "integer", "minimum": 1, "maximum": 60000}}), &["enabled"]),
                "Enable": s(json!({"enabled": {"type": "boolean"}}), &["enabled"]),
            },
        },
    })
}

async fn openapi(State(app): State<App>) -> Json<Value> {
    Json(openapi_document(&app.config().public_url))
}

/// A JSON body, or RingCentral's error when it is not one.
pub struct Body<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Error> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| Error::invalid("body", e.to_string()))?;
        serde_json::from_slice(&bytes)
            .map(Body)
            .map_err(|e| Error::invalid("body", format!("The body is not the JSON expected: {e}")))
    }
}

fn agent_json(a: &AgentRow, with_draft: bool) -> Value {
    let mut v = json!({
        "id": a.id.to_string(),
        "streamId": a.stream_id,
        "name": a.name,
        "publishedVersion": a.published_version,
    });
    if with_draft {
        v["dialog"] = json!(a.draft);
    }
    v
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

async fn sign_in(
    State(app): State<App>,
    headers: HeaderMap,
    Body(b): Body<SignIn>,
) -> Result<Response> {
    let account = app.sign_in(&b.email, &b.password).await?;
    let cookie =
        openglip_webkit::start_session::<Account, App>(&app, app.kit(), &headers, &account)
            .await
            .map_err(|e| Error::Store(e.to_string()))?;
    Ok(Json(json!({"token": cookie.value(), "tokenType": "bearer", "expiresIn": 12 * 3600, "account": {"id": account.id.to_string(), "email": account.email, "name": account.name, "owner": account.owner}})).into_response())
}

async fn list_agents(State(app): State<App>, _: ApiSession<Account>) -> Result<Json<Value>> {
    let records: Vec<Value> = app
        .store()
        .agents()
        .await?
        .iter()
        .map(|a| agent_json(a, false))
        .collect();
    Ok(Json(json!({"records": records})))
}

#[derive(Deserialize)]
struct NewAgent {
    name: String,
    #[serde(default)]
    template: Option<String>,
}

async fn create_agent(
    State(app): State<App>,
    _: ApiSession<Account>,
    Body(b): Body<NewAgent>,
) -> Result<Response> {
    let template = match b.template.as_deref() {
        None | Some("travel") => Template::TravelAssistant,
        Some("blank") => Template::Blank,
        Some(other) => {
            return Err(Error::invalid(
                "template",
                format!("There is no template [{other}]: use blank or travel."),
            ));
        }
    };
    let a = app.create_agent(&b.name, template).await?;
    Ok((StatusCode::CREATED, Json(agent_json(&a, true))).into_response())
}

async fn get_agent(
    State(app): State<App>,
    _: ApiSession<Account>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    Ok(Json(agent_json(&app.store().agent(id).await?, true)))
}

#[derive(Deserialize)]
struct Dialog {
    source: String,
}

async fn save_dialog(
    State(app): State<App>,
    _: ApiSession<Account>,
    Path(id): Path<i64>,
    Body(b): Body<Dialog>,
) -> Result<Json<Value>> {
    app.save_draft(id, &b.source).await?;
    Ok(Json(agent_json(&app.store().agent(id).await?, true)))
}

async fn publish(
    State(app): State<App>,
    ApiSession { user, .. }: ApiSession<Account>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let version = app.publish(id, Some(user.id)).await?;
    Ok(Json(json!({"publishedVersion": version})))
}

#[derive(Deserialize)]
struct Utterance {
    text: String,
}

async fn talk(
    State(app): State<App>,
    ApiSession { user, .. }: ApiSession<Account>,
    Path(id): Path<i64>,
    Body(b): Body<Utterance>,
) -> Result<Json<Value>> {
    if b.text.trim().is_empty() {
        return Err(Error::invalid("text", "Say something."));
    }
    let (_, agent) = app.draft(id).await?;
    let key = ConversationKey {
        agent_id: id,
        channel: "api".into(),
        chat_id: "api".into(),
        person_id: user.id.to_string(),
    };
    let reply = app
        .converse(&agent, None, &key, b.text.trim(), None)
        .await?;
    Ok(Json(
        serde_json::to_value(reply).map_err(|e| Error::Store(e.to_string()))?,
    ))
}

async fn utterance(
    State(app): State<App>,
    _: ApiSession<Account>,
    Path(id): Path<i64>,
    Body(b): Body<Utterance>,
) -> Result<Json<Value>> {
    let (_, agent) = app.draft(id).await?;
    Ok(Json(
        serde_json::to_value(agent.test_utterance(&b.text))
            .map_err(|e| Error::Store(e.to_string()))?,
    ))
}

async fn get_channel(
    State(app): State<App>,
    _: ApiSession<Account>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let row = app.store().agent(id).await?;
    let ch = app.store().channel(id).await?;
    let running = app.inner.channels.is_running(id);
    Ok(Json(json!({
        "redirectUri": channel::redirect_uri(&app, &row.stream_id),
        "appKey": ch.app_key,
        "environment": ch.environment,
        "environmentUrl": channel::environment_url(&app, &ch),
        "sandboxUrl": ch.sandbox_url,
        "productionUrl": ch.production_url,
        "authorized": ch.access_token.is_some(),
        "extension": ch.extension_id.as_ref().map(|i| json!({"id": i, "name": ch.extension_name})),
        "enabled": ch.enabled,
        "subscription": {"id": ch.subscription_id, "status": ch.subscription_status, "running": running},
        "lastError": ch.last_error,
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChannelSettings {
    app_key: String,
    app_secret: String,
    environment: String,
    #[serde(default)]
    sandbox_url: String,
    #[serde(default)]
    production_url: String,
}

async fn save_channel(
    State(app): State<App>,
    s: ApiSession<Account>,
    Path(id): Path<i64>,
    Body(b): Body<ChannelSettings>,
) -> Result<Json<Value>> {
    app.save_channel(
        id,
        &b.app_key,
        &b.app_secret,
        &b.environment,
        &b.sandbox_url,
        &b.production_url,
    )
    .await?;
    get_channel(State(app), s, Path(id)).await
}

#[derive(Deserialize)]
struct Enable {
    enabled: bool,
}

async fn enable_channel(
    State(app): State<App>,
    s: ApiSession<Account>,
    Path(id): Path<i64>,
    Body(b): Body<Enable>,
) -> Result<Json<Value>> {
    channel::set_enabled(&app, id, b.enabled).await?;
    get_channel(State(app), s, Path(id)).await
}

async fn get_generative(
    State(app): State<App>,
    _: ApiSession<Account>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    app.store().agent(id).await?;
    let g = app.store().generative(id).await?;
    Ok(Json(json!({
        "enabled": g.enabled,
        "url": g.url,
        "model": g.model,
        "timeoutMs": g.timeout_ms,
        "apiKeySet": !g.api_key.is_empty(),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenerativeBody {
    enabled: bool,
    #[serde(default)]
    url: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    api_key: String,
    timeout_ms: Option<u32>,
}

async fn save_generative(
    State(app): State<App>,
    s: ApiSession<Account>,
    Path(id): Path<i64>,
    Body(b): Body<GenerativeBody>,
) -> Result<Json<Value>> {
    app.save_generative(
        id,
        GenerativeForm {
            enabled: b.enabled,
            url: b.url,
            model: b.model,
            api_key: b.api_key,
            timeout_ms: b.timeout_ms,
        },
    )
    .await?;
    get_generative(State(app), s, Path(id)).await
}

async fn list_sessions(
    State(app): State<App>,
    _: ApiSession<Account>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    app.store().agent(id).await?;
    let records: Vec<Value> = app
        .store()
        .conversations(id)
        .await?
        .into_iter()
        .map(|c| json!({"channel": c.channel, "chatId": c.chat_id, "personId": c.person_id, "turns": c.turns, "lastTime": c.last_at}))
        .collect();
    Ok(Json(json!({"records": records})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TranscriptQuery {
    channel: String,
    chat_id: String,
    person_id: String,
}

async fn transcript(
    State(app): State<App>,
    _: ApiSession<Account>,
    Path(id): Path<i64>,
    Query(q): Query<TranscriptQuery>,
) -> Result<Json<Value>> {
    let key = ConversationKey {
        agent_id: id,
        channel: q.channel,
        chat_id: q.chat_id,
        person_id: q.person_id,
    };
    let records: Vec<Value> = app
        .store()
        .transcript(&key)
        .await?
        .into_iter()
        .map(|t| json!({"time": t.at, "said": t.said, "answer": t.answer, "version": t.version, "generative": t.generative}))
        .collect();
    Ok(Json(json!({"records": records})))
}
