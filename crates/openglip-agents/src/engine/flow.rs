//! Running nodes: [`Agent::advance`] goes from node to node until one needs an answer or the task
//! ends; [`Agent::answer`] takes the person's answer to the node that waits.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use super::{Reply, Session, Turn, builtins, slots};
use crate::agent::{Agent, CompiledNode, CompiledTask};
use crate::dialog::{EntityKind, ServiceNode};
use crate::entities;
use crate::matching::{Decision, Method};
use crate::service::{ServiceCall, ServiceOutcome};
use crate::template::{render, render_with, url_escape};
use crate::text::{normalize, tokens};

/// Nodes one turn may run before the engine decides the dialog loops.
const MAX_STEPS: usize = 100;

impl Agent {
    /// Where a node goes on: the first transition whose condition holds, else `next`, else the
    /// node listed after it, else the task's end (`None`).
    fn next_of(
        task: &CompiledTask,
        node: &CompiledNode,
        slots: &BTreeMap<String, String>,
    ) -> Option<String> {
        for (t, c) in node.def.transitions.iter().zip(&node.conditions) {
            if c.as_ref().is_none_or(|c| c.holds(slots)) {
                return Some(t.goto.clone());
            }
        }
        if let Some(n) = &node.def.next {
            return Some(n.clone());
        }
        let at = task.order.iter().position(|id| *id == node.def.id)?;
        task.order.get(at + 1).cloned()
    }

    /// The question the top frame's node asks, with its slots filled in.
    fn question(&self, session: &Session) -> Option<String> {
        let frame = session.stack.last()?;
        let node = self.task(&frame.task)?.nodes.get(&frame.node)?;
        let text = node.def.entity.as_ref().map(|e| &e.prompt).or(node
            .def
            .confirm
            .as_ref()
            .map(|c| &c.question))?;
        Some(render(text, &frame.slots))
    }

    /// Asks the waiting node's question again.
    fn ask_again(&self, session: &Session, reply: &mut Reply) {
        if let Some(q) = self.question(session) {
            reply.say(q);
        }
    }

    /// Runs nodes from `goto` (`None`: the task ends) until one waits for an answer.
    pub(super) async fn advance(
        &self,
        session: &mut Session,
        mut goto: Option<String>,
        turn: &Turn<'_>,
        reply: &mut Reply,
    ) {
        for _ in 0..MAX_STEPS {
            let Some(frame) = session.stack.last_mut() else {
                return;
            };
            let Some(task) = self.task(&frame.task) else {
                session.stack.clear();
                return;
            };
            let id = match goto.as_deref() {
                Some("handoff") => return self.handoff(session, reply),
                None | Some("end") => {
                    let done = session.stack.pop().expect("a frame");
                    reply.note(format!("finished \"{}\"", task.title));
                    let Some(parent) = session.stack.last_mut() else {
                        return;
                    };
                    if let Some(back) = done.returns_to {
                        // A sub-dialog: its slots go back, and the parent goes on after it.
                        for slot in &done.filled {
                            if let Some(v) = done.slots.get(slot) {
                                slots::set(parent, slot, v.clone());
                            }
                        }
                        for (k, v) in done.slots {
                            parent.slots.entry(k).or_insert(v);
                        }
                        let Some((ptask, node)) = self
                            .task(&parent.task)
                            .and_then(|t| t.nodes.get(&back).map(|n| (t, n)))
                        else {
                            session.stack.clear();
                            return;
                        };
                        goto = Self::next_of(ptask, node, &parent.slots);
                        continue;
                    }
                    // An interrupted task: back to its question.
                    reply.say(format!("Now, back to \"{}\".", self.title_of(&parent.task)));
                    return self.ask_again(session, reply);
                }
                Some(id) => id.to_string(),
            };
            let Some(node) = task.nodes.get(&id) else {
                session.stack.clear();
                return;
            };
            frame.node = id.clone();
            frame.retries = 0;
            frame.waiting = false;
            let def = &node.def;
            if let Some(e) = &def.entity {
                if frame.slots.contains_key(&e.slot) {
                    goto = Self::next_of(task, node, &frame.slots);
                    continue;
                }
                reply.say(render(&e.prompt, &frame.slots));
                frame.waiting = true;
                return;
            }
            if let Some(c) = &def.confirm {
                reply.say(render(&c.question, &frame.slots));
                frame.waiting = true;
                return;
            }
            if let Some(m) = &def.message {
                reply.say(render(m, &frame.slots));
                goto = Self::next_of(task, node, &frame.slots);
                continue;
            }
            if let Some(s) = &def.service {
                let branch = call_service(s, &mut frame.slots, turn, reply).await;
                goto = branch.or_else(|| Self::next_of(task, node, &frame.slots));
                continue;
            }
            if let Some(d) = &def.dialog {
                let Some(sub) = self.task(d) else {
                    session.stack.clear();
                    return;
                };
                reply.note(format!("sub-dialog \"{}\"", sub.title));
                let child = super::Frame {
                    task: sub.name.clone(),
                    node: sub.start.clone(),
                    waiting: false,
                    slots: frame.slots.clone(),
                    filled: frame.filled.clone(),
                    retries: 0,
                    returns_to: Some(id),
                };
                goto = Some(sub.start.clone());
                session.stack.push(child);
                continue;
            }
            return;
        }
        reply.note(format!(
            "stopped after {MAX_STEPS} nodes without a question: the dialog loops"
        ));
        reply.say("Sorry, something went wrong in this conversation. Let's start again.");
        session.stack.clear();
    }

