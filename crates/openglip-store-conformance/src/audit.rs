//! The audit log's part of the port: events appended with the store's id and time, listed
//! newest first and filtered by company, kind, actor, time and page, nothing lost on reopening;
//! an audited change and its events kept together or not at all.

use openglip_domain::audit::{
    AuditEvent, AuditFilter, AuditKind, AuditedChange, Changed, NewAuditEvent,
};
use openglip_domain::platform::ExtensionPatch;
use openglip_domain::*;

use crate::*;

fn filter(account: Option<AccountId>) -> AuditFilter {
    AuditFilter {
        account_id: account,
        limit: 100,
        ..Default::default()
    }
}

pub async fn events_round_trip_newest_first_and_survive_reopening<B: Backend>() {
    let f = fixture::<B>().await;
    let bob = f.add_person("Bob", "Baker").await;
    let audit = f.store.audit();
    let signed_in = audit
        .record_audit(
            NewAuditEvent::new(AuditKind::SignIn, Some(f.account.id))
                .actor(bob.id)
                .address(Some("192.0.2.7"))
                .detail("page"),
        )
        .await
        .unwrap();
    assert!(signed_in.at.millis() > 0);
    let added = audit
        .record_audit(
            NewAuditEvent::new(AuditKind::UserAdded, Some(f.account.id))
                .actor(f.admin.id)
                .target(bob.id.to_string()),
        )
        .await
        .unwrap();
    assert!(added.id > signed_in.id, "ids increase in commit order");
    // An event of no company (a login nobody has), with every optional field empty.
    let nobody = audit
        .record_audit(NewAuditEvent::new(AuditKind::SignInFailed, None).target("who@else.test"))
        .await
        .unwrap();
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM audit_events").await,
        3
    );

    let listed = audit
        .audit_events(filter(Some(f.account.id)))
        .await
        .unwrap();
    assert_eq!(listed, vec![added.clone(), signed_in.clone()]);
    assert_eq!(listed[1].event.address.as_deref(), Some("192.0.2.7"));
    assert_eq!(listed[1].event.detail, "page");
    // The operator's view has the event of no company too.
    let all = audit.audit_events(filter(None)).await.unwrap();
    assert_eq!(all, vec![nobody.clone(), added.clone(), signed_in.clone()]);

    let again = B::open(&f.place).await;
    assert_eq!(
        again.audit().audit_events(filter(None)).await.unwrap(),
        vec![nobody, added, signed_in]
    );
}

pub async fn filters_and_pages_select_what_they_say<B: Backend>() {
    let f = fixture::<B>().await;
    let bob = f.add_person("Bob", "Baker").await;
    let audit = f.store.audit();
    let (other, _) = f
        .store
        .create_account(
            "Other".into(),
            person("Olga", "Other", Some("olga@other.test")),
        )
        .await
        .unwrap();
    let mut mine = Vec::new();
    for (kind, actor) in [
        (AuditKind::SignIn, f.admin.id),
        (AuditKind::SignInFailed, bob.id),
        (AuditKind::TokenGranted, bob.id),
        (AuditKind::SignIn, bob.id),
        (AuditKind::AppCreated, f.admin.id),
    ] {
        mine.push(
            audit
                .record_audit(NewAuditEvent::new(kind, Some(f.account.id)).actor(actor))
                .await
                .unwrap(),
        );
    }
    audit
        .record_audit(NewAuditEvent::new(AuditKind::SignIn, Some(other.id)))
        .await
        .unwrap();
    let ids = |v: Vec<AuditEvent>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();

    // By kind (several at once), by actor, both.
    let by_kind = AuditFilter {
        kinds: vec![AuditKind::SignIn, AuditKind::SignInFailed],
        ..filter(Some(f.account.id))
    };
    assert_eq!(
        ids(audit.audit_events(by_kind.clone()).await.unwrap()),
        vec![mine[3].id, mine[1].id, mine[0].id]
    );
    let by_actor = AuditFilter {
        actor_id: Some(bob.id),
        ..filter(Some(f.account.id))
    };
    assert_eq!(
        ids(audit.audit_events(by_actor).await.unwrap()),
        vec![mine[3].id, mine[2].id, mine[1].id]
    );
    let both = AuditFilter {
        actor_id: Some(bob.id),
        ..by_kind
    };
    assert_eq!(
        ids(audit.audit_events(both).await.unwrap()),
        vec![mine[3].id, mine[1].id]
    );

    // Pages: a limit, then the rest before the last id seen.
    let first = AuditFilter {
        limit: 2,
        ..filter(Some(f.account.id))
    };
    let page = audit.audit_events(first.clone()).await.unwrap();
    assert_eq!(ids(page.clone()), vec![mine[4].id, mine[3].id]);
    let next = AuditFilter {
        before_id: Some(page[1].id),
        limit: 10,
        ..first
    };
    assert_eq!(
        ids(audit.audit_events(next).await.unwrap()),
        vec![mine[2].id, mine[1].id, mine[0].id]
    );

    // By time: nothing after the future, everything since the first event's time.
    let future = AuditFilter {
        since: Some(Timestamp::from_millis(mine[4].at.millis() + 86_400_000)),
        ..filter(Some(f.account.id))
    };
    assert!(audit.audit_events(future).await.unwrap().is_empty());
    let until_first = AuditFilter {
        until: Some(mine[0].at),
        ..filter(Some(f.account.id))
    };
    assert!(audit.audit_events(until_first).await.unwrap().is_empty());
    let since_first = AuditFilter {
        since: Some(mine[0].at),
        ..filter(Some(f.account.id))
    };
    assert_eq!(audit.audit_events(since_first).await.unwrap().len(), 5);
}

