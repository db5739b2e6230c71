//! The account admin portal (`/admin`): Users with Extension (list, search, Add User without a
//! phone, user profile with Save & Enable, disable, admin role), Unassigned Extensions (add,
//! assign), installed apps and bots (remove), the mail outbox; and the activation page
//! (`/activate`) where a person added without a password sets one. The same as JSON is
//! `api::portal`'s. Only administrators of an account sign in here; the session is the one the
//! authorization pages use. The rules are the platform's; these pages show them.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use openglip_domain::platform::*;
use openglip_domain::*;
use openglip_platform::people::{AddedUser, UserChanges, UserForm};

use super::*;
use openglip_server::AppState;
use openglip_server::api::base_url;
use openglip_server::extract::{FormBody, Params};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin",
            get(|| async { see_other("/admin/users", vec![]) }),
        )
        .route("/admin/signin", get(signin_page).post(signin))
        .route("/admin/signout", post(signout))
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/users/new", get(new_user))
        .route("/admin/users/{id}", get(profile).post(save_profile))
        .route("/admin/unassigned", get(unassigned).post(add_unassigned))
        .route("/admin/unassigned/{number}", get(assign_page).post(assign))
        .route("/admin/apps", get(apps))
        .route("/admin/apps/bots/{id}/remove", post(remove_bot))
        .route("/admin/apps/{client_id}/remove", post(remove_app))
        .route("/admin/outbox", get(outbox))
        .route("/activate", get(activate_page).post(activate))
}

struct Admin {
    ext: Extension,
    env: Environment,
    company: String,
    csrf: String,
    cookies: Vec<HeaderValue>,
}

async fn admin(st: &AppState, headers: &HeaderMap, path: &str) -> Result<Admin, Response> {
    let ext = match signed_in(st, headers, SessionRealm::Account).await {
        Ok(Some(ext)) => ext,
        Ok(None) => {
            return Err(see_other(
                &format!("/admin/signin?next={}", enc(path)),
                vec![],
            ));
        }
        Err(e) => return Err(failure_page(e)),
    };
    if !ext.is_admin {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "Administrators only",
            "The admin portal is for the company's administrators. Sign out and sign in as an administrator.",
        ));
    }
    let (csrf, cookies) = csrf(st, headers);
    let (account, env) = st
        .platform()
        .account(ext.account_id)
        .await
        .map_err(failure_page)?;
    Ok(Admin {
        ext,
        env,
        company: account.name,
        csrf,
        cookies,
    })
}

const NAV: [(&str, &str); 3] = [
    ("/admin/users", "Users"),
    ("/admin/apps", "Apps"),
    ("/admin/outbox", "Mail"),
];

fn page(
    a: &Admin,
    active: &str,
    side_active: &str,
    title: &str,
    main: &str,
    status: StatusCode,
) -> Response {
    let side = if active == "/admin/users" {
        vec![(
            "Users".to_string(),
            vec![
                (
                    "/admin/users".to_string(),
                    "Users with Extension".to_string(),
                ),
                (
                    "/admin/unassigned".to_string(),
                    "Unassigned Extensions".to_string(),
                ),
            ],
        )]
    } else {
        vec![]
    };
    let shell = Shell {
        area: "Admin Portal",
        home: "/admin/users",
        nav: &NAV,
        active,
        user: &a.ext,
        env: Some(a.env),
        signout: "/admin/signout",
        csrf: &a.csrf,
        side,
        side_active: side_active.to_string(),
    };
    let main = format!(
        "<p class=\"hint\" style=\"margin:0 0 .25rem\">{}</p>{main}",
        esc(&a.company)
    );
    html(status, shell.render(title, &main), a.cookies.clone())
}

fn status_pill(s: ExtensionStatus) -> &'static str {
    match s {
        ExtensionStatus::Enabled => "<span class=\"pill ok\">Enabled</span>",
        ExtensionStatus::NotActivated => "<span class=\"pill warn\">Not activated</span>",
        ExtensionStatus::Disabled => "<span class=\"pill bad\">Disabled</span>",
        ExtensionStatus::Removed => "<span class=\"pill\">Removed</span>",
    }
}

// ---------------------------------------------------------------------------------- sign in

