//! Deleting a person (`DELETE /restapi/v1.0/account/{accountId}/extension/{extensionId}`): an
//! account administrator removes someone of their company. The extension becomes `Removed` (it
//! is never reused, and its posts stay, attributed to it), leaves every chat (`GroupLeft`),
//! its tokens are revoked and its web sessions end, subscribers hear `ExtensionDeleted`, and the
//! audit log records `UserDeleted` — all in one transaction. Bots are removed by uninstalling them (the admin portal), not here.

use crate::audit::{AuditKind, NewAuditEvent};
use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;
use crate::store::BoxFuture;

/// The storage of removals (`Store::removals()`). Same contract as `Store`.
pub trait RemovalStore: Send + Sync {
    /// Removes a person of `account` as described above, and appends `audit` to the audit log
    /// in the same transaction. Returns the extension as it was, or `None` (and records
    /// nothing) if there is no such (not yet removed) extension in the account.
    fn remove_person(
        &self,
        account: AccountId,
        extension: ExtensionId,
        audit: NewAuditEvent,
    ) -> BoxFuture<'_, Option<Extension>>;
}

impl Service {
    /// Removes a person of the caller's company (account administrators only; not themselves,
    /// not a bot). Another company's extension, or one already removed, is not found.
    pub async fn remove_person(
        &self,
        caller: &Caller,
        account: AccountId,
        id: ExtensionId,
    ) -> Result<Extension> {
        if account != caller.account_id {
            return Err(Error::NotFound(Subject::Account));
        }
        if !caller.is_admin {
            return Err(Error::forbidden(
                "Only an account administrator may delete an extension.",
            ));
        }
        let target = match self.store().extension(id).await? {
            Some(e) if e.account_id == account && e.status != ExtensionStatus::Removed => e,
            _ => return Err(Error::NotFound(Subject::Extension)),
        };
        if target.id == caller.extension_id {
            return Err(Error::invalid_subject(
                Subject::Extension,
                "You cannot delete your own extension.",
            ));
        }
        if target.kind == ExtensionType::Bot {
            return Err(Error::invalid_subject(
                Subject::Extension,
                "A bot is removed by uninstalling it (admin portal, Apps).",
            ));
        }
        let audit = NewAuditEvent::new(AuditKind::UserDeleted, Some(account))
            .actor(caller.extension_id)
            .app(caller.app_id)
            .target(id.to_string())
            .detail(target.full_name());
        self.store()
            .removals()
            .remove_person(account, id, audit)
            .await?
            .ok_or(Error::NotFound(Subject::Extension))
    }
}
