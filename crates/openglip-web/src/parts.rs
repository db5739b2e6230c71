//! What the console and the admin portal share: the signed-in chrome of an area ([`Area`],
//! [`Chrome`]), the answer to a form that needs correcting, the password-and-confirm pair, a
//! dangerous one-button form, and a person's or an app's cell in a table.

use axum::http::StatusCode;
use openglip_domain::Extension;
use openglip_domain::platform::Environment;
use openglip_webkit::html::{
    Button, ConfirmForm, Field, FormErrors, NavLink, Shell, SideGroup, Tone, notice, pill,
};
use openglip_webkit::{Csrf, Kit, Markup, Page, html};

/// A form with nothing to read but its CSRF token (sign out).
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// One signed-in area of the platform: its name, home, sections and sign-out.
pub struct Area {
    pub name: &'static str,
    pub home: &'static str,
    pub nav: &'static [NavLink<'static>],
    pub sign_out: &'static str,
}

/// What every page of an area shows around its content: who is signed in, where they are.
pub struct Chrome<'a> {
    pub kit: &'a Kit,
    pub csrf: &'a Csrf,
    pub area: &'a Area,
    pub user: &'a Extension,
    /// The environment tag (the portal's company: sandbox or production).
    pub env: Option<Environment>,
    /// The section of the top navigation.
    pub current: &'a str,
    /// The side menu and its current link.
    pub side: Vec<SideGroup<'a>>,
    pub side_current: &'a str,
}

impl Chrome<'_> {
    /// The page titled `title`.
    pub fn page(&self, title: &str, main: Markup) -> Page {
        let name = self.user.full_name();
        let mut shell = Shell::new(self.kit, self.area.name, self.area.home)
            .nav(self.area.nav, self.current)
            .user(&name)
            .sign_out(self.area.sign_out, self.csrf)
            .side(self.side.clone(), self.side_current);
        if let Some(env) = self.env {
            shell = shell.env(env.as_str(), env_tone(env));
        }
        Page::new(shell.render(title, main))
    }
}

fn env_tone(env: Environment) -> Tone {
    match env {
        Environment::Sandbox => Tone::Warn,
        Environment::Production => Tone::Ok,
    }
}

/// "Sandbox" or "Production", as a pill.
pub fn env_pill(env: Environment) -> Markup {
    match env {
        Environment::Sandbox => pill(Tone::Warn, "Sandbox"),
        Environment::Production => pill(Tone::Ok, "Production"),
    }
}

/// A page's heading and the line under it.
pub fn heading(title: &str, sub: Markup) -> Markup {
    html! { div.pagehead { div { h1 { (title) } p.sub { (sub) } } } }
}

/// A new password and its confirmation (the sandbox's administrator, an activation).
pub fn new_password_fields(label: &str, errors: &FormErrors) -> Markup {
    html! {
        (Field::password("password", label).autocomplete("new-password")
            .hint("At least 8 characters").required().error(errors.get("password")))
        (Field::password("confirm", "Confirm password").autocomplete("new-password")
            .required().error(errors.get("confirm")))
    }
}

/// One dangerous action (remove, revoke, rotate) as a small form that asks first.
pub fn danger_form(id: &str, action: &str, csrf: &Csrf, label: &str, question: &str) -> Markup {
    html! { (ConfirmForm::new(id, action, csrf, Button::danger(label).small()).question(question)) }
}

/// A cell with a name in bold and a line under it.
pub fn named_cell(name: &str, under: Markup) -> Markup {
    html! { td { strong { (name) } br; span.hint { (under) } } }
}

/// "Please correct the fields marked below." when the form has errors.
pub fn correct_notice(errors: &FormErrors) -> Markup {
    html! {
        @if !errors.is_empty() { (notice(Tone::Bad, html! { "Please correct the fields marked below." })) }
    }
}

/// 200, or 400 when the form shown has errors.
pub fn form_status(errors: &FormErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    }
}
