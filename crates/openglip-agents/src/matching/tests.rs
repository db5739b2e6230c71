use super::*;

fn intent(
    task: &str,
    priority: i32,
    commands: &[&str],
    patterns: &[&str],
    examples: &[&str],
) -> Intent {
    Intent {
        task: task.into(),
        title: task.replace('_', " "),
        priority,
        commands: commands.iter().map(|c| crate::text::normalize(c)).collect(),
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

fn intents() -> Vec<Intent> {
    vec![
        intent(
            "book_flight",
            0,
            &["/book"],
            &["fly from {from} to {to} *", "* book * flight *"],
            &["I want to book a flight", "I need a plane ticket"],
        ),
        intent(
            "check_booking",
            0,
            &["/check"],
            &["* check * booking *"],
            &["check my booking", "what is the status of my reservation"],
        ),
        intent(
            "cancel_booking",
            0,
            &[],
            &[],
            &["cancel my booking", "cancel my reservation"],
        ),
    ]
}

#[test]
fn a_command_is_the_whole_message() {
    let r = match_intents(&intents(), &Settings::default(), "/book");
    assert_eq!(
        r.decision,
        Decision::Matched {
            task: "book_flight".into()
        }
    );
    assert_eq!(r.candidates[0].method, Method::Command);
    let r = match_intents(&intents(), &Settings::default(), "/book now");
    assert_ne!(r.candidates[0].method, Method::Command);
}

#[test]
fn patterns_capture_words_and_wildcards_take_any_number() {
    let r = match_intents(
        &intents(),
        &Settings::default(),
        "Fly from New York to Denver tomorrow",
    );
    let m = r.matched().unwrap();
    assert_eq!(m.task, "book_flight");
    assert_eq!(m.method, Method::Pattern);
    assert_eq!(m.captures["from"], "New York");
    // A capture takes as few words as it can.
    assert_eq!(m.captures["to"], "Denver");
    assert!(r.reason.contains("fly from {from} to {to} *"));
    // `*` takes no words too.
    let r = match_intents(&intents(), &Settings::default(), "book flight");
    assert_eq!(r.matched().unwrap().method, Method::Pattern);
}

#[test]
fn patterns_that_fit_equally_go_by_priority_then_words() {
    let list = vec![
        intent("short", 0, &[], &["* flight *"], &[]),
        intent("long", 0, &[], &["* book * flight *"], &[]),
        intent("important", 5, &[], &["* flight"], &[]),
    ];
    let r = match_intents(&list, &Settings::default(), "please book my flight now");
    assert_eq!(
        r.decision,
        Decision::Matched {
            task: "long".into()
        }
    );
    let r = match_intents(&list, &Settings::default(), "book my flight");
    assert_eq!(
        r.decision,
        Decision::Matched {
            task: "important".into()
        }
    );
}

#[test]
fn bad_patterns_are_refused() {
    assert!(Pattern::parse("* *").unwrap_err().contains("no word"));
    assert!(Pattern::parse("book*").unwrap_err().contains("spaces"));
    assert!(Pattern::parse("to {a b}").is_err());
}

#[test]
fn similarity_scores_examples_and_explains() {
    let r = match_intents(
        &intents(),
        &Settings::default(),
        "could I get a plane ticket",
    );
    let m = r.matched().unwrap();
    assert_eq!(m.task, "book_flight");
    assert_eq!(m.method, Method::Similarity);
    assert_eq!(m.by, "I need a plane ticket");
    assert!(m.score >= 0.9, "{}", m.score);
    assert!(r.reason.contains("scores"));
    // Every task is reported with its score.
    assert_eq!(r.candidates.len(), 3);
}

#[test]
fn near_spellings_still_count() {
    let r = match_intents(&intents(), &Settings::default(), "cancel my resevation");
    assert_eq!(
        r.decision,
        Decision::Matched {
            task: "cancel_booking".into()
        }
    );
}

#[test]
fn below_the_threshold_nothing_matches() {
    let r = match_intents(
        &intents(),
        &Settings::default(),
        "what's the weather in Paris",
    );
    assert_eq!(r.decision, Decision::NoMatch);
    let strict = Settings {
        threshold: 0.95,
        ..Settings::default()
    };
    let r = match_intents(&intents(), &strict, "cancel the booking for tomorrow");
    assert_eq!(r.decision, Decision::NoMatch);
    assert!(r.reason.contains("below the threshold 0.95"));
}

#[test]
fn close_scores_are_ambiguous_unless_priorities_differ() {
    let mut list = vec![
        intent("a", 0, &[], &[], &["reset my password"]),
        intent("b", 0, &[], &[], &["reset my account"]),
    ];
    let r = match_intents(&list, &Settings::default(), "reset");
    assert_eq!(
        r.decision,
        Decision::Ambiguous {
            tasks: vec!["a".into(), "b".into()]
        }
    );
    list[1].priority = 1;
    let r = match_intents(&list, &Settings::default(), "reset");
    assert_eq!(r.decision, Decision::Matched { task: "b".into() });
    assert!(r.reason.contains("priority"));
}

#[test]
fn similarity_weighs_recall_over_precision() {
    let ex = content_words("book a flight");
    let msg = content_words("book a flight from Boston to Denver");
    let s = similarity(&msg, &ex);
    assert!(s > 0.7 && s < 1.0, "{s}");
    assert_eq!(similarity(&ex, &ex), 1.0);
    assert_eq!(similarity(&[], &ex), 0.0);
}
