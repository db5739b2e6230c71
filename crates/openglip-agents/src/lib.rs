//! The agent app: AI agents whose dialog tasks answer people in Glip conversations — an agent
//! platform like the one in the "Glip by RingCentral" channel guide, self-hosted on openglip.
//!
//! This crate talks to the platform only through its public API. Its heart is a small,
//! deterministic dialog engine:
//!
//! - [`dialog`]: the dialog file (YAML or JSON; `docs/agents.md`), loaded and checked into an
//!   [`Agent`], with every error at its line.
//! - [`matching`]: which task a message starts — commands, patterns, then token similarity
//!   with a threshold and an ambiguity margin, ties broken by priority — and why.
//! - [`entities`]: values in what people write (numbers, dates, times, e-mail addresses, phone
//!   numbers, cities and airports, custom lists, free text).
//! - [`engine`]: a turn of a conversation: slots, confirmations, messages, service calls,
//!   transitions, sub-dialogs, and the built-in greeting, help, fallback, cancel, restart,
//!   interruptions, corrections and hand-off. [`Session`] is what a conversation keeps between
//!   turns.
//! - [`service`]: service nodes' HTTP calls. [`template`]: `{{slot}}` templates.
//! - [`testing`]: conversation tests (`say` / `expect`). [`flights`]: the sample agent's airline.

pub mod agent;
pub mod dialog;
pub mod engine;
pub mod entities;
pub mod flights;
pub mod matching;
pub mod service;
pub mod template;
pub mod testing;
pub mod text;

pub use agent::Agent;
pub use dialog::DialogError;
pub use engine::{Frame, Reply, Session, Turn};
pub use service::{HttpServices, ServiceCall, ServiceOutcome, Services};
