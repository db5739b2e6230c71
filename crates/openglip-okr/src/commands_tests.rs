//! Reading chat commands and finding what they name.

use super::*;
use jiff::civil::date;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn model() -> Model {
    let t0 = at("2026-07-01T00:00:00Z");
    let mut m = Model::new("100");
    m.teams.insert(
        1,
        Team {
            id: 1,
            name: "Sales".into(),
            parent_id: None,
            member_ids: vec![],
        },
    );
    m.teams.insert(
        2,
        Team {
            id: 2,
            name: "Support".into(),
            parent_id: None,
            member_ids: vec![],
        },
    );
    m.teams.insert(
        3,
        Team {
            id: 3,
            name: "US".into(),
            parent_id: Some(1),
            member_ids: vec!["20".into()],
        },
    );
    let q3 = Period::quarter_of(date(2026, 7, 1));
    let q2 = Period::quarter_of(date(2026, 4, 1));
    m.objectives.insert(
        1,
        Objective {
            id: 1,
            title: "Grow".into(),
            owner: Entity::team(3),
            period: q3,
            parent_id: None,
            created_by: "1".into(),
            created_at: t0,
        },
    );
    m.objectives.insert(
        2,
        Objective {
            id: 2,
            title: "Old".into(),
            owner: Entity::team(3),
            period: q2,
            parent_id: None,
            created_by: "1".into(),
            created_at: t0,
        },
    );
    let kr = |id, o, title: &str, kind| KeyResult {
        id,
        objective_id: o,
        title: title.into(),
        kind,
        start: 0.0,
        target: 40.0,
        unit: Some("deals".into()),
        weight: 1.0,
        owner_id: None,
        created_at: t0,
    };
    m.key_results
        .insert(1, kr(1, 1, "Close deals", KrKind::Number));
    m.key_results
        .insert(2, kr(2, 1, "Close 40 deals in Texas", KrKind::Number));
    m.key_results
        .insert(3, kr(3, 1, "Calls made", KrKind::Number));
    m.key_results
        .insert(4, kr(4, 2, "Close deals", KrKind::Number));
    m.key_results
        .insert(5, kr(5, 1, "Office open", KrKind::Boolean));
    m
}

#[test]
fn commands_are_read() {
    assert_eq!(parse("help"), Command::Help);
    assert_eq!(parse(""), Command::Help);
    assert_eq!(parse("OKRs"), Command::Okrs);
    assert_eq!(parse("/mine"), Command::Mine);
    assert_eq!(parse("team  Sales US"), Command::Team("Sales US".into()));
    assert_eq!(parse("At Risk"), Command::AtRisk);
    assert_eq!(
        parse("checkin Close deals 12"),
        Command::CheckIn("Close deals 12".into())
    );
    assert_eq!(parse("check in #1 12"), Command::CheckIn("#1 12".into()));
    assert_eq!(parse("check-in #1 12"), Command::CheckIn("#1 12".into()));
    assert_eq!(parse("follow Sales"), Command::Follow("Sales".into()));
    assert_eq!(
        parse("unfollow company"),
        Command::Unfollow("company".into())
    );
    assert_eq!(
        parse("schedule weekly Friday 17:30"),
        Command::Schedule("weekly Friday 17:30".into())
    );
    assert_eq!(parse("hello there"), Command::Unknown("hello there".into()));
}

