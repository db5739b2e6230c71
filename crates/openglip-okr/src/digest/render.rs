//! A digest as an Adaptive Card (version 1.3, what the platform renders) and as plain text
//! (the card's `fallbackText`, the chat commands' answers and the preview).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use openglip_sdk::wire::AdaptiveCardRequest;
use serde_json::{Value, json};

use super::{Digest, StatusChange, pct, points};
use crate::model::{EntityType, Status};

/// The card property that carries a post's idempotency key, so a post made before a crash can
/// be recognised afterwards.
pub const KEY_PROPERTY: &str = "okrDigestKey";

fn kind_label(k: EntityType) -> &'static str {
    match k {
        EntityType::Company => "Company",
        EntityType::Team => "Team",
        EntityType::Person => "Person",
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn day(t: Timestamp, zone: &TimeZone) -> String {
    t.to_zoned(zone.clone()).strftime("%a %-d %b").to_string()
}

impl Digest {
    /// "OKR update: Sales".
    pub fn title(&self) -> String {
        format!("OKR update: {}", self.entity_name)
    }

    /// The line under the title: kind, period, lateness.
    fn subtitle(&self) -> String {
        let mut s = format!("{} · {}", kind_label(self.entity.kind), self.period);
        if let Some(due) = &self.late_due {
            s.push_str(&format!(" · late: due {due}"));
        }
        s
    }

    fn progress_line(&self) -> String {
        match self.change {
            Some(c) => format!(
                "{} ({} since the last update)",
                pct(self.progress),
                points(c)
            ),
            None => pct(self.progress),
        }
    }

    fn counts_line(&self) -> String {
        if self.objectives == 0 {
            return "no objectives in this period".into();
        }
        Status::ALL
            .iter()
            .map(|s| format!("{} {}", self.counts.get(*s), s.label()))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    fn sub_line(s: &super::SubFigures) -> String {
        format!(
            "{} (expected {}) · {}",
            pct(s.progress),
            pct(s.expected),
            s.status.label()
        )
    }

    fn since_label(&self, zone: &TimeZone) -> String {
        day(self.since, zone)
    }

    fn note_line(n: &super::Note, zone: &TimeZone) -> String {
        format!(
            "{} on {}: “{}” ({})",
            n.author,
            n.key_result,
            n.note,
            day(n.at, zone)
        )
    }

    /// The plain-text version (the card's fallback). Dates are shown in `zone`.
    pub fn text(&self, zone: &TimeZone) -> String {
        let mut out = vec![
            self.title(),
            self.subtitle(),
            format!(
                "Progress {} · expected {} · {}",
                self.progress_line(),
                pct(self.expected),
                self.status.label()
            ),
            format!("Objectives: {}", self.counts_line()),
        ];
        fn section(out: &mut Vec<String>, title: &str, lines: Vec<String>) {
            if !lines.is_empty() {
                out.push(format!("{title}:"));
                out.extend(lines.into_iter().map(|l| format!("• {l}")));
            }
        }
        let sub_title = match self.entity.kind {
            EntityType::Company => "Teams",
            _ => "Sub-teams",
        };
        section(
            &mut out,
            sub_title,
            self.sub_entities
                .iter()
                .map(|s| format!("{} {}", s.name, Self::sub_line(s)))
                .collect(),
        );
        section(&mut out, "Going well", self.going_well.clone());
        section(&mut out, "Needs attention", self.needs_attention.clone());
        if !self.not_checked_in.is_empty() {
            out.push(format!(
                "Not checked in since {}: {}",
                self.since_label(zone),
                self.not_checked_in.join(", ")
            ));
        }
        section(
            &mut out,
            "Latest notes",
            self.notes
                .iter()
                .map(|n| Self::note_line(n, zone))
                .collect(),
        );
        out.push(format!("Open: {}", self.link));
        if let Some(next) = &self.next_run {
            out.push(format!("Next update: {next}"));
        }
        out.join("\n")
    }

    /// The Adaptive Card, with the text as its fallback and `key` in [`KEY_PROPERTY`].
    pub fn card(&self, zone: &TimeZone, key: &str) -> AdaptiveCardRequest {
        let mut body = vec![
            json!({"type": "TextBlock", "text": self.title(), "weight": "Bolder", "size": "Medium", "wrap": true}),
            json!({"type": "TextBlock", "text": self.subtitle(), "isSubtle": true, "spacing": "None", "wrap": true}),
            json!({"type": "FactSet", "facts": [
                {"title": "Progress", "value": self.progress_line()},
                {"title": "Expected", "value": pct(self.expected)},
                {"title": "Status", "value": capital(self.status.label())},
                {"title": "Objectives", "value": self.counts_line()},
            ]}),
        ];
        if !self.sub_entities.is_empty() {
            let title = match self.entity.kind {
                EntityType::Company => "Teams",
                _ => "Sub-teams",
            };
            body.push(heading(title));
            body.push(json!({"type": "FactSet", "facts": self.sub_entities.iter()
                .map(|s| json!({"title": s.name, "value": Self::sub_line(s)}))
                .collect::<Vec<_>>()}));
        }
        list(&mut body, "Going well", &self.going_well);
        list(&mut body, "Needs attention", &self.needs_attention);
        if !self.not_checked_in.is_empty() {
            list(
                &mut body,
                &format!("Not checked in since {}", self.since_label(zone)),
                &[self.not_checked_in.join(", ")],
            );
        }
        let notes: Vec<String> = self
            .notes
            .iter()
            .map(|n| Self::note_line(n, zone))
            .collect();
        list(&mut body, "Latest notes", &notes);
        if let Some(next) = &self.next_run {
            body.push(json!({"type": "TextBlock", "text": format!("Next update: {next}"), "isSubtle": true, "size": "Small", "wrap": true}));
        }
        card(
            body,
            vec![
                json!({"type": "Action.OpenUrl", "title": format!("Open {}", self.entity_name), "url": self.link}),
            ],
            self.text(zone),
            key,
        )
    }
}

impl StatusChange {
    /// The card of a status change.
    pub fn card(&self, key: &str) -> AdaptiveCardRequest {
        let colour = match self.to {
            Status::AtRisk => "Attention",
            Status::Behind => "Warning",
            Status::Done | Status::OnTrack => "Good",
            Status::NotStarted => "Default",
        };
        let body = vec![
            json!({"type": "TextBlock", "text": format!("{} is now {}", self.key_result, self.to.label()), "weight": "Bolder", "color": colour, "wrap": true}),
            json!({"type": "TextBlock", "text": self.text(), "wrap": true}),
        ];
        card(
            body,
            vec![
                json!({"type": "Action.OpenUrl", "title": "Open the objective", "url": self.link}),
            ],
            self.text(),
            key,
        )
    }
}

fn heading(text: &str) -> Value {
    json!({"type": "TextBlock", "text": text, "weight": "Bolder", "spacing": "Medium", "wrap": true})
}

fn list(body: &mut Vec<Value>, title: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    body.push(heading(title));
    for l in lines {
        body.push(
            json!({"type": "TextBlock", "text": format!("• {l}"), "spacing": "None", "wrap": true}),
        );
    }
}

fn card(body: Vec<Value>, actions: Vec<Value>, fallback: String, key: &str) -> AdaptiveCardRequest {
    let mut c = AdaptiveCardRequest {
        body: Some(body),
        actions: Some(actions),
        fallback_text: Some(fallback),
        ..Default::default()
    };
    c.extra
        .insert(KEY_PROPERTY.into(), Value::String(key.to_string()));
    c
}

/// The idempotency key of a card in a post's attachments, if it is one of ours.
pub fn key_of(attachments: Option<&Vec<Value>>) -> Option<&str> {
    attachments?
        .iter()
        .find_map(|a| a.get(KEY_PROPERTY).and_then(Value::as_str))
}
