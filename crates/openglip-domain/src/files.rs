//! Files: what an upload is once its bytes are stored, who may read it, and how it is attached to
//! posts.
//!
//! The bytes are a *blob*, named by the SHA-256 of the content (a [`ContentHash`]) and kept by a
//! blob store outside the domain (the data folder, or an S3-compatible bucket). A [`FileRecord`]
//! is one upload of a blob: its name, content type, size, uploader, and the link clients fetch it
//! at (`contentUri`). The same content uploaded twice is two records and one blob.
//!
//! A record is attached to posts (`file_posts`): the upload with `groupId` makes its post at once,
//! and `attachments: [{"type": "File", "id": …}]` on a new post attaches records uploaded earlier.
//! A post's attachment is the record's [`FileRecord::attachment`] object, as RingCentral spells it.
//! Deleting a post forgets its links; records attached to no post are forgotten after
//! [`UNATTACHED_GRACE`], and blobs no record names after [`BLOB_GRACE`] (the cleanup pass,
//! `FileStore::forget_unattached_files` and `FileStore::forget_blob`).
//!
//! Who may read a file: its uploader, and the members of a chat it is posted in (bots included).
//! Anyone else is told it is not found.

use std::fmt;

use serde_json::{Value, json};

use crate::error::{Error, Result, Subject};
use crate::ids::{AccountId, ChatId, ExtensionId, FileId, PostId};
use crate::model::{Caller, ChatStatus, Post};
use crate::service::Service;
use crate::store::{BoxFuture, NewPost};
use crate::time::Timestamp;

/// How long a record attached to no post is kept (an upload without `groupId` waits this long to
/// be attached; a file whose posts were all deleted is gone after it).
pub const UNATTACHED_GRACE_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a blob no record names is kept before the cleanup pass removes it: longer than any
/// upload takes between storing the bytes and recording them.
pub const BLOB_GRACE_MS: i64 = 60 * 60 * 1000;
/// The longest file name kept.
pub const MAX_FILE_NAME: usize = 255;
/// The most files one post may carry (RingCentral: 25 attachments).
pub const MAX_POST_FILES: usize = 25;

/// The SHA-256 of a blob's content: its name in every blob store.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(pub [u8; 32]);

impl ContentHash {
    /// Lower-case hexadecimal, 64 characters: how stores and blob stores spell it.
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    /// The hash spelled by [`ContentHash::hex`]; anything else is `None`.
    pub fn from_hex(s: &str) -> Option<ContentHash> {
        if s.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in s.as_bytes().chunks(2).enumerate() {
            let digit = |c: u8| (c as char).to_digit(16);
            let (hi, lo) = (digit(pair[0])?, digit(pair[1])?);
            out[i] = (hi * 16 + lo) as u8;
        }
        Some(ContentHash(out))
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.hex())
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// One upload of a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub id: FileId,
    pub account_id: AccountId,
    pub uploader_id: ExtensionId,
    /// The name as given (`name` query parameter, or the part's file name), without folders.
    pub name: String,
    /// The content type sniffed from the bytes (see [`sniff`]).
    pub content_type: String,
    pub size: u64,
    pub hash: ContentHash,
    /// Where clients fetch the bytes (the server's download operation, absolute).
    pub content_uri: String,
    /// The chats of the posts it is attached to (none while unattached).
    pub chats: Vec<ChatId>,
    pub created: Timestamp,
}

impl FileRecord {
    /// The post attachment of this file, as RingCentral spells it (`TMMessageAttachmentInfo`
    /// of type `File`).
    pub fn attachment(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "type": "File",
            "name": self.name,
            "contentUri": self.content_uri,
        })
    }
}

/// A file to record, its bytes already in the blob store.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub account_id: AccountId,
    pub uploader_id: ExtensionId,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub hash: ContentHash,
    /// The record's `contentUri` is this followed by its id (the store assigns the id).
    pub content_prefix: String,
}

