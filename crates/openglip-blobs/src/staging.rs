//! Staging an upload: its body streamed into a temporary file, hashed and counted on the way,
//! within a size limit.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::ContentHash;

/// How many first bytes of a staged file are kept to tell its content type.
pub const HEAD: usize = 512;

/// A folder for uploads on their way to a blob store.
#[derive(Debug, Clone)]
pub struct Staging {
    dir: PathBuf,
}

/// A staged upload: a temporary file, removed when this is dropped (unless a local blob store
/// moved it into place).
#[derive(Debug)]
pub struct Staged {
    pub path: PathBuf,
    pub hash: ContentHash,
    pub size: u64,
    /// The first [`HEAD`] bytes (fewer for a smaller file).
    pub head: Vec<u8>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Gone already when a local store renamed it into place.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Why a body could not be staged.
#[derive(Debug)]
pub enum StageError<E> {
    /// The body passed the limit (in bytes); what was written is deleted.
    TooLarge(u64),
    /// Reading the body failed (the client went away, a malformed part).
    Body(E),
    /// Writing the temporary file failed.
    Io(io::Error),
}

impl Staging {
    /// Stages into `dir` (made when missing).
    pub fn new(dir: impl Into<PathBuf>) -> Staging {
        Staging { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Streams `body` into a new temporary file, at most `limit` bytes.
    pub async fn stage<S, B, E>(&self, body: S, limit: u64) -> Result<Staged, StageError<E>>
    where
        S: Stream<Item = Result<B, E>>,
        B: Into<Bytes>,
    {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(StageError::Io)?;
        let mut name = [0u8; 16];
        getrandom::fill(&mut name).map_err(|e| StageError::Io(io::Error::other(e.to_string())))?;
        let path = self.dir.join(format!(
            "upload-{}.part",
            name.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ));
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(StageError::Io)?;
        // From here on the file goes when `staged` is dropped, whatever happens.
        let mut staged = Staged {
            path,
            hash: ContentHash([0; 32]),
            size: 0,
            head: Vec::new(),
        };
        let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, file);
        let mut hasher = Sha256::new();
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let chunk: Bytes = chunk.map_err(StageError::Body)?.into();
            staged.size += chunk.len() as u64;
            if staged.size > limit {
                return Err(StageError::TooLarge(limit));
            }
            if staged.head.len() < HEAD {
                let take = (HEAD - staged.head.len()).min(chunk.len());
                staged.head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            out.write_all(&chunk).await.map_err(StageError::Io)?;
        }
        out.flush().await.map_err(StageError::Io)?;
        staged.hash = ContentHash(hasher.finalize().into());
        Ok(staged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = Result<Bytes, ()>> {
        futures_util::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn stages_hashes_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(dir.path().join("tmp"));
        let staged = staging
            .stage(chunks(&[b"hello ", b"world"]), 100)
            .await
            .unwrap();
        assert_eq!(staged.size, 11);
        assert_eq!(staged.head, b"hello world");
        assert_eq!(
            staged.hash.hex(),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(std::fs::read(&staged.path).unwrap(), b"hello world");
        let path = staged.path.clone();
        drop(staged);
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn over_the_limit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(dir.path());
        let r = staging.stage(chunks(&[b"12345", b"678"]), 7).await;
        assert!(matches!(r, Err(StageError::TooLarge(7))));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
