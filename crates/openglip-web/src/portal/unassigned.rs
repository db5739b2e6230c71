//! Unassigned Extensions: numbers kept for people (or an AI agent's user) added later, and
//! adding a person on one.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use openglip_platform::people::UserForm;
use openglip_server::AppState;
use openglip_webkit::html::{Button, FormErrors, Table, Tone, notice, pill};
use openglip_webkit::{CsrfForm, Markup, html};

use super::admin::Admin;
use super::user_form::{UserFields, UserFormPage};
use super::users::{add_person, form_page};
use crate::failure::{failure_page, not_found};
use crate::parts::NoFields;
use crate::words::when;

const COLUMNS: &[&str] = &["Extension", "Status", "Added", ""];

/// The list, `message` above.
async fn view(st: &AppState, a: &Admin, message: Markup) -> Response {
    let numbers = match st.platform().unassigned_extensions(&a.ext).await {
        Ok(list) => list,
        Err(e) => return failure_page(&a.kit, e),
    };
    let rows = numbers.iter().map(|(n, t)| {
        let href = format!("/admin/unassigned/{n}");
        html! {
            td { strong { (n) } }
            td { (pill(Tone::Neutral, "Unassigned")) }
            td { (when(*t)) }
            td { (Button::secondary("Assign").small().link(&href)) }
        }
    });
    let main = html! {
        div.pagehead {
            div {
                h1 { "Unassigned Extensions" }
                p.sub { "Extension numbers kept for people (or an AI agent's user) you add later." }
            }
            form method="post" action="/admin/unassigned" {
                (a.csrf.field())
                (Button::primary("+ Add Unassigned Ext"))
            }
        }
        (message)
        div.card {
            (Table::new(COLUMNS).caption("Unassigned extensions").rows(rows).empty(html! { "No unassigned extensions." }))
        }
    };
    a.page(
        "/admin/users",
        "/admin/unassigned",
        "Unassigned Extensions",
        main,
    )
    .into_response()
}

/// `GET /admin/unassigned`.
pub async fn list(State(st): State<AppState>, a: Admin) -> Response {
    view(&st, &a, html! {}).await
}

/// `POST /admin/unassigned`: keeps the next number.
pub async fn add(
    State(st): State<AppState>,
    a: Admin,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    match st.platform().reserve_extension(&a.ext).await {
        Ok(n) => {
            let msg = notice(
                Tone::Ok,
                html! { "Extension " (n) " was added. Assign it to a user." },
            );
            view(&st, &a, msg).await
        }
        Err(e) => failure_page(&a.kit, e),
    }
}

/// Whether `number` is kept for someone; the page when it is not.
async fn kept(st: &AppState, a: &Admin, number: &str) -> Result<(), Response> {
    match st.platform().is_unassigned(&a.ext, number).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(not_found(
            &a.kit,
            "Extension not found",
            "There is no such unassigned extension.",
        )),
        Err(e) => Err(failure_page(&a.kit, e)),
    }
}

/// The form of a person on the kept `number`.
fn assign_form(
    a: &Admin,
    number: &str,
    intro: &str,
    f: &UserForm,
    errors: &FormErrors,
) -> Response {
    let action = format!("/admin/unassigned/{number}");
    let title = format!("Extension {number}");
    let p = UserFormPage {
        action: &action,
        title: &title,
        intro,
        fixed_number: true,
    };
    form_page(a, &p, "/admin/unassigned", "Assign extension", f, errors)
}

/// `GET /admin/unassigned/{number}`.
pub async fn assign_page(
    State(st): State<AppState>,
    a: Admin,
    Path(number): Path<String>,
) -> Response {
    if let Err(resp) = kept(&st, &a, &number).await {
        return resp;
    }
    let f = UserForm {
        extension_number: number.clone(),
        ..Default::default()
    };
    let intro = "Enter the user profile information, then Save & Enable.";
    assign_form(&a, &number, intro, &f, &FormErrors::new())
}

/// `POST /admin/unassigned/{number}`: adds the person on the number (which releases it).
pub async fn assign(
    State(st): State<AppState>,
    a: Admin,
    headers: HeaderMap,
    Path(number): Path<String>,
    CsrfForm(mut fields): CsrfForm<UserFields>,
) -> Response {
    if let Err(resp) = kept(&st, &a, &number).await {
        return resp;
    }
    fields.extension_number = number.clone();
    let again = |f: &UserForm, errors: &FormErrors| assign_form(&a, &number, "", f, errors);
    add_person(&st, &a, &headers, &fields, again).await
}
