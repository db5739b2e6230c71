//! Signing in to the pages: "Sign in with openglip" (the kit's authorization code with PKCE,
//! [`SignInWithOpenglip`]), sessions in the app's database ([`Sessions`]), and who a session is.
//!
//! A session keeps the person's platform tokens. Each request of a session is built through
//! [`crate::platform::Platform::authenticate`], as a bearer token of the API is: the platform
//! says (cached for a minute) who the token belongs to, so someone the platform disables or
//! whose company takes away their admin rights is out, or no admin, within a minute. The
//! tokens are renewed with the refresh token shortly before they expire, by one client per
//! session, which writes the renewed pair back (a refresh token is spent when used).

use std::time::SystemTime;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use openglip_sdk::{Client, Token};
use openglip_webkit::signin::{PlatformSignIn, SignInWithOpenglip, SignedIn};
use openglip_webkit::{
    Kit, Role, SessionId, Sessions, StorageError, error_page, see_other, start_session,
};

use crate::api::{Caller, remember};
use crate::app::App;
use crate::error::Error;
use crate::platform::{Identity, person_of};
use crate::service::Viewer;
use crate::store::sessions::StoredSession;

/// A token is renewed when it has less than this left (milliseconds).
const RENEW_WITHIN_MS: i64 = 60_000;
/// The most session clients kept in memory.
const CLIENTS_MAX: usize = 10_000;

/// An administrator of their company on the platform: an OKR admin.
pub struct OkrAdmin(pub Caller);

impl Role for OkrAdmin {
    type User = Caller;
    const REFUSAL: &'static str = "Only your company's administrators can do this in the OKR app.";
    fn admit(c: Caller) -> Option<Self> {
        c.viewer.is_admin().then_some(OkrAdmin(c))
    }
}

fn storage(e: Error) -> StorageError {
    StorageError::new(e)
}

