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

/// A post found by a search (openglip's extension `GET /team-messaging/v1/search/posts`): the
/// post as the posts API shows it, the chat it is in, and the highlight.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchPostInfo {
    #[serde(flatten)]
    pub post: PostInfo,
    /// The chat the post is in (the same as `groupId`).
    pub chat_id: String,
    /// An HTML fragment: a snippet of the post's text (the whole text when it is short),
    /// escaped, with each matching word in `<mark>…</mark>` and `…` where text was left out.
    pub highlight: String,
}

/// A page of search results, best match first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct SearchPostList {
    pub records: Vec<SearchPostInfo>,
    pub navigation: Navigation,
}

/// One emoji on a post (openglip's extension `…/posts/{postId}/reactions`): how many people
/// added it, who (in the order they did), and, in REST answers, whether the caller is one of
/// them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionInfo {
    pub emoji: String,
    pub count: usize,
    pub person_ids: Vec<String>,
    /// Whether the caller added it (REST answers only; events leave it out, since they go to
    /// many people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reacted: Option<bool>,
}

/// A post's reactions, in the order their emoji were first added.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ReactionList {
    pub records: Vec<ReactionInfo>,
}
