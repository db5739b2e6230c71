//! The pages, through a browser that keeps cookies and sends forms with their CSRF token: the
//! first sign-up owns the app (and is the only one), the dialog editor shows errors at their
//! lines and saves nothing, Publish, Talk to agent, utterance testing with scores, a transcript
//! as a test, the channel's Configurations refusing bad input in place, forged forms refused.

use openglip_agents::{App, Config};
use openglip_testkit::{Browser, Page};

struct Running {
    base: String,
    app: App,
    _dir: tempfile::TempDir,
}

async fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // No platform is needed for these pages (a closed port stands for it).
    let app = App::open(Config::new("http://127.0.0.1:9", &base, dir.path())).unwrap();
    let serving = app.clone();
    tokio::spawn(
        async move { openglip_agents::serve(listener, serving, std::future::pending()).await },
    );
    Running {
        base,
        app,
        _dir: dir,
    }
}

async fn post(b: &Browser, r: &Running, path: &str, fields: &[(&str, &str)]) -> Page {
    b.post_from(path, &r.base, "agents_csrf", fields).await
}

async fn signed_up(r: &Running) -> Browser {
    let b = Browser::new(&r.base);
    assert_eq!(b.get("/").await.location.as_deref(), Some("/signup"));
    b.get("/signup").await;
    let p = post(
        &b,
        r,
        "/signup",
        &[
            ("email", "owner@agents.test"),
            ("name", "Owner"),
            ("password", "owner-password"),
        ],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    b
}

#[tokio::test]
async fn the_first_sign_up_owns_the_app_and_cookies_are_its_own() {
    let r = start().await;
    let b = signed_up(&r).await;
    assert!(
        b.cookie("agents_session").is_some(),
        "cookies are named apart from the platform's"
    );
    assert!(b.cookie("og_session").is_none());
    // A second sign-up is refused; sign-in works, a wrong password is refused in place.
    let other = Browser::new(&r.base);
    assert_eq!(
        other.get("/signup").await.location.as_deref(),
        Some("/signin")
    );
    other.get("/signin").await;
    let p = post(
        &other,
        &r,
        "/signup",
        &[
            ("email", "eve@agents.test"),
            ("name", "Eve"),
            ("password", "eve-password"),
        ],
    )
    .await;
    assert_eq!(p.status, 403, "{}", p.body);
    let p = post(
        &other,
        &r,
        "/signin",
        &[
            ("email", "owner@agents.test"),
            ("password", "wrong-password"),
        ],
    )
    .await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("The e-mail address or the password is wrong."),
        "{}",
        p.body
    );
    let p = post(
        &other,
        &r,
        "/signin",
        &[
            ("email", "owner@agents.test"),
            ("password", "owner-password"),
        ],
    )
    .await;
    assert_eq!(p.status, 303);
    // Signed out, pages send people to sign in.
    let anon = Browser::new(&r.base);
    let p = anon.get("/agents").await;
    assert_eq!(p.status, 303);
    assert!(p.location.unwrap().starts_with("/signin"));
}

#[tokio::test]
async fn the_editor_shows_errors_at_their_lines_and_saves_nothing_then_publish_and_talk() {
    let r = start().await;
    let b = signed_up(&r).await;
    b.get("/agents").await;
    let p = post(&b, &r, "/agents", &[("name", ""), ("template", "travel")]).await;
    assert_eq!(p.status, 400);
    assert!(p.has("Give the agent a name."));
    let p = post(
        &b,
        &r,
        "/agents",
        &[("name", "Travel Assistant"), ("template", "travel")],
    )
    .await;
    let agent = p.location.unwrap();
    let id: i64 = agent.rsplit('/').next().unwrap().parse().unwrap();
    let before = r.app.store().agent(id).await.unwrap().draft;

    let broken = "agent: Broken\ngreeting: Hi\ntasks:\n  - name: t\n    title: T\n    intent: { commands: [t] }\n    nodes:\n      - id: a\n        message: Hello {{nobody}}\n        next: nowhere\n";
    let p = post(&b, &r, &agent, &[("source", broken)]).await;
    assert_eq!(p.status, 400);
    assert!(p.has("nothing was saved"), "{}", p.body);
    assert!(
        p.has("Line 9: </strong>") || p.has("Line 9: "),
        "{}",
        p.body
    );
    assert!(p.has("is not a slot or variable of the task"));
    assert!(p.has("Line 10: "));
    assert_eq!(
        r.app.store().agent(id).await.unwrap().draft,
        before,
        "nothing half-saved"
    );

    // Talk to agent: the draft answers, no channel needed.
    let p = post(&b, &r, &format!("{agent}/talk"), &[("message", "Hello")]).await;
    assert_eq!(p.status, 303);
    let p = b.get(&agent).await;
    assert!(
        p.has("I&#39;m the Travel Assistant") || p.has("I'm the Travel Assistant"),
        "{}",
        p.body
    );
    post(
        &b,
        &r,
        &format!("{agent}/talk"),
        &[("message", "book a flight from Boston to Denver")],
    )
    .await;
    let p = b.get(&agent).await;
    assert!(p.has("What date would you like to fly?"), "{}", p.body);

    // Utterance testing: the decision, why, and every task's score.
    let p = b
        .get(&format!("{agent}?utterance=I+need+a+plane+ticket"))
        .await;
    assert!(p.has("starts book_flight"), "{}", p.body);
    assert!(
        p.has("Check a booking") && p.has("similarity") && p.has("1.00"),
        "{}",
        p.body
    );

    // The panel's transcript as a conversation test that passes.
    let p = b
        .get(&format!(
            "{agent}/transcripts/test?channel=talk&chat=panel&person=1"
        ))
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let file = openglip_agents::testing::TestFile::parse(&p.body).unwrap();
    assert_eq!(file.agent, "Travel Assistant");
    let (_, draft) = r.app.draft(id).await.unwrap();
    let services = openglip_agents::HttpServices::new(Some(r.base.clone()));
    let outcomes = openglip_agents::testing::run(&draft, &file, &services).await;
    assert!(outcomes[0].failure.is_none(), "{:?}", outcomes[0].failure);

    // Publish: the published version is what the channel answers with.
    assert!(r.app.published(id).await.unwrap().is_none());
    let p = post(&b, &r, &format!("{agent}/publish"), &[]).await;
    assert_eq!(p.status, 303);
    assert_eq!(r.app.published(id).await.unwrap().unwrap().0, 1);
    assert!(b.get(&agent).await.has("Published v1"));
}