const SUBTITLE: &str = "Sign in as an administrator of your company (your sandbox: its phone number and extension 101).";

/// The admin portal's sign-in: administrators only.
const SIGN_IN: SignIn = SignIn {
    title: "Admin Portal",
    subtitle: SUBTITLE,
    action: "/admin/signin",
    home: "/admin/users",
    realm: SessionRealm::Account,
    refuse: |ext| (!ext.is_admin).then_some("Only administrators can sign in to the admin portal."),
};

async fn signin_page(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    SIGN_IN.page(&st, &headers, p.get("next"))
}

async fn signin(
    State(st): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    SIGN_IN.post(&st, &peer, &headers, &form).await
}

async fn signout(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    if !csrf_ok(&headers, &form) {
        return see_other("/admin/users", vec![]);
    }
    match end_session(&st, &headers, SessionRealm::Account).await {
        Ok(c) => see_other("/admin/signin", vec![c]),
        Err(e) => failure_page(e),
    }
}

// ------------------------------------------------------------------------------------ users

async fn users(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    let a = match admin(&st, &headers, "/admin/users").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let search = p.get("search").unwrap_or("").to_string();
    let list = match st.platform().users(&a.ext, Some(&search)).await {
        Ok(list) => list,
        Err(e) => return failure_page(e),
    };
    let rows: String = list
        .iter()
        .map(|e| {
            format!(
                "<tr><td><a href=\"/admin/users/{id}\"><strong>{name}</strong></a></td><td>{num}</td><td>{email}</td>\
                 <td>{kind}</td><td>{role}</td><td>{status}</td></tr>",
                id = e.id,
                name = esc(&e.full_name()),
                num = esc(&e.extension_number),
                email = esc(e.email.as_deref().unwrap_or("—")),
                kind = if e.kind == ExtensionType::Bot { "Bot" } else { "User" },
                role = if e.is_admin { "Administrator" } else { "Standard" },
                status = status_pill(e.status),
            )
        })
        .collect();
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Users with Extension</h1><p class=\"sub\">{n} user{s}</p></div>\
         <a class=\"btn primary\" href=\"/admin/users/new\">+ Add User</a></div>\
         <div class=\"card\"><form method=\"get\" action=\"/admin/users\" class=\"searchbar\" role=\"search\">\
         <label for=\"q\" class=\"skip\">Search users</label>\
         <input id=\"q\" type=\"search\" name=\"search\" value=\"{q}\" placeholder=\"Search by name, email or extension\">\
         <button class=\"btn secondary\" type=\"submit\">Search</button></form>\
         {table}</div>",
        n = list.len(),
        s = if list.len() == 1 { "" } else { "s" },
        q = esc(&search),
        table = if list.is_empty() {
            "<p class=\"empty\">No users match.</p>".to_string()
        } else {
            format!(
                "<table><thead><tr><th>Name</th><th>Ext.</th><th>Email</th><th>Type</th><th>Role</th><th>Status</th></tr></thead><tbody>{rows}</tbody></table>"
            )
        },
    );
    page(
        &a,
        "/admin/users",
        "/admin/users",
        "Users",
        &main,
        StatusCode::OK,
    )
}