/// The files part of the storage port, reached by `Store::files()`.
pub trait FileStore: Send + Sync {
    /// Records files attached to no post (an upload without `groupId`), and marks their blobs
    /// as in use now.
    fn create_files(&self, new: Vec<NewFile>) -> BoxFuture<'_, Vec<FileRecord>>;
    /// In one transaction: records `new`, creates `post` (as `Store::create_post`, with its
    /// checks and its `PostAdded` event) whose attachments are the post's own followed by those
    /// of `existing` and then of `new`, in order, and attaches them all to it. Nothing is
    /// recorded when the post is refused.
    fn post_files(
        &self,
        post: NewPost,
        new: Vec<NewFile>,
        existing: Vec<FileId>,
    ) -> BoxFuture<'_, (Post, Vec<FileRecord>)>;
    fn file(&self, id: FileId) -> BoxFuture<'_, Option<FileRecord>>;
    /// The records attached to a post, in the order attached.
    fn files_of_post(&self, post: crate::ids::PostId) -> BoxFuture<'_, Vec<FileRecord>>;
    /// Forgets records attached to no post and created before `before`. Returns how many.
    fn forget_unattached_files(&self, before: Timestamp) -> BoxFuture<'_, u64>;
    /// Blobs no record names, last used before `before` (at most `limit`).
    fn unused_blobs(&self, before: Timestamp, limit: usize) -> BoxFuture<'_, Vec<ContentHash>>;
    /// Marks a blob used now (made known when it is not): an upload whose bytes were stored but
    /// whose records were refused leaves them to the cleanup pass this way.
    fn touch_blob(&self, hash: ContentHash, size: u64) -> BoxFuture<'_, ()>;
    /// Forgets the blob if still no record names it and it was last used before `before`:
    /// `true` when forgotten (its bytes may then be deleted).
    fn forget_blob(&self, hash: ContentHash, before: Timestamp) -> BoxFuture<'_, bool>;
}

/// A file's name as kept: the last segment of a path (`C:\a\b.png` and `a/b.png` are `b.png`),
/// trimmed, non-empty, at most [`MAX_FILE_NAME`] characters, without control characters.
pub fn file_name(raw: Option<&str>) -> Result<String> {
    let raw = raw.unwrap_or("");
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if last.is_empty() || last == "." || last == ".." {
        return Err(Error::MissingParameter("name".into()));
    }
    if last.chars().any(char::is_control) {
        return Err(Error::invalid_because(
            "name",
            "Parameter [name] value is invalid: control characters are not allowed",
        ));
    }
    if last.chars().count() > MAX_FILE_NAME {
        return Err(Error::TooLong {
            name: "name".into(),
            max: MAX_FILE_NAME,
        });
    }
    Ok(last.to_string())
}

/// The content type of a file from its first bytes (`head`, 512 are enough) and the type the
/// uploader declared. What the bytes say wins: an HTML or SVG document is `text/html` or
/// `image/svg+xml` whatever it was declared as, so that a download is never taken for
/// something it is not. Text the bytes cannot tell apart keeps a declared `text/…` type;
/// anything else unrecognised is `application/octet-stream`.
pub fn sniff(head: &[u8], declared: Option<&str>) -> String {
    let magic: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (&[0xff, 0xd8, 0xff], "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (&[0x1f, 0x8b], "application/gzip"),
    ];
    for (prefix, kind) in magic {
        if head.starts_with(prefix) {
            return kind.to_string();
        }
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp".into();
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let markup = [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<script",
        "<iframe",
    ];
    if markup.iter().any(|m| start.starts_with(m)) {
        return "text/html".into();
    }
    if text.contains("<svg") {
        return "image/svg+xml".into();
    }
    if start.starts_with("<?xml") {
        return "application/xml".into();
    }
    let declared = declared
        .and_then(|d| d.split(';').next())
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| is_media_type(d));
    let binary = head.contains(&0);
    match declared {
        Some(d) if d.starts_with("text/") && !binary && d != "text/html" => d,
        _ if !binary && std::str::from_utf8(head).is_ok() && !head.is_empty() => {
            "text/plain".into()
        }
        _ => "application/octet-stream".into(),
    }
}

/// `type/subtype` of token characters.
fn is_media_type(s: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    matches!(s.split_once('/'), Some((a, b)) if token(a) && token(b))
}

/// Whether a browser may show the file in place (raster images, plain text): anything else is
/// downloaded, never shown as a page.
pub fn shown_inline(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "text/plain"
    )
}

