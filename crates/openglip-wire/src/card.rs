//! Adaptive Cards: `POST /team-messaging/v1/chats/{chatId}/adaptive-cards` and
//! `GET|PUT|DELETE /team-messaging/v1/adaptive-cards/{cardId}` (also under `/restapi/v1.0/glip`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// `AdaptiveCardRequest`: an Adaptive Card (<https://adaptivecards.io>) as a client posts it.
/// The documented top-level properties are typed; elements and actions, and any other property of
/// the card, are kept as sent. The default is an empty card of version 1.3.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdaptiveCardRequest {
    /// Always `AdaptiveCard`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The Adaptive Cards version, such as `1.3` (the default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The card's elements (`TextBlock`, `Container`, `ColumnSet`, `Input.Text`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Vec<Value>>,
    /// The card's actions (`Action.Submit`, `Action.OpenUrl`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_action: Option<Value>,
    /// Shown by clients that cannot render the card's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_text: Option<String>,
    /// A URL, or a `BackgroundImage` object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_image: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_height: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speak: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertical_content_alignment: Option<String>,
    /// Any other property of the card, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for AdaptiveCardRequest {
    fn default() -> Self {
        AdaptiveCardRequest {
            kind: "AdaptiveCard".into(),
            version: Some("1.3".into()),
            schema: Some("http://adaptivecards.io/schemas/adaptive-card.json".into()),
            body: None,
            actions: None,
            select_action: None,
            fallback_text: None,
            background_image: None,
            min_height: None,
            speak: None,
            lang: None,
            vertical_content_alignment: None,
            extra: Map::new(),
        }
    }
}

/// `AdaptiveCardCreator`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AdaptiveCardCreator {
    pub id: String,
}

/// `AdaptiveCardShortInfo`: the answer to creating or updating a card.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdaptiveCardShortInfo {
    pub id: String,
    pub creation_time: String,
    pub last_modified_time: String,
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Always `AdaptiveCard`.
    #[serde(rename = "type")]
    pub kind: String,
    pub version: String,
    pub creator: AdaptiveCardCreator,
    /// The chats the card is posted in.
    pub chat_ids: Vec<String>,
}

/// `AdaptiveCardInfo`: a card as read, the card object with its id, times, creator and chats.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdaptiveCardInfo {
    pub id: String,
    pub creation_time: String,
    pub last_modified_time: String,
    pub creator: AdaptiveCardCreator,
    pub chat_ids: Vec<String>,
    #[serde(flatten)]
    pub card: AdaptiveCardRequest,
}
