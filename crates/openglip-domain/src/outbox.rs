//! What a change tells subscribers: the outbox events a store appends, in the same transaction,
//! for the changes whose events depend on what was there before. Pure functions, so that every
//! store (SQLite, PostgreSQL) records the same events in the same order.

use crate::events::EventPayload;
use crate::ids::ExtensionId;
use crate::model::{Chat, Post, PostType};

/// The event of a chat update: `GroupRenamed` when its name changed (`name_before` is the name
/// the chat had, `None` if the chat was not found), else `GroupChanged`.
pub fn chat_updated(name_before: Option<Option<String>>, chat: &Chat) -> EventPayload {
    if name_before.is_some_and(|name| name != chat.name) {
        EventPayload::GroupRenamed { chat: chat.clone() }
    } else {
        EventPayload::GroupChanged { chat: chat.clone() }
    }
}

/// The events of a membership change of `chat` (as it is now) whose members were `before`, with
/// the system posts the change recorded, in the order subscribers hear them:
///
/// 1. `GroupJoined` for those who joined, then the `PersonJoined`/`PersonsAdded` posts (joiners
///    hear theirs: they joined first);
/// 2. `GroupLeft` for those who left, then the `PersonsRemoved` post (the removed do not hear
///    theirs: they left first);
/// 3. `GroupChanged` when the member set changed and anyone is left.
pub fn membership_changed(
    before: &[ExtensionId],
    chat: &Chat,
    system_posts: Vec<Post>,
) -> Vec<EventPayload> {
    let added: Vec<ExtensionId> = chat
        .members
        .iter()
        .filter(|m| !before.contains(m))
        .copied()
        .collect();
    let removed: Vec<ExtensionId> = before
        .iter()
        .filter(|m| !chat.members.contains(m))
        .copied()
        .collect();
    let (removed_posts, added_posts): (Vec<Post>, Vec<Post>) = system_posts
        .into_iter()
        .partition(|p| p.kind == PostType::PersonsRemoved);
    let mut events = Vec::new();
    if !added.is_empty() {
        events.push(EventPayload::GroupJoined {
            chat: chat.clone(),
            persons: added,
        });
    }
    events.extend(
        added_posts
            .into_iter()
            .map(|post| EventPayload::PostAdded { post }),
    );
    if !removed.is_empty() {
        events.push(EventPayload::GroupLeft {
            chat: chat.clone(),
            persons: removed,
        });
    }
    events.extend(
        removed_posts
            .into_iter()
            .map(|post| EventPayload::PostAdded { post }),
    );
    if !chat.members.is_empty() && chat.members != before {
        events.push(EventPayload::GroupChanged { chat: chat.clone() });
    }
    events
}
