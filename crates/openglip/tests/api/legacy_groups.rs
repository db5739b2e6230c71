//! The legacy groups API of the Glip API overview (`/restapi/v1.0/glip/groups…`): legacy shapes
//! (`isPublic`, `members` as strings, `PrivateChat`/`PersonalChat`), batch reads answered
//! `207 multipart/mixed`, and `bulk-assign`.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::chats::*;
use crate::helpers::*;

/// A `207 Multi-Status` batch answer, split: the statuses of the first part, then each part's JSON.
pub struct Batch {
    pub statuses: Vec<u16>,
    pub parts: Vec<Value>,
}

/// Reads a RingCentral batch answer: `multipart/mixed; boundary=…`, a first part
/// `{"response":[{"status":…},…]}` and then one JSON part per requested id.
pub fn parse_multipart(content_type: &str, body: &str) -> Batch {
    let (mime, params) = content_type
        .split_once(';')
        .unwrap_or_else(|| panic!("no boundary in {content_type}"));
    assert_eq!(mime.trim(), "multipart/mixed", "{content_type}");
    let boundary = params
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .unwrap_or_else(|| panic!("no boundary in {content_type}"))
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let close = format!("--{boundary}--");
    assert!(body.trim_end().ends_with(&close), "unterminated: {body}");
    let mut jsons = Vec::new();
    for chunk in body.split(&delimiter).skip(1) {
        if chunk.starts_with("--") {
            break; // the closing delimiter
        }
        let chunk = chunk
            .strip_prefix("\r\n")
            .unwrap_or_else(|| panic!("part not on its own line: {chunk:?}"));
        let (headers, content) = chunk
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("part without a blank line: {chunk:?}"));
        let ct = headers
            .lines()
            .find_map(|h| {
                let (k, v) = h.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-type")
                    .then(|| v.trim().to_string())
            })
            .unwrap_or_else(|| panic!("part without Content-Type: {headers:?}"));
        assert!(ct.starts_with("application/json"), "{ct}");
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        jsons.push(
            serde_json::from_str::<Value>(content)
                .unwrap_or_else(|e| panic!("part is not JSON ({e}): {content:?}")),
        );
    }
    assert!(!jsons.is_empty(), "no parts: {body}");
    let head = jsons.remove(0);
    let statuses: Vec<u16> = head["response"]
        .as_array()
        .unwrap_or_else(|| panic!("first part is not a response list: {head}"))
        .iter()
        .map(|r| r["status"].as_u64().unwrap_or_else(|| panic!("{r}")) as u16)
        .collect();
    assert_eq!(statuses.len(), jsons.len(), "one status per part: {body}");
    Batch {
        statuses,
        parts: jsons,
    }
}

/// GETs `path` expecting a 207 batch answer.
pub async fn get_batch(w: &World, path: &str, token: &str) -> Batch {
    let r = w
        .app
        .req(Method::GET, path, token)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = r.text().await.unwrap();
    assert_eq!(status, 207, "{body}");
    parse_multipart(&ct, &body)
}

/// The `members` of a legacy group: an array of strings.
fn legacy_members(v: &Value) -> BTreeSet<String> {
    v["members"]
        .as_array()
        .unwrap_or_else(|| panic!("members not an array: {v}"))
        .iter()
        .map(|m| {
            m.as_str()
                .unwrap_or_else(|| panic!("legacy members are strings: {m}"))
                .to_string()
        })
        .collect()
}

/// Asserts a `GlipGroupInfo`: fields and JSON types.
fn assert_group(v: &Value, kind: &str) {
    assert!(v["id"].is_string(), "{v}");
    assert_eq!(v["type"], kind, "{v}");
    assert_time(&v["creationTime"]);
    assert_time(&v["lastModifiedTime"]);
    legacy_members(v);
    assert!(v.get("public").is_none(), "legacy groups say isPublic: {v}");
    assert!(v.get("status").is_none(), "{v}");
    if kind == "Team" {
        assert!(v["isPublic"].is_boolean(), "{v}");
        assert!(v["name"].is_string(), "{v}");
    } else {
        for absent in ["isPublic", "name", "description"] {
            assert!(v.get(absent).is_none(), "{absent} on a {kind}: {v}");
        }
    }
    for k in keys(v) {
        assert!(
            [
                "id",
                "type",
                "isPublic",
                "name",
                "description",
                "members",
                "creationTime",
                "lastModifiedTime"
            ]
            .contains(&k.as_str()),
            "unexpected {k}: {v}"
        );
    }
}

