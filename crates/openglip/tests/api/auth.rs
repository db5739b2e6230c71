//! OAuth (`/restapi/oauth/token`, `/restapi/oauth/revoke`), bearer authentication of API calls,
//! app permissions, and the account/extension endpoints bots read at startup.

use openglip_domain::store::NewExtension;
use openglip_domain::{ExtensionStatus, ExtensionType, Timestamp, TokenRecord};
use openglip_server::secrets::{hash_token, new_id, new_token};
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::*;

const TOKEN: &str = "/restapi/oauth/token";
const REVOKE: &str = "/restapi/oauth/revoke";
const ME: &str = "/restapi/v1.0/account/~/extension/~";

/// `POST /restapi/oauth/token` with a form and optional Basic client credentials.
async fn token_request(app: &TestApp, basic: Option<&Client>, form: &[(&str, &str)]) -> Response {
    let mut rb = app.http.post(app.url(TOKEN)).form(form);
    if let Some(c) = basic {
        rb = rb.basic_auth(&c.client_id, c.secret.as_deref());
    }
    rb.send().await.expect("token request")
}

async fn json_of(r: Response) -> (u16, Value) {
    let s = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        s,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

/// Asserts an OAuth error: status, RFC 6749 `error`, RingCentral's `errorCode` and a description.
fn assert_oauth_error(status: u16, body: &Value, want_status: u16, error: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    let code = body["errorCode"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    assert!(code.starts_with("OAU-"), "{body}");
    assert_eq!(body["errors"][0]["errorCode"], code, "{body}");
    assert!(body["message"].is_string(), "{body}");
}

async fn status_of(app: &TestApp, path: &str, token: &str) -> u16 {
    app.get(path, token).await.0
}

fn password_form<'a>(username: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "password"),
        ("username", username),
        ("password", password),
    ]
}

// ------------------------------------------------------------------------ the password grant

#[tokio::test]
async fn password_grant_answers_the_documented_token_shape() {
    let w = World::new().await;
    let r = w
        .app
        .password_grant(&w.client, "alice@acme.test", PASSWORD)
        .await;
    assert_eq!(r.status(), 200);
    let cache = r
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cache.contains("no-store"), "Cache-Control: {cache}");
    let (_, t) = json_of(r).await;

    let keys: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_token_expires_in",
        "scope",
        "owner_id",
        "endpoint_id",
    ] {
        assert!(keys.contains(&k), "{k} missing: {t}");
    }
    for k in &keys {
        assert!(
            [
                "access_token",
                "token_type",
                "expires_in",
                "refresh_token",
                "refresh_token_expires_in",
                "scope",
                "owner_id",
                "endpoint_id",
                "session_id",
            ]
            .contains(k),
            "unexpected field {k}: {t}"
        );
    }
    assert!(t["access_token"].as_str().unwrap().len() >= 20);
    assert!(t["refresh_token"].as_str().unwrap().len() >= 20);
    assert_ne!(t["access_token"], t["refresh_token"]);
    assert_eq!(t["token_type"], "bearer");
    assert_eq!(t["expires_in"].as_i64(), Some(3600), "{t}");
    assert_eq!(t["refresh_token_expires_in"].as_i64(), Some(604_800), "{t}");
    assert_eq!(t["owner_id"], json!(w.alice.id()), "owner_id is a string");
    assert!(t["endpoint_id"].as_str().is_some_and(|e| !e.is_empty()));
    let scope: Vec<&str> = t["scope"].as_str().unwrap().split(' ').collect();
    for p in ALL_PERMISSIONS {
        assert!(scope.contains(&p), "{p} not in scope {scope:?}");
    }

    // The token works.
    let (s, me) = w.app.get(ME, t["access_token"].as_str().unwrap()).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["id"].as_i64(), Some(w.alice.ext.id.0));
}

