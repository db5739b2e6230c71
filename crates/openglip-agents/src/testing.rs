//! Conversation tests: a YAML file naming an agent (`agent:` its name, or the path of its dialog
//! file relative to the test file) and `tests:`, each a `name` and `steps`, each step `say: TEXT`
//! (the person) or `expect: REGEX` (the agent's next answer must match it, anywhere in it). An
//! answer is everything the agent said after one `say`, its messages joined by new lines; each
//! `expect` checks the next answer not yet checked. Every test starts a fresh conversation and
//! stops at its first failure, reporting the answer it got.

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::agent::Agent;
use crate::dialog::DialogError;
use crate::engine::{Session, Turn};
use crate::service::Services;

/// A conversation test file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    pub agent: String,
    pub tests: Vec<ConversationTest>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationTest {
    pub name: String,
    pub steps: Vec<Step>,
}

/// `say: TEXT` or `expect: REGEX`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "StepDef", into = "StepDef")]
pub enum Step {
    Say(String),
    Expect(String),
}

/// A step as written: a map with exactly one of `say` and `expect`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    say: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expect: Option<String>,
}

impl TryFrom<StepDef> for Step {
    type Error = String;

    fn try_from(d: StepDef) -> Result<Step, String> {
        match (d.say, d.expect) {
            (Some(s), None) => Ok(Step::Say(s)),
            (None, Some(e)) => Ok(Step::Expect(e)),
            _ => Err("a step is either `say: TEXT` or `expect: REGEX`".into()),
        }
    }
}

impl From<Step> for StepDef {
    fn from(s: Step) -> StepDef {
        match s {
            Step::Say(t) => StepDef {
                say: Some(t),
                expect: None,
            },
            Step::Expect(e) => StepDef {
                say: None,
                expect: Some(e),
            },
        }
    }
}

/// How one test went.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub name: String,
    /// Why it failed: the step, what was expected, and the answer got.
    pub failure: Option<String>,
}

impl TestFile {
    /// Parses a test file, checking every `expect` is a valid regular expression.
    pub fn parse(text: &str) -> Result<TestFile, DialogError> {
        let file: TestFile = serde_norway::from_str(text).map_err(|e| DialogError {
            line: e.location().map(|l| l.line()),
            message: e.to_string(),
        })?;
        for t in &file.tests {
            for s in &t.steps {
                if let Step::Expect(re) = s
                    && let Err(e) = Regex::new(re)
                {
                    return Err(DialogError {
                        line: text
                            .lines()
                            .position(|l| l.contains(re.as_str()))
                            .map(|p| p + 1),
                        message: format!(
                            "test \"{}\": `{re}` is not a valid regular expression: {e}",
                            t.name
                        ),
                    });
                }
            }
        }
        Ok(file)
    }

    /// Whether `agent:` names a dialog file rather than an agent.
    pub fn names_a_file(&self) -> bool {
        [".yaml", ".yml", ".json"]
            .iter()
            .any(|x| self.agent.ends_with(x))
    }
}

/// Runs every test of `file` against `agent`.
pub async fn run(agent: &Agent, file: &TestFile, services: &dyn Services) -> Vec<Outcome> {
    let mut out = Vec::new();
    for t in &file.tests {
        out.push(Outcome {
            name: t.name.clone(),
            failure: run_one(agent, t, services).await.err(),
        });
    }
    out
}

/// A conversation as a test: each person's message a `say`, each answer an `expect` of its
/// text, exactly (special characters escaped).
pub fn from_transcript(name: &str, turns: &[(String, String)]) -> ConversationTest {
    let mut steps = Vec::new();
    for (said, answer) in turns {
        steps.push(Step::Say(said.clone()));
        steps.push(Step::Expect(format!("^{}$", regex::escape(answer))));
    }
    ConversationTest {
        name: name.to_string(),
        steps,
    }
}

async fn run_one(
    agent: &Agent,
    t: &ConversationTest,
    services: &dyn Services,
) -> Result<(), String> {
    let mut session = Session::default();
    let mut pending: std::collections::VecDeque<String> = Default::default();
    for (i, step) in t.steps.iter().enumerate() {
        match step {
            Step::Say(text) => {
                let now = jiff::Timestamp::now();
                let turn = Turn {
                    now,
                    today: now.to_zoned(jiff::tz::TimeZone::UTC).date(),
                    services,
                };
                let reply = agent.respond(&mut session, text, &turn).await;
                pending.push_back(reply.text());
            }
            Step::Expect(re) => {
                let re = Regex::new(re).map_err(|e| format!("step {}: {e}", i + 1))?;
                let Some(answer) = pending.pop_front() else {
                    return Err(format!(
                        "step {}: expected /{re}/ but there is no answer left to check (add a `say` first)",
                        i + 1
                    ));
                };
                if !re.is_match(&answer) {
                    return Err(format!("step {}: expected /{re}/, got: {answer:?}", i + 1));
                }
            }
        }
    }
    Ok(())
}
