//! The platform part of the port: codes, sessions, JWT credentials, usage, sandbox accounts,
//! bot installation and removal, activation links, unassigned extensions.

use openglip_domain::events::EventPayload;
use openglip_domain::perm::{GrantSet, GrantType};
use openglip_domain::platform::*;
use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

async fn app<B: Backend>(f: &Fixture<B>, kind: AppKind) -> App {
    f.store
        .create_app(NewApp {
            client_id: format!("client-{kind:?}"),
            client_secret_hash: None,
            account_id: f.account.id,
            name: "App".into(),
            kind,
            public_client: true,
            grants: [GrantType::AuthorizationCode]
                .into_iter()
                .collect::<GrantSet>(),
            permissions: [Permission::TeamMessaging].into_iter().collect(),
            redirect_uris: vec!["https://x.test/cb".into()],
            access_ttl_secs: 3600,
            refresh_ttl_secs: 0,
        })
        .await
        .unwrap()
}

fn token(app: &App, ext: &Extension, n: u8, family: &str) -> TokenRecord {
    TokenRecord {
        access_hash: [n; 32],
        refresh_hash: None,
        app_id: app.id,
        extension_id: ext.id,
        account_id: ext.account_id,
        scope: app.permissions,
        access_expires: None,
        refresh_expires: None,
        family: family.into(),
        endpoint_id: "ep".into(),
        created: Timestamp::from_millis(1),
    }
}

