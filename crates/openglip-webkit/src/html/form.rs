//! Forms: [`Field`] (a label, an input, its hint and its error in place), [`Choices`] (radio or
//! checkbox groups, each choice with a hint), [`hidden`] inputs, and [`FormErrors`], the
//! errors of a posted form by field name.

use maud::{Markup, Render, html};

use crate::html::{Tone, notice};

/// The errors of a posted form, by field name, in the order found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    pub fn new() -> FormErrors {
        FormErrors::default()
    }

    /// Records `message` for `field` (a second message for the same field is kept too, shown
    /// in the summary).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()));
    }

    /// The first message for `field`: pass it to [`Field::error`].
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first error (e.g. for a JSON API that reports one).
    pub fn first(&self) -> Option<(&str, &str)> {
        self.0.first().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// `Ok(value)` when there are no errors.
    pub fn into_result<T>(self, value: T) -> Result<T, FormErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// A summary at the top of the form, each error a link to its field, so that keyboard and
    /// screen-reader users find them first. Empty when there are no errors.
    pub fn summary(&self) -> Markup {
        if self.is_empty() {
            return html! {};
        }
        notice(
            Tone::Bad,
            html! {
                div.error-summary role="alert" {
                    h2 { "There is a problem" }
                    ul {
                        @for (field, message) in self.iter() {
                            li { a href={ "#" (field_id(field)) } { (message) } }
                        }
                    }
                }
            },
        )
    }
}

/// The `id` of a field's input: `f-` and its name, with anything but letters, digits, `-` and
/// `_` replaced, so it is a valid fragment.
fn field_id(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("f-{safe}")
}

/// The ids of a control's hint and error, and its `aria-describedby` (both, when present).
fn described_by(
    id: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> (String, String, Option<String>) {
    let (hint_id, err_id) = (format!("{id}-hint"), format!("{id}-err"));
    let ids: Vec<&str> = [
        hint.map(|_| hint_id.as_str()),
        error.map(|_| err_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!ids.is_empty()).then(|| ids.join(" "));
    (hint_id, err_id, described)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Email,
    Password,
    Number,
    Url,
    Search,
    Textarea,
    Select,
    Checkbox,
}

/// One option of a select, or one choice of a [`Choices`] group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice<'a> {
    pub value: &'a str,
    pub label: &'a str,
    /// A line under the label (radio and checkbox groups).
    pub hint: Option<&'a str>,
}

impl<'a> Choice<'a> {
    pub fn new(value: &'a str, label: &'a str) -> Choice<'a> {
        Choice {
            value,
            label,
            hint: None,
        }
    }

    pub fn hint(mut self, hint: &'a str) -> Choice<'a> {
        self.hint = Some(hint);
        self
    }
}

/// A form field: its label, the input, a hint and the error in place. Build with the
/// constructor of its kind, then the options.
///
/// ```
/// use openglip_webkit::html::Field;
/// let f = Field::email("email", "Email").value("a@b.c").required().error(Some("Taken."));
/// let html = maud::Render::render(&f).0;
/// assert!(html.contains(r#"aria-invalid="true""#));
/// assert!(html.contains(r#"<label for="f-email">Email</label>"#));
/// ```
#[derive(Debug, Clone)]
pub struct Field<'a> {
    name: &'a str,
    label: &'a str,
    kind: Kind,
    value: &'a str,
    options: &'a [Choice<'a>],
    checked: bool,
    hint: Option<&'a str>,
    error: Option<&'a str>,
    required: bool,
    autocomplete: Option<&'a str>,
    placeholder: Option<&'a str>,
    range: (Option<&'a str>, Option<&'a str>, Option<&'a str>),
    id: Option<&'a str>,
}

