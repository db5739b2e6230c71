//! Files: `POST /team-messaging/v1/files` (multipart as RingCentral's SDKs send it, and the bare
//! body), posts with `File` attachments, downloads at `contentUri` for members only, served so
//! that markup never runs as a page, and the bad input: oversize bodies, wrong content types,
//! no name, a chat the caller is not in — each a clear error with nothing stored.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const FILES: &str = "/team-messaging/v1/files";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDRpretend-image-bytes";

/// A `multipart/form-data` body as RingCentral's Python SDK builds one: a `json` part, then
/// the file parts.
fn multipart(boundary: &str, files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"json\"; filename=\"request.json\"\r\nContent-Type: application/json\r\n\r\n{{}}\r\n").as_bytes());
    for (name, ct, data) in files {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"body\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n").as_bytes());
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut rb = app.req(Method::POST, &format!("{FILES}{query}"), token);
    if let Some(ct) = content_type {
        rb = rb.header("content-type", ct);
    }
    send(rb.body(body)).await
}

/// Downloads a `contentUri` with `token`: status, headers, bytes.
async fn download(
    app: &TestApp,
    uri: &str,
    token: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = app.http.get(uri).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

/// Files kept in the data folder (not counting staged uploads).
fn blobs_on_disk(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path, out: &mut usize) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() { walk(&p, out) } else { *out += 1 }
        }
    }
    let mut n = 0;
    walk(&app.data_dir().join("files"), &mut n);
    n
}

