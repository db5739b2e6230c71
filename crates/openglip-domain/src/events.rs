//! Events and subscriptions: what happened (recorded in the store's outbox in the same
//! transaction as the change), which event filters exist, and who may receive what.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::*;
use crate::model::{Chat, Post, Reaction};
use crate::time::Timestamp;

/// A change, as recorded in the outbox. The serde form is internal (the outbox row's payload),
/// not the wire: the server renders the wire body per filter generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t")]
pub enum EventPayload {
    PostAdded {
        post: Post,
    },
    PostChanged {
        post: Post,
    },
    PostRemoved {
        chat_id: ChatId,
        post_id: PostId,
    },
    /// `persons` joined or were added: only they receive it.
    GroupJoined {
        chat: Chat,
        persons: Vec<ExtensionId>,
    },
    /// `persons` left or were removed: only they receive it.
    GroupLeft {
        chat: Chat,
        persons: Vec<ExtensionId>,
    },
    /// Membership or settings changed: the members receive it.
    GroupChanged {
        chat: Chat,
    },
    GroupRenamed {
        chat: Chat,
    },
    ExtensionUpdated {
        extension_id: ExtensionId,
    },
    ExtensionDeleted {
        extension_id: ExtensionId,
    },
    /// A post's reactions changed (an openglip extension, `crate::reactions`): the chat's
    /// members receive it, through the `/team-messaging/v1/posts/reactions` filter only.
    ReactionsChanged {
        chat_id: ChatId,
        post_id: PostId,
        reactions: Vec<Reaction>,
    },
}

impl EventPayload {
    /// The event's name (the variant's), for logs and tests; the wire spells it in
    /// `openglip_wire::EventBody`.
    pub fn name(&self) -> &'static str {
        match self {
            EventPayload::PostAdded { .. } => "PostAdded",
            EventPayload::PostChanged { .. } => "PostChanged",
            EventPayload::PostRemoved { .. } => "PostRemoved",
            EventPayload::GroupJoined { .. } => "GroupJoined",
            EventPayload::GroupLeft { .. } => "GroupLeft",
            EventPayload::GroupChanged { .. } => "GroupChanged",
            EventPayload::GroupRenamed { .. } => "GroupRenamed",
            EventPayload::ExtensionUpdated { .. } => "ExtensionUpdated",
            EventPayload::ExtensionDeleted { .. } => "ExtensionDeleted",
            EventPayload::ReactionsChanged { .. } => "ReactionsChanged",
        }
    }

    /// The chat the event is about, if any.
    pub fn chat_id(&self) -> Option<ChatId> {
        match self {
            EventPayload::PostAdded { post } | EventPayload::PostChanged { post } => {
                Some(post.chat_id)
            }
            EventPayload::PostRemoved { chat_id, .. }
            | EventPayload::ReactionsChanged { chat_id, .. } => Some(*chat_id),
            EventPayload::GroupJoined { chat, .. }
            | EventPayload::GroupLeft { chat, .. }
            | EventPayload::GroupChanged { chat }
            | EventPayload::GroupRenamed { chat } => Some(chat.id),
            EventPayload::ExtensionUpdated { .. } | EventPayload::ExtensionDeleted { .. } => None,
        }
    }

    /// Who may receive it, when that is not "the chat's members at the time" (post events).
    pub fn explicit_audience(&self) -> Option<Vec<ExtensionId>> {
        match self {
            EventPayload::GroupJoined { persons, .. } | EventPayload::GroupLeft { persons, .. } => {
                Some(persons.clone())
            }
            EventPayload::GroupChanged { chat } | EventPayload::GroupRenamed { chat } => {
                Some(chat.members.clone())
            }
            EventPayload::ExtensionUpdated { extension_id }
            | EventPayload::ExtensionDeleted { extension_id } => Some(vec![*extension_id]),
            _ => None,
        }
    }

    pub fn class(&self) -> EventClass {
        match self {
            EventPayload::PostAdded { .. }
            | EventPayload::PostChanged { .. }
            | EventPayload::PostRemoved { .. } => EventClass::Post,
            EventPayload::GroupJoined { .. }
            | EventPayload::GroupLeft { .. }
            | EventPayload::GroupChanged { .. }
            | EventPayload::GroupRenamed { .. } => EventClass::Chat,
            EventPayload::ExtensionUpdated { .. } | EventPayload::ExtensionDeleted { .. } => {
                EventClass::Extension
            }
            EventPayload::ReactionsChanged { .. } => EventClass::Reaction,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventClass {
    Post,
    Chat,
    Extension,
    /// An openglip extension's events: only its own filter passes them, so RingCentral's
    /// filters never carry an event type RingCentral's clients do not know.
    Reaction,
}

/// An event as stored: its sequence number orders every event of the server.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub account_id: AccountId,
    pub created: Timestamp,
    pub payload: EventPayload,
}

/// The wire generation a filter asks for: it decides the body's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Generation {
    /// `/restapi/v1.0/glip/...`: legacy group shape.
    Legacy,
    /// `/team-messaging/v1/...`: current chat shape.
    Current,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterKind {
    Posts(Generation),
    Chats(Generation),
    /// `/team-messaging/v1/posts/reactions`: posts' reactions (an openglip extension).
    Reactions,
    Extension {
        account: AccountId,
        extension: ExtensionId,
    },
    /// `/restapi/v1.0/subscription/~?threshold=T&interval=I`: reminders before expiry.
    Renewal {
        threshold_secs: i64,
        interval_secs: i64,
    },
}

/// The openglip extension's event filter of posts' reactions (`crate::reactions`).
pub const REACTIONS_FILTER: &str = "/team-messaging/v1/posts/reactions";

/// A parsed event filter and the string it is known by (`~` replaced with real ids, except for
/// the renewal filter, which is echoed exactly as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    pub kind: FilterKind,
    pub text: String,
}

