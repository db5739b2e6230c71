//! The developer console (`/console`): sign in, my apps, Create App (REST API app or bot),
//! the app dashboard (credentials with the client secret revealed on click and rotation,
//! settings, API usage, production graduation, adding a bot), JWT credentials, and the
//! developer's sandbox account. The same operations as JSON are `api::console`'s. The rules are
//! the platform's; these pages show them.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use openglip_domain::perm::GrantType;
use openglip_domain::platform::*;
use openglip_domain::*;
use openglip_platform::apps::{AppForm, ClientType};
use openglip_platform::jwt::{JwtForm, JwtOwner};

use super::*;
use openglip_server::AppState;
use openglip_server::api::base_url;
use openglip_server::extract::{FormBody, Params};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(home))
        .route("/console/signin", get(signin_page).post(signin))
        .route("/console/signout", post(signout))
        .route("/console/apps/new", get(new_app_page))
        .route("/console/apps", post(create_app))
        .route("/console/sandbox", get(sandbox_page).post(sandbox_create))
        .route("/console/apps/{id}", get(dashboard))
        .route("/console/apps/{id}/secret", post(rotate))
        .route(
            "/console/apps/{id}/settings",
            get(settings_page).post(settings_save),
        )
        .route(
            "/console/apps/{id}/production",
            get(production_page).post(production_apply),
        )
        .route("/console/apps/{id}/bot", get(bot_page).post(bot_install))
        .route("/console/credentials", get(jwt_page).post(jwt_create))
        .route("/console/credentials/{jid}/revoke", post(jwt_revoke))
}

// ------------------------------------------------------------------------------ page chrome

/// A signed-in developer and what every page needs.
struct Dev {
    ext: Extension,
    csrf: String,
    cookies: Vec<HeaderValue>,
}

async fn dev(st: &AppState, headers: &HeaderMap, path: &str) -> Result<Dev, Response> {
    match signed_in(st, headers, SessionRealm::Console).await {
        Ok(Some(ext)) => {
            let (csrf, cookies) = csrf(st, headers);
            Ok(Dev { ext, csrf, cookies })
        }
        Ok(None) => Err(see_other(
            &format!("/console/signin?next={}", enc(path)),
            vec![],
        )),
        Err(e) => Err(failure_page(e)),
    }
}

const NAV: [(&str, &str); 2] = [
    ("/console", "Apps"),
    ("/console/credentials", "Credentials"),
];

fn page(
    d: &Dev,
    active: &str,
    title: &str,
    side: Option<(&AppRecord, &str)>,
    main: &str,
) -> Response {
    page_status(d, active, title, side, main, StatusCode::OK)
}

fn page_status(
    d: &Dev,
    active: &str,
    title: &str,
    side: Option<(&AppRecord, &str)>,
    main: &str,
    status: StatusCode,
) -> Response {
    let (side, side_active) = match side {
        Some((r, current)) => {
            let base = format!("/console/apps/{}", r.app.client_id);
            let mut links = vec![
                (base.clone(), "Credentials".to_string()),
                (format!("{base}/settings"), "Settings".to_string()),
                (
                    format!("{base}/production"),
                    "Usage & production".to_string(),
                ),
            ];
            if r.app.kind == AppKind::Bot {
                links.push((format!("{base}/bot"), "Bot".to_string()));
            }
            (
                vec![
                    (r.app.name.clone(), links),
                    (
                        "Console".to_string(),
                        vec![("/console".to_string(), "All apps".to_string())],
                    ),
                ],
                current.to_string(),
            )
        }
        None => (vec![], String::new()),
    };
    let shell = Shell {
        area: "Developer Console",
        home: "/console",
        nav: &NAV,
        active,
        user: &d.ext,
        env: None,
        signout: "/console/signout",
        csrf: &d.csrf,
        side,
        side_active,
    };
    html(status, shell.render(title, main), d.cookies.clone())
}

fn stage_pill(stage: Environment) -> String {
    match stage {
        Environment::Sandbox => "<span class=\"pill warn\">Sandbox</span>".into(),
        Environment::Production => "<span class=\"pill ok\">Production</span>".into(),
    }
}

fn kind_label(r: &AppRecord) -> &'static str {
    match (r.app.kind, r.app.public_client) {
        (AppKind::Bot, _) if r.details.public_bot => "Bot (public)",
        (AppKind::Bot, _) => "Bot (private)",
        (AppKind::Rest, true) => "REST API · client-side",
        (AppKind::Rest, false) => "REST API · server-side",
    }
}

async fn my_app(st: &AppState, d: &Dev, id: &str) -> Result<AppRecord, Response> {
    st.platform()
        .developer_app(&d.ext, id)
        .await
        .map_err(|e| match e {
            Error::NotFound(_) => error_page(
                StatusCode::NOT_FOUND,
                "App not found",
                "There is no such app among yours.",
            ),
            e => failure_page(e),
        })
}

// ---------------------------------------------------------------------------------- sign in

/// The developer console's sign-in (its own realm: a console session is not an account one).
const SIGN_IN: SignIn = SignIn {
    title: "Developer Console",
    subtitle: "Sign in to build apps and bots for your team messaging.",
    action: "/console/signin",
    home: "/console",
    realm: SessionRealm::Console,
    refuse: |_| None,
};

async fn signin_page(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    match signed_in(&st, &headers, SessionRealm::Console).await {
        Ok(Some(_)) => return see_other(&local_path(p.get("next"), "/console"), vec![]),
        Ok(None) => {}
        Err(e) => return failure_page(e),
    }
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
        return see_other("/console", vec![]);
    }
    match end_session(&st, &headers, SessionRealm::Console).await {
        Ok(c) => see_other("/console/signin", vec![c]),
        Err(e) => failure_page(e),
    }
}

