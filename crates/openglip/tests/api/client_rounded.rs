//! The web client rounded out (issue 13 item 7): group chats started from the client, a team
//! renamed by its administrator, and form errors written for people rather than the API's
//! "Parameter [members] value is invalid". (`tests/browser/client.mjs` walks the same pages in
//! Chromium, with screenshots.)

use crate::client::signed_in;
use crate::helpers::*;

#[tokio::test]
async fn a_group_chat_is_started_from_the_client_and_errors_are_for_people() {
    let w = World::new().await;
    let alice = signed_in(&w.app, &w.alice.email).await;
    let home = alice.get("/").await;
    assert!(home.has("href=\"/new/group\""), "{}", home.body);
    let p = alice.get("/new/group").await;
    assert_eq!(p.status, 200);
    assert!(p.has("New group chat") && p.has("name=\"members\""));

    // Nothing entered, an unknown address, a name not picked: each told in place, for people.
    let p = alice.post("/new/group", &[("members", "")]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.has("This is required."), "{}", p.body);
    assert!(!p.has("Parameter ["), "{}", p.body);
    let p = alice
        .post(
            "/new/group",
            &[("members", "bob@acme.test, nobody@acme.test")],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("Nobody in your company has the e-mail address nobody@acme.test."),
        "{}",
        p.body
    );
    assert!(
        p.has("value=\"bob@acme.test, nobody@acme.test\""),
        "typed values are kept"
    );
    assert!(!p.has("Parameter ["), "{}", p.body);
    let p = alice.post("/new/group", &[("members", "Bob")]).await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("Pick &quot;Bob&quot; from the suggestions as you type"),
        "{}",
        p.body
    );
    // Someone of another company is nobody here.
    let p = alice
        .post(
            "/new/group",
            &[("members", "bob@acme.test, eve@globex.test")],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(p.has("Nobody in your company has the e-mail address eve@globex.test."));

    // Alice, Bob and Carol: a group chat, the same one again the second time.
    let p = alice
        .post(
            "/new/group",
            &[("members", "Bob Baker <bob@acme.test>, carol@acme.test")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let chat = p.location.unwrap().trim_start_matches("/c/").to_string();
    let (s, c) = w
        .app
        .get(&format!("/team-messaging/v1/chats/{chat}"), &w.carol.token)
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["type"], "Group");
    assert_eq!(c["members"].as_array().unwrap().len(), 3);
    let again = alice
        .post(
            "/new/group",
            &[("members", "carol@acme.test, bob@acme.test")],
        )
        .await;
    assert_eq!(
        again.location.as_deref(),
        Some(format!("/c/{chat}").as_str())
    );
    // The API's own words are unchanged.
    let (s, b) = w
        .app
        .post(
            "/team-messaging/v1/conversations",
            &w.alice.token,
            serde_json::json!({"members": [{"email": "nobody@acme.test"}]}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .starts_with("Parameter [members] value is invalid"),
        "{b}"
    );
}

#[tokio::test]
async fn a_team_is_renamed_by_its_administrator_only() {
    let w = World::new().await;
    let alice = signed_in(&w.app, &w.alice.email).await;
    let p = alice
        .post(
            "/new/team",
            &[("name", "Ops"), ("members", "bob@acme.test")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let team = p.location.unwrap().trim_start_matches("/c/").to_string();
    let details = alice.get(&format!("/c/{team}/details")).await;
    assert!(
        details.has("Rename team") && details.has("value=\"Ops\""),
        "{}",
        details.body
    );

    // An empty name is refused in place; nothing changes.
    let p = alice
        .post(
            &format!("/c/{team}/settings"),
            &[("name", " "), ("description", "x")],
        )
        .await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(
        p.has("aria-invalid=\"true\"") && !p.has("Parameter ["),
        "{}",
        p.body
    );
    let long = "n".repeat(300);
    let p = alice
        .post(&format!("/c/{team}/settings"), &[("name", &long)])
        .await;
    assert_eq!(p.status, 400);
    assert!(p.has("characters long."), "{}", p.body);

    let p = alice
        .post(
            &format!("/c/{team}/settings"),
            &[
                ("name", "Operations"),
                ("description", "Keeping the lights on"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let (_, chat) = w
        .app
        .get(&format!("/team-messaging/v1/chats/{team}"), &w.bob.token)
        .await;
    assert_eq!(chat["name"], "Operations");
    assert_eq!(chat["description"], "Keeping the lights on");

    // Bob is a member, not its administrator: no form, and a forged post is refused.
    let bob = signed_in(&w.app, &w.bob.email).await;
    let details = bob.get(&format!("/c/{team}/details")).await;
    assert!(!details.has("Rename team"), "{}", details.body);
    let p = bob
        .post(&format!("/c/{team}/settings"), &[("name", "Mine")])
        .await;
    assert_eq!(p.status, 403, "{}", p.body);
    let (_, chat) = w
        .app
        .get(&format!("/team-messaging/v1/chats/{team}"), &w.bob.token)
        .await;
    assert_eq!(chat["name"], "Operations");
}

/// Posts `bytes` as the `image` part of the profile picture form, as a browser does (with the
/// `_csrf` part unless `csrf` is `None`); (status, location, body).
async fn upload_picture(
    w: &World,
    b: &crate::web::Browser,
    bytes: &[u8],
    csrf: Option<&str>,
) -> (u16, Option<String>, String) {
    let boundary = "----openglipTestBoundary";
    let mut body = Vec::new();
    if let Some(token) = csrf {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookies = format!(
        "og_session={}; og_csrf={}",
        b.cookie("og_session").unwrap(),
        b.cookie("og_csrf").unwrap()
    );
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(w.app.url("/me/picture"))
        .header("cookie", cookies)
        .header("origin", w.app.url(""))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, location, r.text().await.unwrap())
}

#[tokio::test]
async fn people_edit_their_own_name_time_zone_and_picture() {
    let w = World::new().await;
    let bob = signed_in(&w.app, &w.bob.email).await;
    let home = bob.get("/").await;
    assert!(home.has("href=\"/me\""), "the rail links to the profile");
    let p = bob.get("/me").await;
    assert_eq!(p.status, 200);
    assert!(
        p.has("value=\"Bob\"") && p.has("value=\"Baker\""),
        "{}",
        p.body
    );

    // Errors in place, in words for people; nothing saved.
    let p = bob
        .post(
            "/me",
            &[("first_name", " "), ("last_name", "B"), ("time_zone", "")],
        )
        .await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.has("Enter a name."), "{}", p.body);
    let p = bob
        .post(
            "/me",
            &[
                ("first_name", "Robert"),
                ("last_name", "Baker"),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("[Mars/Olympus] is not an IANA time zone such as Europe/Berlin."),
        "{}",
        p.body
    );
    assert!(!p.has("Parameter ["), "{}", p.body);
    assert!(p.has("value=\"Robert\""), "typed values are kept");
    let (_, me) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &w.bob.token)
        .await;
    assert_eq!(me["contact"]["firstName"], "Bob");

    let p = bob
        .post(
            "/me",
            &[
                ("first_name", "Robert"),
                ("last_name", "Baker"),
                ("time_zone", "Europe/Berlin"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/me?saved=1"));
    let (_, me) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &w.bob.token)
        .await;
    assert_eq!(me["contact"]["firstName"], "Robert");
    assert_eq!(
        me["regionalSettings"]["timezone"]["id"], "Europe/Berlin",
        "{me}"
    );

    // A picture: not an image, no CSRF token, then a PNG.
    let token = bob.cookie("og_csrf").unwrap();
    let (s, _, body) = upload_picture(&w, &bob, b"<html>not an image</html>", Some(&token)).await;
    assert_eq!(s, 400, "{body}");
    assert!(
        body.contains("Choose a PNG, JPEG, GIF or WebP picture."),
        "{body}"
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRpicture";
    let (s, _, _) = upload_picture(&w, &bob, png, None).await;
    assert_eq!(s, 403, "a form without its CSRF token is refused");
    let (s, location, body) = upload_picture(&w, &bob, png, Some(&token)).await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(location.as_deref(), Some("/me?saved=1"));
    let home = bob.get("/").await;
    let src = format!("/app/avatar/{}?v=", w.bob.id());
    assert!(home.has(&src), "the rail shows the picture: {}", home.body);

    // Colleagues see it (as the type its bytes say, never sniffed); other companies do not.
    let alice = signed_in(&w.app, &w.alice.email).await;
    let r = reqwest::Client::new()
        .get(w.app.url(&format!("/app/avatar/{}", w.bob.id())))
        .header(
            "cookie",
            format!("og_session={}", alice.cookie("og_session").unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(&r.bytes().await.unwrap()[..], &png[..]);
    let eve = signed_in(&w.app, &w.eve.email).await;
    let p = eve.get(&format!("/app/avatar/{}", w.bob.id())).await;
    assert_eq!(p.status, 404);
}

#[tokio::test]
async fn people_choose_their_language_on_the_profile_page() {
    let w = World::new().await;
    let bob = signed_in(&w.app, &w.bob.email).await;
    let p = bob.get("/me").await;
    assert!(
        p.has("<select") && p.has(">French (Canada)</option>"),
        "{}",
        p.body
    );
    let save = |lang: &'static str| {
        let bob = &bob;
        async move {
            bob.post(
                "/me",
                &[
                    ("first_name", "Bob"),
                    ("last_name", "Baker"),
                    ("time_zone", ""),
                    ("language", lang),
                ],
            )
            .await
        }
    };
    // Not a language openglip knows: in place, in words for people; nothing saved.
    let p = save("9999").await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.has("Choose one of the languages listed."), "{}", p.body);
    let p = save("3084").await;
    assert_eq!(p.status, 303, "{}", p.body);
    let (_, me) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &w.bob.token)
        .await;
    assert_eq!(
        me["regionalSettings"]["language"]["localeCode"], "fr-CA",
        "{me}"
    );
    assert!(
        bob.get("/me").await.has("value=\"3084\" selected"),
        "shown as chosen"
    );
    // "Not set" keeps the choice (as an empty time zone does).
    assert_eq!(save("").await.status, 303);
    let (_, me) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &w.bob.token)
        .await;
    assert_eq!(me["regionalSettings"]["language"]["id"], "3084");
}

#[tokio::test]
async fn forgot_password_sends_a_link_through_the_mail_outbox() {
    let w = World::new().await;
    let b = w.app.browser();
    let p = b.get("/").await;
    assert!(
        p.has("href=\"/forgot\""),
        "the sign-in form offers it: {}",
        p.body
    );
    let p = b.get("/forgot").await;
    assert_eq!(p.status, 200);
    let p = b.post("/forgot", &[("email", "not an address")]).await;
    assert_eq!(p.status, 400);
    assert!(
        p.has("Enter the e-mail address you sign in with."),
        "{}",
        p.body
    );

    // Known or not, the same answer; only Bob's address gets mail.
    let admin = crate::console::admin_portal(&w, "alice@acme.test").await;
    let (_, before) = w.app.get("/admin/api/outbox", &admin).await;
    let mails = before["records"].as_array().unwrap().len();
    let p = b.post("/forgot", &[("email", "nobody@acme.test")]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.has("Check your e-mail"));
    let p = b.post("/forgot", &[("email", " Bob@Acme.test ")]).await;
    assert_eq!(p.status, 200);
    assert!(p.has("Check your e-mail"));
    let (_, mail) = w.app.get("/admin/api/outbox", &admin).await;
    let records = mail["records"].as_array().unwrap();
    assert_eq!(records.len(), mails + 1, "{mail}");
    assert_eq!(records[0]["to"], "bob@acme.test");
    let body = records[0]["body"].as_str().unwrap();
    let path = body
        .split_once("/activate?token=")
        .map(|(_, rest)| {
            format!(
                "/activate?token={}",
                rest.split_whitespace().next().unwrap()
            )
        })
        .unwrap();

    // The link opens the page to choose a new password; afterwards the old one is refused.
    let p = b.get(&path).await;
    assert_eq!(p.status, 200);
    assert!(p.has("Choose a new password"), "{}", p.body);
    let token = p.input("token");
    let p = b
        .post(
            "/activate",
            &[
                ("token", &token),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(p.status, 400);
    let p = b
        .post(
            "/activate",
            &[
                ("token", &token),
                ("password", "a-brand-new-password"),
                ("confirm", "a-brand-new-password"),
            ],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.has("Your password is changed."), "{}", p.body);
    assert_eq!(
        w.app
            .password_grant(&w.client, "bob@acme.test", PASSWORD)
            .await
            .status(),
        400
    );
    assert_eq!(
        w.app
            .password_grant(&w.client, "bob@acme.test", "a-brand-new-password")
            .await
            .status(),
        200
    );
    // The link is spent.
    assert_eq!(b.get(&path).await.status, 404);
}

#[tokio::test]
async fn each_person_sets_a_chats_notification_level() {
    let w = World::new().await;
    let alice = signed_in(&w.app, &w.alice.email).await;
    let p = alice
        .post(
            "/new/team",
            &[("name", "Ops"), ("members", "bob@acme.test")],
        )
        .await;
    let team = p.location.unwrap().trim_start_matches("/c/").to_string();
    let bob = signed_in(&w.app, &w.bob.email).await;

    // A team tells about @mentions by default; a direct message about everything.
    let home = bob.get("/").await;
    assert!(
        home.has(&format!(
            "data-chat=\"{team}\" data-kind=\"Team\" data-name=\"Ops\" data-notify=\"mentions\""
        )),
        "{}",
        home.body
    );
    let details = bob.get(&format!("/c/{team}/details")).await;
    assert!(
        details.has("value=\"mentions\" checked"),
        "{}",
        details.body
    );

    let p = bob
        .post(&format!("/c/{team}/notifications"), &[("level", "muted")])
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let home = bob.get("/").await;
    assert!(home.has("data-notify=\"muted\""), "{}", home.body);
    assert!(home.has(">Muted</span>"), "the rail says it is muted");
    let details = bob.get(&format!("/c/{team}/details")).await;
    assert!(details.has("value=\"muted\" checked"), "{}", details.body);
    // Alice's level is her own.
    let home = alice.get("/").await;
    assert!(home.has("data-notify=\"mentions\""), "{}", home.body);
    assert!(!home.has(">Muted</span>"));

    // A level that is none of the three, or a chat Bob is not in: refused, nothing changes.
    let p = bob
        .post(&format!("/c/{team}/notifications"), &[("level", "loud")])
        .await;
    assert_eq!(p.status, 400, "{}", p.body);
    let (_, own) = w
        .app
        .post(
            "/team-messaging/v1/teams",
            &w.carol.token,
            serde_json::json!({"name": "Carol's", "members": []}),
        )
        .await;
    let p = bob
        .post(
            &format!("/c/{}/notifications", own["id"].as_str().unwrap()),
            &[("level", "all")],
        )
        .await;
    assert_eq!(p.status, 404, "{}", p.body);
    assert!(bob.get("/").await.has("data-notify=\"muted\""));

    // Back to every message.
    let p = bob
        .post(&format!("/c/{team}/notifications"), &[("level", "all")])
        .await;
    assert_eq!(p.status, 303);
    assert!(bob.get("/").await.has("data-notify=\"all\""));
}
