//! The web client's first-party app: one per account ("openglip Web", client id
//! `openglip-web-{account}`), created on first use, with no OAuth grants so that it cannot be
//! used from outside. A signed-in person acts in the browser as a [`Caller`] of this app, with
//! a person's permissions, so the messaging rules apply to them unchanged.

use std::collections::HashMap;
use std::sync::Mutex;

use openglip_domain::perm::{GrantSet, Permission, PermissionSet};
use openglip_domain::store::NewApp;
use openglip_domain::*;

use crate::Platform;

/// The web client apps already looked up: account → (app, client id).
#[derive(Default)]
pub(crate) struct WebApps(Mutex<HashMap<AccountId, (AppId, String)>>);

/// What the web client does for a person: team messaging, its WebSocket, and marking chats
/// read and unread as RingCentral's own clients do (`GlipInternal`); nothing else, so that a
/// flaw in a page could not reach further through the gateway's tunnel.
pub fn web_permissions() -> PermissionSet {
    [
        Permission::TeamMessaging,
        Permission::WebSocket,
        Permission::GlipInternal,
    ]
    .into_iter()
    .collect()
}

/// The client id of an account's web client app.
pub fn web_client_id(account: AccountId) -> String {
    format!("openglip-web-{account}")
}

impl Platform {
    /// The account's web client app, created on first use.
    async fn web_app(&self, account: AccountId) -> Result<(AppId, String)> {
        if let Some(found) = self
            .web_apps
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&account)
        {
            return Ok(found.clone());
        }
        let client_id = web_client_id(account);
        let ours = |app: &App| app.account_id == account && app.grants == GrantSet::default();
        let app = match self.store.app_by_client_id(client_id.clone()).await? {
            Some(app) if ours(&app) => app,
            Some(_) => {
                return Err(Error::Internal(format!(
                    "client id {client_id} belongs to another app"
                )));
            }
            None => {
                let created = self
                    .store
                    .create_app(NewApp {
                        client_id: client_id.clone(),
                        client_secret_hash: None,
                        account_id: account,
                        name: "openglip Web".into(),
                        kind: AppKind::Rest,
                        public_client: true,
                        grants: GrantSet::default(),
                        permissions: web_permissions(),
                        redirect_uris: vec![],
                        access_ttl_secs: 3600,
                        refresh_ttl_secs: 0,
                    })
                    .await;
                match created {
                    Ok(app) => app,
                    // Created meanwhile by another request (the client id is taken now).
                    Err(first) => match self.store.app_by_client_id(client_id.clone()).await? {
                        Some(app) if ours(&app) => app,
                        _ => return Err(first),
                    },
                }
            }
        };
        let found = (app.id, app.client_id);
        self.web_apps
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(account, found.clone());
        Ok(found)
    }

    /// The caller a signed-in person acts as in the web client.
    pub async fn web_client_caller(&self, person: &Extension) -> Result<Caller> {
        let (app_id, client_id) = self.web_app(person.account_id).await?;
        Ok(Caller {
            account_id: person.account_id,
            extension_id: person.id,
            extension_type: person.kind,
            is_admin: person.is_admin,
            app_id,
            client_id,
            permissions: web_permissions(),
        })
    }
}
