//! The chat commands against the real platform: in a direct message and @mentioned in a team,
//! with the API's permissions.

use openglip_bot::harness::Person;
use openglip_okr::clock::Clock;
use serde_json::json;

use crate::helpers::*;

async fn ask(who: &Person, chat: &str, bot: &str, text: &str) -> String {
    let said = who.say(chat, text).await;
    who.expect_post(chat, bot, &said, T).await.text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_in_direct_messages_and_teams() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let (uma, eva, aiko) = p.regions().await;
    let bot = add_to_glip(&p.server, &api, admin).await;
    let (_, [us_kr, ..]) = sales_example(&api, admin, &uma, &eva, &aiko).await;

    let dm = uma.direct_chat(&bot).await;
    assert!(
        ask(&uma, &dm, &bot, "help")
            .await
            .contains("• checkin <key result> <value>")
    );
    assert_eq!(
        ask(&uma, &dm, &bot, "okrs").await,
        "Acme has no objectives this period."
    );
    let team = ask(&uma, &dm, &bot, "team sales").await;
    assert!(team.starts_with("Sales: 0% (expected"), "{team}");
    assert!(
        team.contains(&format!(
            "   – Close deals [#{us_kr}]: 0/40 deals (0%) · not started"
        )),
        "{team}"
    );
    assert_eq!(
        ask(&uma, &dm, &bot, "team marketing").await,
        "I know no team called [marketing]."
    );
    assert_eq!(
        ask(&uma, &dm, &bot, "at risk").await,
        "Nothing is behind or at risk."
    );
    let checked = ask(&uma, &dm, &bot, "checkin close 4 at risk a slow start").await;
    assert_eq!(checked, "Checked in: Close deals is at 4 (10%) · at risk");
    let kr = api
        .ok("GET", &format!("/key-results/{us_kr}"), &eva, None, 200)
        .await;
    assert_eq!(
        (kr["value"].as_f64(), kr["status"].as_str()),
        (Some(4.0), Some("atRisk"))
    );
    assert_eq!(kr["checkIns"][0]["note"], "a slow start");
    assert!(
        ask(&uma, &dm, &bot, "at risk")
            .await
            .starts_with("Behind or at risk:\n• Grow US revenue (US)")
    );
    let mine = ask(&uma, &dm, &bot, "mine").await;
    assert!(
        mine.contains(&format!(
            "Key results you check in on:\n• Close deals [#{us_kr}]: 4 (at risk)"
        )),
        "{mine}"
    );
    let wrong = ask(&uma, &dm, &bot, &format!("checkin #{us_kr} lots")).await;
    assert_eq!(wrong, "Sorry: a number key result takes a number");
    assert!(
        ask(&uma, &dm, &bot, "checkin nothing 3")
            .await
            .starts_with("I found no key result")
    );
    assert!(
        ask(&uma, &dm, &bot, "hello")
            .await
            .starts_with("I did not understand [hello]")
    );

    // In a team, @mentioned: administrators shape followers; others are told no.
    let room = glip_team(admin, "Org-Sales", false, &[&uma]).await;
    admin
        .client
        .add_team_members(&room, &[openglip_bot::sdk::Member::Id(bot.clone())])
        .await
        .unwrap();
    let at = |text: &str| format!("![:Person]({bot}) {text}");
    let refused = ask(&uma, &room, &bot, &at("follow Sales")).await;
    assert_eq!(
        refused,
        "Sorry: Only the company's administrators can choose which conversations follow OKRs"
    );
    let followed = ask(admin, &room, &bot, &at("follow Sales")).await;
    assert!(followed.starts_with("This conversation now follows Sales: every Monday at 09:00 (default) (UTC). Next update: Mon "), "{followed}");
    let set = ask(
        admin,
        &room,
        &bot,
        &at("schedule weekly Friday 17:30 America/New_York"),
    )
    .await;
    assert!(set.starts_with("Done. Updates in this conversation:\n• Sales: every Friday at 17:30 (America/New_York), next Fri "), "{set}");
    let f = api.ok("GET", "/followers", admin, None, 200).await;
    assert_eq!(
        f["records"][0]["schedule"],
        json!({"kind": "weekly", "weekday": "Friday", "time": "17:30"})
    );
    assert_eq!(f["records"][0]["timeZone"], "America/New_York");
    assert!(
        ask(admin, &room, &bot, &at("schedule monthly 40 08:00"))
            .await
            .contains("not a day of the month")
    );
    assert!(
        ask(&uma, &room, &bot, &at("schedule default"))
            .await
            .starts_with("Sorry: Only the company's administrators")
    );
    assert_eq!(
        ask(admin, &room, &bot, &at("unfollow sales")).await,
        "This conversation no longer follows Sales."
    );
    assert_eq!(
        api.ok("GET", "/followers", admin, None, 200).await["records"],
        json!([])
    );
    okr.stop().await;
}

