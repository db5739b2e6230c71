//! The real platform, in-process on a free port (the bot framework's test server), with a
//! company (its administrator and Bob Baker) and an app registered to sign people in.

use openglip_bot::harness::{Company, TestServer};
use openglip_platform::apps::NewAppSpec;

pub use openglip_bot::harness::PASSWORD;

pub struct Platform {
    pub server: TestServer,
    pub base: String,
}

impl Platform {
    pub async fn start() -> Platform {
        let server = TestServer::start().await;
        let base = server.url();
        Platform { server, base }
    }

    /// Acme: its administrator (`admin@acme.test`, "Admin Acme") and Bob Baker
    /// (`bob.baker@acme.test`).
    pub async fn company(&self) -> Company {
        let acme = self.server.company("Acme").await;
        acme.person(&self.server, "Bob", "Baker").await;
        acme
    }

    /// A server-side REST API app of `company` that signs people in at `redirect_uri`:
    /// (client id, secret).
    pub async fn app(&self, company: &Company, redirect_uri: &str) -> (String, String) {
        let (app, secret) = self
            .server
            .state()
            .platform()
            .provision_app(NewAppSpec {
                account_id: company.account_id,
                name: "Notes".into(),
                redirect_uris: vec![redirect_uri.into()],
                grants: vec!["authorization_code".into(), "refresh_token".into()],
                permissions: vec!["ReadAccounts".into()],
                public_client: false,
            })
            .await
            .expect("register the app");
        (
            app.client_id,
            secret.expect("a server-side app has a secret"),
        )
    }
}
