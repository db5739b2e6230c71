//! OAuth: password, refresh (explicit, before expiry, after OAU-128), revoke, bot tokens, PKCE.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use openglip_sdk::auth::AuthorizeRequest;
use openglip_sdk::{Client, Pkce, Token};

use crate::helpers::*;

#[tokio::test]
async fn password_login_refresh_and_revoke() {
    let w = World::new().await;
    let seen: Arc<Mutex<Vec<Token>>> = Arc::default();
    let s = seen.clone();
    let c = Client::builder(&w.app.base)
        .app(&w.client_id, Some(w.secret.clone()))
        .on_token(move |t| s.lock().unwrap().push(t.clone()))
        .build()
        .unwrap();
    let t1 = c
        .login_password("bob@acme.test", PASSWORD, None)
        .await
        .unwrap();
    assert_eq!(t1.owner_id.as_deref(), Some(w.bob_id.as_str()));
    assert!(t1.refresh_token.is_some() && t1.expires_at_ms.is_some());
    assert!(t1.scope.as_deref().unwrap().contains("TeamMessaging"));
    let t2 = c.refresh().await.unwrap();
    assert_ne!(t1.access_token, t2.access_token);
    assert_eq!(seen.lock().unwrap().len(), 2, "every new token is reported");
    // The old pair is dead; the new one works.
    let old = Client::with_bot_token(&w.app.base, t1.access_token.clone()).unwrap();
    assert!(old.me().await.unwrap_err().is_unauthorized());
    assert_eq!(c.me().await.unwrap().id.to_string(), w.bob_id);

    c.revoke().await.unwrap();
    assert!(c.token().await.is_none());
    let gone = Client::with_bot_token(&w.app.base, t2.access_token).unwrap();
    assert!(gone.me().await.unwrap_err().is_unauthorized());
}

#[tokio::test]
async fn tokens_are_renewed_before_they_expire() {
    let w = World::new().await;
    // Access tokens live an hour: "renew 2 hours before expiry" renews before every call.
    let c = Client::builder(&w.app.base)
        .app(&w.client_id, Some(w.secret.clone()))
        .renew_before(Duration::from_secs(7200))
        .build()
        .unwrap();
    let t1 = c
        .login_password("alice@acme.test", PASSWORD, None)
        .await
        .unwrap();
    c.me().await.unwrap();
    let t2 = c.token().await.unwrap();
    assert_ne!(t1.access_token, t2.access_token, "renewed before the call");
    c.me().await.unwrap();
    assert_ne!(c.token().await.unwrap().access_token, t2.access_token);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_call_retried() {
    let w = World::new().await;
    let c = Client::builder(&w.app.base)
        .app(&w.client_id, Some(w.secret.clone()))
        .renew_before(Duration::ZERO)
        .build()
        .unwrap();
    // A token that lives one second, as the password grant's `access_token_ttl` allows.
    let info = c
        .request_token(&[
            ("grant_type", "password"),
            ("username", "alice@acme.test"),
            ("password", PASSWORD),
            ("access_token_ttl", "1"),
        ])
        .await
        .unwrap();
    assert_eq!(info.expires_in, 1);
    let mut t = Token::from_info(&info);
    t.expires_at_ms = None; // the client does not know: the server must tell it (OAU-128)
    c.set_token(Some(t)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let me = c.me().await.unwrap();
    assert_eq!(me.id.to_string(), w.alice_id);
    assert_ne!(c.token().await.unwrap().access_token, info.access_token);
}

#[tokio::test]
async fn bot_tokens_work_without_an_app() {
    let w = World::new().await;
    let (ext, _, token) = w
        .app
        .state()
        .platform()
        .create_bot(w.acme.id, "Helper")
        .await
        .unwrap();
    let bot = Client::with_bot_token(&w.app.base, token).unwrap();
    let me = bot.me().await.unwrap();
    assert_eq!((me.id, me.kind.as_str()), (ext.id.0, "Bot"));
    assert!(bot.refresh().await.is_err(), "no refresh token, no app");
}

#[test]
fn authorize_urls_carry_pkce() {
    let c = Client::builder("http://127.0.0.1:1")
        .app("the-app", None)
        .build()
        .unwrap();
    let pkce = Pkce::new();
    let url = c
        .authorize_url(&AuthorizeRequest {
            redirect_uri: "http://127.0.0.1:3000/callback".into(),
            state: Some("xyz".into()),
            code_challenge: Some(pkce.challenge.clone()),
            ..Default::default()
        })
        .unwrap();
    let u = reqwest::Url::parse(&url).unwrap();
    assert_eq!(u.path(), "/restapi/oauth/authorize");
    let q: std::collections::HashMap<_, _> = u.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "the-app");
    assert_eq!(q["redirect_uri"], "http://127.0.0.1:3000/callback");
    assert_eq!(q["code_challenge"], pkce.challenge);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["state"], "xyz");
}

