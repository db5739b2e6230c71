//! Membership steps: each join and leave recorded with its event, so that a catch-up from the
//! outbox knows who was in a chat when an older event happened (`membership_history`).

use openglip_domain::membership_history::{MembershipHistory, MembershipStep};
use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

pub async fn joins_and_leaves_are_recorded_with_their_events<B: Backend>() {
    let f = fixture::<B>().await;
    let q = f.add_person("Quinn", "Ng").await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let before = f.last_seq().await;
    let post = |text: &'static str| {
        let store = f.store.clone();
        let (chat, by) = (team.id, f.admin.id);
        async move { store.create_post(text_post(chat, by, text)).await.unwrap() }
    };
    let change = |add: Vec<ExtensionId>, remove: Vec<ExtensionId>| MembershipChange {
        chat_id: team.id,
        actor: f.admin.id,
        add,
        remove,
    };

    post("before Quinn").await;
    let at_first = f.last_seq().await;
    f.store
        .change_members(change(vec![q.id], vec![]))
        .await
        .unwrap();
    post("with Quinn").await;
    let with_quinn = f.last_seq().await;
    f.store
        .change_members(change(vec![], vec![q.id]))
        .await
        .unwrap();
    post("after Quinn").await;
    let after_quinn = f.last_seq().await;

    let steps = f.store.membership_steps(q.id, before).await.unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(
        (
            steps[0].chat,
            steps[0].joined,
            steps[1].chat,
            steps[1].joined
        ),
        (team.id, true, team.id, false)
    );
    // Each step carries the seq of its GroupJoined / GroupLeft event.
    let events = f.events_since(before).await;
    for step in &steps {
        let ev = events.iter().find(|e| e.seq == step.seq).unwrap();
        let want = if step.joined {
            "GroupJoined"
        } else {
            "GroupLeft"
        };
        assert_eq!(ev.payload.name(), want);
    }
    // Only what came after the cursor; nobody else's.
    assert_eq!(
        f.store.membership_steps(q.id, steps[0].seq).await.unwrap(),
        vec![steps[1]]
    );
    assert!(
        f.store
            .membership_steps(f.admin.id, before)
            .await
            .unwrap()
            .is_empty()
    );

    // Replayed from today's chats: in the team for "with Quinn" only.
    let now = f.store.member_chat_ids(q.id).await.unwrap();
    let history = MembershipHistory::new(now, steps);
    assert!(!history.member_at(team.id, at_first));
    assert!(history.member_at(team.id, with_quinn));
    assert!(!history.member_at(team.id, after_quinn));
}

pub async fn steps_go_with_the_events_they_came_with<B: Backend>() {
    let f = fixture::<B>().await;
    let q = f.add_person("Quinn", "Ng").await;
    let team = f.team(f.admin.id, "T", &[q.id]).await;
    assert!(count(&f.store, "SELECT count(*) FROM membership_steps").await > 0);
    let pruned = f.store.prune_events(Timestamp(i64::MAX / 2)).await.unwrap();
    assert!(pruned > 0);
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM membership_steps").await,
        0
    );
    let steps: Vec<MembershipStep> = f.store.membership_steps(q.id, 0).await.unwrap();
    assert!(steps.is_empty());
    // Later changes record steps again.
    f.store
        .change_members(MembershipChange {
            chat_id: team.id,
            actor: f.admin.id,
            add: vec![],
            remove: vec![q.id],
        })
        .await
        .unwrap();
    assert_eq!(f.store.membership_steps(q.id, 0).await.unwrap().len(), 1);
}
