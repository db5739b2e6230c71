//! Nudges: a direct message from the bot to people whose key results went a whole cadence
//! (a week) without a check-in. Nobody is nudged who checked in on anything within the week,
//! nobody more than once a week, and only on weekdays between 09:00 and 18:00 in their time zone
//! (never in their night).

use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use openglip_sdk::Member;
use tokio::sync::watch;

use crate::app::App;
use crate::error::Result;
use crate::model::period::utc_date;
use crate::model::{KeyResultId, Model, Person};

/// The cadence: a key result without a check-in for this long is stale.
pub const CADENCE: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Local hours in which nudges may go out: from 09:00 to before 18:00.
pub const HOURS: std::ops::Range<i8> = 9..18;

/// The people to nudge now, with their stale key results. `zone_of` gives a person's zone.
pub fn due(
    model: &Model,
    last_nudged: &HashMap<String, Timestamp>,
    zone_of: impl Fn(&str) -> TimeZone,
    now: Timestamp,
) -> BTreeMap<String, Vec<KeyResultId>> {
    let mut stale: BTreeMap<String, Vec<KeyResultId>> = BTreeMap::new();
    let mut recent_authors = std::collections::BTreeSet::new();
    for cs in model.check_ins.values() {
        for c in cs
            .iter()
            .filter(|c| now.duration_since(c.created_at) < CADENCE)
        {
            recent_authors.insert(c.author_id.clone());
        }
    }
    for o in model
        .objectives
        .values()
        .filter(|o| o.period.contains(utc_date(now)))
    {
        for kr in model.key_results_of(o.id) {
            let last = model
                .latest(kr.id)
                .map_or(kr.created_at, |c| c.created_at.max(kr.created_at));
            if now.duration_since(last) < CADENCE {
                continue;
            }
            for p in model.responsible_for(kr) {
                stale.entry(p).or_default().push(kr.id);
            }
        }
    }
    stale.retain(|person, _| {
        let awake = {
            let local = now.to_zoned(zone_of(person));
            HOURS.contains(&local.hour()) && local.weekday().to_monday_one_offset() <= 5
        };
        let nudged_lately = last_nudged
            .get(person)
            .is_some_and(|t| now.duration_since(*t) < CADENCE);
        awake && !nudged_lately && !recent_authors.contains(person)
    });
    stale
}

/// The message of a nudge.
pub fn message(person: &Person, model: &Model, krs: &[KeyResultId]) -> String {
    let mut lines = vec![format!(
        "Hi {}, these key results have had no check-in for a week:",
        if person.first_name.is_empty() {
            person.name()
        } else {
            person.first_name.clone()
        }
    )];
    for id in krs {
        let kr = &model.key_results[id];
        let objective = &model.objectives[&kr.objective_id];
        lines.push(format!("• {} ({}) [#{}]", kr.title, objective.title, kr.id));
    }
    lines.push(
        "Reply here with: checkin <key result> <value> [on track|behind|at risk] [note]".into(),
    );
    lines.join("\n")
}

/// Runs until `shutdown`, looking every `nudge_every`.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = shutdown.wait_for(|s| *s) => return,
            _ = tokio::time::sleep(app.config().nudge_every) => {}
        }
        if let Err(e) = round(&app).await {
            tracing::error!(error = %e, "nudging failed");
        }
    }
}

