//! `openglip okr serve`: the OKR app (crate `openglip-okr`) run by the same binary, configured by
//! flags or `OPENGLIP_OKR_*` variables; and what `openglip serve --demo` adds to the demo: the
//! OKR app on the port after the platform's, registered on the platform as the two apps an
//! integration of RingCentral's app gallery is (a REST API app that signs people in, and a
//! public bot "Add to Glip" installs), with the reference document's example and its 'Org-Sales'
//! team. The integration is not connected: the person trying it adds it, as the document says.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};
use openglip_domain::platform::ExtensionPatch;
use openglip_domain::service::{MemberInput, TeamInput};
use openglip_domain::{AccountId, Caller, ExtensionId, PermissionSet};
use openglip_okr::clock::OffsetClock;
use openglip_okr::demo::ExamplePeople;
use openglip_platform::apps::NewAppSpec;
use openglip_server::AppState;
use serde_json::{Value, json};

#[derive(Subcommand)]
pub enum OkrCommand {
    /// Run the OKR app.
    Serve(Box<OkrServeArgs>),
}

#[derive(Args)]
pub struct OkrServeArgs {
    /// The openglip platform the app talks to (its public API only).
    #[arg(long, env = "OPENGLIP_OKR_PLATFORM_URL")]
    platform_url: String,
    /// The REST API app that signs people in (authorization code with PKCE, refresh tokens;
    /// redirect URI `<public-url>/auth/callback`).
    #[arg(long, env = "OPENGLIP_OKR_CLIENT_ID")]
    client_id: String,
    #[arg(long, env = "OPENGLIP_OKR_CLIENT_SECRET", hide_env_values = true)]
    client_secret: String,
    /// The public bot app "Add to Glip" installs (redirect URI
    /// `<public-url>/integrations/glip/callback`).
    #[arg(long, env = "OPENGLIP_OKR_BOT_CLIENT_ID")]
    bot_client_id: String,
    #[arg(long, env = "OPENGLIP_OKR_BOT_CLIENT_SECRET", hide_env_values = true)]
    bot_client_secret: String,
    /// The address to listen on.
    #[arg(long, env = "OPENGLIP_OKR_LISTEN", default_value = "127.0.0.1:8081")]
    listen: String,
    /// Where the app keeps its database and its bots' state.
    #[arg(
        long,
        env = "OPENGLIP_OKR_DATA_DIR",
        default_value = "./openglip-okr-data"
    )]
    data_dir: PathBuf,
    /// The URL people and the platform reach the app at (default: `http://<listen>`).
    #[arg(long, env = "OPENGLIP_OKR_PUBLIC_URL")]
    public_url: Option<String>,
    /// Log format: `text` or `json`.
    #[arg(long, env = "OPENGLIP_OKR_LOG_FORMAT", default_value = "text")]
    log_format: String,
    /// Runs the app's clock this many milliseconds ahead (behind, when negative): to rehearse
    /// schedules against a platform, and for tests that must not wait for a slot.
    #[arg(
        long,
        env = "OPENGLIP_OKR_CLOCK_OFFSET_MS",
        default_value_t = 0,
        hide = true,
        allow_hyphen_values = true
    )]
    clock_offset_ms: i64,
}

/// `openglip okr …`.
pub async fn run(cmd: OkrCommand) {
    match cmd {
        OkrCommand::Serve(args) => serve(*args).await,
    }
}

async fn serve(args: OkrServeArgs) {
    crate::init_logs(&args.log_format);
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .unwrap_or_else(|e| crate::fail(format!("cannot listen on {}: {e}", args.listen)));
    let addr = listener.local_addr().unwrap_or_else(|e| crate::fail(e));
    let public = args.public_url.unwrap_or_else(|| format!("http://{addr}"));
    let mut config = openglip_okr::Config::new(&args.platform_url, &public, &args.data_dir);
    config.client_id = args.client_id;
    config.client_secret = Some(args.client_secret);
    config.bot_client_id = args.bot_client_id;
    config.bot_client_secret = Some(args.bot_client_secret);
    if args.clock_offset_ms != 0 {
        config.clock = Arc::new(OffsetClock::from_millis(args.clock_offset_ms));
    }
    let app = openglip_okr::App::open(config).unwrap_or_else(|e| crate::fail(e));
    println!("openglip OKR listening on {public}");
    let router = openglip_okr::router(app.clone());
    if let Err(e) = openglip_okr::serve_app(listener, app, router, crate::shutdown_signal()).await {
        crate::fail(format!("OKR app error: {e}"));
    }
}

