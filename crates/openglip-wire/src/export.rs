//! Data export (`/team-messaging/v1/data-export`, `/restapi/v1.0/glip/data-export`): RingCentral's
//! `DataExportTask` and friends, and the files inside a dataset (openglip's own: RingCentral does
//! not describe the archive's contents).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST …/data-export`. Every field is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateDataExportTaskRequest {
    #[serde(default)]
    pub time_from: Option<String>,
    #[serde(default)]
    pub time_to: Option<String>,
    #[serde(default)]
    pub contacts: Option<Vec<DataExportTaskContactInfo>>,
    #[serde(default)]
    pub chat_ids: Option<Vec<crate::IdOrString>>,
}

/// A person whose data is collected: by `id` or `email`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DataExportTaskContactInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::IdOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DataExportCreatorInfo {
    pub id: String,
}

/// What the task was asked for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataExportSpecificInfo {
    pub time_from: String,
    pub time_to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<DataExportTaskContactInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_ids: Option<Vec<String>>,
}

/// A dataset to download (`ExportTaskResultInfo`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ExportTaskResultInfo {
    pub id: String,
    pub uri: String,
    pub size: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataExportTask {
    pub uri: String,
    pub id: String,
    pub creation_time: String,
    pub last_modified_time: String,
    /// `Accepted`, `InProgress`, `Completed`, `Failed`, `Expired`.
    pub status: String,
    pub creator: DataExportCreatorInfo,
    pub specific: DataExportSpecificInfo,
    /// Only when `Completed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasets: Option<Vec<ExportTaskResultInfo>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DataExportNavigationUri {
    pub uri: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataExportNavigationInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_page: Option<DataExportNavigationUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page: Option<DataExportNavigationUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_page: Option<DataExportNavigationUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_page: Option<DataExportNavigationUri>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataExportPagingInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    pub per_page: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_end: Option<i64>,
    pub total_pages: i64,
    pub total_elements: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct DataExportTaskList {
    pub tasks: Vec<DataExportTask>,
    pub navigation: DataExportNavigationInfo,
    pub paging: DataExportPagingInfo,
}

/// `members.json` in a dataset: who is in each exported chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportChatMembers {
    pub chat_id: String,
    pub members: Vec<String>,
}

/// `export.json` in a dataset: what was exported.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportManifest {
    pub task_id: String,
    pub time_from: String,
    pub time_to: String,
    pub chats: usize,
    pub posts: usize,
    pub people: usize,
    /// The JSON files of the archive, besides this one.
    pub files: Vec<String>,
    /// The uploaded files of the exported posts (`files.json`), and how many datasets hold them.
    #[serde(default)]
    pub attachments: usize,
    #[serde(default)]
    pub datasets: usize,
}

/// `files.json` in a task's first dataset: each file attached to an exported post, and where
/// its bytes are (`dataset` and `path` in that dataset's archive), or why they were left out.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportFileInfo {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// The number of the dataset that holds it (from 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<usize>,
    /// Its path in that dataset's archive (`files/{id}/{name}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Why its bytes are not in the export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omitted: Option<String>,
}
