//! Presence (`GET|PUT …/extension/{extensionId}/presence`): from the web client's live
//! connection and the status the person set; who may read and change it; bad input; the
//! `ReadPresence` / `EditPresence` permissions. The directory's search
//! (`POST …/directory/entries/search`): fields, types, order, pages, bad input.

use std::time::Duration;

use openglip_testkit::eventually;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const ACCOUNT: &str = "/restapi/v1.0/account/~";

fn presence_path(ext: &str) -> String {
    format!("{ACCOUNT}/extension/{ext}/presence")
}

async fn put(w: &World, user: &User, path: &str, body: Value) -> (u16, Value) {
    send(w.app.req(Method::PUT, path, &user.token).json(&body)).await
}

/// A world whose people are signed in through an app with the presence permissions.
async fn world() -> (World, User, User, User, User) {
    let w = World::new().await;
    let client = w
        .app
        .client(
            &w.acme,
            &["password", "refresh_token"],
            &[
                "TeamMessaging",
                "ReadAccounts",
                "ReadPresence",
                "EditPresence",
            ],
        )
        .await;
    let globex = w
        .app
        .client(
            &w.globex,
            &["password"],
            &["ReadPresence", "EditPresence", "ReadAccounts"],
        )
        .await;
    let alice = w.app.logged_in(&client, w.alice.ext.clone()).await;
    let bob = w.app.logged_in(&client, w.bob.ext.clone()).await;
    let carol = w.app.logged_in(&client, w.carol.ext.clone()).await;
    let eve = w.app.logged_in(&globex, w.eve.ext.clone()).await;
    (w, alice, bob, carol, eve)
}

