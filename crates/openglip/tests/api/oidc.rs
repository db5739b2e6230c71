//! OpenID Connect: an app with the `OpenID` permission asks for `openid` on the authorization
//! code flow (with PKCE) and gets an ID token whose signature checks against the published
//! keys, with its nonce; `userinfo`; the discovery document; refusals (no permission, no
//! `openid` scope, a forged or expired token); keys that survive a restart and a rotation.
//! Also the last of RingCentral's endpoints: the version info and the read marks of first-party
//! clients (`GlipInternal`).

use openglip_platform::oidc::{PublicJwk, Rejected, verify};
use serde_json::Value;

use crate::authorization::{REDIRECT, code_app, code_of, exchange};
use crate::clients::{Setup, repo_root, run};
use crate::helpers::*;
use crate::web::*;

const NONCE: &str = "n-0S6_WzA2Mj+/é";

async fn oidc_app(w: &World, perms: &[&str]) -> Client {
    code_app(w, false, &["authorization_code", "refresh_token"], perms).await
}

/// Bob authorizes `client` for `scope` (with PKCE and the nonce); the token endpoint's answer.
async fn sign_in(w: &World, client: &Client, scope: &str) -> Value {
    let (verifier, challenge) = pkce();
    let query = format!(
        "response_type=code&client_id={}&redirect_uri={}&state=s1&scope={}&nonce={}&code_challenge={challenge}&code_challenge_method=S256",
        client.client_id,
        enc(REDIRECT),
        enc(scope),
        enc(NONCE)
    );
    let location = authorize(&w.app.browser(), &query, "bob@acme.test", PASSWORD).await;
    let (status, body) = exchange(w, client, &code_of(&location), Some(&verifier)).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn published(w: &World) -> Vec<PublicJwk> {
    let r = w
        .app
        .http
        .get(w.app.url("/restapi/oauth/jwks"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set: Value = r.json().await.unwrap();
    set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            assert_eq!(
                (k["kty"].as_str(), k["alg"].as_str(), k["use"].as_str()),
                (Some("RSA"), Some("RS256"), Some("sig")),
                "{k}"
            );
            PublicJwk {
                kid: k["kid"].as_str().unwrap().into(),
                n: k["n"].as_str().unwrap().into(),
                e: k["e"].as_str().unwrap().into(),
            }
        })
        .collect()
}

/// The claims of a valid ID token, checked at its own `iat`.
fn claims(jwt: &str, keys: &[PublicJwk]) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let raw: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
            .unwrap(),
    )
    .unwrap();
    verify(jwt, keys, raw["iat"].as_i64().unwrap()).unwrap_or_else(|e| panic!("{e:?}: {jwt}"))
}