#[tokio::test]
async fn client_credentials_may_come_in_the_body() {
    let w = World::new().await;
    let secret = w.client.secret.clone().unwrap();
    let mut form = password_form("bob@acme.test", PASSWORD);
    form.push(("client_id", &w.client.client_id));
    form.push(("client_secret", &secret));
    let (s, t) = json_of(token_request(&w.app, None, &form).await).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["owner_id"], json!(w.bob.id()));

    // Wrong secret in the body: 401, like Basic.
    let mut form = password_form("bob@acme.test", PASSWORD);
    form.push(("client_id", &w.client.client_id));
    form.push(("client_secret", "not-the-secret"));
    let (s, b) = json_of(token_request(&w.app, None, &form).await).await;
    assert_oauth_error(s, &b, 401, "invalid_client");

    // No client at all.
    let (s, b) =
        json_of(token_request(&w.app, None, &password_form("bob@acme.test", PASSWORD)).await).await;
    assert_oauth_error(s, &b, 401, "invalid_client");
}

#[tokio::test]
async fn every_documented_login_form_works() {
    let w = World::new().await;
    let main = w.acme.main_number.clone();
    let bob_ext = w.bob.ext.extension_number.clone();
    let carol_ext = w.carol.ext.extension_number.clone();
    let owner = |t: &Value| t["owner_id"].as_str().unwrap().to_string();

    // E-mail, any case.
    let (s, t) = json_of(
        token_request(
            &w.app,
            Some(&w.client),
            &password_form("BOB@Acme.Test", PASSWORD),
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(owner(&t), w.bob.id());

    // `mainNumber*extension` (the JS SDK).
    let joined = format!("{main}*{bob_ext}");
    let (s, t) =
        json_of(token_request(&w.app, Some(&w.client), &password_form(&joined, PASSWORD)).await)
            .await;
    assert_eq!(s, 200, "{joined}: {t}");
    assert_eq!(owner(&t), w.bob.id());

    // `mainNumber` and a separate `extension` field (the Python SDK).
    let mut form = password_form(&main, PASSWORD);
    form.push(("extension", &carol_ext));
    let (s, t) = json_of(token_request(&w.app, Some(&w.client), &form).await).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(owner(&t), w.carol.id());

    // A bare extension number, when only one account has it (Bob's 102; Globex has only 101).
    let (s, t) =
        json_of(token_request(&w.app, Some(&w.client), &password_form(&bob_ext, PASSWORD)).await)
            .await;
    assert_eq!(s, 200, "{bob_ext}: {t}");
    assert_eq!(owner(&t), w.bob.id());

    // 101 is Alice's and Eve's: ambiguous, so not a login.
    assert_eq!(w.alice.ext.extension_number, w.eve.ext.extension_number);
    let (s, b) = json_of(
        token_request(
            &w.app,
            Some(&w.client),
            &password_form(&w.alice.ext.extension_number, PASSWORD),
        )
        .await,
    )
    .await;
    assert_oauth_error(s, &b, 400, "invalid_grant");

    // Globex's main number with Bob's extension number is nobody.
    let wrong = format!("{}*{bob_ext}", w.globex.main_number);
    let (s, b) =
        json_of(token_request(&w.app, Some(&w.client), &password_form(&wrong, PASSWORD)).await)
            .await;
    assert_oauth_error(s, &b, 400, "invalid_grant");
}

#[tokio::test]
async fn wrong_credentials_are_invalid_grant() {
    let w = World::new().await;
    for (user, pass) in [
        ("alice@acme.test", "wrong-password"),
        ("alice@acme.test", ""),
        ("nobody@acme.test", PASSWORD),
    ] {
        let (s, b) = json_of(w.app.password_grant(&w.client, user, pass).await).await;
        assert_oauth_error(s, &b, 400, "invalid_grant");
        assert_eq!(b["errorCode"], "OAU-140", "{user}/{pass}: {b}");
    }
}

#[tokio::test]
async fn client_and_grant_errors() {
    let w = World::new().await;
    let login = password_form("alice@acme.test", PASSWORD);

    let unknown = Client {
        client_id: "no-such-client-id".into(),
        secret: Some("whatever".into()),
    };
    let r = token_request(&w.app, Some(&unknown), &login).await;
    // RFC 6749 §5.2: the 401 names the scheme to authenticate the client with.
    let www = r
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(www.starts_with("Basic"), "WWW-Authenticate: {www:?}");
    assert_eq!(
        r.headers().get("cache-control").unwrap().to_str().unwrap(),
        "no-store"
    );
    let (s, b) = json_of(r).await;
    assert_oauth_error(s, &b, 401, "invalid_client");

    let wrong_secret = Client {
        client_id: w.client.client_id.clone(),
        secret: Some("not-the-secret".into()),
    };
    let (s, b) = json_of(token_request(&w.app, Some(&wrong_secret), &login).await).await;
    assert_oauth_error(s, &b, 401, "invalid_client");
    let no_secret = Client {
        client_id: w.client.client_id.clone(),
        secret: None,
    };
    let (s, b) = json_of(token_request(&w.app, Some(&no_secret), &login).await).await;
    assert_oauth_error(s, &b, 401, "invalid_client");

    // An app allowed only the password grant may not refresh.
    let password_only = w
        .app
        .client(&w.acme, &["password"], &["TeamMessaging"])
        .await;
    let (s, t) = json_of(token_request(&w.app, Some(&password_only), &login).await).await;
    assert_eq!(s, 200, "{t}");
    assert!(t.get("refresh_token").is_none(), "no refresh grant: {t}");
    let (s, b) = json_of(
        token_request(
            &w.app,
            Some(&password_only),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &new_token()),
            ],
        )
        .await,
    )
    .await;
    assert_oauth_error(s, &b, 400, "unauthorized_client");
    // ...and an app allowed only refresh may not log in with a password.
    let refresh_only = w
        .app
        .client(&w.acme, &["refresh_token"], &["TeamMessaging"])
        .await;
    let (s, b) = json_of(token_request(&w.app, Some(&refresh_only), &login).await).await;
    assert_oauth_error(s, &b, 400, "unauthorized_client");

    for grant in ["client_credentials", "bogus", "PASSWORD"] {
        let (s, b) = json_of(
            token_request(
                &w.app,
                Some(&w.client),
                &[
                    ("grant_type", grant),
                    ("username", "alice@acme.test"),
                    ("password", PASSWORD),
                ],
            )
            .await,
        )
        .await;
        assert_oauth_error(s, &b, 400, "unsupported_grant_type");
    }

    for (form, param) in [
        (
            vec![("username", "alice@acme.test"), ("password", PASSWORD)],
            "grant_type",
        ),
        (
            vec![("grant_type", "password"), ("password", PASSWORD)],
            "username",
        ),
        (
            vec![("grant_type", "password"), ("username", "alice@acme.test")],
            "password",
        ),
        (vec![("grant_type", "refresh_token")], "refresh_token"),
    ] {
        let (s, b) = json_of(token_request(&w.app, Some(&w.client), &form).await).await;
        assert_oauth_error(s, &b, 400, "invalid_request");
        assert_eq!(b["errors"][0]["parameterName"], param, "{b}");
    }
}

