//! Entities: finding values of each kind in what a person wrote. [`find`] returns every value of
//! a kind in a sentence, as token spans, so that one message can fill several slots ("from
//! Boston to Denver on Friday for 2"); the engine decides which span goes to which slot.
//! Values are stored as text in a canonical form: numbers without trailing zeros, dates as
//! `YYYY-MM-DD`, times as `HH:MM`, phone numbers as `+` and digits, cities and list items by their
//! listed name.

mod cities;
pub mod dates;

use jiff::civil::Date;
use regex::Regex;

use crate::dialog::{EntityKind, Validation};
use crate::text::Token;

/// Everything an entity node needs to recognise its values, prepared when the agent loads.
#[derive(Debug, Clone)]
pub struct EntitySpec {
    pub kind: EntityKind,
    /// `list`: the items (value, spellings as folded words); `city`: extra cities.
    pub items: Vec<(String, Vec<Vec<String>>)>,
    pub validation: Validation,
    /// The compiled `validate.pattern`, anchored.
    pub pattern: Option<Regex>,
    pub uppercase: bool,
}

/// A value found in a sentence: tokens `start..end` read as `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub value: String,
}

/// Every value of the spec's kind in `tokens`, left to right, not overlapping. Free text
/// without a pattern is never found inside a sentence (only as a whole answer, see [`whole`]).
pub fn find(spec: &EntitySpec, tokens: &[Token], today: Date) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match at(spec, tokens, i, today) {
            Some((len, value)) => {
                out.push(Found {
                    start: i,
                    end: i + len,
                    value: if spec.uppercase {
                        value.to_uppercase()
                    } else {
                        value
                    },
                });
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// The value of a whole answer to this entity's prompt: the first value found in it, or, for free
/// text without a pattern, the answer itself.
pub fn whole(spec: &EntitySpec, text: &str, tokens: &[Token], today: Date) -> Option<String> {
    if spec.kind == EntityKind::Text && spec.pattern.is_none() {
        let t = text.trim();
        return (!t.is_empty()).then(|| t.to_string());
    }
    find(spec, tokens, today)
        .into_iter()
        .next()
        .map(|f| f.value)
}

/// Why a value breaks its node's validation, if it does.
pub fn invalid(spec: &EntitySpec, value: &str, today: Date) -> Option<String> {
    let v = &spec.validation;
    if let Ok(n) = value.parse::<f64>()
        && matches!(spec.kind, EntityKind::Number | EntityKind::Integer)
    {
        if let Some(min) = v.min
            && n < min
        {
            return Some(format!("{value} is less than {}", number(min)));
        }
        if let Some(max) = v.max
            && n > max
        {
            return Some(format!("{value} is more than {}", number(max)));
        }
    }
    if v.future
        && let Ok(d) = value.parse::<Date>()
        && d < today
    {
        return Some(format!("{value} is in the past"));
    }
    None
}

/// A value of the spec's kind starting at token `i`: (tokens used, value).
fn at(spec: &EntitySpec, tokens: &[Token], i: usize, today: Date) -> Option<(usize, String)> {
    let t = &tokens[i];
    match spec.kind {
        EntityKind::Integer => integer(&t.norm).map(|n| (1, n.to_string())),
        EntityKind::Number => decimal(&t.norm).map(|n| (1, number(n))),
        EntityKind::Date => dates::date_at(tokens, i, today),
        EntityKind::Time => dates::time_at(tokens, i),
        EntityKind::Email => email(&t.raw).then(|| (1, t.raw.to_lowercase())),
        EntityKind::Phone => phone_at(tokens, i),
        EntityKind::City => list_at(&spec.items, tokens, i).or_else(|| cities::city_at(tokens, i)),
        EntityKind::List => list_at(&spec.items, tokens, i),
        EntityKind::Text => spec
            .pattern
            .as_ref()
            .filter(|p| p.is_match(&t.raw))
            .map(|_| (1, t.raw.clone())),
    }
}

/// A number written as a number, without trailing zeros ("2", "2.5").
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

const NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

fn integer(word: &str) -> Option<i64> {
    if let Some(n) = NUMBER_WORDS.iter().position(|w| *w == word) {
        return Some(n as i64);
    }
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_digit()) || word.len() > 12 {
        return None;
    }
    word.parse().ok()
}

fn decimal(word: &str) -> Option<f64> {
    if let Some(n) = integer(word) {
        return Some(n as f64);
    }
    let ok = word
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && word.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    word.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn email(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    !local.is_empty()
        && local.chars().all(allowed)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// A phone number: consecutive tokens of digits and `+ - . ( )`, 7 to 15 digits in all.
fn phone_at(tokens: &[Token], i: usize) -> Option<(usize, String)> {
    let phoneish = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit() || "+-.()".contains(c))
            && w.chars().any(|c| c.is_ascii_digit())
    };
    let mut j = i;
    let mut digits = String::new();
    while j < tokens.len() && phoneish(&tokens[j].raw) {
        digits.extend(tokens[j].raw.chars().filter(char::is_ascii_digit));
        j += 1;
    }
    if !(7..=15).contains(&digits.len()) {
        return None;
    }
    let plus = if tokens[i].raw.starts_with('+') {
        "+"
    } else {
        ""
    };
    Some((j - i, format!("{plus}{digits}")))
}

/// The longest spelling of an item that starts at token `i`.
fn list_at(
    items: &[(String, Vec<Vec<String>>)],
    tokens: &[Token],
    i: usize,
) -> Option<(usize, String)> {
    let mut best: Option<(usize, String)> = None;
    for (value, spellings) in items {
        for words in spellings {
            let n = words.len();
            if n == 0 || i + n > tokens.len() {
                continue;
            }
            let hit = words
                .iter()
                .zip(&tokens[i..i + n])
                .all(|(w, t)| *w == t.norm);
            if hit && best.as_ref().is_none_or(|(len, _)| n > *len) {
                best = Some((n, value.clone()));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests;
