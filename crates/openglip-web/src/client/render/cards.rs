//! A post's attachments as maud templates: RingCentral's `Card` (intro, author, title, text,
//! fields, images, footnote, fallback), `Event`, `Note`, `Task` (a card of its own class) and
//! `File` (an image as a preview that opens in the lightbox, any other file as a card with its
//! name and size, both links to the client's `/app/files/{id}`); `AdaptiveCard`s are
//! [`super::adaptive`]'s.
//! Anything else is an "Unsupported attachment" note.
//!
//! [`Att`] holds the budget of one post's attachments: elements counted and bytes written, past
//! which the rest is left out and replaced by one `att-truncated` note.

use std::borrow::Cow;

use jiff::Timestamp;
use maud::{Markup, PreEscaped, html};
use serde_json::Value;

use super::inline::LINK_REL;
use super::limits::{MAX_ATT_HTML, MAX_LABEL_CHARS, MAX_NODES, MAX_TEXT_CHARS};
use super::markdown::md_unwrapped;
use super::out::Flavor;
use super::values::{arr_of, clip, hex_color, http_url, is_true, scalar_of, str_of};

/// The attachments of one post being rendered, and what they have used of their budget.
#[derive(Default)]
pub(super) struct Att {
    /// Bytes of HTML produced so far.
    bytes: usize,
    /// Elements (attachments, card elements, fields, facts, choices, actions) so far.
    pub(super) nodes: usize,
    /// Something was left out for lack of budget.
    cut: bool,
}

/// A title, name or label, cut to a label's length (escaped by the template it goes into).
pub(super) fn label(s: &str) -> Cow<'_, str> {
    clip(s, MAX_LABEL_CHARS)
}

/// `body` inside `wrap`, or nothing at all when `body` is empty.
pub(super) fn unless_empty(body: Markup, wrap: impl FnOnce(Markup) -> Markup) -> Markup {
    if body.0.is_empty() { body } else { wrap(body) }
}

/// An image of an attachment (its source already checked).
pub(super) fn img(class: &str, src: &str, alt: &str) -> Markup {
    html! {
        img class=(class) src=(src) alt=(label(alt)) loading="lazy" referrerpolicy="no-referrer";
    }
}

/// A link out of the page (its target already checked).
pub(super) fn link_out(class: &str, url: &str, body: Markup) -> Markup {
    html! { a class=(class) href=(url) rel=(LINK_REL) target="_blank" { (body) } }
}

impl Att {
    /// Every attachment, then the note that says what did not fit.
    pub(super) fn all(mut self, items: &[Value]) -> Markup {
        let shown = self.each(items, |a, item| {
            a.nodes += 1;
            let kind = match item.get("type") {
                None if item.is_object() => "Card",
                Some(Value::String(s)) => s.as_str(),
                _ => "",
            };
            match kind {
                "Card" => a.card(item, "att-card"),
                "Task" => a.card(item, "att-task"),
                "Event" => Att::event(item),
                "Note" => Att::note(item),
                "File" => Att::file(item),
                "AdaptiveCard" => a.adaptive_card(item),
                _ => html! { div.att.att-unsupported { "Unsupported attachment" } },
            }
        });
        html! {
            (shown)
            @if self.cut {
                div.att.att-truncated { "Part of this message is too large to show." }
            }
        }
    }

    /// Whether the budget is spent (and so the output cut short).
    pub(super) fn spent(&mut self) -> bool {
        if self.bytes >= MAX_ATT_HTML || self.nodes >= MAX_NODES {
            self.cut = true;
        }
        self.cut
    }

    /// The markup of `items`, one after the other, until the budget is spent. Each item's bytes
    /// are counted once: what its own items counted already is not counted again.
    pub(super) fn each<T>(
        &mut self,
        items: &[T],
        mut one: impl FnMut(&mut Self, &T) -> Markup,
    ) -> Markup {
        let mut out = String::new();
        for item in items {
            if self.spent() {
                break;
            }
            let before = self.bytes;
            let m = one(self, item);
            let inner = self.bytes - before;
            self.bytes += m.0.len().saturating_sub(inner);
            out.push_str(&m.0);
        }
        PreEscaped(out)
    }

    // ------------------------------------------------------------------------------- File

