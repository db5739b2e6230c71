//! What every store computes the same way, with no SQL and no I/O: a conversation's identity,
//! an account's main number, how a login is looked up, keyset paging, and how a post's list
//! fields are kept as JSON. The SQLite and PostgreSQL stores both use these, so they cannot
//! drift apart.

use serde_json::Value;

use crate::error::Result;
use crate::ids::ExtensionId;
use crate::model::{Mention, MentionType};
use crate::store::{Direction, Page, PageRequest};

// ---- chats and accounts ----

/// `members` without repeats, in first-seen order.
pub fn distinct(members: &[ExtensionId]) -> Vec<ExtensionId> {
    let mut seen = std::collections::HashSet::with_capacity(members.len());
    members
        .iter()
        .copied()
        .filter(|m| seen.insert(*m))
        .collect()
}

/// The identity of a conversation (Direct, Group, Personal): its sorted, comma-joined member
/// ids. A conversation never changes members, so this never changes either.
pub fn conversation_key(members: &[ExtensionId]) -> String {
    let mut ids: Vec<i64> = members.iter().map(|m| m.0).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The main number of an account: deterministic and unique (`+1650` and the zero-padded id).
pub fn main_number(account_id: i64) -> String {
    format!("+1650{account_id:07}")
}

/// The first extension number handed out in an account.
pub const FIRST_EXTENSION_NUMBER: u64 = 101;

/// The smallest number from [`FIRST_EXTENSION_NUMBER`] up that is not `taken` (numbers that
/// are not all digits take nothing).
pub fn next_extension_number<'a>(taken: impl IntoIterator<Item = &'a str>) -> String {
    let taken: std::collections::HashSet<u64> =
        taken.into_iter().filter_map(|n| n.parse().ok()).collect();
    let mut n = FIRST_EXTENSION_NUMBER;
    while taken.contains(&n) {
        n += 1;
    }
    n.to_string()
}

// ---- logins ----

/// How a login (the `username` of a password grant or the sign-in form) names a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginLookup {
    /// An e-mail address, lower-cased: any account.
    Email(String),
    /// An extension number within the account whose main number is `full` or `national`, or
    /// whose id is `account_id` (preferring a main-number match).
    InAccount {
        extension: String,
        full: String,
        national: String,
        account_id: Option<i64>,
    },
    /// An extension number alone: found only when exactly one account has it.
    Extension(String),
}

/// Digits of a phone number or id as people type them (`+1 (650) 000-0001`), or None.
fn digits(s: &str) -> Option<String> {
    let d: String = s
        .chars()
        .filter(|ch| !matches!(ch, ' ' | '(' | ')' | '-' | '.' | '+'))
        .collect();
    (!d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())).then_some(d)
}

/// Reads a login: an e-mail; a main number (or account id) with `extension_number`, or as
/// `number*ext` in one field; or an extension number alone. None: it names nobody.
pub fn login_lookup(login: &str, extension_number: Option<&str>) -> Option<LoginLookup> {
    let login = login.trim();
    if login.contains('@') {
        return Some(LoginLookup::Email(login.to_lowercase()));
    }
    let (login, extension) = match (
        extension_number.map(str::trim).filter(|e| !e.is_empty()),
        login.split_once('*'),
    ) {
        (Some(ext), _) => (login, Some(ext)),
        (None, Some((number, ext))) if !ext.trim().is_empty() => (number, Some(ext.trim())),
        (None, _) => (login, None),
    };
    let Some(extension) = extension else {
        return Some(LoginLookup::Extension(login.to_string()));
    };
    let d = digits(login)?;
    let account_id = if d.len() <= 18 { d.parse().ok() } else { None };
    let full = format!("+{d}");
    // Ten digits: a North American number without its country code.
    let national = if d.len() == 10 {
        format!("+1{d}")
    } else {
        full.clone()
    };
    Some(LoginLookup::InAccount {
        extension: extension.to_string(),
        full,
        national,
        account_id,
    })
}

// ---- keyset paging ----

/// Runs a keyset page over `conn`: `fetch(conn, cmp, order, cursor, n)` returns up to `n` items
/// whose key is `cmp` (`<` or `>`) the cursor, in `order` (`DESC` or `ASC`);
/// `exists(conn, cmp, cursor)` says whether any item lies on the other side (`>=`, `<=`). Pages
/// are newest first; so are pages towards newer items.
pub fn keyset<C, T>(
    conn: &mut C,
    page: PageRequest,
    fetch: impl Fn(&mut C, &str, &str, i64, i64) -> Result<Vec<T>>,
    exists: impl Fn(&mut C, &str, i64) -> Result<bool>,
) -> Result<Page<T>> {
    let limit = page.limit;
    let n = i64::try_from(limit)
        .unwrap_or(i64::MAX - 1)
        .saturating_add(1);
    match (page.cursor, page.direction) {
        (None, _) => {
            let mut items = fetch(conn, "<", "DESC", i64::MAX, n)?;
            let has_older = items.len() > limit;
            items.truncate(limit);
            Ok(Page {
                items,
                has_newer: false,
                has_older,
            })
        }
        (Some(cursor), Direction::Older) => {
            let mut items = fetch(conn, "<", "DESC", cursor, n)?;
            let has_older = items.len() > limit;
            items.truncate(limit);
            Ok(Page {
                items,
                has_newer: exists(conn, ">=", cursor)?,
                has_older,
            })
        }
        (Some(cursor), Direction::Newer) => {
            let mut items = fetch(conn, ">", "ASC", cursor, n)?;
            let has_newer = items.len() > limit;
            items.truncate(limit);
            items.reverse();
            Ok(Page {
                items,
                has_newer,
                has_older: exists(conn, "<=", cursor)?,
            })
        }
    }
}

