//! How semantic scores combine with the word matcher's report (made-up scores; the real
//! model's are in `tests/agents/semantic.rs`).

use super::*;
use crate::matching::{Pattern, match_intents};
use crate::text::content_words;

fn intent(task: &str, priority: i32, patterns: &[&str], examples: &[&str]) -> Intent {
    Intent {
        task: task.into(),
        title: task.replace('_', " "),
        priority,
        commands: vec![],
        patterns: patterns
            .iter()
            .map(|p| Pattern::parse(p).unwrap())
            .collect(),
        examples: examples
            .iter()
            .map(|e| (e.to_string(), content_words(e)))
            .collect(),
    }
}

fn intents(cancel_priority: i32) -> Vec<Intent> {
    vec![
        intent(
            "book_flight",
            0,
            &["* book * flight *"],
            &["I want to book a flight"],
        ),
        intent(
            "cancel_booking",
            cancel_priority,
            &[],
            &["cancel my booking", "I no longer want my flight"],
        ),
    ]
}

fn scores(book: f64, cancel: f64) -> Vec<SemanticScore> {
    vec![
        SemanticScore {
            task: "book_flight".into(),
            score: book,
            example: "I want to book a flight".into(),
        },
        SemanticScore {
            task: "cancel_booking".into(),
            score: cancel,
            example: "I no longer want my flight".into(),
        },
    ]
}

#[test]
fn meaning_decides_where_no_words_did() {
    let s = Settings::default();
    let words = match_intents(&intents(0), &s, "scrap the trip, I am staying home");
    assert_eq!(words.decision, Decision::NoMatch);
    let r = combine(words, &scores(0.31, 0.72), &s);
    assert_eq!(
        r.decision,
        Decision::Matched {
            task: "cancel_booking".into()
        }
    );
    let m = r.matched().unwrap();
    assert_eq!(m.method, Method::Semantic);
    assert_eq!(m.semantic, Some(0.72));
    assert_eq!(m.semantic_by.as_deref(), Some("I no longer want my flight"));
    assert_eq!(
        r.candidates[0].task, "cancel_booking",
        "best by meaning first"
    );
    assert!(
        r.reason.contains("by meaning, \"cancel booking\" is 0.72"),
        "{}",
        r.reason
    );
}

#[test]
fn below_the_semantic_threshold_nothing_matches_and_the_report_says_why() {
    let s = Settings::default();
    let words = match_intents(&intents(0), &s, "tell me a joke");
    let r = combine(words, &scores(0.21, 0.12), &s);
    assert_eq!(r.decision, Decision::NoMatch);
    assert!(
        r.reason.contains("below the semantic threshold 0.55"),
        "{}",
        r.reason
    );
    assert_eq!(r.candidates[0].semantic, Some(0.21));
}

#[test]
fn close_meanings_are_ambiguous_unless_a_priority_decides() {
    let s = Settings::default();
    let words = match_intents(&intents(0), &s, "my ticket number is ABC123");
    let r = combine(words, &scores(0.62, 0.58), &s);
    assert_eq!(
        r.decision,
        Decision::Ambiguous {
            tasks: vec!["book_flight".into(), "cancel_booking".into()]
        }
    );
    let words = match_intents(&intents(1), &s, "my ticket number is ABC123");
    let r = combine(words, &scores(0.58, 0.62), &s);
    assert_eq!(
        r.decision,
        Decision::Matched {
            task: "cancel_booking".into()
        }
    );
    assert!(r.reason.contains("wins by priority 1"), "{}", r.reason);
}

#[test]
fn the_words_decide_first() {
    let s = Settings::default();
    // A pattern's match stands (and `refine` does not even embed the message for it).
    let words = match_intents(&intents(0), &s, "please book my flight");
    let r = combine(words, &scores(0.1, 0.9), &s);
    assert_eq!(
        r.decision,
        Decision::Matched {
            task: "book_flight".into()
        }
    );
    // A similarity match by words stands, whatever the meaning says; its scores are shown.
    let words = match_intents(&intents(0), &s, "cancel my booking");
    assert!(matches!(words.decision, Decision::Matched { .. }));
    let r = combine(words, &scores(0.9, 0.3), &s);
    assert_eq!(
        r.decision,
        Decision::Matched {
            task: "cancel_booking".into()
        }
    );
    assert_eq!(r.matched().unwrap().method, Method::Similarity);
    assert_eq!(r.matched().unwrap().semantic, Some(0.3));
}
