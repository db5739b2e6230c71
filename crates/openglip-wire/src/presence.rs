//! Presence (`GET|PUT /restapi/v1.0/account/{accountId}/extension/{extensionId}/presence`) and
//! the company directory's search (`POST /restapi/v1.0/account/{accountId}/directory/entries/search`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::EnumeratedPaging;

/// The extension a presence is of.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceExtension {
    pub id: i64,
    pub uri: String,
    pub extension_number: String,
}

/// `GetPresenceInfo` (and `PresenceInfoResponse`, the answer of `PUT`). openglip has no
/// telephony: `telephonyStatus` is always `NoCall`, `meetingStatus` `Disconnected`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceInfo {
    pub uri: String,
    pub extension: PresenceExtension,
    /// The aggregate: `Offline`, `Busy` or `Available`.
    pub presence_status: String,
    /// What the person chose.
    pub user_status: String,
    pub dnd_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub allow_see_my_presence: bool,
    pub ring_on_monitored_call: bool,
    pub pick_up_calls_on_hold: bool,
    pub telephony_status: String,
    pub meeting_status: String,
}

/// `PresenceInfoRequest`: what `PUT` may change (unnamed fields stay).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceInfoRequest {
    /// `Offline` (appear offline), `Busy` or `Available`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnd_status: Option<String>,
    /// At most 75 characters; empty clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Accepted and ignored (no telephony).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_see_my_presence: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_on_monitored_call: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pick_up_calls_on_hold: Option<bool>,
}

/// One sort key of a directory search.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryOrderBy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_name: Option<String>,
    /// `Asc` (default) or `Desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
}

/// `SearchDirectoryEntriesRequest`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchDirectoryEntriesRequest {
    /// Matched, case-insensitively, against the `searchFields` (default: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_string: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_fields: Option<Vec<String>>,
    /// Accepted; openglip has no federation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_federated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<Vec<DirectoryOrderBy>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<i64>,
}

/// The company of a directory entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryAccount {
    pub id: String,
    pub company_name: String,
}

/// `ContactResource`: one entry of the directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactResource {
    pub id: String,
    /// `User`, `Bot`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub extension_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// For extensions that are not users (bots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub account: DirectoryAccount,
}

/// `DirectoryResource`: a page of entries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DirectoryResource {
    pub paging: EnumeratedPaging,
    pub records: Vec<ContactResource>,
}
