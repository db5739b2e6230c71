//! `GET /api/v1/openapi.json`: the OpenAPI 3.0 document of the API, made from the operation
//! table ([`super::ops`]) and the request and answer types' schemas.

use axum::Json;
use serde_json::{Map, Value, json};
use utoipa::{PartialSchema, ToSchema};

use super::followers::{CreateFollowerRequest, InstallRequest, PatchFollowerRequest};
use super::objectives::{CreateCheckInRequest, CreateObjectiveRequest};
use super::teams::{CreateTeamRequest, EntityRef, PatchTeamRequest, SettingsRequest};
use super::views::*;
use super::{PREFIX, ops};
use crate::model::document::Document;
use crate::service::NewKeyResult;

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

fn schema_ref(name: &str) -> Value {
    match name.strip_suffix("[]") {
        Some(item) => json!({
            "type": "object",
            "properties": {"records": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}}
        }),
        None => json!({"$ref": format!("#/components/schemas/{name}")}),
    }
}

/// Builds the document.
pub fn document() -> Value {
    let mut schemas = Map::new();
    add::<openglip_sdk::wire::ErrorBody>(&mut schemas);
    add::<MeView>(&mut schemas);
    add::<RulesView>(&mut schemas);
    add::<SettingsView>(&mut schemas);
    add::<SettingsRequest>(&mut schemas);
    add::<Dashboard>(&mut schemas);
    add::<TeamView>(&mut schemas);
    add::<TeamSummary>(&mut schemas);
    add::<CreateTeamRequest>(&mut schemas);
    add::<PatchTeamRequest>(&mut schemas);
    add::<EntityRef>(&mut schemas);
    add::<ObjectiveView>(&mut schemas);
    add::<CreateObjectiveRequest>(&mut schemas);
    add::<KeyResultView>(&mut schemas);
    add::<NewKeyResult>(&mut schemas);
    add::<CheckInView>(&mut schemas);
    add::<CreateCheckInRequest>(&mut schemas);
    add::<Document>(&mut schemas);
    add::<ImportedView>(&mut schemas);
    add::<FollowerView>(&mut schemas);
    add::<CreateFollowerRequest>(&mut schemas);
    add::<PatchFollowerRequest>(&mut schemas);
    add::<RunsView>(&mut schemas);
    add::<DigestView>(&mut schemas);
    add::<PreviewView>(&mut schemas);
    add::<IntegrationView>(&mut schemas);
    add::<InstallRequest>(&mut schemas);
    add::<InstallView>(&mut schemas);
    add::<ChatView>(&mut schemas);

    let mut paths = Map::new();
    for op in ops() {
        let mut params: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        params.extend(op.query.iter().map(|(name, description)| {
            json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string"}})
        }));
        let mut responses = Map::new();
        responses.insert(
            op.status.to_string(),
            match op.response {
                Some(r) => json!({"description": "OK", "content": {"application/json": {"schema": schema_ref(r)}}}),
                None => json!({"description": "Done"}),
            },
        );
        responses.insert(
            "default".into(),
            json!({"description": "An error (RingCentral's error body)", "content": {"application/json": {"schema": schema_ref("ErrorBody")}}}),
        );
        let mut operation = json!({
            "operationId": op.id,
            "summary": op.summary,
            "parameters": params,
            "responses": responses,
        });
        if let Some(r) = op.request {
            operation["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": schema_ref(r)}}});
        }
        let path = format!("{PREFIX}{}", op.path);
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[op.method.as_str().to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "openglip OKR API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Objectives, key results and check-ins, and the conversations that follow them. Authenticate with the platform's own access token (Authorization: Bearer). Progress figures are percentages 0-100.\n\nProgress: {}\n\nStatus: {}",
                crate::model::progress::PROGRESS_RULE,
                crate::model::progress::STATUS_RULE
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "The platform's access token"}},
        },
    })
}

pub(super) async fn serve() -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r.trim_start_matches("#/components/schemas/").to_string());
                }
                o.values().for_each(|c| refs(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }

    #[test]
    fn every_operation_is_described_and_every_reference_resolves() {
        let doc = document();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        for r in &all {
            assert!(schemas.contains_key(r), "a $ref to a missing schema: {r}");
        }
        for op in ops() {
            let path = format!("{PREFIX}{}", op.path);
            let described = &doc["paths"][&path][op.method.as_str().to_lowercase()];
            assert_eq!(described["operationId"], op.id, "{path}");
            for schema in op.request.into_iter().chain(op.response) {
                assert!(
                    schemas.contains_key(schema.trim_end_matches("[]")),
                    "{schema}"
                );
            }
        }
        assert!(!schemas.values().any(Value::is_null));
    }
}
