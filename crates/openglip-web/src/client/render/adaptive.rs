//! Adaptive Cards (Microsoft's schema, as RingCentral posts them) as maud templates: text
//! blocks (their markdown subset and `{{DATE()}}` / `{{TIME()}}`), rich text, images and image
//! sets, fact sets, containers and columns, media, inputs and actions (links, `Action.Submit`
//! buttons, shown cards), unknown elements by their `fallback`. Nesting is limited by
//! `MAX_AC_DEPTH`; every loop spends [`Att`]'s budget.
//!
//! A card is answerable: it is a `form.ac-card` (which only groups its radio buttons: the
//! client's `cards.js` collects it), each input with an `id` names it in `data-ac-input` (a
//! toggle's values in `data-on`/`data-off`, a choice set's kind in `data-multi`), and each
//! `Action.Submit` is a button whose `data` travels as JSON in `data-ac-data`. The script sends
//! the inputs and the data to the app that posted the card and shows the delivery's state in
//! the card's `ac-status`. `Action.Execute` (Universal Actions, which RingCentral does not
//! deliver) and `Action.ToggleVisibility` stay disabled.
//!
//! No style attribute is ever written (the page's CSP forbids inline styles): sizes, weights,
//! colours and alignments are classes; a column's width travels in `data-weight` / `data-px`.

use std::borrow::Cow;

use jiff::Timestamp;
use maud::{Markup, html};
use serde_json::Value;

use super::cards::{Att, img, label, link_out, unless_empty};
use super::limits::{MAX_AC_DEPTH, MAX_TEXT_CHARS};
use super::markdown::md_unwrapped;
use super::out::Flavor;
use super::values::{arr_of, clip, http_url, image_src, is_true, pick, scalar_of, str_of};

/// What a card's `Action.Execute` buttons say: RingCentral delivers only `Action.Submit`.
const NOT_DELIVERED: &str = "This kind of button (Action.Execute) is not delivered to apps";

/// Whether an element is shown: an object, not `isVisible: false`, not too deep.
fn shown(el: &Value, depth: usize) -> bool {
    depth <= MAX_AC_DEPTH
        && el.is_object()
        && !matches!(el.get("isVisible"), Some(Value::Bool(false)))
}

