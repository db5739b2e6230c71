//! Loading a dialog file: YAML (or JSON) into an [`AgentDef`], then every rule `docs/agents.md`
//! states checked at once, each error at its line. A file with any error gives no agent, so a
//! half-valid dialog never answers anyone.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use regex::Regex;
use serde::Serialize;

use super::{AgentDef, Condition, EntityKind, NodeDef, TaskDef};
use crate::agent::{Agent, CompiledNode, CompiledTask};
use crate::entities::EntitySpec;
use crate::matching::{Intent, Pattern};
use crate::template;
use crate::text::{content_words, normalize};

/// What is wrong with a dialog file, and where (1-based line, when known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DialogError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for DialogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Where a node may go besides its task's nodes.
const END: &str = "end";
const HANDOFF: &str = "handoff";
/// Variables every task has: a service node's status and failure.
const BUILT_IN_VARIABLES: [&str; 3] = ["status", "service_error", "agent"];

/// Parses and checks a dialog file.
pub fn load(text: &str) -> Result<Agent, Vec<DialogError>> {
    let def: AgentDef = serde_norway::from_str(text).map_err(|e| {
        vec![DialogError {
            line: e.location().map(|l| l.line()),
            message: e.to_string(),
        }]
    })?;
    let mut check = Checker {
        lines: text.lines().collect(),
        errors: Vec::new(),
    };
    let agent = check.agent(def);
    if check.errors.is_empty() {
        Ok(agent)
    } else {
        check.errors.sort_by_key(|e| e.line.unwrap_or(0));
        Err(check.errors)
    }
}

struct Checker<'a> {
    lines: Vec<&'a str>,
    errors: Vec<DialogError>,
}

