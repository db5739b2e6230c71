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