/// Text with its line breaks as `<br>`.
fn lines(s: &str) -> Markup {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    html! {
        @for (i, line) in s.split('\n').enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

impl Att {
    pub(super) fn adaptive_card(&mut self, card: &Value) -> Markup {
        html! {
            form.att.att-adaptive.ac-card novalidate {
                (self.card_content(card, 1))
                p.ac-status role="status" aria-live="polite" {}
            }
        }
    }

    fn card_content(&mut self, card: &Value, depth: usize) -> Markup {
        let body = html! {
            (self.elements(arr_of(card, "body"), depth))
            (self.actions(arr_of(card, "actions"), depth))
        };
        match str_of(card, "fallbackText") {
            Some(t) if body.0.is_empty() => html! { div.ac-fallback-text { (label(t)) } },
            _ => body,
        }
    }

    fn elements(&mut self, items: &[Value], depth: usize) -> Markup {
        self.each(items, |me, el| me.element(el, depth))
    }

    fn element(&mut self, el: &Value, depth: usize) -> Markup {
        if !shown(el, depth) {
            return html! {};
        }
        self.nodes += 1;
        match str_of(el, "type").unwrap_or("") {
            "TextBlock" => text_block(el),
            "RichTextBlock" => self.rich_text(el),
            "Image" => image(el, None),
            "ImageSet" => {
                let size = str_of(el, "imageSize");
                let images = self.each(arr_of(el, "images"), |me, i| {
                    me.nodes += 1;
                    if shown(i, 0) {
                        image(i, size)
                    } else {
                        html! {}
                    }
                });
                unless_empty(images, |m| html! { div.ac-imageset { (m) } })
            }
            "FactSet" => self.fact_set(el),
            "Container" => {
                let items = self.elements(arr_of(el, "items"), depth + 1);
                unless_empty(
                    items,
                    |m| html! { div class={ "ac-container" (style_class(el)) } { (m) } },
                )
            }
            "ColumnSet" => {
                let cols = self.each(arr_of(el, "columns"), |me, c| me.column(c, depth + 1));
                unless_empty(cols, |m| html! { div.ac-columnset { (m) } })
            }
            "ActionSet" => self.actions(arr_of(el, "actions"), depth + 1),
            "Media" => media(el),
            kind @ ("Input.Text" | "Input.Number" | "Input.Date" | "Input.Time"
            | "Input.Toggle" | "Input.ChoiceSet") => self.input(el, kind),
            _ => match el.get("fallback").filter(|f| f.is_object()) {
                Some(fb) => self.element(fb, depth + 1),
                None => html! {},
            },
        }
    }

    fn rich_text(&mut self, el: &Value) -> Markup {
        let runs = self.each(arr_of(el, "inlines"), |me, run| {
            me.nodes += 1;
            match run {
                Value::String(s) => lines(&clip(s, MAX_TEXT_CHARS)),
                Value::Object(_) => text_run(run),
                _ => html! {},
            }
        });
        let align = pick(str_of(el, "horizontalAlignment"), ALIGNS);
        unless_empty(
            runs,
            |m| html! { div.ac-richtext.(align.unwrap_or_default()) { (m) } },
        )
    }

    fn fact_set(&mut self, el: &Value) -> Markup {
        let facts = self.each(arr_of(el, "facts"), |me, f| {
            me.nodes += 1;
            let title = scalar_of(f, "title");
            let value = scalar_of(f, "value");
            if title.is_none() && value.is_none() {
                return html! {};
            }
            html! {
                dt { (md_unwrapped(title.as_deref().unwrap_or(""), Flavor::Adaptive)) }
                dd { (md_unwrapped(value.as_deref().unwrap_or(""), Flavor::Adaptive)) }
            }
        });
        unless_empty(facts, |m| html! { dl.ac-factset { (m) } })
    }

    fn column(&mut self, col: &Value, depth: usize) -> Markup {
        if !shown(col, depth) {
            return html! {};
        }
        self.nodes += 1;
        let width = column_width(col.get("width"));
        let items = self.elements(arr_of(col, "items"), depth + 1);
        html! {
            div class={ "ac-column " (width.class) (style_class(col)) }
                data-weight=[width.weight] data-px=[width.px] { (items) }
        }
    }

    fn input(&mut self, el: &Value, kind: &str) -> Markup {
        let label_text = str_of(el, "label");
        let placeholder = str_of(el, "placeholder").map(label);
        let value = scalar_of(el, "value");
        // The id the submission names the value by (an input without one is not sent).
        let id = str_of(el, "id").map(label);
        let required = is_true(el, "isRequired");
        if kind == "Input.ChoiceSet" {
            let set = self.choice_set(el, label_text, placeholder.as_deref(), value.as_deref());
            return html! { div.ac-input { (set) } };
        }
        let max_len = el
            .get("maxLength")
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)
            .map(|n| n.min(MAX_TEXT_CHARS as u64));
        let control = match kind {
            "Input.Toggle" => {
                let on = scalar_of(el, "valueOn").unwrap_or(Cow::Borrowed("true"));
                let off = scalar_of(el, "valueOff").unwrap_or(Cow::Borrowed("false"));
                let checked = value.as_deref() == Some(&*on);
                html! {
                    input type="checkbox" data-ac-input=[id.as_deref()] data-on=(label(&on))
                        data-off=(label(&off)) checked[checked];
                    " " (label(str_of(el, "title").unwrap_or("")))
                }
            }
            "Input.Text" if is_true(el, "isMultiline") => {
                let v = value.as_deref().map(|v| clip(v, MAX_TEXT_CHARS));
                html! {
                    textarea data-ac-input=[id.as_deref()] placeholder=[placeholder]
                        required[required] maxlength=[max_len] {
                        @if let Some(v) = v { (v) }
                    }
                }
            }
            _ => {
                let ty = match kind {
                    "Input.Number" => "number",
                    "Input.Date" => "date",
                    "Input.Time" => "time",
                    _ => pick(
                        str_of(el, "style"),
                        &[("email", "email"), ("tel", "tel"), ("url", "url")],
                    )
                    .unwrap_or("text"),
                };
                let v = value
                    .as_deref()
                    .filter(|v| ty != "number" || v.parse::<f64>().is_ok_and(f64::is_finite))
                    .map(|v| clip(v, MAX_TEXT_CHARS));
                let bound = |k: &str| scalar_of(el, k).map(|b| label(&b).into_owned());
                html! {
                    input type=(ty) data-ac-input=[id.as_deref()] placeholder=[placeholder]
                        value=[v] required[required] maxlength=[max_len.filter(|_| ty == "text")]
                        min=[bound("min")] max=[bound("max")];
                }
            }
        };
        html! {
            div.ac-input {
                label {
                    @if let Some(l) = label_text { span.ac-label { (label(l)) } }
                    (control)
                }
            }
        }
    }

    fn choice_set(
        &mut self,
        el: &Value,
        label_text: Option<&str>,
        placeholder: Option<&str>,
        value: Option<&str>,
    ) -> Markup {
        let selected: Vec<&str> = value
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let multi = is_true(el, "isMultiSelect");
        let expanded = pick(str_of(el, "style"), &[("expanded", "expanded")]).is_some();
        let dropdown = !multi && !expanded;
        let id = str_of(el, "id").map(label);
        // Radio buttons of one set share a name (the card's form groups them).
        let group = format!("ac-{}", id.as_deref().unwrap_or("choice"));
        let choices = self.each(arr_of(el, "choices"), |me, c| {
            me.nodes += 1;
            let v = scalar_of(c, "value");
            let t = scalar_of(c, "title");
            let Some(text) = t.as_deref().or(v.as_deref()) else {
                return html! {};
            };
            let on = v.as_deref().is_some_and(|v| selected.contains(&v));
            let ty = if multi { "checkbox" } else { "radio" };
            let v = label(v.as_deref().unwrap_or(text)).into_owned();
            html! {
                @if dropdown {
                    option value=(v) selected[on] { (label(text)) }
                } @else {
                    label.ac-choice {
                        input type=(ty) name=(group) value=(v) checked[on];
                        " " (label(text))
                    }
                }
            }
        });
        let heading = html! { @if let Some(l) = label_text { span.ac-label { (label(l)) } } };
        if dropdown {
            html! {
                label {
                    (heading)
                    select data-ac-input=[id.as_deref()] {
                        @if selected.is_empty() && let Some(p) = placeholder {
                            option value="" selected { (p) }
                        }
                        (choices)
                    }
                }
            }
        } else {
            html! {
                (heading)
                div.ac-choices data-ac-input=[id.as_deref()] data-multi=(if multi { "1" } else { "0" }) {
                    (choices)
                }
            }
        }
    }

    fn actions(&mut self, list: &[Value], depth: usize) -> Markup {
        if depth > MAX_AC_DEPTH {
            return html! {};
        }
        let actions = self.each(list, |me, a| me.action(a, depth));
        unless_empty(actions, |m| html! { div.ac-actions { (m) } })
    }

    fn action(&mut self, a: &Value, depth: usize) -> Markup {
        if !shown(a, depth) {
            return html! {};
        }
        self.nodes += 1;
        let title = str_of(a, "title");
        let class = pick(
            str_of(a, "style"),
            &[
                ("positive", "ac-action positive"),
                ("destructive", "ac-action destructive"),
            ],
        )
        .unwrap_or("ac-action");
        match str_of(a, "type").unwrap_or("") {
            "Action.OpenUrl" => match http_url(str_of(a, "url")) {
                Some(u) => link_out(class, u, html! { (label(title.unwrap_or(u))) }),
                None => disabled_button(class, title.unwrap_or("Open link"), None),
            },
            "Action.Submit" => {
                let data = a
                    .get("data")
                    .filter(|d| !d.is_null())
                    .and_then(|d| serde_json::to_string(d).ok());
                html! {
                    button type="button" class={ (class) " ac-submit" } data-ac-data=[data] {
                        (label(title.unwrap_or("Submit")))
                    }
                }
            }
            "Action.Execute" => {
                disabled_button(class, title.unwrap_or("Submit"), Some(NOT_DELIVERED))
            }
            "Action.ShowCard" => {
                let card = a.get("card").filter(|c| c.is_object());
                let inner = match card {
                    Some(card) => self.card_content(card, depth + 1),
                    None => html! {},
                };
                html! {
                    details.ac-showcard {
                        summary class=(class) { (label(title.unwrap_or("Show"))) }
                        div.ac-card.ac-subcard { (inner) }
                    }
                }
            }
            "Action.ToggleVisibility" => disabled_button(class, title.unwrap_or("Toggle"), None),
            _ => match a.get("fallback").filter(|f| f.is_object()) {
                Some(fb) => self.action(fb, depth + 1),
                None => html! {},
            },
        }
    }
}

fn text_block(el: &Value) -> Markup {
    let Some(text) = scalar_of(el, "text") else {
        return html! {};
    };
    let text = clip(&text, MAX_TEXT_CHARS);
    let body = md_unwrapped(&ac_functions(&text), Flavor::Adaptive);
    html! { div class=(text_classes(el, "ac-text")) { (body) } }
}

fn text_run(r: &Value) -> Markup {
    if str_of(r, "type").is_some_and(|t| t != "TextRun") {
        return html! {};
    }
    let Some(text) = r
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    else {
        return html! {};
    };
    let mut m = lines(&ac_functions(&clip(text, MAX_TEXT_CHARS)));
    if is_true(r, "italic") {
        m = html! { em { (m) } };
    }
    if is_true(r, "strikethrough") {
        m = html! { s { (m) } };
    }
    if is_true(r, "underline") {
        m = html! { u { (m) } };
    }
    if is_true(r, "highlight") {
        m = html! { mark { (m) } };
    }
    if pick(str_of(r, "fontType"), &[("monospace", "mono")]).is_some() {
        m = html! { code { (m) } };
    }
    if pick(str_of(r, "weight"), &[("bolder", "bolder")]).is_some() {
        m = html! { strong { (m) } };
    }
    let mut classes = vec!["ac-run"];
    classes.extend(pick(str_of(r, "size"), TEXT_SIZES));
    classes.extend(pick(str_of(r, "weight"), &[("lighter", "weight-lighter")]));
    classes.extend(pick(str_of(r, "color"), COLORS));
    if is_true(r, "isSubtle") {
        classes.push("subtle");
    }
    let run = html! { span class=(classes.join(" ")) { (m) } };
    match open_url_of(r) {
        Some(u) => link_out("ac-run-link", u, run),
        None => run,
    }
}

fn image(el: &Value, set_size: Option<&str>) -> Markup {
    let Some(src) = image_src(str_of(el, "url")) else {
        return html! {};
    };
    let mut classes = vec!["ac-image"];
    classes.extend(pick(str_of(el, "size").or(set_size), IMAGE_SIZES));
    if pick(str_of(el, "style"), &[("person", "person")]).is_some() {
        classes.push("person");
    }
    let picture = img(&classes.join(" "), src, str_of(el, "altText").unwrap_or(""));
    match open_url_of(el) {
        Some(u) => link_out("ac-image-link", u, picture),
        None => picture,
    }
}

fn media(el: &Value) -> Markup {
    let src = arr_of(el, "sources")
        .iter()
        .find_map(|s| http_url(str_of(s, "url")));
    let poster = http_url(str_of(el, "poster"));
    if src.is_none() && poster.is_none() {
        return html! {};
    }
    let alt = str_of(el, "altText");
    html! {
        div.ac-media {
            @if let Some(p) = poster { (img("ac-media-poster", p, alt.unwrap_or(""))) }
            @if let Some(u) = src {
                (link_out("ac-media-link", u, html! { (label(alt.unwrap_or("Play media"))) }))
            }
        }
    }
}

fn disabled_button(class: &str, text: &str, hint: Option<&str>) -> Markup {
    html! { button type="button" class=(class) disabled title=[hint] { (label(text)) } }
}

/// A column's width: `auto`, `stretch` (the default), a weight (a number, in `data-weight`) or
/// pixels (`"80px"`, in `data-px`).
struct Width {
    class: &'static str,
    weight: Option<String>,
    px: Option<u32>,
}

fn column_width(w: Option<&Value>) -> Width {
    let stretch = Width {
        class: "w-stretch",
        weight: None,
        px: None,
    };
    let weight = |n: f64| {
        (n.is_finite() && n > 0.0 && n <= 1000.0).then(|| Width {
            class: "w-weight",
            weight: Some(((n * 100.0).round() / 100.0).to_string()),
            px: None,
        })
    };
    match w {
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.eq_ignore_ascii_case("auto") {
                Width {
                    class: "w-auto",
                    ..stretch
                }
            } else if let Some(px) = s.strip_suffix("px") {
                match px.trim().parse::<u32>() {
                    Ok(n) if (1..=4000).contains(&n) => Width {
                        class: "w-px",
                        px: Some(n),
                        ..stretch
                    },
                    _ => stretch,
                }
            } else {
                s.parse::<f64>().ok().and_then(weight).unwrap_or(stretch)
            }
        }
        Some(Value::Number(n)) => n.as_f64().and_then(weight).unwrap_or(stretch),
        _ => stretch,
    }
}

