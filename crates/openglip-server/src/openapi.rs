//! `GET /openapi.json`: the OpenAPI 3.0 document of what this server serves, generated from the
//! operation table and the wire types' schemas.

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};
use utoipa::{PartialSchema, ToSchema};

use crate::AppState;
use crate::ops::{Access, Op};

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
    add::<CreatePostRequest>(&mut schemas);
    add::<UpdatePostRequest>(&mut schemas);
    add::<AdaptiveCardRequest>(&mut schemas);
    add::<AdaptiveCardShortInfo>(&mut schemas);
    add::<AdaptiveCardInfo>(&mut schemas);
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
        let params: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let ok = match op.response {
            Some(r) => {
                json!({"description": "Success", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{r}")}}}})
            }
            None => json!({"description": "Success"}),
        };
        let mut operation = json!({
            "operationId": op.id,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": params,
            "responses": {
                op.status.to_string(): ok,
                "default": {"description": "RingCentral error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
            },
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
        if let Some(r) = op.request {
            operation["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{r}")}}}});
        } else if op.path.starts_with("/restapi/oauth/") {
            operation["requestBody"] = json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}});
        }
        let entry = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
        entry[op.method.as_str().to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.0.3",
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

pub async fn serve(State(st): State<AppState>) -> Json<Value> {
    Json(document(&st.0.ops))
}
