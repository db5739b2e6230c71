//! Adaptive Cards: `POST /team-messaging/v1/chats/{chatId}/adaptive-cards` and
//! `GET|PUT|DELETE /team-messaging/v1/adaptive-cards/{cardId}` (and the same paths under
//! `/restapi/v1.0/glip`, which RingCentral's bot frameworks call).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use openglip_domain::events::Generation;
use openglip_domain::{Caller, ChatId, Error, PostId, Subject};
use serde_json::Value;

use super::{P, multipart, split_ids};
use crate::AppState;
use crate::convert;
use crate::error::{self, ApiResult};
use crate::extract::JsonBody;

/// At most this many comma-separated ids in one read.
const MAX_IDS: usize = 30;

pub async fn create(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(chat): P<String>,
    JsonBody(card): JsonBody<Value>,
) -> ApiResult<Response> {
    let chat: ChatId = error::id(Subject::Chat, &chat)?;
    let card = st.service().create_card(&c, chat, card).await?;
    Ok((StatusCode::CREATED, Json(convert::card_short_info(&card))).into_response())
}

/// One card, or several comma-separated ids answered `207 Multi-Status`.
pub async fn read(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(ids): P<String>,
) -> ApiResult<Response> {
    let ids = split_ids(&ids);
    match ids.len() {
        0 => Err(Error::NotFound(Subject::Card).into()),
        1 => {
            let card = st.service().card(&c, card_id(ids[0])?).await?;
            Ok(Json(convert::card_info(&card)).into_response())
        }
        n if n > MAX_IDS => Err(Error::invalid_because(
            "cardId",
            format!("Parameter [cardId] value is invalid: at most {MAX_IDS} ids at once."),
        )
        .into()),
        _ => {
            let mut parts = Vec::with_capacity(ids.len());
            for id in ids {
                let card = match card_id(id) {
                    Ok(id) => st.service().card(&c, id).await,
                    Err(e) => Err(e),
                };
                parts.push(card.map(|card| convert::card_info(&card)));
            }
            Ok(multipart(parts, Generation::Current))
        }
    }
}

pub async fn update(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
    JsonBody(card): JsonBody<Value>,
) -> ApiResult<Json<openglip_wire::AdaptiveCardShortInfo>> {
    let card = st.service().update_card(&c, card_id(&id)?, card).await?;
    Ok(Json(convert::card_short_info(&card)))
}

pub async fn delete(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    P(id): P<String>,
) -> ApiResult<StatusCode> {
    st.service().delete_card(&c, card_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A card is named by the id of the post that carries it.
fn card_id(raw: &str) -> Result<PostId, Error> {
    error::id(Subject::Card, raw)
}