impl<'a> Field<'a> {
    fn of(kind: Kind, name: &'a str, label: &'a str) -> Field<'a> {
        Field {
            name,
            label,
            kind,
            value: "",
            options: &[],
            checked: false,
            hint: None,
            error: None,
            required: false,
            autocomplete: None,
            placeholder: None,
            range: (None, None, None),
            id: None,
        }
    }

    pub fn text(name: &'a str, label: &'a str) -> Field<'a> {
        Field::of(Kind::Text, name, label)
    }
    pub fn email(name: &'a str, label: &'a str) -> Field<'a> {
        Field::of(Kind::Email, name, label)
    }
    /// A password: its value is never rendered back.
    pub fn password(name: &'a str, label: &'a str) -> Field<'a> {
        Field::of(Kind::Password, name, label)
    }
    pub fn number(name: &'a str, label: &'a str) -> Field<'a> {
        Field::of(Kind::Number, name, label)
    }
    pub fn url(name: &'a str, label: &'a str) -> Field<'a> {
        Field::of(Kind::Url, name, label)
    }
    pub fn search(name: &'a str, label: &'a str) -> Field<'a> {
        Field::of(Kind::Search, name, label)
    }
    pub fn textarea(name: &'a str, label: &'a str) -> Field<'a> {
        Field::of(Kind::Textarea, name, label)
    }
    /// A drop-down of `options`; the one whose value is [`Field::value`] is selected.
    pub fn select(name: &'a str, label: &'a str, options: &'a [Choice<'a>]) -> Field<'a> {
        Field {
            options,
            ..Field::of(Kind::Select, name, label)
        }
    }
    /// A single checkbox (posts `on` when ticked).
    pub fn checkbox(name: &'a str, label: &'a str) -> Field<'a> {
        Field::of(Kind::Checkbox, name, label)
    }

    /// The current value (what was posted, so a form with errors keeps what was typed).
    pub fn value(mut self, v: &'a str) -> Self {
        self.value = v;
        self
    }
    /// Whether the checkbox is ticked.
    pub fn checked(mut self, on: bool) -> Self {
        self.checked = on;
        self
    }
    pub fn hint(mut self, h: &'a str) -> Self {
        self.hint = Some(h);
        self
    }
    /// The error shown in place (`errors.get("name")`).
    pub fn error(mut self, e: Option<&'a str>) -> Self {
        self.error = e;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn autocomplete(mut self, a: &'a str) -> Self {
        self.autocomplete = Some(a);
        self
    }
    pub fn placeholder(mut self, p: &'a str) -> Self {
        self.placeholder = Some(p);
        self
    }
    /// `min`, `max` and `step` of a number.
    pub fn range(
        mut self,
        min: Option<&'a str>,
        max: Option<&'a str>,
        step: Option<&'a str>,
    ) -> Self {
        self.range = (min, max, step);
        self
    }
    /// Another `id` (when the same name appears twice on a page).
    pub fn id(mut self, id: &'a str) -> Self {
        self.id = Some(id);
        self
    }

    fn input_type(&self) -> &'static str {
        match self.kind {
            Kind::Email => "email",
            Kind::Password => "password",
            Kind::Number => "number",
            Kind::Url => "url",
            Kind::Search => "search",
            Kind::Checkbox => "checkbox",
            _ => "text",
        }
    }
}

impl Render for Field<'_> {
    fn render(&self) -> Markup {
        let id = self.id.map_or_else(|| field_id(self.name), str::to_string);
        let (hint_id, err_id, described) = described_by(&id, self.hint, self.error);
        let invalid = self.error.map(|_| "true");
        let (min, max, step) = self.range;
        let value = (self.kind != Kind::Password).then_some(self.value);
        let control = match self.kind {
            Kind::Textarea => html! {
                textarea id=(id) name=(self.name) required[self.required]
                    placeholder=[self.placeholder] aria-invalid=[invalid]
                    aria-describedby=[&described] { (self.value) }
            },
            Kind::Select => html! {
                select id=(id) name=(self.name) required[self.required]
                    aria-invalid=[invalid] aria-describedby=[&described] {
                    @for o in self.options {
                        option value=(o.value) selected[o.value == self.value] { (o.label) }
                    }
                }
            },
            Kind::Checkbox => html! {
                input id=(id) type="checkbox" name=(self.name) value="on" checked[self.checked]
                    required[self.required] aria-invalid=[invalid] aria-describedby=[&described];
            },
            _ => html! {
                input id=(id) type=(self.input_type()) name=(self.name) value=[value]
                    required[self.required] autocomplete=[self.autocomplete]
                    placeholder=[self.placeholder] min=[min] max=[max] step=[step]
                    aria-invalid=[invalid] aria-describedby=[&described];
            },
        };
        let after = html! {
            @if let Some(h) = self.hint { span.hint id=(hint_id) { (h) } }
            @if let Some(e) = self.error { span.error id=(err_id) { (e) } }
        };
        html! {
            @if self.kind == Kind::Checkbox {
                div.field.check.invalid[self.error.is_some()] {
                    label.inline-label for=(id) { (control) " " (self.label) }
                    (after)
                }
            } @else {
                div.field.invalid[self.error.is_some()] {
                    label for=(id) { (self.label) }
                    (control)
                    (after)
                }
            }
        }
    }
}

/// A hidden input.
pub fn hidden(name: &str, value: &str) -> Markup {
    html! { input type="hidden" name=(name) value=(value); }
}

