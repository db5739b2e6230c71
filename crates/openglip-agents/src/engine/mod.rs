//! The dialog engine: one person's message in, the agent's answers out, the conversation's
//! [`Session`] carried between turns (serialisable, so the app keeps it in its database and a
//! restart loses nothing).
//!
//! A turn goes like this ([`Agent::respond`]):
//!
//! 1. A conversation silent for longer than `idle_minutes` starts afresh.
//! 2. **Cancel** words ("cancel", "stop", "never mind", …) end every task in progress; **restart**
//!    words ("restart", "start over") run the current task again from its start, empty.
//! 3. While a task **waits for an answer**: a confirmation takes yes/no (with synonyms); an
//!    entity takes its value — and the same message may fill other slots of the task too
//!    ("from Boston to Denver", matched by each slot's `cues`). A message that starts like a
//!    correction ("no, make it Denver", "actually…", "change…") **amends** a slot already filled
//!    (the one its cue names, else the last filled of that kind), and the question is asked again.
//!    A message that is no answer but starts another task **interrupts**: the new task runs, then
//!    the agent comes back ("Now, back to …") and asks again. Greeting and help are answered and
//!    the question repeated. Anything else is a failed attempt: the node's `invalid` message and
//!    the prompt again, until its `retries` are spent; then its `on_fail` (a node, or hand-off).
//! 4. With no task waiting: the **greeting** ("hello", "good afternoon"), **help** (the tasks it
//!    can do), else intent matching ([`crate::matching`]): a task starts, with every slot the
//!    message already gives; an ambiguous match asks which one; nothing matched is the
//!    **fallback** with the closest tasks suggested. After `max_failures` misunderstandings in a
//!    row the agent **hands off** to a person.
//!
//! Nodes run until one needs an answer ([`flow`]); a task that ends returns to the task that ran
//! it as a sub-dialog (with the slots it filled), or resumes a task it interrupted.

mod builtins;
mod flow;
mod slots;

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::agent::Agent;
use crate::matching::{Decision, MatchReport};
use crate::service::Services;
use crate::text::{normalize, tokens};

/// One conversation's state between turns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Tasks in progress, the current one last: a sub-dialog sits on the task that runs it; a
    /// task that interrupted another sits on it.
    pub stack: Vec<Frame>,
    /// Misunderstandings in a row.
    pub failures: u32,
    /// When the last message came (seconds since the epoch).
    pub last_active: Option<i64>,
}

/// A task in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Frame {
    pub task: String,
    /// The node it is at.
    pub node: String,
    /// Whether that node waits for the person's answer.
    pub waiting: bool,
    pub slots: BTreeMap<String, String>,
    /// Slots in the order they were filled (the last of a kind is the one "make it X" changes).
    pub filled: Vec<String>,
    /// Failed answers to the current node.
    pub retries: u32,
    /// For a sub-dialog: the `dialog` node of the task below that it returns to.
    pub returns_to: Option<String>,
}

/// What the engine needs from the world for a turn.
pub struct Turn<'a> {
    pub now: Timestamp,
    /// Today in the person's zone (for "tomorrow", "friday").
    pub today: Date,
    pub services: &'a dyn Services,
}

/// The agent's answer to one message.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    /// The messages to post, in order.
    pub messages: Vec<String>,
    /// What the engine did, in words (for the Talk to agent panel and transcripts).
    pub notes: Vec<String>,
    /// The task in progress after the turn.
    pub task: Option<String>,
    /// The agent handed the conversation to a person.
    pub handoff: bool,
    /// The fallback answered (no task matched): where the optional generative step may answer
    /// instead.
    pub fallback: bool,
    /// What the optional generative step did this turn ("answered by MODEL", or "failed: …;
    /// the fallback answered"); `None` when it was not asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generative: Option<String>,
    /// The intent matching done this turn, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matching: Option<MatchReport>,
}

impl Reply {
    fn say(&mut self, text: impl Into<String>) {
        self.messages.push(text.into());
    }

    fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    /// The messages as one text (how conversation tests read an answer).
    pub fn text(&self) -> String {
        self.messages.join("\n")
    }
}

impl Agent {
    /// Answers `message` in the conversation `session`.
    pub async fn respond(&self, session: &mut Session, message: &str, turn: &Turn<'_>) -> Reply {
        let mut reply = Reply::default();
        let now = turn.now.as_second();
        let idle = i64::from(self.def.settings.idle_minutes) * 60;
        if session.last_active.is_some_and(|t| now - t > idle) && !session.stack.is_empty() {
            reply.note("the conversation was idle too long: starting afresh");
            *session = Session::default();
        }
        session.last_active = Some(now);
        // A published change may have removed the task or node a session was at.
        if session.stack.iter().any(|f| {
            self.task(&f.task)
                .is_none_or(|t| !t.nodes.contains_key(&f.node))
        }) {
            reply.note("the agent changed under this conversation: starting afresh");
            session.stack.clear();
        }
        self.turn(session, message, turn, &mut reply).await;
        reply.task = session.stack.last().map(|f| f.task.clone());
        reply
    }

