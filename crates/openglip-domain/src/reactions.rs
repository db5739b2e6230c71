//! Reactions on posts: a person marks a post of a chat they are in with an emoji ("👍"), and
//! takes it back. An openglip extension (RingCentral's API has none), documented in
//! `docs/API-COMPAT.md`: the REST endpoints under `…/posts/{postId}/reactions`, the web client's
//! chips and picker, and the extension event `PostReactionsChanged`, which only subscriptions to
//! the openglip filter `/team-messaging/v1/posts/reactions` receive.
//!
//! A reaction is one emoji: one of [`COMMON`] or any single emoji as Unicode composes them (a
//! pictograph with its variation selector and skin tone, people joined by zero-width joiners, a
//! flag of two regional indicators, a keycap), checked by [`Emoji::parse`] without a table of
//! every emoji. A post carries at most [`MAX_KINDS`] different emoji; each person adds each once.
//! The store keeps them ([`ReactionStore`], `Store::reactions()`) and records the event with the
//! change, in one transaction.

use crate::error::{Error, Result};
use crate::ids::*;
pub use crate::model::Reaction;
use crate::model::{Caller, ChatStatus};
use crate::service::Service;
use crate::store::BoxFuture;

/// The emoji the web client's picker offers.
pub const COMMON: [&str; 8] = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

/// Different emoji one post may carry.
pub const MAX_KINDS: usize = 20;

/// Code points one emoji may have (a family of four with skin tones is 11).
const MAX_CODE_POINTS: usize = 16;

/// One emoji, checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Emoji(String);

