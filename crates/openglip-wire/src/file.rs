//! Files: the answer to an upload (`POST /team-messaging/v1/files`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `TMAddFile`: one uploaded file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddFileInfo {
    /// Internal identifier of the file (the `id` of a `File` attachment).
    pub id: String,
    /// Where the content is read (with the same authorization as the API).
    pub content_uri: String,
    pub name: String,
}

/// `TMAddFileResponse`: the uploaded files, in the order of the request's parts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(transparent)]
pub struct AddFileResponse(pub Vec<AddFileInfo>);
