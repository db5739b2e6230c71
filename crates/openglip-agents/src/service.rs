//! Service nodes' HTTP calls. The engine asks a [`Services`] to make a call and gets the status
//! and JSON body, or why there was no answer (timeout, refused connection); [`HttpServices`]
//! makes real calls with `reqwest`, resolving relative URLs against a base (the agent app's own
//! URL, or the agent's `settings.service_base_url`).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde_json::Value;

/// One call a service node makes.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceCall {
    pub method: String,
    /// Absolute, or relative (starting with `/`) to the base URL.
    pub url: String,
    pub body: Option<Value>,
    pub timeout: Duration,
}

/// What came of a call.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceOutcome {
    /// The service answered (any status); a body that is not JSON is `Null`.
    Answered { status: u16, body: Value },
    /// No answer: timeout, refused connection, bad URL; the reason in words.
    Failed(String),
}

/// A boxed future, so that [`Services`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Makes service nodes' calls.
pub trait Services: Send + Sync {
    fn call(&self, call: ServiceCall) -> BoxFuture<'_, ServiceOutcome>;
}

/// Real HTTP calls.
#[derive(Clone)]
pub struct HttpServices {
    client: reqwest::Client,
    base_url: Option<String>,
}

impl HttpServices {
    /// Calls with relative URLs go to `base_url` (none: they fail, saying so).
    pub fn new(base_url: Option<String>) -> HttpServices {
        HttpServices {
            client: reqwest::Client::new(),
            base_url: base_url.map(|b| b.trim_end_matches('/').to_string()),
        }
    }

    fn resolve(&self, url: &str) -> Result<String, String> {
        if url.starts_with("http://") || url.starts_with("https://") {
            return Ok(url.to_string());
        }
        match (&self.base_url, url.starts_with('/')) {
            (Some(base), true) => Ok(format!("{base}{url}")),
            (None, true) => Err(format!("no base URL to call {url} against")),
            _ => Err(format!(
                "{url} is not an http(s) URL or a path starting with /"
            )),
        }
    }
}

impl Services for HttpServices {
    fn call(&self, call: ServiceCall) -> BoxFuture<'_, ServiceOutcome> {
        Box::pin(async move {
            let url = match self.resolve(&call.url) {
                Ok(u) => u,
                Err(e) => return ServiceOutcome::Failed(e),
            };
            let Ok(method) = reqwest::Method::from_bytes(call.method.as_bytes()) else {
                return ServiceOutcome::Failed(format!("unknown method {}", call.method));
            };
            let mut req = self.client.request(method, &url).timeout(call.timeout);
            if let Some(body) = &call.body {
                req = req.json(body);
            }
            match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
                    ServiceOutcome::Answered { status, body }
                }
                Err(e) if e.is_timeout() => ServiceOutcome::Failed(format!(
                    "{url} did not answer within {} ms",
                    call.timeout.as_millis()
                )),
                Err(e) => ServiceOutcome::Failed(format!("{url} could not be reached: {e}")),
            }
        })
    }
}
