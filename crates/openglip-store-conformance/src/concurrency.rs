use std::sync::Arc;

use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

pub async fn a_thousand_concurrent_posts_all_land<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let outsider = f.add_person("Out", "Sider").await;
    let team = f.team(f.admin.id, "Busy", &[p.id]).await;
    let before = f.store.writer();

    const TASKS: usize = 50;
    const PER_TASK: usize = 20;
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = f.store.clone();
        let barrier = barrier.clone();
        let who = if t % 2 == 0 { f.admin.id } else { p.id };
        let chat = team.id;
        let outsider = outsider.id;
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut ids = Vec::new();
            // Fire this task's posts concurrently too, with a failing one in the middle.
            let mut posts = Vec::new();
            for i in 0..PER_TASK {
                let s = store.clone();
                posts.push(tokio::spawn(async move {
                    s.create_post(text_post(chat, who, &format!("{t}/{i}")))
                        .await
                }));
                if i == PER_TASK / 2 {
                    let s = store.clone();
                    posts.push(tokio::spawn(async move {
                        let r = s.create_post(text_post(chat, outsider, "nope")).await;
                        assert!(matches!(r, Err(Error::Forbidden(_))));
                        Err(Error::Forbidden("expected".into()))
                    }));
                }
            }
            for post in posts {
                if let Ok(post) = post.await.unwrap() {
                    ids.push(post.id);
                }
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    assert_eq!(ids.len(), TASKS * PER_TASK);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), TASKS * PER_TASK, "ids are unique");

    assert_eq!(
        count(
            &f.store,
            &format!("SELECT count(*) FROM posts WHERE chat_id = {}", team.id.0)
        )
        .await,
        (TASKS * PER_TASK) as i64
    );
    // Every post is readable through paging, newest first.
    let mut seen = 0;
    let mut cursor = None;
    loop {
        let page = f
            .store
            .list_posts(
                team.id,
                None,
                PageRequest {
                    cursor,
                    direction: Direction::Older,
                    limit: 250,
                },
            )
            .await
            .unwrap();
        assert!(
            page.items
                .windows(2)
                .all(|w| w[0].id > w[1].id && w[0].created >= w[1].created)
        );
        seen += page.items.len();
        cursor = page.items.last().map(|p| p.id.0);
        if !page.has_older {
            break;
        }
    }
    assert_eq!(seen, TASKS * PER_TASK);

    let after = f.store.writer();
    let jobs = after.jobs - before.jobs;
    let batches = after.batches - before.batches;
    assert_eq!(jobs, (TASKS * PER_TASK + TASKS) as u64);
    assert!(
        batches < jobs,
        "group commit: {batches} commits for {jobs} jobs"
    );
    eprintln!("{jobs} jobs in {batches} commits");
}

pub async fn reads_run_alongside_writes_and_survive_reopen<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let writer = {
        let store = f.store.clone();
        tokio::spawn(async move {
            for i in 0..200 {
                store
                    .create_post(text_post(team.id, f.admin.id, &format!("{i}")))
                    .await
                    .unwrap();
            }
        })
    };
    let mut readers = Vec::new();
    for _ in 0..8 {
        let store = f.store.clone();
        readers.push(tokio::spawn(async move {
            let mut last = 0;
            for _ in 0..50 {
                let page = store
                    .list_posts(team.id, None, first_page(1))
                    .await
                    .unwrap();
                let newest = page.items.first().map_or(0, |p| p.id.0);
                assert!(newest >= last, "reads never go back in time");
                last = newest;
                assert!(store.chat(team.id).await.unwrap().is_some());
            }
        }));
    }
    writer.await.unwrap();
    for r in readers {
        r.await.unwrap();
    }
    drop(f.store);
    let store = B::open(&f.place).await;
    assert_eq!(count(&store, "SELECT count(*) FROM posts").await, 200);
    let page = store
        .list_posts(team.id, None, first_page(5))
        .await
        .unwrap();
    assert_eq!(page.items[0].text, "199");
}
