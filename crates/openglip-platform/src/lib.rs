//! openglip's platform: the rules around the messaging API, as one service, [`Platform`], beside
//! the domain's `Service`. Where `Service` decides who may read and change which chats and
//! posts, `Platform` decides who may sign in and with what, and what an app or a bot may become:
//!
//! - accounts and people (`accounts`, `people`): provisioning by the operator, people added by
//!   an administrator with an activation link or a password, enabled, disabled, made
//!   administrators; unassigned extension numbers; the mail outbox;
//! - apps (`apps`): registered in the console or by the operator, their client type, redirect
//!   URIs, permissions, token lifetimes and client secrets;
//! - sandbox and production (`environments`): a developer's sandbox account, which accounts an
//!   app may serve, API usage (`usage`) and graduation to production;
//! - bots (`bots`): created by the operator, installed into a company (publicly through the
//!   authorization flow, privately from the console with their token delivered to them), removed;
//! - a person's profile as the REST API changes it (`profiles`);
//! - JWT credentials (`jwt`), web sessions and the sign-in check (`sessions`), the brute-force
//!   throttle of every password check, kept in the store (`throttle`),
//!   the web client's first-party app (`web_client`);
//! - the OAuth grants (`oauth`): client authentication, `authorization_code` with PKCE,
//!   `refresh_token` with rotation and reuse detection, `password`, the JWT bearer grant,
//!   revocation, authorization codes and consent, and the bearer tokens they issue;
//! - OpenID Connect on those grants (`oidc`): the `openid` scope, ID tokens signed RS256 with
//!   keys kept in the store, `userinfo`, the published key set;
//! - secrets (`secrets`): random tokens, hashes, Argon2id passwords, constant-time comparison.
//!
//! Every operation returns the domain's `Error`; the HTTP edge maps it, once. The platform knows
//! no HTTP: it reaches storage through the domain's `Store`, the time through a [`Clock`], and a
//! private bot's server through a [`BotTokenDelivery`] (see `ports`).

pub mod accounts;
pub mod apps;
pub mod audit;
pub mod bots;
pub mod environments;
pub mod interactive;
pub mod jwt;
pub mod oauth;
pub mod oidc;
pub mod people;
pub mod ports;
pub mod profiles;
pub mod secrets;
pub mod sessions;
pub mod throttle;
pub mod undeliverable;
pub mod usage;
pub mod web_client;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use openglip_domain::Timestamp;
use openglip_domain::store::Store;

pub use ports::{BotTokenDelivery, BotTokenPost, Clock, Delivery, SystemClock};

/// The platform's rules, over a store. One per server; cheap to share behind an `Arc`.
pub struct Platform {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    delivery: Arc<dyn BotTokenDelivery>,
    fresh: apps::FreshSecrets,
    usage: usage::UsageCounter,
    web_apps: web_client::WebApps,
    oidc_keys: oidc::keys::KeyCache,
}

impl Platform {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        delivery: Arc<dyn BotTokenDelivery>,
    ) -> Self {
        Platform {
            store,
            clock,
            delivery,
            fresh: Default::default(),
            usage: Default::default(),
            web_apps: Default::default(),
            oidc_keys: Default::default(),
        }
    }

    /// Now, by the platform's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
