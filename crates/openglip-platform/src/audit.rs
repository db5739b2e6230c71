//! The audit log, as the platform writes and shows it: each rule that signs someone in, issues
//! or revokes a token, makes an app or shows its secret, adds, disables or deletes a person, or
//! installs or removes a bot records its event here (see `openglip_domain::audit` for what an
//! event holds). Companies made, people added and changed, tokens granted and revoked, apps
//! registered, secrets replaced and authorized apps removed from a company are recorded in the
//! transaction of their change (`audited`), and a person
//! deleted in the removal's (`Service::remove_person`); the other events after their change
//! committed. A failure to record is the caller's error: an action the log cannot keep is not
//! reported as a plain success.
//!
//! Administrators read their own company's events (newest first, filtered, a page at a time);
//! the operator reads everyone's through the store.

use openglip_domain::audit::{
    AuditEvent, AuditFilter, AuditKind, AuditedChange, Changed, NewAuditEvent,
};
use openglip_domain::*;

use crate::Platform;

/// What an administrator asks of their company's log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub kinds: Vec<AuditKind>,
    pub actor: Option<ExtensionId>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub before_id: Option<i64>,
    pub limit: usize,
}

impl Platform {
    /// Records `event` (the store adds its id and time), for events that stand alone (a
    /// sign-in checked, a secret shown) or follow a change made elsewhere.
    pub(crate) async fn audit(&self, event: NewAuditEvent) -> Result<()> {
        self.store.audit().record_audit(event).await.map(|_| ())
    }

    /// Makes `change` and records the events `words` makes of its outcome, in one transaction:
    /// a change that fails records nothing, and none is kept unrecorded.
    pub(crate) async fn audited(
        &self,
        change: AuditedChange,
        words: impl FnOnce(&Changed) -> Vec<NewAuditEvent> + Send + 'static,
    ) -> Result<Changed> {
        self.store
            .audit()
            .change_audited(change, Box::new(words))
            .await
    }

    /// The administrator's company's events that `q` selects, newest first. `Forbidden` for
    /// anyone who is not an administrator.
    pub async fn audit_log(&self, admin: &Extension, q: AuditQuery) -> Result<Vec<AuditEvent>> {
        if !admin.is_admin {
            return Err(Error::forbidden(
                "Only administrators can read the audit log",
            ));
        }
        self.store
            .audit()
            .audit_events(AuditFilter {
                account_id: Some(admin.account_id),
                kinds: q.kinds,
                actor_id: q.actor,
                since: q.since,
                until: q.until,
                before_id: q.before_id,
                limit: q.limit,
            })
            .await
    }

    /// Every company's events and those of none that `filter` selects, newest first: the
    /// operator's view (`openglip admin audit`), which no HTTP route offers.
    pub async fn operator_audit_log(&self, filter: AuditFilter) -> Result<Vec<AuditEvent>> {
        self.store.audit().audit_events(filter).await
    }

    /// The app's fresh client secret, shown again to its developer within its quarter of an
    /// hour: returned, and recorded as revealed. `None` when there is none to show.
    pub async fn reveal_secret(&self, developer: &Extension, app: &App) -> Result<Option<String>> {
        let Some(secret) = self.fresh_secret(developer.id, &app.client_id) else {
            return Ok(None);
        };
        self.audit(
            NewAuditEvent::new(AuditKind::SecretRevealed, Some(developer.account_id))
                .actor(developer.id)
                .app(app.id)
                .target(app.client_id.clone()),
        )
        .await?;
        Ok(Some(secret))
    }
}
