//! Files (`blobs`, `files`, `file_posts`; schema version 8): the `FileStore` of the domain's
//! `files` module. A file's post is made by `posts::create_post` in the same transaction, with
//! its `PostAdded` event, so an upload into a chat is recorded completely or not at all.

use openglip_domain::events::EventPayload;
use openglip_domain::files::{ContentHash, FileRecord, FileStore, NewFile};
use openglip_domain::store::{BoxFuture, NewPost};
use openglip_domain::{ChatId, Error, FileId, Post, PostId, Result, Timestamp};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::db::Db;
use crate::{SqliteStore, events, posts};

const FILE_COLS: &str = "f.id, f.account_id, f.uploader_id, f.name, f.content_type, f.size, f.hash, f.content_uri, f.created";

fn file_row(r: &Row<'_>) -> rusqlite::Result<FileRecord> {
    let hash: String = r.get(6)?;
    Ok(FileRecord {
        id: FileId(r.get(0)?),
        account_id: openglip_domain::AccountId(r.get(1)?),
        uploader_id: openglip_domain::ExtensionId(r.get(2)?),
        name: r.get(3)?,
        content_type: r.get(4)?,
        size: u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
        hash: ContentHash::from_hex(&hash).unwrap_or(ContentHash([0; 32])),
        content_uri: r.get(7)?,
        chats: Vec::new(),
        created: Timestamp(r.get(8)?),
    })
}

/// The chats of the posts a file is attached to.
fn chats_of(c: &Connection, file: FileId) -> Result<Vec<ChatId>> {
    let mut stmt = c
        .prepare_cached(
            "SELECT DISTINCT chat_id FROM file_posts WHERE file_id = ?1 ORDER BY chat_id",
        )
        .db()?;
    let rows = stmt
        .query_map([file.0], |r| Ok(ChatId(r.get(0)?)))
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(rows)
}

fn file(c: &Connection, id: FileId) -> Result<Option<FileRecord>> {
    let found = c
        .prepare_cached(&format!("SELECT {FILE_COLS} FROM files f WHERE f.id = ?1"))
        .db()?
        .query_row([id.0], file_row)
        .optional()
        .db()?;
    match found {
        Some(mut f) => {
            f.chats = chats_of(c, f.id)?;
            Ok(Some(f))
        }
        None => Ok(None),
    }
}

/// Marks a blob used now.
fn touch(c: &Connection, now: i64, hash: ContentHash, size: i64) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO blobs (hash, size, touched) VALUES (?1, ?2, ?3)
         ON CONFLICT (hash) DO UPDATE SET touched = excluded.touched",
    )
    .db()?
    .execute(params![hash.hex(), size, now])
    .db()?;
    Ok(())
}

/// Records one file, and marks its blob as used now.
fn insert(c: &Connection, now: i64, new: NewFile) -> Result<FileRecord> {
    let size = i64::try_from(new.size).map_err(|_| Error::internal("file size out of range"))?;
    touch(c, now, new.hash, size)?;
    c.prepare_cached(
        "INSERT INTO files (account_id, uploader_id, name, content_type, size, hash, content_uri, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7)",
    )
    .db()?
    .execute(params![
        new.account_id.0,
        new.uploader_id.0,
        new.name,
        new.content_type,
        size,
        new.hash.hex(),
        now
    ])
    .db()?;
    let id = FileId(c.last_insert_rowid());
    let content_uri = format!("{}{}", new.content_prefix, id);
    c.prepare_cached("UPDATE files SET content_uri = ?2 WHERE id = ?1")
        .db()?
        .execute(params![id.0, content_uri])
        .db()?;
    Ok(FileRecord {
        id,
        account_id: new.account_id,
        uploader_id: new.uploader_id,
        name: new.name,
        content_type: new.content_type,
        size: new.size,
        hash: new.hash,
        content_uri,
        chats: Vec::new(),
        created: Timestamp(now),
    })
}

