//! The developer console and the account admin portal: their JSON APIs and their pages
//! (sign-in, forms that show errors in place, the sandbox step, secrets, activation links).

use serde_json::{Value, json};

use crate::helpers::*;
use crate::web::*;

async fn session(w: &World, path: &str, body: Value) -> (u16, Value) {
    send(w.app.http.post(w.app.url(path)).json(&body)).await
}

/// The token of a session for `login` opened at `path` (the console's or the admin portal's).
async fn signed_in(w: &World, path: &str, login: &str) -> String {
    let (s, b) = session(w, path, json!({"login": login, "password": PASSWORD})).await;
    assert_eq!(s, 200, "{b}");
    b["token"].as_str().unwrap().to_string()
}

async fn console(w: &World, login: &str) -> String {
    signed_in(w, "/console/api/session", login).await
}

#[tokio::test]
async fn the_console_api_registers_apps_and_rotates_secrets() {
    let w = World::new().await;
    let (s, b) = session(
        &w,
        "/console/api/session",
        json!({"login": "alice@acme.test", "password": "wrong"}),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = w
        .app
        .get("/console/api/apps", "not-a-session-token-at-all-123")
        .await;
    assert_rc_error(s, &b, 401, "CMN-405");
    let dev = console(&w, "alice@acme.test").await;

    // Validation names the field.
    let (s, b) = w.app.post("/console/api/apps", &dev, json!({"name": "", "contactEmail": "alice@acme.test", "permissions": ["TeamMessaging"], "redirectUris": ["https://a.example/cb"]})).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(b["errors"][0]["parameterName"], "name");
    let (s, b) = w.app.post("/console/api/apps", &dev, json!({"name": "X", "contactEmail": "alice@acme.test", "permissions": ["TeamMessaging"], "redirectUris": ["http://evil.example/cb"]})).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(b["errors"][0]["parameterName"], "redirectUris");
    let (s, b) = w.app.post("/console/api/apps", &dev, json!({"name": "X", "contactEmail": "alice@acme.test", "permissions": ["Nope"], "redirectUris": ["https://a.example/cb"]})).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    // Every wrong field at once, one `errors[]` entry each, in words for people.
    let (s, b) = w
        .app
        .post(
            "/console/api/apps",
            &dev,
            json!({"name": "", "contactEmail": "nope", "permissions": ["Nope"]}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let named: Vec<&str> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["parameterName"].as_str().unwrap())
        .collect();
    for field in ["name", "contactEmail", "permissions", "redirectUris"] {
        assert!(named.contains(&field), "{field}: {b}");
    }
    assert_eq!(b["message"], b["errors"][0]["message"]);

    let (s, app) = w
        .app
        .post(
            "/console/api/apps",
            &dev,
            json!({
                "type": "RestApi", "name": "Kore Agent", "description": "AI agent channel",
                "contactEmail": "alice@acme.test", "clientType": "ServerSide",
                "grants": ["authorization_code", "refresh_token", "password"],
                "redirectUris": ["https://bots.kore.example/glip/callback?streamid=st-1"],
                "permissions": ["SubscriptionWebhook", "ReadAccounts", "TeamMessaging"],
                "accessTokenTtl": 1800,
            }),
        )
        .await;
    assert_eq!(s, 201, "{app}");
    assert_eq!(app["environment"], "Sandbox");
    assert_eq!(app["accessTokenTtl"], 1800);
    assert_eq!(app["permanentToken"], false);
    assert_eq!(app["refreshTokenTtl"], 604_800);
    assert_eq!(app["sandboxAccountId"], Value::Null);
    let id = app["clientId"].as_str().unwrap().to_string();
    let secret = app["clientSecret"].as_str().unwrap().to_string();
    let (_, list) = w.app.get("/console/api/apps", &dev).await;
    assert_eq!(list["records"][0]["clientId"], json!(id));
    // Another developer does not see it.
    let other = console(&w, "bob@acme.test").await;
    let (s, _) = w.app.get(&format!("/console/api/apps/{id}"), &other).await;
    assert_eq!(s, 404);

    // The sandbox account, then a login there with the app's secret.
    let (s, sb) = w
        .app
        .post("/console/api/sandbox", &dev, json!({"password": "short"}))
        .await;
    assert_rc_error(s, &sb, 400, "CMN-101");
    let (s, sb) = w
        .app
        .post(
            "/console/api/sandbox",
            &dev,
            json!({"password": "sandbox-secret"}),
        )
        .await;
    assert_eq!(s, 201, "{sb}");
    assert_eq!(sb["adminExtensionNumber"], "101");
    let (s, _) = w
        .app
        .post(
            "/console/api/sandbox",
            &dev,
            json!({"password": "sandbox-secret"}),
        )
        .await;
    assert_eq!(s, 400, "one sandbox per developer");
    let login = format!("{}*101", sb["mainNumber"].as_str().unwrap());
    let client = Client {
        client_id: id.clone(),
        secret: Some(secret.clone()),
    };
    let r = w
        .app
        .password_grant(&client, &login, "sandbox-secret")
        .await;
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["expires_in"], 1800);

    // Rotation: the old secret stops working at once.
    let (s, rot) = w
        .app
        .post(&format!("/console/api/apps/{id}/secret"), &dev, json!({}))
        .await;
    assert_eq!(s, 200, "{rot}");
    let new_secret = rot["clientSecret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    assert_eq!(
        w.app
            .password_grant(&client, &login, "sandbox-secret")
            .await
            .status(),
        401
    );
    let rotated = Client {
        client_id: id.clone(),
        secret: Some(new_secret.to_string()),
    };
    assert_eq!(
        w.app
            .password_grant(&rotated, &login, "sandbox-secret")
            .await
            .status(),
        200
    );

    // Usage and requirements.
    let (s, u) = w
        .app
        .get(&format!("/console/api/apps/{id}/usage"), &dev)
        .await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["environment"], "Sandbox");
    assert!(u["requirements"].as_array().unwrap().len() >= 2);
}