impl EventFilter {
    /// Parses one filter for a subscriber of `account`/`extension`. Unknown filters, and
    /// extension filters for someone else, are refused with `SUB-508`-style errors by the caller
    /// (`Err(reason)`).
    pub fn parse(
        raw: &str,
        account: AccountId,
        extension: ExtensionId,
    ) -> std::result::Result<EventFilter, String> {
        let raw = raw.trim();
        let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
        let path = path.trim_end_matches('/');
        let simple = |kind: FilterKind| -> std::result::Result<EventFilter, String> {
            if !query.is_empty() {
                return Err(format!("Event filter [{raw}] does not take parameters"));
            }
            Ok(EventFilter {
                kind,
                text: path.to_string(),
            })
        };
        match path {
            "/restapi/v1.0/glip/posts" => return simple(FilterKind::Posts(Generation::Legacy)),
            "/restapi/v1.0/glip/groups" => return simple(FilterKind::Chats(Generation::Legacy)),
            "/team-messaging/v1/posts" => return simple(FilterKind::Posts(Generation::Current)),
            REACTIONS_FILTER => return simple(FilterKind::Reactions),
            "/team-messaging/v1/chats" | "/team-messaging/v1/groups" => {
                return simple(FilterKind::Chats(Generation::Current));
            }
            _ => {}
        }
        if path == "/restapi/v1.0/subscription/~" {
            let mut threshold = None;
            let mut interval = None;
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let v: i64 = v
                    .parse()
                    .map_err(|_| format!("Event filter [{raw}]: [{k}] is not a number"))?;
                match k {
                    "threshold" => threshold = Some(v),
                    "interval" => interval = Some(v),
                    _ => return Err(format!("Event filter [{raw}]: unknown parameter [{k}]")),
                }
            }
            let (Some(t), Some(i)) = (threshold, interval) else {
                return Err(format!("Event filter [{raw}] needs threshold and interval"));
            };
            if t <= 0 || i <= 0 || i > t {
                return Err(format!(
                    "Event filter [{raw}]: need 0 < interval <= threshold"
                ));
            }
            return Ok(EventFilter {
                kind: FilterKind::Renewal {
                    threshold_secs: t,
                    interval_secs: i,
                },
                text: raw.to_string(),
            });
        }
        if let Some(rest) = path.strip_prefix("/restapi/v1.0/account/") {
            if !query.is_empty() {
                return Err(format!("Event filter [{raw}] does not take parameters"));
            }
            let parts: Vec<&str> = rest.split('/').collect();
            if let [acc, "extension", ext] = parts.as_slice() {
                let acc = if *acc == "~" {
                    Some(account)
                } else {
                    acc.parse::<AccountId>().ok()
                };
                let ext = if *ext == "~" {
                    Some(extension)
                } else {
                    ext.parse::<ExtensionId>().ok()
                };
                return match (acc, ext) {
                    (Some(a), Some(e)) if a == account && e == extension => Ok(EventFilter {
                        kind: FilterKind::Extension {
                            account: a,
                            extension: e,
                        },
                        text: format!("/restapi/v1.0/account/{a}/extension/{e}"),
                    }),
                    _ => Err(format!(
                        "Event filter [{raw}] is not allowed: it names another extension"
                    )),
                };
            }
        }
        Err(format!("Event filter [{raw}] is not supported"))
    }

    /// Whether this filter passes events of `class` about `payload`.
    pub fn accepts(&self, payload: &EventPayload) -> bool {
        match (&self.kind, payload.class()) {
            (FilterKind::Posts(_), EventClass::Post) => true,
            (FilterKind::Chats(_), EventClass::Chat) => true,
            (FilterKind::Reactions, EventClass::Reaction) => true,
            (FilterKind::Extension { extension, .. }, EventClass::Extension) => match payload {
                EventPayload::ExtensionUpdated { extension_id }
                | EventPayload::ExtensionDeleted { extension_id } => extension_id == extension,
                _ => false,
            },
            _ => false,
        }
    }

    pub fn generation(&self) -> Generation {
        match self.kind {
            FilterKind::Posts(g) | FilterKind::Chats(g) => g,
            _ => Generation::Current,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    Active,
    Blacklisted,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "Active",
            SubscriptionStatus::Blacklisted => "Blacklisted",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Active" => Some(SubscriptionStatus::Active),
            "Blacklisted" => Some(SubscriptionStatus::Blacklisted),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    WebHook {
        address: String,
        verification_token: Option<String>,
    },
    WebSocket,
}

impl Transport {
    pub fn name(&self) -> &'static str {
        match self {
            Transport::WebHook { .. } => "WebHook",
            Transport::WebSocket => "WebSocket",
        }
    }
}