    /// The person's answer to the node that waits.
    pub(super) async fn answer(
        &self,
        session: &mut Session,
        message: &str,
        turn: &Turn<'_>,
        reply: &mut Reply,
    ) {
        let folded = normalize(message);
        let toks = tokens(message);
        let frame = session.stack.last().expect("a waiting frame").clone();
        let Some(task) = self.task(&frame.task) else {
            return;
        };
        let Some(node) = task.nodes.get(&frame.node) else {
            return;
        };
        let amend = builtins::is_amend(&folded);

        if let Some(confirm) = &node.def.confirm {
            let yes_no = builtins::yes_no(&folded);
            if amend && yes_no.is_none() && self.amend(session, &toks, None, turn, reply) {
                return self.ask_again(session, reply);
            }
            match yes_no {
                Some(yes) => {
                    session.failures = 0;
                    reply.note(if yes { "confirmed" } else { "declined" });
                    let to = if yes { &confirm.yes } else { &confirm.no };
                    return self.advance(session, Some(to.clone()), turn, reply).await;
                }
                None => {
                    if self
                        .aside(session, message, &folded, false, turn, reply)
                        .await
                    {
                        return;
                    }
                    return self
                        .retry(session, "please answer yes or no.".into(), turn, reply)
                        .await;
                }
            }
        }

        let Some(e) = &node.def.entity else { return };
        let spec = node.entity.as_ref().expect("entity spec");
        let free_text = e.kind == EntityKind::Text && spec.pattern.is_none();
        if free_text {
            // Anything is an answer, so only a command or pattern interrupts.
            if self
                .aside(session, message, &folded, true, turn, reply)
                .await
            {
                return;
            }
            let value = entities::whole(spec, message, &toks, turn.today);
            if let Some(v) = value {
                let top = session.stack.last_mut().expect("frame");
                slots::set(top, &e.slot, v);
                session.failures = 0;
                let next = Self::next_of(task, node, &top.slots);
                return self.advance(session, next, turn, reply).await;
            }
            return self.retry(session, String::new(), turn, reply).await;
        }
        let found = slots::extract(self, task, &frame, &toks, Some(&e.slot), amend, turn.today);
        let mine = found.iter().find(|a| a.slot == e.slot).cloned();
        if let Some(a) = &mine
            && let Some(problem) = &a.problem
        {
            return self
                .retry(session, format!("{problem}."), turn, reply)
                .await;
        }
        let changed: Vec<String> = found
            .iter()
            .filter(|a| {
                a.problem.is_none()
                    && a.slot != e.slot
                    && a.replaces.as_ref().is_some_and(|r| *r != a.value)
            })
            .map(|a| format!("Okay, {} is now {}.", a.label, a.value))
            .collect();
        let any = found.iter().any(|a| a.problem.is_none());
        let top = session.stack.last_mut().expect("frame");
        slots::apply(top, found, reply);
        changed.into_iter().for_each(|c| reply.say(c));
        if mine.is_some() {
            session.failures = 0;
            let next = Self::next_of(task, node, &top.slots);
            return self.advance(session, next, turn, reply).await;
        }
        if any {
            // Other slots filled or corrected: the question stands.
            session.failures = 0;
            return self.ask_again(session, reply);
        }
        if self
            .aside(session, message, &folded, false, turn, reply)
            .await
        {
            return;
        }
        self.retry(session, String::new(), turn, reply).await
    }

    /// A correction while a confirmation waits: changes the slots the message names.
    fn amend(
        &self,
        session: &mut Session,
        toks: &[crate::text::Token],
        awaited: Option<&str>,
        turn: &Turn<'_>,
        reply: &mut Reply,
    ) -> bool {
        let Some(frame) = session.stack.last() else {
            return false;
        };
        let Some(task) = self.task(&frame.task) else {
            return false;
        };
        let found: Vec<_> = slots::extract(self, task, frame, toks, awaited, true, turn.today)
            .into_iter()
            .filter(|a| a.problem.is_none())
            .collect();
        if found.is_empty() {
            return false;
        }
        for a in &found {
            reply.say(format!("Okay, {} is now {}.", a.label, a.value));
        }
        let top = session.stack.last_mut().expect("frame");
        slots::apply(top, found, reply);
        session.failures = 0;
        true
    }

