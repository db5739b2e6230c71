use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Navigation;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct MentionInfo {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
}

/// A post, in both generations (`GlipPostInfo`, `TMPostInfo`): the current API's fields are a
/// superset of the legacy ones.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostInfo {
    pub id: String,
    pub group_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
    pub creator_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_person_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_person_ids: Option<Vec<String>>,
    pub creation_time: String,
    pub last_modified_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentions: Option<Vec<MentionInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_emoji: Option<String>,
    pub is_parent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_post_id: Option<String>,
    pub thread_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct PostList {
    pub records: Vec<PostInfo>,
    pub navigation: Navigation,
}

/// Body of post creation on both generations. `groupId` is used by `POST /restapi/v1.0/glip/posts`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatePostRequest {
    #[serde(default)]
    pub group_id: Option<crate::IdOrString>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub parent_post_id: Option<crate::IdOrString>,
    #[serde(default)]
    pub thread_id: Option<crate::IdOrString>,
    #[serde(default)]
    pub attachments: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub activity: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub icon_uri: Option<String>,
    #[serde(default)]
    pub icon_emoji: Option<String>,
}

/// `PATCH /team-messaging/v1/chats/{chatId}/posts/{postId}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct UpdatePostRequest {
    pub text: Option<String>,
}
