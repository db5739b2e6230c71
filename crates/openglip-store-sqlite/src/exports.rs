//! Data export tasks, their queue and datasets (migration 0014; `openglip_domain::export`).

use openglip_domain::export::*;
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::SqliteStore;
use crate::chats::load_members;
use crate::db::Db;
use crate::rows::{self, CHAT_COLS, POST_COLS};

const TASK_COLS: &str = "t.id, t.account_id, t.creator_id, t.status, t.time_from, t.time_to, \
     t.contacts, t.chat_ids, t.failure, t.created, t.modified";

/// `1,2,3` (or '') to ids.
fn parse_ids(text: &str) -> rusqlite::Result<Vec<i64>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
            })
        })
        .collect()
}

fn join_ids(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn task_row(r: &Row<'_>) -> rusqlite::Result<ExportTask> {
    let status: String = r.get(3)?;
    Ok(ExportTask {
        id: r.get(0)?,
        account_id: AccountId(r.get(1)?),
        creator_id: ExtensionId(r.get(2)?),
        status: ExportStatus::parse(&status).unwrap_or(ExportStatus::Failed),
        time_from: Timestamp(r.get(4)?),
        time_to: Timestamp(r.get(5)?),
        contacts: parse_ids(&r.get::<_, String>(6)?)?
            .into_iter()
            .map(ExtensionId)
            .collect(),
        chats: parse_ids(&r.get::<_, String>(7)?)?
            .into_iter()
            .map(ChatId)
            .collect(),
        datasets: Vec::new(),
        failure: r.get(8)?,
        created: Timestamp(r.get(9)?),
        modified: Timestamp(r.get(10)?),
    })
}

/// A task with its datasets.
fn task(c: &Connection, id: i64) -> Result<Option<ExportTask>> {
    let found = c
        .prepare_cached(&format!(
            "SELECT {TASK_COLS} FROM export_tasks t WHERE t.id = ?1"
        ))
        .db()?
        .query_row([id], task_row)
        .optional()
        .db()?;
    let Some(mut t) = found else { return Ok(None) };
    with_datasets(c, std::slice::from_mut(&mut t))?;
    Ok(Some(t))
}

fn with_datasets(c: &Connection, tasks: &mut [ExportTask]) -> Result<()> {
    let mut stmt = c
        .prepare_cached("SELECT id, size FROM export_datasets WHERE task_id = ?1 ORDER BY id")
        .db()?;
    for t in tasks {
        t.datasets = stmt
            .query_map([t.id], |r| {
                Ok(Dataset {
                    id: r.get(0)?,
                    size: r.get(1)?,
                })
            })
            .db()?
            .collect::<rusqlite::Result<_>>()
            .db()?;
    }
    Ok(())
}

fn create(c: &Connection, now: i64, new: NewExport) -> Result<ExportTask> {
    let active: i64 = c
        .prepare_cached(
            "SELECT count(*) FROM export_tasks WHERE account_id = ?1 AND status IN ('Accepted', 'InProgress')",
        )
        .db()?
        .query_row([new.account_id.0], |r| r.get(0))
        .db()?;
    if active >= MAX_ACTIVE as i64 {
        return Err(Error::invalid_subject(
            Subject::ExportTask,
            format!(
                "No more than {MAX_ACTIVE} data export tasks of a company can be waiting or running at once."
            ),
        ));
    }
    c.prepare_cached(
        "INSERT INTO export_tasks (account_id, creator_id, status, time_from, time_to, contacts, chat_ids, created, modified)
         VALUES (?1, ?2, 'Accepted', ?3, ?4, ?5, ?6, ?7, ?7)",
    )
    .db()?
    .execute(params![
        new.account_id.0,
        new.creator_id.0,
        new.time_from.0,
        new.time_to.0,
        join_ids(new.contacts.iter().map(|e| e.0)),
        join_ids(new.chats.iter().map(|e| e.0)),
        now
    ])
    .db()?;
    let id = c.last_insert_rowid();
    task(c, id)?.ok_or(Error::NotFound(Subject::ExportTask))
}

fn list(
    c: &Connection,
    account: AccountId,
    status: Option<ExportStatus>,
) -> Result<Vec<ExportTask>> {
    let mut tasks = c
        .prepare_cached(&format!(
            "SELECT {TASK_COLS} FROM export_tasks t
              WHERE t.account_id = ?1 AND (?2 IS NULL OR t.status = ?2) ORDER BY t.id DESC"
        ))
        .db()?
        .query_map(params![account.0, status.map(|s| s.as_str())], task_row)
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    with_datasets(c, &mut tasks)?;
    Ok(tasks)
}

fn claim(c: &Connection, now: i64, at: Timestamp, until: Timestamp) -> Result<Option<ExportTask>> {
    let id: Option<i64> = c
        .prepare_cached(
            "SELECT id FROM export_tasks
              WHERE status = 'Accepted' OR (status = 'InProgress' AND lease_until < ?1)
              ORDER BY id LIMIT 1",
        )
        .db()?
        .query_row([at.0], |r| r.get(0))
        .optional()
        .db()?;
    let Some(id) = id else { return Ok(None) };
    c.prepare_cached(
        "UPDATE export_tasks SET status = 'InProgress', lease_until = ?2, modified = ?3 WHERE id = ?1",
    )
    .db()?
    .execute(params![id, until.0, now])
    .db()?;
    task(c, id)
}

fn data(c: &Connection, t: &ExportTask) -> Result<ExportData> {
    let mut chats = if t.chats.is_empty() {
        c.prepare_cached(&format!(
            "SELECT {CHAT_COLS} FROM chats c WHERE c.account_id = ?1 ORDER BY c.id"
        ))
        .db()?
        .query_map([t.account_id.0], rows::chat)
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?
    } else {
        c.prepare_cached(&format!(
            "SELECT {CHAT_COLS} FROM chats c
              WHERE c.account_id = ?1 AND c.id IN (SELECT value FROM json_each(?2)) ORDER BY c.id"
        ))
        .db()?
        .query_map(
            params![
                t.account_id.0,
                format!("[{}]", join_ids(t.chats.iter().map(|c| c.0)))
            ],
            rows::chat,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?
    };
    load_members(c, &mut chats)?;
    let mut stmt = c
        .prepare_cached(&format!(
            "SELECT {POST_COLS} FROM posts p
              WHERE p.chat_id = ?1 AND p.created >= ?2 AND p.created < ?3 ORDER BY p.id"
        ))
        .db()?;
    let mut posts = Vec::new();
    for chat in &chats {
        posts.extend(
            stmt.query_map(params![chat.id.0, t.time_from.0, t.time_to.0], rows::post)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?,
        );
    }
    posts.sort_by_key(|p| p.id);
    Ok(ExportData {
        chats,
        posts,
        ..Default::default()
    })
}

fn complete(c: &Connection, now: i64, id: i64, datasets: Vec<Vec<u8>>) -> Result<ExportTask> {
    let mut insert = c
        .prepare_cached(
            "INSERT INTO export_datasets (task_id, id, size, bytes) VALUES (?1, ?2, ?3, ?4)",
        )
        .db()?;
    for (n, bytes) in datasets.iter().enumerate() {
        insert
            .execute(params![id, n as i64 + 1, bytes.len() as i64, bytes])
            .db()?;
    }
    finish(c, now, id, ExportStatus::Completed, None)
}

fn finish(
    c: &Connection,
    now: i64,
    id: i64,
    status: ExportStatus,
    failure: Option<String>,
) -> Result<ExportTask> {
    let n = c
        .prepare_cached(
            "UPDATE export_tasks SET status = ?2, failure = ?3, lease_until = NULL, modified = ?4 WHERE id = ?1",
        )
        .db()?
        .execute(params![id, status.as_str(), failure, now])
        .db()?;
    if n == 0 {
        return Err(Error::NotFound(Subject::ExportTask));
    }
    task(c, id)?.ok_or(Error::NotFound(Subject::ExportTask))
}

impl ExportStore for SqliteStore {
    fn create_export(&self, new: NewExport) -> BoxFuture<'_, ExportTask> {
        Box::pin(self.write(move |c, now| create(c, now, new)))
    }

    fn export_task(&self, id: i64) -> BoxFuture<'_, Option<ExportTask>> {
        Box::pin(self.read(move |c| task(c, id)))
    }

    fn export_tasks(
        &self,
        account: AccountId,
        status: Option<ExportStatus>,
    ) -> BoxFuture<'_, Vec<ExportTask>> {
        Box::pin(self.read(move |c| list(c, account, status)))
    }

    fn claim_export(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> BoxFuture<'_, Option<ExportTask>> {
        Box::pin(self.write(move |c, at| claim(c, at, now, lease_until)))
    }

    fn export_data(&self, task: ExportTask) -> BoxFuture<'_, ExportData> {
        Box::pin(self.read(move |c| data(c, &task)))
    }

    fn complete_export(&self, id: i64, datasets: Vec<Vec<u8>>) -> BoxFuture<'_, ExportTask> {
        Box::pin(self.write(move |c, now| complete(c, now, id, datasets)))
    }

    fn fail_export(&self, id: i64, reason: String) -> BoxFuture<'_, ExportTask> {
        Box::pin(self.write(move |c, now| finish(c, now, id, ExportStatus::Failed, Some(reason))))
    }

    fn export_dataset(&self, task: i64, dataset: i64) -> BoxFuture<'_, Option<Vec<u8>>> {
        Box::pin(self.read(move |c| {
            c.prepare_cached("SELECT bytes FROM export_datasets WHERE task_id = ?1 AND id = ?2")
                .db()?
                .query_row([task, dataset], |r| r.get(0))
                .optional()
                .db()
        }))
    }
}
