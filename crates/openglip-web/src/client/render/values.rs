//! Reading attachment JSON (non-blank strings, scalars, arrays, enumerations) and deciding what
//! may be shown: `http(s)` and `mailto:` link targets, image sources, `#rgb` colours; and
//! cutting text to a budget.

use std::borrow::Cow;

use serde_json::Value;

use super::limits::{MAX_DATA_URL_LEN, MAX_URL_LEN};

/// `s` cut to `max_chars` characters, with "…" when cut.
pub(super) fn clip(s: &str, max_chars: usize) -> Cow<'_, str> {
    if s.len() <= max_chars {
        return Cow::Borrowed(s);
    }
    match s.char_indices().nth(max_chars) {
        None => Cow::Borrowed(s),
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
    }
}

/// `s` in at most `max` characters, the last of them "…" when cut.
pub(super) fn truncate(s: String, max: usize) -> String {
    if s.chars().count() <= max {
        return s;
    }
    if max == 0 {
        return String::new();
    }
    let head: String = s.chars().take(max - 1).collect();
    let mut head = head.trim_end().to_string();
    head.push('…');
    head
}

pub(super) fn starts_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// A URL without whitespace or control characters, of sane length.
pub(super) fn clean_url(u: &str) -> bool {
    !u.is_empty()
        && u.len() <= MAX_URL_LEN
        && !u.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `u` when it is an `http:` or `https:` URL with something after the `//`.
pub(super) fn http_url(u: Option<&str>) -> Option<&str> {
    let u = u?.trim();
    let ok = clean_url(u)
        && ((starts_ci(u, "https://") && u.len() > 8) || (starts_ci(u, "http://") && u.len() > 7));
    ok.then_some(u)
}

/// `u` when it may be a link target: `http(s):` or `mailto:`.
pub(super) fn link_url(u: &str) -> Option<&str> {
    let u = u.trim();
    if let Some(h) = http_url(Some(u)) {
        return Some(h);
    }
    (clean_url(u) && starts_ci(u, "mailto:") && u.len() > 7).then_some(u)
}

/// `u` when it may be an image source: `http(s):`, or a base64 raster `data:image/` URL.
pub(super) fn image_src(u: Option<&str>) -> Option<&str> {
    let u = u?.trim();
    if let Some(h) = http_url(Some(u)) {
        return Some(h);
    }
    if u.len() > MAX_DATA_URL_LEN {
        return None;
    }
    const RASTERS: [&str; 5] = [
        "data:image/png;base64,",
        "data:image/jpeg;base64,",
        "data:image/jpg;base64,",
        "data:image/gif;base64,",
        "data:image/webp;base64,",
    ];
    RASTERS.iter().find_map(|p| {
        let data = if starts_ci(u, p) {
            &u[p.len()..]
        } else {
            return None;
        };
        let ok = !data.is_empty()
            && data
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        ok.then_some(u)
    })
}

/// `#` + 3 or 6 hex digits.
pub(super) fn hex_color(c: Option<&str>) -> Option<&str> {
    let c = c?.trim();
    let hex = c.strip_prefix('#')?;
    ((hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(c)
}

/// A non-blank string field.
pub(super) fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A non-blank string, a number or a boolean field, as text.
pub(super) fn scalar_of<'v>(v: &'v Value, key: &str) -> Option<Cow<'v, str>> {
    match v.get(key)? {
        Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(Cow::Borrowed),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

pub(super) fn is_true(v: &Value, key: &str) -> bool {
    matches!(v.get(key), Some(Value::Bool(true)))
}

pub(super) fn arr_of<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The class for the (case-insensitive) enumerated value `v`.
pub(super) fn pick(v: Option<&str>, table: &[(&str, &'static str)]) -> Option<&'static str> {
    let v = v?;
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(v))
        .map(|(_, c)| *c)
}
