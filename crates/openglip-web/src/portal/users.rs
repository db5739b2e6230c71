//! Users with Extension: the list with search, Add User, and a person's profile (names, e-mail,
//! role, password; enable, disable, a new activation link).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use openglip_domain::*;
use openglip_platform::people::{AddedUser, UserChanges, UserForm};
use openglip_server::AppState;
use openglip_server::api::base_url;
use openglip_server::extract::Params;
use openglip_webkit::html::{Button, ConfirmForm, Field, FormErrors, Table, Tone, notice};
use openglip_webkit::{CsrfForm, Markup, html};

use super::admin::Admin;
use super::user_form::{UserFields, UserFormPage, name_fields, role_card, status_pill, user_form};
use crate::failure::{failure_page, in_form, not_found};
use crate::parts::{correct_notice, form_status};

const USER_COLUMNS: &[&str] = &["Name", "Ext.", "Email", "Type", "Role", "Status"];

/// `GET /admin/users?search=`: the company's people.
pub async fn list(State(st): State<AppState>, a: Admin, p: Params) -> Response {
    let search = p.get("search").unwrap_or("");
    let people = match st.platform().users(&a.ext, Some(search)).await {
        Ok(list) => list,
        Err(e) => return failure_page(&a.kit, e),
    };
    let rows = people.iter().map(|e| {
        let href = format!("/admin/users/{}", e.id);
        html! {
            td { a href=(href) { strong { (e.full_name()) } } }
            td { (e.extension_number) }
            td { (e.email.as_deref().unwrap_or("—")) }
            td { @if e.kind == ExtensionType::Bot { "Bot" } @else { "User" } }
            td { @if e.is_admin { "Administrator" } @else { "Standard" } }
            td { (status_pill(e.status)) }
        }
    });
    let count = format!(
        "{} user{}",
        people.len(),
        if people.len() == 1 { "" } else { "s" }
    );
    let main = html! {
        div.pagehead {
            div { h1 { "Users with Extension" } p.sub { (count) } }
            (Button::primary("+ Add User").link("/admin/users/new"))
        }
        div.card {
            form.searchbar method="get" action="/admin/users" role="search" {
                label.vh for="search" { "Search users" }
                input #search type="search" name="search" value=(search)
                    placeholder="Search by name, email or extension";
                (Button::secondary("Search"))
            }
            (Table::new(USER_COLUMNS).caption("Users").rows(rows).empty(html! { "No users match." }))
        }
    };
    a.page("/admin/users", "/admin/users", "Users", main)
        .into_response()
}

const ADD: UserFormPage<'static> = UserFormPage {
    action: "/admin/users",
    title: "Add Users without Phone",
    intro: "People who use team messaging and apps, without a phone number.",
    fixed_number: false,
};

/// The Add User page (or an unassigned number's), `f` filled in and `errors` in place.
pub fn form_page(
    a: &Admin,
    p: &UserFormPage<'_>,
    side: &str,
    title: &str,
    f: &UserForm,
    errors: &FormErrors,
) -> Response {
    let main = html! { (correct_notice(errors)) (user_form(&a.csrf, p, f, errors)) };
    let page = a.page("/admin/users", side, title, main);
    page.status(form_status(errors)).into_response()
}

/// `GET /admin/users/new`: Add User.
pub async fn new_user(a: Admin) -> Response {
    form_page(
        &a,
        &ADD,
        "/admin/users",
        "Add User",
        &UserForm::default(),
        &FormErrors::new(),
    )
}

/// Adds the person of the form `fields`: their profile with what happened, or the form again.
pub async fn add_person(
    st: &AppState,
    a: &Admin,
    headers: &HeaderMap,
    fields: &UserFields,
    again: impl Fn(&UserForm, &FormErrors) -> Response,
) -> Response {
    let f = fields.form();
    if fields.preassigned() && f.password.is_empty() {
        let mut errors = FormErrors::new();
        errors.add(
            "password",
            "Enter the password, or choose the activation email.",
        );
        return again(&f, &errors);
    }
    match st
        .platform()
        .add_user(&a.ext, &f, &base_url(st, headers))
        .await
    {
        Ok(added) => created(a, added),
        Err(e) => in_form(&a.kit, e, |errors| again(&f, errors)),
    }
}

