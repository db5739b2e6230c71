//! `openglip agents …`: the agent app (crate `openglip-agents`) run by the same binary.
//! `agents serve` runs it; `agents test FILE` runs a conversation test file and exits 0 only if
//! every test passes; `agents admin user create` adds an account.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use openglip_agents::testing::{self, TestFile};
use openglip_agents::{Agent, App, Config, HttpServices, flights};

#[derive(Subcommand)]
pub enum AgentsCommand {
    /// Run the agent app.
    Serve(ServeArgs),
    /// Run a conversation test file (`agent:` and `tests:` of `say`/`expect` steps); exit
    /// status 0 only if every test passes.
    Test(TestArgs),
    /// Administer the agent app (prints JSON; works while it runs).
    Admin {
        #[command(subcommand)]
        what: AdminCommand,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    /// The openglip platform (the default URL of both RingCentral environments on the channel
    /// page).
    #[arg(long, env = "OPENGLIP_AGENTS_PLATFORM_URL")]
    platform_url: String,
    /// The address to listen on.
    #[arg(long, env = "OPENGLIP_AGENTS_LISTEN", default_value = "127.0.0.1:8082")]
    listen: String,
    /// Where the app keeps its database.
    #[arg(
        long,
        env = "OPENGLIP_AGENTS_DATA_DIR",
        default_value = "./openglip-agents-data"
    )]
    data_dir: PathBuf,
    /// The URL people and the platform reach the app at (default: `http://<listen>`).
    #[arg(long, env = "OPENGLIP_AGENTS_PUBLIC_URL")]
    public_url: Option<String>,
    /// Log format: `text` or `json`.
    #[arg(long, env = "OPENGLIP_AGENTS_LOG_FORMAT", default_value = "text")]
    log_format: String,
    /// A sentence-embedding model's folder (`model.safetensors`, `config.json`,
    /// `tokenizer.json` of all-MiniLM-L6-v2): semantic matching where the words do not decide.
    #[arg(long, env = "OPENGLIP_AGENTS_MODEL_DIR")]
    model_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Accounts of the agent app.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Adds an account (the first one made owns the app).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// The name shown (default: the e-mail address).
        #[arg(long)]
        name: Option<String>,
        #[arg(
            long,
            env = "OPENGLIP_AGENTS_DATA_DIR",
            default_value = "./openglip-agents-data"
        )]
        data_dir: PathBuf,
    },
}

#[derive(Args)]
pub struct TestArgs {
    /// The test file (YAML).
    file: PathBuf,
    /// The agent app's data folder, to find an agent by name (its published version).
    #[arg(long, env = "OPENGLIP_AGENTS_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// A sentence-embedding model's folder: the agent matches by meaning too, as the app does
    /// with `serve --model-dir`.
    #[arg(long, env = "OPENGLIP_AGENTS_MODEL_DIR")]
    model_dir: Option<PathBuf>,
}

/// `openglip agents …`.
pub async fn run(cmd: AgentsCommand) {
    match cmd {
        AgentsCommand::Serve(args) => serve(args).await,
        AgentsCommand::Test(args) => std::process::exit(test(args).await),
        AgentsCommand::Admin {
            what:
                AdminCommand::User {
                    what:
                        UserCommand::Create {
                            email,
                            password,
                            name,
                            data_dir,
                        },
                },
        } => {
            let app = open(
                &data_dir,
                "http://127.0.0.1:8080",
                "http://127.0.0.1:8082",
                None,
            );
            let name = name.unwrap_or_else(|| email.clone());
            let a = app
                .create_account(&email, &name, &password)
                .await
                .unwrap_or_else(|e| crate::fail(e));
            println!(
                "{}",
                serde_json::json!({"id": a.id.to_string(), "email": a.email, "name": a.name, "owner": a.owner})
            );
        }
    }
}

fn open(data_dir: &Path, platform_url: &str, public_url: &str, model_dir: Option<&Path>) -> App {
    let config =
        Config::new(platform_url, public_url, data_dir).model_dir(model_dir.map(Path::to_path_buf));
    App::open(config).unwrap_or_else(|e| crate::fail(e))
}

async fn serve(args: ServeArgs) {
    crate::init_logs(&args.log_format);
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .unwrap_or_else(|e| crate::fail(format!("cannot listen on {}: {e}", args.listen)));
    let addr = listener.local_addr().unwrap_or_else(|e| crate::fail(e));
    let public = args.public_url.unwrap_or_else(|| format!("http://{addr}"));
    let app = open(
        &args.data_dir,
        &args.platform_url,
        &public,
        args.model_dir.as_deref(),
    );
    println!("openglip Agents listening on {public}");
    if let Err(e) = openglip_agents::serve(listener, app, crate::shutdown_signal()).await {
        crate::fail(format!("agent app error: {e}"));
    }
}

