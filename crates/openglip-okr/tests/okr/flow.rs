//! The reference document end to end against the real platform: "Add to Glip", 'Org-Sales'
//! follows Sales on a custom schedule due shortly (the app's clock is moved close to the slot),
//! three regional members check in (one through chat), and the digest appears once in
//! 'Org-Sales' with the right figures; then "Send now", "Preview" and the audit.

use std::time::Duration;

use jiff::SignedDuration;
use serde_json::json;

use openglip_okr::clock::Clock;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_sales_gets_one_digest_of_sales_with_its_regions() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let (uma, eva, aiko) = p.regions().await;

    let bot_id = add_to_glip(&p.server, &api, admin).await;
    let (sales, [us_kr, eu_kr, asia_kr]) = sales_example(&api, admin, &uma, &eva, &aiko).await;
    let org_sales = glip_team(admin, "Org-Sales", false, &[&uma, &eva, &aiko]).await;

    // Follow: a custom weekly schedule whose next run is the minute after next, in Berlin.
    let slot = minute_after(okr.clock.now(), 90);
    let f = api
        .ok(
            "POST",
            "/followers",
            admin,
            Some(json!({
                "entity": {"type": "team", "id": sales},
                "chatId": org_sales,
                "schedule": weekly_at(slot, "Europe/Berlin"),
                "timeZone": "Europe/Berlin",
            })),
            201,
        )
        .await;
    assert_eq!(f["nextRunAt"], openglip_okr::schedule::rfc3339(slot), "{f}");
    assert_eq!(f["entity"]["name"], "Sales");
    assert_eq!(f["chatName"], "Org-Sales");
    let follower = f["id"].as_str().unwrap().to_string();
    // The private team got the bot from the admin who added it.
    let chat = admin.client.chat(&org_sales).await.unwrap();
    assert!(
        chat.members.unwrap().iter().any(|m| m.id == bot_id),
        "the bot is in Org-Sales"
    );

    // Check-ins: US and Europe through the API, Asia through chat.
    api.ok(
        "POST",
        &format!("/key-results/{us_kr}/check-ins"),
        &uma,
        Some(json!({"value": 20, "note": "two big ones"})),
        201,
    )
    .await;
    api.ok(
        "POST",
        &format!("/key-results/{eu_kr}/check-ins"),
        &eva,
        Some(json!({"value": 30, "confidence": 6})),
        201,
    )
    .await;
    let dm = aiko.direct_chat(&bot_id).await;
    let said = aiko
        .say(&dm, "checkin Office open yes done keys handed over")
        .await;
    let answer = aiko.expect_post(&dm, &bot_id, &said, T).await;
    assert!(
        answer
            .text
            .starts_with("Checked in: Office open is at 1 (100%) · done"),
        "{}",
        answer.text
    );
    // Visible at once in the API.
    let kr = api
        .ok("GET", &format!("/key-results/{asia_kr}"), admin, None, 200)
        .await;
    assert_eq!(kr["progress"], 100.0);
    assert_eq!(kr["checkIns"][0]["source"], "chat");
    assert_eq!(kr["checkIns"][0]["note"], "keys handed over");
    assert_eq!(kr["checkIns"][0]["author"]["name"], "Aiko Tan");
    // Someone outside a team cannot check in on its key results, through the API or chat.
    api.refused(
        "POST",
        &format!("/key-results/{us_kr}/check-ins"),
        &eva,
        Some(json!({"value": 39})),
        403,
        None,
    )
    .await;
    let said = eva
        .say(
            &eva.direct_chat(&bot_id).await,
            &format!("checkin #{us_kr} 39"),
        )
        .await;
    let refusal = eva.expect_post(&said.group_id, &bot_id, &said, T).await;
    assert!(
        refusal
            .text
            .starts_with("Sorry: You can check in on your own key results"),
        "{}",
        refusal.text
    );

    // Nothing yet in Org-Sales; then bring the clock to two seconds before the slot.
    assert!(digests_in(admin, &org_sales, &bot_id).await.is_empty());
    okr.clock.set(slot - SignedDuration::from_secs(2));
    let posted = wait_until("the digest in Org-Sales", || async {
        let d = digests_in(admin, &org_sales, &bot_id).await;
        (!d.is_empty()).then_some(d)
    })
    .await;
    let text = card_text(&posted[0]).unwrap();
    for want in [
        "OKR update: Sales",
        "Progress 60%",
        "• Asia 100% (expected",
        "• Europe 30% (expected",
        "• US 50% (expected",
        "Uma Stone on Close deals: “two big ones”",
        "Aiko Tan on Office open: “keys handed over”",
    ] {
        assert!(text.contains(want), "{want:?} missing from\n{text}");
    }
    assert!(!text.contains("late: due"), "on time:\n{text}");
    // Exactly one, even some ticks later.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(digests_in(admin, &org_sales, &bot_id).await.len(), 1);

    // The audit: sent within a minute of its slot, once, with its post id.
    let audit = api
        .ok(
            "GET",
            &format!("/digests?followerId={follower}"),
            admin,
            None,
            200,
        )
        .await;
    let d = &audit["records"][0];
    assert_eq!(
        (
            d["state"].as_str(),
            d["trigger"].as_str(),
            d["attempts"].as_i64()
        ),
        (Some("sent"), Some("schedule"), Some(1))
    );
    assert_eq!(d["postId"], posted[0].id.as_str());
    assert_eq!(d["slotAt"], openglip_okr::schedule::rfc3339(slot));
    let sent: jiff::Timestamp = d["sentAt"].as_str().unwrap().parse().unwrap();
    assert!(
        sent.duration_since(slot) < SignedDuration::from_secs(60),
        "sent {sent}, due {slot}"
    );
    assert_eq!(d["progress"], 60.0);
    // The follower's next run moved a week on.
    let f = api
        .ok("GET", &format!("/followers/{follower}"), admin, None, 200)
        .await;
    assert_eq!(
        f["nextRunAt"],
        openglip_okr::schedule::rfc3339(slot + SignedDuration::from_hours(7 * 24))
    );

    // Preview: shown, posted nowhere. Send now: posted at once, with the change since the last.
    let preview = api
        .ok(
            "GET",
            &format!("/followers/{follower}/preview"),
            admin,
            None,
            200,
        )
        .await;
    assert!(
        preview["text"]
            .as_str()
            .unwrap()
            .contains("Progress 60% (±0 since the last update)"),
        "{preview}"
    );
    assert_eq!(digests_in(admin, &org_sales, &bot_id).await.len(), 1);
    api.ok(
        "POST",
        &format!("/key-results/{us_kr}/check-ins"),
        &uma,
        Some(json!({"value": 40})),
        201,
    )
    .await;
    let now = api
        .ok(
            "POST",
            &format!("/followers/{follower}/send-now"),
            admin,
            None,
            202,
        )
        .await;
    assert_eq!(now["state"], "sent", "{now}");
    assert_eq!(now["trigger"], "manual");
    let posts = digests_in(admin, &org_sales, &bot_id).await;
    assert_eq!(posts.len(), 2);
    let second = card_text(&posts[1]).unwrap();
    assert!(
        second.contains("Progress 77% (+17 since the last update)"),
        "{second}"
    );
    assert!(second.contains("• US 100% (expected"), "{second}");
    // People who are not admins cannot send.
    api.refused(
        "POST",
        &format!("/followers/{follower}/send-now"),
        &uma,
        None,
        403,
        None,
    )
    .await;
    okr.stop().await;
}

