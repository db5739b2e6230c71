//! The page chrome: the [`Document`] (head, skip link, footer), the app [`Shell`] (top bar with
//! brand, area, navigation, who is signed in, environment tag, sign-out; optional side menu),
//! and the [`auth_card`] of sign-in, consent and error pages.

use maud::{DOCTYPE, Markup, html};

use crate::Kit;
use crate::assets::{SCRIPT, STYLESHEET};
use crate::csrf::Csrf;
use crate::html::Tone;

/// A whole HTML document: `<title>{title} · {product}</title>`, the kit's stylesheet and script
/// (plus the app's own), a skip link to the main content, the body, and the footer.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    kit: &'a Kit,
    title: &'a str,
    body_class: Option<&'a str>,
    stylesheets: Vec<&'a str>,
    scripts: Vec<&'a str>,
    head: Option<Markup>,
    skip: (&'a str, &'a str),
    footer: bool,
}

impl<'a> Document<'a> {
    pub fn new(kit: &'a Kit, title: &'a str) -> Document<'a> {
        Document {
            kit,
            title,
            body_class: None,
            stylesheets: vec![],
            scripts: vec![],
            head: None,
            skip: ("#main", "Skip to content"),
            footer: true,
        }
    }

    /// Another title (a [`Shell`] gives its page's).
    pub fn title(mut self, title: &'a str) -> Self {
        self.title = title;
        self
    }

    /// A class on `<body>`.
    pub fn body_class(mut self, class: &'a str) -> Self {
        self.body_class = Some(class);
        self
    }

    /// Another stylesheet, after the kit's.
    pub fn stylesheet(mut self, href: &'a str) -> Self {
        self.stylesheets.push(href);
        self
    }

    /// Another script (deferred), after the kit's.
    pub fn script(mut self, src: &'a str) -> Self {
        self.scripts.push(src);
        self
    }

    /// More in `<head>` (a manifest link, the CSRF `<meta>` for a script).
    pub fn head(mut self, extra: Markup) -> Self {
        self.head = Some(extra);
        self
    }

    /// Where the skip link leads (default `#main`, "Skip to content").
    pub fn skip_to(mut self, target: &'a str, label: &'a str) -> Self {
        self.skip = (target, label);
        self
    }

    /// No footer (full-height apps).
    pub fn without_footer(mut self) -> Self {
        self.footer = false;
        self
    }

    /// The document around `body`.
    pub fn render(&self, body: Markup) -> Markup {
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " · " (self.kit.product()) }
                    link rel="stylesheet" href=(STYLESHEET);
                    @for href in &self.stylesheets { link rel="stylesheet" href=(href); }
                    script src=(SCRIPT) defer {}
                    @for src in &self.scripts { script src=(src) defer {} }
                    @if let Some(extra) = &self.head { (extra) }
                }
                body class=[self.body_class] {
                    a.skip href=(self.skip.0) { (self.skip.1) }
                    (body)
                    @if self.footer { footer.footer { (self.kit.footer_text()) } }
                }
            }
        }
    }
}

/// The product's mark and name, linking to `home`.
pub fn brand(kit: &Kit, home: Option<&str>) -> Markup {
    let inner = html! { span.logo aria-hidden="true" { "og" } (kit.product()) };
    html! {
        @if let Some(home) = home { a.brand href=(home) { (inner) } } @else { div.brand { (inner) } }
    }
}

/// The card of the sign-in, consent and error pages: the brand, then `inner`.
pub fn auth_card(kit: &Kit, inner: Markup) -> Markup {
    html! {
        main #main .auth { div.authcard { (brand(kit, None)) (inner) } }
    }
}

/// A link of the top navigation or the side menu.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NavLink<'a> {
    pub href: &'a str,
    pub label: &'a str,
}

/// A group of the side menu: a heading and its links.
#[derive(Debug, Clone, PartialEq)]
pub struct SideGroup<'a> {
    pub heading: &'a str,
    pub links: Vec<NavLink<'a>>,
}

/// The environment tag of a page ("Sandbox" in `Tone::Warn`, "Production" in `Tone::Ok`): the
/// [`Shell`]'s, and for an app with chrome of its own (the platform's web client).
pub fn env_tag(label: &str, tone: Tone) -> Markup {
    html! { span class={ "envtag " (tone.class()) } { (label) } }
}

