//! A loaded, checked agent: its dialog file plus what loading prepared (compiled patterns,
//! entity specs, parsed conditions). Made only by [`crate::dialog::load`], so every `Agent` is
//! valid: every node it can reach exists, every template names a known slot.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::dialog::{AgentDef, Condition, DialogError, NodeDef};
use crate::entities::EntitySpec;
use crate::matching::{Intent, MatchReport, match_intents};
use crate::semantic::{SemanticIndex, SemanticModel};

/// A checked agent, ready to answer.
#[derive(Debug, Clone)]
pub struct Agent {
    pub def: AgentDef,
    pub(crate) tasks: BTreeMap<String, CompiledTask>,
    pub(crate) intents: Vec<Intent>,
    /// Its examples embedded, when semantic matching is on for it ([`Agent::with_semantic`]).
    pub(crate) semantic: Option<Arc<SemanticIndex>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledTask {
    pub name: String,
    pub title: String,
    pub hidden: bool,
    pub start: String,
    pub nodes: BTreeMap<String, CompiledNode>,
    /// Node ids as listed.
    pub order: Vec<String>,
    pub intent: Intent,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledNode {
    pub def: NodeDef,
    pub entity: Option<EntitySpec>,
    /// One per transition, `None` for "always".
    pub conditions: Vec<Option<Condition>>,
}

impl Agent {
    pub(crate) fn new(def: AgentDef, tasks: Vec<CompiledTask>, intents: Vec<Intent>) -> Agent {
        Agent {
            def,
            tasks: tasks.into_iter().map(|t| (t.name.clone(), t)).collect(),
            intents,
            semantic: None,
        }
    }

    /// The agent with semantic matching by `model` (its examples embedded now: CPU work, run it
    /// off the async threads), unless its settings say `semantic: false`.
    pub fn with_semantic(mut self, model: &Arc<SemanticModel>) -> Agent {
        if self.def.settings.semantic {
            self.semantic = Some(Arc::new(model.index(&self.intents)));
        }
        self
    }

    /// Whether semantic matching is on for it.
    pub fn semantic(&self) -> bool {
        self.semantic.is_some()
    }

    /// Loads and checks a dialog file (YAML or JSON).
    pub fn from_yaml(text: &str) -> Result<Agent, Vec<DialogError>> {
        crate::dialog::load(text)
    }

    /// The agent's name.
    pub fn name(&self) -> &str {
        &self.def.agent
    }

    /// The titles of the tasks people can start, as listed.
    pub fn task_titles(&self) -> Vec<&str> {
        self.def
            .tasks
            .iter()
            .filter(|t| !t.hidden)
            .map(|t| t.title.as_str())
            .collect()
    }

    /// Which task a message would start, every task's score, and why: utterance testing.
    pub fn test_utterance(&self, message: &str) -> MatchReport {
        let report = match_intents(&self.intents, &self.def.settings, message);
        match &self.semantic {
            Some(index) => index.refine(&self.intents, &self.def.settings, message, report),
            None => report,
        }
    }

    pub(crate) fn task(&self, name: &str) -> Option<&CompiledTask> {
        self.tasks.get(name)
    }
}

impl CompiledTask {
    /// The entity nodes of this task and of the sub-dialogs it runs (first by slot), in order:
    /// the slots one message can fill at once.
    pub(crate) fn entity_nodes<'a>(&'a self, agent: &'a Agent) -> Vec<&'a CompiledNode> {
        let mut out: Vec<&CompiledNode> = Vec::new();
        let mut seen_tasks = vec![self.name.as_str()];
        self.collect_entities(agent, &mut out, &mut seen_tasks);
        out
    }

    fn collect_entities<'a>(
        &'a self,
        agent: &'a Agent,
        out: &mut Vec<&'a CompiledNode>,
        seen: &mut Vec<&'a str>,
    ) {
        for id in &self.order {
            let node = &self.nodes[id];
            if let Some(e) = &node.def.entity
                && !out
                    .iter()
                    .any(|n| n.def.entity.as_ref().is_some_and(|x| x.slot == e.slot))
            {
                out.push(node);
            }
            if let Some(d) = &node.def.dialog
                && !seen.contains(&d.as_str())
                && let Some(sub) = agent.task(d)
            {
                seen.push(&sub.name);
                sub.collect_entities(agent, out, seen);
            }
        }
    }
}