async fn posts_of(w: &World, chat: &str) -> Vec<Value> {
    let (s, b) = w
        .app
        .get(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b["records"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_upload_into_a_chat_posts_it_and_only_members_read_it() {
    let w = World::new().await;
    let team = w.team("Files", false, &[&w.bob]).await;
    let body = multipart("XyZ", &[("ignored.png", "image/png", PNG)]);
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &format!("?groupId={team}&name=chart.png"),
        Some("multipart/form-data; boundary=XyZ"),
        body,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // Exactly RingCentral's TMAddFileResponse: an array of {id, contentUri, name}.
    let files = b.as_array().unwrap();
    assert_eq!(files.len(), 1);
    let mut keys: Vec<&str> = files[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["contentUri", "id", "name"]);
    assert_eq!(files[0]["name"], "chart.png");
    let id = files[0]["id"].as_str().unwrap();
    let uri = files[0]["contentUri"].as_str().unwrap();
    assert_eq!(uri, w.app.url(&format!("{FILES}/{id}")));

    // The upload is a post of Alice's in the chat, with the file as its attachment.
    let posts = posts_of(&w, &team).await;
    let post = &posts[0];
    assert_eq!(post["creatorId"], w.alice.id().to_string());
    assert_eq!(
        post["attachments"],
        json!([{"id": id, "type": "File", "name": "chart.png", "contentUri": uri}])
    );

    // Bob, a member, reads it; Carol (same company, not a member) and Eve do not.
    let (s, h, bytes) = download(&w.app, uri, &w.bob.token).await;
    assert_eq!(s, 200);
    assert_eq!(bytes, PNG);
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline; filename=\"chart.png\"")
    );
    for outsider in [&w.carol, &w.eve] {
        let (s, _, bytes) = download(&w.app, uri, &outsider.token).await;
        assert_eq!(s, 404);
        assert!(!bytes.starts_with(b"\x89PNG"));
    }
    let (s, b) = w.app.get(&format!("{FILES}/999999"), &w.alice.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
}

#[tokio::test]
async fn a_bare_upload_is_attached_to_a_post_by_id() {
    let w = World::new().await;
    let team = w.team("Reports", false, &[&w.bob]).await;
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        "?name=report.csv",
        Some("text/csv"),
        b"region,total\nnorth,12\n".to_vec(),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let id = b[0]["id"].as_str().unwrap().to_string();
    let uri = b[0]["contentUri"].as_str().unwrap().to_string();
    // Not posted yet: only Alice reads it.
    assert_eq!(download(&w.app, &uri, &w.bob.token).await.0, 404);
    let (_, h, bytes) = download(&w.app, &uri, &w.alice.token).await;
    assert_eq!(bytes, b"region,total\nnorth,12\n");
    assert_eq!(h["content-type"], "text/csv; charset=utf-8");
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );

    // Someone else cannot attach Alice's file, even into a chat of theirs.
    let (s, b) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.bob.token,
            json!({"text": "mine now", "attachments": [{"type": "File", "id": id}]}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");

    let (s, post) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.alice.token,
            json!({"text": "the numbers", "attachments": [{"type": "File", "id": id}]}),
        )
        .await;
    assert_eq!(s, 201, "{post}");
    assert_eq!(post["text"], "the numbers");
    assert_eq!(
        post["attachments"],
        json!([{"id": id, "type": "File", "name": "report.csv", "contentUri": uri}])
    );
    // Now the chat's members read it.
    assert_eq!(download(&w.app, &uri, &w.bob.token).await.0, 200);
    assert_eq!(download(&w.app, &uri, &w.carol.token).await.0, 404);
    // An attachment naming no file of the caller's is refused, and nothing is posted.
    let before = posts_of(&w, &team).await.len();
    let (s, b) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.alice.token,
            json!({"attachments": [{"type": "File", "id": "98765"}]}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(posts_of(&w, &team).await.len(), before);
}

#[tokio::test]
async fn markup_is_downloaded_never_shown_as_a_page() {
    let w = World::new().await;
    let page = b"<!DOCTYPE html><script>alert(document.cookie)</script>".to_vec();
    for (name, declared) in [("x.png", "image/png"), ("x.html", "text/html")] {
        let (s, b) = upload(
            &w.app,
            &w.alice.token,
            &format!("?name={name}"),
            Some(declared),
            page.clone(),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let (_, h, _) =
            download(&w.app, b[0]["contentUri"].as_str().unwrap(), &w.alice.token).await;
        assert_eq!(h["content-type"], "text/html; charset=utf-8");
        assert!(
            h["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("sandbox")
        );
    }
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
    let (_, b) = upload(
        &w.app,
        &w.alice.token,
        "?name=a.svg",
        Some("image/svg+xml"),
        svg,
    )
    .await;
    let (_, h, _) = download(&w.app, b[0]["contentUri"].as_str().unwrap(), &w.alice.token).await;
    assert_eq!(h["content-type"], "image/svg+xml");
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
}

#[tokio::test]
async fn bad_uploads_are_clear_errors_and_store_nothing() {
    let mut config = openglip_testkit::test_config();
    config.files.max_upload_size = 1000;
    let w = World::with(spawn_app_with(config).await).await;
    let team = w.team("Limits", false, &[&w.bob]).await;
    let q = format!("?groupId={team}&name=big.bin");

    // Over the limit, declared or streamed (chunked, no Content-Length), bare or multipart: 413.
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &q,
        Some("application/octet-stream"),
        vec![1; 1001],
    )
    .await;
    assert_rc_error(s, &b, 413, "CMN-101");
    // Far over it: the client still reads the refusal (what it sends is read and thrown away).
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &q,
        Some("application/octet-stream"),
        vec![1; 3_000_000],
    )
    .await;
    assert_rc_error(s, &b, 413, "CMN-101");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![2u8; 100])).collect();
    let r = w
        .app
        .req(Method::POST, &format!("{FILES}{q}"), &w.alice.token)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let two = multipart(
        "B",
        &[
            ("a.bin", "application/octet-stream", &[3; 600]),
            ("b.bin", "application/octet-stream", &[4; 600]),
        ],
    );
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &q,
        Some("multipart/form-data; boundary=B"),
        two,
    )
    .await;
    assert_rc_error(s, &b, 413, "CMN-101");

    // Wrong content types: a form, an unknown multipart, no boundary, nonsense.
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &q,
        Some("application/x-www-form-urlencoded"),
        b"a=b".to_vec(),
    )
    .await;
    assert_rc_error(s, &b, 415, "CMN-407");
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &q,
        Some("multipart/related; boundary=Q"),
        b"--Q--".to_vec(),
    )
    .await;
    assert_rc_error(s, &b, 415, "CMN-407");
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &q,
        Some("multipart/form-data"),
        b"--Q--".to_vec(),
    )
    .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let (s, b) = upload(&w.app, &w.alice.token, &q, Some("nonsense"), b"x".to_vec()).await;
    assert_rc_error(s, &b, 415, "CMN-407");
    // A multipart body with only the `json` part, and an empty body: no file.
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &q,
        Some("multipart/form-data; boundary=J"),
        multipart("J", &[]),
    )
    .await;
    assert_rc_error(s, &b, 400, "CMN-100");
    let (s, b) = upload(&w.app, &w.alice.token, &q, Some("text/plain"), Vec::new()).await;
    assert_rc_error(s, &b, 400, "CMN-100");

    // No name: neither in the query nor on a part.
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &format!("?groupId={team}"),
        Some("text/plain"),
        b"hi".to_vec(),
    )
    .await;
    assert_rc_error(s, &b, 400, "CMN-100");
    assert_eq!(b["errors"][0]["parameterName"], "name");

    // A chat the caller is not in, one that does not exist, a malformed id.
    let (s, b) = upload(
        &w.app,
        &w.carol.token,
        &q,
        Some("text/plain"),
        b"hi".to_vec(),
    )
    .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = upload(&w.app, &w.eve.token, &q, Some("text/plain"), b"hi".to_vec()).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        "?groupId=abc&name=a",
        Some("text/plain"),
        b"hi".to_vec(),
    )
    .await;
    assert_rc_error(s, &b, 400, "CMN-101");

    // Nothing of any of them was kept: no blob, no staged upload, no post.
    assert_eq!(blobs_on_disk(&w.app), 0);
    assert!(
        posts_of(&w, &team)
            .await
            .iter()
            .all(|p| p["attachments"].is_null())
    );

    // Within the limit it works, several files in one post.
    let two = multipart(
        "C",
        &[
            ("a.txt", "text/plain", b"one"),
            ("b.txt", "text/plain", b"two"),
        ],
    );
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &format!("?groupId={team}"),
        Some("multipart/form-data; boundary=C"),
        two,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b.as_array().unwrap().len(), 2);
    assert_eq!(b[1]["name"], "b.txt");
    let posts = posts_of(&w, &team).await;
    assert_eq!(posts[0]["attachments"].as_array().unwrap().len(), 2);
    assert_eq!(blobs_on_disk(&w.app), 2);
}