fn user_form_html(
    a: &Admin,
    action: &str,
    f: &UserForm,
    errors: &Errors,
    fixed_number: bool,
    title: &str,
    intro: &str,
) -> String {
    let preassigned = !f.password.is_empty() || errors.get("password").is_some();
    format!(
        "<div class=\"pagehead\"><div><h1>{title}</h1><p class=\"sub\">{intro}</p></div></div>\
         <form method=\"post\" action=\"{action}\" novalidate>{csrf}\
         <div class=\"card\"><h2>User profile information</h2><div class=\"grid2\">{first}{last}</div>\
         <div class=\"grid2\" style=\"margin-top:1rem\">{email}{number}</div></div>\
         <div class=\"card\"><h2>Credentials</h2><div class=\"choices\">\
         <label class=\"choice\"><input type=\"radio\" name=\"credentials\" value=\"activation\"{act}><span><strong>Send an activation email</strong>\
         <small>The user sets their own password with a link (shown to you and kept in the mail outbox)</small></span></label>\
         <label class=\"choice\"><input type=\"radio\" name=\"credentials\" value=\"password\"{pre}><span><strong>Pre-assigned credentials</strong>\
         <small>You set the password now; the user is enabled at once</small></span></label></div>\
         <div style=\"margin-top:1rem\">{pw}</div></div>\
         <div class=\"card\"><h2>Role</h2>\
         <label class=\"choice\"><input type=\"checkbox\" name=\"admin\" value=\"on\"{adm}><span><strong>Administrator</strong><small>Can use this admin portal</small></span></label></div>\
         <div class=\"actions\"><button class=\"btn primary\" type=\"submit\">Save &amp; Enable</button><a class=\"btn secondary\" href=\"/admin/users\">Cancel</a></div></form>",
        action = esc(action),
        csrf = csrf_field(&a.csrf),
        first = Field::new("firstName", "First name", "text")
            .value(&f.first_name)
            .required()
            .error(errors.get("firstName"))
            .render(),
        last = Field::new("lastName", "Last name", "text")
            .value(&f.last_name)
            .error(errors.get("lastName"))
            .render(),
        email = Field::new("email", "Email", "email")
            .value(&f.email)
            .required()
            .hint("The user's login")
            .error(errors.get("email"))
            .render(),
        number = if fixed_number {
            format!(
                "<div class=\"field\"><span class=\"legend\">Extension</span><input type=\"hidden\" name=\"extensionNumber\" value=\"{0}\"><code>{0}</code></div>",
                esc(&f.extension_number)
            )
        } else {
            Field::new("extensionNumber", "Extension (optional)", "text")
                .value(&f.extension_number)
                .hint("Leave empty for the next free number")
                .error(errors.get("extensionNumber"))
                .render()
        },
        act = if preassigned { "" } else { " checked" },
        pre = if preassigned { " checked" } else { "" },
        pw = Field::new(
            "password",
            "Password (pre-assigned credentials)",
            "password"
        )
        .autocomplete("new-password")
        .hint("At least 8 characters")
        .error(errors.get("password"))
        .render(),
        adm = if f.is_admin { " checked" } else { "" },
    )
}

fn user_form_of(form: &Params) -> UserForm {
    UserForm {
        first_name: form.get("firstName").unwrap_or("").trim().to_string(),
        last_name: form.get("lastName").unwrap_or("").trim().to_string(),
        email: form.get("email").unwrap_or("").trim().to_string(),
        extension_number: form.get("extensionNumber").unwrap_or("").trim().to_string(),
        password: if form.get("credentials") == Some("password") {
            form.get("password").unwrap_or("").to_string()
        } else {
            String::new()
        },
        is_admin: form.get("admin").is_some(),
    }
}

async fn new_user(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match admin(&st, &headers, "/admin/users/new").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let main = user_form_html(
        &a,
        "/admin/users",
        &UserForm::default(),
        &Errors::default(),
        false,
        "Add Users without Phone",
        "People who use team messaging and apps, without a phone number.",
    );
    page(
        &a,
        "/admin/users",
        "/admin/users",
        "Add User",
        &main,
        StatusCode::OK,
    )
}

/// The profile page after creating a user: with the activation link when there is one.
async fn created_view(st: &AppState, a: &Admin, added: AddedUser) -> Response {
    let msg = match &added.activation_link {
        Some(link) => notice(
            "ok",
            &format!(
                "{} was added (extension {}). We recorded this activation email in the <a href=\"/admin/outbox\">mail outbox</a>; \
                 the user sets a password with the link:<br><code id=\"activation-link\">{}</code>",
                esc(&added.extension.full_name()),
                esc(&added.extension.extension_number),
                esc(link)
            ),
        ),
        None => notice(
            "ok",
            &format!(
                "{} was added and enabled (extension {}). They sign in with {} and the password you set.",
                esc(&added.extension.full_name()),
                esc(&added.extension.extension_number),
                esc(added.extension.email.as_deref().unwrap_or(""))
            ),
        ),
    };
    profile_view(
        st,
        a,
        &added.extension,
        &msg,
        &Errors::default(),
        StatusCode::CREATED,
    )
    .await
}

