//! `serve`'s settings for uploaded files: the size limit, and where the bytes go (the data
//! folder, or an S3-compatible bucket).

use std::path::Path;
use std::sync::Arc;

use clap::Args;
use openglip_blobs::{BlobStore, LocalBlobs, S3Blobs, S3Config};

#[derive(Args, Clone)]
pub struct FileArgs {
    /// The largest upload (all files of one request): bytes, or with a unit: `100MiB`, `20MB`,
    /// `512KiB`, `1GiB`. Over it, 413.
    #[arg(long, env = "OPENGLIP_MAX_UPLOAD_SIZE", default_value = "100MiB", value_parser = parse_size)]
    pub max_upload_size: u64,
    /// Keep files in an S3-compatible bucket at this endpoint (`https://s3.eu-west-1.amazonaws.com`,
    /// `http://127.0.0.1:9000`), path-style, instead of `files/` in the data folder.
    #[arg(long, env = "OPENGLIP_S3_ENDPOINT", value_name = "URL")]
    pub s3_endpoint: Option<String>,
    /// The bucket (made at start when missing).
    #[arg(long, env = "OPENGLIP_S3_BUCKET", default_value = "openglip")]
    pub s3_bucket: String,
    #[arg(long, env = "OPENGLIP_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// Put before every object's key.
    #[arg(long, env = "OPENGLIP_S3_PREFIX", default_value = "blobs/")]
    pub s3_prefix: String,
    #[arg(
        long,
        env = "OPENGLIP_S3_ACCESS_KEY",
        hide_env_values = true,
        default_value = ""
    )]
    pub s3_access_key: String,
    #[arg(
        long,
        env = "OPENGLIP_S3_SECRET_KEY",
        hide_env_values = true,
        default_value = ""
    )]
    pub s3_secret_key: String,
}

/// `100MiB`, `20MB`, `512KiB`, `1GiB`, `2048`.
pub fn parse_size(raw: &str) -> Result<u64, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (digits, unit) = raw.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{raw:?} is not a size (bytes, or like 100MiB)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => return Err(format!("unknown unit {other:?} in {raw:?}")),
    };
    n.checked_mul(factor)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{raw:?} is out of range"))
}

impl FileArgs {
    /// The blob store these settings name; an S3 bucket is checked (and made) now.
    pub async fn blobs(&self, data_dir: &Path) -> Result<Arc<dyn BlobStore>, String> {
        let Some(endpoint) = self.s3_endpoint.as_deref().filter(|e| !e.trim().is_empty()) else {
            return Ok(Arc::new(LocalBlobs::new(data_dir.join("files"))));
        };
        let s3 = S3Blobs::new(S3Config {
            endpoint: endpoint.trim().to_string(),
            bucket: self.s3_bucket.clone(),
            region: self.s3_region.clone(),
            access_key: self.s3_access_key.clone(),
            secret_key: self.s3_secret_key.clone(),
            prefix: self.s3_prefix.clone(),
            staging: data_dir.join("files").join("tmp"),
        })
        .map_err(|e| format!("--s3-endpoint: {e}"))?;
        s3.ensure_bucket()
            .await
            .map_err(|e| format!("the S3 bucket {:?} at {endpoint}: {e}", self.s3_bucket))?;
        Ok(Arc::new(s3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100MiB").unwrap(), 100 * 1024 * 1024);
        assert_eq!(parse_size("2048").unwrap(), 2048);
        assert_eq!(parse_size("20 MB").unwrap(), 20_000_000);
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5XB").is_err());
    }
}
