//! App permissions (RingCentral's `x-app-permission` names) and OAuth grant types.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    TeamMessaging,
    ReadAccounts,
    EditExtensions,
    SubscriptionWebhook,
    WebSocket,
    ReadClientInfo,
    /// Read another's and one's own presence.
    ReadPresence,
    /// Set one's own presence (`userStatus`, Do Not Disturb, message).
    EditPresence,
    /// Change the company's extensions (delete a person: account administrators only).
    EditAccounts,
    /// OpenID Connect: with it, an authorization-code request may ask for the `openid` scope
    /// and gets an ID token (`crate::oidc`).
    OpenId,
    /// RingCentral's permission of its own clients (marking chats read and unread). No app made
    /// in the console holds it ([`Permission::ASSIGNABLE`] leaves it out); the web client's
    /// first-party app and the operator's apps may.
    GlipInternal,
}

impl Permission {
    pub const ALL: [Permission; 11] = [
        Permission::TeamMessaging,
        Permission::ReadAccounts,
        Permission::EditExtensions,
        Permission::SubscriptionWebhook,
        Permission::WebSocket,
        Permission::ReadClientInfo,
        Permission::ReadPresence,
        Permission::EditPresence,
        Permission::EditAccounts,
        Permission::OpenId,
        Permission::GlipInternal,
    ];

    /// The permissions a developer may choose for an app in the console (all but RingCentral's
    /// internal one).
    pub const ASSIGNABLE: [Permission; 10] = [
        Permission::TeamMessaging,
        Permission::ReadAccounts,
        Permission::EditExtensions,
        Permission::SubscriptionWebhook,
        Permission::WebSocket,
        Permission::ReadClientInfo,
        Permission::ReadPresence,
        Permission::EditPresence,
        Permission::EditAccounts,
        Permission::OpenId,
    ];

    /// The API name, as in tokens' `scope` and the specs' `x-app-permission`.
    pub fn api_name(self) -> &'static str {
        match self {
            Permission::TeamMessaging => "TeamMessaging",
            Permission::ReadAccounts => "ReadAccounts",
            Permission::EditExtensions => "EditExtensions",
            Permission::SubscriptionWebhook => "SubscriptionWebhook",
            Permission::WebSocket => "WebSocket",
            Permission::ReadClientInfo => "ReadClientInfo",
            Permission::ReadPresence => "ReadPresence",
            Permission::EditPresence => "EditPresence",
            Permission::EditAccounts => "EditAccounts",
            Permission::OpenId => "OpenID",
            Permission::GlipInternal => "GlipInternal",
        }
    }

    /// The name people see in the developer console.
    pub fn display_name(self) -> &'static str {
        match self {
            Permission::TeamMessaging => "Team Messaging",
            Permission::ReadAccounts => "Read Accounts",
            Permission::EditExtensions => "Edit Extensions",
            Permission::SubscriptionWebhook => "Webhook Subscriptions",
            Permission::WebSocket => "WebSocket Subscriptions",
            Permission::ReadClientInfo => "Read Client Info",
            Permission::ReadPresence => "Read Presence",
            Permission::EditPresence => "Edit Presence",
            Permission::EditAccounts => "Edit Accounts",
            Permission::OpenId => "OpenID Connect",
            Permission::GlipInternal => "Glip Internal",
        }
    }

    /// Accepts the API name, RingCentral's older aliases (`Glip`, `WebSocketsSubscriptions`) and the display name.
    pub fn parse(s: &str) -> Option<Permission> {
        let s = s.trim();
        Permission::ALL
            .into_iter()
            .find(|p| {
                p.api_name().eq_ignore_ascii_case(s) || p.display_name().eq_ignore_ascii_case(s)
            })
            .or(match s {
                "Glip" => Some(Permission::TeamMessaging),
                "WebSocketsSubscriptions" => Some(Permission::WebSocket),
                _ => None,
            })
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

/// A set of permissions, stored as a bit set and rendered as a space-separated `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct PermissionSet(u32);

impl PermissionSet {
    pub fn empty() -> Self {
        PermissionSet(0)
    }
    pub fn from_bits(bits: u32) -> Self {
        PermissionSet(bits & ((1 << Permission::ALL.len()) - 1))
    }
    pub fn bits(self) -> u32 {
        self.0
    }
    pub fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }
    pub fn insert(&mut self, p: Permission) {
        self.0 |= p.bit();
    }
    pub fn intersect(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 & other.0)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }
    /// Space-separated API names, as in the token response `scope`.
    pub fn to_scope(self) -> String {
        self.iter()
            .map(Permission::api_name)
            .collect::<Vec<_>>()
            .join(" ")
    }
    /// Parses a space- or comma-separated list; unknown names are an error carrying the name.
    pub fn parse_scope(s: &str) -> Result<PermissionSet, String> {
        let mut set = PermissionSet::empty();
        for part in s.split([' ', ',']).filter(|p| !p.is_empty()) {
            set.insert(Permission::parse(part).ok_or_else(|| part.to_string())?);
        }
        Ok(set)
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut s = PermissionSet::empty();
        for p in iter {
            s.insert(p);
        }
        s
    }
}

/// OAuth 2.0 grant types an app may be allowed to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantType {
    Password,
    RefreshToken,
    AuthorizationCode,
    JwtBearer,
}

impl GrantType {
    pub const ALL: [GrantType; 4] = [
        GrantType::Password,
        GrantType::RefreshToken,
        GrantType::AuthorizationCode,
        GrantType::JwtBearer,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::Password => "password",
            GrantType::RefreshToken => "refresh_token",
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::JwtBearer => "urn:ietf:params:oauth:grant-type:jwt-bearer",
        }
    }
    pub fn parse(s: &str) -> Option<GrantType> {
        GrantType::ALL.into_iter().find(|g| g.as_str() == s)
    }
    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// Grant types as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GrantSet(u32);

impl GrantSet {
    pub fn from_bits(bits: u32) -> Self {
        GrantSet(bits & 0xf)
    }
    pub fn bits(self) -> u32 {
        self.0
    }
    pub fn contains(self, g: GrantType) -> bool {
        self.0 & g.bit() != 0
    }
    pub fn insert(&mut self, g: GrantType) {
        self.0 |= g.bit();
    }
    pub fn iter(self) -> impl Iterator<Item = GrantType> {
        GrantType::ALL
            .into_iter()
            .filter(move |g| self.contains(*g))
    }
}

impl FromIterator<GrantType> for GrantSet {
    fn from_iter<I: IntoIterator<Item = GrantType>>(iter: I) -> Self {
        let mut s = GrantSet::default();
        for g in iter {
            s.insert(g);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_round_trip_and_aliases() {
        let s = PermissionSet::parse_scope("TeamMessaging Glip, WebSocket").unwrap();
        assert!(s.contains(Permission::TeamMessaging));
        assert!(s.contains(Permission::WebSocket));
        assert!(!s.contains(Permission::ReadAccounts));
        assert_eq!(s.to_scope(), "TeamMessaging WebSocket");
        assert_eq!(PermissionSet::parse_scope("Nope"), Err("Nope".to_string()));
        assert_eq!(
            Permission::parse("Webhook Subscriptions"),
            Some(Permission::SubscriptionWebhook)
        );
    }
}
