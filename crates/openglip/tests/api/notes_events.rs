//! Notes and calendar events over HTTP, on both prefixes: drafts, publishing and locks; a
//! person's and a chat's events in both generations' shapes; who may do what; bad input.

use serde_json::json;

use crate::helpers::*;
use crate::teamwork::{GLIP, TM, param, posts, put};

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
