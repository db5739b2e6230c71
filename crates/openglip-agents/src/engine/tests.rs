//! The engine's rules, one by one, against small agents written for each and the sample agent.
//! Service nodes talk to a recording stand-in for an HTTP service (`Canned`); the real HTTP
//! client is tested against the real flights endpoint in `tests/agents/`.

use std::sync::Mutex;

use jiff::civil::date;

use super::*;
use crate::service::{BoxFuture, ServiceCall, ServiceOutcome};

const SAMPLE: &str = include_str!("../../../../examples/agents/travel-assistant.yaml");

/// Answers every call with one outcome, and keeps the calls.
struct Canned {
    outcome: ServiceOutcome,
    calls: Mutex<Vec<ServiceCall>>,
}

impl Canned {
    fn answering(status: u16, body: serde_json::Value) -> Canned {
        Canned {
            outcome: ServiceOutcome::Answered { status, body },
            calls: Mutex::new(Vec::new()),
        }
    }
}

impl Services for Canned {
    fn call(&self, call: ServiceCall) -> BoxFuture<'_, ServiceOutcome> {
        self.calls.lock().unwrap().push(call);
        let o = self.outcome.clone();
        Box::pin(async move { o })
    }
}

/// A conversation with an agent on Monday 7 December 2026.
struct Chat {
    agent: Agent,
    session: Session,
    services: Canned,
    now: i64,
}

impl Chat {
    fn new(yaml: &str) -> Chat {
        Chat::with(
            yaml,
            Canned::answering(201, serde_json::json!({"reference": "TA-ABC234"})),
        )
    }

    fn with(yaml: &str, services: Canned) -> Chat {
        let agent = crate::dialog::load(yaml).unwrap_or_else(|e| panic!("{e:?}"));
        Chat {
            agent,
            session: Session::default(),
            services,
            now: 1_796_630_400,
        }
    }

