//! Mention markup in post text: `![:Person](123)` and `![:Team](456)`.

use crate::model::MentionType;

/// The mentions in `text`, in order of appearance, without duplicates.
pub fn parse(text: &str) -> Vec<(MentionType, i64)> {
    let mut out: Vec<(MentionType, i64)> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("![:") {
        rest = &rest[start + 3..];
        let Some(close) = rest.find("](") else { break };
        let kind = &rest[..close];
        let after = &rest[close + 2..];
        let Some(end) = after.find(')') else { break };
        let id = &after[..end];
        let digits = !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit());
        if let (Some(kind), true) = (MentionType::parse(kind), digits)
            && let Ok(id) = id.parse::<i64>()
        {
            if !out.contains(&(kind, id)) {
                out.push((kind, id));
            }
            rest = &after[end + 1..];
            continue;
        }
        // Not a mention: resume scanning right after the "![:" we consumed.
    }
    out
}

/// Removes the markup of mentions of `id` (any type) from `text`, trimming what is left.
pub fn strip(text: &str, id: i64) -> String {
    let mut s = text.to_string();
    for kind in ["Person", "Team"] {
        s = s.replace(&format!("![:{kind}]({id})"), "");
    }
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_persons_and_teams() {
        let t =
            "hi ![:Person](101) and ![:Team](7), again ![:Person](101) ![:Bogus](1) ![:Person](x)";
        assert_eq!(
            parse(t),
            vec![(MentionType::Person, 101), (MentionType::Team, 7)]
        );
    }

    #[test]
    fn tolerates_broken_markup() {
        assert!(parse("![:Person](").is_empty());
        assert!(parse("![:Person]").is_empty());
        assert_eq!(parse("![:![:Person](5)"), vec![(MentionType::Person, 5)]);
    }

    #[test]
    fn strips_a_mention() {
        assert_eq!(strip("![:Person](9) help me", 9), "help me");
    }
}
