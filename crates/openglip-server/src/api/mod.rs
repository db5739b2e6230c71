//! Route handlers, grouped by resource. Each is thin: parse, call the domain's `Service` (or,
//! for the console's and the admin portal's APIs and sessions, the `Platform`), convert.

pub mod account;
pub mod calendar;
pub mod cards;
pub mod chats;
pub mod console;
pub mod exports;
pub mod files;
pub mod glip;
pub mod legacy;
pub mod meta;
pub mod notes;
pub mod portal;
pub mod posts;
pub mod presence;
pub mod profile;
pub mod reactions;
pub mod search;
pub mod session;
pub mod subscriptions;
pub mod tasks;
pub mod webhooks;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use openglip_domain::events::Generation;
use openglip_domain::paging::{self, PageToken};
use openglip_domain::store::{Page, PageRequest};
use openglip_domain::{AccountId, Caller, ChatId, ChatType, Error, ExtensionId, PostId, Subject};
use openglip_wire::{Navigation, batch};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{self, ApiError};
use crate::extract::Params;

/// An account named in a path: `~` is the caller's own.
pub fn account_id(c: &Caller, raw: &str, subject: Subject) -> Result<AccountId, Error> {
    if raw == "~" {
        Ok(c.account_id)
    } else {
        error::id(subject, raw)
    }
}

/// An extension or person named in a path: `~` is the caller.
pub fn extension_id(c: &Caller, raw: &str, subject: Subject) -> Result<ExtensionId, Error> {
    if raw == "~" {
        Ok(c.extension_id)
    } else {
        error::id(subject, raw)
    }
}

/// A chat named in a path or body.
pub fn chat_id(raw: &str) -> Result<ChatId, Error> {
    error::id(Subject::Chat, raw)
}

/// A post named in a path.
pub fn post_id(raw: &str) -> Result<PostId, Error> {
    error::id(Subject::Post, raw)
}

/// Path parameters, failing with RingCentral errors.
pub struct P<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for P<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| P(v))
            .map_err(|_| ApiError(Error::InvalidUri))
    }
}

/// The base URL to build `uri` fields with.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config().public_url {
        return u.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{proto}://{host}")
}

/// The `type` filter of chat lists (repeatable, or comma-separated).
pub fn chat_types(params: &Params, legacy: bool) -> Result<Vec<ChatType>, ApiError> {
    let mut out = Vec::new();
    for raw in params.all("type") {
        let t = if legacy {
            ChatType::parse_legacy(raw)
        } else {
            ChatType::parse(raw)
        };
        match t {
            Some(t) => {
                if !out.contains(&t) {
                    out.push(t)
                }
            }
            None => return Err(Error::invalid("type").into()),
        }
    }
    if legacy && out.contains(&ChatType::Team) && !out.contains(&ChatType::Everyone) {
        // The Everyone team is a `Team` to legacy clients.
        out.push(ChatType::Everyone);
    }
    Ok(out)
}

pub fn types_scope(types: &[ChatType]) -> String {
    let mut names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    names.sort_unstable();
    names.join(",")
}

pub fn parse_types_scope(s: &str) -> Vec<ChatType> {
    s.split(',').filter_map(ChatType::parse).collect()
}

/// Paging parameters: (scope to use, page request). With a `pageToken`, the token's scope wins
/// when it is of the same `kind` (tokens carry their filters).
pub fn page_request(
    kind: &str,
    scope: &str,
    params: &Params,
) -> Result<(String, PageRequest), ApiError> {
    let count = paging::record_count(params.get("recordCount"))?;
    let prefix = format!("{kind}:");
    let (scope, req) = paging::request(
        &format!("{kind}:{scope}"),
        params.get("pageToken"),
        count,
        |s| s.starts_with(&prefix),
    )?;
    Ok((scope[prefix.len()..].to_string(), req))
}

/// The scope inside a page token of `kind`, if the request has one (lets a list take its
/// filters from the token alone).
pub fn token_scope(kind: &str, params: &Params) -> Result<Option<String>, ApiError> {
    match params.get("pageToken").filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => {
            let tok = PageToken::decode(t)?;
            let prefix = format!("{kind}:");
            match tok.scope.strip_prefix(&prefix) {
                Some(s) => Ok(Some(s.to_string())),
                None => Err(Error::invalid("pageToken").into()),
            }
        }
    }
}

pub fn navigation<T>(
    kind: &str,
    scope: &str,
    page: &Page<T>,
    id: impl Fn(&T) -> i64,
) -> Navigation {
    let ids: Vec<i64> = page.items.iter().map(id).collect();
    let (prev, next) = paging::navigation(
        &format!("{kind}:{scope}"),
        &ids,
        page.has_newer,
        page.has_older,
    );
    Navigation {
        prev_page_token: prev,
        next_page_token: next,
    }
}

/// RingCentral's batch answer for several comma-separated ids (`openglip_wire::batch`):
/// `207 Multi-Status`, `multipart/mixed`; the first part lists each item's status, then one part
/// per item, the record or its error body (named as `generation` names things).
pub fn multipart<T: serde::Serialize>(
    items: Vec<Result<T, Error>>,
    generation: Generation,
) -> Response {
    let boundary = format!(
        "Boundary_{}",
        crate::secrets::new_id().replace(['-', '_'], "0")
    );
    let parts: Vec<batch::Part> = items
        .iter()
        .map(|item| match item {
            Ok(v) => batch::Part {
                status: 200,
                json: serde_json::to_string(v).expect("wire records serialise"),
            },
            Err(e) => batch::Part {
                status: error::status_and_code(e).0.as_u16(),
                json: serde_json::to_string(&error::body_in(e, generation))
                    .expect("error bodies serialise"),
            },
        })
        .collect();
    (
        axum::http::StatusCode::MULTI_STATUS,
        [(
            header::CONTENT_TYPE,
            format!("multipart/mixed; boundary={boundary}"),
        )],
        batch::multipart(&boundary, &parts),
    )
        .into_response()
}

/// Splits `1,2,3` into ids; a single id is the plain case.
pub fn split_ids(raw: &str) -> Vec<&str> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}