#[tokio::test]
async fn the_channel_page_refuses_bad_input_in_place_and_forged_forms() {
    let r = start().await;
    let b = signed_up(&r).await;
    b.get("/agents").await;
    let p = post(
        &b,
        &r,
        "/agents",
        &[("name", "Helper"), ("template", "blank")],
    )
    .await;
    let agent = p.location.unwrap();
    let page = format!("{agent}/channels/glip");
    let p = b.get(&page).await;
    for label in [
        "Configurations",
        "OAuth Redirect URI",
        "Application Key",
        "Application Secret",
        "RingCentral Environment",
        "Sandbox",
        "Production",
        "Authorize",
        "Enable Channel",
        "Save",
    ] {
        assert!(p.has(label), "{label}");
    }
    // Authorize before the credentials are saved, enable before authorizing: said in place.
    let p = post(&b, &r, &format!("{page}/authorize"), &[]).await;
    assert_eq!(p.status, 400);
    assert!(p.has("Save the Application Key and Application Secret first."));
    let p = post(&b, &r, &format!("{page}/enable"), &[("enabled", "yes")]).await;
    assert_eq!(p.status, 400);
    assert!(p.has("Authorize the channel before enabling it."));
    let p = post(
        &b,
        &r,
        &page,
        &[
            ("app_key", "k"),
            ("app_secret", "s"),
            ("environment", "moon"),
            ("sandbox_url", "ftp://x"),
        ],
    )
    .await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("Choose Sandbox or Production.")
            && p.has("A platform URL starts with http:// or https://.")
    );
    let id: i64 = agent.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        r.app.store().channel(id).await.unwrap().app_key,
        "",
        "nothing saved"
    );
    // A form from another origin, or without the token, changes nothing.
    let p = b
        .post_from(
            &page,
            "http://evil.example",
            "agents_csrf",
            &[
                ("app_key", "k"),
                ("app_secret", "s"),
                ("environment", "sandbox"),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    let p = post(
        &b,
        &r,
        &page,
        &[
            ("_csrf", "forged-token-forged-token-forged"),
            ("app_key", "k"),
            ("app_secret", "s"),
            ("environment", "sandbox"),
        ],
    )
    .await;
    assert_eq!(p.status, 403);
    assert_eq!(r.app.store().channel(id).await.unwrap().app_key, "");
    // Saved, and the Authorize form may go on to the platform (the page's CSP).
    let p = post(
        &b,
        &r,
        &page,
        &[
            ("app_key", "k"),
            ("app_secret", "s"),
            ("environment", "sandbox"),
        ],
    )
    .await;
    assert_eq!(p.status, 303);
    let p = post(&b, &r, &format!("{page}/authorize"), &[]).await;
    assert_eq!(p.status, 303);
    assert!(
        p.location.unwrap().starts_with(
            "http://127.0.0.1:9/restapi/oauth/authorize?response_type=code&client_id=k"
        )
    );
    // A callback with a forged state is refused.
    let stream = r.app.store().agent(id).await.unwrap().stream_id;
    let p = b
        .get(&format!(
            "/channels/glip/oauth/{stream}?code=c&state=forged"
        ))
        .await;
    assert_eq!(p.status, 403);
    assert!(p.has("click Authorize again"), "{}", p.body);
}