/// Nudges: a key result a week without a check-in brings its people a direct message from the
/// bot, once a week, by day; and not to whoever checked in lately.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_key_results_bring_a_nudge_once_a_week() {
    let (p, okr, api) = platform_and_app().await;
    let admin = p.admin();
    let (uma, eva, _) = p.regions().await;
    let bot = add_to_glip(&p.server, &api, admin).await;
    let now = okr.clock.now();
    let days = |d: i64| jiff::SignedDuration::from_hours(24 * d);
    let day = |d: i64| (now + days(d)).in_tz("UTC").unwrap().date().to_string();
    let us = api
        .ok(
            "POST",
            "/teams",
            admin,
            Some(json!({"name": "US", "memberIds": [uma.id, eva.id]})),
            201,
        )
        .await;
    let o = api
        .ok(
            "POST",
            "/objectives",
            admin,
            Some(json!({"title": "Grow", "owner": {"type": "team", "id": us["id"]}, "period": {"start": day(-10), "end": day(40)}})),
            201,
        )
        .await;
    let kr = api
        .ok(
            "POST",
            &format!("/objectives/{}/key-results", o["id"].as_str().unwrap()),
            admin,
            Some(json!({"title": "Deals", "kind": "number", "start": 0, "target": 10})),
            201,
        )
        .await;
    let kr_id = kr["id"].as_str().unwrap();
    // Nothing is stale yet.
    assert_eq!(openglip_okr::nudges::round(&okr.app).await.unwrap(), 0);
    // A weekday at 10:00 UTC (the company's zone) nine days or more on.
    let mut w = (now + days(9)).in_tz("UTC").unwrap();
    while w.weekday().to_monday_one_offset() > 5 {
        w = w.tomorrow().unwrap();
    }
    let w = w.with().hour(10).minute(0).build().unwrap().timestamp();
    // Eva checked in the day before: the key result is fresh.
    okr.clock.set(w - days(1));
    api.ok(
        "POST",
        &format!("/key-results/{kr_id}/check-ins"),
        &eva,
        Some(json!({"value": 1})),
        201,
    )
    .await;
    okr.clock.set(w);
    assert_eq!(openglip_okr::nudges::round(&okr.app).await.unwrap(), 0);
    // A week later it is stale, and neither has checked in since: both are nudged.
    let dm = uma.direct_chat(&bot).await;
    let asked = uma.say(&dm, "help").await;
    let help = uma.expect_post(&dm, &bot, &asked, T).await;
    okr.clock.set(w + days(7));
    assert_eq!(openglip_okr::nudges::round(&okr.app).await.unwrap(), 2);
    let nudge = uma.expect_post(&dm, &bot, &help, T).await;
    assert!(
        nudge
            .text
            .starts_with("Hi Uma, these key results have had no check-in for a week:"),
        "{}",
        nudge.text
    );
    assert!(
        nudge.text.contains(&format!("• Deals (Grow) [#{kr_id}]")),
        "{}",
        nudge.text
    );
    // At most once a week.
    assert_eq!(openglip_okr::nudges::round(&okr.app).await.unwrap(), 0);
    okr.stop().await;
}
