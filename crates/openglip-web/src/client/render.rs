//! Rendering of message text and attachments to HTML for the browser client. Pure: no I/O.
//!
//! The output is inserted into pages as HTML, so:
//! - every piece of user text goes through [`esc`];
//! - the only link targets are `http:`, `https:` and `mailto:` URLs (a markdown link to anything
//!   else stays plain text) and every link carries `rel="noopener noreferrer nofollow"
//!   target="_blank"`;
//! - the only image sources are `http(s):` URLs and, in adaptive cards, base64
//!   `data:image/{png,jpeg,gif,webp}` URLs;
//! - no inline style and no event handler is ever emitted (the page's CSP forbids inline styles):
//!   a card's colour travels in `data-color` (only `#` + 3 or 6 hex digits), a column's width in
//!   `data-weight` / `data-px` (plain numbers), and the page's script applies them;
//! - recursion is depth-limited and attachment output is capped (about 512 KiB or 5,000 nodes; the
//!   rest is replaced by an `att-truncated` note), so hostile input can neither blow the stack
//!   nor the page.
//!
//! # Mini-markdown
//!
//! RingCentral documents its flavour of markdown ("Glipdown", renamed "Mini-Markdown") in the
//! developer guide, <https://developers.ringcentral.com/guide/team-messaging/incoming-webhooks/legacy-format>
//! (and the older "manual/formatting" page): `*italics*`, `**bold**`, `_underline_`,
//! `[a link](http://example.com)`, `> quote` and `* bullet`, in post bodies and attachment text
//! alike. Strikethrough is not documented, so `~~x~~` stays literal. Adaptive-card TextBlocks use
//! Microsoft's subset instead (`**bold**`, `_italic_`, `- ` / `1. ` lists, links; lines may be
//! separated by `\r`), so there `_x_` is italic rather than underlined.
//!
//! On top of that documented set the renderer understands what chat users type: `- ` bullets,
//! `1. ` / `1) ` numbered lists (`<ol start>` when not starting at 1; items indented by two more
//! spaces nest), continuation lines of list items, `__bold__`, `***bold italics***`, inline
//! `` `code` `` (no markdown inside), fenced ```` ``` ```` code blocks (`<pre><code>`, an info
//! word after the opening fence is dropped, a single line ```` ```code``` ```` works too),
//! bare `http(s)://` URLs (auto-linked, trailing punctuation left out), `>>` nested quotes,
//! backslash escapes of `` * _ ` [ ] > ! - ``, `<br>` for a line break and a new `<p>` after a
//! blank line. Emphasis markers must sit at word boundaries, so `snake_case_name` and `2*3*4`
//! stay as typed; an unclosed marker stays literal. Mention markup (`![:Person](123)`,
//! `![:Team](456)`, the grammar of `openglip_domain::mentions`) works anywhere inline.
//!
//! # Elements and CSS classes emitted
//!
//! Message text ([`message`], and the markdown inside attachments): `<p>`, `<br>`, `<strong>`,
//! `<em>`, `<u>`, `<code>`, `<pre><code>`, `<blockquote>`, `<ul>`, `<ol start>`, `<li>`, `<a>`,
//! and for mentions `<span class="mention" data-person="123">` (class `mention me` for the
//! reader) and `<span class="mention team" data-team="456">`.
//!
//! Attachments ([`attachments`]), one `<div class="att …">` each:
//! - any attachment: `att` plus one of `att-card`, `att-event`, `att-note`, `att-adaptive`,
//!   `att-unsupported`; `att-colored` with `data-color="#rrggbb"` (the left border colour);
//!   `att-truncated` for the note that replaces what did not fit;
//! - Card: `att-intro`, `att-author`, `att-author-icon`, `att-author-name`, `att-thumb`,
//!   `att-title`, `att-text`, `att-fields`, `att-field` with `short` (two per row) or `long`,
//!   `att-field-title`, `att-field-value`, `att-image`, `att-footnote`, `att-footnote-icon`,
//!   `att-footnote-text`, `att-time` (on `<time datetime>`), `att-fallback`;
//! - Event: `att-event-title`, `att-event-when` (with `att-time` elements),
//!   `att-event-allday`, `att-event-recurrence`, `att-event-location`, `att-event-description`;
//! - Note: `att-note-title`, `att-note-body`;
//! - Adaptive card: `ac-card` (also on a shown card, with `ac-subcard`), `ac-fallback-text`,
//!   `ac-text` (TextBlock), `ac-richtext` (RichTextBlock) and `ac-run` (a TextRun; bold,
//!   italic, strikethrough, underline, highlight and monospace runs use `<strong>`, `<em>`,
//!   `<s>`, `<u>`, `<mark>`, `<code>`; `ac-run-link` when it links), `ac-image`,
//!   `ac-image-link`, `ac-imageset`,
//!   `ac-factset` (`<dl>`), `ac-container`, `ac-columnset`, `ac-column`, `ac-media`,
//!   `ac-media-poster`, `ac-media-link`, `ac-actions`, `ac-action` (links and disabled
//!   buttons; also the `<summary>` of a ShowCard), `ac-showcard` (`<details>`), `ac-input`,
//!   `ac-label`, `ac-choices`, `ac-choice`;
//! - adaptive-card modifiers: `size-small`, `size-medium`, `size-large`, `size-extralarge`,
//!   `size-auto`, `size-stretch` (images), `weight-lighter`, `weight-bolder`, `color-dark`,
//!   `color-light`, `color-accent`, `color-good`, `color-warning`, `color-attention`, `subtle`,
//!   `wrap`, `mono`, `align-center`, `align-right`, `person` (round image), `style-emphasis`,
//!   `style-good`, `style-attention`, `style-warning`, `style-accent` (containers and columns),
//!   `w-auto`, `w-stretch`, `w-weight` (with `data-weight`, a flex-grow weight), `w-px` (with
//!   `data-px`, a width in pixels) on columns, `positive`, `destructive` on actions.

use std::borrow::Cow;

use jiff::Timestamp;
use openglip_domain::{Mention, MentionType};
use serde_json::Value;

use crate::esc;

/// Message text beyond this is cut before rendering (posts are validated to far less).
const MAX_MESSAGE_CHARS: usize = 64 * 1024;
/// Nesting of quotes and lists.
const MAX_BLOCK_DEPTH: usize = 8;
/// Nesting of emphasis.
const MAX_INLINE_DEPTH: usize = 16;
/// Nesting of adaptive-card elements (containers, columns, shown cards, fallbacks).
const MAX_AC_DEPTH: usize = 12;
/// Attachment HTML beyond which nothing more is rendered.
const MAX_ATT_HTML: usize = 512 * 1024;
/// Attachment elements (card elements, fields, facts, choices, actions) beyond which nothing more
/// is rendered.
const MAX_NODES: usize = 5_000;
/// Markdown text of one attachment field.
const MAX_TEXT_CHARS: usize = 20_000;
/// A title, name or label of an attachment.
const MAX_LABEL_CHARS: usize = 1_000;
const MAX_URL_LEN: usize = 4_096;
const MAX_DATA_URL_LEN: usize = 256 * 1024;
/// The reader id used where nobody is "me".
const NOBODY: i64 = i64::MIN;
const LINK_ATTRS: &str = r#" rel="noopener noreferrer nofollow" target="_blank""#;
const RESPOND_ELSEWHERE: &str = "Open this card in a bot-enabled client to respond";

// ------------------------------------------------------------------------------- public API

/// A message's text (RingCentral mini-markdown with mention markup) as HTML: inline elements and
/// `<p>`, `<blockquote>`, `<ul>/<ol>` blocks. `me` is the reader's extension id (their mentions get class "me").
pub fn message(text: &str, mentions: &[Mention], me: i64) -> String {
    let ctx = Ctx {
        mentions,
        me,
        flavor: Flavor::Glip,
        html: true,
    };
    render_text(&clip(text, MAX_MESSAGE_CHARS), &ctx)
}

/// The text as plain text (markdown markers removed, mentions as "@Name"), for previews,
/// reply quotes and desktop notifications; collapsed whitespace, cut to `max_chars` with "…".
///
/// The result is text, not HTML: escape it before putting it into a page.
pub fn plain(text: &str, mentions: &[Mention], max_chars: usize) -> String {
    let ctx = Ctx {
        mentions,
        me: NOBODY,
        flavor: Flavor::Glip,
        html: false,
    };
    let raw = render_text(&clip(text, MAX_MESSAGE_CHARS), &ctx);
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(collapsed, max_chars)
}

/// A post's attachments as HTML (`<div class="att …">` per attachment), empty string when none.
pub fn attachments(items: &[Value]) -> String {
    let mut a = Att {
        out: String::new(),
        nodes: 0,
        cut: false,
    };
    for item in items {
        if a.spent() {
            break;
        }
        a.nodes += 1;
        let kind = match item.get("type") {
            None if item.is_object() => "Card",
            Some(Value::String(s)) => s.as_str(),
            _ => "",
        };
        match kind {
            "Card" => a.card(item),
            "Event" => a.event(item),
            "Note" => a.note(item),
            "AdaptiveCard" => a.adaptive_card(item),
            _ => a.push(r#"<div class="att att-unsupported">Unsupported attachment</div>"#),
        }
    }
    if a.cut {
        a.push(
            r#"<div class="att att-truncated">Part of this message is too large to show.</div>"#,
        );
    }
    a.out
}

// ------------------------------------------------------------------------------- small helpers

/// `s` cut to `max_chars` characters, with "…" when cut.
fn clip(s: &str, max_chars: usize) -> Cow<'_, str> {
    if s.len() <= max_chars {
        return Cow::Borrowed(s);
    }
    match s.char_indices().nth(max_chars) {
        None => Cow::Borrowed(s),
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
    }
}

