//! The dialog file: what an agent says and asks, as its author writes it (YAML, or JSON, which is
//! YAML too). `docs/agents.md` documents every field; this module is its exact shape, and
//! [`load`] turns a file into a checked [`crate::Agent`] or the errors at their lines.
//!
//! An agent has a greeting, settings, custom lists, and **tasks**. A task is started by its
//! **intent** (commands, patterns, example utterances) and runs its **nodes** from `start` (or
//! the first): each node is one of `entity` (ask for a value), `confirm` (a yes/no question with
//! two branches), `message` (say something), `service` (call an HTTP endpoint) or `dialog` (run
//! another task as a sub-dialog, then come back), and goes on by its `transitions` (the first
//! whose condition holds), else `next`, else the task ends.

pub mod condition;
pub mod load;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use condition::Condition;
pub use load::{DialogError, load};

/// A whole dialog file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentDef {
    /// The agent's name, as people and tests name it.
    pub agent: String,
    #[serde(default)]
    pub description: String,
    /// The answer to "hello", "hi", "good afternoon".
    pub greeting: String,
    #[serde(default)]
    pub settings: Settings,
    /// Custom lists for `list` entities (and extra cities for `city`): each item a value, or a
    /// value with its synonyms.
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<ListItem>>,
    pub tasks: Vec<TaskDef>,
}

/// How the agent matches and when it gives up. Every field has a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The least similarity score (0..1) an example utterance must reach to start its task.
    pub threshold: f64,
    /// Two tasks whose scores are closer than this are ambiguous, unless their priorities differ.
    pub ambiguity_margin: f64,
    /// After this many misunderstandings in a row the agent hands off to a person.
    pub max_failures: u32,
    /// Said when handing off to a person.
    pub handoff: String,
    /// Said when nothing matched (the suggestions follow it).
    pub fallback: String,
    /// Minutes of silence after which a conversation starts afresh.
    pub idle_minutes: u32,
    /// Where relative service URLs point (default: the agent app itself).
    pub service_base_url: Option<String>,
    /// Semantic matching, when the app has a sentence-embedding model (`--model-dir`): where the
    /// words of the examples do not decide, their meaning may (`false`: never for this agent).
    pub semantic: bool,
    /// The least cosine (0..1] between the message and an example for semantic matching to
    /// start its task.
    pub semantic_threshold: f64,
    /// Two tasks whose cosines are closer than this are ambiguous, unless their priorities
    /// differ.
    pub semantic_margin: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: 0.5,
            ambiguity_margin: 0.1,
            max_failures: 3,
            handoff: "I'm handing this conversation to a person, who will answer here soon.".into(),
            fallback: "Sorry, I didn't understand that.".into(),
            idle_minutes: 30,
            service_base_url: None,
            semantic: true,
            semantic_threshold: 0.55,
            semantic_margin: 0.1,
        }
    }
}

/// An item of a custom list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ListItem {
    Value(String),
    WithSynonyms {
        value: String,
        #[serde(default)]
        synonyms: Vec<String>,
    },
}

impl ListItem {
    /// The value stored when the item is recognised.
    pub fn value(&self) -> &str {
        match self {
            ListItem::Value(v) | ListItem::WithSynonyms { value: v, .. } => v,
        }
    }

    /// Every spelling that means this item: the value first, then its synonyms.
    pub fn spellings(&self) -> Vec<&str> {
        match self {
            ListItem::Value(v) => vec![v],
            ListItem::WithSynonyms { value, synonyms } => std::iter::once(value.as_str())
                .chain(synonyms.iter().map(String::as_str))
                .collect(),
        }
    }
}

/// A dialog task.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDef {
    /// Its id, unique in the agent (`book_flight`).
    pub name: String,
    /// What help and suggestions call it ("Book a flight").
    pub title: String,
    /// Breaks ties between tasks matched equally well: higher wins.
    #[serde(default)]
    pub priority: i32,
    /// A task only other tasks run (as a sub-dialog): never matched, never listed by help.
    #[serde(default)]
    pub hidden: bool,
    #[serde(default)]
    pub intent: IntentDef,
    /// The first node (default: the first listed).
    #[serde(default)]
    pub start: Option<String>,
    pub nodes: Vec<NodeDef>,
}

