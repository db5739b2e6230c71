//! Legacy Glip extras: message cards (`/restapi/v1.0/glip/cards`) and the preferences
//! (`GET /restapi/v1.0/glip/preferences`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// `GlipMessageAttachmentInfoRequest` and `GlipMessageAttachmentInfo`: a `Card` (the default
/// type), `Event` or `Note` attachment (`title`, `fallback`, `color`, `intro`, `author`, `text`,
/// `fields`, `footnote`, `imageUri`, `thumbnailUri`, `startTime`, `endTime`, …), kept as sent;
/// answered with its `id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct GlipMessageAttachmentInfo {
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// `GlipPreferencesInfo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct GlipPreferencesInfo {
    pub chats: GlipChatsPreferences,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GlipChatsPreferences {
    pub max_count: u32,
    /// `CombineAllChatTypes`: the web client's left rail lists every kind of chat together.
    pub left_rail_mode: String,
}
