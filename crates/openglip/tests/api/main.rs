//! The integration tests: one binary (one link step), one module per area. Every test starts the
//! real server on a random loopback port with a fresh SQLite database in a temporary folder.

mod helpers;
mod smoke;
