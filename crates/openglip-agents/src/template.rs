//! Message templates: `{{name}}` is replaced by the slot or variable of that name (nothing when
//! it has no value yet). [`names`] lists the names a template uses, so that loading a dialog can
//! refuse a template that names something its task never fills.

use std::collections::BTreeMap;

/// `template` with its `{{name}}`s filled from `values`, each passed through `escape`.
pub fn render_with(
    template: &str,
    values: &BTreeMap<String, String>,
    escape: impl Fn(&str) -> String,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                let name = after[..close].trim();
                if let Some(v) = values.get(name) {
                    out.push_str(&escape(v));
                }
                rest = &after[close + 2..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `template` with its `{{name}}`s filled from `values` as they are.
pub fn render(template: &str, values: &BTreeMap<String, String>) -> String {
    render_with(template, values, str::to_string)
}

/// The names a template uses, in order.
pub fn names(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        out.push(after[..close].trim().to_string());
        rest = &after[close + 2..];
    }
    out
}

/// Percent-encodes a value for a URL path segment or query value (RFC 3986 unreserved kept).
pub fn url_escape(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> BTreeMap<String, String> {
        [("to", "New York"), ("passengers", "2")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_known_names_and_leaves_unknown_ones_empty() {
        assert_eq!(
            render("{{passengers}} seat(s) to {{ to }}{{missing}}.", &values()),
            "2 seat(s) to New York."
        );
        assert_eq!(render("no braces {{ here", &values()), "no braces {{ here");
    }

    #[test]
    fn lists_the_names_used() {
        assert_eq!(names("{{a}} and {{ b }} and {{a}}"), ["a", "b", "a"]);
    }

    #[test]
    fn escapes_for_urls() {
        assert_eq!(
            render_with("/x/{{to}}", &values(), url_escape),
            "/x/New%20York"
        );
    }
}
