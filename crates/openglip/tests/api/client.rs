//! The web client at `/`: sign-in, who sees what, the forms and the fragments its script uses,
//! unread counts, paging, team management. (The browser test `tests/browser/client.mjs` drives
//! the same pages with two people in Chromium, live over the WebSocket.)

use serde_json::{Value, json};

use crate::helpers::*;
use crate::web::*;

/// A browser signed in to the web client as `email`.
pub(crate) async fn signed_in(app: &TestApp, email: &str) -> Browser {
    let b = app.browser();
    let p = b.get("/").await;
    assert_eq!(p.status, 200);
    assert!(p.has("name=\"password\""), "sign-in form: {}", p.body);
    let p = b
        .post("/signin", &[("login", email), ("password", PASSWORD)])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/"));
    b
}

/// How many posts the chat `chat` holds, as Alice reads it through the API.
pub(crate) async fn post_count(w: &World, chat: &str) -> usize {
    let (_, list) = w
        .app
        .get(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &w.alice.token,
        )
        .await;
    list["records"].as_array().unwrap().len()
}

async fn api_post(w: &World, user: &User, chat: &str, text: &str) -> String {
    let (s, b) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{chat}/posts"),
            &user.token,
            json!({ "text": text }),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_str().unwrap().to_string()
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[tokio::test]
async fn signing_in_opens_the_rail_and_bad_passwords_are_refused() {
    let w = World::new().await;
    let b = w.app.browser();
    b.get("/").await;
    let p = b
        .post(
            "/signin",
            &[("login", &w.alice.email), ("password", "wrong")],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.has("The login or password is incorrect"));
    assert!(b.cookie("og_session").is_none());

    let b = signed_in(&w.app, &w.alice.email).await;
    let p = b.get("/").await;
    assert_eq!(p.status, 200);
    for section in ["Direct Messages", "Teams", "Groups", "Personal"] {
        assert!(p.has(section), "{section} missing");
    }
    assert!(p.has("href=\"/manifest.webmanifest\""));
    assert!(p.has("/assets/client.js"));
    let csp = reqwest::get(w.app.url("/")).await.unwrap();
    assert!(
        csp.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );

    // The script and stylesheets are kept by the browser and revalidated.
    for asset in [
        "/assets/client.js",
        "/assets/client.css",
        "/assets/openglip.css",
    ] {
        let r = reqwest::get(w.app.url(asset)).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["cache-control"], "no-cache");
        let tag = r.headers()["etag"].to_str().unwrap().to_string();
        let again = reqwest::Client::new()
            .get(w.app.url(asset))
            .header("if-none-match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{asset}");
        assert!(again.text().await.unwrap().is_empty());
    }

    // Signing out ends the session.
    let p = b.post("/signout", &[]).await;
    assert_eq!(p.status, 303);
    assert!(b.get("/").await.has("name=\"password\""));
}

