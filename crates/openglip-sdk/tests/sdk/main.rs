//! The SDK against a real openglip, started in-process on `127.0.0.1:0` with a fresh data folder
//! per test (as `crates/openglip/tests/api/helpers.rs` does).

mod helpers;
mod oauth;
mod rest;
mod subscriptions;
