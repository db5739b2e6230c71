//! Markup typed into every field the sign-in, authorization, console and portal pages show
//! (people's names, the company's name, app names and descriptions, redirect URIs, contact
//! e-mails, JWT labels, bot names, a login hint, and the error messages that echo what was
//! typed) comes back escaped, never as markup.

use openglip_testkit::{Browser, Page};

use crate::helpers::*;
use crate::web::*;

/// A script element, and a way out of an attribute into an element with a handler.
const SCRIPT: &str = "<script>x</script>";
const ATTR: &str = "\"><img src=x onerror=1>";

/// Both, as one value.
fn evil(label: &str) -> String {
    format!("{label}{SCRIPT}{ATTR}")
}

/// The page shows the markup only escaped: neither payload raw, and at least one escaped.
#[track_caller]
fn escaped(p: &Page, what: &str) {
    let body = &p.body;
    assert!(!body.contains(SCRIPT), "{what}: a raw <script> in\n{body}");
    assert!(
        !body.contains("<img src=x"),
        "{what}: a raw <img> in\n{body}"
    );
    assert!(
        !body.contains("\"><img"),
        "{what}: an attribute broken out of in\n{body}"
    );
    assert!(
        body.contains("&lt;script&gt;x&lt;/script&gt;")
            || body.contains("&lt;img src=x onerror=1&gt;"),
        "{what}: the markup is not shown at all (status {}) in\n{body}",
        p.status
    );
}

/// Where a redirect after creating an app leads: the app's client id.
fn created_id(location: &str) -> String {
    let decoded = unescape(
        &location
            .replace("%2F", "/")
            .replace("%3F", "?")
            .replace("%3D", "="),
    );
    let at = decoded.find("/console/apps/").expect("an app path") + "/console/apps/".len();
    decoded[at..]
        .split(['?', '/', '&'])
        .next()
        .expect("a client id")
        .to_string()
}

async fn sign_in(b: &Browser, path: &str, login: &str) {
    let p = b.get(path).await;
    escaped_or_plain(&p);
    let s = b
        .post(path, &[("login", login), ("password", PASSWORD)])
        .await;
    assert_eq!(s.status, 303, "sign in at {path}: {}", s.body);
}

/// A page that shows nothing typed by anyone (a sign-in page) still has no raw payload.
fn escaped_or_plain(p: &Page) {
    assert!(!p.body.contains(SCRIPT) && !p.body.contains("<img src=x"));
}

