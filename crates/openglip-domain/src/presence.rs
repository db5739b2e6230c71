//! Presence (`GET|PUT …/account/{accountId}/extension/{extensionId}/presence`): whether a
//! person is there, as RingCentral aggregates it from several sources. openglip has two: the
//! person's live connections of the web client (which only the server's realtime hub knows, so
//! the caller passes it in as `online`), and the `userStatus` the person sets by hand, kept by
//! the store with the Do-Not-Disturb status and a custom message.
//!
//! The aggregate, `presenceStatus`: `Offline` without a live connection or when the person chose
//! `Offline` (appear offline); otherwise what they chose, `Available` by default.
//!
//! Rules: the people of a company see one another's presence; a person changes their own, an
//! account administrator anyone's in the company; anyone else is refused. Another company's
//! extension is "not found".

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;
use crate::store::BoxFuture;
use crate::time::Timestamp;

/// `userStatus` and `presenceStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Offline,
    Busy,
    Available,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Offline => "Offline",
            UserStatus::Busy => "Busy",
            UserStatus::Available => "Available",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Offline" => Some(UserStatus::Offline),
            "Busy" => Some(UserStatus::Busy),
            "Available" => Some(UserStatus::Available),
            _ => None,
        }
    }
}

/// The `dndStatus` values a request may set (RingCentral's `PresenceInfoRequest`).
pub const DND_STATUSES: [&str; 5] = [
    "TakeAllCalls",
    "DoNotAcceptAnyCalls",
    "DoNotAcceptDepartmentCalls",
    "TakeDepartmentCallsOnly",
    "Unknown",
];

/// The longest custom message.
pub const MAX_MESSAGE: usize = 75;

/// What a person set by hand (nothing set: defaults).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PresenceSettings {
    pub user_status: Option<UserStatus>,
    pub dnd_status: Option<String>,
    pub message: Option<String>,
    /// When they last changed it (None: never).
    pub modified: Option<Timestamp>,
}

/// A person's presence as answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    pub extension: Extension,
    /// What they chose, `Available` by default.
    pub user_status: UserStatus,
    /// `TakeAllCalls` by default.
    pub dnd_status: String,
    pub message: Option<String>,
    /// The aggregate.
    pub presence_status: UserStatus,
}

impl Presence {
    pub fn new(extension: Extension, settings: PresenceSettings, online: bool) -> Presence {
        let user_status = settings.user_status.unwrap_or(UserStatus::Available);
        let presence_status = if online {
            user_status
        } else {
            UserStatus::Offline
        };
        Presence {
            extension,
            user_status,
            dnd_status: settings
                .dnd_status
                .unwrap_or_else(|| "TakeAllCalls".to_string()),
            message: settings.message,
            presence_status,
        }
    }
}

/// A change of presence, as a request asks for it (unnamed fields stay as they are).
#[derive(Debug, Clone, Default)]
pub struct PresenceInput {
    pub user_status: Option<String>,
    pub dnd_status: Option<String>,
    pub message: Option<String>,
}

/// The storage of what people set by hand (`Store::presence()`). Same contract as `Store`.
pub trait PresenceStore: Send + Sync {
    /// What the extension set (defaults when never).
    fn presence_settings(&self, id: ExtensionId) -> BoxFuture<'_, PresenceSettings>;
    /// Stores the settings (all of them, as given) with `modified` set now, and returns them.
    /// `NotFound(Extension)` if there is no such extension.
    fn set_presence_settings(
        &self,
        id: ExtensionId,
        settings: PresenceSettings,
    ) -> BoxFuture<'_, PresenceSettings>;
}

impl Service {
    /// An extension of the caller's company, for presence.
    async fn presence_subject(&self, caller: &Caller, id: ExtensionId) -> Result<Extension> {
        match self.store().extension(id).await? {
            Some(e)
                if e.account_id == caller.account_id && e.status != ExtensionStatus::Removed =>
            {
                Ok(e)
            }
            _ => Err(Error::NotFound(Subject::Extension)),
        }
    }

    /// The presence of an extension of the caller's company; `online`: whether it has a live
    /// connection of the web client now (the realtime hub knows).
    pub async fn presence(
        &self,
        caller: &Caller,
        id: ExtensionId,
        online: impl FnOnce(ExtensionId) -> bool,
    ) -> Result<Presence> {
        let ext = self.presence_subject(caller, id).await?;
        let settings = self.store().presence().presence_settings(ext.id).await?;
        let online = online(ext.id);
        Ok(Presence::new(ext, settings, online))
    }

    /// Changes what a person set by hand: their own, or (an administrator) anyone's of the
    /// company. Values are checked before anything is stored.
    pub async fn set_presence(
        &self,
        caller: &Caller,
        id: ExtensionId,
        input: PresenceInput,
        online: impl FnOnce(ExtensionId) -> bool,
    ) -> Result<Presence> {
        let ext = self.presence_subject(caller, id).await?;
        if ext.id != caller.extension_id && !caller.is_admin {
            return Err(Error::forbidden(
                "Only the person themselves or an administrator may change their presence.",
            ));
        }
        let mut settings = self.store().presence().presence_settings(ext.id).await?;
        if let Some(s) = input.user_status {
            settings.user_status = Some(UserStatus::parse(&s).ok_or_else(|| {
                Error::invalid_because(
                    "userStatus",
                    "Parameter [userStatus] value is invalid: it must be Offline, Busy or Available.",
                )
            })?);
        }
        if let Some(d) = input.dnd_status {
            if !DND_STATUSES.contains(&d.as_str()) {
                return Err(Error::invalid_because(
                    "dndStatus",
                    format!(
                        "Parameter [dndStatus] value is invalid: it must be one of {}.",
                        DND_STATUSES.join(", ")
                    ),
                ));
            }
            settings.dnd_status = Some(d);
        }
        if let Some(m) = input.message {
            if m.chars().count() > MAX_MESSAGE {
                return Err(Error::TooLong {
                    name: "message".into(),
                    max: MAX_MESSAGE,
                });
            }
            if m.chars().any(char::is_control) {
                return Err(Error::invalid("message"));
            }
            settings.message = (!m.is_empty()).then_some(m);
        }
        let settings = self
            .store()
            .presence()
            .set_presence_settings(ext.id, settings)
            .await?;
        let online = online(ext.id);
        Ok(Presence::new(ext, settings, online))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext() -> Extension {
        Extension {
            id: ExtensionId(1),
            account_id: AccountId(1),
            extension_number: "101".into(),
            kind: ExtensionType::User,
            status: ExtensionStatus::Enabled,
            first_name: "A".into(),
            last_name: "B".into(),
            email: None,
            is_admin: false,
            created: Timestamp(0),
            modified: Timestamp(0),
            avatar: None,
            time_zone: None,
            language: None,
            formatting_locale: None,
        }
    }

    #[test]
    fn the_aggregate_needs_a_live_connection() {
        let chose = |s| PresenceSettings {
            user_status: s,
            ..Default::default()
        };
        let p = Presence::new(ext(), chose(None), true);
        assert_eq!(
            (p.user_status, p.presence_status),
            (UserStatus::Available, UserStatus::Available)
        );
        assert_eq!(p.dnd_status, "TakeAllCalls");
        let p = Presence::new(ext(), chose(None), false);
        assert_eq!(p.presence_status, UserStatus::Offline);
        let p = Presence::new(ext(), chose(Some(UserStatus::Busy)), true);
        assert_eq!(p.presence_status, UserStatus::Busy);
        let p = Presence::new(ext(), chose(Some(UserStatus::Offline)), true);
        assert_eq!(p.presence_status, UserStatus::Offline);
    }
}
