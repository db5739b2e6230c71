//! Chats, conversations, recent chats and favorites on both API generations
//! (`/team-messaging/v1/...` and `/restapi/v1.0/glip/...`), with their bad input and who may
//! see what. Also the small helpers the other chat modules (teams, legacy groups, people) share.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

pub const TM: &str = "/team-messaging/v1";
pub const GLIP: &str = "/restapi/v1.0/glip";
/// Both prefixes of the operations that exist on both generations with the same shapes.
pub const PREFIXES: [&str; 2] = [TM, GLIP];

// ---------------------------------------------------------------- shared helpers

/// A token of Alice's through an app that has `ReadAccounts` but not `TeamMessaging`.
pub async fn token_without_team_messaging(w: &World) -> String {
    let app = w
        .app
        .client(&w.acme, &["password"], &["ReadAccounts"])
        .await;
    let tok = w.app.login(&app, &w.alice.email).await;
    let token = tok["access_token"].as_str().unwrap().to_string();
    // The token itself is fine: an endpoint that needs only ReadAccounts answers.
    let (s, b) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &token)
        .await;
    assert_eq!(s, 200, "{b}");
    token
}

/// The answer to a token whose app lacks `TeamMessaging`: 403 CMN-401 naming the permission.
pub fn assert_needs_team_messaging(s: u16, b: &Value) {
    assert_rc_error(s, b, 403, "CMN-401");
    let msg = b["message"].as_str().unwrap();
    assert!(msg.contains("[TeamMessaging]"), "{msg}");
}

/// A POST without a body (favorite, join, leave, archive, ...).
pub async fn post_empty(w: &World, path: &str, token: &str) -> (u16, Value) {
    send(w.app.req(Method::POST, path, token)).await
}

/// A new user of Acme, logged in through the Acme app.
pub async fn new_acme_user(w: &World, first: &str, email: &str) -> User {
    let ext = w.app.user(&w.acme, first, "Newman", email).await;
    w.app.logged_in(&w.client, ext).await
}

/// `POST …/conversations` by `by` with these members (by id); returns (status, body).
pub async fn conversation(w: &World, by: &User, members: &[&User]) -> (u16, Value) {
    let members: Vec<Value> = members.iter().map(|u| json!({"id": u.id()})).collect();
    w.app
        .post(
            &format!("{TM}/conversations"),
            &by.token,
            json!({ "members": members }),
        )
        .await
}

/// `POST /team-messaging/v1/chats/{chat}/posts` by `by`; returns (status, body).
pub async fn post_text(w: &World, by: &User, chat: &str, text: &str) -> (u16, Value) {
    w.app
        .post(
            &format!("{TM}/chats/{chat}/posts"),
            &by.token,
            json!({ "text": text }),
        )
        .await
}

/// The posts of a chat, newest first, as `by` sees them.
pub async fn posts_of(w: &World, by: &User, chat: &str) -> Vec<Value> {
    let (s, b) = w
        .app
        .get(
            &format!("{TM}/chats/{chat}/posts?recordCount=250"),
            &by.token,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    b["records"].as_array().unwrap().clone()
}

/// The ids of a list answer's `records`, in order.
pub fn record_ids(body: &Value) -> Vec<String> {
    body["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records: {body}"))
        .iter()
        .map(|r| {
            r["id"]
                .as_str()
                .unwrap_or_else(|| panic!("id not a string: {r}"))
                .to_string()
        })
        .collect()
}

pub fn id_set<S: AsRef<str>>(ids: &[S]) -> BTreeSet<String> {
    ids.iter().map(|s| s.as_ref().to_string()).collect()
}

/// The member ids of a current-API `members: [{"id": "…"}]` list (asserting its shape).
pub fn member_ids(v: &Value) -> BTreeSet<String> {
    let arr = v["members"]
        .as_array()
        .unwrap_or_else(|| panic!("members not an array: {v}"));
    arr.iter()
        .map(|m| {
            let obj = m
                .as_object()
                .unwrap_or_else(|| panic!("member not an object: {m}"));
            assert_eq!(obj.len(), 1, "member has only an id: {m}");
            m["id"]
                .as_str()
                .unwrap_or_else(|| panic!("member id not a string: {m}"))
                .to_string()
        })
        .collect()
}

/// The keys of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// Asserts a `TMChatInfo` of a team-like chat: every field with its JSON type.
pub fn assert_team_chat_info(v: &Value, kind: &str) {
    assert!(v["id"].is_string(), "{v}");
    assert_eq!(v["type"], kind, "{v}");
    assert!(v["public"].is_boolean(), "{v}");
    assert!(v["name"].is_string(), "{v}");
    assert!(v["status"] == "Active" || v["status"] == "Archived", "{v}");
    assert_time(&v["creationTime"]);
    assert_time(&v["lastModifiedTime"]);
    member_ids(v);
}

