//! The reference document's example, as an import document (`openglip serve --demo` imports it
//! through `POST /api/v1/import`): a company objective, and a Sales team spread across three
//! regions — US, Europe and Asia — each with an objective, key results and some check-ins, in
//! the current quarter. The 'Org-Sales' conversation that follows Sales is the platform's; the
//! person trying the demo adds it as a follower, as the document says.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use crate::model::document::{
    DocCheckIn, DocKeyResult, DocObjective, DocOwner, DocPeriod, DocTeam, Document, FORMAT,
};
use crate::model::period::utc_date;
use crate::model::{EntityType, KrKind, Period, Status};
use crate::schedule::rfc3339;

/// The people of the example: platform extension ids.
#[derive(Debug, Clone)]
pub struct ExamplePeople {
    /// The company's administrator, in the Sales team.
    pub admin: String,
    pub us: String,
    pub europe: String,
    pub asia: String,
}

/// A key result with its check-ins (value, status chosen, note, author, days ago).
struct Kr {
    title: &'static str,
    kind: KrKind,
    start: f64,
    target: f64,
    unit: Option<&'static str>,
    check_ins: Vec<(serde_json::Value, Option<Status>, &'static str, String, i64)>,
}

/// The example document, its instants placed in the quarter of `now` (check-ins a few days
/// back, never before the quarter began) and its values set against the share of the quarter
/// gone by, so that the regions differ: through most of the quarter the US is on track, Europe
/// behind and Asia at risk.
pub fn reference_example(p: &ExamplePeople, now: Timestamp) -> Document {
    let quarter = Period::quarter_of(utc_date(now));
    let gone = crate::model::progress::expected_progress(&quarter, now) / 100.0;
    // `share` of the way from 0 to `target`, ahead of (or behind) what is expected by now.
    let ahead = |target: f64, by: f64| ((gone + by).clamp(0.0, 1.0) * target).round();
    let begun = quarter.start_instant();
    let at = |days: i64| rfc3339((now - SignedDuration::from_hours(24 * days)).max(begun));
    let period = DocPeriod {
        name: quarter.name.clone(),
        start: quarter.start.to_string(),
        end: quarter.end.to_string(),
    };
    let team = |id: &str, name: &str, parent: Option<&str>, member: &str| DocTeam {
        id: id.into(),
        name: name.into(),
        parent_id: parent.map(str::to_string),
        member_ids: vec![member.to_string()],
    };
    let objective =
        |id: &str, title: &str, kind: EntityType, owner: &str, krs: Vec<Kr>| DocObjective {
            id: id.into(),
            title: title.into(),
            owner: DocOwner {
                kind,
                id: owner.into(),
            },
            period: period.clone(),
            parent_id: (id != "company").then(|| "company".to_string()),
            created_by: p.admin.clone(),
            created_at: at(30),
            key_results: krs
                .into_iter()
                .map(|k| DocKeyResult {
                    title: k.title.into(),
                    kind: k.kind,
                    start: k.start,
                    target: k.target,
                    unit: k.unit.map(str::to_string),
                    weight: 1.0,
                    owner_id: None,
                    created_at: at(30),
                    check_ins: k
                        .check_ins
                        .into_iter()
                        .map(|(value, status, note, author, days)| DocCheckIn {
                            value,
                            status,
                            confidence: Some(7),
                            note: Some(note.to_string()).filter(|n| !n.is_empty()),
                            author_id: author,
                            source: None,
                            created_at: at(days),
                        })
                        .collect(),
                })
                .collect(),
        };
    let kr = |title, kind, start, target, unit, check_ins| Kr {
        title,
        kind,
        start,
        target,
        unit,
        check_ins,
    };
    Document {
        format: FORMAT.into(),
        exported_at: None,
        company: None,
        people: vec![],
        teams: vec![
            team("sales", "Sales", None, &p.admin),
            team("us", "US", Some("sales"), &p.us),
            team("europe", "Europe", Some("sales"), &p.europe),
            team("asia", "Asia", Some("sales"), &p.asia),
        ],
        objectives: vec![
            objective(
                "company",
                "Grow revenue in every region",
                EntityType::Company,
                "",
                vec![kr(
                    "Yearly revenue",
                    KrKind::Number,
                    0.0,
                    2_000_000.0,
                    Some("€"),
                    vec![(
                        json!(ahead(2_000_000.0, -0.05)),
                        None,
                        "Q2 bookings are in",
                        p.admin.clone(),
                        6,
                    )],
                )],
            ),
            objective(
                "us",
                "Grow US revenue",
                EntityType::Team,
                "us",
                vec![
                    kr(
                        "Close deals",
                        KrKind::Number,
                        0.0,
                        40.0,
                        Some("deals"),
                        vec![
                            (
                                json!(ahead(40.0, -0.1)),
                                None,
                                "Three renewals signed",
                                p.us.clone(),
                                9,
                            ),
                            (
                                json!(ahead(40.0, 0.05)),
                                None,
                                "Two new logos this week",
                                p.us.clone(),
                                2,
                            ),
                        ],
                    ),
                    kr(
                        "Win back lapsed customers",
                        KrKind::Percent,
                        0.0,
                        100.0,
                        None,
                        vec![(json!(ahead(100.0, 0.0)), None, "", p.us.clone(), 3)],
                    ),
                ],
            ),
            objective(
                "europe",
                "Open the European market",
                EntityType::Team,
                "europe",
                vec![
                    kr(
                        "Partners signed",
                        KrKind::Percent,
                        0.0,
                        100.0,
                        None,
                        vec![(
                            json!(ahead(100.0, -0.15)),
                            None,
                            "Berlin and Lyon partners on board",
                            p.europe.clone(),
                            4,
                        )],
                    ),
                    kr(
                        "Localised offers",
                        KrKind::Milestone,
                        0.0,
                        4.0,
                        None,
                        vec![(
                            json!(ahead(4.0, -0.2)),
                            Some(Status::Behind),
                            "German offer waits for legal",
                            p.europe.clone(),
                            1,
                        )],
                    ),
                ],
            ),
            objective(
                "asia",
                "Launch in Asia",
                EntityType::Team,
                "asia",
                vec![
                    kr(
                        "Singapore office open",
                        KrKind::Boolean,
                        0.0,
                        1.0,
                        None,
                        vec![(
                            json!(false),
                            Some(Status::AtRisk),
                            "Lease still not signed",
                            p.asia.clone(),
                            5,
                        )],
                    ),
                    kr(
                        "First customers",
                        KrKind::Number,
                        0.0,
                        10.0,
                        Some("customers"),
                        vec![(json!(ahead(10.0, -0.5)), None, "", p.asia.clone(), 2)],
                    ),
                ],
            ),
        ],
    }
}

/// How long [`seed`] waits for the platform and the app to answer.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Imports the example into the OKR app at `okr_url` through its API, as the company's
/// administrator `login` (password grant through the platform app `client`): waits for the
/// platform and the app to answer first (they may be starting).
pub async fn seed(
    platform_url: &str,
    client: (&str, &str),
    login: (&str, &str),
    okr_url: &str,
    people: &ExamplePeople,
    now: Timestamp,
) -> crate::Result<()> {
    use openglip_sdk::{Client, reqwest::Method};
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let platform = Client::builder(platform_url)
        .app(client.0, Some(client.1.to_string()))
        .build()
        .map_err(crate::Error::internal)?;
    let token = loop {
        match platform.login_password(login.0, login.1, None).await {
            Ok(t) => break t,
            Err(e) if e.is_transient() && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await
            }
            Err(e) => return Err(crate::Error::from_platform(e, None)),
        }
    };
    let app = Client::builder(okr_url)
        .token(token)
        .build()
        .map_err(crate::Error::internal)?;
    let doc = reference_example(people, now);
    loop {
        let answer: Result<serde_json::Value, _> = app
            .request_json(Method::POST, "/api/v1/import", &[], Some(&doc))
            .await;
        match answer {
            Ok(_) => return Ok(()),
            Err(e) if e.is_transient() && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await
            }
            Err(e) => {
                return Err(crate::Error::Platform(format!(
                    "importing the example: {e}"
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entity;
    use crate::model::Person;
    use crate::model::snapshot::PeriodFilter;
    use crate::store::Store;

    #[tokio::test]
    async fn the_example_imports_as_the_document_describes_it() {
        let now: Timestamp = "2026-08-20T10:00:00Z".parse().unwrap();
        let people = ExamplePeople {
            admin: "1".into(),
            us: "2".into(),
            europe: "3".into(),
            asia: "4".into(),
        };
        let doc = reference_example(&people, now);
        let plan = doc.plan().expect("a valid document");
        assert_eq!(plan.person_ids.len(), 4);
        let store = Store::in_memory().unwrap();
        store.upsert_tenant("9", "Acme", now).await.unwrap();
        let person = |id: &str| Person {
            id: id.into(),
            first_name: format!("P{id}"),
            last_name: String::new(),
            email: None,
            is_admin: id == "1",
            time_zone: None,
        };
        store
            .upsert_people("9", ["1", "2", "3", "4"].map(person).to_vec(), now)
            .await
            .unwrap();
        let n = store.import("9", plan, now).await.unwrap();
        assert_eq!((n.teams, n.objectives, n.key_results), (4, 4, 7));
        let model = store.model("9").await.unwrap();
        let sales = model.team_by_name("Sales").unwrap();
        let regions: Vec<&str> = model
            .sub_teams(sales.id)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(regions, ["Asia", "Europe", "US"]);
        let f = model.entity_figures(&Entity::team(sales.id), &PeriodFilter::Current, now);
        assert_eq!(f.objectives, 3, "the regions' objectives roll into Sales");
        assert!(f.figures.progress > 0.0, "{f:?}");
        // The regions each tell a different story.
        let status = |name: &str| {
            let t = model.team_by_name(name).unwrap();
            model
                .entity_figures(&Entity::team(t.id), &PeriodFilter::Current, now)
                .figures
                .status
        };
        assert_eq!(
            [status("US"), status("Europe"), status("Asia")],
            [Status::OnTrack, Status::Behind, Status::AtRisk]
        );
        // Every check-in lies in the quarter, before now.
        let quarter = Period::quarter_of(utc_date(now));
        for c in model.check_ins.values().flatten() {
            assert!(c.created_at >= quarter.start_instant() && c.created_at <= now);
        }
    }
}
