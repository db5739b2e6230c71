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
//! - [`semantic`]: optional matching by meaning, with a sentence-embedding model
//!   (all-MiniLM-L6-v2 through `openglip-embed`), where the words did not decide.
//! - [`entities`]: values in what people write (numbers, dates, times, e-mail addresses, phone
//!   numbers, cities and airports, custom lists, free text).
//! - [`engine`]: a turn of a conversation: slots, confirmations, messages, service calls,
//!   transitions, sub-dialogs, and the built-in greeting, help, fallback, cancel, restart,
//!   interruptions, corrections and hand-off. [`Session`] is what a conversation keeps between
//!   turns.
//! - [`service`]: service nodes' HTTP calls. [`template`]: `{{slot}}` templates.
//! - [`testing`]: conversation tests (`say` / `expect`). [`flights`]: the sample agent's airline.
//! - [`generative`]: the optional generative step (an OpenAI-compatible chat-completions
//!   endpoint per agent, off by default) for what the tasks do not answer.
//!
//! Around it, the app: [`store`] (its SQLite database: accounts, agents and versions,
//! conversations and transcripts, channels), [`rules`] (what makes an account, an agent, a
//! draft, a publication, a channel's settings), [`talk`] (a kept turn of a conversation),
//! [`channel`] (the RingCentral Glip channel: authorize, subscribe, answer, catch up),
//! [`pages`] (on the page kit), [`api`] (the JSON API under `/api/v1`), [`app`] ([`Config`], [`App`], [`serve`]).

pub mod agent;
pub mod api;
pub mod app;
pub mod channel;
pub mod dialog;
pub mod engine;
pub mod entities;
pub mod error;
pub mod flights;
pub mod generative;
pub mod matching;
pub mod pages;
pub mod rules;
pub mod semantic;
pub mod service;
pub mod store;
pub mod talk;
pub mod template;
pub mod testing;
pub mod text;

pub use agent::Agent;
pub use app::{App, Config, serve};
pub use dialog::DialogError;
pub use engine::{Frame, Reply, Session, Turn};
pub use service::{HttpServices, ServiceCall, ServiceOutcome, Services};