pub async fn a_code_is_spent_once_and_reuse_revokes_its_family<B: Backend>() {
    let f = fixture::<B>().await;
    let app = app(&f, AppKind::Rest).await;
    let p = f.store.platform();
    let code = AuthCode {
        code_hash: [7; 32],
        app_id: app.id,
        extension_id: f.admin.id,
        account_id: f.account.id,
        redirect_uri: "https://x.test/cb".into(),
        code_challenge: Some("c".repeat(43)),
        challenge_method: Some("S256".into()),
        scope: app.permissions,
        family: "fam".into(),
        created: Timestamp::from_millis(1),
        expires: Timestamp::from_millis(2),
    };
    p.insert_code(code.clone()).await.unwrap();
    assert_eq!(
        p.redeem_code([7; 32]).await.unwrap(),
        CodeRedemption::Redeemed(code)
    );
    f.store
        .insert_token(token(&app, &f.admin, 1, "fam"))
        .await
        .unwrap();
    f.store
        .insert_token(token(&app, &f.admin, 2, "other"))
        .await
        .unwrap();
    assert!(
        !f.store
            .token_by_access_hash([1; 32])
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    assert_eq!(
        p.redeem_code([7; 32]).await.unwrap(),
        CodeRedemption::Reused
    );
    assert!(
        f.store
            .token_by_access_hash([1; 32])
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(
        !f.store
            .token_by_access_hash([2; 32])
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    assert_eq!(
        p.redeem_code([8; 32]).await.unwrap(),
        CodeRedemption::Unknown
    );
}

pub async fn removing_a_bot_records_delete_revokes_and_leaves_its_chats<B: Backend>() {
    let f = fixture::<B>().await;
    let app = app(&f, AppKind::Bot).await;
    let p = f.store.platform();
    let mut bot = person("Bot", "", None);
    bot.kind = ExtensionType::Bot;
    bot.password_hash = None;
    let install = p
        .install_bot(app.id, f.account.id, f.admin.id, bot)
        .await
        .unwrap();
    let ext = install.extension.clone();
    assert_eq!(p.bot_installs(f.account.id).await.unwrap().len(), 1);
    f.store
        .insert_token(token(&app, &ext, 9, "bot"))
        .await
        .unwrap();
    assert!(!f.store.member_chat_ids(ext.id).await.unwrap().is_empty());
    let before = f.store.last_event_seq().await.unwrap();
    assert!(p.remove_bot(f.account.id, ext.id).await.unwrap().is_some());
    let events = f.store.events_after(before, 100).await.unwrap();
    assert_eq!(
        events[0].payload,
        EventPayload::ExtensionDeleted {
            extension_id: ext.id
        }
    );
    assert!(f.store.member_chat_ids(ext.id).await.unwrap().is_empty());
    let grant = f
        .store
        .token_by_access_hash([9; 32])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grant.extension.status, ExtensionStatus::Removed);
    assert!(grant.revoked);
    assert!(p.bot_installs(f.account.id).await.unwrap().is_empty());
    assert!(p.remove_bot(f.account.id, ext.id).await.unwrap().is_none());
}

pub async fn sandbox_accounts_unassigned_numbers_and_activation<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.store.platform();
    assert_eq!(
        p.account_environment(f.account.id).await.unwrap(),
        Environment::Production
    );
    let mut admin = person("Sandy", "Box", None);
    admin.is_admin = true;
    let (sb, _) = p
        .create_sandbox_account(f.admin.id, "Acme (sandbox)".into(), admin.clone())
        .await
        .unwrap();
    assert_eq!(
        p.account_environment(sb.id).await.unwrap(),
        Environment::Sandbox
    );
    assert_eq!(p.sandbox_of(f.admin.id).await.unwrap().unwrap().id, sb.id);
    assert!(
        p.create_sandbox_account(f.admin.id, "again".into(), admin)
            .await
            .is_err()
    );
    // 101 is the admin: the next free number is reserved, and skipped by new extensions.
    let n = p.reserve_extension(sb.id).await.unwrap();
    assert_eq!(n, "102");
    assert_eq!(p.next_extension_number(sb.id).await.unwrap(), "103");
    assert_eq!(p.unassigned_extensions(sb.id).await.unwrap().len(), 1);
    assert!(p.release_extension(sb.id, n).await.unwrap());
    assert!(p.unassigned_extensions(sb.id).await.unwrap().is_empty());
    // Activation.
    let mut u = person("New", "User", Some("new@acme.test"));
    u.status = ExtensionStatus::NotActivated;
    u.password_hash = None;
    let ext = f.store.create_extension(f.account.id, u).await.unwrap();
    p.create_activation(
        ext.id,
        [3; 32],
        Timestamp::from_millis(i64::MAX / 2),
        "new@acme.test".into(),
        "s".into(),
        "b".into(),
    )
    .await
    .unwrap();
    assert_eq!(p.activation([3; 32]).await.unwrap().unwrap().id, ext.id);
    let done = p
        .redeem_activation([3; 32], "phc".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.status, ExtensionStatus::Enabled);
    assert!(p.activation([3; 32]).await.unwrap().is_none());
    // A "forgot password" link of an enabled person works the same; a disabled person's not.
    let link = |hash: [u8; 32]| {
        p.create_activation(
            ext.id,
            hash,
            Timestamp::from_millis(i64::MAX / 2),
            "new@acme.test".into(),
            "s".into(),
            "b".into(),
        )
    };
    link([4; 32]).await.unwrap();
    assert_eq!(p.activation([4; 32]).await.unwrap().unwrap().id, ext.id);
    // The person is signed in somewhere with the old password: the new one ends that session.
    let far = Timestamp::from_millis(i64::MAX / 2);
    p.create_session(WebSession {
        id_hash: [9; 32],
        realm: SessionRealm::Account,
        extension_id: ext.id,
        created: Timestamp::from_millis(0),
        expires: far,
    })
    .await
    .unwrap();
    let now = Timestamp::from_millis(1);
    assert!(p.session([9; 32], now).await.unwrap().is_some());
    let again = p.redeem_activation([4; 32], "phc2".into()).await.unwrap();
    assert_eq!(again.unwrap().status, ExtensionStatus::Enabled);
    assert!(p.session([9; 32], now).await.unwrap().is_none());
    link([5; 32]).await.unwrap();
    p.update_extension(
        ext.id,
        ExtensionPatch {
            status: Some(ExtensionStatus::Disabled),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(p.activation([5; 32]).await.unwrap().is_none());
    assert!(
        p.redeem_activation([5; 32], "phc3".into())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        p.outbox(f.account.id, 10).await.unwrap()[0].to,
        "new@acme.test"
    );
}

/// The password throttle's counts: per key, restarted when their window is over, forgotten on
/// clear, and unknown keys absent.
pub async fn password_failures_count_restart_and_clear<B: Backend>() {
    let f = fixture::<B>().await;
    let p = f.store.platform();
    let keys = vec!["ext:1".to_string(), "addr:127.0.0.1".to_string()];
    let (t0, t1, t2) = (Timestamp(1_000), Timestamp(2_000), Timestamp(900_000));
    p.record_password_failure(keys.clone(), t0, Timestamp(0))
        .await
        .unwrap();
    p.record_password_failure(keys.clone(), t1, Timestamp(0))
        .await
        .unwrap();
    let mut seen = p
        .password_failures(vec!["ext:1".into(), "login:nobody".into()])
        .await
        .unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let one = seen.remove(0);
    assert_eq!((one.key.as_str(), one.count, one.since), ("ext:1", 2, t0));

    // A window that began before `window_start` starts again at `now`.
    p.record_password_failure(vec!["ext:1".into()], t2, Timestamp(500_000))
        .await
        .unwrap();
    let seen = p.password_failures(keys.clone()).await.unwrap();
    let ext = seen.iter().find(|s| s.key == "ext:1").unwrap();
    assert_eq!((ext.count, ext.since), (1, t2));
    // Counts of windows long over are dropped.
    assert!(seen.iter().all(|s| s.key != "addr:127.0.0.1"), "{seen:?}");

    p.clear_password_failures("ext:1".into()).await.unwrap();
    assert!(p.password_failures(keys).await.unwrap().is_empty());
}
