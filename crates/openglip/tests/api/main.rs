//! The integration tests: one binary (one link step), one module per area. Every test starts the
//! real server on a random loopback port with a fresh SQLite database in a temporary folder.

mod clients;
mod compat;
mod helpers;
mod posts;
mod smoke;
mod auth;
mod chats;
mod legacy_groups;
mod people;
mod teams;
mod bad_input;
mod ratelimit;
