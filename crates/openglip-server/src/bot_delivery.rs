//! How a private bot's permanent token reaches it: the platform's `BotTokenDelivery` port over
//! HTTP. The redirect URI passes the same checks as a WebHook address (https; no private,
//! loopback or link-local addresses, resolved first, unless the server allows private
//! WebHooks), redirects are not followed, and the bot has ten seconds to answer.

use std::time::Duration;

use openglip_platform::{BotTokenDelivery, BotTokenPost, Delivery};

use crate::realtime::webhook::{check_address, is_private};

pub struct HttpBotDelivery {
    allow_private: bool,
    client: reqwest::Client,
}

impl HttpBotDelivery {
    pub fn new(allow_private: bool) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("openglip/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("an HTTP client with fixed settings");
        HttpBotDelivery {
            allow_private,
            client,
        }
    }

    async fn post(&self, post: BotTokenPost) -> Result<(), String> {
        let url = check_address(&post.redirect_uri, self.allow_private)
            .map_err(|e| crate::error::message(&e))?;
        if !self.allow_private {
            let host = url.host_str().unwrap_or("").to_string();
            let port = url.port_or_known_default().unwrap_or(443);
            let addrs: Vec<_> = tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|e| format!("cannot resolve {host}: {e}"))?
                .collect();
            if addrs.is_empty() || addrs.iter().any(|a| is_private(a.ip())) {
                return Err(format!(
                    "{host} is not a public address (the server's operator allows private ones with --webhook-allow-private, OPENGLIP_WEBHOOK_ALLOW_PRIVATE)"
                ));
            }
        }
        let resp = self
            .client
            .post(url)
            .form(&post.form)
            .send()
            .await
            .map_err(|e| format!("the bot server did not answer: {e}"))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(format!("the bot server answered {}", resp.status()))
        }
    }
}

impl BotTokenDelivery for HttpBotDelivery {
    fn deliver(&self, post: BotTokenPost) -> Delivery<'_> {
        Box::pin(self.post(post))
    }
}
