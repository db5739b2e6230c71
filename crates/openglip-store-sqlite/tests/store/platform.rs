//! The platform part of the port: codes, sessions, JWT credentials, usage, sandbox accounts,
//! bot installation and removal, activation links, unassigned extensions.

use openglip_domain::events::EventPayload;
use openglip_domain::perm::{GrantSet, GrantType};
use openglip_domain::platform::*;
use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

async fn app(f: &Fixture, kind: AppKind) -> App {
    f.store
        .create_app(NewApp {
            client_id: format!("client-{kind:?}"),
            client_secret_hash: None,
            account_id: f.account.id,
            name: "App".into(),
            kind,
            public_client: true,
            grants: [GrantType::AuthorizationCode].into_iter().collect::<GrantSet>(),
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

#[tokio::test]
async fn a_code_is_spent_once_and_reuse_revokes_its_family() {
    let f = fixture().await;
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
    assert_eq!(p.redeem_code([7; 32]).await.unwrap(), CodeRedemption::Redeemed(code));
    f.store.insert_token(token(&app, &f.admin, 1, "fam")).await.unwrap();
    f.store.insert_token(token(&app, &f.admin, 2, "other")).await.unwrap();
    assert!(!f.store.token_by_access_hash([1; 32]).await.unwrap().unwrap().revoked);
    assert_eq!(p.redeem_code([7; 32]).await.unwrap(), CodeRedemption::Reused);
    assert!(f.store.token_by_access_hash([1; 32]).await.unwrap().unwrap().revoked);
    assert!(!f.store.token_by_access_hash([2; 32]).await.unwrap().unwrap().revoked);
    assert_eq!(p.redeem_code([8; 32]).await.unwrap(), CodeRedemption::Unknown);
}