async fn create_group(w: &World, by: &User, body: Value) -> (u16, Value) {
    w.app.post(&format!("{GLIP}/groups"), &by.token, body).await
}

async fn legacy_team(w: &World, public: bool, members: &[&User]) -> String {
    let members: Vec<String> = members.iter().map(|u| u.id()).collect();
    let (s, b) = create_group(
        w,
        &w.alice,
        json!({"type": "Team", "isPublic": public, "name": "Legacy team", "members": members}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    b["id"].as_str().unwrap().to_string()
}

async fn bulk_assign(w: &World, by: &User, group: &str, body: Value) -> (u16, Value) {
    w.app
        .post(
            &format!("{GLIP}/groups/{group}/bulk-assign"),
            &by.token,
            body,
        )
        .await
}

// ---------------------------------------------------------------- POST /glip/groups

#[tokio::test]
async fn create_team_group_legacy_shape() {
    let w = World::new().await;
    let (s, b) = create_group(
        &w,
        &w.alice,
        json!({
            "type": "Team",
            "isPublic": true,
            "name": "Legacy launch",
            "description": "Made the old way",
            "members": [w.bob.id(), "carol@acme.test"],
        }),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_group(&b, "Team");
    assert_eq!(b["isPublic"], true);
    assert_eq!(b["name"], "Legacy launch");
    assert_eq!(b["description"], "Made the old way");
    assert_eq!(
        legacy_members(&b),
        id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id()])
    );
    let id = b["id"].as_str().unwrap();
    // The same team on the current API.
    let (s, t) = w.app.get(&format!("{TM}/teams/{id}"), &w.carol.token).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["public"], true);
    assert_eq!(t["name"], "Legacy launch");
    // And read back the legacy way.
    let (s, g) = w
        .app
        .get(&format!("{GLIP}/groups/{id}"), &w.bob.token)
        .await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(g, b);

    // Members as objects work too; private by default.
    let (s, b) = create_group(
        &w,
        &w.bob,
        json!({"type": "Team", "name": "Objects", "members": [{"id": w.carol.id()}, {"email": "alice@acme.test"}]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["isPublic"], false);
    assert_eq!(
        legacy_members(&b),
        id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id()])
    );
}

#[tokio::test]
async fn create_private_chat_is_idempotent() {
    let w = World::new().await;
    let (s, first) = create_group(
        &w,
        &w.alice,
        json!({"type": "PrivateChat", "members": [w.bob.id()]}),
    )
    .await;
    assert_eq!(s, 200, "{first}");
    assert_group(&first, "PrivateChat");
    assert_eq!(
        legacy_members(&first),
        id_set(&[&w.alice.id(), &w.bob.id()])
    );
    let id = first["id"].as_str().unwrap();
    for (by, members) in [
        (&w.alice, json!([w.bob.id()])),
        (&w.alice, json!([w.alice.id(), w.bob.id()])),
        (&w.alice, json!(["bob@acme.test"])),
        (&w.alice, json!(["alice@acme.test", "bob@acme.test"])),
        (&w.alice, json!([{"id": w.bob.id()}])),
        (&w.bob, json!([w.alice.id()])),
    ] {
        let (s, b) = create_group(
            &w,
            by,
            json!({"type": "PrivateChat", "members": members.clone()}),
        )
        .await;
        assert_eq!(s, 200, "{members}: {b}");
        assert_eq!(b["id"], id, "{members}: {b}");
        assert_eq!(b["creationTime"], first["creationTime"]);
    }
    // It is the Direct chat of the current API.
    let (s, c) = w.app.get(&format!("{TM}/chats/{id}"), &w.bob.token).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["type"], "Direct");
    let (s, c) = conversation(&w, &w.bob, &[&w.alice]).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["id"], id);
}

