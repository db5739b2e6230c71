//! Dialogs: [`Dialog`], a native `<dialog>` opened by a button or link (script), and
//! [`ConfirmForm`], a form whose button asks first ("Disable Bob?") before it posts.

use maud::{Markup, Render, html};

use crate::csrf::Csrf;
use crate::html::{Button, Icon, hidden};

/// A modal `<dialog>` with a title, a close button and `body` (e.g. a form). Opened by
/// [`Dialog::opener`] with the script; give the opener a fallback link so that, without the
/// script, the same content is reached as a page.
#[derive(Debug, Clone)]
pub struct Dialog<'a> {
    id: &'a str,
    title: &'a str,
    body: Markup,
}

impl<'a> Dialog<'a> {
    pub fn new(id: &'a str, title: &'a str, body: Markup) -> Dialog<'a> {
        Dialog { id, title, body }
    }

    /// What opens it: a link to `fallback` (followed without the script), or a button.
    pub fn opener(&self, label: Markup, fallback: Option<&str>) -> Markup {
        html! {
            @if let Some(href) = fallback {
                a.btn.secondary href=(href) data-dialog=(self.id) aria-haspopup="dialog" { (label) }
            } @else {
                button.btn.secondary type="button" data-dialog=(self.id) aria-haspopup="dialog" { (label) }
            }
        }
    }
}

impl Render for Dialog<'_> {
    fn render(&self) -> Markup {
        let title_id = format!("{}-title", self.id);
        html! {
            dialog.dialog id=(self.id) aria-labelledby=(title_id) {
                div.dialog-head {
                    h2 id=(title_id) { (self.title) }
                    form method="dialog" {
                        button.iconbtn type="submit" { (Icon::Close) (super::visually_hidden("Close")) }
                    }
                }
                (self.body)
            }
        }
    }
}

/// A form that posts one dangerous action (disable, delete, rotate), asking first in a
/// dialog: the button opens "`question`" with `detail`, Cancel and the same button, which
/// posts. Without the script the form posts at once.
///
/// ```
/// use openglip_webkit::html::{Button, ConfirmForm};
/// let csrf = openglip_webkit::Csrf::new("token-from-the-extractor");
/// let form = ConfirmForm::new("disable-42", "/users/42/disable", &csrf, Button::danger("Disable"))
///     .question("Disable Bob Baker?")
///     .detail(maud::html! { p { "Bob can no longer sign in." } });
/// let html = maud::Render::render(&form).0;
/// assert!(html.contains(r#"<form class="inline" id="disable-42" method="post" action="/users/42/disable" data-confirm="disable-42-confirm">"#));
/// assert!(html.contains(r#"form="disable-42""#), "the dialog's button sends the form");
/// ```
#[derive(Debug, Clone)]
pub struct ConfirmForm<'a> {
    id: &'a str,
    action: &'a str,
    csrf: &'a Csrf,
    button: Button<'a>,
    question: &'a str,
    detail: Markup,
    fields: Vec<(&'a str, &'a str)>,
}

impl<'a> ConfirmForm<'a> {
    /// `id` must be unique on the page.
    pub fn new(
        id: &'a str,
        action: &'a str,
        csrf: &'a Csrf,
        button: Button<'a>,
    ) -> ConfirmForm<'a> {
        ConfirmForm {
            id,
            action,
            csrf,
            button,
            question: "Are you sure?",
            detail: html! {},
            fields: vec![],
        }
    }

    pub fn question(mut self, q: &'a str) -> Self {
        self.question = q;
        self
    }

    pub fn detail(mut self, d: Markup) -> Self {
        self.detail = d;
        self
    }

    /// A hidden field posted with the form.
    pub fn field(mut self, name: &'a str, value: &'a str) -> Self {
        self.fields.push((name, value));
        self
    }
}

impl Render for ConfirmForm<'_> {
    fn render(&self) -> Markup {
        let dialog_id = format!("{}-confirm", self.id);
        let title_id = format!("{dialog_id}-title");
        html! {
            form.inline id=(self.id) method="post" action=(self.action) data-confirm=(dialog_id) {
                (self.csrf.field())
                @for (n, v) in &self.fields { (hidden(n, v)) }
                (self.button)
            }
            dialog.dialog id=(dialog_id) aria-labelledby=(title_id) {
                h2 id=(title_id) { (self.question) }
                (self.detail)
                div.actions {
                    form method="dialog" { button.btn.secondary type="submit" autofocus { "Cancel" } }
                    (self.button.clone().confirming(self.id))
                }
            }
        }
    }
}
