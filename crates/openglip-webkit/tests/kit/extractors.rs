//! The extractors on a router, without a network: CSRF (missing, mismatched, cross-origin,
//! `Origin: null`, the header for `fetch`), sessions and roles refused as pages and as JSON, a
//! storage that fails, new session ids at sign-in, cookie names, and the assets' `ETag`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use openglip_webkit::{
    Allowed, ApiAllowed, ApiSession, Csrf, CsrfForm, CsrfVerified, Kit, Refusal, Role, Session,
    SessionId, Sessions, StorageError, end_session, html, start_session,
};
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

#[derive(Clone, Debug)]
struct User {
    name: String,
    admin: bool,
}

#[derive(Clone, Default)]
struct App {
    sessions: Arc<Mutex<HashMap<SessionId, (User, SystemTime)>>>,
    broken: Arc<AtomicBool>,
}

impl Sessions<User> for App {
    const COOKIE: &'static str = "session";
    const SIGN_IN: &'static str = "/signin";
    const BEARER: bool = true;

    async fn load_session(
        &self,
        id: SessionId,
        now: SystemTime,
    ) -> Result<Option<User>, StorageError> {
        if self.broken.load(Ordering::SeqCst) {
            return Err(StorageError::new("disk on fire"));
        }
        let m = self.sessions.lock().unwrap();
        Ok(m.get(&id).filter(|(_, t)| *t > now).map(|(u, _)| u.clone()))
    }
    async fn save_session(
        &self,
        id: SessionId,
        u: &User,
        until: SystemTime,
    ) -> Result<(), StorageError> {
        self.sessions.lock().unwrap().insert(id, (u.clone(), until));
        Ok(())
    }
    async fn delete_session(&self, id: SessionId) -> Result<(), StorageError> {
        self.sessions.lock().unwrap().remove(&id);
        Ok(())
    }
}

struct Admin(User);

impl Role for Admin {
    type User = User;
    const REFUSAL: &'static str = "Only administrators may <look>.";
    fn admit(u: User) -> Option<Self> {
        u.admin.then_some(Admin(u))
    }
}

/// The app's own JSON error body.
#[derive(Serialize)]
struct Oops {
    code: &'static str,
    status: u16,
    text: String,
}

#[derive(Deserialize, Serialize)]
struct Echo {
    name: String,
    #[serde(default)]
    tags: Vec<String>,
}

fn kit() -> Kit {
    Kit::new("Test", "t_").json_errors(|r: &Refusal| Oops {
        code: r.code(),
        status: r.status().as_u16(),
        text: r.message(),
    })
}