/// Whether the web client shows the file as an image (a preview with a lightbox).
pub fn is_image(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// The `File` attachments of a new post's attachments, by id, taken out of `items`: each must
/// name its file by `id` (a string or number of digits).
pub fn take_file_attachments(items: &mut Vec<Value>) -> Result<Vec<FileId>> {
    let mut ids = Vec::new();
    let mut kept = Vec::with_capacity(items.len());
    for (i, item) in std::mem::take(items).into_iter().enumerate() {
        if item.get("type").and_then(Value::as_str) != Some("File") {
            kept.push(item);
            continue;
        }
        let id = match item.get("id") {
            Some(Value::String(s)) => s.parse::<FileId>().ok(),
            Some(Value::Number(n)) => n.as_i64().filter(|v| *v > 0).map(FileId),
            _ => None,
        };
        ids.push(id.ok_or_else(|| Error::invalid(format!("attachments[{i}].id")))?);
    }
    *items = kept;
    if ids.len() > MAX_POST_FILES {
        return Err(Error::invalid_because(
            "attachments",
            format!("Parameter [attachments] value is invalid: at most {MAX_POST_FILES} files"),
        ));
    }
    Ok(ids)
}

/// An upload as the server hands it to the service: the bytes are in the blob store.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub hash: ContentHash,
    pub content_prefix: String,
}

impl Service {
    /// Checks where an upload goes before its bytes are read: `chat` (when given) must be a chat
    /// the caller is a member of and not archived, and `parent` (when given) a post of it.
    pub async fn upload_target(
        &self,
        caller: &Caller,
        chat: Option<ChatId>,
        parent: Option<PostId>,
    ) -> Result<()> {
        if let Some(chat) = chat {
            let chat = self.member_chat(caller, chat).await?;
            if chat.status == ChatStatus::Archived {
                return Err(Error::forbidden("The chat is archived"));
            }
            if let Some(parent) = parent {
                self.reply_root(chat.id, parent).await?;
            }
        }
        Ok(())
    }

    /// The thread a reply to `parent` of `chat` joins (threads are one level deep).
    async fn reply_root(&self, chat: ChatId, parent: PostId) -> Result<PostId> {
        match self.store().post(chat, parent).await? {
            Some(found) => Ok(found.thread_id()),
            None => Err(Error::NotFound(Subject::ParentPost)),
        }
    }

    /// Records uploads whose bytes are stored: into `chat` as one new post of the caller with
    /// the files attached (events as for any post) — a reply in the thread of `parent` when
    /// given (a reply to a reply joins its root's thread, as any post) — or, without a chat,
    /// unattached (to be attached by a post within [`UNATTACHED_GRACE_MS`]).
    pub async fn record_uploads(
        &self,
        caller: &Caller,
        chat: Option<ChatId>,
        parent: Option<PostId>,
        uploads: Vec<Upload>,
    ) -> Result<(Vec<FileRecord>, Option<Post>)> {
        let new: Vec<NewFile> = uploads
            .into_iter()
            .map(|u| NewFile {
                account_id: caller.account_id,
                uploader_id: caller.extension_id,
                name: u.name,
                content_type: u.content_type,
                size: u.size,
                hash: u.hash,
                content_prefix: u.content_prefix,
            })
            .collect();
        if new.is_empty() {
            return Err(Error::MissingParameter("body".into()));
        }
        if new.len() > MAX_POST_FILES {
            return Err(Error::invalid_because(
                "body",
                format!("Parameter [body] value is invalid: at most {MAX_POST_FILES} files"),
            ));
        }
        let files = self.store().files();
        let Some(chat) = chat else {
            if parent.is_some() {
                return Err(Error::invalid_because(
                    "parentPostId",
                    "Parameter [parentPostId] value is invalid: a reply needs its chat",
                ));
            }
            return Ok((files.create_files(new).await?, None));
        };
        let parent_post_id = match parent {
            Some(id) => Some(self.reply_root(chat, id).await?),
            None => None,
        };
        let post = NewPost {
            chat_id: chat,
            creator_id: caller.extension_id,
            kind: crate::model::PostType::TextMessage,
            text: String::new(),
            parent_post_id,
            mentions: vec![],
            added_person_ids: vec![],
            removed_person_ids: vec![],
            attachments: vec![],
            activity: None,
            title: None,
            icon_uri: None,
            icon_emoji: None,
        };
        let (post, records) = files.post_files(post, new, vec![]).await?;
        Ok((records, Some(post)))
    }

