//! Markup put into every field of every component comes out escaped: as text it cannot open
//! an element, as an attribute value it cannot close the attribute.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use openglip_webkit::html::{
    Breadcrumbs, Button, Choice, Choices, ConfirmForm, Dialog, Document, Field, FormErrors, Icon,
    NavLink, Pagination, Shell, SideGroup, Table, Tone, auth_card, copyable, hidden, notice, pill,
    secret, visually_hidden,
};
use openglip_webkit::{Csrf, Kit, Markup, Render, error_page, html};

/// Breaks out of text (`<script>`) and out of attribute values (`"` and `'`).
const X: &str = r#""'><script>alert(1)</script>"#;

fn assert_escaped(what: &str, out: &str) {
    assert!(
        !out.contains("<script>"),
        "{what}: an element was injected: {out}"
    );
    assert!(
        !out.contains(r#""'>"#),
        "{what}: an attribute was closed: {out}"
    );
    assert!(
        out.contains("&lt;script&gt;"),
        "{what}: the value is not shown at all: {out}"
    );
}

/// A field constructor: `Field::text`, `Field::email`, …
type MakeField = fn(&'static str, &'static str) -> Field<'static>;

fn each_field_kind() -> Vec<(&'static str, Markup)> {
    let opts = [Choice::new(X, X).hint(X)];
    let kinds: Vec<(&str, MakeField)> = vec![
        ("text", Field::text),
        ("email", Field::email),
        ("number", Field::number),
        ("url", Field::url),
        ("search", Field::search),
        ("textarea", Field::textarea),
        ("checkbox", Field::checkbox),
    ];
    let mut out: Vec<(&str, Markup)> = kinds
        .into_iter()
        .map(|(k, make)| {
            let f = make(X, X)
                .value(X)
                .hint(X)
                .error(Some(X))
                .placeholder(X)
                .autocomplete(X)
                .range(Some(X), Some(X), Some(X));
            (k, f.render())
        })
        .collect();
    out.push((
        "password",
        Field::password(X, X).hint(X).error(Some(X)).render(),
    ));
    out.push((
        "select",
        Field::select(X, X, &opts)
            .value(X)
            .hint(X)
            .error(Some(X))
            .render(),
    ));
    out.push((
        "radio group",
        Choices::radio(X, X, &opts)
            .selected(&[X])
            .hint(X)
            .error(Some(X))
            .render(),
    ));
    out.push((
        "checkbox group",
        Choices::checkboxes(X, X, &opts).columns().render(),
    ));
    out.push(("hidden", hidden(X, X)));
    let mut errors = FormErrors::new();
    errors.add(X, X);
    out.push(("error summary", errors.summary()));
    out
}

#[test]
fn every_form_field_escapes_what_it_is_given() {
    for (kind, html) in each_field_kind() {
        assert_escaped(kind, &html.0);
    }
}

#[test]
fn every_component_escapes_what_it_is_given() {
    let kit = Kit::new(X, "x_").footer(X);
    let csrf = Csrf::new(X);
    let nav = [NavLink { href: X, label: X }];
    let parts: Vec<(&str, Markup)> = vec![
        (
            "document",
            Document::new(&kit, X)
                .body_class(X)
                .stylesheet(X)
                .script(X)
                .skip_to(X, X)
                .render(html! { (X) }),
        ),
        (
            "shell",
            Shell::new(&kit, X, X)
                .nav(&nav, X)
                .user(X)
                .env(X, Tone::Warn)
                .sign_out(X, &csrf)
                .side(
                    vec![SideGroup {
                        heading: X,
                        links: nav.to_vec(),
                    }],
                    X,
                )
                .render(X, html! { (X) }),
        ),
        ("auth card", auth_card(&kit, html! { (X) })),
        ("notice", notice(Tone::Bad, html! { (X) })),
        ("pill", pill(Tone::Ok, X)),
        ("visually hidden", visually_hidden(X)),
        (
            "button",
            Button::primary(X).value(X, X).icon(Icon::Check).render(),
        ),
        ("link button", Button::secondary(X).link(X).render()),
        ("copyable", copyable(X, X)),
        ("secret", secret(X, X)),
        (
            "breadcrumbs",
            Breadcrumbs::new().link(X, X).current(X).render(),
        ),
        (
            "pagination",
            Pagination {
                previous: Some(X),
                next: Some(X),
                position: Some(X),
            }
            .render(),
        ),
        (
            "table",
            Table::new(&[X])
                .caption(X)
                .rows([html! { td { (X) } }])
                .render(),
        ),
        (
            "empty table",
            Table::new(&[X]).empty(html! { (X) }).render(),
        ),
        ("dialog", Dialog::new(X, X, html! { (X) }).render()),
        (
            "dialog opener",
            Dialog::new(X, X, html! {}).opener(html! { (X) }, Some(X)),
        ),
        (
            "confirm form",
            ConfirmForm::new(X, X, &csrf, Button::danger(X))
                .question(X)
                .detail(html! { (X) })
                .field(X, X)
                .render(),
        ),
        ("csrf field", csrf.field()),
        ("csrf meta", csrf.meta()),
    ];
    for (what, html) in parts {
        assert_escaped(what, &html.0);
    }
}

#[tokio::test]
async fn the_error_page_escapes_its_words() {
    let kit = Kit::new("Notes", "n_");
    let resp = error_page(&kit, StatusCode::NOT_FOUND, X, X).into_response();
    assert_eq!(resp.status(), 404);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_escaped("error page", std::str::from_utf8(&body).unwrap());
}

#[test]
fn no_component_has_a_style_attribute() {
    let kit = Kit::new("Notes", "n_");
    let csrf = Csrf::new("t");
    let mut all: Vec<Markup> = each_field_kind().into_iter().map(|(_, m)| m).collect();
    all.push(
        Shell::new(&kit, "a", "/")
            .user("u")
            .sign_out("/o", &csrf)
            .render("t", html! {}),
    );
    all.push(ConfirmForm::new("c", "/c", &csrf, Button::danger("D")).render());
    all.push(secret("s", "v"));
    all.extend(Icon::ALL.iter().map(Render::render));
    for m in all {
        assert!(!m.0.contains("style="), "{}", m.0);
    }
}
