use openglip_domain::perm::{GrantSet, GrantType};
use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

async fn app<B: Backend>(f: &Fixture<B>, client_id: &str) -> App {
    f.store
        .create_app(NewApp {
            client_id: client_id.into(),
            client_secret_hash: Some("secret-hash".into()),
            account_id: f.account.id,
            name: "Test app".into(),
            kind: AppKind::Rest,
            public_client: false,
            grants: [GrantType::Password, GrantType::RefreshToken]
                .into_iter()
                .collect(),
            permissions: [Permission::TeamMessaging, Permission::WebSocket]
                .into_iter()
                .collect(),
            redirect_uris: vec![
                "https://example.test/cb".into(),
                "http://localhost/cb".into(),
            ],
            access_ttl_secs: 3600,
            refresh_ttl_secs: 604800,
        })
        .await
        .unwrap()
}

fn hash(n: u8) -> [u8; 32] {
    [n; 32]
}

fn record(
    app: &App,
    ext: &Extension,
    access: u8,
    refresh: Option<u8>,
    family: &str,
) -> TokenRecord {
    let now = Timestamp::from_millis(1_700_000_000_000);
    TokenRecord {
        access_hash: hash(access),
        refresh_hash: refresh.map(hash),
        app_id: app.id,
        extension_id: ext.id,
        account_id: ext.account_id,
        scope: app.permissions,
        access_expires: Some(now.plus_seconds(3600)),
        // Far in the future: refreshable.
        refresh_expires: refresh.map(|_| Timestamp::from_millis(i64::MAX / 2)),
        family: family.into(),
        endpoint_id: format!("ep-{access}"),
        created: now,
    }
}

pub async fn apps_round_trip_and_client_ids_are_unique<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "client-1").await;
    assert_eq!(
        f.store
            .app_by_client_id("client-1".into())
            .await
            .unwrap()
            .unwrap(),
        a
    );
    assert!(a.grants.contains(GrantType::Password));
    assert!(!a.grants.contains(GrantType::JwtBearer));
    assert_eq!(a.permissions.to_scope(), "TeamMessaging WebSocket");
    assert_eq!(a.redirect_uris.len(), 2);
    assert!(
        f.store
            .app_by_client_id("client-2".into())
            .await
            .unwrap()
            .is_none()
    );
    let dup = f
        .store
        .create_app(NewApp {
            client_id: "client-1".into(),
            client_secret_hash: None,
            account_id: f.account.id,
            name: "Again".into(),
            kind: AppKind::Bot,
            public_client: true,
            grants: GrantSet::default(),
            permissions: PermissionSet::empty(),
            redirect_uris: vec![],
            access_ttl_secs: 1,
            refresh_ttl_secs: 1,
        })
        .await;
    assert!(matches!(dup, Err(Error::InvalidParameter { ref name, .. }) if name == "clientId"));
}

