//! Parse-don't-validate helpers for values that come from people.

use crate::error::{Error, Result};

pub const MAX_POST_TEXT: usize = 10_000;
pub const MAX_NAME: usize = 250;
pub const MAX_DESCRIPTION: usize = 1_000;
pub const MAX_MEMBERS: usize = 5_000;

/// A plausible e-mail address, lower-cased.
pub fn email(param: &str, raw: &str) -> Result<String> {
    let e = raw.trim().to_ascii_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.contains(char::is_whitespace)
                && domain.matches('@').count() == 0
        });
    if ok {
        Ok(e)
    } else {
        Err(Error::invalid(param))
    }
}

/// A name: trimmed, not empty, not too long, no control characters.
pub fn name(param: &str, raw: &str, max: usize) -> Result<String> {
    let n = raw.trim();
    if n.is_empty() {
        return Err(Error::invalid(param).for_people("Enter a name."));
    }
    if n.chars().count() > max {
        return Err(Error::TooLong {
            name: param.into(),
            max,
        });
    }
    if n.chars().any(char::is_control) {
        return Err(Error::invalid(param));
    }
    Ok(n.to_string())
}

/// Free text that may be empty but not too long.
pub fn text(param: &str, raw: &str, max: usize) -> Result<String> {
    if raw.chars().count() > max {
        return Err(Error::TooLong {
            name: param.into(),
            max,
        });
    }
    Ok(raw.to_string())
}

/// An extension number: 1 to 8 digits.
pub fn extension_number(raw: &str) -> Result<String> {
    let n = raw.trim();
    if (1..=8).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) {
        Ok(n.to_string())
    } else {
        Err(Error::invalid("extensionNumber"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("email", " John@Example.COM ").unwrap(),
            "john@example.com"
        );
        assert!(email("email", "no-at-sign").is_err());
        assert!(email("email", "a@b@c").is_err());
        assert!(email("email", "a b@c.d").is_err());
        assert!(email("email", "@c.d").is_err());
    }

    #[test]
    fn names() {
        assert_eq!(name("name", "  Team A ", 10).unwrap(), "Team A");
        assert!(name("name", "   ", 10).is_err());
        assert!(matches!(
            name("name", "abcdefghijk", 10),
            Err(Error::TooLong { .. })
        ));
        assert!(name("name", "a\u{0}b", 10).is_err());
    }
}