/// The cleanup pass, run at a chosen time: a deleted post's file and its bytes go once no record
/// names them; content still named by another record stays; and an upload of the same content
/// holding its hash's lock is never undone by a pass that runs meanwhile.
#[tokio::test]
async fn cleanup_removes_what_nothing_names_and_never_a_blob_being_uploaded() {
    let w = World::new().await;
    let team = w.team("Cleanup", false, &[&w.bob]).await;
    let up = |body: &'static [u8], name: &'static str| {
        let w = &w;
        let team = team.clone();
        async move {
            let (s, b) = upload(
                &w.app,
                &w.alice.token,
                &format!("?groupId={team}&name={name}"),
                Some("application/octet-stream"),
                body.to_vec(),
            )
            .await;
            assert_eq!(s, 200, "{b}");
            b[0]["id"].as_str().unwrap().parse::<i64>().unwrap()
        }
    };
    let gone = up(b"content only the deleted post has", "gone.bin").await;
    let kept = up(b"content two posts have", "kept.bin").await;
    up(b"content two posts have", "kept-too.bin").await;
    let st = w.app.state();
    let store = st.store().clone();
    let record = |id: i64| {
        let store = store.clone();
        async move {
            store
                .files()
                .file(openglip_domain::FileId(id))
                .await
                .unwrap()
        }
    };
    let gone_hash = record(gone).await.unwrap().hash;
    let kept_hash = record(kept).await.unwrap().hash;
    assert_eq!(blobs_on_disk(&w.app), 2, "two contents, three files");

    // Delete the post of `gone` and of one of the two `kept` files.
    let posts = posts_of(&w, &team).await;
    for p in &posts {
        let id = p["attachments"][0]["id"].as_str().unwrap();
        if id == gone.to_string() || id == kept.to_string() {
            let (s, _) = w
                .app
                .delete(
                    &format!(
                        "/team-messaging/v1/chats/{team}/posts/{}",
                        p["id"].as_str().unwrap()
                    ),
                    &w.alice.token,
                )
                .await;
            assert_eq!(s, 204);
        }
    }
    let blobs = st.config().files.blobs.clone().unwrap();
    let now = openglip_domain::Timestamp(jiff::Timestamp::now().as_millisecond());
    // Right away nothing goes: the grace periods have not passed.
    let done = openglip_blobs::cleanup(&store, blobs.as_ref(), &st.0.blob_locks, now, 100)
        .await
        .unwrap();
    assert_eq!((done.files, done.blobs), (0, 0));

    // Two days later: both unattached records go, and the bytes only nothing names.
    let later = now.plus_seconds(2 * 24 * 3600);
    // Meanwhile an upload of `gone`'s content holds its hash's lock (between storing the bytes
    // and recording them): the pass waits for it, and then finds the blob named again.
    let held = st.0.blob_locks.lock(gone_hash).await;
    let pass = {
        let store = store.clone();
        let blobs = blobs.clone();
        let st = st.clone();
        tokio::spawn(async move {
            openglip_blobs::cleanup(&store, blobs.as_ref(), &st.0.blob_locks, later, 100).await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!pass.is_finished(), "the pass waits for the upload's lock");
    // The upload records the same content again (as `receive` does under the lock).
    let chat = openglip_domain::ChatId(team.parse().unwrap());
    let (again, _) = store
        .files()
        .post_files(
            openglip_domain::store::NewPost {
                chat_id: chat,
                creator_id: w.alice.ext.id,
                kind: openglip_domain::PostType::TextMessage,
                text: String::new(),
                parent_post_id: None,
                mentions: vec![],
                added_person_ids: vec![],
                removed_person_ids: vec![],
                attachments: vec![],
                activity: None,
                title: None,
                icon_uri: None,
                icon_emoji: None,
            },
            vec![openglip_domain::files::NewFile {
                account_id: w.acme.id,
                uploader_id: w.alice.ext.id,
                name: "again.bin".into(),
                content_type: "application/octet-stream".into(),
                size: 33,
                hash: gone_hash,
                content_prefix: "x".into(),
            }],
            vec![],
        )
        .await
        .unwrap();
    drop(held);
    let done = pass.await.unwrap().unwrap();
    assert_eq!(done.files, 2, "the two records attached to no post");
    assert_eq!(
        done.blobs, 0,
        "the re-uploaded content is named again, and used just now"
    );
    assert!(record(gone).await.is_none());
    assert!(record(kept).await.is_none());
    assert!(blobs.get(gone_hash).await.unwrap().is_some());
    assert!(
        blobs.get(kept_hash).await.unwrap().is_some(),
        "still named by kept-too.bin"
    );

    // Once the re-upload's post is deleted too, its bytes go.
    let (s, _) = w
        .app
        .delete(
            &format!("/team-messaging/v1/chats/{team}/posts/{}", again.id),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 204);
    let much_later = later.plus_seconds(2 * 24 * 3600);
    let done = openglip_blobs::cleanup(&store, blobs.as_ref(), &st.0.blob_locks, much_later, 100)
        .await
        .unwrap();
    assert_eq!(done.files, 1);
    assert_eq!(done.blobs, 1);
    assert!(blobs.get(gone_hash).await.unwrap().is_none());
    assert!(blobs.get(kept_hash).await.unwrap().is_some());
    assert_eq!(blobs_on_disk(&w.app), 1);
}

/// Refused after its bytes were stored (more files than a post takes): the answer is 400, no
/// record or post is kept, and the bytes are known to the store as unused, for the cleanup pass.
#[tokio::test]
async fn bytes_of_a_refused_upload_are_left_to_the_cleanup() {
    let w = World::new().await;
    let team = w.team("Many", false, &[&w.bob]).await;
    let names: Vec<String> = (0..26).map(|i| format!("f{i}.txt")).collect();
    let bodies: Vec<Vec<u8>> = (0..26)
        .map(|i| format!("file number {i}").into_bytes())
        .collect();
    let parts: Vec<(&str, &str, &[u8])> = names
        .iter()
        .zip(&bodies)
        .map(|(n, b)| (n.as_str(), "text/plain", b.as_slice()))
        .collect();
    let (s, b) = upload(
        &w.app,
        &w.alice.token,
        &format!("?groupId={team}"),
        Some("multipart/form-data; boundary=M"),
        multipart("M", &parts),
    )
    .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert!(
        posts_of(&w, &team)
            .await
            .iter()
            .all(|p| p["attachments"].is_null())
    );
    let far = openglip_domain::Timestamp(i64::MAX / 2);
    let unused = w
        .app
        .state()
        .store()
        .files()
        .unused_blobs(far, 100)
        .await
        .unwrap();
    assert_eq!(
        unused.len(),
        26,
        "every stored content is known, and unused"
    );
}
