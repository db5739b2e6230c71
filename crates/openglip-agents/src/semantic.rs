//! Optional semantic matching: a fourth layer after the three of [`crate::matching`], by
//! meaning rather than words. With a sentence-embedding model (all-MiniLM-L6-v2, loaded by
//! [`openglip_embed`] from the app's `--model-dir`), each example utterance of an agent's tasks
//! is embedded once (when the agent is published or loaded; the embeddings are kept by example
//! text), and a message that reaches the similarity layer is embedded too: a task's semantic
//! score is the best cosine of the message with one of its examples.
//!
//! The deterministic layers stay first and explainable: a command, a pattern or a similarity
//! match decides as before. Only where the words did not decide — no task reached the
//! threshold, or two were ambiguous — the semantic scores may: the best must reach the agent's
//! `semantic_threshold`, and a second task within `semantic_margin` of it makes the match
//! ambiguous, unless the two differ in priority (the higher wins), as with the words. Every
//! task's semantic score is in the [`MatchReport`] beside its word score, for utterance testing.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use openglip_embed::{Encoder, LoadError, cosine};

use crate::dialog::Settings;
use crate::matching::{Candidate, Decision, Intent, MatchReport, Method};

/// At most this many example embeddings are kept (past it the cache starts afresh).
const CACHE_LIMIT: usize = 20_000;

/// The app's sentence-embedding model, and the embeddings of the examples it has seen.
pub struct SemanticModel {
    encoder: Encoder,
    examples: Mutex<HashMap<String, Arc<[f32]>>>,
}

impl std::fmt::Debug for SemanticModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SemanticModel")
            .field("encoder", &self.encoder)
            .finish()
    }
}

impl SemanticModel {
    /// Loads `model.safetensors`, `config.json` and `tokenizer.json` from `dir`.
    pub fn load(dir: &Path) -> Result<SemanticModel, LoadError> {
        Ok(SemanticModel {
            encoder: Encoder::load(dir)?,
            examples: Mutex::new(HashMap::new()),
        })
    }

    /// The embedding of a message (CPU work: a few milliseconds for a short one).
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.encoder.embed(text)
    }

    fn example(&self, text: &str) -> Arc<[f32]> {
        let cached = |m: &Self| {
            m.examples
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(text)
                .cloned()
        };
        if let Some(e) = cached(self) {
            return e;
        }
        let e: Arc<[f32]> = self.encoder.embed(text).into();
        let mut map = self.examples.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= CACHE_LIMIT {
            map.clear();
        }
        map.insert(text.to_string(), e.clone());
        e
    }

    /// The embeddings of the examples of `intents` (computed for the examples not seen yet).
    pub fn index(self: &Arc<Self>, intents: &[Intent]) -> SemanticIndex {
        SemanticIndex {
            model: self.clone(),
            examples: intents
                .iter()
                .map(|i| i.examples.iter().map(|(t, _)| self.example(t)).collect())
                .collect(),
        }
    }
}

/// An agent's examples, embedded: one list per intent, in the agent's order.
pub struct SemanticIndex {
    model: Arc<SemanticModel>,
    examples: Vec<Vec<Arc<[f32]>>>,
}

impl std::fmt::Debug for SemanticIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SemanticIndex")
            .field("intents", &self.examples.len())
            .finish()
    }
}

/// A task's best cosine with the message, and the example that gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct SemanticScore {
    pub task: String,
    pub score: f64,
    pub example: String,
}

