//! [`Icon`]: a small set of line icons drawn inline as SVG (24×24, `currentColor`), so they take
//! the colour of their text and need no request. Hidden from screen readers: a button with an
//! icon only also carries a [`super::visually_hidden`] label.

use maud::{Markup, Render, html};

/// An icon. `(Icon::Copy)` inside `html!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Check,
    Close,
    Plus,
    ChevronLeft,
    ChevronRight,
    ArrowRight,
    Copy,
    Eye,
    Settings,
    Trash,
    Edit,
    Info,
    Warning,
    User,
    Users,
    SignOut,
    External,
    Search,
    Bell,
    Calendar,
    Chat,
    Lock,
    Key,
    Menu,
    Home,
    Bot,
    Target,
}

impl Icon {
    /// Every icon, in declaration order (for a gallery or a test).
    pub const ALL: [Icon; 27] = [
        Icon::Check,
        Icon::Close,
        Icon::Plus,
        Icon::ChevronLeft,
        Icon::ChevronRight,
        Icon::ArrowRight,
        Icon::Copy,
        Icon::Eye,
        Icon::Settings,
        Icon::Trash,
        Icon::Edit,
        Icon::Info,
        Icon::Warning,
        Icon::User,
        Icon::Users,
        Icon::SignOut,
        Icon::External,
        Icon::Search,
        Icon::Bell,
        Icon::Calendar,
        Icon::Chat,
        Icon::Lock,
        Icon::Key,
        Icon::Menu,
        Icon::Home,
        Icon::Bot,
        Icon::Target,
    ];

    fn shapes(self) -> Markup {
        match self {
            Icon::Check => html! { path d="M4 12l6 6L20 6" {} },
            Icon::Close => html! { path d="M6 6l12 12M18 6L6 18" {} },
            Icon::Plus => html! { path d="M12 5v14M5 12h14" {} },
            Icon::ChevronLeft => html! { path d="M15 5l-7 7 7 7" {} },
            Icon::ChevronRight => html! { path d="M9 5l7 7-7 7" {} },
            Icon::ArrowRight => html! { path d="M5 12h14M13 6l6 6-6 6" {} },
            Icon::Copy => html! {
                rect x="8" y="8" width="12" height="12" rx="2" {}
                path d="M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3" {}
            },
            Icon::Eye => html! {
                path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z" {}
                circle cx="12" cy="12" r="3" {}
            },
            Icon::Settings => html! {
                circle cx="12" cy="12" r="3" {}
                circle cx="12" cy="12" r="7" {}
                path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9L7 7M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1" {}
            },
            Icon::Trash => html! { path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6" {} },
            Icon::Edit => html! { path d="M4 20h4L19 9l-4-4L4 16v4zM13 7l4 4" {} },
            Icon::Info => html! {
                circle cx="12" cy="12" r="9" {}
                path d="M12 11v5M12 8h.01" {}
            },
            Icon::Warning => html! { path d="M12 3L2 20h20L12 3zM12 10v4M12 17h.01" {} },
            Icon::User => html! {
                circle cx="12" cy="8" r="4" {}
                path d="M4 21c0-4 4-6 8-6s8 2 8 6" {}
            },
            Icon::Users => html! {
                circle cx="9" cy="8" r="3.5" {}
                path d="M2 20c0-3.5 3-5 7-5s7 1.5 7 5M16 4.5a3.5 3.5 0 0 1 0 7M18 15c2.5.5 4 2 4 5" {}
            },
            Icon::SignOut => html! { path d="M10 4H5v16h5M14 8l4 4-4 4M18 12H9" {} },
            Icon::External => html! { path d="M14 4h6v6M20 4l-9 9M18 14v6H4V6h6" {} },
            Icon::Search => html! {
                circle cx="11" cy="11" r="7" {}
                path d="M20 20l-4-4" {}
            },
            Icon::Bell => html! { path d="M6 16v-5a6 6 0 0 1 12 0v5l2 2H4l2-2zM10 21h4" {} },
            Icon::Calendar => html! {
                rect x="3" y="5" width="18" height="16" rx="2" {}
                path d="M3 10h18M8 3v4M16 3v4" {}
            },
            Icon::Chat => html! { path d="M4 5h16v11H9l-5 4V5z" {} },
            Icon::Lock => html! {
                rect x="5" y="11" width="14" height="10" rx="2" {}
                path d="M8 11V8a4 4 0 0 1 8 0v3" {}
            },
            Icon::Key => html! {
                circle cx="8" cy="15" r="4" {}
                path d="M11 12l9-9M17 6l3 3" {}
            },
            Icon::Menu => html! { path d="M4 6h16M4 12h16M4 18h16" {} },
            Icon::Home => html! { path d="M3 11l9-8 9 8M5 10v10h14V10" {} },
            Icon::Bot => html! {
                rect x="4" y="8" width="16" height="12" rx="3" {}
                path d="M12 4v4M9 14h.01M15 14h.01" {}
            },
            Icon::Target => html! {
                circle cx="12" cy="12" r="9" {}
                circle cx="12" cy="12" r="5" {}
                circle cx="12" cy="12" r="1" {}
            },
        }
    }
}

impl Render for Icon {
    fn render(&self) -> Markup {
        html! {
            svg.icon viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"
                fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"
                stroke-linejoin="round" { (self.shapes()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_hidden_closed_svg() {
        for i in Icon::ALL {
            let s = i.render().0;
            assert!(s.starts_with("<svg class=\"icon\""), "{i:?}");
            assert!(s.contains("aria-hidden=\"true\""));
            assert!(!s.contains("style="));
            // Every shape is closed, so nothing after the icon is swallowed into the SVG.
            let opened = s.matches("<path").count()
                + s.matches("<circle").count()
                + s.matches("<rect").count();
            let closed = s.matches("</path>").count()
                + s.matches("</circle>").count()
                + s.matches("</rect>").count();
            assert_eq!(opened, closed, "{i:?}");
        }
    }
}
