//! Small things said in words on every kind of page: initials for an avatar, a time.

use openglip_domain::Timestamp;

/// Initials for an avatar circle.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// Formats a timestamp for people: `2026-11-22 02:16 UTC`.
pub fn when(t: Timestamp) -> String {
    let s = t.to_rfc3339();
    format!("{} {} UTC", &s[..10], &s[11..16])
}
