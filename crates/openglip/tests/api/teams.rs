//! Teams and the Everyone team on both API generations: create, list, read, update, delete,
//! join, leave, add, remove, archive — and who may do each.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::chats::*;
use crate::helpers::*;

const TEAM_KEYS: [&str; 8] = [
    "creationTime",
    "description",
    "id",
    "lastModifiedTime",
    "name",
    "public",
    "status",
    "type",
];

/// Asserts a `TMTeamInfo`: its fields, their JSON types, and no `members`.
fn assert_team_info(v: &Value) {
    assert!(v["id"].is_string(), "{v}");
    assert_eq!(v["type"], "Team", "{v}");
    assert!(v["public"].is_boolean(), "{v}");
    assert!(v["name"].is_string(), "{v}");
    assert!(v["status"] == "Active" || v["status"] == "Archived", "{v}");
    assert_time(&v["creationTime"]);
    assert_time(&v["lastModifiedTime"]);
    assert!(v.get("members").is_none(), "TMTeamInfo has no members: {v}");
    for k in keys(v) {
        assert!(TEAM_KEYS.contains(&k.as_str()), "unexpected field {k}: {v}");
    }
}

/// The members of a chat as `by` reads them through `GET /chats/{id}`.
async fn members_of(w: &World, by: &User, chat: &str) -> BTreeSet<String> {
    let (s, b) = w.app.get(&format!("{TM}/chats/{chat}"), &by.token).await;
    assert_eq!(s, 200, "{b}");
    member_ids(&b)
}

/// The system posts (not `TextMessage`) of a chat, oldest first.
async fn system_posts(w: &World, by: &User, chat: &str) -> Vec<Value> {
    let mut posts: Vec<Value> = posts_of(w, by, chat)
        .await
        .into_iter()
        .filter(|p| p["type"] != "TextMessage")
        .collect();
    posts.reverse();
    posts
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("not a string: {s}"))
                .to_string()
        })
        .collect()
}

// ---------------------------------------------------------------- create, list, read

#[tokio::test]
async fn create_team_with_members_by_id_and_email() {
    let w = World::new().await;
    for prefix in PREFIXES {
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams"),
                &w.bob.token,
                json!({
                    "name": "Launch",
                    "description": "Getting it out",
                    "public": true,
                    "members": [{"id": w.alice.id()}, {"email": w.carol.email}],
                }),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        assert_team_info(&b);
        assert_eq!(b["name"], "Launch");
        assert_eq!(b["description"], "Getting it out");
        assert_eq!(b["public"], true);
        assert_eq!(b["status"], "Active");
        let id = b["id"].as_str().unwrap();
        assert!(id.parse::<i64>().is_ok(), "{id}");
        assert_eq!(
            members_of(&w, &w.bob, id).await,
            id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id()])
        );
        // The creator is a member even when not listed; the members see it.
        for user in [&w.alice, &w.bob, &w.carol] {
            let (s, t) = w
                .app
                .get(&format!("{prefix}/teams/{id}"), &user.token)
                .await;
            assert_eq!(s, 200, "{t}");
            assert_eq!(t, b, "the same team for every member");
        }
    }
    // Private by default, alone is fine.
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/teams"),
            &w.alice.token,
            json!({"name": "Solo"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["public"], false);
    let id = b["id"].as_str().unwrap();
    assert_eq!(members_of(&w, &w.alice, id).await, id_set(&[&w.alice.id()]));
}

