//! The chat commands, without I/O: reading what people write to the bot, finding the key result
//! or entity they mean, and the texts of the answers. `crate::bot` runs them.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::digest::pct;
use crate::model::period::utc_date;
use crate::model::snapshot::PeriodFilter;
use crate::model::values::looks_like_value;
use crate::model::*;
use crate::schedule::{Schedule, parse_time, parse_weekday};

/// What the bot answers to `help`.
pub const HELP: &str = "I post OKR updates and take check-ins. Write to me here (or @mention me in a team):
• checkin <key result> <value> [on track|behind|at risk|done] [note] — a key result by its id (#12) or the start of its title
• okrs — the company's objectives
• mine — your objectives and the key results you check in on
• team <name> — a team's objectives
• at risk — what is behind or at risk
• follow <company|team|person> — this conversation gets its updates (administrators)
• unfollow <company|team|person>
• schedule — when this conversation gets updates; schedule weekly Monday 09:00 [time zone], schedule monthly 31 08:30, schedule default (administrators)
• help — this list";

/// A command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Okrs,
    Mine,
    Team(String),
    AtRisk,
    CheckIn(String),
    Follow(String),
    Unfollow(String),
    Schedule(String),
    Unknown(String),
}

/// Reads a message (the bot's mention already removed). Commands are not case-sensitive; a
/// leading `/` is allowed.
pub fn parse(text: &str) -> Command {
    let t = text.trim().trim_start_matches('/').trim();
    let lower = t.to_lowercase();
    let rest = |n: usize| t[n..].trim().to_string();
    let word = lower.split_whitespace().next().unwrap_or("");
    match word {
        "" | "help" | "?" => Command::Help,
        "okrs" | "okr" => Command::Okrs,
        "mine" => Command::Mine,
        "team" => Command::Team(rest(4)),
        "checkin" | "check-in" => Command::CheckIn(rest(word.len())),
        "check" if lower.starts_with("check in") => Command::CheckIn(rest(8)),
        "at" if lower.starts_with("at risk") => Command::AtRisk,
        "follow" => Command::Follow(rest(6)),
        "unfollow" => Command::Unfollow(rest(8)),
        "schedule" => Command::Schedule(rest(8)),
        _ => Command::Unknown(t.to_string()),
    }
}

/// A check-in as written in chat, its key result found.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatCheckIn {
    pub key_result: KeyResultId,
    pub value: String,
    pub status: Option<Status>,
    pub note: Option<String>,
}

/// Finds key results by title: an exact title (any case) wins, else those it is the start of.
fn by_title<'m>(krs: &[&'m KeyResult], title: &str) -> Vec<&'m KeyResult> {
    let t = title.to_lowercase();
    let exact: Vec<&KeyResult> = krs
        .iter()
        .copied()
        .filter(|k| k.title.to_lowercase() == t)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    krs.iter()
        .copied()
        .filter(|k| k.title.to_lowercase().starts_with(&t))
        .collect()
}

