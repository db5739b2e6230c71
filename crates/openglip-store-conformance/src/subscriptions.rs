//! Subscriptions: create, read, list by owner and app, update, delete; the delivery cursor (never
//! moves back), the failure record, blacklisting; and pruning the outbox while keeping what live
//! WebHooks still need.

use openglip_domain::events::*;
use openglip_domain::perm::GrantSet;
use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

const NOW: i64 = 1_900_000_000_000;

async fn app<B: Backend>(f: &Fixture<B>, client_id: &str) -> App {
    f.store
        .create_app(NewApp {
            client_id: client_id.into(),
            client_secret_hash: None,
            account_id: f.account.id,
            name: "Hooks".into(),
            kind: AppKind::Rest,
            public_client: false,
            grants: GrantSet::default(),
            permissions: [Permission::TeamMessaging, Permission::SubscriptionWebhook]
                .into_iter()
                .collect(),
            redirect_uris: vec![],
            access_ttl_secs: 3600,
            refresh_ttl_secs: 3600,
        })
        .await
        .unwrap()
}

fn hook(address: &str) -> Transport {
    Transport::WebHook {
        address: address.into(),
        verification_token: Some("token".into()),
    }
}

fn sub<B: Backend>(
    id: &str,
    f: &Fixture<B>,
    owner: ExtensionId,
    app: AppId,
    cursor: i64,
) -> Subscription {
    let filters = parse_filters(
        &[
            "/team-messaging/v1/posts".to_string(),
            "/restapi/v1.0/account/~/extension/~".to_string(),
            "/restapi/v1.0/subscription/~?threshold=60&interval=15".to_string(),
        ],
        f.account.id,
        owner,
    )
    .unwrap();
    Subscription {
        id: id.into(),
        account_id: f.account.id,
        owner,
        app_id: app,
        filters,
        transport: hook("https://hooks.example.com/a"),
        encryption_key: None,
        status: SubscriptionStatus::Active,
        blacklisted: None,
        created: Timestamp(NOW),
        expires: Timestamp(NOW + 900_000),
        cursor,
        expires_in_secs: 900,
    }
}

