//! `openglip`: the server, and scriptable administration that prints JSON.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use openglip_domain::AccountId;
use openglip_platform::accounts::{NewAccount, NewUser};
use openglip_platform::apps::NewAppSpec;
use openglip_server::{AppState, RateLimitConfig, ServerConfig};
use serde_json::json;

mod agents;
mod audit;
mod backup;
mod config;
mod data_dir;
mod demo;
mod files;
mod migrate;
mod migrate_files;
mod okr;

#[derive(Parser)]
#[command(
    name = "openglip",
    version,
    about = "A self-hosted server for RingCentral's Team Messaging (Glip) API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Administer accounts, users, apps and bots (prints JSON; works while the server runs).
    Admin {
        #[command(subcommand)]
        what: AdminCommand,
    },
    /// The OKR app: objectives and check-ins whose progress its bot posts into Glip teams.
    Okr {
        #[command(subcommand)]
        cmd: okr::OkrCommand,
    },
    /// The agent app: AI agents whose dialog tasks answer people in Glip conversations.
    Agents {
        #[command(subcommand)]
        cmd: agents::AgentsCommand,
    },
}

/// Where the data lives: the SQLite data folder, or a PostgreSQL database.
#[derive(Args, Clone)]
struct DataDir {
    /// Where the data lives (an SQLite database and its journal; with `--database`, only what
    /// `--demo` keeps besides).
    #[arg(
        long,
        env = "OPENGLIP_DATA_DIR",
        default_value = "./openglip-data",
        global = true
    )]
    data_dir: PathBuf,
    /// Keep the data in PostgreSQL instead of SQLite: `postgres://user[:password]@host[:port]/database`
    /// (the database must exist; its tables are made and migrated at start).
    /// (`--help` never shows the variable's value: it may hold a password.)
    #[arg(
        long,
        env = "OPENGLIP_DATABASE_URL",
        hide_env_values = true,
        global = true,
        value_name = "URL"
    )]
    database: Option<String>,
    /// Read settings from this TOML file: keys are `serve`'s flags (`listen = "0.0.0.0:8080"`,
    /// `database = "postgres://…"`, `rate-limits = "off"`); a flag or its environment variable
    /// wins over the file, the file over the default; an unknown key is an error.
    #[arg(
        long = "config",
        env = "OPENGLIP_CONFIG",
        global = true,
        value_name = "FILE"
    )]
    config: Option<PathBuf>,
}

impl DataDir {
    /// The PostgreSQL URL, if one was given (an empty `OPENGLIP_DATABASE_URL` is none).
    fn database_url(&self) -> Option<&str> {
        self.database
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }

    /// Opens the store: PostgreSQL with `--database`, else SQLite in the data folder. A wrong
    /// URL or an unreachable database is a message, and nothing starts.
    fn open_store(
        &self,
        how: data_dir::Use,
    ) -> Result<Arc<dyn openglip_domain::store::Store>, String> {
        match self.database_url() {
            Some(url) if !openglip_store_postgres::is_postgres_url(url) => Err(format!(
                "--database takes a PostgreSQL URL (postgres://user@host:5432/database), not {url:?}"
            )),
            Some(url) => openglip_store_postgres::PostgresStore::open(url)
                .map(|s| Arc::new(s) as Arc<dyn openglip_domain::store::Store>)
                .map_err(|e| format!("cannot open the PostgreSQL database {e}")),
            None => data_dir::open_store(&self.data_dir, how)
                .map(|s| Arc::new(s) as Arc<dyn openglip_domain::store::Store>),
        }
    }

