//! The running app: its settings ([`Config`]), its shared state ([`App`]), and [`serve`], which
//! runs the HTTP API, the digest worker, the nudges and one bot per installed company until
//! shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openglip_bot::RunningBot;
use openglip_webkit::Kit;
use openglip_webkit::signin::PlatformSignIn;
use tokio::sync::{Notify, watch};

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::links::Links;
use crate::platform::Platform;
use crate::service::Service;
use crate::store::Store;

/// The app's settings (`openglip okr serve` fills them from flags and `OPENGLIP_OKR_*`
/// variables).
#[derive(Clone)]
pub struct Config {
    /// The platform, e.g. `http://127.0.0.1:8080`.
    pub platform_url: String,
    /// Where people and the platform reach this app, e.g. `http://127.0.0.1:8081`.
    pub public_url: String,
    /// Where the app keeps its database and its bots' state.
    pub data_dir: PathBuf,
    /// Prefix of the app's cookies, so they never overwrite the platform's on the same host
    /// (cookies ignore ports). Used by the pages.
    pub cookie_prefix: String,
    /// The REST app that signs people in to the pages ("Sign in with openglip": authorization
    /// code with PKCE and refresh tokens; its redirect URI is `<public_url>/auth/callback`).
    pub client_id: String,
    pub client_secret: Option<String>,
    /// The public bot app that "Add to Glip" installs.
    pub bot_client_id: String,
    pub bot_client_secret: Option<String>,
    /// Where the app reads the time (tests move it).
    pub clock: Arc<dyn Clock>,
    /// How often the worker looks for due slots and posts to send.
    pub tick: Duration,
    /// How often nudges are considered.
    pub nudge_every: Duration,
}

impl Config {
    /// Settings with the defaults: cookie prefix `okr_`, the system clock, a tick of a second,
    /// nudges considered every ten minutes.
    pub fn new(platform_url: &str, public_url: &str, data_dir: impl Into<PathBuf>) -> Config {
        Config {
            platform_url: platform_url.trim_end_matches('/').to_string(),
            public_url: public_url.trim_end_matches('/').to_string(),
            data_dir: data_dir.into(),
            cookie_prefix: "okr_".into(),
            client_id: String::new(),
            client_secret: None,
            bot_client_id: String::new(),
            bot_client_secret: None,
            clock: Arc::new(SystemClock),
            tick: Duration::from_secs(1),
            nudge_every: Duration::from_secs(600),
        }
    }

    /// Checks that the settings can work.
    pub fn check(&self) -> Result<()> {
        let url = |name: &str, v: &str| {
            if v.starts_with("http://") || v.starts_with("https://") {
                Ok(())
            } else {
                Err(Error::invalid(
                    name,
                    format!("{name} must be an http(s) URL, not [{v}]"),
                ))
            }
        };
        url("platformUrl", &self.platform_url)?;
        url("publicUrl", &self.public_url)?;
        if self.client_id.is_empty() {
            return Err(Error::Missing("clientId".into()));
        }
        if self.bot_client_id.is_empty() {
            return Err(Error::Missing("botClientId".into()));
        }
        if self.cookie_prefix.is_empty()
            || !self
                .cookie_prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(Error::invalid(
                "cookiePrefix",
                "a cookie prefix is letters, digits, - and _",
            ));
        }
        Ok(())
    }

    /// Where the platform sends people back after signing in.
    pub fn sign_in_redirect(&self) -> String {
        format!("{}/auth/callback", self.public_url)
    }
}

pub(crate) struct Inner {
    pub config: Config,
    pub service: Service,
    pub platform: Platform,
    /// One running bot per company with an active integration.
    pub bots: Mutex<HashMap<String, RunningBot>>,
    /// Clients acting as each company's bot, with the token they were made for.
    pub bot_clients: Mutex<HashMap<String, (String, openglip_sdk::Client)>>,
    /// Wakes the worker (a post was enqueued).
    pub wake: Notify,
    /// Bumped whenever posts were attempted (send-now waits on it).
    pub delivered: watch::Sender<u64>,
    /// The pages' kit: product name, cookie prefix, public URL.
    pub kit: Kit,
    /// "Sign in with openglip".
    pub sign_in: PlatformSignIn,
    /// Clients acting for people signed in to the pages, by session (their tokens renewed in
    /// one place, and written back).
    pub session_clients: Mutex<HashMap<String, openglip_sdk::Client>>,
}

