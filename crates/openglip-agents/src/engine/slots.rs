//! Which values of a message go into which slots. Every entity node of the task (and of the
//! sub-dialogs it runs) looks for values of its kind; values of more specific kinds claim their
//! words first (a date's "24" is no passenger count). Then, in three passes:
//!
//! 1. a value next to one of a slot's `cues` ("**from** Boston", "2 **passengers**") goes to
//!    that slot;
//! 2. the slot the agent just asked for takes the first value of its kind left;
//! 3. other empty slots take the first value of their kind left — or, in a correction, the
//!    slot of that kind filled last takes it ("no, make it Denver" changes the destination).
//!
//! A slot already filled changes only in a correction or when it is the one asked for.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{Frame, Reply};
use crate::agent::{Agent, CompiledNode, CompiledTask};
use crate::dialog::EntityKind;
use crate::entities::{self, EntitySpec, Found};
use crate::text::Token;

/// A value for a slot, or why it cannot be one.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub slot: String,
    pub label: String,
    pub value: String,
    /// Why the value breaks the slot's validation.
    pub problem: Option<String>,
    /// The value it replaces.
    pub replaces: Option<String>,
}

/// Which kinds claim words first.
fn rank(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Date => 0,
        EntityKind::Time => 1,
        EntityKind::Email => 2,
        EntityKind::Phone => 3,
        EntityKind::Text => 4,
        EntityKind::City | EntityKind::List => 5,
        EntityKind::Number | EntityKind::Integer => 6,
    }
}

const FILLER: &[&str] = &["the", "a", "an", "my", "our"];

/// Whether a cue of the node stands just before or just after the span.
fn cued(node: &CompiledNode, toks: &[Token], f: &Found) -> bool {
    let Some(e) = &node.def.entity else {
        return false;
    };
    let is_cue = |i: usize| e.cues.iter().any(|c| c.eq_ignore_ascii_case(&toks[i].norm));
    let mut before = f.start;
    while before > 0 && FILLER.contains(&toks[before - 1].norm.as_str()) {
        before -= 1;
    }
    (before > 0 && is_cue(before - 1)) || (f.end < toks.len() && is_cue(f.end))
}

fn assignment(
    node: &CompiledNode,
    spec: &EntitySpec,
    frame: &Frame,
    value: String,
    today: Date,
) -> Assignment {
    let e = node.def.entity.as_ref().expect("entity node");
    Assignment {
        slot: e.slot.clone(),
        label: e.label.clone().unwrap_or_else(|| e.slot.replace('_', " ")),
        problem: entities::invalid(spec, &value, today),
        replaces: frame.slots.get(&e.slot).cloned(),
        value,
    }
}