    /// Where the data is, for the log.
    fn describe(&self) -> String {
        match self.database_url() {
            Some(_) => "PostgreSQL (--database)".to_string(),
            None => self.data_dir.display().to_string(),
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    /// The address to listen on (`127.0.0.1:0` picks a free port and prints it).
    #[arg(long, env = "OPENGLIP_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    #[command(flatten)]
    data: DataDir,
    /// Seed a demo company (people, a team, posts, an app) on first start, start the OKR app on
    /// the next port with the reference example, and print how to log in and try it.
    #[arg(long)]
    demo: bool,
    /// Rate limits: `on` (default, generous), `off`, or `light=50,medium=40,heavy=10,auth=5,webhook=120,window=60,penalty=60`
    /// (`webhook`: posts through one incoming webhook URL per window).
    #[arg(long, env = "OPENGLIP_RATE_LIMITS", default_value = "on")]
    rate_limits: String,
    /// The URL clients reach this server at, used in `uri` fields (default: from the request's Host).
    #[arg(long, env = "OPENGLIP_PUBLIC_URL")]
    public_url: Option<String>,
    /// Allow WebHook addresses on loopback and private networks, and plain http:// (development).
    /// Default: allowed when the server listens on a loopback address (a development machine,
    /// where the bots run beside it), refused otherwise.
    #[arg(long, env = "OPENGLIP_WEBHOOK_ALLOW_PRIVATE", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    webhook_allow_private: Option<bool>,
    /// Seconds a WebHook may keep failing before its subscription is blacklisted.
    #[arg(long, env = "OPENGLIP_WEBHOOK_BLACKLIST_AFTER", default_value_t = 3600)]
    webhook_blacklist_after: u64,
    /// Seconds one WebHook notification is retried before it is set aside as undeliverable (the
    /// console lists it and can deliver it again) and the next one goes out.
    #[arg(long, env = "OPENGLIP_WEBHOOK_EVENT_RETRY_FOR", default_value_t = 60)]
    webhook_event_retry_for: u64,
    /// Seconds a client may take to send a request's headers; also how long an idle kept-alive
    /// connection stays open.
    #[arg(long, env = "OPENGLIP_HEADER_TIMEOUT", default_value_t = 30)]
    header_timeout: u64,
    /// Seconds a request body may send nothing before the request is dropped.
    #[arg(long, env = "OPENGLIP_BODY_TIMEOUT", default_value_t = 30)]
    body_timeout: u64,
    /// Connections open at once from one IP address; more are closed as they come.
    #[arg(
        long,
        env = "OPENGLIP_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 512
    )]
    max_connections_per_address: usize,
    /// Log format: `text` or `json` (one object per line). Either way every request is one line
    /// (target `openglip::request`: method, route template, status, duration, app, request id).
    #[arg(long, env = "OPENGLIP_LOG_FORMAT", default_value = "text")]
    log_format: String,
    #[command(flatten)]
    files: files::FileArgs,
    /// Run as one of several nodes: the NATS server (with JetStream) they share,
    /// `nats://host:4222`. Needs `--database` (the nodes share the PostgreSQL database).
    #[arg(long, env = "OPENGLIP_NATS_URL")]
    nats: Option<String>,
    /// Names the NATS stream, subjects and buckets of this installation, so that two can share
    /// one NATS server.
    #[arg(long, env = "OPENGLIP_NATS_PREFIX", default_value = "openglip")]
    nats_prefix: String,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Accounts (companies).
    Account {
        #[command(subcommand)]
        cmd: AccountCmd,
    },
    /// Users (extensions of type User).
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// OAuth apps.
    App {
        #[command(subcommand)]
        cmd: AppCmd,
    },
    /// Bots (extensions of type Bot with a permanent token).
    Bot {
        #[command(subcommand)]
        cmd: BotCmd,
    },
    /// Copy the SQLite database to FILE while the server runs (a consistent copy, checked, written
    /// beside FILE and renamed into place) → {"backup","bytes","schemaVersion"}. On PostgreSQL it
    /// says how to use pg_dump.
    Backup {
        /// The backup file (an older backup there is replaced once the new one is complete).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        #[command(flatten)]
        data: DataDir,
    },
    /// The audit log of every company (and events of none: failed sign-ins under unknown
    /// logins, reused tokens), newest first → {"records":[…]}.
    Audit {
        /// Only this company's events.
        #[arg(long)]
        account_id: Option<i64>,
        /// Only events of this kind (sign_in, sign_in_failed, token_granted, user_disabled, …).
        #[arg(long)]
        kind: Option<String>,
        /// Only events from this date (YYYY-MM-DD) or time (RFC 3339) on.
        #[arg(long)]
        since: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[command(flatten)]
        data: DataDir,
    },
    /// Replace OpenID Connect's signing key with a new RSA key → {"kid"}. The previous key stays
    /// published at /restapi/oauth/jwks (ID tokens it signed still verify); older ones go.
    /// Running servers sign with the new key within a minute.
    RotateSigningKey {
        #[command(flatten)]
        data: DataDir,
    },
    /// Copy an SQLite installation into an empty PostgreSQL database (stop the server first),
    /// in one transaction, checking every table's row count → {"from","to","rows","tables"}.
    Migrate {
        /// The SQLite data folder (the one `openglip serve --data-dir` used).
        #[arg(long, value_name = "DATA_DIR")]
        from: PathBuf,
        /// The PostgreSQL database: `postgres://user[:password]@host[:port]/database`, empty.
        #[arg(long, value_name = "URL")]
        to: String,
        /// Where the uploaded files' bytes go: the data folder the PostgreSQL node serves with
        /// (`serve --data-dir`; the same folder as --from keeps them where they are). Or give
        /// the --s3-* settings of a bucket the nodes share.
        #[arg(long, value_name = "DATA_DIR")]
        files_to: Option<PathBuf>,
        #[command(flatten)]
        files: files::FileArgs,
    },
}

