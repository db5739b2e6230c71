//! The digest's contents, for the reference example: 'Org-Sales' follows Sales, which has US,
//! Europe and Asia.

use super::render::{KEY_PROPERTY, key_of};
use super::*;
use crate::model::{CheckIn, KeyResult, KrKind, Objective, Period, Source, Team};
use jiff::civil::date;
use jiff::tz::TimeZone;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn team(id: i64, name: &str, parent: Option<i64>, members: &[&str]) -> Team {
    Team {
        id,
        name: name.into(),
        parent_id: parent,
        member_ids: members.iter().map(|m| m.to_string()).collect(),
    }
}

fn objective(id: i64, title: &str, owner: Entity) -> Objective {
    Objective {
        id,
        title: title.into(),
        owner,
        period: Period::quarter_of(date(2026, 7, 1)),
        parent_id: None,
        created_by: "1".into(),
        created_at: at("2026-07-01T00:00:00Z"),
    }
}

fn kr(id: i64, objective: i64, title: &str, kind: KrKind, start: f64, target: f64) -> KeyResult {
    KeyResult {
        id,
        objective_id: objective,
        title: title.into(),
        kind,
        start,
        target,
        unit: None,
        weight: 1.0,
        owner_id: None,
        created_at: at("2026-07-01T00:00:00Z"),
    }
}

fn check_in(id: i64, kr: i64, value: f64, by: &str, when: &str, note: Option<&str>) -> CheckIn {
    CheckIn {
        id,
        key_result_id: kr,
        value,
        status: None,
        confidence: None,
        note: note.map(str::to_string),
        author_id: by.into(),
        source: Source::Api,
        created_at: at(when),
    }
}

