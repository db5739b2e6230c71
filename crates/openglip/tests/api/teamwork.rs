//! Tasks over HTTP, on both prefixes: their shapes, the card post each puts into its chat (and
//! what subscribers hear of it), who may do what, and bad input answered with RingCentral errors
//! and nothing stored. Notes and events: `notes_events.rs`; the web client's tabs:
//! `teamwork_client.rs`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

pub(crate) const TM: &str = "/team-messaging/v1";
pub(crate) const GLIP: &str = "/restapi/v1.0/glip";

pub(crate) async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    send(app.req(Method::PUT, path, token).json(&body)).await
}

/// The posts of a chat, newest first.
pub(crate) async fn posts(w: &World, chat: &str) -> Vec<Value> {
    let (s, b) = w
        .app
        .get(&format!("{TM}/chats/{chat}/posts"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{b}");
    b["records"].as_array().unwrap().clone()
}

pub(crate) fn param(b: &Value) -> &str {
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

/// Subscribers of a chat's posts hear a task's card added, changed as it is completed, and
/// removed with it; a legacy filter hears the same.
#[tokio::test]
async fn subscribers_hear_a_task_card_added_changed_and_removed() {
    let w = World::new().await;
    let team = w.team("Launch", false, &[&w.bob]).await;
    let recv = Receiver::start().await;
    subscribe(
        &w.app,
        &w.bob.token,
        &["/restapi/v1.0/glip/posts"],
        &recv,
        json!({}),
    )
    .await;

    let (s, t) = w
        .app
        .post(
            &format!("{TM}/chats/{team}/tasks"),
            &w.alice.token,
            json!({"subject": "Heard", "assignees": [{"id": w.bob.id()}]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let id = t["id"].as_str().unwrap();
    let n = recv.notification().await;
    let body = &n["body"];
    assert_eq!(body["eventType"], "PostAdded", "{n}");
    assert_eq!(body["groupId"], team);
    assert_eq!(body["attachments"][0]["type"], "Task");
    assert_eq!(body["attachments"][0]["id"], id);
    assert_eq!(
        body["mentions"][0]["id"],
        w.bob.id(),
        "the assignee is mentioned"
    );
    let post = body["id"].clone();

    let (s, _) = w
        .app
        .post(
            &format!("{TM}/tasks/{id}/complete"),
            &w.bob.token,
            json!({}),
        )
        .await;
    assert_eq!(s, 204);
    let n = recv.notification().await;
    assert_eq!(n["body"]["eventType"], "PostChanged", "{n}");
    assert_eq!(n["body"]["id"], post);
    assert_eq!(
        n["body"]["attachments"][0]["fields"][0]["value"],
        "Completed"
    );

    let (s, _) = w
        .app
        .delete(&format!("{TM}/tasks/{id}"), &w.alice.token)
        .await;
    assert_eq!(s, 204);
    let n = recv.notification().await;
    assert_eq!(n["body"]["eventType"], "PostRemoved", "{n}");
    assert_eq!(n["body"]["id"], post);
}
