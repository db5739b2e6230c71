//! Posts: the legacy `/restapi/v1.0/glip/posts` and `/glip/groups/{id}/posts` operations of the
//! Glip API overview, and `/team-messaging/v1/chats/{id}/posts` with paging, mentions, threads,
//! permissions, attachments and limits.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const TM: &str = "/team-messaging/v1";
const GLIP: &str = "/restapi/v1.0/glip";

/// Alice opens a direct conversation with `other`; returns its id.
async fn direct(w: &World, other: &User) -> String {
    let (s, b) = w
        .app
        .post(
            &format!("{TM}/conversations"),
            &w.alice.token,
            json!({"members": [{"id": other.id()}]}),
        )
        .await;
    assert!(s == 200 || s == 201, "{s} {b}");
    b["id"].as_str().unwrap().to_string()
}

fn posts_path(chat: &str) -> String {
    format!("{TM}/chats/{chat}/posts")
}

/// Creates a post through the current API (asserts 201) and returns it.
async fn new_post(w: &World, token: &str, chat: &str, text: &str) -> Value {
    let (s, b) = w
        .app
        .post(&posts_path(chat), token, json!({ "text": text }))
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("string id").to_string()
}

fn record_ids(list: &Value) -> Vec<String> {
    list["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records: {list}"))
        .iter()
        .map(id_of)
        .collect()
}

/// Every post a chat lists, following `nextPageToken` to the end.
async fn all_post_ids(w: &World, token: &str, chat: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut path = format!("{}?recordCount=250", posts_path(chat));
    loop {
        let (s, b) = w.app.get(&path, token).await;
        assert_eq!(s, 200, "{b}");
        out.extend(record_ids(&b));
        match b["navigation"]["nextPageToken"].as_str() {
            Some(t) => path = format!("{}?recordCount=250&pageToken={t}", posts_path(chat)),
            None => return out,
        }
    }
}

fn assert_post_shape(p: &Value, chat: &str, creator: &User, text: &str) {
    assert!(p["id"].as_str().is_some_and(|s| !s.is_empty()), "{p}");
    assert_eq!(p["groupId"], chat, "{p}");
    assert_eq!(p["type"], "TextMessage", "{p}");
    assert_eq!(p["text"], text, "{p}");
    assert_eq!(p["creatorId"], creator.id(), "{p}");
    assert_time(&p["creationTime"]);
    assert_time(&p["lastModifiedTime"]);
}

// ------------------------------------------------------------- the Glip API overview, verbatim

#[tokio::test]
async fn smartfriend_conversation_of_the_overview_round_trips_verbatim() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;
    let hello = "Hi John, Nice to meet you! How can I help you?";
    let ask = "Hi SmartFriend! Please book me a flight New York – San Francisco 05/  06/17, ID #5674028947";
    let booked = "Absolutely! Your flight is booked – DL459 06MAY JFK-SFO 0805 1145, ticket number 550166377762. Have a safe trip!";

    // 8. SmartFriend (Alice here) says hello: POST /glip/posts answers 200, not 201.
    let (s, p1) = w
        .app
        .post(
            &format!("{GLIP}/posts"),
            &w.alice.token,
            json!({"groupId": chat, "text": hello}),
        )
        .await;
    assert_eq!(s, 200, "{p1}");
    assert_post_shape(&p1, &chat, &w.alice, hello);

    // 9. John (Bob) asks.
    let (s, p2) = w
        .app
        .post(
            &format!("{GLIP}/posts"),
            &w.bob.token,
            json!({"groupId": chat, "text": ask}),
        )
        .await;
    assert_eq!(s, 200, "{p2}");
    assert_post_shape(&p2, &chat, &w.bob, ask);

    // 11. The reply, with the group id sent as a JSON number as some clients do.
    let numeric: i64 = chat.parse().unwrap();
    let (s, p3) = w
        .app
        .post(
            &format!("{GLIP}/posts"),
            &w.alice.token,
            json!({"groupId": numeric, "text": booked}),
        )
        .await;
    assert_eq!(s, 200, "{p3}");
    assert_post_shape(&p3, &chat, &w.alice, booked);

    // GET /glip/posts?groupId= reads them back, newest first, byte for byte.
    let (s, list) = w
        .app
        .get(&format!("{GLIP}/posts?groupId={chat}"), &w.bob.token)
        .await;
    assert_eq!(s, 200, "{list}");
    let texts: Vec<&str> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, vec![booked, ask, hello]);
    assert!(list["navigation"].is_object(), "{list}");
}

