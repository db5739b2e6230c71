use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

fn ids(chats: &[Chat]) -> Vec<i64> {
    chats.iter().map(|c| c.id.0).collect()
}

fn filter(member: ExtensionId, types: &[ChatType]) -> ChatFilter {
    ChatFilter {
        member,
        types: types.to_vec(),
    }
}

pub async fn teams_page_in_both_directions_with_exact_flags<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let mut teams = Vec::new();
    for i in 0..10 {
        teams.push(f.team(f.admin.id, &format!("Team {i}"), &[p.id]).await);
    }
    // A team Pat is not in.
    f.team(f.admin.id, "Admins only", &[]).await;
    let all: Vec<i64> = teams.iter().rev().map(|c| c.id.0).collect();
    let teams_of_pat = filter(p.id, &[ChatType::Team]);

    let p1 = f
        .store
        .list_chats(teams_of_pat.clone(), first_page(4))
        .await
        .unwrap();
    assert_eq!(ids(&p1.items), all[0..4]);
    assert!(!p1.has_newer && p1.has_older);
    assert_eq!(p1.items[0].members, vec![f.admin.id, p.id]);
    assert_eq!(p1.items[0].name.as_deref(), Some("Team 9"));

    let p2 = f
        .store
        .list_chats(teams_of_pat.clone(), older(all[3], 4))
        .await
        .unwrap();
    assert_eq!(ids(&p2.items), all[4..8]);
    assert!(p2.has_newer && p2.has_older);

    let p3 = f
        .store
        .list_chats(teams_of_pat.clone(), older(all[7], 4))
        .await
        .unwrap();
    assert_eq!(ids(&p3.items), all[8..10]);
    assert!(p3.has_newer && !p3.has_older);
    assert!(p3.items.iter().all(|c| c.members.len() == 2));

    // Back up again.
    let back2 = f
        .store
        .list_chats(teams_of_pat.clone(), newer(all[8], 4))
        .await
        .unwrap();
    assert_eq!(ids(&back2.items), all[4..8]);
    assert!(back2.has_newer && back2.has_older);
    let back1 = f
        .store
        .list_chats(teams_of_pat.clone(), newer(all[4], 4))
        .await
        .unwrap();
    assert_eq!(ids(&back1.items), all[0..4]);
    assert!(!back1.has_newer && back1.has_older);

    // A page exactly at the end: no more older.
    let exact = f
        .store
        .list_chats(teams_of_pat.clone(), older(all[5], 4))
        .await
        .unwrap();
    assert_eq!(ids(&exact.items), all[6..10]);
    assert!(exact.has_newer && !exact.has_older);
    // Exactly everything in one page.
    let one = f
        .store
        .list_chats(teams_of_pat.clone(), first_page(10))
        .await
        .unwrap();
    assert_eq!(ids(&one.items), all);
    assert!(!one.has_newer && !one.has_older);
    // Past the end.
    let none = f
        .store
        .list_chats(teams_of_pat.clone(), older(all[9], 4))
        .await
        .unwrap();
    assert!(none.items.is_empty() && none.has_newer && !none.has_older);
}

pub async fn types_filter<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    f.team(f.admin.id, "T", &[p.id]).await;
    let (direct, _) = f
        .store
        .find_or_create_conversation(NewChat {
            account_id: f.account.id,
            kind: ChatType::Direct,
            name: None,
            description: None,
            public: false,
            creator_id: f.admin.id,
            members: vec![f.admin.id, p.id],
        })
        .await
        .unwrap();
    let n = |types: &'static [ChatType]| {
        let store = f.store.clone();
        let member = f.admin.id;
        async move {
            store
                .list_chats(filter(member, types), first_page(50))
                .await
                .unwrap()
                .items
        }
    };
    let all = n(&[]).await;
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(n(&[ChatType::Everyone]).await.len(), 1);
    assert_eq!(n(&[ChatType::Personal]).await.len(), 1);
    assert_eq!(ids(&n(&[ChatType::Direct]).await), vec![direct.id.0]);
    assert_eq!(n(&[ChatType::Team, ChatType::Everyone]).await.len(), 2);
    assert!(n(&[ChatType::Group]).await.is_empty());
}