/// Reads `<key result> <value> [status] [note]`. The key result is `#12`, `12` (an id), or its
/// title or the start of it; the title ends where a value follows that leaves exactly one key
/// result. Key results of the current period are looked at first.
pub fn resolve_check_in(model: &Model, now: Timestamp, rest: &str) -> Result<ChatCheckIn, String> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.len() < 2 {
        return Err("Write: checkin <key result> <value> [on track|behind|at risk] [note]".into());
    }
    let today = utc_date(now);
    let all: Vec<&KeyResult> = model.key_results.values().collect();
    let current: Vec<&KeyResult> = all
        .iter()
        .copied()
        .filter(|k| {
            model
                .objectives
                .get(&k.objective_id)
                .is_some_and(|o| o.period.contains(today))
        })
        .collect();
    let finish = |kr: KeyResultId, after: &[&str]| {
        let (status, used) = status_prefix(&after[1..]);
        let note = after[1 + used..].join(" ");
        ChatCheckIn {
            key_result: kr,
            value: after[0].to_string(),
            status,
            note: (!note.is_empty()).then_some(note),
        }
    };
    if let Ok(id) = words[0].trim_start_matches('#').parse::<KeyResultId>()
        && model.key_results.contains_key(&id)
    {
        return Ok(finish(id, &words[1..]));
    }
    let mut ambiguous: Vec<&KeyResult> = vec![];
    for scope in [&current, &all] {
        for split in (1..words.len()).rev() {
            if !looks_like_value(words[split]) {
                continue;
            }
            let found = by_title(scope, &words[..split].join(" "));
            match found.len() {
                0 => {}
                1 => return Ok(finish(found[0].id, &words[split..])),
                _ if ambiguous.is_empty() => ambiguous = found,
                _ => {}
            }
        }
    }
    if !ambiguous.is_empty() {
        let names: Vec<String> = ambiguous
            .iter()
            .map(|k| format!("{} [#{}]", k.title, k.id))
            .collect();
        return Err(format!(
            "Which one? {}. Use more of the title, or the id (#12).",
            names.join(", ")
        ));
    }
    Err(format!(
        "I found no key result for [{}] followed by a value. Use its id (#12) or the start of its title.",
        words[..words.len() - 1].join(" ")
    ))
}

/// A status at the start of `words` (`on track`, `at risk`, `behind`, `done`, `not started`);
/// returns it and how many words it took.
fn status_prefix(words: &[&str]) -> (Option<Status>, usize) {
    if words.len() >= 2
        && let Some(s) = Status::parse(&format!("{} {}", words[0], words[1]))
            .filter(|_| matches!(words[0].to_lowercase().as_str(), "on" | "at" | "not"))
    {
        return (Some(s), 2);
    }
    match words.first().map(|w| w.to_lowercase()) {
        Some(w) if w == "behind" || w == "done" => (Status::parse(&w), 1),
        _ => (None, 0),
    }
}

/// What `schedule …` asks.
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleRequest {
    Show,
    Set {
        schedule: Schedule,
        time_zone: Option<String>,
    },
}

/// Reads `weekly <day> <HH:MM> [zone]`, `monthly <1-31> <HH:MM> [zone]`, `default [zone]`, or
/// nothing (show).
pub fn parse_schedule(rest: &str) -> Result<ScheduleRequest, String> {
    let w: Vec<&str> = rest.split_whitespace().collect();
    let zone = |i: usize| w.get(i).map(|z| z.to_string());
    let usage = "Write: schedule weekly Monday 09:00 [time zone], schedule monthly 31 08:30 [time zone], or schedule default";
    let (schedule, time_zone) = match w.first().map(|s| s.to_lowercase()).as_deref() {
        None => return Ok(ScheduleRequest::Show),
        Some("default") => (Schedule::Default, zone(1)),
        Some("weekly") if w.len() >= 3 => (
            Schedule::Weekly {
                weekday: parse_weekday(w[1])?,
                time: parse_time(w[2])?,
            },
            zone(3),
        ),
        Some("monthly") if w.len() >= 3 => {
            let day = w[1]
                .parse::<i8>()
                .ok()
                .filter(|d| (1..=31).contains(d))
                .ok_or_else(|| format!("[{}] is not a day of the month (1-31)", w[1]))?;
            (
                Schedule::Monthly {
                    day,
                    time: parse_time(w[2])?,
                },
                zone(3),
            )
        }
        _ => return Err(usage.into()),
    };
    Ok(ScheduleRequest::Set {
        schedule,
        time_zone,
    })
}

