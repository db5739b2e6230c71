use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{MemberRef, MemberSpec, Navigation};

// ---------- legacy `/restapi/v1.0/glip/groups` ----------

/// A legacy "group": `isPublic`, members as bare id strings, types
/// `PrivateChat`/`Group`/`Team`/`PersonalChat`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GlipGroupInfo {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub members: Vec<String>,
    pub creation_time: String,
    pub last_modified_time: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct GlipGroupList {
    pub records: Vec<GlipGroupInfo>,
    pub navigation: Navigation,
}

/// `POST /restapi/v1.0/glip/groups`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GlipCreateGroup {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub is_public: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub members: Option<Vec<MemberSpec>>,
}

/// `POST /restapi/v1.0/glip/groups/{groupId}/bulk-assign`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GlipBulkAssign {
    #[serde(default)]
    pub added_person_ids: Option<Vec<crate::IdOrString>>,
    #[serde(default)]
    pub added_person_emails: Option<Vec<String>>,
    #[serde(default)]
    pub removed_person_ids: Option<Vec<crate::IdOrString>>,
}

// ---------- current `/team-messaging/v1` ----------

/// `TMChatInfo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatInfo {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    pub creation_time: String,
    pub last_modified_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberRef>>,
}

/// `TMChatList` (records of `/chats`; `/recent/chats` and `/favorites` carry no navigation).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ChatList {
    pub records: Vec<ChatInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation: Option<Navigation>,
}

/// `TMTeamInfo` (no members).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamInfo {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub public: bool,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub status: String,
    pub creation_time: String,
    pub last_modified_time: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct TeamList {
    pub records: Vec<TeamInfo>,
    pub navigation: Navigation,
}

/// `TMConversationInfo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationInfo {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub creation_time: String,
    pub last_modified_time: String,
    pub members: Vec<MemberRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ConversationList {
    pub records: Vec<ConversationInfo>,
    pub navigation: Navigation,
}

/// `EveryoneTeamInfo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EveryoneTeamInfo {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub creation_time: String,
    pub last_modified_time: String,
}

/// `POST /team-messaging/v1/teams`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateTeamRequest {
    #[serde(default)]
    pub public: Option<bool>,
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub members: Option<Vec<MemberSpec>>,
}

/// `PATCH /team-messaging/v1/teams/{chatId}` and `PATCH /team-messaging/v1/everyone`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatchTeamRequest {
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `POST /team-messaging/v1/conversations`, and the body of team add/remove.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct MembersRequest {
    pub members: Option<Vec<MemberSpec>>,
}