fn post_files(
    c: &Connection,
    now: i64,
    new_post: NewPost,
    new: Vec<NewFile>,
    existing: Vec<FileId>,
) -> Result<(Post, Vec<FileRecord>)> {
    let (_, post) = posts::create_post(c, now, new_post)?;
    let mut records = Vec::with_capacity(existing.len() + new.len());
    for id in existing {
        records.push(file(c, id)?.ok_or(Error::NotFound(openglip_domain::Subject::File))?);
    }
    for f in new {
        records.push(insert(c, now, f)?);
    }
    let mut attachments = post.attachments.clone();
    for (position, f) in records.iter_mut().enumerate() {
        c.prepare_cached(
            "INSERT OR IGNORE INTO file_posts (file_id, post_id, chat_id, position) VALUES (?1, ?2, ?3, ?4)",
        )
        .db()?
        .execute(params![f.id.0, post.id.0, post.chat_id.0, position as i64])
        .db()?;
        if !f.chats.contains(&post.chat_id) {
            f.chats.push(post.chat_id);
        }
        attachments.push(f.attachment());
    }
    let post = posts::update_attachments(c, now, post.chat_id, post.id, attachments)?;
    events::append(
        c,
        now,
        None,
        &EventPayload::PostAdded { post: post.clone() },
    )?;
    Ok((post, records))
}

impl FileStore for SqliteStore {
    fn create_files(&self, new: Vec<NewFile>) -> BoxFuture<'_, Vec<FileRecord>> {
        Box::pin(self.write(move |c, now| new.into_iter().map(|f| insert(c, now, f)).collect()))
    }

    fn post_files(
        &self,
        post: NewPost,
        new: Vec<NewFile>,
        existing: Vec<FileId>,
    ) -> BoxFuture<'_, (Post, Vec<FileRecord>)> {
        Box::pin(self.write_ev(move |c, now| post_files(c, now, post, new, existing)))
    }

    fn file(&self, id: FileId) -> BoxFuture<'_, Option<FileRecord>> {
        Box::pin(self.read(move |c| file(c, id)))
    }

    fn files_of_post(&self, post: PostId) -> BoxFuture<'_, Vec<FileRecord>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {FILE_COLS} FROM file_posts fp JOIN files f ON f.id = fp.file_id
                     WHERE fp.post_id = ?1 ORDER BY fp.position"
                ))
                .db()?;
            let mut out = stmt
                .query_map([post.0], file_row)
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            for f in &mut out {
                f.chats = chats_of(c, f.id)?;
            }
            Ok(out)
        }))
    }

    fn forget_unattached_files(&self, before: Timestamp) -> BoxFuture<'_, u64> {
        Box::pin(self.write(move |c, _| {
            let n = c
                .prepare_cached(
                    "DELETE FROM files WHERE created < ?1
                       AND NOT EXISTS (SELECT 1 FROM file_posts fp WHERE fp.file_id = files.id)",
                )
                .db()?
                .execute([before.millis()])
                .db()?;
            Ok(n as u64)
        }))
    }

    fn unused_blobs(&self, before: Timestamp, limit: usize) -> BoxFuture<'_, Vec<ContentHash>> {
        Box::pin(self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT b.hash FROM blobs b WHERE b.touched < ?1
                       AND NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = b.hash)
                     ORDER BY b.touched LIMIT ?2",
                )
                .db()?;
            let hashes = stmt
                .query_map(params![before.millis(), limit as i64], |r| {
                    r.get::<_, String>(0)
                })
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(hashes
                .iter()
                .filter_map(|h| ContentHash::from_hex(h))
                .collect())
        }))
    }

    fn touch_blob(&self, hash: ContentHash, size: u64) -> BoxFuture<'_, ()> {
        Box::pin(self.write(move |c, now| {
            let size =
                i64::try_from(size).map_err(|_| Error::internal("blob size out of range"))?;
            touch(c, now, hash, size)
        }))
    }

    fn forget_blob(&self, hash: ContentHash, before: Timestamp) -> BoxFuture<'_, bool> {
        Box::pin(self.write(move |c, _| {
            let n = c
                .prepare_cached(
                    "DELETE FROM blobs WHERE hash = ?1 AND touched < ?2
                       AND NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = blobs.hash)",
                )
                .db()?
                .execute(params![hash.hex(), before.millis()])
                .db()?;
            Ok(n == 1)
        }))
    }
}