#[tokio::test]
async fn authorization_code_with_pkce() {
    let w = World::new().await;
    let redirect = "http://127.0.0.1:9/callback";
    let (app, secret) = w
        .app
        .state()
        .platform()
        .provision_app(openglip_platform::apps::NewAppSpec {
            account_id: w.acme.id,
            name: "Code app".into(),
            redirect_uris: vec![redirect.into()],
            grants: vec!["authorization_code".into(), "refresh_token".into()],
            permissions: vec!["TeamMessaging".into(), "ReadAccounts".into()],
            public_client: false,
        })
        .await
        .unwrap();
    let c = Client::builder(&w.app.base)
        .app(&app.client_id, secret)
        .build()
        .unwrap();
    let pkce = Pkce::new();
    let url = c
        .authorize_url(&AuthorizeRequest {
            redirect_uri: redirect.into(),
            state: Some("s1".into()),
            code_challenge: Some(pkce.challenge.clone()),
            ..Default::default()
        })
        .unwrap();
    let back = Browser::new(&w.app.base)
        .authorize(&url, "bob@acme.test", PASSWORD)
        .await;
    let back = reqwest::Url::parse(&back).unwrap();
    let q: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "s1");
    // A wrong verifier is refused with a typed OAuth error…
    let e = c
        .exchange_code(&q["code"], redirect, Some("not-the-verifier"))
        .await
        .unwrap_err();
    assert_eq!(e.oauth_error(), Some("invalid_grant"), "{e}");
    // …and spends the code; a fresh one with the right verifier works.
    let back = Browser::new(&w.app.base)
        .authorize(&url, "bob@acme.test", PASSWORD)
        .await;
    let code = reqwest::Url::parse(&back)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let t = c
        .exchange_code(&code, redirect, Some(&pkce.verifier))
        .await
        .unwrap();
    assert_eq!(t.owner_id.as_deref(), Some(w.bob_id.as_str()));
    assert_eq!(c.me().await.unwrap().id.to_string(), w.bob_id);
    assert!(c.refresh().await.is_ok());
}

#[tokio::test]
async fn jwt_bearer_grant() {
    let w = World::new().await;
    let (app, secret) = w
        .app
        .state()
        .platform()
        .provision_app(openglip_platform::apps::NewAppSpec {
            account_id: w.acme.id,
            name: "Server app".into(),
            redirect_uris: vec![],
            grants: vec![openglip_sdk::auth::JWT_GRANT.into(), "refresh_token".into()],
            permissions: vec!["TeamMessaging".into(), "ReadAccounts".into()],
            public_client: false,
        })
        .await
        .unwrap();
    let owner = w
        .app
        .state()
        .store()
        .extension(openglip_domain::ExtensionId(w.bob_id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap();
    let (_, jwt) = w
        .app
        .state()
        .platform()
        .create_jwt(
            &owner,
            &openglip_platform::jwt::JwtForm {
                label: "CI".into(),
                ..Default::default()
            },
            &w.app.base,
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let c = Client::builder(&w.app.base)
        .app(&app.client_id, secret)
        .build()
        .unwrap();
    let t = c.login_jwt(&jwt).await.unwrap();
    assert_eq!(t.owner_id.as_deref(), Some(w.bob_id.as_str()));
    assert_eq!(c.me().await.unwrap().contact.first_name, "Bob");
    let e = c.login_jwt("a.b.c").await.unwrap_err();
    assert_eq!(e.oauth_error(), Some("invalid_grant"), "{e}");
}
