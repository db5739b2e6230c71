//! Fixtures: companies, people, apps and tokens, provisioned on a running [`TestApp`] the way
//! the operator does (`openglip_platform::Platform`, as `openglip admin …`), and tokens from the
//! password grant.

use openglip_domain::{Account, Extension};
use openglip_platform::accounts::{NewAccount, NewUser};
use openglip_platform::apps::NewAppSpec;
use reqwest::Response;
use serde_json::Value;

use crate::TestApp;

/// The password of every person the fixtures create.
pub const PASSWORD: &str = "correct-horse-battery";

/// Every app permission the Team Messaging API checks.
pub const ALL_PERMISSIONS: [&str; 5] = [
    "TeamMessaging",
    "ReadAccounts",
    "EditExtensions",
    "SubscriptionWebhook",
    "WebSocket",
];

/// An OAuth client: an app's credentials.
#[derive(Clone, Debug)]
pub struct Client {
    pub client_id: String,
    pub secret: Option<String>,
}

/// A person with a password and a token (from [`TestApp::logged_in`]).
#[derive(Clone, Debug)]
pub struct User {
    pub ext: Extension,
    pub email: String,
    pub token: String,
}

impl User {
    /// The extension id, as the wire spells ids.
    pub fn id(&self) -> String {
        self.ext.id.to_string()
    }
}

impl TestApp {
    /// A company whose administrator signs in with `admin_email` and [`PASSWORD`].
    pub async fn account(&self, name: &str, admin_email: &str) -> (Account, Extension) {
        self.create_account(name, admin_email, None).await
    }

    /// The same, with the administrator's first and last name.
    pub async fn account_with_admin(
        &self,
        name: &str,
        admin_email: &str,
        (first, last): (&str, &str),
    ) -> (Account, Extension) {
        self.create_account(name, admin_email, Some((first, last)))
            .await
    }

    async fn create_account(
        &self,
        name: &str,
        admin_email: &str,
        names: Option<(&str, &str)>,
    ) -> (Account, Extension) {
        self.state()
            .platform()
            .create_account(NewAccount {
                name: name.into(),
                admin_email: admin_email.into(),
                admin_password: PASSWORD.into(),
                admin_first_name: names.map(|(first, _)| first.into()),
                admin_last_name: names.map(|(_, last)| last.into()),
            })
            .await
            .expect("create an account")
    }

    /// A person of `account` (not an administrator) with the password [`PASSWORD`].
    pub async fn user(&self, account: &Account, first: &str, last: &str, email: &str) -> Extension {
        self.state()
            .platform()
            .create_user(NewUser {
                account_id: account.id,
                email: email.into(),
                first_name: first.into(),
                last_name: last.into(),
                password: Some(PASSWORD.into()),
                extension_number: None,
                is_admin: false,
            })
            .await
            .expect("create a user")
    }

    /// An app of `account` (confidential, no redirect URI) with these grants and permissions.
    pub async fn client(&self, account: &Account, grants: &[&str], permissions: &[&str]) -> Client {
        let (app, secret) = self
            .state()
            .platform()
            .provision_app(NewAppSpec {
                account_id: account.id,
                name: "test app".into(),
                redirect_uris: vec![],
                grants: grants.iter().map(|s| s.to_string()).collect(),
                permissions: permissions.iter().map(|s| s.to_string()).collect(),
                public_client: false,
            })
            .await
            .expect("create an app");
        Client {
            client_id: app.client_id,
            secret,
        }
    }

    /// `POST /restapi/oauth/token` with the password grant; returns the whole response.
    pub async fn password_grant(
        &self,
        client: &Client,
        username: &str,
        password: &str,
    ) -> Response {
        self.http
            .post(self.url("/restapi/oauth/token"))
            .basic_auth(&client.client_id, client.secret.as_deref())
            .form(&[
                ("grant_type", "password"),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .expect("token request")
    }

    /// Logs in with [`PASSWORD`] and returns the token response (panics unless 200).
    pub async fn login(&self, client: &Client, email: &str) -> Value {
        let r = self.password_grant(client, email, PASSWORD).await;
        assert_eq!(r.status(), 200, "login of {email} failed");
        r.json().await.expect("a token response")
    }

    /// `ext` logged in through `client`.
    pub async fn logged_in(&self, client: &Client, ext: Extension) -> User {
        let email = ext.email.clone().expect("users have e-mails");
        let tok = self.login(client, &email).await;
        User {
            ext,
            email,
            token: tok["access_token"]
                .as_str()
                .expect("an access token")
                .to_string(),
        }
    }
}