// ------------------------------------------------------------------------------------- apps

async fn home(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let d = match dev(&st, &headers, "/console").await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let found = async {
        let apps = st.platform().apps_of_developer(&d.ext).await?;
        Ok::<_, Error>((apps, st.platform().sandbox_of(&d.ext).await?))
    };
    let (apps, sandbox) = match found.await {
        Ok(found) => found,
        Err(e) => return failure_page(e),
    };
    let rows: String = apps
        .iter()
        .map(|r| {
            format!(
                "<tr><td><a href=\"/console/apps/{id}\"><strong>{name}</strong></a><br><span class=\"hint\">{desc}</span></td>\
                 <td>{kind}</td><td><code>{id}</code></td><td>{stage}</td><td>{created}</td></tr>",
                id = esc(&r.app.client_id),
                name = esc(&r.app.name),
                desc = esc(&r.details.description),
                kind = kind_label(r),
                stage = stage_pill(r.details.stage),
                created = when(r.details.created),
            )
        })
        .collect();
    let table = if apps.is_empty() {
        "<div class=\"empty\"><h2>Get started: create your first app</h2>\
         <p>An app gets a client ID and secret to call the team messaging API, in a sandbox first.</p>\
         <a class=\"btn primary\" href=\"/console/apps/new\">Create your first app</a></div>"
            .to_string()
    } else {
        format!(
            "<table><thead><tr><th>App</th><th>Type</th><th>Client ID</th><th>Environment</th><th>Created</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    };
    let sandbox_card = match sandbox {
        Some(acc) => format!(
            "<div class=\"card\"><h2>Your sandbox account</h2><dl class=\"kv\">\
             <dt>Company</dt><dd>{}</dd><dt>Phone number</dt><dd><code>{}</code></dd>\
             <dt>Extension</dt><dd><code>101</code> (administrator)</dd>\
             <dt>Admin portal</dt><dd><a href=\"/admin\">Sign in to the admin portal</a> to add users</dd></dl></div>",
            esc(&acc.name),
            esc(&acc.main_number)
        ),
        None if !apps.is_empty() => "<div class=\"card\"><h2>Your sandbox account</h2>\
             <p>You have no sandbox account yet: apps are tested against one before production.</p>\
             <a class=\"btn secondary\" href=\"/console/sandbox\">Set up my sandbox account</a></div>"
            .to_string(),
        None => String::new(),
    };
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Apps</h1><p class=\"sub\">Apps and bots you registered.</p></div>\
         <a class=\"btn primary\" href=\"/console/apps/new\">Create App</a></div>\
         <div class=\"card\">{table}</div>{sandbox_card}"
    );
    page(&d, "/console", "Apps", None, &main)
}

fn parse_form(form: &Params) -> AppForm {
    let kind = if form.get("type") == Some("Bot") {
        AppKind::Bot
    } else {
        AppKind::Rest
    };
    let on = |k: &str| matches!(form.get(k), Some("on" | "true" | "yes" | "1"));
    AppForm {
        kind,
        name: form.get("name").unwrap_or("").to_string(),
        description: form.get("description").unwrap_or("").to_string(),
        contact_email: form.get("contactEmail").unwrap_or("").to_string(),
        client_type: if form.get("clientType") == Some("ClientSide") {
            ClientType::ClientSide
        } else {
            ClientType::ServerSide
        },
        auth_code: on("authCode"),
        jwt: on("jwt"),
        password: on("password"),
        refresh_tokens: form.get("refreshTokens") != Some("no"),
        redirect_uris: split_list(form.get("redirectUris").unwrap_or("")),
        permissions: form
            .all("permissions")
            .into_iter()
            .map(str::to_string)
            .collect(),
        public_bot: form.get("botVisibility") == Some("public"),
        access_ttl_secs: form
            .get("accessTokenTtl")
            .and_then(|v| v.trim().parse().ok()),
        refresh_ttl_secs: form
            .get("refreshTokenTtl")
            .and_then(|v| v.trim().parse().ok()),
    }
}

/// The ids in a form's list field: one per line, or separated by commas or spaces.
fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', ',', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn radio(name: &str, value: &str, checked: bool, label: &str, hint: &str) -> String {
    format!(
        "<label class=\"choice\"><input type=\"radio\" name=\"{}\" value=\"{}\"{}><span><strong>{}</strong><small>{}</small></span></label>",
        esc(name),
        esc(value),
        if checked { " checked" } else { "" },
        esc(label),
        esc(hint)
    )
}

fn checkbox(name: &str, value: &str, checked: bool, label: &str, hint: &str) -> String {
    format!(
        "<label class=\"choice\"><input type=\"checkbox\" name=\"{}\" value=\"{}\"{}><span><strong>{}</strong><small>{}</small></span></label>",
        esc(name),
        esc(value),
        if checked { " checked" } else { "" },
        esc(label),
        esc(hint)
    )
}

fn group_error(errors: &Errors, field: &str) -> String {
    errors
        .get(field)
        .map(|e| format!("<span class=\"error\" role=\"alert\">{}</span>", esc(e)))
        .unwrap_or_default()
}

