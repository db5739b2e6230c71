//! The Notes example against the real platform: "Sign in with openglip" (authorization code +
//! PKCE + state) through the platform's sign-in and Access Request pages, a page with a form and
//! a table, a role, the JSON API, and each way a sign-in can fail.

use openglip_webkit::Kit;
use openglip_webkit::signin::PlatformSignIn;

use crate::browser::{Browser, Page};
use crate::notes_app::{Notes, router};
use crate::platform::{PASSWORD, Platform};

struct World {
    platform: Platform,
    app: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Serves Notes on a free port, registered on `platform` (or pointed at a dead platform URL).
async fn notes(platform: Platform, platform_url: Option<&str>) -> World {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = format!("http://{}", listener.local_addr().unwrap());
    let acme = platform.company().await;
    let callback = format!("{app}/auth/callback");
    let (id, secret) = platform.app(&acme, &callback).await;
    let sign_in = PlatformSignIn::new(
        platform_url.unwrap_or(&platform.base),
        &id,
        Some(secret),
        &callback,
    )
    .unwrap();
    let kit = Kit::new("openglip Notes", "notes_").public_url(Some(&app));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let routes = router(Notes::new(kit, sign_in));
    tokio::spawn(async move {
        axum::serve(listener, routes)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
            .unwrap();
    });
    World {
        platform,
        app,
        _stop: tx,
    }
}

impl World {
    async fn new() -> World {
        notes(Platform::start().await, None).await
    }