async fn add_user(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let a = match admin(&st, &headers, "/admin/users/new").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let f = user_form_of(&form);
    let mut errors = Errors::default();
    if !csrf_ok(&headers, &form) {
        errors.add("firstName", "The form expired: submit it again.");
    } else if form.get("credentials") == Some("password") && f.password.is_empty() {
        errors.add(
            "password",
            "Enter the password, or choose the activation email.",
        );
    } else {
        match st
            .platform()
            .add_user(&a.ext, &f, &base_url(&st, &headers))
            .await
        {
            Ok(added) => return created_view(&st, &a, added).await,
            Err(e) => match Errors::of(&e) {
                Some(e) => errors = e,
                None => return failure_page(e),
            },
        }
    }
    let main = format!(
        "{}{}",
        notice("bad", "Please correct the fields marked below."),
        user_form_html(
            &a,
            "/admin/users",
            &f,
            &errors,
            false,
            "Add Users without Phone",
            ""
        )
    );
    page(
        &a,
        "/admin/users",
        "/admin/users",
        "Add User",
        &main,
        StatusCode::BAD_REQUEST,
    )
}

/// A person of the administrator's company, by the id in the path; the page when there is none.
async fn account_user(st: &AppState, a: &Admin, id: &str) -> Result<Extension, Response> {
    let not_found = || {
        error_page(
            StatusCode::NOT_FOUND,
            "User not found",
            "There is no such user in your company.",
        )
    };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    match st.platform().account_user(&a.ext, ExtensionId(id)).await {
        Ok(e) => Ok(e),
        Err(Error::NotFound(_)) => Err(not_found()),
        Err(e) => Err(failure_page(e)),
    }
}

async fn profile_view(
    st: &AppState,
    a: &Admin,
    e: &Extension,
    message: &str,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let _ = st;
    let is_bot = e.kind == ExtensionType::Bot;
    let actions = if is_bot {
        "<p class=\"hint\">Bots are managed under <a href=\"/admin/apps\">Apps</a>.</p>".to_string()
    } else {
        let toggle = match e.status {
            ExtensionStatus::Enabled if e.id != a.ext.id => {
                "<button class=\"btn danger\" type=\"submit\" name=\"action\" value=\"disable\">Disable</button>"
            }
            ExtensionStatus::Disabled => {
                "<button class=\"btn secondary\" type=\"submit\" name=\"action\" value=\"enable\">Enable</button>"
            }
            ExtensionStatus::NotActivated => {
                "<button class=\"btn secondary\" type=\"submit\" name=\"action\" value=\"resend\">Send a new activation link</button>"
            }
            _ => "",
        };
        format!(
            "<div class=\"actions\"><button class=\"btn primary\" type=\"submit\" name=\"action\" value=\"save\">Save &amp; Enable</button>{toggle}</div>"
        )
    };
    let main = format!(
        "<div class=\"pagehead\"><div><h1>{name}</h1><p class=\"sub\">Extension {num} · {status}</p></div></div>{message}\
         <form method=\"post\" action=\"/admin/users/{id}\" novalidate>{csrf}\
         <div class=\"card\"><h2>User profile information</h2><div class=\"grid2\">{first}{last}</div>\
         <div class=\"grid2\" style=\"margin-top:1rem\">{email}<div class=\"field\"><span class=\"legend\">Type</span><span>{kind}</span></div></div></div>\
         <div class=\"card\"><h2>Role</h2><label class=\"choice\"><input type=\"checkbox\" name=\"admin\" value=\"on\"{adm}{self_admin}>\
         <span><strong>Administrator</strong><small>Can use this admin portal</small></span></label></div>\
         {pw}{actions}</form>",
        name = esc(&e.full_name()),
        num = esc(&e.extension_number),
        status = status_pill(e.status),
        id = e.id,
        csrf = csrf_field(&a.csrf),
        first = Field::new("firstName", "First name", "text")
            .value(&e.first_name)
            .error(errors.get("firstName"))
            .render(),
        last = Field::new("lastName", "Last name", "text")
            .value(&e.last_name)
            .error(errors.get("lastName"))
            .render(),
        email = Field::new("email", "Email", "email")
            .value(e.email.as_deref().unwrap_or(""))
            .error(errors.get("email"))
            .render(),
        kind = if is_bot { "Bot" } else { "User" },
        adm = if e.is_admin { " checked" } else { "" },
        self_admin = if e.id == a.ext.id { " disabled" } else { "" },
        pw = if is_bot {
            String::new()
        } else {
            format!(
                "<div class=\"card\"><h2>Password</h2>{}</div>",
                Field::new("password", "Set a new password (optional)", "password")
                    .autocomplete("new-password")
                    .hint("At least 8 characters; enables a user who is not activated")
                    .error(errors.get("password"))
                    .render()
            )
        },
    );
    page(
        a,
        "/admin/users",
        "/admin/users",
        &e.full_name(),
        &main,
        status,
    )
}