/// The app form: Create App, or the settings of an existing app (`existing`).
fn app_form_html(d: &Dev, f: &AppForm, errors: &Errors, existing: Option<&AppRecord>) -> String {
    let action = match existing {
        Some(r) => format!("/console/apps/{}/settings", r.app.client_id),
        None => "/console/apps".to_string(),
    };
    let type_section = match existing {
        Some(r) => format!(
            "<input type=\"hidden\" name=\"type\" value=\"{}\"><input type=\"hidden\" name=\"clientType\" value=\"{}\">",
            if r.app.kind == AppKind::Bot {
                "Bot"
            } else {
                "RestApi"
            },
            if r.app.public_client {
                "ClientSide"
            } else {
                "ServerSide"
            }
        ),
        None => format!(
            "<div class=\"card\"><h2>App type</h2><div class=\"choices cols\">{}{}</div></div>",
            radio(
                "type",
                "RestApi",
                f.kind == AppKind::Rest,
                "REST API App",
                "Call the team messaging API for people who authorize it"
            ),
            radio(
                "type",
                "Bot",
                f.kind == AppKind::Bot,
                "Bot App",
                "A bot that companies add to their team messaging"
            ),
        ),
    };
    let perms: String = Permission::ALL
        .iter()
        .map(|p| {
            checkbox(
                "permissions",
                p.api_name(),
                f.permissions
                    .iter()
                    .any(|x| Permission::parse(x) == Some(*p)),
                p.display_name(),
                super::authorize::permission_text(*p),
            )
        })
        .collect();
    let client_type = if existing.is_none() {
        format!(
            "<p class=\"legend\">From what type of app will you be calling the API?</p><div class=\"choices cols\">{}{}</div>",
            radio(
                "clientType",
                "ServerSide",
                f.client_type == ClientType::ServerSide,
                "Server-side web app (most common)",
                "Has a client secret"
            ),
            radio(
                "clientType",
                "ClientSide",
                f.client_type == ClientType::ClientSide,
                "Client-side web app",
                "Runs in the browser: PKCE, no secret"
            ),
        )
    } else {
        String::new()
    };
    format!(
        "<form method=\"post\" action=\"{action}\" novalidate data-app-form>{csrf}{type_section}\
         <div class=\"card\"><h2>App properties</h2><div class=\"stack\" style=\"display:flex;flex-direction:column;gap:1rem\">{name}{desc}{contact}</div></div>\
         <div class=\"card\"><h2>Auth</h2>\
         <p class=\"hint\">REST API apps: how people authorize the app. Bot apps always use the authorization code flow.</p>\
         <div class=\"choices\" data-kind=\"RestApi\">{code}{jwt}{pw}</div>{autherr}<div data-kind=\"RestApi\">{client_type}</div>\
         <div class=\"field\" style=\"margin-top:1rem\"><label for=\"f-redirectUris\">OAuth Redirect URI</label>\
         <textarea id=\"f-redirectUris\" name=\"redirectUris\" aria-describedby=\"uri-hint\">{uris}</textarea>\
         <span class=\"hint\" id=\"uri-hint\">One per line. https, or http on localhost. A bot receives its access token here.</span>{urierr}</div>\
         <div data-kind=\"RestApi\"><p class=\"legend\" style=\"margin-top:1rem\">Issue refresh tokens?</p><div class=\"choices cols\">{ryes}{rno}</div></div>\
         <div data-kind=\"Bot\"><p class=\"legend\" style=\"margin-top:1rem\">Bot visibility</p><div class=\"choices cols\">{bpriv}{bpub}</div></div></div>\
         <div class=\"card\"><h2>Security</h2><p class=\"legend\">App permissions</p><div class=\"choices cols\">{perms}</div>{permerr}\
         <div class=\"grid2\" style=\"margin-top:1rem\" data-kind=\"RestApi\">{attl}{rttl}</div></div>\
         <div class=\"actions\"><button class=\"btn primary\" type=\"submit\">{submit}</button><a class=\"btn secondary\" href=\"/console\">Cancel</a></div></form>",
        csrf = csrf_field(&d.csrf),
        name = Field::new("name", "App name", "text")
            .value(&f.name)
            .required()
            .error(errors.get("name"))
            .render(),
        desc = Field::new("description", "App description (optional)", "textarea")
            .value(&f.description)
            .error(errors.get("description"))
            .render(),
        contact = Field::new("contactEmail", "Primary contact", "email")
            .value(&f.contact_email)
            .hint("Shown to people on the Access Request page")
            .required()
            .error(errors.get("contactEmail"))
            .render(),
        code = checkbox(
            "authCode",
            "on",
            f.auth_code,
            "3-legged OAuth flow authorization code",
            "People sign in and approve on an Access Request page"
        ),
        jwt = checkbox(
            "jwt",
            "on",
            f.jwt,
            "JWT auth flow",
            "Server apps sign in with a JWT credential"
        ),
        pw = checkbox(
            "password",
            "on",
            f.password,
            "Password flow (legacy)",
            "The app collects the user's password"
        ),
        autherr = group_error(errors, "auth"),
        uris = esc(&f.redirect_uris.join("\n")),
        urierr = group_error(errors, "redirectUris"),
        ryes = radio(
            "refreshTokens",
            "yes",
            f.refresh_tokens,
            "Yes",
            "Tokens can be refreshed without signing in again"
        ),
        rno = radio(
            "refreshTokens",
            "no",
            !f.refresh_tokens,
            "No",
            "People sign in again when the access token expires"
        ),
        bpriv = radio(
            "botVisibility",
            "private",
            !f.public_bot,
            "Private",
            "Added to your own accounts from this console"
        ),
        bpub = radio(
            "botVisibility",
            "public",
            f.public_bot,
            "Public",
            "Any company's administrator can add it"
        ),
        permerr = group_error(errors, "permissions"),
        attl = Field::new(
            "accessTokenTtl",
            "Access token lifetime (seconds)",
            "number"
        )
        .value(&f.access_ttl_secs.map(|v| v.to_string()).unwrap_or_default())
        .hint("600 to 86400; default 3600")
        .error(errors.get("accessTokenTtl"))
        .render(),
        rttl = Field::new(
            "refreshTokenTtl",
            "Refresh token lifetime (seconds)",
            "number"
        )
        .value(
            &f.refresh_ttl_secs
                .map(|v| v.to_string())
                .unwrap_or_default()
        )
        .hint("3600 to 2592000; default 604800")
        .error(errors.get("refreshTokenTtl"))
        .render(),
        submit = if existing.is_some() { "Save" } else { "Create" },
    )
}

