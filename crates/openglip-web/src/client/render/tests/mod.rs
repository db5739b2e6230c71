//! The renderer's unit tests: markdown and mentions, RingCentral's attachments, Adaptive Cards.

mod adaptive;
mod attachments;
mod markdown;

use openglip_domain::{Mention, MentionType};
use serde_json::Value;

pub(super) fn person(id: i64, name: &str) -> Mention {
    Mention {
        id,
        kind: MentionType::Person,
        name: name.into(),
    }
}

pub(super) fn team(id: i64, name: &str) -> Mention {
    Mention {
        id,
        kind: MentionType::Team,
        name: name.into(),
    }
}

pub(super) fn md(text: &str) -> String {
    message(text, &[], 1)
}

/// [`super::message`] as a string.
pub(super) fn message(text: &str, mentions: &[Mention], me: i64) -> String {
    super::message(text, mentions, me).into_string()
}

/// [`super::attachments`] as a string.
pub(super) fn attachments(items: &[Value]) -> String {
    super::attachments(items).into_string()
}

/// No tag or attribute in `html` that could run script.
pub(super) fn assert_inert(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<style",
        " onerror",
        " onload",
        " onclick",
        " onmouseover",
        "=\"javascript:",
        "=\"vbscript:",
        "=\"data:text",
        " style=",
    ] {
        assert!(!lower.contains(bad), "{bad:?} in {html}");
    }
}