// ---------- serve --demo ----------

/// The OKR app of the demo, running beside the platform.
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

/// What the demo registered for the OKR app, kept in the platform's data folder.
const FILE: &str = "demo-okr.json";

/// Starts the demo's OKR app on the port after `platform`'s, with data in `data_dir/okr`:
/// registers its two apps and the 'Org-Sales' team the first time (again when the address
/// changed), then serves it and imports the example once the platform answers. `demo` is what
/// the platform's demo seeded (its people, password and app).
pub async fn start_demo(
    st: &AppState,
    data_dir: &Path,
    platform: SocketAddr,
    demo: &Value,
) -> Result<Demo, String> {
    let okr_addr = SocketAddr::new(platform.ip(), platform.port().wrapping_add(1));
    let listener = tokio::net::TcpListener::bind(okr_addr).await.map_err(|e| {
        format!("the OKR app cannot listen on {okr_addr} (the port after the platform's): {e}")
    })?;
    let url = format!("http://{okr_addr}");
    let platform_url = format!("http://{platform}");
    let path = data_dir.join(FILE);
    let kept: Option<Value> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let mut reg = match kept {
        Some(v) if v["url"] == url.as_str() => v,
        // Another address: the apps' redirect URIs change; the team and the example stay.
        Some(old) => {
            let mut r = register_apps(st, demo, &url).await?;
            r["orgSalesChatId"] = old["orgSalesChatId"].clone();
            r["seeded"] = old["seeded"].clone();
            r
        }
        None => {
            let mut r = register_apps(st, demo, &url).await?;
            r["orgSalesChatId"] = json!(org_sales(st, demo).await?);
            time_zones(st, demo).await?;
            r
        }
    };
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&reg).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let mut config = openglip_okr::Config::new(&platform_url, &url, data_dir.join("okr"));
    config.client_id = s(&reg, "clientId");
    config.client_secret = Some(s(&reg, "clientSecret"));
    config.bot_client_id = s(&reg, "botClientId");
    config.bot_client_secret = Some(s(&reg, "botClientSecret"));
    let app = openglip_okr::App::open(config).map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = openglip_okr::router(app.clone());
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(e) = openglip_okr::serve_app(listener, app, router, shutdown).await {
            tracing::error!(error = %e, "the demo's OKR app stopped");
        }
    });
    let ready = format!("OKR app ready on {url}");
    if reg["seeded"] == true {
        println!("{ready}");
    } else {
        let users = demo["users"].as_array().cloned().unwrap_or_default();
        let id = |i: usize| s(&users[i.min(users.len().saturating_sub(1))], "id");
        let people = ExamplePeople {
            admin: id(0),
            us: id(1),
            europe: id(2),
            asia: id(3),
        };
        let login = (s(&users[0], "email"), s(demo, "password"));
        let app_creds = (s(demo, "clientId"), s(demo, "clientSecret"));
        let okr_url = url.clone();
        tokio::spawn(async move {
            let seeded = openglip_okr::demo::seed(
                &platform_url,
                (&app_creds.0, &app_creds.1),
                (&login.0, &login.1),
                &okr_url,
                &people,
                jiff::Timestamp::now(),
            )
            .await;
            match seeded {
                Ok(()) => {
                    reg["seeded"] = json!(true);
                    if let Err(e) = std::fs::write(
                        &path,
                        serde_json::to_string_pretty(&reg).unwrap_or_default(),
                    ) {
                        tracing::warn!(error = %e, "cannot note that the OKR example is seeded");
                    }
                    println!("{ready}");
                }
                Err(e) => tracing::error!(error = %e, "seeding the OKR example failed"),
            }
        });
    }
    Ok(Demo { url, stop, task })
}