#[derive(Subcommand)]
enum AccountCmd {
    /// Create an account with its first (administrator) user → {"accountId","adminExtensionId"}.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_password: String,
        #[arg(long)]
        admin_first_name: Option<String>,
        #[arg(long)]
        admin_last_name: Option<String>,
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user → {"id","extensionNumber"}.
    Create {
        #[arg(long)]
        account_id: i64,
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// Without a password the user is NotActivated.
        #[arg(long)]
        password: Option<String>,
        #[arg(long)]
        extension_number: Option<String>,
        /// Make the user an account administrator.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Subcommand)]
enum AppCmd {
    /// Register an OAuth app → {"clientId","clientSecret"}.
    Create {
        #[arg(long)]
        account_id: i64,
        #[arg(long)]
        name: String,
        /// `rest` (default), or `bot`: a public bot that administrators install through the
        /// authorization pages (authorization code; its token goes to the redirect URI).
        #[arg(long = "type", default_value = "rest", value_parser = ["rest", "bot"])]
        kind: String,
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// password, refresh_token, authorization_code, urn:ietf:params:oauth:grant-type:jwt-bearer
        #[arg(long = "grant")]
        grants: Vec<String>,
        /// TeamMessaging, ReadAccounts, EditExtensions, SubscriptionWebhook, WebSocket
        #[arg(long = "permission")]
        permissions: Vec<String>,
        /// A client-side app (PKCE, no secret).
        #[arg(long)]
        public: bool,
        #[command(flatten)]
        data: DataDir,
    },
}

#[derive(Subcommand)]
enum BotCmd {
    /// Create a bot → {"id","accessToken","clientId"} (and "interactiveSecret").
    Create {
        #[arg(long)]
        account_id: i64,
        #[arg(long)]
        name: String,
        /// Deliver answers to the bot's Adaptive Cards (interactive messages) to this URL,
        /// signed with a new shared secret (printed as "interactiveSecret").
        #[arg(long)]
        interactive_url: Option<String>,
        #[command(flatten)]
        data: DataDir,
    },
}

fn open(data: &DataDir, how: data_dir::Use, config: ServerConfig) -> Result<AppState, String> {
    Ok(AppState::new(data.open_store(how)?, config))
}

/// A refusal of the platform in the words the API would answer with (the server's one error
/// table names what was not found as the API names it, e.g. `accountId`).
fn words(e: &openglip_domain::Error) -> String {
    openglip_server::error::message(e)
}

/// A refused command or setting: its JSON on stderr, exit status 1.
fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("{}", json!({"error": msg.to_string()}));
    std::process::exit(1)
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn main() {
    // The configuration file's settings become flags the command line did not give.
    let args = config::with_file(&Cli::command(), std::env::args_os().collect())
        .unwrap_or_else(|e| fail(e));
    let cli =
        Cli::from_arg_matches(&Cli::command().get_matches_from(args)).unwrap_or_else(|e| e.exit());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(format!("cannot start the runtime: {e}")));
    rt.block_on(run(cli));
}

async fn run(cli: Cli) {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Okr { cmd } => okr::run(cmd).await,
        Command::Agents { cmd } => agents::run(cmd).await,
        Command::Admin { what } => {
            let out = administer(what).await.unwrap_or_else(|e| fail(e));
            println!("{out}");
        }
    }
}