    fn say(&mut self, text: &str) -> Reply {
        let turn = Turn {
            now: Timestamp::from_second(self.now).unwrap(),
            today: date(2026, 12, 7),
            services: &self.services,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(self.agent.respond(&mut self.session, text, &turn))
    }

    fn text(&mut self, text: &str) -> String {
        self.say(text).text()
    }

    fn slot(&self, name: &str) -> Option<&str> {
        self.session
            .stack
            .last()?
            .slots
            .get(name)
            .map(String::as_str)
    }
}

const SMALL: &str = r#"
agent: Small
greeting: Hi from Small.
settings: { max_failures: 2, threshold: 0.6 }
lists:
  size:
    - value: Large
      synonyms: [big, xl]
    - Small
tasks:
  - name: order
    title: Order a shirt
    intent: { commands: [/order], examples: [order a shirt] }
    nodes:
      - id: size
        entity: { slot: size, type: list, list: size, prompt: "Which size?", retries: 1, on_fail: give_up }
      - id: count
        entity: { slot: count, type: integer, prompt: "How many?", validate: { min: 1, max: 5 }, invalid: "1 to 5, please." }
        transitions:
          - if: count >= 3
            goto: bulk
        next: email
      - id: bulk
        message: "{{count}} is a bulk order."
      - id: email
        entity: { slot: email, type: email, cues: [email, mail], prompt: "Your e-mail?", retries: 0 }
      - id: note
        entity: { slot: note, type: text, prompt: "Any note?" }
      - id: sure
        confirm: { question: "Order {{count}} {{size}} for {{email}}?", yes: done, no: dropped }
      - id: done
        message: "Ordered. Note: {{note}}"
        next: end
      - id: dropped
        message: Dropped.
        next: end
      - id: give_up
        message: Let's leave the size for now.
  - name: track
    title: Track an order
    intent: { examples: [track my order, where is my order] }
    nodes:
      - id: where
        message: It is on its way.
"#;

#[test]
fn greeting_and_help_are_built_in() {
    let mut c = Chat::new(SAMPLE);
    assert!(
        c.text("Hello")
            .starts_with("Hello! I'm the Travel Assistant.")
    );
    assert!(
        c.text("good afternoon")
            .contains("What would you like to do?")
    );
    let help = c.text("help");
    assert!(
        help.contains("• Book a flight\n• Check a booking\n• Cancel a booking"),
        "{help}"
    );
    assert!(
        !help.contains("reference"),
        "hidden tasks are not listed: {help}"
    );
}

#[test]
fn entity_nodes_prompt_and_take_each_kind() {
    let mut c = Chat::new(SMALL);
    assert_eq!(c.text("/order"), "Which size?");
    assert_eq!(c.text("XL please"), "How many?");
    assert_eq!(c.slot("size"), Some("Large"));
    assert_eq!(c.text("two"), "Your e-mail?");
    assert_eq!(c.text("ann@example.com"), "Any note?");
    assert_eq!(
        c.text("Gift wrap, please"),
        "Order 2 Large for ann@example.com?"
    );
    assert_eq!(c.slot("note"), Some("Gift wrap, please"));
}

#[test]
fn invalid_values_are_refused_with_the_node_message_and_asked_again() {
    let mut c = Chat::new(SMALL);
    c.say("/order");
    c.say("small");
    let r = c.text("9");
    assert_eq!(r, "1 to 5, please. (9 is more than 5)\nHow many?");
    assert_eq!(c.slot("count"), None);
}

#[test]
fn retries_then_on_fail_node() {
    let mut c = Chat::new(SMALL);
    c.say("/order");
    assert_eq!(c.text("purple"), "Sorry, I didn't get that.\nWhich size?");
    // retries: 1 — the second failure goes to on_fail.
    assert_eq!(c.text("purple again"), "Let's leave the size for now.");
    assert!(c.session.stack.is_empty());
}

#[test]
fn retries_spent_without_on_fail_hand_off() {
    let mut c = Chat::new(SMALL);
    c.say("/order");
    c.say("big");
    c.say("1");
    let r = c.say("no idea");
    assert!(r.handoff);
    assert!(r.text().contains("handing this conversation to a person"));
    assert!(c.session.stack.is_empty());
}

#[test]
fn transitions_follow_conditions() {
    let mut c = Chat::new(SMALL);
    c.say("/order");
    c.say("big");
    assert_eq!(c.text("4"), "4 is a bulk order.\nYour e-mail?");
    let mut c = Chat::new(SMALL);
    c.say("/order");
    c.say("big");
    assert_eq!(c.text("2"), "Your e-mail?");
}

#[test]
fn confirmation_branches_on_yes_and_no_synonyms() {
    for (answer, expected) in [("yep", "Ordered. Note: -"), ("nope", "Dropped.")] {
        let mut c = Chat::new(SMALL);
        for s in ["/order", "big", "1", "me@example.com", "-"] {
            c.say(s);
        }
        assert_eq!(c.text(answer), expected);
        assert!(c.session.stack.is_empty());
    }
    let mut c = Chat::new(SMALL);
    for s in ["/order", "big", "1", "me@example.com", "-"] {
        c.say(s);
    }
    assert_eq!(
        c.text("perhaps"),
        "Sorry, please answer yes or no.\nOrder 1 Large for me@example.com?"
    );
}

#[test]
fn several_entities_in_one_message_fill_their_slots_by_cue() {
    let mut c = Chat::new(SAMPLE);
    let r = c.text("I want to book a flight from Boston to Denver tomorrow for 2 people");
    assert_eq!(
        r,
        "Shall I book 2 seat(s) from Boston to Denver on 2026-12-08?"
    );
    // The answer to one question may fill the next ones too.
    let mut c = Chat::new(SAMPLE);
    c.say("/book");
    assert_eq!(
        c.text("leaving Chicago on friday"),
        "And where are you flying to?"
    );
    assert_eq!(c.slot("date"), Some("2026-12-11"));
    assert_eq!(
        c.text("Denver, 3 passengers"),
        "Shall I book 3 seat(s) from Chicago to Denver on 2026-12-11?"
    );
}

#[test]
fn amend_changes_the_last_slot_of_that_kind_or_the_cued_one() {
    let mut c = Chat::new(SAMPLE);
    c.say("fly from Boston to Miami on 12/24 for 2");
    let r = c.text("no, make it Denver");
    assert_eq!(
        r,
        "Okay, destination is now Denver.\nShall I book 2 seat(s) from Boston to Denver on 2026-12-24?"
    );
    let r = c.text("actually from Austin");
    assert_eq!(
        r,
        "Okay, departure city is now Austin.\nShall I book 2 seat(s) from Austin to Denver on 2026-12-24?"
    );
    let r = c.text("change it to 4 passengers");
    assert!(r.contains("number of passengers is now 4"), "{r}");
    // While another question waits, a correction changes the slot and asks again.
    let mut c = Chat::new(SAMPLE);
    c.say("book a flight from Boston to Miami");
    let r = c.text("no, make it Denver");
    assert_eq!(
        r,
        "Okay, destination is now Denver.\nWhat date would you like to fly?"
    );
}

#[test]
fn service_node_sends_the_slots_keeps_results_and_branches_on_status() {
    let mut c = Chat::new(SAMPLE);
    c.say("fly from Boston to Denver on 12/24 for 2");
    assert_eq!(
        c.text("yes"),
        "Your flight is booked. Your booking reference is TA-ABC234."
    );
    let calls = c.services.calls.lock().unwrap();
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].url, "/flights/bookings");
    assert_eq!(
        calls[0].body,
        Some(
            serde_json::json!({"from": "Boston", "to": "Denver", "date": "2026-12-24", "passengers": 2})
        )
    );
    assert_eq!(calls[0].timeout, std::time::Duration::from_millis(3000));
    drop(calls);

    let refused = Canned::answering(400, serde_json::json!({"errorCode": "CMN-101"}));
    let mut c = Chat::with(SAMPLE, refused);
    c.say("fly from Boston to Denver on 12/24 for 2");
    assert!(c.text("yes").contains("the airline refused"));
}

