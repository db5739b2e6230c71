//! The client: one HTTP connection pool, the app's credentials, the current token (renewed
//! before it expires), and every request's error handling (RingCentral error bodies, 429 with
//! `Retry-After`, one retry after a refresh when a token turns out expired).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use openglip_wire::TokenInfo;

use crate::auth::{AppCredentials, AuthorizeRequest, JWT_GRANT, Token};
use crate::error::{Error, Result};

/// How 429 answers are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries of one request after 429 (0: none, the error is returned at once).
    pub max_retries: u32,
    /// The wait when the server sends no `Retry-After` (RingCentral's SDKs wait 60 s).
    pub default_wait: Duration,
    /// Waits longer than this are shortened to it.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            default_wait: Duration::from_secs(60),
            max_wait: Duration::from_secs(120),
        }
    }
}

type TokenListener = Arc<dyn Fn(&Token) + Send + Sync>;

pub(crate) struct Inner {
    pub(crate) server: String,
    pub(crate) http: reqwest::Client,
    app: Option<AppCredentials>,
    /// Held across a refresh, so concurrent requests renew once.
    token: tokio::sync::Mutex<Option<Token>>,
    retry: RetryPolicy,
    renew_before: Duration,
    on_token: Option<TokenListener>,
    user_agent: String,
}

/// A RingCentral Team Messaging client. Cheap to clone; clones share the token.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.inner.server)
            .finish_non_exhaustive()
    }
}

/// Sets up a [`Client`].
pub struct ClientBuilder {
    server: String,
    app: Option<AppCredentials>,
    token: Option<Token>,
    retry: RetryPolicy,
    renew_before: Duration,
    timeout: Duration,
    on_token: Option<TokenListener>,
    user_agent: String,
}

impl ClientBuilder {
    /// The app's client id and secret (needed for every OAuth grant; not for a bot token).
    pub fn app(mut self, client_id: impl Into<String>, client_secret: Option<String>) -> Self {
        self.app = Some(AppCredentials {
            client_id: client_id.into(),
            client_secret,
        });
        self
    }

    /// Starts with this token (a bot's permanent token, or one saved earlier).
    pub fn token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Renew the access token when it expires within this (default 60 s).
    pub fn renew_before(mut self, d: Duration) -> Self {
        self.renew_before = d;
        self
    }

    /// Per-request timeout (default 30 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Called with every new token (login, refresh), e.g. to save it.
    pub fn on_token(mut self, f: impl Fn(&Token) + Send + Sync + 'static) -> Self {
        self.on_token = Some(Arc::new(f));
        self
    }

    /// `X-User-Agent` prefix, `app/version`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    pub fn build(self) -> Result<Client> {
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        Ok(Client {
            inner: Arc::new(Inner {
                server: self.server,
                http,
                app: self.app,
                token: tokio::sync::Mutex::new(self.token),
                retry: self.retry,
                renew_before: self.renew_before,
                on_token: self.on_token,
                user_agent: self.user_agent,
            }),
        })
    }
}

/// A request body.
pub(crate) enum Body {
    None,
    Json(serde_json::Value),
}