impl Emoji {
    /// Reads one emoji; anything else (text, two emoji, a lone joiner) is refused, naming the
    /// request's `emoji`.
    pub fn parse(raw: &str) -> Result<Emoji> {
        if is_one_emoji(raw) {
            Ok(Emoji(raw.to_string()))
        } else {
            Err(Error::invalid_because(
                "emoji",
                "Parameter [emoji] value is invalid: one emoji is expected",
            )
            .for_people("Choose one emoji."))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's reaction added or taken back, as the store applies it.
#[derive(Debug, Clone)]
pub struct ReactionChange {
    pub chat: ChatId,
    pub post: PostId,
    pub person: ExtensionId,
    pub emoji: Emoji,
    /// Added (`true`) or taken back.
    pub add: bool,
    /// Different emoji the post may carry after the change.
    pub max_kinds: usize,
}

/// What the store did with a [`ReactionChange`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReactionOutcome {
    /// Applied (or nothing to do): the post's reactions now. An event was recorded if anything
    /// changed.
    Done(Vec<Reaction>),
    /// The post has `max_kinds` different emoji already and this is another: nothing written.
    TooManyKinds,
}

/// The storage of reactions (`Store::reactions()`).
pub trait ReactionStore: Send + Sync {
    /// Applies `change` in one transaction: the post must be a post of the chat (else
    /// `NotFound(Post)`); when something changed, a `ReactionsChanged` event with the post's
    /// reactions after it is appended in the same transaction.
    fn set_reaction(&self, change: ReactionChange) -> BoxFuture<'_, ReactionOutcome>;
    /// The reactions of those of `posts` that have any (posts of `chat` only), each post's in
    /// the order their first reaction came, people in the order they reacted.
    fn reactions(
        &self,
        chat: ChatId,
        posts: Vec<PostId>,
    ) -> BoxFuture<'_, Vec<(PostId, Vec<Reaction>)>>;
}

impl Service {
    /// Adds (`add`) or takes back the caller's `emoji` on a post of a chat they are a member of
    /// (not archived). Answers the post's reactions after.
    pub async fn react(
        &self,
        caller: &Caller,
        chat: ChatId,
        post: PostId,
        emoji: Emoji,
        add: bool,
    ) -> Result<Vec<Reaction>> {
        let chat = self.member_chat(caller, chat).await?;
        if chat.status == ChatStatus::Archived {
            return Err(Error::forbidden("The chat is archived"));
        }
        let change = ReactionChange {
            chat: chat.id,
            post,
            person: caller.extension_id,
            emoji,
            add,
            max_kinds: MAX_KINDS,
        };
        match self.store().reactions().set_reaction(change).await? {
            ReactionOutcome::Done(now) => Ok(now),
            ReactionOutcome::TooManyKinds => Err(Error::invalid_because(
                "emoji",
                format!("Parameter [emoji] value is invalid: a post has at most {MAX_KINDS} different reactions"),
            )
            .for_people(format!(
                "This message has {MAX_KINDS} different reactions already; add one of those."
            ))),
        }
    }

    /// The reactions of one post of a chat the caller is a member of.
    pub async fn post_reactions(
        &self,
        caller: &Caller,
        chat: ChatId,
        post: PostId,
    ) -> Result<Vec<Reaction>> {
        let chat = self.member_chat(caller, chat).await?;
        if self.store().post(chat.id, post).await?.is_none() {
            return Err(Error::NotFound(crate::error::Subject::Post));
        }
        let mut got = self
            .store()
            .reactions()
            .reactions(chat.id, vec![post])
            .await?;
        Ok(got.pop().map(|(_, r)| r).unwrap_or_default())
    }

    /// The reactions of posts the caller is shown in a chat they are a member of.
    pub async fn reactions_of(
        &self,
        caller: &Caller,
        chat: ChatId,
        posts: Vec<PostId>,
    ) -> Result<Vec<(PostId, Vec<Reaction>)>> {
        if posts.is_empty() {
            return Ok(Vec::new());
        }
        let chat = self.member_chat(caller, chat).await?;
        self.store().reactions().reactions(chat.id, posts).await
    }
}

/// Rows of `(post, emoji, person)` in the order they were added, grouped per post (in the order
/// of the rows' first row of each) and per emoji (by its first reaction): both stores read
/// their rows through this, so they answer alike.
pub fn group_rows(
    rows: impl IntoIterator<Item = (PostId, String, ExtensionId)>,
) -> Vec<(PostId, Vec<Reaction>)> {
    let mut out: Vec<(PostId, Vec<Reaction>)> = Vec::new();
    for (post, emoji, person) in rows {
        let i = match out.iter().position(|(p, _)| *p == post) {
            Some(i) => i,
            None => {
                out.push((post, Vec::new()));
                out.len() - 1
            }
        };
        let of_post = &mut out[i].1;
        match of_post.iter_mut().find(|r| r.emoji == emoji) {
            Some(r) => r.person_ids.push(person),
            None => of_post.push(Reaction {
                emoji,
                person_ids: vec![person],
            }),
        }
    }
    out
}

const ZWJ: char = '\u{200D}';
const VS16: char = '\u{FE0F}';
const KEYCAP: char = '\u{20E3}';

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

fn is_skin_tone(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

/// Tag characters (subdivision flags: 🏴 followed by tags and a cancel tag).
fn is_tag(c: char) -> bool {
    ('\u{E0020}'..='\u{E007F}').contains(&c)
}

/// A pictograph that can stand as an emoji (Unicode's emoji blocks, and the older symbols
/// emoji presentation turns into emoji).
fn is_pictograph(c: char) -> bool {
    matches!(c,
        '\u{1F000}'..='\u{1F1E5}'
        | '\u{1F200}'..='\u{1F3FA}'
        | '\u{1F400}'..='\u{1FAFF}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{2300}'..='\u{23FF}'
        | '\u{2B00}'..='\u{2BFF}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{25A0}'..='\u{25FF}'
        | '\u{2934}' | '\u{2935}'
        | '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}')
}

/// Whether `s` is exactly one emoji: a flag (two regional indicators), a keycap (`0`–`9`, `#`,
/// `*`, an optional VS16, U+20E3), or pictographs joined by ZWJs, each with an optional VS16,
/// skin tone and tags.
fn is_one_emoji(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || chars.len() > MAX_CODE_POINTS {
        return false;
    }
    if chars.iter().all(|c| is_regional_indicator(*c)) {
        return chars.len() == 2;
    }
    if matches!(chars[0], '0'..='9' | '#' | '*') {
        return matches!(chars[1..], [KEYCAP] | [VS16, KEYCAP]);
    }
    let mut expect_base = true;
    for c in chars {
        if expect_base {
            if !is_pictograph(c) {
                return false;
            }
            expect_base = false;
        } else if c == ZWJ {
            expect_base = true;
        } else if !(c == VS16 || is_skin_tone(c) || is_tag(c)) {
            return false;
        }
    }
    !expect_base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_emoji_is_accepted_and_anything_else_refused() {
        for ok in COMMON {
            assert!(Emoji::parse(ok).is_ok(), "{ok}");
        }
        for ok in ["👍🏽", "👩‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "#️⃣", "1⃣", "☕", "🫠", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]
        {
            assert!(Emoji::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "+1",
            "👍👍",
            "👍 ",
            "🇫",
            "🇫🇷🇫",
            "\u{200D}",
            "👍\u{200D}",
            "1",
            "<b>",
            "👍a",
        ] {
            let e = Emoji::parse(bad).unwrap_err();
            assert_eq!(
                e.fields().unwrap()[0].message,
                "Choose one emoji.",
                "{bad:?}"
            );
        }
        assert!(Emoji::parse(&"👍\u{FE0F}".repeat(9)).is_err());
    }

    #[test]
    fn rows_group_by_post_then_emoji_in_order() {
        let (p1, p2) = (PostId(1), PostId(2));
        let rows = vec![
            (p1, "👍".to_string(), ExtensionId(5)),
            (p2, "🎉".to_string(), ExtensionId(5)),
            (p1, "😂".to_string(), ExtensionId(6)),
            (p1, "👍".to_string(), ExtensionId(6)),
        ];
        let got = group_rows(rows);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, p1);
        let emoji: Vec<&str> = got[0].1.iter().map(|r| r.emoji.as_str()).collect();
        assert_eq!(emoji, ["👍", "😂"]);
        assert_eq!(got[0].1[0].person_ids, [ExtensionId(5), ExtensionId(6)]);
        assert_eq!((got[1].0, got[1].1[0].count()), (p2, 1));
    }

    #[test]
    fn a_reaction_counts_its_people() {
        let r = Reaction {
            emoji: "👍".into(),
            person_ids: vec![ExtensionId(1), ExtensionId(2)],
        };
        assert_eq!(r.count(), 2);
        assert!(r.by(ExtensionId(2)) && !r.by(ExtensionId(3)));
    }
}