#[tokio::test]
async fn create_group_bad_input() {
    let w = World::new().await;
    for (body, code, param) in [
        (json!({"members": [w.bob.id()]}), "CMN-100", "type"),
        (
            json!({"isPublic": true, "name": "No type"}),
            "CMN-100",
            "type",
        ),
        (
            json!({"type": "Squad", "members": [w.bob.id()]}),
            "CMN-101",
            "type",
        ),
        (json!({"type": "team", "name": "x"}), "CMN-101", "type"),
        (
            json!({"type": "Group", "members": [w.bob.id(), w.carol.id()]}),
            "CMN-101",
            "type",
        ),
        (json!({"type": "PersonalChat"}), "CMN-101", "type"),
        (json!({"type": 3}), "CMN-101", "type"),
        (json!({"type": "Team", "isPublic": true}), "CMN-100", "name"),
        (
            json!({"type": "Team", "isPublic": "yes", "name": "x"}),
            "CMN-101",
            "isPublic",
        ),
        (
            json!({"type": "Team", "name": "x", "members": [w.eve.id()]}),
            "CMN-101",
            "members",
        ),
        (
            json!({"type": "Team", "name": "x", "members": ["eve@globex.test"]}),
            "CMN-101",
            "members",
        ),
        (
            json!({"type": "PrivateChat", "members": [w.eve.id()]}),
            "CMN-101",
            "members",
        ),
        (
            json!({"type": "PrivateChat", "members": []}),
            "CMN-101",
            "members",
        ),
        (json!({"type": "PrivateChat"}), "CMN-100", "members"),
        (
            json!({"type": "PrivateChat", "members": [w.alice.id()]}),
            "CMN-101",
            "members",
        ),
        (
            json!({"type": "PrivateChat", "members": [w.bob.id(), w.carol.id()]}),
            "CMN-101",
            "members",
        ),
    ] {
        let (s, b) = create_group(&w, &w.alice, body.clone()).await;
        assert_rc_error(s, &b, 400, code);
        assert_eq!(b["errors"][0]["parameterName"], param, "{body}: {b}");
    }
    // Nothing was created.
    let (_, b) = w.app.get(&format!("{GLIP}/groups"), &w.alice.token).await;
    assert_eq!(
        record_ids(&b).len(),
        2,
        "Everyone and PersonalChat only: {b}"
    );
}

// ---------------------------------------------------------------- GET /glip/groups

#[tokio::test]
async fn list_groups_by_legacy_type() {
    let w = World::new().await;
    let c = chats(&w).await;
    let all = [
        &c.everyone,
        &c.personal,
        &c.team,
        &c.public_team,
        &c.direct,
        &c.group,
    ];
    let (s, b) = w.app.get(&format!("{GLIP}/groups"), &w.alice.token).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["navigation"].is_object(), "{b}");
    assert_eq!(
        record_ids(&b).into_iter().collect::<BTreeSet<_>>(),
        id_set(&all)
    );
    for r in b["records"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let kind = if id == c.personal {
            "PersonalChat"
        } else if id == c.direct {
            "PrivateChat"
        } else if id == c.group {
            "Group"
        } else {
            // The Everyone team is a Team to legacy clients.
            "Team"
        };
        assert_group(r, kind);
    }
    for (query, want) in [
        ("type=Team", vec![&c.everyone, &c.team, &c.public_team]),
        ("type=Group", vec![&c.group]),
        ("type=PrivateChat", vec![&c.direct]),
        ("type=PersonalChat", vec![&c.personal]),
        ("type=PrivateChat&type=Group", vec![&c.direct, &c.group]),
    ] {
        let (s, b) = w
            .app
            .get(&format!("{GLIP}/groups?{query}"), &w.alice.token)
            .await;
        assert_eq!(s, 200, "{query}: {b}");
        assert_eq!(
            record_ids(&b).into_iter().collect::<BTreeSet<_>>(),
            id_set(&want),
            "{query}: {b}"
        );
    }
    // PersonalChat is exactly the caller's own.
    for user in [&w.bob, &w.carol, &w.eve] {
        let (s, b) = w
            .app
            .get(&format!("{GLIP}/groups?type=PersonalChat"), &user.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["records"].as_array().unwrap().len(), 1, "{b}");
        assert_eq!(b["records"][0]["type"], "PersonalChat");
        assert_eq!(legacy_members(&b["records"][0]), id_set(&[&user.id()]));
        assert_ne!(b["records"][0]["id"], c.personal.as_str());
    }
    // The Everyone team is listed as a Team.
    let (_, b) = w
        .app
        .get(&format!("{GLIP}/groups?type=Team"), &w.carol.token)
        .await;
    let ids = record_ids(&b);
    assert_eq!(ids, vec![c.everyone.clone()], "{b}");
    assert_eq!(b["records"][0]["type"], "Team");
    assert_eq!(b["records"][0]["isPublic"], true);

    for bad in ["type=Direct", "type=Personal", "type=Bogus", "type=team"] {
        let (s, b) = w
            .app
            .get(&format!("{GLIP}/groups?{bad}"), &w.alice.token)
            .await;
        assert_rc_error(s, &b, 400, "CMN-101");
        assert_eq!(b["errors"][0]["parameterName"], "type", "{b}");
    }
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/groups?recordCount=251"), &w.alice.token)
        .await;
    assert_eq!(s, 400, "{b}");
}

