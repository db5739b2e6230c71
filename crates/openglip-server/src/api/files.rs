//! Files: `POST /team-messaging/v1/files` (query `groupId`, `name`) and the download at a file's
//! `contentUri` (`GET /team-messaging/v1/files/{fileId}`, an openglip extension).
//!
//! An upload is a `multipart/form-data` body (RingCentral's `body` part; RingCentral's Python
//! SDK puts a `json` part before it, which is skipped; several file parts are several files) or
//! the bare bytes with their own `Content-Type`, or none. The order of the work keeps bad
//! requests cheap and leaves nothing half-way:
//!
//! 1. the query is read and the chat checked (a chat the caller is not in is refused before a
//!    byte of the body is read); a `Content-Length` over the limit is 413 at once;
//! 2. each file streams into a staged temporary file, hashed and counted, and the request is 413
//!    as soon as the files pass `--max-upload-size` together (the staged files are deleted);
//! 3. under the hashes' locks, the bytes go to the blob store and the records (and, with
//!    `groupId`, the post with its `PostAdded` event) to the database in one transaction.
//!
//! A download is served to the file's uploader and the members of a chat it is posted in, with
//! the content type sniffed at upload, `X-Content-Type-Options: nosniff`, a sandboxing content
//! security policy, and `Content-Disposition: attachment` for everything but raster images and
//! plain text, so an uploaded HTML or SVG file never runs as a page of this site.

use axum::Extension as Ext;
use axum::Json;
use axum::body::{Body, BodyDataStream, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt, TryStreamExt};
use openglip_blobs::{BlobStore, StageError, Staged};
use openglip_domain::files::{FileRecord, Upload, file_name, shown_inline, sniff};
use openglip_domain::{Caller, ChatId, Error, FileId, PostId, Subject, Timestamp};
use openglip_wire::{AddFileInfo, AddFileResponse};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use super::{P, base_url};
use crate::AppState;
use crate::error::{self, ApiError, ApiResult};
use crate::extract::Params;

/// A request's `multipart/*` overhead allowed over the limit before `Content-Length` alone
/// refuses it (boundaries, part headers, a `json` part).
const MULTIPART_SLACK: u64 = 64 * 1024;

/// How much of a refused upload's body is still read (and thrown away) before the refusal is
/// answered: enough that a client still sending a body a little over the limit reads the 413
/// instead of a reset connection; past it, the connection is simply closed.
const DRAIN_CAP: u64 = 8 * 1024 * 1024;

/// The request body, shared between the reader that stages it (directly, or through the
/// multipart reader) and [`SharedBody::drain`] after a refusal.
#[derive(Clone)]
struct SharedBody(Arc<Mutex<BodyDataStream>>);

impl Stream for SharedBody {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut inner = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.poll_next_unpin(cx)
    }
}

impl SharedBody {
    /// Reads and discards what is left of the body, up to [`DRAIN_CAP`] bytes and for at most
    /// a few seconds.
    async fn drain(&self) {
        let mut rest = self.clone();
        let mut left = DRAIN_CAP;
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async move {
            while let Some(Ok(chunk)) = rest.next().await {
                if chunk.len() as u64 >= left {
                    break;
                }
                left -= chunk.len() as u64;
            }
        })
        .await;
    }
}

/// One file of an upload, staged.
struct Part {
    staged: Staged,
    /// The name given with it (a part's `filename`), if any.
    name: Option<String>,
    /// Its declared content type.
    declared: Option<String>,
}

fn blobs(st: &AppState) -> ApiResult<Arc<dyn BlobStore>> {
    st.config()
        .files
        .blobs
        .clone()
        .ok_or(ApiError(Error::Unavailable))
}

fn too_large(limit: u64) -> ApiError {
    ApiError(Error::PayloadTooLarge(
        usize::try_from(limit).unwrap_or(usize::MAX),
    ))
}

fn staging_failed<E: std::fmt::Display>(limit: u64, e: StageError<E>) -> ApiError {
    match e {
        StageError::TooLarge(_) => too_large(limit),
        StageError::Body(e) => ApiError(Error::UnparsableBody(format!(
            "the request body could not be read: {e}"
        ))),
        StageError::Io(e) => ApiError(Error::internal(format!("staging an upload: {e}"))),
    }
}

/// The media type of a `Content-Type` header, lower-cased, without parameters.
fn media_type(headers: &HeaderMap) -> Result<Option<String>, Error> {
    let Some(raw) = headers.get(header::CONTENT_TYPE) else {
        return Ok(None);
    };
    let raw = raw
        .to_str()
        .map_err(|_| Error::UnsupportedMediaType("(not text)".into()))?;
    let mime = raw
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime.is_empty() {
        return Ok(None);
    }
    if !mime.contains('/') {
        return Err(Error::UnsupportedMediaType(mime));
    }
    Ok(Some(mime))
}