/// A developer's sandbox is a company of its own: its people see "Sandbox" on the rail, the
/// people of a real company do not.
#[tokio::test]
async fn the_rail_labels_a_sandbox_company() {
    let w = World::new().await;
    let tag = r#"<span class="envtag warn">Sandbox</span>"#;
    let alice = signed_in(&w.app, &w.alice.email).await;
    let home = alice.get("/").await;
    assert_eq!(home.status, 200);
    assert!(!home.has(tag), "{}", home.body);

    let (sandbox, _) = w
        .app
        .state()
        .platform()
        .create_sandbox(&w.bob.ext, "sandbox-password")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let b = w.app.browser();
    b.get("/").await;
    let login = format!("{}*101", sandbox.main_number);
    let p = b
        .post(
            "/signin",
            &[("login", &login), ("password", "sandbox-password")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.has(tag), "{}", home.body);
}

#[tokio::test]
async fn people_see_only_the_chats_they_belong_to() {
    let w = World::new().await;
    let team = w.team("Secret plans", false, &[&w.bob]).await;
    let post = api_post(&w, &w.alice, &team, "the plan").await;

    let bob = signed_in(&w.app, &w.bob.email).await;
    let p = bob.get(&format!("/c/{team}")).await;
    assert_eq!(p.status, 200);
    assert!(p.has("the plan"));

    for who in [&w.carol.email, &w.eve.email] {
        let b = signed_in(&w.app, who).await;
        let p = b.get(&format!("/c/{team}")).await;
        assert_eq!(p.status, 404, "{who} sees the page");
        assert!(!p.has("the plan"));
        let (p, _) = b.fetch_get(&format!("/c/{team}/posts?before=999999")).await;
        assert_eq!(p.status, 404);
        let (p, _) = b.fetch_get(&format!("/c/{team}/posts/{post}")).await;
        assert_eq!(p.status, 404);
        let p = b
            .fetch_post(&format!("/c/{team}/posts"), &[("text", "let me in")])
            .await;
        assert_eq!(p.status, 404, "{}", p.body);
        let v: Value = serde_json::from_str(&p.body).unwrap();
        assert!(v["errorCode"].is_string() && v["errors"].is_array(), "{v}");
        let p = b.fetch_post(&format!("/c/{team}/details"), &[]).await;
        assert_ne!(p.status, 200);
    }
    // Nothing was posted by the outsiders.
    assert_eq!(post_count(&w, &team).await, 1);
}

#[tokio::test]
async fn forms_need_the_csrf_token_and_this_origin() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let b = signed_in(&w.app, &w.alice.email).await;
    let p = b
        .post(
            &format!("/c/{team}/posts"),
            &[("_csrf", "forged-token-forged-token"), ("text", "x")],
        )
        .await;
    assert_eq!(p.status, 403);
    let http = reqwest::Client::new();
    let r = http
        .post(w.app.url(&format!("/c/{team}/posts")))
        .header(
            "cookie",
            format!(
                "og_session={}; og_csrf=tok",
                b.cookie("og_session").unwrap()
            ),
        )
        .header("x-csrf-token", "tok")
        .header("origin", "https://evil.example")
        .form(&[("text", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(post_count(&w, &team).await, 0, "nothing was posted");
}

#[tokio::test]
async fn posting_replying_editing_and_deleting_from_the_client() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let alice = signed_in(&w.app, &w.alice.email).await;

    // Without script: a form post, then back to the conversation.
    let p = alice
        .post(&format!("/c/{team}/posts"), &[("text", "plain form post")])
        .await;
    assert_eq!(p.status, 303);
    assert!(p.location.unwrap().starts_with(&format!("/c/{team}#p-")));

    // With script: the fragment of the new post.
    let mention = format!("Hi ![:Person]({}), **look** at <b>this</b>", w.bob.id());
    let p = alice
        .fetch_post(&format!("/c/{team}/posts"), &[("text", &mention)])
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert!(p.body.starts_with("<li class=\"post mine"));
    assert!(p.has("<strong>look</strong>"));
    assert!(
        p.has("@Bob Baker"),
        "mention rendered as a name: {}",
        p.body
    );
    assert!(p.has("&lt;b&gt;this&lt;/b&gt;"), "markup is escaped");
    let id = p
        .body
        .split("data-id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    // The platform sees the same post, with the mention.
    let (_, got) = w
        .app
        .get(
            &format!("/team-messaging/v1/chats/{team}/posts/{id}"),
            &w.bob.token,
        )
        .await;
    assert_eq!(got["text"], mention);
    assert_eq!(got["mentions"][0]["id"], w.bob.id());

    // Bob replies: the reply names its parent.
    let bob = signed_in(&w.app, &w.bob.email).await;
    let p = bob
        .fetch_post(
            &format!("/c/{team}/posts"),
            &[("text", "on it"), ("parent", &id)],
        )
        .await;
    assert_eq!(p.status, 201);
    assert!(p.has("class=\"replyto\""));
    assert!(p.has(&format!("/c/{team}/t/{id}")));
    let thread = bob.get(&format!("/c/{team}/t/{id}")).await;
    assert_eq!(thread.status, 200);
    assert!(thread.has("on it") && thread.has("look"));
    assert!(!thread.has("plain form post"));

    // Only the author edits; the edit shows.
    let p = bob
        .fetch_post(
            &format!("/c/{team}/posts/{id}/edit"),
            &[("text", "hijacked")],
        )
        .await;
    assert_eq!(p.status, 403);
    let p = alice
        .fetch_post(
            &format!("/c/{team}/posts/{id}/edit"),
            &[("text", "Hi all, *look*")],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.has("<em>look</em>") && p.has("(edited)"));
    let (one, _) = bob.fetch_get(&format!("/c/{team}/posts/{id}")).await;
    assert!(one.has("<em>look</em>"));

    // Only the author deletes.
    assert_eq!(
        bob.fetch_post(&format!("/c/{team}/posts/{id}/delete"), &[])
            .await
            .status,
        403
    );
    assert_eq!(
        alice
            .fetch_post(&format!("/c/{team}/posts/{id}/delete"), &[])
            .await
            .status,
        204
    );
    assert_eq!(
        bob.fetch_get(&format!("/c/{team}/posts/{id}"))
            .await
            .0
            .status,
        404
    );
    // The reply now quotes a deleted message.
    let page = bob.get(&format!("/c/{team}")).await;
    assert!(page.has("a deleted message"));

    // Empty posts are refused with a RingCentral error.
    let p = alice
        .fetch_post(&format!("/c/{team}/posts"), &[("text", "   ")])
        .await;
    assert_eq!(p.status, 400);
    let v: Value = serde_json::from_str(&p.body).unwrap();
    assert_eq!(v["errorCode"], "CMN-100", "{v}");
}

#[tokio::test]
async fn unread_counts_follow_reading() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let alice = signed_in(&w.app, &w.alice.email).await;
    // Her own posts never count.
    api_post(&w, &w.alice, &team, "mine").await;
    let rail = alice.fetch_get("/app/rail").await.0;
    assert_eq!(count(&rail.body, "class=\"badge"), 0, "{}", rail.body);

    api_post(&w, &w.bob, &team, "one").await;
    api_post(&w, &w.bob, &team, "two").await;
    let rail = alice.fetch_get("/app/rail").await.0;
    assert!(
        rail.has("<span aria-hidden=\"true\">2</span><span class=\"sr-only\">, 2 unread</span>"),
        "{}",
        rail.body
    );
    assert!(!rail.has("mentions you"));
    api_post(
        &w,
        &w.bob,
        &team,
        &format!("![:Person]({}) three", w.alice.id()),
    )
    .await;
    let rail = alice.fetch_get("/app/rail").await.0;
    assert!(
        rail.has("class=\"badge strong\"><span aria-hidden=\"true\">3</span><span class=\"sr-only\">, 3 unread, mentions you"),
        "{}",
        rail.body
    );

    // Opening the conversation reads it.
    assert_eq!(alice.get(&format!("/c/{team}")).await.status, 200);
    let rail = alice.fetch_get("/app/rail").await.0;
    assert_eq!(count(&rail.body, "class=\"badge"), 0);

    // Marked unread: the newest message by someone else counts again.
    let p = alice
        .fetch_post(&format!("/c/{team}/read"), &[("read", "0")])
        .await;
    assert_eq!(p.status, 204);
    let rail = alice.fetch_get("/app/rail").await.0;
    assert!(rail.has(", 1 unread<"), "{}", rail.body);
    assert_eq!(
        alice
            .fetch_post(&format!("/c/{team}/read"), &[("read", "1")])
            .await
            .status,
        204
    );
    assert_eq!(
        count(&alice.fetch_get("/app/rail").await.0.body, "class=\"badge"),
        0
    );

    // Bob's count is his own; Carol cannot mark a chat she is not in.
    let bob = signed_in(&w.app, &w.bob.email).await;
    assert!(bob.fetch_get("/app/rail").await.0.has(", 1 unread<"));
    let carol = signed_in(&w.app, &w.carol.email).await;
    assert_eq!(
        carol
            .fetch_post(&format!("/c/{team}/read"), &[("read", "1")])
            .await
            .status,
        404
    );

    // Someone added to a team does not inherit its history as unread.
    let (s, _) = w
        .app
        .post(
            &format!("/team-messaging/v1/teams/{team}/add"),
            &w.alice.token,
            json!({"members": [{"id": w.carol.id()}]}),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(
        count(&carol.fetch_get("/app/rail").await.0.body, "class=\"badge"),
        0
    );
}

#[tokio::test]
async fn conversations_page_older_and_newer_posts() {
    let w = World::new().await;
    let team = w.team("History", false, &[&w.bob]).await;
    let mut ids = vec![];
    for i in 0..100 {
        ids.push(api_post(&w, &w.bob, &team, &format!("message number {i:03}")).await);
    }
    let alice = signed_in(&w.app, &w.alice.email).await;
    let page = alice.get(&format!("/c/{team}")).await;
    assert_eq!(count(&page.body, "<li class=\"post"), 40);
    assert!(page.has("message number 099") && page.has("message number 060"));
    assert!(!page.has("message number 059"));
    let before = &ids[60];
    assert!(
        page.has(&format!("data-before=\"{before}\"")),
        "link to older posts"
    );

    let (older, more) = alice
        .fetch_get(&format!("/c/{team}/posts?before={before}"))
        .await;
    assert_eq!(count(&older.body, "<li class=\"post"), 40);
    assert_eq!(more.as_deref(), Some("1"));
    assert!(
        older.body.find("message number 020").unwrap()
            < older.body.find("message number 059").unwrap()
    );
    let (oldest, more) = alice
        .fetch_get(&format!("/c/{team}/posts?before={}", ids[20]))
        .await;
    assert_eq!(count(&oldest.body, "<li class=\"post"), 20);
    assert_eq!(more.as_deref(), Some("0"));

    let (newer, more) = alice
        .fetch_get(&format!("/c/{team}/posts?after={}", ids[97]))
        .await;
    assert_eq!(count(&newer.body, "<li class=\"post"), 2);
    assert_eq!(more.as_deref(), Some("0"));

    let (bad, _) = alice.fetch_get(&format!("/c/{team}/posts?before=x")).await;
    assert_eq!(bad.status, 400);
    let (bad, _) = alice.fetch_get(&format!("/c/{team}/posts")).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn teams_are_created_and_managed_from_the_client() {
    let w = World::new().await;
    let alice = signed_in(&w.app, &w.alice.email).await;

    // Errors stay in the form.
    let p = alice
        .post("/new/team", &[("name", ""), ("members", "bob@acme.test")])
        .await;
    assert_eq!(p.status, 400);
    assert!(p.has("aria-invalid=\"true\""));
    assert!(p.has("value=\"bob@acme.test\""), "typed values are kept");
    let p = alice
        .post(
            "/new/team",
            &[("name", "Ops"), ("members", "nobody@acme.test")],
        )
        .await;
    assert_eq!(p.status, 400);

    let p = alice
        .post(
            "/new/team",
            &[
                ("name", "Ops"),
                ("description", "Keeping the lights on"),
                ("members", "Bob Baker <bob@acme.test>, "),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let team = p.location.unwrap().trim_start_matches("/c/").to_string();
    let (_, chat) = w
        .app
        .get(&format!("/team-messaging/v1/chats/{team}"), &w.bob.token)
        .await;
    assert_eq!(chat["name"], "Ops");
    assert_eq!(chat["members"].as_array().unwrap().len(), 2);

    // Add Carol, remove Bob.
    let p = alice
        .post(
            &format!("/c/{team}/members/add"),
            &[("members", "carol@acme.test")],
        )
        .await;
    assert_eq!(p.status, 303);
    let details = alice.get(&format!("/c/{team}/details")).await;
    assert!(details.has("Carol Chen") && details.has("Archive team"));
    let p = alice
        .post(
            &format!("/c/{team}/members/remove"),
            &[("member", &w.bob.id())],
        )
        .await;
    assert_eq!(p.status, 303);
    let bob = signed_in(&w.app, &w.bob.email).await;
    assert_eq!(bob.get(&format!("/c/{team}")).await.status, 404);

    // Carol is not the creator: she may not archive or remove, but may leave.
    let carol = signed_in(&w.app, &w.carol.email).await;
    let details = carol.get(&format!("/c/{team}/details")).await;
    assert!(!details.has("Archive team") && !details.has("members/remove"));
    assert_eq!(
        carol
            .post(&format!("/c/{team}/archive"), &[("archived", "1")])
            .await
            .status,
        403
    );

    // Alice archives: the composer is gone; then unarchives.
    let p = alice
        .post(&format!("/c/{team}/archive"), &[("archived", "1")])
        .await;
    assert_eq!(p.status, 303);
    let page = alice.get(&format!("/c/{team}")).await;
    assert!(page.has("This team is archived") && !page.has("id=\"composer\""));
    alice
        .post(&format!("/c/{team}/archive"), &[("archived", "0")])
        .await;
    assert!(
        alice
            .get(&format!("/c/{team}"))
            .await
            .has("id=\"composer\"")
    );

    let p = carol.post(&format!("/c/{team}/leave"), &[]).await;
    assert_eq!(p.status, 303);
    assert_eq!(carol.get(&format!("/c/{team}")).await.status, 404);

    // Unknown actions are unknown routes.
    let p = alice.fetch_post(&format!("/c/{team}/explode"), &[]).await;
    assert_eq!(p.status, 404);
    assert!(p.has("CMN-120"), "{}", p.body);
    let p = alice
        .fetch_post(&format!("/c/{team}/members/juggle"), &[("member", "1")])
        .await;
    assert_eq!(p.status, 404);

    // Favorites move the team to the top section.
    alice
        .post(&format!("/c/{team}/favorite"), &[("on", "1")])
        .await;
    let rail = alice.fetch_get("/app/rail").await.0;
    let fav = rail
        .body
        .find("data-section=\"favorites\"")
        .expect("favorites section");
    assert!(rail.body[fav..].find("Ops").unwrap() < rail.body[fav..].find("</section>").unwrap());
}

#[tokio::test]
async fn direct_messages_personal_chat_and_the_directory() {
    let w = World::new().await;
    let alice = signed_in(&w.app, &w.alice.email).await;
    let found = alice.get("/new/dm?q=bob").await;
    assert!(found.has("Bob Baker") && !found.has("Carol Chen"));
    let (json_people, _) = alice.fetch_get("/app/people?q=car").await;
    let people: Value = serde_json::from_str(&json_people.body).unwrap();
    assert_eq!(people[0]["name"], "Carol Chen");
    // Another company's people are not in the directory.
    let (none, _) = alice.fetch_get("/app/people?q=eve").await;
    assert_eq!(none.body, "[]");

    let p = alice.post("/new/dm", &[("person", &w.bob.id())]).await;
    assert_eq!(p.status, 303);
    let dm = p.location.unwrap();
    let page = alice.get(&dm).await;
    assert!(page.has("<h1 id=\"conv-title\">Bob Baker</h1>"));
    assert!(page.has("Direct message"));
    // The same chat again, not a second one.
    assert_eq!(
        alice
            .post("/new/dm", &[("person", &w.bob.id())])
            .await
            .location
            .unwrap(),
        dm
    );
    let p = alice.post("/new/dm", &[("person", &w.alice.id())]).await;
    let personal = alice.get(&p.location.unwrap()).await;
    assert!(personal.has("Alice") && personal.has("Only you can see this"));
    let rail = alice.fetch_get("/app/rail").await.0;
    let sec = rail.body.find("data-section=\"personal\"").unwrap();
    assert!(rail.body[sec..].contains("(you)"));

    let p = alice.post("/new/dm", &[("person", &w.eve.id())]).await;
    assert_ne!(p.status, 303, "no chats with other companies");
}

#[tokio::test]
async fn the_client_gets_a_websocket_token_for_its_person() {
    let w = World::new().await;
    let alice = signed_in(&w.app, &w.alice.email).await;
    // Not without the header (a cross-site form cannot set it).
    let p = alice.post("/app/wstoken", &[]).await;
    assert_eq!(p.status, 403);
    let p = alice.fetch_post("/app/wstoken", &[]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let v: Value = serde_json::from_str(&p.body).unwrap();
    assert!(v["uri"].as_str().unwrap().ends_with("/ws"));
    assert!(v["ws_access_token"].as_str().unwrap().len() >= 22);
    // Nobody signed in: no token.
    let anon = w.app.browser();
    anon.get("/").await;
    assert_eq!(anon.fetch_post("/app/wstoken", &[]).await.status, 401);
}

#[tokio::test]
async fn attachments_of_bot_posts_render_as_cards() {
    let w = World::new().await;
    let team = w.team("Bots", false, &[&w.bob]).await;
    let card = json!({
        "type": "Card", "color": "#00aa55", "title": "Build <green>",
        "fields": [{"title": "Branch", "value": "**main**", "style": "Short"}]
    });
    let (s, _) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/posts"),
            &w.bob.token,
            json!({"text": "build report", "attachments": [card]}),
        )
        .await;
    assert_eq!(s, 201);
    let alice = signed_in(&w.app, &w.alice.email).await;
    let page = alice.get(&format!("/c/{team}")).await;
    assert!(page.has("att-card") && page.has("data-color=\"#00aa55\""));
    assert!(page.has("Build &lt;green&gt;") && page.has("<strong>main</strong>"));

    // An adaptive card (its own endpoint) renders as one.
    let (s, b) = w
        .app
        .post(
            &format!("/team-messaging/v1/chats/{team}/adaptive-cards"),
            &w.bob.token,
            json!({
                "type": "AdaptiveCard", "version": "1.3",
                "body": [
                    {"type": "TextBlock", "text": "Deploy **finished**", "size": "Large"},
                    {"type": "FactSet", "facts": [{"title": "Env", "value": "prod"}]}
                ],
                "actions": [{"type": "Action.OpenUrl", "title": "Open", "url": "https://example.com/run/1"}]
            }),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let page = alice.get(&format!("/c/{team}")).await;
    assert!(
        page.has("att-adaptive") && page.has("ac-text"),
        "{}",
        page.body
    );
    assert!(page.has("<strong>finished</strong>") && page.has("https://example.com/run/1"));
}

#[tokio::test]
async fn read_marks_follow_what_was_shown_and_never_move_back() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let p1 = api_post(&w, &w.bob, &team, "one").await;
    let _p2 = api_post(&w, &w.bob, &team, "two").await;
    let p3 = api_post(&w, &w.bob, &team, "three").await;
    let alice = signed_in(&w.app, &w.alice.email).await;
    assert_eq!(unread_in(&alice).await, 3);
    // Shown up to the first: two left.
    assert_eq!(read_upto(&alice, &team, &p1).await, 204);
    assert_eq!(unread_in(&alice).await, 2);
    // An older mark does not move it back.
    assert_eq!(read_upto(&alice, &team, "1").await, 204);
    assert_eq!(unread_in(&alice).await, 2);
    assert_eq!(read_upto(&alice, &team, &p3).await, 204);
    assert_eq!(unread_in(&alice).await, 0);
    assert_eq!(read_upto(&alice, &team, "not-a-post").await, 404);
}

/// The unread count of the (only) chat with one in the rail, or 0.
async fn unread_in(b: &Browser) -> u32 {
    let rail = b.fetch_get("/app/rail").await.0;
    rail.body
        .split("class=\"sr-only\">, ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .map(|n| n.parse::<u32>().unwrap())
        .unwrap_or(0)
}

async fn read_upto(b: &Browser, chat: &str, upto: &str) -> u16 {
    b.fetch_post(&format!("/c/{chat}/read"), &[("upto", upto)])
        .await
        .status
}

#[tokio::test]
async fn public_teams_can_be_found_and_joined() {
    let w = World::new().await;
    let open = w.team("Open Source Guild", true, &[&w.bob]).await;
    let closed = w.team("Board Room", false, &[&w.bob]).await;
    api_post(&w, &w.alice, &open, "welcome all").await;
    let carol = signed_in(&w.app, &w.carol.email).await;
    let list = carol.get("/teams").await;
    assert_eq!(list.status, 200);
    assert!(list.has("Open Source Guild") && list.has("2 members"));
    assert!(!list.has("Board Room"), "private teams are not listed");
    assert!(list.has(&format!("action=\"/c/{open}/join\"")));
    // Another company sees none of them.
    let eve = signed_in(&w.app, &w.eve.email).await;
    assert!(!eve.get("/teams").await.has("Open Source Guild"));
    assert_eq!(eve.post(&format!("/c/{open}/join"), &[]).await.status, 404);
    assert_eq!(
        carol.post(&format!("/c/{closed}/join"), &[]).await.status,
        404
    );

    // Before joining, the public team shows its Join button, not its posts.
    let page = carol.get(&format!("/c/{open}")).await;
    assert_eq!(page.status, 200);
    assert!(page.has("Join team") && !page.has("welcome all"));
    let p = carol.post(&format!("/c/{open}/join"), &[]).await;
    assert_eq!(p.status, 303);
    assert_eq!(p.location.as_deref(), Some(format!("/c/{open}").as_str()));
    let page = carol.get(&format!("/c/{open}")).await;
    assert!(page.has("welcome all") && page.has("id=\"composer\""));
    assert!(
        !carol
            .get("/teams")
            .await
            .has(&format!("action=\"/c/{open}/join\""))
    );
    // History from before she joined is not unread.
    assert_eq!(unread_in(&carol).await, 0);
}
