//! The Add User form (also assigning a kept extension number): what it posts
//! ([`UserFields`], the platform's [`UserForm`]) and its template ([`user_form`]); the
//! pieces the profile page shares with it.

use openglip_domain::ExtensionStatus;
use openglip_platform::people::UserForm;
use openglip_webkit::html::{Button, Choice, Choices, Field, FormErrors, Tone, hidden, pill};
use openglip_webkit::{Csrf, Markup, html};
use serde::Deserialize;

/// The user form as posted (names as the form spells them).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserFields {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub extension_number: String,
    pub credentials: String,
    pub password: String,
    pub admin: Option<String>,
    /// The profile page's buttons: save, disable, enable, resend.
    pub action: String,
}

impl UserFields {
    /// Whether the administrator chose to set the password now.
    pub fn preassigned(&self) -> bool {
        self.credentials == "password"
    }

    /// What the platform validates.
    pub fn form(&self) -> UserForm {
        UserForm {
            first_name: self.first_name.trim().to_string(),
            last_name: self.last_name.trim().to_string(),
            email: self.email.trim().to_string(),
            extension_number: self.extension_number.trim().to_string(),
            password: if self.preassigned() {
                self.password.clone()
            } else {
                String::new()
            },
            is_admin: self.admin.is_some(),
        }
    }
}

/// A person's status, as a pill.
pub fn status_pill(s: ExtensionStatus) -> Markup {
    match s {
        ExtensionStatus::Enabled => pill(Tone::Ok, "Enabled"),
        ExtensionStatus::NotActivated => pill(Tone::Warn, "Not activated"),
        ExtensionStatus::Disabled => pill(Tone::Bad, "Disabled"),
        ExtensionStatus::Removed => pill(Tone::Neutral, "Removed"),
    }
}

/// First and last name, as the two forms show them.
pub fn name_fields(first: &str, last: &str, errors: &FormErrors, first_required: bool) -> Markup {
    let first = Field::text("firstName", "First name")
        .value(first)
        .error(errors.get("firstName"));
    let first = if first_required {
        first.required()
    } else {
        first
    };
    html! {
        div.grid2 {
            (first)
            (Field::text("lastName", "Last name").value(last).error(errors.get("lastName")))
        }
    }
}

/// The administrator role's checkbox (`locked`: one's own, which one cannot take away).
pub fn role_card(is_admin: bool, locked: bool) -> Markup {
    html! {
        div.card {
            h2 { "Role" }
            label.choice {
                input type="checkbox" name="admin" value="on" checked[is_admin] disabled[locked];
                span { strong { "Administrator" } small { "Can use this admin portal" } }
            }
        }
    }
}

const CREDENTIALS: [Choice<'static>; 2] = [
    Choice {
        value: "activation",
        label: "Send an activation email",
        hint: Some(
            "The user sets their own password with a link (shown to you and kept in the mail outbox)",
        ),
    },
    Choice {
        value: "password",
        label: "Pre-assigned credentials",
        hint: Some("You set the password now; the user is enabled at once"),
    },
];

/// What the Add User form says and where it posts.
pub struct UserFormPage<'a> {
    pub action: &'a str,
    pub title: &'a str,
    pub intro: &'a str,
    /// The extension number is given (an unassigned one), not typed.
    pub fixed_number: bool,
}

/// The Add User form, with `f` filled in and `errors` in place.
pub fn user_form(csrf: &Csrf, p: &UserFormPage<'_>, f: &UserForm, errors: &FormErrors) -> Markup {
    let preassigned = !f.password.is_empty() || errors.get("password").is_some();
    let credentials = if preassigned {
        "password"
    } else {
        "activation"
    };
    html! {
        div.pagehead { div { h1 { (p.title) } p.sub { (p.intro) } } }
        form method="post" action=(p.action) novalidate {
            (csrf.field())
            div.card {
                h2 { "User profile information" }
                (name_fields(&f.first_name, &f.last_name, errors, true))
                div.grid2.mt {
                    (Field::email("email", "Email").value(&f.email).required().hint("The user's login")
                        .error(errors.get("email")))
                    @if p.fixed_number {
                        div.field {
                            span.legend { "Extension" }
                            (hidden("extensionNumber", &f.extension_number))
                            code { (f.extension_number) }
                        }
                    } @else {
                        (Field::text("extensionNumber", "Extension (optional)").value(&f.extension_number)
                            .hint("Leave empty for the next free number").error(errors.get("extensionNumber")))
                    }
                }
            }
            div.card {
                h2 { "Credentials" }
                (Choices::radio("credentials", "How the user gets a password", &CREDENTIALS).selected(&[credentials]))
                div.mt {
                    (Field::password("password", "Password (pre-assigned credentials)").autocomplete("new-password")
                        .hint("At least 8 characters").error(errors.get("password")))
                }
            }
            (role_card(f.is_admin, false))
            div.actions {
                (Button::primary("Save & Enable"))
                (Button::secondary("Cancel").link("/admin/users"))
            }
        }
    }
}
