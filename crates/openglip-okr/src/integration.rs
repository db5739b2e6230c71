//! The Glip integration: "Add to Glip" installs the app's bot in a company through the
//! platform's OAuth (authorization code with PKCE, the bot app's client id and secret); the
//! bot's token is kept in the app's database and one `openglip-bot` runtime per company answers
//! chat commands. Adding a team conversation as a follower puts the bot into it. Removing the
//! integration stops all posting and removes the bot's subscriptions; followers, OKRs and the
//! audit stay.

use jiff::SignedDuration;
use openglip_bot::{BotConfig, Transport};
use openglip_sdk::auth::{AuthorizeRequest, Pkce, random_token};
use openglip_sdk::{Client, Member};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::error::{Error, Result};
use crate::platform;
use crate::service::Viewer;
use crate::service::followers::NewFollower;
use crate::store::followers::Follower;
use crate::store::integration::{InstallRequest, Integration};

/// How long an "Add to Glip" may take between the click and the platform's redirect back.
const INSTALL_TTL: SignedDuration = SignedDuration::from_mins(15);

fn hash(state: &str) -> String {
    Sha256::digest(state.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A local path to return to (never another site).
fn local_path(p: Option<&str>) -> Result<Option<String>> {
    match p {
        None => Ok(None),
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && p.len() <= 500 =>
        {
            Ok(Some(p.to_string()))
        }
        Some(_) => Err(Error::invalid(
            "returnTo",
            "returnTo must be a path of this app, starting with /",
        )),
    }
}

impl App {
    /// "Add to Glip" (administrators): the platform's authorization URL to send the browser to.
    pub async fn begin_install(&self, v: &Viewer, return_to: Option<&str>) -> Result<String> {
        v.require_admin("add the Glip integration")?;
        let return_to = local_path(return_to)?;
        let state = random_token(24);
        let pkce = Pkce::new();
        let expires = self.now() + INSTALL_TTL;
        self.store()
            .put_install_request(
                &hash(&state),
                InstallRequest {
                    account_id: v.account_id.clone(),
                    person_id: v.id().to_string(),
                    verifier: pkce.verifier.clone(),
                    return_to,
                },
                expires,
            )
            .await?;
        self.bot_app_client()?
            .authorize_url(&AuthorizeRequest {
                redirect_uri: self.links().install_callback(),
                state: Some(state),
                code_challenge: Some(pkce.challenge),
                ..Default::default()
            })
            .map_err(Error::internal)
    }

    fn bot_app_client(&self) -> Result<Client> {
        let c = self.config();
        Client::builder(&c.platform_url)
            .app(&c.bot_client_id, c.bot_client_secret.clone())
            .build()
            .map_err(Error::internal)
    }

    /// The platform's redirect after "Add to Glip": exchanges the code for the bot's token,
    /// checks the bot belongs to the company that asked, keeps the token and starts the bot.
    /// Returns the company and where to send the browser.
    pub async fn finish_install(
        &self,
        code: Option<&str>,
        state: Option<&str>,
        error: Option<&str>,
    ) -> Result<(String, Option<String>)> {
        let state = state
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::Missing("state".into()))?;
        let request = self
            .store()
            .take_install_request(&hash(state), self.now())
            .await?
            .ok_or_else(|| {
                Error::invalid(
                    "state",
                    "This installation was not started here, or took too long: start it again",
                )
            })?;
        if let Some(e) = error {
            return Err(Error::forbidden(format!(
                "The platform did not install the bot: {e}"
            )));
        }
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::Missing("code".into()))?;
        let token = self
            .bot_app_client()?
            .exchange_code(
                code,
                &self.links().install_callback(),
                Some(&request.verifier),
            )
            .await
            .map_err(|e| Error::from_platform(e, None))?;
        let bot = self.platform().client(&token.access_token)?;
        let me = bot.me().await.map_err(|e| Error::from_platform(e, None))?;
        if me.account.id != request.account_id {
            return Err(Error::forbidden(
                "The bot was installed in another company than the one that asked",
            ));
        }
        self.stop_bot(&request.account_id).await;
        self.store()
            .save_install(
                &request.account_id,
                &me.id.to_string(),
                &token.access_token,
                &request.person_id,
                self.now(),
            )
            .await?;
        self.start_bot(&request.account_id).await?;
        tracing::info!(
            account = request.account_id,
            bot = me.id,
            "Glip integration installed"
        );
        Ok((request.account_id, request.return_to))
    }

    /// "Remove Glip Integration" (administrators): stops posting, removes the bot's
    /// subscriptions, forgets its token. Followers and everything else stay.
    pub async fn remove_integration(&self, v: &Viewer) -> Result<()> {
        v.require_admin("remove the Glip integration")?;
        let Some(i) = self
            .store()
            .integration(&v.account_id)
            .await?
            .filter(|i| i.active)
        else {
            return Err(Error::Conflict(
                "The Glip integration is not installed".into(),
            ));
        };
        self.stop_bot(&v.account_id).await;
        if let Some(token) = &i.bot_token {
            let bot = self.platform().client(token)?;
            match bot.list_subscriptions().await {
                Ok(subs) => {
                    for s in subs {
                        match bot.delete_subscription(&s.id).await {
                            Ok(()) => {}
                            // Gone meanwhile: the stopped bot's WebSocket subscription ends
                            // with its connection, which may close between list and delete.
                            Err(e) if e.is_not_found() => {}
                            Err(e) => return Err(Error::from_platform(e, None)),
                        }
                    }
                }
                // The bot is gone from the platform already: nothing to remove there.
                Err(e) if e.is_unauthorized() => {}
                Err(e) => return Err(Error::from_platform(e, None)),
            }
        }
        self.store()
            .mark_removed(
                &v.account_id,
                &format!("removed by {}", v.person.name()),
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// The integration of a company.
    pub async fn integration(&self, account: &str) -> Result<Option<Integration>> {
        self.store().integration(account).await
    }

    /// Whether the company's integration is active (posting is on).
    pub async fn integration_active(&self, account: &str) -> Result<bool> {
        Ok(self
            .store()
            .integration(account)
            .await?
            .is_some_and(|i| i.active))
    }

    /// The bot's id and a client acting as the bot, if the company's integration is active.
    /// Clients are kept per company (one connection pool each) while the token stays the same.
    pub async fn bot_client(&self, account: &str) -> Result<Option<(String, Client)>> {
        let Some(i) = self
            .store()
            .integration(account)
            .await?
            .filter(|i| i.active)
        else {
            return Ok(None);
        };
        let (Some(id), Some(token)) = (i.bot_id, i.bot_token) else {
            return Ok(None);
        };
        let mut clients = self
            .inner
            .bot_clients
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((t, c)) = clients.get(account)
            && *t == token
        {
            return Ok(Some((id, c.clone())));
        }
        let client = self.platform().client(&token)?;
        clients.insert(account.to_string(), (token, client.clone()));
        Ok(Some((id, client)))
    }

    /// Starts the company's bot (its chat commands) with the kept token.
    pub(crate) async fn start_bot(&self, account: &str) -> Result<()> {
        let Some(token) = self
            .store()
            .integration(account)
            .await?
            .filter(|i| i.active)
            .and_then(|i| i.bot_token)
        else {
            return Ok(());
        };
        let mut config = BotConfig::new(&self.config().platform_url);
        config.token = Some(token);
        config.data_dir = self.config().data_dir.join("bots").join(account);
        config.transport = Transport::WebSocket;
        let bot = crate::bot::OkrBot {
            app: self.clone(),
            account_id: account.to_string(),
        };
        let running = openglip_bot::start(bot, config)
            .await
            .map_err(|e| Error::Internal(format!("starting the bot: {e}")))?;
        let old = self
            .inner
            .bots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account.to_string(), running);
        if let Some(old) = old {
            let _ = old.stop().await;
        }
        Ok(())
    }

    async fn stop_bot(&self, account: &str) {
        let bot = self
            .inner
            .bots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account);
        if let Some(b) = bot
            && let Err(e) = b.stop().await
        {
            tracing::warn!(account, error = %e, "stopping the bot");
        }
    }

    /// Whether the company's bot is subscribed and caught up.
    pub fn bot_ready(&self, account: &str) -> bool {
        self.inner
            .bots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(account)
            .is_some_and(|b| b.is_ready())
    }

    /// Adds a follower (administrators): checks it, puts the bot into the team conversation
    /// (a public team: the bot joins; otherwise the person adding it, who must be a member, adds
    /// the bot), then saves it. `person` is the caller's own platform client.
    pub async fn add_follower(
        &self,
        v: &Viewer,
        person: &Client,
        f: NewFollower,
    ) -> Result<Follower> {
        let Some((bot_id, bot)) = self.bot_client(&v.account_id).await? else {
            return Err(Error::Conflict(
                "Add to Glip first: the Glip integration is not installed".into(),
            ));
        };
        let chat = platform::chat(person, &f.chat_id).await?;
        let follower = self
            .service()
            .prepare_follower(
                v,
                NewFollower {
                    chat_name: chat.name.clone(),
                    ..f
                },
            )
            .await?;
        if !platform::is_member(&chat, &bot_id) {
            if chat.kind != "Team" {
                return Err(Error::invalid(
                    "chatId",
                    "Only team conversations (Glip teams) can follow OKRs",
                ));
            }
            if chat.public == Some(true) {
                bot.join_team(&chat.id).await.map_err(|e| {
                    Error::from_platform(e, Some(("chatId", "The bot cannot see this team")))
                })?;
            } else if platform::is_member(&chat, v.id()) {
                person
                    .add_team_members(&chat.id, &[Member::Id(bot_id.clone())])
                    .await
                    .map_err(|e| {
                        Error::from_platform(
                            e,
                            Some(("chatId", "There is no such team, or you are not in it")),
                        )
                    })?;
            } else {
                return Err(Error::forbidden(
                    "Only a member of a private team can add it as a follower",
                ));
            }
        }
        self.store().create_follower(follower).await
    }
}