fn demo_account(demo: &Value) -> Result<AccountId, String> {
    demo["accountId"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .map(AccountId)
        .ok_or_else(|| "the demo has no account".to_string())
}

/// Registers the OKR app's two apps for the demo company, for the app at `url`.
async fn register_apps(st: &AppState, demo: &Value, url: &str) -> Result<Value, String> {
    let err = |e: openglip_domain::Error| crate::words(&e);
    let account = demo_account(demo)?;
    let platform = st.platform();
    let (sign_in, secret) = platform
        .provision_app(NewAppSpec {
            account_id: account,
            name: "OKR".into(),
            redirect_uris: vec![format!("{url}/auth/callback")],
            grants: vec!["authorization_code".into(), "refresh_token".into()],
            permissions: vec!["ReadAccounts".into(), "TeamMessaging".into()],
            public_client: false,
        })
        .await
        .map_err(err)?;
    let (bot, bot_secret) = platform
        .provision_bot_app(
            account,
            "OKR",
            &[format!("{url}/integrations/glip/callback")],
        )
        .await
        .map_err(err)?;
    Ok(json!({
        "url": url,
        "clientId": sign_in.client_id,
        "clientSecret": secret,
        "botClientId": bot.app.client_id,
        "botClientSecret": bot_secret,
        "seeded": false,
    }))
}

/// The demo's people live in the regions of the example: their time zones (the platform's
/// `regionalSettings.timezone`), which the OKR app takes as a new follower's default.
async fn time_zones(st: &AppState, demo: &Value) -> Result<(), String> {
    let zones = [
        "Europe/Berlin",
        "America/New_York",
        "Europe/Paris",
        "Asia/Singapore",
    ];
    let users = demo["users"].as_array().cloned().unwrap_or_default();
    for (u, zone) in users.iter().zip(zones) {
        let Some(id) = u["id"]
            .as_str()
            .and_then(|i| i.parse().ok())
            .map(ExtensionId)
        else {
            continue;
        };
        let patch = ExtensionPatch {
            time_zone: Some(zone.into()),
            ..Default::default()
        };
        st.store()
            .platform()
            .update_extension(id, patch)
            .await
            .map_err(|e| crate::words(&e))?;
    }
    Ok(())
}

/// Creates the private 'Org-Sales' team of the demo's administrator with the three regional
/// people; returns its id.
async fn org_sales(st: &AppState, demo: &Value) -> Result<String, String> {
    let err = |e: openglip_domain::Error| crate::words(&e);
    let ids: Vec<ExtensionId> = demo["users"]
        .as_array()
        .map(|u| {
            u.iter()
                .filter_map(|u| u["id"].as_str()?.parse().ok())
                .map(ExtensionId)
                .collect()
        })
        .unwrap_or_default();
    let admin = st
        .store()
        .extension(*ids.first().ok_or("the demo has no people")?)
        .await
        .map_err(err)?
        .ok_or("the demo's administrator is gone")?;
    // As the administrator, through the demo's own app.
    let client_id = demo["clientId"].as_str().unwrap_or_default().to_string();
    let app = st
        .store()
        .app_by_client_id(client_id.clone())
        .await
        .map_err(err)?
        .ok_or("the demo's app is gone")?;
    let caller = Caller {
        account_id: admin.account_id,
        extension_id: admin.id,
        extension_type: admin.kind,
        is_admin: admin.is_admin,
        app_id: app.id,
        client_id,
        permissions: PermissionSet::from_bits(u32::MAX),
    };
    let room = st
        .service()
        .create_team(
            &caller,
            TeamInput {
                name: Some("Org-Sales".into()),
                description: Some("The Sales team across the US, Europe and Asia".into()),
                public: Some(false),
                members: ids[1..].iter().map(|id| MemberInput::Id(*id)).collect(),
            },
        )
        .await
        .map_err(err)?;
    Ok(room.id.to_string())
}

/// How to try the OKR app of the demo.
pub fn how_to_try(demo: &Demo, info: &Value) -> String {
    let admin = info["users"][0]["email"].as_str().unwrap_or_default();
    let password = info["password"].as_str().unwrap_or_default();
    format!(
        "OKR app: {url}/ (the Ally/Glip reference example: Sales with US, Europe and Asia; the 'Org-Sales' team in chat)\n  1. open {url}/ and \"Sign in with openglip\" as {admin} (password: {password})\n  2. Admin > Integrations > Add to Glip, and allow it\n  3. Sales > Followers > Glip teams > Add Followers: Org-Sales; the gear icon next to Follow sets when updates come\n  4. Preview or Send now on its row; check in from chat with `checkin <key result> <value>`",
        url = demo.url
    )
}
