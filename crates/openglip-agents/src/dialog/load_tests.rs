use super::*;

const SAMPLE: &str = include_str!("../../../../examples/agents/travel-assistant.yaml");

fn errors(yaml: &str) -> Vec<String> {
    match load(yaml) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_sample_agent_loads() {
    let agent = load(SAMPLE).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(agent.name(), "Travel Assistant");
    assert_eq!(
        agent.task_titles(),
        ["Book a flight", "Check a booking", "Cancel a booking"]
    );
}

#[test]
fn json_is_yaml_too() {
    let json = r#"{"agent": "J", "greeting": "Hi", "tasks": [{"name": "t", "title": "T",
        "intent": {"commands": ["/t"]}, "nodes": [{"id": "m", "message": "Done."}]}]}"#;
    assert!(load(json).is_ok());
}

#[test]
fn syntax_and_shape_errors_come_with_their_line() {
    let e = errors("agent: A\ngreeting: Hi\ntasks:\n  - name: t\n    title: [unclosed\n");
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("line "), "{e:?}");
    let e = errors("agent: A\ngreeting: Hi\ncolour: red\ntasks: []\n");
    assert!(e[0].contains("unknown field `colour`"), "{e:?}");
    assert!(e[0].starts_with("line 3"), "{e:?}");
}

#[test]
fn every_rule_is_checked_at_once_each_at_its_line() {
    let yaml = r#"agent: Broken
greeting: Hi
settings: { threshold: 1.5 }
tasks:
  - name: Book-Flight
    title: Book
    intent: { patterns: ["* *"] }
    nodes:
      - id: a
        entity: { slot: size, type: list, list: sizes, prompt: "Size?" }
        next: nowhere
      - id: b
        message: "Hello {{nobody}}"
        confirm: { question: "Sure?", yes: a, no: end }
      - id: a
        service: { url: "ftp://x", timeout_ms: 0, on_status: { "abc": a } }
      - id: c
        dialog: ghost
      - id: d
        message: x
        transitions:
          - { if: "size ~ big", goto: a }
"#;
    let e = errors(yaml);
    let has = |line: usize, text: &str| {
        assert!(
            e.iter()
                .any(|m| m.starts_with(&format!("line {line}:")) && m.contains(text)),
            "no `{text}` at line {line} in {e:#?}"
        )
    };
    has(3, "`threshold` must be above 0 and at most 1");
    has(5, "task name `Book-Flight` must be lower-case");
    has(7, "has no word");
    has(10, "there is no list `sizes`");
    has(11, "next `nowhere` is not a node");
    has(12, "more than one kind");
    has(13, "`{{nobody}}` is not a slot or variable");
    has(15, "two nodes with id `a`");
    has(16, "url must start with");
    has(16, "timeout_ms must be from 1 to 60000");
    has(16, "on_status `abc`");
    has(18, "there is no task `ghost`");
    has(22, "unknown operator `~`");
}

#[test]
fn a_node_without_a_kind_and_sub_dialog_cycles_are_refused() {
    let yaml = r#"agent: C
greeting: Hi
tasks:
  - name: one
    title: One
    intent: { commands: [one] }
    nodes: [{ id: x, dialog: two }, { id: y }]
  - name: two
    title: Two
    hidden: true
    nodes: [{ id: x, dialog: one }]
"#;
    let e = errors(yaml);
    assert!(
        e.iter()
            .any(|m| m.contains("node `y` of task `one` has no kind")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("runs itself through its sub-dialogs")),
        "{e:?}"
    );
}

#[test]
fn an_agent_needs_a_task_people_can_start() {
    let yaml = "agent: H\ngreeting: Hi\ntasks:\n  - { name: h, title: H, hidden: true, nodes: [{ id: m, message: x }] }\n";
    assert!(
        errors(yaml)
            .iter()
            .any(|m| m.contains("at least one task that is not hidden"))
    );
    let yaml = "agent: H\ngreeting: Hi\ntasks:\n  - { name: h, title: H, nodes: [{ id: m, message: x }] }\n";
    assert!(
        errors(yaml)
            .iter()
            .any(|m| m.contains("no commands, patterns or examples"))
    );
}

#[test]
fn a_bad_validation_pattern_is_refused() {
    let yaml = r#"agent: P
greeting: Hi
tasks:
  - name: p
    title: P
    intent: { commands: [p] }
    nodes:
      - id: r
        entity: { slot: r, type: text, prompt: "Ref?", validate: { pattern: "([a-z" } }
"#;
    let e = errors(yaml);
    assert!(
        e.iter()
            .any(|m| m.starts_with("line 9:") && m.contains("not a valid regular expression")),
        "{e:?}"
    );
}