    /// A file the caller may read: they uploaded it, or they are a member of a chat it is posted
    /// in. Any other file is not found.
    pub async fn file(&self, caller: &Caller, id: FileId) -> Result<FileRecord> {
        let Some(file) = self.store().files().file(id).await? else {
            return Err(Error::NotFound(Subject::File));
        };
        if file.account_id == caller.account_id && file.uploader_id == caller.extension_id {
            return Ok(file);
        }
        for chat in &file.chats {
            if let Some(c) = self.store().chat(*chat).await?
                && c.is_member(caller.extension_id)
            {
                return Ok(file);
            }
        }
        Err(Error::NotFound(Subject::File))
    }

    /// The files attached to a post the caller may read.
    pub async fn post_files(
        &self,
        caller: &Caller,
        chat: ChatId,
        post: crate::ids::PostId,
    ) -> Result<Vec<FileRecord>> {
        self.post(caller, chat, post).await?;
        self.store().files().files_of_post(post).await
    }

    /// Creates a post whose attachments name files by id (`{"type": "File", "id": …}`), each a
    /// file the caller may read (see [`Service::file`]).
    pub(crate) async fn create_post_with_files(
        &self,
        caller: &Caller,
        new: NewPost,
        files: Vec<FileId>,
    ) -> Result<Post> {
        for id in &files {
            self.file(caller, *id).await.map_err(|e| match e {
                Error::NotFound(Subject::File) => Error::invalid_because(
                    "attachments",
                    format!("Parameter [attachments] value is invalid: file {id} is not found"),
                ),
                other => other,
            })?;
        }
        let chat = new.chat_id;
        match self.store().files().post_files(new, vec![], files).await {
            Ok((post, _)) => Ok(post),
            Err(Error::Forbidden(msg)) => {
                self.visible_chat(caller, chat).await?;
                Err(Error::Forbidden(msg))
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_round_trip_as_hex() {
        let h = ContentHash([0xab; 32]);
        assert_eq!(h.hex().len(), 64);
        assert_eq!(ContentHash::from_hex(&h.hex()), Some(h));
        assert_eq!(ContentHash::from_hex("zz"), None);
        assert_eq!(ContentHash::from_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(file_name(Some("C:\\x\\report.pdf")).unwrap(), "report.pdf");
        assert_eq!(file_name(Some("a/b/c.png")).unwrap(), "c.png");
        assert!(matches!(file_name(None), Err(Error::MissingParameter(_))));
        assert!(matches!(
            file_name(Some(" / ")),
            Err(Error::MissingParameter(_))
        ));
        assert!(file_name(Some("a\u{0}b")).is_err());
        assert!(file_name(Some(&"x".repeat(256))).is_err());
    }

    #[test]
    fn markup_is_never_what_it_was_declared() {
        assert_eq!(sniff(b"<!DOCTYPE html><p>", Some("image/png")), "text/html");
        assert_eq!(
            sniff(b"  <script>alert(1)", Some("text/plain")),
            "text/html"
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><svg>", None),
            "image/svg+xml"
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\nrest", Some("text/html")),
            "image/png"
        );
        assert_eq!(sniff(b"a,b\n1,2", Some("text/csv")), "text/csv");
        assert_eq!(sniff(b"hello", Some("text/html")), "text/plain");
        assert_eq!(sniff(b"hello", None), "text/plain");
        assert_eq!(
            sniff(b"\x00\x01\x02", Some("nonsense")),
            "application/octet-stream"
        );
        assert!(!shown_inline("text/html"));
        assert!(!shown_inline("image/svg+xml"));
        assert!(shown_inline("image/png"));
    }

    #[test]
    fn file_attachments_are_taken_by_id() {
        let mut items = vec![
            json!({"type": "Card", "text": "x"}),
            json!({"type": "File", "id": "12"}),
            json!({"type": "File", "id": 13}),
        ];
        let ids = take_file_attachments(&mut items).unwrap();
        assert_eq!(ids, vec![FileId(12), FileId(13)]);
        assert_eq!(items.len(), 1);
        let mut bad = vec![json!({"type": "File"})];
        assert!(take_file_attachments(&mut bad).is_err());
    }
}