async fn new_app_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let d = match dev(&st, &headers, "/console/apps/new").await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let f = AppForm {
        contact_email: d.ext.email.clone().unwrap_or_default(),
        permissions: vec!["TeamMessaging".into()],
        ..Default::default()
    };
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Create App</h1><p class=\"sub\">Apps start in the sandbox; apply for production when they are ready.</p></div></div>{}",
        app_form_html(&d, &f, &Errors::default(), None)
    );
    page(&d, "/console", "Create App", None, &main)
}

async fn create_app(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let d = match dev(&st, &headers, "/console/apps/new").await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let f = parse_form(&form);
    let result = if csrf_ok(&headers, &form) {
        match st.platform().create_app(&d.ext, &f).await {
            Ok(created) => Ok(created),
            Err(e) => match Errors::of(&e) {
                Some(errors) => Err(errors),
                None => return failure_page(e),
            },
        }
    } else {
        let mut e = Errors::default();
        e.add("name", "The form expired: submit it again.");
        Err(e)
    };
    match result {
        Ok((record, _)) => {
            let has_sandbox = match st.platform().sandbox_of(&d.ext).await {
                Ok(s) => s.is_some(),
                Err(e) => return failure_page(e),
            };
            if has_sandbox {
                see_other(
                    &format!("/console/apps/{}?created=1", record.app.client_id),
                    vec![],
                )
            } else {
                see_other(
                    &format!(
                        "/console/sandbox?next={}",
                        enc(&format!("/console/apps/{}?created=1", record.app.client_id))
                    ),
                    vec![],
                )
            }
        }
        Err(errors) => {
            let main = format!(
                "<div class=\"pagehead\"><div><h1>Create App</h1></div></div>{}{}",
                notice("bad", "Please correct the fields marked below."),
                app_form_html(&d, &f, &errors, None)
            );
            page_status(
                &d,
                "/console",
                "Create App",
                None,
                &main,
                StatusCode::BAD_REQUEST,
            )
        }
    }
}

// ---------------------------------------------------------------------------------- sandbox

async fn sandbox_page(State(st): State<AppState>, headers: HeaderMap, p: Params) -> Response {
    let d = match dev(&st, &headers, "/console/sandbox").await {
        Ok(d) => d,
        Err(r) => return r,
    };
    match st.platform().sandbox_of(&d.ext).await {
        Ok(Some(_)) => return see_other(&local_path(p.get("next"), "/console"), vec![]),
        Ok(None) => {}
        Err(e) => return failure_page(e),
    }
    sandbox_form(
        &d,
        &local_path(p.get("next"), "/console"),
        &Errors::default(),
        StatusCode::OK,
    )
}

fn sandbox_form(d: &Dev, next: &str, errors: &Errors, status: StatusCode) -> Response {
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Your sandbox account</h1>\
         <p class=\"sub\">Apps are built and tested against a sandbox: a company of its own, with you as its administrator.</p></div></div>\
         <div class=\"card\" style=\"max-width:560px\"><div class=\"steps\"><span>1. Create app</span><span aria-current=\"step\">2. Sandbox account</span><span>3. Credentials</span></div>\
         <p>We create a sandbox company for you. Set the password of its administrator (you): you sign in to the sandbox with its \
         phone number and extension <code>101</code>, add users there, and authorize your app with them.</p>\
         <form class=\"stack\" method=\"post\" action=\"/console/sandbox\" novalidate>{}<input type=\"hidden\" name=\"next\" value=\"{}\">{}{}\
         <div class=\"actions\"><button class=\"btn primary\" type=\"submit\">Next</button></div></form></div>",
        csrf_field(&d.csrf),
        esc(next),
        Field::new("password", "Sandbox administrator password", "password")
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
    page_status(d, "/console", "Sandbox account", None, &main, status)
}

async fn sandbox_create(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let d = match dev(&st, &headers, "/console/sandbox").await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let next = local_path(form.get("next"), "/console");
    let password = form.get("password").unwrap_or("");
    let mut errors = Errors::default();
    if !csrf_ok(&headers, &form) {
        errors.add("password", "The form expired: submit it again.");
    } else if password != form.get("confirm").unwrap_or("") {
        errors.add("confirm", "The passwords do not match.");
    }
    if errors.is_empty() {
        match st.platform().create_sandbox(&d.ext, password).await {
            Ok(_) => return see_other(&next, vec![]),
            Err(e) => match Errors::of(&e) {
                Some(e) => errors = e,
                None => return failure_page(e),
            },
        }
    }
    sandbox_form(&d, &next, &errors, StatusCode::BAD_REQUEST)
}

// -------------------------------------------------------------------------------- dashboard

fn secret_block(id: &str, value: &str) -> String {
    format!(
        "<div class=\"secret\"><code id=\"{id}\" data-value=\"{v}\" data-shown=\"0\">••••••••••••••••••••••••</code>\
         <button class=\"btn secondary small\" type=\"button\" data-reveal=\"{id}\">Show</button>\
         <button class=\"btn secondary small\" type=\"button\" data-copy=\"{id}\">Copy</button></div>",
        v = esc(value)
    )
}

