//! The authorization server: the authorization-code flow (PKCE, sign-in and Access Request
//! pages, redirects), each grant and each failure path, sessions, CSRF and brute-force limits,
//! and sandbox versus production.

use openglip_domain::platform::AuthCode;
use openglip_platform::apps::{AppForm, ClientType};
use openglip_server::secrets;
use openglip_server::{RateLimitConfig, ServerConfig};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::web::*;

pub(crate) const REDIRECT: &str = "http://127.0.0.1:45871/oauth/callback";
const ME: &str = "/restapi/v1.0/account/~/extension/~";

/// An operator-provisioned app (admitted to production) with the authorization code grant.
pub(crate) async fn code_app(w: &World, public: bool, grants: &[&str], perms: &[&str]) -> Client {
    let (app, secret) = w
        .app
        .state()
        .platform()
        .provision_app(openglip_platform::apps::NewAppSpec {
            account_id: w.acme.id,
            name: "Kore Agent".into(),
            redirect_uris: vec![REDIRECT.into(), "https://agent.example/cb".into()],
            grants: grants.iter().map(|s| s.to_string()).collect(),
            permissions: perms.iter().map(|s| s.to_string()).collect(),
            public_client: public,
        })
        .await
        .unwrap();
    Client {
        client_id: app.client_id,
        secret,
    }
}

fn authorize_query(client: &Client, challenge: Option<&str>, state: &str) -> String {
    let mut q = format!(
        "response_type=code&client_id={}&redirect_uri={}&state={}",
        client.client_id,
        enc(REDIRECT),
        enc(state)
    );
    if let Some(c) = challenge {
        q.push_str(&format!("&code_challenge={c}&code_challenge_method=S256"));
    }
    q
}

pub(crate) fn code_of(location: &str) -> String {
    assert!(location.starts_with(REDIRECT), "{location}");
    query_param(location, "code").unwrap_or_else(|| panic!("no code in {location}"))
}

pub(crate) async fn exchange(
    w: &World,
    client: &Client,
    code: &str,
    verifier: Option<&str>,
) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    token(&w.app, Some(client), &form).await
}

fn assert_oauth(status: u16, body: &Value, want_status: u16, error: &str, code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["errorCode"], code, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn authorization_code_with_pkce_signs_in_consents_and_exchanges() {
    let w = World::new().await;
    let client = code_app(
        &w,
        false,
        &["authorization_code", "refresh_token"],
        &["TeamMessaging", "ReadAccounts"],
    )
    .await;
    let b = w.app.browser();
    let (verifier, challenge) = pkce();

    // The sign-in page names the app; the cookies it sets are HttpOnly and SameSite=Lax.
    let p = b
        .get(&format!(
            "/restapi/oauth/authorize?{}",
            authorize_query(&client, Some(&challenge), "xyz/ 1")
        ))
        .await;
    assert_eq!(p.status, 200);
    assert!(p.has("Kore Agent") && p.has("Sign in"), "{}", p.body);
    assert!(
        p.set_cookies
            .iter()
            .all(|c| c.contains("HttpOnly") && c.contains("SameSite=Lax"))
    );
    assert!(
        !p.set_cookies.iter().any(|c| c.contains("Secure")),
        "http: no Secure flag"
    );

    let location = authorize(
        &b,
        &authorize_query(&client, Some(&challenge), "xyz/ 1"),
        "bob@acme.test",
        PASSWORD,
    )
    .await;
    assert_eq!(query_param(&location, "state").as_deref(), Some("xyz/ 1"));
    let code = code_of(&location);

    let (s, t) = exchange(&w, &client, &code, Some(&verifier)).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["owner_id"], json!(w.bob.id()));
    assert_eq!(t["token_type"], "bearer");
    assert_eq!(t["expires_in"], 3600);
    assert_eq!(t["scope"], "TeamMessaging ReadAccounts");
    let access = t["access_token"].as_str().unwrap();
    let (s, me) = w.app.get(ME, access).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["id"], json!(w.bob.ext.id.0));

    // Refresh works, and rotates.
    let (s, r) = token(
        &w.app,
        Some(&client),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        w.app.get(ME, access).await.0,
        401,
        "the old access token dies on refresh"
    );
    assert_eq!(
        w.app.get(ME, r["access_token"].as_str().unwrap()).await.0,
        200
    );

    // The browser is signed in now: the next authorization offers "Continue as Bob".
    let again = b
        .get(&format!(
            "/restapi/oauth/authorize?{}",
            authorize_query(&client, None, "2")
        ))
        .await;
    assert_eq!(again.status, 200);
    assert!(
        again.has("Continue as Bob") && again.has("Use another account"),
        "{}",
        again.body
    );
    assert!(!again.has("name=\"password\""));
    // "Use another account" (prompt=login) shows the sign-in form again.
    let other = b
        .get(&format!(
            "/restapi/oauth/authorize?{}&prompt=login",
            authorize_query(&client, None, "2")
        ))
        .await;
    assert!(other.has("name=\"password\""), "{}", other.body);
    // prompt=none with a session and an earlier consent answers at once.
    let none = b
        .get(&format!(
            "/restapi/oauth/authorize?{}&prompt=none",
            authorize_query(&client, None, "3")
        ))
        .await;
    assert_eq!(none.status, 303, "{}", none.body);
    assert!(query_param(none.location.as_ref().unwrap(), "code").is_some());
}