    async fn turn(&self, session: &mut Session, message: &str, turn: &Turn<'_>, reply: &mut Reply) {
        let folded = normalize(message);
        if builtins::is_cancel(&folded) {
            return self.cancel(session, reply);
        }
        if builtins::is_restart(&folded) {
            return self.restart(session, turn, reply).await;
        }
        if session.stack.last().is_some_and(|f| f.waiting) {
            return self.answer(session, message, turn, reply).await;
        }
        if builtins::is_greeting(&folded, &self.def.agent) {
            reply.note("greeting");
            session.failures = 0;
            return reply.say(self.def.greeting.clone());
        }
        if builtins::is_help(&folded) {
            reply.note("help");
            session.failures = 0;
            return reply.say(self.help());
        }
        let report = self.test_utterance(message);
        reply.note(format!("matching: {}", report.reason));
        match report.decision.clone() {
            Decision::Matched { task } => {
                session.failures = 0;
                let captures = report
                    .matched()
                    .map(|c| c.captures.clone())
                    .unwrap_or_default();
                reply.matching = Some(report);
                self.start(session, &task, message, &captures, turn, reply)
                    .await;
            }
            Decision::Ambiguous { tasks } => {
                let titles: Vec<String> = tasks
                    .iter()
                    .filter_map(|t| self.task(t))
                    .map(|t| format!("\"{}\"", t.title))
                    .collect();
                reply.matching = Some(report);
                reply.say(format!("Did you mean {}?", join_or(&titles)));
                self.failed(session, reply);
            }
            Decision::NoMatch => {
                let suggestions: Vec<String> = report
                    .candidates
                    .iter()
                    .filter(|c| c.score > 0.0)
                    .take(2)
                    .map(|c| format!("\"{}\"", c.title))
                    .collect();
                reply.matching = Some(report);
                reply.fallback = true;
                let text = if suggestions.is_empty() {
                    let all: Vec<String> = self
                        .task_titles()
                        .iter()
                        .map(|t| format!("\"{t}\""))
                        .collect();
                    format!(
                        "{} I can help with {}.",
                        self.def.settings.fallback,
                        join_or(&all)
                    )
                } else {
                    format!(
                        "{} Did you mean {}?",
                        self.def.settings.fallback,
                        join_or(&suggestions)
                    )
                };
                reply.say(text);
                self.failed(session, reply);
            }
        }
    }

    /// One more misunderstanding in a row; at `max_failures`, the hand-off.
    fn failed(&self, session: &mut Session, reply: &mut Reply) {
        session.failures += 1;
        if session.failures >= self.def.settings.max_failures {
            self.handoff(session, reply);
        }
    }

    fn handoff(&self, session: &mut Session, reply: &mut Reply) {
        reply.note("handing off to a person");
        reply.say(self.def.settings.handoff.clone());
        reply.handoff = true;
        session.failures = 0;
        session.stack.clear();
    }

    fn help(&self) -> String {
        let titles: Vec<String> = self
            .task_titles()
            .iter()
            .map(|t| format!("• {t}"))
            .collect();
        format!(
            "Here is what I can do:\n{}\nSay \"cancel\" to stop what we are doing, or \"start over\" to begin it again.",
            titles.join("\n")
        )
    }

    fn cancel(&self, session: &mut Session, reply: &mut Reply) {
        session.failures = 0;
        match session.stack.first() {
            None => reply.say("There is nothing to cancel. Say \"help\" to see what I can do."),
            Some(bottom) => {
                let title = self.title_of(&bottom.task);
                reply.note(format!("cancelled {} task(s)", session.stack.len()));
                session.stack.clear();
                reply.say(format!(
                    "Okay, I've cancelled \"{title}\". What else can I do for you?"
                ));
            }
        }
    }

    async fn restart(&self, session: &mut Session, turn: &Turn<'_>, reply: &mut Reply) {
        session.failures = 0;
        // The task the person started (under its sub-dialogs), with nothing filled.
        while session.stack.last().is_some_and(|f| f.returns_to.is_some()) {
            session.stack.pop();
        }
        let Some(frame) = session.stack.pop() else {
            return reply.say(self.def.greeting.clone());
        };
        reply.say(format!(
            "Okay, let's start \"{}\" again.",
            self.title_of(&frame.task)
        ));
        self.start(session, &frame.task, "", &BTreeMap::new(), turn, reply)
            .await;
    }

    fn title_of(&self, task: &str) -> String {
        self.task(task).map(|t| t.title.clone()).unwrap_or_default()
    }

    /// Starts `task` on top of the stack, with the slots `message` and the pattern's captures give.
    async fn start(
        &self,
        session: &mut Session,
        task: &str,
        message: &str,
        captures: &BTreeMap<String, String>,
        turn: &Turn<'_>,
        reply: &mut Reply,
    ) {
        let Some(t) = self.task(task) else { return };
        reply.note(format!("started \"{}\"", t.title));
        let mut frame = Frame {
            task: task.to_string(),
            node: t.start.clone(),
            waiting: false,
            slots: BTreeMap::new(),
            filled: Vec::new(),
            retries: 0,
            returns_to: None,
        };
        slots::from_captures(self, t, &mut frame, captures, turn.today, reply);
        let toks = tokens(message);
        let found = slots::extract(self, t, &frame, &toks, None, false, turn.today);
        slots::apply(&mut frame, found, reply);
        session.stack.push(frame);
        let start = t.start.clone();
        self.advance(session, Some(start), turn, reply).await;
    }
}

/// "A", "A or B", "A, B or C".
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests;
