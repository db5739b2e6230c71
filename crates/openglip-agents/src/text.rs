//! How the engine reads what a person wrote: tokens that keep the person's spelling (`raw`, for
//! the values it stores) beside a folded form (`norm`: lower case, without punctuation at the
//! edges, for matching), and the light stemming that lets "flights" meet "flight".

/// One word of an utterance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// As written, without the punctuation at its edges ("Denver", "TA-7KQ2PX", "12/24").
    pub raw: String,
    /// Lower case, for matching ("denver").
    pub norm: String,
}

/// Splits an utterance into tokens on white space and on the punctuation that separates
/// clauses (`,` `;` `!` `?`, and `.` at a word's end); keeps `@ . - / : + '` inside a word, so
/// e-mail addresses, dates, times, phone numbers and references stay whole.
pub fn tokens(text: &str) -> Vec<Token> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '!' | '?' | '"' | '(' | ')'))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ':' | '\'' | '-')))
        .filter(|w| !w.is_empty())
        .map(|w| Token {
            raw: w.to_string(),
            norm: w.to_lowercase(),
        })
        .collect()
}

/// The folded form of a whole utterance: its tokens' `norm`s joined by one space.
pub fn normalize(text: &str) -> String {
    tokens(text)
        .into_iter()
        .map(|t| t.norm)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that carry no meaning for intent similarity.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "i", "i'd", "i'm", "me", "my", "we", "our", "you", "your", "to", "for", "of",
    "on", "in", "at", "is", "are", "be", "it", "this", "that", "please", "can", "could", "would",
    "want", "like", "need", "do", "some", "and", "or", "with", "just", "let's", "let", "us",
];

/// Whether `word` (folded) is a stop word.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// A light stem: strips a plural or verb ending so that related forms compare equal
/// ("bookings" and "booking" → "book", "flights" → "flight", "cancelled" → "cancel").
pub fn stem(word: &str) -> String {
    let w = word;
    for suffix in ["ings", "ing", "ed", "es", "s"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.chars().count() >= 3
        {
            // "cancelled" → "cancell" → "cancel": one of a doubled final consonant goes too.
            let mut base = base.to_string();
            let bytes = base.as_bytes();
            if suffix != "s"
                && bytes.len() >= 2
                && bytes[bytes.len() - 1] == bytes[bytes.len() - 2]
                && !matches!(bytes[bytes.len() - 1], b's' | b'e' | b'o')
            {
                base.pop();
            }
            return base;
        }
    }
    w.to_string()
}

/// The content words of an utterance, stemmed: what similarity compares.
pub fn content_words(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter(|t| !is_stopword(&t.norm))
        .map(|t| stem(&t.norm))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_addresses_dates_and_references_whole() {
        let t = tokens("Hi, mail me at ann@example.com on 12/24, ref TA-7KQ2PX!");
        let raw: Vec<_> = t.iter().map(|t| t.raw.as_str()).collect();
        assert_eq!(
            raw,
            [
                "Hi",
                "mail",
                "me",
                "at",
                "ann@example.com",
                "on",
                "12/24",
                "ref",
                "TA-7KQ2PX"
            ]
        );
        assert_eq!(t[0].norm, "hi");
    }

    #[test]
    fn a_sentence_end_dot_is_not_part_of_the_word() {
        let t = tokens("Fly to Denver.");
        assert_eq!(t[2].raw, "Denver");
    }

    #[test]
    fn stems_meet_across_forms() {
        assert_eq!(stem("bookings"), "book");
        assert_eq!(stem("booking"), "book");
        assert_eq!(stem("flights"), "flight");
        assert_eq!(stem("cancelled"), "cancel");
        assert_eq!(stem("yes"), "yes");
    }

    #[test]
    fn content_words_drop_stop_words() {
        assert_eq!(
            content_words("I want to book a flight"),
            vec!["book".to_string(), "flight".to_string()]
        );
    }
}