/// The app's shared state. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<Inner>,
}

impl App {
    /// Opens the database and sets up the app (nothing runs yet: see [`App::start`]).
    pub fn open(config: Config) -> Result<App> {
        config.check()?;
        let store = Store::open(&config.data_dir)?;
        let service = Service {
            store,
            clock: config.clock.clone(),
            links: Links::new(&config.public_url),
        };
        let platform = Platform::new(&config.platform_url);
        let kit = Kit::new("openglip OKR", &config.cookie_prefix)
            .public_url(Some(&config.public_url))
            .json_errors(crate::error::refusal_body);
        let sign_in = PlatformSignIn::new(
            &config.platform_url,
            &config.client_id,
            config.client_secret.clone(),
            &config.sign_in_redirect(),
        )
        .map_err(|m| Error::invalid("publicUrl", m))?
        .home("/company");
        Ok(App {
            inner: Arc::new(Inner {
                config,
                service,
                platform,
                bots: Mutex::new(HashMap::new()),
                bot_clients: Mutex::new(HashMap::new()),
                wake: Notify::new(),
                delivered: watch::channel(0).0,
                kit,
                sign_in,
                session_clients: Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn service(&self) -> &Service {
        &self.inner.service
    }

    pub fn store(&self) -> &Store {
        &self.inner.service.store
    }

    pub fn platform(&self) -> &Platform {
        &self.inner.platform
    }

    pub fn links(&self) -> &Links {
        &self.inner.service.links
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.inner.config.clock.now()
    }

    /// The pages' kit.
    pub fn kit(&self) -> &Kit {
        &self.inner.kit
    }

    /// Starts the background work: the bots of installed companies, the digest worker and the
    /// nudges. Returns when the bots are started; the rest runs until `shutdown` turns true.
    pub async fn start(
        &self,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Vec<tokio::task::JoinHandle<()>>> {
        for account in self.store().active_integrations().await? {
            if let Err(e) = self.start_bot(&account).await {
                tracing::warn!(account, error = %e, "cannot start the bot of an installed company");
            }
        }
        let mut tasks = vec![];
        let (app, stop) = (self.clone(), shutdown.clone());
        tasks.push(tokio::spawn(
            async move { crate::outbox::run(app, stop).await },
        ));
        let (app, stop) = (self.clone(), shutdown);
        tasks.push(tokio::spawn(
            async move { crate::nudges::run(app, stop).await },
        ));
        Ok(tasks)
    }

    /// Stops every bot (their subscriptions stay, so the next start resumes them).
    pub async fn stop_bots(&self) {
        let bots: Vec<RunningBot> = {
            let mut map = self.inner.bots.lock().unwrap_or_else(|p| p.into_inner());
            map.drain().map(|(_, b)| b).collect()
        };
        for b in bots {
            if let Err(e) = b.stop().await {
                tracing::warn!(error = %e, "stopping a bot");
            }
        }
    }
}

/// Everything the app serves: the pages, the JSON API under `/api/v1` with its OpenAPI
/// document, the platform's redirects ("Sign in with openglip", "Add to Glip") and the kit's
/// stylesheet and script. What no route serves is a 404 page, or the API's error under `/api/`.
pub fn router(app: App) -> axum::Router {
    let routes = crate::api::routes()
        .merge(crate::pages::routes())
        .fallback(crate::pages::not_found)
        .method_not_allowed_fallback(crate::pages::method_not_allowed);
    // The kit wraps everything, the fallbacks too (they answer pages).
    app.kit().apply(routes).with_state(app)
}

/// Runs the app on `listener` until `shutdown` resolves: its pages and API ([`router`]), the
/// digest worker, nudges and the bots.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let app = App::open(config)?;
    let router = router(app.clone());
    serve_app(listener, app, router, shutdown).await
}

/// Runs `router` (usually [`router`]) and the app's background work.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    app: App,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let tasks = app.start(stop_rx.clone()).await?;
    tracing::info!(address = ?listener.local_addr().ok(), "OKR app listening");
    let mut stop_http = stop_rx.clone();
    let http = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = stop_http.wait_for(|s| *s).await;
    });
    let signal = async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    };
    let (served, ()) = tokio::join!(http, signal);
    for t in tasks {
        let _ = t.await;
    }
    app.stop_bots().await;
    served.map_err(|e| Error::Internal(format!("serving: {e}")))
}
