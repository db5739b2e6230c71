//! Files kept in an S3-compatible bucket (`S3Blobs`, requests signed with Signature Version 4),
//! against moto's S3 server on a loopback port: the blob store's put, get and delete, and the
//! API's upload and download end to end with the bucket behind them. Skipped, saying so, when
//! moto is not installed (`tests/clients/install.sh` installs it).

use std::sync::Arc;

use futures_util::TryStreamExt;
use openglip_blobs::{BlobStore, S3Blobs, S3Config};
use openglip_testkit::MotoServer;
use reqwest::Method;

use crate::clients::repo_root;
use crate::helpers::*;

async fn moto() -> Option<MotoServer> {
    match MotoServer::start(&repo_root().join("tests/clients/s3/.deps")).await {
        Ok(m) => Some(m),
        Err(why) => {
            println!("SKIPPED: no local S3-compatible server: {why}");
            None
        }
    }
}

fn config(endpoint: &str, staging: &std::path::Path) -> S3Config {
    S3Config {
        endpoint: endpoint.into(),
        bucket: "openglip-test".into(),
        region: "us-east-1".into(),
        access_key: "testing".into(),
        secret_key: "testing".into(),
        prefix: "blobs/".into(),
        staging: staging.into(),
    }
}

fn bucket(endpoint: &str, staging: &std::path::Path) -> S3Blobs {
    S3Blobs::new(config(endpoint, staging)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_s3_store_puts_gets_and_deletes_by_content() {
    let Some(moto) = moto().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let s3 = bucket(&moto.endpoint, dir.path());
    s3.ensure_bucket().await.unwrap();
    s3.ensure_bucket().await.unwrap();
    let body: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    let one = futures_util::stream::iter([Ok::<_, ()>(body.clone())]);
    let staged = s3.staging().stage(one, 1 << 30).await.unwrap();
    s3.put(staged.hash, &staged.path).await.unwrap();
    let blob = s3.get(staged.hash).await.unwrap().expect("stored");
    assert_eq!(blob.size, body.len() as u64);
    let read = blob
        .body
        .try_fold(Vec::new(), |mut all, chunk| async move {
            all.extend_from_slice(&chunk);
            Ok(all)
        })
        .await
        .unwrap();
    assert_eq!(read, body);
    s3.delete(staged.hash).await.unwrap();
    assert!(s3.get(staged.hash).await.unwrap().is_none());
    s3.delete(staged.hash).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_and_downloads_go_through_the_bucket() {
    let Some(moto) = moto().await else { return };
    let staging = tempfile::tempdir().unwrap();
    let s3 = bucket(&moto.endpoint, staging.path());
    s3.ensure_bucket().await.unwrap();
    let s3: Arc<dyn BlobStore> = Arc::new(s3);
    let mut config = openglip_testkit::test_config();
    config.files.blobs = Some(s3.clone());
    let w = World::with(spawn_app_with(config).await).await;
    let team = w.team("Bucket", false, &[&w.bob]).await;
    let (s, b) = send(
        w.app
            .req(
                Method::POST,
                &format!("/team-messaging/v1/files?groupId={team}&name=data.bin"),
                &w.alice.token,
            )
            .header("content-type", "application/octet-stream")
            .body(vec![9u8; 50_000]),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let uri = b[0]["contentUri"].as_str().unwrap();
    let r = w
        .app
        .http
        .get(uri)
        .bearer_auth(&w.bob.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), vec![9u8; 50_000]);
    // The bytes are in the bucket, under their hash; nothing is left in the data folder.
    let id: i64 = b[0]["id"].as_str().unwrap().parse().unwrap();
    let record = w
        .app
        .state()
        .store()
        .files()
        .file(openglip_domain::FileId(id))
        .await
        .unwrap()
        .unwrap();
    assert!(s3.get(record.hash).await.unwrap().is_some());
    assert!(!w.app.data_dir().join("files").exists());
}
