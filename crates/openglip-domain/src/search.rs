//! Full-text search of the posts a person can see (an openglip extension of the API:
//! `GET /team-messaging/v1/search/posts`, and the web client's search box).
//!
//! What a search means is decided here, once, so that both stores answer alike:
//!
//! - **Words.** A query and a post are read as words: runs of letters and digits (any script),
//!   compared lower-cased; everything else separates words. So `deploy-v2!` is the words
//!   `deploy` and `v2`, and characters that full-text engines treat as syntax (`"`, `*`, `:`,
//!   `&`, `|`, `(`, `NEAR`, …) are only separators: a query is never a program.
//! - **Matching.** A post matches when every word of the query begins one of its words
//!   (`deplo` finds "deployment"), in the chats the person is a member of *at the time of the
//!   search* (leaving a chat hides its posts from their searches; joining one shows its history).
//! - **Order.** Best match first (the store's relevance rank: SQLite FTS5's bm25, PostgreSQL's
//!   `ts_rank`), then newest first; pages are numbered by position ([`SearchStore`]).
//! - **Highlight.** [`highlight`] cuts a snippet of the text around the first match and marks
//!   the matching words, pure Rust, whatever the store.
//!
//! The stores keep their index in the same transaction as the post (SQLite: an FTS5 table kept by
//! triggers; PostgreSQL: a generated `tsvector` column with a GIN index), so an edit or a delete
//! is searchable as soon as it is acknowledged.

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;
use crate::store::BoxFuture;
use crate::time::Timestamp;

/// The longest query text taken, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most words a query may have.
pub const MAX_TERMS: usize = 16;
/// About how many characters of a long post a highlight shows.
pub const SNIPPET_CHARS: usize = 180;
/// How many characters of context a snippet keeps before its first match.
const LEAD_CHARS: usize = 40;

/// A parsed search: the words, and the filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Lower-cased words, each made only of letters and digits (see [`terms`]), at least one.
    pub terms: Vec<String>,
    /// Only posts of this chat.
    pub chat: Option<ChatId>,
    /// Only posts by this person.
    pub creator: Option<ExtensionId>,
    /// Only posts created at or after this instant.
    pub since: Option<Timestamp>,
    /// Only posts created before this instant.
    pub until: Option<Timestamp>,
}

/// One page of matches, best first.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub posts: Vec<Post>,
    /// Whether more matches follow this page.
    pub has_more: bool,
}

/// The storage part of search, reached by `Store::search()`.
pub trait SearchStore: Send + Sync {
    /// Posts of the chats `member` belongs to now that match every term of `query` as a word
    /// prefix and its filters, best first then newest first, skipping the first `offset`, at
    /// most `limit`.
    fn search_posts(
        &self,
        member: ExtensionId,
        query: SearchQuery,
        offset: usize,
        limit: usize,
    ) -> BoxFuture<'_, SearchPage>;
}

/// The words of a query, lower-cased, in order, without repeats. An empty query, one longer than
/// [`MAX_QUERY_CHARS`], one with no letters or digits at all, or one of more than [`MAX_TERMS`]
/// words is refused (`InvalidParameter("q")`, saying which).
pub fn terms(q: &str) -> Result<Vec<String>> {
    let q = q.trim();
    if q.is_empty() {
        return Err(Error::MissingParameter("q".into()));
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::TooLong {
            name: "q".into(),
            max: MAX_QUERY_CHARS,
        });
    }
    let mut out: Vec<String> = Vec::new();
    for (_, word) in words(q) {
        let word = word.to_lowercase();
        if !out.contains(&word) {
            out.push(word);
        }
    }
    if out.is_empty() {
        return Err(Error::invalid_because(
            "q",
            "Parameter [q] value is invalid: it has no words to search for (letters or digits).",
        ));
    }
    if out.len() > MAX_TERMS {
        return Err(Error::invalid_because(
            "q",
            format!(
                "Parameter [q] value is invalid: at most {MAX_TERMS} words can be searched for."
            ),
        ));
    }
    Ok(out)
}