impl Checker<'_> {
    fn error(&mut self, line: Option<usize>, message: impl Into<String>) {
        self.errors.push(DialogError {
            line,
            message: message.into(),
        });
    }

    /// The line (1-based) of `key: value` at or after line `from`, in block or flow style
    /// (`{ key: value, … }`), quotes allowed.
    fn line_of(&self, key: &str, value: &str, from: usize) -> Option<usize> {
        let pattern = format!("{key}:");
        self.lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find(|(_, l)| {
                l.match_indices(&pattern).any(|(i, _)| {
                    let before = l[..i].chars().next_back();
                    let starts = before.is_none_or(|c| matches!(c, ' ' | '{' | ',' | '-'));
                    let rest = &l[i + pattern.len()..];
                    let end = rest.find([',', '}']).unwrap_or(rest.len());
                    starts && rest[..end].trim().trim_matches(['"', '\'']) == value
                })
            })
            .map(|(i, _)| i + 1)
    }

    /// The line of the first line at or after `from` that contains `needle`.
    fn line_with(&self, needle: &str, from: usize) -> Option<usize> {
        self.lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
    }

    fn agent(&mut self, def: AgentDef) -> Agent {
        if def.agent.trim().is_empty() {
            self.error(
                self.line_of("agent", "", 1),
                "`agent` (the agent's name) is empty",
            );
        }
        if def.greeting.trim().is_empty() {
            self.error(self.line_of("greeting", "", 1), "`greeting` is empty");
        }
        let s = &def.settings;
        if !(s.threshold > 0.0 && s.threshold <= 1.0) {
            self.error(
                self.line_with("threshold:", 1),
                "`threshold` must be above 0 and at most 1",
            );
        }
        if !(0.0..1.0).contains(&s.ambiguity_margin) {
            self.error(
                self.line_with("ambiguity_margin:", 1),
                "`ambiguity_margin` must be from 0 to below 1",
            );
        }
        if !(s.semantic_threshold > 0.0 && s.semantic_threshold <= 1.0) {
            self.error(
                self.line_with("semantic_threshold:", 1),
                "`semantic_threshold` must be above 0 and at most 1",
            );
        }
        if !(0.0..1.0).contains(&s.semantic_margin) {
            self.error(
                self.line_with("semantic_margin:", 1),
                "`semantic_margin` must be from 0 to below 1",
            );
        }
        if s.max_failures == 0 {
            self.error(
                self.line_with("max_failures:", 1),
                "`max_failures` must be at least 1",
            );
        }
        if s.idle_minutes == 0 {
            self.error(
                self.line_with("idle_minutes:", 1),
                "`idle_minutes` must be at least 1",
            );
        }
        for (name, items) in &def.lists {
            let line = self.line_with(&format!("{name}:"), 1);
            if items.is_empty() {
                self.error(line, format!("list `{name}` has no items"));
            }
            if items
                .iter()
                .any(|i| i.spellings().iter().any(|s| normalize(s).is_empty()))
            {
                self.error(line, format!("list `{name}` has an empty item or synonym"));
            }
        }
        if !def.tasks.iter().any(|t| !t.hidden) {
            self.error(
                self.line_with("tasks:", 1),
                "the agent needs at least one task that is not hidden",
            );
        }
        let mut seen = BTreeSet::new();
        let task_names: BTreeSet<&str> = def.tasks.iter().map(|t| t.name.as_str()).collect();
        let mut tasks = Vec::new();
        for task in &def.tasks {
            let line = self.line_of("name", &task.name, 1);
            if !seen.insert(task.name.as_str()) {
                self.error(line, format!("two tasks are named `{}`", task.name));
            }
            tasks.push(self.task(&def, task, line.unwrap_or(1), &task_names));
        }
        self.dialog_cycles(&def);
        let intents = tasks
            .iter()
            .filter(|t: &&CompiledTask| !t.hidden)
            .map(|t| t.intent.clone())
            .collect();
        Agent::new(def, tasks, intents)
    }

    fn task(
        &mut self,
        def: &AgentDef,
        task: &TaskDef,
        at: usize,
        task_names: &BTreeSet<&str>,
    ) -> CompiledTask {
        let line = Some(at);
        let valid_name = !task.name.is_empty()
            && task
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            self.error(
                line,
                format!(
                    "task name `{}` must be lower-case letters, digits and _",
                    task.name
                ),
            );
        }
        if task.title.trim().is_empty() {
            self.error(line, format!("task `{}` has no title", task.name));
        }
        let i = &task.intent;
        if !task.hidden && i.commands.is_empty() && i.patterns.is_empty() && i.examples.is_empty() {
            self.error(line, format!("task `{}` has no commands, patterns or examples to start it (or mark it hidden)", task.name));
        }
        if task.nodes.is_empty() {
            self.error(line, format!("task `{}` has no nodes", task.name));
        }
        let ids: BTreeSet<&str> = task.nodes.iter().map(|n| n.id.as_str()).collect();
        let mut patterns = Vec::new();
        for p in &i.patterns {
            match Pattern::parse(p) {
                Ok(p) => patterns.push(p),
                Err(e) => self.error(self.line_with(p, at), e),
            }
        }
        // What the task's templates may name: its slots (and its sub-dialogs'), captures,
        // service results, built-ins.
        let mut known: BTreeSet<String> =
            BUILT_IN_VARIABLES.iter().map(|s| s.to_string()).collect();
        collect_names(def, task, &mut known, &mut BTreeSet::new());
        for p in &patterns {
            known.extend(p.captures().map(str::to_string));
        }
        let mut nodes = BTreeMap::new();
        let mut seen = BTreeSet::new();
        let mut cursor = at;
        for node in &task.nodes {
            let nline = self.line_of("id", &node.id, cursor).or(line);
            cursor = nline.map_or(cursor, |l| l + 1);
            if !seen.insert(node.id.as_str()) {
                self.error(
                    nline,
                    format!("task `{}` has two nodes with id `{}`", task.name, node.id),
                );
            }
            if node.id == END || node.id == HANDOFF {
                self.error(
                    nline,
                    format!("`{}` is reserved: a node cannot be called so", node.id),
                );
            }
            let compiled = self.node(def, task, node, nline, &ids, task_names, &known);
            nodes.insert(node.id.clone(), compiled);
        }
        let start = task
            .start
            .clone()
            .or_else(|| task.nodes.first().map(|n| n.id.clone()))
            .unwrap_or_default();
        if task.start.is_some() && !ids.contains(start.as_str()) {
            self.error(
                self.line_of("start", &start, at),
                format!("`start: {start}` is not a node of task `{}`", task.name),
            );
        }
        CompiledTask {
            name: task.name.clone(),
            title: task.title.clone(),
            hidden: task.hidden,
            start,
            nodes,
            order: task.nodes.iter().map(|n| n.id.clone()).collect(),
            intent: Intent {
                task: task.name.clone(),
                title: task.title.clone(),
                priority: task.priority,
                commands: i.commands.iter().map(|c| normalize(c)).collect(),
                patterns,
                examples: i
                    .examples
                    .iter()
                    .map(|e| (e.clone(), content_words(e)))
                    .collect(),
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        def: &AgentDef,
        task: &TaskDef,
        node: &NodeDef,
        line: Option<usize>,
        ids: &BTreeSet<&str>,
        task_names: &BTreeSet<&str>,
        known: &BTreeSet<String>,
    ) -> CompiledNode {
        let at = line.unwrap_or(1);
        let here = format!("node `{}` of task `{}`", node.id, task.name);
        match node.kinds() {
            1 => {}
            0 => self.error(
                line,
                format!(
                    "{here} has no kind: give it one of entity, confirm, message, service, dialog"
                ),
            ),
            _ => self.error(
                line,
                format!(
                    "{here} has more than one kind of entity, confirm, message, service, dialog"
                ),
            ),
        }
        let target = |me: &mut Self, to: &str, handoff_ok: bool, what: &str| {
            let ok = ids.contains(to) || to == END || (handoff_ok && to == HANDOFF);
            if !ok {
                me.error(
                    me.line_with(to, at).or(line),
                    format!(
                        "{here}: {what} `{to}` is not a node of the task (nor `end`{})",
                        if handoff_ok { " or `handoff`" } else { "" }
                    ),
                );
            }
        };
        if let Some(n) = &node.next {
            target(self, n, true, "next");
        }
        let mut conditions = Vec::new();
        for t in &node.transitions {
            target(self, &t.goto, true, "goto");
            match t.condition.as_deref().map(Condition::parse) {
                None => conditions.push(None),
                Some(Ok(c)) => conditions.push(Some(c)),
                Some(Err(e)) => {
                    self.error(self.line_with("if:", at).or(line), format!("{here}: {e}"));
                    conditions.push(None);
                }
            }
        }
        let mut templates: Vec<&str> = Vec::new();
        let mut entity = None;
        if let Some(e) = &node.entity {
            templates.push(&e.prompt);
            templates.extend(e.invalid.as_deref());
            if e.slot.trim().is_empty() {
                self.error(line, format!("{here}: the entity has no slot"));
            }
            if e.prompt.trim().is_empty() {
                self.error(line, format!("{here}: the entity has no prompt"));
            }
            if let Some(f) = &e.on_fail {
                target(self, f, true, "on_fail");
            }
            let mut items = Vec::new();
            match (e.kind, &e.list) {
                (EntityKind::List, None) => self.error(
                    line,
                    format!("{here}: a list entity needs `list:` naming one of `lists`"),
                ),
                (EntityKind::List, Some(l)) if !def.lists.contains_key(l) => {
                    self.error(
                        self.line_of("list", l, at).or(line),
                        format!("{here}: there is no list `{l}` in `lists`"),
                    );
                }
                (EntityKind::List, Some(l)) => items = list_items(&def.lists[l]),
                (EntityKind::City, _) => {
                    if let Some(extra) = def.lists.get("city") {
                        items = list_items(extra);
                    }
                }
                (_, Some(_)) => {
                    self.error(line, format!("{here}: `list:` is only for list entities"))
                }
                _ => {}
            }
            let v = &e.validate;
            if let (Some(a), Some(b)) = (v.min, v.max)
                && a > b
            {
                self.error(
                    self.line_with("min:", at).or(line),
                    format!("{here}: min is above max"),
                );
            }
            let pattern = match &v.pattern {
                None => None,
                Some(p) => match Regex::new(&format!("^(?:{p})$")) {
                    Ok(r) => Some(r),
                    Err(err) => {
                        self.error(
                            self.line_with("pattern:", at).or(line),
                            format!("{here}: the pattern is not a valid regular expression: {err}"),
                        );
                        None
                    }
                },
            };
            entity = Some(EntitySpec {
                kind: e.kind,
                items,
                validation: v.clone(),
                pattern,
                uppercase: e.uppercase,
            });
        }
        if let Some(c) = &node.confirm {
            templates.push(&c.question);
            target(self, &c.yes, true, "yes");
            target(self, &c.no, true, "no");
        }
        if let Some(m) = &node.message {
            templates.push(m);
            if m.trim().is_empty() {
                self.error(line, format!("{here}: the message is empty"));
            }
        }
        if let Some(s) = &node.service {
            templates.push(&s.url);
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&s.method.as_str()) {
                self.error(
                    self.line_with("method:", at).or(line),
                    format!("{here}: method must be GET, POST, PUT, PATCH or DELETE"),
                );
            }
            if !(s.url.starts_with('/')
                || s.url.starts_with("http://")
                || s.url.starts_with("https://"))
            {
                self.error(
                    self.line_with("url:", at).or(line),
                    format!("{here}: url must start with http://, https:// or /"),
                );
            }
            if !(1..=60_000).contains(&s.timeout_ms) {
                self.error(
                    self.line_with("timeout_ms:", at).or(line),
                    format!("{here}: timeout_ms must be from 1 to 60000"),
                );
            }
            for (name, pointer) in &s.result {
                if !(pointer.is_empty() || pointer.starts_with('/')) {
                    self.error(
                        self.line_with(pointer, at).or(line),
                        format!("{here}: result `{name}` must be a JSON pointer starting with /"),
                    );
                }
            }
            for (key, to) in &s.on_status {
                let k = key.as_bytes();
                let ok = key == "error"
                    || key == "default"
                    || (k.len() == 3
                        && (b'1'..=b'5').contains(&k[0])
                        && (key[1..] == *"xx" || key[1..].bytes().all(|b| b.is_ascii_digit())));
                if !ok {
                    self.error(self.line_with(key, at).or(line), format!("{here}: on_status `{key}` must be a status (201), a class (2xx), error or default"));
                }
                target(self, to, true, "on_status");
            }
            if let Some(body) = &s.body {
                collect_strings(body, &mut |t| {
                    for name in template::names(t) {
                        if !known.contains(&name) {
                            self.error(
                                self.line_with(&format!("{{{{{name}"), at).or(line),
                                format!(
                                    "{here}: `{{{{{name}}}}}` is not a slot or variable of the task"
                                ),
                            );
                        }
                    }
                });
            }
        }
        if let Some(d) = &node.dialog {
            if !task_names.contains(d.as_str()) {
                self.error(
                    self.line_of("dialog", d, at).or(line),
                    format!("{here}: there is no task `{d}` to run as a sub-dialog"),
                );
            } else if *d == task.name {
                self.error(
                    self.line_of("dialog", d, at).or(line),
                    format!("{here}: a task cannot run itself as a sub-dialog"),
                );
            }
        }
        for t in templates {
            for name in template::names(t) {
                if !known.contains(&name) {
                    self.error(
                        self.line_with(&format!("{{{{{name}"), at).or(line),
                        format!("{here}: `{{{{{name}}}}}` is not a slot or variable of the task"),
                    );
                }
            }
        }
        CompiledNode {
            def: node.clone(),
            entity,
            conditions,
        }
    }

    /// Sub-dialogs that end up running themselves.
    fn dialog_cycles(&mut self, def: &AgentDef) {
        let calls: BTreeMap<&str, Vec<&str>> = def
            .tasks
            .iter()
            .map(|t| {
                (
                    t.name.as_str(),
                    t.nodes.iter().filter_map(|n| n.dialog.as_deref()).collect(),
                )
            })
            .collect();
        for start in calls.keys() {
            let mut stack: Vec<&str> = calls[start].clone();
            let mut seen = BTreeSet::new();
            while let Some(t) = stack.pop() {
                if t == *start && calls[start].iter().all(|d| d != start) {
                    self.error(
                        self.line_of("name", start, 1),
                        format!("task `{start}` runs itself through its sub-dialogs"),
                    );
                    break;
                }
                if seen.insert(t) {
                    stack.extend(calls.get(t).into_iter().flatten());
                }
            }
        }
    }
}