/// Half of Q3 has passed at 2026-08-16T00:00Z. The cadence began a week earlier.
fn example() -> (Model, HashMap<String, String>) {
    let mut m = Model::new("100");
    m.teams.insert(1, team(1, "Sales", None, &[]));
    m.teams.insert(2, team(2, "US", Some(1), &["20"]));
    m.teams.insert(3, team(3, "Europe", Some(1), &["30", "31"]));
    m.teams.insert(4, team(4, "Asia", Some(1), &["40"]));
    m.objectives
        .insert(2, objective(2, "Grow US revenue", Entity::team(2)));
    m.objectives
        .insert(3, objective(3, "Open Europe", Entity::team(3)));
    m.objectives
        .insert(4, objective(4, "Launch in Asia", Entity::team(4)));
    m.key_results
        .insert(1, kr(1, 2, "Close deals", KrKind::Number, 0.0, 40.0));
    m.key_results
        .insert(2, kr(2, 3, "Partners signed", KrKind::Percent, 0.0, 100.0));
    m.key_results
        .insert(3, kr(3, 4, "Office open", KrKind::Boolean, 0.0, 1.0));
    // Before the cadence: US at 10 deals, Europe at 40 %.
    m.push_check_in(check_in(1, 1, 10.0, "20", "2026-08-01T09:00:00Z", None));
    m.push_check_in(check_in(2, 2, 40.0, "30", "2026-08-02T09:00:00Z", None));
    // During it: US to 20 deals, Europe down to 30 %, Asia done.
    m.push_check_in(check_in(
        3,
        1,
        20.0,
        "20",
        "2026-08-12T09:00:00Z",
        Some("two big ones"),
    ));
    m.push_check_in(check_in(
        4,
        2,
        30.0,
        "30",
        "2026-08-13T09:00:00Z",
        Some("a partner left"),
    ));
    m.push_check_in(check_in(
        5,
        3,
        1.0,
        "40",
        "2026-08-14T09:00:00Z",
        Some("keys handed over"),
    ));
    let names = [
        ("20", "Uma Stone"),
        ("30", "Eva Berg"),
        ("31", "Emil Roth"),
        ("40", "Aiko Tan"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    (m, names)
}

fn moment(links: &Links) -> Moment<'_> {
    Moment {
        now: at("2026-08-16T00:00:00Z"),
        since: at("2026-08-09T00:00:00Z"),
        previous_progress: Some(40.0),
        late_due: None,
        next_run: Some("Mon 17 Aug 2026 09:00 (Europe/Berlin)".into()),
        links,
    }
}

#[test]
fn a_team_digest_has_its_sub_teams_with_their_figures() {
    let (m, names) = example();
    let links = Links::new("https://okr.example");
    let d = build(&m, "Acme", &names, &Entity::team(1), &moment(&links));
    assert_eq!(d.entity_name, "Sales");
    assert_eq!(d.period, "2026-Q3");
    // US 50 %, Europe 30 %, Asia 100 %: 60 %; expected 50 %.
    assert_eq!(d.progress, 60.0);
    assert!((d.expected - 50.0).abs() < 1e-9);
    assert_eq!(d.status, Status::OnTrack);
    assert_eq!(d.change, Some(20.0));
    assert_eq!(
        (d.counts.on_track, d.counts.behind, d.counts.done),
        (1, 1, 1)
    );
    let subs: Vec<(&str, i64, Status)> = d
        .sub_entities
        .iter()
        .map(|s| (s.name.as_str(), s.progress.round() as i64, s.status))
        .collect();
    assert_eq!(
        subs,
        [
            ("Asia", 100, Status::Done),
            ("Europe", 30, Status::Behind),
            ("US", 50, Status::OnTrack)
        ]
    );
    assert_eq!(d.sub_entities[0].link, "https://okr.example/teams/4");
    assert_eq!(
        d.going_well,
        [
            "Office open (Asia): 0% → 100% (+100)",
            "Close deals (US): 25% → 50% (+25)"
        ]
    );
    assert_eq!(
        d.needs_attention,
        [
            "Open Europe (Europe): 30% of 50% expected, behind",
            "Partners signed (Europe): 40% → 30% (−10)"
        ]
    );
    // Emil (Europe) has not checked in this week.
    assert_eq!(d.not_checked_in, ["Emil Roth"]);
    let notes: Vec<&str> = d.notes.iter().map(|n| n.note.as_str()).collect();
    assert_eq!(
        notes,
        ["keys handed over", "a partner left", "two big ones"]
    );
    assert_eq!(d.notes[0].author, "Aiko Tan");
}

#[test]
fn the_text_and_the_card_say_the_same() {
    let (m, names) = example();
    let links = Links::new("https://okr.example");
    let mut mo = moment(&links);
    mo.late_due = Some("Mon 10 Aug 2026 09:00 (Europe/Berlin)".into());
    let d = build(&m, "Acme", &names, &Entity::team(1), &mo);
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    let text = d.text(&berlin);
    for want in [
        "OKR update: Sales",
        "Team · 2026-Q3 · late: due Mon 10 Aug 2026 09:00 (Europe/Berlin)",
        "Progress 60% (+20 since the last update) · expected 50% · on track",
        "Objectives: 1 on track · 1 behind · 0 at risk · 1 done · 0 not started",
        "Sub-teams:\n• Asia 100% (expected 50%) · done\n• Europe 30% (expected 50%) · behind\n• US 50% (expected 50%) · on track",
        "Going well:\n• Office open (Asia)",
        "Needs attention:\n• Open Europe (Europe)",
        "Not checked in since Sun 9 Aug: Emil Roth",
        "Latest notes:\n• Aiko Tan on Office open: “keys handed over” (Fri 14 Aug)",
        "Open: https://okr.example/teams/1",
        "Next update: Mon 17 Aug 2026 09:00 (Europe/Berlin)",
    ] {
        assert!(text.contains(want), "{want:?} missing from\n{text}");
    }
    let card = d.card(&berlin, "slot:7:123");
    assert_eq!(card.fallback_text.as_deref(), Some(text.as_str()));
    let v = serde_json::to_value(&card).unwrap();
    assert_eq!(v[KEY_PROPERTY], "slot:7:123");
    assert_eq!(key_of(Some(&vec![v.clone()])), Some("slot:7:123"));
    let body = v["body"].to_string();
    assert!(
        body.contains("\"title\":\"Europe\",\"value\":\"30% (expected 50%) · behind\""),
        "{body}"
    );
    assert!(body.contains("60% (+20 since the last update)"));
    assert_eq!(v["actions"][0]["url"], "https://okr.example/teams/1");
}

#[test]
fn company_person_and_empty_digests() {
    let (m, names) = example();
    let links = Links::new("https://okr.example");
    let mut mo = moment(&links);
    mo.previous_progress = None;
    let company = build(&m, "Acme", &names, &Entity::company("100"), &mo);
    assert_eq!(company.entity_name, "Acme");
    assert_eq!(company.objectives, 0);
    assert_eq!(
        company.sub_entities.len(),
        1,
        "the company shows its top teams"
    );
    assert_eq!(company.sub_entities[0].name, "Sales");
    assert_eq!(company.change, None);
    let text = company.text(&TimeZone::UTC);
    assert!(
        text.contains("Objectives: no objectives in this period"),
        "{text}"
    );
    assert!(text.contains("Teams:\n• Sales 60%"), "{text}");
    let person = build(&m, "Acme", &names, &Entity::person("20"), &mo);
    assert_eq!(person.entity_name, "Uma Stone");
    assert!(person.sub_entities.is_empty());
    let unknown = build(&m, "Acme", &names, &Entity::person("99"), &mo);
    assert_eq!(unknown.entity_name, "Person 99");
}

#[test]
fn status_change_posts() {
    let c = StatusChange {
        key_result: "Close deals".into(),
        objective: "Grow US revenue".into(),
        owner: "US".into(),
        from: Status::OnTrack,
        to: Status::AtRisk,
        value: 12.0,
        progress: 30.0,
        by: "Uma Stone".into(),
        note: Some("lost a big one".into()),
        link: "https://okr.example/objectives/2".into(),
    };
    assert_eq!(
        c.text(),
        "Close deals (Grow US revenue, US) is now at risk (was on track): 12 at 30%, checked in by Uma Stone — “lost a big one”"
    );
    let v = serde_json::to_value(c.card("status:1:9")).unwrap();
    assert_eq!(v["body"][0]["color"], "Attention");
    assert_eq!(v[KEY_PROPERTY], "status:1:9");
    assert_eq!(points(-0.2), "±0");
    assert_eq!(pct(49.6), "50%");
}
