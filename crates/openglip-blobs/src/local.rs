//! Blobs as files of a folder (by default `files/` in the data folder): `ab/cd/abcd…` by the
//! content hash's hex, written atomically — the staged file is synced to disk, then renamed into
//! place and the folder synced — so that a blob is either whole or absent, even after a crash.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::stream;
use tokio::io::AsyncReadExt;

use crate::{Blob, BlobFuture, BlobStore, ContentHash, Staging};

/// Blobs in a folder of this machine.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
    staging: Staging,
}

const CHUNK: usize = 64 * 1024;

impl LocalBlobs {
    /// Blobs under `root`, uploads staged in `root/tmp`.
    pub fn new(root: impl Into<PathBuf>) -> LocalBlobs {
        let root = root.into();
        LocalBlobs {
            staging: Staging::new(root.join("tmp")),
            root,
        }
    }

    /// The file of a blob.
    pub fn path_of(&self, hash: ContentHash) -> PathBuf {
        let hex = hash.hex();
        self.root.join(&hex[0..2]).join(&hex[2..4]).join(hex)
    }
}

async fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(&dir)?.sync_all())
        .await
        .map_err(io::Error::other)?
}

impl BlobStore for LocalBlobs {
    fn put<'a>(&'a self, hash: ContentHash, staged: &'a Path) -> BlobFuture<'a, ()> {
        Box::pin(async move {
            let target = self.path_of(hash);
            if tokio::fs::try_exists(&target).await? {
                // The same content is there already.
                return Ok(());
            }
            let folder = target.parent().expect("a blob's folder").to_path_buf();
            tokio::fs::create_dir_all(&folder).await?;
            tokio::fs::OpenOptions::new()
                .write(true)
                .open(staged)
                .await?
                .sync_all()
                .await?;
            tokio::fs::rename(staged, &target).await?;
            sync_dir(&folder).await
        })
    }

    fn get(&self, hash: ContentHash) -> BlobFuture<'_, Option<Blob>> {
        Box::pin(async move {
            let file = match tokio::fs::File::open(self.path_of(hash)).await {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            };
            let size = file.metadata().await?.len();
            let body = stream::try_unfold(file, |mut file| async move {
                let mut buf = vec![0u8; CHUNK];
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    return Ok(None);
                }
                buf.truncate(n);
                Ok(Some((Bytes::from(buf), file)))
            });
            Ok(Some(Blob {
                size,
                body: Box::pin(body),
            }))
        })
    }

    fn delete(&self, hash: ContentHash) -> BlobFuture<'_, ()> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path_of(hash)).await {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            }
        })
    }

    fn staging(&self) -> &Staging {
        &self.staging
    }

    fn describe(&self) -> String {
        format!("the folder {}", self.root.display())
    }
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt;

    use super::*;

    async fn read(blobs: &LocalBlobs, hash: ContentHash) -> Option<Vec<u8>> {
        let blob = blobs.get(hash).await.unwrap()?;
        let chunks: Vec<Bytes> = blob.body.try_collect().await.unwrap();
        Some(chunks.concat())
    }

    #[tokio::test]
    async fn put_get_delete_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = LocalBlobs::new(dir.path().join("files"));
        let body = vec![7u8; 200_000];
        let one = futures_util::stream::iter([Ok::<_, ()>(Bytes::from(body.clone()))]);
        let staged = blobs.staging().stage(one, 1 << 20).await.unwrap();
        blobs.put(staged.hash, &staged.path).await.unwrap();
        assert!(!staged.path.exists(), "moved into place");
        assert_eq!(read(&blobs, staged.hash).await.unwrap(), body);
        // The same content again is the same blob; a second staged copy is left to its drop.
        let again = futures_util::stream::iter([Ok::<_, ()>(Bytes::from(body.clone()))]);
        let second = blobs.staging().stage(again, 1 << 20).await.unwrap();
        assert_eq!(second.hash, staged.hash);
        blobs.put(second.hash, &second.path).await.unwrap();
        blobs.delete(staged.hash).await.unwrap();
        assert!(read(&blobs, staged.hash).await.is_none());
        blobs.delete(staged.hash).await.unwrap();
    }
}
