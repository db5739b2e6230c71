//! Intent matching: which task a message starts, deterministic and explainable. Three layers,
//! in order, the first that decides wins:
//!
//! 1. **Commands**: the whole message equals one of a task's commands (`/book`).
//! 2. **Patterns**: the message fits a pattern: words match words (without regard to case), `*`
//!    stands for any words (none too), `{slot}` for one or more words captured into the slot (as
//!    few as let the rest fit).
//!    Among several, the higher priority wins, then the pattern with more words.
//! 3. **Similarity** with example utterances: content words (stop words dropped, light stems,
//!    near spellings counted 0.8) — `score = 0.7 × recall + 0.3 × precision`, where recall is the
//!    share of the example's words the message has and precision the share of the message's
//!    words the example has; a task scores its best example. The best task must reach the
//!    agent's `threshold`; a second task within `ambiguity_margin` of it makes the match
//!    ambiguous, unless the two differ in priority (the higher wins).
//!
//! Where the app has a sentence-embedding model, [`crate::semantic`] may decide after the third
//! layer, by meaning, what the words did not (it fills [`Candidate::semantic`]).
//!
//! [`MatchReport`] keeps every task's score and the reason for the decision, for the utterance
//! testing panel.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::dialog::Settings;
use crate::text::{content_words, tokens};

/// A pattern, compiled.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Word(String),
    Any,
    Capture(String),
}

impl Pattern {
    /// Compiles a pattern, or says what is wrong with it.
    pub fn parse(source: &str) -> Result<Pattern, String> {
        let mut parts = Vec::new();
        for piece in source.split_whitespace() {
            if piece == "*" {
                parts.push(Part::Any);
            } else if let Some(name) = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                let ok =
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok {
                    return Err(format!(
                        "pattern `{source}`: `{piece}` is not a capture like {{slot}}"
                    ));
                }
                parts.push(Part::Capture(name.to_string()));
            } else if piece.contains(['{', '}', '*']) {
                return Err(format!(
                    "pattern `{source}`: `{piece}` mixes words with `*` or braces; put spaces around them"
                ));
            } else {
                parts.extend(tokens(piece).into_iter().map(|t| Part::Word(t.norm)));
            }
        }
        if !parts.iter().any(|p| matches!(p, Part::Word(_))) {
            return Err(format!(
                "pattern `{source}` has no word: it would match anything"
            ));
        }
        Ok(Pattern {
            source: source.to_string(),
            parts,
        })
    }

    /// How many literal words it has (longer patterns are more specific).
    pub fn words(&self) -> usize {
        self.parts
            .iter()
            .filter(|p| matches!(p, Part::Word(_)))
            .count()
    }

    /// The names it captures.
    pub fn captures(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Capture(c) => Some(c.as_str()),
            _ => None,
        })
    }

    /// Its captures if `message` fits it.
    pub fn matches(&self, message: &str) -> Option<BTreeMap<String, String>> {
        let toks = tokens(message);
        let norm: Vec<&str> = toks.iter().map(|t| t.norm.as_str()).collect();
        let raw: Vec<&str> = toks.iter().map(|t| t.raw.as_str()).collect();
        let mut caps = BTreeMap::new();
        fit(&self.parts, &norm, &raw, &mut caps).then_some(caps)
    }
}

/// Backtracking fit of `parts` to the words.
fn fit(parts: &[Part], norm: &[&str], raw: &[&str], caps: &mut BTreeMap<String, String>) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return norm.is_empty();
    };
    match first {
        Part::Word(w) => {
            norm.first() == Some(&w.as_str()) && fit(rest, &norm[1..], &raw[1..], caps)
        }
        Part::Any => (0..=norm.len()).any(|n| fit(rest, &norm[n..], &raw[n..], caps)),
        Part::Capture(name) => (1..=norm.len()).any(|n| {
            if fit(rest, &norm[n..], &raw[n..], caps) {
                caps.insert(name.clone(), raw[..n].join(" "));
                true
            } else {
                false
            }
        }),
    }
}

/// One task's intent, compiled.
#[derive(Debug, Clone)]
pub struct Intent {
    pub task: String,
    pub title: String,
    pub priority: i32,
    pub commands: Vec<String>,
    pub patterns: Vec<Pattern>,
    /// (example as written, its content words).
    pub examples: Vec<(String, Vec<String>)>,
}

/// How a task came to its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Command,
    Pattern,
    Similarity,
    /// By meaning: the cosine of sentence embeddings ([`crate::semantic`]).
    Semantic,
}

/// A task's score for a message.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub task: String,
    pub title: String,
    pub priority: i32,
    pub score: f64,
    pub method: Method,
    /// The command, pattern or example that gave the score.
    pub by: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub captures: BTreeMap<String, String>,
    /// The best cosine of the message with one of the task's examples, when semantic matching
    /// ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic: Option<f64>,
    /// The example that gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic_by: Option<String>,
}

/// What matching decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Decision {
    Matched { task: String },
    Ambiguous { tasks: Vec<String> },
    NoMatch,
}

/// Every task's score, best first, the decision, and why.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchReport {
    pub decision: Decision,
    pub reason: String,
    pub candidates: Vec<Candidate>,
}

impl MatchReport {
    /// The matched candidate, if one was.
    pub fn matched(&self) -> Option<&Candidate> {
        match &self.decision {
            Decision::Matched { task } => self.candidates.iter().find(|c| &c.task == task),
            _ => None,
        }
    }
}

/// Near spellings ("flihgt") count this much of a match.
const NEAR: f64 = 0.8;