async fn serve(args: ServeArgs) {
    if !matches!(args.log_format.as_str(), "text" | "json") {
        fail(format!(
            "--log-format takes text or json, not {:?}",
            args.log_format
        ));
    }
    init_logs(&args.log_format);
    let rate_limits = RateLimitConfig::parse(&args.rate_limits)
        .unwrap_or_else(|e| fail(format!("--rate-limits: {e}")));
    let cluster = match args.nats.as_deref().filter(|u| !u.is_empty()) {
        None => None,
        Some(_) if args.data.database_url().is_none() => fail(
            "--nats needs --database postgres://…: the nodes of a cluster share one PostgreSQL database",
        ),
        Some(url) => Some(
            openglip_server::cluster::ClusterConfig::new(url, &args.nats_prefix)
                .unwrap_or_else(|e| fail(e)),
        ),
    };
    let config = ServerConfig {
        public_url: args.public_url.clone(),
        rate_limits,
        realtime: openglip_server::realtime::RealtimeConfig {
            // On loopback by default; the demo's agent app takes WebHooks on loopback over http.
            allow_private_webhooks: args
                .webhook_allow_private
                .unwrap_or_else(|| listens_on_loopback(&args.listen) || args.demo),
            blacklist_after: std::time::Duration::from_secs(args.webhook_blacklist_after),
            event_retry_for: std::time::Duration::from_secs(args.webhook_event_retry_for),
            cluster: cluster.clone(),
            ..Default::default()
        },
        connections: openglip_server::listen::ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
            body_read_timeout: std::time::Duration::from_secs(args.body_timeout.max(1)),
            max_connections_per_peer: args.max_connections_per_address.max(1),
        },
        export_lease: None,
        files: openglip_server::FilesConfig {
            max_upload_size: args.files.max_upload_size,
            blobs: Some(
                args.files
                    .blobs(&args.data.data_dir)
                    .await
                    .unwrap_or_else(|e| fail(e)),
            ),
        },
    };
    if args.webhook_allow_private.is_none() && config.realtime.allow_private_webhooks {
        tracing::info!(
            listen = %args.listen,
            "listening on loopback: WebHooks and bot servers on this machine are allowed (--webhook-allow-private=false refuses them)"
        );
    }
    openglip_server::listen::raise_open_file_limit();
    let state = open(&args.data, data_dir::Use::MayCreate, config).unwrap_or_else(|e| fail(e));
    if let Some(cc) = cluster {
        // Refuse to start, saying why, rather than serve without the other nodes' events.
        let c = openglip_server::cluster::Cluster::connect(cc)
            .await
            .unwrap_or_else(|e| fail(e));
        state.hub().set_cluster(c);
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .unwrap_or_else(|e| fail(data_dir::listen_error(&args.listen, &e)));
    let addr = listener.local_addr().unwrap_or_else(|e| fail(e));
    let mut okr_demo = None;
    let mut agents_demo = None;
    if args.demo {
        let info = demo::seed(&state, &args.data.data_dir)
            .await
            .unwrap_or_else(|e| fail(format!("demo seed failed: {e}")));
        println!(
            "{}",
            demo::how_to_log_in(&info, &format!("http://{addr}"), &args.data.data_dir)
        );
        let okr = okr::start_demo(&state, &args.data.data_dir, addr, &info)
            .await
            .unwrap_or_else(|e| fail(format!("demo OKR app failed: {e}")));
        println!("{}", okr::how_to_try(&okr, &info));
        okr_demo = Some(okr);
        let agents = agents::start_demo(&args.data.data_dir, addr, &info)
            .await
            .unwrap_or_else(|e| fail(format!("demo agent app failed: {e}")));
        println!(
            "{}",
            agents::how_to_try(&agents, &info, &format!("http://{addr}"))
        );
        agents_demo = Some(agents);
    }
    tracing::info!(address = %addr, data = %args.data.describe(), "openglip listening");
    println!("openglip listening on http://{addr}");
    if let Err(e) = openglip_server::serve(
        listener,
        state.clone(),
        openglip_web::pages(&state),
        shutdown_signal(),
    )
    .await
    {
        fail(format!("server error: {e}"));
    }
    if let Some(okr) = okr_demo {
        okr.stop().await;
    }
    if let Some(agents) = agents_demo {
        agents.stop().await;
    }
}

/// Whether `--listen` names a loopback address (only this machine can connect).
fn listens_on_loopback(listen: &str) -> bool {
    match listen.parse::<std::net::SocketAddr>() {
        Ok(a) => a.ip().is_loopback(),
        Err(_) => listen
            .rsplit_once(':')
            .is_some_and(|(host, _)| host == "localhost"),
    }
}

/// Resolves at Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
    tracing::info!("shutting down");
}

/// `admin app create --type bot`: a public bot app, admitted to production.
async fn bot_app(
    st: &AppState,
    account: AccountId,
    name: &str,
    redirect_uris: &[String],
) -> Result<serde_json::Value, String> {
    let (record, secret) = st
        .platform()
        .provision_bot_app(account, name, redirect_uris)
        .await
        .map_err(|e| words(&e))?;
    Ok(json!({
        "clientId": record.app.client_id,
        "clientSecret": secret,
        "type": "bot",
        "public": true,
        "grants": record.app.grants.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "permissions": record.app.permissions.iter().map(|p| p.api_name()).collect::<Vec<_>>(),
        "redirectUris": record.app.redirect_uris,
    }))
}