/// Finds what `follow` names: `company` (or the company's name), a team (its name or the start
/// of it), `me`, or a person (an @mention, or their name).
pub fn resolve_entity(
    model: &Model,
    company: &str,
    people: &[Person],
    me: &str,
    text: &str,
) -> Result<Entity, String> {
    let t = text.trim();
    let lower = t.to_lowercase();
    if t.is_empty() {
        return Err("Name what to follow: company, a team's name, me, or a person".into());
    }
    if lower == "company" || lower == company.to_lowercase() {
        return Ok(Entity::company(&model.account_id));
    }
    if lower == "me" || lower == "myself" {
        return Ok(Entity::person(me));
    }
    if let Some(id) = t
        .strip_prefix("![:Person](")
        .and_then(|r| r.strip_suffix(')'))
    {
        return Ok(Entity::person(id));
    }
    if let Some(team) = model.team_by_name(t) {
        return Ok(Entity::team(team.id));
    }
    let teams: Vec<&Team> = model
        .teams
        .values()
        .filter(|x| x.name.to_lowercase().starts_with(&lower))
        .collect();
    if teams.len() == 1 {
        return Ok(Entity::team(teams[0].id));
    }
    if let Some(p) = people.iter().find(|p| p.name().to_lowercase() == lower) {
        return Ok(Entity::person(&p.id));
    }
    if teams.len() > 1 {
        let names: Vec<&str> = teams.iter().map(|x| x.name.as_str()).collect();
        return Err(format!("Which team? {}", names.join(", ")));
    }
    Err(format!("I know no team or person called [{t}]"))
}

/// The objectives of an entity with their key results, for chat.
pub fn overview(
    model: &Model,
    company: &str,
    names: &HashMap<String, String>,
    entity: &Entity,
    now: Timestamp,
) -> String {
    let name = crate::digest::entity_name(model, company, names, entity);
    let f = model.entity_figures(entity, &PeriodFilter::Current, now);
    let objectives = model.objectives_of(entity, &PeriodFilter::Current, utc_date(now));
    if objectives.is_empty() {
        return format!("{name} has no objectives this period.");
    }
    let mut lines = vec![format!(
        "{name}: {} (expected {}) · {}",
        pct(f.figures.progress),
        pct(f.figures.expected),
        f.figures.status.label()
    )];
    for o in objectives {
        lines.extend(objective_lines(model, company, names, o, now));
    }
    lines.join("\n")
}

/// An objective and its key results, one line each.
pub fn objective_lines(
    model: &Model,
    company: &str,
    names: &HashMap<String, String>,
    o: &Objective,
    now: Timestamp,
) -> Vec<String> {
    let f = model.objective_figures(o, now);
    let owner = crate::digest::entity_name(model, company, names, &o.owner);
    let mut lines = vec![format!(
        "• {} ({owner}) — {} · {}",
        o.title,
        pct(f.progress),
        f.status.label()
    )];
    for kr in model.key_results_of(o.id) {
        let s = model.key_result_state_at(kr, now);
        let unit = kr
            .unit
            .as_deref()
            .map(|u| format!(" {u}"))
            .unwrap_or_default();
        let value = match kr.kind {
            KrKind::Boolean => {
                if s.value >= 1.0 {
                    "done".to_string()
                } else {
                    "not done".to_string()
                }
            }
            _ => format!("{}/{}{unit}", fmt_number(s.value), fmt_number(kr.target)),
        };
        lines.push(format!(
            "   – {} [#{}]: {value} ({}) · {}",
            kr.title,
            kr.id,
            pct(s.figures.progress),
            s.figures.status.label()
        ));
    }
    lines
}

/// Objectives behind or at risk, in the whole company.
pub fn at_risk(
    model: &Model,
    company: &str,
    names: &HashMap<String, String>,
    now: Timestamp,
) -> String {
    let today = utc_date(now);
    let mut lines = vec![];
    for o in model
        .objectives
        .values()
        .filter(|o| o.period.contains(today))
    {
        if model.objective_figures(o, now).status.needs_attention() {
            lines.extend(objective_lines(model, company, names, o, now));
        }
    }
    if lines.is_empty() {
        "Nothing is behind or at risk.".into()
    } else {
        format!("Behind or at risk:\n{}", lines.join("\n"))
    }
}

#[cfg(test)]
#[path = "commands_tests.rs"]
mod tests;
