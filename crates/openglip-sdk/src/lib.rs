//! A Rust client for RingCentral's Team Messaging ("Glip") API, as served by openglip and by
//! RingCentral itself (the wire is the same).
//!
//! - [`Client`]: typed calls for chats, conversations, teams, posts, persons, companies,
//!   account and extension info and subscriptions ([`api`]), the company directory and a
//!   person's time zone ([`directory`]); lists one page at a time or as a stream of every record; RingCentral error bodies as [`Error::Api`]; 429 answers retried
//!   after `Retry-After` ([`RetryPolicy`]).
//! - OAuth ([`auth`]): password, authorization code (with a [`Pkce`] helper), JWT bearer,
//!   refresh (automatic, shortly before the token expires, and once after an `OAU-128`), revoke.
//! - Notifications ([`events`]): WebSocket subscriptions with the WSG protocol, recovery and
//!   heartbeats ([`ws`]), and a WebHook receiver ([`webhook`]), both yielding the same
//!   [`events::Incoming`] items.
//!
//! ```no_run
//! # async fn f() -> openglip_sdk::Result<()> {
//! use openglip_sdk::Client;
//! let client = Client::builder("http://127.0.0.1:8080")
//!     .app("client-id", Some("client-secret".into()))
//!     .build()?;
//! client.login_password("alice@acme.example", "…", None).await?;
//! let chat = client.create_conversation(&[openglip_sdk::Member::Email("bob@acme.example".into())]).await?;
//! client.send_text(&chat.id, "Hello Bob").await?;
//! # Ok(()) }
//! ```

pub mod api;
pub mod auth;
pub mod client;
pub mod directory;
pub mod error;
pub mod events;
#[cfg(feature = "webhook")]
pub mod webhook;
pub mod ws;

pub use api::{ChatType, Member, Page, PageQuery};
pub use auth::{Pkce, Token};
pub use client::{Client, ClientBuilder, RetryPolicy};
pub use directory::DirectoryQuery;
pub use error::{Error, Result};
pub use events::{Event, EventStream, Incoming, Notification};
pub use openglip_wire as wire;
/// The HTTP client the SDK uses (for `Client::request_json`'s `Method`, and for tests).
pub use reqwest;
pub use ws::{WsOptions, WsSubscription};
