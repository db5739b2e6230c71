//! The JSON API against the real platform, with tokens of real people: authentication, the
//! rules of who may do what, bad input (a clear error in RingCentral's shape, nothing
//! half-saved), schedules' next runs, import and export, the OpenAPI document.

use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_errors_and_the_document() {
    let (p, okr, api) = platform_and_app().await;
    let (s, v) = api.call("GET", "/teams", None, None).await;
    assert_eq!((s, v["errorCode"].as_str()), (401, Some("CMN-405")), "{v}");
    let raw = openglip_bot::sdk::reqwest::Client::new()
        .get(format!("{}/api/v1/teams", okr.url))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 401);
    let me = api.ok("GET", "/me", p.admin(), None, 200).await;
    assert_eq!(
        (me["isAdmin"].as_bool(), me["company"]["name"].as_str()),
        (Some(true), Some("Acme"))
    );
    assert_eq!(me["timeZone"], "UTC");
    let rules = api.ok("GET", "/rules", p.admin(), None, 200).await;
    assert!(
        rules["status"]
            .as_str()
            .unwrap()
            .contains("on track up to 10 points behind")
    );
    api.refused("GET", "/nothing-here", p.admin(), None, 404, Some("uri"))
        .await;
    let (s, v) = api
        .call("PUT", "/teams", Some(p.admin()), Some(json!({})))
        .await;
    assert_eq!((s, v["errorCode"].as_str()), (405, Some("CMN-120")));
    // The OpenAPI document describes every route, with its schemas.
    let (s, doc) = api.call("GET", "/openapi.json", None, None).await;
    assert_eq!(s, 200);
    for (path, method) in [
        ("/api/v1/teams", "post"),
        ("/api/v1/objectives/{objectiveId}", "get"),
        ("/api/v1/key-results/{keyResultId}/check-ins", "post"),
        ("/api/v1/followers/{followerId}/runs", "get"),
        ("/api/v1/followers/{followerId}/send-now", "post"),
        ("/api/v1/integration", "delete"),
        ("/api/v1/teams/{teamId}", "get"),
    ] {
        assert!(
            doc["paths"][path][method]["operationId"].is_string(),
            "{method} {path}"
        );
    }
    for schema in [
        "CreateFollowerRequest",
        "FollowerView",
        "Dashboard",
        "Document",
        "ErrorBody",
        "Status",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    okr.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teams_objectives_key_results_and_check_ins() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let (uma, eva) = (
        p.person("Uma", "Stone").await,
        p.person("Eva", "Berg").await,
    );

    // Teams: administrators only; names unique; members from the directory; a tree.
    api.refused(
        "POST",
        "/teams",
        &uma,
        Some(json!({"name": "Sales"})),
        403,
        None,
    )
    .await;
    let sales = api
        .ok(
            "POST",
            "/teams",
            admin,
            Some(json!({"name": "Sales", "memberIds": [admin.id]})),
            201,
        )
        .await;
    let sales_id = sales["id"].as_str().unwrap();
    api.refusals(
        "POST",
        "/teams",
        vec![
            (admin, json!({"name": "sales"}), 409, None),
            (
                admin,
                json!({"name": "US", "parentId": "999"}),
                404,
                Some("parentId"),
            ),
            (
                admin,
                json!({"name": "US", "memberIds": [uma.id, "999999"]}),
                404,
                Some("memberIds[1]"),
            ),
            (admin, json!({"name": 5}), 400, Some("name")),
            (
                admin,
                json!({"name": "US", "members": []}),
                400,
                Some("members"),
            ),
            (admin, json!({"name": "   "}), 400, Some("name")),
        ],
    )
    .await;
    let raw = openglip_bot::sdk::reqwest::Client::new()
        .post(format!("{}/api/v1/teams", okr.url))
        .bearer_auth(token(admin).await)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    assert_eq!(raw.json::<Value>().await.unwrap()["errorCode"], "CMN-103");
    // Nothing half-saved: the refused teams do not exist.
    let teams = api.ok("GET", "/teams", &uma, None, 200).await;
    assert_eq!(teams["records"].as_array().unwrap().len(), 1);
    let us = api
        .ok(
            "POST",
            "/teams",
            admin,
            Some(json!({"name": "US", "parentId": sales_id, "memberIds": [uma.id]})),
            201,
        )
        .await;
    let us_id = us["id"].as_str().unwrap();
    assert_eq!(us["members"][0]["name"], "Uma Stone");
    api.refused(
        "PATCH",
        &format!("/teams/{sales_id}"),
        admin,
        Some(json!({"parentId": us_id})),
        400,
        Some("parentId"),
    )
    .await;
    let moved = api
        .ok(
            "PATCH",
            &format!("/teams/{us_id}"),
            admin,
            Some(json!({"parentId": null, "name": "Americas"})),
            200,
        )
        .await;
    assert_eq!(
        (moved["parentId"].clone(), moved["name"].as_str()),
        (Value::Null, Some("Americas"))
    );
    api.ok(
        "PATCH",
        &format!("/teams/{us_id}"),
        admin,
        Some(json!({"parentId": sales_id})),
        200,
    )
    .await;
    api.refused("GET", "/teams/abc", &uma, None, 404, Some("teamId"))
        .await;

    // Objectives: the company's and teams' by administrators; people their own.
    let company =
        json!({"title": "Win", "owner": {"type": "company", "id": okr_account(&api, admin).await}});
    api.refused(
        "POST",
        "/objectives",
        &uma,
        Some(company.clone()),
        403,
        None,
    )
    .await;
    let win = api
        .ok("POST", "/objectives", admin, Some(company), 201)
        .await;
    api.refusals(
        "POST",
        "/objectives",
        vec![
            (admin, json!({"title": "X", "owner": {"type": "company", "id": "424242"}}), 404, Some("owner.id")),
            (admin, json!({"title": "X", "owner": {"type": "team", "id": "424242"}}), 404, Some("owner.id")),
            (admin, json!({"title": "X", "owner": {"type": "squad", "id": "1"}}), 400, Some("owner.type")),
            (admin, json!({"title": "X", "owner": {"type": "person", "id": "999999"}}), 404, Some("owner.id")),
            (&uma, json!({"title": "X", "owner": {"type": "person", "id": eva.id}}), 403, None),
            (admin, json!({"title": "X", "owner": {"type": "team", "id": us_id}, "period": "2026-Q5"}), 400, Some("period")),
            (admin, json!({"title": "X", "owner": {"type": "team", "id": us_id}, "period": {"start": "2026-02-01", "end": "2026-01-01"}}), 400, Some("period")),
        ],
    )
    .await;
    let mine = api
        .ok("POST", "/objectives", &uma, Some(json!({"title": "Learn", "owner": {"type": "person", "id": uma.id}, "period": {"name": "H2", "start": "2026-07-01", "end": "2026-12-31"}})), 201)
        .await;
    assert_eq!(
        mine["period"],
        json!({"name": "H2", "start": "2026-07-01", "end": "2026-12-31"})
    );
    let grow = api
        .ok("POST", "/objectives", admin, Some(json!({"title": "Grow", "owner": {"type": "team", "id": us_id}, "parentId": win["id"]})), 201)
        .await;
    let grow_id = grow["id"].as_str().unwrap();
    assert_eq!(grow["parentId"], win["id"]);
    assert_eq!(grow["status"], "notStarted");

    // Key results of every kind; values of the wrong kind refused.
    let kr = |body: Value| async {
        api.call(
            "POST",
            &format!("/objectives/{grow_id}/key-results"),
            Some(admin),
            Some(body),
        )
        .await
    };
    let (s, v) = kr(json!({"title": "Deals", "kind": "number", "target": 40})).await;
    assert_eq!(
        (s, v["errors"][0]["parameterName"].as_str()),
        (400, Some("start")),
        "{v}"
    );
    let (s, _) = kr(json!({"title": "Share", "kind": "percent", "target": 120})).await;
    assert_eq!(s, 400);
    let (s, _) = kr(json!({"title": "X", "kind": "kpi"})).await;
    assert_eq!(s, 400);
    api.refused(
        "POST",
        &format!("/objectives/{grow_id}/key-results"),
        &uma,
        Some(json!({"title": "X", "kind": "boolean"})),
        403,
        None,
    )
    .await;
    let deals = api
        .ok("POST", &format!("/objectives/{grow_id}/key-results"), admin, Some(json!({"title": "Deals", "kind": "number", "start": 0, "target": 40, "unit": "deals"})), 201)
        .await;
    let launch = api
        .ok(
            "POST",
            &format!("/objectives/{grow_id}/key-results"),
            admin,
            Some(json!({"title": "Launch", "kind": "boolean"})),
            201,
        )
        .await;
    let steps = api
        .ok(
            "POST",
            &format!("/objectives/{grow_id}/key-results"),
            admin,
            Some(json!({"title": "Steps", "kind": "milestone", "target": 4, "weight": 2})),
            201,
        )
        .await;
    let churn = api
        .ok("POST", &format!("/objectives/{grow_id}/key-results"), admin, Some(json!({"title": "Churn", "kind": "number", "start": 10, "target": 0, "ownerId": eva.id})), 201)
        .await;
    let check = |kr: &Value| format!("/key-results/{}/check-ins", kr["id"].as_str().unwrap());
    for (kr, value, param) in [
        (&deals, json!(true), "value"),
        (&deals, json!("12"), "value"),
        (&launch, json!("yes"), "value"),
        (&launch, json!(0.5), "value"),
        (&steps, json!(5), "value"),
    ] {
        api.refused(
            "POST",
            &check(kr),
            &uma,
            Some(json!({"value": value})),
            400,
            Some(param),
        )
        .await;
    }
    api.refused(
        "POST",
        &check(&deals),
        &uma,
        Some(json!({"note": "no value"})),
        400,
        Some("value"),
    )
    .await;
    api.refused(
        "POST",
        &check(&deals),
        &uma,
        Some(json!({"value": 1, "confidence": 11})),
        400,
        Some("confidence"),
    )
    .await;
    api.refused(
        "POST",
        &check(&deals),
        &uma,
        Some(json!({"value": 1, "status": "late"})),
        400,
        Some("status"),
    )
    .await;
    api.refused(
        "POST",
        "/key-results/999/check-ins",
        &uma,
        Some(json!({"value": 1})),
        404,
        Some("keyResultId"),
    )
    .await;
    // Eva is not in US, but she owns Churn.
    api.refused(
        "POST",
        &check(&deals),
        &eva,
        Some(json!({"value": 1})),
        403,
        None,
    )
    .await;
    api.ok("POST", &check(&churn), &eva, Some(json!({"value": 5})), 201)
        .await;
    // Nothing half-saved: no refused check-in exists.
    let history = api.ok("GET", &check(&deals), &uma, None, 200).await;
    assert_eq!(history["records"], json!([]));
    let c = api
        .ok(
            "POST",
            &check(&deals),
            &uma,
            Some(json!({"value": 20, "status": "on track", "confidence": 7, "note": "good"})),
            201,
        )
        .await;
    assert_eq!(
        (
            c["status"].as_str(),
            c["confidence"].as_i64(),
            c["source"].as_str()
        ),
        (Some("onTrack"), Some(7), Some("api"))
    );
    api.ok(
        "POST",
        &check(&launch),
        &uma,
        Some(json!({"value": true})),
        201,
    )
    .await;
    api.ok("POST", &check(&steps), &uma, Some(json!({"value": 2})), 201)
        .await;

    // The objective: deals 50 %, launch 100 %, steps 50 % (weight 2), churn 50 %: 60 %.
    let o = api
        .ok("GET", &format!("/objectives/{grow_id}"), &eva, None, 200)
        .await;
    assert_eq!(o["progress"], 60.0, "{o}");
    assert!(o["expectedProgress"].is_number());
    assert!(o["status"].is_string());
    assert_eq!(o["keyResults"][0]["value"], 20.0);
    assert_eq!(o["keyResults"][1]["value"], true);
    assert_eq!(o["keyResults"][0]["checkIns"][0]["note"], "good");
    let w = api
        .ok(
            "GET",
            &format!("/objectives/{}", win["id"].as_str().unwrap()),
            &eva,
            None,
            200,
        )
        .await;
    assert_eq!(w["alignedIds"], json!([grow_id]));
    assert_eq!(w["progress"], 0.0, "aligned objectives do not roll in");
    // The team's figures include its sub-team's objectives.
    let t = api
        .ok("GET", &format!("/teams/{sales_id}"), &eva, None, 200)
        .await;
    assert_eq!(
        (t["progress"].as_f64(), t["objectiveCount"].as_u64()),
        (Some(60.0), Some(1))
    );
    assert_eq!(t["teams"][0]["name"], "Americas");
    let person = api
        .ok("GET", &format!("/people/{}", uma.id), &eva, None, 200)
        .await;
    assert_eq!(person["entity"]["name"], "Uma Stone");
    assert_eq!(person["teams"][0]["name"], "Americas");
    let listed = api
        .ok(
            "GET",
            &format!("/objectives?ownerType=team&ownerId={us_id}"),
            &eva,
            None,
            200,
        )
        .await;
    assert_eq!(listed["records"].as_array().unwrap().len(), 1);
    api.refused(
        "GET",
        "/objectives?ownerType=squad",
        &eva,
        None,
        400,
        Some("ownerType"),
    )
    .await;
    // A team in use is not deleted.
    api.refused("DELETE", &format!("/teams/{us_id}"), admin, None, 409, None)
        .await;
    okr.stop().await;
}