pub async fn conversations_are_found_not_duplicated<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let q = f.add_person("Quinn", "Ray").await;
    let conv = |kind: ChatType, creator: ExtensionId, members: Vec<ExtensionId>| NewChat {
        account_id: f.account.id,
        kind,
        name: None,
        description: None,
        public: false,
        creator_id: creator,
        members,
    };
    let (d1, created) = f
        .store
        .find_or_create_conversation(conv(ChatType::Direct, f.admin.id, vec![f.admin.id, p.id]))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(d1.kind, ChatType::Direct);
    assert_eq!(d1.members, vec![f.admin.id, p.id]);
    let (d2, created) = f
        .store
        .find_or_create_conversation(conv(ChatType::Direct, p.id, vec![p.id, f.admin.id]))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(d2.id, d1.id);
    assert_eq!(d2.members, d1.members);

    let (g, created) = f
        .store
        .find_or_create_conversation(conv(ChatType::Group, p.id, vec![p.id, q.id, f.admin.id]))
        .await
        .unwrap();
    assert!(created);
    assert_ne!(g.id, d1.id);
    // create_chat with a conversation type finds it too.
    let g2 = f
        .store
        .create_chat(conv(ChatType::Group, q.id, vec![q.id, f.admin.id, p.id]))
        .await
        .unwrap();
    assert_eq!(g2.id, g.id);

    // The Personal chat made with the extension.
    let (me, created) = f
        .store
        .find_or_create_conversation(conv(ChatType::Personal, p.id, vec![p.id]))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(me.members, vec![p.id]);

    // Concurrent creations of the same conversation agree on one chat.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = f.store.clone();
        let new = conv(ChatType::Direct, q.id, vec![q.id, p.id]);
        tasks.push(tokio::spawn(async move {
            store.find_or_create_conversation(new).await
        }));
    }
    let mut created_count = 0;
    let mut seen = std::collections::HashSet::new();
    for t in tasks {
        let (c, created) = t.await.unwrap().unwrap();
        created_count += usize::from(created);
        seen.insert(c.id);
    }
    assert_eq!(created_count, 1);
    assert_eq!(seen.len(), 1);

    assert!(matches!(
        f.store
            .find_or_create_conversation(conv(ChatType::Team, p.id, vec![p.id]))
            .await,
        Err(Error::InvalidParameter { .. })
    ));

    // A conversation is its member set: its members never change.
    let r = f
        .store
        .change_members(MembershipChange {
            chat_id: d1.id,
            actor: f.admin.id,
            add: vec![q.id],
            remove: vec![],
        })
        .await;
    assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");
    assert_eq!(
        f.store.chat(d1.id).await.unwrap().unwrap().members,
        d1.members
    );
}

pub async fn membership_changes_post_system_messages<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let q = f.add_person("Quinn", "Ray").await;
    let r = f.add_person("Robin", "Fox").await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let change =
        |actor: ExtensionId, add: Vec<ExtensionId>, remove: Vec<ExtensionId>| MembershipChange {
            chat_id: team.id,
            actor,
            add,
            remove,
        };
    let posts = || async {
        f.store
            .list_posts(team.id, None, first_page(50))
            .await
            .unwrap()
            .items
    };

    // Admin adds two people (and an existing member: a no-op).
    let t = f
        .store
        .change_members(change(f.admin.id, vec![p.id, q.id, f.admin.id], vec![]))
        .await
        .unwrap();
    assert_eq!(t.members, vec![f.admin.id, p.id, q.id]);
    assert!(t.modified >= team.modified);
    let ps = posts().await;
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].kind, PostType::PersonsAdded);
    assert_eq!(ps[0].added_person_ids, vec![p.id, q.id]);
    assert_eq!(ps[0].creator_id, f.admin.id);
    assert_eq!(ps[0].text, "");

    // Robin joins.
    let t = f
        .store
        .change_members(change(r.id, vec![r.id], vec![]))
        .await
        .unwrap();
    assert_eq!(t.members, vec![f.admin.id, p.id, q.id, r.id]);
    let ps = posts().await;
    assert_eq!(ps[0].kind, PostType::PersonJoined);
    assert_eq!(ps[0].creator_id, r.id);

    // Admin removes Quinn; Pat leaves.
    f.store
        .change_members(change(f.admin.id, vec![], vec![q.id]))
        .await
        .unwrap();
    let t = f
        .store
        .change_members(change(p.id, vec![], vec![p.id]))
        .await
        .unwrap();
    assert_eq!(t.members, vec![f.admin.id, r.id]);
    let ps = posts().await;
    assert_eq!(ps.len(), 4);
    assert_eq!(ps[0].kind, PostType::PersonsRemoved);
    assert_eq!(ps[0].removed_person_ids, vec![p.id]);
    assert_eq!(ps[0].creator_id, p.id);
    assert_eq!(ps[1].removed_person_ids, vec![q.id]);

    // No-ops change nothing and post nothing.
    let before = f.store.chat(team.id).await.unwrap().unwrap();
    let t = f
        .store
        .change_members(change(f.admin.id, vec![r.id], vec![q.id]))
        .await
        .unwrap();
    assert_eq!(t, before);
    assert_eq!(posts().await.len(), 4);

    // Pat rejoins at the end of the join order.
    let t = f
        .store
        .change_members(change(p.id, vec![p.id], vec![]))
        .await
        .unwrap();
    assert_eq!(t.members, vec![f.admin.id, r.id, p.id]);

    assert!(matches!(
        f.store
            .change_members(MembershipChange {
                chat_id: ChatId(999_999),
                actor: p.id,
                add: vec![p.id],
                remove: vec![],
            })
            .await,
        Err(Error::NotFound(Subject::Chat))
    ));
}

