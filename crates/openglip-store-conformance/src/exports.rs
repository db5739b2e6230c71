//! Data export (`ExportStore`): tasks, the limit of active tasks per company, the queue a worker
//! claims from (a lease, taken over when it ends), what a task reads, and datasets.

use openglip_domain::export::*;
use openglip_domain::*;

use crate::*;

fn new_export(f: &Fixture<impl Backend>, chats: Vec<ChatId>) -> NewExport {
    NewExport {
        account_id: f.account.id,
        creator_id: f.admin.id,
        time_from: Timestamp(0),
        time_to: Timestamp(i64::MAX / 2),
        contacts: vec![f.admin.id],
        chats,
    }
}

pub async fn tasks_are_kept_limited_per_company_and_listed_newest_first<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let exports = f.store.exports();
    let a = exports
        .create_export(new_export(&f, vec![team.id]))
        .await
        .unwrap();
    assert_eq!(a.status, ExportStatus::Accepted);
    assert_eq!(
        (a.contacts.clone(), a.chats.clone()),
        (vec![f.admin.id], vec![team.id])
    );
    assert!(a.datasets.is_empty());
    let b = exports.create_export(new_export(&f, vec![])).await.unwrap();
    assert!(b.chats.is_empty());
    // A third while two wait: refused, nothing kept.
    let r = exports.create_export(new_export(&f, vec![])).await;
    assert!(
        matches!(
            r,
            Err(Error::InvalidSubject {
                subject: Subject::ExportTask,
                ..
            })
        ),
        "{r:?}"
    );
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM export_tasks").await,
        2
    );
    let listed = exports.export_tasks(f.account.id, None).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        [b.id, a.id]
    );
    assert_eq!(exports.export_task(a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(exports.export_task(a.id + 1000).await.unwrap(), None);
    // Another company's list is its own.
    let (other, _) = f
        .store
        .create_account("Other".into(), person("Oz", "Other", None))
        .await
        .unwrap();
    assert!(
        exports
            .export_tasks(other.id, None)
            .await
            .unwrap()
            .is_empty()
    );

    // Finishing one makes room; the status filter lists by status.
    exports.fail_export(a.id, "disk full".into()).await.unwrap();
    let failed = exports
        .export_tasks(f.account.id, Some(ExportStatus::Failed))
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].failure.as_deref(), Some("disk full"));
    exports.create_export(new_export(&f, vec![])).await.unwrap();
}

pub async fn workers_claim_the_oldest_and_take_over_when_a_lease_ends<B: Backend>() {
    let f = fixture::<B>().await;
    let exports = f.store.exports();
    let a = exports.create_export(new_export(&f, vec![])).await.unwrap();
    let b = exports.create_export(new_export(&f, vec![])).await.unwrap();
    let t = |ms: i64| Timestamp(1_000_000 + ms);

    let first = exports
        .claim_export(t(0), t(60_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.id, first.status), (a.id, ExportStatus::InProgress));
    let second = exports
        .claim_export(t(1), t(60_001))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, b.id);
    // Both held: nothing to claim until a lease ends.
    assert!(
        exports
            .claim_export(t(2), t(60_002))
            .await
            .unwrap()
            .is_none()
    );
    // The first's worker died: once its lease is over, another worker takes it over.
    let again = exports
        .claim_export(t(60_001), t(120_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, a.id);

    // Completing keeps the datasets, numbered from 1, with their sizes.
    let done = exports
        .complete_export(a.id, vec![b"PK first".to_vec(), vec![7; 1000]])
        .await
        .unwrap();
    assert_eq!(done.status, ExportStatus::Completed);
    assert_eq!(
        done.datasets,
        [Dataset { id: 1, size: 8 }, Dataset { id: 2, size: 1000 }]
    );
    assert_eq!(
        exports.export_dataset(a.id, 1).await.unwrap().as_deref(),
        Some(&b"PK first"[..])
    );
    assert_eq!(exports.export_dataset(a.id, 3).await.unwrap(), None);
    assert_eq!(exports.export_dataset(b.id, 1).await.unwrap(), None);
    // A completed task is never claimed again, even long after.
    exports.fail_export(b.id, "x".into()).await.unwrap();
    assert!(
        exports
            .claim_export(t(900_000), t(960_000))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_task_reads_its_chats_and_time_range<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let a = f.team(f.admin.id, "A", &[pat.id]).await;
    let b = f.team(f.admin.id, "B", &[]).await;
    let p1 = f
        .store
        .create_post(text_post(a.id, pat.id, "one"))
        .await
        .unwrap();
    let p2 = f
        .store
        .create_post(text_post(b.id, f.admin.id, "two"))
        .await
        .unwrap();
    let p3 = f
        .store
        .create_post(text_post(a.id, f.admin.id, "three"))
        .await
        .unwrap();
    // Another company's chat and post are never read.
    let (_, oz) = f
        .store
        .create_account("Other".into(), person("Oz", "Other", None))
        .await
        .unwrap();
    let theirs = f.store.everyone_chat(oz.account_id).await.unwrap();
    f.store
        .create_post(text_post(theirs.id, oz.id, "not ours"))
        .await
        .unwrap();

    let exports = f.store.exports();
    let mut all = exports.create_export(new_export(&f, vec![])).await.unwrap();
    all.contacts.clear();
    let data = exports.export_data(all.clone()).await.unwrap();
    let chat_ids: Vec<ChatId> = data.chats.iter().map(|c| c.id).collect();
    assert!(chat_ids.contains(&a.id) && chat_ids.contains(&b.id));
    assert!(!chat_ids.contains(&theirs.id));
    let a_read = data.chats.iter().find(|c| c.id == a.id).unwrap();
    assert!(
        a_read.members.contains(&pat.id),
        "chats come with their members"
    );
    let texts: Vec<&str> = data.posts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["one", "two", "three"], "oldest first, only ours");

    // Named chats only, and the range [from, to) on the creation time.
    let mut some = all.clone();
    some.chats = vec![a.id];
    some.time_from = p1.created;
    some.time_to = p3.created;
    let data = exports.export_data(some).await.unwrap();
    assert_eq!(data.chats.len(), 1);
    let expect: Vec<PostId> = [&p1, &p3]
        .iter()
        .filter(|p| p.created >= p1.created && p.created < p3.created)
        .map(|p| p.id)
        .collect();
    assert_eq!(data.posts.iter().map(|p| p.id).collect::<Vec<_>>(), expect);
    let _ = p2;
}