/// Stages every file of the body (see the module's documentation).
async fn stage_parts(
    blobs: &dyn BlobStore,
    mut head: Parts,
    body: SharedBody,
    limit: u64,
) -> Result<Vec<Part>, ApiError> {
    let mime = media_type(&head.headers)?;
    let declared_len = head
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match mime.as_deref() {
        Some("multipart/form-data") | Some("multipart/mixed") => {
            if declared_len.is_some_and(|n| n > limit.saturating_add(MULTIPART_SLACK)) {
                return Err(too_large(limit));
            }
            if mime.as_deref() == Some("multipart/mixed") {
                // The same framing; axum's reader only takes the form-data spelling.
                let ct = head.headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap_or("")
                    .replacen("multipart/mixed", "multipart/form-data", 1)
                    .replacen("Multipart/Mixed", "multipart/form-data", 1);
                let value = HeaderValue::from_str(&ct)
                    .map_err(|_| Error::UnsupportedMediaType("multipart/mixed".into()))?;
                head.headers.insert(header::CONTENT_TYPE, value);
            }
            let req = Request::from_parts(head, Body::from_stream(body));
            let mut form = Multipart::from_request(req, &()).await.map_err(|_| {
                Error::invalid_because(
                    "body",
                    "Parameter [body] value is invalid: a multipart body needs its boundary",
                )
            })?;
            let mut parts = Vec::new();
            let mut total = 0u64;
            loop {
                let field = match form.next_field().await {
                    Ok(Some(f)) => f,
                    Ok(None) => break,
                    Err(e) => {
                        return Err(ApiError(Error::UnparsableBody(format!(
                            "the multipart body could not be read: {e}"
                        ))));
                    }
                };
                let is_file = field.name() == Some("body") || field.file_name().is_some();
                if !is_file || field.name() == Some("json") {
                    // RingCentral's Python SDK's `json` part, and form fields: not files.
                    field
                        .try_for_each(|_| async { Ok(()) })
                        .await
                        .map_err(|e| Error::UnparsableBody(e.to_string()))?;
                    continue;
                }
                let name = field.file_name().map(str::to_string);
                let declared = field.content_type().map(str::to_string);
                let staged = blobs
                    .staging()
                    .stage(field, limit - total)
                    .await
                    .map_err(|e| staging_failed(limit, e))?;
                total += staged.size;
                parts.push(Part {
                    staged,
                    name,
                    declared,
                });
            }
            Ok(parts)
        }
        Some("application/x-www-form-urlencoded") => Err(ApiError(Error::UnsupportedMediaType(
            "application/x-www-form-urlencoded: send the file as multipart/form-data or as the bare body".into(),
        ))),
        Some(m) if m.starts_with("multipart/") => {
            Err(ApiError(Error::UnsupportedMediaType(m.to_string())))
        }
        declared => {
            if declared_len.is_some_and(|n| n > limit) {
                return Err(too_large(limit));
            }
            let declared = declared.map(str::to_string);
            let staged = blobs
                .staging()
                .stage(body, limit)
                .await
                .map_err(|e| staging_failed(limit, e))?;
            Ok(vec![Part {
                staged,
                name: None,
                declared,
            }])
        }
    }
}

pub async fn upload(
    State(st): State<AppState>,
    Ext(c): Ext<Caller>,
    q: Params,
    req: Request,
) -> ApiResult<Json<AddFileResponse>> {
    let chat = match q.get("groupId").filter(|g| !g.is_empty()) {
        Some(raw) => Some(
            raw.parse::<ChatId>()
                .map_err(|_| Error::invalid("groupId"))?,
        ),
        None => None,
    };
    let to = UploadTo { chat, parent: None };
    let records = receive(&st, &c, to, q.get("name"), req).await?;
    Ok(Json(answer(&records)))
}

/// RingCentral's answer to an upload.
pub fn answer(records: &[FileRecord]) -> AddFileResponse {
    AddFileResponse(
        records
            .iter()
            .map(|r| AddFileInfo {
                id: r.id.to_string(),
                content_uri: r.content_uri.clone(),
                name: r.name.clone(),
            })
            .collect(),
    )
}

/// Where an upload goes: into a chat (RingCentral's `groupId`), as a reply in the thread of
/// `parent` (the web client's thread composer), or, with neither, nowhere yet.
#[derive(Debug, Clone, Copy, Default)]
pub struct UploadTo {
    pub chat: Option<ChatId>,
    pub parent: Option<PostId>,
}