async fn profile(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let a = match admin(&st, &headers, &format!("/admin/users/{id}")).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match account_user(&st, &a, &id).await {
        Ok(e) => profile_view(&st, &a, &e, "", &Errors::default(), StatusCode::OK).await,
        Err(resp) => resp,
    }
}

/// Applies the profile form (names, e-mail, admin role, password; or enable, disable, a new
/// activation link); returns the person and what happened, in HTML for the notice.
async fn apply_profile(
    st: &AppState,
    a: &Admin,
    e: &Extension,
    f: &Params,
    base: &str,
) -> Result<(Extension, String)> {
    let mut changes = UserChanges::default();
    let mut message = "Saved.".to_string();
    match f.get("action").unwrap_or("save") {
        "disable" if e.id != a.ext.id => {
            changes.status = Some(ExtensionStatus::Disabled);
            message = "The user is disabled: they can no longer sign in, and their apps' tokens stop working.".into();
        }
        "enable" => {
            changes.status = Some(ExtensionStatus::Enabled);
            message = "The user is enabled.".into();
        }
        "resend" => {
            let link = st.platform().send_activation(&a.ext, e, base).await?;
            return Ok((
                e.clone(),
                format!(
                    "A new activation link was recorded in the mail outbox: <code id=\"activation-link\">{}</code>",
                    esc(&link)
                ),
            ));
        }
        _ => {
            if e.kind == ExtensionType::User {
                changes.first_name = Some(f.get("firstName").unwrap_or("").trim().to_string());
                changes.last_name = Some(f.get("lastName").unwrap_or("").trim().to_string());
                changes.email = f.get("email").map(str::to_string);
                changes.password = f
                    .get("password")
                    .filter(|p| !p.is_empty())
                    .map(str::to_string);
                if e.status == ExtensionStatus::NotActivated && changes.password.is_none() {
                    message = "Saved. The user is enabled once they set a password with their activation link (or you set one here).".into();
                }
            }
            if e.id != a.ext.id {
                changes.is_admin = Some(f.get("admin").is_some());
            }
        }
    }
    let updated = st.platform().change_user(&a.ext, e, changes).await?;
    Ok((updated, esc(&message)))
}

