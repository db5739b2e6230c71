//! RingCentral paging: `recordCount` (default 30, at most 250) and opaque, stateful page tokens.
//! A token remembers what was listed (the scope: chat, filters) and where the page ends, so a
//! client may send only `pageToken` to go on.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Error, Result};
use crate::store::{Direction, PageRequest};

pub const DEFAULT_RECORD_COUNT: usize = 30;
pub const MAX_RECORD_COUNT: usize = 250;

/// Parses `recordCount`: absent means the default; it must be an integer in 1..=250.
pub fn record_count(raw: Option<&str>) -> Result<usize> {
    match raw {
        None => Ok(DEFAULT_RECORD_COUNT),
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_RECORD_COUNT as i64).contains(&n) => Ok(n as usize),
            Ok(_) => Err(Error::OutOfRange {
                name: "recordCount".into(),
                min: 1,
                max: MAX_RECORD_COUNT as i64,
            }),
            Err(_) => Err(Error::invalid("recordCount")),
        },
    }
}

/// The decoded contents of a page token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageToken {
    /// What was listed, e.g. `posts:123` or `chats:Team,Group`; a token is only valid for the
    /// listing that produced it.
    pub scope: String,
    pub cursor: i64,
    pub direction: Direction,
}

impl PageToken {
    pub fn encode(&self) -> String {
        let dir = match self.direction {
            Direction::Older => 'o',
            Direction::Newer => 'n',
        };
        URL_SAFE_NO_PAD.encode(format!("1|{dir}|{}|{}", self.cursor, self.scope))
    }

    pub fn decode(token: &str) -> Result<PageToken> {
        let bad = || Error::invalid("pageToken");
        let bytes = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| bad())?;
        let s = String::from_utf8(bytes).map_err(|_| bad())?;
        let mut parts = s.splitn(4, '|');
        if parts.next() != Some("1") {
            return Err(bad());
        }
        let direction = match parts.next() {
            Some("o") => Direction::Older,
            Some("n") => Direction::Newer,
            _ => return Err(bad()),
        };
        let cursor = parts
            .next()
            .and_then(|c| c.parse::<i64>().ok())
            .ok_or_else(bad)?;
        let scope = parts.next().ok_or_else(bad)?.to_string();
        Ok(PageToken {
            scope,
            cursor,
            direction,
        })
    }
}

/// Turns `pageToken` + `recordCount` into a page request for `scope`. A token from another
/// listing is rejected. Returns the scope to use (the token's, when one is given: tokens are
/// stateful and carry their filters).
pub fn request(
    scope: &str,
    page_token: Option<&str>,
    record_count: usize,
    scope_matches: impl Fn(&str) -> bool,
) -> Result<(String, PageRequest)> {
    match page_token.filter(|t| !t.is_empty()) {
        None => Ok((
            scope.to_string(),
            PageRequest {
                cursor: None,
                direction: Direction::Older,
                limit: record_count,
            },
        )),
        Some(t) => {
            let tok = PageToken::decode(t)?;
            if !scope_matches(&tok.scope) {
                return Err(Error::invalid_because(
                    "pageToken",
                    "Parameter [pageToken] value is invalid: it belongs to another listing.",
                ));
            }
            Ok((
                tok.scope,
                PageRequest {
                    cursor: Some(tok.cursor),
                    direction: tok.direction,
                    limit: record_count,
                },
            ))
        }
    }
}

/// The navigation tokens for a page of items (newest first) with the given ids.
pub fn navigation(
    scope: &str,
    ids: &[i64],
    has_newer: bool,
    has_older: bool,
) -> (Option<String>, Option<String>) {
    let prev = match (has_newer, ids.first()) {
        (true, Some(first)) => Some(
            PageToken {
                scope: scope.to_string(),
                cursor: *first,
                direction: Direction::Newer,
            }
            .encode(),
        ),
        _ => None,
    };
    let next = match (has_older, ids.last()) {
        (true, Some(last)) => Some(
            PageToken {
                scope: scope.to_string(),
                cursor: *last,
                direction: Direction::Older,
            }
            .encode(),
        ),
        _ => None,
    };
    (prev, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_count_bounds() {
        assert_eq!(record_count(None).unwrap(), 30);
        assert_eq!(record_count(Some("250")).unwrap(), 250);
        assert!(matches!(
            record_count(Some("251")),
            Err(Error::OutOfRange { .. })
        ));
        assert!(matches!(
            record_count(Some("0")),
            Err(Error::OutOfRange { .. })
        ));
        assert!(matches!(
            record_count(Some("99999999999999999999")),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(matches!(
            record_count(Some("ten")),
            Err(Error::InvalidParameter { .. })
        ));
    }

    #[test]
    fn token_round_trip_and_rejection() {
        let t = PageToken {
            scope: "posts:42".into(),
            cursor: 17,
            direction: Direction::Older,
        };
        assert_eq!(PageToken::decode(&t.encode()).unwrap(), t);
        assert!(PageToken::decode("garbage!").is_err());
        assert!(PageToken::decode(&URL_SAFE_NO_PAD.encode("2|o|1|x")).is_err());
        let enc = t.encode();
        assert!(request("posts:43", Some(&enc), 30, |s| s == "posts:43").is_err());
        let (scope, req) = request("posts:42", Some(&enc), 5, |s| s == "posts:42").unwrap();
        assert_eq!(scope, "posts:42");
        assert_eq!(req.cursor, Some(17));
    }
}