/// The slots and variables a task (and the sub-dialogs it runs) can fill.
fn collect_names<'a>(
    def: &'a AgentDef,
    task: &'a TaskDef,
    into: &mut BTreeSet<String>,
    seen: &mut BTreeSet<&'a str>,
) {
    if !seen.insert(task.name.as_str()) {
        return;
    }
    for n in &task.nodes {
        if let Some(e) = &n.entity {
            into.insert(e.slot.clone());
        }
        if let Some(s) = &n.service {
            into.extend(s.result.keys().cloned());
        }
        if let Some(d) = &n.dialog
            && let Some(sub) = def.tasks.iter().find(|t| &t.name == d)
        {
            collect_names(def, sub, into, seen);
        }
    }
}

fn collect_strings(v: &serde_json::Value, f: &mut impl FnMut(&str)) {
    match v {
        serde_json::Value::String(s) => f(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, f)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, f)),
        _ => {}
    }
}

fn list_items(items: &[super::ListItem]) -> Vec<(String, Vec<Vec<String>>)> {
    items
        .iter()
        .map(|i| {
            let spellings = i
                .spellings()
                .iter()
                .map(|s| crate::text::tokens(s).into_iter().map(|t| t.norm).collect())
                .collect();
            (i.value().to_string(), spellings)
        })
        .collect()
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