async fn save_profile(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let a = match admin(&st, &headers, &format!("/admin/users/{id}")).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let e = match account_user(&st, &a, &id).await {
        Ok(e) => e,
        Err(resp) => return resp,
    };
    if !csrf_ok(&headers, &form) {
        return profile_view(
            &st,
            &a,
            &e,
            &notice("bad", "The form expired: submit it again."),
            &Errors::default(),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    match apply_profile(&st, &a, &e, &form, &base_url(&st, &headers)).await {
        Ok((updated, msg)) => {
            profile_view(
                &st,
                &a,
                &updated,
                &notice("ok", &msg),
                &Errors::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(err) => match Errors::of(&err) {
            Some(errors) => {
                profile_view(
                    &st,
                    &a,
                    &e,
                    &notice("bad", "Please correct the fields marked below."),
                    &errors,
                    StatusCode::BAD_REQUEST,
                )
                .await
            }
            None => failure_page(err),
        },
    }
}

// ------------------------------------------------------------------------- unassigned exts

async fn unassigned(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match admin(&st, &headers, "/admin/unassigned").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    unassigned_view(&st, &a, "").await
}

async fn unassigned_view(st: &AppState, a: &Admin, message: &str) -> Response {
    let list = match st.platform().unassigned_extensions(&a.ext).await {
        Ok(list) => list,
        Err(e) => return failure_page(e),
    };
    let rows: String = list
        .iter()
        .map(|(n, t)| {
            format!(
                "<tr><td><strong>{n}</strong></td><td><span class=\"pill\">Unassigned</span></td><td>{}</td>\
                 <td><a class=\"btn secondary small\" href=\"/admin/unassigned/{n}\">Assign</a></td></tr>",
                when(*t),
                n = esc(n)
            )
        })
        .collect();
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Unassigned Extensions</h1><p class=\"sub\">Extension numbers kept for people (or an AI agent's user) you add later.</p></div>\
         <form method=\"post\" action=\"/admin/unassigned\">{}<button class=\"btn primary\" type=\"submit\">+ Add Unassigned Ext</button></form></div>{message}\
         <div class=\"card\">{}</div>",
        csrf_field(&a.csrf),
        if list.is_empty() {
            "<p class=\"empty\">No unassigned extensions.</p>".to_string()
        } else {
            format!(
                "<table><thead><tr><th>Extension</th><th>Status</th><th>Added</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
            )
        }
    );
    page(
        a,
        "/admin/users",
        "/admin/unassigned",
        "Unassigned Extensions",
        &main,
        StatusCode::OK,
    )
}

async fn add_unassigned(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let a = match admin(&st, &headers, "/admin/unassigned").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&headers, &form) {
        return unassigned_view(&st, &a, &notice("bad", "The form expired: try again.")).await;
    }
    match st.platform().reserve_extension(&a.ext).await {
        Ok(n) => {
            unassigned_view(
                &st,
                &a,
                &notice(
                    "ok",
                    &format!("Extension {} was added. Assign it to a user.", esc(&n)),
                ),
            )
            .await
        }
        Err(e) => failure_page(e),
    }
}

/// Whether `number` is kept for someone; the page when it is not.
async fn unassigned_number(st: &AppState, a: &Admin, number: &str) -> Result<(), Response> {
    match st.platform().is_unassigned(&a.ext, number).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(error_page(
            StatusCode::NOT_FOUND,
            "Extension not found",
            "There is no such unassigned extension.",
        )),
        Err(e) => Err(failure_page(e)),
    }
}

async fn assign_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    let a = match admin(&st, &headers, &format!("/admin/unassigned/{number}")).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Err(resp) = unassigned_number(&st, &a, &number).await {
        return resp;
    }
    let f = UserForm {
        extension_number: number.clone(),
        ..Default::default()
    };
    let main = user_form_html(
        &a,
        &format!("/admin/unassigned/{number}"),
        &f,
        &Errors::default(),
        true,
        &format!("Extension {number}"),
        "Enter the user profile information, then Save & Enable.",
    );
    page(
        &a,
        "/admin/users",
        "/admin/unassigned",
        "Assign extension",
        &main,
        StatusCode::OK,
    )
}

async fn assign(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let a = match admin(&st, &headers, &format!("/admin/unassigned/{number}")).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Err(resp) = unassigned_number(&st, &a, &number).await {
        return resp;
    }
    let mut f = user_form_of(&form);
    f.extension_number = number.clone();
    let mut errors = Errors::default();
    if !csrf_ok(&headers, &form) {
        errors.add("firstName", "The form expired: submit it again.");
    } else if form.get("credentials") == Some("password") && f.password.is_empty() {
        errors.add(
            "password",
            "Enter the password, or choose the activation email.",
        );
    } else {
        // Adding the user releases the reservation.
        match st
            .platform()
            .add_user(&a.ext, &f, &base_url(&st, &headers))
            .await
        {
            Ok(added) => return created_view(&st, &a, added).await,
            Err(e) => match Errors::of(&e) {
                Some(e) => errors = e,
                None => return failure_page(e),
            },
        }
    }
    let main = format!(
        "{}{}",
        notice("bad", "Please correct the fields marked below."),
        user_form_html(
            &a,
            &format!("/admin/unassigned/{number}"),
            &f,
            &errors,
            true,
            &format!("Extension {number}"),
            ""
        )
    );
    page(
        &a,
        "/admin/users",
        "/admin/unassigned",
        "Assign extension",
        &main,
        StatusCode::BAD_REQUEST,
    )
}

// ------------------------------------------------------------------------------------- apps