async fn administer(cmd: AdminCommand) -> Result<serde_json::Value, String> {
    let cfg = ServerConfig::default;
    match cmd {
        AdminCommand::Backup { to, data } => backup::run(&data, &to),
        AdminCommand::Migrate {
            from,
            to,
            files_to,
            files,
        } => migrate::run(from, to, migrate_files::FilesTarget { files_to, files }).await,
        AdminCommand::RotateSigningKey { data } => {
            let st = open(&data, data_dir::Use::Existing, cfg())?;
            let kid = st
                .platform()
                .rotate_signing_key()
                .await
                .map_err(|e| words(&e))?;
            Ok(json!({ "kid": kid }))
        }
        AdminCommand::Audit {
            account_id,
            kind,
            since,
            limit,
            data,
        } => {
            audit::run(audit::Asked {
                account_id,
                kind,
                since,
                limit,
                data,
            })
            .await
        }
        AdminCommand::Account {
            cmd:
                AccountCmd::Create {
                    name,
                    admin_email,
                    admin_password,
                    admin_first_name,
                    admin_last_name,
                    data,
                },
        } => {
            let st = open(&data, data_dir::Use::MayCreate, cfg())?;
            let (account, admin) = st
                .platform()
                .create_account(NewAccount {
                    name,
                    admin_email,
                    admin_password,
                    admin_first_name,
                    admin_last_name,
                })
                .await
                .map_err(|e| words(&e))?;
            Ok(json!({
                "accountId": account.id.to_string(),
                "adminExtensionId": admin.id.to_string(),
                "mainNumber": account.main_number,
                "adminExtensionNumber": admin.extension_number,
                // Where it was written: the folder `openglip serve --data-dir` must be given.
                "dataDir": std::path::absolute(&data.data_dir).unwrap_or(data.data_dir).display().to_string(),
            }))
        }
        AdminCommand::User {
            cmd:
                UserCmd::Create {
                    account_id,
                    email,
                    first_name,
                    last_name,
                    password,
                    extension_number,
                    admin,
                    data,
                },
        } => {
            let st = open(&data, data_dir::Use::Existing, cfg())?;
            let ext = st
                .platform()
                .create_user(NewUser {
                    account_id: AccountId(account_id),
                    email,
                    first_name,
                    last_name,
                    password,
                    extension_number,
                    is_admin: admin,
                })
                .await
                .map_err(|e| words(&e))?;
            Ok(
                json!({"id": ext.id.to_string(), "extensionNumber": ext.extension_number, "status": ext.status.as_str()}),
            )
        }
        AdminCommand::App {
            cmd:
                AppCmd::Create {
                    account_id,
                    name,
                    kind,
                    redirect_uris,
                    grants,
                    permissions,
                    public,
                    data,
                },
        } => {
            let st = open(&data, data_dir::Use::Existing, cfg())?;
            if kind == "bot" {
                if !grants.is_empty() || !permissions.is_empty() || public {
                    return Err("a bot app's grant (authorization code) and permissions are fixed: leave out --grant, --permission and --public".into());
                }
                return bot_app(&st, AccountId(account_id), &name, &redirect_uris).await;
            }
            let (app, secret) = st
                .platform()
                .provision_app(NewAppSpec {
                    account_id: AccountId(account_id),
                    name,
                    redirect_uris,
                    grants,
                    permissions,
                    public_client: public,
                })
                .await
                .map_err(|e| words(&e))?;
            Ok(json!({
                "clientId": app.client_id,
                "clientSecret": secret,
                "grants": app.grants.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
                "permissions": app.permissions.iter().map(|p| p.api_name()).collect::<Vec<_>>(),
            }))
        }
        AdminCommand::Bot {
            cmd:
                BotCmd::Create {
                    account_id,
                    name,
                    interactive_url,
                    data,
                },
        } => {
            // A URL that would be refused is refused before the bot is made.
            if let Some(url) = &interactive_url {
                openglip_platform::apps::check_redirect_uri(url)
                    .map_err(|why| why.replace("redirect URI", "URL"))?;
            }
            let st = open(&data, data_dir::Use::Existing, cfg())?;
            let (ext, app, token) = st
                .platform()
                .create_bot(AccountId(account_id), &name)
                .await
                .map_err(|e| words(&e))?;
            let mut out =
                json!({"id": ext.id.to_string(), "accessToken": token, "clientId": app.client_id});
            if let Some(url) = interactive_url {
                let s = st
                    .platform()
                    .operator_bot_interactive(app.id, &url)
                    .await
                    .map_err(|e| words(&e))?;
                out["interactiveSecret"] = json!(s.secret);
            }
            Ok(out)
        }
    }
}