async fn okr_account(api: &Api, who: &openglip_bot::harness::Person) -> String {
    api.ok("GET", "/me", who, None, 200).await["company"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followers_schedules_and_their_errors() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let (uma, eva, aiko) = p.regions().await;
    add_to_glip(&p.server, &api, admin).await;
    let (sales, _) = sales_example(&api, admin, &uma, &eva, &aiko).await;
    let room = glip_team(admin, "Org-Sales", false, &[&uma]).await;
    let secret = glip_team(&uma, "Uma's private team", false, &[&eva]).await;
    let dm = admin.direct_chat(&uma.id).await;
    let team = json!({"type": "team", "id": sales});
    let follow = |entity: Value, chat: &str, extra: Value| {
        let mut b = json!({"entity": entity, "chatId": chat});
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    for (body, status, param) in [
        (
            follow(json!({"type": "team", "id": "777"}), &room, json!({})),
            404,
            "entity.id",
        ),
        (
            follow(json!({"type": "person", "id": "777777"}), &room, json!({})),
            404,
            "entity.id",
        ),
        (follow(team.clone(), &secret, json!({})), 404, "chatId"),
        (follow(team.clone(), "not-a-chat", json!({})), 404, "chatId"),
        (follow(team.clone(), &dm, json!({})), 400, "chatId"),
        (
            follow(
                team.clone(),
                &room,
                json!({"schedule": {"kind": "weekly", "weekday": "Monday", "time": "9:00"}}),
            ),
            400,
            "schedule.time",
        ),
        (
            follow(
                team.clone(),
                &room,
                json!({"schedule": {"kind": "weekly", "weekday": "Someday", "time": "09:00"}}),
            ),
            400,
            "schedule.weekday",
        ),
        (
            follow(
                team.clone(),
                &room,
                json!({"schedule": {"kind": "monthly", "day": 32, "time": "09:00"}}),
            ),
            400,
            "schedule.day",
        ),
        (
            follow(team.clone(), &room, json!({"schedule": {"kind": "hourly"}})),
            400,
            "schedule.kind",
        ),
        (
            follow(team.clone(), &room, json!({"timeZone": "Mars/Olympus"})),
            400,
            "timeZone",
        ),
    ] {
        api.refused("POST", "/followers", admin, Some(body), status, Some(param))
            .await;
    }
    api.refused(
        "POST",
        "/followers",
        &uma,
        Some(follow(team.clone(), &room, json!({}))),
        403,
        None,
    )
    .await;
    // Nothing half-saved.
    assert_eq!(
        api.ok("GET", "/followers", admin, None, 200).await["records"],
        json!([])
    );

    // Monthly on the 31st at 02:30 in Berlin: month ends and the daylight-saving gap.
    let f = api
        .ok("POST", "/followers", admin, Some(follow(team.clone(), &room, json!({"schedule": {"kind": "monthly", "day": 31, "time": "02:30"}, "timeZone": "Europe/Berlin"}))), 201)
        .await;
    let id = f["id"].as_str().unwrap();
    let runs = api
        .ok(
            "GET",
            &format!("/followers/{id}/runs?after=2027-01-15T00:00:00Z&count=4"),
            &uma,
            None,
            200,
        )
        .await;
    let at: Vec<&str> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["at"].as_str().unwrap())
        .collect();
    assert_eq!(
        at,
        [
            "2027-01-31T01:30:00Z",
            "2027-02-28T01:30:00Z",
            "2027-03-31T00:30:00Z",
            "2027-04-30T00:30:00Z"
        ]
    );
    assert_eq!(runs["runs"][2]["local"], "2027-03-31T02:30:00+02:00");
    // Weekly on Sunday at 02:30: 28 March 2027 is in the gap, so it runs at 03:00.
    let changed = api
        .ok(
            "PATCH",
            &format!("/followers/{id}"),
            admin,
            Some(json!({"schedule": {"kind": "weekly", "weekday": "Sunday", "time": "02:30"}})),
            200,
        )
        .await;
    assert_eq!(changed["scheduleText"], "every Sunday at 02:30");
    let runs = api
        .ok(
            "GET",
            &format!("/followers/{id}/runs?after=2027-03-20T00:00:00Z&count=2"),
            &uma,
            None,
            200,
        )
        .await;
    assert_eq!(runs["runs"][0]["at"], "2027-03-21T01:30:00Z");
    assert_eq!(runs["runs"][1]["at"], "2027-03-28T01:00:00Z");
    assert_eq!(runs["runs"][1]["local"], "2027-03-28T03:00:00+02:00");
    // A new zone moves the next run.
    let ny = api
        .ok(
            "PATCH",
            &format!("/followers/{id}"),
            admin,
            Some(json!({"timeZone": "America/New_York"})),
            200,
        )
        .await;
    assert!(
        ny["nextRunLocal"].as_str().unwrap().contains("T02:30:00-0"),
        "{ny}"
    );
    assert_ne!(ny["nextRunAt"], changed["nextRunAt"]);
    for (q, param) in [
        ("after=yesterday", "after"),
        ("count=0", "count"),
        ("count=101", "count"),
    ] {
        api.refused(
            "GET",
            &format!("/followers/{id}/runs?{q}"),
            admin,
            None,
            400,
            Some(param),
        )
        .await;
    }
    api.refused(
        "PATCH",
        &format!("/followers/{id}"),
        admin,
        Some(json!({"schedule": {"kind": "monthly", "day": 0, "time": "09:00"}})),
        400,
        Some("schedule.day"),
    )
    .await;
    api.refused(
        "PATCH",
        &format!("/followers/{id}"),
        &uma,
        Some(json!({"timeZone": "UTC"})),
        403,
        None,
    )
    .await;
    api.refused(
        "GET",
        "/followers/9999",
        admin,
        None,
        404,
        Some("followerId"),
    )
    .await;
    // The person picker lists team conversations.
    let chats = api.ok("GET", "/chats", admin, None, 200).await;
    assert!(
        chats["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == room.as_str())
    );
    api.ok("DELETE", &format!("/followers/{id}"), admin, None, 204)
        .await;
    assert_eq!(
        api.ok("GET", "/followers", admin, None, 200).await["records"],
        json!([])
    );
    okr.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_and_import_move_a_company() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let (uma, eva, aiko) = p.regions().await;
    let (_, [us_kr, ..]) = sales_example(&api, admin, &uma, &eva, &aiko).await;
    api.ok(
        "POST",
        &format!("/key-results/{us_kr}/check-ins"),
        &uma,
        Some(json!({"value": 10, "note": "first"})),
        201,
    )
    .await;
    let doc = api.ok("GET", "/export", &uma, None, 200).await;
    assert_eq!(doc["format"], "openglip-okr/1");
    assert_eq!(doc["teams"].as_array().unwrap().len(), 4);
    // A second company imports it, its own people in place of Acme's.
    let globex = p.server.company("Globex").await;
    let g = globex.admin();
    let mut moved = doc.clone();
    to_person(&mut moved, &g.id);
    api.refused("POST", "/import", &uma, Some(moved.clone()), 403, None)
        .await;
    // Acme's people are not Globex's.
    api.refused("POST", "/import", g, Some(doc.clone()), 404, None)
        .await;
    let mut broken = moved.clone();
    broken["objectives"][0]["keyResults"][0]["checkIns"][0]["value"] = json!("ten");
    api.refused(
        "POST",
        "/import",
        g,
        Some(broken),
        400,
        Some("objectives[0].keyResults[0].checkIns[0].value"),
    )
    .await;
    assert_eq!(
        api.ok("GET", "/teams", g, None, 200).await["records"],
        json!([]),
        "nothing half-saved"
    );
    let n = api.ok("POST", "/import", g, Some(moved.clone()), 201).await;
    assert_eq!(
        n,
        json!({"teams": 4, "objectives": 3, "keyResults": 3, "checkIns": 1})
    );
    let teams = api.ok("GET", "/teams", g, None, 200).await;
    let sales = teams["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Sales")
        .unwrap()
        .clone();
    assert_eq!(sales["subTeamIds"].as_array().unwrap().len(), 3);
    let dash = api
        .ok(
            "GET",
            &format!("/teams/{}", sales["id"].as_str().unwrap()),
            g,
            None,
            200,
        )
        .await;
    assert_eq!(dash["progress"], round1(25.0 / 3.0));
    // Once more: the company has OKRs now.
    api.refused("POST", "/import", g, Some(moved), 409, None)
        .await;
    // Acme is untouched.
    assert_eq!(
        api.ok("GET", "/teams", admin, None, 200).await["records"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    okr.stop().await;
}

/// Makes every person a document names `id`.
fn to_person(v: &mut Value, id: &str) {
    match v {
        Value::Object(o) => {
            let person_owner = o.get("type") == Some(&json!("person"));
            for (k, child) in o.iter_mut() {
                match k.as_str() {
                    "createdBy" | "authorId" | "ownerId" if child.is_string() => *child = json!(id),
                    "memberIds" => *child = json!([id]),
                    "id" if person_owner => *child = json!(id),
                    _ => to_person(child, id),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|c| to_person(c, id)),
        _ => {}
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