fn copy_block(id: &str, value: &str) -> String {
    format!(
        "<div class=\"secret\"><code id=\"{id}\" data-value=\"{v}\">{v}</code>\
         <button class=\"btn secondary small\" type=\"button\" data-copy=\"{id}\">Copy</button></div>",
        v = esc(value)
    )
}

async fn dashboard(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    p: Params,
) -> Response {
    let d = match dev(&st, &headers, &format!("/console/apps/{id}")).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let r = match my_app(&st, &d, &id).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let base = base_url(&st, &headers);
    let created = if p.get("created").is_some() {
        notice(
            "ok",
            &format!(
                "<strong>{}</strong> was created in the sandbox. Copy its credentials below.",
                esc(&r.app.name)
            ),
        )
    } else if p.get("rotated").is_some() {
        notice(
            "ok",
            "A new client secret was issued: the previous one no longer works.",
        )
    } else {
        String::new()
    };
    let secret = if r.app.public_client {
        "<p class=\"hint\">Client-side apps have no client secret: they use PKCE.</p>".to_string()
    } else {
        match st.platform().fresh_secret(d.ext.id, &r.app.client_id) {
            Some(s) => format!(
                "{}<p class=\"hint\">Only a hash of the secret is kept: it can be shown for 15 minutes after it is issued. Copy it now.</p>",
                secret_block("client-secret", &s)
            ),
            None => {
                "<p class=\"hint\">The secret was shown when it was issued; only its hash is kept. \
                     Rotate it to get a new one.</p>"
                    .to_string()
            }
        }
    };
    let rotate = if r.app.public_client {
        String::new()
    } else {
        format!(
            "<form method=\"post\" action=\"/console/apps/{}/secret\" class=\"inline\">{}<button class=\"btn danger small\" type=\"submit\">Rotate secret</button></form>",
            esc(&r.app.client_id),
            csrf_field(&d.csrf)
        )
    };
    let grants: Vec<&str> = r
        .app
        .grants
        .iter()
        .map(|g| match g {
            GrantType::AuthorizationCode => "Authorization code",
            GrantType::RefreshToken => "Refresh token",
            GrantType::Password => "Password (legacy)",
            GrantType::JwtBearer => "JWT",
        })
        .collect();
    let perms: Vec<&str> = r.app.permissions.iter().map(|p| p.display_name()).collect();
    let main = format!(
        "<div class=\"pagehead\"><div><h1>{name}</h1><p class=\"sub\">{kind} · {stage}</p></div></div>{created}\
         <div class=\"card\"><h2>Application Credentials</h2><dl class=\"kv\">\
         <dt>Client ID</dt><dd>{cid}</dd><dt>Client Secret</dt><dd>{secret}</dd>\
         <dt>Server URL</dt><dd>{server}</dd><dt>Authorization URL</dt><dd><code>{base}/restapi/oauth/authorize</code></dd></dl>\
         <div class=\"actions\" style=\"margin-top:1rem\">{rotate}<a class=\"btn secondary small\" href=\"/console/credentials\">JWT credentials</a></div></div>\
         <div class=\"card\"><h2>Auth and permissions</h2><dl class=\"kv\">\
         <dt>Grants</dt><dd>{grants}</dd><dt>OAuth redirect URIs</dt><dd>{uris}</dd><dt>Permissions</dt><dd>{perms}</dd>\
         <dt>Token lifetimes</dt><dd>access {attl} s{rttl}</dd></dl>\
         <div class=\"actions\" style=\"margin-top:1rem\"><a class=\"btn secondary small\" href=\"/console/apps/{cid_raw}/settings\">Edit settings</a></div></div>",
        name = esc(&r.app.name),
        kind = kind_label(&r),
        stage = stage_pill(r.details.stage),
        cid = copy_block("client-id", &r.app.client_id),
        server = copy_block("server-url", &base),
        base = esc(&base),
        grants = esc(&grants.join(", ")),
        uris = if r.app.redirect_uris.is_empty() {
            "<span class=\"hint\">none</span>".to_string()
        } else {
            r.app
                .redirect_uris
                .iter()
                .map(|u| format!("<code>{}</code>", esc(u)))
                .collect::<Vec<_>>()
                .join("<br>")
        },
        perms = esc(&perms.join(", ")),
        attl = r.app.access_ttl_secs,
        rttl = if r.app.grants.contains(GrantType::RefreshToken) {
            format!(", refresh {} s", r.app.refresh_ttl_secs)
        } else {
            String::new()
        },
        cid_raw = esc(&r.app.client_id),
    );
    page(
        &d,
        "/console",
        &r.app.name,
        Some((&r, &format!("/console/apps/{}", r.app.client_id))),
        &main,
    )
}

async fn rotate(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let d = match dev(&st, &headers, &format!("/console/apps/{id}")).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let r = match my_app(&st, &d, &id).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if !csrf_ok(&headers, &form) {
        return see_other(&format!("/console/apps/{id}"), vec![]);
    }
    match st.platform().rotate_secret(&d.ext, &r).await {
        Ok(_) => see_other(&format!("/console/apps/{id}?rotated=1"), vec![]),
        Err(e) => failure_page(e),
    }
}

fn form_of(r: &AppRecord) -> AppForm {
    AppForm {
        kind: r.app.kind,
        name: r.app.name.clone(),
        description: r.details.description.clone(),
        contact_email: r.details.contact_email.clone(),
        client_type: if r.app.public_client {
            ClientType::ClientSide
        } else {
            ClientType::ServerSide
        },
        auth_code: r.app.grants.contains(GrantType::AuthorizationCode),
        jwt: r.app.grants.contains(GrantType::JwtBearer),
        password: r.app.grants.contains(GrantType::Password),
        refresh_tokens: r.app.grants.contains(GrantType::RefreshToken),
        redirect_uris: r.app.redirect_uris.clone(),
        permissions: r
            .app
            .permissions
            .iter()
            .map(|p| p.api_name().to_string())
            .collect(),
        public_bot: r.details.public_bot,
        access_ttl_secs: (r.app.kind == AppKind::Rest).then_some(r.app.access_ttl_secs),
        refresh_ttl_secs: (r.app.kind == AppKind::Rest).then_some(r.app.refresh_ttl_secs),
    }
}

