//! The data export worker: a background task of the server that builds the datasets of the
//! tasks `POST …/data-export` created (`openglip_domain::export` holds the rules).
//!
//! It claims one task at a time from the store (the oldest waiting, or one whose worker's lease
//! ran out: a crash or a restart mid-build), reads what the task collects in one snapshot, writes
//! it as JSON files in a ZIP archive (`zip.rs`) with the bytes of the posts' files streamed from
//! the blob store (into further archives past a dataset's limit), and completes the task with
//! the archives as its datasets, in one transaction; anything that goes wrong fails the task, with the reason logged.
//! It wakes when a task is created in this process ([`wake`]) and polls every
//! [`POLL_EVERY`] for tasks other processes created or left behind.

use std::time::Duration;

use futures_util::StreamExt;
use openglip_domain::export::{ExportData, ExportTask, LEASE_MS};
use openglip_domain::export_files::{FileLimits, Placement, plan};
use openglip_domain::files::FileRecord;
use openglip_domain::{Result, Timestamp};
use openglip_wire as w;

use crate::AppState;
use crate::convert;
use crate::zip::ZipWriter;

/// How often the worker looks for tasks when nobody woke it.
pub const POLL_EVERY: Duration = Duration::from_secs(5);

fn now() -> Timestamp {
    Timestamp(jiff::Timestamp::now().as_millisecond())
}

/// Tells this process's worker a task is waiting.
pub fn wake(st: &AppState) {
    st.0.exports_wake.notify_one();
}

/// Starts the worker (once per server).
pub fn start(st: AppState) {
    tokio::spawn(async move {
        loop {
            match run_one(&st).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "data export: claiming a task failed"),
            }
            tokio::select! {
                _ = st.0.exports_wake.notified() => {}
                _ = tokio::time::sleep(POLL_EVERY) => {}
            }
        }
    });
}

/// Claims and builds one task; whether there was one.
async fn run_one(st: &AppState) -> Result<bool> {
    let at = now();
    let lease = st
        .config()
        .export_lease
        .map_or(LEASE_MS, |d| d.as_millis() as i64);
    let exports = st.store().exports();
    let Some(task) = exports.claim_export(at, Timestamp(at.0 + lease)).await? else {
        return Ok(false);
    };
    tracing::info!(task = task.id, "data export: building");
    let built = match st.service().export_contents(&task).await {
        Ok(data) => datasets(st, &task, &data).await,
        Err(e) => Err(e.to_string()),
    };
    match built {
        Ok(zips) => {
            let size: usize = zips.iter().map(Vec::len).sum();
            exports.complete_export(task.id, zips).await?;
            tracing::info!(task = task.id, bytes = size, "data export: completed");
        }
        Err(reason) => {
            tracing::warn!(task = task.id, %reason, "data export: failed");
            exports.fail_export(task.id, reason).await?;
        }
    }
    Ok(true)
}

fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, String> {
    serde_json::to_vec_pretty(v).map_err(|e| e.to_string())
}

/// The datasets of a task: the first holds the JSON files ([`json_files`]), `files.json` (the
/// uploads of the exported posts, `ExportFileInfo`) and as many of the uploads' bytes as fit;
/// the others hold more uploads (`openglip_domain::export_files` plans which go where).
pub async fn datasets(
    st: &AppState,
    task: &ExportTask,
    data: &ExportData,
) -> Result<Vec<Vec<u8>>, String> {
    let files = st
        .service()
        .export_files(data)
        .await
        .map_err(|e| e.to_string())?;
    let planned = plan(files, 0, FileLimits::default());
    let count = planned
        .iter()
        .filter_map(|p| match p.placement {
            Placement::Dataset { number, .. } => Some(number),
            Placement::Omitted(_) => None,
        })
        .max()
        .unwrap_or(1);
    let mut first = ZipWriter::new();
    for (name, bytes) in json_files(task, data, planned.len(), count)? {
        first.add(name, &bytes)?;
    }
    let mut zips: Vec<ZipWriter> = std::iter::once(first)
        .chain((1..count).map(|_| ZipWriter::new()))
        .collect();
    let mut listed = Vec::with_capacity(planned.len());
    for p in planned {
        let f = &p.file;
        let mut info = w::ExportFileInfo {
            id: f.id.to_string(),
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            dataset: None,
            path: None,
            omitted: None,
        };
        match p.placement {
            Placement::Dataset { number, path } => {
                match copy_blob(st, f, &mut zips[number - 1], &path).await {
                    Ok(()) => {
                        info.dataset = Some(number);
                        info.path = Some(path);
                    }
                    Err(reason) => {
                        tracing::warn!(task = task.id, file = %f.id, %reason, "data export: a file left out");
                        info.omitted = Some("its content could not be read".into());
                    }
                }
            }
            Placement::Omitted(why) => info.omitted = Some(why.into()),
        }
        listed.push(info);
    }
    zips[0].add("files.json", &json(&listed)?)?;
    zips.into_iter().map(ZipWriter::finish).collect()
}

