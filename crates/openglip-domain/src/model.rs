//! Entities. These are the domain's own types: the wire shapes live in `openglip-wire`, and the
//! server converts between them explicitly.

use crate::ids::*;
use crate::perm::{GrantSet, PermissionSet};
use crate::time::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// The company's main number; with an extension number it forms a login (`number*ext`).
    pub main_number: String,
    pub created: Timestamp,
    pub modified: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ExtensionType {
    User,
    Bot,
}

impl ExtensionType {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionType::User => "User",
            ExtensionType::Bot => "Bot",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "User" => Some(ExtensionType::User),
            "Bot" => Some(ExtensionType::Bot),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ExtensionStatus {
    Enabled,
    NotActivated,
    Disabled,
    /// Deleted (an uninstalled bot): kept so that its posts still name it, but it cannot sign
    /// in, its tokens are dead (`OAU-232`) and nobody can add it to a chat.
    Removed,
}

impl ExtensionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionStatus::Enabled => "Enabled",
            ExtensionStatus::NotActivated => "NotActivated",
            ExtensionStatus::Disabled => "Disabled",
            ExtensionStatus::Removed => "Removed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Enabled" => Some(ExtensionStatus::Enabled),
            "NotActivated" => Some(ExtensionStatus::NotActivated),
            "Disabled" => Some(ExtensionStatus::Disabled),
            "Removed" => Some(ExtensionStatus::Removed),
            _ => None,
        }
    }
}

/// A person or a bot in an account. Glip calls the same thing a "person".
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Extension {
    pub id: ExtensionId,
    pub account_id: AccountId,
    pub extension_number: String,
    pub kind: ExtensionType,
    pub status: ExtensionStatus,
    pub first_name: String,
    pub last_name: String,
    /// Lower-cased; unique across the server. Bots may have none.
    pub email: Option<String>,
    pub is_admin: bool,
    pub avatar: Option<String>,
    /// The person's time zone, an IANA name (`regionalSettings.timezone`); none until set.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The person's language and formatting locale, RingCentral's ids (`crate::regional`);
    /// none until set.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub formatting_locale: Option<String>,
    pub created: Timestamp,
    pub modified: Timestamp,
}

impl Extension {
    pub fn full_name(&self) -> String {
        display_name(&self.first_name, &self.last_name, &self.extension_number)
    }
}

/// How a person is named: first and last name, either alone, or their extension number.
pub fn display_name(first: &str, last: &str, number: &str) -> String {
    match (first.is_empty(), last.is_empty()) {
        (false, false) => format!("{first} {last}"),
        (false, true) => first.to_string(),
        (true, false) => last.to_string(),
        (true, true) => number.to_string(),
    }
}

/// What is needed to check a password login.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub extension: Extension,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ChatType {
    /// The whole company; one per account.
    Everyone,
    Team,
    Group,
    /// Two people (legacy `PrivateChat`).
    Direct,
    /// One person with themselves (legacy `PersonalChat`).
    Personal,
}

