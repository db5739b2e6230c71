//! The OKR app's integration tests: one binary (see `helpers` for the platform and the app
//! started in-process).

mod api;
mod boundaries;
mod chat;
mod crash;
mod flow;
mod helpers;
mod pages;
mod visit;