fn timestamp(t: SystemTime) -> Timestamp {
    Timestamp::try_from(t).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl App {
    /// The client acting for a session: kept in memory, or made from the kept tokens with a
    /// hook that writes renewed ones back.
    fn session_client(&self, key: &str, s: &StoredSession) -> Result<Client, StorageError> {
        let mut clients = self
            .inner
            .session_clients
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(c) = clients.get(key) {
            return Ok(c.clone());
        }
        let (store, hash) = (self.store().clone(), key.to_string());
        let config = self.config();
        let client = Client::builder(&config.platform_url)
            .app(&config.client_id, config.client_secret.clone())
            .token(s.token.clone())
            .on_token(move |t: &Token| {
                let (store, hash, t) = (store.clone(), hash.clone(), t.clone());
                tokio::spawn(async move {
                    if let Err(e) = store.renew_session(&hash, t).await {
                        tracing::error!(error = %e, "keeping a session's renewed token");
                    }
                });
            })
            .user_agent(concat!("openglip-okr/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(StorageError::new)?;
        if clients.len() >= CLIENTS_MAX {
            clients.clear();
        }
        clients.insert(key.to_string(), client.clone());
        Ok(client)
    }

    fn forget_session_client(&self, key: &str) {
        self.inner
            .session_clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }

    /// The session's access token, renewed first when it is about to expire. `Ok(None)`: the
    /// platform no longer accepts the session's tokens.
    async fn live_token(&self, client: &Client) -> Result<Option<String>, StorageError> {
        let Some(token) = client.token().await else {
            return Ok(None);
        };
        let expiring = token
            .expires_at_ms
            .is_some_and(|at| at - Timestamp::now().as_millisecond() < RENEW_WITHIN_MS);
        if !expiring {
            return Ok(Some(token.access_token));
        }
        if !token.can_refresh() {
            return Ok(None);
        }
        match client.refresh().await {
            Ok(t) => Ok(Some(t.access_token)),
            Err(e) if e.is_transient() => Err(StorageError::new(e)),
            Err(e) => {
                tracing::info!(error = %e, "a session's refresh token was refused");
                Ok(None)
            }
        }
    }

    /// Who a session's token belongs to now (the platform, cached briefly). `Ok(None)`: nobody
    /// any more.
    async fn identify(&self, access: &str) -> Result<Option<Identity>, StorageError> {
        match self.platform().authenticate(access).await {
            Ok((identity, _, fresh)) => {
                if fresh {
                    remember(self, &identity).await.map_err(storage)?;
                }
                Ok(Some(identity))
            }
            Err(Error::Unauthenticated { .. } | Error::Forbidden(_)) => Ok(None),
            Err(e) => Err(storage(e)),
        }
    }
}

impl Sessions<Caller> for App {
    const COOKIE: &'static str = "session";
    const SIGN_IN: &'static str = "/auth/signin";

    async fn load_session(
        &self,
        id: SessionId,
        now: SystemTime,
    ) -> Result<Option<Caller>, StorageError> {
        let key = id.hex();
        let Some(kept) = self
            .store()
            .session(&key, timestamp(now))
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        let client = self.session_client(&key, &kept)?;
        let identity = match self.live_token(&client).await? {
            Some(access) => self.identify(&access).await?,
            None => None,
        };
        match identity {
            Some(who) if who.account_id == kept.account_id && who.person.id == kept.person_id => {
                Ok(Some(Caller {
                    viewer: Viewer {
                        account_id: who.account_id,
                        person: who.person,
                    },
                    client,
                }))
            }
            _ => {
                self.delete_session(id).await?;
                Ok(None)
            }
        }
    }

    async fn save_session(
        &self,
        id: SessionId,
        user: &Caller,
        expires: SystemTime,
    ) -> Result<(), StorageError> {
        let token = user
            .client
            .token()
            .await
            .ok_or_else(|| StorageError("a session without a platform token".into()))?;
        let kept = StoredSession {
            account_id: user.viewer.account_id.clone(),
            person_id: user.viewer.id().to_string(),
            token,
            expires_at: timestamp(expires),
        };
        self.store()
            .save_session(&id.hex(), kept, self.now())
            .await
            .map_err(storage)
    }

    async fn delete_session(&self, id: SessionId) -> Result<(), StorageError> {
        let key = id.hex();
        self.forget_session_client(&key);
        self.store().delete_session(&key).await.map_err(storage)
    }
}

impl SignInWithOpenglip for App {
    fn platform_sign_in(&self) -> &PlatformSignIn {
        &self.inner.sign_in
    }

    async fn signed_in(&self, kit: &Kit, headers: &HeaderMap, who: SignedIn) -> Response {
        if who.person.kind != "User" {
            return error_page(
                kit,
                StatusCode::FORBIDDEN,
                "People only",
                "The OKR app is for people; bots use it through chat.",
            );
        }
        let company = match who.client.account("~").await {
            Ok(a) => a.company_name,
            Err(e) => {
                tracing::warn!(error = %e, "reading the company of someone signing in");
                return error_page(
                    kit,
                    StatusCode::BAD_GATEWAY,
                    "openglip is not answering",
                    "Your company could not be read from openglip. Try again in a moment.",
                );
            }
        };
        let identity = Identity {
            account_id: who.person.account.id.clone(),
            company_name: company,
            person: person_of(&who.person),
        };
        let started = async {
            remember(self, &identity).await.map_err(storage)?;
            let caller = Caller {
                viewer: Viewer {
                    account_id: identity.account_id.clone(),
                    person: identity.person.clone(),
                },
                client: who.client.clone(),
            };
            start_session(self, kit, headers, &caller).await
        }
        .await;
        match started {
            Ok(cookie) => (cookie, see_other(&who.next)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "could not start a session");
                error_page(
                    kit,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Try again",
                    "Your session could not be started.",
                )
            }
        }
    }
}
