//! Bots: "Add to Glip" installs create a bot extension; a private bot receives its permanent
//! token by an HTTP POST to its redirect URI, a public bot a code by GET; removing a bot sends
//! the extension `Delete` event and kills its token; bots rename themselves and set avatars.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::helpers::*;
use crate::web::*;

const ME: &str = "/restapi/v1.0/account/~/extension/~";

/// One request a bot server got.
#[derive(Debug, Clone)]
struct Hit {
    method: String,
    uri: String,
    body: String,
}

/// A real HTTP server standing in for a bot's OAuth redirect URI.
struct BotServer {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl BotServer {
    async fn start() -> BotServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/bot/oauth", listener.local_addr().unwrap());
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let h = hits.clone();
        let router = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let h = h.clone();
            async move {
                let method = req.method().to_string();
                let uri = req.uri().to_string();
                let body = axum::body::to_bytes(req.into_body(), 1 << 20)
                    .await
                    .unwrap();
                h.lock().unwrap().push(Hit {
                    method,
                    uri,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                "ok"
            }
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        BotServer {
            url,
            hits,
            _stop: stop,
        }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

/// A developer console session for `login`.
pub async fn console(w: &World, login: &str) -> String {
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

/// The developer's sandbox: (main number, admin-portal session token, an access token of its
/// administrator through the world's app).
pub async fn sandbox(w: &World, dev: &str) -> (String, String, String) {
    let (s, sb) = w
        .app
        .post(
            "/console/api/sandbox",
            dev,
            json!({"password": "sandbox-secret"}),
        )
        .await;
    assert_eq!(s, 201, "{sb}");
    let main = sb["mainNumber"].as_str().unwrap().to_string();
    let (s, a) = send(
        w.app
            .http
            .post(w.app.url("/admin/api/session"))
            .json(&json!({"login": main, "extension": "101", "password": "sandbox-secret"})),
    )
    .await;
    assert_eq!(s, 200, "{a}");
    let r = w
        .app
        .password_grant(&w.client, &format!("{main}*101"), "sandbox-secret")
        .await;
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    (
        main,
        a["token"].as_str().unwrap().to_string(),
        t["access_token"].as_str().unwrap().to_string(),
    )
}

/// "Add to Glip": the administrator of the sandbox with main number `main` signs in on the
/// authorization pages (query `q`) and approves the public bot; returns where the browser is sent
/// (the bot's redirect URI with the code).
pub async fn add_public_bot(w: &World, q: &str, main: &str) -> String {
    let b = w.app.browser();
    let p = b.get(&format!("/restapi/oauth/authorize?{q}")).await;
    let s = b
        .post(
            "/oauth/signin",
            &[
                ("q", &p.input("q")),
                ("login", main),
                ("extension", "101"),
                ("password", "sandbox-secret"),
            ],
        )
        .await;
    assert_eq!(s.status, 303, "{}", s.body);
    let c = b.get(s.location.as_ref().unwrap()).await;
    assert!(c.has("as a bot"), "{}", c.body);
    let d = b
        .post(
            "/oauth/consent",
            &[("q", &c.input("q")), ("decision", "allow")],
        )
        .await;
    d.location.expect("a redirect to the bot")
}

fn form_field(body: &str, name: &str) -> Option<String> {
    url_params(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[tokio::test]
async fn a_private_bot_gets_its_token_posted_joins_and_is_removed() {
    let w = World::new().await;
    let bot_server = BotServer::start().await;
    let dev = console(&w, "alice@acme.test").await;
    let (s, app) = w
        .app
        .post(
            "/console/api/apps",
            &dev,
            json!({
                "type": "Bot", "name": "SmartFriend", "contactEmail": "alice@acme.test",
                "redirectUris": [bot_server.url],
            }),
        )
        .await;
    assert_eq!(s, 201, "{app}");
    assert_eq!(app["environment"], "Sandbox");
    // Its token is permanent: no lifetime of 2147483647 s to show (issue 15).
    assert_eq!(app["accessTokenTtl"], Value::Null, "{app}");
    assert_eq!(app["permanentToken"], true, "{app}");
    let client_id = app["clientId"].as_str().unwrap().to_string();
    let (_, admin_session, admin_token) = sandbox(&w, &dev).await;

    // "Add to RingCentral": the bot user is created and its token POSTed to the bot server.
    let (s, done) = w
        .app
        .post(
            &format!("/console/api/apps/{client_id}/install"),
            &dev,
            json!({}),
        )
        .await;
    assert_eq!(s, 201, "{done}");
    assert_eq!(done["tokenDelivered"], true, "{done}");
    let bot_id = done["extensionId"].as_str().unwrap().to_string();
    let hits = bot_server.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].method, "POST");
    let token = form_field(&hits[0].body, "access_token").expect("access_token");
    assert_eq!(
        form_field(&hits[0].body, "client_id").as_deref(),
        Some(client_id.as_str())
    );
    assert_eq!(
        form_field(&hits[0].body, "creator_account_id"),
        Some(done["accountId"].as_str().unwrap().to_string())
    );
    assert!(form_field(&hits[0].body, "creator_extension_id").is_some());

    // The token is the bot's, and never expires.
    let (s, me) = w.app.get(ME, &token).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["type"], "Bot");
    assert_eq!(me["name"], "SmartFriend");
    assert_eq!(me["id"].to_string(), bot_id);
    let (_, chats) = w.app.get("/team-messaging/v1/chats", &token).await;
    let types: Vec<&str> = chats["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"Everyone") && types.contains(&"Personal"),
        "{chats}"
    );

    // People start a DM with it, and the bot answers.
    let (s, dm) = w
        .app
        .post(
            "/team-messaging/v1/conversations",
            &admin_token,
            json!({"members": [{"id": bot_id}]}),
        )
        .await;
    assert_eq!(s, 201, "{dm}");
    let chat = dm["id"].as_str().unwrap();
    let (s, _) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &admin_token,
            json!({"text": "Hello"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &token,
            json!({"text": "Hi! How can I help?"}),
        )
        .await;
    assert_eq!(s, 201);

    // The admin portal lists it; removing it tells the bot (extension Delete) and kills its token.
    let recv = Receiver::start().await;
    subscribe(
        &w.app,
        &token,
        &["/restapi/v1.0/account/~/extension/~"],
        &recv,
        json!({}),
    )
    .await;
    let (s, listed) = w.app.get("/admin/api/apps", &admin_session).await;
    assert_eq!(s, 200, "{listed}");
    assert_eq!(listed["bots"][0]["extensionId"], json!(bot_id));
    let (s, body) = w
        .app
        .delete(&format!("/admin/api/bots/{bot_id}"), &admin_session)
        .await;
    assert_eq!(s, 204, "{body}");
    let n = recv.notification().await;
    assert_eq!(n["body"]["eventType"], "Delete", "{n}");
    assert_eq!(n["body"]["extensionId"], json!(bot_id));
    let (s, body) = w.app.get(ME, &token).await;
    assert_rc_error(s, &body, 401, "OAU-232");
    // It left its chats, and nobody can add it again.
    let (_, dm_after) = w
        .app
        .get(&format!("/team-messaging/v1/chats/{chat}"), &admin_token)
        .await;
    assert!(
        !dm_after["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == json!(bot_id)),
        "{dm_after}"
    );
    let (_, listed) = w.app.get("/admin/api/apps", &admin_session).await;
    assert_eq!(listed["bots"].as_array().unwrap().len(), 0);
    let (s, _) = w
        .app
        .delete(&format!("/admin/api/bots/{bot_id}"), &admin_session)
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_public_bot_is_added_with_the_authorization_flow_and_exchanges_a_code() {
    let w = World::new().await;
    let bot_server = BotServer::start().await;
    let dev = console(&w, "alice@acme.test").await;
    let (s, app) = w
        .app
        .post(
            "/console/api/apps",
            &dev,
            json!({
                "type": "Bot", "name": "OKR Updates", "contactEmail": "alice@acme.test",
                "redirectUris": [bot_server.url], "publicBot": true,
            }),
        )
        .await;
    assert_eq!(s, 201, "{app}");
    let client = Client {
        client_id: app["clientId"].as_str().unwrap().to_string(),
        secret: app["clientSecret"].as_str().map(str::to_string),
    };
    let (main, _, _) = sandbox(&w, &dev).await;

    // "Add to Glip": the sandbox's administrator signs in and approves.
    let q = format!(
        "response_type=code&client_id={}&redirect_uri={}&state=okr",
        client.client_id,
        enc(&bot_server.url)
    );
    let location = add_public_bot(&w, &q, &main).await;
    assert!(location.starts_with(&bot_server.url), "{location}");
    // The browser GETs the bot server with the code.
    let r = reqwest::get(&location).await.unwrap();
    assert_eq!(r.status(), 200);
    let hit = bot_server.hits().pop().unwrap();
    assert_eq!(hit.method, "GET");
    let code = query_param(&hit.uri, "code").expect("code");
    assert_eq!(query_param(&hit.uri, "state").as_deref(), Some("okr"));
    assert!(query_param(&hit.uri, "creator_extension_id").is_some());
    assert!(query_param(&hit.uri, "creator_account_id").is_some());

    let (s, t) = token(
        &w.app,
        Some(&client),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &bot_server.url),
        ],
    )
    .await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["expires_in"].as_i64(), Some(2_147_483_647));
    assert!(t.get("refresh_token").is_none(), "{t}");
    let (s, me) = w.app.get(ME, t["access_token"].as_str().unwrap()).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["type"], "Bot");
    assert_eq!(me["id"].to_string(), t["owner_id"].as_str().unwrap());
    assert_eq!(me["name"], "OKR Updates");

    // A person who is not an administrator cannot add it.
    let dev2 = console(&w, "bob@acme.test").await;
    let _ = dev2;
    let (s, _) = w.app.post("/admin/api/users", &{
        let (_, a) = send(w.app.http.post(w.app.url("/admin/api/session")).json(&json!({"login": main, "extension": "101", "password": "sandbox-secret"}))).await;
        a["token"].as_str().unwrap().to_string()
    }, json!({"firstName": "Sam", "lastName": "Staff", "email": "sam@sandbox.test", "password": "staff-password"})).await;
    assert_eq!(s, 201);
    let b2 = w.app.browser();
    let p = b2.get(&format!("/restapi/oauth/authorize?{q}")).await;
    let s = b2
        .post(
            "/oauth/signin",
            &[
                ("q", &p.input("q")),
                ("login", "sam@sandbox.test"),
                ("password", "staff-password"),
            ],
        )
        .await;
    assert_eq!(s.status, 403);
    assert!(s.has("Only an administrator"), "{}", s.body);
}

#[tokio::test]
async fn a_bot_renames_itself_and_sets_its_avatar() {
    let w = World::new().await;
    let (bot, _, token) = w
        .app
        .state()
        .platform()
        .create_bot(w.acme.id, "SmartFriend")
        .await
        .unwrap();
    let recv = Receiver::start().await;
    subscribe(
        &w.app,
        &token,
        &["/restapi/v1.0/account/~/extension/~"],
        &recv,
        json!({}),
    )
    .await;

    let r = w
        .app
        .req(reqwest::Method::PUT, ME, &token)
        .json(&json!({"contact": {"firstName": "SmartFriend Pro"}}));
    let (s, me) = send(r).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["name"], "SmartFriend Pro");
    assert_eq!(me["contact"]["firstName"], "SmartFriend Pro");
    let n = recv.notification().await;
    assert_eq!(n["body"]["eventType"], "Update", "{n}");
    let (_, person) = w
        .app
        .get(
            &format!("/team-messaging/v1/persons/{}", bot.id),
            &w.alice.token,
        )
        .await;
    assert_eq!(person["firstName"], "SmartFriend Pro");

    // The avatar: a multipart field `image`.
    let png: Vec<u8> = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 64]].concat();
    let mut body = Vec::new();
    body.extend_from_slice(b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"image\"; filename=\"avatar.png\"\r\nContent-Type: image/png\r\n\r\n");
    body.extend_from_slice(&png);
    body.extend_from_slice(b"\r\n--BOUNDARY--\r\n");
    let r = w
        .app
        .req(reqwest::Method::PUT, &format!("{ME}/profile-image"), &token)
        .header("content-type", "multipart/form-data; boundary=BOUNDARY")
        .body(body);
    let (s, b) = send(r).await;
    assert_eq!(s, 204, "{b}");
    let n = recv.notification().await;
    assert_eq!(n["body"]["eventType"], "Update");
    let (_, person) = w
        .app
        .get(
            &format!("/team-messaging/v1/persons/{}", bot.id),
            &w.alice.token,
        )
        .await;
    let avatar = person["avatar"].as_str().expect("avatar").to_string();
    assert!(
        avatar.ends_with(&format!("/extension/{}/profile-image", bot.id)),
        "{avatar}"
    );
    let r = w
        .app
        .req(
            reqwest::Method::GET,
            &format!("/restapi/v1.0/account/~/extension/{}/profile-image", bot.id),
            &w.alice.token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png);