#[tokio::test]
async fn a_public_client_uses_pkce_without_a_secret() {
    let w = World::new().await;
    let client = code_app(
        &w,
        true,
        &["authorization_code", "refresh_token"],
        &["TeamMessaging"],
    )
    .await;
    assert!(client.secret.is_none());
    let b = w.app.browser();

    // Without a challenge the request goes back with invalid_request.
    let p = b
        .get(&format!(
            "/restapi/oauth/authorize?{}",
            authorize_query(&client, None, "s")
        ))
        .await;
    assert_eq!(p.status, 303);
    let loc = p.location.unwrap();
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("invalid_request"),
        "{loc}"
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("s"));

    let (verifier, challenge) = pkce();
    let location = authorize(
        &b,
        &authorize_query(&client, Some(&challenge), "s"),
        "carol@acme.test",
        PASSWORD,
    )
    .await;
    let code = code_of(&location);
    let (s, t) = token(
        &w.app,
        None,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
            ("client_id", &client.client_id),
        ],
    )
    .await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["owner_id"], json!(w.carol.id()));
}

#[tokio::test]
async fn code_exchange_failures() {
    let w = World::new().await;
    let client = code_app(
        &w,
        false,
        &["authorization_code", "refresh_token"],
        &["TeamMessaging", "ReadAccounts"],
    )
    .await;
    let b = w.app.browser();
    let (verifier, challenge) = pkce();
    let q = authorize_query(&client, Some(&challenge), "st");

    // Wrong client secret: 401 invalid_client, and the code is not spent.
    let code = code_of(&authorize(&b, &q, "bob@acme.test", PASSWORD).await);
    let wrong = Client {
        client_id: client.client_id.clone(),
        secret: Some("not-the-secret".into()),
    };
    let (s, body) = exchange(&w, &wrong, &code, Some(&verifier)).await;
    assert_oauth(s, &body, 401, "invalid_client", "OAU-146");
    // No secret at all from a confidential client.
    let (s, body) = token(
        &w.app,
        None,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", &client.client_id),
        ],
    )
    .await;
    assert_oauth(s, &body, 401, "invalid_client", "OAU-146");

    // PKCE mismatch: invalid_grant, and the code is spent by the attempt.
    let (s, body) = exchange(&w, &client, &code, Some(&pkce().0)).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-111");
    let (s, body) = exchange(&w, &client, &code, Some(&verifier)).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-109");

    // A missing verifier.
    let code = code_of(&authorize(&b, &q, "bob@acme.test", PASSWORD).await);
    let (s, body) = exchange(&w, &client, &code, None).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-111");

    // A redirect URI other than the authorization request's.
    let code = code_of(&authorize(&b, &q, "bob@acme.test", PASSWORD).await);
    let (s, body) = token(
        &w.app,
        Some(&client),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "https://agent.example/cb"),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-110");

    // A code issued to another client.
    let other = code_app(&w, false, &["authorization_code"], &["TeamMessaging"]).await;
    let code = code_of(&authorize(&b, &q, "bob@acme.test", PASSWORD).await);
    let (s, body) = exchange(&w, &other, &code, Some(&verifier)).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-112");

    // Reuse: the second exchange fails and revokes what the first gave.
    let code = code_of(&authorize(&b, &q, "bob@acme.test", PASSWORD).await);
    let (s, t) = exchange(&w, &client, &code, Some(&verifier)).await;
    assert_eq!(s, 200, "{t}");
    let access = t["access_token"].as_str().unwrap();
    assert_eq!(w.app.get(ME, access).await.0, 200);
    let (s, body) = exchange(&w, &client, &code, Some(&verifier)).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-109");
    assert_eq!(
        w.app.get(ME, access).await.0,
        401,
        "reuse revokes the tokens of the code"
    );
    let (s, _) = token(
        &w.app,
        Some(&client),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(s, 400);

    // An expired code (issued 2 minutes ago, living 1).
    let raw = secrets::new_token();
    let app = w
        .app
        .state()
        .store()
        .app_by_client_id(client.client_id.clone())
        .await
        .unwrap()
        .unwrap();
    let past = openglip_domain::Timestamp(openglip_server::auth::now().millis() - 120_000);
    w.app
        .state()
        .store()
        .platform()
        .insert_code(AuthCode {
            code_hash: secrets::hash_token(&raw),
            app_id: app.id,
            extension_id: w.bob.ext.id,
            account_id: w.acme.id,
            redirect_uri: REDIRECT.into(),
            code_challenge: None,
            challenge_method: None,
            scope: app.permissions,
            family: secrets::new_id(),
            created: past,
            expires: past.plus_seconds(60),
        })
        .await
        .unwrap();
    let (s, body) = exchange(&w, &client, &raw, None).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-109");

    // Unknown codes.
    let (s, body) = exchange(&w, &client, &secrets::new_token(), None).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-109");
    let (s, body) = token(
        &w.app,
        Some(&client),
        &[
            ("grant_type", "authorization_code"),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_oauth(s, &body, 400, "invalid_request", "OAU-101");
}

#[tokio::test]
async fn bad_client_or_redirect_is_shown_never_redirected() {
    let w = World::new().await;
    let client = code_app(&w, false, &["authorization_code"], &["TeamMessaging"]).await;
    let b = w.app.browser();
    for q in [
        format!(
            "response_type=code&client_id={}&redirect_uri={}",
            client.client_id,
            enc("https://evil.example/cb")
        ),
        format!(
            "response_type=code&client_id={}&redirect_uri={}",
            client.client_id,
            enc(&format!("{REDIRECT}/../x"))
        ),
        format!(
            "response_type=code&client_id=nope&redirect_uri={}",
            enc(REDIRECT)
        ),
        "response_type=code".to_string(),
        // Two redirect URIs registered: one must be named.
        format!("response_type=code&client_id={}", client.client_id),
    ] {
        let p = b.get(&format!("/restapi/oauth/authorize?{q}")).await;
        assert_eq!(p.status, 400, "{q}: {}", p.body);
        assert!(p.location.is_none(), "{q}");
        assert!(p.has("does not work"), "{}", p.body);
    }
    // Errors past the redirect URI check go back to it, with the state.
    let p = b
        .get(&format!(
            "/restapi/oauth/authorize?response_type=token&client_id={}&redirect_uri={}&state=k",
            client.client_id,
            enc(REDIRECT)
        ))
        .await;
    let loc = p.location.unwrap();
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("unsupported_response_type")
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("k"));
    let p = b.get(&format!("/restapi/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&scope=WebSocket", client.client_id, enc(REDIRECT))).await;
    assert_eq!(
        query_param(&p.location.unwrap(), "error").as_deref(),
        Some("invalid_scope")
    );
    // prompt=none without a session.
    let p = b
        .get(&format!(
            "/restapi/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&prompt=none",
            client.client_id,
            enc(REDIRECT)
        ))
        .await;
    assert_eq!(
        query_param(&p.location.unwrap(), "error").as_deref(),
        Some("login_required")
    );
    // An app without the grant.
    let pw_only = code_app(&w, false, &["password"], &["TeamMessaging"]).await;
    let p = b
        .get(&format!(
            "/restapi/oauth/authorize?response_type=code&client_id={}&redirect_uri={}",
            pw_only.client_id,
            enc(REDIRECT)
        ))
        .await;
    assert_eq!(
        query_param(&p.location.unwrap(), "error").as_deref(),
        Some("unauthorized_client")
    );
}

#[tokio::test]
async fn cancel_returns_access_denied_with_the_state() {
    let w = World::new().await;
    let client = code_app(&w, false, &["authorization_code"], &["TeamMessaging"]).await;
    let b = w.app.browser();
    let q = authorize_query(&client, None, "keep-me");
    let p = b.get(&format!("/restapi/oauth/authorize?{q}")).await;
    let s = b
        .post(
            "/oauth/signin",
            &[
                ("q", &p.input("q")),
                ("login", "bob@acme.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let c = b.get(s.location.as_ref().unwrap()).await;
    assert!(
        c.has("Team Messaging") && c.has("Authorize") && c.has("Cancel"),
        "{}",
        c.body
    );
    let d = b
        .post(
            "/oauth/consent",
            &[("q", &c.input("q")), ("decision", "deny")],
        )
        .await;
    assert_eq!(d.status, 303);
    let loc = d.location.unwrap();
    assert!(loc.starts_with(REDIRECT));
    assert_eq!(query_param(&loc, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&loc, "state").as_deref(), Some("keep-me"));
    assert!(query_param(&loc, "code").is_none());
}

#[tokio::test]
async fn forms_need_their_csrf_token_and_sign_in_is_throttled() {
    let w = World::new().await;
    let client = code_app(&w, false, &["authorization_code"], &["TeamMessaging"]).await;
    let b = w.app.browser();
    let p = b
        .get(&format!(
            "/restapi/oauth/authorize?{}",
            authorize_query(&client, None, "s")
        ))
        .await;
    let q = p.input("q");
    // A forged post (no token, or another token) is refused without signing in.
    let s = b
        .post(
            "/oauth/signin",
            &[
                ("q", &q),
                ("login", "bob@acme.test"),
                ("password", PASSWORD),
                ("_csrf", "x"),
            ],
        )
        .await;
    assert_eq!(s.status, 403, "{}", s.body);
    assert!(b.cookie("og_session").is_none());
    // Wrong passwords: the error shows in place; after 5 the login is blocked, even with the
    // right password.
    for _ in 0..5 {
        let s = b
            .post(
                "/oauth/signin",
                &[
                    ("q", &q),
                    ("login", "bob@acme.test"),
                    ("password", "wrong-password"),
                ],
            )
            .await;
        assert_eq!(s.status, 400);
        assert!(s.has("incorrect"), "{}", s.body);
        assert_eq!(
            s.input("login"),
            "bob@acme.test",
            "the login stays filled in"
        );
    }
    let s = b
        .post(
            "/oauth/signin",
            &[
                ("q", &q),
                ("login", "bob@acme.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(s.status, 429, "{}", s.body);
    assert!(s.has("Too many failed attempts"));
    // Another person is not blocked.
    let s = b
        .post(
            "/oauth/signin",
            &[
                ("q", &q),
                ("login", "carol@acme.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(s.status, 303, "{}", s.body);
    // Console sign-in follows only local paths.
    let c = w.app.browser();
    c.get("/console/signin").await;
    let s = c
        .post(
            "/console/signin",
            &[
                ("login", "alice@acme.test"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(s.status, 303);
    assert_eq!(s.location.as_deref(), Some("/console"));
    // Pages cannot be framed.
    let r = w
        .app
        .http
        .get(w.app.url("/console/signin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

#[tokio::test]
async fn session_cookies_are_secure_behind_https() {
    let app = spawn_app_with(ServerConfig {
        public_url: Some("https://chat.example.com".into()),
        rate_limits: RateLimitConfig::off(),
        realtime: test_realtime(),
        ..Default::default()
    })
    .await;
    let w = World::with(app).await;
    let b = w.app.browser();
    let p = b.get("/console/signin").await;
    assert!(
        p.set_cookies.iter().all(|c| c.contains("; Secure")),
        "{:?}",
        p.set_cookies
    );
    // Behind the public URL, a form is ours only when the browser says it comes from there.
    let fields = [("login", "alice@acme.test"), ("password", PASSWORD)];
    let s = b.post("/console/signin", &fields).await;
    assert_eq!(s.status, 403, "another origin than the public URL's");
    let s = b
        .post_from(
            "/console/signin",
            "https://chat.example.com",
            "og_csrf",
            &fields,
        )
        .await;
    let session = s
        .set_cookies
        .iter()
        .find(|c| c.starts_with("og_console="))
        .unwrap();
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Secure"),
        "{session}"
    );
}

#[tokio::test]
async fn refresh_token_reuse_revokes_the_family() {
    let w = World::new().await;
    let first = w.app.login(&w.client, "bob@acme.test").await;
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let (s, second) = token(
        &w.app,
        Some(&w.client),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", old_refresh),
        ],
    )
    .await;
    assert_eq!(s, 200, "{second}");
    let live = second["access_token"].as_str().unwrap();
    assert_eq!(w.app.get(ME, live).await.0, 200);
    // The spent refresh token comes back: refused, and the whole family dies.
    let (s, body) = token(
        &w.app,
        Some(&w.client),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", old_refresh),
        ],
    )
    .await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-211");
    assert_eq!(w.app.get(ME, live).await.0, 401);
    let (s, _) = token(
        &w.app,
        Some(&w.client),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", second["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(s, 400, "the newest refresh token of the family is dead too");
    // Other logins of the same person are untouched.
    assert_eq!(w.app.get(ME, &w.bob.token).await.0, 200);
}

#[tokio::test]
async fn grants_are_allowed_per_app_and_scopes_enforced() {
    let w = World::new().await;
    // An app without the password grant.
    let code_only = code_app(&w, false, &["authorization_code"], &["TeamMessaging"]).await;
    let (s, body) = token(
        &w.app,
        Some(&code_only),
        &[
            ("grant_type", "password"),
            ("username", "bob@acme.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_oauth(s, &body, 400, "unauthorized_client", "OAU-251");
    let (s, body) = token(
        &w.app,
        Some(&code_only),
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", "a.b.c"),
        ],
    )
    .await;
    assert_oauth(s, &body, 400, "unauthorized_client", "OAU-251");
    // A token of an app without ReadAccounts cannot read the extension (403 CMN-401), though it
    // can use team messaging.
    let b = w.app.browser();
    let code = code_of(
        &authorize(
            &b,
            &authorize_query(&code_only, None, "s"),
            "bob@acme.test",
            PASSWORD,
        )
        .await,
    );
    let (s, t) = exchange(&w, &code_only, &code, None).await;
    assert_eq!(s, 200, "{t}");
    assert!(
        t.get("refresh_token").is_none(),
        "no refresh grant, no refresh token: {t}"
    );
    let access = t["access_token"].as_str().unwrap();
    let (s, body) = w.app.get(ME, access).await;
    assert_rc_error(s, &body, 403, "CMN-401");
    assert_eq!(w.app.get("/team-messaging/v1/chats", access).await.0, 200);
    // A narrower scope asked at authorization is what the token gets.
    let both = code_app(
        &w,
        false,
        &["authorization_code"],
        &["TeamMessaging", "ReadAccounts"],
    )
    .await;
    let code = code_of(
        &authorize(
            &b,
            &format!("{}&scope=TeamMessaging", authorize_query(&both, None, "s")),
            "bob@acme.test",
            PASSWORD,
        )
        .await,
    );
    let (_, t) = exchange(&w, &both, &code, None).await;
    assert_eq!(t["scope"], "TeamMessaging");
    assert_eq!(
        w.app.get(ME, t["access_token"].as_str().unwrap()).await.0,
        403
    );
}

async fn console_session(w: &World, login: &str) -> String {
    let (s, b) = send(
        w.app
            .http
            .post(w.app.url("/console/api/session"))
            .json(&json!({"login": login, "password": PASSWORD})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    b["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_jwt_grant_signs_in_the_jwt_owner() {
    let w = World::new().await;
    let client = code_app(
        &w,
        false,
        &[
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "refresh_token",
        ],
        &["TeamMessaging", "ReadAccounts"],
    )
    .await;
    let other = code_app(
        &w,
        false,
        &["urn:ietf:params:oauth:grant-type:jwt-bearer"],
        &["TeamMessaging"],
    )
    .await;
    let dev = console_session(&w, "bob@acme.test").await;
    let (s, j) = w
        .app
        .post(
            "/console/api/jwt",
            &dev,
            json!({"label": "agent", "clientIds": [client.client_id]}),
        )
        .await;
    assert_eq!(s, 201, "{j}");
    let jwt = j["jwt"].as_str().unwrap().to_string();
    assert_eq!(jwt.split('.').count(), 3);
    let grant = |c: &Client, a: &str| {
        let c = c.clone();
        let a = a.to_string();
        let app = &w.app;
        async move {
            token(
                app,
                Some(&c),
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", &a),
                ],
            )
            .await
        }
    };
    let (s, t) = grant(&client, &jwt).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["owner_id"], json!(w.bob.id()));
    assert!(t["refresh_token"].is_string());
    assert_eq!(
        w.app.get(ME, t["access_token"].as_str().unwrap()).await.0,
        200
    );
    // Only with the apps it names.
    let (s, body) = grant(&other, &jwt).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-145");
    // Tampered or unknown.
    let (s, body) = grant(&client, &format!("{jwt}x")).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-145");
    let (s, body) = grant(&client, "nope").await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-145");
    // Revoked.
    let id = j["id"].as_str().unwrap();
    let (s, _) = w.app.delete(&format!("/console/api/jwt/{id}"), &dev).await;
    assert_eq!(s, 204);
    let (s, body) = grant(&client, &jwt).await;
    assert_oauth(s, &body, 400, "invalid_grant", "OAU-145");
    let (_, list) = w.app.get("/console/api/jwt", &dev).await;
    assert_eq!(list["records"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn sandbox_apps_serve_sandbox_accounts_until_they_graduate() {
    let w = World::new().await;
    // Bob develops an app in the console: it starts in the sandbox.
    let bob = w.bob.ext.clone();
    let (record, secret) = w
        .app
        .state()
        .platform()
        .create_app(
            &bob,
            &AppForm {
                name: "Travel Assistant".into(),
                contact_email: "bob@acme.test".into(),
                client_type: ClientType::ServerSide,
                auth_code: true,
                password: true,
                redirect_uris: vec![REDIRECT.into()],
                permissions: vec!["TeamMessaging".into(), "ReadAccounts".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let client = Client {
        client_id: record.app.client_id.clone(),
        secret,
    };
    assert_eq!(
        record.details.stage,
        openglip_domain::platform::Environment::Sandbox
    );

    // Production people (Acme is a production account) cannot use it: token endpoint…
    let (s, body) = token(
        &w.app,
        Some(&client),
        &[
            ("grant_type", "password"),
            ("username", "carol@acme.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_oauth(s, &body, 400, "unauthorized_client", "OAU-253");
    // …nor the authorization pages, which say why.
    let b = w.app.browser();
    let p = b
        .get(&format!(
            "/restapi/oauth/authorize?{}",
            authorize_query(&client, None, "s")
        ))
        .await;
    let s = b
        .post(
            "/oauth/signin",
            &[
                ("q", &p.input("q")),
                ("login", "carol@acme.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(s.status, 403, "{}", s.body);
    assert!(s.has("sandbox"), "{}", s.body);

    // Bob's sandbox: its administrator (Bob, extension 101) can.
    let (sandbox, sadmin) = w
        .app
        .state()
        .platform()
        .create_sandbox(&bob, "sandbox-password")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let login = format!("{}*101", sandbox.main_number);
    assert_eq!(sadmin.extension_number, "101");
    let (s, t) = token(
        &w.app,
        Some(&client),
        &[
            ("grant_type", "password"),
            ("username", &login),
            ("password", "sandbox-password"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{t}");
    let access = t["access_token"].as_str().unwrap().to_string();

    // Applying for production too early: refused, with what is missing.
    let dev = console_session(&w, "bob@acme.test").await;
    let path = format!("/console/api/apps/{}/production", client.client_id);
    let (s, r) = w.app.post(&path, &dev, json!({})).await;
    assert_eq!(s, 409, "{r}");
    assert!(
        r["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["met"] == false),
        "{r}"
    );
    // Five calls in each group used (Light: extension; Medium: chats), no errors.
    for _ in 0..5 {
        assert_eq!(w.app.get(ME, &access).await.0, 200);
        assert_eq!(w.app.get("/team-messaging/v1/chats", &access).await.0, 200);
    }
    let (s, u) = w
        .app
        .get(
            &format!("/console/api/apps/{}/usage", client.client_id),
            &dev,
        )
        .await;
    assert_eq!(s, 200, "{u}");
    let light = u["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "Light")
        .unwrap();
    assert_eq!(light["calls"], 5);
    let (s, r) = w.app.post(&path, &dev, json!({})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["environment"], "Production");
    // Now production accounts can use it.
    let (s, t) = token(
        &w.app,
        Some(&client),
        &[
            ("grant_type", "password"),
            ("username", "carol@acme.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(s, 200, "{t}");
}

/// `@ringcentral/sdk` (npm) completes the authorization-code flow with PKCE against openglip:
/// `tests/clients/js/authcode.mjs`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_js_sdk_completes_the_authorization_code_flow() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/clients/js");
    assert!(
        root.join("node_modules/@ringcentral/sdk").exists(),
        "the JavaScript SDK is not installed: run `scripts/test` (it installs tests/clients/js/node_modules)"
    );
    let w = World::new().await;
    let client = code_app(
        &w,
        false,
        &["authorization_code", "refresh_token"],
        &["TeamMessaging", "ReadAccounts"],
    )
    .await;
    let out = tokio::process::Command::new("node")
        .arg(root.join("authcode.mjs"))
        .current_dir(&root)
        .env("OPENGLIP_SERVER", &w.app.base)
        .env("OPENGLIP_CLIENT_ID", &client.client_id)
        .env("OPENGLIP_CLIENT_SECRET", client.secret.as_deref().unwrap())
        .env("OPENGLIP_REDIRECT_URI", REDIRECT)
        .env("OPENGLIP_USER_EMAIL", "bob@acme.test")
        .env("OPENGLIP_USER_PASSWORD", PASSWORD)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), out)
        .await
        .expect("authcode.mjs did not finish in 2 minutes")
        .expect("cannot run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "authcode.mjs failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

/// RFC 6749 §4.1.3 (issue 15): an authorization request that names no `redirect_uri` (the app
/// registered one) gives a code the token request may exchange without it; a request that named
/// it needs it again at the token endpoint (OAU-110).
#[tokio::test]
async fn redirect_uri_is_needed_at_the_token_endpoint_only_if_it_was_sent() {
    let w = World::new().await;
    let (app, secret) = w
        .app
        .state()
        .platform()
        .provision_app(openglip_platform::apps::NewAppSpec {
            account_id: w.acme.id,
            name: "One Redirect".into(),
            redirect_uris: vec![REDIRECT.into()],
            grants: vec!["authorization_code".into()],
            permissions: vec!["ReadAccounts".into()],
            public_client: false,
        })
        .await
        .unwrap();
    let client = Client {
        client_id: app.client_id,
        secret,
    };
    let b = w.app.browser();
    let without = format!("response_type=code&client_id={}", client.client_id);
    let location = authorize(&b, &without, "bob@acme.test", PASSWORD).await;
    let code = code_of(&location);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
    ];
    let (s, t) = token(&w.app, Some(&client), &form).await;
    assert_eq!(s, 200, "{t}");

    let location = authorize(
        &b,
        &authorize_query(&client, None, "s"),
        "bob@acme.test",
        PASSWORD,
    )
    .await;
    let code = code_of(&location);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
    ];
    let (s, t) = token(&w.app, Some(&client), &form).await;
    assert_oauth(s, &t, 400, "invalid_grant", "OAU-110");
}