/// Runs the tests; the exit status.
async fn test(args: TestArgs) -> i32 {
    let text = std::fs::read_to_string(&args.file)
        .unwrap_or_else(|e| crate::fail(format!("cannot read {}: {e}", args.file.display())));
    let file = TestFile::parse(&text)
        .unwrap_or_else(|e| crate::fail(format!("{}: {e}", args.file.display())));
    let agent = find_agent(
        &file,
        &args.file,
        args.data_dir.as_deref(),
        args.model_dir.as_deref(),
    )
    .await;
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
async fn find_agent(
    file: &TestFile,
    tests_path: &Path,
    data_dir: Option<&Path>,
    model_dir: Option<&Path>,
) -> Agent {
    if file.names_a_file() {
        let path = tests_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(&file.agent);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| crate::fail(format!("cannot read {}: {e}", path.display())));
        let agent = Agent::from_yaml(&text).unwrap_or_else(|errors| {
            let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
            crate::fail(format!("{}: {}", path.display(), list.join("; ")))
        });
        return match model_dir {
            None => agent,
            Some(dir) => {
                let model =
                    openglip_agents::semantic::SemanticModel::load(dir).unwrap_or_else(|e| {
                        crate::fail(format!(
                            "the sentence-embedding model could not be loaded: {e}"
                        ))
                    });
                agent.with_semantic(&std::sync::Arc::new(model))
            }
        };
    }
    let Some(dir) = data_dir else {
        crate::fail(format!(
            "`agent: {}` is not a dialog file (.yaml, .yml, .json); to test an agent of the app by name, give --data-dir",
            file.agent
        ))
    };
    let app = open(
        dir,
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8082",
        model_dir,
    );
    let row = app
        .store()
        .agent_by_name(&file.agent)
        .await
        .unwrap_or_else(|e| crate::fail(e))
        .unwrap_or_else(|| {
            crate::fail(format!(
                "no agent named `{}` in {}",
                file.agent,
                dir.display()
            ))
        });
    match app
        .published(row.id)
        .await
        .unwrap_or_else(|e| crate::fail(e))
    {
        Some((_, agent)) => agent,
        None => crate::fail(format!(
            "the agent `{}` has no published version to test",
            file.agent
        )),
    }
}

// ---------- serve --demo ----------

/// The agent app of the demo, beside the platform and the OKR app.
pub struct Demo {
    pub url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Demo {
    /// Stops it (after the platform stopped).
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Starts the demo's agent app two ports after `platform`'s (or on a free one), with data in
/// `data_dir/agents`:
/// the first time, its owner is the demo's administrator (same e-mail and password) and the
/// sample "Travel Assistant" is made and published. Its channel is not connected: the person
/// trying it does that, as the channel guide says.
pub async fn start_demo(
    data_dir: &Path,
    platform: std::net::SocketAddr,
    demo: &serde_json::Value,
) -> Result<Demo, String> {
    // Two ports after the platform's, or any free one when that is taken.
    let wanted = std::net::SocketAddr::new(platform.ip(), platform.port().wrapping_add(2));
    let listener = match tokio::net::TcpListener::bind(wanted).await {
        Ok(l) => l,
        Err(_) => tokio::net::TcpListener::bind(std::net::SocketAddr::new(platform.ip(), 0))
            .await
            .map_err(|e| format!("the agent app cannot listen: {e}"))?,
    };
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{addr}");
    // Semantic matching when a model folder is given (as `agents serve` reads it).
    let config = Config::new(&format!("http://{platform}"), &url, data_dir.join("agents"))
        .model_dir(std::env::var_os("OPENGLIP_AGENTS_MODEL_DIR").map(PathBuf::from));
    let app = App::open(config).map_err(|e| e.to_string())?;
    let owner = demo["users"][0]["email"].as_str().unwrap_or_default();
    let password = demo["password"].as_str().unwrap_or_default();
    if !app
        .store()
        .has_accounts()
        .await
        .map_err(|e| e.to_string())?
    {
        app.sign_up(owner, "Demo owner", password)
            .await
            .map_err(|e| e.to_string())?;
    }
    if app
        .store()
        .agents()
        .await
        .map_err(|e| e.to_string())?
        .is_empty()
    {
        let agent = app
            .create_agent(
                "Travel Assistant",
                openglip_agents::rules::Template::TravelAssistant,
            )
            .await
            .map_err(|e| e.to_string())?;
        app.publish(agent.id, None)
            .await
            .map_err(|e| e.to_string())?;
    }
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(e) = openglip_agents::serve(listener, app, shutdown).await {
            tracing::error!(error = %e, "the demo's agent app stopped");
        }
    });
    Ok(Demo { url, stop, task })
}

/// The steps of the channel guide, for the demo.
pub fn how_to_try(demo: &Demo, info: &serde_json::Value, platform: &str) -> String {
    let admin = info["users"][0]["email"].as_str().unwrap_or_default();
    let password = info["password"].as_str().unwrap_or_default();
    format!(
        "Agent app: {url}/ (the sample \"Travel Assistant\", published, its channel not connected yet)\n  1. sign in at {url}/ as {admin} (password: {password}); open Travel Assistant > Channels > Digital > RingCentral Glip and copy the OAuth Redirect URI\n  2. in the developer console {platform}/console: Create App, REST API App, 3-legged OAuth (authorization code), paste the redirect URI, refresh tokens Yes, permissions Webhook Subscriptions, Read Accounts, Team Messaging; paste its Client ID and Secret as Application Key and Secret, Save\n  3. Authorize as the user the agent speaks as (add one without a phone in {platform}/admin, e.g. \"Travel App\"), then Enable Channel: Yes, Save\n  4. DM that user \"Hello\" in the web client {platform}/ and the agent answers",
        url = demo.url
    )
}
