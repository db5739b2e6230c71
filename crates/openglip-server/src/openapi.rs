//! `GET /openapi.json`: the OpenAPI 3.1 document of what this server serves, generated from the
//! operation table (paths, path and query parameters, answers: JSON, the 207 `multipart/mixed`
//! of batch reads, the authorization endpoint's HTML pages and redirects) and the wire types'
//! schemas, which utoipa writes in OpenAPI 3.1's JSON Schema (an optional field is
//! `"type": ["string", "null"]`), so the document declares 3.1.

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};
use utoipa::{PartialSchema, ToSchema};

use crate::AppState;
use crate::ops::{Access, Answers, Op, QuerySchema};

fn add<T: ToSchema + PartialSchema>(schemas: &mut Map<String, Value>) {
    let mut deps = Vec::new();
    T::schemas(&mut deps);
    for (name, schema) in deps {
        schemas.insert(name, serde_json::to_value(schema).unwrap_or(Value::Null));
    }
    schemas.insert(
        T::name().into_owned(),
        serde_json::to_value(T::schema()).unwrap_or(Value::Null),
    );
}

/// Builds the document of these operations.
pub fn document(ops: &[Op]) -> Value {
    use openglip_wire::*;
    let mut schemas = Map::new();
    add::<ErrorBody>(&mut schemas);
    add::<ApiVersionsInfo>(&mut schemas);
    add::<ApiVersionInfo>(&mut schemas);
    add::<TokenInfo>(&mut schemas);
    add::<JWKeySet>(&mut schemas);
    add::<JWKey>(&mut schemas);
    add::<UserInfoResource>(&mut schemas);
    add::<OpenIdDiscovery>(&mut schemas);
    add::<AccountInfo>(&mut schemas);
    add::<ExtensionInfo>(&mut schemas);
    add::<ExtensionList>(&mut schemas);
    add::<ExtensionUpdateRequest>(&mut schemas);
    add::<PersonInfo>(&mut schemas);
    add::<CompanyInfo>(&mut schemas);
    add::<GlipGroupInfo>(&mut schemas);
    add::<GlipGroupList>(&mut schemas);
    add::<GlipCreateGroup>(&mut schemas);
    add::<GlipBulkAssign>(&mut schemas);
    add::<ChatInfo>(&mut schemas);
    add::<ChatList>(&mut schemas);
    add::<TeamInfo>(&mut schemas);
    add::<TeamList>(&mut schemas);
    add::<ConversationInfo>(&mut schemas);
    add::<ConversationList>(&mut schemas);
    add::<EveryoneTeamInfo>(&mut schemas);
    add::<CreateTeamRequest>(&mut schemas);
    add::<PatchTeamRequest>(&mut schemas);
    add::<MembersRequest>(&mut schemas);
    add::<PostInfo>(&mut schemas);
    add::<PostList>(&mut schemas);
    add::<SearchPostList>(&mut schemas);
    add::<DataExportTask>(&mut schemas);
    add::<DataExportTaskList>(&mut schemas);
    add::<CreateDataExportTaskRequest>(&mut schemas);
    add::<CreatePostRequest>(&mut schemas);
    add::<UpdatePostRequest>(&mut schemas);
    add::<AdaptiveCardRequest>(&mut schemas);
    add::<AdaptiveCardShortInfo>(&mut schemas);
    add::<AddFileInfo>(&mut schemas);
    add::<AddFileResponse>(&mut schemas);
    add::<TaskInfo>(&mut schemas);
    add::<TaskList>(&mut schemas);
    add::<TaskRequest>(&mut schemas);
    add::<CompleteTaskRequest>(&mut schemas);
    add::<NoteInfo>(&mut schemas);
    add::<NoteList>(&mut schemas);
    add::<NoteRequest>(&mut schemas);
    add::<EventInfo>(&mut schemas);
    add::<EventList>(&mut schemas);
    add::<GlipEventInfo>(&mut schemas);
    add::<GlipEventList>(&mut schemas);
    add::<EventRequest>(&mut schemas);
    add::<AdaptiveCardInfo>(&mut schemas);
    add::<WebhookInfo>(&mut schemas);
    add::<WebhookList>(&mut schemas);
    add::<WebhookPostResult>(&mut schemas);
    add::<IncomingWebhookMessage>(&mut schemas);
    add::<PresenceInfo>(&mut schemas);
    add::<GlipMessageAttachmentInfo>(&mut schemas);
    add::<GlipPreferencesInfo>(&mut schemas);
    add::<PresenceInfoRequest>(&mut schemas);
    add::<SearchDirectoryEntriesRequest>(&mut schemas);
    add::<DirectoryResource>(&mut schemas);
    add::<SubscriptionRequest>(&mut schemas);
    add::<SubscriptionInfo>(&mut schemas);
    add::<SubscriptionList>(&mut schemas);
    add::<WsToken>(&mut schemas);
    add::<EventBody>(&mut schemas);
    add::<Notification<EventBody>>(&mut schemas);
    add::<WebSessionRequest>(&mut schemas);
    add::<WebSessionInfo>(&mut schemas);
    add::<ConsoleApp>(&mut schemas);
    add::<ConsoleNewApp>(&mut schemas);
    add::<ConsoleAppList>(&mut schemas);
    add::<ConsoleAppRequest>(&mut schemas);
    add::<ConsoleClientSecret>(&mut schemas);
    add::<ConsoleAppUsage>(&mut schemas);
    add::<ConsoleProductionDecision>(&mut schemas);
    add::<ConsoleBotInstall>(&mut schemas);
    add::<ConsoleSandbox>(&mut schemas);
    add::<ConsoleSandboxRequest>(&mut schemas);
    add::<ConsoleJwt>(&mut schemas);
    add::<ConsoleJwtList>(&mut schemas);
    add::<ConsoleJwtRequest>(&mut schemas);
    add::<ConsoleUndeliverable>(&mut schemas);
    add::<ConsoleUndeliverableList>(&mut schemas);
    add::<AdminUser>(&mut schemas);
    add::<AdminNewUser>(&mut schemas);
    add::<AdminUserList>(&mut schemas);
    add::<AdminUserRequest>(&mut schemas);
    add::<AdminUserPatch>(&mut schemas);
    add::<AdminUnassignedExtension>(&mut schemas);
    add::<AdminUnassignedList>(&mut schemas);
    add::<AdminAccountApps>(&mut schemas);
    add::<AdminRevokedTokens>(&mut schemas);
    add::<AdminMailList>(&mut schemas);

    let mut paths = Map::new();
    for op in ops {
        let mut params: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        params.extend(op.query.iter().map(|q| {
            let mut p = json!({"name": q.name, "in": "query", "required": false, "description": q.description, "schema": query_schema(q.schema)});
            if matches!(q.schema, QuerySchema::AnyOf(_)) {
                p["style"] = json!("form");
                p["explode"] = json!(true);
            }
            p
        }));
        let mut operation = json!({
            "operationId": op.id,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": params,
            "responses": responses(op),
            "x-throttling-group": op.group.spec_name(),
        });
        if let Some(p) = op.permission() {
            operation["x-app-permission"] = json!(p.api_name());
        }
        match op.access {
            Access::Public => {}
            // Also for operations whose permission depends on the request (subscriptions).
            Access::Token(_) => operation["security"] = json!([{"OAuth2": []}]),
            Access::Developer | Access::AccountAdmin => {
                operation["security"] = json!([{"WebSession": []}])
            }
        }
        if op.upload {
            operation["requestBody"] = json!({"required": true, "content": {
                "multipart/form-data": {"schema": {"type": "object", "required": ["body"], "properties": {"body": {"type": "string", "format": "binary", "description": "The file (several parts: several files)"}}}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            }});
        } else if let Some(r) = op.request {
            operation["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{r}")}}}});
        } else if op.path.starts_with("/restapi/oauth/") {
            operation["requestBody"] = json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}});
        }
        let entry = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
        entry[op.method.as_str().to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "openglip",
            "description": "A self-hosted server for RingCentral's Team Messaging (Glip) API.",
            "version": env!("CARGO_PKG_VERSION")
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "OAuth2": {
                    "type": "oauth2",
                    "flows": {
                        "password": {"tokenUrl": "/restapi/oauth/token", "refreshUrl": "/restapi/oauth/token", "scopes": {}}
                    }
                },
                "WebSession": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A web session token from POST /console/api/session (the console's API) or POST /admin/api/session (the admin portal's), or the session cookie from the same host"
                }
            }
        }
    })
}

