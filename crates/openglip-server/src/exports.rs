//! The data export worker: a background task of the server that builds the datasets of the
//! tasks `POST …/data-export` created (`openglip_domain::export` holds the rules).
//!
//! It claims one task at a time from the store (the oldest waiting, or one whose worker's lease
//! ran out: a crash or a restart mid-build), reads what the task collects in one snapshot, writes
//! it as JSON files in a ZIP archive (`zip.rs`) and completes the task with the archive as its
//! dataset, in one transaction; anything that goes wrong fails the task, with the reason logged.
//! It wakes when a task is created in this process ([`wake`]) and polls every
//! [`POLL_EVERY`] for tasks other processes created or left behind.

use std::time::Duration;

use openglip_domain::export::{ExportData, ExportTask, LEASE_MS};
use openglip_domain::{Result, Timestamp};
use openglip_wire as w;

use crate::AppState;
use crate::convert;

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
        Ok(data) => dataset(&task, &data),
        Err(e) => Err(e.to_string()),
    };
    match built {
        Ok(zip) => {
            let size = zip.len();
            exports.complete_export(task.id, vec![zip]).await?;
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

/// The archive of a task: `chats.json` (the chats as the chats API shows them), `members.json`
/// (who is in each), `posts.json` (the posts, oldest first, as the posts API shows them),
/// `people.json` (everyone they name, as persons), `tasks.json`, `notes.json` (published ones,
/// with their bodies) and `events.json` (as the current API shows them), and `export.json`
/// (what was asked and how many of each).
pub fn dataset(task: &ExportTask, data: &ExportData) -> Result<Vec<u8>, String> {
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
    ];
    let manifest = w::ExportManifest {
        task_id: task.id.to_string(),
        time_from: task.time_from.to_rfc3339(),
        time_to: task.time_to.to_rfc3339(),
        chats: chats.len(),
        posts: posts.len(),
        people: people.len(),
        files: names.iter().map(|n| n.to_string()).collect(),
    };
    crate::zip::archive(&[
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
