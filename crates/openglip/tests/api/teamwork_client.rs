//! The web client's Tasks, Notes and Events tabs over HTTP, as a browser uses them.

use serde_json::json;

use crate::helpers::*;
use crate::teamwork::TM;

/// The Tasks, Notes and Events tabs of the web client show what the REST API stored, escaped,
/// and their forms create, complete and publish through the same rules.
#[tokio::test]
async fn the_web_client_tabs_show_items_escaped_and_act_on_them() {
    const SCRIPT: &str = "<script>x</script>";
    const SCRIPT_TEXT: &str = "&lt;script&gt;x&lt;/script&gt;";
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let (s, t) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/tasks"),
            &w.bob.token,
            json!({"subject": SCRIPT, "assignees": [{"id": w.alice.id()}], "description": SCRIPT}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let (_, n) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/notes"),
            &w.bob.token,
            json!({"title": SCRIPT, "body": format!("<p>{SCRIPT}</p>")}),
        )
        .await;
    let (s, _) = w
        .app
        .post(
            &format!("{TM}/notes/{}/publish", n["id"].as_str().unwrap()),
            &w.bob.token,
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = w
        .app
        .post(
            &format!("{TM}/groups/{team}/events"),
            &w.bob.token,
            json!({"title": SCRIPT, "location": SCRIPT,
                   "startTime": "2026-12-08T10:00:00Z", "endTime": "2026-12-08T11:00:00Z"}),
        )
        .await;
    assert_eq!(s, 200);

    let alice = crate::client::signed_in(&w.app, &w.alice.email).await;
    for tab in ["tasks", "notes", "events", ""] {
        let path = format!("/c/{team}/{tab}");
        let page = alice.get(path.trim_end_matches('/')).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(!page.body.contains(SCRIPT), "{path} shows markup unescaped");
        assert!(
            page.body.contains(SCRIPT_TEXT),
            "{path} does not show the item"
        );
    }
    // Carol is not in the team: its tabs are not hers.
    let carol = crate::client::signed_in(&w.app, &w.carol.email).await;
    assert_eq!(carol.get(&format!("/c/{team}/tasks")).await.status, 404);

    // Alice completes the task and adds a note, which she publishes, from the tabs.
    let page = alice.get(&format!("/c/{team}/tasks")).await;
    let csrf = page.input("_csrf");
    let id = t["id"].as_str().unwrap();
    let done = alice
        .post(
            &format!("/c/{team}/tasks/{id}/complete"),
            &[("_csrf", &csrf), ("done", "1")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let (_, t) = w.app.get(&format!("{TM}/tasks/{id}"), &w.alice.token).await;
    assert_eq!(t["status"], "Completed");
    let made = alice
        .post(
            &format!("/c/{team}/notes"),
            &[
                ("_csrf", &csrf),
                ("title", "From the tab"),
                ("body", "Hello"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let (_, list) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/notes?status=Draft"),
            &w.alice.token,
        )
        .await;
    let note = list["records"][0]["id"].as_str().unwrap().to_string();
    let published = alice
        .post(
            &format!("/c/{team}/notes/{note}/publish"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
    let (_, read) = w.app.get(&format!("{TM}/notes/{note}"), &w.bob.token).await;
    assert_eq!(read["status"], "Active");
    // An event with a bad date is refused; nothing is added.
    let bad = alice
        .post(
            &format!("/c/{team}/events"),
            &[
                ("_csrf", &csrf),
                ("title", SCRIPT),
                ("start", "soon"),
                ("end", "2026-12-08T11:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    // Shown again on the tab, with why and what was typed (escaped).
    assert!(bad.body.contains("role=\"alert\""), "{}", bad.body);
    assert!(
        bad.body.contains("Enter when it starts and when it ends"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains(&format!("value=\"{SCRIPT_TEXT}\"")),
        "{}",
        bad.body
    );
    assert!(!bad.body.contains(SCRIPT));
    let (_, events) = w
        .app
        .get(&format!("{TM}/groups/{team}/events"), &w.alice.token)
        .await;
    assert_eq!(events["records"].as_array().unwrap().len(), 1);
}
