//! Rendering of message text and attachments to HTML for the browser client. Pure: no I/O.
//!
//! - [`markdown`]: blocks (paragraphs, quotes, lists, code) and the [`markdown::Out`] writer;
//!   [`inline`]: emphasis, code spans, links, bare URLs and mentions inside a block;
//! - [`cards`]: the attachments (`Card`, `Event`, `Note`) and their budget ([`cards::Att`]);
//!   [`adaptive`]: Adaptive Cards; [`values`]: reading their JSON and checking URLs and colours.
//!
//! The output is inserted into pages as HTML, so:
//! - every piece of user text is escaped: attachments are maud templates (`html!` escapes every
//!   value), and the markdown writer ([`markdown::Out`]) escapes all text it is given and writes
//!   only its own handful of fixed tags;
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

mod adaptive;
mod cards;
mod inline;
mod limits;
mod markdown;
mod out;
mod values;

#[cfg(test)]
mod tests;

use maud::{Markup, PreEscaped};
use openglip_domain::Mention;
use serde_json::Value;

use limits::{MAX_MESSAGE_CHARS, NOBODY};
use markdown::render_text;
use out::{Ctx, Flavor};
use values::{clip, truncate};

/// A message's text (RingCentral mini-markdown with mention markup) as HTML: inline elements and
/// `<p>`, `<blockquote>`, `<ul>/<ol>` blocks. `me` is the reader's extension id (their mentions
/// get class "me").
pub fn message(text: &str, mentions: &[Mention], me: i64) -> Markup {
    let ctx = Ctx {
        mentions,
        me,
        flavor: Flavor::Glip,
        html: true,
    };
    PreEscaped(render_text(&clip(text, MAX_MESSAGE_CHARS), &ctx))
}

/// The text as plain text (markdown markers removed, mentions as "@Name"), for previews,
/// reply quotes and desktop notifications; collapsed whitespace, cut to `max_chars` with "…".
///
/// The result is text, not HTML: a template escapes it like any other value.
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

/// A post's attachments as HTML (`<div class="att …">` per attachment), empty when none.
pub fn attachments(items: &[Value]) -> Markup {
    cards::Att::default().all(items)
}
