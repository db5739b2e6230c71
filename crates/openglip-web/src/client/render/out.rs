//! What rendering a text knows ([`Ctx`]: the post's mentions, the reader, the flavour of
//! markdown) and where it writes ([`Out`]: HTML whose text is escaped as it is written and whose
//! tags are the renderer's own, or plain text for previews).

use std::fmt::Write as _;

use openglip_domain::Mention;

/// Which markdown: RingCentral's, or Adaptive Cards'.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    /// RingCentral's: `_x_` underlines.
    Glip,
    /// Adaptive cards': `_x_` is italic.
    Adaptive,
}

/// What rendering a text needs to know.
pub(super) struct Ctx<'a> {
    /// The mentions of the post, for the names of `![:Person](id)`.
    pub mentions: &'a [Mention],
    /// The reader (their mentions are marked).
    pub me: i64,
    pub flavor: Flavor,
    /// HTML, or plain text (no tags, nothing escaped).
    pub html: bool,
}

/// The output of the markdown renderer: HTML whose text is escaped as it is written and whose
/// tags are the renderer's own (`&'static str`), or, for previews, plain text without tags.
pub(super) struct Out {
    buf: String,
    html: bool,
}

impl Out {
    pub fn new(html: bool, capacity: usize) -> Out {
        Out {
            buf: String::with_capacity(capacity),
            html,
        }
    }

    pub fn is_html(&self) -> bool {
        self.html
    }

    /// Text: escaped in HTML, as it is in plain text.
    pub fn text(&mut self, s: &str) {
        if self.html {
            // Writing into a `String` cannot fail.
            let _ = maud::Escaper::new(&mut self.buf).write_str(s);
        } else {
            self.buf.push_str(s);
        }
    }

    /// One of the renderer's tags (nothing in plain text).
    pub fn tag(&mut self, tag: &'static str) {
        if self.html {
            self.buf.push_str(tag);
        }
    }

    /// `tag` in HTML, `plain` in plain text (what ends a block, or a line).
    pub fn either(&mut self, tag: &'static str, plain: &'static str) {
        self.buf.push_str(if self.html { tag } else { plain });
    }

    /// `<ol start="n">`: a numbered list that does not start at 1.
    pub fn ol_from(&mut self, n: u32) {
        if self.html {
            let _ = write!(self.buf, r#"<ol start="{n}">"#);
        }
    }

    /// A template's output (it escaped what it holds); nothing in plain text.
    pub fn markup(&mut self, m: maud::Markup) {
        if self.html {
            self.buf.push_str(&m.0);
        }
    }

    pub fn into_string(self) -> String {
        self.buf
    }
}
