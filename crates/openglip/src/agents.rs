//! `openglip agents …`: the agent app (crate `openglip-agents`) run by the same binary.
//! `agents test FILE` runs a conversation test file and exits 0 only if every test passes.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use openglip_agents::testing::{self, TestFile};
use openglip_agents::{Agent, HttpServices, flights};

#[derive(Subcommand)]
pub enum AgentsCommand {
    /// Run a conversation test file (`agent:` and `tests:` of `say`/`expect` steps); exit
    /// status 0 only if every test passes.
    Test(TestArgs),
}

#[derive(Args)]
pub struct TestArgs {
    /// The test file (YAML).
    file: PathBuf,
    /// The agent app's data folder, to find an agent by name (its published version).
    #[arg(long, env = "OPENGLIP_AGENTS_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

/// `openglip agents …`.
pub async fn run(cmd: AgentsCommand) {
    match cmd {
        AgentsCommand::Test(args) => std::process::exit(test(args).await),
    }
}

/// Runs the tests; the exit status.
async fn test(args: TestArgs) -> i32 {
    let text = std::fs::read_to_string(&args.file)
        .unwrap_or_else(|e| crate::fail(format!("cannot read {}: {e}", args.file.display())));
    let file = TestFile::parse(&text)
        .unwrap_or_else(|e| crate::fail(format!("{}: {e}", args.file.display())));
    let agent = find_agent(&file, &args.file, args.data_dir.as_deref());
    // The sample agent's airline, on a loopback port, for the agent's relative service URLs.
    let base = match &agent.def.settings.service_base_url {
        Some(url) => url.clone(),
        None => flights::serve_local()
            .await
            .unwrap_or_else(|e| crate::fail(format!("cannot serve the flights endpoint: {e}"))),
    };
    let services = HttpServices::new(Some(base));
    let outcomes = testing::run(&agent, &file, &services).await;
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    for o in &outcomes {
        match &o.failure {
            None => println!("PASS {}", o.name),
            Some(why) => println!("FAIL {}\n     {why}", o.name),
        }
    }
    println!("{} passed, {failed} failed", outcomes.len() - failed);
    i32::from(failed > 0)
}

/// The agent a test file names: a dialog file beside it, or an agent of the app by name.
fn find_agent(file: &TestFile, tests_path: &Path, data_dir: Option<&Path>) -> Agent {
    if file.names_a_file() {
        let path = tests_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(&file.agent);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| crate::fail(format!("cannot read {}: {e}", path.display())));
        return Agent::from_yaml(&text).unwrap_or_else(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            crate::fail(format!("{}: {}", path.display(), list.join("; ")))
        });
    }
    let Some(dir) = data_dir else {
        crate::fail(format!(
            "`agent: {}` is not a dialog file (.yaml, .yml, .json); to test an agent of the app by name, give --data-dir",
            file.agent
        ))
    };
    crate::fail(format!(
        "no agent named `{}` in {}",
        file.agent,
        dir.display()
    ))
}