/// A query parameter's schema.
fn query_schema(q: QuerySchema) -> Value {
    match q {
        QuerySchema::Text => json!({"type": "string"}),
        QuerySchema::Count { min, max } => {
            json!({"type": "integer", "minimum": min, "maximum": max})
        }
        QuerySchema::OneOf(words) => json!({"type": "string", "enum": words}),
        QuerySchema::AnyOf(words) => {
            json!({"type": "array", "items": {"type": "string", "enum": words}})
        }
    }
}

/// The answers of an operation: its success (JSON, or none), a batch read's 207, the
/// authorization endpoint's pages and redirect, and RingCentral's error body otherwise.
fn responses(op: &Op) -> Value {
    let json_of = |schema: &str| json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}});
    let error = json!({"description": "RingCentral error", "content": json_of("ErrorBody")});
    let mut out = Map::new();
    match op.answers {
        Answers::PagesAndRedirect => {
            let html = json!({"text/html": {"schema": {"type": "string"}}});
            out.insert("200".into(), json!({"description": "The sign-in page, or the Access Request page of the signed-in person", "content": html}));
            out.insert("302".into(), json!({"description": "Back to the client's redirect URI with code and state, or with error and state", "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}}}));
            out.insert("400".into(), json!({"description": "An unknown client or a redirect URI that is not registered: a page in words, never a redirect", "content": html}));
        }
        Answers::File => {
            out.insert("200".into(), json!({"description": "The file's content, of its content type, with Content-Disposition and X-Content-Type-Options: nosniff", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}));
        }
        Answers::Json | Answers::JsonOrBatch => {
            let ok = match op.response {
                Some(r) => json!({"description": "Success", "content": json_of(r)}),
                None => json!({"description": "Success"}),
            };
            out.insert(op.status.to_string(), ok);
            if op.answers == Answers::JsonOrBatch {
                out.insert("207".into(), json!({
                    "description": "Several comma-separated ids: a status part, then one part per id (its JSON, or RingCentral's error)",
                    "content": {"multipart/mixed": {"schema": {"type": "string"}}}
                }));
            }
        }
    }
    out.insert("default".into(), error);
    Value::Object(out)
}

pub async fn serve(State(st): State<AppState>) -> Json<Value> {
    Json(document(&st.0.ops))
}
