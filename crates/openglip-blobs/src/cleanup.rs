//! The cleanup pass: records attached to no post for a day are forgotten, then the bytes of
//! blobs no record names (for an hour) are deleted.
//!
//! Safe against an upload of the same content: an upload holds its hash's lock (from
//! [`HashLocks`]) while it stores the bytes and records them, and the pass holds it while it
//! forgets a blob in the store and deletes its bytes, so the two never interleave in one
//! process. Recording a file marks its blob used (`touched`), and the store forgets a blob only
//! when it was not used for `BLOB_GRACE_MS` and no record names it — in the same transaction —
//! which covers processes that do not share the locks.

use std::sync::Arc;

use openglip_domain::files::{BLOB_GRACE_MS, UNATTACHED_GRACE_MS};
use openglip_domain::store::Store;
use openglip_domain::{Result, Timestamp};
use tokio::sync::{Mutex, MutexGuard};

use crate::{BlobStore, ContentHash};

/// Locks by content hash (striped: hashes that share a stripe wait for each other).
pub struct HashLocks {
    stripes: Vec<Mutex<()>>,
}

impl Default for HashLocks {
    fn default() -> Self {
        HashLocks {
            stripes: (0..64).map(|_| Mutex::new(())).collect(),
        }
    }
}

impl HashLocks {
    fn stripe(&self, hash: ContentHash) -> usize {
        usize::from(hash.0[0]) % self.stripes.len()
    }

    /// Waits for the lock of `hash`.
    pub async fn lock(&self, hash: ContentHash) -> MutexGuard<'_, ()> {
        self.stripes[self.stripe(hash)].lock().await
    }

    /// Waits for the locks of all `hashes` (taken in one order, so that two callers never wait
    /// for each other).
    pub async fn lock_all(&self, hashes: &[ContentHash]) -> Vec<MutexGuard<'_, ()>> {
        let mut stripes: Vec<usize> = hashes.iter().map(|h| self.stripe(*h)).collect();
        stripes.sort_unstable();
        stripes.dedup();
        let mut held = Vec::with_capacity(stripes.len());
        for s in stripes {
            held.push(self.stripes[s].lock().await);
        }
        held
    }
}

/// What one pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleaned {
    pub files: u64,
    pub blobs: u64,
}

/// One cleanup pass at `now` (at most `batch` blobs).
pub async fn cleanup(
    store: &Arc<dyn Store>,
    blobs: &dyn BlobStore,
    locks: &HashLocks,
    now: Timestamp,
    batch: usize,
) -> Result<Cleaned> {
    let files = store
        .files()
        .forget_unattached_files(Timestamp(now.millis() - UNATTACHED_GRACE_MS))
        .await?;
    let before = Timestamp(now.millis() - BLOB_GRACE_MS);
    let mut cleaned = Cleaned { files, blobs: 0 };
    for hash in store.files().unused_blobs(before, batch).await? {
        let _held = locks.lock(hash).await;
        if store.files().forget_blob(hash, before).await? {
            blobs.delete(hash).await.map_err(|e| {
                openglip_domain::Error::internal(format!("deleting blob {hash}: {e}"))
            })?;
            cleaned.blobs += 1;
        }
    }
    Ok(cleaned)
}
