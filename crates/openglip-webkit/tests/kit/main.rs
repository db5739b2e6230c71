//! The page kit's integration tests: its extractors on a router (`extractors`), escaping in
//! every component (`escaping`), and the Notes example app signing people in with the real
//! platform, started in-process (`notes`).

mod browser;
mod escaping;
mod extractors;
mod notes;
mod platform;

#[allow(dead_code)]
#[path = "../../examples/notes/app.rs"]
mod notes_app;
