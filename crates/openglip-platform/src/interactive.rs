//! An app's interactive messages settings, as its developer keeps them in the console: whether
//! its cards' `Action.Submit` answers are delivered, the outbound WebHook URL they are posted to,
//! and the shared secret of their `X-Glip-Signature` (see `openglip_domain::interactive`).
//!
//! The URL follows the console's rule for addresses an app gives (`check_redirect_uri`: https,
//! or http on this machine for development); where it may point is checked again at each
//! delivery by the server, under its private-address policy. The shared secret is made here
//! (256 random bits) when the settings are first saved and on "Regenerate"; unlike a client
//! secret it is kept as it is, because the server signs every delivery with it, and it is shown
//! only to the app's developer.

use openglip_domain::interactive::InteractiveSettings;
use openglip_domain::platform::AppRecord;
use openglip_domain::*;

use crate::apps::check_redirect_uri;
use crate::{Platform, secrets};

/// The settings of an app that never had any: off, no URL.
fn off(app: AppId) -> InteractiveSettings {
    InteractiveSettings {
        app_id: app,
        enabled: false,
        url: String::new(),
        secret: String::new(),
        modified: Timestamp(0),
    }
}

/// The app, if `developer` made it and it is a bot app (only bots post cards whose answers are
/// delivered).
fn own_bot_app(developer: &Extension, record: &AppRecord) -> Result<AppId> {
    if record.details.developer_id != Some(developer.id) {
        return Err(Error::NotFound(Subject::App));
    }
    if record.app.kind != AppKind::Bot {
        return Err(Error::invalid_subject(
            Subject::App,
            "Interactive messages are answers to the cards a bot posts: only bot apps have them.",
        ));
    }
    Ok(record.app.id)
}

impl Platform {
    /// An app's settings (off, with no URL or secret, if never saved).
    pub async fn interactive_settings(
        &self,
        developer: &Extension,
        record: &AppRecord,
    ) -> Result<InteractiveSettings> {
        let app = own_bot_app(developer, record)?;
        Ok(self
            .store
            .interactive()
            .interactive_settings(app)
            .await?
            .unwrap_or_else(|| off(app)))
    }

    /// Saves whether submissions are delivered and where. Turning them on needs a URL; a URL
    /// given is checked either way. The shared secret is made on the first save.
    pub async fn save_interactive(
        &self,
        developer: &Extension,
        record: &AppRecord,
        enabled: bool,
        url: &str,
    ) -> Result<InteractiveSettings> {
        let current = self.interactive_settings(developer, record).await?;
        self.store_interactive(current, enabled, url).await
    }

    /// The operator turns interactive messages on for a bot app of theirs (`openglip admin bot
    /// create --interactive-url`), with the same checks; the settings with the new secret.
    pub async fn operator_bot_interactive(
        &self,
        app: AppId,
        url: &str,
    ) -> Result<InteractiveSettings> {
        let current = self
            .store
            .interactive()
            .interactive_settings(app)
            .await?
            .unwrap_or_else(|| off(app));
        self.store_interactive(current, true, url).await
    }

    async fn store_interactive(
        &self,
        current: InteractiveSettings,
        enabled: bool,
        url: &str,
    ) -> Result<InteractiveSettings> {
        let url = url.trim();
        let mut errors = FieldErrors::default();
        if url.is_empty() {
            if enabled {
                errors.add(
                    "url",
                    "Enter the outbound WebHook URL that answers to the bot's cards are posted to.",
                );
            }
        } else if let Err(why) = check_redirect_uri(url) {
            errors.add("url", why.replace("redirect URI", "URL"));
        }
        errors.check()?;
        let secret = if current.secret.is_empty() {
            secrets::new_token()
        } else {
            current.secret
        };
        self.store
            .interactive()
            .save_interactive_settings(InteractiveSettings {
                enabled,
                url: url.to_string(),
                secret,
                ..current
            })
            .await
    }

    /// A new shared secret; the previous one no longer signs anything.
    pub async fn rotate_interactive_secret(
        &self,
        developer: &Extension,
        record: &AppRecord,
    ) -> Result<InteractiveSettings> {
        let current = self.interactive_settings(developer, record).await?;
        self.store
            .interactive()
            .save_interactive_settings(InteractiveSettings {
                secret: secrets::new_token(),
                ..current
            })
            .await
    }
}
