//! The company directory of the REST API: `GET /restapi/v1.0/account/~/extension` (RingCentral's
//! numbered pages and filters) and a person's time zone, `regionalSettings.timezone`, read and
//! written through `…/extension/{id}`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const LIST: &str = "/restapi/v1.0/account/~/extension";

fn ids(v: &Value) -> Vec<String> {
    v["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records: {v}"))
        .iter()
        .map(|r| r["id"].to_string())
        .collect()
}

async fn put_extension(w: &World, id: &str, token: &str, body: Value) -> (u16, Value) {
    send(
        w.app
            .req(
                Method::PUT,
                &format!("/restapi/v1.0/account/~/extension/{id}"),
                token,
            )
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn the_company_directory_in_numbered_pages() {
    let w = World::new().await;
    let (s, all) = w.app.get(LIST, &w.bob.token).await;
    assert_eq!(s, 200, "{all}");
    assert_eq!(ids(&all), [w.alice.id(), w.bob.id(), w.carol.id()]);
    assert_eq!(all["records"][1]["contact"]["firstName"], "Bob");
    assert_eq!(all["records"][1]["type"], "User");
    assert_eq!(
        all["paging"],
        json!({"perPage": 100, "page": 1, "pageStart": 0, "pageEnd": 2, "totalPages": 1, "totalElements": 3})
    );

    // Two by two: the navigation keeps the filters.
    let (_, p1) = w
        .app
        .get(&format!("{LIST}?type=User&perPage=2"), &w.bob.token)
        .await;
    assert_eq!(ids(&p1), [w.alice.id(), w.bob.id()]);
    assert_eq!(p1["paging"]["totalPages"], 2);
    assert!(p1["navigation"].get("previousPage").is_none(), "{p1}");
    let next = p1["navigation"]["nextPage"]["uri"].as_str().unwrap();
    assert!(
        next.ends_with("/extension?type=User&page=2&perPage=2"),
        "{next}"
    );
    let path = &next[next.find("/restapi").unwrap()..];
    let (_, p2) = w.app.get(path, &w.bob.token).await;
    assert_eq!(ids(&p2), [w.carol.id()]);
    assert_eq!(
        p2["paging"],
        json!({"perPage": 2, "page": 2, "pageStart": 2, "pageEnd": 2, "totalPages": 2, "totalElements": 3})
    );
    assert!(p2["navigation"].get("nextPage").is_none(), "{p2}");
    assert!(
        p2["navigation"]["previousPage"]["uri"]
            .as_str()
            .unwrap()
            .contains("page=1")
    );
    // Past the end: an empty page says so.
    let (_, p9) = w
        .app
        .get(&format!("{LIST}?perPage=2&page=9"), &w.bob.token)
        .await;
    assert_eq!(ids(&p9), Vec::<String>::new());
    assert_eq!(
        p9["paging"],
        json!({"perPage": 2, "totalPages": 2, "totalElements": 3})
    );

    // Filters: a bot is not a user; RingCentral's other types match nothing.
    w.app
        .state()
        .platform()
        .create_bot(w.acme.id, "Helper")
        .await
        .expect("a bot");
    let (_, users) = w.app.get(&format!("{LIST}?type=User"), &w.bob.token).await;
    assert_eq!(ids(&users).len(), 3);
    let (_, bots) = w.app.get(&format!("{LIST}?type=Bot"), &w.bob.token).await;
    assert_eq!(bots["records"][0]["type"], "Bot", "{bots}");
    assert_eq!(ids(&bots).len(), 1);
    let (_, both) = w
        .app
        .get(&format!("{LIST}?type=User&type=Bot"), &w.bob.token)
        .await;
    assert_eq!(ids(&both).len(), 4);
    let (_, none) = w
        .app
        .get(&format!("{LIST}?type=Department"), &w.bob.token)
        .await;
    assert_eq!(none["paging"]["totalElements"], 0);
    let (_, disabled) = w
        .app
        .get(&format!("{LIST}?status=Disabled"), &w.bob.token)
        .await;
    assert_eq!(ids(&disabled).len(), 0);
    let (_, carol) = w
        .app
        .get(&format!("{LIST}?email=CAROL@acme.test"), &w.bob.token)
        .await;
    assert_eq!(ids(&carol), [w.carol.id()]);
    let number = all["records"][0]["extensionNumber"].as_str().unwrap();
    let (_, alice) = w
        .app
        .get(&format!("{LIST}?extensionNumber={number}"), &w.bob.token)
        .await;
    assert_eq!(ids(&alice), [w.alice.id()]);

    // Bad input names its parameter.
    for (query, code, parameter) in [
        ("type=Robot", "CMN-101", "type"),
        ("status=Sleeping", "CMN-101", "status"),
        ("perPage=0", "CMN-411", "perPage"),
        ("perPage=1001", "CMN-411", "perPage"),
        ("page=zero", "CMN-101", "page"),
    ] {
        let (s, b) = w.app.get(&format!("{LIST}?{query}"), &w.bob.token).await;
        assert_rc_error(s, &b, 400, code);
        assert_eq!(b["errors"][0]["parameterName"], parameter, "{query}: {b}");
    }
    // Another company's directory is not found; the list needs ReadAccounts.
    let (s, b) = w
        .app
        .get(
            &format!("/restapi/v1.0/account/{}/extension", w.acme.id),
            &w.eve.token,
        )
        .await;
    assert_rc_error(s, &b, 404, "CMN-102");
    let app = w
        .app
        .client(&w.acme, &["password"], &["TeamMessaging"])
        .await;
    let tok = w.app.login(&app, &w.bob.email).await;
    let (s, b) = w.app.get(LIST, tok["access_token"].as_str().unwrap()).await;
    assert_rc_error(s, &b, 403, "CMN-401");
}

#[tokio::test]
async fn a_persons_time_zone_is_their_regional_setting() {
    let w = World::new().await;
    let me = "/restapi/v1.0/account/~/extension/~";
    let (_, b) = w.app.get(me, &w.bob.token).await;
    assert!(b.get("regionalSettings").is_none(), "not set yet: {b}");

    let berlin = json!({"regionalSettings": {"timezone": {"id": "Europe/Berlin"}}});
    let (s, b) = put_extension(&w, "~", &w.bob.token, berlin).await;
    assert_eq!(s, 200, "{b}");
    let tz = &b["regionalSettings"]["timezone"];
    assert_eq!(tz["id"], "Europe/Berlin");
    assert_eq!(tz["name"], "Europe/Berlin");
    assert!(matches!(tz["bias"].as_str(), Some("60" | "120")), "{tz}");
    let (_, b) = w.app.get(me, &w.bob.token).await;
    assert_eq!(b["regionalSettings"]["timezone"]["id"], "Europe/Berlin");
    // Names are kept; only the time zone changed.
    assert_eq!(b["contact"]["firstName"], "Bob");

    // Someone else's: an administrator may, a colleague may not.
    let tokyo = json!({"regionalSettings": {"timezone": {"id": "Asia/Tokyo"}}});
    let carol = w.carol.id();
    let (s, b) = put_extension(&w, &carol, &w.bob.token, tokyo.clone()).await;
    assert_rc_error(s, &b, 403, "CMN-408");
    let (s, b) = put_extension(&w, &carol, &w.alice.token, tokyo).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["regionalSettings"]["timezone"]["bias"], "540");
    let (_, list) = w
        .app
        .get(&format!("{LIST}?email=carol@acme.test"), &w.bob.token)
        .await;
    assert_eq!(
        list["records"][0]["regionalSettings"]["timezone"]["id"],
        "Asia/Tokyo"
    );

    // Not a time zone: refused, nothing changed.
    for bad in ["Mars/Olympus", "+02:00", ""] {
        let body = json!({"regionalSettings": {"timezone": {"id": bad}}});
        let (s, b) = put_extension(&w, "~", &w.bob.token, body).await;
        assert_rc_error(s, &b, 400, "CMN-101");
        assert_eq!(
            b["errors"][0]["parameterName"], "regionalSettings.timezone.id",
            "{bad}: {b}"
        );
    }
    let (_, b) = w.app.get(me, &w.bob.token).await;
    assert_eq!(b["regionalSettings"]["timezone"]["id"], "Europe/Berlin");
}

#[tokio::test]
async fn a_persons_language_is_their_regional_setting() {
    let w = World::new().await;
    let me = "/restapi/v1.0/account/~/extension/~";
    let body = json!({"regionalSettings": {
        "language": {"id": "2057"},
        "formattingLocale": {"id": "1031"},
    }});
    let (s, b) = put_extension(&w, "~", &w.bob.token, body).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["regionalSettings"]["language"],
        json!({"id": "2057", "localeCode": "en-GB", "name": "English (United Kingdom)"})
    );
    assert_eq!(
        b["regionalSettings"]["formattingLocale"]["localeCode"],
        "de-DE"
    );
    assert!(b["regionalSettings"].get("timezone").is_none(), "{b}");
    // A time zone later keeps the language.
    let tz = json!({"regionalSettings": {"timezone": {"id": "Europe/London"}}});
    let (s, _) = put_extension(&w, "~", &w.bob.token, tz).await;
    assert_eq!(s, 200);
    let (_, b) = w.app.get(me, &w.bob.token).await;
    assert_eq!(b["regionalSettings"]["language"]["id"], "2057", "{b}");
    assert_eq!(b["regionalSettings"]["timezone"]["id"], "Europe/London");

    // Unknown ids: refused, naming the field, nothing changed.
    for (field, param) in [
        ("language", "regionalSettings.language.id"),
        ("formattingLocale", "regionalSettings.formattingLocale.id"),
    ] {
        let body = json!({"regionalSettings": {field: {"id": "9999"}}});
        let (s, b) = put_extension(&w, "~", &w.bob.token, body).await;
        assert_rc_error(s, &b, 400, "CMN-101");
        assert_eq!(b["errors"][0]["parameterName"], param, "{b}");
    }
    let (_, b) = w.app.get(me, &w.bob.token).await;
    assert_eq!(b["regionalSettings"]["formattingLocale"]["id"], "1031");
}