impl Client {
    /// A client of the server at `server` (`https://platform.ringcentral.com`, or an openglip
    /// such as `http://127.0.0.1:8080`).
    pub fn builder(server: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            server: server.into().trim_end_matches('/').to_string(),
            app: None,
            token: None,
            retry: RetryPolicy::default(),
            renew_before: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
            on_token: None,
            user_agent: format!("openglip-sdk/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// A client that acts with a bot's (permanent) access token.
    pub fn with_bot_token(
        server: impl Into<String>,
        access_token: impl Into<String>,
    ) -> Result<Client> {
        Client::builder(server)
            .token(Token::bearer(access_token))
            .build()
    }

    pub fn server(&self) -> &str {
        &self.inner.server
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.inner.server, path)
    }

    /// The current token, if any.
    pub async fn token(&self) -> Option<Token> {
        self.inner.token.lock().await.clone()
    }

    /// Replaces the token.
    pub async fn set_token(&self, token: Option<Token>) {
        *self.inner.token.lock().await = token;
    }

    // ---------- OAuth ----------

    fn app(&self) -> Result<&AppCredentials> {
        self.inner
            .app
            .as_ref()
            .ok_or_else(|| Error::Config("no client id: use ClientBuilder::app".into()))
    }

    /// `POST /restapi/oauth/token` with `form` (client authentication added), without touching
    /// the client's token.
    pub async fn request_token(&self, form: &[(&str, &str)]) -> Result<TokenInfo> {
        let app = self.app()?;
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        let mut rb = self.inner.http.post(self.url("/restapi/oauth/token"));
        match &app.client_secret {
            Some(secret) => {
                let basic = STANDARD.encode(format!("{}:{}", app.client_id, secret));
                rb = rb.header("Authorization", format!("Basic {basic}"));
            }
            None => fields.push(("client_id", &app.client_id)),
        }
        let resp = self
            .send_with_retries(|| rb.try_clone().expect("form bodies clone").form(&fields))
            .await?;
        decode(resp).await
    }

    async fn grant(&self, form: &[(&str, &str)]) -> Result<Token> {
        let info = self.request_token(form).await?;
        let token = Token::from_info(&info);
        self.store_token(&mut *self.inner.token.lock().await, token.clone());
        Ok(token)
    }

    fn store_token(&self, slot: &mut Option<Token>, token: Token) {
        if let Some(f) = &self.inner.on_token {
            f(&token);
        }
        *slot = Some(token);
    }

    /// The password grant: `username` is an e-mail, a phone number, or `number*extension`.
    pub async fn login_password(
        &self,
        username: &str,
        password: &str,
        extension: Option<&str>,
    ) -> Result<Token> {
        let mut form = vec![
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
        ];
        if let Some(e) = extension {
            form.push(("extension", e));
        }
        self.grant(&form).await
    }

    /// The URL to send a person to for the authorization-code grant
    /// (`/restapi/oauth/authorize?response_type=code&client_id=…`).
    pub fn authorize_url(&self, req: &AuthorizeRequest) -> Result<String> {
        let app = self.app()?;
        let mut q: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", &app.client_id),
            ("redirect_uri", &req.redirect_uri),
        ];
        if let Some(s) = &req.state {
            q.push(("state", s));
        }
        if let Some(c) = &req.code_challenge {
            q.push(("code_challenge", c));
            q.push(("code_challenge_method", crate::auth::Pkce::METHOD));
        }
        if let Some(s) = &req.scope {
            q.push(("scope", s));
        }
        for (k, v) in &req.extra {
            q.push((k, v));
        }
        let url = reqwest::Url::parse_with_params(&self.url("/restapi/oauth/authorize"), &q)
            .map_err(|e| Error::Config(format!("bad server URL: {e}")))?;
        Ok(url.to_string())
    }