#[tokio::test]
async fn console_pages_walk_create_app_sandbox_and_credentials() {
    let w = World::new().await;
    let b = w.app.browser();
    let p = b.get("/console").await;
    assert_eq!(p.status, 303);
    assert_eq!(
        p.location.as_deref(),
        Some("/console/signin?next=%2Fconsole")
    );
    let p = b.get("/console/signin?next=%2Fconsole").await;
    assert!(p.has("Developer Console"));
    let p = b
        .post(
            "/console/signin",
            &[
                ("login", "alice@acme.test"),
                ("password", "nope"),
                ("next", "/console"),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.has("incorrect"));
    let p = b
        .post(
            "/console/signin",
            &[
                ("login", "alice@acme.test"),
                ("password", PASSWORD),
                ("next", "/console"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    let p = b.get("/console").await;
    assert_eq!(p.status, 200);
    assert!(p.has("Create your first app"), "{}", p.body);

    // Errors show in place, the values stay.
    let p = b.get("/console/apps/new").await;
    assert!(p.has("REST API App") && p.has("Webhook Subscriptions") && p.has("Team Messaging"));
    let p = b
        .post(
            "/console/apps",
            &[
                ("type", "RestApi"),
                ("name", ""),
                ("description", "keep me"),
                ("contactEmail", "alice@acme.test"),
                ("authCode", "on"),
                ("clientType", "ServerSide"),
                ("redirectUris", ""),
                ("refreshTokens", "yes"),
                ("permissions", "TeamMessaging"),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.has("Enter an app name"), "{}", p.body);
    assert!(p.has("needs at least one OAuth redirect URI"));
    assert!(p.has("keep me"));

    let p = b
        .post(
            "/console/apps",
            &[
                ("type", "RestApi"),
                ("name", "Travel App"),
                ("contactEmail", "alice@acme.test"),
                ("authCode", "on"),
                ("clientType", "ServerSide"),
                ("redirectUris", "https://travel.example/cb"),
                ("refreshTokens", "yes"),
                ("permissions", "TeamMessaging"),
                ("permissions", "ReadAccounts"),
                ("permissions", "SubscriptionWebhook"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let sandbox_step = p.location.unwrap();
    assert!(
        sandbox_step.starts_with("/console/sandbox?next="),
        "{sandbox_step}"
    );
    let p = b.get(&sandbox_step).await;
    assert!(p.has("Set the password"), "{}", p.body);
    let next = p.input("next");
    let p = b
        .post(
            "/console/sandbox",
            &[
                ("next", &next),
                ("password", "sandbox-secret"),
                ("confirm", "different"),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.has("do not match"));
    let p = b
        .post(
            "/console/sandbox",
            &[
                ("next", &next),
                ("password", "sandbox-secret"),
                ("confirm", "sandbox-secret"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    let dash = b.get(p.location.as_ref().unwrap()).await;
    assert_eq!(dash.status, 200);
    assert!(
        dash.has("Application Credentials") && dash.has("was created in the sandbox"),
        "{}",
        dash.body
    );
    // The fresh secret is on the page (revealed on click), and works.
    let cid = input_attr(&dash.body, "client-id");
    let secret = input_attr(&dash.body, "client-secret");
    assert_eq!(secret.len(), 43);
    let (_, apps) = w
        .app
        .get("/console/api/apps", &console_token(&w).await)
        .await;
    assert_eq!(apps["records"][0]["clientId"], json!(cid));
    // Rotation from the page.
    let p = b.post(&format!("/console/apps/{cid}/secret"), &[]).await;
    assert_eq!(p.status, 303);
    let dash = b.get(p.location.as_ref().unwrap()).await;
    assert!(dash.has("previous one no longer works"));
    assert_ne!(input_attr(&dash.body, "client-secret"), secret);
    // Settings, usage, JWT pages render.
    for path in [
        format!("/console/apps/{cid}/settings"),
        format!("/console/apps/{cid}/production"),
        "/console/credentials".to_string(),
    ] {
        let p = b.get(&path).await;
        assert_eq!(p.status, 200, "{path}: {}", p.body);
    }
    let p = b
        .post(
            "/console/credentials",
            &[
                ("label", "agent"),
                ("clientIds", &cid),
                ("expiresInDays", ""),
            ],
        )
        .await;
    assert_eq!(p.status, 200);
    assert!(p.has("Your new JWT"));
    // A bot's token is permanent: the page says so, not "access 2147483647 s".
    let p = b
        .post(
            "/console/apps",
            &[
                ("type", "Bot"),
                ("name", "Help Bot"),
                ("contactEmail", "alice@acme.test"),
                ("redirectUris", "https://bot.example/oauth"),
                ("botVisibility", "private"),
                ("permissions", "TeamMessaging"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let bot = b.get(p.location.as_ref().unwrap()).await;
    assert_eq!(bot.status, 200, "{}", bot.body);
    assert!(bot.has("access token permanent"), "{}", bot.body);
    assert!(!bot.has("2147483647"), "{}", bot.body);
    // Someone else's app is not found.
    let other = w.app.browser();
    other.get("/console/signin").await;
    other
        .post(
            "/console/signin",
            &[("login", "bob@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(other.get(&format!("/console/apps/{cid}")).await.status, 404);
}

/// The `data-value` of the element with this id.
fn input_attr(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[at..];
    let v = rest.find("data-value=\"").unwrap() + 12;
    let end = rest[v..].find('"').unwrap() + v;
    unescape(&rest[v..end])
}

/// An admin portal session for `login` (an administrator).
pub(crate) async fn admin_portal(w: &World, login: &str) -> String {
    signed_in(w, "/admin/api/session", login).await
}

async fn console_token(w: &World) -> String {
    console(w, "alice@acme.test").await
}

#[tokio::test]
async fn the_admin_portal_adds_people_with_activation_links_or_passwords() {
    let w = World::new().await;
    // Only administrators.
    let (s, b) = session(
        &w,
        "/admin/api/session",
        json!({"login": "bob@acme.test", "password": PASSWORD}),
    )
    .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let admin = admin_portal(&w, "alice@acme.test").await;

    // Without a phone, without a password: an activation link, recorded in the outbox.
    let (s, dana) = w
        .app
        .post(
            "/admin/api/users",
            &admin,
            json!({"firstName": "Dana", "lastName": "Diaz", "email": "dana@acme.test"}),
        )
        .await;
    assert_eq!(s, 201, "{dana}");
    assert_eq!(dana["status"], "NotActivated");
    let link = dana["activationLink"].as_str().unwrap().to_string();
    let (_, mail) = w.app.get("/admin/api/outbox", &admin).await;
    assert_eq!(mail["records"][0]["to"], "dana@acme.test");
    assert!(mail["records"][0]["body"].as_str().unwrap().contains(&link));
    assert_eq!(
        w.app
            .password_grant(&w.client, "dana@acme.test", "dana-password")
            .await
            .status(),
        400
    );
    // Dana activates in the browser.
    let b = w.app.browser();
    let path = link
        .split_once("/activate")
        .map(|(_, p)| format!("/activate{p}"))
        .unwrap();
    let p = b.get(&path).await;
    assert_eq!(p.status, 200);
    assert!(p.has("Activate your account"));
    let tok = p.input("token");
    let p = b
        .post(
            "/activate",
            &[
                ("token", &tok),
                ("password", "dana-password"),
                ("confirm", "nope"),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.has("do not match"));
    let p = b
        .post(
            "/activate",
            &[
                ("token", &tok),
                ("password", "dana-password"),
                ("confirm", "dana-password"),
            ],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.has("You're all set"));
    // The page leads on to signing in: a link to the sign-in of the web client.
    assert!(p.has(r#"href="/">Sign in</a>"#), "{}", p.body);
    let signin = b.get("/").await;
    assert!(signin.has("Sign in to openglip"), "{}", signin.body);
    assert_eq!(b.get(&path).await.status, 404, "a link works once");
    let r = w
        .app
        .password_grant(&w.client, "dana@acme.test", "dana-password")
        .await;
    assert_eq!(r.status(), 200);
    let dana_token: Value = r.json().await.unwrap();

    // Pre-assigned credentials.
    let (s, eli) = w.app.post("/admin/api/users", &admin, json!({"firstName": "Eli", "email": "eli@acme.test", "password": "eli-password", "extensionNumber": "250"})).await;
    assert_eq!(s, 201, "{eli}");
    assert_eq!(eli["status"], "Enabled");
    assert_eq!(eli["extensionNumber"], "250");
    let (s, b2) = w
        .app
        .post(
            "/admin/api/users",
            &admin,
            json!({"firstName": "Eli", "email": "eli@acme.test"}),
        )
        .await;
    assert_rc_error(s, &b2, 400, "CMN-101");
    assert_eq!(b2["errors"][0]["parameterName"], "email");

    // Search.
    let (_, found) = w.app.get("/admin/api/users?search=diaz", &admin).await;
    assert_eq!(found["records"].as_array().unwrap().len(), 1);
    assert_eq!(found["records"][0]["firstName"], "Dana");

    // Unassigned extensions: add one, assign it.
    let (s, ue) = w.app.post("/admin/api/unassigned", &admin, json!({})).await;
    assert_eq!(s, 201, "{ue}");
    let number = ue["extensionNumber"].as_str().unwrap().to_string();
    let (_, list) = w.app.get("/admin/api/unassigned", &admin).await;
    assert_eq!(list["records"][0]["extensionNumber"], json!(number));
    // A new user does not take the reserved number.
    let (_, fay) = w
        .app
        .post(
            "/admin/api/users",
            &admin,
            json!({"firstName": "Fay", "email": "fay@acme.test", "password": "fay-password"}),
        )
        .await;
    assert_ne!(fay["extensionNumber"], json!(number));
    let (s, agent) = w.app.post(&format!("/admin/api/unassigned/{number}"), &admin, json!({"firstName": "HR", "lastName": "Assistant", "email": "hr-bot@acme.test", "password": "agent-password"})).await;
    assert_eq!(s, 201, "{agent}");
    assert_eq!(agent["extensionNumber"], json!(number));
    let (_, list) = w.app.get("/admin/api/unassigned", &admin).await;
    assert_eq!(list["records"].as_array().unwrap().len(), 0);

    // Disable: the person's tokens stop working; enable again; admin role.
    let id = dana["id"].as_str().unwrap();
    let (s, u) = w
        .app
        .patch(
            &format!("/admin/api/users/{id}"),
            &admin,
            json!({"status": "Disabled"}),
        )
        .await;
    assert_eq!(s, 200, "{u}");
    let (s, e) = w
        .app
        .get(
            "/restapi/v1.0/account/~/extension/~",
            dana_token["access_token"].as_str().unwrap(),
        )
        .await;
    assert_rc_error(s, &e, 401, "OAU-236");
    let (s, u) = w
        .app
        .patch(
            &format!("/admin/api/users/{id}"),
            &admin,
            json!({"status": "Enabled", "admin": true}),
        )
        .await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["admin"], true);
    let (s, e) = w
        .app
        .get(
            "/restapi/v1.0/account/~/extension/~",
            dana_token["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["permissions"]["admin"]["enabled"], true);
    // Another company's people are not found.
    let (s, _) = w
        .app
        .get(&format!("/admin/api/users/{}", w.eve.id()), &admin)
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn admin_pages_add_a_user_without_a_phone_and_assign_an_extension() {
    let w = World::new().await;
    let b = w.app.browser();
    let p = b.get("/admin/users").await;
    assert_eq!(p.status, 303);
    b.get("/admin/signin").await;
    let p = b
        .post(
            "/admin/signin",
            &[
                ("login", "bob@acme.test"),
                ("password", PASSWORD),
                ("next", "/admin/users"),
            ],
        )
        .await;
    assert_eq!(p.status, 403, "not an administrator");
    let p = b
        .post(
            "/admin/signin",
            &[
                ("login", "alice@acme.test"),
                ("password", PASSWORD),
                ("next", "/admin/users"),
            ],
        )
        .await;
    assert_eq!(p.status, 303);
    let p = b.get("/admin/users").await;
    assert!(
        p.has("Users with Extension") && p.has("Bob Baker") && p.has("+ Add User"),
        "{}",
        p.body
    );
    let p = b.get("/admin/users?search=carol").await;
    assert!(p.has("Carol Chen") && !p.has("Bob Baker"));
    let p = b.get("/admin/users/new").await;
    assert!(p.has("Add Users without Phone"));
    // Errors in place.
    let p = b
        .post(
            "/admin/users",
            &[
                ("firstName", ""),
                ("email", "not-an-email"),
                ("credentials", "activation"),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("Enter the first name") && p.has("Enter a valid email address"),
        "{}",
        p.body
    );
    let p = b
        .post(
            "/admin/users",
            &[
                ("firstName", "Gus"),
                ("lastName", "Green"),
                ("email", "gus@acme.test"),
                ("credentials", "activation"),
            ],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert!(
        p.has("activation-link") && p.has("/activate?token="),
        "{}",
        p.body
    );
    let p = b.get("/admin/outbox").await;
    assert!(p.has("gus@acme.test"));

    // Unassigned extensions: add, assign with pre-assigned credentials (Save & Enable).
    let p = b.post("/admin/unassigned", &[]).await;
    assert!(p.has("was added"), "{}", p.body);
    let start = p.body.find("href=\"/admin/unassigned/").unwrap() + 6;
    let end = p.body[start..].find('"').unwrap() + start;
    let assign = p.body[start..end].to_string();
    let p = b.get(&assign).await;
    assert!(p.has("Save &amp; Enable"));
    let p = b
        .post(
            &assign,
            &[
                ("firstName", "Travel"),
                ("lastName", "App"),
                ("email", "travel@acme.test"),
                ("credentials", "password"),
                ("password", "travel-password"),
            ],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert!(p.has("added and enabled"));
    assert_eq!(
        w.app
            .password_grant(&w.client, "travel@acme.test", "travel-password")
            .await
            .status(),
        200
    );

    // Profile: make Bob an administrator, then disable him.
    let p = b
        .post(
            &format!("/admin/users/{}", w.bob.id()),
            &[
                ("action", "save"),
                ("firstName", "Bob"),
                ("lastName", "Baker"),
                ("email", "bob@acme.test"),
                ("admin", "on"),
            ],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    // Disable is a form of its own that asks first: the kit's confirmation dialog, naming Bob;
    // it posts the same action (the script shows the dialog; without it the form posts).
    let form = p
        .body
        .find(r#"id="disable-user""#)
        .map(|at| &p.body[at..])
        .expect("a Disable form of its own");
    assert!(
        form.contains(r#"data-confirm="disable-user-confirm""#),
        "{form}"
    );
    assert!(form.contains(r#"name="action" value="disable""#), "{form}");
    assert!(p.has("Disable Bob Baker?"), "{}", p.body);
    let profile_form = &p.body[..p.body.find(r#"id="disable-user""#).unwrap()];
    assert!(
        !profile_form.contains(r#"value="disable""#),
        "Disable is not a button of the profile form, which would post at once"
    );
    let p = b
        .post(
            &format!("/admin/users/{}", w.bob.id()),
            &[("action", "disable")],
        )
        .await;
    assert!(p.has("is disabled"));
    assert_eq!(
        w.app
            .get("/restapi/v1.0/account/~/extension/~", &w.bob.token)
            .await
            .0,
        401
    );
    // Apps page.
    let p = b.get("/admin/apps").await;
    assert!(p.has("Authorized apps"), "{}", p.body);
}

/// The console's and the admin portal's APIs are operations like every other: throttled
/// (`X-Rate-Limit-*`, 429 `CMN-301`) and counted in `/metrics`. A session cookie is honoured
/// only from this host: another origin, or an opaque one (`Origin: null`), is refused; the
/// bearer form carries no ambient credential and needs no `Origin`.
#[tokio::test]
async fn the_console_and_admin_apis_are_behind_the_gate() {
    let app = spawn_app_with(openglip_server::ServerConfig {
        public_url: None,
        rate_limits: openglip_server::RateLimitConfig::parse(
            "light=3,medium=3,heavy=2,auth=20,penalty=60",
        )
        .unwrap(),
        realtime: test_realtime(),
        ..Default::default()
    })
    .await;
    let w = World::with(app).await;
    let dev = console(&w, "alice@acme.test").await;
    for remaining in (0..3).rev() {
        let r = w.app.req(reqwest::Method::GET, "/console/api/apps", &dev);
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 200);
        let h = |n: &str| r.headers()[n].to_str().unwrap().to_string();
        assert_eq!(h("x-rate-limit-group"), "Light");
        assert_eq!(h("x-rate-limit-remaining"), remaining.to_string());
    }
    let (s, b) = w.app.get("/console/api/apps", &dev).await;
    assert_rc_error(s, &b, 429, "CMN-301");
    let metrics = w
        .app
        .http
        .get(w.app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        r#"openglip_http_requests_total{operation="listConsoleApps",status="2xx"} 3"#,
        r#"openglip_http_requests_total{operation="listConsoleApps",status="4xx"} 1"#,
        r#"openglip_http_requests_total{operation="createConsoleSession",status="2xx"} 1"#,
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }

    // Bob's console cookie, from this host and from elsewhere.
    let b = w.app.browser();
    b.get("/console/signin").await;
    let p = b
        .post(
            "/console/signin",
            &[("login", "bob@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 303);
    let cookie = format!("og_console={}", b.cookie("og_console").unwrap());
    let with = |origin: Option<&str>| {
        let mut r = w
            .app
            .http
            .get(w.app.url("/console/api/sandbox"))
            .header("cookie", &cookie);
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        send(r)
    };
    let (s, body) = with(Some("null")).await;
    assert_rc_error(s, &body, 403, "CMN-408");
    let (s, body) = with(Some("https://evil.example")).await;
    assert_rc_error(s, &body, 403, "CMN-408");
    // Signed in (no sandbox yet): from this host, or from a client that names no origin.
    let (s, body) = with(Some(&w.app.base)).await;
    assert_rc_error(s, &body, 404, "CMN-102");
    let (s, body) = with(None).await;
    assert_rc_error(s, &body, 404, "CMN-102");
    // The console session is not an admin portal session, nor the other way round.
    let admin_api = w.app.http.get(w.app.url("/admin/api/users"));
    let (s, body) = send(admin_api.header("cookie", &cookie)).await;
    assert_rc_error(s, &body, 401, "CMN-405");
}

/// Issue 15: `POST /admin/api/users` with the administrator's cookie and `Origin: null` (an
/// opaque origin: a sandboxed frame, a `data:` page) is cross-site (RFC 6454 §7.3): refused,
/// nobody created; from this host it works.
#[tokio::test]
async fn the_admin_api_refuses_a_cookie_sent_with_origin_null() {
    let w = World::new().await;
    let b = w.app.browser();
    b.get("/admin/signin").await;
    let p = b
        .post(
            "/admin/signin",
            &[("login", "alice@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 303);
    let cookie = format!("og_session={}", b.cookie("og_session").unwrap());
    let create = |origin: &str, email: &str| {
        let r = w
            .app
            .http
            .post(w.app.url("/admin/api/users"))
            .header("cookie", &cookie)
            .header("origin", origin)
            .json(&json!({"firstName": "Mallory", "email": email, "password": "mallory-password"}));
        send(r)
    };
    let (s, body) = create("null", "mallory@acme.test").await;
    assert_rc_error(s, &body, 403, "CMN-408");
    let admin = admin_portal(&w, "alice@acme.test").await;
    let (_, users) = w.app.get("/admin/api/users", &admin).await;
    assert!(!users.to_string().contains("mallory@acme.test"), "{users}");
    let (s, body) = create(&w.app.base, "mallory@acme.test").await;
    assert_eq!(s, 201, "{body}");
}

/// A 404 of the console's and the portal's JSON APIs names what was not found as those APIs name
/// it (the platform says *what*, in its own words; the error table gives the name).
#[tokio::test]
async fn the_console_and_admin_apis_name_what_they_did_not_find() {
    let w = World::new().await;
    let not_found = |(s, body): (u16, Value), parameter: &str| {
        assert_rc_error(s, &body, 404, "CMN-102");
        assert_eq!(body["errors"][0]["parameterName"], parameter, "{body}");
        assert_eq!(
            body["message"],
            format!("Resource for parameter [{parameter}] is not found")
        );
    };
    let dev = console(&w, "alice@acme.test").await;
    let (s, app) = w
        .app
        .post(
            "/console/api/apps",
            &dev,
            json!({"type": "RestApi", "name": "Mine", "contactEmail": "alice@acme.test",
                   "clientType": "ServerSide", "grants": ["password"],
                   "permissions": ["TeamMessaging"]}),
        )
        .await;
    assert_eq!(s, 201, "{app}");
    let other = console(&w, "bob@acme.test").await;
    let mine = format!("/console/api/apps/{}", app["clientId"].as_str().unwrap());
    not_found(w.app.get(&mine, &other).await, "clientId");
    not_found(w.app.get("/console/api/sandbox", &dev).await, "sandbox");
    not_found(w.app.delete("/console/api/jwt/424242", &dev).await, "jwtId");
    for owner in ["424242", "not-a-number"] {
        let body = json!({"label": "ci", "ownerId": owner, "expiresInDays": 30});
        not_found(w.app.post("/console/api/jwt", &dev, body).await, "ownerId");
    }

    let admin = admin_portal(&w, "alice@acme.test").await;
    let eve = format!("/admin/api/users/{}", w.eve.id());
    not_found(w.app.get(&eve, &admin).await, "extensionId");
    not_found(
        w.app.get("/admin/api/users/x1", &admin).await,
        "extensionId",
    );
    not_found(
        w.app.delete("/admin/api/bots/424242", &admin).await,
        "extensionId",
    );
    not_found(
        w.app.delete("/admin/api/apps/no-such-app", &admin).await,
        "clientId",
    );
    let person = json!({"firstName": "Kim", "email": "kim@acme.test", "password": "kim-password"});
    not_found(
        w.app
            .post("/admin/api/unassigned/98765", &admin, person)
            .await,
        "extensionNumber",
    );
}

#[tokio::test]
async fn signing_out_of_the_console_and_the_portal_ends_the_session() {
    let w = World::new().await;
    for (area, home) in [("/console", "/console"), ("/admin", "/admin/users")] {
        let b = w.app.browser();
        b.get(&format!("{area}/signin")).await;
        let s = b
            .post(
                &format!("{area}/signin"),
                &[("login", "alice@acme.test"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(s.status, 303, "{}", s.body);
        assert_eq!(b.get(home).await.status, 200);
        // A forged sign-out is refused and changes nothing.
        let forged = b
            .post(
                &format!("{area}/signout"),
                &[("_csrf", "forged-token-forged-token")],
            )
            .await;
        assert_eq!(forged.status, 403, "{}", forged.body);
        assert_eq!(b.get(home).await.status, 200);
        let out = b.post(&format!("{area}/signout"), &[]).await;
        assert_eq!(out.status, 303, "{}", out.body);
        assert_eq!(
            out.location.as_deref(),
            Some(format!("{area}/signin").as_str())
        );
        let after = b.get(home).await;
        assert_eq!(after.status, 303, "signed out: {}", after.body);
        assert!(
            after
                .location
                .unwrap()
                .starts_with(&format!("{area}/signin?next="))
        );
    }
}