async fn settings_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    p: Params,
) -> Response {
    let d = match dev(&st, &headers, &format!("/console/apps/{id}/settings")).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let r = match my_app(&st, &d, &id).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let saved = if p.get("saved").is_some() {
        notice("ok", "Settings saved.")
    } else {
        String::new()
    };
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Settings</h1><p class=\"sub\">{}</p></div></div>{saved}{}",
        esc(&r.app.name),
        app_form_html(&d, &form_of(&r), &Errors::default(), Some(&r))
    );
    page(
        &d,
        "/console",
        "Settings",
        Some((&r, &format!("/console/apps/{id}/settings"))),
        &main,
    )
}

async fn settings_save(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let d = match dev(&st, &headers, &format!("/console/apps/{id}/settings")).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let r = match my_app(&st, &d, &id).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let mut f = parse_form(&form);
    f.kind = r.app.kind;
    f.client_type = if r.app.public_client {
        ClientType::ClientSide
    } else {
        ClientType::ServerSide
    };
    let result = if csrf_ok(&headers, &form) {
        match st.platform().update_app(&r, &f).await {
            Ok(updated) => Ok(updated),
            Err(e) => match Errors::of(&e) {
                Some(errors) => Err(errors),
                None => return failure_page(e),
            },
        }
    } else {
        let mut e = Errors::default();
        e.add("name", "The form expired: submit it again.");
        Err(e)
    };
    match result {
        Ok(_) => see_other(&format!("/console/apps/{id}/settings?saved=1"), vec![]),
        Err(errors) => {
            let main = format!(
                "<div class=\"pagehead\"><div><h1>Settings</h1></div></div>{}{}",
                notice("bad", "Please correct the fields marked below."),
                app_form_html(&d, &f, &errors, Some(&r))
            );
            page_status(
                &d,
                "/console",
                "Settings",
                Some((&r, &format!("/console/apps/{id}/settings"))),
                &main,
                StatusCode::BAD_REQUEST,
            )
        }
    }
}

// ------------------------------------------------------------------ usage and production

async fn production_view(st: &AppState, d: &Dev, r: &AppRecord, applied: bool) -> Response {
    let (usage, reqs) = match st.platform().graduation(r).await {
        Ok(g) => (g.usage, g.requirements),
        Err(e) => return failure_page(e),
    };
    let rows: String = usage
        .iter()
        .map(|u| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&u.group),
                u.calls,
                u.errors,
                when(u.last_call)
            )
        })
        .collect();
    let usage_table = if usage.is_empty() {
        "<p class=\"empty\">No API calls yet.</p>".to_string()
    } else {
        format!(
            "<table><thead><tr><th>API group</th><th>Calls</th><th>Errors</th><th>Last call</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    };
    let list: String = reqs
        .iter()
        .map(|q| {
            format!(
                "<li class=\"req\">{}<span>{}</span></li>",
                if q.met {
                    "<span class=\"pill ok\">✓ Met</span>"
                } else {
                    "<span class=\"pill warn\">Not met yet</span>"
                },
                esc(&q.text)
            )
        })
        .collect();
    let state = match r.details.stage {
        Environment::Production => notice(
            "ok",
            "This app is admitted to production: production accounts can authorize it (sandbox accounts still can).",
        ),
        Environment::Sandbox if applied => notice(
            "bad",
            "Not yet: the app does not meet every requirement below. Keep testing in the sandbox and apply again.",
        ),
        Environment::Sandbox => notice(
            "info",
            "This app is in the sandbox: only sandbox accounts can authorize it.",
        ),
    };
    let apply = if r.details.stage == Environment::Sandbox {
        format!(
            "<form method=\"post\" action=\"/console/apps/{}/production\">{}<button class=\"btn primary\" type=\"submit\">Apply for production</button></form>",
            esc(&r.app.client_id),
            csrf_field(&d.csrf)
        )
    } else {
        String::new()
    };
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Usage &amp; production</h1><p class=\"sub\">{} · {}</p></div></div>{state}\
         <div class=\"card\"><h2>Graduation requirements</h2><ul class=\"perms\">{list}</ul>{apply}</div>\
         <div class=\"card\"><h2>API usage</h2>{usage_table}</div>",
        esc(&r.app.name),
        stage_pill(r.details.stage)
    );
    page(
        d,
        "/console",
        "Usage & production",
        Some((r, &format!("/console/apps/{}/production", r.app.client_id))),
        &main,
    )
}

async fn production_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match dev(&st, &headers, &format!("/console/apps/{id}/production")).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    match my_app(&st, &d, &id).await {
        Ok(r) => production_view(&st, &d, &r, false).await,
        Err(resp) => resp,
    }
}

async fn production_apply(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let d = match dev(&st, &headers, &format!("/console/apps/{id}/production")).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let r = match my_app(&st, &d, &id).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if csrf_ok(&headers, &form)
        && let Err(e) = st.platform().apply_for_production(&r).await
    {
        return failure_page(e);
    }
    match my_app(&st, &d, &id).await {
        Ok(r) => production_view(&st, &d, &r, true).await,
        Err(resp) => resp,
    }
}

// --------------------------------------------------------------------------------------- bot

