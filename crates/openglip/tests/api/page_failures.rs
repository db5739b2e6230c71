//! When the database fails under a page that lists things, the page says so (500, logged),
//! never an empty list. The failure is a real one: tables the pages read are renamed away in
//! the live database (SQLite, or PostgreSQL under `OPENGLIP_TEST_DATABASE=postgres`), under the
//! running server.

use crate::helpers::*;

#[tokio::test]
async fn a_failing_store_is_an_error_page_never_an_empty_list() {
    let w = World::new().await;
    let console = w.app.browser();
    console.get("/console/signin").await;
    let s = console
        .post(
            "/console/signin",
            &[("login", "alice@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(s.status, 303, "{}", s.body);
    let portal = w.app.browser();
    portal.get("/admin/signin").await;
    let s = portal
        .post(
            "/admin/signin",
            &[("login", "alice@acme.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(s.status, 303, "{}", s.body);
    // Empty lists first: each page says there is nothing yet.
    assert!(console.get("/console").await.has("Get started"));
    assert!(portal.get("/admin/outbox").await.has("No mail."));

    for table in [
        "app_details",
        "jwt_credentials",
        "bot_installs",
        "mail_outbox",
        "unassigned_extensions",
    ] {
        w.app
            .execute_sql(&format!("ALTER TABLE {table} RENAME TO gone_{table}"))
            .await;
    }
    for (b, path) in [
        (&console, "/console"),
        (&console, "/console/credentials"),
        (&portal, "/admin/apps"),
        (&portal, "/admin/outbox"),
        (&portal, "/admin/unassigned"),
    ] {
        let p = b.get(path).await;
        assert_eq!(p.status, 500, "{path}: {}", p.body);
        assert!(p.has("Something went wrong"), "{path}: {}", p.body);
        assert!(
            !p.has("Get started") && !p.has("No ") && !p.has("Not installed"),
            "{path} shows an empty list: {}",
            p.body
        );
    }
}
