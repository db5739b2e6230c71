//! The event outbox: every mutating call appends exactly the events it should, in the same
//! transaction as the change (a failed call appends nothing), in `seq` order.

use std::time::Duration;

use openglip_domain::events::{EventPayload, StoredEvent};
use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

impl<B: Backend> Fixture<B> {
    pub async fn last_seq(&self) -> i64 {
        self.store.last_event_seq().await.unwrap()
    }

    /// Everything appended after `seq`.
    pub async fn events_since(&self, seq: i64) -> Vec<StoredEvent> {
        self.store.events_after(seq, 10_000).await.unwrap()
    }
}

fn types(events: &[StoredEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.payload.name()).collect()
}

/// Asserts that `events` are consecutive, increasing, and in `account`.
fn assert_consecutive(events: &[StoredEvent], after: i64, account: AccountId) {
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, after + 1 + i as i64, "{events:?}");
        assert_eq!(e.account_id, account);
    }
}

fn persons(e: &StoredEvent) -> Vec<ExtensionId> {
    match &e.payload {
        EventPayload::GroupJoined { persons, .. } | EventPayload::GroupLeft { persons, .. } => {
            persons.clone()
        }
        other => panic!("not a join or leave: {other:?}"),
    }
}

fn chat_of(e: &StoredEvent) -> &Chat {
    match &e.payload {
        EventPayload::GroupJoined { chat, .. }
        | EventPayload::GroupLeft { chat, .. }
        | EventPayload::GroupChanged { chat }
        | EventPayload::GroupRenamed { chat } => chat,
        other => panic!("not a chat event: {other:?}"),
    }
}

fn post_of(e: &StoredEvent) -> &Post {
    match &e.payload {
        EventPayload::PostAdded { post } | EventPayload::PostChanged { post } => post,
        other => panic!("not a post event: {other:?}"),
    }
}

pub async fn accounts_and_extensions_join_their_own_chats<B: Backend>() {
    let (_dir, store) = open::<B>().await;
    assert_eq!(store.last_event_seq().await.unwrap(), 0);
    let (account, admin) = store
        .create_account("Acme".into(), person("Ada", "Admin", Some("ada@acme.test")))
        .await
        .unwrap();
    let events = store.events_after(0, 100).await.unwrap();
    assert_consecutive(&events, 0, account.id);
    assert_eq!(types(&events), ["GroupJoined", "GroupJoined"]);
    let mut kinds: Vec<ChatType> = events.iter().map(|e| chat_of(e).kind).collect();
    kinds.sort_by_key(|k| k.as_str());
    assert_eq!(kinds, [ChatType::Everyone, ChatType::Personal]);
    assert!(events.iter().all(|e| persons(e) == [admin.id]));

    let last = store.last_event_seq().await.unwrap();
    let pat = store
        .create_extension(account.id, person("Pat", "Lee", Some("pat@acme.test")))
        .await
        .unwrap();
    let events = store.events_after(last, 100).await.unwrap();
    assert_consecutive(&events, last, account.id);
    assert_eq!(types(&events), ["GroupJoined", "GroupJoined"]);
    assert!(events.iter().all(|e| persons(e) == [pat.id]));
    // The Everyone team as it is with Pat in it.
    let everyone = events
        .iter()
        .map(chat_of)
        .find(|c| c.kind == ChatType::Everyone)
        .unwrap();
    assert!(everyone.members.contains(&pat.id) && everyone.members.contains(&admin.id));

    // A taken e-mail: nothing.
    let last = store.last_event_seq().await.unwrap();
    assert!(
        store
            .create_extension(account.id, person("Pat", "Again", Some("pat@acme.test")))
            .await
            .is_err()
    );
    assert_eq!(store.last_event_seq().await.unwrap(), last);
}