/// `POST /admin/users`: Save & Enable.
pub async fn add(
    State(st): State<AppState>,
    a: Admin,
    headers: HeaderMap,
    CsrfForm(fields): CsrfForm<UserFields>,
) -> Response {
    let again = |f: &UserForm, errors: &FormErrors| {
        form_page(&a, &ADD, "/admin/users", "Add User", f, errors)
    };
    add_person(&st, &a, &headers, &fields, again).await
}

/// The profile page after adding a person: with the activation link when there is one.
fn created(a: &Admin, added: AddedUser) -> Response {
    let e = &added.extension;
    let msg = match &added.activation_link {
        Some(link) => html! {
            (e.full_name()) " was added (extension " (e.extension_number) "). We recorded this activation email in the "
            a href="/admin/outbox" { "mail outbox" } "; the user sets a password with the link:" br;
            code #activation-link { (link) }
        },
        None => html! {
            (e.full_name()) " was added and enabled (extension " (e.extension_number) "). They sign in with "
            (e.email.as_deref().unwrap_or("")) " and the password you set."
        },
    };
    profile_page(a, e, notice(Tone::Ok, msg), &FormErrors::new())
        .status(StatusCode::CREATED)
        .into_response()
}

/// A person of the administrator's company, by the id in the path; the page when there is none.
async fn account_user(st: &AppState, a: &Admin, id: &str) -> Result<Extension, Response> {
    let missing = || {
        not_found(
            &a.kit,
            "User not found",
            "There is no such user in your company.",
        )
    };
    let id: i64 = id.parse().map_err(|_| missing())?;
    match st.platform().account_user(&a.ext, ExtensionId(id)).await {
        Ok(e) => Ok(e),
        Err(Error::NotFound(_)) => Err(missing()),
        Err(e) => Err(failure_page(&a.kit, e)),
    }
}

/// The buttons of a person's profile form: save, and enable or resend as their status allows
/// (Disable is a form of its own that asks first: [`disable_form`]).
fn profile_actions(e: &Extension) -> Markup {
    let toggle = match e.status {
        ExtensionStatus::Disabled => Some(Button::secondary("Enable").value("action", "enable")),
        ExtensionStatus::NotActivated => {
            Some(Button::secondary("Send a new activation link").value("action", "resend"))
        }
        _ => None,
    };
    html! {
        div.actions {
            (Button::primary("Save & Enable").value("action", "save"))
            @if let Some(t) = toggle { (t) }
        }
    }
}

/// Disable, for an enabled person other than the administrator: a form of its own that asks
/// for confirmation first (the kit's `ConfirmForm`).
fn disable_form(a: &Admin, e: &Extension, action: &str) -> Markup {
    if e.status != ExtensionStatus::Enabled || e.id == a.ext.id || e.kind == ExtensionType::Bot {
        return html! {};
    }
    let question = format!("Disable {}?", e.full_name());
    let form = ConfirmForm::new("disable-user", action, &a.csrf, Button::danger("Disable"))
        .field("action", "disable")
        .question(&question)
        .detail(html! { p { "They can no longer sign in, and their apps' tokens stop working. You can enable them again later." } });
    html! { div.actions.mt { (form) } }
}