    /// An uploaded file, by its id (the link is the client's, with the session's cookie).
    fn file(a: &Value) -> Markup {
        let Some(id) =
            str_of(a, "id").filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
        else {
            return html! { div.att.att-unsupported { "Unsupported attachment" } };
        };
        let name = label(str_of(a, "name").unwrap_or("file"));
        let href = format!("/app/files/{id}");
        let lower = name.to_ascii_lowercase();
        let image = [".png", ".jpg", ".jpeg", ".gif", ".webp"]
            .iter()
            .any(|ext| lower.ends_with(ext));
        if image {
            html! {
                a.att.att-file-image href=(href) data-lightbox=(name) title=(name) {
                    img src=(href) alt=(name) loading="lazy";
                }
            }
        } else {
            html! {
                a.att.att-file href=(href) download=(name) {
                    span.att-file-icon aria-hidden="true" {}
                    span.att-file-name { (name) }
                    span.att-file-size data-size-of=(href) {}
                }
            }
        }
    }

    // ------------------------------------------------------------------------------- Card

    /// A RingCentral card; a task's card (`kind` `att-task`) is one too.
    fn card(&mut self, a: &Value, kind: &str) -> Markup {
        let body = html! {
            @if let Some(t) = str_of(a, "intro") { div.att-intro { (label(t)) } }
            @if let Some(au) = a.get("author") { (author(au)) }
            @if let Some(u) = http_url(str_of(a, "thumbnailUri")) { (img("att-thumb", u, "")) }
            @if let Some(t) = str_of(a, "title") { div.att-title { (label(t)) } }
            @if let Some(t) = str_of(a, "text").or_else(|| str_of(a, "body")) {
                div.att-text { (md_unwrapped(t, Flavor::Glip)) }
            }
            (self.fields(arr_of(a, "fields")))
            @if let Some(u) = http_url(str_of(a, "imageUri")) { (img("att-image", u, "")) }
            @if let Some(f) = a.get("footnote") { (footnote(f)) }
        };
        let body = match str_of(a, "fallback") {
            Some(t) if body.0.is_empty() => html! { div.att-fallback { (label(t)) } },
            _ => body,
        };
        att_div(kind, hex_color(str_of(a, "color")), body)
    }

    fn fields(&mut self, fields: &[Value]) -> Markup {
        let shown = self.each(fields, |me, f| {
            me.nodes += 1;
            let title = str_of(f, "title");
            let value = scalar_of(f, "value");
            if title.is_none() && value.is_none() {
                return html! {};
            }
            let short = str_of(f, "style").is_some_and(|s| s.eq_ignore_ascii_case("short"))
                || is_true(f, "short");
            html! {
                div.att-field.short[short].long[!short] {
                    @if let Some(t) = title { div.att-field-title { (label(t)) } }
                    @if let Some(v) = value {
                        div.att-field-value { (md_unwrapped(&v, Flavor::Glip)) }
                    }
                }
            }
        });
        unless_empty(shown, |m| html! { div.att-fields { (m) } })
    }

    // --------------------------------------------------------------------------- Event, Note

    fn event(a: &Value) -> Markup {
        let all_day = is_true(a, "allDay");
        let start = a.get("startTime").and_then(|t| time_html(t, all_day));
        let end = a.get("endTime").and_then(|t| time_html(t, all_day));
        let when = match (start, end) {
            (Some(s), Some(e)) if s.0 != e.0 => Some(html! { (s) " – " (e) }),
            (Some(t), _) | (None, Some(t)) => Some(t),
            (None, None) => None,
        };
        let body = html! {
            div.att-event-title { (label(str_of(a, "title").unwrap_or("Event"))) }
            @if when.is_some() || all_day {
                div.att-event-when {
                    @if let Some(w) = when { (w) }
                    @if all_day { " " span.att-event-allday { "All day" } }
                }
            }
            @if let Some(r) = str_of(a, "recurrence").and_then(recurrence) {
                div.att-event-recurrence { (label(&r)) }
            }
            @if let Some(l) = str_of(a, "location") { div.att-event-location { (label(l)) } }
            @if let Some(d) = str_of(a, "description") {
                div.att-event-description { (md_unwrapped(d, Flavor::Glip)) }
            }
        };
        att_div("att-event", hex_color(str_of(a, "color")), body)
    }

    fn note(a: &Value) -> Markup {
        let body = html! {
            div.att-note-title { (label(str_of(a, "title").unwrap_or("Note"))) }
            @if let Some(body) = str_of(a, "body") {
                div.att-note-body {
                    (md_unwrapped(&html_to_text(&clip(body, MAX_TEXT_CHARS)), Flavor::Glip))
                }
            }
        };
        att_div("att-note", None, body)
    }
}

/// `<div class="att {kind}">` around an attachment, with its colour when it has one.
fn att_div(kind: &str, color: Option<&str>, body: Markup) -> Markup {
    html! { div.att.(kind).att-colored[color.is_some()] data-color=[color] { (body) } }
}

