//! Files (`blobs`, `files`, `file_posts`; schema version 8): the `FileStore` of the domain's
//! `files` module, as the SQLite store keeps it. A file's post is made by `posts::create_post`
//! in the same transaction, with its `PostAdded` event.

use openglip_domain::events::EventPayload;
use openglip_domain::files::{ContentHash, FileRecord, FileStore, NewFile};
use openglip_domain::store::{BoxFuture, NewPost};
use openglip_domain::{
    AccountId, ChatId, Error, ExtensionId, FileId, Post, PostId, Result, Subject, Timestamp,
};
use postgres::Row;

use crate::db::{Conn, get};
use crate::{PostgresStore, events, posts};

const FILE_COLS: &str = "f.id, f.account_id, f.uploader_id, f.name, f.content_type, f.size, f.hash, f.content_uri, f.created";

fn file_row(r: &Row) -> Result<FileRecord> {
    let hash: String = get(r, 6)?;
    let size: i64 = get(r, 5)?;
    Ok(FileRecord {
        id: FileId(get(r, 0)?),
        account_id: AccountId(get(r, 1)?),
        uploader_id: ExtensionId(get(r, 2)?),
        name: get(r, 3)?,
        content_type: get(r, 4)?,
        size: u64::try_from(size).unwrap_or(0),
        hash: ContentHash::from_hex(&hash)
            .ok_or_else(|| Error::Internal(format!("postgres: bad content hash {hash:?}")))?,
        content_uri: get(r, 7)?,
        chats: Vec::new(),
        created: Timestamp(get(r, 8)?),
    })
}

/// The chats of the posts a file is attached to.
fn chats_of(c: &mut Conn, file: FileId) -> Result<Vec<ChatId>> {
    c.map(
        "SELECT DISTINCT chat_id FROM file_posts WHERE file_id = $1 ORDER BY chat_id",
        &[&file.0],
        |r| Ok(ChatId(get(r, 0)?)),
    )
}

fn file(c: &mut Conn, id: FileId) -> Result<Option<FileRecord>> {
    let found = c.map_opt(
        &format!("SELECT {FILE_COLS} FROM files f WHERE f.id = $1"),
        &[&id.0],
        file_row,
    )?;
    match found {
        Some(mut f) => {
            f.chats = chats_of(c, f.id)?;
            Ok(Some(f))
        }
        None => Ok(None),
    }
}

/// Marks a blob used now.
fn touch(c: &mut Conn, now: i64, hash: &str, size: i64) -> Result<()> {
    c.exec(
        "INSERT INTO blobs (hash, size, touched) VALUES ($1, $2, $3)
         ON CONFLICT (hash) DO UPDATE SET touched = excluded.touched",
        &[&hash, &size, &now],
    )?;
    Ok(())
}

/// Records one file, and marks its blob as used now.
fn insert(c: &mut Conn, now: i64, new: NewFile) -> Result<FileRecord> {
    let size = i64::try_from(new.size).map_err(|_| Error::internal("file size out of range"))?;
    let hash = new.hash.hex();
    touch(c, now, &hash, size)?;
    let row = c.one(
        "INSERT INTO files (account_id, uploader_id, name, content_type, size, hash, content_uri, created)
         VALUES ($1, $2, $3, $4, $5, $6, '', $7) RETURNING id",
        &[
            &new.account_id.0,
            &new.uploader_id.0,
            &new.name,
            &new.content_type,
            &size,
            &hash,
            &now,
        ],
    )?;
    let id = FileId(get(&row, 0)?);
    let content_uri = format!("{}{}", new.content_prefix, id);
    c.exec(
        "UPDATE files SET content_uri = $2 WHERE id = $1",
        &[&id.0, &content_uri],
    )?;
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
    c: &mut Conn,
    now: i64,
    new_post: NewPost,
    new: Vec<NewFile>,
    existing: Vec<FileId>,
) -> Result<(Post, Vec<FileRecord>)> {
    let (account, post) = posts::create_post(c, now, new_post)?;
    let mut records = Vec::with_capacity(existing.len() + new.len());
    for id in existing {
        records.push(file(c, id)?.ok_or(Error::NotFound(Subject::File))?);
    }
    for f in new {
        records.push(insert(c, now, f)?);
    }
    let mut attachments = post.attachments.clone();
    for (position, f) in records.iter_mut().enumerate() {
        c.exec(
            "INSERT INTO file_posts (file_id, post_id, chat_id, position) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[&f.id.0, &post.id.0, &post.chat_id.0, &(position as i64)],
        )?;
        if !f.chats.contains(&post.chat_id) {
            f.chats.push(post.chat_id);
        }
        attachments.push(f.attachment());
    }
    let post = posts::update_attachments(c, now, post.chat_id, post.id, attachments)?;
    events::append(
        c,
        now,
        Some(account),
        &EventPayload::PostAdded { post: post.clone() },
    )?;
    Ok((post, records))
}

impl FileStore for PostgresStore {
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
            let mut out = c.map(
                &format!(
                    "SELECT {FILE_COLS} FROM file_posts fp JOIN files f ON f.id = fp.file_id
                     WHERE fp.post_id = $1 ORDER BY fp.position"
                ),
                &[&post.0],
                file_row,
            )?;
            for f in &mut out {
                f.chats = chats_of(c, f.id)?;
            }
            Ok(out)
        }))
    }

    fn forget_unattached_files(&self, before: Timestamp) -> BoxFuture<'_, u64> {
        Box::pin(self.write(move |c, _| {
            c.exec(
                "DELETE FROM files WHERE created < $1
                   AND NOT EXISTS (SELECT 1 FROM file_posts fp WHERE fp.file_id = files.id)",
                &[&before.millis()],
            )
        }))
    }

    fn unused_blobs(&self, before: Timestamp, limit: usize) -> BoxFuture<'_, Vec<ContentHash>> {
        Box::pin(self.read(move |c| {
            let hashes: Vec<String> = c.map(
                "SELECT b.hash FROM blobs b WHERE b.touched < $1
                   AND NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = b.hash)
                 ORDER BY b.touched LIMIT $2",
                &[&before.millis(), &(limit as i64)],
                |r| get(r, 0),
            )?;
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
            touch(c, now, &hash.hex(), size)
        }))
    }

    fn forget_blob(&self, hash: ContentHash, before: Timestamp) -> BoxFuture<'_, bool> {
        Box::pin(self.write(move |c, _| {
            let n = c.exec(
                "DELETE FROM blobs WHERE hash = $1 AND touched < $2
                   AND NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = blobs.hash)",
                &[&hash.hex(), &before.millis()],
            )?;
            Ok(n == 1)
        }))
    }
}