#[tokio::test]
async fn create_team_bad_input() {
    let w = World::new().await;
    for prefix in PREFIXES {
        let path = format!("{prefix}/teams");
        for (body, code, param) in [
            (json!({"public": true}), "CMN-100", "name"),
            (
                json!({"name": "X", "members": [{"id": w.eve.id()}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"name": "X", "members": [{"email": w.eve.email}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"name": "X", "members": [{"id": "31337"}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"name": "X", "members": [{}]}),
                "CMN-100",
                "members[0].id",
            ),
            (json!({"name": "X", "public": "yes"}), "CMN-101", "public"),
            (json!({"name": 5}), "CMN-101", "name"),
        ] {
            let (s, b) = w.app.post(&path, &w.alice.token, body.clone()).await;
            assert_rc_error(s, &b, 400, code);
            assert_eq!(b["errors"][0]["parameterName"], param, "{body}: {b}");
        }
        let (s, b) = w.app.post(&path, &w.alice.token, json!({"name": ""})).await;
        assert_eq!(s, 400, "an empty name: {b}");
    }
    let (_, b) = w.app.get(&format!("{TM}/teams"), &w.alice.token).await;
    assert_eq!(record_ids(&b), Vec::<String>::new(), "{b}");
}

#[tokio::test]
async fn list_teams_shows_only_teams() {
    let w = World::new().await;
    let c = chats(&w).await;
    let carols = w
        .app
        .post(
            &format!("{TM}/teams"),
            &w.carol.token,
            json!({"name": "Carol's", "public": false}),
        )
        .await
        .1["id"]
        .as_str()
        .unwrap()
        .to_string();
    for prefix in PREFIXES {
        let (s, b) = w.app.get(&format!("{prefix}/teams"), &w.alice.token).await;
        assert_eq!(s, 200, "{b}");
        assert!(b["navigation"].is_object(), "{b}");
        let ids: BTreeSet<String> = record_ids(&b).into_iter().collect();
        assert_eq!(ids, id_set(&[&c.team, &c.public_team]), "{b}");
        assert!(!ids.contains(&carols));
        for r in b["records"].as_array().unwrap() {
            assert_team_info(r);
        }
        let (s, b) = w.app.get(&format!("{prefix}/teams"), &w.eve.token).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(record_ids(&b), Vec::<String>::new());

        let (s, p1) = w
            .app
            .get(&format!("{prefix}/teams?recordCount=1"), &w.alice.token)
            .await;
        assert_eq!(s, 200, "{p1}");
        assert_eq!(record_ids(&p1).len(), 1);
        let next = p1["navigation"]["nextPageToken"].as_str().unwrap();
        let (s, p2) = w
            .app
            .get(
                &format!("{prefix}/teams?recordCount=1&pageToken={next}"),
                &w.alice.token,
            )
            .await;
        assert_eq!(s, 200, "{p2}");
        assert_eq!(record_ids(&p2).len(), 1);
        assert_ne!(record_ids(&p1), record_ids(&p2));
        assert!(p2["navigation"].get("nextPageToken").is_none(), "{p2}");
    }
}

#[tokio::test]
async fn read_team_visibility() {
    let w = World::new().await;
    let c = chats(&w).await;
    for prefix in PREFIXES {
        for (user, id, want) in [
            (&w.alice, &c.team, 200),
            (&w.bob, &c.team, 200),
            (&w.carol, &c.team, 404),
            (&w.eve, &c.team, 404),
            (&w.alice, &c.public_team, 200),
            (&w.carol, &c.public_team, 200),
            (&w.eve, &c.public_team, 404),
            // Not teams.
            (&w.alice, &c.direct, 404),
            (&w.alice, &c.group, 404),
            (&w.alice, &c.personal, 404),
            (&w.alice, &c.everyone, 404),
        ] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/teams/{id}"), &user.token)
                .await;
            if want == 200 {
                assert_eq!(s, 200, "{b}");
                assert_team_info(&b);
                assert_eq!(b["id"], id.as_str());
            } else {
                assert_rc_error(s, &b, 404, "CMN-102");
                assert_eq!(b["errors"][0]["parameterName"], "chatId", "{b}");
            }
        }
    }
}

// ---------------------------------------------------------------- update and delete

#[tokio::test]
async fn patch_team_by_its_creator() {
    let w = World::new().await;
    let team = w.team("Before", false, &[&w.bob]).await;
    let (_, before) = w
        .app
        .get(&format!("{TM}/teams/{team}"), &w.alice.token)
        .await;
    for (prefix, body, name, description, public) in [
        (TM, json!({"name": "After"}), "After", None, false),
        (
            GLIP,
            json!({"description": "Now described", "public": true}),
            "After",
            Some("Now described"),
            true,
        ),
        (
            TM,
            json!({"name": "Again", "description": "Changed", "public": false}),
            "Again",
            Some("Changed"),
            false,
        ),
    ] {
        let (s, b) = w
            .app
            .patch(
                &format!("{prefix}/teams/{team}"),
                &w.alice.token,
                body.clone(),
            )
            .await;
        assert_eq!(s, 200, "{body}: {b}");
        assert_team_info(&b);
        assert_eq!(b["id"], team.as_str());
        assert_eq!(b["name"], name);
        assert_eq!(b["description"].as_str(), description, "{b}");
        assert_eq!(b["public"], public);
        assert_eq!(b["creationTime"], before["creationTime"]);
        assert!(
            b["lastModifiedTime"].as_str() >= before["lastModifiedTime"].as_str(),
            "{b}"
        );
        // Members read the same.
        let (_, seen) = w.app.get(&format!("{TM}/teams/{team}"), &w.bob.token).await;
        assert_eq!(seen, b);
    }
    // An account administrator may manage a team they are in but did not create.
    let bobs = w
        .app
        .post(
            &format!("{TM}/teams"),
            &w.bob.token,
            json!({"name": "Bob's", "members": [{"id": w.alice.id()}]}),
        )
        .await
        .1["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, b) = w
        .app
        .patch(
            &format!("{TM}/teams/{bobs}"),
            &w.alice.token,
            json!({"name": "Renamed by the admin"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["name"], "Renamed by the admin");
}

/// An account administrator manages the teams they can see (public ones, or ones they are in),
/// and no more: a private team of others does not exist for them either.
#[tokio::test]
async fn admins_manage_only_the_teams_they_see() {
    let w = World::new().await;
    let create = |name: &'static str, public: bool| {
        let w = &w;
        async move {
            let (s, b) = w
                .app
                .post(
                    &format!("{TM}/teams"),
                    &w.carol.token,
                    json!({"name": name, "public": public, "members": [{"id": w.bob.id()}]}),
                )
                .await;
            assert_eq!(s, 201, "{b}");
            b["id"].as_str().unwrap().to_string()
        }
    };
    let private = create("Carol's private", false).await;
    let public = create("Carol's public", true).await;
    for prefix in PREFIXES {
        let t = format!("{prefix}/teams/{private}");
        let (s, b) = w
            .app
            .patch(&t, &w.alice.token, json!({"name": "Mine"}))
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (s, b) = post_empty(&w, &format!("{t}/archive"), &w.alice.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (s, b) = w.app.delete(&t, &w.alice.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let (s, b) = w
        .app
        .patch(
            &format!("{TM}/teams/{public}"),
            &w.alice.token,
            json!({"description": "Moderated"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["description"], "Moderated");
    let (s, b) = post_empty(
        &w,
        &format!("{GLIP}/teams/{public}/archive"),
        &w.alice.token,
    )
    .await;
    assert_eq!(s, 204, "{b}");
    let (_, b) = w
        .app
        .get(&format!("{TM}/teams/{public}"), &w.carol.token)
        .await;
    assert_eq!(b["status"], "Archived");
    // A member who is not an administrator may not.
    let (s, b) = w
        .app
        .patch(
            &format!("{TM}/teams/{public}"),
            &w.bob.token,
            json!({"description": "Bob was here"}),
        )
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (_, b) = w
        .app
        .get(&format!("{TM}/teams/{private}"), &w.carol.token)
        .await;
    assert_eq!(b["name"], "Carol's private");
    assert_eq!(b["status"], "Active");
}

#[tokio::test]
async fn patch_team_refused_to_others() {
    let w = World::new().await;
    let private = w.team("Private", false, &[&w.bob]).await;
    let public = w.team("Public", true, &[&w.bob]).await;
    for prefix in PREFIXES {
        let body = json!({"name": "Hijacked"});
        // A member who did not create it and is not an administrator.
        for team in [&private, &public] {
            let (s, b) = w
                .app
                .patch(
                    &format!("{prefix}/teams/{team}"),
                    &w.bob.token,
                    body.clone(),
                )
                .await;
            assert_rc_error(s, &b, 403, "CMN-408");
        }
        // Carol sees the public team but may not change it; the private one does not exist for her.
        let (s, b) = w
            .app
            .patch(
                &format!("{prefix}/teams/{public}"),
                &w.carol.token,
                body.clone(),
            )
            .await;
        assert_rc_error(s, &b, 403, "CMN-408");
        let (s, b) = w
            .app
            .patch(
                &format!("{prefix}/teams/{private}"),
                &w.carol.token,
                body.clone(),
            )
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        for team in [&private, &public] {
            let (s, b) = w
                .app
                .patch(
                    &format!("{prefix}/teams/{team}"),
                    &w.eve.token,
                    body.clone(),
                )
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
    }
    for team in [&private, &public] {
        let (_, b) = w
            .app
            .get(&format!("{TM}/teams/{team}"), &w.alice.token)
            .await;
        assert_ne!(b["name"], "Hijacked");
    }
    // Bad values.
    for (body, code) in [
        (json!({"name": ""}), "CMN-101"),
        (json!({"name": 7}), "CMN-101"),
        (json!({"public": "no"}), "CMN-101"),
        (json!({"name": "x".repeat(10_000)}), "CMN-409"),
    ] {
        let (s, b) = w
            .app
            .patch(
                &format!("{TM}/teams/{private}"),
                &w.alice.token,
                body.clone(),
            )
            .await;
        assert_eq!(s, 400, "{body}: {b}");
        assert_eq!(b["errorCode"], code, "{body}: {b}");
    }
    let (s, b) = w
        .app
        .patch(
            &format!("{TM}/teams/1234567"),
            &w.alice.token,
            json!({"name": "x"}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
}

#[tokio::test]
async fn delete_team() {
    let w = World::new().await;
    for prefix in PREFIXES {
        let team = w.team("Doomed", true, &[&w.bob]).await;
        let (s, b) = post_text(&w, &w.bob, &team, "last words").await;
        assert_eq!(s, 201, "{b}");
        // Neither a plain member, nor a non-member, nor another company.
        for user in [&w.bob, &w.carol] {
            let (s, b) = w
                .app
                .delete(&format!("{prefix}/teams/{team}"), &user.token)
                .await;
            assert_rc_error(s, &b, 403, "CMN-408");
        }
        let (s, b) = w
            .app
            .delete(&format!("{prefix}/teams/{team}"), &w.eve.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");

        let (s, b) = w
            .app
            .delete(&format!("{prefix}/teams/{team}"), &w.alice.token)
            .await;
        assert_eq!(s, 204, "{b}");
        assert_eq!(b, Value::Null);
        for user in [&w.alice, &w.bob] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/teams/{team}"), &user.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats/{team}"), &user.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats/{team}/posts"), &user.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
            let (_, b) = w.app.get(&format!("{prefix}/teams"), &user.token).await;
            assert!(!record_ids(&b).contains(&team), "{b}");
        }
        let (s, b) = w
            .app
            .delete(&format!("{prefix}/teams/{team}"), &w.alice.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    // Conversations and the Everyone team are not teams.
    let c = chats(&w).await;
    for id in [&c.direct, &c.everyone, &c.personal] {
        let (s, b) = w
            .app
            .delete(&format!("{TM}/teams/{id}"), &w.alice.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let (s, _) = w
        .app
        .get(&format!("{TM}/chats/{}", c.direct), &w.alice.token)
        .await;
    assert_eq!(s, 200);
}

// ---------------------------------------------------------------- join and leave

#[tokio::test]
async fn join_a_public_team() {
    let w = World::new().await;
    for prefix in PREFIXES {
        let team = w.team("Open", true, &[&w.bob]).await;
        let (s, b) = post_empty(&w, &format!("{prefix}/teams/{team}/join"), &w.carol.token).await;
        assert_eq!(s, 204, "{b}");
        assert_eq!(b, Value::Null);
        assert_eq!(
            members_of(&w, &w.carol, &team).await,
            id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id()])
        );
        let (_, listed) = w.app.get(&format!("{prefix}/teams"), &w.carol.token).await;
        assert!(record_ids(&listed).contains(&team), "{listed}");
        // The chat is told.
        let sys = system_posts(&w, &w.alice, &team).await;
        assert_eq!(sys.len(), 1, "{sys:?}");
        assert_eq!(sys[0]["type"], "PersonJoined");
        assert_eq!(sys[0]["creatorId"], w.carol.id());
        assert_eq!(sys[0]["groupId"], team.as_str());
        assert_time(&sys[0]["creationTime"]);
        // Joining again changes nothing.
        let (s, _) = post_empty(&w, &format!("{prefix}/teams/{team}/join"), &w.carol.token).await;
        assert_eq!(s, 204);
        assert_eq!(system_posts(&w, &w.alice, &team).await.len(), 1);
        // Carol may post now.
        let (s, b) = post_text(&w, &w.carol, &team, "hi all").await;
        assert_eq!(s, 201, "{b}");
    }
}

#[tokio::test]
async fn join_refused() {
    let w = World::new().await;
    let c = chats(&w).await;
    for prefix in PREFIXES {
        // A private team does not exist for Carol; nothing of Acme's exists for Eve.
        for (user, id) in [
            (&w.carol, &c.team),
            (&w.eve, &c.public_team),
            (&w.eve, &c.team),
            (&w.carol, &c.direct),
            (&w.alice, &c.everyone),
            (&w.alice, &c.group),
        ] {
            let (s, b) = post_empty(&w, &format!("{prefix}/teams/{id}/join"), &user.token).await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
    }
    assert_eq!(
        members_of(&w, &w.alice, &c.team).await,
        id_set(&[&w.alice.id(), &w.bob.id()])
    );
    assert_eq!(
        members_of(&w, &w.alice, &c.public_team).await,
        id_set(&[&w.alice.id(), &w.bob.id()])
    );
    // An archived public team cannot be joined.
    let (s, _) = post_empty(
        &w,
        &format!("{TM}/teams/{}/archive", c.public_team),
        &w.alice.token,
    )
    .await;
    assert_eq!(s, 204);
    let (s, b) = post_empty(
        &w,
        &format!("{TM}/teams/{}/join", c.public_team),
        &w.carol.token,
    )
    .await;
    assert_rc_error(s, &b, 403, "CMN-408");
}

#[tokio::test]
async fn leave_a_team() {
    let w = World::new().await;
    for prefix in PREFIXES {
        let team = w.team("Leavable", false, &[&w.bob, &w.carol]).await;
        let (s, b) = post_empty(&w, &format!("{prefix}/teams/{team}/leave"), &w.bob.token).await;
        assert_eq!(s, 204, "{b}");
        assert_eq!(
            members_of(&w, &w.alice, &team).await,
            id_set(&[&w.alice.id(), &w.carol.id()])
        );
        // Gone from Bob's world: a private team he is not in.
        let (s, b) = w
            .app
            .get(&format!("{prefix}/teams/{team}"), &w.bob.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (_, listed) = w.app.get(&format!("{prefix}/chats"), &w.bob.token).await;
        assert!(!record_ids(&listed).contains(&team));
        let (s, b) = post_text(&w, &w.bob, &team, "still here?").await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (s, b) = post_empty(&w, &format!("{prefix}/teams/{team}/leave"), &w.bob.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let sys = system_posts(&w, &w.alice, &team).await;
        assert_eq!(sys.len(), 1, "{sys:?}");
        assert_eq!(sys[0]["type"], "PersonsRemoved");
        assert_eq!(strings(&sys[0]["removedPersonIds"]), vec![w.bob.id()]);

        // Eve cannot leave what she cannot see.
        let (s, b) = post_empty(&w, &format!("{prefix}/teams/{team}/leave"), &w.eve.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let c = chats(&w).await;
    for id in [&c.everyone, &c.direct] {
        let (s, b) = post_empty(&w, &format!("{TM}/teams/{id}/leave"), &w.bob.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    assert!(
        members_of(&w, &w.bob, &c.everyone)
            .await
            .contains(&w.bob.id())
    );
}

// ---------------------------------------------------------------- add and remove

#[tokio::test]
async fn add_and_remove_members() {
    let w = World::new().await;
    let dave = new_acme_user(&w, "Dave", "dave@acme.test").await;
    for prefix in PREFIXES {
        let team = w.team("Growing", false, &[&w.bob]).await;
        // By id and by e-mail.
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams/{team}/add"),
                &w.alice.token,
                json!({"members": [{"id": w.carol.id()}, {"email": dave.email}]}),
            )
            .await;
        assert_eq!(s, 204, "{b}");
        assert_eq!(b, Value::Null);
        assert_eq!(
            members_of(&w, &w.carol, &team).await,
            id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id(), &dave.id()])
        );
        // Adding members already in changes nothing.
        let (s, _) = w
            .app
            .post(
                &format!("{prefix}/teams/{team}/add"),
                &w.alice.token,
                json!({"members": [{"id": w.carol.id()}]}),
            )
            .await;
        assert_eq!(s, 204);

        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams/{team}/remove"),
                &w.alice.token,
                json!({"members": [{"id": dave.id()}, {"id": w.carol.id()}]}),
            )
            .await;
        assert_eq!(s, 204, "{b}");
        assert_eq!(
            members_of(&w, &w.alice, &team).await,
            id_set(&[&w.alice.id(), &w.bob.id()])
        );
        let (s, b) = w
            .app
            .get(&format!("{prefix}/chats/{team}"), &dave.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");

        // The chat tells what happened, in order.
        let sys = system_posts(&w, &w.bob, &team).await;
        assert_eq!(sys.len(), 2, "{sys:?}");
        assert_eq!(sys[0]["type"], "PersonsAdded");
        assert_eq!(sys[0]["creatorId"], w.alice.id());
        assert_eq!(
            strings(&sys[0]["addedPersonIds"])
                .into_iter()
                .collect::<BTreeSet<_>>(),
            id_set(&[&w.carol.id(), &dave.id()])
        );
        assert_eq!(sys[1]["type"], "PersonsRemoved");
        assert_eq!(sys[1]["creatorId"], w.alice.id());
        assert_eq!(
            strings(&sys[1]["removedPersonIds"])
                .into_iter()
                .collect::<BTreeSet<_>>(),
            id_set(&[&w.carol.id(), &dave.id()])
        );
        // The legacy posts list shows them too.
        let (s, b) = w
            .app
            .get(&format!("{GLIP}/groups/{team}/posts"), &w.bob.token)
            .await;
        assert_eq!(s, 200, "{b}");
        let types: Vec<&str> = b["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["PersonsRemoved", "PersonsAdded"]);
    }
}

#[tokio::test]
async fn add_and_remove_rules() {
    let w = World::new().await;
    let private = w.team("Private", false, &[&w.bob]).await;
    let public = w.team("Public", true, &[&w.bob]).await;
    let carol = json!({"members": [{"id": w.carol.id()}]});
    for prefix in PREFIXES {
        // Any member may add people.
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams/{private}/add"),
                &w.bob.token,
                carol.clone(),
            )
            .await;
        assert_eq!(s, 204, "{b}");
        // Only the creator or an administrator removes others.
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams/{private}/remove"),
                &w.bob.token,
                carol.clone(),
            )
            .await;
        assert_rc_error(s, &b, 403, "CMN-408");
        assert!(
            members_of(&w, &w.alice, &private)
                .await
                .contains(&w.carol.id())
        );
        // Anyone may remove themselves.
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams/{private}/remove"),
                &w.carol.token,
                carol.clone(),
            )
            .await;
        assert_eq!(s, 204, "{b}");
        // Now Carol, not a member, cannot add herself back.
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams/{private}/add"),
                &w.carol.token,
                carol.clone(),
            )
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "chatId", "{b}");
        // Of a public team she is not in: she sees it, but may not change its members.
        for action in ["add", "remove"] {
            let body = json!({"members": [{"id": w.bob.id()}]});
            let (s, b) = w
                .app
                .post(
                    &format!("{prefix}/teams/{public}/{action}"),
                    &w.carol.token,
                    body,
                )
                .await;
            assert_rc_error(s, &b, 403, "CMN-408");
        }
        // Eve sees neither team.
        for team in [&private, &public] {
            for action in ["add", "remove"] {
                let (s, b) = w
                    .app
                    .post(
                        &format!("{prefix}/teams/{team}/{action}"),
                        &w.eve.token,
                        carol.clone(),
                    )
                    .await;
                assert_rc_error(s, &b, 404, "CMN-102");
            }
        }
        // People of another company, unknown people, bad bodies.
        for (body, code) in [
            (json!({"members": [{"id": w.eve.id()}]}), "CMN-101"),
            (json!({"members": [{"email": w.eve.email}]}), "CMN-101"),
            (json!({"members": [{"id": "55555555"}]}), "CMN-101"),
            (json!({}), "CMN-100"),
            (json!({"members": "x"}), "CMN-101"),
        ] {
            let (s, b) = w
                .app
                .post(
                    &format!("{prefix}/teams/{private}/add"),
                    &w.alice.token,
                    body.clone(),
                )
                .await;
            assert_rc_error(s, &b, 400, code);
            assert!(
                b["errors"][0]["parameterName"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("members"),
                "the body field is `members`: {b}"
            );
        }
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams/{private}/remove"),
                &w.alice.token,
                json!({}),
            )
            .await;
        assert_rc_error(s, &b, 400, "CMN-100");
    }
    // Eve was never added.
    let members = members_of(&w, &w.alice, &private).await;
    assert_eq!(members, id_set(&[&w.alice.id(), &w.bob.id()]));
    // Conversations have fixed members and are not teams.
    let (s, d) = conversation(&w, &w.alice, &[&w.bob]).await;
    assert_eq!(s, 201);
    let direct = d["id"].as_str().unwrap();
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/teams/{direct}/add"),
            &w.alice.token,
            carol.clone(),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(
        members_of(&w, &w.alice, direct).await,
        id_set(&[&w.alice.id(), &w.bob.id()])
    );
}

// ---------------------------------------------------------------- archive

#[tokio::test]
async fn archive_and_unarchive() {
    let w = World::new().await;
    for prefix in PREFIXES {
        let team = w.team("Seasonal", true, &[&w.bob]).await;
        // Not by a plain member, nor by others.
        for action in ["archive", "unarchive"] {
            let (s, b) =
                post_empty(&w, &format!("{prefix}/teams/{team}/{action}"), &w.bob.token).await;
            assert_rc_error(s, &b, 403, "CMN-408");
            let (s, b) = post_empty(
                &w,
                &format!("{prefix}/teams/{team}/{action}"),
                &w.carol.token,
            )
            .await;
            assert_rc_error(s, &b, 403, "CMN-408");
            let (s, b) =
                post_empty(&w, &format!("{prefix}/teams/{team}/{action}"), &w.eve.token).await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }

        let (s, b) = post_empty(
            &w,
            &format!("{prefix}/teams/{team}/archive"),
            &w.alice.token,
        )
        .await;
        assert_eq!(s, 204, "{b}");
        assert_eq!(b, Value::Null);
        let (_, t) = w
            .app
            .get(&format!("{prefix}/teams/{team}"), &w.bob.token)
            .await;
        assert_eq!(t["status"], "Archived", "{t}");
        let (_, t) = w
            .app
            .get(&format!("{prefix}/chats/{team}"), &w.bob.token)
            .await;
        assert_eq!(t["status"], "Archived", "{t}");
        // Archived teams are read-only.
        for user in [&w.alice, &w.bob] {
            let (s, b) = post_text(&w, user, &team, "anyone?").await;
            assert_rc_error(s, &b, 403, "CMN-408");
        }
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams/{team}/add"),
                &w.alice.token,
                json!({"members": [{"id": w.carol.id()}]}),
            )
            .await;
        assert_rc_error(s, &b, 403, "CMN-408");
        // Still listed and readable.
        let (_, listed) = w.app.get(&format!("{prefix}/teams"), &w.bob.token).await;
        assert!(record_ids(&listed).contains(&team));
        let (s, _) = w
            .app
            .get(&format!("{prefix}/chats/{team}/posts"), &w.bob.token)
            .await;
        assert_eq!(s, 200);
        // Archiving twice is fine.
        let (s, _) = post_empty(
            &w,
            &format!("{prefix}/teams/{team}/archive"),
            &w.alice.token,
        )
        .await;
        assert_eq!(s, 204);

        let (s, b) = post_empty(
            &w,
            &format!("{prefix}/teams/{team}/unarchive"),
            &w.alice.token,
        )
        .await;
        assert_eq!(s, 204, "{b}");
        let (_, t) = w
            .app
            .get(&format!("{prefix}/teams/{team}"), &w.bob.token)
            .await;
        assert_eq!(t["status"], "Active", "{t}");
        let (s, b) = post_text(&w, &w.bob, &team, "back again").await;
        assert_eq!(s, 201, "{b}");
    }
    let c = chats(&w).await;
    for id in [&c.direct, &c.everyone] {
        let (s, b) = post_empty(&w, &format!("{TM}/teams/{id}/archive"), &w.alice.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
}

// ---------------------------------------------------------------- the Everyone team

#[tokio::test]
async fn everyone_team() {
    let w = World::new().await;
    let acme_everyone = only_chat_of_type(&w, &w.alice, "Everyone").await;
    for prefix in PREFIXES {
        for user in [&w.alice, &w.bob, &w.carol] {
            let (s, b) = w.app.get(&format!("{prefix}/everyone"), &user.token).await;
            assert_eq!(s, 200, "{b}");
            assert_eq!(b["id"], acme_everyone.as_str());
            assert_eq!(b["type"], "Everyone");
            assert_eq!(b["name"], "Everyone");
            assert!(b["description"].is_string(), "{b}");
            assert_time(&b["creationTime"]);
            assert_time(&b["lastModifiedTime"]);
            for k in keys(&b) {
                assert!(
                    [
                        "id",
                        "type",
                        "name",
                        "description",
                        "creationTime",
                        "lastModifiedTime"
                    ]
                    .contains(&k.as_str()),
                    "EveryoneTeamInfo has no {k}: {b}"
                );
            }
        }
        let (s, b) = w.app.get(&format!("{prefix}/everyone"), &w.eve.token).await;
        assert_eq!(s, 200, "{b}");
        assert_ne!(b["id"], acme_everyone.as_str(), "each company has its own");
    }
    // Everyone is in it, and it can be posted to.
    assert_eq!(
        member_ids(
            &w.app
                .get(&format!("{TM}/chats/{acme_everyone}"), &w.bob.token)
                .await
                .1
        ),
        id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id()])
    );
    let (s, b) = post_text(&w, &w.carol, &acme_everyone, "hello company").await;
    assert_eq!(s, 201, "{b}");
}

#[tokio::test]
async fn every_new_user_joins_the_everyone_team() {
    let w = World::new().await;
    let everyone = only_chat_of_type(&w, &w.alice, "Everyone").await;
    let dave = new_acme_user(&w, "Dave", "dave@acme.test").await;
    let (s, b) = w.app.get(&format!("{TM}/everyone"), &dave.token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["id"], everyone.as_str());
    assert_eq!(only_chat_of_type(&w, &dave, "Everyone").await, everyone);
    let members = member_ids(
        &w.app
            .get(&format!("{TM}/chats/{everyone}"), &w.alice.token)
            .await
            .1,
    );
    assert_eq!(
        members,
        id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id(), &dave.id()])
    );
    // The legacy listing shows it as a Team with Dave among the members.
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/groups/{everyone}"), &dave.token)
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["type"], "Team");
    assert!(strings(&b["members"]).contains(&dave.id()));
    // Not Globex's.
    let (_, b) = w.app.get(&format!("{TM}/everyone"), &w.eve.token).await;
    assert_ne!(b["id"], everyone.as_str());
}

#[tokio::test]
async fn patch_everyone_by_admins_only() {
    let w = World::new().await;
    for (prefix, name) in [(TM, "All of Acme"), (GLIP, "Acme, everyone")] {
        let (s, b) = w
            .app
            .patch(
                &format!("{prefix}/everyone"),
                &w.bob.token,
                json!({"name": "Bob's world"}),
            )
            .await;
        assert_rc_error(s, &b, 403, "CMN-408");

        let (s, b) = w
            .app
            .patch(
                &format!("{prefix}/everyone"),
                &w.alice.token,
                json!({"name": name, "description": "The whole company"}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["type"], "Everyone");
        assert_eq!(b["name"], name);
        assert_eq!(b["description"], "The whole company");
        assert_time(&b["lastModifiedTime"]);
        let (_, seen) = w.app.get(&format!("{prefix}/everyone"), &w.bob.token).await;
        assert_eq!(seen, b);
    }
    // Another company's admin changes only their own.
    let (s, b) = w
        .app
        .patch(
            &format!("{TM}/everyone"),
            &w.eve.token,
            json!({"name": "Globex all"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, acme) = w.app.get(&format!("{TM}/everyone"), &w.bob.token).await;
    assert_eq!(acme["name"], "Acme, everyone");
    let (s, b) = w
        .app
        .patch(
            &format!("{TM}/everyone"),
            &w.alice.token,
            json!({"name": ""}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
}

// ---------------------------------------------------------------- who may do what

/// Every team operation for a member, a non-member of the company, another company's user and a
/// token without `TeamMessaging`, on a private and a public team.
#[tokio::test]
async fn team_permission_matrix() {
    let w = World::new().await;
    let no_tm = token_without_team_messaging(&w).await;
    for prefix in PREFIXES {
        for public in [false, true] {
            let team = w.team("Matrix", public, &[&w.bob]).await;
            let t = format!("{prefix}/teams/{team}");
            // Reads: members yes; Carol only the public team; Eve never.
            for path in [t.clone(), format!("{prefix}/chats/{team}")] {
                let (s, _) = w.app.get(&path, &w.bob.token).await;
                assert_eq!(s, 200, "{path}");
                let (s, b) = w.app.get(&path, &w.carol.token).await;
                if public {
                    assert_eq!(s, 200, "{path}: {b}");
                } else {
                    assert_rc_error(s, &b, 404, "CMN-102");
                }
                let (s, b) = w.app.get(&path, &w.eve.token).await;
                assert_rc_error(s, &b, 404, "CMN-102");
                let (s, b) = w.app.get(&path, &no_tm).await;
                assert_needs_team_messaging(s, &b);
            }
            // Posts: members only; a visible public team refuses with 403.
            let (s, b) = post_text(&w, &w.bob, &team, "member").await;
            assert_eq!(s, 201, "{b}");
            let (s, b) = post_text(&w, &w.carol, &team, "outsider").await;
            if public {
                assert_rc_error(s, &b, 403, "CMN-408");
            } else {
                assert_rc_error(s, &b, 404, "CMN-102");
            }
            let (s, b) = post_text(&w, &w.eve, &team, "stranger").await;
            assert_rc_error(s, &b, 404, "CMN-102");
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats/{team}/posts"), &w.carol.token)
                .await;
            if public {
                assert_rc_error(s, &b, 403, "CMN-408");
            } else {
                assert_rc_error(s, &b, 404, "CMN-102");
            }
            // Writes that need management: the creator yes, a member 403, Carol 403/404, Eve 404.
            let outsider = if public {
                (403, "CMN-408")
            } else {
                (404, "CMN-102")
            };
            for (user, want) in [
                (&w.bob, (403, "CMN-408")),
                (&w.carol, outsider),
                (&w.eve, (404, "CMN-102")),
            ] {
                let (s, b) = w.app.patch(&t, &user.token, json!({"name": "x"})).await;
                assert_rc_error(s, &b, want.0, want.1);
                let (s, b) = post_empty(&w, &format!("{t}/archive"), &user.token).await;
                assert_rc_error(s, &b, want.0, want.1);
                let (s, b) = w.app.delete(&t, &user.token).await;
                assert_rc_error(s, &b, want.0, want.1);
            }
            let (s, b) = w.app.patch(&t, &no_tm, json!({"name": "x"})).await;
            assert_needs_team_messaging(s, &b);
            let (s, b) = w
                .app
                .patch(&t, &w.alice.token, json!({"name": "Renamed"}))
                .await;
            assert_eq!(s, 200, "{b}");
            // Joining: Carol only the public team.
            let (s, b) = post_empty(&w, &format!("{t}/join"), &w.carol.token).await;
            if public {
                assert_eq!(s, 204, "{b}");
            } else {
                assert_rc_error(s, &b, 404, "CMN-102");
            }
            let (s, b) = post_empty(&w, &format!("{t}/join"), &w.eve.token).await;
            assert_rc_error(s, &b, 404, "CMN-102");
            let (s, b) = post_empty(&w, &format!("{t}/join"), &no_tm).await;
            assert_needs_team_messaging(s, &b);
            let (s, b) = w.app.delete(&t, &no_tm).await;
            assert_needs_team_messaging(s, &b);
            let (s, b) = w.app.delete(&t, &w.alice.token).await;
            assert_eq!(s, 204, "{b}");
        }
    }
}