async fn apps(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match admin(&st, &headers, "/admin/apps").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    apps_view(&st, &a, "").await
}

async fn apps_view(st: &AppState, a: &Admin, message: &str) -> Response {
    let found = async {
        let bots = st.platform().bot_installs(a.ext.account_id).await?;
        Ok::<_, Error>((bots, st.platform().authorized_apps(&a.ext).await?))
    };
    let (bots, authorized) = match found.await {
        Ok(found) => found,
        Err(e) => return failure_page(e),
    };
    let bot_rows: String = bots
        .iter()
        .map(|b| {
            format!(
                "<tr><td><strong>{}</strong></td><td>{}</td><td>{}</td><td><form method=\"post\" action=\"/admin/apps/bots/{}/remove\" class=\"inline\">{}\
                 <button class=\"btn danger small\" type=\"submit\">Remove</button></form></td></tr>",
                esc(&b.extension.full_name()),
                esc(&b.extension.extension_number),
                when(b.created),
                b.extension.id,
                csrf_field(&a.csrf)
            )
        })
        .collect();
    let app_rows: String = authorized
        .iter()
        .map(|x| {
            format!(
                "<tr><td><strong>{}</strong><br><code class=\"hint\">{}</code></td><td>{}</td><td>{}</td>\
                 <td><form method=\"post\" action=\"/admin/apps/{}/remove\" class=\"inline\">{}<button class=\"btn danger small\" type=\"submit\">Remove</button></form></td></tr>",
                esc(&x.app.name),
                esc(&x.app.client_id),
                x.users,
                when(x.last_authorized),
                esc(&x.app.client_id),
                csrf_field(&a.csrf)
            )
        })
        .collect();
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Apps</h1><p class=\"sub\">Bots added to your company, and apps people authorized.</p></div></div>{message}\
         <div class=\"card\"><h2>Bots</h2>{}</div><div class=\"card\"><h2>Authorized apps</h2>{}</div>",
        if bots.is_empty() {
            "<p class=\"empty\">No bots.</p>".to_string()
        } else {
            format!(
                "<table><thead><tr><th>Bot</th><th>Ext.</th><th>Added</th><th></th></tr></thead><tbody>{bot_rows}</tbody></table>"
            )
        },
        if authorized.is_empty() {
            "<p class=\"empty\">No apps hold access to your company.</p>".to_string()
        } else {
            format!(
                "<table><thead><tr><th>App</th><th>Users</th><th>Last authorized</th><th></th></tr></thead><tbody>{app_rows}</tbody></table>"
            )
        },
    );
    page(a, "/admin/apps", "", "Apps", &main, StatusCode::OK)
}

async fn remove_bot(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    FormBody(form): FormBody,
) -> Response {
    let a = match admin(&st, &headers, "/admin/apps").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&headers, &form) {
        return apps_view(&st, &a, &notice("bad", "The form expired: try again.")).await;
    }
    match st
        .platform()
        .remove_bot(a.ext.account_id, ExtensionId(id))
        .await
    {
        Ok(b) => {
            apps_view(
                &st,
                &a,
                &notice(
                    "ok",
                    &format!("{} was removed.", esc(&b.extension.full_name())),
                ),
            )
            .await
        }
        Err(Error::NotFound(_)) => apps_view(&st, &a, &notice("bad", "No such bot.")).await,
        Err(e) => failure_page(e),
    }
}

async fn remove_app(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let a = match admin(&st, &headers, "/admin/apps").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !csrf_ok(&headers, &form) {
        return apps_view(&st, &a, &notice("bad", "The form expired: try again.")).await;
    }
    match st.platform().remove_app(&a.ext, &client_id).await {
        Ok((app, n)) => {
            apps_view(
                &st,
                &a,
                &notice(
                    "ok",
                    &format!(
                        "{} was removed: {n} token{} revoked.",
                        esc(&app.name),
                        if n == 1 { "" } else { "s" }
                    ),
                ),
            )
            .await
        }
        Err(Error::NotFound(_)) => apps_view(&st, &a, &notice("bad", "No such app.")).await,
        Err(e) => failure_page(e),
    }
}

// ----------------------------------------------------------------------------------- outbox