impl SemanticIndex {
    /// The word matcher's `report` on `message`, completed by meaning where the words did not
    /// decide by similarity (commands and patterns are left as they are, without embedding
    /// anything).
    pub fn refine(
        &self,
        intents: &[Intent],
        settings: &Settings,
        message: &str,
        report: MatchReport,
    ) -> MatchReport {
        let by_similarity = !report.candidates.is_empty()
            && report
                .candidates
                .iter()
                .all(|c| c.method == Method::Similarity);
        if !by_similarity || message.trim().is_empty() {
            return report;
        }
        let m = self.model.embed(message);
        let scores = intents
            .iter()
            .zip(&self.examples)
            .filter_map(|(intent, examples)| {
                examples
                    .iter()
                    .zip(&intent.examples)
                    .map(|(e, (text, _))| (f64::from(cosine(&m, e)), text))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(score, text)| SemanticScore {
                        task: intent.task.clone(),
                        score: (score * 1000.0).round() / 1000.0,
                        example: text.clone(),
                    })
            })
            .collect::<Vec<_>>();
        combine(report, &scores, settings)
    }
}

/// Puts the semantic `scores` into the report and decides by them where the words did not.
pub fn combine(
    mut report: MatchReport,
    scores: &[SemanticScore],
    settings: &Settings,
) -> MatchReport {
    for c in &mut report.candidates {
        if let Some(s) = scores.iter().find(|s| s.task == c.task) {
            c.semantic = Some(s.score);
            c.semantic_by = Some(s.example.clone());
        }
    }
    if matches!(report.decision, Decision::Matched { .. }) {
        return report;
    }
    let mut ranked: Vec<&Candidate> = report
        .candidates
        .iter()
        .filter(|c| c.semantic.is_some())
        .collect();
    ranked.sort_by(|a, b| {
        b.semantic
            .unwrap_or(0.0)
            .total_cmp(&a.semantic.unwrap_or(0.0))
            .then(b.priority.cmp(&a.priority))
            .then(a.task.cmp(&b.task))
    });
    let Some(top) = ranked.first().copied() else {
        return report;
    };
    let best = top.semantic.unwrap_or(0.0);
    let words = report.reason.clone();
    if best < settings.semantic_threshold {
        report.reason = format!(
            "{words}; by meaning, the best is {best:.2} for \"{}\", below the semantic threshold {:.2}",
            top.title, settings.semantic_threshold
        );
        return report;
    }
    let close: Vec<&Candidate> = ranked[1..]
        .iter()
        .copied()
        .filter(|c| best - c.semantic.unwrap_or(0.0) < settings.semantic_margin)
        .collect();
    let example = top.semantic_by.clone().unwrap_or_default();
    let (title, task, priority) = (top.title.clone(), top.task.clone(), top.priority);
    if close.iter().all(|c| c.priority < priority) {
        let how = if close.is_empty() {
            format!("next best more than {:.2} behind", settings.semantic_margin)
        } else {
            format!("wins by priority {priority}")
        };
        report.reason = format!(
            "{words}; by meaning, \"{title}\" is {best:.2} like the example \"{example}\" (semantic threshold {:.2}, {how})",
            settings.semantic_threshold
        );
        for c in &mut report.candidates {
            if c.task == task {
                c.method = Method::Semantic;
            }
        }
        report.candidates.sort_by(|a, b| {
            b.semantic
                .unwrap_or(0.0)
                .total_cmp(&a.semantic.unwrap_or(0.0))
                .then(b.priority.cmp(&a.priority))
                .then(a.task.cmp(&b.task))
        });
        report.decision = Decision::Matched { task };
        return report;
    }
    if report.decision == Decision::NoMatch {
        let mut tasks = vec![task];
        tasks.extend(
            close
                .iter()
                .filter(|c| c.priority == priority)
                .map(|c| c.task.clone()),
        );
        report.reason = format!(
            "{words}; by meaning, \"{title}\" is {best:.2} but other tasks of the same priority are within {:.2} of it",
            settings.semantic_margin
        );
        report.decision = Decision::Ambiguous { tasks };
    } else {
        report.reason = format!(
            "{words}; by meaning too, \"{title}\" ({best:.2}) has others within {:.2} of it",
            settings.semantic_margin
        );
    }
    report
}

#[cfg(test)]
mod tests;
