//! Test support for openglip, shared by the server's integration tests, the SDK's tests and the
//! bot framework's harness: one way to start the real server in a test.
//!
//! [`spawn_app`] starts the whole application, exactly as the `openglip` binary serves it, on
//! `127.0.0.1:0` with a fresh SQLite data folder, in a runtime of its own (so that
//! [`TestApp::stop`] drops every task and connection at once, like a crash, and
//! [`TestApp::restart`] brings it back on the same port and data). [`spawn_app_with`] takes the
//! [`ServerConfig`](openglip_server::ServerConfig): rate limits, real-time settings, public URL;
//! [`test_config`] is the default (rate limits off, WebHooks to loopback allowed, quick
//! retries).
//!
//! On a running server the fixtures provision what tests need through the operator's own
//! provisioning (`openglip_server::admin`, as `openglip admin` does): companies with an
//! administrator, people with the password [`PASSWORD`], apps with grants and permissions
//! ([`Client`]), and tokens from the password grant ([`User`]). [`Browser`] drives the pages
//! (cookies, forms with their CSRF token, the authorization-code flow). [`boundaries`] checks
//! that an app's normal dependencies reach no platform crate.
//!
//! ```no_run
//! # async fn f() {
//! use openglip_testkit::{ALL_PERMISSIONS, spawn_app};
//! let app = spawn_app().await;
//! let (acme, alice) = app.account("Acme", "alice@acme.test").await;
//! let client = app.client(&acme, &["password"], &ALL_PERMISSIONS).await;
//! let alice = app.logged_in(&client, alice).await;
//! let (status, me) = app.get("/restapi/v1.0/account/~/extension/~", &alice.token).await;
//! assert_eq!((status, me["id"].as_i64()), (200, Some(alice.ext.id.0)));
//! # }
//! ```

pub mod boundaries;
mod browser;
mod cluster;
mod provision;
mod requests;
mod s3;
mod server;
mod wait;

pub use browser::{Browser, Page, input_value, unescape};
pub use cluster::{NATS_VAR, TestCluster, nats_url, spawn_cluster, spawn_cluster_on};
pub use provision::{ALL_PERMISSIONS, Client, PASSWORD, User};
pub use requests::send;
pub use s3::MotoServer;
pub use server::{
    TEST_DATABASE_VAR, TestApp, free_port, on_postgres, spawn_app, spawn_app_with, test_config,
    test_realtime,
};
pub use wait::eventually;
