//! [`Table`]: column headers, rows, and what to say when there are none.

use maud::{Markup, Render, html};

/// A table of records: header cells, one row of cells (`td`s) per record, a caption for
/// screen readers, and an empty state instead of a headed table with no rows.
///
/// ```
/// use openglip_webkit::html::Table;
/// let apps = ["Travel bot", "<b>Ops</b>"];
/// let t = Table::new(&["App"])
///     .caption("Your apps")
///     .rows(apps.iter().map(|a| maud::html! { td { (a) } }))
///     .empty(maud::html! { "No apps yet." });
/// let html = maud::Render::render(&t).0;
/// assert!(html.contains("<td>&lt;b&gt;Ops&lt;/b&gt;</td>"));
/// ```
#[derive(Debug, Clone)]
pub struct Table<'a> {
    headers: &'a [&'a str],
    caption: Option<&'a str>,
    rows: Vec<Markup>,
    empty: Markup,
}

impl<'a> Table<'a> {
    pub fn new(headers: &'a [&'a str]) -> Table<'a> {
        Table {
            headers,
            caption: None,
            rows: vec![],
            empty: html! { "Nothing here yet." },
        }
    }

    /// A caption, visually hidden (the heading above usually says it).
    pub fn caption(mut self, caption: &'a str) -> Self {
        self.caption = Some(caption);
        self
    }

    /// The rows, each the cells of one record.
    pub fn rows(mut self, rows: impl IntoIterator<Item = Markup>) -> Self {
        self.rows = rows.into_iter().collect();
        self
    }

    /// What to show when there are no rows (a sentence, maybe a button).
    pub fn empty(mut self, empty: Markup) -> Self {
        self.empty = empty;
        self
    }
}

impl Render for Table<'_> {
    fn render(&self) -> Markup {
        html! {
            @if self.rows.is_empty() {
                div.empty { (self.empty) }
            } @else {
                div.table-wrap {
                    table {
                        @if let Some(c) = self.caption { caption.vh { (c) } }
                        thead { tr { @for h in self.headers { th scope="col" { (h) } } } }
                        tbody { @for r in &self.rows { tr { (r) } } }
                    }
                }
            }
        }
    }
}