pub async fn update_favorites_recent_and_delete<B: Backend>() {
    let f = fixture::<B>().await;
    let a = f.admin.id;
    let t1 = f.team(a, "One", &[]).await;
    let t2 = f.team(a, "Two", &[]).await;
    let t3 = f.team(a, "Three", &[]).await;

    let u = f
        .store
        .update_chat(
            t1.id,
            ChatPatch {
                name: Some("Uno".into()),
                description: Some("first".into()),
                public: Some(false),
                status: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(u.name.as_deref(), Some("Uno"));
    assert_eq!(u.description.as_deref(), Some("first"));
    assert!(!u.public);
    assert_eq!(u.status, ChatStatus::Active);
    assert!(u.modified >= t1.modified);
    assert_eq!(u.created, t1.created);
    let u = f
        .store
        .update_chat(
            t1.id,
            ChatPatch {
                status: Some(ChatStatus::Archived),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(u.status, ChatStatus::Archived);
    assert_eq!(u.name.as_deref(), Some("Uno"));
    assert!(matches!(
        f.store
            .update_chat(ChatId(999_999), ChatPatch::default())
            .await,
        Err(Error::NotFound(Subject::Chat))
    ));

    // Favorites, in the order they were marked.
    f.store.set_favorite(a, t3.id, true).await.unwrap();
    f.store.set_favorite(a, t1.id, true).await.unwrap();
    f.store.set_favorite(a, t2.id, true).await.unwrap();
    f.store.set_favorite(a, t3.id, true).await.unwrap(); // again: keeps its place
    assert_eq!(
        ids(&f.store.favorite_chats(a, 10).await.unwrap()),
        vec![t3.id.0, t1.id.0, t2.id.0]
    );
    assert_eq!(
        ids(&f.store.favorite_chats(a, 2).await.unwrap()),
        vec![t3.id.0, t1.id.0]
    );
    f.store.set_favorite(a, t1.id, false).await.unwrap();
    f.store.set_favorite(a, t1.id, false).await.unwrap();
    assert_eq!(
        ids(&f.store.favorite_chats(a, 10).await.unwrap()),
        vec![t3.id.0, t2.id.0]
    );
    assert!(matches!(
        f.store.set_favorite(a, ChatId(999_999), true).await,
        Err(Error::NotFound(Subject::Chat))
    ));

    // Recent: a post moves a chat to the top.
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    f.store
        .create_post(text_post(t2.id, a, "bump"))
        .await
        .unwrap();
    let recent = f
        .store
        .recent_chats(filter(a, &[ChatType::Team]), 10)
        .await
        .unwrap();
    assert_eq!(recent[0].id, t2.id);
    assert_eq!(recent.len(), 3);
    let recent = f.store.recent_chats(filter(a, &[]), 2).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].id, t2.id);

    // Delete: the chat, its members, posts and favorites go.
    f.store.delete_chat(t2.id).await.unwrap();
    assert!(f.store.chat(t2.id).await.unwrap().is_none());
    assert_eq!(
        ids(&f.store.favorite_chats(a, 10).await.unwrap()),
        vec![t3.id.0]
    );
    assert_eq!(
        count(
            &f.store,
            &format!("SELECT count(*) FROM posts WHERE chat_id = {}", t2.id.0)
        )
        .await,
        0
    );
    assert!(matches!(
        f.store.delete_chat(t2.id).await,
        Err(Error::NotFound(Subject::Chat))
    ));
}

pub async fn unknown_members_are_rejected<B: Backend>() {
    let f = fixture::<B>().await;
    let r = f
        .store
        .create_chat(NewChat {
            account_id: f.account.id,
            kind: ChatType::Team,
            name: Some("T".into()),
            description: None,
            public: true,
            creator_id: f.admin.id,
            members: vec![f.admin.id, ExtensionId(424_242)],
        })
        .await;
    assert!(matches!(r, Err(Error::InvalidParameter { .. })), "{r:?}");
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM chats WHERE type = 'Team'").await,
        0
    );
}