const TEXT_SIZES: &[(&str, &str)] = &[
    ("small", "size-small"),
    ("medium", "size-medium"),
    ("large", "size-large"),
    ("extraLarge", "size-extralarge"),
];
const IMAGE_SIZES: &[(&str, &str)] = &[
    ("auto", "size-auto"),
    ("stretch", "size-stretch"),
    ("small", "size-small"),
    ("medium", "size-medium"),
    ("large", "size-large"),
];
const COLORS: &[(&str, &str)] = &[
    ("dark", "color-dark"),
    ("light", "color-light"),
    ("accent", "color-accent"),
    ("good", "color-good"),
    ("warning", "color-warning"),
    ("attention", "color-attention"),
];
const ALIGNS: &[(&str, &str)] = &[("center", "align-center"), ("right", "align-right")];

fn text_classes(el: &Value, base: &'static str) -> String {
    let mut c = vec![base];
    c.extend(pick(str_of(el, "size"), TEXT_SIZES));
    c.extend(pick(
        str_of(el, "weight"),
        &[("lighter", "weight-lighter"), ("bolder", "weight-bolder")],
    ));
    c.extend(pick(str_of(el, "color"), COLORS));
    c.extend(pick(str_of(el, "fontType"), &[("monospace", "mono")]));
    c.extend(pick(str_of(el, "horizontalAlignment"), ALIGNS));
    if is_true(el, "isSubtle") {
        c.push("subtle");
    }
    if is_true(el, "wrap") {
        c.push("wrap");
    }
    c.join(" ")
}
/// A container's or column's style, as " style-…" (or nothing).
fn style_class(el: &Value) -> &'static str {
    pick(
        str_of(el, "style"),
        &[
            ("emphasis", " style-emphasis"),
            ("good", " style-good"),
            ("attention", " style-attention"),
            ("warning", " style-warning"),
            ("accent", " style-accent"),
        ],
    )
    .unwrap_or("")
}