/// Opens the web client's WebSocket for `email` (signed in through the pages); returns the
/// socket once the gateway has said hello.
async fn web_client_connection(
    w: &World,
    email: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    use futures_util::StreamExt;
    let b = crate::client::signed_in(&w.app, email).await;
    let p = b.fetch_post("/app/wstoken", &[]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let v: Value = serde_json::from_str(&p.body).unwrap();
    let url = format!(
        "{}?access_token={}",
        v["uri"].as_str().unwrap(),
        v["ws_access_token"].as_str().unwrap()
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("a first frame")
        .unwrap()
        .unwrap();
    assert!(
        first.to_text().unwrap().contains("ConnectionDetails"),
        "{first:?}"
    );
    socket
}

#[tokio::test]
async fn presence_follows_the_web_client_and_the_status_set() {
    let (w, alice, bob, carol, eve) = world().await;
    let bobs = presence_path(&bob.id());

    let (s, p) = w.app.get(&presence_path("~"), &bob.token).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(
        p["extension"]["id"],
        json!(bob.ext.id.0),
        "the id is a JSON number"
    );
    assert_eq!(p["extension"]["extensionNumber"], bob.ext.extension_number);
    assert!(
        p["uri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/extension/{}/presence", bob.id()))
    );
    assert_eq!(p["presenceStatus"], "Offline", "no web client open");
    assert_eq!(p["userStatus"], "Available");
    assert_eq!(p["dndStatus"], "TakeAllCalls");
    assert_eq!(p["telephonyStatus"], "NoCall");

    // Bob opens the web client: Available, for Alice too; closed: Offline again.
    let socket = web_client_connection(&w, &bob.email).await;
    let (_, p) = w.app.get(&bobs, &alice.token).await;
    assert_eq!(p["presenceStatus"], "Available", "{p}");

    // Busy, with a message.
    let (s, p) = put(
        &w,
        &bob,
        &presence_path("~"),
        json!({"userStatus": "Busy", "message": "Deep work"}),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(
        (p["userStatus"].as_str(), p["presenceStatus"].as_str()),
        (Some("Busy"), Some("Busy"))
    );
    assert_eq!(p["message"], "Deep work");
    // Appear offline while connected.
    let (_, p) = put(&w, &bob, &bobs, json!({"userStatus": "Offline"})).await;
    assert_eq!(p["presenceStatus"], "Offline");
    assert_eq!(p["message"], "Deep work", "unnamed fields stay");
    let (_, p) = put(
        &w,
        &bob,
        &bobs,
        json!({"userStatus": "Available", "message": "", "dndStatus": "DoNotAcceptAnyCalls"}),
    )
    .await;
    assert_eq!(p["presenceStatus"], "Available");
    assert!(
        p.get("message").is_none(),
        "an empty message clears it: {p}"
    );
    assert_eq!(p["dndStatus"], "DoNotAcceptAnyCalls");

    drop(socket);
    eventually(
        "Bob offline once his web client is closed",
        Duration::from_secs(10),
        || async {
            let (_, p) = w.app.get(&bobs, &carol.token).await;
            (p["presenceStatus"] == "Offline").then_some(())
        },
    )
    .await;

    // Who may change it: Bob and the administrator; not Carol. Eve, of another company, does
    // not find Bob.
    let (s, b) = put(&w, &carol, &bobs, json!({"userStatus": "Busy"})).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, b) = put(&w, &alice, &bobs, json!({"userStatus": "Busy"})).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = w.app.get(&bobs, &eve.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w
        .app
        .get(
            &format!(
                "/restapi/v1.0/account/{}/extension/{}/presence",
                w.acme.id,
                bob.id()
            ),
            &eve.token,
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (s, b) = w.app.get(&presence_path("999999"), &bob.token).await;
    assert_rc_error(s, &b, 404, "CMN-102");
}

#[tokio::test]
async fn bad_presence_changes_are_refused_and_change_nothing() {
    let (w, _alice, bob, _carol, _eve) = world().await;
    let path = presence_path("~");
    put(
        &w,
        &bob,
        &path,
        json!({"userStatus": "Busy", "message": "Before"}),
    )
    .await;
    for (body, code, param) in [
        (json!({"userStatus": "Away"}), "CMN-101", "userStatus"),
        (json!({"dndStatus": "Maybe"}), "CMN-101", "dndStatus"),
        (json!({"message": "m".repeat(76)}), "CMN-409", "message"),
        (json!({"userStatus": 3}), "CMN-101", "userStatus"),
    ] {
        let (s, b) = put(&w, &bob, &path, body.clone()).await;
        assert_rc_error(s, &b, 400, code);
        assert_eq!(b["errors"][0]["parameterName"], param, "{body}: {b}");
    }
    let (_, p) = w.app.get(&path, &bob.token).await;
    assert_eq!(
        (p["userStatus"].as_str(), p["message"].as_str()),
        (Some("Busy"), Some("Before"))
    );

    // The World's app has neither presence permission.
    let (s, b) = w.app.get(&path, &w.bob.token).await;
    assert_rc_error(s, &b, 403, "CMN-401");
    let (s, b) = put(&w, &w.bob, &path, json!({"userStatus": "Busy"})).await;
    assert_rc_error(s, &b, 403, "CMN-401");
}

fn names(b: &Value) -> Vec<String> {
    b["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["firstName"]
                .as_str()
                .or(r["name"].as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_directory_is_searched_by_field_type_and_page() {
    let w = World::new().await;
    let search = format!("{ACCOUNT}/directory/entries/search");
    let (s, b) = w.app.post(&search, &w.bob.token, json!({})).await;
    assert_eq!(s, 200, "{b}");
    // Everyone of Acme, by last name (the administrator has none).
    assert_eq!(b["paging"]["totalElements"], 3, "{b}");
    assert_eq!(names(&b), ["Alice", "Bob", "Carol"]);
    let r = &b["records"][1];
    assert_eq!(r["firstName"], "Bob");
    assert_eq!(r["type"], "User");
    assert_eq!(r["email"], "bob@acme.test");
    assert_eq!(r["account"]["id"], w.acme.id.to_string());
    assert!(r["id"].is_string());

    let (_, b) = w
        .app
        .post(&search, &w.bob.token, json!({"searchString": "CHEN"}))
        .await;
    assert_eq!(names(&b), ["Carol"]);
    let (_, b) = w
        .app
        .post(
            &search,
            &w.bob.token,
            json!({"searchString": "acme.test", "searchFields": ["firstName"]}),
        )
        .await;
    assert_eq!(b["records"].as_array().unwrap().len(), 0, "{b}");
    let (_, b) = w
        .app
        .post(&search, &w.bob.token, json!({"extensionType": "Bot"}))
        .await;
    assert_eq!(b["paging"]["totalElements"], 0);
    let (_, b) = w
        .app
        .post(&search, &w.bob.token, json!({"orderBy": [{"fieldName": "firstName", "direction": "Desc"}], "perPage": 1, "page": 2}))
        .await;
    assert_eq!(names(&b), ["Bob"], "{b}");
    assert_eq!(
        (
            b["paging"]["page"].as_u64(),
            b["paging"]["totalPages"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(
        (
            b["paging"]["pageStart"].as_u64(),
            b["paging"]["pageEnd"].as_u64()
        ),
        (Some(1), Some(1))
    );

    for (body, code, param) in [
        (
            json!({"searchFields": ["nickname"]}),
            "CMN-101",
            "searchFields[0]",
        ),
        (
            json!({"orderBy": [{"fieldName": "age"}]}),
            "CMN-101",
            "orderBy[0].fieldName",
        ),
        (
            json!({"extensionType": "Robot"}),
            "CMN-101",
            "extensionType",
        ),
        (json!({"perPage": 0}), "CMN-411", "perPage"),
        (json!({"page": "two"}), "CMN-101", "page"),
    ] {
        let (s, b) = w.app.post(&search, &w.bob.token, body.clone()).await;
        assert_rc_error(s, &b, 400, code);
        assert_eq!(b["errors"][0]["parameterName"], param, "{body}: {b}");
    }
    // Another company's directory is not found; Globex's Eve sees only Globex.
    let (s, b) = w
        .app
        .post(
            &format!(
                "/restapi/v1.0/account/{}/directory/entries/search",
                w.globex.id
            ),
            &w.bob.token,
            json!({}),
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let (_, b) = w.app.post(&search, &w.eve.token, json!({})).await;
    assert_eq!(b["paging"]["totalElements"], 1);
}
