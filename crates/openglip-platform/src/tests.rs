//! The platform's rules against a real store (SQLite in a temporary folder), a clock the tests
//! move, and a bot server that records what it is sent. No HTTP.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use openglip_domain::platform::{Environment, SessionRealm};
use openglip_domain::*;

use crate::accounts::{NewAccount, NewUser};
use crate::apps::{AppForm, NewAppSpec};
use crate::oauth::{AuthorizationGrant, ClientCredentials, IssuedToken, TokenRequest};
use crate::people::UserForm;
use crate::*;

const PASSWORD: &str = "correct-horse-battery";
const REDIRECT: &str = "https://app.example/cb";
/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[derive(Default)]
struct BotServer(Mutex<Vec<BotTokenPost>>);

impl BotTokenDelivery for BotServer {
    fn deliver(&self, post: BotTokenPost) -> Delivery<'_> {
        self.0.lock().unwrap().push(post);
        Box::pin(async { Ok(()) })
    }
}

struct World {
    p: Platform,
    clock: Arc<TestClock>,
    bot_server: Arc<BotServer>,
    admin: Extension,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(openglip_store_sqlite::SqliteStore::open(dir.path()).unwrap());
        let clock = Arc::new(TestClock(AtomicI64::new(SystemClock.now().millis())));
        let bot_server = Arc::new(BotServer::default());
        let p = Platform::new(store, clock.clone(), bot_server.clone());
        let (_, admin) = p
            .create_account(NewAccount {
                name: "Acme".into(),
                admin_email: "ada@acme.test".into(),
                admin_password: PASSWORD.into(),
                admin_first_name: None,
                admin_last_name: None,
            })
            .await
            .unwrap();
        World {
            p,
            clock,
            bot_server,
            admin,
            _dir: dir,
        }
    }

    fn later(&self, secs: i64) {
        self.clock.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }

    /// An operator's app of Acme with these grants; its credentials.
    async fn app(&self, grants: &[&str]) -> ClientCredentials {
        let (app, secret) = self
            .p
            .provision_app(NewAppSpec {
                account_id: self.admin.account_id,
                name: "Travel".into(),
                redirect_uris: vec![REDIRECT.into()],
                grants: grants.iter().map(|g| g.to_string()).collect(),
                permissions: vec![],
                public_client: false,
            })
            .await
            .unwrap();
        ClientCredentials {
            client_id: app.client_id,
            secret,
        }
    }

    async fn token(&self, client: &ClientCredentials, req: TokenRequest) -> Result<IssuedToken> {
        self.p.token(Ok(Some(client.clone())), &req).await
    }

    async fn password(&self, client: &ClientCredentials, login: &str) -> Result<IssuedToken> {
        let req = TokenRequest {
            grant_type: Some("password".into()),
            username: Some(login.into()),
            password: Some(PASSWORD.into()),
            ..Default::default()
        };
        self.token(client, req).await
    }

    /// The admin approves the app: an authorization code (S256 challenge) for a request that
    /// named the redirect URI.
    async fn code(&self, client: &ClientCredentials) -> String {
        self.code_named(client, true).await
    }

    /// The same, for a request that named the redirect URI or left it to the app's only one.
    async fn code_named(&self, client: &ClientCredentials, redirect_uri_given: bool) -> String {
        let record = self.p.app_record(&client.client_id).await.unwrap().unwrap();
        let grant = AuthorizationGrant {
            record: &record,
            redirect_uri: REDIRECT,
            redirect_uri_given,
            challenge: Some(CHALLENGE),
            method: Some("S256"),
            scope: record.app.permissions,
            oidc: None,
        };
        self.p.authorize(grant, &self.admin).await.unwrap().code
    }
}

