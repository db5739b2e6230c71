//! The OKR app (work in progress).

pub mod api;
pub mod app;
pub mod bot;
pub mod clock;
pub mod commands;
pub mod digest;
pub mod error;
pub mod integration;
pub mod links;
pub mod model;
pub mod nudges;
pub mod outbox;
pub mod platform;
pub mod schedule;
pub mod service;
pub mod store;

pub use error::{Error, Result};

pub use app::{App, Config, serve, serve_app};
