use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

fn ids(posts: &[Post]) -> Vec<i64> {
    posts.iter().map(|p| p.id.0).collect()
}

pub async fn create_post_checks_chat_membership_parent_and_status<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let other = f.team(f.admin.id, "Other", &[]).await;

    let r = f.store.create_post(text_post(team.id, p.id, "hi")).await;
    assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");
    let r = f
        .store
        .create_post(text_post(ChatId(999_999), f.admin.id, "hi"))
        .await;
    assert!(matches!(r, Err(Error::NotFound(Subject::Chat))), "{r:?}");

    let root = f
        .store
        .create_post(text_post(team.id, f.admin.id, "root"))
        .await
        .unwrap();
    let elsewhere = f
        .store
        .create_post(text_post(other.id, f.admin.id, "x"))
        .await
        .unwrap();
    let mut reply = text_post(team.id, f.admin.id, "reply");
    reply.parent_post_id = Some(elsewhere.id);
    let r = f.store.create_post(reply.clone()).await;
    assert!(
        matches!(r, Err(Error::NotFound(Subject::ParentPost))),
        "{r:?}"
    );
    reply.parent_post_id = Some(PostId(999_999));
    assert!(matches!(
        f.store.create_post(reply.clone()).await,
        Err(Error::NotFound(_))
    ));
    reply.parent_post_id = Some(root.id);
    let ok = f.store.create_post(reply).await.unwrap();
    assert_eq!(ok.parent_post_id, Some(root.id));
    assert_eq!(ok.thread_id(), root.id);

    f.store
        .update_chat(
            team.id,
            ChatPatch {
                status: Some(ChatStatus::Archived),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let r = f
        .store
        .create_post(text_post(team.id, f.admin.id, "late"))
        .await;
    assert!(
        matches!(r, Err(Error::Forbidden(ref m)) if m == "The chat is archived"),
        "{r:?}"
    );

    assert_eq!(count(&f.store, "SELECT count(*) FROM posts").await, 3);
}

pub async fn fields_round_trip<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let mut new = text_post(team.id, f.admin.id, "card");
    new.attachments =
        vec![serde_json::json!({"type": "Card", "fallback": "x", "fields": [{"title": "a"}]})];
    new.activity = Some("did a thing".into());
    new.title = Some("Title".into());
    new.icon_uri = Some("https://example.test/i.png".into());
    new.icon_emoji = Some(":tada:".into());
    let created = f.store.create_post(new).await.unwrap();
    assert_eq!(created.kind, PostType::TextMessage);
    assert_eq!(created.created, created.modified);
    let read = f.store.post(team.id, created.id).await.unwrap().unwrap();
    assert_eq!(read, created);
    assert!(
        f.store
            .post(ChatId(999_999), created.id)
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn mentions_are_named_and_unknown_ones_dropped<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let solo = f
        .store
        .create_extension(f.account.id, person("", "", None))
        .await
        .unwrap();
    let team = f.team(f.admin.id, "Design", &[p.id]).await;
    let (other_account, stranger) = f
        .store
        .create_account("Other".into(), person("Stan", "Ger", None))
        .await
        .unwrap();
    let foreign_team = f.store.everyone_chat(other_account.id).await.unwrap();

    let text = format!(
        "![:Person]({}) ![:Team]({}) ![:Person]({}) ![:Person](999999) ![:Team]({}) ![:Person]({}) ![:Person]({})",
        p.id, team.id, stranger.id, foreign_team.id, solo.id, p.id
    );
    let post = f
        .store
        .create_post(text_post(team.id, f.admin.id, &text))
        .await
        .unwrap();
    let got: Vec<(MentionType, i64, &str)> = post
        .mentions
        .iter()
        .map(|m| (m.kind, m.id, m.name.as_str()))
        .collect();
    let solo_name = solo.extension_number.clone();
    assert_eq!(
        got,
        vec![
            (MentionType::Person, p.id.0, "Pat Lee"),
            (MentionType::Team, team.id.0, "Design"),
            (MentionType::Person, solo.id.0, solo_name.as_str()),
        ]
    );
    let read = f.store.post(team.id, post.id).await.unwrap().unwrap();
    assert_eq!(read.mentions, post.mentions);
}

pub async fn list_posts_pages_and_threads<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let a = f.admin.id;
    let root = f
        .store
        .create_post(text_post(team.id, a, "root"))
        .await
        .unwrap();
    let mut all = vec![root.id.0];
    let mut thread = vec![root.id.0];
    for i in 0..8 {
        let mut new = text_post(team.id, a, &format!("m{i}"));
        if i % 2 == 0 {
            new.parent_post_id = Some(root.id);
        }
        let post = f.store.create_post(new).await.unwrap();
        all.push(post.id.0);
        if i % 2 == 0 {
            thread.push(post.id.0);
        }
    }
    all.reverse();
    thread.reverse();
    // A post in another chat never shows.
    let other = f.team(a, "Other", &[]).await;
    f.store
        .create_post(text_post(other.id, a, "elsewhere"))
        .await
        .unwrap();

    let p1 = f
        .store
        .list_posts(team.id, None, first_page(4))
        .await
        .unwrap();
    assert_eq!(ids(&p1.items), all[0..4]);
    assert!(!p1.has_newer && p1.has_older);
    let p2 = f
        .store
        .list_posts(team.id, None, older(all[3], 4))
        .await
        .unwrap();
    assert_eq!(ids(&p2.items), all[4..8]);
    assert!(p2.has_newer && p2.has_older);
    let p3 = f
        .store
        .list_posts(team.id, None, older(all[7], 4))
        .await
        .unwrap();
    assert_eq!(ids(&p3.items), all[8..9]);
    assert!(p3.has_newer && !p3.has_older);
    let back = f
        .store
        .list_posts(team.id, None, newer(all[8], 4))
        .await
        .unwrap();
    assert_eq!(ids(&back.items), all[4..8]);
    assert!(back.has_newer && back.has_older);

    let t = f
        .store
        .list_posts(team.id, Some(root.id), first_page(50))
        .await
        .unwrap();
    assert_eq!(ids(&t.items), thread);
    assert!(!t.has_newer && !t.has_older);
    let t1 = f
        .store
        .list_posts(team.id, Some(root.id), first_page(2))
        .await
        .unwrap();
    assert_eq!(ids(&t1.items), thread[0..2]);
    assert!(t1.has_older && !t1.has_newer);
    let t2 = f
        .store
        .list_posts(team.id, Some(root.id), older(thread[1], 2))
        .await
        .unwrap();
    assert_eq!(ids(&t2.items), thread[2..4]);
    assert!(t2.has_older && t2.has_newer);
    let t3 = f
        .store
        .list_posts(team.id, Some(root.id), older(thread[3], 2))
        .await
        .unwrap();
    assert_eq!(ids(&t3.items), thread[4..5]);
    assert!(!t3.has_older && t3.has_newer);
    // The thread of a post in another chat is empty here.
    assert!(
        f.store
            .list_posts(other.id, Some(root.id), first_page(5))
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

pub async fn update_and_delete_posts<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[p.id]).await;
    let root = f
        .store
        .create_post(text_post(team.id, f.admin.id, "hello"))
        .await
        .unwrap();
    let reply = f
        .store
        .create_post(NewPost {
            parent_post_id: Some(root.id),
            ..text_post(team.id, p.id, "reply")
        })
        .await
        .unwrap();

    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    let text = format!("hello ![:Person]({})", p.id);
    let updated = f
        .store
        .update_post(team.id, root.id, text.clone(), mentions::parse(&text))
        .await
        .unwrap();
    assert_eq!(updated.text, text);
    assert_eq!(updated.mentions.len(), 1);
    assert_eq!(updated.mentions[0].name, "Pat Lee");
    assert_eq!(updated.created, root.created);
    assert!(updated.modified > root.modified);
    assert_eq!(
        f.store.post(team.id, root.id).await.unwrap().unwrap(),
        updated
    );
    assert!(matches!(
        f.store
            .update_post(ChatId(999_999), root.id, "x".into(), vec![])
            .await,
        Err(Error::NotFound(Subject::Post))
    ));
    assert!(matches!(
        f.store
            .update_post(team.id, PostId(999_999), "x".into(), vec![])
            .await,
        Err(Error::NotFound(Subject::Post))
    ));

    f.store.delete_post(team.id, root.id).await.unwrap();
    assert!(f.store.post(team.id, root.id).await.unwrap().is_none());
    assert!(matches!(
        f.store.delete_post(team.id, root.id).await,
        Err(Error::NotFound(Subject::Post))
    ));
    // The reply stays, pointing at the deleted parent.
    let left = f
        .store
        .list_posts(team.id, None, first_page(10))
        .await
        .unwrap();
    assert_eq!(ids(&left.items), vec![reply.id.0]);
    assert_eq!(left.items[0].parent_post_id, Some(root.id));

    // Ids are never reused after a delete.
    let again = f
        .store
        .create_post(text_post(team.id, p.id, "new"))
        .await
        .unwrap();
    f.store.delete_post(team.id, again.id).await.unwrap();
    let after = f
        .store
        .create_post(text_post(team.id, p.id, "newer"))
        .await
        .unwrap();
    assert!(after.id > again.id);
}