pub async fn create_read_list_update_delete<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "a").await;
    let b = app(&f, "b").await;
    let pat = f.add_person("Pat", "Lee").await;

    let s1 = sub("s1", &f, f.admin.id, a.id, 5);
    assert_eq!(f.store.create_subscription(s1.clone()).await.unwrap(), s1);
    let got = f.store.subscription("s1".into()).await.unwrap().unwrap();
    assert_eq!(got, s1, "every field round-trips, filters included");
    assert_eq!(
        got.filters[1].text,
        format!(
            "/restapi/v1.0/account/{}/extension/{}",
            f.account.id, f.admin.id
        )
    );
    assert!(f.store.subscription("nope".into()).await.unwrap().is_none());

    // Same id again: refused.
    let r = f.store.create_subscription(s1.clone()).await;
    assert!(
        matches!(r, Err(Error::InvalidParameter { ref name, .. }) if name == "id"),
        "{r:?}"
    );

    // An encrypted WebSocket one without a token, of another app; one of Pat's.
    let mut s2 = sub("s2", &f, f.admin.id, b.id, 0);
    s2.transport = Transport::WebSocket;
    s2.encryption_key = Some([7; 16]);
    s2.created = Timestamp(NOW + 1);
    f.store.create_subscription(s2.clone()).await.unwrap();
    let mut s3 = sub("s3", &f, f.admin.id, a.id, 0);
    s3.created = Timestamp(NOW + 2);
    s3.transport = Transport::WebHook {
        address: "https://hooks.example.com/b".into(),
        verification_token: None,
    };
    f.store.create_subscription(s3.clone()).await.unwrap();
    let s4 = sub("s4", &f, pat.id, a.id, 0);
    f.store.create_subscription(s4.clone()).await.unwrap();
    assert_eq!(
        f.store.subscription("s2".into()).await.unwrap().unwrap(),
        s2
    );
    assert_eq!(
        f.store.subscription("s3".into()).await.unwrap().unwrap(),
        s3
    );

    let ids = |v: Vec<Subscription>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(f.store.subscriptions_of(f.admin.id, a.id).await.unwrap()),
        ["s1", "s3"],
        "one person, one app, oldest first"
    );
    assert_eq!(
        ids(f.store.subscriptions_of(f.admin.id, b.id).await.unwrap()),
        ["s2"]
    );
    assert_eq!(
        ids(f.store.subscriptions_of(pat.id, a.id).await.unwrap()),
        ["s4"]
    );
    assert!(
        f.store
            .subscriptions_of(pat.id, b.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(ids(f.store.all_subscriptions().await.unwrap()).len(), 4);

    // Update replaces filters, transport, key, status and expiry — but not the cursor, the
    // creation time, the owner or the app.
    f.store.advance_cursor("s1".into(), 9).await.unwrap();
    let mut changed = s1.clone();
    changed.filters = parse_filters(
        &["/restapi/v1.0/glip/groups".to_string()],
        f.account.id,
        f.admin.id,
    )
    .unwrap();
    changed.transport = hook("https://hooks.example.com/new");
    changed.encryption_key = Some([1; 16]);
    changed.expires = Timestamp(NOW + 5_000_000);
    changed.expires_in_secs = 5000;
    changed.cursor = 0;
    changed.created = Timestamp(0);
    let got = f.store.update_subscription(changed.clone()).await.unwrap();
    assert_eq!(got.filters, changed.filters);
    assert_eq!(got.transport, changed.transport);
    assert_eq!(got.encryption_key, Some([1; 16]));
    assert_eq!(got.expires, changed.expires);
    assert_eq!(got.expires_in_secs, 5000);
    assert_eq!(
        got.cursor, 9,
        "the cursor is the worker's, not the caller's"
    );
    assert_eq!(got.created, s1.created);
    assert_eq!(got.owner, s1.owner);
    assert_eq!(
        got,
        f.store.subscription("s1".into()).await.unwrap().unwrap()
    );
    let r = f
        .store
        .update_subscription(sub("ghost", &f, f.admin.id, a.id, 0))
        .await;
    assert!(
        matches!(r, Err(Error::NotFound(Subject::Subscription))),
        "{r:?}"
    );

    // Delete.
    assert!(f.store.delete_subscription("s1".into()).await.unwrap());
    assert!(!f.store.delete_subscription("s1".into()).await.unwrap());
    assert!(f.store.subscription("s1".into()).await.unwrap().is_none());
    assert_eq!(
        ids(f.store.subscriptions_of(f.admin.id, a.id).await.unwrap()),
        ["s3"]
    );
}

pub async fn the_cursor_never_moves_back<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "a").await;
    f.store
        .create_subscription(sub("s", &f, f.admin.id, a.id, 10))
        .await
        .unwrap();
    let cursor = |f: &Fixture<B>| {
        let store = f.store.clone();
        async move {
            store
                .subscription("s".into())
                .await
                .unwrap()
                .unwrap()
                .cursor
        }
    };
    f.store.advance_cursor("s".into(), 5).await.unwrap();
    assert_eq!(cursor(&f).await, 10);
    f.store.advance_cursor("s".into(), 12).await.unwrap();
    assert_eq!(cursor(&f).await, 12);
    f.store.advance_cursor("s".into(), 11).await.unwrap();
    assert_eq!(cursor(&f).await, 12);
    // Concurrent saves in any order end at the largest.
    let mut tasks = Vec::new();
    for seq in [40, 13, 25, 39, 14] {
        let store = f.store.clone();
        tasks.push(tokio::spawn(async move {
            store.advance_cursor("s".into(), seq).await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(cursor(&f).await, 40);
    // An unknown subscription: nothing happens.
    f.store.advance_cursor("ghost".into(), 99).await.unwrap();
}

pub async fn failure_record_and_blacklisting<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "a").await;
    f.store
        .create_subscription(sub("s", &f, f.admin.id, a.id, 0))
        .await
        .unwrap();
    let t = |ms: i64| Timestamp(NOW + ms);

    // The first failure starts the record; later ones keep its start.
    assert_eq!(
        f.store.mark_failing("s".into(), t(0)).await.unwrap(),
        Some(t(0))
    );
    assert_eq!(
        f.store.mark_failing("s".into(), t(500)).await.unwrap(),
        Some(t(0))
    );
    assert_eq!(
        f.store.mark_failing("s".into(), t(900)).await.unwrap(),
        Some(t(0))
    );
    // It survives reopening the store (so blacklisting survives restarts).
    let reopened = B::open(&f.place).await;
    assert_eq!(
        reopened.mark_failing("s".into(), t(1000)).await.unwrap(),
        Some(t(0))
    );
    drop(reopened);
    // A delivery clears it, even one that does not move the cursor.
    f.store.advance_cursor("s".into(), 0).await.unwrap();
    assert_eq!(
        f.store.mark_failing("s".into(), t(2000)).await.unwrap(),
        Some(t(2000))
    );
    f.store.advance_cursor("s".into(), 3).await.unwrap();
    assert_eq!(
        f.store.mark_failing("s".into(), t(3000)).await.unwrap(),
        Some(t(3000))
    );
    // Unknown: None.
    assert_eq!(
        f.store.mark_failing("ghost".into(), t(0)).await.unwrap(),
        None
    );

    // Blacklisted: status and data, the rest unchanged.
    f.store
        .blacklist_subscription("s".into(), t(4000), "The receiver answered HTTP 503".into())
        .await
        .unwrap();
    let got = f.store.subscription("s".into()).await.unwrap().unwrap();
    assert_eq!(got.status, SubscriptionStatus::Blacklisted);
    assert_eq!(
        got.blacklisted,
        Some((t(4000), "The receiver answered HTTP 503".to_string()))
    );
    assert!(!got.is_live(t(4001)));
    assert_eq!(got.cursor, 3);
    assert_eq!(got.filters.len(), 3);
}

pub async fn pruning_keeps_what_live_webhooks_need<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "a").await;
    let team = f.team(f.admin.id, "T", &[]).await;
    for i in 0..10 {
        f.store
            .create_post(text_post(team.id, f.admin.id, &format!("p{i}")))
            .await
            .unwrap();
    }
    let last = f.store.last_event_seq().await.unwrap();
    let all = f.store.events_after(0, 10_000).await.unwrap();
    assert_eq!(all.len() as i64, last);
    let far_future = Timestamp(i64::MAX / 2);
    let real_now = Timestamp(jiff_now());

    // A live WebHook that has delivered up to last-4 needs the last four.
    let mut live = sub("live", &f, f.admin.id, a.id, last - 4);
    live.created = real_now;
    live.expires = Timestamp(real_now.millis() + 3_600_000);
    f.store.create_subscription(live).await.unwrap();
    // Ones that hold nothing back: expired, blacklisted, WebSocket.
    let mut expired = sub("expired", &f, f.admin.id, a.id, 0);
    expired.expires = Timestamp(real_now.millis() - 1000);
    f.store.create_subscription(expired).await.unwrap();
    let mut bl = sub("bl", &f, f.admin.id, a.id, 0);
    bl.expires = Timestamp(real_now.millis() + 3_600_000);
    f.store.create_subscription(bl).await.unwrap();
    f.store
        .blacklist_subscription("bl".into(), real_now, "gone".into())
        .await
        .unwrap();
    let mut ws = sub("ws", &f, f.admin.id, a.id, 0);
    ws.transport = Transport::WebSocket;
    ws.expires = Timestamp(real_now.millis() + 3_600_000);
    f.store.create_subscription(ws).await.unwrap();

    // Nothing older than the floor: nothing goes.
    assert_eq!(f.store.prune_events(Timestamp(0)).await.unwrap(), 0);
    assert_eq!(f.store.events_after(0, 10_000).await.unwrap(), all);

    // Past the floor: everything the live WebHook has delivered goes, the rest stays.
    let n = f.store.prune_events(far_future).await.unwrap();
    assert_eq!(n as i64, last - 4);
    let left = f.store.events_after(0, 10_000).await.unwrap();
    assert_eq!(left, all[all.len() - 4..]);
    // The cursor reads on from where it was; seqs are not reused after pruning.
    assert_eq!(f.store.events_after(last - 4, 100).await.unwrap(), left);
    assert_eq!(f.store.last_event_seq().await.unwrap(), last);

    // Once it has delivered everything, everything may go; new events get new seqs.
    f.store.advance_cursor("live".into(), last).await.unwrap();
    assert_eq!(f.store.prune_events(far_future).await.unwrap(), 4);
    assert!(f.store.events_after(0, 100).await.unwrap().is_empty());
    f.store
        .create_post(text_post(team.id, f.admin.id, "after pruning"))
        .await
        .unwrap();
    let ev = f.store.events_after(0, 100).await.unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].seq, last + 1, "seqs are never reused");

    // Without any live WebHook, only the age floor counts.
    assert!(f.store.delete_subscription("live".into()).await.unwrap());
    assert_eq!(f.store.prune_events(far_future).await.unwrap(), 1);
}

