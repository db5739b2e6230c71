//! The JSON that crosses the wire, spelled exactly as RingCentral spells it.
//!
//! Only this crate knows RingCentral's field names and framing: REST bodies, notification
//! envelopes and event bodies ([`event`]), WebSocket gateway frames ([`wsg`]) and the batch answer
//! ([`batch`]). It has no rules: the server converts domain entities into these types, and the
//! client SDK reads them back.
//!
//! Optional fields follow RingCentral: REST answers leave out what has no value (the OpenAPI
//! schemas mark nothing nullable), while event bodies carry every field RingCentral sends, as
//! `null` when it has no value (its published event samples do, and its bot framework depends on
//! it).

pub mod account;
pub mod admin;
pub mod batch;
pub mod card;
pub mod chat;
pub mod console;
pub mod error;
pub mod event;
pub mod export;
pub mod file;
pub mod glip;
pub mod interactive;
pub mod oauth;
pub mod post;
pub mod presence;
pub mod subscription;
pub mod teamwork;
pub mod webhook;
pub mod wsg;

pub use account::*;
pub use admin::*;
pub use card::*;
pub use chat::*;
pub use console::*;
pub use error::*;
pub use event::*;
pub use export::*;
pub use file::*;
pub use glip::*;
pub use oauth::*;
pub use post::*;
pub use presence::*;
pub use subscription::*;
pub use teamwork::*;
pub use webhook::*;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Paging links of a list. A token is absent when there is no page that way.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Navigation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev_page_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// A member given by id or e-mail. Clients send `{"id":"…"}`, `{"email":"…"}` or, on the legacy
/// API, a bare string (an id, or an e-mail when it contains `@`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(untagged)]
pub enum MemberSpec {
    Bare(IdOrString),
    Object {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<IdOrString>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
}

/// An id that some clients send as a JSON number and others as a string.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(untagged)]
pub enum IdOrString {
    Str(String),
    Num(i64),
}

impl IdOrString {
    pub fn as_string(&self) -> String {
        match self {
            IdOrString::Str(s) => s.clone(),
            IdOrString::Num(n) => n.to_string(),
        }
    }
}

/// `{"id":"…"}` in the current API's member lists.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct MemberRef {
    pub id: String,
}
