//! Small parts: notices and pills in a [`Tone`], [`Button`]s, a [`copyable`] value, a
//! [`secret`] shown on request, [`Breadcrumbs`] and [`Pagination`].

use maud::{Markup, Render, html};

use crate::html::Icon;

/// What a notice, pill or tag says about its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Ok,
    Info,
    Warn,
    Bad,
}

impl Tone {
    /// The class the stylesheet colours.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Neutral => "neutral",
            Tone::Ok => "ok",
            Tone::Info => "info",
            Tone::Warn => "warn",
            Tone::Bad => "bad",
        }
    }
}

/// A notice above the content: saved (ok), for your information, warning, or failed (bad). Its
/// content is markup, so it may hold a link or emphasis (`html! { "Saved " strong { (name) } }`).
pub fn notice(tone: Tone, content: Markup) -> Markup {
    let role = if tone == Tone::Bad { "alert" } else { "status" };
    html! { div class={ "notice " (tone.class()) } role=(role) { (content) } }
}

/// A pill: a short status beside a name ("Sandbox", "Disabled", "On track").
pub fn pill(tone: Tone, text: &str) -> Markup {
    html! { span class={ "pill " (tone.class()) } { (text) } }
}

/// Text for screen readers only (e.g. the label of an icon-only button).
pub fn visually_hidden(text: &str) -> Markup {
    html! { span.vh { (text) } }
}

/// A button, or a link that looks like one.
///
/// ```
/// use openglip_webkit::html::{Button, Icon};
/// let b = Button::danger("Disable").small().icon(Icon::Trash);
/// assert!(maud::Render::render(&b).0.starts_with(r#"<button class="btn danger small" type="submit">"#));
/// ```
#[derive(Debug, Clone)]
pub struct Button<'a> {
    label: &'a str,
    class: &'static str,
    small: bool,
    wide: bool,
    href: Option<&'a str>,
    kind: &'static str,
    icon: Option<Icon>,
    name_value: Option<(&'a str, &'a str)>,
    form: Option<&'a str>,
}

impl<'a> Button<'a> {
    fn of(class: &'static str, label: &'a str) -> Button<'a> {
        Button {
            label,
            class,
            small: false,
            wide: false,
            href: None,
            kind: "submit",
            icon: None,
            name_value: None,
            form: None,
        }
    }

    /// The main action of a form.
    pub fn primary(label: &'a str) -> Button<'a> {
        Button::of("primary", label)
    }
    pub fn secondary(label: &'a str) -> Button<'a> {
        Button::of("secondary", label)
    }
    /// Something that cannot be undone (delete, disable, rotate a secret).
    pub fn danger(label: &'a str) -> Button<'a> {
        Button::of("danger", label)
    }

    /// A link styled as this button.
    pub fn link(mut self, href: &'a str) -> Self {
        self.href = Some(href);
        self
    }
    /// `type="button"` (for scripts), instead of submitting its form.
    pub fn plain(mut self) -> Self {
        self.kind = "button";
        self
    }
    /// Posts `name=value` with its form (which button was pressed).
    pub fn value(mut self, name: &'a str, value: &'a str) -> Self {
        self.name_value = Some((name, value));
        self
    }
    pub fn small(mut self) -> Self {
        self.small = true;
        self
    }
    pub fn wide(mut self) -> Self {
        self.wide = true;
        self
    }
    pub fn icon(mut self, icon: Icon) -> Self {
        self.icon = Some(icon);
        self
    }
    /// Submits the form `form_id` from outside it (a dialog's confirm button).
    pub(crate) fn confirming(mut self, form_id: &'a str) -> Self {
        self.form = Some(form_id);
        self
    }
}

impl Render for Button<'_> {
    fn render(&self) -> Markup {
        let class = format!(
            "btn {}{}{}",
            self.class,
            if self.small { " small" } else { "" },
            if self.wide { " wide" } else { "" }
        );
        let inner = html! { @if let Some(i) = self.icon { (i) } (self.label) };
        html! {
            @if let Some(href) = self.href {
                a class=(class) href=(href) { (inner) }
            } @else {
                button class=(class) type=(self.kind) form=[self.form]
                    name=[self.name_value.map(|(n, _)| n)] value=[self.name_value.map(|(_, v)| v)] { (inner) }
            }
        }
    }
}

/// A value to copy (a client id, a URL): shown in full, with a Copy button (script).
pub fn copyable(id: &str, value: &str) -> Markup {
    html! {
        div.secret {
            code id=(id) data-value=(value) { (value) }
            button.btn.secondary.small type="button" data-copy=(id) { (Icon::Copy) "Copy" }
        }
    }
}

/// A secret (a client secret, a token): masked until Show is pressed (script), with a Copy
/// button. Without the script it can be opened below.
pub fn secret(id: &str, value: &str) -> Markup {
    html! {
        div.secret {
            code id=(id) data-value=(value) data-shown="0" { "••••••••••••••••••••••••" }
            button.btn.secondary.small type="button" data-reveal=(id) { "Show" }
            button.btn.secondary.small type="button" data-copy=(id) { (Icon::Copy) "Copy" }
        }
        noscript {
            details.reveal { summary { "Show" } code { (value) } }
        }
    }
}

/// Where the page is: links to the pages above it, then the page itself.
///
/// ```
/// use openglip_webkit::html::Breadcrumbs;
/// let b = Breadcrumbs::new().link("/teams", "Teams").current("Sales");
/// assert!(maud::Render::render(&b).0.contains(r#"<li aria-current="page">Sales</li>"#));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Breadcrumbs<'a> {
    links: Vec<(&'a str, &'a str)>,
    current: &'a str,
}

impl<'a> Breadcrumbs<'a> {
    pub fn new() -> Breadcrumbs<'a> {
        Breadcrumbs::default()
    }
    pub fn link(mut self, href: &'a str, label: &'a str) -> Self {
        self.links.push((href, label));
        self
    }
    pub fn current(mut self, label: &'a str) -> Self {
        self.current = label;
        self
    }
}

impl Render for Breadcrumbs<'_> {
    fn render(&self) -> Markup {
        html! {
            nav.breadcrumbs aria-label="Breadcrumb" {
                ol {
                    @for (href, label) in &self.links { li { a href=(href) { (label) } } }
                    li aria-current="page" { (self.current) }
                }
            }
        }
    }
}

/// Links to the previous and next pages of a list (keyset paging: page tokens, not numbers),
/// and where the reader is ("Page 2", "41–60 of 180").
#[derive(Debug, Clone, Default)]
pub struct Pagination<'a> {
    pub previous: Option<&'a str>,
    pub next: Option<&'a str>,
    pub position: Option<&'a str>,
}

impl Render for Pagination<'_> {
    fn render(&self) -> Markup {
        html! {
            @if self.previous.is_some() || self.next.is_some() {
                nav.pagination aria-label="Pages" {
                    @if let Some(p) = self.previous {
                        a.btn.secondary.small href=(p) rel="prev" { (Icon::ChevronLeft) "Previous" }
                    }
                    @if let Some(pos) = self.position { span.position { (pos) } }
                    @if let Some(n) = self.next {
                        a.btn.secondary.small href=(n) rel="next" { "Next" (Icon::ChevronRight) }
                    }
                }
            }
        }
    }
}