fn author(au: &Value) -> Markup {
    let name = str_of(au, "name");
    let icon = http_url(str_of(au, "iconUri"));
    if name.is_none() && icon.is_none() {
        return html! {};
    }
    html! {
        div.att-author {
            @if let Some(i) = icon { (img("att-author-icon", i, "")) }
            @if let Some(n) = name {
                @match http_url(str_of(au, "uri")) {
                    Some(u) => (link_out("att-author-name", u, html! { (label(n)) })),
                    None => span.att-author-name { (label(n)) },
                }
            }
        }
    }
}

fn footnote(f: &Value) -> Markup {
    let text = str_of(f, "text");
    let icon = http_url(str_of(f, "iconUri"));
    let time = f.get("time").and_then(|t| time_html(t, false));
    if text.is_none() && icon.is_none() && time.is_none() {
        return html! {};
    }
    html! {
        div.att-footnote {
            @if let Some(i) = icon { (img("att-footnote-icon", i, "")) }
            @if let Some(t) = text { span.att-footnote-text { (label(t)) } }
            @if let Some(t) = time { (t) }
        }
    }
}

/// A point in time as `<time class="att-time" datetime>`: an RFC 3339 string, a date, a
/// date-time without offset, or Unix seconds / milliseconds. Anything else is shown as text.
fn time_html(v: &Value, date_only: bool) -> Option<Markup> {
    const DAY: &str = "%a, %b %-d, %Y";
    const DAY_TIME: &str = "%a, %b %-d, %Y %H:%M";
    let stamp = |ts: Timestamp| {
        let shown = if date_only {
            ts.strftime(DAY).to_string()
        } else {
            format!("{} UTC", ts.strftime(DAY_TIME))
        };
        (ts.to_string(), shown)
    };
    let (datetime, shown) = match v {
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            if let Ok(ts) = s.parse::<Timestamp>() {
                stamp(ts)
            } else if s.len() <= 10
                && let Ok(d) = s.parse::<jiff::civil::Date>()
            {
                (d.to_string(), d.strftime(DAY).to_string())
            } else if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
                let shown = dt
                    .strftime(if date_only { DAY } else { DAY_TIME })
                    .to_string();
                (dt.to_string(), shown)
            } else {
                return Some(html! { span.att-time { (clip(s, 100)) } });
            }
        }
        Value::Number(n) => {
            let n = n.as_i64()?;
            let ts = if n.unsigned_abs() >= 100_000_000_000 {
                Timestamp::from_millisecond(n)
            } else {
                Timestamp::from_second(n)
            }
            .ok()?;
            stamp(ts)
        }
        _ => return None,
    };
    Some(html! { time.att-time datetime=(datetime) { (shown) } })
}

fn recurrence(r: &str) -> Option<Cow<'_, str>> {
    let text = match r.to_ascii_lowercase().as_str() {
        "none" => return None,
        "day" | "daily" => "Repeats daily",
        "weekday" => "Repeats every weekday",
        "week" | "weekly" => "Repeats weekly",
        "month" | "monthly" => "Repeats monthly",
        "year" | "yearly" => "Repeats yearly",
        _ => return Some(Cow::Owned(format!("Repeats: {r}"))),
    };
    Some(Cow::Borrowed(text))
}

/// A note body written as HTML, as text: tags dropped (block ends become line breaks, list items
/// "- " bullets) and the common entities decoded. Other bodies are returned as they are.
fn html_to_text(s: &str) -> Cow<'_, str> {
    let lower = s.to_ascii_lowercase();
    if !["</", "<br", "<p>", "<p ", "<div", "<li"]
        .iter()
        .any(|t| lower.contains(t))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    // `lower` has the same byte offsets as `s`.
    let mut at = 0;
    let mut no_more_tags = false;
    while let Some(p) = s[at..].find('<').map(|p| at + p) {
        out.push_str(&decode_entities(&s[at..p]));
        let close = if no_more_tags {
            None
        } else {
            s[p..].find('>').map(|q| p + q)
        };
        let Some(q) = close else {
            no_more_tags = true;
            out.push('<');
            at = p + 1;
            continue;
        };
        let tag = &lower[p + 1..q];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        at = q + 1;
        match name.as_str() {
            "li" if !closing => out.push_str("\n- "),
            "br" | "p" | "div" | "tr" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            | "blockquote" | "pre" => out.push('\n'),
            // What scripts and style sheets hold is not text.
            "script" | "style" if !closing => {
                let end_tag = format!("</{name}");
                at = lower[at..].find(&end_tag).map_or(s.len(), |e| at + e);
            }
            _ => {}
        }
    }
    out.push_str(&decode_entities(&s[at..]));
    Cow::Owned(out)
}

fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&apos;", "'")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&"),
    )
}
