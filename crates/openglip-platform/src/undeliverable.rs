//! Notifications a WebHook did not accept within their retry budget, as the app's developer sees
//! them in the console: listed with their body, and forgotten once delivered again (the delivery
//! itself is the server's: `realtime::webhook::redeliver`).

use openglip_domain::events::UndeliverableEvent;
use openglip_domain::platform::AppRecord;
use openglip_domain::*;

use crate::Platform;

impl Platform {
    /// The notifications given up on, of the subscriptions the app holds (of anyone who
    /// authorized it), newest first. The app is the developer's (`Platform::developer_app`).
    pub async fn undeliverable_events(&self, app: &AppRecord) -> Result<Vec<UndeliverableEvent>> {
        self.store.undeliverable_events(app.app.id).await
    }

    /// One of them, by its id as the console shows it; `NotFound(Subject::UndeliverableEvent)` otherwise.
    pub async fn undeliverable_event(
        &self,
        app: &AppRecord,
        id: &str,
    ) -> Result<UndeliverableEvent> {
        let id: i64 = id
            .parse()
            .map_err(|_| Error::NotFound(Subject::UndeliverableEvent))?;
        self.undeliverable_events(app)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(Error::NotFound(Subject::UndeliverableEvent))
    }

    /// Forgets one that was delivered again.
    pub async fn delivered_again(&self, event: &UndeliverableEvent) -> Result<()> {
        self.store.forget_undeliverable(event.id).await?;
        Ok(())
    }
}