#[tokio::test]
async fn access_token_ttl_is_honoured_and_clamped() {
    let w = World::new().await;
    let mut form = password_form("carol@acme.test", PASSWORD);
    form.push(("access_token_ttl", "900"));
    form.push(("refresh_token_ttl", "7200"));
    let (s, t) = json_of(token_request(&w.app, Some(&w.client), &form).await).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["expires_in"].as_i64(), Some(900), "{t}");
    assert_eq!(t["refresh_token_expires_in"].as_i64(), Some(7200), "{t}");

    // Longer than the app allows: clamped to the app's maximum.
    let mut form = password_form("carol@acme.test", PASSWORD);
    form.push(("access_token_ttl", "999999999"));
    form.push(("refresh_token_ttl", "999999999"));
    let (s, t) = json_of(token_request(&w.app, Some(&w.client), &form).await).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["expires_in"].as_i64(), Some(3600), "{t}");
    assert_eq!(t["refresh_token_expires_in"].as_i64(), Some(604_800), "{t}");

    for bad in ["abc", "-5", "0"] {
        let mut form = password_form("carol@acme.test", PASSWORD);
        form.push(("access_token_ttl", bad));
        let (s, b) = json_of(token_request(&w.app, Some(&w.client), &form).await).await;
        assert_oauth_error(s, &b, 400, "invalid_request");
    }
}