/// The chrome of an app's signed-in pages: the top bar (brand, area, sections with the current
/// one marked, environment tag, who is signed in, sign-out form) and an optional side menu.
///
/// ```
/// # let kit = openglip_webkit::Kit::new("openglip OKR", "okr_");
/// use openglip_webkit::html::{NavLink, Shell};
/// const NAV: &[NavLink] = &[
///     NavLink { href: "/", label: "Dashboard" },
///     NavLink { href: "/admin", label: "Admin" },
/// ];
/// let page = Shell::new(&kit, "OKRs", "/")
///     .nav(NAV, "/admin")
///     .user("Alice Adams")
///     .render("Admin", maud::html! { h1 { "Admin" } });
/// assert!(page.0.contains(r#"<a href="/admin" aria-current="page">Admin</a>"#));
/// ```
#[derive(Debug, Clone)]
pub struct Shell<'a> {
    kit: &'a Kit,
    area: &'a str,
    home: &'a str,
    nav: &'a [NavLink<'a>],
    current: &'a str,
    user: Option<&'a str>,
    env: Option<(&'a str, Tone)>,
    sign_out: Option<(&'a str, &'a Csrf)>,
    side: Vec<SideGroup<'a>>,
    side_current: &'a str,
    document: Option<Document<'a>>,
}

impl<'a> Shell<'a> {
    /// The chrome of the area `area` ("Developer Console") whose home page is `home`.
    pub fn new(kit: &'a Kit, area: &'a str, home: &'a str) -> Shell<'a> {
        Shell {
            kit,
            area,
            home,
            nav: &[],
            current: "",
            user: None,
            env: None,
            sign_out: None,
            side: vec![],
            side_current: "",
            document: None,
        }
    }

    /// The sections of the top bar; the one whose `href` is `current` is marked.
    pub fn nav(mut self, links: &'a [NavLink<'a>], current: &'a str) -> Self {
        self.nav = links;
        self.current = current;
        self
    }

    /// Who is signed in (their name).
    pub fn user(mut self, name: &'a str) -> Self {
        self.user = Some(name);
        self
    }

    /// An environment tag ("Sandbox" in `Tone::Warn`, "Production" in `Tone::Ok`).
    pub fn env(mut self, label: &'a str, tone: Tone) -> Self {
        self.env = Some((label, tone));
        self
    }

    /// The sign-out button: a form posting to `action` with the CSRF token.
    pub fn sign_out(mut self, action: &'a str, csrf: &'a Csrf) -> Self {
        self.sign_out = Some((action, csrf));
        self
    }

    /// The side menu; the link whose `href` is `current` is marked.
    pub fn side(mut self, groups: Vec<SideGroup<'a>>, current: &'a str) -> Self {
        self.side = groups;
        self.side_current = current;
        self
    }

    /// The document to render into (for another stylesheet or script); by default a plain
    /// [`Document`].
    pub fn document(mut self, doc: Document<'a>) -> Self {
        self.document = Some(doc);
        self
    }

    /// The page titled `title`, with `main` as its content.
    pub fn render(&self, title: &'a str, main: Markup) -> Markup {
        let current = |href: &str, here: &str| (href == here).then_some("page");
        let body = html! {
            header.topbar {
                (brand(self.kit, Some(self.home)))
                span.area { (self.area) }
                @if !self.nav.is_empty() {
                    nav.topnav aria-label="Main" {
                        @for l in self.nav {
                            a href=(l.href) aria-current=[current(l.href, self.current)] { (l.label) }
                        }
                    }
                }
                div.who {
                    @if let Some((label, tone)) = self.env { (env_tag(label, tone)) }
                    @if let Some(name) = self.user { span.user { (name) } }
                    @if let Some((action, csrf)) = self.sign_out {
                        form method="post" action=(action) {
                            (csrf.field())
                            button.linkbtn type="submit" { "Sign out" }
                        }
                    }
                }
            }
            div.shell {
                @if !self.side.is_empty() {
                    nav.side aria-label="Section" {
                        @for g in &self.side {
                            h4 { (g.heading) }
                            @for l in &g.links {
                                a href=(l.href) aria-current=[current(l.href, self.side_current)] { (l.label) }
                            }
                        }
                    }
                }
                main #main { (main) }
            }
        };
        match &self.document {
            Some(doc) => doc.clone().title(title).render(body),
            None => Document::new(self.kit, title).render(body),
        }
    }
}
