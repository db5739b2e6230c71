//! What a person does that takes more than the rules of [`crate::service`], shared by the API
//! and the pages: checking in (the worker is woken for the status posts it enqueued), sending
//! a follower's digest now (and waiting to tell how it went), and previewing one.

use std::time::Duration;

use openglip_sdk::wire::AdaptiveCardRequest;

use crate::app::App;
use crate::error::{Error, Result};
use crate::model::CheckIn;
use crate::outbox;
use crate::service::{NewCheckIn, Viewer};
use crate::store::followers::Digest;

/// How long "Send now" waits for the post before answering.
pub const SEND_NOW_WAIT: Duration = Duration::from_secs(15);

/// A follower's digest as it would be posted now, posted nowhere.
pub struct Preview {
    /// The plain-text fallback.
    pub text: String,
    pub card: AdaptiveCardRequest,
}

impl App {
    /// Checks in on a key result (the rules: [`crate::service::Service::check_in`]); a status
    /// change posts to the followers that asked for it, when the integration is active.
    pub async fn check_in(&self, v: &Viewer, key_result: &str, c: NewCheckIn) -> Result<CheckIn> {
        let active = self.integration_active(&v.account_id).await?;
        let made = self.service().check_in(v, key_result, c, active).await?;
        self.inner.wake.notify_one();
        Ok(made)
    }

    /// "Send now" (administrators): the follower's digest is enqueued like any other and
    /// waited for (up to [`SEND_NOW_WAIT`]); the row tells how it went.
    pub async fn send_now(&self, v: &Viewer, follower: &str) -> Result<Digest> {
        if !self.integration_active(&v.account_id).await? {
            return Err(Error::Conflict(
                "Add to Glip first: the Glip integration is not installed".into(),
            ));
        }
        let digest = self.service().send_now(v, follower).await?;
        outbox::wait_for(self, &v.account_id, digest, SEND_NOW_WAIT).await
    }

    /// "Preview": the digest the follower would get now.
    pub async fn preview(&self, v: &Viewer, follower: &str) -> Result<Preview> {
        let f = self.service().follower(v, follower).await?;
        let (digest, zone) = outbox::compose(self, &f, self.now(), None).await?;
        Ok(Preview {
            text: digest.text(&zone),
            card: digest.card(&zone, "preview"),
        })
    }
}
