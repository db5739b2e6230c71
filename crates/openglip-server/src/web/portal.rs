//! The account admin portal (`/admin`): Users with Extension (list, search, Add User without a
//! phone, user profile with Save & Enable, disable, admin role), Unassigned Extensions (add,
//! assign), installed apps and bots (remove), the mail outbox; and the activation page
//! (`/activate`) where a person added without a password sets one. `/admin/api/…` offers the
//! same as JSON. Only administrators of an account sign in here; the session is the one the
//! authorization pages use.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use openglip_domain::platform::*;
use openglip_domain::*;
use serde_json::{Value, json};

use super::*;
use crate::AppState;
use crate::api::base_url;
use crate::extract::{FormBody, JsonBody, Params};
use crate::platform::{self as ops, UserForm};

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
        // JSON API
        .route("/admin/api/session", post(api_signin).delete(api_signout))
        .route("/admin/api/users", get(api_users).post(api_add_user))
        .route("/admin/api/users/{id}", get(api_user).patch(api_patch_user))
        .route(
            "/admin/api/unassigned",
            get(api_unassigned).post(api_add_unassigned),
        )
        .route("/admin/api/unassigned/{number}", post(api_assign))
        .route("/admin/api/apps", get(api_apps))
        .route("/admin/api/bots/{id}", delete(api_remove_bot))
        .route("/admin/api/apps/{client_id}", delete(api_remove_app))
        .route("/admin/api/outbox", get(api_outbox))
}

struct Admin {
    ext: Extension,
    env: Environment,
    company: String,
    csrf: String,
    cookies: Vec<HeaderValue>,
}