/// The wall clock in milliseconds (the store compares expiry with it when pruning).
fn jiff_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A notification given up on is kept with its body, moves the cursor in the same call, and
/// leaves the failure record (the receiver is still failing); it is listed per app, newest
/// first, and forgotten once delivered again.
pub async fn undeliverable_events_move_the_cursor_and_keep_the_failure<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "a").await;
    let other = app(&f, "other").await;
    f.store
        .create_subscription(sub("s", &f, f.admin.id, a.id, 0))
        .await
        .unwrap();
    f.store
        .create_subscription(sub("o", &f, f.admin.id, other.id, 0))
        .await
        .unwrap();
    let t = |ms: i64| Timestamp(NOW + ms);
    f.store.mark_failing("s".into(), t(0)).await.unwrap();
    let given_up = |seq: Option<i64>, body: &str| UndeliverableEvent {
        id: 0,
        subscription_id: "s".into(),
        seq,
        body: body.into(),
        reason: "The receiver answered HTTP 500".into(),
        failed_at: t(100),
    };
    let first = f
        .store
        .give_up_event(given_up(Some(7), "{\"n\":7}"), Some(7))
        .await
        .unwrap();
    let second = f
        .store
        .give_up_event(given_up(None, "{\"reminder\":1}"), None)
        .await
        .unwrap();
    assert!(first.id > 0 && second.id > first.id);
    let got = f.store.subscription("s".into()).await.unwrap().unwrap();
    assert_eq!(got.cursor, 7, "moved past the given-up event");
    assert_eq!(
        f.store.mark_failing("s".into(), t(200)).await.unwrap(),
        Some(t(0)),
        "still failing since the first failure"
    );
    let listed = f.store.undeliverable_events(a.id).await.unwrap();
    assert_eq!(listed, vec![second.clone(), first.clone()]);
    assert_eq!(listed[1].body, "{\"n\":7}");
    assert!(
        f.store
            .undeliverable_events(other.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(f.store.forget_undeliverable(first.id).await.unwrap());
    assert!(!f.store.forget_undeliverable(first.id).await.unwrap());
    assert_eq!(
        f.store.undeliverable_events(a.id).await.unwrap(),
        vec![second]
    );
}