/// A person's profile page: `message` above, `errors` in place.
fn profile_page(
    a: &Admin,
    e: &Extension,
    message: Markup,
    errors: &FormErrors,
) -> openglip_webkit::Page {
    let is_bot = e.kind == ExtensionType::Bot;
    let action = format!("/admin/users/{}", e.id);
    let main = html! {
        div.pagehead {
            div { h1 { (e.full_name()) } p.sub { "Extension " (e.extension_number) " · " (status_pill(e.status)) } }
        }
        (message)
        form method="post" action=(action) novalidate {
            (a.csrf.field())
            div.card {
                h2 { "User profile information" }
                (name_fields(&e.first_name, &e.last_name, errors, false))
                div.grid2.mt {
                    (Field::email("email", "Email").value(e.email.as_deref().unwrap_or("")).error(errors.get("email")))
                    div.field { span.legend { "Type" } span { @if is_bot { "Bot" } @else { "User" } } }
                }
            }
            (role_card(e.is_admin, e.id == a.ext.id))
            @if is_bot {
                p.hint { "Bots are managed under " a href="/admin/apps" { "Apps" } "." }
            } @else {
                div.card {
                    h2 { "Password" }
                    (Field::password("password", "Set a new password (optional)").autocomplete("new-password")
                        .hint("At least 8 characters; enables a user who is not activated").error(errors.get("password")))
                }
                (profile_actions(e))
            }
        }
        (disable_form(a, e, &action))
    };
    a.page("/admin/users", "/admin/users", &e.full_name(), main)
}

/// `GET /admin/users/{id}`.
pub async fn profile(State(st): State<AppState>, a: Admin, Path(id): Path<String>) -> Response {
    match account_user(&st, &a, &id).await {
        Ok(e) => profile_page(&a, &e, html! {}, &FormErrors::new()).into_response(),
        Err(resp) => resp,
    }
}

/// Applies the profile form (names, e-mail, admin role, password; or enable, disable, a new
/// activation link); returns the person and what happened.
async fn apply(
    st: &AppState,
    a: &Admin,
    e: &Extension,
    f: &UserFields,
    base: &str,
) -> Result<(Extension, Markup)> {
    let mut changes = UserChanges::default();
    let mut message = "Saved.";
    match f.action.as_str() {
        "disable" if e.id != a.ext.id => {
            changes.status = Some(ExtensionStatus::Disabled);
            message = "The user is disabled: they can no longer sign in, and their apps' tokens stop working.";
        }
        "enable" => {
            changes.status = Some(ExtensionStatus::Enabled);
            message = "The user is enabled.";
        }
        "resend" => {
            let link = st.platform().send_activation(&a.ext, e, base).await?;
            let said = html! {
                "A new activation link was recorded in the mail outbox: " code #activation-link { (link) }
            };
            return Ok((e.clone(), said));
        }
        _ => {
            if e.kind == ExtensionType::User {
                changes.first_name = Some(f.first_name.trim().to_string());
                changes.last_name = Some(f.last_name.trim().to_string());
                changes.email = Some(f.email.clone());
                changes.password = Some(f.password.clone()).filter(|p| !p.is_empty());
                if e.status == ExtensionStatus::NotActivated && changes.password.is_none() {
                    message = "Saved. The user is enabled once they set a password with their activation link (or you set one here).";
                }
            }
            if e.id != a.ext.id {
                changes.is_admin = Some(f.admin.is_some());
            }
        }
    }
    let updated = st.platform().change_user(&a.ext, e, changes).await?;
    Ok((updated, html! { (message) }))
}

/// `POST /admin/users/{id}`: Save & Enable, Disable, Enable or a new activation link.
pub async fn save(
    State(st): State<AppState>,
    a: Admin,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(fields): CsrfForm<UserFields>,
) -> Response {
    let e = match account_user(&st, &a, &id).await {
        Ok(e) => e,
        Err(resp) => return resp,
    };
    match apply(&st, &a, &e, &fields, &base_url(&st, &headers)).await {
        Ok((updated, msg)) => {
            profile_page(&a, &updated, notice(Tone::Ok, msg), &FormErrors::new()).into_response()
        }
        Err(err) => in_form(&a.kit, err, |errors| {
            let page = profile_page(&a, &e, correct_notice(errors), errors);
            page.status(StatusCode::BAD_REQUEST).into_response()
        }),
    }
}
