//! Data export tasks, their queue and datasets (migration 0014; `openglip_domain::export`).
//! Claims go through the writer, whose advisory lock makes them one at a time across processes.

use openglip_domain::export::*;
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use postgres::Row;

use crate::PostgresStore;
use crate::chats::chats_with_members;
use crate::db::{Conn, get};
use crate::rows::{self, CHAT_COLS, POST_COLS};

const TASK_COLS: &str = "t.id, t.account_id, t.creator_id, t.status, t.time_from, t.time_to, \
     t.contacts, t.chat_ids, t.failure, t.created, t.modified";

/// `1,2,3` (or '') to ids.
fn parse_ids(text: &str) -> Result<Vec<i64>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|e| Error::Internal(format!("export_tasks: bad id list: {e}")))
        })
        .collect()
}

fn join_ids(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn task_row(r: &Row) -> Result<ExportTask> {
    let status: String = get(r, 3)?;
    Ok(ExportTask {
        id: get(r, 0)?,
        account_id: AccountId(get(r, 1)?),
        creator_id: ExtensionId(get(r, 2)?),
        status: ExportStatus::parse(&status).unwrap_or(ExportStatus::Failed),
        time_from: Timestamp(get(r, 4)?),
        time_to: Timestamp(get(r, 5)?),
        contacts: parse_ids(&get::<String>(r, 6)?)?
            .into_iter()
            .map(ExtensionId)
            .collect(),
        chats: parse_ids(&get::<String>(r, 7)?)?
            .into_iter()
            .map(ChatId)
            .collect(),
        datasets: Vec::new(),
        failure: get(r, 8)?,
        created: Timestamp(get(r, 9)?),
        modified: Timestamp(get(r, 10)?),
    })
}

fn task(c: &mut Conn, id: i64) -> Result<Option<ExportTask>> {
    let sql = format!("SELECT {TASK_COLS} FROM export_tasks t WHERE t.id = $1");
    let Some(mut t) = c.map_opt(&sql, &[&id], task_row)? else {
        return Ok(None);
    };
    with_datasets(c, std::slice::from_mut(&mut t))?;
    Ok(Some(t))
}

fn with_datasets(c: &mut Conn, tasks: &mut [ExportTask]) -> Result<()> {
    for t in tasks {
        t.datasets = c.map(
            "SELECT id, size FROM export_datasets WHERE task_id = $1 ORDER BY id",
            &[&t.id],
            |r| {
                Ok(Dataset {
                    id: get(r, 0)?,
                    size: get(r, 1)?,
                })
            },
        )?;
    }
    Ok(())
}

fn create(c: &mut Conn, now: i64, new: NewExport) -> Result<ExportTask> {
    let active: i64 = get(
        &c.one(
            "SELECT count(*) FROM export_tasks WHERE account_id = $1 AND status IN ('Accepted', 'InProgress')",
            &[&new.account_id.0],
        )?,
        0,
    )?;
    if active >= MAX_ACTIVE as i64 {
        return Err(Error::invalid_subject(
            Subject::ExportTask,
            format!(
                "No more than {MAX_ACTIVE} data export tasks of a company can be waiting or running at once."
            ),
        ));
    }
    let row = c.one(
        "INSERT INTO export_tasks (account_id, creator_id, status, time_from, time_to, contacts, chat_ids, created, modified)
         VALUES ($1, $2, 'Accepted', $3, $4, $5, $6, $7, $7) RETURNING id",
        &[
            &new.account_id.0,
            &new.creator_id.0,
            &new.time_from.0,
            &new.time_to.0,
            &join_ids(new.contacts.iter().map(|e| e.0)),
            &join_ids(new.chats.iter().map(|e| e.0)),
            &now,
        ],
    )?;
    let id: i64 = get(&row, 0)?;
    task(c, id)?.ok_or(Error::NotFound(Subject::ExportTask))
}

fn list(c: &mut Conn, account: AccountId, status: Option<ExportStatus>) -> Result<Vec<ExportTask>> {
    let sql = format!(
        "SELECT {TASK_COLS} FROM export_tasks t
          WHERE t.account_id = $1 AND ($2::text IS NULL OR t.status = $2) ORDER BY t.id DESC"
    );
    let mut tasks = c.map(&sql, &[&account.0, &status.map(|s| s.as_str())], task_row)?;
    with_datasets(c, &mut tasks)?;
    Ok(tasks)
}

fn claim(c: &mut Conn, now: i64, at: Timestamp, until: Timestamp) -> Result<Option<ExportTask>> {
    let found = c.opt(
        "SELECT id FROM export_tasks
          WHERE status = 'Accepted' OR (status = 'InProgress' AND lease_until < $1)
          ORDER BY id LIMIT 1 FOR UPDATE",
        &[&at.0],
    )?;
    let Some(row) = found else { return Ok(None) };
    let id: i64 = get(&row, 0)?;
    c.exec(
        "UPDATE export_tasks SET status = 'InProgress', lease_until = $2, modified = $3 WHERE id = $1",
        &[&id, &until.0, &now],
    )?;
    task(c, id)
}

fn data(c: &mut Conn, t: &ExportTask) -> Result<ExportData> {
    let chats = if t.chats.is_empty() {
        let sql = format!("SELECT {CHAT_COLS} FROM chats c WHERE c.account_id = $1 ORDER BY c.id");
        chats_with_members(c, &sql, &[&t.account_id.0])?
    } else {
        let ids: Vec<i64> = t.chats.iter().map(|c| c.0).collect();
        let sql = format!(
            "SELECT {CHAT_COLS} FROM chats c WHERE c.account_id = $1 AND c.id = ANY($2) ORDER BY c.id"
        );
        chats_with_members(c, &sql, &[&t.account_id.0, &ids])?
    };
    let ids: Vec<i64> = chats.iter().map(|c| c.id.0).collect();
    let sql = format!(
        "SELECT {POST_COLS} FROM posts p
          WHERE p.chat_id = ANY($1) AND p.created >= $2 AND p.created < $3 ORDER BY p.id"
    );
    let posts = c.map(&sql, &[&ids, &t.time_from.0, &t.time_to.0], rows::post)?;
    Ok(ExportData {
        chats,
        posts,
        ..Default::default()
    })
}

fn complete(c: &mut Conn, now: i64, id: i64, datasets: Vec<Vec<u8>>) -> Result<ExportTask> {
    for (n, bytes) in datasets.iter().enumerate() {
        c.exec(
            "INSERT INTO export_datasets (task_id, id, size, bytes) VALUES ($1, $2, $3, $4)",
            &[&id, &(n as i64 + 1), &(bytes.len() as i64), bytes],
        )?;
    }
    finish(c, now, id, ExportStatus::Completed, None)
}

fn finish(
    c: &mut Conn,
    now: i64,
    id: i64,
    status: ExportStatus,
    failure: Option<String>,
) -> Result<ExportTask> {
    let n = c.exec(
        "UPDATE export_tasks SET status = $2, failure = $3, lease_until = NULL, modified = $4 WHERE id = $1",
        &[&id, &status.as_str(), &failure, &now],
    )?;
    if n == 0 {
        return Err(Error::NotFound(Subject::ExportTask));
    }
    task(c, id)?.ok_or(Error::NotFound(Subject::ExportTask))
}

impl ExportStore for PostgresStore {
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
            c.map_opt(
                "SELECT bytes FROM export_datasets WHERE task_id = $1 AND id = $2",
                &[&task, &dataset],
                |r| get::<Vec<u8>>(r, 0),
            )
        }))
    }
}