pub async fn posts_added_changed_removed<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[p.id]).await;
    let last = f.last_seq().await;

    let post = f
        .store
        .create_post(text_post(team.id, p.id, "hello ![:Person](1)"))
        .await
        .unwrap();
    let ev = f.events_since(last).await;
    assert_consecutive(&ev, last, f.account.id);
    assert_eq!(ev.len(), 1);
    assert_eq!(
        ev[0].payload,
        EventPayload::PostAdded { post: post.clone() }
    );
    assert_eq!(ev[0].created, post.created);

    let edited = f
        .store
        .update_post(team.id, post.id, "edited".into(), vec![])
        .await
        .unwrap();
    let ev = f.events_since(last + 1).await;
    assert_eq!(ev.len(), 1);
    assert_eq!(
        ev[0].payload,
        EventPayload::PostChanged {
            post: edited.clone()
        }
    );
    assert_eq!(post_of(&ev[0]).text, "edited");

    f.store.delete_post(team.id, post.id).await.unwrap();
    let ev = f.events_since(last + 2).await;
    assert_eq!(ev.len(), 1);
    assert_eq!(
        ev[0].payload,
        EventPayload::PostRemoved {
            chat_id: team.id,
            post_id: post.id
        }
    );
    assert_eq!(ev[0].account_id, f.account.id);
}

pub async fn a_failed_call_appends_nothing<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let outsider = f.add_person("Out", "Sider").await;
    let team = f.team(f.admin.id, "T", &[p.id]).await;
    let post = f
        .store
        .create_post(text_post(team.id, p.id, "x"))
        .await
        .unwrap();
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
    let last = f.last_seq().await;
    let posts_before = count(&f.store, "SELECT count(*) FROM posts").await;
    let events_before = count(&f.store, "SELECT count(*) FROM events").await;

    // Each of these fails inside its job.
    assert!(matches!(
        f.store
            .create_post(text_post(team.id, outsider.id, "no"))
            .await,
        Err(Error::Forbidden(_))
    ));
    assert!(
        f.store
            .create_post(text_post(ChatId(999_999), p.id, "no"))
            .await
            .is_err()
    );
    let mut reply = text_post(team.id, p.id, "no");
    reply.parent_post_id = Some(PostId(999_999));
    assert!(f.store.create_post(reply).await.is_err());
    assert!(
        f.store
            .update_post(team.id, PostId(999_999), "no".into(), vec![])
            .await
            .is_err()
    );
    assert!(
        f.store
            .update_post(direct.id, post.id, "wrong chat".into(), vec![])
            .await
            .is_err()
    );
    assert!(f.store.delete_post(team.id, PostId(999_999)).await.is_err());
    assert!(f.store.delete_post(direct.id, post.id).await.is_err());
    assert!(
        f.store
            .update_chat(
                ChatId(999_999),
                ChatPatch {
                    name: Some("no".into()),
                    ..Default::default()
                }
            )
            .await
            .is_err()
    );
    // A conversation never changes members: the system post and the events are not kept.
    assert!(
        f.store
            .change_members(MembershipChange {
                chat_id: direct.id,
                actor: f.admin.id,
                add: vec![outsider.id],
                remove: vec![],
            })
            .await
            .is_err()
    );
    assert!(
        f.store
            .change_members(MembershipChange {
                chat_id: ChatId(999_999),
                actor: f.admin.id,
                add: vec![outsider.id],
                remove: vec![],
            })
            .await
            .is_err()
    );
    // A member that does not exist: the foreign key fails after the others were added.
    assert!(
        f.store
            .change_members(MembershipChange {
                chat_id: team.id,
                actor: f.admin.id,
                add: vec![outsider.id, ExtensionId(999_999)],
                remove: vec![],
            })
            .await
            .is_err()
    );
    assert!(f.store.delete_chat(ChatId(999_999)).await.is_err());

    assert_eq!(f.last_seq().await, last);
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM events").await,
        events_before
    );
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM posts").await,
        posts_before
    );
    assert!(
        !f.store
            .chat(team.id)
            .await
            .unwrap()
            .unwrap()
            .members
            .contains(&outsider.id)
    );

    // The outbox goes on from where it was.
    f.store
        .create_post(text_post(team.id, p.id, "yes"))
        .await
        .unwrap();
    let ev = f.events_since(last).await;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].seq, last + 1);
}

