//! The agent app's integration tests: one binary, a module per area.

mod api;
mod boundaries;
mod channel;
mod conversations;
mod generative;
mod pages;
mod semantic;
