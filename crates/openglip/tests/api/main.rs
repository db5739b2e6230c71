//! The integration tests: one binary (one link step), one module per area. Every test starts the
//! real server on a random loopback port with a fresh SQLite database in a temporary folder.

mod auth;
mod bad_input;
mod chats;
mod cli;
mod clients;
mod compat;
mod helpers;
mod legacy_groups;
mod meta;
mod people;
mod posts;
mod ratelimit;
mod teams;