// ---------------------------------------------------------------------- refresh and revoke

#[tokio::test]
async fn refreshing_rotates_the_pair() {
    let w = World::new().await;
    let first = w.app.login(&w.client, "bob@acme.test").await;
    let (a1, r1) = (
        first["access_token"].as_str().unwrap(),
        first["refresh_token"].as_str().unwrap(),
    );
    assert_eq!(status_of(&w.app, ME, a1).await, 200);

    let (s, second) = json_of(
        token_request(
            &w.app,
            Some(&w.client),
            &[("grant_type", "refresh_token"), ("refresh_token", r1)],
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{second}");
    let (a2, r2) = (
        second["access_token"].as_str().unwrap(),
        second["refresh_token"].as_str().unwrap(),
    );
    assert!(a2 != a1 && r2 != r1, "a new pair");
    assert_eq!(second["token_type"], "bearer");
    assert_eq!(second["owner_id"], json!(w.bob.id()));
    assert_eq!(second["endpoint_id"], first["endpoint_id"]);
    assert!(second["expires_in"].is_i64() && second["refresh_token_expires_in"].is_i64());

    // The new pair works; the old access token is dead at once.
    assert_eq!(status_of(&w.app, ME, a2).await, 200);
    let (s, b) = w.app.get(ME, a1).await;
    assert_eq!(s, 401, "old access token: {b}");

    // Another app cannot spend Bob's refresh token.
    let other = w
        .app
        .client(&w.acme, &["password", "refresh_token"], &["TeamMessaging"])
        .await;
    let (s, b) = json_of(
        token_request(
            &w.app,
            Some(&other),
            &[("grant_type", "refresh_token"), ("refresh_token", r2)],
        )
        .await,
    )
    .await;
    assert_oauth_error(s, &b, 400, "invalid_grant");
    assert_eq!(status_of(&w.app, ME, a2).await, 200, "still Bob's");

    // The old refresh token is spent.
    let (s, b) = json_of(
        token_request(
            &w.app,
            Some(&w.client),
            &[("grant_type", "refresh_token"), ("refresh_token", r1)],
        )
        .await,
    )
    .await;
    assert_oauth_error(s, &b, 400, "invalid_grant");

    // Presenting a spent refresh token means it leaked: everything issued from that login dies.
    let (s, b) = w.app.get(ME, a2).await;
    assert_rc_error(s, &b, 401, "OAU-213");
    let (s, b) = json_of(
        token_request(
            &w.app,
            Some(&w.client),
            &[("grant_type", "refresh_token"), ("refresh_token", r2)],
        )
        .await,
    )
    .await;
    assert_oauth_error(s, &b, 400, "invalid_grant");
    // Bob's other logins are not of that family.
    assert_eq!(status_of(&w.app, ME, &w.bob.token).await, 200);

    // Garbage is not a refresh token either.
    for junk in ["x", "not a token at all !!!", &new_token()] {
        let (s, b) = json_of(
            token_request(
                &w.app,
                Some(&w.client),
                &[("grant_type", "refresh_token"), ("refresh_token", junk)],
            )
            .await,
        )
        .await;
        assert_oauth_error(s, &b, 400, "invalid_grant");
    }
}

#[tokio::test]
async fn revoking_kills_access_and_refresh() {
    let w = World::new().await;
    let (app, client) = (&w.app, &w.client);
    let revoke = |token: String| async move {
        let r = app
            .http
            .post(app.url(REVOKE))
            .basic_auth(&client.client_id, client.secret.as_deref())
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    };
    let refresh = |token: String| async move {
        json_of(
            token_request(
                app,
                Some(client),
                &[("grant_type", "refresh_token"), ("refresh_token", &token)],
            )
            .await,
        )
        .await
    };

    // Revoking by the access token kills the refresh token too.
    let t = w.app.login(&w.client, "carol@acme.test").await;
    let (access, refresh_token) = (
        t["access_token"].as_str().unwrap().to_string(),
        t["refresh_token"].as_str().unwrap().to_string(),
    );
    assert_eq!(revoke(access.clone()).await, 200);
    let (s, b) = w.app.get(ME, &access).await;
    assert_rc_error(s, &b, 401, "OAU-213");
    let (s, b) = refresh(refresh_token).await;
    assert_oauth_error(s, &b, 400, "invalid_grant");

    // Revoking by the refresh token kills the access token too.
    let t = w.app.login(&w.client, "carol@acme.test").await;
    let (access, refresh_token) = (
        t["access_token"].as_str().unwrap().to_string(),
        t["refresh_token"].as_str().unwrap().to_string(),
    );
    assert_eq!(revoke(refresh_token.clone()).await, 200);
    assert_eq!(status_of(&w.app, ME, &access).await, 401);
    let (s, b) = refresh(refresh_token).await;
    assert_oauth_error(s, &b, 400, "invalid_grant");

    // Unknown, already revoked, and malformed tokens: still 200 (RFC 7009).
    assert_eq!(revoke(new_token()).await, 200);
    assert_eq!(revoke(access).await, 200);
    assert_eq!(revoke("definitely not a token".into()).await, 200);

    // Other sessions of the same person are untouched.
    assert_eq!(status_of(&w.app, ME, &w.carol.token).await, 200);
}

/// RFC 7009 §2.1: the client authenticates, and revokes only tokens issued to it.
#[tokio::test]
async fn revoking_needs_the_client_that_owns_the_token() {
    let w = World::new().await;
    let app = &w.app;
    let revoke = |basic: Option<&Client>, token: &str| {
        let mut rb = app.http.post(app.url(REVOKE)).form(&[("token", token)]);
        if let Some(c) = basic {
            rb = rb.basic_auth(&c.client_id, c.secret.as_deref());
        }
        async move { json_or_empty(rb.send().await.unwrap()).await }
    };
    let bob = w.bob.token.as_str();

    // No client authentication, or a wrong secret: 401 invalid_client.
    let (s, b) = revoke(None, bob).await;
    assert_oauth_error(s, &b, 401, "invalid_client");
    assert_eq!(b["errors"][0]["errorCode"], "OAU-123", "{b}");
    let wrong = Client {
        secret: Some("not the secret".into()),
        ..w.client.clone()
    };
    let (s, b) = revoke(Some(&wrong), bob).await;
    assert_oauth_error(s, &b, 401, "invalid_client");
    // Another company's app cannot revoke Bob's token.
    let (s, b) = revoke(Some(&w.globex_client), bob).await;
    assert_oauth_error(s, &b, 400, "unauthorized_client");
    assert_eq!(b["errors"][0]["errorCode"], "OAU-164", "{b}");
    assert_eq!(status_of(app, ME, bob).await, 200, "still alive");
    // Its own client can.
    let (s, _) = revoke(Some(&w.client), bob).await;
    assert_eq!(s, 200);
    assert_eq!(status_of(app, ME, bob).await, 401);
}

/// Status and JSON body, `null` for an empty body.
async fn json_or_empty(r: Response) -> (u16, Value) {
    let s = r.status().as_u16();
    let text = r.text().await.unwrap();
    (s, serde_json::from_str(&text).unwrap_or(Value::Null))
}

// --------------------------------------------------------------------- bearer authentication

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let w = World::new().await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let r = w
            .app
            .http
            .get(w.app.url(ME))
            .header("authorization", format!("{scheme} {}", w.bob.token))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn requests_without_a_usable_token_are_401() {
    let w = World::new().await;
    let raw = |auth: Option<String>| {
        let app = &w.app;
        async move {
            let mut rb = app.http.get(app.url("/team-messaging/v1/chats"));
            if let Some(a) = auth {
                rb = rb.header("authorization", a);
            }
            let r = rb.send().await.unwrap();
            let www = r.headers().contains_key("www-authenticate");
            let (s, b) = json_of(r).await;
            (s, b, www)
        }
    };

    let (s, b, www) = raw(None).await;
    assert_rc_error(s, &b, 401, "CMN-405");
    assert!(www, "401 carries WWW-Authenticate");

    // HTTP Basic with the app's own credentials is not how API calls authenticate.
    let basic = {
        let r = w
            .app
            .http
            .get(w.app.url("/team-messaging/v1/chats"))
            .basic_auth(&w.client.client_id, w.client.secret.as_deref())
            .send()
            .await
            .unwrap();
        json_of(r).await
    };
    assert_eq!(basic.0, 401, "{}", basic.1);

    for malformed in [
        "Bearer".to_string(),
        "Bearer ".to_string(),
        format!("Bearer{}", w.bob.token),
        "Bearer short".to_string(),
        "Bearer has spaces and $ymbols that no token has".to_string(),
        format!("Token {}", w.bob.token),
        w.bob.token.clone(),
    ] {
        let (s, b, _) = raw(Some(malformed.clone())).await;
        assert_eq!(s, 401, "{malformed:?}: {b}");
        assert!(b["errorCode"].is_string(), "{b}");
    }

    // Well-formed but never issued.
    let (s, b, _) = raw(Some(format!("Bearer {}", new_token()))).await;
    assert_rc_error(s, &b, 401, "OAU-213");
}

#[tokio::test]
async fn an_expired_access_token_is_401_oau_128() {
    let w = World::new().await;
    let store = w.app.state().store();
    let app = store
        .app_by_client_id(w.client.client_id.clone())
        .await
        .unwrap()
        .unwrap();
    let now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    let record = |access: &str, expires: Timestamp| TokenRecord {
        access_hash: hash_token(access),
        refresh_hash: None,
        app_id: app.id,
        extension_id: w.bob.ext.id,
        account_id: w.acme.id,
        scope: app.permissions,
        access_expires: Some(expires),
        refresh_expires: None,
        family: new_id(),
        endpoint_id: new_id(),
        created: now.plus_seconds(-7200),
    };
    let expired = new_token();
    store
        .insert_token(record(&expired, now.plus_seconds(-60)))
        .await
        .unwrap();
    let (s, b) = w.app.get(ME, &expired).await;
    assert_rc_error(s, &b, 401, "OAU-128");

    // The same record, live: the expiry is what refused it.
    let live = new_token();
    store
        .insert_token(record(&live, now.plus_seconds(600)))
        .await
        .unwrap();
    assert_eq!(status_of(&w.app, ME, &live).await, 200);
}

#[tokio::test]
async fn a_disabled_extension_can_neither_log_in_nor_call() {
    let w = World::new().await;
    let store = w.app.state().store();
    let dave = store
        .create_extension(
            w.acme.id,
            NewExtension {
                kind: ExtensionType::User,
                status: ExtensionStatus::Disabled,
                first_name: "Dave".into(),
                last_name: "Disabled".into(),
                email: Some("dave@acme.test".into()),
                extension_number: None,
                password_hash: Some(openglip_server::secrets::hash_password(PASSWORD)),
                is_admin: false,
            },
        )
        .await
        .unwrap();
    let (s, b) = json_of(
        w.app
            .password_grant(&w.client, "dave@acme.test", PASSWORD)
            .await,
    )
    .await;
    assert_oauth_error(s, &b, 400, "invalid_grant");

    let app = store
        .app_by_client_id(w.client.client_id.clone())
        .await
        .unwrap()
        .unwrap();
    let token = new_token();
    store
        .insert_token(TokenRecord {
            access_hash: hash_token(&token),
            refresh_hash: None,
            app_id: app.id,
            extension_id: dave.id,
            account_id: w.acme.id,
            scope: app.permissions,
            access_expires: None,
            refresh_expires: None,
            family: new_id(),
            endpoint_id: new_id(),
            created: Timestamp(0),
        })
        .await
        .unwrap();
    let (s, b) = w.app.get(ME, &token).await;
    assert_eq!(s, 401, "{b}");
    assert!(b["errorCode"].is_string(), "{b}");
    let (s, _) = w.app.get("/team-messaging/v1/chats", &token).await;
    assert_eq!(s, 401);
}

// ------------------------------------------------------------------------- app permissions

#[tokio::test]
async fn an_app_without_read_accounts_cannot_read_the_account() {
    let w = World::new().await;
    let tm_only = w
        .app
        .client(&w.acme, &["password"], &["TeamMessaging"])
        .await;
    let t = w.app.login(&tm_only, "bob@acme.test").await;
    assert_eq!(t["scope"], "TeamMessaging", "{t}");
    let token = t["access_token"].as_str().unwrap();

    for path in ["/restapi/v1.0/account/~", ME] {
        let (s, b) = w.app.get(path, token).await;
        assert_rc_error(s, &b, 403, "CMN-401");
        assert!(
            b["message"].as_str().unwrap().contains("[ReadAccounts]"),
            "{b}"
        );
    }
    // What it does have works.
    let (s, b) = w.app.get("/team-messaging/v1/chats", token).await;
    assert_eq!(s, 200, "{b}");

    // A token may ask for less than the app has, and then has only that.
    let mut form = password_form("bob@acme.test", PASSWORD);
    form.push(("scope", "TeamMessaging"));
    let (s, t) = json_of(token_request(&w.app, Some(&w.client), &form).await).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["scope"], "TeamMessaging");
    let (s, b) = w.app.get(ME, t["access_token"].as_str().unwrap()).await;
    assert_rc_error(s, &b, 403, "CMN-401");
    // But not for more.
    let mut form = password_form("bob@acme.test", PASSWORD);
    form.push(("scope", "TeamMessaging ReadAccounts"));
    let (s, b) = json_of(token_request(&w.app, Some(&tm_only), &form).await).await;
    assert_oauth_error(s, &b, 400, "invalid_scope");
}

// ------------------------------------------------------------------ account and extension

#[tokio::test]
async fn the_extension_reads_as_the_bot_frameworks_expect() {
    let w = World::new().await;
    let (s, me) = w.app.get(ME, &w.bob.token).await;
    assert_eq!(s, 200, "{me}");
    assert!(me["id"].is_i64(), "id is a JSON integer: {me}");
    assert_eq!(me["id"].as_i64(), Some(w.bob.ext.id.0));
    assert!(
        me["account"]["id"].is_string(),
        "account.id is a string: {me}"
    );
    assert_eq!(me["account"]["id"], json!(w.acme.id.to_string()));
    assert_eq!(me["type"], "User");
    assert_eq!(me["status"], "Enabled");
    assert_eq!(me["extensionNumber"], json!(w.bob.ext.extension_number));
    assert_eq!(me["name"], "Bob Baker");
    assert_eq!(me["contact"]["firstName"], "Bob");
    assert_eq!(me["contact"]["email"], "bob@acme.test");
    assert!(
        me["serviceFeatures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["featureName"].is_string()),
        "{me}"
    );

    // By explicit ids too.
    let (s, same) = w
        .app
        .get(
            &format!(
                "/restapi/v1.0/account/{}/extension/{}",
                w.acme.id,
                w.bob.id()
            ),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{same}");
    assert_eq!(same["id"], me["id"]);

    let (s, acct) = w.app.get("/restapi/v1.0/account/~", &w.bob.token).await;
    assert_eq!(s, 200, "{acct}");
    assert_eq!(acct["id"].as_i64(), Some(w.acme.id.0), "{acct}");
    assert_eq!(acct["mainNumber"], json!(w.acme.main_number));

    // A bot's permanent token reads type Bot.
    let (bot, _, bot_token) = w
        .app
        .state()
        .platform()
        .create_bot(w.acme.id, "SmartFriend")
        .await
        .unwrap();
    let (s, me) = w.app.get(ME, &bot_token).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["type"], "Bot");
    assert_eq!(me["id"].as_i64(), Some(bot.id.0));
    assert_eq!(me["name"], "SmartFriend");
    assert_eq!(me["status"], "Enabled");
}

#[tokio::test]
async fn another_company_cannot_read_acme() {
    let w = World::new().await;
    let acme = w.acme.id.to_string();
    for path in [
        format!("/restapi/v1.0/account/{acme}"),
        format!("/restapi/v1.0/account/{acme}/extension/{}", w.alice.id()),
        format!("/restapi/v1.0/account/{acme}/extension/~"),
        format!("/restapi/v1.0/account/~/extension/{}", w.alice.id()),
    ] {
        let (s, b) = w.app.get(&path, &w.eve.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    // Her own are fine.
    let (s, b) = w.app.get("/restapi/v1.0/account/~", &w.eve.token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["id"].as_i64(), Some(w.globex.id.0));
    let (s, b) = w
        .app
        .get(
            &format!(
                "/restapi/v1.0/account/{}/extension/{}",
                w.globex.id,
                w.eve.id()
            ),
            &w.eve.token,
        )
        .await;
    assert_eq!(s, 200, "{b}");

    // Logging in to Acme's app with a Globex person's password gives a Globex token that still
    // only sees Globex.
    let (s, t) = json_of(
        w.app
            .password_grant(&w.client, "eve@globex.test", PASSWORD)
            .await,
    )
    .await;
    if s == 200 {
        let token = t["access_token"].as_str().unwrap();
        let (s, b) = w
            .app
            .get(&format!("/restapi/v1.0/account/{acme}"), token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
    } else {
        assert_oauth_error(s, &t, 400, "invalid_grant");
    }
}

/// Issue 15: the token endpoint's password grant shares the sign-in pages' throttle. Five wrong
/// passwords for Carol through `grant_type=password` lock her on every path — the token endpoint,
/// the console's and the admin portal's JSON sessions, the sign-in page — with RingCentral's 429
/// `CMN-301` and `Retry-After`, even with the right password; Bob is not locked.
#[tokio::test]
async fn password_guessing_is_locked_on_every_path() {
    let w = World::new().await;
    let app = &w.app;
    for _ in 0..5 {
        let (s, b) = json_of(
            app.password_grant(&w.client, "carol@acme.test", "guess")
                .await,
        )
        .await;
        assert_oauth_error(s, &b, 400, "invalid_grant");
    }
    let r = app
        .password_grant(&w.client, "carol@acme.test", PASSWORD)
        .await;
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 60, "{retry_after}");
    let (s, b) = json_of(r).await;
    assert_rc_error(s, &b, 429, "CMN-301");
    for path in ["/console/api/session", "/admin/api/session"] {
        let r = app
            .http
            .post(app.url(path))
            .json(&json!({"login": "carol@acme.test", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert!(r.headers().contains_key("retry-after"), "{path}");
        let (s, b) = json_of(r).await;
        assert_rc_error(s, &b, 429, "CMN-301");
    }
    let browser = app.browser();
    browser.get("/admin/signin").await;
    let page = browser
        .post(
            "/admin/signin",
            &[("login", "carol@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 429);
    let r = app
        .password_grant(&w.client, "bob@acme.test", PASSWORD)
        .await;
    assert_eq!(r.status(), 200);
}