    /// Something beside the question: greeting, help, or another task (an interruption; with
    /// `strict`, only by command or pattern). Answered, and the question asked again.
    async fn aside(
        &self,
        session: &mut Session,
        message: &str,
        folded: &str,
        strict: bool,
        turn: &Turn<'_>,
        reply: &mut Reply,
    ) -> bool {
        if builtins::is_greeting(folded, &self.def.agent) {
            reply.say(self.def.greeting.clone());
            self.ask_again(session, reply);
            return true;
        }
        if builtins::is_help(folded) {
            reply.say(self.help());
            self.ask_again(session, reply);
            return true;
        }
        let report = self.test_utterance(message);
        let Decision::Matched { task } = &report.decision else {
            return false;
        };
        if strict
            && report
                .matched()
                .is_some_and(|c| matches!(c.method, Method::Similarity | Method::Semantic))
        {
            return false;
        }
        let current = session
            .stack
            .last()
            .map(|f| f.task.clone())
            .unwrap_or_default();
        reply.note(format!("matching: {}", report.reason));
        if session.stack.iter().any(|f| &f.task == task) {
            reply.say(format!("We are already on \"{}\".", self.title_of(task)));
            self.ask_again(session, reply);
            return true;
        }
        reply.note(format!("interrupted \"{}\"", self.title_of(&current)));
        let captures = report
            .matched()
            .map(|c| c.captures.clone())
            .unwrap_or_default();
        let task = task.clone();
        reply.matching = Some(report);
        session.failures = 0;
        self.start(session, &task, message, &captures, turn, reply)
            .await;
        true
    }

    /// A failed answer: say why and ask again, until the node's retries are spent.
    async fn retry(&self, session: &mut Session, why: String, turn: &Turn<'_>, reply: &mut Reply) {
        let Some(frame) = session.stack.last_mut() else {
            return;
        };
        let Some(node) = self
            .task(&frame.task)
            .and_then(|t| t.nodes.get(&frame.node))
        else {
            return;
        };
        frame.retries += 1;
        let (limit, on_fail, invalid) = match &node.def.entity {
            Some(e) => (e.retries, e.on_fail.clone(), e.invalid.clone()),
            None => (2, None, None),
        };
        if frame.retries > limit {
            reply.note("retries spent");
            let to = on_fail.unwrap_or_else(|| "handoff".into());
            return self.advance(session, Some(to), turn, reply).await;
        }
        let text = match invalid {
            Some(t) => render(&t, &frame.slots),
            None if why.is_empty() => "Sorry, I didn't get that.".into(),
            None => format!("Sorry, {why}"),
        };
        reply.say(if why.is_empty() || text.contains(&why) {
            text
        } else {
            format!("{text} ({})", why.trim_end_matches('.'))
        });
        self.ask_again(session, reply);
    }
}

/// Makes a service node's call; its status and results go into the slots. The branch its
/// `on_status` gives, if any.
async fn call_service(
    s: &ServiceNode,
    slots: &mut BTreeMap<String, String>,
    turn: &Turn<'_>,
    reply: &mut Reply,
) -> Option<String> {
    let call = ServiceCall {
        method: s.method.clone(),
        url: render_with(&s.url, slots, url_escape),
        body: s.body.as_ref().map(|b| fill_json(b, slots)),
        timeout: Duration::from_millis(s.timeout_ms),
    };
    reply.note(format!("service {} {}", call.method, call.url));
    match turn.services.call(call).await {
        ServiceOutcome::Answered { status, body } => {
            reply.note(format!("service answered {status}"));
            slots.insert("status".into(), status.to_string());
            slots.remove("service_error");
            for (name, pointer) in &s.result {
                if let Some(v) = body.pointer(pointer) {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    slots.insert(name.clone(), text);
                }
            }
            let code = status.to_string();
            let class = format!("{}xx", status / 100);
            s.on_status
                .get(&code)
                .or_else(|| s.on_status.get(&class))
                .or_else(|| s.on_status.get("default"))
                .cloned()
        }
        ServiceOutcome::Failed(why) => {
            reply.note(format!("service failed: {why}"));
            slots.insert("service_error".into(), why);
            slots.remove("status");
            s.on_status
                .get("error")
                .or_else(|| s.on_status.get("default"))
                .cloned()
        }
    }
}

/// A JSON body with its string templates filled; a string that is only `{{slot}}` with a
/// number in it becomes that number.
fn fill_json(v: &Value, slots: &BTreeMap<String, String>) -> Value {
    match v {
        Value::String(t) => {
            let trimmed = t.trim();
            let only = trimmed.starts_with("{{")
                && trimmed.ends_with("}}")
                && trimmed.matches("{{").count() == 1;
            let filled = render(t, slots);
            if only && let Ok(n) = filled.parse::<i64>() {
                return Value::from(n);
            }
            if only && let Ok(n) = filled.parse::<f64>() {
                return Value::from(n);
            }
            Value::String(filled)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| fill_json(x, slots)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), fill_json(x, slots)))
                .collect(),
        ),
        other => other.clone(),
    }
}