/// The events of `kind` in the log, oldest first.
async fn recorded<B: Backend>(f: &Fixture<B>, kind: AuditKind) -> Vec<NewAuditEvent> {
    let mut all = f
        .store
        .audit()
        .audit_events(AuditFilter {
            kinds: vec![kind],
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    all.reverse();
    all.into_iter().map(|e| e.event).collect()
}

/// `UserAdded` naming the extension a change made.
fn added(changed: &Changed) -> Vec<NewAuditEvent> {
    match changed {
        Changed::Extension(e) => vec![
            NewAuditEvent::new(AuditKind::UserAdded, Some(e.account_id)).target(e.id.to_string()),
        ],
        _ => Vec::new(),
    }
}

pub async fn an_audited_change_and_its_events_are_kept_together_or_not_at_all<B: Backend>() {
    let f = fixture::<B>().await;
    let audit = f.store.audit();
    let new = person("Bob", "Baker", Some("bob@acme.test"));
    let add = AuditedChange::CreateExtension {
        account: f.account.id,
        new: new.clone(),
    };
    let bob = audit
        .change_audited(add.clone(), Box::new(added))
        .await
        .unwrap()
        .into_extension()
        .unwrap();
    assert_eq!(
        f.store.extension(bob.id).await.unwrap().as_ref(),
        Some(&bob),
        "the change is made as create_extension makes it"
    );
    assert_eq!(
        recorded(&f, AuditKind::UserAdded).await,
        vec![
            NewAuditEvent::new(AuditKind::UserAdded, Some(f.account.id)).target(bob.id.to_string())
        ]
    );

    // A change that fails (the address is taken) records nothing.
    let people = count(&f.store, "SELECT count(*) FROM extensions").await;
    let e = audit.change_audited(add, Box::new(added)).await;
    assert!(matches!(e, Err(Error::InvalidParameter { .. })), "{e:?}");
    assert_eq!(recorded(&f, AuditKind::UserAdded).await.len(), 1);
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM extensions").await,
        people
    );
    let disable = |id| AuditedChange::UpdateExtension {
        id,
        patch: ExtensionPatch {
            status: Some(ExtensionStatus::Disabled),
            ..Default::default()
        },
    };
    let disabled = |_: &Changed| vec![NewAuditEvent::new(AuditKind::UserDisabled, None)];
    assert!(
        audit
            .change_audited(disable(ExtensionId(987_654)), Box::new(disabled))
            .await
            .is_err()
    );
    let secret = AuditedChange::SetClientSecret {
        app: AppId(987_654),
        hash: "h".into(),
    };
    let rotated = |_: &Changed| vec![NewAuditEvent::new(AuditKind::SecretRotated, None)];
    assert!(
        audit
            .change_audited(secret, Box::new(rotated))
            .await
            .is_err()
    );
    assert!(recorded(&f, AuditKind::UserDisabled).await.is_empty());
    assert!(recorded(&f, AuditKind::SecretRotated).await.is_empty());

    // A change that works records what its words make of it, none when they make nothing.
    let changed = audit
        .change_audited(disable(bob.id), Box::new(disabled))
        .await
        .unwrap()
        .into_extension()
        .unwrap();
    assert_eq!(changed.status, ExtensionStatus::Disabled);
    assert_eq!(recorded(&f, AuditKind::UserDisabled).await.len(), 1);
    let revoked = audit
        .change_audited(
            AuditedChange::RevokeToken([9; 32]),
            Box::new(|c: &Changed| match c {
                Changed::Revoked(true) => vec![NewAuditEvent::new(AuditKind::TokenRevoked, None)],
                _ => Vec::new(),
            }),
        )
        .await
        .unwrap();
    assert!(matches!(revoked, Changed::Revoked(false)), "{revoked:?}");
    assert!(recorded(&f, AuditKind::TokenRevoked).await.is_empty());

    // A company whose administrator's address is taken is not made, and not recorded; one that
    // is made is recorded with its id.
    let company = |email| AuditedChange::CreateAccount {
        name: "Initech".into(),
        admin: person("Bill", "Lumbergh", Some(email)),
    };
    let created = |c: &Changed| match c {
        Changed::Account(a, _) => {
            vec![NewAuditEvent::new(AuditKind::AccountCreated, Some(a.id)).target(a.id.to_string())]
        }
        _ => Vec::new(),
    };
    assert!(
        audit
            .change_audited(company("bob@acme.test"), Box::new(created))
            .await
            .is_err()
    );
    assert!(recorded(&f, AuditKind::AccountCreated).await.is_empty());
    let (initech, _) = audit
        .change_audited(company("bill@initech.test"), Box::new(created))
        .await
        .unwrap()
        .into_account()
        .unwrap();
    assert_eq!(
        recorded(&f, AuditKind::AccountCreated).await,
        vec![
            NewAuditEvent::new(AuditKind::AccountCreated, Some(initech.id))
                .target(initech.id.to_string())
        ]
    );
}
