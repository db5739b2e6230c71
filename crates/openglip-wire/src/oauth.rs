use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The token endpoint's answer. Field names are snake_case on this endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct TokenInfo {
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Seconds, a JSON number.
    pub expires_in: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<i64>,
    pub scope: String,
    /// The extension id, as a string.
    pub owner_id: String,
    pub endpoint_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}
