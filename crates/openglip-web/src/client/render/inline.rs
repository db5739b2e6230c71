//! Mini-markdown inside a block: `*italics*`, `**bold**`, `_underline_` (italics in Adaptive
//! Cards), `` `code` ``, `[links](https://…)`, bare `http(s)://` URLs, backslash escapes, line
//! breaks and mention markup (`![:Person](123)`, `![:Team](456)`). Emphasis markers must sit at
//! word boundaries; a marker without its closing one stays literal. Failed searches for a closing
//! marker are remembered, so hostile input stays linear.

use std::borrow::Cow;

use maud::{PreEscaped, html};
use openglip_domain::MentionType;

use super::limits::{MAX_INLINE_DEPTH, MAX_URL_LEN};
use super::out::{Ctx, Flavor, Out};
use super::values::{link_url, starts_ci};

/// What every link of a message carries.
pub(super) const LINK_REL: &str = "noopener noreferrer nofollow";

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

pub(super) fn inline(text: &str, ctx: &Ctx, out: &mut Out) {
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
    fn text(&self, from: usize, to: usize, out: &mut Out) {
        if from < to {
            out.text(&self.s[from..to]);
        }
    }

    /// Renders `s[start..end]`. `lit` marks where pending literal text starts; every position it
    /// and `i` stop at is an ASCII marker or a region boundary, hence a char boundary.
    fn run(&mut self, start: usize, end: usize, depth: usize, in_link: bool, out: &mut Out) {
        let s = self.s;
        let b = s.as_bytes();
        let mut i = start;
        let mut lit = start;
        while i < end {
            match b[i] {
                b'\n' => {
                    self.text(lit, i, out);
                    out.either("<br>", " ");
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
                            out.tag("<code>");
                            out.text(code);
                            out.tag("</code>");
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
                            if out.is_html() {
                                let mut label = Out::new(true, label_end - i);
                                self.run(i + 1, label_end, depth + 1, true, &mut label);
                                let label = PreEscaped(label.into_string());
                                out.markup(html! {
                                    a href=(url) rel=(LINK_REL) target="_blank" { (label) }
                                });
                            } else {
                                self.run(i + 1, label_end, depth + 1, true, out);
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
                        out.tag(open_tag);
                        self.run(i + k, close, depth + 1, in_link, out);
                        out.tag(close_tag);
                        i = close + k;
                        lit = i;
                    }
                    Err(next) => i = next,
                },
                b'h' | b'H' if !in_link => match self.autolink(i, end) {
                    Ok(stop) => {
                        self.text(lit, i, out);
                        let url = &s[i..stop];
                        if out.is_html() {
                            out.markup(
                                html! { a href=(url) rel=(LINK_REL) target="_blank" { (url) } },
                            );
                        } else {
                            out.text(url);
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

    fn mention(&self, kind: MentionType, id: i64, out: &mut Out) {
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
        if !out.is_html() {
            out.text("@");
            out.text(&shown);
            return;
        }
        out.markup(match kind {
            MentionType::Person => html! {
                span.mention.me[id == self.ctx.me] data-person=(id) { "@" (shown) }
            },
            MentionType::Team => html! { span.mention.team data-team=(id) { "@" (shown) } },
        });
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