/// What starts a task.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentDef {
    /// Whole messages that start it exactly ("/book", "book").
    #[serde(default)]
    pub commands: Vec<String>,
    /// Patterns over words: `*` stands for any words (none too), `{slot}` for one or more
    /// words captured into that slot ("fly from {from} to {to}").
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Example utterances, compared by token similarity.
    #[serde(default)]
    pub examples: Vec<String>,
}

/// One node: `id`, exactly one of the kinds, and where to go next.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeDef {
    pub id: String,
    #[serde(default)]
    pub entity: Option<EntityNode>,
    #[serde(default)]
    pub confirm: Option<ConfirmNode>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub service: Option<ServiceNode>,
    /// Runs this task as a sub-dialog; its slots come back to this one when it ends.
    #[serde(default)]
    pub dialog: Option<String>,
    /// Conditional ways on, tried in order before `next`.
    #[serde(default)]
    pub transitions: Vec<Transition>,
    #[serde(default)]
    pub next: Option<String>,
}

/// Asks for a value and keeps it in a slot.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityNode {
    /// The slot the value goes into (`{{slot}}` in templates).
    pub slot: String,
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// For `type: list`: the list's name in `lists`.
    #[serde(default)]
    pub list: Option<String>,
    /// The question.
    pub prompt: String,
    /// What the slot is called when the agent says it changed ("destination").
    #[serde(default)]
    pub label: Option<String>,
    /// Words next to the value in a sentence that say it is this slot's ("from", "leaving").
    #[serde(default)]
    pub cues: Vec<String>,
    #[serde(default)]
    pub validate: Validation,
    /// Said (then the prompt again) when an answer is not a valid value.
    #[serde(default)]
    pub invalid: Option<String>,
    /// How many times to ask again after the first answer fails.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Where to go when the retries are spent: a node, or `handoff` (the default).
    #[serde(default)]
    pub on_fail: Option<String>,
    /// Stores the value in upper case (references, codes).
    #[serde(default)]
    pub uppercase: bool,
}

fn default_retries() -> u32 {
    2
}

/// The kinds of values an entity node understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Number,
    Integer,
    Date,
    Time,
    Email,
    Phone,
    City,
    List,
    Text,
}

/// Rules a value must keep.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validation {
    /// Least number (number, integer).
    #[serde(default)]
    pub min: Option<f64>,
    /// Greatest number (number, integer).
    #[serde(default)]
    pub max: Option<f64>,
    /// A date not before today.
    #[serde(default)]
    pub future: bool,
    /// A regular expression the whole value must match (text). A text entity with a pattern
    /// is also found inside sentences.
    #[serde(default)]
    pub pattern: Option<String>,
}

/// A yes/no question with a branch for each answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmNode {
    pub question: String,
    pub yes: String,
    pub no: String,
}

/// An HTTP call with the slots.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceNode {
    #[serde(default = "default_method")]
    pub method: String,
    /// Absolute, or relative to `settings.service_base_url` (default: the agent app). Templates
    /// allowed.
    pub url: String,
    /// A JSON body; string values are templates.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// Variables taken from the JSON answer: name → JSON pointer (`/reference`).
    #[serde(default)]
    pub result: BTreeMap<String, String>,
    /// Where to go by status: `"201"`, `"2xx"`, `"404"`, `"4xx"`, `"error"` (no answer: timeout,
    /// refused connection), `"default"`. Without a match the node goes on by `next`.
    #[serde(default)]
    pub on_status: BTreeMap<String, String>,
}

fn default_method() -> String {
    "GET".into()
}

fn default_timeout() -> u64 {
    5000
}

/// A conditional way on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// `slot OP value` (`==`, `!=`, `>`, `>=`, `<`, `<=`), `slot set` or `slot unset`; absent:
    /// always.
    #[serde(default, rename = "if")]
    pub condition: Option<String>,
    pub goto: String,
}

impl NodeDef {
    /// How many node kinds this node names (a valid node names exactly one).
    pub fn kinds(&self) -> usize {
        [
            self.entity.is_some(),
            self.confirm.is_some(),
            self.message.is_some(),
            self.service.is_some(),
            self.dialog.is_some(),
        ]
        .into_iter()
        .filter(|k| *k)
        .count()
    }
}