async fn admin(st: &AppState, headers: &HeaderMap, path: &str) -> Result<Admin, Response> {
    let Some(ext) = signed_in(st, headers, SessionRealm::Account, false).await else {
        return Err(see_other(
            &format!("/admin/signin?next={}", enc(path)),
            vec![],
        ));
    };
    if !ext.is_admin {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "Administrators only",
            "The admin portal is for the company's administrators. Sign out and sign in as an administrator.",
        ));
    }
    let (csrf, cookies) = csrf(st, headers);
    let env = st
        .store()
        .platform()
        .account_environment(ext.account_id)
        .await
        .unwrap_or(Environment::Production);
    let company = st
        .store()
        .account(ext.account_id)
        .await
        .ok()
        .flatten()
        .map(|a| a.name)
        .unwrap_or_default();
    Ok(Admin {
        ext,
        env,
        company,
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
    let c = end_session(&st, &headers, SessionRealm::Account).await;
    see_other("/admin/signin", vec![c])
}

// ------------------------------------------------------------------------------------ users

async fn users(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    let a = match admin(&st, &headers, "/admin/users").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let search = p.get("search").unwrap_or("").to_string();
    let list = st
        .store()
        .platform()
        .account_extensions(a.ext.account_id, Some(search.clone()))
        .await
        .unwrap_or_default();
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
async fn created_view(st: &AppState, a: &Admin, added: ops::AddedUser) -> Response {
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
        match ops::add_user(&st, &a.ext, &f, &base_url(&st, &headers)).await {
            Ok(added) => return created_view(&st, &a, added).await,
            Err(e) => errors = e,
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

async fn account_user(st: &AppState, a: &Admin, id: &str) -> Option<Extension> {
    let id: i64 = id.parse().ok()?;
    st.store()
        .extension(ExtensionId(id))
        .await
        .ok()
        .flatten()
        .filter(|e| e.account_id == a.ext.account_id && e.status != ExtensionStatus::Removed)
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
        Some(e) => profile_view(&st, &a, &e, "", &Errors::default(), StatusCode::OK).await,
        None => error_page(
            StatusCode::NOT_FOUND,
            "User not found",
            "There is no such user in your company.",
        ),
    }
}

/// Applies the profile form: names, e-mail, admin role, password, status.
async fn apply_profile(
    st: &AppState,
    a: &Admin,
    e: &Extension,
    f: &Params,
    base: &str,
) -> Result<(Extension, String), Errors> {
    let mut errors = Errors::default();
    let action = f.get("action").unwrap_or("save");
    let mut patch = ExtensionPatch::default();
    let mut message = "Saved.".to_string();
    match action {
        "disable" if e.id != a.ext.id => {
            patch.status = Some(ExtensionStatus::Disabled);
            message = "The user is disabled: they can no longer sign in, and their apps' tokens stop working.".into();
        }
        "enable" => {
            patch.status = Some(ExtensionStatus::Enabled);
            message = "The user is enabled.".into();
        }
        "resend" => {
            let link = ops::send_activation(st, &a.ext, e, base)
                .await
                .map_err(|x| Errors::from_error(&x, "email"))?;
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
                let first = f.get("firstName").unwrap_or("").trim();
                if first.is_empty() {
                    errors.add("firstName", "Enter the first name.");
                }
                patch.first_name = Some(first.to_string());
                patch.last_name = Some(f.get("lastName").unwrap_or("").trim().to_string());
                let email = f.get("email").unwrap_or("").trim();
                if !email.is_empty() {
                    match validate::email("email", email) {
                        Ok(v) => patch.email = Some(v),
                        Err(_) => errors.add("email", "Enter a valid email address."),
                    }
                }
                let pw = f.get("password").unwrap_or("");
                if !pw.is_empty() {
                    if pw.chars().count() < 8 {
                        errors.add("password", "Use at least 8 characters.");
                    } else {
                        patch.password_hash =
                            Some(crate::secrets::hash_password_async(pw.to_string()).await);
                        if e.status == ExtensionStatus::NotActivated {
                            patch.status = Some(ExtensionStatus::Enabled);
                        }
                    }
                }
                if e.status == ExtensionStatus::NotActivated && patch.password_hash.is_none() {
                    message = "Saved. The user is enabled once they set a password with their activation link (or you set one here).".into();
                }
            }
            if e.id != a.ext.id {
                patch.is_admin = Some(f.get("admin").is_some());
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let updated = st
        .store()
        .platform()
        .update_extension(e.id, patch)
        .await
        .map_err(|x| Errors::from_error(&x, "firstName"))?;
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
    let Some(e) = account_user(&st, &a, &id).await else {
        return error_page(
            StatusCode::NOT_FOUND,
            "User not found",
            "There is no such user in your company.",
        );
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
        Err(errors) => {
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
    let list = st
        .store()
        .platform()
        .unassigned_extensions(a.ext.account_id)
        .await
        .unwrap_or_default();
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
    match st
        .store()
        .platform()
        .reserve_extension(a.ext.account_id)
        .await
    {
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
        Err(e) => unassigned_view(&st, &a, &notice("bad", &esc(&e.to_string()))).await,
    }
}

async fn is_unassigned(st: &AppState, a: &Admin, number: &str) -> bool {
    st.store()
        .platform()
        .unassigned_extensions(a.ext.account_id)
        .await
        .unwrap_or_default()
        .iter()
        .any(|(n, _)| n == number)
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
    if !is_unassigned(&st, &a, &number).await {
        return error_page(
            StatusCode::NOT_FOUND,
            "Extension not found",
            "There is no such unassigned extension.",
        );
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
    if !is_unassigned(&st, &a, &number).await {
        return error_page(
            StatusCode::NOT_FOUND,
            "Extension not found",
            "There is no such unassigned extension.",
        );
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
        match ops::add_user(&st, &a.ext, &f, &base_url(&st, &headers)).await {
            Ok(added) => return created_view(&st, &a, added).await,
            Err(e) => errors = e,
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
    let bots = st
        .store()
        .platform()
        .bot_installs(a.ext.account_id)
        .await
        .unwrap_or_default();
    let authorized = st
        .store()
        .platform()
        .authorized_apps(a.ext.account_id)
        .await
        .unwrap_or_default();
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
    match ops::remove_bot(&st, a.ext.account_id, ExtensionId(id)).await {
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
        Err(_) => apps_view(&st, &a, &notice("bad", "No such bot.")).await,
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
    match st.store().app_by_client_id(client_id).await {
        Ok(Some(app)) => {
            let n = st
                .store()
                .platform()
                .revoke_app_in_account(app.id, a.ext.account_id)
                .await
                .unwrap_or(0);
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
        _ => apps_view(&st, &a, &notice("bad", "No such app.")).await,
    }
}

// ----------------------------------------------------------------------------------- outbox

async fn outbox(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match admin(&st, &headers, "/admin/outbox").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mails = st
        .store()
        .platform()
        .outbox(a.ext.account_id, 100)
        .await
        .unwrap_or_default();
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
    let ext = if crate::secrets::looks_like_token(&token) {
        st.store()
            .platform()
            .activation(crate::secrets::hash_token(&token))
            .await
            .ok()
            .flatten()
    } else {
        None
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
    let hash = crate::secrets::hash_token(&token);
    let ext = if crate::secrets::looks_like_token(&token) {
        st.store().platform().activation(hash).await.ok().flatten()
    } else {
        None
    };
    let Some(ext) = ext else {
        return error_page(
            StatusCode::NOT_FOUND,
            "This link does not work",
            "The activation link is unknown, used or expired.",
        );
    };
    let (csrf_token, cookies) = csrf(&st, &headers);
    let pw = form.get("password").unwrap_or("");
    let mut errors = Errors::default();
    if !csrf_ok(&headers, &form) {
        errors.add("password", "The form expired: submit it again.");
    } else if pw.chars().count() < 8 {
        errors.add("password", "Use at least 8 characters.");
    } else if pw != form.get("confirm").unwrap_or("") {
        errors.add("confirm", "The passwords do not match.");
    }
    if errors.is_empty() {
        let hashed = crate::secrets::hash_password_async(pw.to_string()).await;
        if let Ok(Some(done)) = st.store().platform().redeem_activation(hash, hashed).await {
            let inner = format!(
                "<h1>You're all set</h1><p class=\"sub\">Your account is active. Sign in with <strong>{}</strong> and your new password.</p>",
                esc(done.email.as_deref().unwrap_or(&done.extension_number))
            );
            let doc = document("Account activated", "", &auth_card(&inner));
            return html(StatusCode::OK, doc, cookies);
        }
        errors.add("password", "The link was used meanwhile.");
    }
    html(
        StatusCode::BAD_REQUEST,
        activation_doc(&token, &csrf_token, &ext, &errors),
        cookies,
    )
}

// --------------------------------------------------------------------------------- JSON API

async fn api_admin(st: &AppState, headers: &HeaderMap) -> Result<Extension, Response> {
    if !same_origin(headers) {
        return Err(api_error(Error::forbidden(
            "Cross-site requests are not allowed",
        )));
    }
    match signed_in(st, headers, SessionRealm::Account, true).await {
        Some(e) if e.is_admin => Ok(e),
        Some(_) => Err(api_error(Error::forbidden(
            "Only administrators can use the admin API",
        ))),
        None => Err(api_error(Error::Unauthenticated(AuthFailure::Missing))),
    }
}

pub fn user_json(e: &Extension) -> Value {
    json!({
        "id": e.id.to_string(),
        "extensionNumber": e.extension_number,
        "type": e.kind.as_str(),
        "status": e.status.as_str(),
        "firstName": e.first_name,
        "lastName": e.last_name,
        "name": e.full_name(),
        "email": e.email,
        "admin": e.is_admin,
        "creationTime": e.created.to_rfc3339(),
    })
}

async fn api_signin(
    State(st): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    super::console::api_session(&st, &peer, &headers, &form, SessionRealm::Account).await
}

async fn api_signout(State(st): State<AppState>, headers: HeaderMap) -> Response {
    end_session(&st, &headers, SessionRealm::Account).await;
    StatusCode::NO_CONTENT.into_response()
}

async fn api_users(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match st
        .store()
        .platform()
        .account_extensions(a.account_id, p.get("search").map(str::to_string))
        .await
    {
        Ok(list) => {
            Json(json!({"records": list.iter().map(user_json).collect::<Vec<_>>()})).into_response()
        }
        Err(e) => api_error(e),
    }
}

fn json_user(v: &Value) -> UserForm {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    UserForm {
        first_name: s("firstName"),
        last_name: s("lastName"),
        email: s("email"),
        extension_number: s("extensionNumber"),
        password: s("password"),
        is_admin: v.get("admin").and_then(Value::as_bool).unwrap_or(false),
    }
}

fn added_json(added: &ops::AddedUser) -> Response {
    let mut body = user_json(&added.extension);
    body["activationLink"] = json!(added.activation_link);
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn api_add_user(
    State(st): State<AppState>,
    headers: HeaderMap,
    JsonBody(v): JsonBody<Value>,
) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match ops::add_user(&st, &a, &json_user(&v), &base_url(&st, &headers)).await {
        Ok(added) => added_json(&added),
        Err(errors) => api_form_error(&errors),
    }
}

async fn api_account_user(st: &AppState, a: &Extension, id: &str) -> Result<Extension, Response> {
    let id: i64 = id
        .parse()
        .map_err(|_| api_error(Error::not_found("extensionId")))?;
    match st.store().extension(ExtensionId(id)).await {
        Ok(Some(e)) if e.account_id == a.account_id && e.status != ExtensionStatus::Removed => {
            Ok(e)
        }
        _ => Err(api_error(Error::not_found("extensionId"))),
    }
}

async fn api_user(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match api_account_user(&st, &a, &id).await {
        Ok(e) => Json(user_json(&e)).into_response(),
        Err(r) => r,
    }
}

async fn api_patch_user(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(v): JsonBody<Value>,
) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let e = match api_account_user(&st, &a, &id).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let mut patch = ExtensionPatch::default();
    if let Some(f) = v.get("firstName").and_then(Value::as_str) {
        if f.trim().is_empty() {
            return api_error(Error::invalid_because(
                "firstName",
                "The first name cannot be empty",
            ));
        }
        patch.first_name = Some(f.trim().to_string());
    }
    if let Some(l) = v.get("lastName").and_then(Value::as_str) {
        patch.last_name = Some(l.trim().to_string());
    }
    if let Some(m) = v.get("email").and_then(Value::as_str) {
        match validate::email("email", m) {
            Ok(m) => patch.email = Some(m),
            Err(err) => return api_error(err),
        }
    }
    if let Some(s) = v.get("status").and_then(Value::as_str) {
        match s {
            "Enabled" if e.status != ExtensionStatus::NotActivated => {
                patch.status = Some(ExtensionStatus::Enabled)
            }
            "Disabled" if e.id != a.id => patch.status = Some(ExtensionStatus::Disabled),
            _ => return api_error(Error::invalid("status")),
        }
    }
    if let Some(adm) = v.get("admin").and_then(Value::as_bool) {
        if e.id == a.id && !adm {
            return api_error(Error::invalid_because(
                "admin",
                "You cannot remove your own administrator role",
            ));
        }
        patch.is_admin = Some(adm);
    }
    if let Some(pw) = v.get("password").and_then(Value::as_str) {
        if pw.chars().count() < 8 {
            return api_error(Error::invalid_because(
                "password",
                "A password needs at least 8 characters.",
            ));
        }
        patch.password_hash = Some(crate::secrets::hash_password_async(pw.to_string()).await);
        if e.status == ExtensionStatus::NotActivated {
            patch.status = Some(ExtensionStatus::Enabled);
        }
    }
    match st.store().platform().update_extension(e.id, patch).await {
        Ok(u) => Json(user_json(&u)).into_response(),
        Err(err) => api_error(err),
    }
}

async fn api_unassigned(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let list = st
        .store()
        .platform()
        .unassigned_extensions(a.account_id)
        .await
        .unwrap_or_default();
    Json(json!({"records": list.iter().map(|(n, t)| json!({"extensionNumber": n, "status": "Unassigned", "creationTime": t.to_rfc3339()})).collect::<Vec<_>>()})).into_response()
}

async fn api_add_unassigned(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match st.store().platform().reserve_extension(a.account_id).await {
        Ok(n) => (
            StatusCode::CREATED,
            Json(json!({"extensionNumber": n, "status": "Unassigned"})),
        )
            .into_response(),
        Err(e) => api_error(e),
    }
}

async fn api_assign(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
    JsonBody(v): JsonBody<Value>,
) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let known = st
        .store()
        .platform()
        .unassigned_extensions(a.account_id)
        .await
        .unwrap_or_default();
    if !known.iter().any(|(n, _)| *n == number) {
        return api_error(Error::not_found("extensionNumber"));
    }
    let mut f = json_user(&v);
    f.extension_number = number.clone();
    match ops::add_user(&st, &a, &f, &base_url(&st, &headers)).await {
        Ok(added) => added_json(&added),
        Err(errors) => api_form_error(&errors),
    }
}

async fn api_apps(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let bots = st
        .store()
        .platform()
        .bot_installs(a.account_id)
        .await
        .unwrap_or_default();
    let apps = st
        .store()
        .platform()
        .authorized_apps(a.account_id)
        .await
        .unwrap_or_default();
    Json(json!({
        "bots": bots.iter().map(|b| json!({
            "extensionId": b.extension.id.to_string(), "name": b.extension.full_name(),
            "clientId": b.app.client_id, "appName": b.app.name, "creationTime": b.created.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "apps": apps.iter().map(|x| json!({
            "clientId": x.app.client_id, "name": x.app.name, "users": x.users,
            "lastAuthorizedTime": x.last_authorized.to_rfc3339(),
        })).collect::<Vec<_>>(),
    }))
    .into_response()
}

async fn api_remove_bot(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match ops::remove_bot(&st, a.account_id, ExtensionId(id)).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => api_error(e),
    }
}

async fn api_remove_app(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match st.store().app_by_client_id(client_id).await {
        Ok(Some(app)) => match st
            .store()
            .platform()
            .revoke_app_in_account(app.id, a.account_id)
            .await
        {
            Ok(n) => Json(json!({"revokedTokens": n})).into_response(),
            Err(e) => api_error(e),
        },
        Ok(None) => api_error(Error::not_found("clientId")),
        Err(e) => api_error(e),
    }
}

async fn api_outbox(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let a = match api_admin(&st, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mails = st
        .store()
        .platform()
        .outbox(a.account_id, 100)
        .await
        .unwrap_or_default();
    Json(json!({"records": mails.iter().map(|m| json!({
        "id": m.id.to_string(), "to": m.to, "subject": m.subject, "body": m.body, "creationTime": m.created.to_rfc3339(),
    })).collect::<Vec<_>>()}))
    .into_response()
}
