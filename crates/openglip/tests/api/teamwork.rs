//! Tasks, notes and calendar events over HTTP, on both prefixes: their shapes, the card post
//! each puts into its chat, who may do what, and bad input answered with RingCentral errors and
//! nothing stored.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const TM: &str = "/team-messaging/v1";
const GLIP: &str = "/restapi/v1.0/glip";

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    send(app.req(Method::PUT, path, token).json(&body)).await
}

/// The posts of a chat, newest first.
async fn posts(w: &World, chat: &str) -> Vec<Value> {
    let (s, b) = w
        .app
        .get(&format!("{TM}/chats/{chat}/posts"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{b}");
    b["records"].as_array().unwrap().clone()
}

fn param(b: &Value) -> &str {
    b["errors"][0]["parameterName"].as_str().unwrap_or("")
}

#[tokio::test]
async fn tasks_are_created_completed_and_shown_as_their_card() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let (s, task) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/tasks"),
            &w.alice.token,
            json!({
                "subject": "Write the release notes",
                "assignees": [{"id": w.bob.id()}, {"id": w.alice.id()}],
                "completenessCondition": "AllAssignees",
                "startDate": "2026-12-01T09:00:00Z",
                "dueDate": "2026-12-10T17:00:00Z",
                "color": "Orange",
                "section": "Docs",
                "description": "Everything since 1.2",
                "recurrence": {"schedule": "Weekly", "endingCondition": "Count", "endingAfter": 3},
                "attachments": [{"id": "42", "type": "File", "name": "draft.md"}]
            }),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    let id = task["id"].as_str().unwrap().to_string();
    assert_eq!(task["type"], "Task");
    assert_eq!(task["status"], "Pending");
    assert_eq!(task["chatIds"], json!([team]));
    assert_eq!(task["creator"]["id"], w.alice.id());
    assert_eq!(
        task["assignees"],
        json!([{"id": w.bob.id(), "status": "Pending"}, {"id": w.alice.id(), "status": "Pending"}])
    );
    assert_eq!(task["dueDate"], "2026-12-10T17:00:00.000Z");
    assert_eq!(task["recurrence"]["schedule"], "Weekly");
    assert_eq!(task["recurrence"]["endingAfter"], 3);
    assert_eq!(task["attachments"][0]["name"], "draft.md");
    assert_time(&task["creationTime"]);

    // Its card is posted into the chat.
    let card_post = posts(&w, &team).await[0].clone();
    assert_eq!(card_post["attachments"][0]["type"], "Task");
    assert_eq!(card_post["attachments"][0]["id"], id.as_str());
    assert_eq!(
        card_post["attachments"][0]["title"],
        "Write the release notes"
    );

    // Bob completes his part: in progress; Alice hers: completed. The card follows.
    let complete = format!("{TM}/tasks/{id}/complete");
    let (s, b) = w
        .app
        .post(&complete, &w.bob.token, json!({"status": "Complete"}))
        .await;
    assert_eq!(s, 204, "{b}");
    let (_, t) = w.app.get(&format!("{TM}/tasks/{id}"), &w.bob.token).await;
    assert_eq!(t["status"], "InProgress");
    let (s, _) = w
        .app
        .post(
            &complete,
            &w.bob.token,
            json!({"assignees": [{"id": w.alice.id()}]}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, t) = w
        .app
        .get(&format!("{GLIP}/tasks/{id}"), &w.alice.token)
        .await;
    assert_eq!(t["status"], "Completed");
    let card_post = posts(&w, &team).await[0].clone();
    assert_eq!(
        card_post["attachments"][0]["fields"][0]["value"],
        "Completed"
    );

    // PATCH answers a TaskList of the one task.
    let (s, list) = w
        .app
        .patch(
            &format!("{TM}/tasks/{id}"),
            &w.bob.token,
            json!({"subject": "Release notes", "color": "Green"}),
        )
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["records"][0]["subject"], "Release notes");
    assert_eq!(list["records"][0]["color"], "Green");
    assert_eq!(list["records"][0]["status"], "Completed");

    // Listed on both prefixes, with filters.
    for prefix in [TM, GLIP] {
        let (s, b) = w
            .app
            .get(
                &format!(
                    "{prefix}/chats/{team}/tasks?status=Completed&assigneeId={}",
                    w.bob.id()
                ),
                &w.alice.token,
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["records"][0]["id"], id.as_str());
    }
    let (_, b) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/tasks?status=Pending"),
            &w.alice.token,
        )
        .await;
    assert_eq!(b["records"], json!([]));

    // Only its creator (or an administrator) deletes it; then its card goes too.
    let (s, b) = w
        .app
        .delete(&format!("{TM}/tasks/{id}"), &w.bob.token)
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, _) = w
        .app
        .delete(&format!("{TM}/tasks/{id}"), &w.alice.token)
        .await;
    assert_eq!(s, 204);
    assert!(
        posts(&w, &team)
            .await
            .iter()
            .all(|p| p["id"] != card_post["id"])
    );
    let (s, b) = w.app.get(&format!("{TM}/tasks/{id}"), &w.alice.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(param(&b), "taskId");
}

