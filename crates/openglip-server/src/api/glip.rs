//! Legacy Glip extras: message cards, `POST /restapi/v1.0/glip/cards?groupId=…` and
//! `GET|PUT|DELETE /restapi/v1.0/glip/cards/{cardId}` (`openglip_domain::message_cards`), and
//! `GET /restapi/v1.0/glip/preferences`.

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use openglip_domain::{Caller, Error, PostId, Subject};
use openglip_wire::{GlipChatsPreferences, GlipMessageAttachmentInfo, GlipPreferencesInfo};
use serde_json::Value;

use super::{P, chat_id};
use crate::AppState;
use crate::error::{self, LegacyResult};
use crate::extract::{JsonBody, Params};

/// How many chats the web client's rail shows, as the preferences say.
pub const RAIL_MAX_COUNT: u32 = 100;

fn answer(card: Value) -> Json<GlipMessageAttachmentInfo> {
    Json(GlipMessageAttachmentInfo {
        fields: match card {
            Value::Object(o) => o,
            _ => Default::default(),
        },
    })
}

fn card_id(raw: &str) -> Result<PostId, Error> {
    error::id(Subject::Card, raw)
}

pub async fn create_card(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    params: Params,
    JsonBody(card): JsonBody<Value>,
) -> LegacyResult<Json<GlipMessageAttachmentInfo>> {
    let group = params
        .get("groupId")
        .filter(|g| !g.trim().is_empty())
        .ok_or_else(|| Error::MissingParameter("groupId".into()))?;
    let card = st
        .service()
        .create_message_card(&c, chat_id(group)?, card)
        .await?;
    Ok(answer(card))
}

pub async fn read_card(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> LegacyResult<Json<GlipMessageAttachmentInfo>> {
    Ok(answer(st.service().message_card(&c, card_id(&id)?).await?))
}

pub async fn update_card(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(card): JsonBody<Value>,
) -> LegacyResult<Json<GlipMessageAttachmentInfo>> {
    let card = st
        .service()
        .update_message_card(&c, card_id(&id)?, card)
        .await?;
    Ok(answer(card))
}

pub async fn delete_card(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> LegacyResult<StatusCode> {
    st.service().delete_message_card(&c, card_id(&id)?).await?;
    // 200, as spec 1.0.46 says (the adaptive cards' delete answers 204).
    Ok(StatusCode::OK)
}

/// The caller's Glip preferences: openglip keeps none, so every person has the web client's.
pub async fn preferences(Extension(_c): Extension<Caller>) -> Json<GlipPreferencesInfo> {
    Json(GlipPreferencesInfo {
        chats: GlipChatsPreferences {
            max_count: RAIL_MAX_COUNT,
            left_rail_mode: "CombineAllChatTypes".into(),
        },
    })
}