    /// Opens Notes, is sent to the platform, signs in as `login` and answers the Access Request
    /// with `decision`; returns the page the platform sends back to (the app's callback).
    async fn to_platform_and_back(&self, b: &Browser, login: &str, decision: &str) -> String {
        let home = b.get(&format!("{}/", self.app)).await;
        assert_eq!(home.status, 303, "not signed in: to sign in");
        assert_eq!(home.location.as_deref(), Some("/auth/signin?next=%2F"));
        let start = b.get(&format!("{}/auth/signin?next=%2F", self.app)).await;
        assert_eq!(start.status, 303);
        let authorize = start.location.unwrap();
        assert!(
            authorize.starts_with(&format!("{}/restapi/oauth/authorize?", self.platform.base)),
            "{authorize}"
        );
        for p in [
            "response_type=code",
            "state=",
            "code_challenge=",
            "code_challenge_method=S256",
        ] {
            assert!(authorize.contains(p), "{p} in {authorize}");
        }
        assert!(
            start.set_cookies[0]
                .contains("Path=/auth/callback; HttpOnly; SameSite=Lax; Max-Age=600")
        );

        let signin = b.get(&authorize).await;
        assert_eq!(signin.status, 200, "{}", signin.body);
        let base = &self.platform.base;
        let consent_path = if signin.has(r#"name="login""#) {
            let s = b
                .post(
                    &format!("{base}/oauth/signin"),
                    base,
                    "og_csrf",
                    &[
                        ("q", &signin.input("q")),
                        ("login", login),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            assert_eq!(s.status, 303, "{}", s.body);
            s.location.unwrap()
        } else {
            // Signed in on the platform already: "Continue as …".
            let at = signin
                .body
                .find(r#"href="/oauth/consent?"#)
                .expect("Continue as")
                + 6;
            let end = signin.body[at..].find('"').unwrap() + at;
            crate::browser::unescape(&signin.body[at..end])
        };
        let consent = b.get(&format!("{base}{consent_path}")).await;
        assert!(consent.has("Notes"), "the Access Request names the app");
        let d = b
            .post(
                &format!("{base}/oauth/consent"),
                base,
                "og_csrf",
                &[("q", &consent.input("q")), ("decision", decision)],
            )
            .await;
        assert!(matches!(d.status, 302 | 303), "{}", d.body);
        let back = d.location.unwrap();
        assert!(
            back.starts_with(&format!("{}/auth/callback?", self.app)),
            "{back}"
        );
        back
    }

    async fn sign_in(&self, b: &Browser, login: &str) -> Page {
        let back = self.to_platform_and_back(b, login, "allow").await;
        let done = b.get(&back).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location.as_deref(), Some("/"));
        assert!(
            done.set_cookies
                .iter()
                .any(|c| c.starts_with("notes_signin=; Path=/auth/callback")),
            "the sign-in cookie is cleared"
        );
        b.get(&format!("{}/", self.app)).await
    }
}

#[tokio::test]
async fn people_sign_in_with_openglip_and_use_a_form_and_a_table() {
    let w = World::new().await;
    let b = Browser::new();
    let home = w.sign_in(&b, "bob.baker@acme.test").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert_eq!(home.content_type, "text/html; charset=utf-8");
    assert!(home.has("Bob Baker"), "who is signed in");
    assert!(home.has("No notes yet"), "the table's empty state");
    assert!(home.has(r#"<a href="/" aria-current="page">Notes</a>"#));
    // The platform's cookies and the app's live side by side on one host.
    let names = b.cookie_names();
    for n in ["og_session", "og_csrf", "notes_session", "notes_csrf"] {
        assert!(names.iter().any(|c| c == n), "{n} in {names:?}");
    }
    assert_ne!(b.cookie("og_session"), b.cookie("notes_session"));

    // A form with an error shows it in place, keeping what was typed.
    let app = &w.app;
    let bad = b
        .post(
            &format!("{app}/notes"),
            app,
            "notes_csrf",
            &[("title", " "), ("body", "keep me"), ("tag", "nope")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.has(r#"<span class="error" id="f-title-err">Give the note a title.</span>"#),
        "{}",
        bad.body
    );
    assert!(bad.has(r#"aria-invalid="true""#) && bad.has(">keep me</textarea>"));
    assert!(
        bad.has(r##"<a href="#f-tag">Choose one of the tags.</a>"##),
        "the summary links to the field"
    );

    // A good one is added and listed, escaped.
    let ok = b
        .post(
            &format!("{app}/notes"),
            app,
            "notes_csrf",
            &[
                ("title", "<img src=x onerror=alert(1)>"),
                ("body", "hi"),
                ("tag", "idea"),
                ("pinned", "on"),
            ],
        )
        .await;
    assert_eq!(
        (ok.status, ok.location.as_deref()),
        (303, Some("/?added=1"))
    );
    let listed = b.get(&format!("{app}/?added=1")).await;
    assert!(listed.has("Your note was added."));
    assert!(listed.has("&lt;img src=x onerror=alert(1)&gt;") && !listed.has("<img src=x"));
    assert!(
        listed.has(r#"data-confirm="delete-1-confirm""#),
        "delete asks first"
    );

    // The JSON API: the session cookie, or 401 in the kit's default error body.
    let api = b.get(&format!("{app}/api/notes")).await;
    assert_eq!(
        (api.status, api.content_type.as_str()),
        (200, "application/json")
    );
    assert!(api.body.contains("\"tag\":\"idea\""), "{}", api.body);
    let anon = Browser::new().get(&format!("{app}/api/notes")).await;
    assert_eq!(anon.status, 401);
    assert_eq!(
        anon.body,
        r#"{"errorCode":"SignInRequired","message":"Sign in to continue."}"#
    );

    // Without the token, or from another origin, nothing is posted.
    let forged = b
        .post_raw(&format!("{app}/notes/1/delete"), Some(app), &[])
        .await;
    assert_eq!(forged.status, 403);
    let token = b.cookie("notes_csrf").unwrap();
    let framed = b
        .post_raw(
            &format!("{app}/notes/1/delete"),
            Some("null"),
            &[("_csrf", &token)],
        )
        .await;
    assert_eq!(framed.status, 403, "Origin: null is cross-origin");
    let deleted = b
        .post(&format!("{app}/notes/1/delete"), app, "notes_csrf", &[])
        .await;
    assert_eq!(deleted.status, 303);
    assert!(b.get(&format!("{app}/")).await.has("No notes yet"));

    // Bob is not an administrator: the role's page is refused; the administrator's is shown.
    let refused = b.get(&format!("{app}/admin")).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.has("Only your company&#39;s administrators")
            || refused.has("Only your company's administrators"),
        "{}",
        refused.body
    );
    let admin = Browser::new();
    w.sign_in(&admin, "admin@acme.test").await;
    let people = admin.get(&format!("{app}/admin")).await;
    assert_eq!(people.status, 200);
    assert!(people.has("Bob Baker") && people.has("Admin Acme") && people.has("Administrator"));

    // Signing out ends the app's session, not the platform's.
    let out = b
        .post(&format!("{app}/signout"), app, "notes_csrf", &[])
        .await;
    assert_eq!(
        (out.status, out.location.as_deref()),
        (303, Some("/signed-out"))
    );
    assert!(b.cookie("notes_session").is_none() && b.cookie("og_session").is_some());
    assert_eq!(b.get(&format!("{app}/")).await.status, 303);
}

#[tokio::test]
async fn a_refused_consent_and_a_forged_state_are_clear_pages() {
    let w = World::new().await;
    let b = Browser::new();
    let back = w
        .to_platform_and_back(&b, "bob.baker@acme.test", "deny")
        .await;
    let denied = b.get(&back).await;
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert!(denied.has("You did not allow openglip Notes to use your openglip account"));
    assert!(
        denied.has(r#"href="/auth/signin?next=%2F""#),
        "a way to try again"
    );
    assert!(b.cookie("notes_session").is_none());

    // Someone else's callback (another state) in this browser signs nobody in.
    let back = w
        .to_platform_and_back(&b, "bob.baker@acme.test", "allow")
        .await;
    let forged = back.replace("state=", "state=x");
    let page = b.get(&forged).await;
    assert_eq!(page.status, 400);
    assert!(page.has("does not belong to the sign-in started in this browser"));
    // The sign-in cookie is spent: the genuine answer no longer works either.
    let again = b.get(&back).await;
    assert_eq!(again.status, 400);
    assert!(again.has("Sign-in expired"));
    assert!(b.cookie("notes_session").is_none());

    // A callback in a browser that never started a sign-in.
    let stranger = Browser::new()
        .get(&format!("{}/auth/callback?code=x&state=y", w.app))
        .await;
    assert_eq!(stranger.status, 400);
}

#[tokio::test]
async fn a_platform_that_does_not_answer_is_a_clear_page() {
    // A port nothing listens on.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let w = notes(Platform::start().await, Some(&dead)).await;
    let b = Browser::new();
    let start = b.get(&format!("{}/auth/signin?next=%2Fadmin", w.app)).await;
    let authorize = start.location.unwrap();
    assert!(authorize.starts_with(&dead));
    let state = authorize
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let page = b
        .get(&format!("{}/auth/callback?code=abc&state={state}", w.app))
        .await;
    assert_eq!(page.status, 502, "{}", page.body);
    assert!(page.has("openglip could not be reached"));
    assert!(
        page.has(r#"href="/auth/signin?next=%2Fadmin""#),
        "try again, back to where it started"
    );
}

#[tokio::test]
async fn a_code_the_platform_refuses_is_a_clear_page() {
    let w = World::new().await;
    let b = Browser::new();
    let back = w
        .to_platform_and_back(&b, "bob.baker@acme.test", "allow")
        .await;
    let state = back
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let wrong = format!("{}/auth/callback?code=not-the-code&state={state}", w.app);
    let page = b.get(&wrong).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.has("openglip did not accept the sign-in"));
    assert!(b.cookie("notes_session").is_none());
}
