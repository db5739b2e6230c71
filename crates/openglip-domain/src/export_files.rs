//! The files of a data export (RingCentral's "files" dataset): the uploads attached to the
//! exported posts, their bytes copied from the blob store into the task's archives.
//!
//! Which files, and where each goes, is decided here, before any byte is read ([`plan`]): in
//! the order of the posts, each file once, into the first dataset while it stays under
//! [`FileLimits::dataset_bytes`], then into further datasets of files only; a file that alone
//! exceeds a dataset, or that would take the export past [`FileLimits::total_bytes`], is
//! listed and left out, with the reason. The server streams the bytes (`exports.rs`).

use std::collections::HashSet;

use crate::error::Result;
use crate::export::ExportData;
use crate::files::FileRecord;
use crate::service::Service;

/// The most one dataset (a ZIP archive, kept in the database) holds.
pub const MAX_DATASET_BYTES: u64 = 256 << 20;
/// The most the files of one export may add up to.
pub const MAX_FILES_BYTES: u64 = 1 << 30;

/// How much of the files an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    pub dataset_bytes: u64,
    pub total_bytes: u64,
}

impl Default for FileLimits {
    fn default() -> FileLimits {
        FileLimits {
            dataset_bytes: MAX_DATASET_BYTES,
            total_bytes: MAX_FILES_BYTES,
        }
    }
}

/// Where one file of the export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Into the dataset of this number (from 1), at `path`.
    Dataset { number: usize, path: String },
    /// Listed, not included: why, in words.
    Omitted(&'static str),
}

/// A file of the export and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub file: FileRecord,
    pub placement: Placement,
}

/// Bytes a file's entry takes in an archive besides its content (headers, central directory).
fn overhead(path: &str) -> u64 {
    76 + 2 * path.len() as u64
}

/// Places `files` (in order) into datasets; the first already holds `first_used` bytes.
pub fn plan(files: Vec<FileRecord>, first_used: u64, limits: FileLimits) -> Vec<PlannedFile> {
    let mut number = 1;
    let mut used = first_used;
    let mut total = 0u64;
    files
        .into_iter()
        .map(|file| {
            let path = format!("files/{}/{}", file.id, file.name);
            let need = file.size + overhead(&path);
            let placement = if need > limits.dataset_bytes {
                Placement::Omitted("larger than a dataset may be")
            } else if total + file.size > limits.total_bytes {
                Placement::Omitted("past the export's limit of files")
            } else {
                if used + need > limits.dataset_bytes {
                    number += 1;
                    used = 0;
                }
                used += need;
                total += file.size;
                Placement::Dataset { number, path }
            };
            PlannedFile { file, placement }
        })
        .collect()
}

impl Service {
    /// The files attached to the posts of `data`, in the order of the posts, each once.
    pub async fn export_files(&self, data: &ExportData) -> Result<Vec<FileRecord>> {
        let files = self.store().files();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for post in &data.posts {
            let has_file = post
                .attachments
                .iter()
                .any(|a| a.get("type").and_then(|t| t.as_str()) == Some("File"));
            if !has_file {
                continue;
            }
            for f in files.files_of_post(post.id).await? {
                if seen.insert(f.id) {
                    out.push(f);
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::ContentHash;
    use crate::ids::*;
    use crate::time::Timestamp;

    fn file(id: i64, size: u64) -> FileRecord {
        FileRecord {
            id: FileId(id),
            account_id: AccountId(1),
            uploader_id: ExtensionId(2),
            name: "a.bin".into(),
            content_type: "application/octet-stream".into(),
            size,
            hash: ContentHash([0; 32]),
            content_uri: String::new(),
            chats: vec![],
            created: Timestamp(0),
        }
    }

    fn numbers(planned: &[PlannedFile]) -> Vec<Option<usize>> {
        planned
            .iter()
            .map(|p| match &p.placement {
                Placement::Dataset { number, .. } => Some(*number),
                Placement::Omitted(_) => None,
            })
            .collect()
    }

    #[test]
    fn files_fill_datasets_in_order_and_the_rest_is_left_out() {
        let limits = FileLimits {
            dataset_bytes: 1_000,
            total_bytes: 1_500,
        };
        let planned = plan(
            vec![
                file(1, 300),
                file(2, 400),
                file(3, 2_000),
                file(4, 400),
                file(5, 600),
            ],
            0,
            limits,
        );
        // 300 + 400 (+ 102 bytes of headers each) fill the first; 4 starts the second; 5 would
        // pass the total; 3 is larger than any dataset.
        assert_eq!(numbers(&planned), [Some(1), Some(1), None, Some(2), None]);
        assert_eq!(
            planned[0].placement,
            Placement::Dataset {
                number: 1,
                path: "files/1/a.bin".into()
            }
        );
        assert_eq!(
            planned[2].placement,
            Placement::Omitted("larger than a dataset may be")
        );
        assert_eq!(
            planned[4].placement,
            Placement::Omitted("past the export's limit of files")
        );
    }
}