#[tokio::test]
async fn list_groups_pages() {
    let w = World::new().await;
    for _ in 0..4 {
        legacy_team(&w, false, &[]).await;
    }
    // 4 teams + Everyone + PersonalChat.
    let (_, all) = w
        .app
        .get(&format!("{GLIP}/groups?recordCount=250"), &w.alice.token)
        .await;
    let all = record_ids(&all);
    assert_eq!(all.len(), 6);
    let (s, p1) = w
        .app
        .get(
            &format!("{GLIP}/groups?type=Team&recordCount=2"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{p1}");
    let mut seen = record_ids(&p1);
    let mut next = p1["navigation"]["nextPageToken"].as_str().map(String::from);
    let mut pages = 1;
    while let Some(token) = next {
        let (s, p) = w
            .app
            .get(
                &format!("{GLIP}/groups?recordCount=2&pageToken={token}"),
                &w.alice.token,
            )
            .await;
        assert_eq!(s, 200, "{p}");
        assert!(p["navigation"]["prevPageToken"].is_string(), "{p}");
        for r in p["records"].as_array().unwrap() {
            assert_eq!(r["type"], "Team", "the token keeps the filter: {p}");
        }
        seen.extend(record_ids(&p));
        next = p["navigation"]["nextPageToken"].as_str().map(String::from);
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 5, "4 teams and Everyone: {seen:?}");
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 5);
}

// ---------------------------------------------------------------- GET /glip/groups/{ids}

#[tokio::test]
async fn read_group_and_visibility() {
    let w = World::new().await;
    let c = chats(&w).await;
    for (id, kind) in [
        (&c.team, "Team"),
        (&c.public_team, "Team"),
        (&c.everyone, "Team"),
        (&c.direct, "PrivateChat"),
        (&c.group, "Group"),
        (&c.personal, "PersonalChat"),
    ] {
        let (s, b) = w
            .app
            .get(&format!("{GLIP}/groups/{id}"), &w.alice.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_group(&b, kind);
        assert_eq!(b["id"], id.as_str());
    }
    let (_, b) = w
        .app
        .get(&format!("{GLIP}/groups/{}", c.direct), &w.bob.token)
        .await;
    assert_eq!(legacy_members(&b), id_set(&[&w.alice.id(), &w.bob.id()]));
    // Non-members see only the public team; Eve nothing.
    for id in [&c.team, &c.direct, &c.personal] {
        let (s, b) = w
            .app
            .get(&format!("{GLIP}/groups/{id}"), &w.carol.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");
    }
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/groups/{}", c.public_team), &w.carol.token)
        .await;
    assert_eq!(s, 200, "{b}");
    for id in [&c.public_team, &c.everyone, &c.group] {
        let (s, b) = w
            .app
            .get(&format!("{GLIP}/groups/{id}"), &w.eve.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let no_tm = token_without_team_messaging(&w).await;
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/groups/{}", c.team), &no_tm)
        .await;
    assert_needs_team_messaging(s, &b);
    let (s, b) = w.app.get(&format!("{GLIP}/groups"), &no_tm).await;
    assert_needs_team_messaging(s, &b);
    let (s, b) = w
        .app
        .post(
            &format!("{GLIP}/groups"),
            &no_tm,
            json!({"type": "PrivateChat", "members": [w.bob.id()]}),
        )
        .await;
    assert_needs_team_messaging(s, &b);
    let (s, b) = w
        .app
        .post(
            &format!("{GLIP}/groups/{}/bulk-assign", c.team),
            &no_tm,
            json!({"addedPersonIds": [w.carol.id()]}),
        )
        .await;
    assert_needs_team_messaging(s, &b);
}

#[tokio::test]
async fn read_several_groups_is_a_batch() {
    let w = World::new().await;
    let c = chats(&w).await;
    let batch = get_batch(
        &w,
        &format!("{GLIP}/groups/{},{},{}", c.team, c.direct, c.everyone),
        &w.alice.token,
    )
    .await;
    assert_eq!(batch.statuses, [200, 200, 200]);
    for (part, (id, kind)) in batch.parts.iter().zip([
        (&c.team, "Team"),
        (&c.direct, "PrivateChat"),
        (&c.everyone, "Team"),
    ]) {
        assert_group(part, kind);
        assert_eq!(part["id"], id.as_str());
    }
    // One Carol may not see: its part is a 404 error, the others are fine.
    let batch = get_batch(
        &w,
        &format!("{GLIP}/groups/{},{},{}", c.public_team, c.team, c.everyone),
        &w.carol.token,
    )
    .await;
    assert_eq!(batch.statuses, [200, 404, 200]);
    assert_group(&batch.parts[0], "Team");
    assert_rc_error(404, &batch.parts[1], 404, "CMN-102");
    assert_eq!(batch.parts[2]["id"], c.everyone.as_str());
    // Eve: all 404, and unknown ids too.
    let batch = get_batch(
        &w,
        &format!("{GLIP}/groups/{},99999999", c.everyone),
        &w.eve.token,
    )
    .await;
    assert_eq!(batch.statuses, [404, 404]);
    for p in &batch.parts {
        assert_rc_error(404, p, 404, "CMN-102");
    }
    // At most 30 ids.
    let many: Vec<String> = (0..31).map(|_| c.team.clone()).collect();
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/groups/{}", many.join(",")), &w.alice.token)
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    let thirty: Vec<String> = (0..30).map(|_| c.team.clone()).collect();
    let batch = get_batch(
        &w,
        &format!("{GLIP}/groups/{}", thirty.join(",")),
        &w.alice.token,
    )
    .await;
    assert_eq!(batch.statuses.len(), 30);
}

// ---------------------------------------------------------------- bulk-assign

#[tokio::test]
async fn bulk_assign_adds_and_removes() {
    let w = World::new().await;
    let dave = new_acme_user(&w, "Dave", "dave@acme.test").await;
    let team = legacy_team(&w, false, &[&w.bob]).await;

    let (s, b) = bulk_assign(
        &w,
        &w.alice,
        &team,
        json!({"addedPersonIds": [w.carol.id()], "addedPersonEmails": ["Dave@Acme.test"]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_group(&b, "Team");
    assert_eq!(b["id"], team.as_str());
    assert_eq!(
        legacy_members(&b),
        id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id(), &dave.id()])
    );

    let (s, b) = bulk_assign(
        &w,
        &w.alice,
        &team,
        json!({"removedPersonIds": [w.carol.id(), dave.id()]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(legacy_members(&b), id_set(&[&w.alice.id(), &w.bob.id()]));
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/groups/{team}"), &dave.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");

    // Any member may add; Bob adds Carol.
    let (s, b) = bulk_assign(&w, &w.bob, &team, json!({"addedPersonIds": [w.carol.id()]})).await;
    assert_eq!(s, 200, "{b}");
    assert!(legacy_members(&b).contains(&w.carol.id()));

    // System posts were written, as on the current API.
    let (s, posts) = w
        .app
        .get(&format!("{GLIP}/groups/{team}/posts"), &w.bob.token)
        .await;
    assert_eq!(s, 200, "{posts}");
    let types: Vec<&str> = posts["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["PersonsAdded", "PersonsRemoved", "PersonsAdded"]);
}

#[tokio::test]
async fn bulk_assign_rules() {
    let w = World::new().await;
    let private = legacy_team(&w, false, &[&w.bob]).await;
    let public = legacy_team(&w, true, &[&w.bob]).await;
    let (s, pc) = create_group(
        &w,
        &w.alice,
        json!({"type": "PrivateChat", "members": [w.bob.id()]}),
    )
    .await;
    assert_eq!(s, 200);
    let private_chat = pc["id"].as_str().unwrap().to_string();
    let everyone = only_chat_of_type(&w, &w.alice, "Everyone").await;
    let add_carol = json!({"addedPersonIds": [w.carol.id()]});

    // Only teams change members.
    for id in [&private_chat, &everyone] {
        let (s, b) = bulk_assign(&w, &w.alice, id, add_carol.clone()).await;
        assert_rc_error(s, &b, 400, "CMN-101");
        assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");
    }
    let (_, b) = w
        .app
        .get(&format!("{GLIP}/groups/{private_chat}"), &w.alice.token)
        .await;
    assert_eq!(legacy_members(&b), id_set(&[&w.alice.id(), &w.bob.id()]));

    // Non-members: 404 where they cannot see the group, 403 where they can.
    let (s, b) = bulk_assign(&w, &w.carol, &private, add_carol.clone()).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = bulk_assign(&w, &w.carol, &public, add_carol.clone()).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    for id in [&private, &public, &private_chat] {
        let (s, b) = bulk_assign(&w, &w.eve, id, json!({"addedPersonIds": [w.eve.id()]})).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }

    // Removing others takes the creator (or an admin).
    let (s, b) = bulk_assign(&w, &w.alice, &private, add_carol.clone()).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = bulk_assign(
        &w,
        &w.bob,
        &private,
        json!({"removedPersonIds": [w.carol.id()]}),
    )
    .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    // Removing oneself is fine.
    let (s, b) = bulk_assign(
        &w,
        &w.carol,
        &private,
        json!({"removedPersonIds": [w.carol.id()]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(!legacy_members(&b).contains(&w.carol.id()));

    // Bad bodies and people of another company.
    for (body, code, param) in [
        (json!({}), "CMN-100", "addedPersonIds"),
        (json!({"addedPersonIds": []}), "CMN-100", "addedPersonIds"),
        (
            json!({"addedPersonIds": [w.eve.id()]}),
            "CMN-101",
            "addedPersonIds",
        ),
        (
            json!({"addedPersonEmails": ["eve@globex.test"]}),
            "CMN-101",
            "addedPersonEmails",
        ),
        (
            json!({"addedPersonEmails": ["nobody"]}),
            "CMN-101",
            "addedPersonEmails",
        ),
        (
            json!({"addedPersonIds": ["abc"]}),
            "CMN-101",
            "addedPersonIds",
        ),
        (
            json!({"removedPersonIds": ["777777777"]}),
            "CMN-101",
            "removedPersonIds",
        ),
        (json!({"addedPersonIds": "x"}), "CMN-101", "addedPersonIds"),
    ] {
        let (s, b) = bulk_assign(&w, &w.alice, &private, body.clone()).await;
        assert_rc_error(s, &b, 400, code);
        assert_eq!(b["errors"][0]["parameterName"], param, "{body}: {b}");
    }
    let (s, b) = bulk_assign(&w, &w.alice, "88888888", add_carol.clone()).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");
    let (_, b) = w
        .app
        .get(&format!("{GLIP}/groups/{private}"), &w.alice.token)
        .await;
    assert_eq!(legacy_members(&b), id_set(&[&w.alice.id(), &w.bob.id()]));
}