/// The `http(s)` URL of an element's `Action.OpenUrl` select action.
fn open_url_of(el: &Value) -> Option<&str> {
    let a = el.get("selectAction")?;
    if str_of(a, "type")? != "Action.OpenUrl" {
        return None;
    }
    http_url(str_of(a, "url"))
}

/// Adaptive cards' `{{DATE(2017-02-14T06:08:00Z, SHORT)}}` and `{{TIME(…)}}`, in UTC; malformed
/// ones stay as written.
fn ac_functions(s: &str) -> Cow<'_, str> {
    if !s.contains("{{") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find("{{") {
        out.push_str(&rest[..p]);
        let at = &rest[p..];
        match ac_function(at) {
            Some((text, used)) => {
                out.push_str(&text);
                rest = &at[used..];
            }
            None => {
                out.push_str("{{");
                rest = &at[2..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn ac_function(s: &str) -> Option<(String, usize)> {
    let (date, args) = if let Some(a) = s.strip_prefix("{{DATE(") {
        (true, a)
    } else {
        (false, s.strip_prefix("{{TIME(")?)
    };
    let window = &args.as_bytes()[..args.len().min(80)];
    let end = window.windows(3).position(|w| w == b")}}")?;
    let mut parts = args[..end].splitn(2, ',');
    let ts = parts.next()?.trim().parse::<Timestamp>().ok()?;
    let style = parts.next().map(str::trim).unwrap_or("COMPACT");
    let text = if date {
        let fmt = match style {
            "SHORT" => "%a, %b %-d, %Y",
            "LONG" => "%A, %B %-d, %Y",
            _ => "%Y-%m-%d",
        };
        ts.strftime(fmt).to_string()
    } else {
        format!("{} UTC", ts.strftime("%H:%M"))
    };
    Some((text, "{{DATE(".len() + end + ")}}".len()))
}
