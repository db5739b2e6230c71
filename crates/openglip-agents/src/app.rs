//! The running app: its settings ([`Config`]), its shared state ([`App`]), and [`serve`], which
//! runs the pages, the API, the flights endpoint and every enabled channel until shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use openglip_webkit::Kit;

use crate::agent::Agent;
use crate::channel::Channels;
use crate::error::{Error, Result};
use crate::flights::Flights;
use crate::semantic::SemanticModel;
use crate::service::HttpServices;
use crate::store::Store;

/// The app's settings (`openglip agents serve` fills them from flags and
/// `OPENGLIP_AGENTS_*` variables).
#[derive(Clone, Debug)]
pub struct Config {
    /// The openglip platform: the default URL of both RingCentral environments on the channel
    /// page.
    pub platform_url: String,
    /// Where people and the platform reach this app (redirect URIs and WebHook addresses start
    /// with it).
    pub public_url: String,
    pub data_dir: PathBuf,
    /// Prefix of the app's cookies (`agents_`), apart from the platform's (`og_`) and the OKR
    /// app's (`okr_`): cookies ignore ports.
    pub cookie_prefix: String,
    /// Renew the authorized extension's access token this long before it expires.
    pub renew_before: std::time::Duration,
    /// How often a running channel checks its subscription (renewed, or made anew when it was
    /// deleted or blacklisted).
    pub subscription_check: std::time::Duration,
    /// A sentence-embedding model's folder (`model.safetensors`, `config.json`,
    /// `tokenizer.json` of all-MiniLM-L6-v2): semantic matching for the agents that allow it
    /// ([`crate::semantic`]). `None`: matching by words only.
    pub model_dir: Option<PathBuf>,
}

impl Config {
    pub fn new(platform_url: &str, public_url: &str, data_dir: impl Into<PathBuf>) -> Config {
        Config {
            platform_url: platform_url.trim_end_matches('/').to_string(),
            public_url: public_url.trim_end_matches('/').to_string(),
            data_dir: data_dir.into(),
            cookie_prefix: "agents_".into(),
            renew_before: std::time::Duration::from_secs(300),
            subscription_check: std::time::Duration::from_secs(60),
            model_dir: None,
        }
    }

    /// The same, with semantic matching by the model in `dir`.
    pub fn model_dir(mut self, dir: Option<PathBuf>) -> Config {
        self.model_dir = dir;
        self
    }

    fn check(&self) -> Result<()> {
        for (name, v) in [
            ("platformUrl", &self.platform_url),
            ("publicUrl", &self.public_url),
        ] {
            if !(v.starts_with("http://") || v.starts_with("https://")) {
                return Err(Error::invalid(
                    name,
                    format!("{name} must be an http(s) URL, not [{v}]"),
                ));
            }
        }
        Ok(())
    }
}

pub(crate) struct Inner {
    pub config: Config,
    pub store: Store,
    pub kit: Kit,
    pub flights: Flights,
    /// Service nodes' calls; relative URLs go to the app itself.
    pub services: HttpServices,
    pub channels: Channels,
    /// Calls of the generative step (each with its agent's timeout).
    pub chat: reqwest::Client,
    /// The sentence-embedding model of semantic matching, if configured.
    pub semantic: Option<Arc<SemanticModel>>,
    /// One lock per conversation, so that its turns run one at a time, in order.
    pub turn_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The app's shared state. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<Inner>,
}

impl App {
    /// Opens the database, loads the sentence-embedding model if one is configured, and sets
    /// up the app (channels start with [`serve`]).
    pub fn open(config: Config) -> Result<App> {
        config.check()?;
        let semantic = match &config.model_dir {
            None => None,
            Some(dir) => Some(Arc::new(SemanticModel::load(dir).map_err(|e| {
                Error::invalid(
                    "modelDir",
                    format!("The sentence-embedding model could not be loaded: {e}"),
                )
            })?)),
        };
        let store = Store::open(&config.data_dir)?;
        let flights = Flights::stored(store.clone());
        let kit = Kit::new("openglip Agents", &config.cookie_prefix)
            .public_url(Some(&config.public_url))
            .json_errors(crate::pages::refusal_body);
        let services = HttpServices::new(Some(config.public_url.clone()));
        Ok(App {
            inner: Arc::new(Inner {
                config,
                store,
                kit,
                flights,
                services,
                channels: Channels::default(),
                chat: reqwest::Client::new(),
                semantic,
                turn_locks: Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The sentence-embedding model, when semantic matching is configured.
    pub fn semantic_model(&self) -> Option<&Arc<SemanticModel>> {
        self.inner.semantic.as_ref()
    }

    /// `agent` as the app runs it: with semantic matching when the app has a model and the
    /// agent allows it (its examples embedded on a blocking thread; each example text once).
    pub async fn prepare(&self, agent: Agent) -> Result<Agent> {
        let Some(model) = self.inner.semantic.clone() else {
            return Ok(agent);
        };
        if !agent.def.settings.semantic {
            return Ok(agent);
        }
        tokio::task::spawn_blocking(move || agent.with_semantic(&model))
            .await
            .map_err(|e| Error::Store(format!("embedding the examples failed: {e}")))
    }

    pub(crate) fn kit(&self) -> &Kit {
        &self.inner.kit
    }

    /// The lock of one conversation.
    pub(crate) fn turn_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self
            .inner
            .turn_locks
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        map.entry(key.to_string()).or_default().clone()
    }
}

/// Serves the app on `listener` until `shutdown` resolves: starts every enabled channel first
/// (catching up on what they missed).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = crate::pages::router(app.clone());
    let starter = app.clone();
    tokio::spawn(async move { crate::channel::start_all(&starter).await });
    let result = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await;
    app.inner.channels.stop_all();
    result
}