pub async fn insert_and_lookup_tokens<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "c").await;
    let t = record(&a, &f.admin, 1, Some(2), "fam-1");
    f.store.insert_token(t.clone()).await.unwrap();
    let g = f
        .store
        .token_by_access_hash(hash(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.token, t);
    assert!(!g.revoked);
    assert_eq!(g.extension, f.admin);
    assert_eq!(g.app, a);
    let g = f
        .store
        .token_by_refresh_hash(hash(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.token, t);
    assert!(
        f.store
            .token_by_access_hash(hash(2))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.store
            .token_by_refresh_hash(hash(1))
            .await
            .unwrap()
            .is_none()
    );

    // A bot-style token: no refresh, no expiry.
    let mut bot = record(&a, &f.admin, 3, None, "fam-bot");
    bot.access_expires = None;
    f.store.insert_token(bot.clone()).await.unwrap();
    assert_eq!(
        f.store
            .token_by_access_hash(hash(3))
            .await
            .unwrap()
            .unwrap()
            .token,
        bot
    );

    // The same access hash twice is an error.
    assert!(f.store.insert_token(bot).await.is_err());
}

pub async fn rotate_spends_and_reuse_revokes_the_family<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "c").await;
    let first = record(&a, &f.admin, 1, Some(2), "fam");
    let other = record(&a, &f.admin, 9, Some(10), "other-fam");
    f.store.insert_token(first.clone()).await.unwrap();
    f.store.insert_token(other.clone()).await.unwrap();

    // Rotation: returns the spent record; the new one joins the family.
    let second = record(&a, &f.admin, 3, Some(4), "ignored");
    let spent = f
        .store
        .rotate_refresh(hash(2), second)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(spent, first);
    assert!(
        f.store
            .token_by_refresh_hash(hash(2))
            .await
            .unwrap()
            .is_none()
    );
    let live = f
        .store
        .token_by_refresh_hash(hash(4))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.token.family, "fam");
    // The spent pair's access token is dead too: rotation retires the whole old pair.
    assert!(
        f.store
            .token_by_access_hash(hash(1))
            .await
            .unwrap()
            .unwrap()
            .revoked
    );

    // Reusing the spent refresh token revokes every token of the family.
    let third = record(&a, &f.admin, 5, Some(6), "fam");
    assert!(
        f.store
            .rotate_refresh(hash(2), third)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.store
            .token_by_access_hash(hash(1))
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(
        f.store
            .token_by_access_hash(hash(3))
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(
        f.store
            .token_by_refresh_hash(hash(4))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.store
            .token_by_access_hash(hash(5))
            .await
            .unwrap()
            .is_none()
    );
    // ... and the live one of the family can no longer rotate.
    let fourth = record(&a, &f.admin, 7, Some(8), "fam");
    assert!(
        f.store
            .rotate_refresh(hash(4), fourth)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.store
            .token_by_access_hash(hash(7))
            .await
            .unwrap()
            .is_none()
    );

    // Other families are untouched.
    assert!(
        !f.store
            .token_by_access_hash(hash(9))
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(
        f.store
            .token_by_refresh_hash(hash(10))
            .await
            .unwrap()
            .is_some()
    );

    // Unknown refresh tokens: None, nothing stored.
    let stray = record(&a, &f.admin, 11, Some(12), "x");
    assert!(
        f.store
            .rotate_refresh(hash(99), stray)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.store
            .token_by_access_hash(hash(11))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn expired_refresh_tokens_do_not_rotate<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "c").await;
    let mut t = record(&a, &f.admin, 1, Some(2), "fam");
    t.refresh_expires = Some(Timestamp::from_millis(1));
    f.store.insert_token(t).await.unwrap();
    let next = record(&a, &f.admin, 3, Some(4), "fam");
    assert!(
        f.store
            .rotate_refresh(hash(2), next)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        f.store
            .token_by_access_hash(hash(3))
            .await
            .unwrap()
            .is_none()
    );
    // Not a reuse: the family is not revoked.
    assert!(
        !f.store
            .token_by_access_hash(hash(1))
            .await
            .unwrap()
            .unwrap()
            .revoked
    );
}

pub async fn revoke_by_access_or_refresh_hash<B: Backend>() {
    let f = fixture::<B>().await;
    let a = app(&f, "c").await;
    f.store
        .insert_token(record(&a, &f.admin, 1, Some(2), "f1"))
        .await
        .unwrap();
    f.store
        .insert_token(record(&a, &f.admin, 3, Some(4), "f2"))
        .await
        .unwrap();

    assert!(f.store.revoke_token(hash(1)).await.unwrap());
    let g = f
        .store
        .token_by_access_hash(hash(1))
        .await
        .unwrap()
        .unwrap();
    assert!(g.revoked);
    assert!(
        f.store
            .token_by_refresh_hash(hash(2))
            .await
            .unwrap()
            .is_none()
    );

    assert!(f.store.revoke_token(hash(4)).await.unwrap());
    assert!(
        f.store
            .token_by_access_hash(hash(3))
            .await
            .unwrap()
            .unwrap()
            .revoked
    );

    assert!(!f.store.revoke_token(hash(77)).await.unwrap());
}

/// `openglip admin bot create` is one transaction: when its token cannot be stored (here: its
/// hash is taken), neither the bot app nor the bot extension is left behind.
pub async fn a_bot_is_created_whole_or_not_at_all<B: Backend>() {
    let f = fixture::<B>().await;
    let rest = app(&f, "rest-app").await;
    f.store
        .insert_token(record(&rest, &f.admin, 9, None, "fam-9"))
        .await
        .unwrap();
    let new_app = |client_id: &str| NewApp {
        client_id: client_id.into(),
        client_secret_hash: Some("secret-hash".into()),
        account_id: f.account.id,
        name: "Bot app".into(),
        kind: AppKind::Bot,
        public_client: false,
        grants: GrantSet::default(),
        permissions: [Permission::TeamMessaging].into_iter().collect(),
        redirect_uris: vec![],
        access_ttl_secs: i64::from(i32::MAX),
        refresh_ttl_secs: 0,
    };
    let bot = || NewExtension {
        kind: ExtensionType::Bot,
        ..person("Helper", "", None)
    };
    let token = |access: u8| TokenRecord {
        access_expires: None,
        ..record(&rest, &f.admin, access, None, "bot-family")
    };
    let before = f
        .store
        .platform()
        .account_extensions(f.account.id, None)
        .await
        .unwrap()
        .len();
    let failed = f
        .store
        .create_bot(f.account.id, new_app("bot-1"), bot(), token(9))
        .await;
    assert!(failed.is_err());
    assert!(
        f.store
            .app_by_client_id("bot-1".into())
            .await
            .unwrap()
            .is_none()
    );
    let after = f
        .store
        .platform()
        .account_extensions(f.account.id, None)
        .await
        .unwrap();
    assert_eq!(after.len(), before, "no orphan bot extension");

    let (app, ext) = f
        .store
        .create_bot(f.account.id, new_app("bot-2"), bot(), token(10))
        .await
        .unwrap();
    assert_eq!(ext.kind, ExtensionType::Bot);
    let grant = f
        .store
        .token_by_access_hash(hash(10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((grant.app.id, grant.extension.id), (app.id, ext.id));
}