/// Streams the bytes of `file` from the blob store into an entry of `zip` named `path`; a
/// failure leaves `zip` as it was.
async fn copy_blob(
    st: &AppState,
    file: &FileRecord,
    zip: &mut ZipWriter,
    path: &str,
) -> Result<(), String> {
    let blobs = st
        .config()
        .files
        .blobs
        .clone()
        .ok_or("no blob store is configured")?;
    let blob = blobs
        .get(file.hash)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("its blob is gone")?;
    zip.start(path)?;
    let mut body = blob.body;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(bytes) => zip.write(&bytes)?,
            Err(e) => {
                zip.abandon();
                return Err(e.to_string());
            }
        }
    }
    zip.end()
}

/// The JSON files of a task's first dataset, `export.json` first: `chats.json` (the chats as
/// the chats API shows them), `members.json` (who is in each), `posts.json` (the posts, oldest
/// first, as the posts API shows them), `people.json` (everyone they name, as persons),
/// `tasks.json`, `notes.json` (published ones, with their bodies) and `events.json` (as the
/// current API shows them); `export.json` says what was asked and how many of each (with the
/// `attachments` of `files.json` and the `datasets` that hold them).
pub fn json_files(
    task: &ExportTask,
    data: &ExportData,
    attachments: usize,
    datasets: usize,
) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let chats: Vec<w::ChatInfo> = data.chats.iter().map(convert::chat_info).collect();
    let members: Vec<w::ExportChatMembers> = data
        .chats
        .iter()
        .map(|c| w::ExportChatMembers {
            chat_id: c.id.to_string(),
            members: c.members.iter().map(|m| m.to_string()).collect(),
        })
        .collect();
    let posts: Vec<w::PostInfo> = data.posts.iter().map(convert::post_info).collect();
    let people: Vec<w::PersonInfo> = data.people.iter().map(convert::person_info).collect();
    let tasks: Vec<w::TaskInfo> = data
        .tasks
        .iter()
        .map(convert::teamwork::task_info)
        .collect();
    let notes: Vec<w::NoteInfo> = data
        .notes
        .iter()
        .map(|n| convert::teamwork::note_info(n, true))
        .collect();
    let events: Vec<w::EventInfo> = data
        .events
        .iter()
        .map(convert::teamwork::event_info)
        .collect();
    let names = [
        "chats.json",
        "members.json",
        "posts.json",
        "people.json",
        "tasks.json",
        "notes.json",
        "events.json",
        "files.json",
    ];
    let manifest = w::ExportManifest {
        task_id: task.id.to_string(),
        time_from: task.time_from.to_rfc3339(),
        time_to: task.time_to.to_rfc3339(),
        chats: chats.len(),
        posts: posts.len(),
        people: people.len(),
        files: names.iter().map(|n| n.to_string()).collect(),
        attachments,
        datasets,
    };
    Ok(vec![
        ("export.json", json(&manifest)?),
        (names[0], json(&chats)?),
        (names[1], json(&members)?),
        (names[2], json(&posts)?),
        (names[3], json(&people)?),
        (names[4], json(&tasks)?),
        (names[5], json(&notes)?),
        (names[6], json(&events)?),
    ])
}
