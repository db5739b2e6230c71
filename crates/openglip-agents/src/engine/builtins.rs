//! The words every agent understands without being told: greetings, help, cancel, restart, yes
//! and no, and the openings of a correction. Compared with the folded message (lower case,
//! punctuation dropped), whole or as its first words.

use crate::text::{is_stopword, tokens};

const GREETINGS: &[&str] = &[
    "hello",
    "hi",
    "hey",
    "hiya",
    "howdy",
    "greetings",
    "good morning",
    "good afternoon",
    "good evening",
    "good day",
    "hi there",
    "hello there",
    "hey there",
];
const GREETING_EXTRAS: &[&str] = &["there", "everyone", "all", "bot", "agent", "again"];
const HELP: &[&str] = &[
    "help",
    "help me",
    "menu",
    "options",
    "what can you do",
    "what can i do",
    "what do you do",
    "what can you help with",
    "what can you help me with",
];
const CANCEL: &[&str] = &[
    "cancel",
    "stop",
    "quit",
    "abort",
    "never mind",
    "nevermind",
    "forget it",
    "cancel that",
    "cancel it",
    "exit",
];
const RESTART: &[&str] = &[
    "restart",
    "start over",
    "start again",
    "begin again",
    "reset",
];
const YES: &[&str] = &[
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "correct",
    "right",
    "confirm",
    "go ahead",
    "please do",
    "that's right",
    "that is right",
    "absolutely",
    "of course",
    "affirmative",
    "do it",
];
const NO: &[&str] = &[
    "no",
    "n",
    "nope",
    "nah",
    "negative",
    "not really",
    "don't",
    "do not",
    "wrong",
    "that's wrong",
    "no thanks",
    "no thank you",
];
const AMEND: &[&str] = &[
    "no",
    "actually",
    "change",
    "make it",
    "instead",
    "correction",
    "sorry",
    "wait",
    "not",
    "rather",
    "switch",
];

fn starts_with_phrase(folded: &str, phrase: &str) -> bool {
    folded == phrase
        || folded
            .strip_prefix(phrase)
            .is_some_and(|rest| rest.starts_with(' '))
}

/// A greeting and nothing else ("good afternoon", "hi there, Travel Assistant").
pub fn is_greeting(folded: &str, agent_name: &str) -> bool {
    let Some(g) = GREETINGS
        .iter()
        .filter(|g| starts_with_phrase(folded, g))
        .max_by_key(|g| g.len())
    else {
        return false;
    };
    let name: Vec<String> = tokens(agent_name).into_iter().map(|t| t.norm).collect();
    tokens(&folded[g.len()..]).iter().all(|t| {
        is_stopword(&t.norm) || GREETING_EXTRAS.contains(&t.norm.as_str()) || name.contains(&t.norm)
    })
}

pub fn is_help(folded: &str) -> bool {
    HELP.contains(&folded.trim_end_matches(" please"))
}

pub fn is_cancel(folded: &str) -> bool {
    CANCEL.contains(&folded.trim_end_matches(" please"))
}

pub fn is_restart(folded: &str) -> bool {
    RESTART.contains(&folded.trim_end_matches(" please"))
}

/// Yes, no, or neither (a polite tail allowed: "yes please", "no thanks").
pub fn yes_no(folded: &str) -> Option<bool> {
    let f = folded
        .trim_end_matches(" please")
        .trim_end_matches(" thanks")
        .trim_end_matches(" thank you");
    if YES.contains(&f) {
        Some(true)
    } else if NO.contains(&f) {
        Some(false)
    } else {
        None
    }
}

/// Whether a message opens like a correction ("no, make it Denver", "change the date to …").
pub fn is_amend(folded: &str) -> bool {
    AMEND.iter().any(|a| starts_with_phrase(folded, a)) || folded.split(' ').any(|w| w == "instead")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize;

    #[test]
    fn greetings_alone_but_not_with_a_request() {
        assert!(is_greeting(&normalize("Hello"), "Travel Assistant"));
        assert!(is_greeting(
            &normalize("good afternoon"),
            "Travel Assistant"
        ));
        assert!(is_greeting(
            &normalize("Hi there, Travel Assistant!"),
            "Travel Assistant"
        ));
        assert!(!is_greeting(
            &normalize("hi, book a flight"),
            "Travel Assistant"
        ));
        assert!(!is_greeting(&normalize("history"), "Travel Assistant"));
    }

    #[test]
    fn yes_and_no_with_synonyms() {
        assert_eq!(yes_no("yep"), Some(true));
        assert_eq!(yes_no("yes please"), Some(true));
        assert_eq!(yes_no("that's right"), Some(true));
        assert_eq!(yes_no("nope"), Some(false));
        assert_eq!(yes_no("no thanks"), Some(false));
        assert_eq!(yes_no("no make it denver"), None);
    }

    #[test]
    fn corrections_cancel_restart_help() {
        assert!(is_amend("no make it denver"));
        assert!(is_amend("actually 3 passengers"));
        assert!(is_amend("fly to denver instead"));
        assert!(!is_amend("denver"));
        assert!(is_cancel("never mind"));
        assert!(!is_cancel("cancel my booking"));
        assert!(is_restart("start over"));
        assert!(is_help("what can you do"));
    }
}