/// The words of a text: (byte offset, word), runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, c)) = rest.peek() {
            if c.is_alphanumeric() {
                break;
            }
            rest.next();
        }
        let (start, _) = *rest.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = rest.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = i + c.len_utf8();
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

/// Whether a word of a post matches one of the terms (as a prefix, lower-cased).
fn matches(word: &str, terms: &[String]) -> bool {
    let lower = word.to_lowercase();
    terms.iter().any(|t| lower.starts_with(t.as_str()))
}

/// A snippet of a post's text, cut in pieces: the matching words marked. Plain text; whoever
/// shows it escapes it (the API as HTML with `<mark>`, the web client with its templates).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlight {
    /// (text, whether it is a match), in order; concatenated they are the snippet.
    pub parts: Vec<(String, bool)>,
}

impl Highlight {
    fn push(&mut self, text: &str, matched: bool) {
        if text.is_empty() {
            return;
        }
        match self.parts.last_mut() {
            Some((last, m)) if *m == matched => last.push_str(text),
            _ => self.parts.push((text.to_string(), matched)),
        }
    }

    /// The snippet without marks.
    pub fn plain(&self) -> String {
        self.parts.iter().map(|(t, _)| t.as_str()).collect()
    }
}

/// Cuts the snippet of `text` for `terms`: the whole text when it is short, else about
/// [`SNIPPET_CHARS`] characters from a little before the first match (cut at spaces where it
/// can, with `…` where text was left out), the matching words marked.
pub fn highlight(text: &str, terms: &[String]) -> Highlight {
    let total = text.chars().count();
    let (from, to) = if total <= SNIPPET_CHARS {
        (0, text.len())
    } else {
        let first = words(text)
            .find(|(_, w)| matches(w, terms))
            .map_or(0, |(i, _)| i);
        // Back up LEAD_CHARS characters, then forward to the start of a word.
        let mut from = text[..first]
            .char_indices()
            .rev()
            .nth(LEAD_CHARS.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        if from > 0 {
            if let Some(space) = text[from..first].find(char::is_whitespace) {
                from += space;
            }
            from += text[from..].find(|c: char| !c.is_whitespace()).unwrap_or(0);
        }
        let mut to = text[from..]
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(text.len(), |(i, _)| from + i);
        if to < text.len()
            && let Some(space) = text[from..to].rfind(char::is_whitespace)
            && space > SNIPPET_CHARS / 2
        {
            to = from + space;
        }
        (from, to)
    };
    let mut out = Highlight::default();
    if from > 0 {
        out.push("…", false);
    }
    let window = &text[from..to];
    let mut at = 0;
    for (i, word) in words(window) {
        if matches(word, terms) {
            out.push(&window[at..i], false);
            out.push(word, true);
            at = i + word.len();
        }
    }
    out.push(&window[at..], false);
    if to < text.len() {
        out.push("…", false);
    }
    out
}

/// A match as shown: the post, and its highlight.
#[derive(Debug, Clone)]
pub struct SearchHit {
    pub post: Post,
    pub highlight: Highlight,
}

impl Service {
    /// Searches the posts of the chats the caller is a member of. A `chat` filter must name one
    /// of them (else the chat's own error, as reading its posts would give); a `creator` filter
    /// a person of the caller's company; `since` must not be after `until`. Returns the page's
    /// hits and whether more follow.
    pub async fn search_posts(
        &self,
        caller: &Caller,
        query: SearchQuery,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<SearchHit>, bool)> {
        if query.terms.is_empty() {
            return Err(Error::MissingParameter("q".into()));
        }
        if let Some(chat) = query.chat {
            self.member_chat(caller, chat).await?;
        }
        if let Some(creator) = query.creator {
            self.person(caller, creator).await.map_err(|e| match e {
                Error::NotFound(_) => Error::NotFound(Subject::Person),
                e => e,
            })?;
        }
        if let (Some(since), Some(until)) = (query.since, query.until)
            && since > until
        {
            return Err(Error::invalid_because(
                "since",
                "Parameter [since] value is invalid: it is after [until].",
            ));
        }
        let terms = query.terms.clone();
        let page = self
            .store()
            .search()
            .search_posts(caller.extension_id, query, offset, limit)
            .await?;
        let hits = page
            .posts
            .into_iter()
            .map(|post| SearchHit {
                highlight: highlight(&post.text, &terms),
                post,
            })
            .collect();
        Ok((hits, page.has_more))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(q: &str) -> Vec<String> {
        terms(q).unwrap()
    }

    fn marked(h: &Highlight) -> String {
        h.parts
            .iter()
            .map(|(s, m)| if *m { format!("[{s}]") } else { s.clone() })
            .collect()
    }

    #[test]
    fn queries_are_words_and_syntax_is_only_a_separator() {
        assert_eq!(t("Deploy  the DEPLOY"), ["deploy", "the"]);
        assert_eq!(
            t("\"deploy\"* AND (v2) NEAR:x"),
            ["deploy", "and", "v2", "near", "x"]
        );
        assert_eq!(t("naïve-Café 日本語"), ["naïve", "café", "日本語"]);
        assert_eq!(t("col:umn^2 -x"), ["col", "umn", "2", "x"]);
    }

    #[test]
    fn bad_queries_are_refused_with_the_reason() {
        assert!(matches!(terms("   "), Err(Error::MissingParameter(n)) if n == "q"));
        assert!(
            matches!(terms("\"*():^-"), Err(Error::InvalidParameter { name, detail: Some(_), .. }) if name == "q")
        );
        assert!(matches!(
            terms(&"a".repeat(501)),
            Err(Error::TooLong { .. })
        ));
        let many = (0..17)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(matches!(terms(&many), Err(Error::InvalidParameter { .. })));
        // Repeats count once.
        assert_eq!(terms(&"w ".repeat(40)).unwrap(), ["w"]);
    }

    #[test]
    fn short_posts_are_shown_whole_with_prefix_matches_marked() {
        let h = highlight(
            "The deployment of v2 went fine; Deploy again?",
            &t("deploy"),
        );
        assert_eq!(
            marked(&h),
            "The [deployment] of v2 went fine; [Deploy] again?"
        );
        // A word containing the term, not starting with it, is not a match.
        let h = highlight("redeploy", &t("deploy"));
        assert_eq!(marked(&h), "redeploy");
    }

    #[test]
    fn long_posts_are_cut_around_the_first_match() {
        let text = format!(
            "{} needle {}",
            "lorem ipsum ".repeat(40),
            "dolor sit ".repeat(40)
        );
        let h = highlight(&text, &t("needle"));
        let plain = h.plain();
        assert!(plain.starts_with('…') && plain.ends_with('…'), "{plain}");
        assert!(plain.chars().count() <= SNIPPET_CHARS + 2);
        assert!(h.parts.iter().any(|(s, m)| *m && s == "needle"));
        // Cut between words, never inside one.
        assert!(
            plain.starts_with("…lorem") || plain.starts_with("…ipsum"),
            "{plain}"
        );
        assert!(
            plain.ends_with("sit…") || plain.ends_with("dolor…"),
            "{plain}"
        );
        // A match at the start keeps the start.
        let text = format!("needle {}", "x ".repeat(300));
        let plain = highlight(&text, &t("needle")).plain();
        assert!(plain.starts_with("needle") && plain.ends_with('…'));
    }

    #[test]
    fn multibyte_text_is_cut_on_character_boundaries() {
        let text = format!("{}ключ{}", "д".repeat(300), "ж".repeat(300));
        // One long word: no match inside it, but cutting never panics.
        let h = highlight(&text, &t("КЛЮЧ"));
        assert!(h.plain().ends_with('…'));
        assert!(h.parts.iter().all(|(_, m)| !m));
        let h = highlight(
            &format!("{} ключ {}", "д ".repeat(200), "ж ".repeat(200)),
            &t("ключ"),
        );
        assert!(h.parts.iter().any(|(s, m)| *m && s == "ключ"));
    }
}
