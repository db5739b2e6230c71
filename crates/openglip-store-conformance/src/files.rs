//! Files: records, their posts (made in the same transaction as the records, with the
//! `PostAdded` event, or not at all), and the cleanup of records attached to nothing and blobs
//! no record names.

use openglip_domain::events::EventPayload;
use openglip_domain::files::{ContentHash, NewFile};
use openglip_domain::*;

use crate::*;

fn new_file<B: Backend>(f: &Fixture<B>, by: ExtensionId, name: &str, hash: u8) -> NewFile {
    NewFile {
        account_id: f.account.id,
        uploader_id: by,
        name: name.into(),
        content_type: "image/png".into(),
        size: 1234,
        hash: ContentHash([hash; 32]),
        content_prefix: "http://h/files/".into(),
    }
}

pub async fn files_round_trip_and_post_with_their_event<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;

    let loose = f
        .store
        .files()
        .create_files(vec![new_file(&f, f.admin.id, "a.png", 1)])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(loose.content_uri, format!("http://h/files/{}", loose.id));
    assert!(loose.chats.is_empty());
    let read = f.store.files().file(loose.id).await.unwrap().unwrap();
    assert_eq!(read.name, "a.png");
    assert_eq!(read.size, 1234);
    assert_eq!(read.hash, ContentHash([1; 32]));
    assert_eq!(read.content_type, "image/png");
    assert!(
        f.store
            .files()
            .file(FileId(999_999))
            .await
            .unwrap()
            .is_none()
    );

    let seq = f.last_seq().await;
    let mut post = text_post(team.id, f.admin.id, "");
    post.attachments = vec![serde_json::json!({"type": "Card", "text": "c"})];
    let (post, records) = f
        .store
        .files()
        .post_files(
            post,
            vec![new_file(&f, f.admin.id, "b.txt", 2)],
            vec![loose.id],
        )
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].id, loose.id);
    assert_eq!(records[1].chats, vec![team.id]);
    // The post's own attachments first, then the files in order, as RingCentral spells them.
    assert_eq!(post.attachments.len(), 3);
    assert_eq!(post.attachments[1]["id"], loose.id.to_string());
    assert_eq!(post.attachments[2]["type"], "File");
    assert_eq!(post.attachments[2]["name"], "b.txt");
    assert_eq!(post.attachments[2]["contentUri"], records[1].content_uri);
    let stored = f.store.post(team.id, post.id).await.unwrap().unwrap();
    assert_eq!(stored.attachments, post.attachments);
    let events = f.events_since(seq).await;
    assert_eq!(events.len(), 1, "{events:?}");
    match &events[0].payload {
        EventPayload::PostAdded { post: p } => assert_eq!(p.attachments, post.attachments),
        other => panic!("{other:?}"),
    }
    let of_post = f.store.files().files_of_post(post.id).await.unwrap();
    assert_eq!(
        of_post.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![loose.id, records[1].id]
    );
    assert_eq!(
        f.store.files().file(loose.id).await.unwrap().unwrap().chats,
        vec![team.id]
    );
}

pub async fn a_refused_post_records_no_file<B: Backend>() {
    let f = fixture::<B>().await;
    let outsider = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let seq = f.last_seq().await;
    let r = f
        .store
        .files()
        .post_files(
            text_post(team.id, outsider.id, ""),
            vec![new_file(&f, outsider.id, "x.png", 3)],
            vec![],
        )
        .await;
    assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");
    assert_eq!(count(&f.store, "SELECT count(*) FROM files").await, 0);
    assert_eq!(count(&f.store, "SELECT count(*) FROM blobs").await, 0);
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM posts WHERE text = ''").await,
        0
    );
    assert!(f.events_since(seq).await.is_empty());
    // An unknown file to attach is refused whole as well.
    let r = f
        .store
        .files()
        .post_files(
            text_post(team.id, f.admin.id, "x"),
            vec![],
            vec![FileId(999_999)],
        )
        .await;
    assert!(matches!(r, Err(Error::NotFound(Subject::File))), "{r:?}");
    assert!(f.events_since(seq).await.is_empty());
}

pub async fn cleanup_forgets_unattached_files_and_unused_blobs<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let files = f.store.files();
    // Two uploads of the same content, one posted; one upload of other content, loose.
    let (post, _) = files
        .post_files(
            text_post(team.id, f.admin.id, ""),
            vec![new_file(&f, f.admin.id, "a.png", 7)],
            vec![],
        )
        .await
        .unwrap();
    files
        .create_files(vec![
            new_file(&f, f.admin.id, "again.png", 7),
            new_file(&f, f.admin.id, "b.png", 8),
        ])
        .await
        .unwrap();
    let far = Timestamp(i64::MAX / 2);
    // Nothing is old enough yet.
    assert_eq!(
        files.forget_unattached_files(Timestamp(0)).await.unwrap(),
        0
    );
    assert!(files.unused_blobs(far, 10).await.unwrap().is_empty());

    // The loose records go; blob 7 is still named by the posted record.
    assert_eq!(files.forget_unattached_files(far).await.unwrap(), 2);
    assert_eq!(
        files.unused_blobs(far, 10).await.unwrap(),
        vec![ContentHash([8; 32])]
    );
    assert!(!files.forget_blob(ContentHash([7; 32]), far).await.unwrap());
    assert!(
        !files
            .forget_blob(ContentHash([8; 32]), Timestamp(0))
            .await
            .unwrap(),
        "a blob used after `before` is kept"
    );
    assert!(files.forget_blob(ContentHash([8; 32]), far).await.unwrap());
    assert!(!files.forget_blob(ContentHash([8; 32]), far).await.unwrap());

    // Deleting the post forgets its link; the record is then unattached, and its blob unused.
    f.store.delete_post(team.id, post.id).await.unwrap();
    assert_eq!(files.forget_unattached_files(far).await.unwrap(), 1);
    assert_eq!(
        files.unused_blobs(far, 10).await.unwrap(),
        vec![ContentHash([7; 32])]
    );
    assert!(files.forget_blob(ContentHash([7; 32]), far).await.unwrap());
    assert_eq!(count(&f.store, "SELECT count(*) FROM blobs").await, 0);

    // Bytes stored for an upload whose records were refused are made known, unused.
    files.touch_blob(ContentHash([9; 32]), 5).await.unwrap();
    files.touch_blob(ContentHash([9; 32]), 5).await.unwrap();
    assert_eq!(
        files.unused_blobs(far, 10).await.unwrap(),
        vec![ContentHash([9; 32])]
    );
    assert!(
        files
            .unused_blobs(Timestamp(0), 10)
            .await
            .unwrap()
            .is_empty()
    );
}
