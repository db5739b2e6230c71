use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

/// Opening a store again keeps what was committed, and applies no migration twice.
pub async fn reopening_keeps_data_and_migrations<B: Backend>() {
    let place = B::place().await;
    let id = {
        let store = B::open(&place).await;
        let (account, _) = store
            .create_account("Acme".into(), person("Ada", "Admin", None))
            .await
            .unwrap();
        account.id
    };
    for _ in 0..2 {
        let store = B::open(&place).await;
        assert_eq!(
            count(&store, "SELECT max(version) FROM schema_migrations").await,
            B::SCHEMA_VERSION,
            "the newest version of this build applied (versions are unique: applied once)"
        );
        assert_eq!(
            count(
                &store,
                "SELECT version FROM schema_migrations WHERE name = '0001_init'"
            )
            .await,
            1
        );
        assert_eq!(store.account(id).await.unwrap().unwrap().name, "Acme");
    }
}

/// A store that opened has its schema up to date: ready to serve (`/readyz`).
pub async fn an_open_store_is_ready<B: Backend>() {
    let (_place, store) = open::<B>().await;
    assert!(store.ready().await.unwrap());
}

pub async fn create_account_makes_everyone_personal_and_membership<B: Backend>() {
    let f = fixture::<B>().await;
    let a = &f.account;
    assert_eq!(a.name, "Acme");
    assert_eq!(a.main_number, format!("+1650{:07}", a.id.0));
    assert!(a.created.millis() > 0);
    assert_eq!(f.admin.extension_number, "101");
    assert_eq!(f.admin.account_id, a.id);
    assert!(f.admin.is_admin);
    assert_eq!(f.admin.email.as_deref(), Some("ada@acme.test"));
    assert_eq!(f.store.account(a.id).await.unwrap().unwrap(), *a);
    assert_eq!(
        f.store.extension(f.admin.id).await.unwrap().unwrap(),
        f.admin
    );

    let everyone = f.store.everyone_chat(a.id).await.unwrap();
    assert_eq!(everyone.kind, ChatType::Everyone);
    assert_eq!(everyone.name.as_deref(), Some("Everyone"));
    assert_eq!(everyone.description.as_deref(), Some("Company-wide team"));
    assert!(everyone.public);
    assert_eq!(everyone.status, ChatStatus::Active);
    assert_eq!(everyone.members, vec![f.admin.id]);

    let all = f
        .store
        .list_chats(
            ChatFilter {
                member: f.admin.id,
                types: vec![],
            },
            first_page(30),
        )
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    let personal = all
        .items
        .iter()
        .find(|c| c.kind == ChatType::Personal)
        .unwrap();
    assert_eq!(personal.members, vec![f.admin.id]);
    assert_eq!(personal.creator_id, Some(f.admin.id));
    assert!(!personal.public);

    // A second account gets its own number and Everyone team.
    let (b, b_admin) = f
        .store
        .create_account("Beta".into(), person("Bob", "Boss", Some("bob@beta.test")))
        .await
        .unwrap();
    assert_ne!(b.main_number, a.main_number);
    assert_eq!(b_admin.extension_number, "101");
    assert_ne!(f.store.everyone_chat(b.id).await.unwrap().id, everyone.id);
    assert!(matches!(
        f.store.everyone_chat(AccountId(9999)).await,
        Err(Error::NotFound(Subject::Account))
    ));
    assert!(f.store.account(AccountId(9999)).await.unwrap().is_none());
}

pub async fn create_extension_numbers_personal_chat_and_everyone<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let q = f.add_person("Quinn", "Ray").await;
    assert_eq!(p.extension_number, "102");
    assert_eq!(q.extension_number, "103");
    assert_eq!(p.kind, ExtensionType::User);
    assert_eq!(p.status, ExtensionStatus::Enabled);
    assert!(!p.is_admin);

    // A given number; auto-numbering fills the gap below it, then skips it.
    let mut s = person("Sam", "Given", None);
    s.extension_number = Some("105".into());
    assert_eq!(
        f.store
            .create_extension(f.account.id, s)
            .await
            .unwrap()
            .extension_number,
        "105"
    );
    let next = f
        .store
        .create_extension(f.account.id, person("T", "", None))
        .await
        .unwrap();
    assert_eq!(next.extension_number, "104");
    let next = f
        .store
        .create_extension(f.account.id, person("U", "", None))
        .await
        .unwrap();
    assert_eq!(next.extension_number, "106");

    let everyone = f.store.everyone_chat(f.account.id).await.unwrap();
    assert_eq!(everyone.members.len(), 6);
    assert_eq!(&everyone.members[..3], &[f.admin.id, p.id, q.id]);

    let personal = f
        .store
        .list_chats(
            ChatFilter {
                member: p.id,
                types: vec![ChatType::Personal],
            },
            first_page(10),
        )
        .await
        .unwrap();
    assert_eq!(personal.items.len(), 1);
    assert_eq!(personal.items[0].members, vec![p.id]);

    assert!(matches!(
        f.store
            .create_extension(AccountId(777), person("X", "Y", None))
            .await,
        Err(Error::NotFound(Subject::Account))
    ));
}