/// A group of radio buttons (one answer) or checkboxes (several; they post the field
/// repeatedly, read into a `Vec<String>`), each choice a card with its label and hint, inside
/// a `<fieldset>` whose `<legend>` names the question.
#[derive(Debug, Clone)]
pub struct Choices<'a> {
    name: &'a str,
    legend: &'a str,
    multiple: bool,
    options: &'a [Choice<'a>],
    selected: Vec<&'a str>,
    hint: Option<&'a str>,
    error: Option<&'a str>,
    columns: bool,
}

impl<'a> Choices<'a> {
    /// Radio buttons: one of `options`.
    pub fn radio(name: &'a str, legend: &'a str, options: &'a [Choice<'a>]) -> Choices<'a> {
        Choices {
            name,
            legend,
            multiple: false,
            options,
            selected: vec![],
            hint: None,
            error: None,
            columns: false,
        }
    }

    /// Checkboxes: any of `options`.
    pub fn checkboxes(name: &'a str, legend: &'a str, options: &'a [Choice<'a>]) -> Choices<'a> {
        Choices {
            multiple: true,
            ..Choices::radio(name, legend, options)
        }
    }

    /// The values ticked.
    pub fn selected(mut self, values: &[&'a str]) -> Self {
        self.selected = values.to_vec();
        self
    }
    pub fn hint(mut self, h: &'a str) -> Self {
        self.hint = Some(h);
        self
    }
    pub fn error(mut self, e: Option<&'a str>) -> Self {
        self.error = e;
        self
    }
    /// Laid out in columns (many short choices).
    pub fn columns(mut self) -> Self {
        self.columns = true;
        self
    }
}

impl Render for Choices<'_> {
    fn render(&self) -> Markup {
        let id = field_id(self.name);
        let (hint_id, err_id, described) = described_by(&id, self.hint, self.error);
        let kind = if self.multiple { "checkbox" } else { "radio" };
        html! {
            fieldset.group.invalid[self.error.is_some()] id=(id) aria-describedby=[&described] {
                legend.legend { (self.legend) }
                @if let Some(h) = self.hint { span.hint id=(hint_id) { (h) } }
                div.choices.cols[self.columns] {
                    @for (i, o) in self.options.iter().enumerate() {
                        @let opt_id = format!("{id}-{i}");
                        label.choice for=(opt_id) {
                            input id=(opt_id) type=(kind) name=(self.name) value=(o.value)
                                checked[self.selected.contains(&o.value)]
                                aria-invalid=[self.error.map(|_| "true")];
                            span {
                                strong { (o.label) }
                                @if let Some(h) = o.hint { small { (h) } }
                            }
                        }
                    }
                }
                @if let Some(e) = self.error { span.error id=(err_id) { (e) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_ties_its_hint_and_error_to_the_input() {
        let f = Field::text("name", "Name")
            .hint("As people see it")
            .error(Some("Required"))
            .render()
            .0;
        assert!(
            f.contains(r#"aria-describedby="f-name-hint f-name-err""#),
            "{f}"
        );
        assert!(f.contains(r#"<span class="error" id="f-name-err">Required</span>"#));
        assert!(f.contains(r#"class="field invalid""#));
    }

    #[test]
    fn passwords_are_not_rendered_back() {
        let f = Field::password("pw", "Password")
            .value("hunter2")
            .render()
            .0;
        assert!(!f.contains("hunter2"));
    }

    #[test]
    fn select_marks_the_current_value_and_groups_mark_the_ticked() {
        let opts = [
            Choice::new("a", "A"),
            Choice::new("b", "B").hint("the second"),
        ];
        let s = Field::select("x", "X", &opts).value("b").render().0;
        assert!(
            s.contains(r#"<option value="b" selected>B</option>"#),
            "{s}"
        );
        let g = Choices::checkboxes("perm", "Permissions", &opts)
            .selected(&["a"])
            .render()
            .0;
        assert!(g.contains(r#"value="a" checked"#), "{g}");
        assert!(!g.contains(r#"value="b" checked"#));
        assert!(g.contains("<legend class=\"legend\">Permissions</legend>"));
        assert!(g.contains("<small>the second</small>"));
    }

    #[test]
    fn error_summary_links_to_the_fields() {
        let mut e = FormErrors::new();
        assert_eq!(e.summary().0, "");
        e.add("redirect[0]", "Not a URL");
        let s = e.summary().0;
        assert!(
            s.contains(r##"<a href="#f-redirect-0-">Not a URL</a>"##),
            "{s}"
        );
        assert_eq!(e.get("redirect[0]"), Some("Not a URL"));
        assert!(e.into_result(()).is_err());
    }
}
