//! Persons and companies: `/team-messaging/v1/persons/{id}`, `/companies/{id}` and the legacy
//! `/restapi/v1.0/glip/persons/{ids}` (batch reads answer `207 multipart/mixed`).

use serde_json::Value;

use crate::chats::*;
use crate::helpers::*;
use crate::legacy_groups::get_batch;

const PERSON_KEYS: [&str; 8] = [
    "avatar",
    "companyId",
    "creationTime",
    "email",
    "firstName",
    "id",
    "lastModifiedTime",
    "lastName",
];

/// Asserts a `TMPersonInfo` of `user` in `company`.
fn assert_person(v: &Value, user: &User, first: &str, last: &str, company: &str) {
    assert_eq!(v["id"], user.id(), "{v}");
    assert_eq!(v["firstName"], first, "{v}");
    assert_eq!(v["lastName"], last, "{v}");
    assert_eq!(v["email"], user.email.as_str(), "{v}");
    assert_eq!(v["companyId"], company, "{v}");
    assert_time(&v["creationTime"]);
    assert_time(&v["lastModifiedTime"]);
    for k in keys(v) {
        assert!(PERSON_KEYS.contains(&k.as_str()), "unexpected {k}: {v}");
    }
    if let Some(a) = v.get("avatar") {
        assert!(a.is_string() || a.is_null(), "{v}");
    }
}

#[tokio::test]
async fn read_person_same_company_only() {
    let w = World::new().await;
    let acme = w.acme.id.to_string();
    let globex = w.globex.id.to_string();
    for prefix in PREFIXES {
        for by in [&w.alice, &w.bob] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/persons/{}", w.carol.id()), &by.token)
                .await;
            assert_eq!(s, 200, "{b}");
            assert_person(&b, &w.carol, "Carol", "Chen", &acme);
        }
        let (s, b) = w
            .app
            .get(&format!("{prefix}/persons/{}", w.bob.id()), &w.bob.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_person(&b, &w.bob, "Bob", "Baker", &acme);
        let (s, b) = w
            .app
            .get(&format!("{prefix}/persons/{}", w.eve.id()), &w.eve.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["companyId"], globex.as_str());

        // Other companies' people do not exist for you.
        let (s, b) = w
            .app
            .get(&format!("{prefix}/persons/{}", w.eve.id()), &w.alice.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "personId", "{b}");
        let (s, b) = w
            .app
            .get(&format!("{prefix}/persons/{}", w.alice.id()), &w.eve.token)
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        for bogus in ["123456789", "abc", "-5"] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/persons/{bogus}"), &w.alice.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
    }
}

#[tokio::test]
async fn read_several_persons_is_a_batch() {
    let w = World::new().await;
    let acme = w.acme.id.to_string();
    for prefix in PREFIXES {
        let batch = get_batch(
            &w,
            &format!(
                "{prefix}/persons/{},{},{}",
                w.alice.id(),
                w.bob.id(),
                w.carol.id()
            ),
            &w.bob.token,
        )
        .await;
        assert_eq!(batch.statuses, [200, 200, 200]);
        assert_person(&batch.parts[0], &w.alice, "Alice", "", &acme);
        assert_person(&batch.parts[1], &w.bob, "Bob", "Baker", &acme);
        assert_person(&batch.parts[2], &w.carol, "Carol", "Chen", &acme);

        // Eve's part is a 404, in its place.
        let batch = get_batch(
            &w,
            &format!("{prefix}/persons/{},{}", w.eve.id(), w.carol.id()),
            &w.alice.token,
        )
        .await;
        assert_eq!(batch.statuses, [404, 200]);
        assert_rc_error(404, &batch.parts[0], 404, "CMN-102");
        assert_eq!(batch.parts[1]["id"], w.carol.id());

        let many: Vec<String> = (0..31).map(|_| w.bob.id()).collect();
        let (s, b) = w
            .app
            .get(
                &format!("{prefix}/persons/{}", many.join(",")),
                &w.alice.token,
            )
            .await;
        assert_rc_error(s, &b, 400, "CMN-101");
    }
}

#[tokio::test]
async fn read_company() {
    let w = World::new().await;
    let acme = w.acme.id.to_string();
    for prefix in PREFIXES {
        for path in ["~".to_string(), acme.clone()] {
            for by in [&w.alice, &w.carol] {
                let (s, b) = w
                    .app
                    .get(&format!("{prefix}/companies/{path}"), &by.token)
                    .await;
                assert_eq!(s, 200, "{b}");
                assert_eq!(b["id"], acme.as_str(), "{b}");
                assert_eq!(b["name"], "Acme");
                assert_time(&b["creationTime"]);
                assert_time(&b["lastModifiedTime"]);
                for k in keys(&b) {
                    assert!(
                        ["id", "name", "domain", "creationTime", "lastModifiedTime"]
                            .contains(&k.as_str()),
                        "unexpected {k}: {b}"
                    );
                }
            }
        }
        let (s, b) = w
            .app
            .get(&format!("{prefix}/companies/~"), &w.eve.token)
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["id"], w.globex.id.to_string());
        assert_eq!(b["name"], "Globex");
        // Another company is not found.
        let (s, b) = w
            .app
            .get(
                &format!("{prefix}/companies/{}", w.globex.id),
                &w.alice.token,
            )
            .await;
        assert_rc_error(s, &b, 404, "CMN-102");
        assert_eq!(b["errors"][0]["parameterName"], "companyId", "{b}");
        for bogus in ["987654321", "acme"] {
            let (s, b) = w
                .app
                .get(&format!("{prefix}/companies/{bogus}"), &w.alice.token)
                .await;
            assert_rc_error(s, &b, 404, "CMN-102");
        }
    }
}

#[tokio::test]
async fn people_need_the_team_messaging_permission() {
    let w = World::new().await;
    let token = token_without_team_messaging(&w).await;
    for prefix in PREFIXES {
        for path in [
            format!("persons/{}", w.bob.id()),
            format!("persons/{},{}", w.bob.id(), w.carol.id()),
            "companies/~".to_string(),
            format!("companies/{}", w.acme.id),
        ] {
            let (s, b) = w.app.get(&format!("{prefix}/{path}"), &token).await;
            assert_needs_team_messaging(s, &b);
        }
    }
}