#[tokio::test]
async fn legacy_create_post_needs_a_group() {
    let w = World::new().await;
    let (s, b) = w
        .app
        .post(
            &format!("{GLIP}/posts"),
            &w.alice.token,
            json!({"text": "where does this go?"}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-100");
    assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");

    let (s, b) = w
        .app
        .post(
            &format!("{GLIP}/posts"),
            &w.alice.token,
            json!({"groupId": "987654321", "text": "nobody home"}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");
}

#[tokio::test]
async fn legacy_list_takes_group_id_or_a_page_token_alone() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;
    let other = direct(&w, &w.carol).await;
    for i in 0..5 {
        new_post(&w, &w.alice.token, &chat, &format!("m{i}")).await;
    }
    new_post(&w, &w.alice.token, &other, "elsewhere").await;

    // Neither groupId nor pageToken.
    let (s, b) = w.app.get(&format!("{GLIP}/posts"), &w.alice.token).await;
    assert_rc_error(s, &b, 400, "CMN-100");
    assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");

    let (s, first) = w
        .app
        .get(
            &format!("{GLIP}/posts?groupId={chat}&recordCount=2"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{first}");
    let texts = |v: &Value| -> Vec<String> {
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(texts(&first), ["m4", "m3"]);
    let token = first["navigation"]["nextPageToken"].as_str().unwrap();

    // Only the token: it remembers the group (and the page size is the request's).
    let (s, second) = w
        .app
        .get(
            &format!("{GLIP}/posts?pageToken={token}&recordCount=2"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{second}");
    assert_eq!(texts(&second), ["m2", "m1"]);

    // The token with the same groupId is fine; with another group it is refused.
    let (s, b) = w
        .app
        .get(
            &format!("{GLIP}/posts?groupId={chat}&pageToken={token}&recordCount=2"),
            &w.alice.token,
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(texts(&b), ["m2", "m1"]);
    let (s, b) = w
        .app
        .get(
            &format!("{GLIP}/posts?groupId={other}&pageToken={token}"),
            &w.alice.token,
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(b["errors"][0]["parameterName"], "pageToken", "{b}");
}

#[tokio::test]
async fn legacy_group_posts_get_and_post_answer_200() {
    let w = World::new().await;
    let team = w.team("Flights", false, &[&w.bob]).await;
    let path = format!("{GLIP}/groups/{team}/posts");

    let (s, p) = w
        .app
        .post(&path, &w.bob.token, json!({"text": "from the group path"}))
        .await;
    assert_eq!(s, 200, "{p}");
    assert_post_shape(&p, &team, &w.bob, "from the group path");

    // groupId in the body may repeat the path's, but not contradict it.
    let (s, b) = w
        .app
        .post(
            &path,
            &w.bob.token,
            json!({"groupId": team, "text": "same group"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = w
        .app
        .post(
            &path,
            &w.bob.token,
            json!({"groupId": "1", "text": "another group"}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");

    let (s, list) = w.app.get(&path, &w.alice.token).await;
    assert_eq!(s, 200, "{list}");
    let texts: Vec<&str> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] == "TextMessage")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["same group", "from the group path"]);

    // Unknown group, and somebody else's group, are both "not found" for groupId.
    let (s, b) = w
        .app
        .get(&format!("{GLIP}/groups/987654321/posts"), &w.alice.token)
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(b["errors"][0]["parameterName"], "groupId", "{b}");
    let (s, b) = w.app.get(&path, &w.carol.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
}

// ---------------------------------------------------------------- the current API: CRUD

#[tokio::test]
async fn chat_posts_create_read_edit_delete() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;

    let created = new_post(&w, &w.alice.token, &chat, "first draft").await;
    assert_post_shape(&created, &chat, &w.alice, "first draft");
    assert_eq!(created["isParent"], true);
    assert_eq!(created["threadId"], created["id"]);
    assert!(created.get("parentPostId").is_none(), "{created}");
    let id = id_of(&created);
    let one = format!("{}/{id}", posts_path(&chat));

    let (s, read) = w.app.get(&one, &w.bob.token).await;
    assert_eq!(s, 200, "{read}");
    assert_eq!(read, created);

    let (s, list) = w.app.get(&posts_path(&chat), &w.bob.token).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(record_ids(&list), vec![id]);

    let (s, edited) = w
        .app
        .patch(&one, &w.alice.token, json!({"text": "final text"}))
        .await;
    assert_eq!(s, 200, "{edited}");
    assert_eq!(edited["id"], created["id"]);
    assert_eq!(edited["text"], "final text");
    assert_eq!(edited["creationTime"], created["creationTime"]);
    assert!(
        edited["lastModifiedTime"].as_str() >= created["lastModifiedTime"].as_str(),
        "{edited}"
    );
    let (_, read) = w.app.get(&one, &w.bob.token).await;
    assert_eq!(read["text"], "final text");

    let (s, b) = w.app.delete(&one, &w.alice.token).await;
    assert_eq!(s, 204, "{b}");
    assert_eq!(b, Value::Null, "204 has no body");
    let (s, b) = w.app.get(&one, &w.alice.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    assert_eq!(b["errors"][0]["parameterName"], "postId", "{b}");
    let (s, b) = w.app.delete(&one, &w.alice.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .patch(&one, &w.alice.token, json!({"text": "ghost"}))
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (_, list) = w.app.get(&posts_path(&chat), &w.bob.token).await;
    assert!(record_ids(&list).is_empty(), "{list}");
}

#[tokio::test]
async fn a_post_is_only_found_in_its_own_chat() {
    let w = World::new().await;
    let a = direct(&w, &w.bob).await;
    let b = direct(&w, &w.carol).await;
    let p = new_post(&w, &w.alice.token, &a, "in a").await;
    let wrong = format!("{}/{}", posts_path(&b), id_of(&p));
    let (s, body) = w.app.get(&wrong, &w.alice.token).await;
    assert_rc_error(s, &body, 404, "CMN-102");
    let (s, body) = w.app.delete(&wrong, &w.alice.token).await;
    assert_rc_error(s, &body, 404, "CMN-102");
    let (s, body) = w
        .app
        .patch(&wrong, &w.alice.token, json!({"text": "moved?"}))
        .await;
    assert_rc_error(s, &body, 404, "CMN-102");
    assert_eq!(all_post_ids(&w, &w.alice.token, &a).await, [id_of(&p)]);
}

// ---------------------------------------------------------------------------------- paging

#[tokio::test]
async fn seventy_five_posts_page_newest_first_without_gaps_or_duplicates() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;
    let mut created = Vec::new();
    for i in 0..75 {
        let p = new_post(&w, &w.alice.token, &chat, &format!("post {i}")).await;
        created.push(id_of(&p));
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    let page = |q: String| {
        let w = &w;
        let chat = &chat;
        async move {
            let (s, b) = w
                .app
                .get(&format!("{}?{q}", posts_path(chat)), &w.bob.token)
                .await;
            assert_eq!(s, 200, "{b}");
            b
        }
    };

    let p1 = page("recordCount=30".into()).await;
    assert!(
        p1["navigation"].get("prevPageToken").is_none(),
        "the newest page has nothing newer: {p1}"
    );
    let next1 = p1["navigation"]["nextPageToken"].as_str().unwrap();
    let p2 = page(format!("recordCount=30&pageToken={next1}")).await;
    let next2 = p2["navigation"]["nextPageToken"].as_str().unwrap();
    let p3 = page(format!("recordCount=30&pageToken={next2}")).await;
    assert!(
        p3["navigation"].get("nextPageToken").is_none(),
        "the last page has no next: {p3}"
    );

    let (i1, i2, i3) = (record_ids(&p1), record_ids(&p2), record_ids(&p3));
    assert_eq!((i1.len(), i2.len(), i3.len()), (30, 30, 15));
    let all: Vec<String> = [i1.clone(), i2.clone(), i3.clone()].concat();
    assert_eq!(all, newest_first, "newest first, no gaps");
    assert_eq!(
        all.iter().collect::<HashSet<_>>().len(),
        75,
        "no duplicates"
    );

    // prevPageToken goes back exactly one page.
    let prev3 = p3["navigation"]["prevPageToken"].as_str().unwrap();
    let back2 = page(format!("recordCount=30&pageToken={prev3}")).await;
    assert_eq!(record_ids(&back2), i2);
    let prev2 = back2["navigation"]["prevPageToken"].as_str().unwrap();
    let back1 = page(format!("recordCount=30&pageToken={prev2}")).await;
    assert_eq!(record_ids(&back1), i1);
    assert!(
        back1["navigation"].get("prevPageToken").is_none(),
        "{back1}"
    );
    assert!(back1["navigation"]["nextPageToken"].is_string(), "{back1}");

    // The default page size is 30.
    let default = page(String::new()).await;
    assert_eq!(record_ids(&default), i1);
}

#[tokio::test]
async fn record_count_is_validated() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;
    new_post(&w, &w.alice.token, &chat, "one").await;
    let path = |q: &str| format!("{}?recordCount={q}", posts_path(&chat));

    let (s, b) = w.app.get(&path("250"), &w.alice.token).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(record_ids(&b).len(), 1);

    for bad in ["251", "0", "-1"] {
        let (s, b) = w.app.get(&path(bad), &w.alice.token).await;
        assert_rc_error(s, &b, 400, "CMN-411");
        assert_eq!(b["errors"][0]["parameterName"], "recordCount", "{bad}: {b}");
    }
    for bad in ["abc", "1.5", "99999999999999999999999"] {
        let (s, b) = w.app.get(&path(bad), &w.alice.token).await;
        assert_rc_error(s, &b, 400, "CMN-101");
        assert_eq!(b["errors"][0]["parameterName"], "recordCount", "{bad}: {b}");
    }
}

#[tokio::test]
async fn page_tokens_belong_to_their_chat() {
    let w = World::new().await;
    let a = direct(&w, &w.bob).await;
    let b = direct(&w, &w.carol).await;
    for i in 0..3 {
        new_post(&w, &w.alice.token, &a, &format!("a{i}")).await;
        new_post(&w, &w.alice.token, &b, &format!("b{i}")).await;
    }
    let (_, page) = w
        .app
        .get(&format!("{}?recordCount=1", posts_path(&a)), &w.alice.token)
        .await;
    let token = page["navigation"]["nextPageToken"].as_str().unwrap();

    let (s, body) = w
        .app
        .get(
            &format!("{}?pageToken={token}", posts_path(&b)),
            &w.alice.token,
        )
        .await;
    assert_rc_error(s, &body, 400, "CMN-101");
    assert_eq!(body["errors"][0]["parameterName"], "pageToken", "{body}");

    // A token of another listing (chats) is no posts token either.
    let (_, chats) = w
        .app
        .get(&format!("{TM}/chats?recordCount=1"), &w.alice.token)
        .await;
    let chats_token = chats["navigation"]["nextPageToken"].as_str().unwrap();
    let (s, body) = w
        .app
        .get(
            &format!("{}?pageToken={chats_token}", posts_path(&a)),
            &w.alice.token,
        )
        .await;
    assert_rc_error(s, &body, 400, "CMN-101");

    for garbage in ["garbage", "!!!", "MXxvfDF8"] {
        let (s, body) = w
            .app
            .get(
                &format!("{}?pageToken={garbage}", posts_path(&a)),
                &w.alice.token,
            )
            .await;
        assert_rc_error(s, &body, 400, "CMN-101");
    }
}

// -------------------------------------------------------------------------------- mentions

#[tokio::test]
async fn mentions_are_named_and_foreign_or_unknown_ids_dropped() {
    let w = World::new().await;
    let team = w.team("Launch Crew", false, &[&w.bob, &w.carol]).await;
    let (_, globex_everyone) = w.app.get(&format!("{TM}/everyone"), &w.eve.token).await;
    let globex_team = id_of(&globex_everyone);
    let text = format!(
        "![:Person]({bob}) and ![:Person]({carol}), not ![:Person]({eve}) nor ![:Person](999999999) \
         nor ![:Team]({globex_team}); see ![:Team]({team}) and again ![:Person]({bob})",
        bob = w.bob.id(),
        carol = w.carol.id(),
        eve = w.eve.id(),
    );
    let p = new_post(&w, &w.alice.token, &team, &text).await;
    assert_eq!(p["text"], text, "the text keeps its markup");
    assert_eq!(
        p["mentions"],
        json!([
            {"id": w.bob.id(), "type": "Person", "name": "Bob Baker"},
            {"id": w.carol.id(), "type": "Person", "name": "Carol Chen"},
            {"id": team, "type": "Team", "name": "Launch Crew"},
        ]),
        "{p}"
    );

    // Reading it back gives the same; editing re-parses.
    let one = format!("{}/{}", posts_path(&team), id_of(&p));
    let (_, read) = w.app.get(&one, &w.bob.token).await;
    assert_eq!(read["mentions"], p["mentions"]);
    let (s, edited) = w
        .app
        .patch(
            &one,
            &w.alice.token,
            json!({"text": format!("only ![:Person]({})", w.carol.id())}),
        )
        .await;
    assert_eq!(s, 200, "{edited}");
    assert_eq!(
        edited["mentions"],
        json!([{"id": w.carol.id(), "type": "Person", "name": "Carol Chen"}])
    );
    let (s, edited) = w
        .app
        .patch(&one, &w.alice.token, json!({"text": "nobody"}))
        .await;
    assert_eq!(s, 200, "{edited}");
    assert!(
        edited.get("mentions").is_none() || edited["mentions"] == json!([]),
        "{edited}"
    );

    // Only foreign mentions: none at all.
    let p = new_post(
        &w,
        &w.alice.token,
        &team,
        &format!("hi ![:Person]({})", w.eve.id()),
    )
    .await;
    assert!(
        p.get("mentions").is_none() || p["mentions"] == json!([]),
        "{p}"
    );
}

// --------------------------------------------------------------------------------- threads

#[tokio::test]
async fn replies_form_threads() {
    let w = World::new().await;
    let chat = w.team("Threads", false, &[&w.bob]).await;
    let root = new_post(&w, &w.alice.token, &chat, "root").await;
    let root_id = id_of(&root);
    let unrelated = new_post(&w, &w.alice.token, &chat, "unrelated").await;

    let (s, r1) = w
        .app
        .post(
            &posts_path(&chat),
            &w.bob.token,
            json!({"text": "reply one", "parentPostId": root_id}),
        )
        .await;
    assert_eq!(s, 201, "{r1}");
    assert_eq!(r1["isParent"], false);
    assert_eq!(r1["parentPostId"], root_id);
    assert_eq!(r1["threadId"], root_id);

    // `threadId` in the body names the thread too.
    let (s, r2) = w
        .app
        .post(
            &posts_path(&chat),
            &w.alice.token,
            json!({"text": "reply two", "threadId": root_id}),
        )
        .await;
    assert_eq!(s, 201, "{r2}");
    assert_eq!(r2["isParent"], false);
    assert_eq!(r2["threadId"], root_id);

    // The root is still a parent.
    let (_, root_now) = w
        .app
        .get(&format!("{}/{root_id}", posts_path(&chat)), &w.bob.token)
        .await;
    assert_eq!(root_now["isParent"], true);
    assert_eq!(root_now["threadId"], root_id);

    let (s, thread) = w
        .app
        .get(
            &format!("{TM}/chats/{chat}/threads/{root_id}/posts"),
            &w.bob.token,
        )
        .await;
    assert_eq!(s, 200, "{thread}");
    assert_eq!(
        record_ids(&thread),
        [id_of(&r2), id_of(&r1), root_id.clone()]
    );
    assert!(!record_ids(&thread).contains(&id_of(&unrelated)));

    // The chat's list has all of them.
    let ids = all_post_ids(&w, &w.bob.token, &chat).await;
    for p in [&root, &unrelated, &r1, &r2] {
        assert!(ids.contains(&id_of(p)), "{ids:?}");
    }

    // A thread is named by its root: a reply, another chat's post or no post is not one.
    let other = direct(&w, &w.bob).await;
    let elsewhere = id_of(&new_post(&w, &w.alice.token, &other, "elsewhere").await);
    for tid in [
        id_of(&r1),
        elsewhere,
        "987654321".to_string(),
        "x".to_string(),
    ] {
        let (s, b) = w
            .app
            .get(
                &format!("{TM}/chats/{chat}/threads/{tid}/posts"),
                &w.bob.token,
            )
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "threadId", "{b}");
    }

    // The same through the legacy prefix.
    let (s, legacy) = w
        .app
        .get(
            &format!("{GLIP}/chats/{chat}/threads/{root_id}/posts"),
            &w.bob.token,
        )
        .await;
    assert_eq!(s, 200, "{legacy}");
    assert_eq!(record_ids(&legacy), record_ids(&thread));
}

#[tokio::test]
async fn a_reply_to_a_reply_joins_the_root_thread() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;
    let root = id_of(&new_post(&w, &w.alice.token, &chat, "root").await);
    let (s, r1) = w
        .app
        .post(
            &posts_path(&chat),
            &w.bob.token,
            json!({"text": "reply", "parentPostId": root}),
        )
        .await;
    assert_eq!(s, 201, "{r1}");
    let (s, r2) = w
        .app
        .post(
            &posts_path(&chat),
            &w.alice.token,
            json!({"text": "reply to the reply", "parentPostId": id_of(&r1)}),
        )
        .await;
    assert_eq!(s, 201, "{r2}");
    // Threads are one level deep: the reply lands in the root's thread.
    assert_eq!(r2["threadId"], root, "{r2}");
    assert_eq!(r2["parentPostId"], root, "{r2}");
    assert_eq!(r2["isParent"], false, "{r2}");
    let (s, thread) = w
        .app
        .get(
            &format!("{TM}/chats/{chat}/threads/{root}/posts"),
            &w.bob.token,
        )
        .await;
    assert_eq!(s, 200, "{thread}");
    assert_eq!(record_ids(&thread), [id_of(&r2), id_of(&r1), root]);
}

#[tokio::test]
async fn a_parent_must_be_a_post_of_the_same_chat() {
    let w = World::new().await;
    let a = direct(&w, &w.bob).await;
    let b = direct(&w, &w.carol).await;
    let in_a = new_post(&w, &w.alice.token, &a, "in a").await;
    let before = all_post_ids(&w, &w.alice.token, &b).await;
    for parent in [id_of(&in_a), "987654321".to_string(), "nope".to_string()] {
        let (s, body) = w
            .app
            .post(
                &posts_path(&b),
                &w.alice.token,
                json!({"text": "reply", "parentPostId": parent}),
            )
            .await;
        assert_rc_error(s, &body, 404, "CMN-102");
        assert_eq!(body["errors"][0]["parameterName"], "parentPostId", "{body}");
    }
    assert_eq!(all_post_ids(&w, &w.alice.token, &b).await, before);
}

// ---------------------------------------------------------------------- who may do what

#[tokio::test]
async fn only_the_author_edits_and_patch_needs_text() {
    let w = World::new().await;
    let chat = w.team("Edits", false, &[&w.bob]).await;
    let p = new_post(&w, &w.bob.token, &chat, "bob wrote this").await;
    let one = format!("{}/{}", posts_path(&chat), id_of(&p));

    // Not even the account administrator may edit somebody else's words.
    let (s, b) = w
        .app
        .patch(&one, &w.alice.token, json!({"text": "hijacked"}))
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, b) = send_text(
        &w.app,
        Method::PUT,
        &format!("{GLIP}/groups/{chat}/posts/{}/text", id_of(&p)),
        &w.alice.token,
        "hijacked",
    )
    .await;
    assert_rc_error(s, &serde_json::from_str(&b).unwrap(), 403, "CMN-408");

    for body in [json!({}), json!({"text": null})] {
        let (s, b) = w.app.patch(&one, &w.bob.token, body).await;
        assert_rc_error(s, &b, 400, "CMN-100");
        assert_eq!(b["errors"][0]["parameterName"], "text", "{b}");
    }
    let (s, b) = w.app.patch(&one, &w.bob.token, json!({"text": ""})).await;
    assert_eq!(s, 400, "an edit cannot empty a post: {b}");

    let (_, read) = w.app.get(&one, &w.bob.token).await;
    assert_eq!(read["text"], "bob wrote this");
}

#[tokio::test]
async fn the_author_or_an_administrator_deletes() {
    let w = World::new().await;
    let chat = w.team("Deletes", false, &[&w.bob, &w.carol]).await;
    let by_bob = new_post(&w, &w.bob.token, &chat, "bob's").await;
    let also_bob = new_post(&w, &w.bob.token, &chat, "bob's too").await;
    let path = |p: &Value| format!("{}/{}", posts_path(&chat), id_of(p));

    let (s, b) = w.app.delete(&path(&by_bob), &w.carol.token).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, _) = w.app.get(&path(&by_bob), &w.carol.token).await;
    assert_eq!(s, 200, "a refused delete deletes nothing");

    let (s, b) = w.app.delete(&path(&by_bob), &w.bob.token).await;
    assert_eq!(s, 204, "{b}");
    // Alice administers Acme.
    let (s, b) = w.app.delete(&path(&also_bob), &w.alice.token).await;
    assert_eq!(s, 204, "{b}");
    assert!(
        all_post_ids(&w, &w.bob.token, &chat)
            .await
            .iter()
            .all(|id| { *id != id_of(&by_bob) && *id != id_of(&also_bob) })
    );
}

#[tokio::test]
async fn outsiders_cannot_read_or_write() {
    let w = World::new().await;
    let private = w.team("Private", false, &[&w.bob]).await;
    let public = w.team("Public", true, &[&w.bob]).await;
    let p = new_post(&w, &w.alice.token, &private, "secret").await;
    let q = new_post(&w, &w.alice.token, &public, "open").await;
    let before_private = all_post_ids(&w, &w.alice.token, &private).await;
    let before_public = all_post_ids(&w, &w.alice.token, &public).await;

    // Carol cannot see the private team at all: 404, like a chat that does not exist.
    let (s, b) = w
        .app
        .post(&posts_path(&private), &w.carol.token, json!({"text": "hi"}))
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w.app.get(&posts_path(&private), &w.carol.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .get(
            &format!("{}/{}", posts_path(&private), id_of(&p)),
            &w.carol.token,
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .post(
            &format!("{GLIP}/posts"),
            &w.carol.token,
            json!({"groupId": private, "text": "hi"}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");

    // The public team she can see but has not joined: 403.
    let (s, b) = w
        .app
        .post(&posts_path(&public), &w.carol.token, json!({"text": "hi"}))
        .await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, b) = w.app.get(&posts_path(&public), &w.carol.token).await;
    assert_rc_error(s, &b, 403, "CMN-408");

    // Another company sees neither.
    for chat in [&private, &public] {
        let (s, b) = w
            .app
            .post(&posts_path(chat), &w.eve.token, json!({"text": "hi"}))
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        let (s, b) = w.app.get(&posts_path(chat), &w.eve.token).await;
        assert_rc_error(s, &b, 404, "CMN-102");
    }
    let (s, b) = w
        .app
        .delete(
            &format!("{}/{}", posts_path(&public), id_of(&q)),
            &w.eve.token,
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");

    // Nothing was written, nothing was deleted.
    assert_eq!(
        all_post_ids(&w, &w.alice.token, &private).await,
        before_private
    );
    assert_eq!(
        all_post_ids(&w, &w.alice.token, &public).await,
        before_public
    );
}

// ------------------------------------------------------------- attachments, text and limits

#[tokio::test]
async fn card_attachments_are_echoed_and_adaptive_cards_refused() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;
    let card = json!({
        "type": "Card",
        "fallback": "Flight DL459",
        "color": "Blue",
        "title": "DL459 06MAY",
        "text": "JFK-SFO 0805 1145",
        "fields": [{"title": "Ticket", "value": "550166377762", "style": "Short"}],
        "footnote": {"text": "Have a safe trip!"}
    });
    let (s, p) = w
        .app
        .post(
            &posts_path(&chat),
            &w.alice.token,
            json!({"text": "Your booking", "attachments": [card]}),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["attachments"], json!([card]));
    let (_, read) = w
        .app
        .get(
            &format!("{}/{}", posts_path(&chat), id_of(&p)),
            &w.bob.token,
        )
        .await;
    assert_eq!(read["attachments"], json!([card]));

    // An attachment alone is a post; without a type it is a Card.
    let (s, p) = w
        .app
        .post(
            &format!("{GLIP}/posts"),
            &w.alice.token,
            json!({"groupId": chat, "attachments": [{"title": "just a card"}]}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["attachments"][0]["type"], "Card", "{p}");
    assert_eq!(p["attachments"][0]["title"], "just a card", "{p}");

    let before = all_post_ids(&w, &w.alice.token, &chat).await;
    let adaptive = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.0",
        "body": [{"type": "TextBlock", "text": "hi"}]
    });
    let (s, b) = w
        .app
        .post(
            &posts_path(&chat),
            &w.alice.token,
            json!({"text": "card", "attachments": [card, adaptive]}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-101");
    assert_eq!(
        b["errors"][0]["parameterName"], "attachments[1].type",
        "{b}"
    );
    for bad in [
        json!(["not an object"]),
        json!([{"type": 5}]),
        json!("nope"),
    ] {
        let (s, b) = w
            .app
            .post(
                &posts_path(&chat),
                &w.alice.token,
                json!({"text": "card", "attachments": bad}),
            )
            .await;
        assert_rc_error(s, &b, 400, "CMN-101");
    }
    assert_eq!(all_post_ids(&w, &w.alice.token, &chat).await, before);
}

#[tokio::test]
async fn empty_posts_are_refused() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;
    for body in [
        json!({}),
        json!({"text": ""}),
        json!({"text": "   \n\t "}),
        json!({"text": "", "attachments": []}),
    ] {
        let (s, b) = w
            .app
            .post(&posts_path(&chat), &w.alice.token, body.clone())
            .await;
        assert_rc_error(s, &b, 400, "CMN-100");
        assert_eq!(b["errors"][0]["parameterName"], "text", "{body}: {b}");
        let mut legacy = body;
        legacy["groupId"] = json!(chat);
        let (s, b) = w
            .app
            .post(&format!("{GLIP}/posts"), &w.alice.token, legacy)
            .await;
        assert_rc_error(s, &b, 400, "CMN-100");
    }
    assert!(all_post_ids(&w, &w.alice.token, &chat).await.is_empty());
}

#[tokio::test]
async fn text_is_limited_to_ten_thousand_characters() {
    let w = World::new().await;
    let chat = direct(&w, &w.bob).await;
    // Characters, not bytes: 10,000 two-byte characters fit.
    let max = "é".repeat(10_000);
    let p = new_post(&w, &w.alice.token, &chat, &max).await;
    assert_eq!(p["text"].as_str().unwrap().chars().count(), 10_000);

    let over = "x".repeat(10_001);
    let (s, b) = w
        .app
        .post(&posts_path(&chat), &w.alice.token, json!({"text": over}))
        .await;
    assert_rc_error(s, &b, 400, "CMN-409");
    assert_eq!(b["errors"][0]["parameterName"], "text", "{b}");
    let (s, b) = w
        .app
        .post(
            &format!("{GLIP}/posts"),
            &w.alice.token,
            json!({"groupId": chat, "text": over}),
        )
        .await;
    assert_rc_error(s, &b, 400, "CMN-409");

    // Edits too.
    let one = format!("{}/{}", posts_path(&chat), id_of(&p));
    let (s, b) = w
        .app
        .patch(&one, &w.alice.token, json!({"text": over}))
        .await;
    assert_rc_error(s, &b, 400, "CMN-409");
    assert_eq!(all_post_ids(&w, &w.alice.token, &chat).await, [id_of(&p)]);
}

#[tokio::test]
async fn put_text_replaces_a_post_text_with_plain_text() {
    let w = World::new().await;
    let team = w.team("Plain", false, &[&w.bob]).await;
    let (s, p) = w
        .app
        .post(
            &format!("{GLIP}/groups/{team}/posts"),
            &w.bob.token,
            json!({"text": "before"}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    let id = id_of(&p);
    let new_text = "after – with ![:Person](".to_string() + &w.alice.id() + ")";
    let (s, body) = send_text(
        &w.app,
        Method::PUT,
        &format!("{GLIP}/groups/{team}/posts/{id}/text"),
        &w.bob.token,
        &new_text,
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body, new_text);

    let (_, read) = w
        .app
        .get(&format!("{}/{id}", posts_path(&team)), &w.alice.token)
        .await;
    assert_eq!(read["text"], new_text);
    assert_eq!(read["mentions"][0]["name"], "Alice", "{read}");

    // Unknown post: 404.
    let (s, body) = send_text(
        &w.app,
        Method::PUT,
        &format!("{GLIP}/groups/{team}/posts/987654321/text"),
        &w.bob.token,
        "x",
    )
    .await;
    assert_rc_error(s, &serde_json::from_str(&body).unwrap(), 404, "CMN-102");
}

/// A request with a `text/plain` body; returns (status, body text).
async fn send_text(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    text: &str,
) -> (u16, String) {
    let r = app
        .req(method, path, token)
        .header("content-type", "text/plain; charset=utf-8")
        .body(text.to_string())
        .send()
        .await
        .expect("request");
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}
