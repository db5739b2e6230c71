//! Where uploaded files' bytes live.
//!
//! A blob is file content named by its SHA-256 ([`ContentHash`]); the database keeps the records
//! that name blobs (the domain's `files` module), a [`BlobStore`] keeps the bytes. Two stores:
//! [`LocalBlobs`], files in the data folder (the default), and [`S3Blobs`], an S3-compatible
//! bucket.
//!
//! An upload never sits in memory whole: [`Staging::stage`] streams the body into a temporary
//! file while hashing and counting it, and gives up (deleting what it wrote) as soon as the
//! body passes the size limit. The staged file is then handed to [`BlobStore::put`] under its
//! hash. [`cleanup`] removes the bytes of blobs no record names any more; [`HashLocks`] keeps
//! it from removing a blob an upload of the same content is storing and recording in this
//! process (and the store's grace period, `BLOB_GRACE_MS`, covers other processes).

mod cleanup;
mod local;
mod s3;
mod sigv4;
mod staging;

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::stream::BoxStream;

pub use cleanup::{Cleaned, HashLocks, cleanup};
pub use local::LocalBlobs;
pub use openglip_domain::files::ContentHash;
pub use s3::{S3Blobs, S3Config};
pub use staging::{StageError, Staged, Staging};

pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

/// A blob's content, read as a stream of chunks (never whole in memory).
pub struct Blob {
    pub size: u64,
    pub body: BoxStream<'static, io::Result<Bytes>>,
}

/// A place that keeps blobs by their content hash.
pub trait BlobStore: Send + Sync + 'static {
    /// Keeps the content of the staged file `staged` (whose SHA-256 is `hash`) under `hash`.
    /// Idempotent: the same content stored twice is one blob. The staged file may be moved
    /// away. Returns only once the bytes are durable.
    fn put<'a>(&'a self, hash: ContentHash, staged: &'a Path) -> BlobFuture<'a, ()>;
    /// The content under `hash`, or `None` when there is none.
    fn get(&self, hash: ContentHash) -> BlobFuture<'_, Option<Blob>>;
    /// Removes the content under `hash` (nothing there is not an error).
    fn delete(&self, hash: ContentHash) -> BlobFuture<'_, ()>;
    /// Where uploads are staged before [`put`](Self::put) (on the same file system as the
    /// blobs, for a local store, so that storing is a rename).
    fn staging(&self) -> &Staging;
    /// Where the blobs are, in words for the log.
    fn describe(&self) -> String;
}