    /// The authorization-code grant: exchanges `code` (with the PKCE verifier, if one was used).
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
        code_verifier: Option<&str>,
    ) -> Result<Token> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ];
        if let Some(v) = code_verifier {
            form.push(("code_verifier", v));
        }
        self.grant(&form).await
    }

    /// The JWT bearer grant with a JWT credential (`assertion`).
    pub async fn login_jwt(&self, assertion: &str) -> Result<Token> {
        self.grant(&[("grant_type", JWT_GRANT), ("assertion", assertion)])
            .await
    }

    /// Renews the token with its refresh token now (the old pair stops working).
    pub async fn refresh(&self) -> Result<Token> {
        let mut slot = self.inner.token.lock().await;
        self.refresh_locked(&mut slot).await
    }

    async fn refresh_locked(&self, slot: &mut Option<Token>) -> Result<Token> {
        let refresh = slot
            .as_ref()
            .and_then(|t| t.refresh_token.clone())
            .ok_or_else(|| Error::Config("the token has no refresh token".into()))?;
        let info = self
            .request_token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
            .await?;
        let token = Token::from_info(&info);
        self.store_token(slot, token.clone());
        Ok(token)
    }

    /// Revokes the token (`POST /restapi/oauth/revoke`) and forgets it.
    pub async fn revoke(&self) -> Result<()> {
        let token = self.inner.token.lock().await.take();
        let Some(token) = token else { return Ok(()) };
        let mut rb = self.inner.http.post(self.url("/restapi/oauth/revoke"));
        let mut fields = vec![("token", token.access_token.clone())];
        match &self.inner.app {
            Some(AppCredentials {
                client_id,
                client_secret: Some(s),
            }) => {
                let basic = STANDARD.encode(format!("{client_id}:{s}"));
                rb = rb.header("Authorization", format!("Basic {basic}"));
            }
            Some(AppCredentials { client_id, .. }) => {
                fields.push(("client_id", client_id.clone()));
            }
            None => {}
        }
        let resp = rb.form(&fields).send().await?;
        if !resp.status().is_success() {
            return Err(error_of(resp).await);
        }
        Ok(())
    }

    /// The access token to send now, renewed first when it is about to expire.
    pub(crate) async fn access_token(&self) -> Result<String> {
        let mut slot = self.inner.token.lock().await;
        let tok = slot.as_ref().ok_or(Error::NotLoggedIn)?;
        if tok.expires_within(self.inner.renew_before)
            && tok.can_refresh()
            && self.inner.app.is_some()
        {
            match self.refresh_locked(&mut slot).await {
                Ok(t) => return Ok(t.access_token),
                // Still valid for a moment: use it, the next call tries again.
                Err(e)
                    if !slot
                        .as_ref()
                        .is_some_and(|t| t.expires_within(Duration::ZERO)) =>
                {
                    tracing::warn!(error = %e, "token renewal failed; using the current token");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(slot
            .as_ref()
            .ok_or(Error::NotLoggedIn)?
            .access_token
            .clone())
    }

    /// After a 401 `OAU-128` (expired): refresh, unless another request did already.
    async fn renew_after_expiry(&self, used: &str) -> Result<bool> {
        let mut slot = self.inner.token.lock().await;
        match slot.as_ref() {
            Some(t) if t.access_token != used => Ok(true),
            Some(t) if t.can_refresh() && self.inner.app.is_some() => {
                self.refresh_locked(&mut slot).await?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    // ---------- requests ----------

    /// Sends (rebuilding the request for each try) and retries 429s per the policy.
    async fn send_with_retries(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response> {
        let policy = &self.inner.retry;
        let mut attempt = 0;
        loop {
            let resp = build().send().await?;
            if resp.status() != StatusCode::TOO_MANY_REQUESTS || attempt >= policy.max_retries {
                return Ok(resp);
            }
            let wait = retry_after(&resp)
                .unwrap_or(policy.default_wait)
                .min(policy.max_wait);
            tracing::debug!(?wait, attempt, "429: waiting before retrying");
            drop(resp);
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// An authenticated request; answers with the raw response when it is a success.
    pub(crate) async fn execute(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: &Body,
    ) -> Result<reqwest::Response> {
        let mut renewed = false;
        loop {
            let token = self.access_token().await?;
            let url = self.url(path);
            let resp = self
                .send_with_retries(|| {
                    let mut rb = self
                        .inner
                        .http
                        .request(method.clone(), &url)
                        .bearer_auth(&token)
                        .header("X-User-Agent", &self.inner.user_agent);
                    if !query.is_empty() {
                        rb = rb.query(query);
                    }
                    if let Body::Json(v) = body {
                        rb = rb.json(v);
                    }
                    rb
                })
                .await?;
            if resp.status().is_success() {
                return Ok(resp);
            }
            let err = error_of(resp).await;
            if !renewed
                && err.error_code() == Some("OAU-128")
                && self.renew_after_expiry(&token).await?
            {
                renewed = true;
                continue;
            }
            return Err(err);
        }
    }

    /// A request answered with JSON.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Body,
    ) -> Result<T> {
        decode(self.execute(method, path, query, &body).await?).await
    }

    /// A request answered with no content (204, or a body to ignore).
    pub(crate) async fn call_empty(&self, method: Method, path: &str, body: Body) -> Result<()> {
        self.execute(method, path, &[], &body).await.map(|_| ())
    }

    /// Any JSON request to the API, for calls this SDK has no typed method for.
    pub async fn request_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&impl Serialize>,
    ) -> Result<T> {
        let body = match body {
            Some(b) => Body::Json(to_value(b)?),
            None => Body::None,
        };
        self.call(method, path, query, body).await
    }
}

pub(crate) fn to_value(b: &impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(b).map_err(|e| Error::Decode(e.to_string()))
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = resp.headers().get("retry-after")?.to_str().ok()?.trim();
    let secs: f64 = v.parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

pub(crate) async fn error_of(resp: reqwest::Response) -> Error {
    let status = resp.status().as_u16();
    let ra = retry_after(&resp);
    let text = resp.text().await.unwrap_or_default();
    Error::from_response(status, &text, ra)
}

pub(crate) async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
    if !resp.status().is_success() {
        return Err(error_of(resp).await);
    }
    let bytes = resp.bytes().await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::Decode(format!(
            "{e}: {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        ))
    })
}
