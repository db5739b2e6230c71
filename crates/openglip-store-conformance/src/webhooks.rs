//! Incoming webhooks: create, read with the secret's hash, list by chat and by member, status
//! changes, deletion, and going with their chat.

use openglip_domain::webhooks::{NewWebhook, Webhook, WebhookStatus};
use openglip_domain::*;

use crate::*;

fn new(id: &str, chat: ChatId, creator: ExtensionId) -> NewWebhook {
    NewWebhook {
        id: id.into(),
        secret_hash: [id.len() as u8; 32],
        chat_id: chat,
        creator_id: creator,
    }
}

pub async fn webhooks_round_trip_and_list_by_chat_and_member<B: Backend>() {
    let f = fixture::<B>().await;
    let bob = f.add_person("Bob", "Builder").await;
    let carl = f.add_person("Carl", "Casual").await;
    let team = f.team(f.admin.id, "Ops", &[bob.id]).await;
    let other = f.team(carl.id, "Elsewhere", &[]).await;
    let hooks = f.store.webhooks();

    let a = hooks
        .create_webhook(new("hook-a", team.id, bob.id))
        .await
        .unwrap();
    assert_eq!(a.status, WebhookStatus::Active);
    assert_eq!((a.chat_id, a.creator_id), (team.id, bob.id));
    assert_eq!(a.created, a.modified);
    let b = hooks
        .create_webhook(new("hook-bb", team.id, f.admin.id))
        .await
        .unwrap();
    hooks
        .create_webhook(new("hook-ccc", other.id, carl.id))
        .await
        .unwrap();

    let (read, hash) = hooks.webhook("hook-a".into()).await.unwrap().unwrap();
    assert_eq!(read, a);
    assert_eq!(hash, [6u8; 32]);
    assert!(hooks.webhook("nope".into()).await.unwrap().is_none());

    let ids = |v: Vec<Webhook>| v.into_iter().map(|h| h.id).collect::<Vec<_>>();
    assert_eq!(
        ids(hooks.chat_webhooks(team.id).await.unwrap()),
        ["hook-a", "hook-bb"]
    );
    assert_eq!(
        ids(hooks.member_webhooks(bob.id).await.unwrap()),
        ["hook-a", "hook-bb"]
    );
    assert_eq!(
        ids(hooks.member_webhooks(carl.id).await.unwrap()),
        ["hook-ccc"]
    );

    // A taken id is refused; an unknown chat is not found; neither leaves a row.
    assert!(matches!(
        hooks.create_webhook(new("hook-a", other.id, carl.id)).await,
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        hooks
            .create_webhook(new("hook-d", ChatId(999_999), carl.id))
            .await,
        Err(Error::NotFound(Subject::Chat))
    ));
    assert_eq!(count(&f.store, "SELECT count(*) FROM webhooks").await, 3);

    let suspended = hooks
        .set_webhook_status(b.id.clone(), WebhookStatus::Suspended)
        .await
        .unwrap();
    assert_eq!(suspended.status, WebhookStatus::Suspended);
    assert!(suspended.modified >= b.modified);
    assert_eq!(
        hooks.webhook(b.id.clone()).await.unwrap().unwrap().0.status,
        WebhookStatus::Suspended
    );
    assert!(matches!(
        hooks
            .set_webhook_status("nope".into(), WebhookStatus::Active)
            .await,
        Err(Error::NotFound(Subject::Webhook))
    ));

    assert!(hooks.delete_webhook(b.id.clone()).await.unwrap());
    assert!(!hooks.delete_webhook(b.id.clone()).await.unwrap());
    assert_eq!(ids(hooks.chat_webhooks(team.id).await.unwrap()), ["hook-a"]);

    // A webhook goes with its chat.
    f.store.delete_chat(team.id).await.unwrap();
    assert!(hooks.webhook("hook-a".into()).await.unwrap().is_none());
    assert_eq!(count(&f.store, "SELECT count(*) FROM webhooks").await, 1);
}