/// Lifetimes: WebHook subscriptions up to 10 years (RingCentral's maximum), WebSocket ones live
/// with their session (RingCentral ignores `expiresIn` for them). Larger values are clamped,
/// never refused; absent means 15 minutes as RingCentral.
pub const DEFAULT_EXPIRES_IN: i64 = 900;
pub const MAX_WEBHOOK_EXPIRES_IN: i64 = 315_360_000;
pub const WEBSOCKET_EXPIRES_IN: i64 = 86_400;

pub fn clamp_expires_in(requested: Option<i64>, transport: &Transport) -> i64 {
    match transport {
        Transport::WebSocket => WEBSOCKET_EXPIRES_IN,
        Transport::WebHook { .. } => requested
            .unwrap_or(DEFAULT_EXPIRES_IN)
            .clamp(60, MAX_WEBHOOK_EXPIRES_IN),
    }
}

/// A notification a WebHook did not accept within its retry budget: kept with what was posted,
/// so that the app's developer can see it and deliver it again, while delivery moved on.
#[derive(Debug, Clone, PartialEq)]
pub struct UndeliverableEvent {
    pub id: i64,
    pub subscription_id: String,
    /// The outbox seq of the event (`None`: a renewal reminder).
    pub seq: Option<i64>,
    /// The notification as it was posted (its JSON, or the encrypted form).
    pub body: String,
    /// The last failure, in words.
    pub reason: String,
    pub failed_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    /// A UUID.
    pub id: String,
    pub account_id: AccountId,
    pub owner: ExtensionId,
    pub app_id: AppId,
    pub filters: Vec<EventFilter>,
    pub transport: Transport,
    /// AES-128 key when the subscriber asked for encryption.
    pub encryption_key: Option<[u8; 16]>,
    pub status: SubscriptionStatus,
    pub blacklisted: Option<(Timestamp, String)>,
    pub created: Timestamp,
    pub expires: Timestamp,
    /// The last event sequence delivered (and acknowledged, for WebHooks).
    pub cursor: i64,
    /// The lifetime asked for (clamped): what a renewal extends the subscription by.
    pub expires_in_secs: i64,
}

