use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `deliveryMode` as clients send it. Unknown transports are kept so the server can name them
/// in its error.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryModeRequest {
    #[serde(default)]
    pub transport_type: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub verification_token: Option<String>,
    /// Some clients send `"true"` (a string), as in the Glip API overview.
    #[serde(default)]
    pub encryption: Option<serde_json::Value>,
}

/// `POST /restapi/v1.0/subscription` and `PUT /restapi/v1.0/subscription/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionRequest {
    #[serde(default)]
    pub event_filters: Option<Vec<String>>,
    #[serde(default)]
    pub delivery_mode: Option<DeliveryModeRequest>,
    #[serde(default)]
    pub expires_in: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryMode {
    pub transport_type: String,
    pub encryption: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_algorithm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlacklistedData {
    pub blacklisted_at: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DisabledFilter {
    pub filter: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `SubscriptionInfo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionInfo {
    pub uri: String,
    pub id: String,
    pub event_filters: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disabled_filters: Vec<DisabledFilter>,
    pub expiration_time: String,
    pub expires_in: i64,
    pub status: String,
    pub creation_time: String,
    pub delivery_mode: DeliveryMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blacklisted_data: Option<BlacklistedData>,
}

/// `GET /restapi/v1.0/subscription`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct SubscriptionList {
    pub uri: String,
    pub records: Vec<SubscriptionInfo>,
}

/// `POST /restapi/oauth/wstoken`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct WsToken {
    pub ws_access_token: String,
    pub uri: String,
    pub expires_in: i64,
}
