//! Incoming webhooks: `…/groups/{groupId}/webhooks`, `…/webhooks[/{webhookId}]` (both API
//! generations answer the same shapes), and the answer of a post through a webhook's URL.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `TMWebhookInfo` (and the legacy `GlipWebhookInfo`, spelled alike).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookInfo {
    pub id: String,
    /// The person who made it; posts through it appear as theirs.
    pub creator_id: String,
    /// The chat it posts into (one).
    pub group_ids: Vec<String>,
    pub creation_time: String,
    pub last_modified_time: String,
    /// The URL to post to. It carries the webhook's secret, so it is given only in the answer
    /// that makes the webhook; reads leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `Active` or `Suspended`.
    pub status: String,
}

/// `TMWebhookList`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct WebhookList {
    pub records: Vec<WebhookInfo>,
}

/// What a post through a webhook's URL answers: `{"status": "OK"}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct WebhookPostResult {
    pub status: String,
}

/// What a webhook's URL takes, in either of RingCentral's formats: the current one (`text`,
/// `iconUri`, …, attachments including Adaptive Cards) or the legacy Glip one (`body`, `icon`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IncomingWebhookMessage {
    /// The message (mini-markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The message, in the legacy format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_uri: Option<String>,
    /// The icon's URL, in the legacy format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_emoji: Option<String>,
    /// `Card` (the default type), `AdaptiveCard`, `Event` or `Note` objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<serde_json::Value>>,
}
