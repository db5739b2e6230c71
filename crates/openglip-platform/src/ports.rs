//! The platform's ports: the I/O its rules need, as traits the caller implements, so that the
//! rules run in tests against a fixed clock and a recording bot server. The store is the
//! domain's port (`openglip_domain::store::Store`); randomness is read directly (`secrets`).

use std::future::Future;
use std::pin::Pin;

use openglip_domain::Timestamp;

/// The time now, in the store's time base (milliseconds since the epoch, UTC).
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(ms)
    }
}

/// A private bot's permanent token on its way to the bot: an HTTP POST of `form`
/// (`application/x-www-form-urlencoded`) to the bot's OAuth redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotTokenPost {
    pub redirect_uri: String,
    /// `access_token`, `token_type`, `expires_in`, `scope`, `owner_id`, `endpoint_id`,
    /// `creator_extension_id`, `creator_account_id`, `client_id`.
    pub form: Vec<(&'static str, String)>,
}

/// The answer of a delivery: done, or why not (in words for the developer, e.g. "the bot
/// server answered 500").
pub type Delivery<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Where private bots' tokens are sent. The server implements it over HTTP, refusing addresses
/// on private networks unless configured otherwise.
pub trait BotTokenDelivery: Send + Sync {
    fn deliver(&self, post: BotTokenPost) -> Delivery<'_>;
}
