//! The OKR app: objectives, key results and check-ins, whose progress the app's bot posts as
//! digests into the Glip conversations that follow a company, a team or a person — the
//! "Glip integration" of the retired Ally / Viva Goals, self-hosted on openglip.
//!
//! It is an integration like any other: it talks to the platform **only through its public
//! API**, with `openglip-sdk` (people's own bearer tokens, the directory, conversations) and
//! `openglip-bot` (the bot installed by "Add to Glip", its chat commands), and keeps its own
//! SQLite database in its data folder. Each platform account is a tenant; its administrators
//! are the OKR admins.
//!
//! How it is put together, from the inside out:
//!
//! - [`model`]: the OKR model and its rules, pure: periods, progress, expected progress, status
//!   ([`model::progress::STATUS_RULE`]), roll-ups ([`model::Model`]), what key results accept,
//!   the import/export document. [`schedule`]: when a follower's digest is due, pure.
//!   [`digest`]: what a digest says, and its Adaptive Card and text, pure. [`commands`]: the
//!   chat commands, pure. [`clock`]: the injected clock.
//! - [`store`]: the database (migrations, one transaction per change).
//! - [`service`]: who may do what, over the store — used by the API and the chat alike.
//! - [`platform`]: who a token belongs to (cached briefly), people in the directory,
//!   conversations. [`integration`]: "Add to Glip" (the platform's OAuth), the bots, followers'
//!   conversations. [`bot`]: the bot's chat commands.
//! - [`outbox`]: how a digest goes from a schedule to exactly one post. [`nudges`]: reminders.
//! - [`api`]: the JSON API under `/api/v1` and its OpenAPI document. [`pages`]: the pages on
//!   the page kit, and "Sign in with openglip". [`actions`]: what both do beyond the rules
//!   (check in, send now, preview). [`router`] serves the pages and the API together.
//! - [`app`]: [`Config`], the shared [`App`], and [`serve`].
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let mut config = openglip_okr::Config::new(
//!     "http://127.0.0.1:8080",
//!     "http://127.0.0.1:8081",
//!     "./openglip-okr-data",
//! );
//! config.client_id = "…".into();
//! config.bot_client_id = "…".into();
//! config.bot_client_secret = Some("…".into());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8081").await?;
//! openglip_okr::serve(listener, config, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await?;
//! # Ok(()) }
//! ```

pub mod actions;
pub mod api;
pub mod app;
pub mod bot;
pub mod clock;
pub mod commands;
pub mod demo;
pub mod digest;
pub mod error;
pub mod integration;
pub mod links;
pub mod model;
pub mod nudges;
pub mod outbox;
pub mod pages;
pub mod platform;
pub mod schedule;
pub mod service;
pub mod store;

pub use error::{Error, Result};

pub use app::{App, Config, router, serve, serve_app};