async fn bot_view(
    st: &AppState,
    d: &Dev,
    r: &AppRecord,
    message: &str,
    status: StatusCode,
) -> Response {
    let found = async {
        Ok::<_, Error>(match st.platform().bot_target(&d.ext, r).await? {
            Some(acc) => (Some(acc), st.platform().bot_installs(acc).await?),
            None => (None, vec![]),
        })
    };
    let (target, installs) = match found.await {
        Ok(found) => found,
        Err(e) => return failure_page(e),
    };
    let mine: Vec<&BotInstall> = installs.iter().filter(|i| i.app.id == r.app.id).collect();
    let rows: String = mine
        .iter()
        .map(|i| {
            format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(&i.extension.full_name()),
                i.extension.id,
                when(i.created)
            )
        })
        .collect();
    let add = match target {
        Some(_) => format!(
            "<form method=\"post\" action=\"/console/apps/{}/bot\">{}<button class=\"btn primary\" type=\"submit\">Add to RingCentral</button></form>",
            esc(&r.app.client_id),
            csrf_field(&d.csrf)
        ),
        None if r.details.stage == Environment::Sandbox => format!(
            "<p>Set up your <a href=\"/console/sandbox?next={}\">sandbox account</a> first.</p>",
            enc(&format!("/console/apps/{}/bot", r.app.client_id))
        ),
        None => {
            "<p class=\"hint\">Only an administrator of your company can add the bot to it.</p>"
                .into()
        }
    };
    let public = if r.details.public_bot {
        format!(
            "<p>This is a public bot: an administrator of any company adds it with the link \
             <code>/restapi/oauth/authorize?response_type=code&amp;client_id={}</code> (\"Add to Glip\"); \
             your bot server then receives a <code>code</code> at its redirect URI and exchanges it for the bot's token.</p>",
            esc(&r.app.client_id)
        )
    } else {
        "<p>This is a private bot: <em>Add to RingCentral</em> creates the bot user in your account and POSTs its permanent \
         access token to the bot's OAuth redirect URI (form fields <code>access_token</code>, <code>creator_extension_id</code>, \
         <code>creator_account_id</code>, <code>client_id</code>).</p>"
            .into()
    };
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Bot</h1><p class=\"sub\">{} · {}</p></div></div>{message}\
         <div class=\"card\"><h2>Add the bot</h2>{public}{add}</div>\
         <div class=\"card\"><h2>Installed</h2>{}</div>",
        esc(&r.app.name),
        stage_pill(r.details.stage),
        if mine.is_empty() {
            "<p class=\"empty\">Not installed in your account yet.</p>".to_string()
        } else {
            format!(
                "<table><thead><tr><th>Bot user</th><th>Extension id</th><th>Added</th></tr></thead><tbody>{rows}</tbody></table>"
            )
        }
    );
    page_status(
        d,
        "/console",
        "Bot",
        Some((r, &format!("/console/apps/{}/bot", r.app.client_id))),
        &main,
        status,
    )
}

async fn bot_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let d = match dev(&st, &headers, &format!("/console/apps/{id}/bot")).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    match my_app(&st, &d, &id).await {
        Ok(r) if r.app.kind == AppKind::Bot => bot_view(&st, &d, &r, "", StatusCode::OK).await,
        Ok(_) => see_other(&format!("/console/apps/{id}"), vec![]),
        Err(resp) => resp,
    }
}

