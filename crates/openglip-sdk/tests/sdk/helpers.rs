//! The SDK suite's fixtures on top of `openglip_testkit` (the one test-server starter): the
//! company of [`World`] with SDK clients, and a TCP proxy whose connections can be cut.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use openglip_domain::Account;
use openglip_sdk::Client;
use openglip_server::ServerConfig;

pub use openglip_testkit::{ALL_PERMISSIONS, Browser, PASSWORD, TestApp, test_config};

/// A company (Acme: Alice the admin, Bob, Carol), an app with every permission and the password
/// and refresh grants, and logged-in clients.
pub struct World {
    pub app: TestApp,
    pub acme: Account,
    pub client_id: String,
    pub secret: String,
    pub alice: Client,
    pub alice_id: String,
    pub bob: Client,
    pub bob_id: String,
    pub carol_id: String,
}

impl World {
    pub async fn new() -> World {
        Self::with(test_config()).await
    }

    pub async fn with(config: ServerConfig) -> World {
        let app = openglip_testkit::spawn_app_with(config).await;
        let (acme, alice) = app
            .account_with_admin("Acme", "alice@acme.test", ("Alice", "Adams"))
            .await;
        let bob = app.user(&acme, "Bob", "Tester", "bob@acme.test").await;
        let carol = app.user(&acme, "Carol", "Tester", "carol@acme.test").await;
        let credentials = app
            .client(&acme, &["password", "refresh_token"], &ALL_PERMISSIONS)
            .await;
        let secret = credentials.secret.expect("a confidential app");
        let client_id = credentials.client_id;
        let client = || {
            Client::builder(&app.base)
                .app(&client_id, Some(secret.clone()))
                .build()
                .unwrap()
        };
        let (alice_client, bob_client) = (client(), client());
        alice_client
            .login_password("alice@acme.test", PASSWORD, None)
            .await
            .unwrap();
        bob_client
            .login_password("bob@acme.test", PASSWORD, None)
            .await
            .unwrap();
        World {
            alice: alice_client,
            bob: bob_client,
            app,
            acme,
            client_id,
            secret,
            alice_id: alice.id.to_string(),
            bob_id: bob.id.to_string(),
            carol_id: carol.id.to_string(),
        }
    }

    /// A new client of the test app, not logged in.
    pub fn client(&self) -> Client {
        Client::builder(&self.app.base)
            .app(&self.client_id, Some(self.secret.clone()))
            .build()
            .unwrap()
    }
}

/// A TCP proxy in front of the server whose connections can be cut (a network outage) while
/// the server keeps running.
pub struct Proxy {
    pub port: u16,
    target: String,
    tasks: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    pub async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let p = Proxy {
            port,
            target: target.trim_start_matches("http://").to_string(),
            tasks: Arc::new(std::sync::Mutex::new(Vec::new())),
        };
        p.serve(listener);
        p
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        let target = self.target.clone();
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let t = tokio::spawn(async move {
                    if let Ok(mut out) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                });
                tasks.lock().unwrap().push(t);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Drops every connection and stops accepting.
    pub fn cut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    /// Accepts again on the same port.
    pub async fn resume(&self) {
        for _ in 0..100 {
            if let Ok(l) = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await {
                self.serve(l);
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("cannot bind the proxy port again");
    }
}
