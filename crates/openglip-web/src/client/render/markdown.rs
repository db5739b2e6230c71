//! Mini-markdown's blocks: paragraphs (a blank line between), `>` quotes (nested by `>>`), `*`,
//! `-` and numbered lists (nested by indentation, with continuation lines) and fenced code; the
//! text of each block is [`super::inline`]'s. The output goes through [`Out`], which escapes
//! every piece of text it is given and writes only the fixed tags of this renderer.

use std::borrow::Cow;

use super::inline::inline;
use super::limits::{MAX_BLOCK_DEPTH, MAX_TEXT_CHARS, NOBODY};
use super::out::{Ctx, Flavor, Out};
use super::values::clip;

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
pub(super) fn md_unwrapped(text: &str, flavor: Flavor) -> maud::Markup {
    let html = render_text(&clip(text, MAX_TEXT_CHARS), &card_ctx(flavor));
    // User text is escaped, so every "<p>" here is one of ours.
    maud::PreEscaped(
        if html.starts_with("<p>") && html.ends_with("</p>") && html.matches("<p>").count() == 1 {
            html[3..html.len() - 4].to_string()
        } else {
            html
        },
    )
}

/// `text` as HTML (or plain text, as `ctx` says).
pub(super) fn render_text(text: &str, ctx: &Ctx) -> String {
    let text: Cow<str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Out::new(ctx.html, text.len() + text.len() / 4 + 16);
    blocks(&lines, ctx, 0, &mut out);
    out.into_string()
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

fn blocks(lines: &[&str], ctx: &Ctx, depth: usize, out: &mut Out) {
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
                code_block(&[code], out);
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
                    code_block(&code, out);
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
            out.tag("<blockquote>");
            blocks(&inner, ctx, depth + 1, out);
            out.either("</blockquote>", "\n");
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
        out.tag("<p>");
        inline(&para, ctx, out);
        out.either("</p>", "\n");
    }
}

fn code_block(lines: &[&str], out: &mut Out) {
    out.tag("<pre><code>");
    out.text(&lines.join("\n"));
    out.either("</code></pre>", "\n");
}

fn list(items: &[Item], ctx: &Ctx, depth: usize, out: &mut Out) {
    let mut i = 0;
    while i < items.len() {
        let base = items[i].indent;
        let ordered = items[i].ordered;
        match (ordered, items[i].number) {
            (false, _) => out.tag("<ul>"),
            (true, 1) => out.tag("<ol>"),
            (true, n) => out.ol_from(n),
        }
        while i < items.len()
            && items[i].ordered == ordered
            && (items[i].indent < base + 2 || depth >= MAX_BLOCK_DEPTH)
        {
            out.tag("<li>");
            inline(&items[i].lines.join("\n"), ctx, out);
            if !out.is_html() {
                out.text("\n");
            }
            i += 1;
            let children = i;
            while depth < MAX_BLOCK_DEPTH && i < items.len() && items[i].indent >= base + 2 {
                i += 1;
            }
            if i > children {
                list(&items[children..i], ctx, depth + 1, out);
            }
            out.tag("</li>");
        }
        out.tag(if ordered { "</ol>" } else { "</ul>" });
    }
}