impl Subscription {
    pub fn expires_in(&self, now: Timestamp) -> i64 {
        ((self.expires.millis() - now.millis()) / 1000).max(0)
    }
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.status == SubscriptionStatus::Active && self.expires > now
    }
}

/// Parses a whole filter list: at least one, at most 50, no unknown ones.
pub fn parse_filters(
    raw: &[String],
    account: AccountId,
    extension: ExtensionId,
) -> Result<Vec<EventFilter>> {
    if raw.is_empty() {
        return Err(Error::MissingParameter("eventFilters".into()));
    }
    if raw.len() > 50 {
        return Err(Error::invalid_because(
            "eventFilters",
            "At most 50 event filters",
        ));
    }
    let mut out: Vec<EventFilter> = Vec::with_capacity(raw.len());
    for r in raw {
        let f = EventFilter::parse(r, account, extension).map_err(Error::InvalidEventFilter)?;
        if !out.iter().any(|o| o.text == f.text) {
            out.push(f);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: AccountId = AccountId(7);
    const E: ExtensionId = ExtensionId(42);

    #[test]
    fn parses_and_normalises_filters() {
        let f = EventFilter::parse("/restapi/v1.0/account/~/extension/~", A, E).unwrap();
        assert_eq!(f.text, "/restapi/v1.0/account/7/extension/42");
        assert!(EventFilter::parse("/restapi/v1.0/account/7/extension/43", A, E).is_err());
        assert!(EventFilter::parse("/restapi/v1.0/account/8/extension/~", A, E).is_err());
        assert_eq!(
            EventFilter::parse("/team-messaging/v1/groups", A, E)
                .unwrap()
                .kind,
            FilterKind::Chats(Generation::Current)
        );
        assert_eq!(
            EventFilter::parse("/restapi/v1.0/glip/posts", A, E)
                .unwrap()
                .kind,
            FilterKind::Posts(Generation::Legacy)
        );
        let r = EventFilter::parse(
            "/restapi/v1.0/subscription/~?threshold=60&interval=15",
            A,
            E,
        )
        .unwrap();
        assert_eq!(
            r.text,
            "/restapi/v1.0/subscription/~?threshold=60&interval=15"
        );
        assert!(
            EventFilter::parse(
                "/restapi/v1.0/subscription/~?threshold=10&interval=15",
                A,
                E
            )
            .is_err()
        );
        assert!(
            EventFilter::parse("/restapi/v1.0/account/~/extension/~/message-store", A, E).is_err()
        );
        assert!(EventFilter::parse("/nope", A, E).is_err());
    }

    #[test]
    fn reactions_pass_only_their_own_filter() {
        let ev = EventPayload::ReactionsChanged {
            chat_id: ChatId(1),
            post_id: PostId(2),
            reactions: vec![],
        };
        let reactions = EventFilter::parse(REACTIONS_FILTER, A, E).unwrap();
        assert_eq!(reactions.kind, FilterKind::Reactions);
        assert!(reactions.accepts(&ev));
        for ringcentral in [
            "/team-messaging/v1/posts",
            "/restapi/v1.0/glip/posts",
            "/team-messaging/v1/chats",
            "/restapi/v1.0/account/~/extension/~",
        ] {
            let f = EventFilter::parse(ringcentral, A, E).unwrap();
            assert!(!f.accepts(&ev), "{ringcentral}");
        }
        // The chat's members at the time receive it, as a post's events.
        assert_eq!(
            (ev.chat_id(), ev.explicit_audience()),
            (Some(ChatId(1)), None)
        );
    }

    #[test]
    fn expiry_is_clamped_not_refused() {
        let hook = Transport::WebHook {
            address: "https://x".into(),
            verification_token: None,
        };
        assert_eq!(
            clamp_expires_in(Some(473_040_000), &hook),
            MAX_WEBHOOK_EXPIRES_IN
        );
        assert_eq!(clamp_expires_in(Some(1), &hook), 60);
        assert_eq!(clamp_expires_in(None, &hook), 900);
        assert_eq!(
            clamp_expires_in(Some(5), &Transport::WebSocket),
            WEBSOCKET_EXPIRES_IN
        );
    }
}