async fn bot_install(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    FormBody(form): FormBody,
) -> Response {
    let d = match dev(&st, &headers, &format!("/console/apps/{id}/bot")).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let r = match my_app(&st, &d, &id).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    if !csrf_ok(&headers, &form) {
        return bot_view(
            &st,
            &d,
            &r,
            &notice("bad", "The form expired: try again."),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    match st.platform().bot_target(&d.ext, &r).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return bot_view(
                &st,
                &d,
                &r,
                &notice("bad", "There is no account to add the bot to."),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
        Err(e) => return failure_page(e),
    }
    match st.platform().install_for_developer(&d.ext, &r).await {
        Ok(done) => {
            let msg = match done.delivery {
                Some(Ok(())) => notice(
                    "ok",
                    &format!(
                        "The bot was added (extension {}) and its access token was delivered to its redirect URI.",
                        done.install.extension.id
                    ),
                ),
                Some(Err(why)) => notice(
                    "warn",
                    &format!(
                        "The bot was added (extension {}), but its token could not be delivered: {}. Remove it in the admin portal and try again once the bot server runs.",
                        done.install.extension.id,
                        esc(&why)
                    ),
                ),
                None => notice("ok", "The bot was added."),
            };
            bot_view(&st, &d, &r, &msg, StatusCode::OK).await
        }
        // What the developer can act on (the bot is still in the sandbox…) is said on the page.
        Err(e) if e.fields().is_some() || matches!(e, Error::InvalidSubject { .. }) => {
            bot_view(
                &st,
                &d,
                &r,
                &notice("bad", &esc(&error_message(&e))),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => failure_page(e),
    }
}

// ------------------------------------------------------------------------ JWT credentials

/// Whom a JWT signs in, in words for the page.
fn owner_label(o: &JwtOwner) -> String {
    match o {
        JwtOwner::Own(e) => format!("{} (your account)", e.full_name()),
        JwtOwner::SandboxAdmin(e) => format!("{} (sandbox administrator)", e.full_name()),
    }
}

async fn jwt_view(
    st: &AppState,
    d: &Dev,
    headers: &HeaderMap,
    created: Option<&str>,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let found = async {
        let owners = st.platform().jwt_owners(&d.ext).await?;
        Ok::<_, Error>((owners, st.platform().jwts_of_developer(&d.ext).await?))
    };
    let (owners, jwts) = match found.await {
        Ok(found) => found,
        Err(e) => return failure_page(e),
    };
    let mut rows = String::new();
    for (owner, j) in &jwts {
        rows.push_str(&format!(
                "<tr><td><strong>{}</strong><br><span class=\"hint\">{}</span></td><td>{}</td><td>{}</td><td>{}</td>\
                 <td><form method=\"post\" action=\"/console/credentials/{}/revoke\" class=\"inline\">{}\
                 <button class=\"btn danger small\" type=\"submit\">Revoke</button></form></td></tr>",
                esc(&j.label),
                esc(&owner_label(owner)),
                j.client_ids.as_ref().map(|v| esc(&v.join(", "))).unwrap_or_else(|| "Any app".into()),
                when(j.created),
                j.expires.map(when).unwrap_or_else(|| "Never".into()),
                j.id,
                csrf_field(&d.csrf),
            ));
    }
    let created = created
        .map(|jwt| {
            format!(
                "<div class=\"card\"><h2>Your new JWT</h2>{}<p class=\"hint\">Copy it now: only its hash is kept, it will not be shown again. \
                 Exchange it with <code>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</code> and <code>assertion</code>.</p></div>",
                secret_block("new-jwt", jwt)
            )
        })
        .unwrap_or_default();
    let options: String = owners
        .iter()
        .map(|o| {
            format!(
                "<option value=\"{}\">{}</option>",
                o.extension().id,
                esc(&owner_label(o))
            )
        })
        .collect();
    let main = format!(
        "<div class=\"pagehead\"><div><h1>Credentials</h1><p class=\"sub\">JWT credentials sign you in to apps that use the JWT auth flow.</p></div></div>{created}\
         <div class=\"card\"><h2>Create JWT</h2><form class=\"stack\" method=\"post\" action=\"/console/credentials\" novalidate>{csrf}\
         {label}<div class=\"field\"><label for=\"f-owner\">Signs in as</label><select id=\"f-owner\" name=\"owner\">{options}</select></div>\
         {apps}{exp}<div class=\"actions\"><button class=\"btn primary\" type=\"submit\">Create JWT</button></div></form></div>\
         <div class=\"card\"><h2>Your JWTs</h2>{table}</div>",
        csrf = csrf_field(&d.csrf),
        label = Field::new("label", "Label", "text")
            .required()
            .error(errors.get("label"))
            .render(),
        apps = Field::new("clientIds", "Only for these apps (client ids)", "text")
            .hint("Leave empty to allow any app; separate several with commas")
            .error(errors.get("clientIds"))
            .render(),
        exp = Field::new("expiresInDays", "Expires after (days)", "number")
            .hint("Leave empty for no expiry")
            .error(errors.get("expiresInDays"))
            .render(),
        table = if rows.is_empty() {
            "<p class=\"empty\">No JWT credentials.</p>".to_string()
        } else {
            format!(
                "<table><thead><tr><th>Label</th><th>Apps</th><th>Created</th><th>Expires</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
            )
        },
    );
    let _ = headers;
    page_status(
        d,
        "/console/credentials",
        "Credentials",
        None,
        &main,
        status,
    )
}

async fn jwt_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let d = match dev(&st, &headers, "/console/credentials").await {
        Ok(d) => d,
        Err(r) => return r,
    };
    jwt_view(&st, &d, &headers, None, &Errors::default(), StatusCode::OK).await
}

async fn jwt_create(
    State(st): State<AppState>,
    headers: HeaderMap,
    FormBody(form): FormBody,
) -> Response {
    let d = match dev(&st, &headers, "/console/credentials").await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let mut errors = Errors::default();
    if !csrf_ok(&headers, &form) {
        errors.add("label", "The form expired: submit it again.");
        return jwt_view(&st, &d, &headers, None, &errors, StatusCode::FORBIDDEN).await;
    }
    let owners = match st.platform().jwt_owners(&d.ext).await {
        Ok(owners) => owners,
        Err(e) => return failure_page(e),
    };
    let owner = form
        .get("owner")
        .and_then(|o| {
            owners
                .iter()
                .map(JwtOwner::extension)
                .find(|e| e.id.to_string() == o)
        })
        .cloned()
        .unwrap_or_else(|| d.ext.clone());
    let ids = split_list(form.get("clientIds").unwrap_or(""));
    let days = match form
        .get("expiresInDays")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(0),
        },
    };
    let base = base_url(&st, &headers);
    let jwt_form = JwtForm {
        label: form.get("label").unwrap_or("").to_string(),
        client_ids: (!ids.is_empty()).then_some(ids),
        expires_in_days: days,
    };
    match st.platform().create_jwt(&owner, &jwt_form, &base).await {
        Ok((_, jwt)) => {
            jwt_view(
                &st,
                &d,
                &headers,
                Some(&jwt),
                &Errors::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => match Errors::of(&e) {
            Some(errors) => {
                jwt_view(&st, &d, &headers, None, &errors, StatusCode::BAD_REQUEST).await
            }
            None => failure_page(e),
        },
    }
}

async fn jwt_revoke(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(jid): Path<i64>,
    FormBody(form): FormBody,
) -> Response {
    let d = match dev(&st, &headers, "/console/credentials").await {
        Ok(d) => d,
        Err(r) => return r,
    };
    if csrf_ok(&headers, &form) {
        match st.platform().revoke_jwt(&d.ext, jid).await {
            // One that is not (or no longer) theirs: the list shows what there is.
            Ok(()) | Err(Error::NotFound(_)) => {}
            Err(e) => return failure_page(e),
        }
    }
    see_other("/console/credentials", vec![])
}
