//! The integration tests: one binary (one link step), one module per area. Every test starts the
//! real server on a random loopback port with a fresh SQLite database in a temporary folder.

mod agents_cli;
mod auth;
mod authorization;
mod bad_input;
mod bots;
mod cards;
mod chatbot;
mod chats;
mod cli;
mod cli_postgres;
mod client;
mod client_access;
mod client_escaping;
mod clients;
mod compat;
mod console;
mod crash;
mod directory;
mod event_bodies;
mod helpers;
mod legacy_groups;
mod meta;
mod okr;
mod page_failures;
mod people;
mod posts;
mod pwa;
mod ratelimit;
mod slow_clients;
mod subscriptions;
mod teams;
mod web;
mod webhooks;
mod websocket;
mod xss;