async fn outbox(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match admin(&st, &headers, "/admin/outbox").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mails = match st.platform().outbox(&a.ext).await {
        Ok(mails) => mails,
        Err(e) => return failure_page(e),
    };
    let items: String = mails
        .iter()
        .map(|m| {
            format!(
                "<div class=\"card\"><h3 style=\"margin-top:0\">{}</h3><p class=\"hint\">To {} · {}</p><pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
                esc(&m.subject),
                esc(&m.to),
                when(m.created),
                esc(&m.body)
            )
        })
        .collect();
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Mail outbox</h1><p class=\"sub\">Messages this server would have emailed (it sends no mail itself).</p></div></div>{}",
        if mails.is_empty() {
            "<div class=\"card\"><p class=\"empty\">No mail.</p></div>".to_string()
        } else {
            items
        }
    );
    page(
        &a,
        "/admin/outbox",
        "",
        "Mail outbox",
        &main,
        StatusCode::OK,
    )
}

// ------------------------------------------------------------------------------- activation

fn activation_doc(token: &str, csrf_token: &str, ext: &Extension, errors: &Errors) -> String {
    let inner = format!(
        "<h1>Activate your account</h1><p class=\"sub\">Welcome, {}. Set a password to finish: you sign in with <strong>{}</strong>.</p>\
         <form class=\"stack\" method=\"post\" action=\"/activate\" novalidate style=\"margin-top:1rem\">{}\
         <input type=\"hidden\" name=\"token\" value=\"{}\">{}{}\
         <button class=\"btn primary wide\" type=\"submit\">Activate</button></form>",
        esc(&ext.first_name),
        esc(ext.email.as_deref().unwrap_or(&ext.extension_number)),
        csrf_field(csrf_token),
        esc(token),
        Field::new("password", "Password", "password")
            .autocomplete("new-password")
            .hint("At least 8 characters")
            .required()
            .error(errors.get("password"))
            .render(),
        Field::new("confirm", "Confirm password", "password")
            .autocomplete("new-password")
            .required()
            .error(errors.get("confirm"))
            .render(),
    );
    document("Activate your account", "", &auth_card(&inner))
}

async fn activate_page(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    let token = p.get("token").unwrap_or("").to_string();
    let ext = match st.platform().activation(&token).await {
        Ok(ext) => ext,
        Err(e) => return failure_page(e),
    };
    let Some(ext) = ext else {
        return error_page(
            StatusCode::NOT_FOUND,
            "This link does not work",
            "The activation link is unknown, used or expired. Ask your administrator for a new one.",
        );
    };
    let (csrf_token, cookies) = csrf(&st, &headers);
    html(
        StatusCode::OK,
        activation_doc(&token, &csrf_token, &ext, &Errors::default()),
        cookies,
    )
}

async fn activate(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let token = form.get("token").unwrap_or("").to_string();
    let ext = match st.platform().activation(&token).await {
        Ok(ext) => ext,
        Err(e) => return failure_page(e),
    };
    let Some(ext) = ext else {
        return error_page(
            StatusCode::NOT_FOUND,
            "This link does not work",
            "The activation link is unknown, used or expired.",
        );
    };
    let (csrf_token, cookies) = csrf(&st, &headers);
    let mut errors = Errors::default();
    if !csrf_ok(&headers, &form) {
        errors.add("password", "The form expired: submit it again.");
    } else {
        let pw = form.get("password").unwrap_or("");
        match st
            .platform()
            .activate(&token, pw, form.get("confirm").unwrap_or(""))
            .await
        {
            Ok(done) => {
                let inner = format!(
                    "<h1>You're all set</h1><p class=\"sub\">Your account is active. Sign in with <strong>{}</strong> and your new password.</p>",
                    esc(done.email.as_deref().unwrap_or(&done.extension_number))
                );
                let doc = document("Account activated", "", &auth_card(&inner));
                return html(StatusCode::OK, doc, cookies);
            }
            Err(Error::NotFound(_)) => errors.add("password", "The link was used meanwhile."),
            Err(e) => match Errors::of(&e) {
                Some(e) => errors = e,
                None => return failure_page(e),
            },
        }
    }
    html(
        StatusCode::BAD_REQUEST,
        activation_doc(&token, &csrf_token, &ext, &errors),
        cookies,
    )
}
