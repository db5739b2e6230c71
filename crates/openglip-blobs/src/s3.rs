//! Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, moto…), path-style:
//! `{endpoint}/{bucket}/{prefix}ab/abcd…`, each request signed with Signature Version 4
//! (`sigv4.rs`). Bodies stream both ways; the content's SHA-256 — its name — is also the signed
//! payload hash of a put, so the bucket checks what it receives.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{TryStreamExt, stream};
use reqwest::{Method, StatusCode};
use tokio::io::AsyncReadExt;

use crate::sigv4::{Credentials, authorization, encode_path, sha256_hex};
use crate::{Blob, BlobFuture, BlobStore, ContentHash, Staging};

/// Where the bucket is and how to sign for it.
#[derive(Clone)]
pub struct S3Config {
    /// `http(s)://host[:port]`, without the bucket.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
    /// Put before every key (e.g. `openglip/`).
    pub prefix: String,
    /// A local folder for staging uploads.
    pub staging: PathBuf,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// Blobs in an S3-compatible bucket.
pub struct S3Blobs {
    config: S3Config,
    host: String,
    http: reqwest::Client,
    staging: Staging,
}

fn amz_date() -> String {
    jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

impl S3Blobs {
    pub fn new(config: S3Config) -> io::Result<S3Blobs> {
        let url = url::Url::parse(&config.endpoint)
            .map_err(|e| io::Error::other(format!("S3 endpoint {:?}: {e}", config.endpoint)))?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => return Err(io::Error::other("the S3 endpoint has no host")),
        };
        Ok(S3Blobs {
            staging: Staging::new(config.staging.clone()),
            host,
            http: reqwest::Client::new(),
            config,
        })
    }

    fn key_path(&self, hash: ContentHash) -> String {
        let hex = hash.hex();
        format!(
            "/{}/{}{}/{}",
            self.config.bucket,
            self.config.prefix,
            &hex[0..2],
            hex
        )
    }

    /// A signed request for `path` (already encoded) with a body whose SHA-256 is `payload`.
    fn request(&self, method: Method, path: &str, payload: &str) -> reqwest::RequestBuilder {
        let date = amz_date();
        let creds = Credentials {
            access_key: &self.config.access_key,
            secret_key: &self.config.secret_key,
            region: &self.config.region,
        };
        let auth = authorization(
            &creds,
            method.as_str(),
            path,
            "",
            &[
                ("host", &self.host),
                ("x-amz-content-sha256", payload),
                ("x-amz-date", &date),
            ],
            payload,
            &date,
        );
        let url = format!("{}{}", self.config.endpoint.trim_end_matches('/'), path);
        self.http
            .request(method, url)
            .header("x-amz-content-sha256", payload)
            .header("x-amz-date", date)
            .header("authorization", auth)
    }

    /// Makes the bucket when it does not exist yet.
    pub async fn ensure_bucket(&self) -> io::Result<()> {
        let path = encode_path(&format!("/{}", self.config.bucket));
        let resp = self
            .request(Method::PUT, &path, &sha256_hex(b""))
            .send()
            .await
            .map_err(io::Error::other)?;
        let status = resp.status();
        if status.is_success() || status == StatusCode::CONFLICT {
            return Ok(());
        }
        Err(failure("creating the bucket", resp).await)
    }
}

async fn failure(what: &str, resp: reqwest::Response) -> io::Error {
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    io::Error::other(format!(
        "S3 {what}: {status}: {}",
        text.chars().take(300).collect::<String>()
    ))
}

impl BlobStore for S3Blobs {
    fn put<'a>(&'a self, hash: ContentHash, staged: &'a Path) -> BlobFuture<'a, ()> {
        Box::pin(async move {
            let file = tokio::fs::File::open(staged).await?;
            let size = file.metadata().await?.len();
            let chunks = stream::try_unfold(file, |mut file| async move {
                let mut buf = vec![0u8; 256 * 1024];
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    return Ok::<_, io::Error>(None);
                }
                buf.truncate(n);
                Ok(Some((Bytes::from(buf), file)))
            });
            let resp = self
                .request(Method::PUT, &encode_path(&self.key_path(hash)), &hash.hex())
                .header("content-length", size)
                .header("content-type", "application/octet-stream")
                .body(reqwest::Body::wrap_stream(chunks))
                .send()
                .await
                .map_err(io::Error::other)?;
            if resp.status().is_success() {
                Ok(())
            } else {
                Err(failure("storing a blob", resp).await)
            }
        })
    }

    fn get(&self, hash: ContentHash) -> BlobFuture<'_, Option<Blob>> {
        Box::pin(async move {
            let resp = self
                .request(
                    Method::GET,
                    &encode_path(&self.key_path(hash)),
                    &sha256_hex(b""),
                )
                .send()
                .await
                .map_err(io::Error::other)?;
            if resp.status() == StatusCode::NOT_FOUND {
                return Ok(None);
            }
            if !resp.status().is_success() {
                return Err(failure("reading a blob", resp).await);
            }
            let size = resp.content_length().unwrap_or(0);
            let body = resp.bytes_stream().map_err(io::Error::other);
            Ok(Some(Blob {
                size,
                body: Box::pin(body),
            }))
        })
    }

    fn delete(&self, hash: ContentHash) -> BlobFuture<'_, ()> {
        Box::pin(async move {
            let resp = self
                .request(
                    Method::DELETE,
                    &encode_path(&self.key_path(hash)),
                    &sha256_hex(b""),
                )
                .send()
                .await
                .map_err(io::Error::other)?;
            if resp.status().is_success() || resp.status() == StatusCode::NOT_FOUND {
                Ok(())
            } else {
                Err(failure("deleting a blob", resp).await)
            }
        })
    }

    fn staging(&self) -> &Staging {
        &self.staging
    }

    fn describe(&self) -> String {
        format!(
            "the S3 bucket {} at {}",
            self.config.bucket, self.config.endpoint
        )
    }
}