#[test]
fn a_service_without_an_answer_takes_the_error_branch() {
    let down = Canned {
        outcome: ServiceOutcome::Failed("did not answer within 3000 ms".into()),
        calls: Mutex::new(Vec::new()),
    };
    let mut c = Chat::with(SAMPLE, down);
    c.say("fly from Boston to Denver on 12/24 for 2");
    let r = c.say("yes");
    assert!(r.text().contains("not answering right now"));
    assert!(r.notes.iter().any(|n| n.contains("did not answer")));
}

#[test]
fn sub_dialogs_return_their_slots_and_urls_escape_them() {
    let found = Canned::answering(
        200,
        serde_json::json!({"from": "Boston", "to": "Denver", "date": "2026-12-24", "passengers": 2, "status": "confirmed"}),
    );
    let mut c = Chat::with(SAMPLE, found);
    assert_eq!(
        c.text("check my booking"),
        "What is your booking reference? It looks like TA-7KQ2PX."
    );
    assert_eq!(c.session.stack.len(), 2, "the sub-dialog sits on its task");
    let r = c.text("ta-abc234");
    assert_eq!(
        r,
        "Booking TA-ABC234: 2 seat(s) from Boston to Denver on 2026-12-24, confirmed."
    );
    assert_eq!(
        c.services.calls.lock().unwrap()[0].url,
        "/flights/bookings/TA-ABC234"
    );
    assert!(c.session.stack.is_empty());
}

#[test]
fn an_interruption_runs_the_other_task_then_resumes() {
    let mut c = Chat::new(SMALL);
    c.say("/order");
    let r = c.text("where is my order");
    assert_eq!(
        r,
        "It is on its way.\nNow, back to \"Order a shirt\".\nWhich size?"
    );
    assert_eq!(c.text("big"), "How many?");
}

#[test]
fn free_text_is_interrupted_only_by_commands_and_patterns() {
    let mut c = Chat::new(SMALL);
    for s in ["/order", "big", "1", "me@example.com"] {
        c.say(s);
    }
    // An example-like sentence is a note here…
    assert!(c.text("where is my order").starts_with("Order 1 Large"));
    assert_eq!(c.slot("note"), Some("where is my order"));
}

#[test]
fn cancel_and_restart() {
    let mut c = Chat::new(SMALL);
    c.say("/order");
    c.say("big");
    assert_eq!(
        c.text("start over"),
        "Okay, let's start \"Order a shirt\" again.\nWhich size?"
    );
    assert_eq!(c.slot("size"), None);
    assert_eq!(
        c.text("never mind"),
        "Okay, I've cancelled \"Order a shirt\". What else can I do for you?"
    );
    assert!(c.session.stack.is_empty());
    assert!(c.text("cancel").starts_with("There is nothing to cancel."));
}

#[test]
fn fallback_suggests_the_closest_tasks_and_hands_off_after_repeated_failures() {
    let mut c = Chat::new(SMALL);
    let r = c.say("my order status");
    assert_eq!(
        r.text(),
        "Sorry, I didn't understand that. Did you mean \"Order a shirt\" or \"Track an order\"?"
    );
    assert!(!r.handoff);
    let r = c.say("xyzzy");
    assert!(r.handoff, "max_failures: 2");
    assert!(
        r.text()
            .ends_with("I'm handing this conversation to a person, who will answer here soon.")
    );
    // A success in between starts the count again.
    let mut c = Chat::new(SMALL);
    c.say("xyzzy");
    c.say("hello");
    assert!(!c.say("xyzzy").handoff);
}

#[test]
fn ambiguous_matches_ask_which_one() {
    let yaml = r#"
agent: Twins
greeting: Hi.
tasks:
  - { name: a, title: Unlock a password, intent: { examples: [unlock my password] }, nodes: [{ id: m, message: A }] }
  - { name: b, title: Unlock an account, intent: { examples: [unlock my account] }, nodes: [{ id: m, message: B }] }
"#;
    let mut c = Chat::new(yaml);
    assert_eq!(
        c.text("unlock"),
        "Did you mean \"Unlock a password\" or \"Unlock an account\"?"
    );
}

#[test]
fn an_idle_conversation_starts_afresh() {
    let mut c = Chat::new(SMALL);
    c.say("/order");
    c.now += 31 * 60;
    let r = c.say("big");
    assert!(r.notes.iter().any(|n| n.contains("idle")));
    assert!(c.session.stack.is_empty());
}

#[test]
fn a_session_survives_serialisation() {
    let mut c = Chat::new(SAMPLE);
    c.say("book a flight from Boston");
    let json = serde_json::to_string(&c.session).unwrap();
    c.session = serde_json::from_str(&json).unwrap();
    assert_eq!(c.text("to Denver"), "What date would you like to fly?");
}

#[test]
fn a_dialog_that_loops_without_asking_stops() {
    let yaml = r#"
agent: Loop
greeting: Hi.
tasks:
  - name: spin
    title: Spin
    intent: { commands: [spin] }
    nodes:
      - { id: a, message: round, next: b }
      - { id: b, message: and round, next: a }
"#;
    let mut c = Chat::new(yaml);
    let r = c.say("spin");
    assert!(
        r.text()
            .ends_with("Sorry, something went wrong in this conversation. Let's start again.")
    );
    assert!(c.session.stack.is_empty());
}