fn kid_of(jwt: &str) -> String {
    let header = jwt.split('.').next().unwrap();
    let h: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).unwrap(),
    )
    .unwrap();
    assert_eq!(h["alg"], "RS256");
    h["kid"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_openid_authorization_gets_a_signed_id_token_with_its_nonce() {
    let w = World::new().await;
    let client = oidc_app(&w, &["TeamMessaging", "OpenID"]).await;
    let token = sign_in(&w, &client, "openid profile email").await;
    let jwt = token["id_token"].as_str().expect("an id_token");
    assert!(
        token["scope"]
            .as_str()
            .unwrap()
            .split(' ')
            .any(|s| s == "openid"),
        "{token}"
    );

    let keys = published(&w).await;
    let c = claims(jwt, &keys);
    assert_eq!(c["iss"], w.app.url(""));
    assert_eq!(c["sub"], w.bob.ext.id.to_string());
    assert_eq!(c["aud"], client.client_id);
    assert_eq!(c["nonce"], NONCE);
    assert_eq!(c["account_id"], w.acme.id.to_string());
    assert_eq!(
        (c["given_name"].as_str(), c["family_name"].as_str()),
        (Some("Bob"), Some("Baker"))
    );
    assert_eq!(c["email"], "bob@acme.test");
    assert_eq!(c["email_verified"], false);
    let iat = c["iat"].as_i64().unwrap();
    assert_eq!(
        c["exp"].as_i64().unwrap() - iat,
        token["expires_in"].as_i64().unwrap()
    );
    assert!(c["auth_time"].as_i64().unwrap() <= iat, "{c}");

    // As a relying party checks it: a changed claim, another signature, an unknown key, and
    // the token past its exp are all refused.
    let parts: Vec<&str> = jwt.split('.').collect();
    let forged_claims = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        c.to_string()
            .replace(&w.bob.ext.id.to_string(), &w.alice.ext.id.to_string()),
    );
    let forged = format!("{}.{forged_claims}.{}", parts[0], parts[2]);
    assert_eq!(verify(&forged, &keys, iat), Err(Rejected::BadSignature));
    let other = sign_in(&w, &client, "openid").await;
    let other_sig = other["id_token"]
        .as_str()
        .unwrap()
        .split('.')
        .nth(2)
        .unwrap();
    let swapped = format!("{}.{}.{other_sig}", parts[0], parts[1]);
    assert_eq!(verify(&swapped, &keys, iat), Err(Rejected::BadSignature));
    let mut elsewhere = keys.clone();
    elsewhere[0].kid = "another".into();
    assert_eq!(verify(jwt, &elsewhere, iat), Err(Rejected::UnknownKey));
    let exp = c["exp"].as_i64().unwrap();
    assert_eq!(verify(jwt, &keys, exp), Err(Rejected::Expired));
    assert!(verify(jwt, &keys, exp - 1).is_ok());

    // Only `openid`: no profile or e-mail claims.
    let bare = claims(other["id_token"].as_str().unwrap(), &keys);
    assert!(
        bare.get("email").is_none() && bare.get("given_name").is_none(),
        "{bare}"
    );
    assert_eq!(bare["nonce"], NONCE);

    // userinfo: the same person, the claims the scopes allow; refreshed tokens keep them.
    let access = token["access_token"].as_str().unwrap();
    let (status, info) = w.app.get("/restapi/oauth/userinfo", access).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["sub"], c["sub"]);
    assert_eq!(info["email"], "bob@acme.test");
    assert_eq!(info["given_name"], "Bob");
    let (status, refreshed) = token_request(
        &w,
        &client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", token["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    let (status, again) = w
        .app
        .get(
            "/restapi/oauth/userinfo",
            refreshed["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!((status, &again["sub"]), (200, &c["sub"]));
    let (status, bare_info) = w
        .app
        .get(
            "/restapi/oauth/userinfo",
            other["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 200);
    assert!(bare_info.get("email").is_none(), "{bare_info}");

    // The discovery document names the same issuer and the endpoints.
    let d: Value = w
        .app
        .http
        .get(w.app.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], c["iss"]);
    assert_eq!(d["jwks_uri"], w.app.url("/restapi/oauth/jwks"));
    assert_eq!(d["userinfo_endpoint"], w.app.url("/restapi/oauth/userinfo"));
    assert_eq!(d["token_endpoint"], w.app.url("/restapi/oauth/token"));
    assert!(
        d["id_token_signing_alg_values_supported"]
            .as_array()
            .unwrap()
            .contains(&"RS256".into())
    );
    assert!(
        d["code_challenge_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&"S256".into())
    );
    assert!(
        d["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&"openid".into())
    );
    assert!(
        d["claims_supported"]
            .as_array()
            .unwrap()
            .contains(&"nonce".into())
    );
}

async fn token_request(w: &World, client: &Client, form: &[(&str, &str)]) -> (u16, Value) {
    token(&w.app, Some(client), form).await
}

#[tokio::test]
async fn openid_needs_the_permission_and_userinfo_the_openid_scope() {
    let w = World::new().await;
    // Without the OpenID permission, `openid` is invalid_scope, sent back to the client.
    let plain = oidc_app(&w, &["TeamMessaging"]).await;
    let (_, challenge) = pkce();
    let p = w
        .app
        .browser()
        .get(&format!(
            "/restapi/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&state=s2&scope=openid&code_challenge={challenge}&code_challenge_method=S256",
            plain.client_id,
            enc(REDIRECT)
        ))
        .await;
    let location = p
        .location
        .unwrap_or_else(|| panic!("{} {}", p.status, p.body));
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(
        query_param(&location, "error").as_deref(),
        Some("invalid_scope")
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("s2"));
    assert!(query_param(&location, "code").is_none());

    // With it, an authorization that did not ask for `openid` gets no ID token, and its
    // tokens are refused by userinfo: without the permission in their scope by the gate, with
    // it (named as a permission) by the openid rule.
    let client = oidc_app(&w, &["TeamMessaging", "OpenID"]).await;
    let issued = sign_in(&w, &client, "TeamMessaging").await;
    assert!(issued.get("id_token").is_none(), "{issued}");
    let (status, body) = w
        .app
        .get(
            "/restapi/oauth/userinfo",
            issued["access_token"].as_str().unwrap(),
        )
        .await;
    assert_rc_error(status, &body, 403, "CMN-401");
    let named = sign_in(&w, &client, "TeamMessaging OpenID").await;
    assert!(named.get("id_token").is_none(), "{named}");
    let (status, body) = w
        .app
        .get(
            "/restapi/oauth/userinfo",
            named["access_token"].as_str().unwrap(),
        )
        .await;
    assert_rc_error(status, &body, 403, "CMN-408");
    // No token, a made-up one.
    let r = w
        .app
        .http
        .get(w.app.url("/restapi/oauth/userinfo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let (status, _) = w.app.get("/restapi/oauth/userinfo", "not-a-token").await;
    assert_eq!(status, 401);
    // The password grant asking for `openid` gets a token but no ID token.
    let (status, pw) = token(
        &w.app,
        Some(&w.client),
        &[
            ("grant_type", "password"),
            ("username", "bob@acme.test"),
            ("password", PASSWORD),
            ("scope", "TeamMessaging"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{pw}");
    assert!(pw.get("id_token").is_none());
}

#[tokio::test]
async fn signing_keys_survive_a_restart_and_a_rotation_keeps_the_previous_one() {
    let mut w = World::new().await;
    let client = oidc_app(&w, &["TeamMessaging", "OpenID"]).await;
    let first = sign_in(&w, &client, "openid").await;
    let first_jwt = first["id_token"].as_str().unwrap().to_string();
    let keys = published(&w).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(kid_of(&first_jwt), keys[0].kid);

    w.app.restart().await;
    assert_eq!(published(&w).await, keys, "the same key after a restart");
    let again = sign_in(&w, &client, "openid").await;
    assert_eq!(kid_of(again["id_token"].as_str().unwrap()), keys[0].kid);

    let new_kid = w.app.state().platform().rotate_signing_key().await.unwrap();
    let rotated = published(&w).await;
    assert_eq!(rotated.len(), 2);
    assert_eq!(rotated[0].kid, new_kid);
    assert_eq!(rotated[1], keys[0]);
    let after = sign_in(&w, &client, "openid").await;
    let after_jwt = after["id_token"].as_str().unwrap();
    assert_eq!(kid_of(after_jwt), new_kid);
    claims(after_jwt, &rotated);
    // Tokens signed before the rotation still check against the published set.
    claims(&first_jwt, &rotated);
    // A second rotation drops the oldest key.
    w.app.state().platform().rotate_signing_key().await.unwrap();
    let twice = published(&w).await;
    assert_eq!(twice.len(), 2);
    assert!(!twice.iter().any(|k| k.kid == keys[0].kid));
    let payload: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            first_jwt.split('.').nth(1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        verify(&first_jwt, &twice, payload["iat"].as_i64().unwrap()),
        Err(Rejected::UnknownKey)
    );
}

#[tokio::test]
async fn version_info_and_first_party_read_marks() {
    let w = World::new().await;
    for v in ["v1.0", "v1"] {
        let r = w
            .app
            .http
            .get(w.app.url(&format!("/restapi/{v}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let info: Value = r.json().await.unwrap();
        assert_eq!(info["uriString"], "v1.0");
        assert_eq!(info["uri"], w.app.url("/restapi/v1.0"));
    }
    let (status, body) = send(w.app.http.get(w.app.url("/restapi/v9.9"))).await;
    assert_rc_error(status, &body, 400, "CMN-101");

    // An app without GlipInternal is refused RingCentral's way; the operator's app with it
    // marks chats read and unread in the read state the web client counts from.
    let team = w.team("Readers", false, &[&w.bob]).await;
    let (status, _) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.alice.token,
            serde_json::json!({"text": "unread?"}),
        )
        .await;
    assert_eq!(status, 201);
    let read = format!("/restapi/v1.0/glip/chats/{team}/read");
    let unread = format!("/restapi/v1.0/glip/chats/{team}/unread");
    let (status, body) = w.app.post(&read, &w.bob.token, Value::Null).await;
    assert_rc_error(status, &body, 403, "CMN-401");

    let internal = w
        .app
        .client(&w.acme, &["password"], &["TeamMessaging", "GlipInternal"])
        .await;
    let bob = w.app.logged_in(&internal, w.bob.ext.clone()).await;
    let carol = w.app.logged_in(&internal, w.carol.ext.clone()).await;
    let store = w.app.state().store();
    let unread_of_bob = || async {
        store
            .unread(w.bob.ext.id)
            .await
            .unwrap()
            .iter()
            .any(|u| u.chat_id.to_string() == team)
    };
    assert!(unread_of_bob().await);
    let (status, _) = w.app.post(&read, &bob.token, Value::Null).await;
    assert_eq!(status, 204);
    assert!(!unread_of_bob().await);
    let (status, _) = w.app.post(&unread, &bob.token, Value::Null).await;
    assert_eq!(status, 204);
    assert!(unread_of_bob().await);
    // Not a member: not found; not a chat id: not found.
    let (status, body) = w.app.post(&read, &carol.token, Value::Null).await;
    assert_rc_error(status, &body, 404, "CMN-102");
    let (status, _) = w
        .app
        .post(
            "/restapi/v1.0/glip/chats/nope/read",
            &bob.token,
            Value::Null,
        )
        .await;
    assert_eq!(status, 404);
}

/// RingCentral's SDKs against an OpenID app: `tests/clients/js/oidc.mjs` (`@ringcentral/sdk`,
/// the ID token verified with Node's crypto) and `tests/clients/python/oidc.py` (PyPI
/// `ringcentral`, verified with `cryptography`).
async fn sdk_setup() -> Setup {
    let w = World::new().await;
    let client = oidc_app(&w, &["TeamMessaging", "ReadAccounts", "OpenID"]).await;
    let env = vec![
        ("OPENGLIP_SERVER", w.app.base.clone()),
        ("OPENGLIP_CLIENT_ID", client.client_id.clone()),
        ("OPENGLIP_CLIENT_SECRET", client.secret.clone().unwrap()),
        ("OPENGLIP_REDIRECT_URI", REDIRECT.to_string()),
        ("OPENGLIP_USER_EMAIL", "bob@acme.test".to_string()),
        ("OPENGLIP_USER_PASSWORD", PASSWORD.to_string()),
    ];
    Setup { app: w.app, env }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_js_sdk_verifies_the_id_token() {
    let root = repo_root().join("tests/clients/js");
    assert!(
        root.join("node_modules/@ringcentral/sdk").exists(),
        "the JavaScript SDK is not installed: run `scripts/test` (it installs tests/clients/js/node_modules)"
    );
    run("node", root.join("oidc.mjs"), vec![], sdk_setup().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_python_sdk_verifies_the_id_token() {
    let root = repo_root().join("tests/clients/python");
    let deps = root.join(".deps");
    assert!(
        deps.join("ringcentral").exists() && deps.join("cryptography").exists(),
        "the Python SDK is not installed: run `scripts/test` (it installs tests/clients/python/.deps)"
    );
    let env = vec![("PYTHONPATH", deps.display().to_string())];
    run("python3", root.join("oidc.py"), env, sdk_setup().await).await;
}

/// `openglip admin rotate-signing-key`: a new key each time, the previous one still published
/// by the server that starts on the folder afterwards; a folder without openglip data refused.
#[tokio::test]
async fn the_operator_rotates_the_signing_key() {
    use crate::cli::{fails, ok};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let account = ["admin", "account", "create", "--name", "Acme"];
    let admin = [
        "--admin-email",
        "ada@acme.test",
        "--admin-password",
        "correct-horse-battery",
    ];
    ok(data, &[&account[..], &admin[..]].concat());
    let first = ok(data, &["admin", "rotate-signing-key"]);
    let second = ok(data, &["admin", "rotate-signing-key"]);
    let kids = [
        first["kid"].as_str().unwrap(),
        second["kid"].as_str().unwrap(),
    ];
    assert!(
        !kids[0].is_empty() && kids[0] != kids[1],
        "{first} {second}"
    );
    let store = openglip_store_sqlite::SqliteStore::open(data).unwrap();
    let kept: Vec<String> = openglip_domain::store::Store::oidc(&store)
        .signing_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.kid)
        .collect();
    assert_eq!(kept, [kids[1], kids[0]]);
    let empty = tempfile::tempdir().unwrap();
    assert!(!fails(empty.path(), &["admin", "rotate-signing-key"]).is_empty());
}