    // Not an image; not someone else's extension.
    let r = w
        .app
        .req(reqwest::Method::PUT, &format!("{ME}/profile-image"), &token)
        .header("content-type", "image/png")
        .body("not an image");
    let (s, b) = send(r).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let r = w
        .app
        .req(
            reqwest::Method::PUT,
            &format!("/restapi/v1.0/account/~/extension/{}", w.alice.id()),
            &token,
        )
        .json(&json!({"contact": {"firstName": "Mallory"}}));
    let (s, b) = send(r).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    // An app without EditExtensions.
    let reader = w
        .app
        .client(&w.acme, &["password"], &["TeamMessaging", "ReadAccounts"])
        .await;
    let t = w.app.login(&reader, "bob@acme.test").await;
    let r = w
        .app
        .req(
            reqwest::Method::PUT,
            ME,
            t["access_token"].as_str().unwrap(),
        )
        .json(&json!({"contact": {"firstName": "B"}}));
    let (s, b) = send(r).await;
    assert_rc_error(s, &b, 403, "CMN-401");
}

/// Issue 15: "Add to RingCentral" clicked again after the bot server was not running (its token
/// could not be delivered) reuses the company's bot of that app, and says why delivery failed.
#[tokio::test]
async fn a_retried_install_reuses_its_bot() {
    let w = World::new().await;
    let dev = console(&w, "alice@acme.test").await;
    let down = format!(
        "http://127.0.0.1:{}/bot/oauth",
        openglip_testkit::free_port()
    );
    let (s, app) = w
        .app
        .post(
            "/console/api/apps",
            &dev,
            json!({
                "type": "Bot", "name": "Retry Bot", "contactEmail": "alice@acme.test",
                "redirectUris": [down],
            }),
        )
        .await;
    assert_eq!(s, 201, "{app}");
    let client_id = app["clientId"].as_str().unwrap().to_string();
    sandbox(&w, &dev).await;
    let path = format!("/console/api/apps/{client_id}/install");
    let install = || w.app.post(&path, &dev, json!({}));
    let (s, first) = install().await;
    assert_eq!(s, 201, "{first}");
    assert_eq!(first["tokenDelivered"], false, "{first}");
    assert!(first["deliveryError"].as_str().is_some(), "{first}");
    let (s, again) = install().await;
    assert!(s == 200 || s == 201, "{again}");
    assert_eq!(
        again["extensionId"], first["extensionId"],
        "the same bot user"
    );
}