fn router(app: App, kit: &Kit) -> Router {
    let routes = Router::new()
        .route(
            "/form",
            get(|csrf: Csrf| async move { html! { form { (csrf.field()) } }.into_string() }),
        )
        .route(
            "/form",
            post(|CsrfForm(e): CsrfForm<Echo>| async move { Json(e) }),
        )
        .route(
            "/fetch",
            post(|_: CsrfVerified| async { StatusCode::NO_CONTENT }),
        )
        .route(
            "/page",
            get(|s: Session<User>| async move { format!("hello {}", s.user.name) }),
        )
        .route(
            "/admin",
            get(|Allowed(Admin(u)): Allowed<Admin>| async move { u.name }),
        )
        .route(
            "/api/me",
            get(|s: ApiSession<User>| async move { s.user.name }),
        )
        .route(
            "/api/me",
            post(|s: ApiSession<User>| async move { s.user.name }),
        )
        .route(
            "/api/admin",
            get(|ApiAllowed(Admin(u)): ApiAllowed<Admin>| async move { u.name }),
        );
    kit.apply(routes).with_state(app)
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(r: &Router, req: Request<Body>) -> Answer {
    let resp = r.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn req(method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "app.test")
}

/// A body-less request carrying `cookie`.
fn with_cookie(method: &str, uri: &str, cookie: &str) -> Request<Body> {
    req(method, uri)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap()
}

fn form(cookie: &str) -> axum::http::request::Builder {
    req("POST", "/form")
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
}

const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const OTHER: &str = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

#[tokio::test]
async fn a_page_gets_a_token_and_its_cookie() {
    let r = router(App::default(), &kit());
    let a = send(&r, req("GET", "/form").body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, 200);
    let set = a.headers["set-cookie"].to_str().unwrap();
    assert!(
        set.starts_with("t_csrf="),
        "named by the app's prefix: {set}"
    );
    assert!(set.contains("HttpOnly; SameSite=Lax"));
    let token = set.trim_start_matches("t_csrf=").split(';').next().unwrap();
    assert!(a.body.contains(&format!(
        r#"<input type="hidden" name="_csrf" value="{token}">"#
    )));

    // A browser that has one keeps it, and gets no new cookie.
    let b = send(
        &r,
        req("GET", "/form")
            .header("cookie", format!("t_csrf={TOKEN}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(b.headers.get("set-cookie").is_none());
    assert!(b.body.contains(TOKEN));
}

#[tokio::test]
async fn a_form_post_is_checked_before_the_handler() {
    let r = router(App::default(), &kit());
    let ok_body = format!("name=Ann&tags=a&tags=b&_csrf={TOKEN}");
    let ok = send(
        &r,
        form(&format!("t_csrf={TOKEN}"))
            .header("origin", "http://app.test")
            .body(Body::from(ok_body.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(
        ok.body, r#"{"name":"Ann","tags":["a","b"]}"#,
        "repeated fields read into a Vec"
    );

    let refused = [
        (
            "no token in the form",
            format!("t_csrf={TOKEN}"),
            "name=Ann".to_string(),
            None,
        ),
        (
            "another token",
            format!("t_csrf={TOKEN}"),
            format!("name=Ann&_csrf={OTHER}"),
            None,
        ),
        (
            "no cookie",
            String::new(),
            format!("name=Ann&_csrf={TOKEN}"),
            None,
        ),
        (
            "another site",
            format!("t_csrf={TOKEN}"),
            ok_body.clone(),
            Some("http://evil.test"),
        ),
        (
            "another port of this host",
            format!("t_csrf={TOKEN}"),
            ok_body.clone(),
            Some("http://app.test:8081"),
        ),
        (
            "Origin: null",
            format!("t_csrf={TOKEN}"),
            ok_body.clone(),
            Some("null"),
        ),
    ];
    for (why, cookie, body, origin) in refused {
        let mut b = form(&cookie);
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        let a = send(&r, b.body(Body::from(body)).unwrap()).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{why}");
        assert!(
            a.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{why}: a page"
        );
        assert!(a.body.contains("Form expired"), "{why}: {}", a.body);
        assert_eq!(a.headers["x-frame-options"], "DENY");
    }

    // A form that does not fit the type is a 400 page, not a 500.
    let body = format!("tags=a&_csrf={TOKEN}");
    let bad = send(
        &r,
        form(&format!("t_csrf={TOKEN}"))
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("The form could not be read"),
        "{}",
        bad.body
    );
}

#[tokio::test]
async fn a_script_sends_the_token_as_a_header() {
    let r = router(App::default(), &kit());
    let cookie = format!("t_csrf={TOKEN}");
    // A form sent by fetch: the header instead of the field.
    let a = send(
        &r,
        form(&cookie)
            .header("x-csrf-token", TOKEN)
            .body(Body::from("name=Ann"))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    // Its refusal is JSON in the app's body, since a script asked.
    let b = send(
        &r,
        form(&cookie)
            .header("x-csrf-token", OTHER)
            .body(Body::from("name=Ann"))
            .unwrap(),
    )
    .await;
    assert_eq!(b.status, 403);
    assert_eq!(
        b.body,
        r#"{"code":"CsrfMismatch","status":403,"text":"This form has expired. Go back, reload the page and try again."}"#
    );

    // No form at all: the header alone.
    let fetch = |token: &str, origin: &str| {
        req("POST", "/fetch")
            .header("cookie", &cookie)
            .header("x-csrf-token", token)
            .header("origin", origin)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(send(&r, fetch(TOKEN, "http://app.test")).await.status, 204);
    assert_eq!(send(&r, fetch(OTHER, "http://app.test")).await.status, 403);
    let null = send(&r, fetch(TOKEN, "null")).await;
    assert_eq!(null.status, 403);
    assert!(null.body.contains("CrossOrigin"));
    let none = send(&r, with_cookie("POST", "/fetch", &cookie)).await;
    assert_eq!(none.status, 403);
}

#[tokio::test]
async fn with_a_public_url_the_origin_must_be_exactly_it() {
    let kit = kit().public_url(Some("https://notes.example"));
    let r = router(App::default(), &kit);
    let body = format!("name=Ann&_csrf={TOKEN}");
    let post = |origin: &'static str| {
        form(&format!("t_csrf={TOKEN}"))
            .header("origin", origin)
            .body(Body::from(body.clone()))
            .unwrap()
    };
    assert_eq!(send(&r, post("https://notes.example")).await.status, 200);
    assert_eq!(
        send(&r, post("https://NOTES.example:443")).await.status,
        200
    );
    assert_eq!(
        send(&r, post("http://notes.example")).await.status,
        403,
        "another scheme"
    );
    assert_eq!(
        send(&r, post("https://notes.example.evil")).await.status,
        403
    );
    // Its cookies are Secure.
    let a = send(&r, req("GET", "/form").body(Body::empty()).unwrap()).await;
    assert!(
        a.headers["set-cookie"]
            .to_str()
            .unwrap()
            .ends_with("; Secure")
    );
}

async fn signed_in(app: &App, kit: &Kit, user: User) -> String {
    let c = start_session(app, kit, &axum::http::HeaderMap::new(), &user)
        .await
        .unwrap();
    assert_eq!(c.name(), "t_session");
    c.value().to_string()
}

#[tokio::test]
async fn sessions_are_refused_as_pages_and_as_json() {
    let (app, kit) = (App::default(), kit());
    let r = router(app.clone(), &kit);

    let page = send(&r, req("GET", "/page?x=1").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers["location"], "/signin?next=%2Fpage%3Fx%3D1");
    // The page's own script asking: JSON 401 (it reloads), not a redirect it cannot follow.
    let fetch = send(
        &r,
        req("GET", "/page")
            .header("x-requested-with", "fetch")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(fetch.status, 401);
    let api = send(&r, req("GET", "/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(api.status, 401);
    assert_eq!(
        api.body,
        r#"{"code":"SignInRequired","status":401,"text":"Sign in to continue."}"#
    );
    let unknown = send(
        &r,
        req("GET", "/page")
            .header("cookie", format!("t_session={TOKEN}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        unknown.status,
        StatusCode::SEE_OTHER,
        "an unknown session is no session"
    );

    let token = signed_in(
        &app,
        &kit,
        User {
            name: "Ann".into(),
            admin: false,
        },
    )
    .await;
    let cookie = format!("t_session={token}");
    let ok = send(&r, with_cookie("GET", "/page", &cookie)).await;
    assert_eq!((ok.status, ok.body.as_str()), (StatusCode::OK, "hello Ann"));
    let bearer = send(
        &r,
        req("GET", "/api/me")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        bearer.body, "Ann",
        "JSON APIs take the token as a bearer when the app says so"
    );
    // Another app's session cookie on the same host is not ours.
    let other = send(
        &r,
        req("GET", "/api/me")
            .header("cookie", format!("og_session={token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(other.status, 401);

    // A JSON change by cookie must come from this origin; by bearer it carries no ambient
    // credential.
    let change = |auth: (&'static str, String), origin: &'static str| {
        req("POST", "/api/me")
            .header(auth.0, auth.1)
            .header("origin", origin)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        send(&r, change(("cookie", cookie.clone()), "http://app.test"))
            .await
            .status,
        200
    );
    let cross = send(&r, change(("cookie", cookie.clone()), "http://evil.test")).await;
    assert_eq!(cross.status, 403);
    assert!(cross.body.contains("CrossOrigin"));
    assert_eq!(
        send(
            &r,
            change(
                ("authorization", format!("Bearer {token}")),
                "http://evil.test"
            )
        )
        .await
        .status,
        200
    );

    // A storage that fails is a 503, never "signed out".
    app.broken.store(true, Ordering::SeqCst);
    let down = send(&r, with_cookie("GET", "/page", &cookie)).await;
    assert_eq!(down.status, 503);
    assert!(down.body.contains("Temporarily unavailable"));
    let down = send(&r, with_cookie("GET", "/api/me", &cookie)).await;
    assert_eq!(down.status, 503);
    assert!(down.body.contains(r#""code":"Unavailable""#));
}

#[tokio::test]
async fn roles_are_refused_as_a_403_page_or_json() {
    let (app, kit) = (App::default(), kit());
    let r = router(app.clone(), &kit);
    let ann = format!(
        "t_session={}",
        signed_in(
            &app,
            &kit,
            User {
                name: "Ann".into(),
                admin: false
            }
        )
        .await
    );
    let root = format!(
        "t_session={}",
        signed_in(
            &app,
            &kit,
            User {
                name: "Root".into(),
                admin: true
            }
        )
        .await
    );
    let get = |path: &'static str, cookie: &str| with_cookie("GET", path, cookie);

    let page = send(&r, get("/admin", &ann)).await;
    assert_eq!(page.status, 403);
    assert!(
        page.body.contains("Only administrators may &lt;look&gt;."),
        "escaped on the page: {}",
        page.body
    );
    let json = send(&r, get("/api/admin", &ann)).await;
    assert_eq!(json.status, 403);
    assert!(json.body.contains(r#""code":"Forbidden""#) && json.body.contains("may <look>"));
    assert_eq!(send(&r, get("/admin", &root)).await.body, "Root");
    assert_eq!(send(&r, get("/api/admin", &root)).await.body, "Root");
    // Not signed in at all: sign in first, not 403.
    let anon = send(&r, req("GET", "/admin").body(Body::empty()).unwrap()).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(
        send(&r, req("GET", "/api/admin").body(Body::empty()).unwrap())
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn each_sign_in_is_a_new_session_and_sign_out_ends_it() {
    let (app, kit) = (App::default(), kit());
    let first = signed_in(
        &app,
        &kit,
        User {
            name: "Ann".into(),
            admin: false,
        },
    )
    .await;
    let mut h = axum::http::HeaderMap::new();
    h.insert("cookie", format!("t_session={first}").parse().unwrap());
    let second = start_session(
        &app,
        &kit,
        &h,
        &User {
            name: "Ann".into(),
            admin: false,
        },
    )
    .await
    .unwrap();
    assert_ne!(second.value(), first, "a new id at every sign-in");
    assert!(
        !app.sessions
            .lock()
            .unwrap()
            .contains_key(&SessionId::of(&first)),
        "the old one ended"
    );
    assert!(
        app.sessions
            .lock()
            .unwrap()
            .contains_key(&SessionId::of(second.value())),
        "stored by hash"
    );

    h.insert(
        "cookie",
        format!("t_session={}", second.value()).parse().unwrap(),
    );
    let cleared = end_session::<User, _>(&app, &kit, &h).await.unwrap();
    assert_eq!(
        cleared.header_value(),
        "t_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    );
    assert!(app.sessions.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_kit_serves_its_assets_with_an_etag() {
    let r = router(App::default(), &kit());
    for (path, ct) in [
        ("/assets/openglip.css", "text/css"),
        ("/assets/openglip.js", "text/javascript"),
    ] {
        let a = send(&r, req("GET", path).body(Body::empty()).unwrap()).await;
        assert_eq!(a.status, 200);
        assert!(a.headers["content-type"].to_str().unwrap().starts_with(ct));
        assert_eq!(a.headers["cache-control"], "no-cache");
        let tag = a.headers["etag"].clone();
        let b = send(
            &r,
            req("GET", path)
                .header("if-none-match", tag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(b.status, 304, "{path}");
        assert!(b.body.is_empty());
    }
}

#[tokio::test]
async fn a_router_without_the_kit_fails_loudly() {
    let r: Router = Router::new().route(
        "/form",
        get(|csrf: Csrf| async move { csrf.token().to_string() }),
    );
    let a = send(&r, req("GET", "/form").body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, 500);
}
