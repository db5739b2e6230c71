//! The files' bytes of `openglip admin migrate`. The database keeps the records of uploaded
//! files and names each content by its SHA-256 (`blobs`); the bytes live outside it, in the
//! SQLite installation's `files/` folder. A PostgreSQL node reads them from its own blob store:
//! the `files/` folder of the data folder it serves with (`--files-to`, the new node's
//! `--data-dir`; the same folder as `--from` when the node keeps it), or an S3-compatible bucket
//! (`--s3-endpoint …`, which several nodes share). Every blob the database names is copied there
//! (read as a stream, hashed again on the way: a file whose bytes no longer match its name is
//! an error, never copied), one already there with its size is kept, and at the end every one
//! must be there with its size: the count is checked like the tables'.

use std::path::{Path, PathBuf};

use openglip_blobs::{BlobStore, ContentHash, LocalBlobs, StageError};
use serde_json::{Value, json};

use crate::files::FileArgs;

/// Where the files go: the target's blob store, or nowhere (the source's own folder).
pub struct FilesTarget {
    /// The new node's data folder (`serve --data-dir`), for files kept in its `files/`.
    pub files_to: Option<PathBuf>,
    /// The blob store settings `serve` takes (an S3 bucket).
    pub files: FileArgs,
}

/// Copies the bytes of `blobs` from `from`'s `files/` into the target, and checks that every
/// one is there. The JSON that `migrate` prints under `files`.
pub async fn copy(
    from: &Path,
    blobs: &[(ContentHash, u64)],
    target: &FilesTarget,
) -> Result<Value, String> {
    let bytes: u64 = blobs.iter().map(|(_, s)| s).sum();
    let s3 = target
        .files
        .s3_endpoint
        .as_deref()
        .is_some_and(|e| !e.trim().is_empty());
    let into = match (&target.files_to, s3) {
        (Some(_), true) => {
            return Err("--files-to and --s3-endpoint name two places: give one".into());
        }
        (Some(dir), false) => dir.clone(),
        // Staged next to the source when they go to a bucket.
        (None, true) => from.to_path_buf(),
        (None, false) if blobs.is_empty() => {
            return Ok(json!({"blobs": 0, "bytes": 0, "copied": 0}));
        }
        (None, false) => {
            return Err(format!(
                "{} has {} uploaded files ({bytes} bytes) outside the database: say where they go, \
                 --files-to DATA_DIR (the data folder the PostgreSQL node serves with; the same \
                 folder as --from to keep them where they are) or --s3-endpoint URL (and the \
                 --s3-* settings serve takes)",
                from.display(),
                blobs.len()
            ));
        }
    };
    let source = LocalBlobs::new(from.join("files"));
    let store = target.files.blobs(&into).await?;
    let same = !s3 && same_folder(&from.join("files"), &into.join("files"));
    let mut copied = 0;
    if !same {
        for (hash, size) in blobs {
            if has(&*store, *hash, *size).await? {
                continue;
            }
            copy_one(&source, &*store, *hash).await?;
            copied += 1;
        }
    }
    let mut present = 0;
    for (hash, size) in blobs {
        if has(&*store, *hash, *size).await? {
            present += 1;
        }
    }
    if present != blobs.len() {
        return Err(format!(
            "{} files named by the database but {present} in {}",
            blobs.len(),
            store.describe()
        ));
    }
    Ok(json!({
        "blobs": blobs.len(),
        "bytes": bytes,
        "copied": copied,
        "to": store.describe(),
    }))
}

/// Whether `store` has the content `hash` with `size` bytes.
async fn has(store: &dyn BlobStore, hash: ContentHash, size: u64) -> Result<bool, String> {
    let found = store
        .get(hash)
        .await
        .map_err(|e| format!("cannot read {hash} in {}: {e}", store.describe()))?;
    Ok(found.is_some_and(|b| b.size == size))
}

async fn copy_one(
    source: &LocalBlobs,
    store: &dyn BlobStore,
    hash: ContentHash,
) -> Result<(), String> {
    let missing = || {
        format!(
            "the file content {hash} the database names is missing from {}",
            source.describe()
        )
    };
    let blob = source
        .get(hash)
        .await
        .map_err(|e| format!("{}: {e}", missing()))?
        .ok_or_else(missing)?;
    let staged = store
        .staging()
        .stage(blob.body, u64::MAX)
        .await
        .map_err(|e| match e {
            StageError::Io(e) => format!("cannot stage {hash} in {}: {e}", store.describe()),
            StageError::Body(e) => format!("cannot read {hash} from {}: {e}", source.describe()),
            StageError::TooLarge(_) => format!("{hash} is too large"),
        })?;
    if staged.hash != hash {
        return Err(format!(
            "the bytes of {hash} in {} do not match their hash (they are {}): not copied",
            source.describe(),
            staged.hash
        ));
    }
    store
        .put(hash, &staged.path)
        .await
        .map_err(|e| format!("cannot store {hash} in {}: {e}", store.describe()))
}

/// Whether two paths are one folder (both existing, the same once resolved).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