fn exchange(code: &str, redirect: &str, verifier: &str) -> TokenRequest {
    TokenRequest {
        grant_type: Some("authorization_code".into()),
        code: Some(code.into()),
        redirect_uri: Some(redirect.into()),
        code_verifier: Some(verifier.into()),
        ..Default::default()
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T>) -> OAuthFailure {
    match r {
        Err(Error::OAuth(f)) => f,
        other => panic!("not an OAuth failure: {other:?}"),
    }
}

#[tokio::test]
async fn a_code_works_once_for_its_client_redirect_uri_and_verifier() {
    let w = World::new().await;
    let client = w.app(&["authorization_code", "refresh_token"]).await;
    let other = w.app(&["authorization_code"]).await;
    let code = w.code(&client).await;
    assert_eq!(
        refused(w.token(&other, exchange(&code, REDIRECT, VERIFIER)).await),
        OAuthFailure::CodeOfAnotherClient
    );
    // A failed exchange spends the code too.
    assert_eq!(
        refused(w.token(&client, exchange(&code, REDIRECT, VERIFIER)).await),
        OAuthFailure::CodeReused
    );
    let code = w.code(&client).await;
    let wrong = exchange(&code, "https://app.example/other", VERIFIER);
    assert_eq!(
        refused(w.token(&client, wrong).await),
        OAuthFailure::RedirectUriMismatch
    );
    let code = w.code(&client).await;
    let wrong = exchange(&code, REDIRECT, &VERIFIER.replace('d', "e"));
    assert_eq!(
        refused(w.token(&client, wrong).await),
        OAuthFailure::PkceMismatch
    );

    let code = w.code(&client).await;
    let t = w
        .token(&client, exchange(&code, REDIRECT, VERIFIER))
        .await
        .unwrap();
    assert_eq!(
        w.p.caller(&t.access_token).await.unwrap().extension_id,
        w.admin.id
    );
    // Presented again, the code revokes what it gave.
    assert_eq!(
        refused(w.token(&client, exchange(&code, REDIRECT, VERIFIER)).await),
        OAuthFailure::CodeReused
    );
    assert!(w.p.caller(&t.access_token).await.is_err());

    let code = w.code(&client).await;
    w.later(61);
    assert_eq!(
        refused(w.token(&client, exchange(&code, REDIRECT, VERIFIER)).await),
        OAuthFailure::CodeExpired
    );
}

/// RFC 6749 §4.1.3: `redirect_uri` is required at the token endpoint only when the
/// authorization request included it.
#[tokio::test]
async fn redirect_uri_is_required_only_when_the_authorization_request_named_it() {
    let w = World::new().await;
    let client = w.app(&["authorization_code"]).await;
    let without = |code: &str| TokenRequest {
        redirect_uri: None,
        ..exchange(code, REDIRECT, VERIFIER)
    };
    let code = w.code_named(&client, false).await;
    assert!(w.token(&client, without(&code)).await.is_ok());
    let code = w.code_named(&client, true).await;
    assert_eq!(
        refused(w.token(&client, without(&code)).await),
        OAuthFailure::RedirectUriMismatch
    );
}

#[tokio::test]
async fn refresh_rotates_and_a_spent_refresh_token_revokes_its_family() {
    let w = World::new().await;
    let client = w.app(&["password", "refresh_token"]).await;
    let first = w.password(&client, "ada@acme.test").await.unwrap();
    let refresh = |t: &IssuedToken| TokenRequest {
        grant_type: Some("refresh_token".into()),
        refresh_token: t.refresh_token.clone(),
        ..Default::default()
    };
    let second = w.token(&client, refresh(&first)).await.unwrap();
    assert_eq!(second.family, first.family);
    assert_ne!(second.refresh_token, first.refresh_token);
    assert!(w.p.caller(&second.access_token).await.is_ok());
    // The spent one again: refused, and the whole family is revoked.
    assert_eq!(
        refused(w.token(&client, refresh(&first)).await),
        OAuthFailure::RefreshUnknown
    );
    assert!(w.p.caller(&second.access_token).await.is_err());
    assert_eq!(
        refused(w.token(&client, refresh(&second)).await),
        OAuthFailure::RefreshUnknown
    );
    // A refresh token of another app is not this app's.
    let other = w.app(&["password", "refresh_token"]).await;
    let t = w.password(&client, "ada@acme.test").await.unwrap();
    assert_eq!(
        refused(w.token(&other, refresh(&t)).await),
        OAuthFailure::RefreshOfAnotherClient
    );
}

#[tokio::test]
async fn a_sandbox_app_serves_sandbox_accounts_until_it_graduates() {
    let w = World::new().await;
    let form = AppForm {
        name: "Travel".into(),
        contact_email: "ada@acme.test".into(),
        password: true,
        redirect_uris: vec![REDIRECT.into()],
        permissions: vec!["TeamMessaging".into()],
        ..Default::default()
    };
    let (record, secret) = w.p.create_app(&w.admin, &form).await.unwrap();
    assert_eq!(record.details.stage, Environment::Sandbox);
    let client = ClientCredentials {
        client_id: record.app.client_id.clone(),
        secret,
    };
    // Acme is a production account.
    assert_eq!(
        refused(w.password(&client, "ada@acme.test").await),
        OAuthFailure::SandboxApp
    );
    let (sandbox, sadmin) = w.p.create_sandbox(&w.admin, PASSWORD).await.unwrap();
    assert_eq!(sadmin.extension_number, "101");
    let t = w
        .password(&client, &format!("{}*101", sandbox.main_number))
        .await
        .unwrap();
    assert_eq!(t.owner, sadmin.id);
    assert!(
        w.p.create_sandbox(&w.admin, PASSWORD).await.is_err(),
        "one each"
    );

    // Not enough usage yet: it stays in the sandbox.
    let (stage, g) = w.p.apply_for_production(&record).await.unwrap();
    assert_eq!(stage, Environment::Sandbox);
    assert!(!g.all_met());
    for _ in 0..5 {
        w.p.record_call(record.app.id, "Light", 200);
    }
    let (stage, g) = w.p.apply_for_production(&record).await.unwrap();
    assert_eq!((stage, g.usage[0].calls), (Environment::Production, 5));
    assert!(w.password(&client, "ada@acme.test").await.is_ok());
}

/// One throttle for every way a password is checked, kept in the database: guesses through
/// the token endpoint lock the sign-in pages too, and a second process on the same data (another
/// store and platform over the same folder) sees the lock.
#[tokio::test]
async fn password_guesses_are_throttled_alike_on_every_path_and_process() {
    let w = World::new().await;
    let client = w.app(&["password"]).await;
    let grant = |password: &str| TokenRequest {
        grant_type: Some("password".into()),
        username: Some("ada@acme.test".into()),
        password: Some(password.into()),
        ..Default::default()
    };
    for _ in 0..throttle::MAX_FAILURES_PER_LOGIN {
        assert_eq!(
            refused(w.token(&client, grant("wrong")).await),
            OAuthFailure::InvalidCredentials
        );
    }
    let throttled = |r: Result<Extension>| matches!(r, Err(Error::SignIn(SignInFailure::Throttled { retry_after_secs })) if retry_after_secs > 800);
    // The right password is refused now, at the token endpoint and on the pages.
    assert!(matches!(
        w.token(&client, grant(PASSWORD)).await,
        Err(Error::SignIn(SignInFailure::Throttled { .. }))
    ));
    assert!(throttled(
        w.p.sign_in("192.0.2.9", "ada@acme.test", None, PASSWORD)
            .await
    ));
    // Another process on the same data.
    let other_store = Arc::new(openglip_store_sqlite::SqliteStore::open(w._dir.path()).unwrap());
    // The same person by another login (the company's number and her extension) too.
    let account = other_store
        .account(w.admin.account_id)
        .await
        .unwrap()
        .unwrap();
    assert!(throttled(
        w.p.sign_in(
            "192.0.2.9",
            &account.main_number,
            Some(&w.admin.extension_number),
            PASSWORD
        )
        .await
    ));
    let other = Platform::new(other_store, w.clock.clone(), w.bot_server.clone());
    assert!(throttled(
        other
            .sign_in("192.0.2.10", "ada@acme.test", None, PASSWORD)
            .await
    ));
    // The window ends; the right password works again and clears the count.
    w.later(throttle::THROTTLE_WINDOW_SECS);
    assert!(w.token(&client, grant(PASSWORD)).await.is_ok());
    assert_eq!(
        refused(w.token(&client, grant("wrong")).await),
        OAuthFailure::InvalidCredentials
    );
    assert!(w.token(&client, grant(PASSWORD)).await.is_ok());
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_login_for_a_while() {
    let w = World::new().await;
    let sign_in = |login: &'static str, password: &'static str| {
        let p = &w.p;
        async move { p.sign_in("192.0.2.1", login, None, password).await }
    };
    assert!(sign_in("ada@acme.test", PASSWORD).await.is_ok());
    for _ in 0..throttle::MAX_FAILURES_PER_LOGIN {
        assert!(matches!(
            sign_in("ADA@acme.test", "wrong").await,
            Err(Error::SignIn(SignInFailure::Invalid))
        ));
    }
    // Refused without looking at the password, even the right one.
    assert!(matches!(
        sign_in("ada@acme.test", PASSWORD).await,
        Err(Error::SignIn(SignInFailure::Throttled { retry_after_secs })) if retry_after_secs > 800
    ));
    assert!(matches!(
        sign_in("nobody@acme.test", "wrong").await,
        Err(Error::SignIn(SignInFailure::Invalid))
    ));
    w.later(throttle::THROTTLE_WINDOW_SECS);
    let ada = sign_in("ada@acme.test", PASSWORD).await.unwrap();

    // Sessions belong to their realm and end.
    let token =
        w.p.start_session(SessionRealm::Console, &ada, None)
            .await
            .unwrap();
    let found = w.p.session(SessionRealm::Console, &token).await.unwrap();
    assert_eq!(found.map(|e| e.id), Some(ada.id));
    assert!(
        w.p.session(SessionRealm::Account, &token)
            .await
            .unwrap()
            .is_none()
    );
    let next =
        w.p.start_session(SessionRealm::Console, &ada, Some(&token))
            .await
            .unwrap();
    assert!(
        w.p.session(SessionRealm::Console, &token)
            .await
            .unwrap()
            .is_none()
    );
    w.p.end_session(&next).await.unwrap();
    assert!(
        w.p.session(SessionRealm::Console, &next)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn installing_a_bot_again_reuses_its_bot_in_that_company() {
    let w = World::new().await;
    let form = AppForm {
        kind: AppKind::Bot,
        name: "Helper".into(),
        contact_email: "ada@acme.test".into(),
        redirect_uris: vec!["https://bot.example/oauth".into()],
        ..Default::default()
    };
    let (record, _) = w.p.create_app(&w.admin, &form).await.unwrap();
    assert!(
        w.p.install_for_developer(&w.admin, &record).await.is_err(),
        "no sandbox to add it to yet"
    );
    w.p.create_sandbox(&w.admin, PASSWORD).await.unwrap();
    let first = w.p.install_for_developer(&w.admin, &record).await.unwrap();
    let again = w.p.install_for_developer(&w.admin, &record).await.unwrap();
    assert!(!first.reused && again.reused);
    assert_eq!(again.install.extension.id, first.install.extension.id);
    let posts = w.bot_server.0.lock().unwrap().clone();
    assert_eq!(posts.len(), 2, "each install delivers a token");
    assert_eq!(posts[1].redirect_uri, "https://bot.example/oauth");
    let field = |k: &str| {
        posts[1]
            .form
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(field("owner_id"), first.install.extension.id.to_string());
    let caller = w.p.caller(&field("access_token")).await.unwrap();
    assert_eq!(caller.extension_id, first.install.extension.id);

    // Removed, it is gone; added again, it is a new bot.
    let account = first.install.account_id;
    w.p.remove_bot(account, first.install.extension.id)
        .await
        .unwrap();
    assert!(w.p.caller(&field("access_token")).await.is_err());
    let third = w.p.install_for_developer(&w.admin, &record).await.unwrap();
    assert!(!third.reused);
    assert_ne!(third.install.extension.id, first.install.extension.id);
}

#[tokio::test]
async fn people_added_without_a_password_activate_with_their_link_once() {
    let w = World::new().await;
    let form = UserForm {
        first_name: "Grace".into(),
        email: "grace@acme.test".into(),
        ..Default::default()
    };
    let added =
        w.p.add_user(&w.admin, &form, "https://chat.example")
            .await
            .unwrap();
    assert_eq!(added.extension.status, ExtensionStatus::NotActivated);
    let link = added.activation_link.unwrap();
    let token = link.split_once("token=").unwrap().1;
    let mail = w.p.outbox(&w.admin).await.unwrap();
    assert!(mail[0].body.contains(&link) && mail[0].to == "grace@acme.test");
    match w.p.activate(token, "short", "short").await {
        Err(Error::Invalid(f)) => assert_eq!(f[0].name, "password"),
        other => panic!("{other:?}"),
    }
    let grace = w.p.activate(token, PASSWORD, PASSWORD).await.unwrap();
    assert_eq!(grace.status, ExtensionStatus::Enabled);
    assert!(matches!(
        w.p.activate(token, PASSWORD, PASSWORD).await,
        Err(Error::NotFound(_))
    ));
    // Every wrong field at once.
    let bad = UserForm {
        email: "nope".into(),
        extension_number: "12a".into(),
        ..Default::default()
    };
    match w.p.add_user(&w.admin, &bad, "https://chat.example").await {
        Err(Error::Invalid(f)) => assert_eq!(f.len(), 3, "{f:?}"),
        other => panic!("{other:?}"),
    }
    // Administrators keep their own role.
    let no = people::UserChanges {
        is_admin: Some(false),
        ..Default::default()
    };
    assert!(w.p.change_user(&w.admin, &w.admin, no).await.is_err());
    let user =
        w.p.create_user(NewUser {
            account_id: w.admin.account_id,
            email: "bob@acme.test".into(),
            first_name: "Bob".into(),
            last_name: String::new(),
            password: Some(PASSWORD.into()),
            extension_number: None,
            is_admin: false,
        })
        .await
        .unwrap();
    let disable = people::UserChanges {
        status: Some(ExtensionStatus::Disabled),
        ..Default::default()
    };
    let bob = w.p.change_user(&w.admin, &user, disable).await.unwrap();
    assert_eq!(bob.status, ExtensionStatus::Disabled);
    assert!(matches!(
        w.p.sign_in("192.0.2.2", "bob@acme.test", None, PASSWORD)
            .await,
        Err(Error::SignIn(SignInFailure::Disabled))
    ));
}