/// Asserts a `TMChatInfo` of a conversation (Personal, Direct, Group): no team fields.
pub fn assert_conversation_chat_info(v: &Value, kind: &str) {
    assert!(v["id"].is_string(), "{v}");
    assert_eq!(v["type"], kind, "{v}");
    for absent in ["public", "name", "description", "status"] {
        assert!(v.get(absent).is_none(), "{absent} on a {kind}: {v}");
    }
    assert_time(&v["creationTime"]);
    assert_time(&v["lastModifiedTime"]);
    member_ids(v);
}

/// The id of the only chat of `kind` that `user` lists (Personal, Everyone).
pub async fn only_chat_of_type(w: &World, user: &User, kind: &str) -> String {
    let (s, b) = w
        .app
        .get(&format!("{TM}/chats?type={kind}"), &user.token)
        .await;
    assert_eq!(s, 200, "{b}");
    let ids = record_ids(&b);
    assert_eq!(ids.len(), 1, "{b}");
    ids[0].clone()
}

/// Alice's chats of every kind: the Everyone team, her Personal chat, a private team with Bob,
/// a public team with Bob, a Direct chat with Bob and a Group with Bob and Carol.
pub struct Chats {
    pub everyone: String,
    pub personal: String,
    pub team: String,
    pub public_team: String,
    pub direct: String,
    pub group: String,
}

pub async fn chats(w: &World) -> Chats {
    let team = w.team("Private team", false, &[&w.bob]).await;
    let public_team = w.team("Public team", true, &[&w.bob]).await;
    let (s, d) = conversation(w, &w.alice, &[&w.bob]).await;
    assert_eq!(s, 201, "{d}");
    let (s, g) = conversation(w, &w.alice, &[&w.bob, &w.carol]).await;
    assert_eq!(s, 201, "{g}");
    Chats {
        everyone: only_chat_of_type(w, &w.alice, "Everyone").await,
        personal: only_chat_of_type(w, &w.alice, "Personal").await,
        team,
        public_team,
        direct: d["id"].as_str().unwrap().to_string(),
        group: g["id"].as_str().unwrap().to_string(),
    }
}

// ---------------------------------------------------------------- GET /chats

#[tokio::test]
async fn list_chats_shapes_every_type_of_chat() {
    let w = World::new().await;
    let c = chats(&w).await;
    for prefix in PREFIXES {
        let (s, b) = w.app.get(&format!("{prefix}/chats"), &w.alice.token).await;
        assert_eq!(s, 200, "{b}");
        assert!(b["navigation"].is_object(), "{b}");
        assert_eq!(
            record_ids(&b).into_iter().collect::<BTreeSet<_>>(),
            id_set(&[
                &c.everyone,
                &c.personal,
                &c.team,
                &c.public_team,
                &c.direct,
                &c.group
            ]),
            "{b}"
        );
        for r in b["records"].as_array().unwrap() {
            let id = r["id"].as_str().unwrap();
            let members = member_ids(r);
            if id == c.everyone {
                assert_team_chat_info(r, "Everyone");
                assert_eq!(r["name"], "Everyone");
                assert_eq!(r["public"], true);
                assert_eq!(
                    members,
                    id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id()])
                );
            } else if id == c.team || id == c.public_team {
                assert_team_chat_info(r, "Team");
                assert_eq!(r["public"], id == c.public_team, "{r}");
                assert_eq!(r["status"], "Active");
                assert_eq!(members, id_set(&[&w.alice.id(), &w.bob.id()]));
            } else if id == c.personal {
                assert_conversation_chat_info(r, "Personal");
                assert_eq!(members, id_set(&[&w.alice.id()]));
            } else if id == c.direct {
                assert_conversation_chat_info(r, "Direct");
                assert_eq!(members, id_set(&[&w.alice.id(), &w.bob.id()]));
            } else {
                assert_conversation_chat_info(r, "Group");
                assert_eq!(
                    members,
                    id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id()])
                );
            }
        }
    }
    // Eve, in another company, sees none of them.
    let (s, b) = w.app.get(&format!("{TM}/chats"), &w.eve.token).await;
    assert_eq!(s, 200, "{b}");
    let eve_ids = record_ids(&b);
    assert_eq!(
        eve_ids.len(),
        2,
        "Eve has her Everyone and Personal chats: {b}"
    );
    for id in [
        &c.everyone,
        &c.personal,
        &c.team,
        &c.public_team,
        &c.direct,
        &c.group,
    ] {
        assert!(!eve_ids.contains(id), "{b}");
    }
}