pub async fn duplicate_email_and_number_are_invalid_and_leave_nothing_behind<B: Backend>() {
    let f = fixture::<B>().await;
    let chats_before = count(&f.store, "SELECT count(*) FROM chats").await;
    let dup = f
        .store
        .create_extension(f.account.id, person("Ada", "Again", Some("ada@acme.test")))
        .await;
    assert!(
        matches!(dup, Err(Error::InvalidParameter { ref name, .. }) if name == "email"),
        "{dup:?}"
    );

    // Upper case is the same address.
    let dup = f
        .store
        .create_extension(f.account.id, person("Ada", "Again", Some("ADA@Acme.Test")))
        .await;
    assert!(
        matches!(dup, Err(Error::InvalidParameter { ref name, .. }) if name == "email"),
        "{dup:?}"
    );

    let mut n = person("Num", "Ber", None);
    n.extension_number = Some("101".into());
    let dup = f.store.create_extension(f.account.id, n.clone()).await;
    assert!(
        matches!(dup, Err(Error::InvalidParameter { ref name, .. }) if name == "extensionNumber"),
        "{dup:?}"
    );

    // The same email in another account is still taken; the same number is fine there.
    let dup = f
        .store
        .create_account(
            "Other".into(),
            person("Ada", "Elsewhere", Some("ada@acme.test")),
        )
        .await;
    assert!(matches!(dup, Err(Error::InvalidParameter { ref name, .. }) if name == "email"));
    assert_eq!(count(&f.store, "SELECT count(*) FROM accounts").await, 1);
    assert_eq!(count(&f.store, "SELECT count(*) FROM extensions").await, 1);
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM chats").await,
        chats_before
    );

    let (other, _) = f
        .store
        .create_account("Other".into(), person("Olga", "O", None))
        .await
        .unwrap();
    let mut n2 = n.clone();
    n2.extension_number = Some("102".into());
    assert!(f.store.create_extension(other.id, n2).await.is_ok());
}

pub async fn extensions_by_ids_and_by_email<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.add_person("Pat", "Lee").await;
    let q = f.add_person("Quinn", "Ray").await;
    let got = f
        .store
        .extensions(vec![q.id, ExtensionId(424242), p.id, f.admin.id])
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![q.id, p.id, f.admin.id]
    );
    assert!(f.store.extensions(vec![]).await.unwrap().is_empty());
    assert_eq!(
        f.store
            .extension_by_email("PAT@acme.test".into())
            .await
            .unwrap()
            .unwrap()
            .id,
        p.id
    );
    assert!(
        f.store
            .extension_by_email("nobody@acme.test".into())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.store
            .extension(ExtensionId(424242))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn credentials_lookups<B: Backend>() {
    let f = fixture::<B>().await;
    let s = &f.store;
    let p = f.add_person("Pat", "Lee").await; // 102
    let (b, b_admin) = s
        .create_account("Beta".into(), person("Bob", "Boss", Some("bob@beta.test")))
        .await
        .unwrap(); // 101 in Beta too

    // By email, any case; the extension number is ignored.
    let c = s
        .credentials("Ada@ACME.test".into(), Some("999".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.extension.id, f.admin.id);
    assert_eq!(c.password_hash.as_deref(), Some("hash-of-Ada"));
    assert!(
        s.credentials("nobody@acme.test".into(), None)
            .await
            .unwrap()
            .is_none()
    );

    // Account id + extension number.
    let c = s
        .credentials(b.id.to_string(), Some("101".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.extension.id, b_admin.id);
    let c = s
        .credentials(f.account.id.to_string(), Some("101".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.extension.id, f.admin.id);

    // Main number, with or without '+', or formatted; and `number*ext`.
    let main = f.account.main_number.clone();
    let c = s
        .credentials(main.clone(), Some("102".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.extension.id, p.id);
    let c = s
        .credentials(main.trim_start_matches('+').into(), Some("102".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.extension.id, p.id);
    let c = s
        .credentials(format!("{main}*102"), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.extension.id, p.id);
    assert!(
        s.credentials(main.clone(), Some("103".into()))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.credentials("nonsense".into(), Some("101".into()))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.credentials(b.main_number.clone(), Some("102".into()))
            .await
            .unwrap()
            .is_none()
    );

    // A bare extension number: only when exactly one account has it.
    let c = s.credentials("102".into(), None).await.unwrap().unwrap();
    assert_eq!(c.extension.id, p.id);
    assert!(s.credentials("101".into(), None).await.unwrap().is_none());
    assert!(s.credentials("555".into(), None).await.unwrap().is_none());
}
