//! BERT's WordPiece tokenizer, as `tokenizer.json` (the Hugging Face `tokenizers` format)
//! describes it, in three steps:
//!
//! 1. **Normalise** (`BertNormalizer`): drop NUL, U+FFFD and control characters, turn every
//!    whitespace into a space, put spaces around CJK ideographs, strip accents (NFD, then drop
//!    non-spacing marks) when lowercasing unless told otherwise, lowercase.
//! 2. **Split** (`BertPreTokenizer`): on whitespace, and every punctuation character (ASCII
//!    punctuation and Unicode's P* categories) is a word of its own.
//! 3. **Word pieces**: each word, longest vocabulary entry first from its start, continuations
//!    with the `##` prefix; a word that cannot be spelled so, or longer than
//!    `max_input_chars_per_word`, is one `[UNK]`.
//!
//! Then `[CLS]` … `[SEP]` around it, cut to the longest input. Special tokens written in the
//! text (`[SEP]`) are read as text, not as the special token.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// A WordPiece tokenizer.
#[derive(Debug)]
pub struct WordPiece {
    vocab: HashMap<String, u32>,
    unk: u32,
    cls: u32,
    sep: u32,
    prefix: String,
    max_word_chars: usize,
    clean_text: bool,
    chinese_chars: bool,
    strip_accents: bool,
    lowercase: bool,
    max_tokens: usize,
}

impl WordPiece {
    /// Reads `tokenizer.json`; `max_tokens` bounds an encoding, `[CLS]` and `[SEP]` included.
    pub fn from_json(text: &str, max_tokens: usize) -> Result<WordPiece, String> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let model = &json["model"];
        if model["type"].as_str() != Some("WordPiece") {
            return Err("the model is not a WordPiece tokenizer".into());
        }
        let vocab: HashMap<String, u32> = model["vocab"]
            .as_object()
            .ok_or("the model has no vocab")?
            .iter()
            .map(|(k, v)| {
                v.as_u64()
                    .and_then(|id| u32::try_from(id).ok())
                    .map(|id| (k.clone(), id))
                    .ok_or_else(|| format!("the vocabulary's id of {k:?} is not a number"))
            })
            .collect::<Result<_, _>>()?;
        let id = |token: &str| {
            vocab
                .get(token)
                .copied()
                .ok_or_else(|| format!("the vocabulary has no {token}"))
        };
        let unk = id(model["unk_token"].as_str().unwrap_or("[UNK]"))?;
        let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
        let norm = &json["normalizer"];
        let flag = |key: &str, default: bool| norm[key].as_bool().unwrap_or(default);
        let bert_normalizer = norm["type"].as_str() == Some("BertNormalizer");
        let lowercase = bert_normalizer && flag("lowercase", true);
        if max_tokens < 2 {
            return Err("an encoding needs room for [CLS] and [SEP]".into());
        }
        Ok(WordPiece {
            unk,
            cls,
            sep,
            prefix: model["continuing_subword_prefix"]
                .as_str()
                .unwrap_or("##")
                .to_string(),
            max_word_chars: model["max_input_chars_per_word"].as_u64().unwrap_or(100) as usize,
            clean_text: bert_normalizer && flag("clean_text", true),
            chinese_chars: bert_normalizer && flag("handle_chinese_chars", true),
            // `strip_accents: null` follows `lowercase`, as in BERT's uncased models.
            strip_accents: bert_normalizer && flag("strip_accents", lowercase),
            lowercase,
            max_tokens,
            vocab,
        })
    }

    /// How many tokens the vocabulary has (the highest id + 1).
    pub fn vocab_size(&self) -> usize {
        self.vocab.values().max().map_or(0, |&m| m as usize + 1)
    }

    /// `[CLS]`, the word pieces of `text`, `[SEP]`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![self.cls];
        for word in split(&self.normalize(text)) {
            self.word_pieces(&word, &mut ids);
            if ids.len() >= self.max_tokens - 1 {
                ids.truncate(self.max_tokens - 1);
                break;
            }
        }
        ids.push(self.sep);
        ids
    }

    fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if self.clean_text && (c == '\0' || c == '\u{fffd}' || is_control(c)) {
                continue;
            }
            if self.clean_text && is_whitespace(c) {
                out.push(' ');
            } else if self.chinese_chars && is_cjk(c) {
                out.push(' ');
                out.push(c);
                out.push(' ');
            } else {
                out.push(c);
            }
        }
        if self.strip_accents {
            out = out
                .nfd()
                .filter(|c| c.general_category() != GeneralCategory::NonspacingMark)
                .collect();
        }
        if self.lowercase {
            out = out.to_lowercase();
        }
        out
    }

    /// The pieces of one word, greedily longest first; `[UNK]` for the whole word if one part
    /// cannot be spelled.
    fn word_pieces(&self, word: &str, ids: &mut Vec<u32>) {
        if word.chars().count() > self.max_word_chars {
            ids.push(self.unk);
            return;
        }
        let before = ids.len();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let found = loop {
                let piece = &word[start..end];
                let id = if start > 0 {
                    self.vocab.get(&format!("{}{piece}", self.prefix))
                } else {
                    self.vocab.get(piece)
                };
                if let Some(&id) = id {
                    break Some(id);
                }
                match piece.char_indices().next_back() {
                    Some((last, _)) if last > 0 => end = start + last,
                    _ => break None,
                }
            };
            match found {
                Some(id) => ids.push(id),
                None => {
                    ids.truncate(before);
                    ids.push(self.unk);
                    return;
                }
            }
            start = end;
        }
    }
}

/// Words: split on whitespace, each punctuation character a word of its own.
fn split(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_whitespace() || is_punctuation(c) {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if is_punctuation(c) {
                words.push(c.to_string());
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r') || c.is_whitespace()
}

/// Control and other "other" characters (tab, newline and carriage return count as space).
fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.general_category_group() == GeneralCategoryGroup::Other
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// The CJK Unified Ideographs blocks BERT puts spaces around.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F
        | 0x2B920..=0x2CEAF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> WordPiece {
        let vocab = [
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "hello", "!", ",", "cafe",
            "世",
        ];
        let vocab: serde_json::Map<String, serde_json::Value> = vocab
            .iter()
            .enumerate()
            .map(|(i, t)| (t.to_string(), serde_json::Value::from(i)))
            .collect();
        let json = serde_json::json!({
            "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                           "strip_accents": null, "lowercase": true},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": vocab}
        });
        WordPiece::from_json(&json.to_string(), 8).unwrap()
    }

    #[test]
    fn words_are_split_into_the_longest_pieces() {
        let t = tiny();
        assert_eq!(t.encode("Unaffable!"), vec![2, 4, 5, 6, 8, 3]);
        assert_eq!(t.encode("hello,hello"), vec![2, 7, 9, 7, 3]);
    }

    #[test]
    fn accents_and_case_are_folded_and_cjk_is_split() {
        let t = tiny();
        assert_eq!(t.encode("CAFÉ\u{0}\t世世"), vec![2, 10, 11, 11, 3]);
    }

    #[test]
    fn a_word_that_cannot_be_spelled_is_one_unknown() {
        let t = tiny();
        assert_eq!(t.encode("unaffx hello"), vec![2, 1, 7, 3]);
    }

    #[test]
    fn encodings_are_cut_to_the_longest_input() {
        let t = tiny();
        let ids = t.encode("hello hello hello hello hello hello hello hello hello");
        assert_eq!(ids.len(), 8);
        assert_eq!((ids[0], ids[7]), (2, 3));
    }
}