#[tokio::test]
async fn list_chats_type_filter_repeated_and_comma_forms() {
    let w = World::new().await;
    let c = chats(&w).await;
    let cases: [(&str, Vec<&str>); 8] = [
        (
            "type=Team&type=Group",
            vec![&c.team, &c.public_team, &c.group],
        ),
        ("type=Team,Group", vec![&c.team, &c.public_team, &c.group]),
        (
            "type=Group&type=Team,Direct",
            vec![&c.team, &c.public_team, &c.group, &c.direct],
        ),
        ("type=Everyone", vec![&c.everyone]),
        ("type=Personal", vec![&c.personal]),
        ("type=Direct", vec![&c.direct]),
        ("type=Team&type=Team", vec![&c.team, &c.public_team]),
        (
            "type=",
            vec![
                &c.everyone,
                &c.personal,
                &c.team,
                &c.public_team,
                &c.direct,
                &c.group,
            ],
        ),
    ];
    for prefix in PREFIXES {
        for (query, want) in &cases {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats?{query}"), &w.alice.token)
                .await;
            assert_eq!(s, 200, "{query}: {b}");
            let got: BTreeSet<String> = record_ids(&b).into_iter().collect();
            assert_eq!(got, id_set(want), "{prefix} {query}: {b}");
        }
    }
}

#[tokio::test]
async fn list_chats_rejects_unknown_types() {
    let w = World::new().await;
    // `PrivateChat` is a legacy groups name; the chats API speaks `Direct`.
    for query in [
        "type=Bogus",
        "type=Team&type=bogus",
        "type=Team,Nope",
        "type=team",
        "type=PrivateChat",
    ] {
        for prefix in PREFIXES {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats?{query}"), &w.alice.token)
                .await;
            assert_rc_error(s, &b, 400, "CMN-101");
            assert_eq!(b["errors"][0]["parameterName"], "type", "{b}");
        }
    }
    // The same filter on recent chats.
    let (s, b) = w
        .app
        .get(&format!("{TM}/recent/chats?type=Bogus"), &w.alice.token)
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
}