#[tokio::test]
async fn markup_in_every_field_is_shown_escaped() {
    let app = spawn_app().await;
    let (account, admin) = app
        .account_with_admin(
            &evil("Evil Co"),
            "admin@evil.test",
            (&evil("Ada"), &evil("Admin")),
        )
        .await;
    app.user(&account, &evil("Bob"), &evil("Baker"), "bob@evil.test")
        .await;

    // The sign-in form echoes the login it refuses.
    let b = app.browser();
    b.get("/console/signin").await;
    let wrong = b
        .post(
            "/console/signin",
            &[("login", &evil("who")), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    escaped(&wrong, "console sign-in error");

    // The console: the developer's name in the chrome, an app's name, description, contact and
    // redirect URIs, as a form with errors and as pages.
    sign_in(&b, "/console/signin", "admin@evil.test").await;
    escaped(&b.get("/console").await, "console home");
    let bad_uri = format!("https://a.example/cb?{ATTR}{SCRIPT}\nnot a url {SCRIPT}");
    let fields = [
        ("type", "RestApi"),
        ("name", evil("App").as_str()),
        ("description", evil("Does").as_str()),
        ("contactEmail", evil("mail").as_str()),
        ("clientType", "ServerSide"),
        ("authCode", "on"),
        ("redirectUris", bad_uri.as_str()),
        ("permissions", "TeamMessaging"),
    ]
    .map(|(k, v)| (k, v.to_string()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = b.post("/console/apps", &form).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    escaped(&refused, "Create App with errors");

    let good: Vec<(&str, &str)> = form
        .iter()
        .map(|(k, v)| match *k {
            "redirectUris" => (*k, "https://a.example/cb"),
            "contactEmail" => (*k, "dev@evil.test"),
            _ => (*k, *v),
        })
        .collect();
    let created = b.post("/console/apps", &good).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = created_id(created.location.as_deref().unwrap());
    for path in [
        "/console".to_string(),
        format!("/console/apps/{id}"),
        format!("/console/apps/{id}/settings"),
        format!("/console/apps/{id}/production"),
    ] {
        let p = b.get(&path).await;
        assert_eq!(p.status, 200, "{path}: {}", p.body);
        escaped(&p, &path);
    }

    // A bot app, installed into the developer's sandbox: its bot user is listed by name, and
    // the delivery failure is said on the page.
    let s = b
        .post(
            "/console/sandbox",
            &[("password", "Sandbox-Pa55"), ("confirm", "Sandbox-Pa55")],
        )
        .await;
    assert_eq!(s.status, 303, "{}", s.body);
    let bot_form: Vec<(&str, &str)> = good
        .iter()
        .map(|(k, v)| match *k {
            "type" => (*k, "Bot"),
            "redirectUris" => (*k, "https://127.0.0.1:9/bot"),
            _ => (*k, *v),
        })
        .chain([("botVisibility", "private")])
        .collect();
    let bot = b.post("/console/apps", &bot_form).await;
    assert_eq!(bot.status, 303, "{}", bot.body);
    let bot_id = created_id(bot.location.as_deref().unwrap());
    let installed = b.post(&format!("/console/apps/{bot_id}/bot"), &[]).await;
    assert_eq!(installed.status, 200, "{}", installed.body);
    escaped(&installed, "bot installed");

    // JWT credentials with a label.
    let jwt = b
        .post("/console/credentials", &[("label", &evil("Key"))])
        .await;
    assert_eq!(jwt.status, 200, "{}", jwt.body);
    escaped(&jwt, "credentials");

    // The authorization pages: the app's name, the login hint, the company and the person.
    let (consented, _) = app
        .state()
        .platform()
        .provision_app(openglip_platform::apps::NewAppSpec {
            account_id: account.id,
            name: evil("Agent"),
            redirect_uris: vec!["https://agent.example/cb".into()],
            grants: vec!["authorization_code".into()],
            permissions: vec!["TeamMessaging".into()],
            public_client: false,
        })
        .await
        .unwrap();
    let query = format!(
        "response_type=code&client_id={}&redirect_uri={}&state={}&login_hint={}",
        consented.client_id,
        enc("https://agent.example/cb"),
        enc(&evil("s")),
        enc(ATTR)
    );
    let person = app.browser();
    let signin = person
        .get(&format!("/restapi/oauth/authorize?{query}"))
        .await;
    assert_eq!(signin.status, 200, "{}", signin.body);
    escaped(&signin, "authorize: sign-in");
    let q = signin.input("q");
    let s = person
        .post(
            "/oauth/signin",
            &[
                ("q", &q),
                ("login", "admin@evil.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(s.status, 303, "{}", s.body);
    let consent = person.get(&s.location.unwrap()).await;
    assert_eq!(consent.status, 200, "{}", consent.body);
    escaped(&consent, "authorize: Access Request");
    let again = person
        .get(&format!("/restapi/oauth/authorize?{query}"))
        .await;
    escaped(&again, "authorize: continue as");
    // The console's app is still in the sandbox: refused with its name in the reason.
    let sandboxed = format!(
        "response_type=code&client_id={id}&redirect_uri={}&prompt=login",
        enc("https://a.example/cb")
    );
    let refused = person
        .get(&format!("/restapi/oauth/authorize?{sandboxed}"))
        .await;
    let s = person
        .post(
            "/oauth/signin",
            &[
                ("q", &refused.input("q")),
                ("login", "admin@evil.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(s.status, 403, "{}", s.body);
    escaped(&s, "authorize: refused");
    let code = person
        .authorize(
            &format!("/restapi/oauth/authorize?{query}"),
            "admin@evil.test",
            PASSWORD,
        )
        .await;
    assert!(code.starts_with("https://agent.example/cb?code="), "{code}");

    // The admin portal: the company, people (list, profile, a new one), the apps people
    // authorized, and the outbox that quotes names.
    let portal = app.browser();
    sign_in(&portal, "/admin/signin", "admin@evil.test").await;
    let added = portal
        .post(
            "/admin/users",
            &[
                ("firstName", &evil("New")),
                ("lastName", &evil("Person")),
                ("email", "new@evil.test"),
                ("credentials", "activation"),
            ],
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    escaped(&added, "portal: user added");
    let wrong = portal
        .post(
            "/admin/users",
            &[
                ("firstName", &evil("Odd")),
                ("email", &evil("not-an-email")),
                ("extensionNumber", &evil("x")),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    escaped(&wrong, "portal: Add User with errors");
    for path in [
        "/admin/users".to_string(),
        format!("/admin/users/{}", admin.id),
        "/admin/apps".to_string(),
        "/admin/outbox".to_string(),
        format!("/admin/users?search={}", enc(SCRIPT)),
    ] {
        let p = portal.get(&path).await;
        assert_eq!(p.status, 200, "{path}: {}", p.body);
        escaped(&p, &path);
    }
}