pub async fn chats_created_found_renamed_changed_and_deleted<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let q = f.add_person("Quinn", "Ng").await;

    // A team: everyone in it joined.
    let last = f.last_seq().await;
    let team = f.team(f.admin.id, "T", &[p.id]).await;
    let ev = f.events_since(last).await;
    assert_eq!(types(&ev), ["GroupJoined"]);
    assert_eq!(persons(&ev[0]), [f.admin.id, p.id]);
    assert_eq!(*chat_of(&ev[0]), team);

    // A conversation: joined when created, nothing when found again.
    let new_group = NewChat {
        account_id: f.account.id,
        kind: ChatType::Group,
        name: None,
        description: None,
        public: false,
        creator_id: f.admin.id,
        members: vec![f.admin.id, p.id, q.id],
    };
    let last = f.last_seq().await;
    let (group, created) = f
        .store
        .find_or_create_conversation(new_group.clone())
        .await
        .unwrap();
    assert!(created);
    let ev = f.events_since(last).await;
    assert_eq!(types(&ev), ["GroupJoined"]);
    assert_eq!(persons(&ev[0]).len(), 3);
    assert_eq!(*chat_of(&ev[0]), group);
    let last = f.last_seq().await;
    let (again, created) = f
        .store
        .find_or_create_conversation(new_group)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, group.id);
    assert!(f.events_since(last).await.is_empty());

    // A new name: GroupRenamed; anything else (also the same name again): GroupChanged.
    let rename = |name: &str| ChatPatch {
        name: Some(name.into()),
        ..Default::default()
    };
    let last = f.last_seq().await;
    let renamed = f.store.update_chat(team.id, rename("T2")).await.unwrap();
    f.store.update_chat(team.id, rename("T2")).await.unwrap();
    let changed = f
        .store
        .update_chat(
            team.id,
            ChatPatch {
                description: Some("about".into()),
                public: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let archived = f
        .store
        .update_chat(
            team.id,
            ChatPatch {
                status: Some(ChatStatus::Archived),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let ev = f.events_since(last).await;
    assert_consecutive(&ev, last, f.account.id);
    assert_eq!(
        types(&ev),
        [
            "GroupRenamed",
            "GroupChanged",
            "GroupChanged",
            "GroupChanged"
        ]
    );
    assert_eq!(*chat_of(&ev[0]), renamed);
    assert_eq!(*chat_of(&ev[2]), changed);
    assert_eq!(*chat_of(&ev[3]), archived);
    assert_eq!(chat_of(&ev[3]).status, ChatStatus::Archived);

    // Deleted: every member left.
    let last = f.last_seq().await;
    f.store.delete_chat(group.id).await.unwrap();
    let ev = f.events_since(last).await;
    assert_eq!(types(&ev), ["GroupLeft"]);
    assert_eq!(persons(&ev[0]), group.members);
    assert_eq!(chat_of(&ev[0]).id, group.id);
}

pub async fn membership_changes_tell_joiners_leavers_and_members<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let q = f.add_person("Quinn", "Ng").await;
    let r = f.add_person("Rae", "Oh").await;
    let team = f.team(f.admin.id, "T", &[p.id]).await;
    let change =
        |actor: ExtensionId, add: Vec<ExtensionId>, remove: Vec<ExtensionId>| MembershipChange {
            chat_id: team.id,
            actor,
            add,
            remove,
        };

    // Added by the admin: GroupJoined (the added), the PersonsAdded post, GroupChanged (all).
    let last = f.last_seq().await;
    let chat = f
        .store
        .change_members(change(f.admin.id, vec![q.id, r.id], vec![]))
        .await
        .unwrap();
    let ev = f.events_since(last).await;
    assert_consecutive(&ev, last, f.account.id);
    assert_eq!(types(&ev), ["GroupJoined", "PostAdded", "GroupChanged"]);
    assert_eq!(persons(&ev[0]), [q.id, r.id]);
    assert_eq!(*chat_of(&ev[0]), chat);
    let post = post_of(&ev[1]);
    assert_eq!(post.kind, PostType::PersonsAdded);
    assert_eq!(post.added_person_ids, [q.id, r.id]);
    assert_eq!(post.creator_id, f.admin.id);
    assert_eq!(post.chat_id, team.id);
    assert_eq!(*chat_of(&ev[2]), chat);
    // The system post is the one the chat lists.
    let listed = f
        .store
        .list_posts(team.id, None, first_page(1))
        .await
        .unwrap();
    assert_eq!(listed.items[0], *post);

    // One joins by themself: PersonJoined.
    let s = f.add_person("Sam", "Yu").await;
    let last = f.last_seq().await;
    f.store
        .change_members(change(s.id, vec![s.id], vec![]))
        .await
        .unwrap();
    let ev = f.events_since(last).await;
    assert_eq!(types(&ev), ["GroupJoined", "PostAdded", "GroupChanged"]);
    assert_eq!(post_of(&ev[1]).kind, PostType::PersonJoined);

    // Removed: GroupLeft (the removed, with the chat as it is now), PersonsRemoved, GroupChanged.
    let last = f.last_seq().await;
    let chat = f
        .store
        .change_members(change(f.admin.id, vec![], vec![q.id, s.id]))
        .await
        .unwrap();
    let ev = f.events_since(last).await;
    assert_eq!(types(&ev), ["GroupLeft", "PostAdded", "GroupChanged"]);
    assert_eq!(persons(&ev[0]), [q.id, s.id]);
    assert!(!chat_of(&ev[0]).members.contains(&q.id));
    assert_eq!(*chat_of(&ev[0]), chat);
    assert_eq!(post_of(&ev[1]).kind, PostType::PersonsRemoved);
    assert_eq!(post_of(&ev[1]).removed_person_ids, [q.id, s.id]);

    // Both at once: joins first, leaves after, one GroupChanged.
    let last = f.last_seq().await;
    f.store
        .change_members(change(f.admin.id, vec![q.id], vec![r.id]))
        .await
        .unwrap();
    let ev = f.events_since(last).await;
    assert_eq!(
        types(&ev),
        [
            "GroupJoined",
            "PostAdded",
            "GroupLeft",
            "PostAdded",
            "GroupChanged"
        ]
    );
    assert_eq!(persons(&ev[0]), [q.id]);
    assert_eq!(post_of(&ev[1]).kind, PostType::PersonsAdded);
    assert_eq!(persons(&ev[2]), [r.id]);
    assert_eq!(post_of(&ev[3]).kind, PostType::PersonsRemoved);

    // Nothing to change: nothing appended.
    let last = f.last_seq().await;
    f.store
        .change_members(change(f.admin.id, vec![q.id, p.id], vec![r.id]))
        .await
        .unwrap();
    assert!(f.events_since(last).await.is_empty());
}

pub async fn reading_the_outbox_in_order_and_waiting_for_it<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let start = f.last_seq().await;

    // Someone waits before anything is committed; concurrent posts are committed in batches.
    let waiter = {
        let store = f.store.clone();
        tokio::spawn(async move { store.wait_for_events(start).await.unwrap() })
    };
    let mut tasks = Vec::new();
    let admin = f.admin.id;
    for i in 0..64 {
        let store = f.store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .create_post(text_post(team.id, admin, &format!("p{i}")))
                .await
                .unwrap()
        }));
    }
    let mut posts = Vec::new();
    for t in tasks {
        posts.push(t.await.unwrap());
    }
    let woke = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("the waiter is woken")
        .unwrap();
    assert!(woke > start);

    // Seq order is commit order: post ids increase with seq.
    let ev = f.events_since(start).await;
    assert_eq!(ev.len(), 64);
    assert_consecutive(&ev, start, f.account.id);
    let ids: Vec<i64> = ev.iter().map(|e| post_of(e).id.0).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let mut want: Vec<i64> = posts.iter().map(|p| p.id.0).collect();
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(f.last_seq().await, start + 64);

    // Paging with a limit.
    let page = f.store.events_after(start, 10).await.unwrap();
    assert_eq!(page.len(), 10);
    assert_eq!(page, ev[..10]);
    let page = f.store.events_after(start + 60, 10).await.unwrap();
    assert_eq!(page, ev[60..]);
    assert!(
        f.store
            .events_after(start + 64, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Already past: resolves at once.
    let seq = tokio::time::timeout(Duration::from_secs(1), f.store.wait_for_events(start))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seq, start + 64);
}

pub async fn the_outbox_survives_reopening<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let post = f
        .store
        .create_post(text_post(team.id, f.admin.id, "durable"))
        .await
        .unwrap();
    let last = f.last_seq().await;
    let before = f.events_since(0).await;
    drop(f.store);
    let store = B::open(&f.place).await;
    assert_eq!(store.last_event_seq().await.unwrap(), last);
    let after = store.events_after(0, 10_000).await.unwrap();
    assert_eq!(after, before);
    assert_eq!(
        after.last().unwrap().payload,
        EventPayload::PostAdded { post }
    );
    // Seqs go on; they are never reused.
    let p2 = store
        .create_post(text_post(team.id, f.admin.id, "next"))
        .await
        .unwrap();
    let ev = store.events_after(last, 10).await.unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].seq, last + 1);
    assert_eq!(post_of(&ev[0]).id, p2.id);
}