#[test]
fn key_results_by_id_title_or_prefix() {
    let m = model();
    let now = at("2026-08-01T00:00:00Z");
    let r = resolve_check_in(&m, now, "Close deals 12 on track two big ones").unwrap();
    // The exact title wins over "Close 40 deals in Texas"; this period's over Q2's.
    assert_eq!(
        r,
        ChatCheckIn {
            key_result: 1,
            value: "12".into(),
            status: Some(Status::OnTrack),
            note: Some("two big ones".into())
        }
    );
    let r = resolve_check_in(&m, now, "close 40 deals in texas 7").unwrap();
    assert_eq!(
        (r.key_result, r.value.as_str(), r.status, r.note),
        (2, "7", None, None)
    );
    let r = resolve_check_in(&m, now, "calls 30% at risk").unwrap();
    assert_eq!(
        (r.key_result, r.value.as_str(), r.status),
        (3, "30%", Some(Status::AtRisk))
    );
    let r = resolve_check_in(&m, now, "#4 5 behind").unwrap();
    assert_eq!((r.key_result, r.status), (4, Some(Status::Behind)));
    let r = resolve_check_in(&m, now, "5 yes done at last").unwrap();
    assert_eq!(
        (r.key_result, r.value.as_str(), r.status, r.note.as_deref()),
        (5, "yes", Some(Status::Done), Some("at last"))
    );
    // "Close" starts two titles of this period.
    let e = resolve_check_in(&m, now, "close 3").unwrap_err();
    assert!(
        e.contains("Which one?") && e.contains("[#1]") && e.contains("[#2]"),
        "{e}"
    );
    assert!(
        resolve_check_in(&m, now, "Nothing like it 3")
            .unwrap_err()
            .contains("no key result")
    );
    assert!(
        resolve_check_in(&m, now, "Close")
            .unwrap_err()
            .starts_with("Write:")
    );
}

#[test]
fn schedules_in_chat() {
    assert_eq!(parse_schedule("").unwrap(), ScheduleRequest::Show);
    assert_eq!(
        parse_schedule("weekly fri 17:30 America/New_York").unwrap(),
        ScheduleRequest::Set {
            schedule: Schedule::Weekly {
                weekday: jiff::civil::Weekday::Friday,
                time: jiff::civil::time(17, 30, 0, 0)
            },
            time_zone: Some("America/New_York".into())
        }
    );
    assert_eq!(
        parse_schedule("monthly 31 08:30").unwrap(),
        ScheduleRequest::Set {
            schedule: Schedule::Monthly {
                day: 31,
                time: jiff::civil::time(8, 30, 0, 0)
            },
            time_zone: None
        }
    );
    assert_eq!(
        parse_schedule("default").unwrap(),
        ScheduleRequest::Set {
            schedule: Schedule::Default,
            time_zone: None
        }
    );
    assert!(parse_schedule("monthly 32 08:30").is_err());
    assert!(parse_schedule("weekly Funday 08:30").is_err());
    assert!(
        parse_schedule("daily 08:30")
            .unwrap_err()
            .starts_with("Write:")
    );
}

#[test]
fn entities_by_name() {
    let m = model();
    let people = vec![Person {
        id: "20".into(),
        first_name: "Uma".into(),
        last_name: "Stone".into(),
        email: None,
        is_admin: false,
        time_zone: None,
    }];
    let e = |t: &str| resolve_entity(&m, "Acme", &people, "7", t);
    assert_eq!(e("company"), Ok(Entity::company("100")));
    assert_eq!(e("acme"), Ok(Entity::company("100")));
    assert_eq!(e("sales"), Ok(Entity::team(1)));
    assert_eq!(e("Sup"), Ok(Entity::team(2)));
    assert_eq!(e("me"), Ok(Entity::person("7")));
    assert_eq!(e("uma stone"), Ok(Entity::person("20")));
    assert_eq!(e("![:Person](21)"), Ok(Entity::person("21")));
    assert!(e("S").unwrap_err().starts_with("Which team?"));
    assert!(e("Marketing").is_err());
    assert!(e("").is_err());
}

#[test]
fn answers_in_chat() {
    let mut m = model();
    m.push_check_in(CheckIn {
        id: 1,
        key_result_id: 1,
        value: 20.0,
        status: None,
        confidence: None,
        note: None,
        author_id: "20".into(),
        source: Source::Chat,
        created_at: at("2026-07-20T00:00:00Z"),
    });
    let names = HashMap::new();
    let now = at("2026-08-16T00:00:00Z");
    let text = overview(&m, "Acme", &names, &Entity::team(1), now);
    assert!(text.starts_with("Sales: "), "{text}");
    assert!(text.contains("• Grow (US) — "), "{text}");
    assert!(
        text.contains("   – Close deals [#1]: 20/40 deals (50%) · on track"),
        "{text}"
    );
    assert!(
        text.contains("   – Office open [#5]: not done (0%) · not started"),
        "{text}"
    );
    assert_eq!(
        overview(&m, "Acme", &names, &Entity::team(2), now),
        "Support has no objectives this period."
    );
    assert!(at_risk(&m, "Acme", &names, now).starts_with("Behind or at risk:\n• Grow (US)"));
}