#[tokio::test]
async fn list_chats_record_count_default_max_and_bounds() {
    let w = World::new().await;
    for i in 0..30 {
        w.team(&format!("Team {i}"), false, &[]).await;
    }
    // 30 teams + Everyone + Personal = 32 chats.
    let (s, b) = w.app.get(&format!("{TM}/chats"), &w.alice.token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(record_ids(&b).len(), 30, "default recordCount is 30");
    let next = b["navigation"]["nextPageToken"]
        .as_str()
        .expect("a next page");
    let (s, b2) = w
        .app
        .get(&format!("{TM}/chats?pageToken={next}"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{b2}");
    assert_eq!(record_ids(&b2).len(), 2, "{b2}");

    let (s, b) = w
        .app
        .get(&format!("{TM}/chats?recordCount=250"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(record_ids(&b).len(), 32);
    assert!(b["navigation"].get("nextPageToken").is_none(), "{b}");
    assert!(b["navigation"].get("prevPageToken").is_none(), "{b}");

    for prefix in PREFIXES {
        for bad in ["251", "0", "-1", "ten", "1.5", "99999999999999999999"] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats?recordCount={bad}"), &w.alice.token)
                .await;
            assert_eq!(s, 400, "recordCount={bad}: {b}");
            assert!(b["errorCode"].is_string(), "{b}");
            assert_eq!(b["errors"][0]["parameterName"], "recordCount", "{b}");
        }
    }
    for path in ["recent/chats", "favorites", "conversations", "teams"] {
        let (s, b) = w
            .app
            .get(&format!("{TM}/{path}?recordCount=251"), &w.alice.token)
            .await;
        assert_eq!(s, 400, "{path}: {b}");
    }
}

#[tokio::test]
async fn list_chats_pages_forward_and_back() {
    let w = World::new().await;
    for i in 0..5 {
        w.team(&format!("Team {i}"), false, &[]).await;
    }
    // 5 teams + Everyone + Personal = 7 chats: pages of 3, 3 and 1.
    let (s, all) = w
        .app
        .get(&format!("{TM}/chats?recordCount=250"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{all}");
    let all = record_ids(&all);
    assert_eq!(all.len(), 7);

    let (s, p1) = w
        .app
        .get(&format!("{TM}/chats?recordCount=3"), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{p1}");
    assert_eq!(record_ids(&p1), all[0..3], "{p1}");
    assert!(p1["navigation"].get("prevPageToken").is_none(), "{p1}");
    let next1 = p1["navigation"]["nextPageToken"].as_str().unwrap();

    let (s, p2) = w
        .app
        .get(
            &format!("{TM}/chats?recordCount=3&pageToken={next1}"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{p2}");
    assert_eq!(record_ids(&p2), all[3..6], "{p2}");
    let prev2 = p2["navigation"]["prevPageToken"].as_str().unwrap();
    let next2 = p2["navigation"]["nextPageToken"].as_str().unwrap();

    let (s, p3) = w
        .app
        .get(
            &format!("{TM}/chats?recordCount=3&pageToken={next2}"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{p3}");
    assert_eq!(record_ids(&p3), all[6..7], "{p3}");
    assert!(p3["navigation"].get("nextPageToken").is_none(), "{p3}");
    let prev3 = p3["navigation"]["prevPageToken"].as_str().unwrap();

    // Back: page 3's prev token is page 2; page 2's prev token is page 1.
    let (s, back2) = w
        .app
        .get(
            &format!("{TM}/chats?recordCount=3&pageToken={prev3}"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{back2}");
    assert_eq!(record_ids(&back2), record_ids(&p2));
    let (s, back1) = w
        .app
        .get(
            &format!("{TM}/chats?recordCount=3&pageToken={prev2}"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{back1}");
    assert_eq!(record_ids(&back1), record_ids(&p1));
    assert!(
        back1["navigation"].get("prevPageToken").is_none(),
        "{back1}"
    );
    assert!(back1["navigation"]["nextPageToken"].is_string(), "{back1}");
}

#[tokio::test]
async fn list_chats_page_tokens_carry_the_type_filter() {
    let w = World::new().await;
    for i in 0..5 {
        w.team(&format!("Team {i}"), false, &[]).await;
    }
    let (s, p1) = w
        .app
        .get(
            &format!("{TM}/chats?type=Team&recordCount=2"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{p1}");
    let mut seen: Vec<String> = record_ids(&p1);
    let mut token = p1["navigation"]["nextPageToken"]
        .as_str()
        .unwrap()
        .to_string();
    loop {
        // Only the token: it remembers `type=Team`.
        let (s, p) = w
            .app
            .get(
                &format!("{TM}/chats?recordCount=2&pageToken={token}"),
                &w.alice.token,
            )
            .await;
        assert_eq!(s, 200, "{p}");
        for r in p["records"].as_array().unwrap() {
            assert_eq!(r["type"], "Team", "{p}");
        }
        seen.extend(record_ids(&p));
        match p["navigation"]["nextPageToken"].as_str() {
            Some(t) => token = t.to_string(),
            None => break,
        }
    }
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert_eq!(distinct.len(), 5);
}

#[tokio::test]
async fn list_chats_rejects_tokens_of_other_listings() {
    let w = World::new().await;
    for i in 0..3 {
        w.team(&format!("Team {i}"), false, &[&w.bob]).await;
    }
    let team = w.team("Chatty", false, &[&w.bob]).await;
    for i in 0..3 {
        let (s, b) = post_text(&w, &w.alice, &team, &format!("hello {i}")).await;
        assert_eq!(s, 201, "{b}");
    }
    let token_of = |b: &Value| {
        b["navigation"]["nextPageToken"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (_, teams) = w
        .app
        .get(&format!("{TM}/teams?recordCount=1"), &w.alice.token)
        .await;
    let (_, posts) = w
        .app
        .get(
            &format!("{TM}/chats/{team}/posts?recordCount=1"),
            &w.alice.token,
        )
        .await;
    let (_, groups) = w
        .app
        .get(&format!("{GLIP}/groups?recordCount=1"), &w.alice.token)
        .await;
    let (_, chats) = w
        .app
        .get(&format!("{TM}/chats?recordCount=1"), &w.alice.token)
        .await;
    for foreign in [token_of(&teams), token_of(&posts), token_of(&groups)] {
        let (s, b) = w
            .app
            .get(&format!("{TM}/chats?pageToken={foreign}"), &w.alice.token)
            .await;
        assert_rc_error(s, &b, 400, "CMN-101");
        assert_eq!(b["errors"][0]["parameterName"], "pageToken", "{b}");
    }
    // And a chats token elsewhere.
    let chats_token = token_of(&chats);
    for path in [
        format!("{TM}/teams"),
        format!("{TM}/conversations"),
        format!("{GLIP}/groups"),
        format!("{TM}/chats/{team}/posts"),
    ] {
        let (s, b) = w
            .app
            .get(&format!("{path}?pageToken={chats_token}"), &w.alice.token)
            .await;
        assert_rc_error(s, &b, 400, "CMN-101");
    }
    for garbage in ["garbage", "AAAA", "%20"] {
        let (s, b) = w
            .app
            .get(&format!("{TM}/chats?pageToken={garbage}"), &w.alice.token)
            .await;
        assert_rc_error(s, &b, 400, "CMN-101");
    }
}

// ---------------------------------------------------------------- GET /chats/{chatId}

#[tokio::test]
async fn read_chat_by_members_and_visibility() {
    let w = World::new().await;
    let c = chats(&w).await;
    for prefix in PREFIXES {
        // Members read every kind of their chats.
        for (id, kind) in [
            (&c.team, "Team"),
            (&c.public_team, "Team"),
            (&c.direct, "Direct"),
            (&c.group, "Group"),
            (&c.everyone, "Everyone"),
            (&c.personal, "Personal"),
        ] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats/{id}"), &w.alice.token)
                .await;
            assert_eq!(s, 200, "{b}");
            assert_eq!(b["id"], id.as_str());
            assert_eq!(b["type"], kind);
            if kind == "Team" || kind == "Everyone" {
                assert_team_chat_info(&b, kind);
            } else {
                assert_conversation_chat_info(&b, kind);
            }
        }
        let (s, b) = w
            .app
            .get(&format!("{prefix}/chats/{}", c.team), &w.bob.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["name"], "Private team");
        assert_eq!(member_ids(&b), id_set(&[&w.alice.id(), &w.bob.id()]));

        // Carol, in the company but not a member: private chats do not exist for her.
        for id in [&c.team, &c.direct, &c.personal] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats/{id}"), &w.carol.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
            assert_eq!(b["errors"][0]["parameterName"], "chatId", "{b}");
        }
        // A public team of her company is visible to her.
        let (s, b) = w
            .app
            .get(&format!("{prefix}/chats/{}", c.public_team), &w.carol.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["public"], true);
        assert!(!member_ids(&b).contains(&w.carol.id()));

        // Eve, of another company, sees nothing of Acme's: not even the public team.
        for id in [
            &c.team,
            &c.public_team,
            &c.direct,
            &c.group,
            &c.everyone,
            &c.personal,
        ] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats/{id}"), &w.eve.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
        for bogus in ["999999999", "abc", "-1", "1.5"] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/chats/{bogus}"), &w.alice.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
    }
}

#[tokio::test]
async fn chat_endpoints_need_the_team_messaging_permission() {
    let w = World::new().await;
    let c = chats(&w).await;
    let token = token_without_team_messaging(&w).await;
    for prefix in PREFIXES {
        for path in [
            "chats".to_string(),
            format!("chats/{}", c.team),
            "recent/chats".into(),
            "favorites".into(),
            "conversations".into(),
            format!("conversations/{}", c.direct),
            "teams".into(),
            format!("teams/{}", c.team),
            "everyone".into(),
        ] {
            let (s, b) = w.app.get(&format!("{prefix}/{path}"), &token).await;
            assert_needs_team_messaging(s, &b);
        }
        for path in [
            format!("chats/{}/favorite", c.team),
            format!("chats/{}/unfavorite", c.team),
            format!("teams/{}/join", c.public_team),
            format!("teams/{}/leave", c.team),
            format!("teams/{}/archive", c.team),
            format!("teams/{}/unarchive", c.team),
        ] {
            let (s, b) = post_empty(&w, &format!("{prefix}/{path}"), &token).await;
            assert_needs_team_messaging(s, &b);
        }
        let members = json!({"members": [{"id": w.carol.id()}]});
        for path in [
            "conversations".to_string(),
            format!("teams/{}/add", c.team),
            format!("teams/{}/remove", c.team),
        ] {
            let (s, b) = w
                .app
                .post(&format!("{prefix}/{path}"), &token, members.clone())
                .await;
            assert_needs_team_messaging(s, &b);
        }
        let (s, b) = w
            .app
            .post(
                &format!("{prefix}/teams"),
                &token,
                json!({"name": "Nope", "public": true}),
            )
            .await;
        assert_needs_team_messaging(s, &b);
        let (s, b) = w
            .app
            .patch(
                &format!("{prefix}/teams/{}", c.team),
                &token,
                json!({"name": "Nope"}),
            )
            .await;
        assert_needs_team_messaging(s, &b);
        let (s, b) = w
            .app
            .patch(
                &format!("{prefix}/everyone"),
                &token,
                json!({"name": "Nope"}),
            )
            .await;
        assert_needs_team_messaging(s, &b);
        let (s, b) = w
            .app
            .delete(&format!("{prefix}/teams/{}", c.team), &token)
            .await;
        assert_needs_team_messaging(s, &b);
    }
    // Nothing happened.
    let (s, b) = w
        .app
        .get(&format!("{TM}/teams/{}", c.team), &w.alice.token)
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["name"], "Private team");
    assert_eq!(b["status"], "Active");
    let (_, fav) = w.app.get(&format!("{TM}/favorites"), &w.alice.token).await;
    assert_eq!(record_ids(&fav), Vec::<String>::new());
}

// ---------------------------------------------------------------- favorites

#[tokio::test]
async fn favorite_unfavorite_and_list() {
    let w = World::new().await;
    let c = chats(&w).await;
    for prefix in PREFIXES {
        let (s, b) = w
            .app
            .get(&format!("{prefix}/favorites"), &w.alice.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b, json!({"records": []}));

        for id in [&c.team, &c.direct, &c.everyone] {
            let (s, b) =
                post_empty(&w, &format!("{prefix}/chats/{id}/favorite"), &w.alice.token).await;
            assert_eq!(s, 204, "{b}");
            assert_eq!(b, Value::Null);
        }
        // Twice is fine, and listed once.
        let (s, _) = post_empty(
            &w,
            &format!("{prefix}/chats/{}/favorite", c.team),
            &w.alice.token,
        )
        .await;
        assert_eq!(s, 204);

        let (s, b) = w
            .app
            .get(&format!("{prefix}/favorites"), &w.alice.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert!(b.get("navigation").is_none(), "{b}");
        let ids = record_ids(&b);
        assert_eq!(ids.len(), 3, "{b}");
        assert_eq!(
            ids.iter().cloned().collect::<BTreeSet<_>>(),
            id_set(&[&c.team, &c.direct, &c.everyone])
        );
        for r in b["records"].as_array().unwrap() {
            assert_time(&r["creationTime"]);
            member_ids(r);
        }
        let (s, b) = w
            .app
            .get(&format!("{prefix}/favorites?recordCount=1"), &w.alice.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(record_ids(&b).len(), 1);

        // Favorites are per person.
        let (_, b) = w
            .app
            .get(&format!("{prefix}/favorites"), &w.bob.token)
            .await;
        assert_eq!(record_ids(&b), Vec::<String>::new());

        for id in [&c.team, &c.direct, &c.everyone] {
            let (s, b) = post_empty(
                &w,
                &format!("{prefix}/chats/{id}/unfavorite"),
                &w.alice.token,
            )
            .await;
            assert_eq!(s, 204, "{b}");
        }
        // Unfavoriting what is not a favorite is fine too.
        let (s, _) = post_empty(
            &w,
            &format!("{prefix}/chats/{}/unfavorite", c.group),
            &w.alice.token,
        )
        .await;
        assert_eq!(s, 204);
        let (_, b) = w
            .app
            .get(&format!("{prefix}/favorites"), &w.alice.token)
            .await;
        assert_eq!(record_ids(&b), Vec::<String>::new());
    }
}

#[tokio::test]
async fn favorite_needs_membership() {
    let w = World::new().await;
    let c = chats(&w).await;
    for prefix in PREFIXES {
        for action in ["favorite", "unfavorite"] {
            // Carol does not see the private team or the Direct chat.
            for id in [&c.team, &c.direct] {
                let (s, b) =
                    post_empty(&w, &format!("{prefix}/chats/{id}/{action}"), &w.carol.token).await;
                assert_rc_error(s, &b, 404, "CMN-102");
            }
            // She sees the public team, but is not a member of it.
            let (s, b) = post_empty(
                &w,
                &format!("{prefix}/chats/{}/{action}", c.public_team),
                &w.carol.token,
            )
            .await;
            assert_rc_error(s, &b, 403, "CMN-408");
            // Eve sees nothing of Acme.
            for id in [&c.public_team, &c.everyone] {
                let (s, b) =
                    post_empty(&w, &format!("{prefix}/chats/{id}/{action}"), &w.eve.token).await;
                assert_rc_error(s, &b, 404, "CMN-102");
            }
            let (s, b) = post_empty(
                &w,
                &format!("{prefix}/chats/424242424/{action}"),
                &w.alice.token,
            )
            .await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
    }
    let (_, b) = w.app.get(&format!("{TM}/favorites"), &w.carol.token).await;
    assert_eq!(record_ids(&b), Vec::<String>::new());
    let (_, b) = w.app.get(&format!("{TM}/favorites"), &w.eve.token).await;
    assert_eq!(record_ids(&b), Vec::<String>::new());
}

#[tokio::test]
async fn leaving_a_team_drops_it_from_favorites() {
    let w = World::new().await;
    let team = w.team("Favorite team", false, &[&w.bob]).await;
    let (s, _) = post_empty(&w, &format!("{TM}/chats/{team}/favorite"), &w.bob.token).await;
    assert_eq!(s, 204);
    let (_, b) = w.app.get(&format!("{TM}/favorites"), &w.bob.token).await;
    assert_eq!(record_ids(&b), vec![team.clone()]);
    let (s, _) = post_empty(&w, &format!("{TM}/teams/{team}/leave"), &w.bob.token).await;
    assert_eq!(s, 204);
    let (_, b) = w.app.get(&format!("{TM}/favorites"), &w.bob.token).await;
    assert_eq!(record_ids(&b), Vec::<String>::new(), "{b}");
}

// ---------------------------------------------------------------- recent chats

#[tokio::test]
async fn recent_chats_follow_the_latest_activity() {
    let w = World::new().await;
    let first = w.team("First", false, &[&w.bob]).await;
    let second = w.team("Second", false, &[&w.bob]).await;
    let (s, d) = conversation(&w, &w.alice, &[&w.bob]).await;
    assert_eq!(s, 201);
    let direct = d["id"].as_str().unwrap().to_string();

    for (chat, prefix) in [(&first, TM), (&direct, GLIP), (&second, TM), (&first, GLIP)] {
        let (s, b) = post_text(&w, &w.bob, chat, "news").await;
        assert_eq!(s, 201, "{b}");
        for user in [&w.alice, &w.bob] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/recent/chats"), &user.token)
                .await;
            assert_eq!(s, 200, "{b}");
            assert!(b.get("navigation").is_none(), "{b}");
            assert_eq!(
                record_ids(&b)[0],
                *chat,
                "posting moves the chat first: {b}"
            );
            // Sorted by lastModifiedTime, newest first.
            let times: Vec<&str> = b["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["lastModifiedTime"].as_str().unwrap())
                .collect();
            let mut sorted = times.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(times, sorted, "{b}");
        }
    }
    let (_, b) = w
        .app
        .get(&format!("{TM}/recent/chats"), &w.alice.token)
        .await;
    let ids = record_ids(&b);
    assert_eq!(ids[..3], [first.clone(), second.clone(), direct.clone()]);

    // Filters and counts.
    let (s, b) = w
        .app
        .get(
            &format!("{TM}/recent/chats?type=Team&recordCount=1"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(record_ids(&b), vec![first.clone()]);
    let (s, b) = w
        .app
        .get(
            &format!("{TM}/recent/chats?type=Direct&type=Personal"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let ids = record_ids(&b);
    assert_eq!(ids.len(), 2, "{b}");
    assert_eq!(ids[0], direct);

    // Carol was in none of it: her recent chats are her own (Everyone and Personal).
    let (_, b) = w
        .app
        .get(&format!("{TM}/recent/chats"), &w.carol.token)
        .await;
    let carol = record_ids(&b);
    for id in [&first, &second, &direct] {
        assert!(!carol.contains(id), "{b}");
    }
}

// ---------------------------------------------------------------- conversations

#[tokio::test]
async fn create_conversation_is_idempotent_on_the_member_set() {
    let w = World::new().await;
    for prefix in PREFIXES {
        let path = format!("{prefix}/conversations");
        // Fresh per prefix: Alice with Carol on TM, Bob with Carol on the legacy path.
        let (a, b) = if prefix == TM {
            (&w.alice, &w.carol)
        } else {
            (&w.bob, &w.carol)
        };
        let (s, first) = w
            .app
            .post(&path, &a.token, json!({"members": [{"id": b.id()}]}))
            .await;
        assert_eq!(s, 201, "{first}");
        assert_eq!(
            keys(&first),
            ["creationTime", "id", "lastModifiedTime", "members", "type"]
        );
        assert_eq!(first["type"], "Direct");
        assert!(first["id"].is_string());
        assert_time(&first["creationTime"]);
        assert_time(&first["lastModifiedTime"]);
        assert_eq!(member_ids(&first), id_set(&[&a.id(), &b.id()]));
        let id = first["id"].as_str().unwrap();

        // The same members again, by id, by e-mail, with the caller listed, or from the
        // other side: the same conversation, 200.
        for (by, body) in [
            (a, json!({"members": [{"id": b.id()}]})),
            (a, json!({"members": [{"email": b.email}]})),
            (a, json!({"members": [{"email": b.email.to_uppercase()}]})),
            (a, json!({"members": [{"id": a.id()}, {"id": b.id()}]})),
            (a, json!({"members": [{"id": b.id()}, {"email": b.email}]})),
            (b, json!({"members": [{"id": a.id()}]})),
        ] {
            let (s, again) = w.app.post(&path, &by.token, body.clone()).await;
            assert_eq!(s, 200, "{body}: {again}");
            assert_eq!(again["id"], id, "{body}: {again}");
            assert_eq!(again["type"], "Direct");
            assert_eq!(again["creationTime"], first["creationTime"]);
        }
    }
}

#[tokio::test]
async fn conversation_type_follows_the_member_count() {
    let w = World::new().await;
    let personal = only_chat_of_type(&w, &w.alice, "Personal").await;

    // Only oneself: the Personal chat every person already has.
    let (s, b) = conversation(&w, &w.alice, &[&w.alice]).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["type"], "Personal");
    assert_eq!(b["id"], personal.as_str());
    assert_eq!(member_ids(&b), id_set(&[&w.alice.id()]));

    let (s, direct) = conversation(&w, &w.alice, &[&w.bob]).await;
    assert_eq!(s, 201, "{direct}");
    assert_eq!(direct["type"], "Direct");

    let (s, group) = w
        .app
        .post(
            &format!("{TM}/conversations"),
            &w.alice.token,
            json!({"members": [{"id": w.bob.id()}, {"email": w.carol.email}]}),
        )
        .await;
    assert_eq!(s, 201, "{group}");
    assert_eq!(group["type"], "Group");
    assert_eq!(
        member_ids(&group),
        id_set(&[&w.alice.id(), &w.bob.id(), &w.carol.id()])
    );
    // Any member, in any order: the same group.
    let (s, again) = conversation(&w, &w.carol, &[&w.bob, &w.alice]).await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["id"], group["id"]);
    assert_ne!(group["id"], direct["id"]);

    // A fourth person makes a new group.
    let dave = new_acme_user(&w, "Dave", "dave@acme.test").await;
    let (s, bigger) = conversation(&w, &w.alice, &[&w.bob, &w.carol, &dave]).await;
    assert_eq!(s, 201, "{bigger}");
    assert_eq!(bigger["type"], "Group");
    assert_ne!(bigger["id"], group["id"]);
    assert_eq!(member_ids(&bigger).len(), 4);
}

#[tokio::test]
async fn create_conversation_bad_input() {
    let w = World::new().await;
    for prefix in PREFIXES {
        let path = format!("{prefix}/conversations");
        for (body, code, param) in [
            (json!({}), "CMN-100", "members"),
            (json!({"members": []}), "CMN-100", "members"),
            (json!({"members": [{}]}), "CMN-100", "members[0].id"),
            (
                json!({"members": [{"id": w.eve.id()}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"members": [{"email": w.eve.email}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"members": [{"id": w.bob.id()}, {"id": w.eve.id()}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"members": [{"id": "987654321"}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"members": [{"id": "not-a-number"}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"members": [{"email": "nobody@acme.test"}]}),
                "CMN-101",
                "members",
            ),
            (
                json!({"members": [{"email": "not an email"}]}),
                "CMN-101",
                "members",
            ),
        ] {
            let (s, b) = w.app.post(&path, &w.alice.token, body.clone()).await;
            assert_rc_error(s, &b, 400, code);
            assert_eq!(b["errors"][0]["parameterName"], param, "{body}: {b}");
        }
        for bad in [
            json!({"members": "bob"}),
            json!({"members": [true]}),
            json!([1]),
        ] {
            let (s, b) = w.app.post(&path, &w.alice.token, bad.clone()).await;
            assert_rc_error(s, &b, 400, "CMN-101");
        }
    }
    // Nothing was created with Eve, nor any other conversation.
    let (_, b) = w
        .app
        .get(&format!("{TM}/conversations"), &w.alice.token)
        .await;
    assert_eq!(record_ids(&b).len(), 1, "only the Personal chat: {b}");
    let (_, b) = w.app.get(&format!("{TM}/chats"), &w.eve.token).await;
    assert_eq!(record_ids(&b).len(), 2, "{b}");
}

#[tokio::test]
async fn list_and_read_conversations() {
    let w = World::new().await;
    let c = chats(&w).await;
    for prefix in PREFIXES {
        let (s, b) = w
            .app
            .get(&format!("{prefix}/conversations"), &w.alice.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert!(b["navigation"].is_object(), "{b}");
        assert_eq!(
            record_ids(&b).into_iter().collect::<BTreeSet<_>>(),
            id_set(&[&c.personal, &c.direct, &c.group]),
            "no teams, no Everyone: {b}"
        );
        for r in b["records"].as_array().unwrap() {
            assert_eq!(
                keys(r),
                ["creationTime", "id", "lastModifiedTime", "members", "type"],
                "{r}"
            );
        }
        // Paging.
        let (s, p1) = w
            .app
            .get(
                &format!("{prefix}/conversations?recordCount=2"),
                &w.alice.token,
            )
            .await;
        assert_eq!(s, 200, "{p1}");
        assert_eq!(record_ids(&p1).len(), 2);
        let next = p1["navigation"]["nextPageToken"].as_str().unwrap();
        let (s, p2) = w
            .app
            .get(
                &format!("{prefix}/conversations?recordCount=2&pageToken={next}"),
                &w.alice.token,
            )
            .await;
        assert_eq!(s, 200, "{p2}");
        assert_eq!(record_ids(&p2).len(), 1);
        assert!(p2["navigation"]["prevPageToken"].is_string(), "{p2}");

        for (id, kind, members) in [
            (&c.direct, "Direct", vec![w.alice.id(), w.bob.id()]),
            (
                &c.group,
                "Group",
                vec![w.alice.id(), w.bob.id(), w.carol.id()],
            ),
            (&c.personal, "Personal", vec![w.alice.id()]),
        ] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/conversations/{id}"), &w.alice.token)
                .await;
            assert_eq!(s, 200, "{b}");
            assert_eq!(b["id"], id.as_str());
            assert_eq!(b["type"], kind);
            assert_eq!(
                keys(&b),
                ["creationTime", "id", "lastModifiedTime", "members", "type"]
            );
            assert_eq!(
                member_ids(&b),
                members.iter().cloned().collect::<BTreeSet<_>>()
            );
        }
        // Bob reads the Direct chat; Carol the group.
        let (s, _) = w
            .app
            .get(
                &format!("{prefix}/conversations/{}", c.direct),
                &w.bob.token,
            )
            .await;
        assert_eq!(s, 200);
        let (s, _) = w
            .app
            .get(
                &format!("{prefix}/conversations/{}", c.group),
                &w.carol.token,
            )
            .await;
        assert_eq!(s, 200);
        // Teams and the Everyone team are not conversations.
        for id in [&c.team, &c.public_team, &c.everyone] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/conversations/{id}"), &w.alice.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
        // Non-members and other companies.
        for (user, id) in [
            (&w.carol, &c.direct),
            (&w.carol, &c.personal),
            (&w.eve, &c.direct),
            (&w.eve, &c.group),
        ] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/conversations/{id}"), &user.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
    }
}