/// `s` in at most `max` characters, the last of them "…" when cut.
fn truncate(s: String, max: usize) -> String {
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

fn starts_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// A URL without whitespace or control characters, of sane length.
fn clean_url(u: &str) -> bool {
    !u.is_empty()
        && u.len() <= MAX_URL_LEN
        && !u.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `u` when it is an `http:` or `https:` URL with something after the `//`.
fn http_url(u: Option<&str>) -> Option<&str> {
    let u = u?.trim();
    let ok = clean_url(u)
        && ((starts_ci(u, "https://") && u.len() > 8) || (starts_ci(u, "http://") && u.len() > 7));
    ok.then_some(u)
}

/// `u` when it may be a link target: `http(s):` or `mailto:`.
fn link_url(u: &str) -> Option<&str> {
    let u = u.trim();
    if let Some(h) = http_url(Some(u)) {
        return Some(h);
    }
    (clean_url(u) && starts_ci(u, "mailto:") && u.len() > 7).then_some(u)
}

/// `u` when it may be an image source: `http(s):`, or a base64 raster `data:image/` URL.
fn image_src(u: Option<&str>) -> Option<&str> {
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
fn hex_color(c: Option<&str>) -> Option<&str> {
    let c = c?.trim();
    let hex = c.strip_prefix('#')?;
    ((hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(c)
}

/// A non-blank string field.
fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A non-blank string, a number or a boolean field, as text.
fn scalar_of<'v>(v: &'v Value, key: &str) -> Option<Cow<'v, str>> {
    match v.get(key)? {
        Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(Cow::Borrowed),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

fn is_true(v: &Value, key: &str) -> bool {
    matches!(v.get(key), Some(Value::Bool(true)))
}

fn arr_of<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The class for the (case-insensitive) enumerated value `v`.
fn pick(v: Option<&str>, table: &[(&str, &'static str)]) -> Option<&'static str> {
    let v = v?;
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(v))
        .map(|(_, c)| *c)
}

/// Escaped text with its line breaks as `<br>`.
fn lines_html(s: &str) -> String {
    esc(&s.replace("\r\n", "\n").replace('\r', "\n")).replace('\n', "<br>")
}

// ------------------------------------------------------------------------------- mini-markdown

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// RingCentral's: `_x_` underlines.
    Glip,
    /// Adaptive cards': `_x_` is italic.
    Adaptive,
}

struct Ctx<'a> {
    mentions: &'a [Mention],
    me: i64,
    flavor: Flavor,
    /// HTML, or plain text (no tags, nothing escaped).
    html: bool,
}

/// Markdown of an attachment: no mention names known, nobody is "me".
fn card_ctx(flavor: Flavor) -> Ctx<'static> {
    Ctx {
        mentions: &[],
        me: NOBODY,
        flavor,
        html: true,
    }
}

/// Attachment markdown as HTML; a lone paragraph without its `<p>`.
fn md_unwrapped(text: &str, flavor: Flavor) -> String {
    let html = render_text(&clip(text, MAX_TEXT_CHARS), &card_ctx(flavor));
    // User text is escaped, so every "<p>" here is one of ours.
    if html.starts_with("<p>") && html.ends_with("</p>") && html.matches("<p>").count() == 1 {
        html[3..html.len() - 4].to_string()
    } else {
        html
    }
}

fn render_text(text: &str, ctx: &Ctx) -> String {
    let text: Cow<str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4 + 16);
    blocks(&lines, ctx, 0, &mut out);
    out
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Leading whitespace, a tab counting four.
fn indent_of(line: &str) -> usize {
    line.chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// A quote line's content: `> text`, `>` alone, or `>> text` (a quote in a quote).
fn quote_strip(line: &str) -> Option<&str> {
    let t = line.trim_start().strip_prefix('>')?;
    if t.is_empty() || t.starts_with('>') {
        Some(t)
    } else {
        t.strip_prefix(' ')
    }
}

enum Fence<'a> {
    /// An opening fence, with the code on its line (empty when none, or an info word).
    Open(&'a str),
    /// ```` ```code``` ```` on one line.
    Single(&'a str),
}

fn fence_open(line: &str) -> Option<Fence<'_>> {
    let rest = line.trim_start().strip_prefix("```")?;
    if rest.starts_with('`') {
        return None;
    }
    if let Some(code) = rest.trim_end().strip_suffix("```") {
        return (!code.trim().is_empty()).then_some(Fence::Single(code));
    }
    let word = rest.trim();
    let info = word.len() <= 30
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'_' | b'.' | b'#'));
    Some(Fence::Open(if info { "" } else { rest }))
}

struct Item<'a> {
    indent: usize,
    ordered: bool,
    number: u32,
    lines: Vec<&'a str>,
}

/// `* text`, `- text`, `1. text` or `1) text`.
fn list_item(line: &str) -> Option<Item<'_>> {
    let indent = indent_of(line);
    let t = line.trim_start();
    let (ordered, number, rest) =
        if let Some(r) = t.strip_prefix("* ").or_else(|| t.strip_prefix("- ")) {
            (false, 0, r)
        } else {
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            let after = &t[digits..];
            let r = after
                .strip_prefix(". ")
                .or_else(|| after.strip_prefix(") "))?;
            (true, t[..digits].parse().ok()?, r)
        };
    let rest = rest.trim();
    (!rest.is_empty()).then(|| Item {
        indent,
        ordered,
        number,
        lines: vec![rest],
    })
}

fn starts_block(line: &str, depth: usize) -> bool {
    fence_open(line).is_some()
        || (depth < MAX_BLOCK_DEPTH && quote_strip(line).is_some())
        || list_item(line).is_some()
}

fn blocks(lines: &[&str], ctx: &Ctx, depth: usize, out: &mut String) {
    // A search for a closing fence from this line on failed: later ones fail too.
    let mut no_close_from = usize::MAX;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_blank(line) {
            i += 1;
            continue;
        }
        match fence_open(line) {
            Some(Fence::Single(code)) => {
                code_block(&[code], ctx, out);
                i += 1;
                continue;
            }
            Some(Fence::Open(first)) if i < no_close_from => {
                let close = (i + 1..lines.len()).find(|&j| lines[j].trim_end().ends_with("```"));
                if let Some(close) = close {
                    let last = lines[close].trim_end().strip_suffix("```").unwrap_or("");
                    let mut code: Vec<&str> = Vec::with_capacity(close - i + 1);
                    if !first.trim().is_empty() {
                        code.push(first);
                    }
                    code.extend_from_slice(&lines[i + 1..close]);
                    if !last.trim().is_empty() {
                        code.push(last);
                    }
                    code_block(&code, ctx, out);
                    i = close + 1;
                    continue;
                }
                no_close_from = i;
            }
            _ => {}
        }
        if depth < MAX_BLOCK_DEPTH && quote_strip(line).is_some() {
            let mut inner = Vec::new();
            while let Some(q) = lines.get(i).and_then(|l| quote_strip(l)) {
                inner.push(q);
                i += 1;
            }
            if ctx.html {
                out.push_str("<blockquote>");
            }
            blocks(&inner, ctx, depth + 1, out);
            out.push_str(if ctx.html { "</blockquote>" } else { "\n" });
            continue;
        }
        if let Some(first) = list_item(line) {
            let mut items = vec![first];
            i += 1;
            while i < lines.len() {
                let l = lines[i];
                if let Some(item) = list_item(l) {
                    items.push(item);
                } else if !is_blank(l) && indent_of(l) >= 2 && !starts_block(l, depth) {
                    // A continuation line of the item.
                    if let Some(last) = items.last_mut() {
                        last.lines.push(l.trim());
                    }
                } else {
                    break;
                }
                i += 1;
            }
            list(&items, ctx, depth, out);
            continue;
        }
        let start = i;
        i += 1;
        while i < lines.len() && !is_blank(lines[i]) && !starts_block(lines[i], depth) {
            i += 1;
        }
        let para = lines[start..i].join("\n");
        if ctx.html {
            out.push_str("<p>");
        }
        inline(&para, ctx, out);
        out.push_str(if ctx.html { "</p>" } else { "\n" });
    }
}

fn code_block(lines: &[&str], ctx: &Ctx, out: &mut String) {
    let code = lines.join("\n");
    if ctx.html {
        out.push_str("<pre><code>");
        out.push_str(&esc(&code));
        out.push_str("</code></pre>");
    } else {
        out.push_str(&code);
        out.push('\n');
    }
}