/// The values `toks` gives for the task's slots.
pub fn extract(
    agent: &Agent,
    task: &CompiledTask,
    frame: &Frame,
    toks: &[Token],
    awaited: Option<&str>,
    amend: bool,
    today: Date,
) -> Vec<Assignment> {
    let nodes = task.entity_nodes(agent);
    let specs: Vec<&EntitySpec> = nodes
        .iter()
        .map(|n| n.entity.as_ref().expect("entity node"))
        .collect();
    // Every node's values, then those overlapping a value of a more specific kind dropped.
    let mut spans: Vec<Vec<Found>> = specs
        .iter()
        .map(|s| entities::find(s, toks, today))
        .collect();
    let claims: Vec<(u8, usize, usize)> = spans
        .iter()
        .zip(&specs)
        .flat_map(|(fs, s)| fs.iter().map(move |f| (rank(s.kind), f.start, f.end)))
        .collect();
    for (fs, s) in spans.iter_mut().zip(&specs) {
        let r = rank(s.kind);
        fs.retain(|f| {
            !claims
                .iter()
                .any(|&(cr, a, b)| cr < r && a < f.end && f.start < b)
        });
    }
    let mut used = vec![false; toks.len()];
    let free = |used: &[bool], f: &Found| !used[f.start..f.end].iter().any(|u| *u);
    let mut out: Vec<Assignment> = Vec::new();
    let slot_of = |i: usize| {
        nodes[i]
            .def
            .entity
            .as_ref()
            .map(|e| e.slot.as_str())
            .unwrap_or("")
    };
    let may_change =
        |i: usize| amend || awaited == Some(slot_of(i)) || !frame.slots.contains_key(slot_of(i));
    let take = |i: usize, f: &Found, used: &mut Vec<bool>, out: &mut Vec<Assignment>| {
        used[f.start..f.end].iter_mut().for_each(|u| *u = true);
        out.push(assignment(
            nodes[i],
            specs[i],
            frame,
            f.value.clone(),
            today,
        ));
    };
    // 1. Cued values.
    for i in 0..nodes.len() {
        if !may_change(i) {
            continue;
        }
        if let Some(f) = spans[i]
            .iter()
            .find(|f| free(&used, f) && cued(nodes[i], toks, f))
        {
            let f = f.clone();
            take(i, &f, &mut used, &mut out);
        }
    }
    let assigned = |out: &Vec<Assignment>, i: usize| out.iter().any(|a| a.slot == slot_of(i));
    // 2. The slot asked for.
    if let Some(i) = (0..nodes.len()).find(|&i| Some(slot_of(i)) == awaited)
        && !assigned(&out, i)
        && let Some(f) = spans[i].iter().find(|f| free(&used, f)).cloned()
    {
        take(i, &f, &mut used, &mut out);
    }
    // 3. Other slots: empty ones, or in a correction the last filled of the value's kind.
    for i in 0..nodes.len() {
        if assigned(&out, i) {
            continue;
        }
        let Some(f) = spans[i].iter().find(|f| free(&used, f)).cloned() else {
            continue;
        };
        let same_kind: Vec<usize> = (0..nodes.len())
            .filter(|&j| !assigned(&out, j) && spans[j].contains(&f))
            .collect();
        let target = if amend {
            // The last filled; among slots never filled, the first.
            same_kind.iter().rev().copied().max_by_key(|&j| {
                frame
                    .filled
                    .iter()
                    .position(|s| s == slot_of(j))
                    .map(|p| p + 1)
                    .unwrap_or(0)
            })
        } else {
            same_kind
                .iter()
                .copied()
                .find(|&j| !frame.slots.contains_key(slot_of(j)))
        };
        if let Some(j) = target {
            take(j, &f, &mut used, &mut out);
        }
    }
    out
}

/// Puts the valid values into the frame, noting each.
pub fn apply(frame: &mut Frame, found: Vec<Assignment>, reply: &mut Reply) {
    for a in found {
        match &a.problem {
            Some(p) => reply.note(format!("{} not taken: {p}", a.slot)),
            None => {
                reply.note(format!("{} = {}", a.slot, a.value));
                set(frame, &a.slot, a.value);
            }
        }
    }
}

/// Sets a slot and records it as the last filled.
pub fn set(frame: &mut Frame, slot: &str, value: String) {
    frame.slots.insert(slot.to_string(), value);
    frame.filled.retain(|s| s != slot);
    frame.filled.push(slot.to_string());
}

/// A pattern's captures: read by their slot's entity when they name one, kept as text when they
/// name a plain variable.
pub fn from_captures(
    agent: &Agent,
    task: &CompiledTask,
    frame: &mut Frame,
    captures: &BTreeMap<String, String>,
    today: Date,
    reply: &mut Reply,
) {
    let nodes = task.entity_nodes(agent);
    for (name, raw) in captures {
        let node = nodes
            .iter()
            .find(|n| n.def.entity.as_ref().is_some_and(|e| &e.slot == name));
        match node {
            None => set(frame, name, raw.clone()),
            Some(n) => {
                let spec = n.entity.as_ref().expect("entity node");
                let toks = crate::text::tokens(raw);
                if let Some(v) = entities::whole(spec, raw, &toks, today) {
                    let a = assignment(n, spec, frame, v, today);
                    apply(frame, vec![a], reply);
                }
            }
        }
    }
}