/// Receives the files of an upload request of `c` (the steps of the module's documentation),
/// where `to` says; `name` names the first file. Also the web client's upload.
pub async fn receive(
    st: &AppState,
    c: &Caller,
    to: UploadTo,
    name: Option<&str>,
    req: Request,
) -> ApiResult<Vec<FileRecord>> {
    let (head, body) = req.into_parts();
    let body = SharedBody(Arc::new(Mutex::new(body.into_data_stream())));
    let received = receive_body(st, c, to, name, head, body.clone()).await;
    if received.is_err() {
        // What the client is still sending is read first, so that it reads the refusal.
        body.drain().await;
    }
    received
}

async fn receive_body(
    st: &AppState,
    c: &Caller,
    UploadTo { chat, parent }: UploadTo,
    name: Option<&str>,
    head: Parts,
    body: SharedBody,
) -> ApiResult<Vec<FileRecord>> {
    let query_name = name.filter(|n| !n.trim().is_empty());
    if let Some(n) = query_name {
        file_name(Some(n))?;
    }
    st.service().upload_target(c, chat, parent).await?;
    let blobs = blobs(st)?;
    let limit = st.config().files.max_upload_size;
    let prefix = format!("{}/team-messaging/v1/files/", base_url(st, &head.headers));
    let parts = stage_parts(blobs.as_ref(), head, body, limit).await?;
    if parts.is_empty() || parts.iter().all(|p| p.staged.size == 0) {
        return Err(ApiError(Error::MissingParameter("body".into())));
    }
    let mut uploads = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        // The query's `name` names the first file; a part's own file name the others.
        let name = match (i, query_name) {
            (0, Some(n)) => file_name(Some(n))?,
            _ => file_name(part.name.as_deref())?,
        };
        uploads.push(Upload {
            name,
            content_type: sniff(&part.staged.head, part.declared.as_deref()),
            size: part.staged.size,
            hash: part.staged.hash,
            content_prefix: prefix.clone(),
        });
    }
    let hashes: Vec<_> = parts.iter().map(|p| p.staged.hash).collect();
    let _held = st.0.blob_locks.lock_all(&hashes).await;
    for part in &parts {
        blobs
            .put(part.staged.hash, &part.staged.path)
            .await
            .map_err(|e| Error::internal(format!("storing an upload: {e}")))?;
    }
    match st.service().record_uploads(c, chat, parent, uploads).await {
        Ok((records, _post)) => Ok(records),
        Err(refused) => {
            // The bytes are stored but nothing names them: made known to the store, unused,
            // the cleanup pass removes them (a crash just before this leaves them behind).
            for part in &parts {
                if let Err(e) = st
                    .store()
                    .files()
                    .touch_blob(part.staged.hash, part.staged.size)
                    .await
                {
                    tracing::warn!(error = %e, "an unrecorded upload's blob could not be noted");
                }
            }
            Err(refused.into())
        }
    }
}

/// `GET /team-messaging/v1/files/{fileId}`: the content of a file the caller may read.
pub async fn content(
    State(st): State<AppState>,
    Ext(c): Ext<Caller>,
    P(id): P<String>,
) -> ApiResult<Response> {
    let id = error::id::<FileId>(Subject::File, &id)?;
    let file = st.service().file(&c, id).await?;
    file_response(&st, &file).await
}

/// `filename*` of `Content-Disposition` (RFC 5987), with a plain ASCII `filename` before it.
fn disposition(file: &FileRecord) -> String {
    let kind = if shown_inline(&file.content_type) {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = file
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in file.name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file's content as a response (also the web client's download, with its session).
pub async fn file_response(st: &AppState, file: &FileRecord) -> ApiResult<Response> {
    let blobs = blobs(st)?;
    let blob = blobs
        .get(file.hash)
        .await
        .map_err(|e| Error::internal(format!("reading a file: {e}")))?
        .ok_or_else(|| Error::internal(format!("the content of file {} is missing", file.id)))?;
    let content_type = if file.content_type.starts_with("text/") {
        format!("{}; charset=utf-8", file.content_type)
    } else {
        file.content_type.clone()
    };
    let header = |v: String| HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""));
    let mut resp = Body::from_stream(blob.body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, header(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(blob.size));
    h.insert(header::CONTENT_DISPOSITION, header(disposition(file)));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Opened as a page anyway, it can run nothing and reach nothing.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    h.insert(header::ETAG, header(format!("\"{}\"", file.hash.hex())));
    Ok(resp)
}

/// One cleanup pass of files (see `openglip_blobs::cleanup`).
pub async fn clean(st: &AppState) -> Result<openglip_blobs::Cleaned, Error> {
    let Some(blobs) = st.config().files.blobs.clone() else {
        return Ok(openglip_blobs::Cleaned::default());
    };
    let now = Timestamp(jiff::Timestamp::now().as_millisecond());
    openglip_blobs::cleanup(st.store(), blobs.as_ref(), &st.0.blob_locks, now, 1000).await
}