#[tokio::test]
async fn bad_tasks_are_refused_and_nothing_is_stored() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let path = format!("{TM}/chats/{team}/tasks");
    let before = posts(&w, &team).await.len();
    let cases = [
        (json!({"assignees": []}), 400, "CMN-100", "subject"),
        (json!({"subject": "x"}), 400, "CMN-100", "assignees"),
        (
            json!({"subject": "x", "assignees": [], "dueDate": "next friday"}),
            400,
            "CMN-101",
            "dueDate",
        ),
        (
            json!({"subject": "x", "assignees": [], "startDate": "2026-12-10T00:00:00Z", "dueDate": "2026-12-01T00:00:00Z"}),
            400,
            "CMN-101",
            "dueDate",
        ),
        (
            json!({"subject": "x", "assignees": [{"id": w.carol.id()}]}),
            400,
            "CMN-101",
            "assignees",
        ),
        (
            json!({"subject": "x", "assignees": [], "color": "Pink"}),
            400,
            "CMN-101",
            "color",
        ),
        (
            json!({"subject": "x", "assignees": [], "completenessCondition": "Most"}),
            400,
            "CMN-101",
            "completenessCondition",
        ),
        (
            json!({"subject": "x", "assignees": [], "recurrence": {"schedule": "Daily", "endingCondition": "Count", "endingAfter": 11}}),
            400,
            "CMN-411",
            "endingAfter",
        ),
        (
            json!({"subject": "x", "assignees": [], "attachments": [{"type": "Link", "id": "1"}]}),
            400,
            "CMN-101",
            "attachments[0].type",
        ),
        (
            json!({"subject": "x".repeat(251), "assignees": []}),
            400,
            "CMN-409",
            "subject",
        ),
    ];
    for (body, status, code, name) in cases {
        let (s, b) = w.app.post(&path, &w.alice.token, body.clone()).await;
        assert_rc_error(s, &b, status, code);
        assert_eq!(param(&b), name, "{body}: {b}");
    }
    // A chat the caller is not in, or of another company, or none: not found.
    for who in [&w.carol, &w.eve] {
        let (s, b) = w
            .app
            .post(&path, &who.token, json!({"subject": "x", "assignees": []}))
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(param(&b), "chatId");
        let (s, b) = w.app.get(&path, &who.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/chats/999999/tasks"),
            &w.alice.token,
            json!({"subject": "x", "assignees": []}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/tasks?status=Done"),
            &w.alice.token,
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(param(&b), "status");
    let (s, b) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/tasks?creationTimeFrom=yesterday"),
            &w.alice.token,
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    for path in ["tasks/123456", "tasks/abc"] {
        let (s, b) = w.app.get(&format!("{TM}/{path}"), &w.alice.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (s, b) = w
            .app
            .post(&format!("{TM}/{path}/complete"), &w.alice.token, json!({}))
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let (_, b) = w.app.get(&path, &w.alice.token).await;
    assert_eq!(b["records"], json!([]), "nothing stored");
    assert_eq!(posts(&w, &team).await.len(), before, "no card posted");

    // A task of Bob's chat is not Carol's to read, change or complete.
    let (_, t) = w
        .app
        .post(
            &path,
            &w.bob.token,
            json!({"subject": "Ours", "assignees": []}),
        )
        .await;
    let id = t["id"].as_str().unwrap();
    let (s, b) = w.app.get(&format!("{TM}/tasks/{id}"), &w.carol.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .patch(
            &format!("{TM}/tasks/{id}"),
            &w.carol.token,
            json!({"subject": "Mine"}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/tasks/{id}/complete"),
            &w.eve.token,
            json!({}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/tasks/{id}/complete"),
            &w.bob.token,
            json!({"status": "Done"}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(param(&b), "status");
}

#[tokio::test]
async fn task_pages_carry_their_filters() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let path = format!("{TM}/chats/{team}/tasks");
    let mut ids = Vec::new();
    for i in 0..5 {
        let assignees = if i % 2 == 0 {
            json!([{"id": w.bob.id()}])
        } else {
            json!([])
        };
        let (s, t) = w
            .app
            .post(
                &path,
                &w.alice.token,
                json!({"subject": format!("T{i}"), "assignees": assignees}),
            )
            .await;
        assert_eq!(s, 201, "{t}");
        ids.push(t["id"].as_str().unwrap().to_string());
    }
    let (_, first) = w
        .app
        .get(
            &format!("{path}?assignmentStatus=Assigned&recordCount=2"),
            &w.alice.token,
        )
        .await;
    let got: Vec<&str> = first["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[4].as_str(), ids[2].as_str()]);
    let next = first["navigation"]["nextPageToken"].as_str().unwrap();
    // Only the token: it remembers the filter.
    let (_, second) = w
        .app
        .get(
            &format!("{path}?pageToken={next}&recordCount=2"),
            &w.alice.token,
        )
        .await;
    let got: Vec<&str> = second["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[0].as_str()]);
    assert!(second["navigation"]["nextPageToken"].is_null());
    assert!(second["navigation"]["prevPageToken"].is_string());
    // A token of another chat's listing is refused.
    let other = w.team("Other", false, &[]).await;
    let (s, b) = w
        .app
        .get(
            &format!("{TM}/chats/{other}/tasks?pageToken={next}"),
            &w.alice.token,
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
}

#[tokio::test]
async fn notes_are_drafts_until_published_and_locks_hold() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let (s, note) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/notes"),
            &w.alice.token,
            json!({"title": "Runbook", "body": "<p>Step <b>one</b></p>"}),
        )
        .await;
    assert_eq!(s, 200, "{note}");
    let id = note["id"].as_str().unwrap().to_string();
    assert_eq!(note["status"], "Draft");
    assert_eq!(note["type"], "Note");
    assert_eq!(note["preview"], "Step one");
    assert!(note.get("body").is_none());
    assert!(note.get("lockedBy").is_none());
    let one = format!("{TM}/notes/{id}");

    // A draft is its creator's.
    let (s, b) = w.app.get(&one, &w.bob.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(param(&b), "noteId");
    let (_, list) = w
        .app
        .get(&format!("{TM}/chats/{team}/notes"), &w.bob.token)
        .await;
    assert_eq!(list["records"], json!([]));
    let (_, read) = w.app.get(&one, &w.alice.token).await;
    assert_eq!(read["body"], "<p>Step <b>one</b></p>");

    let (s, published) = w
        .app
        .post(&format!("{one}/publish"), &w.alice.token, json!({}))
        .await;
    assert_eq!(s, 200, "{published}");
    assert_eq!(published["status"], "Active");
    let card = posts(&w, &team).await[0]["attachments"][0].clone();
    assert_eq!(
        (card["type"].as_str(), card["id"].as_str()),
        (Some("Note"), Some(id.as_str()))
    );
    assert_eq!(card["title"], "Runbook");
    let (_, list) = w
        .app
        .get(
            &format!("{GLIP}/chats/{team}/notes?status=Active"),
            &w.bob.token,
        )
        .await;
    assert_eq!(list["records"][0]["id"], id.as_str());

    // Bob locks it: Alice cannot edit it or take the lock, Bob edits and lets go.
    let (s, _) = w
        .app
        .post(&format!("{one}/lock"), &w.bob.token, json!({}))
        .await;
    assert_eq!(s, 204);
    let (_, read) = w.app.get(&one, &w.alice.token).await;
    assert_eq!(read["lockedBy"]["id"], w.bob.id());
    let (s, b) = w
        .app
        .patch(&one, &w.alice.token, json!({"title": "Mine"}))
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("locked by another user"),
        "{b}"
    );
    let (s, b) = w
        .app
        .post(&format!("{one}/unlock"), &w.alice.token, json!({}))
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let (s, b) = w.app.delete(&one, &w.alice.token).await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let (s, edited) = w
        .app
        .patch(
            &format!("{one}?releaseLock=true"),
            &w.bob.token,
            json!({"title": "Runbook v2", "body": "Two steps"}),
        )
        .await;
    assert_eq!(s, 200, "{edited}");
    assert_eq!(edited["title"], "Runbook v2");
    assert_eq!(edited["lastModifiedBy"]["id"], w.bob.id());
    assert!(edited.get("lockedBy").is_none());
    let card = posts(&w, &team).await[0]["attachments"][0].clone();
    assert_eq!(card["title"], "Runbook v2");

    // Only the creator publishes (400) and deletes (403) it.
    let (_, draft) = w
        .app
        .post(
            &format!("{GLIP}/chats/{team}/notes"),
            &w.bob.token,
            json!({"title": "Bob's"}),
        )
        .await;
    let bobs = draft["id"].as_str().unwrap();
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/notes/{bobs}/publish"),
            &w.alice.token,
            json!({}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, _) = w
        .app
        .post(
            &format!("{GLIP}/notes/{bobs}/publish"),
            &w.bob.token,
            json!({}),
        )
        .await;
    assert_eq!(s, 204, "the legacy API answers 204");
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/notes/{bobs}/publish"),
            &w.alice.token,
            json!({}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let (s, b) = w.app.delete(&one, &w.bob.token).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, _) = w.app.delete(&one, &w.alice.token).await;
    assert_eq!(s, 204);
    assert!(
        posts(&w, &team)
            .await
            .iter()
            .all(|p| p["attachments"][0]["id"] != id.as_str())
    );

    // Bad input and strangers.
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/notes"),
            &w.alice.token,
            json!({"body": "x"}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-100");
    assert_eq!(param(&b), "title");
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/notes"),
            &w.carol.token,
            json!({"title": "x"}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w.app.get(&format!("{TM}/notes/{bobs}"), &w.eve.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
}

#[tokio::test]
async fn events_of_people_and_groups_in_both_generations() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let (s, own) = w
        .app
        .post(
            &format!("{TM}/events"),
            &w.bob.token,
            json!({"title": "Dentist", "startTime": "2026-12-09T08:00:00Z", "endTime": "2026-12-09T09:00:00Z"}),
        )
        .await;
    assert_eq!(s, 200, "{own}");
    assert_eq!(own["creatorId"], w.bob.id());
    assert_eq!(own["recurrence"]["schedule"], "None");
    assert_eq!(own["color"], "Black");
    assert_eq!(own["allDay"], false);

    let (s, ev) = w
        .app
        .post(
            &format!("{GLIP}/groups/{team}/events"),
            &w.alice.token,
            json!({
                "title": "Planning", "startTime": "2026-12-08T10:00:00Z", "endTime": "2026-12-08T11:00:00Z",
                "recurrence": "Week", "endingCondition": "Count", "endingAfter": 4,
                "color": "Blue", "location": "Room 1", "description": "Quarterly"
            }),
        )
        .await;
    assert_eq!(s, 200, "{ev}");
    assert_eq!(ev["recurrence"], "Week", "legacy: flat recurrence");
    assert_eq!(ev["endingAfter"], 4);
    let id = ev["id"].as_str().unwrap().to_string();
    let (_, current) = w.app.get(&format!("{TM}/events/{id}"), &w.bob.token).await;
    assert_eq!(
        current["recurrence"],
        json!({"schedule": "Week", "endingCondition": "Count", "endingAfter": 4})
    );
    assert_eq!(current["location"], "Room 1");
    let card = posts(&w, &team).await[0]["attachments"][0].clone();
    assert_eq!(
        (card["type"].as_str(), card["id"].as_str()),
        (Some("Event"), Some(id.as_str()))
    );
    assert_eq!(card["startTime"], "2026-12-08T10:00:00.000Z");

    // Mine are mine; a group's are its members'.
    let (_, mine) = w.app.get(&format!("{TM}/events"), &w.bob.token).await;
    let mine: Vec<&str> = mine["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(mine, [own["id"].as_str().unwrap()]);
    let (_, group) = w
        .app
        .get(&format!("{TM}/groups/{team}/events"), &w.bob.token)
        .await;
    assert_eq!(group["records"][0]["id"], id.as_str());
    let (s, b) = w
        .app
        .get(&format!("{TM}/groups/{team}/events"), &w.carol.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(param(&b), "groupId");
    let (s, b) = w
        .app
        .get(
            &format!("{TM}/events/{}", own["id"].as_str().unwrap()),
            &w.alice.token,
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(param(&b), "eventId");

    // Only the creator changes it; bad dates are refused.
    let change = json!({"title": "Planning", "startTime": "2026-12-08T12:00:00Z", "endTime": "2026-12-08T13:00:00Z",
        "recurrence": {"schedule": "Week", "endingCondition": "Date", "endingOn": "2027-01-31T00:00:00Z"}});
    let (s, b) = put(
        &w.app,
        &format!("{TM}/events/{id}"),
        &w.bob.token,
        change.clone(),
    )
    .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    for (body, name) in [
        (
            json!({"title": "x", "startTime": "2026-12-08T12:00:00Z", "endTime": "2026-12-08T11:00:00Z"}),
            "endTime",
        ),
        (
            json!({"title": "x", "startTime": "soon", "endTime": "2026-12-08T11:00:00Z"}),
            "startTime",
        ),
        (
            json!({"title": "x", "startTime": "2026-12-08T12:00:00Z"}),
            "endTime",
        ),
        (
            json!({"title": "x", "startTime": "2026-12-08T10:00:00Z", "endTime": "2026-12-10T11:00:00Z", "recurrence": "Day"}),
            "recurrence",
        ),
    ] {
        let (s, b) = put(
            &w.app,
            &format!("{TM}/events/{id}"),
            &w.alice.token,
            body.clone(),
        )
        .await;
        assert_eq!(s, 400, "{body}: {b}");
        assert_eq!(param(&b), name, "{body}: {b}");
    }
    let (s, b) = put(&w.app, &format!("{TM}/events/{id}"), &w.alice.token, change).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["recurrence"]["endingOn"], "2027-01-31T00:00:00.000Z");
    let card = posts(&w, &team).await[0]["attachments"][0].clone();
    assert_eq!(card["startTime"], "2026-12-08T12:00:00.000Z");
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/groups/{team}/events"),
            &w.carol.token,
            json!({"title": "x", "startTime": "2026-12-08T12:00:00Z", "endTime": "2026-12-08T13:00:00Z"}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");

    let (s, _) = w
        .app
        .delete(&format!("{GLIP}/events/{id}"), &w.alice.token)
        .await;
    assert_eq!(s, 200);
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/events/{id}"), &w.alice.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert!(
        posts(&w, &team)
            .await
            .iter()
            .all(|p| p["attachments"][0]["id"] != id.as_str())
    );
}

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
    assert!(bad.body.contains("startTime"), "{}", bad.body);
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