/// Nudges whoever is due in every company with an active integration and nudges on.
pub async fn round(app: &App) -> Result<usize> {
    let mut sent = 0;
    let now = app.now();
    for account in app.store().active_integrations().await? {
        let Some(tenant) = app.store().tenant(&account).await?.filter(|t| t.nudges) else {
            continue;
        };
        let Some((_, bot)) = app.bot_client(&account).await? else {
            continue;
        };
        let model = app.store().model(&account).await?;
        let people: HashMap<String, Person> = app
            .store()
            .people(&account)
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect();
        let default_zone = crate::schedule::zone(&tenant.time_zone).unwrap_or(TimeZone::UTC);
        let zone_of = |id: &str| {
            people
                .get(id)
                .and_then(|p| p.time_zone.as_deref())
                .and_then(|z| crate::schedule::zone(z).ok())
                .unwrap_or_else(|| default_zone.clone())
        };
        let last = app.store().last_nudges(&account).await?;
        for (person, krs) in due(&model, &last, zone_of, now) {
            let Some(p) = people.get(&person) else {
                continue;
            };
            // Recorded first: a crash never sends a nudge twice.
            let id = app
                .store()
                .record_nudge(&account, &person, now, &krs)
                .await?;
            let text = message(p, &model, &krs);
            let result = match bot.create_conversation(&[Member::Id(person.clone())]).await {
                Ok(chat) => bot.send_text(&chat.id, &text).await.map(|post| post.id),
                Err(e) => Err(e),
            };
            match result {
                Ok(post) => {
                    app.store().finish_nudge(id, Some(post), None).await?;
                    sent += 1;
                }
                Err(e) => {
                    tracing::warn!(person, error = %e, "a nudge could not be sent");
                    app.store()
                        .finish_nudge(id, None, Some(e.to_string()))
                        .await?;
                }
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use jiff::civil::date;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn model() -> Model {
        let t0 = at("2026-07-01T00:00:00Z");
        let mut m = Model::new("1");
        m.teams.insert(
            1,
            Team {
                id: 1,
                name: "US".into(),
                parent_id: None,
                member_ids: vec!["20".into(), "21".into()],
            },
        );
        m.objectives.insert(
            1,
            Objective {
                id: 1,
                title: "Grow".into(),
                owner: Entity::team(1),
                period: Period::quarter_of(date(2026, 7, 1)),
                parent_id: None,
                created_by: "1".into(),
                created_at: t0,
            },
        );
        m.key_results.insert(
            1,
            KeyResult {
                id: 1,
                objective_id: 1,
                title: "Deals".into(),
                kind: KrKind::Number,
                start: 0.0,
                target: 10.0,
                unit: None,
                weight: 1.0,
                owner_id: None,
                created_at: t0,
            },
        );
        m.key_results.insert(
            2,
            KeyResult {
                id: 2,
                objective_id: 1,
                title: "Calls".into(),
                kind: KrKind::Number,
                start: 0.0,
                target: 10.0,
                unit: None,
                weight: 1.0,
                owner_id: Some("22".into()),
                created_at: t0,
            },
        );
        m
    }

    fn check_in(kr: KeyResultId, by: &str, when: &str) -> CheckIn {
        CheckIn {
            id: 1,
            key_result_id: kr,
            value: 1.0,
            status: None,
            confidence: None,
            note: None,
            author_id: by.into(),
            source: Source::Api,
            created_at: at(when),
        }
    }

    #[test]
    fn stale_key_results_nudge_their_people_by_day_only() {
        let mut m = model();
        let utc = |_: &str| TimeZone::UTC;
        // Wednesday 2026-07-15 10:00 UTC: both key results untouched for two weeks.
        let now = at("2026-07-15T10:00:00Z");
        let due_now = due(&m, &HashMap::new(), utc, now);
        assert_eq!(due_now.keys().collect::<Vec<_>>(), ["20", "21", "22"]);
        assert_eq!(due_now["20"], [1]);
        assert_eq!(due_now["22"], [2]);
        // 21 checked in three days ago (on anything): skipped. 22 was nudged yesterday: skipped.
        m.push_check_in(check_in(1, "21", "2026-07-12T10:00:00Z"));
        let last = HashMap::from([("22".to_string(), at("2026-07-14T10:00:00Z"))]);
        let due_now = due(&m, &last, utc, now);
        assert!(
            due_now.is_empty(),
            "{due_now:?}: the check-in freshened key result 1, 22 was nudged"
        );
        // Ten days later, key result 1 is stale again; nobody checked in since.
        let later = at("2026-07-23T10:00:00Z");
        assert_eq!(
            due(&m, &last, utc, later).keys().collect::<Vec<_>>(),
            ["20", "21", "22"]
        );
        // In Tokyo it is 19:00: not now. On Saturday: not either.
        let tokyo = |_: &str| TimeZone::get("Asia/Tokyo").unwrap();
        assert!(due(&m, &last, tokyo, later).is_empty());
        assert!(due(&m, &last, utc, at("2026-07-25T10:00:00Z")).is_empty());
        // Night in New York (06:00): not now.
        let ny = |_: &str| TimeZone::get("America/New_York").unwrap();
        assert!(due(&m, &last, ny, later).is_empty());
    }

    #[test]
    fn the_message_lists_the_key_results() {
        let m = model();
        let p = Person {
            id: "20".into(),
            first_name: "Uma".into(),
            last_name: "Stone".into(),
            email: None,
            is_admin: false,
            time_zone: None,
        };
        let text = message(&p, &m, &[1, 2]);
        assert!(text.starts_with("Hi Uma, these key results"));
        assert!(text.contains("• Deals (Grow) [#1]\n• Calls (Grow) [#2]"));
    }
}
