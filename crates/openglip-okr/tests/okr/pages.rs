//! The pages against the real platform, as the reference document walks them: signing in with
//! openglip, teams, objectives, key results and check-ins (errors in place, nothing saved),
//! Admin > Integrations with Add to Glip, the Followers page with its Glip teams tab and Add
//! Followers, the alert with "Change update time", the schedule popup's Done, Manage with Edit,
//! Preview, Send now, the audit, Options > Remove Glip Integration, and signing out.

use serde_json::json;

use crate::helpers::*;
use crate::visit::{Visitor, id_after};

/// How many objectives the API lists for everyone (nothing half-saved).
async fn objective_count(api: &Api, who: &openglip_bot::harness::Person) -> usize {
    let v = api
        .ok("GET", "/objectives?period=all", who, None, 200)
        .await;
    v["records"].as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_document_through_the_pages() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let (uma, eva, aiko) = p.regions().await;
    let platform = p.server.url();
    let a = Visitor::sign_in(&okr, &platform, admin).await;

    // The company's dashboard: its title pane, the rules stated.
    let company = a.page("/company").await;
    for label in [
        "Acme",
        "Followers",
        "Follow",
        "Update time",
        "How progress and status are computed",
        "Add an objective",
    ] {
        assert!(company.has(label), "{label}: {}", company.body);
    }
    assert_eq!(a.get("/").await.location.as_deref(), Some("/company"));

    // Teams: Sales with US, Europe and Asia; a team without a name is refused in place.
    let teams = a.page("/teams").await;
    assert!(
        teams.has("Create a team") && teams.has("Uma Stone"),
        "the people picker: {}",
        teams.body
    );
    a.refused(
        "/teams",
        &[("name", " "), ("parentId", "")],
        "[name] must not be empty",
    )
    .await;
    a.refused(
        "/teams",
        &[("name", "Ghosts"), ("memberIds", "999999")],
        "There is no person [999999]",
    )
    .await;
    let sales = id_after(
        &a.submit("/teams", &[("name", "Sales"), ("memberIds", &admin.id)])
            .await,
        "/teams/",
    );
    let mut regions = vec![];
    for (name, who) in [("US", &uma), ("Europe", &eva), ("Asia", &aiko)] {
        let to = a
            .submit(
                "/teams",
                &[("name", name), ("parentId", &sales), ("memberIds", &who.id)],
            )
            .await;
        regions.push(id_after(&to, "/teams/"));
    }
    let dashboard = a.page(&format!("/teams/{sales}")).await;
    assert!(
        dashboard.has("Sub-teams") && dashboard.has("Europe"),
        "{}",
        dashboard.body
    );

    // An objective of the US team, and its key result; bad input is refused, nothing saved.
    let owner = format!("team:{}", regions[0]);
    let before = objective_count(&api, admin).await;
    a.refused(
        "/objectives",
        &[
            ("owner", &owner),
            ("title", "Grow US revenue"),
            ("period", "soon"),
        ],
        "[soon] is not a quarter",
    )
    .await;
    a.refused(
        "/objectives",
        &[("owner", &owner), ("title", ""), ("period", "2026-Q3")],
        "[title] must not be empty",
    )
    .await;
    assert_eq!(
        objective_count(&api, admin).await,
        before,
        "nothing half-saved"
    );
    let quarter = openglip_okr::model::Period::quarter_of(openglip_okr::model::period::utc_date(
        okr.app.now(),
    ))
    .name;
    assert!(
        company.has(&quarter),
        "the dashboard names the quarter: {}",
        company.body
    );
    let objective = id_after(
        &a.submit(
            "/objectives",
            &[
                ("owner", &owner),
                ("title", "Grow US revenue"),
                ("period", &quarter),
            ],
        )
        .await,
        "/objectives/",
    );
    let kr_path = format!("/objectives/{objective}/key-results");
    a.refused(
        &kr_path,
        &[("title", "Close deals"), ("kind", "kpi")],
        "is not a kind",
    )
    .await;
    a.refused(
        &kr_path,
        &[
            ("title", "Close deals"),
            ("kind", "number"),
            ("start", "0"),
            ("target", "many"),
        ],
        "[many] is not a number",
    )
    .await;
    let kr_to = a
        .submit(
            &kr_path,
            &[
                ("title", "Close deals"),
                ("kind", "number"),
                ("start", "0"),
                ("target", "40"),
                ("unit", "deals"),
                ("weight", "1"),
                ("ownerId", ""),
            ],
        )
        .await;
    let kr = id_after(&kr_to, "#kr-");

    // Uma checks in on her team's key result: a value of the wrong kind first.
    let u = Visitor::sign_in(&okr, &platform, &uma).await;
    let form = u.page(&format!("/key-results/{kr}/check-in")).await;
    assert!(
        form.has("Check in") && form.has("Confidence"),
        "{}",
        form.body
    );
    let check_ins = format!("/key-results/{kr}/check-ins");
    u.refused(
        &check_ins,
        &[("value", "lots"), ("status", "")],
        "a number key result takes a number",
    )
    .await;
    u.refused(
        &check_ins,
        &[("value", "20"), ("status", "sideways")],
        "[sideways] is not a status",
    )
    .await;
    u.refused(
        &check_ins,
        &[("value", "20"), ("confidence", "11")],
        "Confidence is from 0 to 10",
    )
    .await;
    let kr_view = api
        .ok("GET", &format!("/key-results/{kr}"), &uma, None, 200)
        .await;
    assert_eq!(
        kr_view["checkIns"].as_array().unwrap().len(),
        0,
        "nothing saved"
    );
    let done = u
        .submit(
            &check_ins,
            &[
                ("value", "20"),
                ("status", ""),
                ("confidence", "7"),
                ("note", "Two big deals"),
            ],
        )
        .await;
    assert!(
        done.starts_with(&format!("/objectives/{objective}?checked={kr}")),
        "{done}"
    );
    let shown = u.page(&done).await;
    assert!(
        shown.has("Checked in: <strong>Close deals</strong> is at 20 deals (50 %)"),
        "{}",
        shown.body
    );
    assert!(shown.has("Two big deals"), "the history: {}", shown.body);
    // People are not administrators.
    let refused = u.get("/admin/integrations").await;
    assert_eq!(refused.status, 403);
    assert!(refused.has("Only your company"), "{}", refused.body);
    assert!(
        !u.page("/company")
            .await
            .has("data-dialog=\"schedule-popup\""),
        "no gear for people"
    );

    // Admin > Integrations > Add to Glip, through the platform's pages and back.
    let integrations = a.page("/admin/integrations").await;
    assert!(
        integrations.has("Add to Glip") && integrations.has("Integrations"),
        "{}",
        integrations.body
    );
    let authorize = a.submit("/admin/integrations/glip", &[]).await;
    assert!(authorize.starts_with(&platform), "{authorize}");
    let back = a
        .browser
        .authorize(&authorize, &admin.email, openglip_testkit::PASSWORD)
        .await;
    let installed = a.browser.get(&back).await;
    assert_eq!(installed.status, 303, "{}", installed.body);
    assert_eq!(
        installed.location.as_deref(),
        Some("/admin/integrations?installed=1")
    );
    let integrations = a.page("/admin/integrations?installed=1").await;
    for label in [
        "Glip is connected",
        "Manage",
        "Options",
        "Remove Glip Integration",
    ] {
        assert!(integrations.has(label), "{label}: {}", integrations.body);
    }
    let bot = wait_until("the bot is connected", || async {
        let (_, v) = api.call("GET", "/integration", Some(admin), None).await;
        (v["botReady"] == true).then(|| v["botId"].as_str().unwrap_or_default().to_string())
    })
    .await;

    // Sales > Followers > Glip teams > Add Followers: 'Org-Sales'.
    let room = glip_team(admin, "Org-Sales", false, &[&uma, &eva, &aiko]).await;
    let hidden_room = glip_team(&eva, "Europe only", false, &[]).await;
    let followers = a.page(&format!("/teams/{sales}/followers")).await;
    for label in [
        "Glip teams",
        "Add Followers",
        "Org-Sales",
        "Default",
        "Custom schedule",
        "Weekly",
        "Monthly",
    ] {
        assert!(followers.has(label), "{label}: {}", followers.body);
    }
    assert!(
        !followers.has("Europe only"),
        "a team the admin is not in is not offered"
    );
    let add = format!("/teams/{sales}/followers");
    let schedule = |time: &'static str| {
        vec![
            ("kind", "custom"),
            ("frequency", "weekly"),
            ("weekday", "Friday"),
            ("day", "1"),
            ("time", time),
            ("timeZone", "Europe/Berlin"),
        ]
    };
    let mut forged = schedule("17:30");
    forged.push(("chatId", &hidden_room));
    a.refused(
        &add,
        &forged,
        "There is no such conversation, or you are not in it",
    )
    .await;
    let mut late = schedule("25:99");
    late.push(("chatId", &room));
    a.refused(&add, &late, "is not a time").await;
    let mut nowhere = schedule("17:30");
    nowhere[5] = ("timeZone", "Mars/Olympus");
    nowhere.push(("chatId", &room));
    a.refused(&add, &nowhere, "Mars/Olympus").await;
    assert_eq!(
        api.ok("GET", "/followers", admin, None, 200).await["records"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let mut ok = schedule("17:30");
    ok.push(("chatId", &room));
    let followed = a.submit(&add, &ok).await;
    assert!(
        followed.starts_with(&format!("/teams/{sales}?followed=")),
        "{followed}"
    );
    let follower = id_after(&followed, "followed=");
    let alert = a.page(&followed).await;
    assert!(
        alert.has("Org-Sales</strong> now follows it: every Friday at 17:30 (Europe/Berlin)"),
        "{}",
        alert.body
    );
    assert!(alert.has("Change update time"), "{}", alert.body);
    assert!(
        alert.has("<span class=\"count\">1</span>"),
        "one follower: {}",
        alert.body
    );

    // The popup's Done: monthly on the 31st; a malformed one comes back with its error.
    let done = a
        .submit(
            "/followers/schedule",
            &[
                ("followerId", &follower),
                ("back", &format!("/teams/{sales}")),
                ("kind", "custom"),
                ("frequency", "monthly"),
                ("day", "31"),
                ("time", "08:30"),
                ("timeZone", "Asia/Tokyo"),
            ],
        )
        .await;
    assert_eq!(done, format!("/teams/{sales}?saved={follower}"));
    assert!(
        a.page(&done)
            .await
            .has("monthly on day 31 at 08:30 (Asia/Tokyo)")
    );
    a.refused(
        "/followers/schedule",
        &[
            ("followerId", &follower),
            ("back", "/company"),
            ("kind", "custom"),
            ("frequency", "monthly"),
            ("day", "32"),
            ("time", "08:30"),
            ("timeZone", "UTC"),
        ],
        "a day from 1 to 31",
    )
    .await;
    let f = api
        .ok("GET", &format!("/followers/{follower}"), admin, None, 200)
        .await;
    assert_eq!(
        f["scheduleText"], "monthly on day 31 at 08:30",
        "nothing half-saved"
    );

    // Admin > Integrations > Manage > Edit, back to the default.
    let manage = a.page("/admin/integrations/glip").await;
    assert!(
        manage.has("Org-Sales")
            && manage.has("Edit")
            && manage.has("Send now")
            && manage.has("Preview"),
        "{}",
        manage.body
    );
    let edit = a
        .page(&format!(
            "/followers/{follower}/edit?back=/admin/integrations/glip"
        ))
        .await;
    assert!(
        edit.has("Done") && edit.has("Also post at once"),
        "{}",
        edit.body
    );
    let saved = a
        .submit(
            "/followers/schedule",
            &[
                ("followerId", &follower),
                ("back", "/admin/integrations/glip"),
                ("options", "1"),
                ("kind", "default"),
                ("timeZone", "Europe/Berlin"),
            ],
        )
        .await;
    assert!(
        a.page(&saved)
            .await
            .has("every Monday at 09:00 (default) (Europe/Berlin)")
    );

    // Preview, posted nowhere; Send now, posted once; the audit has it.
    let preview = a.page(&format!("/followers/{follower}/preview")).await;
    assert!(
        preview.has("OKR update: Sales") && preview.has("posted nowhere"),
        "{}",
        preview.body
    );
    assert!(
        digests_in(admin, &room, &bot).await.is_empty(),
        "the preview posted nothing"
    );
    let sent = a
        .submit(
            &format!("/followers/{follower}/send-now"),
            &[("back", "/admin/integrations/glip")],
        )
        .await;
    let sent_page = a.page(&sent).await;
    assert!(
        sent_page.has("Sent to <strong>Org-Sales</strong> now"),
        "{}",
        sent_page.body
    );
    let posts = digests_in(admin, &room, &bot).await;
    assert_eq!(posts.len(), 1);
    let audit = a.page("/admin/audit").await;
    assert!(
        audit.has(&posts[0].id) && audit.has("manual"),
        "{}",
        audit.body
    );

    // Options > Remove Glip Integration: says so; the followers stay.
    let removed = a.submit("/admin/integrations/glip/remove", &[]).await;
    assert_eq!(removed, "/admin/integrations?removed=1");
    let page = a.page(&removed).await;
    assert!(
        page.has("The Glip integration was removed") && page.has("Add to Glip"),
        "{}",
        page.body
    );
    assert!(
        a.page("/admin/integrations/glip").await.has("Org-Sales"),
        "followers stay"
    );

    // Signing out ends the session: back to signing in.
    let out = a.submit("/signout", &[]).await;
    assert_eq!(out, "/signed-out");
    assert_eq!(a.get("/company").await.status, 303);
    let _ = json!({});
    okr.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_outlive_a_restart_and_pages_refuse_what_they_should() {
    let (p, okr, _api) = platform_and_app().await;
    let admin = p.admin();
    let a = Visitor::sign_in(&okr, &p.server.url(), admin).await;
    let me = a
        .get("/me")
        .await
        .location
        .expect("/me is one's own dashboard");
    assert_eq!(me, format!("/people/{}", admin.id));
    assert!(a.page(&me).await.has("Admin Acme"));
    // The app's cookies are its own: the platform's sign-in cookies are named apart.
    let cookie = a.browser.cookie("okr_session").unwrap();
    assert!(
        a.browser.cookie("og_session").is_none()
            || a.browser.cookie("og_session").unwrap() != cookie
    );

    // A form from another site, and one without its token, are refused.
    let other = a
        .browser
        .post_from(
            &format!("{}/teams", a.okr),
            "http://evil.example",
            "okr_csrf",
            &[("name", "Evil")],
        )
        .await;
    assert_eq!(other.status, 403);
    let tokenless = a
        .browser
        .post_from(
            &format!("{}/teams", a.okr),
            &a.okr,
            "okr_csrf",
            &[
                ("name", "Evil"),
                ("_csrf", "forged-token-forged-token-forged"),
            ],
        )
        .await;
    assert_eq!(tokenless.status, 403);
    // Unknown things are pages that say so.
    for path in [
        "/teams/999",
        "/objectives/999",
        "/people/999",
        "/key-results/999/check-in",
        "/followers/999/edit",
        "/nowhere",
    ] {
        let r = a.get(path).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(r.has("<h1>"), "a page: {}", r.body);
    }
    let api_404 = a.get("/api/v1/nowhere").await;
    assert_eq!(api_404.status, 404);
    assert!(
        api_404.body.contains("\"errorCode\":\"CMN-102\""),
        "{}",
        api_404.body
    );

    // The platform's redirect after a refused or forged "Add to Glip": a page for a browser,
    // the API's error for a program.
    let callback = format!(
        "{}/integrations/glip/callback?state=forged&error=access_denied",
        a.okr
    );
    let http = openglip_bot::sdk::reqwest::Client::new();
    let page = http
        .get(&callback)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 400);
    assert!(page.text().await.unwrap().contains("start it again"));
    let json = http.get(&callback).send().await.unwrap();
    assert_eq!(json.status().as_u16(), 400);
    assert!(
        json.text()
            .await
            .unwrap()
            .contains("\"parameterName\":\"state\"")
    );

    // The session is in the app's database: a restart keeps it.
    let dir = okr.stop_keeping_data().await;
    let okr = Okr::start_in(&p, dir).await;
    let company = a.page("/company").await;
    assert!(
        company.has("Admin Acme") || company.has("Acme"),
        "{}",
        company.body
    );
    okr.stop().await;
}