/// A public team: the bot joins by itself. Status changes are posted at once when asked for.
/// Removing the integration stops posting and says so; the followers stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_teams_status_changes_and_removal() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let (uma, eva, aiko) = p.regions().await;
    // Following needs the integration.
    let (sales, [us_kr, ..]) = sales_example(&api, admin, &uma, &eva, &aiko).await;
    let lobby = glip_team(&uma, "Sales lobby", true, &[&eva]).await;
    let follow =
        json!({"entity": {"type": "team", "id": sales}, "chatId": lobby, "statusChanges": true});
    api.refused("POST", "/followers", admin, Some(follow.clone()), 409, None)
        .await;
    let bot_id = add_to_glip(&p.server, &api, admin).await;
    // The admin is not in the public team; the bot joins it.
    let f = api
        .ok("POST", "/followers", admin, Some(follow.clone()), 201)
        .await;
    assert_eq!(f["statusChanges"], true);
    assert_eq!(f["schedule"], json!({"kind": "default"}));
    assert_eq!(
        f["timeZone"], "UTC",
        "the admin's zone is not known: the company's default"
    );
    assert!(
        f["nextRunLocal"]
            .as_str()
            .unwrap()
            .ends_with("T09:00:00+00:00"),
        "{f}"
    );
    api.refused("POST", "/followers", admin, Some(follow), 409, None)
        .await;
    let chat = admin.client.chat(&lobby).await.unwrap();
    assert!(chat.members.unwrap().iter().any(|m| m.id == bot_id));

    // A check-in that changes the key result's status is posted at once.
    let before = uma.say(&lobby, "hello").await;
    api.ok(
        "POST",
        &format!("/key-results/{us_kr}/check-ins"),
        &uma,
        Some(json!({"value": 5, "status": "at risk", "note": "lost one"})),
        201,
    )
    .await;
    let post = uma.expect_post(&lobby, &bot_id, &before, T).await;
    let text = card_text(&post).unwrap();
    assert!(
        text.starts_with("Close deals (Grow US revenue, US) is now at risk (was not started)"),
        "{text}"
    );
    // The same status again: nothing new.
    api.ok(
        "POST",
        &format!("/key-results/{us_kr}/check-ins"),
        &uma,
        Some(json!({"value": 6, "status": "atRisk"})),
        201,
    )
    .await;
    uma.expect_silence(&lobby, &bot_id, &post, Duration::from_secs(2))
        .await;

    // Remove the integration: the state says so, the followers stay, nothing is posted, the
    // bot has no subscription left.
    let bot = openglip_bot::sdk::Client::with_bot_token(p.server.url(), okr.bot_token()).unwrap();
    assert!(!bot.list_subscriptions().await.unwrap().is_empty());
    api.refused("DELETE", "/integration", &uma, None, 403, None)
        .await;
    let v = api.ok("DELETE", "/integration", admin, None, 200).await;
    assert_eq!(v["state"], "removed");
    assert_eq!(v["removedReason"], "removed by Admin Acme");
    assert_eq!(v["followers"].as_array().unwrap().len(), 1);
    assert_eq!(bot.list_subscriptions().await.unwrap(), []);
    let follower = f["id"].as_str().unwrap();
    api.refused(
        "POST",
        &format!("/followers/{follower}/send-now"),
        admin,
        None,
        409,
        None,
    )
    .await;
    api.ok(
        "POST",
        &format!("/key-results/{us_kr}/check-ins"),
        &uma,
        Some(json!({"value": 40})),
        201,
    )
    .await;
    uma.expect_silence(&lobby, &bot_id, &post, Duration::from_secs(2))
        .await;
    api.refused("DELETE", "/integration", admin, None, 409, None)
        .await;
    okr.stop().await;
}