impl ChatType {
    pub const ALL: [ChatType; 5] = [
        ChatType::Everyone,
        ChatType::Team,
        ChatType::Group,
        ChatType::Direct,
        ChatType::Personal,
    ];
    /// The current (`/team-messaging/v1`) name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatType::Everyone => "Everyone",
            ChatType::Team => "Team",
            ChatType::Group => "Group",
            ChatType::Direct => "Direct",
            ChatType::Personal => "Personal",
        }
    }
    /// The legacy (`/restapi/v1.0/glip/groups`) name. The Everyone chat is a `Team` there.
    pub fn legacy_str(self) -> &'static str {
        match self {
            ChatType::Everyone | ChatType::Team => "Team",
            ChatType::Group => "Group",
            ChatType::Direct => "PrivateChat",
            ChatType::Personal => "PersonalChat",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        ChatType::ALL.into_iter().find(|t| t.as_str() == s)
    }
    pub fn parse_legacy(s: &str) -> Option<Self> {
        match s {
            "Team" => Some(ChatType::Team),
            "Group" => Some(ChatType::Group),
            "PrivateChat" => Some(ChatType::Direct),
            "PersonalChat" => Some(ChatType::Personal),
            "Everyone" => Some(ChatType::Everyone),
            _ => None,
        }
    }
    /// Chats whose membership is fixed and defined by their member set.
    pub fn is_conversation(self) -> bool {
        matches!(
            self,
            ChatType::Group | ChatType::Direct | ChatType::Personal
        )
    }
    pub fn is_team_like(self) -> bool {
        matches!(self, ChatType::Team | ChatType::Everyone)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ChatStatus {
    Active,
    Archived,
}

impl ChatStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatStatus::Active => "Active",
            ChatStatus::Archived => "Archived",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Active" => Some(ChatStatus::Active),
            "Archived" => Some(ChatStatus::Archived),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Chat {
    pub id: ChatId,
    pub account_id: AccountId,
    pub kind: ChatType,
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: bool,
    pub status: ChatStatus,
    pub creator_id: Option<ExtensionId>,
    /// Ordered by when they joined.
    pub members: Vec<ExtensionId>,
    pub created: Timestamp,
    pub modified: Timestamp,
}

impl Chat {
    pub fn is_member(&self, who: ExtensionId) -> bool {
        self.members.contains(&who)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PostType {
    TextMessage,
    PersonJoined,
    PersonsAdded,
    PersonsRemoved,
}

impl PostType {
    pub fn as_str(self) -> &'static str {
        match self {
            PostType::TextMessage => "TextMessage",
            PostType::PersonJoined => "PersonJoined",
            PostType::PersonsAdded => "PersonsAdded",
            PostType::PersonsRemoved => "PersonsRemoved",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "TextMessage" => Some(PostType::TextMessage),
            "PersonJoined" => Some(PostType::PersonJoined),
            "PersonsAdded" => Some(PostType::PersonsAdded),
            "PersonsRemoved" => Some(PostType::PersonsRemoved),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MentionType {
    Person,
    Team,
}

impl MentionType {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionType::Person => "Person",
            MentionType::Team => "Team",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Person" => Some(MentionType::Person),
            "Team" => Some(MentionType::Team),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mention {
    pub id: i64,
    pub kind: MentionType,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Post {
    pub id: PostId,
    pub chat_id: ChatId,
    pub creator_id: ExtensionId,
    pub kind: PostType,
    pub text: String,
    pub parent_post_id: Option<PostId>,
    pub mentions: Vec<Mention>,
    pub added_person_ids: Vec<ExtensionId>,
    pub removed_person_ids: Vec<ExtensionId>,
    /// Attachments as given (validated JSON objects), rendered back verbatim.
    pub attachments: Vec<serde_json::Value>,
    pub activity: Option<String>,
    pub title: Option<String>,
    pub icon_uri: Option<String>,
    pub icon_emoji: Option<String>,
    pub created: Timestamp,
    pub modified: Timestamp,
}

impl Post {
    /// The thread a post belongs to: its parent's id, or its own when it starts one.
    pub fn thread_id(&self) -> PostId {
        self.parent_post_id.unwrap_or(self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    /// A REST API app (people authorize it).
    Rest,
    /// A bot app (installed into an account as a bot extension).
    Bot,
}

impl AppKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AppKind::Rest => "Rest",
            AppKind::Bot => "Bot",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Rest" => Some(AppKind::Rest),
            "Bot" => Some(AppKind::Bot),
            _ => None,
        }
    }
}

/// A registered OAuth client.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub id: AppId,
    pub client_id: String,
    /// Argon2 PHC string; None for public (client-side) apps.
    pub client_secret_hash: Option<String>,
    pub account_id: AccountId,
    pub name: String,
    pub kind: AppKind,
    pub public_client: bool,
    pub grants: GrantSet,
    pub permissions: PermissionSet,
    pub redirect_uris: Vec<String>,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    pub created: Timestamp,
}

/// One issued access token (and its refresh token, if any). Tokens themselves are never stored:
/// only their SHA-256 hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRecord {
    pub access_hash: [u8; 32],
    pub refresh_hash: Option<[u8; 32]>,
    pub app_id: AppId,
    pub extension_id: ExtensionId,
    pub account_id: AccountId,
    pub scope: PermissionSet,
    /// None: never expires (bot tokens).
    pub access_expires: Option<Timestamp>,
    pub refresh_expires: Option<Timestamp>,
    /// All tokens descended by refresh from one login share a family; reuse of a spent
    /// refresh token revokes the family.
    pub family: String,
    pub endpoint_id: String,
    pub created: Timestamp,
}

/// What an access token resolves to when it is presented.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub token: TokenRecord,
    /// No longer usable: revoked, or spent by a refresh (rotation).
    pub revoked: bool,
    pub extension: Extension,
    pub app: App,
}

/// The authenticated party of a request: a person or bot acting through an app.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: AccountId,
    pub extension_id: ExtensionId,
    pub extension_type: ExtensionType,
    pub is_admin: bool,
    pub app_id: AppId,
    pub client_id: String,
    /// The token's scope: what the app may do for this person.
    pub permissions: PermissionSet,
}

/// One emoji on a post and who added it, first first (`crate::reactions`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reaction {
    pub emoji: String,
    pub person_ids: Vec<ExtensionId>,
}

impl Reaction {
    pub fn count(&self) -> usize {
        self.person_ids.len()
    }

    /// Whether `person` is among those who added it.
    pub fn by(&self, person: ExtensionId) -> bool {
        self.person_ids.contains(&person)
    }
}
