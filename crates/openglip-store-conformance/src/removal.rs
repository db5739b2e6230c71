//! Removing a person: removed, out of every chat (`ExtensionDeleted` then `GroupLeft`), tokens
//! revoked, posts kept, the audit event recorded with it; once only (and then nothing recorded);
//! another company's extension untouched.

use openglip_domain::audit::{AuditFilter, AuditKind, NewAuditEvent};
use openglip_domain::events::EventPayload;
use openglip_domain::perm::GrantSet;
use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

pub async fn removing_a_person_keeps_their_posts_and_ends_their_access<B: Backend>() {
    let f = fixture::<B>().await;
    let bob = f.add_person("Bob", "Builder").await;
    let team = f.team(f.admin.id, "Ops", &[bob.id]).await;
    let post = f
        .store
        .create_post(text_post(team.id, bob.id, "my last words"))
        .await
        .unwrap();
    let app = f
        .store
        .create_app(NewApp {
            client_id: "removal-app".into(),
            client_secret_hash: None,
            account_id: f.account.id,
            name: "App".into(),
            kind: AppKind::Rest,
            public_client: false,
            grants: GrantSet::default(),
            permissions: [Permission::TeamMessaging].into_iter().collect(),
            redirect_uris: vec![],
            access_ttl_secs: 3600,
            refresh_ttl_secs: 3600,
        })
        .await
        .unwrap();
    f.store
        .insert_token(TokenRecord {
            access_hash: [4; 32],
            refresh_hash: None,
            app_id: app.id,
            extension_id: bob.id,
            account_id: f.account.id,
            scope: app.permissions,
            access_expires: None,
            refresh_expires: None,
            family: "bob".into(),
            endpoint_id: "ep".into(),
            created: Timestamp::from_millis(1),
        })
        .await
        .unwrap();

    let before = f.store.last_event_seq().await.unwrap();
    let removed = f
        .store
        .removals()
        .remove_person(f.account.id, bob.id, deleted(f.account.id, bob.id))
        .await
        .unwrap()
        .expect("Bob was there");
    let recorded = f.store.audit().audit_events(log()).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].event, deleted(f.account.id, bob.id));
    assert_eq!(removed.id, bob.id);
    let events = f.store.events_after(before, 100).await.unwrap();
    assert_eq!(
        events[0].payload,
        EventPayload::ExtensionDeleted {
            extension_id: bob.id
        }
    );
    assert!(
        events[1..]
            .iter()
            .any(|e| matches!(&e.payload, EventPayload::GroupLeft { chat, persons } if chat.id == team.id && persons == &vec![bob.id]))
    );
    assert!(f.store.member_chat_ids(bob.id).await.unwrap().is_empty());
    assert_eq!(
        f.store.extension(bob.id).await.unwrap().unwrap().status,
        ExtensionStatus::Removed
    );
    let grant = f
        .store
        .token_by_access_hash([4; 32])
        .await
        .unwrap()
        .unwrap();
    assert!(grant.revoked);
    // The posts stay, attributed.
    let kept = f.store.post(team.id, post.id).await.unwrap().unwrap();
    assert_eq!(
        (kept.creator_id, kept.text.as_str()),
        (bob.id, "my last words")
    );

    // Once only; and not across companies.
    assert!(
        f.store
            .removals()
            .remove_person(f.account.id, bob.id, deleted(f.account.id, bob.id))
            .await
            .unwrap()
            .is_none()
    );
    let (other, _) = f
        .store
        .create_account(
            "Other".into(),
            person("Olga", "Other", Some("olga@other.test")),
        )
        .await
        .unwrap();
    let carl = f.add_person("Carl", "Casual").await;
    assert!(
        f.store
            .removals()
            .remove_person(other.id, carl.id, deleted(other.id, carl.id))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        f.store.extension(carl.id).await.unwrap().unwrap().status,
        ExtensionStatus::Enabled
    );
    // Neither refusal recorded anything.
    assert_eq!(f.store.audit().audit_events(log()).await.unwrap().len(), 1);
}

fn deleted(account: AccountId, who: ExtensionId) -> NewAuditEvent {
    NewAuditEvent::new(AuditKind::UserDeleted, Some(account)).target(who.to_string())
}

fn log() -> AuditFilter {
    AuditFilter {
        kinds: vec![AuditKind::UserDeleted],
        limit: 100,
        ..Default::default()
    }
}