// ---- a post's list fields, kept as JSON text ----

/// JSON for a post's `mentions`; None when there are none.
pub fn mentions_json(mentions: &[Mention]) -> Option<String> {
    if mentions.is_empty() {
        return None;
    }
    let items: Vec<Value> = mentions
        .iter()
        .map(|m| serde_json::json!({ "id": m.id, "type": m.kind.as_str(), "name": m.name }))
        .collect();
    Some(Value::Array(items).to_string())
}

/// JSON for a list of person ids; None when empty.
pub fn ids_json(ids: &[ExtensionId]) -> Option<String> {
    (!ids.is_empty()).then(|| Value::from(ids.iter().map(|i| i.0).collect::<Vec<_>>()).to_string())
}

/// JSON for a post's attachments; None when empty.
pub fn values_json(values: &[Value]) -> Option<String> {
    (!values.is_empty()).then(|| Value::Array(values.to_vec()).to_string())
}

/// The items of a JSON array column (None: empty). The error says what is wrong.
pub fn json_array(text: Option<&str>) -> std::result::Result<Vec<Value>, String> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(_) => Err("not a JSON array".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Person ids kept by [`ids_json`].
pub fn parse_ids(text: Option<&str>) -> std::result::Result<Vec<ExtensionId>, String> {
    json_array(text)?
        .into_iter()
        .map(|v| {
            v.as_i64()
                .map(ExtensionId)
                .ok_or_else(|| "not an id".into())
        })
        .collect()
}

/// Mentions kept by [`mentions_json`].
pub fn parse_mentions(text: Option<&str>) -> std::result::Result<Vec<Mention>, String> {
    json_array(text)?
        .into_iter()
        .map(|v| {
            let id = v.get("id").and_then(Value::as_i64);
            let kind = v
                .get("type")
                .and_then(Value::as_str)
                .and_then(MentionType::parse);
            let name = v.get("name").and_then(Value::as_str);
            match (id, kind, name) {
                (Some(id), Some(kind), Some(name)) => Ok(Mention {
                    id,
                    kind,
                    name: name.to_string(),
                }),
                _ => Err("not a mention".to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_keys_ignore_order_and_repeats() {
        let ids = |v: &[i64]| v.iter().copied().map(ExtensionId).collect::<Vec<_>>();
        assert_eq!(conversation_key(&ids(&[3, 1, 3, 2])), "1,2,3");
        assert_eq!(distinct(&ids(&[3, 1, 3, 2])), ids(&[3, 1, 2]));
    }

    #[test]
    fn extension_numbers_fill_the_first_gap() {
        assert_eq!(next_extension_number([]), "101");
        assert_eq!(next_extension_number(["101", "102", "104", "x"]), "103");
        assert_eq!(main_number(12), "+16500000012");
    }

    #[test]
    fn logins_are_read_as_people_type_them() {
        assert_eq!(
            login_lookup(" Ann@X.test ", None),
            Some(LoginLookup::Email("ann@x.test".into()))
        );
        assert_eq!(
            login_lookup("101", None),
            Some(LoginLookup::Extension("101".into()))
        );
        let in_account = |ext: &str, full: &str, national: &str, id: Option<i64>| {
            Some(LoginLookup::InAccount {
                extension: ext.into(),
                full: full.into(),
                national: national.into(),
                account_id: id,
            })
        };
        assert_eq!(
            login_lookup("+1 (650) 000-0001*102", None),
            in_account("102", "+16500000001", "+16500000001", Some(16500000001))
        );
        assert_eq!(
            login_lookup("6500000001", Some(" 101 ")),
            in_account("101", "+6500000001", "+16500000001", Some(6500000001))
        );
        assert_eq!(login_lookup("not-a-number", Some("101")), None);
    }

    #[test]
    fn list_fields_round_trip() {
        let mentions = vec![Mention {
            id: 7,
            kind: MentionType::Person,
            name: "Ann Lee".into(),
        }];
        let text = mentions_json(&mentions);
        assert_eq!(parse_mentions(text.as_deref()), Ok(mentions));
        assert_eq!(mentions_json(&[]), None);
        let ids = vec![ExtensionId(1), ExtensionId(2)];
        assert_eq!(parse_ids(ids_json(&ids).as_deref()), Ok(ids));
        assert_eq!(parse_ids(None), Ok(Vec::new()));
        assert!(json_array(Some("{}")).is_err());
        assert!(parse_mentions(Some("[{\"id\":1}]")).is_err());
    }
}