/// How much of `a` is found in `b`, word by word.
fn overlap(a: &[String], b: &[String]) -> f64 {
    a.iter()
        .map(|w| {
            if b.contains(w) {
                1.0
            } else if w.chars().count() >= 5
                && b.iter()
                    .any(|x| x.chars().count() >= 5 && strsim::jaro_winkler(w, x) >= 0.9)
            {
                NEAR
            } else {
                0.0
            }
        })
        .sum()
}

/// The similarity of a message's content words to an example's.
pub fn similarity(message: &[String], example: &[String]) -> f64 {
    if message.is_empty() || example.is_empty() {
        return 0.0;
    }
    let recall = overlap(example, message) / example.len() as f64;
    let precision = overlap(message, example) / message.len() as f64;
    let s = 0.7 * recall + 0.3 * precision;
    (s * 1000.0).round() / 1000.0
}

/// Matches `message` against the intents.
pub fn match_intents(intents: &[Intent], settings: &Settings, message: &str) -> MatchReport {
    let folded = crate::text::normalize(message);
    // 1. Commands.
    let mut commands: Vec<&Intent> = intents
        .iter()
        .filter(|i| i.commands.contains(&folded))
        .collect();
    commands.sort_by_key(|i| -i.priority);
    if let Some(first) = commands.first() {
        let candidates = commands
            .iter()
            .map(|i| candidate(i, 1.0, Method::Command, folded.clone(), BTreeMap::new()))
            .collect();
        return MatchReport {
            decision: Decision::Matched {
                task: first.task.clone(),
            },
            reason: format!(
                "the message is the command `{folded}` of \"{}\"",
                first.title
            ),
            candidates,
        };
    }
    // 2. Patterns.
    let mut fits: Vec<(usize, &Intent, &Pattern, BTreeMap<String, String>)> = Vec::new();
    for intent in intents {
        for p in &intent.patterns {
            if let Some(caps) = p.matches(message) {
                fits.push((p.words(), intent, p, caps));
                break;
            }
        }
    }
    fits.sort_by_key(|(words, intent, _, _)| (-intent.priority, std::cmp::Reverse(*words)));
    if let Some((_, intent, pattern, _)) = fits.first() {
        let reason = format!(
            "the message fits the pattern `{}` of \"{}\"{}",
            pattern.source,
            intent.title,
            if fits.len() > 1 {
                " (the highest priority, then the most words, among the patterns that fit)"
            } else {
                ""
            }
        );
        let task = intent.task.clone();
        let candidates = fits
            .into_iter()
            .map(|(_, i, p, caps)| candidate(i, 1.0, Method::Pattern, p.source.clone(), caps))
            .collect();
        return MatchReport {
            decision: Decision::Matched { task },
            reason,
            candidates,
        };
    }
    // 3. Similarity.
    let words = content_words(message);
    let mut candidates: Vec<Candidate> = intents
        .iter()
        .map(|i| {
            let best = i
                .examples
                .iter()
                .map(|(text, ex)| (similarity(&words, ex), text))
                .fold(
                    (0.0, ""),
                    |acc, (s, t)| if s > acc.0 { (s, t.as_str()) } else { acc },
                );
            candidate(
                i,
                best.0,
                Method::Similarity,
                best.1.to_string(),
                BTreeMap::new(),
            )
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.priority.cmp(&a.priority))
            .then(a.task.cmp(&b.task))
    });
    let (decision, reason) = decide(&candidates, settings);
    MatchReport {
        decision,
        reason,
        candidates,
    }
}

fn decide(candidates: &[Candidate], settings: &Settings) -> (Decision, String) {
    let Some(top) = candidates.first().filter(|c| c.score > 0.0) else {
        return (
            Decision::NoMatch,
            "no task's examples share a word with the message".into(),
        );
    };
    if top.score < settings.threshold {
        return (
            Decision::NoMatch,
            format!(
                "the best score, {:.2} for \"{}\", is below the threshold {:.2}",
                top.score, top.title, settings.threshold
            ),
        );
    }
    let close: Vec<&Candidate> = candidates[1..]
        .iter()
        .filter(|c| c.score > 0.0 && top.score - c.score < settings.ambiguity_margin)
        .collect();
    if close.is_empty() {
        return (
            Decision::Matched {
                task: top.task.clone(),
            },
            format!(
                "\"{}\" scores {:.2} against the example \"{}\" (threshold {:.2}, next best more than {:.2} behind)",
                top.title, top.score, top.by, settings.threshold, settings.ambiguity_margin
            ),
        );
    }
    if close.iter().all(|c| c.priority < top.priority) {
        return (
            Decision::Matched {
                task: top.task.clone(),
            },
            format!(
                "\"{}\" scores {:.2}, within {:.2} of another task, and wins by priority {}",
                top.title, top.score, settings.ambiguity_margin, top.priority
            ),
        );
    }
    let mut tasks = vec![top.task.clone()];
    tasks.extend(
        close
            .iter()
            .filter(|c| c.priority == top.priority)
            .map(|c| c.task.clone()),
    );
    (
        Decision::Ambiguous { tasks },
        format!(
            "\"{}\" scores {:.2} but other tasks of the same priority are within {:.2} of it",
            top.title, top.score, settings.ambiguity_margin
        ),
    )
}

fn candidate(
    i: &Intent,
    score: f64,
    method: Method,
    by: String,
    captures: BTreeMap<String, String>,
) -> Candidate {
    Candidate {
        task: i.task.clone(),
        title: i.title.clone(),
        priority: i.priority,
        score,
        method,
        by,
        captures,
        semantic: None,
        semantic_by: None,
    }
}

#[cfg(test)]
mod tests;
