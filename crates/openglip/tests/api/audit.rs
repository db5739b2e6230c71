//! The audit log end to end: sign-ins and failures, token grants and revocations, a person
//! disabled, all recorded where they happen and shown to the company's administrator in the
//! portal (filtered by event and person), downloaded as CSV and JSON; other companies' events
//! never shown; not for people who are not administrators.

use openglip_domain::audit::{AuditEvent, AuditFilter, AuditKind};
use openglip_platform::accounts::NewUser;
use serde_json::Value;

use crate::helpers::*;

/// A cell of the log's table (the event names are also the filter's options).
fn cell(text: &str) -> String {
    format!("<td>{text}</td>")
}

/// A portal browser signed in as `login`.
async fn portal(w: &World, login: &str) -> openglip_testkit::Browser {
    let b = w.app.browser();
    b.get("/admin/signin").await;
    let s = b
        .post("/admin/signin", &[("login", login), ("password", PASSWORD)])
        .await;
    assert_eq!(s.status, 303, "{}", s.body);
    b
}

#[tokio::test]
async fn security_and_admin_events_are_shown_filtered_and_exported_to_administrators_only() {
    let w = World::new().await;
    // A wrong password (token endpoint) and a revoked token.
    let r = w
        .app
        .password_grant(&w.client, "bob@acme.test", "not-bobs-password")
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let r = w
        .app
        .http
        .post(w.app.url("/restapi/oauth/revoke"))
        .basic_auth(&w.client.client_id, w.client.secret.as_deref())
        .form(&[("token", w.carol.token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Globex's administrator signs in too: not Acme's business.
    portal(&w, "eve@globex.test").await;

    // Alice (Acme's administrator) disables Bob in the portal.
    let b = portal(&w, "alice@acme.test").await;
    let p = b
        .post(
            &format!("/admin/users/{}", w.bob.id()),
            &[("action", "disable")],
        )
        .await;
    assert!(p.has("is disabled"), "{}", p.body);

    let page = b.get("/admin/audit").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for shown in [
        "Signed in",
        "Sign-in failed",
        "Token granted",
        "Token revoked",
        "User disabled",
        "User added",
        "wrong password",
    ] {
        assert!(page.has(&cell(shown)), "{shown} missing:\n{}", page.body);
    }

    // Filtered by event: only the failure.
    let failed = b.get("/admin/audit?kind=sign_in_failed").await;
    assert!(failed.has(&cell("Sign-in failed")), "{}", failed.body);
    assert!(!failed.has(&cell("Token granted")), "{}", failed.body);
    // By person: Alice's own actions, so not Carol's revocation.
    let by_alice = b.get(&format!("/admin/audit?actor={}", w.alice.id())).await;
    assert!(by_alice.has(&cell("User disabled")), "{}", by_alice.body);
    assert!(!by_alice.has(&cell("Token revoked")), "{}", by_alice.body);
    // A wrong filter is said, not an error page.
    let bad = b.get("/admin/audit?since=yesterday").await;
    assert_eq!(bad.status, 200);
    assert!(bad.has("YYYY-MM-DD"), "{}", bad.body);

    // JSON export: Acme's events only, with who and what.
    let json = b.get("/admin/audit/export?format=json").await;
    assert_eq!(json.status, 200);
    let v: Value = serde_json::from_str(&json.body).unwrap();
    let records = v["records"].as_array().unwrap();
    let of = |event: &'static str| records.iter().filter(move |r| r["event"] == event);
    let disabled: Vec<_> = of("user_disabled").collect();
    assert_eq!(disabled.len(), 1, "{v}");
    assert_eq!(disabled[0]["actorId"], w.alice.id().as_str());
    assert_eq!(
        disabled[0]["actorName"],
        w.alice.ext.full_name().as_str(),
        "{v}"
    );
    assert_eq!(disabled[0]["target"], w.bob.id().as_str());
    let failure = of("sign_in_failed").next().expect("the failed sign-in");
    assert_eq!(failure["target"], w.bob.id().as_str(), "{v}");
    assert_eq!(failure["detail"], "wrong password");
    assert!(of("token_revoked").any(|r| r["actorId"] == w.carol.id().as_str()));
    assert!(of("token_granted").count() >= 3, "{v}");
    assert!(
        of("sign_in").all(|r| r["actorId"] != w.eve.id().as_str()),
        "Globex's sign-in is not Acme's: {v}"
    );
    assert!(records.iter().all(|r| r["actorId"] != w.eve.id().as_str()));

    // CSV export of a filter: a header and one line per event.
    let csv = b
        .get("/admin/audit/export?format=csv&kind=user_disabled")
        .await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "id,time,event,actorId,actorName,appId,target,address,detail"
    );
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[1].contains(",user_disabled,"), "{}", csv.body);

    // Not for people who are not administrators: Carol cannot sign in to the portal, and
    // without a session the export sends the browser to sign in.
    let carol = w.app.browser();
    carol.get("/admin/signin").await;
    let s = carol
        .post(
            "/admin/signin",
            &[("login", "carol@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_ne!(s.status, 303, "{}", s.body);
    let nobody = w.app.browser().get("/admin/audit/export?format=json").await;
    assert_ne!(nobody.status, 200);
    assert!(!nobody.body.contains("records"), "{}", nobody.body);
}

/// The operator's view (`openglip admin audit`): every company's events and those of none.
#[tokio::test]
async fn the_operator_reads_every_event_with_admin_audit() {
    use crate::cli::{Server, fails, login, ok};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let app = crate::access_log::provision(data);
    let server = Server::start(data);
    let http = reqwest::Client::new();
    let (status, _) = login(&http, &server, &app, "nobody@acme.test", "whatever-it-is").await;
    assert_eq!(status, 400);
    drop(server);

    let all = ok(data, &["admin", "audit"]);
    let records = all["records"].as_array().unwrap();
    let events: Vec<&str> = records
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        ["sign_in_failed", "app_created", "account_created"],
        "{all}"
    );
    assert!(records[0]["accountId"].is_null(), "{all}");
    assert_eq!(records[0]["target"], "nobody@acme.test");
    assert_eq!(records[0]["detail"], "unknown login");
    let only = ok(data, &["admin", "audit", "--kind", "app_created"]);
    assert_eq!(only["records"].as_array().unwrap().len(), 1, "{only}");
    let e = fails(data, &["admin", "audit", "--kind", "nonsense"]);
    assert!(e.contains("sign_in_failed"), "{e}");
}

/// Every company's events of `kind`, newest first.
async fn logged(w: &World, kind: AuditKind) -> Vec<AuditEvent> {
    w.app
        .state()
        .platform()
        .operator_audit_log(AuditFilter {
            kinds: vec![kind],
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
}

/// A change and its audit event are one transaction: when the log cannot be written the change
/// is not made either (the person is not deleted, the secret not replaced), and a change that
/// fails records no event.
#[tokio::test]
async fn a_change_is_kept_only_with_its_audit_event() {
    let w = World::new().await;
    let editing = w
        .app
        .client(&w.acme, &["password"], &["ReadAccounts", "EditAccounts"])
        .await;
    let alice = w.app.logged_in(&editing, w.alice.ext.clone()).await;
    let bob = format!("/restapi/v1.0/account/~/extension/{}", w.bob.id());

    // The log's table gone: the deletion fails, and Bob is still there with his token.
    w.app
        .execute_sql("ALTER TABLE audit_events RENAME TO audit_events_away")
        .await;
    let (s, b) = w.app.delete(&bob, &alice.token).await;
    assert!(s >= 500, "{s} {b}");
    let (s, _) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &w.bob.token)
        .await;
    assert_eq!(s, 200, "Bob's token still works");
    let platform = w.app.state().platform();
    let added = NewUser {
        account_id: w.acme.id,
        email: "dan@acme.test".into(),
        first_name: "Dan".into(),
        last_name: "Dare".into(),
        password: None,
        extension_number: None,
        is_admin: false,
    };
    assert!(platform.create_user(added.clone()).await.is_err());
    w.app
        .execute_sql("ALTER TABLE audit_events_away RENAME TO audit_events")
        .await;
    assert!(
        w.app
            .state()
            .store()
            .extension_by_email("dan@acme.test".into())
            .await
            .unwrap()
            .is_none(),
        "Dan was not added without his event"
    );

    // A change the store refuses (the address is Bob's) records nothing.
    let before = logged(&w, AuditKind::UserAdded).await.len();
    let taken = NewUser {
        email: "bob@acme.test".into(),
        ..added.clone()
    };
    assert!(platform.create_user(taken).await.is_err());
    assert_eq!(logged(&w, AuditKind::UserAdded).await.len(), before);
    // And one that works records its event, naming what it made.
    let dan = platform.create_user(added).await.unwrap();
    let now = logged(&w, AuditKind::UserAdded).await;
    assert_eq!(now.len(), before + 1);
    assert_eq!(now[0].event.target, Some(dan.id.to_string()));
    assert!(logged(&w, AuditKind::UserDeleted).await.is_empty());
    let (s, b) = w.app.delete(&bob, &alice.token).await;
    assert_eq!(s, 204, "{b}");
    assert_eq!(logged(&w, AuditKind::UserDeleted).await.len(), 1);
}

/// An administrator removes an authorized app from the company in the portal: its tokens there
/// stop working, and the event, recorded with the revocation, says how many.
#[tokio::test]
async fn removing_an_authorized_app_is_recorded_with_its_tokens() {
    let w = World::new().await;
    let b = portal(&w, "alice@acme.test").await;
    let p = b
        .post(&format!("/admin/apps/{}/remove", w.client.client_id), &[])
        .await;
    assert!(p.has("was removed: 3 tokens revoked"), "{}", p.body);
    let (s, _) = w
        .app
        .get("/restapi/v1.0/account/~/extension/~", &w.bob.token)
        .await;
    assert_eq!(s, 401);
    let removed = logged(&w, AuditKind::IntegrationRemoved).await;
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(removed[0].event.actor_id, Some(w.alice.ext.id));
    assert!(
        removed[0].event.detail.ends_with(": 3 tokens revoked"),
        "{removed:?}"
    );
}