fn list(items: &[Item], ctx: &Ctx, depth: usize, out: &mut String) {
    let mut i = 0;
    while i < items.len() {
        let base = items[i].indent;
        let ordered = items[i].ordered;
        if ctx.html {
            match (ordered, items[i].number) {
                (false, _) => out.push_str("<ul>"),
                (true, 1) => out.push_str("<ol>"),
                (true, n) => out.push_str(&format!(r#"<ol start="{n}">"#)),
            }
        }
        while i < items.len()
            && items[i].ordered == ordered
            && (items[i].indent < base + 2 || depth >= MAX_BLOCK_DEPTH)
        {
            if ctx.html {
                out.push_str("<li>");
            }
            inline(&items[i].lines.join("\n"), ctx, out);
            if !ctx.html {
                out.push('\n');
            }
            i += 1;
            let children = i;
            while depth < MAX_BLOCK_DEPTH && i < items.len() && items[i].indent >= base + 2 {
                i += 1;
            }
            if i > children {
                list(&items[children..i], ctx, depth + 1, out);
            }
            if ctx.html {
                out.push_str("</li>");
            }
        }
        if ctx.html {
            out.push_str(if ordered { "</ol>" } else { "</ul>" });
        }
    }
}

/// Characters a backslash makes literal.
const ESCAPABLE: &[u8] = b"*_`[]>!-";

/// The kinds of closing-marker searches whose failures are remembered.
const K_STAR1: usize = 0;
const K_STAR2: usize = 1;
const K_UNDER1: usize = 2;
const K_UNDER2: usize = 3;
const K_CODE: usize = 4; // + run length - 1, for runs of 1 to 3 backticks
const K_BRACKET: usize = 7;

/// Inline markdown of one paragraph (or list item).
struct Inline<'s, 'c> {
    s: &'s str,
    ctx: &'c Ctx<'c>,
    /// Per search kind, the last failed search as (from, end): no closing marker in that range,
    /// hence none in any range inside it. Keeps hostile input (`*a *a *a …`) linear.
    fails: [(usize, usize); 8],
}

fn inline(text: &str, ctx: &Ctx, out: &mut String) {
    let mut p = Inline {
        s: text,
        ctx,
        fails: [(usize::MAX, 0); 8],
    };
    p.run(0, text.len(), 0, false, out);
}

fn run_len(b: &[u8], i: usize, end: usize, c: u8) -> usize {
    b[i..end].iter().take_while(|&&x| x == c).count()
}

/// `![:Person](123)` or `![:Team](456)` at the start of `s`: the kind, the id and the length.
fn mention_at(s: &str) -> Option<(MentionType, i64, usize)> {
    let rest = s.strip_prefix("![:")?;
    let rb = rest.as_bytes();
    // The kind is all up to the first "](" (as in `openglip_domain::mentions`); only short
    // kinds exist, so look no further than that.
    let close =
        (0..rb.len().min(8).saturating_sub(1)).find(|&k| rb[k] == b']' && rb[k + 1] == b'(')?;
    let kind = MentionType::parse(&rest[..close])?;
    let after = &rest[close + 2..];
    let digits = after
        .bytes()
        .take(19)
        .take_while(u8::is_ascii_digit)
        .count();
    if digits == 0 || digits > 18 || after.as_bytes().get(digits) != Some(&b')') {
        return None;
    }
    let id = after[..digits].parse::<i64>().ok()?;
    Some((kind, id, 3 + close + 2 + digits + 1))
}

impl Inline<'_, '_> {
    fn prev_char(&self, i: usize) -> Option<char> {
        self.s[..i].chars().next_back()
    }

    fn failed(&self, kind: usize, from: usize, end: usize) -> bool {
        let (f, e) = self.fails[kind];
        from >= f && end <= e
    }

    /// Literal text.
    fn text(&self, from: usize, to: usize, out: &mut String) {
        if from < to {
            let t = &self.s[from..to];
            if self.ctx.html {
                out.push_str(&esc(t));
            } else {
                out.push_str(t);
            }
        }
    }

    /// Renders `s[start..end]`. `lit` marks where pending literal text starts; every position it
    /// and `i` stop at is an ASCII marker or a region boundary, hence a char boundary.
    fn run(&mut self, start: usize, end: usize, depth: usize, in_link: bool, out: &mut String) {
        let s = self.s;
        let b = s.as_bytes();
        let html = self.ctx.html;
        let mut i = start;
        let mut lit = start;
        while i < end {
            match b[i] {
                b'\n' => {
                    self.text(lit, i, out);
                    out.push_str(if html { "<br>" } else { " " });
                    i += 1;
                    lit = i;
                }
                b'\\' if i + 1 < end && ESCAPABLE.contains(&b[i + 1]) => {
                    self.text(lit, i, out);
                    lit = i + 1;
                    i += 2;
                }
                b'`' => {
                    let r = run_len(b, i, end, b'`');
                    match self.code_span(i, r, end) {
                        Some((from, to)) => {
                            self.text(lit, i, out);
                            let mut code = &s[from..to];
                            if code.len() >= 2 && code.starts_with(' ') && code.ends_with(' ') {
                                code = &code[1..code.len() - 1];
                            }
                            if html {
                                out.push_str("<code>");
                                out.push_str(&esc(code));
                                out.push_str("</code>");
                            } else {
                                out.push_str(code);
                            }
                            i = to + r;
                            lit = i;
                        }
                        None => i += r,
                    }
                }
                b'!' => match mention_at(&s[i..end]) {
                    Some((kind, id, len)) => {
                        self.text(lit, i, out);
                        self.mention(kind, id, out);
                        i += len;
                        lit = i;
                    }
                    None => i += 1,
                },
                b'[' if !in_link => match self.link(i, end) {
                    Some((label_end, (url_from, url_to), next)) => {
                        if let Some(url) = link_url(&s[url_from..url_to]) {
                            self.text(lit, i, out);
                            if html {
                                out.push_str(&format!(r#"<a href="{}"{LINK_ATTRS}>"#, esc(url)));
                            }
                            self.run(i + 1, label_end, depth + 1, true, out);
                            if html {
                                out.push_str("</a>");
                            }
                            lit = next;
                            i = next;
                        } else {
                            // A refused target: the bracket is literal, the rest is read on.
                            i += 1;
                        }
                    }
                    None => i += 1,
                },
                c @ (b'*' | b'_') => match self.emphasis(c, i, end, depth) {
                    Ok((k, close)) => {
                        self.text(lit, i, out);
                        let (open_tag, close_tag) = match (c, k, self.ctx.flavor) {
                            (_, 2, _) => ("<strong>", "</strong>"),
                            (b'_', _, Flavor::Glip) => ("<u>", "</u>"),
                            _ => ("<em>", "</em>"),
                        };
                        if html {
                            out.push_str(open_tag);
                        }
                        self.run(i + k, close, depth + 1, in_link, out);
                        if html {
                            out.push_str(close_tag);
                        }
                        i = close + k;
                        lit = i;
                    }
                    Err(next) => i = next,
                },
                b'h' | b'H' if !in_link => match self.autolink(i, end) {
                    Ok(stop) => {
                        self.text(lit, i, out);
                        let url = &s[i..stop];
                        if html {
                            let u = esc(url);
                            out.push_str(&format!(r#"<a href="{u}"{LINK_ATTRS}>{u}</a>"#));
                        } else {
                            out.push_str(url);
                        }
                        i = stop;
                        lit = i;
                    }
                    Err(next) => i = next,
                },
                _ => i += 1,
            }
        }
        self.text(lit, end, out);
    }

    fn mention(&self, kind: MentionType, id: i64, out: &mut String) {
        let name = self
            .ctx
            .mentions
            .iter()
            .find(|m| m.id == id && m.kind == kind)
            .map(|m| m.name.trim())
            .filter(|n| !n.is_empty());
        let shown = match name {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(id.to_string()),
        };
        if !self.ctx.html {
            out.push('@');
            out.push_str(&shown);
            return;
        }
        let shown = esc(&shown);
        match kind {
            MentionType::Person => {
                let class = if id == self.ctx.me {
                    "mention me"
                } else {
                    "mention"
                };
                out.push_str(&format!(
                    r#"<span class="{class}" data-person="{id}">@{shown}</span>"#
                ));
            }
            MentionType::Team => out.push_str(&format!(
                r#"<span class="mention team" data-team="{id}">@{shown}</span>"#
            )),
        }
    }

    /// A code span opened by `r` backticks at `i`: the content's range.
    fn code_span(&mut self, i: usize, r: usize, end: usize) -> Option<(usize, usize)> {
        if r > 3 {
            return None;
        }
        let kind = K_CODE + r - 1;
        let from = i + r;
        if self.failed(kind, from, end) {
            return None;
        }
        let b = self.s.as_bytes();
        let mut j = from;
        while j < end {
            if b[j] == b'`' {
                let m = run_len(b, j, end, b'`');
                if m == r {
                    return (!self.s[from..j].trim().is_empty()).then_some((from, j));
                }
                j += m;
            } else {
                j += 1;
            }
        }
        self.fails[kind] = (from, end);
        None
    }

    /// `[label](url)` at `i`: where the label ends, the URL's range, and where the link ends.
    fn link(&mut self, i: usize, end: usize) -> Option<(usize, (usize, usize), usize)> {
        let b = self.s.as_bytes();
        let from = i + 1;
        if self.failed(K_BRACKET, from, end) {
            return None;
        }
        let Some(close) = (from..end).find(|&j| b[j] == b']') else {
            self.fails[K_BRACKET] = (from, end);
            return None;
        };
        if close == from || close + 1 >= end || b[close + 1] != b'(' {
            return None;
        }
        let url_from = close + 2;
        let mut parens = 0usize;
        let mut j = url_from;
        loop {
            if j >= end || j - url_from > MAX_URL_LEN {
                return None;
            }
            match b[j] {
                b'(' => parens += 1,
                b')' if parens == 0 => break,
                b')' => parens -= 1,
                b'\n' => return None,
                _ => {}
            }
            j += 1;
        }
        Some((close, (url_from, j), j + 1))
    }

    /// Emphasis opened by the run of `c` at `i`: Ok((marker length, closing marker position)),
    /// or Err(where to go on, the run being literal).
    fn emphasis(
        &mut self,
        c: u8,
        i: usize,
        end: usize,
        depth: usize,
    ) -> Result<(usize, usize), usize> {
        let b = self.s.as_bytes();
        let r = run_len(b, i, end, c);
        if r > 3 || depth >= MAX_INLINE_DEPTH {
            return Err(i + r);
        }
        let after_open = self.s[i + r..end].chars().next();
        let opens = self.prev_char(i).is_none_or(|p| !p.is_alphanumeric())
            && after_open.is_some_and(|n| !n.is_whitespace());
        if !opens {
            return Err(i + r);
        }
        // `***x***` is strong around an emphasis that starts with the third marker.
        let k = if r == 1 { 1 } else { 2 };
        match self.closer(c, k, i + r, end) {
            Some(close) => Ok((k, close)),
            // `**x*` may still be a literal `*` then an emphasis.
            None => Err(i + 1),
        }
    }

    /// The closing run for a `k`-long marker `c`: not after whitespace, not before a letter or
    /// digit; a run of three closes a one- or two-long marker with its last characters.
    fn closer(&mut self, c: u8, k: usize, from: usize, end: usize) -> Option<usize> {
        let kind = match (c, k) {
            (b'*', 1) => K_STAR1,
            (b'*', _) => K_STAR2,
            (_, 1) => K_UNDER1,
            _ => K_UNDER2,
        };
        if self.failed(kind, from, end) {
            return None;
        }
        let b = self.s.as_bytes();
        let mut j = from;
        while j < end {
            if b[j] != c {
                j += 1;
                continue;
            }
            let m = run_len(b, j, end, c);
            if m == k || m == 3 {
                let after_ws = self.prev_char(j).is_none_or(char::is_whitespace);
                let before_word = self.s[j + m..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
                if !after_ws && !before_word {
                    return Some(j + m - k);
                }
            }
            j += m;
        }
        self.fails[kind] = (from, end);
        None
    }

    /// A bare `http(s)://` URL at `i`: Ok(where it ends, trailing punctuation left out), or
    /// Err(where to go on).
    fn autolink(&self, i: usize, end: usize) -> Result<usize, usize> {
        let s = &self.s[i..end];
        let scheme = if starts_ci(s, "https://") {
            8
        } else if starts_ci(s, "http://") {
            7
        } else {
            return Err(i + 1);
        };
        if self.prev_char(i).is_some_and(char::is_alphanumeric) {
            return Err(i + 1);
        }
        let stop = s
            .char_indices()
            .find(|&(_, c)| {
                c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`')
            })
            .map_or(s.len(), |(k, _)| k);
        if stop > MAX_URL_LEN {
            // Too long to be a link: all of it is text.
            return Err(i + stop);
        }
        let mut url = &s[..stop];
        let opens = url.matches('(').count();
        let mut closes = url.matches(')').count();
        let open_sq = url.matches('[').count();
        let mut close_sq = url.matches(']').count();
        while let Some(last) = url.chars().next_back() {
            let drop = match last {
                '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '~' => true,
                ')' if closes > opens => {
                    closes -= 1;
                    true
                }
                ']' if close_sq > open_sq => {
                    close_sq -= 1;
                    true
                }
                _ => false,
            };
            if !drop {
                break;
            }
            url = &url[..url.len() - last.len_utf8()];
        }
        if url.len() > scheme {
            Ok(i + url.len())
        } else {
            Err(i + scheme)
        }
    }
}

// ------------------------------------------------------------------------------- attachments

/// Attachment HTML being built, with its budget.
struct Att {
    out: String,
    nodes: usize,
    /// Something was left out for lack of budget.
    cut: bool,
}

impl Att {
    /// Whether the budget is spent (and so the output cut short).
    fn spent(&mut self) -> bool {
        if self.out.len() >= MAX_ATT_HTML || self.nodes >= MAX_NODES {
            self.cut = true;
        }
        self.cut
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Escaped text, cut to a label's length.
    fn text(&mut self, s: &str) {
        self.out.push_str(&esc(&clip(s, MAX_LABEL_CHARS)));
    }

    /// `<div class>` with escaped text.
    fn div(&mut self, class: &str, text: &str) {
        self.push(&format!(r#"<div class="{class}">"#));
        self.text(text);
        self.push("</div>");
    }

    /// `<div class>` with mini-markdown.
    fn md_div(&mut self, class: &str, text: &str, flavor: Flavor) {
        let html = md_unwrapped(text, flavor);
        self.push(&format!(r#"<div class="{class}">{html}</div>"#));
    }

    fn img(&mut self, class: &str, src: &str, alt: &str) {
        self.push(&format!(
            r#"<img class="{class}" src="{}" alt="{}" loading="lazy" referrerpolicy="no-referrer">"#,
            esc(src),
            esc(&clip(alt, MAX_LABEL_CHARS))
        ));
    }

    fn link_open(&mut self, class: &str, url: &str) {
        self.push(&format!(
            r#"<a class="{class}" href="{}"{LINK_ATTRS}>"#,
            esc(url)
        ));
    }

    /// The opening `<div class="att …">` of an attachment.
    fn open_att(&mut self, kind: &str, color: Option<&str>) {
        match color {
            Some(c) => self.push(&format!(
                r#"<div class="att {kind} att-colored" data-color="{}">"#,
                esc(c)
            )),
            None => self.push(&format!(r#"<div class="att {kind}">"#)),
        }
    }

    /// Runs `body` inside `open`…`close`, leaving nothing when it produced nothing.
    fn wrapped(&mut self, open: &str, close: &str, body: impl FnOnce(&mut Self)) {
        let mark = self.out.len();
        self.push(open);
        let inner = self.out.len();
        body(self);
        if self.out.len() == inner {
            self.out.truncate(mark);
        } else {
            self.push(close);
        }
    }

    // --------------------------------------------------------------------------- Card

    fn card(&mut self, a: &Value) {
        self.open_att("att-card", hex_color(str_of(a, "color")));
        let start = self.out.len();
        if let Some(t) = str_of(a, "intro") {
            self.div("att-intro", t);
        }
        if let Some(author) = a.get("author") {
            self.author(author);
        }
        if let Some(u) = http_url(str_of(a, "thumbnailUri")) {
            self.img("att-thumb", u, "");
        }
        if let Some(t) = str_of(a, "title") {
            self.div("att-title", t);
        }
        if let Some(t) = str_of(a, "text").or_else(|| str_of(a, "body")) {
            self.md_div("att-text", t, Flavor::Glip);
        }
        self.fields(arr_of(a, "fields"));
        if let Some(u) = http_url(str_of(a, "imageUri")) {
            self.img("att-image", u, "");
        }
        if let Some(f) = a.get("footnote") {
            self.footnote(f);
        }
        if self.out.len() == start
            && let Some(t) = str_of(a, "fallback")
        {
            self.div("att-fallback", t);
        }
        self.push("</div>");
    }

    fn author(&mut self, au: &Value) {
        let name = str_of(au, "name");
        let icon = http_url(str_of(au, "iconUri"));
        if name.is_none() && icon.is_none() {
            return;
        }
        self.push(r#"<div class="att-author">"#);
        if let Some(i) = icon {
            self.img("att-author-icon", i, "");
        }
        if let Some(n) = name {
            match http_url(str_of(au, "uri")) {
                Some(u) => {
                    self.link_open("att-author-name", u);
                    self.text(n);
                    self.push("</a>");
                }
                None => {
                    self.push(r#"<span class="att-author-name">"#);
                    self.text(n);
                    self.push("</span>");
                }
            }
        }
        self.push("</div>");
    }

    fn fields(&mut self, fields: &[Value]) {
        self.wrapped(r#"<div class="att-fields">"#, "</div>", |me| {
            for f in fields {
                if me.spent() {
                    break;
                }
                me.nodes += 1;
                let title = str_of(f, "title");
                let value = scalar_of(f, "value");
                if title.is_none() && value.is_none() {
                    continue;
                }
                let short = str_of(f, "style").is_some_and(|s| s.eq_ignore_ascii_case("short"))
                    || is_true(f, "short");
                me.push(if short {
                    r#"<div class="att-field short">"#
                } else {
                    r#"<div class="att-field long">"#
                });
                if let Some(t) = title {
                    me.div("att-field-title", t);
                }
                if let Some(v) = value {
                    me.md_div("att-field-value", &v, Flavor::Glip);
                }
                me.push("</div>");
            }
        });
    }

    fn footnote(&mut self, f: &Value) {
        let text = str_of(f, "text");
        let icon = http_url(str_of(f, "iconUri"));
        let time = f.get("time").and_then(|t| time_html(t, false));
        if text.is_none() && icon.is_none() && time.is_none() {
            return;
        }
        self.push(r#"<div class="att-footnote">"#);
        if let Some(i) = icon {
            self.img("att-footnote-icon", i, "");
        }
        if let Some(t) = text {
            self.push(r#"<span class="att-footnote-text">"#);
            self.text(t);
            self.push("</span>");
        }
        if let Some(t) = time {
            self.push(&t);
        }
        self.push("</div>");
    }

    // --------------------------------------------------------------------------- Event, Note

    fn event(&mut self, a: &Value) {
        self.open_att("att-event", hex_color(str_of(a, "color")));
        self.div("att-event-title", str_of(a, "title").unwrap_or("Event"));
        let all_day = is_true(a, "allDay");
        let start = a.get("startTime").and_then(|t| time_html(t, all_day));
        let end = a.get("endTime").and_then(|t| time_html(t, all_day));
        if start.is_some() || end.is_some() || all_day {
            self.push(r#"<div class="att-event-when">"#);
            match (start, end) {
                (Some(s), Some(e)) if s != e => self.push(&format!("{s} – {e}")),
                (Some(t), _) | (None, Some(t)) => self.push(&t),
                (None, None) => {}
            }
            if all_day {
                self.push(r#" <span class="att-event-allday">All day</span>"#);
            }
            self.push("</div>");
        }
        if let Some(r) = str_of(a, "recurrence").and_then(recurrence) {
            self.div("att-event-recurrence", &r);
        }
        if let Some(l) = str_of(a, "location") {
            self.div("att-event-location", l);
        }
        if let Some(d) = str_of(a, "description") {
            self.md_div("att-event-description", d, Flavor::Glip);
        }
        self.push("</div>");
    }

    fn note(&mut self, a: &Value) {
        self.open_att("att-note", None);
        self.div("att-note-title", str_of(a, "title").unwrap_or("Note"));
        if let Some(body) = str_of(a, "body") {
            let body = clip(body, MAX_TEXT_CHARS);
            self.md_div("att-note-body", &html_to_text(&body), Flavor::Glip);
        }
        self.push("</div>");
    }

    // --------------------------------------------------------------------------- Adaptive cards

    fn adaptive_card(&mut self, card: &Value) {
        self.push(r#"<div class="att att-adaptive ac-card">"#);
        self.card_content(card, 1);
        self.push("</div>");
    }

    fn card_content(&mut self, card: &Value, depth: usize) {
        let start = self.out.len();
        self.elements(arr_of(card, "body"), depth);
        self.actions(arr_of(card, "actions"), depth);
        if self.out.len() == start
            && let Some(t) = str_of(card, "fallbackText")
        {
            self.div("ac-fallback-text", t);
        }
    }

    fn elements(&mut self, items: &[Value], depth: usize) {
        for el in items {
            if self.spent() {
                break;
            }
            self.element(el, depth);
        }
    }

    fn element(&mut self, el: &Value, depth: usize) {
        if depth > MAX_AC_DEPTH
            || !el.is_object()
            || matches!(el.get("isVisible"), Some(Value::Bool(false)))
        {
            return;
        }
        self.nodes += 1;
        match str_of(el, "type").unwrap_or("") {
            "TextBlock" => self.text_block(el),
            "RichTextBlock" => self.rich_text(el),
            "Image" => self.image(el, None),
            "ImageSet" => {
                let size = str_of(el, "imageSize");
                self.wrapped(r#"<div class="ac-imageset">"#, "</div>", |me| {
                    for img in arr_of(el, "images") {
                        if me.spent() {
                            break;
                        }
                        me.nodes += 1;
                        if img.is_object()
                            && !matches!(img.get("isVisible"), Some(Value::Bool(false)))
                        {
                            me.image(img, size);
                        }
                    }
                });
            }
            "FactSet" => self.fact_set(el),
            "Container" => {
                let open = format!(r#"<div class="ac-container{}">"#, style_class(el));
                self.wrapped(&open, "</div>", |me| {
                    me.elements(arr_of(el, "items"), depth + 1)
                });
            }
            "ColumnSet" => {
                self.wrapped(r#"<div class="ac-columnset">"#, "</div>", |me| {
                    for col in arr_of(el, "columns") {
                        if me.spent() {
                            break;
                        }
                        me.column(col, depth + 1);
                    }
                });
            }
            "ActionSet" => self.actions(arr_of(el, "actions"), depth + 1),
            "Media" => self.media(el),
            kind @ ("Input.Text" | "Input.Number" | "Input.Date" | "Input.Time"
            | "Input.Toggle" | "Input.ChoiceSet") => self.input(el, kind),
            _ => {
                if let Some(fb) = el.get("fallback").filter(|f| f.is_object()) {
                    self.element(fb, depth + 1);
                }
            }
        }
    }

    fn text_block(&mut self, el: &Value) {
        let Some(text) = scalar_of(el, "text") else {
            return;
        };
        let text = clip(&text, MAX_TEXT_CHARS);
        let html = md_unwrapped(&ac_functions(&text), Flavor::Adaptive);
        let classes = text_classes(el, "ac-text");
        self.push(&format!(r#"<div class="{classes}">{html}</div>"#));
    }

    fn rich_text(&mut self, el: &Value) {
        let mut classes = vec!["ac-richtext"];
        classes.extend(pick(str_of(el, "horizontalAlignment"), ALIGNS));
        let open = format!(r#"<div class="{}">"#, classes.join(" "));
        self.wrapped(&open, "</div>", |me| {
            for run in arr_of(el, "inlines") {
                if me.spent() {
                    break;
                }
                me.nodes += 1;
                match run {
                    Value::String(s) => me.push(&lines_html(&clip(s, MAX_TEXT_CHARS))),
                    Value::Object(_) => me.text_run(run),
                    _ => {}
                }
            }
        });
    }

    fn text_run(&mut self, r: &Value) {
        if str_of(r, "type").is_some_and(|t| t != "TextRun") {
            return;
        }
        let Some(text) = r
            .get("text")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        else {
            return;
        };
        let text = clip(text, MAX_TEXT_CHARS);
        let mut html = lines_html(&ac_functions(&text));
        for (key, open, close) in [
            ("italic", "<em>", "</em>"),
            ("strikethrough", "<s>", "</s>"),
            ("underline", "<u>", "</u>"),
            ("highlight", "<mark>", "</mark>"),
        ] {
            if is_true(r, key) {
                html = format!("{open}{html}{close}");
            }
        }
        if pick(str_of(r, "fontType"), &[("monospace", "mono")]).is_some() {
            html = format!("<code>{html}</code>");
        }
        if pick(str_of(r, "weight"), &[("bolder", "bolder")]).is_some() {
            html = format!("<strong>{html}</strong>");
        }
        let mut classes = vec!["ac-run"];
        classes.extend(pick(str_of(r, "size"), TEXT_SIZES));
        classes.extend(pick(str_of(r, "weight"), &[("lighter", "weight-lighter")]));
        classes.extend(pick(str_of(r, "color"), COLORS));
        if is_true(r, "isSubtle") {
            classes.push("subtle");
        }
        let link = open_url_of(r);
        if let Some(u) = link {
            self.link_open("ac-run-link", u);
        }
        self.push(&format!(
            r#"<span class="{}">{html}</span>"#,
            classes.join(" ")
        ));
        if link.is_some() {
            self.push("</a>");
        }
    }

    fn image(&mut self, el: &Value, set_size: Option<&str>) {
        let Some(src) = image_src(str_of(el, "url")) else {
            return;
        };
        let mut classes = vec!["ac-image"];
        classes.extend(pick(str_of(el, "size").or(set_size), IMAGE_SIZES));
        if pick(str_of(el, "style"), &[("person", "person")]).is_some() {
            classes.push("person");
        }
        let alt = str_of(el, "altText").unwrap_or("");
        let link = open_url_of(el);
        if let Some(u) = link {
            self.link_open("ac-image-link", u);
        }
        self.img(&classes.join(" "), src, alt);
        if link.is_some() {
            self.push("</a>");
        }
    }

    fn fact_set(&mut self, el: &Value) {
        self.wrapped(r#"<dl class="ac-factset">"#, "</dl>", |me| {
            for f in arr_of(el, "facts") {
                if me.spent() {
                    break;
                }
                me.nodes += 1;
                let title = scalar_of(f, "title");
                let value = scalar_of(f, "value");
                if title.is_none() && value.is_none() {
                    continue;
                }
                let title = md_unwrapped(title.as_deref().unwrap_or(""), Flavor::Adaptive);
                let value = md_unwrapped(value.as_deref().unwrap_or(""), Flavor::Adaptive);
                me.push(&format!("<dt>{title}</dt><dd>{value}</dd>"));
            }
        });
    }

    fn column(&mut self, col: &Value, depth: usize) {
        if depth > MAX_AC_DEPTH
            || !col.is_object()
            || matches!(col.get("isVisible"), Some(Value::Bool(false)))
        {
            return;
        }
        self.nodes += 1;
        let (width, data) = column_width(col.get("width"));
        let data = data
            .map(|(k, v)| format!(r#" {k}="{v}""#))
            .unwrap_or_default();
        let style = style_class(col);
        self.push(&format!(r#"<div class="ac-column {width}{style}"{data}>"#));
        self.elements(arr_of(col, "items"), depth + 1);
        self.push("</div>");
    }

    fn media(&mut self, el: &Value) {
        let src = arr_of(el, "sources")
            .iter()
            .find_map(|s| http_url(str_of(s, "url")));
        let poster = http_url(str_of(el, "poster"));
        if src.is_none() && poster.is_none() {
            return;
        }
        let alt = str_of(el, "altText");
        self.push(r#"<div class="ac-media">"#);
        if let Some(p) = poster {
            self.img("ac-media-poster", p, alt.unwrap_or(""));
        }
        if let Some(u) = src {
            self.link_open("ac-media-link", u);
            self.text(alt.unwrap_or("Play media"));
            self.push("</a>");
        }
        self.push("</div>");
    }

    fn input(&mut self, el: &Value, kind: &str) {
        let label = str_of(el, "label");
        let placeholder = str_of(el, "placeholder");
        let value = scalar_of(el, "value");
        self.push(r#"<div class="ac-input">"#);
        if kind == "Input.ChoiceSet" {
            self.choice_set(el, label, placeholder, value.as_deref());
            self.push("</div>");
            return;
        }
        self.push("<label>");
        if let Some(l) = label {
            self.push(r#"<span class="ac-label">"#);
            self.text(l);
            self.push("</span>");
        }
        let ph = placeholder
            .map(|p| format!(r#" placeholder="{}""#, esc(&clip(p, MAX_LABEL_CHARS))))
            .unwrap_or_default();
        match kind {
            "Input.Toggle" => {
                let on = scalar_of(el, "valueOn").unwrap_or(Cow::Borrowed("true"));
                let checked = if value.as_deref() == Some(&*on) {
                    " checked"
                } else {
                    ""
                };
                self.push(&format!(r#"<input type="checkbox" disabled{checked}> "#));
                self.text(str_of(el, "title").unwrap_or(""));
            }
            "Input.Text" if is_true(el, "isMultiline") => {
                let v = value
                    .as_deref()
                    .map(|v| esc(&clip(v, MAX_TEXT_CHARS)))
                    .unwrap_or_default();
                self.push(&format!("<textarea disabled{ph}>{v}</textarea>"));
            }
            _ => {
                let ty = match kind {
                    "Input.Number" => "number",
                    "Input.Date" => "date",
                    "Input.Time" => "time",
                    _ => pick(
                        str_of(el, "style"),
                        &[("email", "email"), ("tel", "tel"), ("url", "url")],
                    )
                    .unwrap_or("text"),
                };
                let v = value
                    .as_deref()
                    .filter(|v| ty != "number" || v.parse::<f64>().is_ok_and(f64::is_finite));
                let v = v
                    .map(|v| format!(r#" value="{}""#, esc(&clip(v, MAX_TEXT_CHARS))))
                    .unwrap_or_default();
                self.push(&format!(r#"<input type="{ty}" disabled{ph}{v}>"#));
            }
        }
        self.push("</label></div>");
    }

    fn choice_set(
        &mut self,
        el: &Value,
        label: Option<&str>,
        placeholder: Option<&str>,
        value: Option<&str>,
    ) {
        let selected: Vec<&str> = value
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let multi = is_true(el, "isMultiSelect");
        let expanded = pick(str_of(el, "style"), &[("expanded", "expanded")]).is_some();
        let choices = arr_of(el, "choices");
        if !multi && !expanded {
            self.push("<label>");
            if let Some(l) = label {
                self.push(r#"<span class="ac-label">"#);
                self.text(l);
                self.push("</span>");
            }
            self.push("<select disabled>");
            if selected.is_empty()
                && let Some(p) = placeholder
            {
                self.push("<option selected>");
                self.text(p);
                self.push("</option>");
            }
        } else {
            if let Some(l) = label {
                self.push(r#"<span class="ac-label">"#);
                self.text(l);
                self.push("</span>");
            }
            self.push(r#"<div class="ac-choices">"#);
        }
        for c in choices {
            if self.spent() {
                break;
            }
            self.nodes += 1;
            let v = scalar_of(c, "value");
            let t = scalar_of(c, "title");
            let Some(shown) = t.as_deref().or(v.as_deref()) else {
                continue;
            };
            let on = v.as_deref().is_some_and(|v| selected.contains(&v));
            if !multi && !expanded {
                self.push(if on { "<option selected>" } else { "<option>" });
                self.text(shown);
                self.push("</option>");
            } else {
                let ty = if multi { "checkbox" } else { "radio" };
                let checked = if on { " checked" } else { "" };
                self.push(&format!(
                    r#"<label class="ac-choice"><input type="{ty}" disabled{checked}> "#
                ));
                self.text(shown);
                self.push("</label>");
            }
        }
        self.push(if !multi && !expanded {
            "</select></label>"
        } else {
            "</div>"
        });
    }

    fn actions(&mut self, list: &[Value], depth: usize) {
        if depth > MAX_AC_DEPTH {
            return;
        }
        self.wrapped(r#"<div class="ac-actions">"#, "</div>", |me| {
            for a in list {
                if me.spent() {
                    break;
                }
                me.action(a, depth);
            }
        });
    }

    fn action(&mut self, a: &Value, depth: usize) {
        if depth > MAX_AC_DEPTH
            || !a.is_object()
            || matches!(a.get("isVisible"), Some(Value::Bool(false)))
        {
            return;
        }
        self.nodes += 1;
        let title = str_of(a, "title");
        let class = pick(
            str_of(a, "style"),
            &[
                ("positive", "ac-action positive"),
                ("destructive", "ac-action destructive"),
            ],
        )
        .unwrap_or("ac-action");
        match str_of(a, "type").unwrap_or("") {
            "Action.OpenUrl" => match http_url(str_of(a, "url")) {
                Some(u) => {
                    self.link_open(class, u);
                    self.text(title.unwrap_or(u));
                    self.push("</a>");
                }
                None => self.disabled_button(class, title.unwrap_or("Open link"), None),
            },
            "Action.Submit" | "Action.Execute" => {
                self.disabled_button(class, title.unwrap_or("Submit"), Some(RESPOND_ELSEWHERE));
            }
            "Action.ShowCard" => {
                self.push(&format!(
                    r#"<details class="ac-showcard"><summary class="{class}">"#
                ));
                self.text(title.unwrap_or("Show"));
                self.push(r#"</summary><div class="ac-card ac-subcard">"#);
                if let Some(card) = a.get("card").filter(|c| c.is_object()) {
                    self.card_content(card, depth + 1);
                }
                self.push("</div></details>");
            }
            "Action.ToggleVisibility" => {
                self.disabled_button(class, title.unwrap_or("Toggle"), None)
            }
            _ => {
                if let Some(fb) = a.get("fallback").filter(|f| f.is_object()) {
                    self.action(fb, depth + 1);
                }
            }
        }
    }

    fn disabled_button(&mut self, class: &str, label: &str, hint: Option<&str>) {
        let hint = hint
            .map(|h| format!(r#" title="{}""#, esc(h)))
            .unwrap_or_default();
        self.push(&format!(
            r#"<button type="button" class="{class}" disabled{hint}>"#
        ));
        self.text(label);
        self.push("</button>");
    }
}

const TEXT_SIZES: &[(&str, &str)] = &[
    ("small", "size-small"),
    ("medium", "size-medium"),
    ("large", "size-large"),
    ("extraLarge", "size-extralarge"),
];
const IMAGE_SIZES: &[(&str, &str)] = &[
    ("auto", "size-auto"),
    ("stretch", "size-stretch"),
    ("small", "size-small"),
    ("medium", "size-medium"),
    ("large", "size-large"),
];
const COLORS: &[(&str, &str)] = &[
    ("dark", "color-dark"),
    ("light", "color-light"),
    ("accent", "color-accent"),
    ("good", "color-good"),
    ("warning", "color-warning"),
    ("attention", "color-attention"),
];
const ALIGNS: &[(&str, &str)] = &[("center", "align-center"), ("right", "align-right")];

fn text_classes(el: &Value, base: &'static str) -> String {
    let mut c = vec![base];
    c.extend(pick(str_of(el, "size"), TEXT_SIZES));
    c.extend(pick(
        str_of(el, "weight"),
        &[("lighter", "weight-lighter"), ("bolder", "weight-bolder")],
    ));
    c.extend(pick(str_of(el, "color"), COLORS));
    c.extend(pick(str_of(el, "fontType"), &[("monospace", "mono")]));
    c.extend(pick(str_of(el, "horizontalAlignment"), ALIGNS));
    if is_true(el, "isSubtle") {
        c.push("subtle");
    }
    if is_true(el, "wrap") {
        c.push("wrap");
    }
    c.join(" ")
}

/// A container's or column's style, as " style-…" (or nothing).
fn style_class(el: &Value) -> &'static str {
    pick(
        str_of(el, "style"),
        &[
            ("emphasis", " style-emphasis"),
            ("good", " style-good"),
            ("attention", " style-attention"),
            ("warning", " style-warning"),
            ("accent", " style-accent"),
        ],
    )
    .unwrap_or("")
}

/// A column's width class and its data attribute: `auto`, `stretch` (the default), a weight
/// (a number) or pixels (`"80px"`).
fn column_width(w: Option<&Value>) -> (&'static str, Option<(&'static str, String)>) {
    let weight = |n: f64| {
        (n.is_finite() && n > 0.0 && n <= 1000.0).then(|| {
            (
                "w-weight",
                Some(("data-weight", ((n * 100.0).round() / 100.0).to_string())),
            )
        })
    };
    match w {
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.eq_ignore_ascii_case("auto") {
                ("w-auto", None)
            } else if let Some(px) = s.strip_suffix("px") {
                match px.trim().parse::<u32>() {
                    Ok(n) if (1..=4000).contains(&n) => ("w-px", Some(("data-px", n.to_string()))),
                    _ => ("w-stretch", None),
                }
            } else {
                s.parse::<f64>()
                    .ok()
                    .and_then(weight)
                    .unwrap_or(("w-stretch", None))
            }
        }
        Some(Value::Number(n)) => n.as_f64().and_then(weight).unwrap_or(("w-stretch", None)),
        _ => ("w-stretch", None),
    }
}

/// The `http(s)` URL of an element's `Action.OpenUrl` select action.
fn open_url_of(el: &Value) -> Option<&str> {
    let a = el.get("selectAction")?;
    if str_of(a, "type")? != "Action.OpenUrl" {
        return None;
    }
    http_url(str_of(a, "url"))
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

/// A point in time as `<time class="att-time" datetime>`: an RFC 3339 string, a date, a
/// date-time without offset, or Unix seconds / milliseconds. Anything else is shown as text.
fn time_html(v: &Value, date_only: bool) -> Option<String> {
    const DAY: &str = "%a, %b %-d, %Y";
    const DAY_TIME: &str = "%a, %b %-d, %Y %H:%M";
    let (datetime, shown) = match v {
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            if let Ok(ts) = s.parse::<Timestamp>() {
                let shown = if date_only {
                    ts.strftime(DAY).to_string()
                } else {
                    format!("{} UTC", ts.strftime(DAY_TIME))
                };
                (ts.to_string(), shown)
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
                return Some(format!(
                    r#"<span class="att-time">{}</span>"#,
                    esc(&clip(s, 100))
                ));
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
            let shown = if date_only {
                ts.strftime(DAY).to_string()
            } else {
                format!("{} UTC", ts.strftime(DAY_TIME))
            };
            (ts.to_string(), shown)
        }
        _ => return None,
    };
    Some(format!(
        r#"<time class="att-time" datetime="{}">{}</time>"#,
        esc(&datetime),
        esc(&shown)
    ))
}

/// Adaptive cards' `{{DATE(2017-02-14T06:08:00Z, SHORT)}}` and `{{TIME(…)}}`, in UTC; malformed
/// ones stay as written.
fn ac_functions(s: &str) -> Cow<'_, str> {
    if !s.contains("{{") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find("{{") {
        out.push_str(&rest[..p]);
        let at = &rest[p..];
        match ac_function(at) {
            Some((text, used)) => {
                out.push_str(&text);
                rest = &at[used..];
            }
            None => {
                out.push_str("{{");
                rest = &at[2..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn ac_function(s: &str) -> Option<(String, usize)> {
    let (date, args) = if let Some(a) = s.strip_prefix("{{DATE(") {
        (true, a)
    } else {
        (false, s.strip_prefix("{{TIME(")?)
    };
    let window = &args.as_bytes()[..args.len().min(80)];
    let end = window.windows(3).position(|w| w == b")}}")?;
    let mut parts = args[..end].splitn(2, ',');
    let ts = parts.next()?.trim().parse::<Timestamp>().ok()?;
    let style = parts.next().map(str::trim).unwrap_or("COMPACT");
    let text = if date {
        let fmt = match style {
            "SHORT" => "%a, %b %-d, %Y",
            "LONG" => "%A, %B %-d, %Y",
            _ => "%Y-%m-%d",
        };
        ts.strftime(fmt).to_string()
    } else {
        format!("{} UTC", ts.strftime("%H:%M"))
    };
    Some((text, "{{DATE(".len() + end + ")}}".len()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn person(id: i64, name: &str) -> Mention {
        Mention {
            id,
            kind: MentionType::Person,
            name: name.into(),
        }
    }

    fn team(id: i64, name: &str) -> Mention {
        Mention {
            id,
            kind: MentionType::Team,
            name: name.into(),
        }
    }

    fn md(text: &str) -> String {
        message(text, &[], 1)
    }

    /// No tag or attribute in `html` that could run script.
    fn assert_inert(html: &str) {
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

    // ------------------------------------------------------------------ escaping and links

    #[test]
    fn script_in_text_is_escaped() {
        let h = md("<script>alert('x')</script> & \"q\"");
        assert_eq!(
            h,
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>"
        );
        assert_inert(&h);
    }

    #[test]
    fn html_in_link_text_and_markup_is_escaped() {
        let h = md("[<img src=x onerror=alert(1)>](https://example.com) **<b>x</b>** `<i>`");
        assert!(
            h.contains(r#"<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">&lt;img src=x onerror=alert(1)&gt;</a>"#),
            "{h}"
        );
        assert!(h.contains("<strong>&lt;b&gt;x&lt;/b&gt;</strong>"), "{h}");
        assert!(h.contains("<code>&lt;i&gt;</code>"), "{h}");
        assert!(!h.contains("<img"), "{h}");
    }

    #[test]
    fn quotes_in_urls_cannot_break_out_of_attributes() {
        let h = md(r#"[x](https://a.example/"onmouseover="alert(1)) and https://b.example/'x"y"#);
        assert!(
            h.contains(r#"href="https://a.example/&quot;onmouseover=&quot;alert(1)""#),
            "{h}"
        );
        assert!(h.contains(r#"href="https://b.example/&#39;x""#), "{h}");
        assert!(
            !h.contains(r#"" onmouseover"#) && !h.contains(r#""onmouseover"#),
            "{h}"
        );
    }

    #[test]
    fn dangerous_link_targets_stay_text() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "vbscript:msgbox",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "//evil.example/x",
            "/relative",
            "http:",
            "https://",
            "mailto:",
        ] {
            let h = md(&format!("[click]({url})"));
            assert!(!h.contains("<a"), "{url}: {h}");
            assert!(h.contains("[click]("), "{url}: {h}");
            assert_inert(&h);
        }
        // Not even via an entity or a tab in the scheme.
        assert!(!md("[x](java\tscript:alert(1))").contains("<a"));
        assert!(!md("[x](&#106;avascript:alert(1))").contains("<a"));
    }

    #[test]
    fn allowed_link_targets() {
        let h = md("[Mail](mailto:a@example.com) [Web](HTTPS://Example.com/a?b=1&c=2)");
        assert!(h.contains(r#"<a href="mailto:a@example.com" rel="noopener noreferrer nofollow" target="_blank">Mail</a>"#), "{h}");
        assert!(
            h.contains(r#"href="HTTPS://Example.com/a?b=1&amp;c=2""#),
            "{h}"
        );
    }

    #[test]
    fn links_keep_balanced_parentheses_and_format_their_label() {
        let h = md("see [the **page**](https://en.wikipedia.org/wiki/Rust_(language)) now");
        assert_eq!(
            h,
            r#"<p>see <a href="https://en.wikipedia.org/wiki/Rust_(language)" rel="noopener noreferrer nofollow" target="_blank">the <strong>page</strong></a> now</p>"#
        );
    }

    #[test]
    fn broken_links_stay_literal() {
        assert_eq!(
            md("[x](https://a.example"),
            r#"<p>[x](<a href="https://a.example" rel="noopener noreferrer nofollow" target="_blank">https://a.example</a></p>"#
        );
        assert_eq!(
            md("[x] (https://a.example)"),
            r#"<p>[x] (<a href="https://a.example" rel="noopener noreferrer nofollow" target="_blank">https://a.example</a>)</p>"#
        );
        assert_eq!(
            md("[](https://a.example)"),
            r#"<p>[](<a href="https://a.example" rel="noopener noreferrer nofollow" target="_blank">https://a.example</a>)</p>"#
        );
        assert_eq!(md("a [b c"), "<p>a [b c</p>");
    }

    #[test]
    fn bare_urls_are_linked_without_trailing_punctuation() {
        let h = md("Go to https://example.com/a_b?x=1. Or (http://example.org/x).");
        assert!(h.contains(r#"<a href="https://example.com/a_b?x=1" rel="noopener noreferrer nofollow" target="_blank">https://example.com/a_b?x=1</a>. Or ("#), "{h}");
        assert!(h.contains(r#">http://example.org/x</a>).</p>"#), "{h}");
        let h = md("https://en.wikipedia.org/wiki/Rust_(language)");
        assert!(
            h.contains(">https://en.wikipedia.org/wiki/Rust_(language)</a>"),
            "{h}"
        );
        // Inside bold, and not inside words.
        assert!(md("**https://example.com**").contains(r#"<strong><a href="https://example.com""#));
        assert!(!md("xhttps://example.com").contains("<a"));
        assert!(!md("https:// nothing").contains("<a"));
        // Only http(s) is auto-linked.
        assert!(!md("ftp://example.com javascript:alert(1)").contains("<a"));
    }

    // ------------------------------------------------------------------ inline markdown

    #[test]
    fn bold_italics_underline() {
        assert_eq!(md("**bold**"), "<p><strong>bold</strong></p>");
        assert_eq!(md("*italics*"), "<p><em>italics</em></p>");
        // RingCentral documents `_x_` as underline.
        assert_eq!(md("_underline_"), "<p><u>underline</u></p>");
        assert_eq!(md("__bold__"), "<p><strong>bold</strong></p>");
        assert_eq!(md("***both***"), "<p><strong><em>both</em></strong></p>");
        assert_eq!(
            md("a **b *c* d** e"),
            "<p>a <strong>b <em>c</em> d</strong> e</p>"
        );
        assert_eq!(
            md("*it **bold***"),
            "<p><em>it <strong>bold</strong></em></p>"
        );
        assert_eq!(md("(*x*), *y*!"), "<p>(<em>x</em>), <em>y</em>!</p>");
        assert_eq!(
            md("**a** and **b**"),
            "<p><strong>a</strong> and <strong>b</strong></p>"
        );
    }

    #[test]
    fn strikethrough_is_not_documented_so_literal() {
        assert_eq!(md("~~x~~"), "<p>~~x~~</p>");
    }

    #[test]
    fn emphasis_needs_word_boundaries() {
        assert_eq!(md("snake_case_name"), "<p>snake_case_name</p>");
        assert_eq!(
            md("call my_func_name() now"),
            "<p>call my_func_name() now</p>"
        );
        assert_eq!(md("2*3*4 = 24"), "<p>2*3*4 = 24</p>");
        assert_eq!(md("a * b * c"), "<p>a * b * c</p>");
        assert_eq!(md("file_name_ and _x"), "<p>file_name_ and _x</p>");
    }

    #[test]
    fn unclosed_markers_stay_literal() {
        assert_eq!(md("**bold"), "<p>**bold</p>");
        assert_eq!(md("*it"), "<p>*it</p>");
        assert_eq!(md("_u"), "<p>_u</p>");
        assert_eq!(md("`code"), "<p>`code</p>");
        assert_eq!(md("**a*"), "<p>*<em>a</em></p>");
        assert_eq!(md("``` not code"), "<p>``` not code</p>");
        assert_eq!(md("```\nnever closed\n"), "<p>```<br>never closed</p>");
    }

    #[test]
    fn inline_code_has_no_markdown_inside() {
        assert_eq!(
            md("run `a *b* [c](https://x.example) ![:Person](5)` now"),
            "<p>run <code>a *b* [c](https://x.example) ![:Person](5)</code> now</p>"
        );
        assert_eq!(md("``a ` b``"), "<p><code>a ` b</code></p>");
        assert_eq!(md("` x `"), "<p><code>x</code></p>");
    }

    #[test]
    fn backslash_escapes() {
        assert_eq!(md(r"\*not italic\*"), "<p>*not italic*</p>");
        assert_eq!(md(r"\> not a quote"), "<p>&gt; not a quote</p>");
        assert_eq!(md(r"C:\Users\me"), r"<p>C:\Users\me</p>");
    }

    #[test]
    fn line_breaks_and_paragraphs() {
        assert_eq!(md("a\nb"), "<p>a<br>b</p>");
        assert_eq!(md("a\n\nb"), "<p>a</p><p>b</p>");
        assert_eq!(md("a\r\nb\r\n\r\nc"), "<p>a<br>b</p><p>c</p>");
        assert_eq!(md("\n\n  \n"), "");
        assert_eq!(md(""), "");
        // Absurdly long text is cut, not refused.
        let long = "word ".repeat(40_000);
        assert!(md(&long).ends_with("…</p>"));
        // Emphasis may span a line break.
        assert_eq!(md("**a\nb**"), "<p><strong>a<br>b</strong></p>");
    }

    // ------------------------------------------------------------------ blocks

    #[test]
    fn block_quotes() {
        assert_eq!(
            md("> a\n> b\nc"),
            "<blockquote><p>a<br>b</p></blockquote><p>c</p>"
        );
        assert_eq!(
            md("> a\n>\n> **b**"),
            "<blockquote><p>a</p><p><strong>b</strong></p></blockquote>"
        );
        assert_eq!(
            md(">> inner\n> outer"),
            "<blockquote><blockquote><p>inner</p></blockquote><p>outer</p></blockquote>"
        );
        assert_eq!(md("a > b"), "<p>a &gt; b</p>");
        assert_eq!(md(">.<"), "<p>&gt;.&lt;</p>");
    }

    #[test]
    fn bullet_and_numbered_lists() {
        assert_eq!(
            md("Todo:\n* one\n- two\n\nafter"),
            "<p>Todo:</p><ul><li>one</li><li>two</li></ul><p>after</p>"
        );
        assert_eq!(md("1. a\n2. *b*"), "<ol><li>a</li><li><em>b</em></li></ol>");
        assert_eq!(
            md("3) c\n4) d"),
            r#"<ol start="3"><li>c</li><li>d</li></ol>"#
        );
        assert_eq!(
            md("- a\n  - a1\n  - a2\n- b"),
            "<ul><li>a<ul><li>a1</li><li>a2</li></ul></li><li>b</li></ul>"
        );
        assert_eq!(md("- a\n1. b"), "<ul><li>a</li></ul><ol><li>b</li></ol>");
        assert_eq!(
            md("- a\n  continued\n- b"),
            "<ul><li>a<br>continued</li><li>b</li></ul>"
        );
        // Not lists.
        assert_eq!(md("-1 degrees"), "<p>-1 degrees</p>");
        assert_eq!(md("**not** a list"), "<p><strong>not</strong> a list</p>");
        assert_eq!(md("- "), "<p>- </p>");
    }

    #[test]
    fn fenced_code_blocks() {
        assert_eq!(
            md("before\n```\nlet x = *y*; // <b>\n  indented\n```\nafter"),
            "<p>before</p><pre><code>let x = *y*; // &lt;b&gt;\n  indented</code></pre><p>after</p>"
        );
        assert_eq!(
            md("```rust\nfn main() {}\n```"),
            "<pre><code>fn main() {}</code></pre>"
        );
        assert_eq!(md("```x = 1```"), "<pre><code>x = 1</code></pre>");
        assert_eq!(
            md("```first line\nlast```"),
            "<pre><code>first line\nlast</code></pre>"
        );
        assert_eq!(
            md("> ```\n> a > b\n> ```"),
            "<blockquote><pre><code>a &gt; b</code></pre></blockquote>"
        );
        assert_eq!(
            md("```\n![:Person](5) [x](javascript:y)\n```"),
            "<pre><code>![:Person](5) [x](javascript:y)</code></pre>"
        );
    }

    // ------------------------------------------------------------------ mentions

    #[test]
    fn mentions_known_unknown_and_me() {
        let m = [
            person(11, "Alice Smith"),
            person(12, "Bob"),
            team(40, "Design"),
        ];
        let h = message("hi ![:Person](11), ![:Person](12) and ![:Team](40)", &m, 12);
        assert_eq!(
            h,
            r#"<p>hi <span class="mention" data-person="11">@Alice Smith</span>, <span class="mention me" data-person="12">@Bob</span> and <span class="mention team" data-team="40">@Design</span></p>"#
        );
        // Unknown ids, and a kind that does not match, show the id.
        let h = message("![:Person](99) ![:Team](11)", &m, 12);
        assert_eq!(
            h,
            r#"<p><span class="mention" data-person="99">@99</span> <span class="mention team" data-team="11">@11</span></p>"#
        );
    }

    #[test]
    fn mention_names_are_escaped() {
        let m = [person(5, "<img src=x onerror=alert(1)>")];
        let h = message("![:Person](5)", &m, 0);
        assert!(
            h.contains("@&lt;img src=x onerror=alert(1)&gt;</span>"),
            "{h}"
        );
        assert!(!h.contains("<img"));
    }

    #[test]
    fn mentions_inside_bold_quotes_and_lists() {
        let m = [person(7, "Carol")];
        let span = r#"<span class="mention" data-person="7">@Carol</span>"#;
        assert_eq!(
            message("**hey ![:Person](7)**", &m, 0),
            format!("<p><strong>hey {span}</strong></p>")
        );
        assert_eq!(
            message("> ![:Person](7) said", &m, 0),
            format!("<blockquote><p>{span} said</p></blockquote>")
        );
        assert_eq!(
            message("- ask ![:Person](7)", &m, 0),
            format!("<ul><li>ask {span}</li></ul>")
        );
    }

    #[test]
    fn malformed_mentions_stay_literal() {
        for t in [
            "![:Bogus](1)",
            "![:Person](x)",
            "![:Person](",
            "![:Person]",
            "![:Person](1234567890123456789)",
            "![:Person]()",
        ] {
            let h = md(t);
            assert!(!h.contains("mention"), "{t}: {h}");
        }
        assert_eq!(
            md("![:![:Person](5)"),
            r#"<p>![:<span class="mention" data-person="5">@5</span></p>"#
        );
    }

    // ------------------------------------------------------------------ plain

    #[test]
    fn plain_text_drops_markers() {
        let m = [person(7, "Carol"), team(8, "Ops")];
        assert_eq!(
            plain(
                "**Hi** ![:Person](7)\n\n> _quoted_ [link](https://x.example)\n- one\n- `two`\n```\ncode  here\n```",
                &m,
                200
            ),
            "Hi @Carol quoted link one two code here"
        );
        assert_eq!(plain("![:Team](8) ![:Team](9)", &m, 50), "@Ops @9");
        // Text, not HTML: the caller escapes.
        assert_eq!(plain("a < b & c", &[], 50), "a < b & c");
        assert_eq!(plain("  \n ", &[], 50), "");
    }

    #[test]
    fn plain_text_is_cut_with_an_ellipsis() {
        assert_eq!(plain("hello world", &[], 11), "hello world");
        assert_eq!(plain("hello world", &[], 7), "hello…");
        assert_eq!(plain("hello world", &[], 1), "…");
        assert_eq!(plain("hello world", &[], 0), "");
        let long = "ünïcödé ".repeat(100);
        let p = plain(&long, &[], 20);
        assert_eq!(p.chars().count(), 20);
        assert!(p.ends_with('…'));
    }

    // ------------------------------------------------------------------ hostile text

    #[test]
    fn hostile_text_stays_fast_and_balanced() {
        let cases = [
            "*a ".repeat(20_000),
            "**a ".repeat(20_000),
            "_a ".repeat(20_000),
            "[".repeat(50_000),
            "[a](".repeat(20_000),
            "`".repeat(50_000),
            "` ``".repeat(20_000),
            "![:".repeat(30_000),
            "![:Person](".repeat(10_000),
            "> ".repeat(10_000) + "deep",
            ">".repeat(50_000),
            "- ".repeat(5_000),
            (0..2_000)
                .map(|i| format!("{}- x\n", " ".repeat(i % 200)))
                .collect(),
            "```x\n".repeat(10_000),
            "http://".repeat(10_000),
            "https://x/".to_string() + &")".repeat(30_000),
            "*".repeat(10_000),
            "**x ".repeat(3_000) + &"x** ".repeat(3_000),
        ];
        for t in &cases {
            let start = std::time::Instant::now();
            let h = message(t, &[], 0);
            let p = plain(t, &[], 100);
            assert!(start.elapsed().as_secs() < 10, "too slow on {:?}", &t[..20]);
            assert!(p.chars().count() <= 100);
            for tag in [
                "p",
                "strong",
                "em",
                "u",
                "code",
                "a",
                "blockquote",
                "ul",
                "ol",
                "li",
                "pre",
                "span",
            ] {
                let opens =
                    h.matches(&format!("<{tag}>")).count() + h.matches(&format!("<{tag} ")).count();
                let closes = h.matches(&format!("</{tag}>")).count();
                assert_eq!(opens, closes, "<{tag}> unbalanced on {:?}", &t[..20]);
            }
        }
    }

    // ------------------------------------------------------------------ attachments

    #[test]
    fn no_attachments_no_html() {
        assert_eq!(attachments(&[]), "");
    }

    #[test]
    fn card_attachment() {
        let card = json!({
            "type": "Card",
            "fallback": "Something bad happened",
            "color": "#00ff2a",
            "intro": "Intro <b>",
            "author": {"name": "Ben", "uri": "https://example.com/ben", "iconUri": "https://example.com/ben.png"},
            "title": "I felt <something>",
            "text": "**as if** millions of _voices_",
            "imageUri": "https://example.com/img.gif",
            "thumbnailUri": "https://example.com/thumb.png",
            "fields": [
                {"title": "Where", "value": "Alderaan", "style": "Short"},
                {"title": "What", "value": "*Giant* explosion", "style": "Short"},
                {"title": "Long one", "value": "x"}
            ],
            "footnote": {"text": "Have a safe trip!", "iconUri": "https://example.com/f.png", "time": "2017-02-14T06:08:00Z"}
        });
        let h = attachments(&[card]);
        assert!(
            h.starts_with(r##"<div class="att att-card att-colored" data-color="#00ff2a">"##),
            "{h}"
        );
        assert!(
            h.contains(r#"<div class="att-intro">Intro &lt;b&gt;</div>"#),
            "{h}"
        );
        assert!(h.contains(r#"<div class="att-author"><img class="att-author-icon" src="https://example.com/ben.png" alt="" loading="lazy" referrerpolicy="no-referrer"><a class="att-author-name" href="https://example.com/ben" rel="noopener noreferrer nofollow" target="_blank">Ben</a></div>"#), "{h}");
        assert!(
            h.contains(r#"<img class="att-thumb" src="https://example.com/thumb.png""#),
            "{h}"
        );
        assert!(
            h.contains(r#"<div class="att-title">I felt &lt;something&gt;</div>"#),
            "{h}"
        );
        assert!(
            h.contains(
                r#"<div class="att-text"><strong>as if</strong> millions of <u>voices</u></div>"#
            ),
            "{h}"
        );
        assert!(h.contains(r#"<div class="att-fields"><div class="att-field short"><div class="att-field-title">Where</div><div class="att-field-value">Alderaan</div></div><div class="att-field short"><div class="att-field-title">What</div><div class="att-field-value"><em>Giant</em> explosion</div></div><div class="att-field long">"#), "{h}");
        assert!(
            h.contains(
                r#"<img class="att-image" src="https://example.com/img.gif" alt="" loading="lazy""#
            ),
            "{h}"
        );
        assert!(h.contains(r#"<div class="att-footnote"><img class="att-footnote-icon" src="https://example.com/f.png" alt="" loading="lazy" referrerpolicy="no-referrer"><span class="att-footnote-text">Have a safe trip!</span><time class="att-time" datetime="2017-02-14T06:08:00Z">Tue, Feb 14, 2017 06:08 UTC</time></div>"#), "{h}");
        assert!(!h.contains("att-fallback"), "{h}");
        assert!(h.ends_with("</div></div>"), "{h}");
    }

    #[test]
    fn card_colors_must_be_hex() {
        for (color, ok) in [
            ("#abc", true),
            ("#A1b2C3", true),
            ("Blue", false),
            ("#12345", false),
            ("#1234567", false),
            ("#abg", false),
            (r##"#abc" onload="x"##, false),
            ("red;background:url(x)", false),
        ] {
            let h = attachments(&[json!({"type": "Card", "title": "t", "color": color})]);
            assert_eq!(h.contains("data-color"), ok, "{color}: {h}");
            assert_eq!(h.contains("att-colored"), ok, "{color}: {h}");
            assert_inert(&h);
        }
        let h = attachments(&[json!({"type": "Card", "title": "t", "color": 123})]);
        assert!(!h.contains("data-color"));
    }

    #[test]
    fn card_urls_must_be_http() {
        let h = attachments(&[json!({
            "type": "Card",
            "author": {"name": "x", "uri": "javascript:alert(1)", "iconUri": "data:image/png;base64,AAAA"},
            "imageUri": "javascript:alert(1)",
            "thumbnailUri": "//evil.example/x.png",
            "text": "[a](javascript:alert(1))",
            "footnote": {"iconUri": "vbscript:x"}
        })]);
        assert!(!h.contains("<img"), "{h}");
        assert!(!h.contains("<a"), "{h}");
        assert!(
            h.contains(r#"<span class="att-author-name">x</span>"#),
            "{h}"
        );
        assert_inert(&h);
    }

    #[test]
    fn card_with_only_a_fallback_and_cards_without_type() {
        let h = attachments(&[json!({"type": "Card", "fallback": "Plain <fallback>"})]);
        assert_eq!(
            h,
            r#"<div class="att att-card"><div class="att-fallback">Plain &lt;fallback&gt;</div></div>"#
        );
        let h = attachments(&[json!({"title": "just a card"})]);
        assert_eq!(
            h,
            r#"<div class="att att-card"><div class="att-title">just a card</div></div>"#
        );
        // Legacy `short: true` fields, and `body` for the text.
        let h = attachments(&[
            json!({"body": "b", "fields": [{"title": "a", "value": 5, "short": true}]}),
        ]);
        assert!(h.contains(r#"<div class="att-text">b</div>"#), "{h}");
        assert!(h.contains(r#"<div class="att-field short"><div class="att-field-title">a</div><div class="att-field-value">5</div></div>"#), "{h}");
    }

    #[test]
    fn event_attachment() {
        let h = attachments(&[json!({
            "type": "Event",
            "title": "Standup <daily>",
            "startTime": "2024-05-01T09:00:00Z",
            "endTime": "2024-05-01T09:15:00+00:00",
            "recurrence": "Weekday",
            "location": "Room 1",
            "color": "#123456",
            "description": "Bring **notes**"
        })]);
        assert!(h.starts_with(r##"<div class="att att-event att-colored" data-color="#123456"><div class="att-event-title">Standup &lt;daily&gt;</div>"##), "{h}");
        assert!(h.contains(r#"<div class="att-event-when"><time class="att-time" datetime="2024-05-01T09:00:00Z">Wed, May 1, 2024 09:00 UTC</time> – <time class="att-time" datetime="2024-05-01T09:15:00Z">Wed, May 1, 2024 09:15 UTC</time></div>"#), "{h}");
        assert!(
            h.contains(r#"<div class="att-event-recurrence">Repeats every weekday</div>"#),
            "{h}"
        );
        assert!(
            h.contains(r#"<div class="att-event-location">Room 1</div>"#),
            "{h}"
        );
        assert!(
            h.contains(r#"<div class="att-event-description">Bring <strong>notes</strong></div>"#),
            "{h}"
        );

        let h = attachments(&[json!({
            "type": "Event", "title": "Holiday", "startTime": "2024-12-25", "endTime": "2024-12-25",
            "allDay": true, "recurrence": "None"
        })]);
        assert!(h.contains(r#"<div class="att-event-when"><time class="att-time" datetime="2024-12-25">Wed, Dec 25, 2024</time> <span class="att-event-allday">All day</span></div>"#), "{h}");
        assert!(!h.contains("recurrence"), "{h}");

        // Unix times, garbage times, wrong types.
        let h = attachments(&[
            json!({"type": "Event", "startTime": 1714554000, "endTime": "soon <b>", "allDay": "yes"}),
        ]);
        assert!(
            h.contains(r#"<div class="att-event-title">Event</div>"#),
            "{h}"
        );
        assert!(h.contains(r#"datetime="2024-05-01T09:00:00Z""#), "{h}");
        assert!(
            h.contains(r#"<span class="att-time">soon &lt;b&gt;</span>"#),
            "{h}"
        );
        assert!(!h.contains("All day"), "{h}");
        let h = attachments(&[json!({"type": "Event", "startTime": 1714554000123i64})]);
        assert!(h.contains(r#"datetime="2024-05-01T09:00:00.123Z""#), "{h}");
    }

    #[test]
    fn note_attachment() {
        let h = attachments(&[
            json!({"type": "Note", "title": "Minutes", "body": "We *agreed*\n\n- a\n- b"}),
        ]);
        assert_eq!(
            h,
            r#"<div class="att att-note"><div class="att-note-title">Minutes</div><div class="att-note-body"><p>We <em>agreed</em></p><ul><li>a</li><li>b</li></ul></div></div>"#
        );
        // A body written as HTML shows as text.
        let h = attachments(&[
            json!({"type": "Note", "body": "<p>Hello &amp; <b>bye</b></p><script>alert(1)</script><ul><li>x</li></ul>"}),
        ]);
        assert!(
            h.contains(r#"<div class="att-note-title">Note</div>"#),
            "{h}"
        );
        assert!(h.contains("<p>Hello &amp; bye</p>"), "{h}");
        assert!(h.contains("<li>x</li>"), "{h}");
        assert!(!h.contains("alert"), "{h}");
        assert_inert(&h);
        // Hostile markup stays linear and inert.
        let body = "</p>".to_string() + &"<".repeat(100_000) + &"<a>&amp;".repeat(10_000);
        let h = attachments(&[json!({"type": "Note", "body": body})]);
        assert!(h.ends_with("</div></div>"));
        assert!(!h.contains("<a>"));
    }

    #[test]
    fn unknown_and_malformed_attachments() {
        let h = attachments(&[
            json!({"type": "File", "name": "x"}),
            json!({"type": 7}),
            json!(1),
            json!("card"),
            json!(null),
            json!([{"type": "Card"}]),
        ]);
        assert_eq!(
            h,
            r#"<div class="att att-unsupported">Unsupported attachment</div>"#.repeat(6)
        );
        // Every field of the wrong type.
        let h = attachments(&[
            json!({"type": "Card", "title": 5, "text": ["x"], "fields": "x", "author": [1], "color": 7,
                   "footnote": "f", "imageUri": {"u": 1}, "intro": null, "fallback": false}),
            json!({"type": "Card", "fields": [1, null, "x", {"title": {}, "value": []}], "author": {"name": 3}}),
            json!({"type": "Event", "title": [], "startTime": {}, "endTime": [1], "location": 1, "description": {}}),
            json!({"type": "Note", "title": 1, "body": 2}),
            json!({"type": "AdaptiveCard", "body": {"a": 1}, "actions": "x"}),
            json!({"type": "AdaptiveCard", "body": [1, "x", null, [], {"type": 5}, {"type": "TextBlock", "text": {}}]}),
        ]);
        assert_eq!(h.matches(r#"<div class="att "#).count(), 6, "{h}");
        assert_inert(&h);
    }

    // ------------------------------------------------------------------ adaptive cards

    fn ac(body: Value) -> String {
        attachments(&[json!({"type": "AdaptiveCard", "version": "1.2", "body": body})])
    }

    #[test]
    fn adaptive_text_blocks() {
        let h = ac(json!([
            {"type": "TextBlock", "text": "Hello **world** _it_ [a](https://x.example)", "size": "Large", "weight": "bolder", "color": "Good", "isSubtle": true, "wrap": true},
            {"type": "TextBlock", "text": "- one\r- two", "fontType": "Monospace", "horizontalAlignment": "center", "size": "extraLarge"},
            {"type": "TextBlock", "text": "<script>x</script>", "size": "huge", "color": "red\" onclick=\"x"},
            {"type": "TextBlock", "text": "hidden", "isVisible": false},
            {"type": "TextBlock", "text": 42}
        ]));
        assert!(
            h.starts_with(r#"<div class="att att-adaptive ac-card">"#),
            "{h}"
        );
        assert!(h.contains(r#"<div class="ac-text size-large weight-bolder color-good subtle wrap">Hello <strong>world</strong> <em>it</em> <a href="https://x.example" rel="noopener noreferrer nofollow" target="_blank">a</a></div>"#), "{h}");
        assert!(h.contains(r#"<div class="ac-text size-extralarge mono align-center"><ul><li>one</li><li>two</li></ul></div>"#), "{h}");
        assert!(
            h.contains(r#"<div class="ac-text">&lt;script&gt;x&lt;/script&gt;</div>"#),
            "{h}"
        );
        assert!(!h.contains("hidden"), "{h}");
        assert!(h.contains(r#"<div class="ac-text">42</div>"#), "{h}");
        assert_inert(&h);
    }

    #[test]
    fn adaptive_date_and_time_functions() {
        let h = ac(
            json!([{"type": "TextBlock", "text": "On {{DATE(2017-02-14T06:08:00Z, SHORT)}} at {{TIME(2017-02-14T06:08:00Z)}}; {{DATE(bad)}} {{x"}]),
        );
        assert!(
            h.contains("On Tue, Feb 14, 2017 at 06:08 UTC; {{DATE(bad)}} {{x"),
            "{h}"
        );
    }

    #[test]
    fn adaptive_rich_text() {
        let h = ac(
            json!([{"type": "RichTextBlock", "horizontalAlignment": "right", "inlines": [
                "plain <b> ",
                {"type": "TextRun", "text": "bold", "weight": "Bolder", "color": "attention"},
                {"type": "TextRun", "text": "it", "italic": true, "strikethrough": true, "isSubtle": true},
                {"type": "TextRun", "text": "go", "selectAction": {"type": "Action.OpenUrl", "url": "https://x.example"}},
                {"type": "TextRun", "text": "no", "selectAction": {"type": "Action.OpenUrl", "url": "javascript:x"}},
                {"type": "Image", "url": "https://x.example/i.png"},
                5
            ]}]),
        );
        assert!(h.contains(r#"<div class="ac-richtext align-right">plain &lt;b&gt; <span class="ac-run color-attention"><strong>bold</strong></span><span class="ac-run subtle"><s><em>it</em></s></span><a class="ac-run-link" href="https://x.example" rel="noopener noreferrer nofollow" target="_blank"><span class="ac-run">go</span></a><span class="ac-run">no</span></div>"#), "{h}");
        assert!(!h.contains("<img"), "{h}");
    }

    #[test]
    fn adaptive_images() {
        let h = ac(json!([
            {"type": "Image", "url": "https://x.example/a.png", "altText": "A \"pic\"", "size": "Small", "style": "Person"},
            {"type": "Image", "url": "data:image/png;base64,iVBORw0KGgo="},
            {"type": "Image", "url": "data:image/svg+xml;base64,PHN2Zz4="},
            {"type": "Image", "url": "data:image/png;base64,<script>"},
            {"type": "Image", "url": "javascript:alert(1)"},
            {"type": "Image", "url": "https://x.example/b.png", "selectAction": {"type": "Action.OpenUrl", "url": "https://x.example"}},
            {"type": "ImageSet", "imageSize": "medium", "images": [{"type": "Image", "url": "https://x.example/c.png"}, {"url": 5}, 7]}
        ]));
        assert!(h.contains(r#"<img class="ac-image size-small person" src="https://x.example/a.png" alt="A &quot;pic&quot;" loading="lazy" referrerpolicy="no-referrer">"#), "{h}");
        assert!(
            h.contains(r#"src="data:image/png;base64,iVBORw0KGgo=""#),
            "{h}"
        );
        assert_eq!(h.matches("<img").count(), 4, "{h}");
        assert!(h.contains(r#"<a class="ac-image-link" href="https://x.example" rel="noopener noreferrer nofollow" target="_blank"><img class="ac-image" src="https://x.example/b.png""#), "{h}");
        assert!(h.contains(r#"<div class="ac-imageset"><img class="ac-image size-medium" src="https://x.example/c.png""#), "{h}");
        assert_inert(&h);
    }

    #[test]
    fn adaptive_fact_sets_and_layout() {
        let h = ac(json!([
            {"type": "FactSet", "facts": [{"title": "Due", "value": "**today**"}, {"title": "Count", "value": 3}, "x", {"a": 1}]},
            {"type": "Container", "style": "emphasis", "items": [{"type": "TextBlock", "text": "in"}]},
            {"type": "Container", "items": []},
            {"type": "ColumnSet", "columns": [
                {"type": "Column", "width": "auto", "items": [{"type": "TextBlock", "text": "a"}]},
                {"type": "Column", "width": 2, "style": "good", "items": [{"type": "TextBlock", "text": "b"}]},
                {"type": "Column", "width": "80px", "items": []},
                {"type": "Column", "width": "stretch"},
                {"type": "Column", "width": "\"><script>"},
                {"type": "Column", "width": 1e300},
                {"type": "Column", "isVisible": false, "items": [{"type": "TextBlock", "text": "gone"}]}
            ]}
        ]));
        assert!(h.contains(r#"<dl class="ac-factset"><dt>Due</dt><dd><strong>today</strong></dd><dt>Count</dt><dd>3</dd></dl>"#), "{h}");
        assert!(
            h.contains(
                r#"<div class="ac-container style-emphasis"><div class="ac-text">in</div></div>"#
            ),
            "{h}"
        );
        assert_eq!(h.matches("ac-container").count(), 1, "{h}");
        assert!(h.contains(r#"<div class="ac-columnset"><div class="ac-column w-auto"><div class="ac-text">a</div></div><div class="ac-column w-weight style-good" data-weight="2"><div class="ac-text">b</div></div><div class="ac-column w-px" data-px="80"></div><div class="ac-column w-stretch"></div><div class="ac-column w-stretch"></div><div class="ac-column w-stretch"></div></div>"#), "{h}");
        assert!(!h.contains("gone"), "{h}");
        assert_inert(&h);
    }

    #[test]
    fn adaptive_inputs_are_disabled() {
        let h = ac(json!([
            {"type": "Input.Text", "id": "a", "label": "Name", "placeholder": "Your \"name\"", "value": "Bo<b>"},
            {"type": "Input.Text", "id": "b", "isMultiline": true, "value": "</textarea><script>"},
            {"type": "Input.Number", "id": "c", "value": 5, "label": "N"},
            {"type": "Input.Number", "id": "c2", "value": "five"},
            {"type": "Input.Date", "id": "d", "value": "2024-05-01"},
            {"type": "Input.Time", "id": "e", "value": "09:30"},
            {"type": "Input.Toggle", "id": "f", "title": "Agree", "value": "yes", "valueOn": "yes"},
            {"type": "Input.ChoiceSet", "id": "g", "label": "Pick", "value": "2", "choices": [{"title": "One", "value": "1"}, {"title": "Two", "value": "2"}, 3]},
            {"type": "Input.ChoiceSet", "id": "h", "isMultiSelect": true, "value": "1,2", "choices": [{"title": "One", "value": "1"}, {"title": "Two", "value": "2"}, {"title": "Three", "value": "3"}]},
            {"type": "Input.ChoiceSet", "id": "i", "style": "expanded", "choices": [{"title": "A", "value": "a"}]}
        ]));
        assert!(h.contains(r#"<div class="ac-input"><label><span class="ac-label">Name</span><input type="text" disabled placeholder="Your &quot;name&quot;" value="Bo&lt;b&gt;"></label></div>"#), "{h}");
        assert!(
            h.contains(r#"<textarea disabled>&lt;/textarea&gt;&lt;script&gt;</textarea>"#),
            "{h}"
        );
        assert!(
            h.contains(r#"<input type="number" disabled value="5">"#),
            "{h}"
        );
        assert!(h.contains(r#"<input type="number" disabled>"#), "{h}");
        assert!(
            h.contains(r#"<input type="date" disabled value="2024-05-01">"#),
            "{h}"
        );
        assert!(
            h.contains(r#"<input type="time" disabled value="09:30">"#),
            "{h}"
        );
        assert!(
            h.contains(r#"<input type="checkbox" disabled checked> Agree"#),
            "{h}"
        );
        assert!(h.contains(r#"<label><span class="ac-label">Pick</span><select disabled><option>One</option><option selected>Two</option></select></label>"#), "{h}");
        assert!(h.contains(r#"<div class="ac-choices"><label class="ac-choice"><input type="checkbox" disabled checked> One</label><label class="ac-choice"><input type="checkbox" disabled checked> Two</label><label class="ac-choice"><input type="checkbox" disabled> Three</label></div>"#), "{h}");
        assert!(
            h.contains(r#"<label class="ac-choice"><input type="radio" disabled> A</label>"#),
            "{h}"
        );
        assert_eq!(
            h.matches("<input").count(),
            h.matches("<input type=\"").count()
        );
        for control in ["<input", "<select", "<textarea"] {
            for (k, _) in h.match_indices(control) {
                let tag_end = k + h[k..].find('>').unwrap();
                assert!(h[k..tag_end].contains(" disabled"), "{}", &h[k..tag_end]);
            }
        }
        assert!(!h.contains("<script"), "{h}");
    }

    #[test]
    fn adaptive_actions() {
        let h = attachments(&[json!({
            "type": "AdaptiveCard",
            "body": [{"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "Approve", "style": "positive"}]}],
            "actions": [
                {"type": "Action.OpenUrl", "title": "Open <it>", "url": "https://x.example/a?b=1&c=2"},
                {"type": "Action.OpenUrl", "title": "Bad", "url": "javascript:alert(1)"},
                {"type": "Action.Execute", "title": "Run", "verb": "x"},
                {"type": "Action.ToggleVisibility", "title": "More", "targetElements": ["a"]},
                {"type": "Action.ShowCard", "title": "Comment", "card": {"type": "AdaptiveCard", "body": [{"type": "Input.Text", "id": "c"}], "actions": [{"type": "Action.Submit", "title": "OK"}]}},
                {"type": "Action.Future", "title": "x", "fallback": {"type": "Action.OpenUrl", "title": "Fallback", "url": "https://x.example/f"}},
                {"type": "Action.Future", "title": "dropped", "fallback": "drop"},
                {"type": "Action.Future", "title": "none"},
                "junk"
            ]
        })]);
        let hint = r#"title="Open this card in a bot-enabled client to respond""#;
        assert!(h.contains(&format!(r#"<div class="ac-actions"><button type="button" class="ac-action positive" disabled {hint}>Approve</button></div>"#)), "{h}");
        assert!(h.contains(r#"<a class="ac-action" href="https://x.example/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">Open &lt;it&gt;</a>"#), "{h}");
        assert!(
            h.contains(r#"<button type="button" class="ac-action" disabled>Bad</button>"#),
            "{h}"
        );
        assert!(
            h.contains(&format!(
                r#"<button type="button" class="ac-action" disabled {hint}>Run</button>"#
            )),
            "{h}"
        );
        assert!(
            h.contains(r#"<button type="button" class="ac-action" disabled>More</button>"#),
            "{h}"
        );
        assert!(h.contains(&format!(r#"<details class="ac-showcard"><summary class="ac-action">Comment</summary><div class="ac-card ac-subcard"><div class="ac-input"><label><input type="text" disabled></label></div><div class="ac-actions"><button type="button" class="ac-action" disabled {hint}>OK</button></div></div></details>"#)), "{h}");
        assert!(h.contains(r#">Fallback</a>"#), "{h}");
        assert!(!h.contains("dropped") && !h.contains(">none<"), "{h}");
        assert_inert(&h);
    }

    #[test]
    fn adaptive_unknown_elements_use_their_fallback() {
        let h = ac(json!([
            {"type": "Carousel", "fallback": {"type": "TextBlock", "text": "instead"}},
            {"type": "Icon", "fallback": "drop"},
            {"type": "Badge"},
            {"type": "Chart", "fallback": {"type": "Chart2", "fallback": {"type": "TextBlock", "text": "deeper"}}}
        ]));
        assert_eq!(
            h,
            r#"<div class="att att-adaptive ac-card"><div class="ac-text">instead</div><div class="ac-text">deeper</div></div>"#
        );
        // Nothing renderable: the card's fallback text.
        let h = attachments(&[
            json!({"type": "AdaptiveCard", "body": [{"type": "Badge"}], "fallbackText": "Upgrade"}),
        ]);
        assert!(
            h.contains(r#"<div class="ac-fallback-text">Upgrade</div>"#),
            "{h}"
        );
    }

    #[test]
    fn adaptive_media() {
        let h = ac(
            json!([{"type": "Media", "poster": "https://x.example/p.png", "altText": "Clip",
            "sources": [{"mimeType": "video/mp4", "url": "javascript:x"}, {"mimeType": "video/mp4", "url": "https://x.example/v.mp4"}]}]),
        );
        assert!(h.contains(r#"<div class="ac-media"><img class="ac-media-poster" src="https://x.example/p.png" alt="Clip""#), "{h}");
        assert!(h.contains(r#"<a class="ac-media-link" href="https://x.example/v.mp4" rel="noopener noreferrer nofollow" target="_blank">Clip</a></div>"#), "{h}");
    }

    #[test]
    fn adaptive_nesting_is_depth_limited() {
        let mut el = json!({"type": "TextBlock", "text": "bottom"});
        for _ in 0..100 {
            el = json!({"type": "Container", "items": [el]});
        }
        let h = ac(json!([el]));
        assert!(!h.contains("bottom"), "rendered past the depth limit");
        assert!(h.matches("ac-container").count() <= MAX_AC_DEPTH);
        // A fallback chain and nested shown cards are limited too.
        let mut fb = json!({"type": "TextBlock", "text": "end"});
        for _ in 0..100 {
            fb = json!({"type": "Nope", "fallback": fb});
        }
        assert!(!ac(json!([fb])).contains("end"));
        let mut card =
            json!({"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "inner"}]});
        for _ in 0..50 {
            card = json!({"type": "AdaptiveCard", "actions": [{"type": "Action.ShowCard", "title": "s", "card": card}]});
        }
        let h = attachments(&[card]);
        assert!(!h.contains("inner"));
        let opens = h.matches("<details").count();
        assert_eq!(opens, h.matches("</details>").count());
        assert!(opens <= MAX_AC_DEPTH);
    }

    #[test]
    fn huge_attachments_are_capped() {
        let body: Vec<Value> = (0..200_000)
            .map(|i| json!({"type": "TextBlock", "text": format!("line {i} with some text")}))
            .collect();
        let h = ac(Value::Array(body));
        assert!(h.len() < MAX_ATT_HTML + 64 * 1024, "{}", h.len());
        assert!(h.ends_with(
            r#"<div class="att att-truncated">Part of this message is too large to show.</div>"#
        ));
        assert_eq!(h.matches("<div").count(), h.matches("</div>").count());

        let big = "x".repeat(2_000_000);
        let h = attachments(&[
            json!({"type": "Card", "text": big, "title": big, "fields": [{"value": big}, {"value": big}, {"value": big}]}),
        ]);
        assert!(h.len() < 200_000, "{}", h.len());

        let text = "{{DATE(".repeat(2_500) + &"{{TIME(2017-02-14T06:08:00Z)}}".repeat(10);
        let h = ac(json!([{"type": "TextBlock", "text": text}]));
        assert!(h.contains("06:08 UTC"));

        let data = format!("data:image/png;base64,{}", "A".repeat(MAX_DATA_URL_LEN));
        assert!(!ac(json!([{"type": "Image", "url": data}])).contains("<img"));

        let many: Vec<Value> = (0..100_000)
            .map(|_| json!({"type": "Card", "title": "t"}))
            .collect();
        let h = attachments(&many);
        assert!(h.len() < MAX_ATT_HTML + 64 * 1024);
        assert!(h.contains("att-truncated"));

        let facts: Vec<Value> = (0..100_000)
            .map(|i| json!({"title": i, "value": i}))
            .collect();
        let h = ac(json!([{"type": "FactSet", "facts": facts}]));
        assert!(h.contains("att-truncated"));
        assert_eq!(h.matches("<dl").count(), h.matches("</dl>").count());
    }
}
