//! Who was in a chat when an event happened, for deliveries read back from the outbox.
//!
//! Live delivery routes each event by the membership of that moment. A subscription that fell
//! behind (a WebHook receiver that was down, a server restarted with a backlog) reads its events
//! from the outbox later, when the members may have changed. It must get what its owner could
//! see when each event happened: the posts of a chat they have left since, up to their leaving,
//! and none of a chat from before they joined it. So the stores keep, beside each `GroupJoined`
//! and `GroupLeft` event, one [`MembershipStep`] per person, and a catch-up replays them
//! backwards from today's membership ([`MembershipHistory`]).
//!
//! The rule, for a person and a chat at event `seq`: the first step of theirs in that chat
//! *after* `seq` says what they were before it (a join: not a member; a leave: a member); with no
//! later step, they were what they are now. Memberships older than the steps (made before steps
//! were recorded) are therefore read as today's, which is what delivery did before.

use std::collections::{HashMap, HashSet};

use crate::events::EventPayload;
use crate::ids::{ChatId, ExtensionId};

/// One person joining (`joined`) or leaving one chat, at the outbox event `seq` that told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipStep {
    pub seq: i64,
    pub chat: ChatId,
    pub joined: bool,
}

/// The steps an event records: one per person of a `GroupJoined` or `GroupLeft`, none for any
/// other event. What the stores write beside the event, in the same transaction.
pub fn steps_of(payload: &EventPayload) -> Vec<(ChatId, ExtensionId, bool)> {
    match payload {
        EventPayload::GroupJoined { chat, persons } => {
            persons.iter().map(|p| (chat.id, *p, true)).collect()
        }
        EventPayload::GroupLeft { chat, persons } => {
            persons.iter().map(|p| (chat.id, *p, false)).collect()
        }
        _ => Vec::new(),
    }
}

/// One person's membership at any event after a cursor: today's chats and the steps since.
///
/// Build it from two reads, in this order: the person's chats now, then their steps after the
/// cursor. A change committed between the reads then shows as a step, and the answer stays
/// consistent (each change is committed together with its step).
#[derive(Debug, Clone, Default)]
pub struct MembershipHistory {
    now: HashSet<ChatId>,
    /// Per chat, the seqs of the steps and whether each was a join, in seq order.
    steps: HashMap<ChatId, Vec<(i64, bool)>>,
}

impl MembershipHistory {
    pub fn new(now: impl IntoIterator<Item = ChatId>, steps: Vec<MembershipStep>) -> Self {
        let mut by_chat: HashMap<ChatId, Vec<(i64, bool)>> = HashMap::new();
        for s in steps {
            by_chat.entry(s.chat).or_default().push((s.seq, s.joined));
        }
        for v in by_chat.values_mut() {
            v.sort_unstable_by_key(|(seq, _)| *seq);
        }
        MembershipHistory {
            now: now.into_iter().collect(),
            steps: by_chat,
        }
    }

    /// Whether the person was a member of `chat` when the event `seq` happened.
    pub fn member_at(&self, chat: ChatId, seq: i64) -> bool {
        let next = self
            .steps
            .get(&chat)
            .and_then(|v| v.iter().find(|(s, _)| *s > seq));
        match next {
            Some((_, joined)) => !joined,
            None => self.now.contains(&chat),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(seq: i64, chat: i64, joined: bool) -> MembershipStep {
        MembershipStep {
            seq,
            chat: ChatId(chat),
            joined,
        }
    }

    #[test]
    fn without_steps_today_s_membership_answers() {
        let h = MembershipHistory::new([ChatId(1)], vec![]);
        assert!(h.member_at(ChatId(1), 5));
        assert!(!h.member_at(ChatId(2), 5));
    }

    #[test]
    fn a_later_leave_means_a_member_then_and_a_later_join_means_not() {
        // In chat 1 until leaving at 10; joined chat 2 at 20; today: chat 2 only.
        let h = MembershipHistory::new([ChatId(2)], vec![step(20, 2, true), step(10, 1, false)]);
        assert!(h.member_at(ChatId(1), 9));
        assert!(!h.member_at(ChatId(1), 11));
        assert!(!h.member_at(ChatId(2), 19));
        assert!(h.member_at(ChatId(2), 21));
    }

    #[test]
    fn joined_left_and_joined_again() {
        let h = MembershipHistory::new(
            [ChatId(1)],
            vec![step(10, 1, true), step(20, 1, false), step(30, 1, true)],
        );
        assert!(!h.member_at(ChatId(1), 5));
        assert!(h.member_at(ChatId(1), 15));
        assert!(!h.member_at(ChatId(1), 25));
        assert!(h.member_at(ChatId(1), 35));
    }

    #[test]
    fn the_step_at_the_event_itself_does_not_decide_it() {
        // Events that carry a step name their audience themselves; for any other event at the
        // same seq (there is none) the step after it decides.
        let h = MembershipHistory::new([], vec![step(10, 1, false)]);
        assert!(!h.member_at(ChatId(1), 10));
        assert!(h.member_at(ChatId(1), 9));
    }
}
