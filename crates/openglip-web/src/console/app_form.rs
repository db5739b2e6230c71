//! The app form: Create App, and the settings of an existing app. What it posts
//! ([`AppFields`]), as the platform's [`AppForm`], and its template ([`app_form`]).

use openglip_domain::perm::GrantType;
use openglip_domain::platform::AppRecord;
use openglip_domain::*;
use openglip_platform::apps::{AppForm, ClientType};
use openglip_webkit::html::{Button, Choice, Choices, Field, FormErrors, hidden};
use openglip_webkit::{Csrf, Markup, html};
use serde::Deserialize;

use crate::authorize::permission_text;

/// The app form as posted (names as the form spells them).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AppFields {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    description: String,
    contact_email: String,
    client_type: String,
    auth_code: Option<String>,
    jwt: Option<String>,
    password: Option<String>,
    refresh_tokens: String,
    redirect_uris: String,
    permissions: Vec<String>,
    bot_visibility: String,
    access_token_ttl: String,
    refresh_token_ttl: String,
}

/// The ids in a form's list field: one per line, or separated by commas or spaces.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', ',', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

impl AppFields {
    /// What the platform validates (`AppForm`).
    pub fn form(self) -> AppForm {
        let on = |v: &Option<String>| matches!(v.as_deref(), Some("on" | "true" | "yes" | "1"));
        let secs = |v: &str| v.trim().parse().ok();
        AppForm {
            kind: if self.kind == "Bot" {
                AppKind::Bot
            } else {
                AppKind::Rest
            },
            auth_code: on(&self.auth_code),
            jwt: on(&self.jwt),
            password: on(&self.password),
            refresh_tokens: self.refresh_tokens != "no",
            redirect_uris: split_list(&self.redirect_uris),
            public_bot: self.bot_visibility == "public",
            access_ttl_secs: secs(&self.access_token_ttl),
            refresh_ttl_secs: secs(&self.refresh_token_ttl),
            client_type: if self.client_type == "ClientSide" {
                ClientType::ClientSide
            } else {
                ClientType::ServerSide
            },
            name: self.name,
            description: self.description,
            contact_email: self.contact_email,
            permissions: self.permissions,
        }
    }
}

/// The form of an existing app.
pub fn form_of(r: &AppRecord) -> AppForm {
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

const TYPES: [Choice<'static>; 2] = [
    Choice {
        value: "RestApi",
        label: "REST API App",
        hint: Some("Call the team messaging API for people who authorize it"),
    },
    Choice {
        value: "Bot",
        label: "Bot App",
        hint: Some("A bot that companies add to their team messaging"),
    },
];

const CLIENT_TYPES: [Choice<'static>; 2] = [
    Choice {
        value: "ServerSide",
        label: "Server-side web app (most common)",
        hint: Some("Has a client secret"),
    },
    Choice {
        value: "ClientSide",
        label: "Client-side web app",
        hint: Some("Runs in the browser: PKCE, no secret"),
    },
];

const REFRESH: [Choice<'static>; 2] = [
    Choice {
        value: "yes",
        label: "Yes",
        hint: Some("Tokens can be refreshed without signing in again"),
    },
    Choice {
        value: "no",
        label: "No",
        hint: Some("People sign in again when the access token expires"),
    },
];

const VISIBILITY: [Choice<'static>; 2] = [
    Choice {
        value: "private",
        label: "Private",
        hint: Some("Added to your own accounts from this console"),
    },
    Choice {
        value: "public",
        label: "Public",
        hint: Some("Any company's administrator can add it"),
    },
];

fn yes_no(on: bool) -> &'static str {
    if on { "yes" } else { "no" }
}

/// The app form: Create App (`existing` None), or the settings of an existing app.
pub fn app_form(
    csrf: &Csrf,
    f: &AppForm,
    errors: &FormErrors,
    existing: Option<&AppRecord>,
) -> Markup {
    let action = match existing {
        Some(r) => format!("/console/apps/{}/settings", r.app.client_id),
        None => "/console/apps".to_string(),
    };
    let kind = if f.kind == AppKind::Bot {
        "Bot"
    } else {
        "RestApi"
    };
    let client_type = match f.client_type {
        ClientType::ClientSide => "ClientSide",
        ClientType::ServerSide => "ServerSide",
    };
    let permissions: Vec<Choice<'_>> = Permission::ASSIGNABLE
        .iter()
        .map(|p| Choice::new(p.api_name(), p.display_name()).hint(permission_text(*p)))
        .collect();
    let granted: Vec<&str> = f.permissions.iter().map(String::as_str).collect();
    let uris = f.redirect_uris.join("\n");
    let ttl = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let (access_ttl, refresh_ttl) = (ttl(f.access_ttl_secs), ttl(f.refresh_ttl_secs));
    html! {
        form method="post" action=(action) novalidate data-app-form {
            (csrf.field())
            @if existing.is_some() {
                (hidden("type", kind))
                (hidden("clientType", client_type))
            } @else {
                div.card { (Choices::radio("type", "App type", &TYPES).selected(&[kind]).columns()) }
            }
            div.card {
                h2 { "App properties" }
                div.stack {
                    (Field::text("name", "App name").value(&f.name).required().error(errors.get("name")))
                    (Field::textarea("description", "App description (optional)").value(&f.description)
                        .error(errors.get("description")))
                    (Field::email("contactEmail", "Primary contact").value(&f.contact_email)
                        .hint("Shown to people on the Access Request page").required()
                        .error(errors.get("contactEmail")))
                }
            }
            div.card {
                h2 { "Auth" }
                p.hint { "REST API apps: how people authorize the app. Bot apps always use the authorization code flow." }
                div.stack.tight data-kind="RestApi" {
                    (Field::checkbox("authCode", "3-legged OAuth flow authorization code").checked(f.auth_code)
                        .hint("People sign in and approve on an Access Request page").error(errors.get("auth")))
                    (Field::checkbox("jwt", "JWT auth flow").checked(f.jwt)
                        .hint("Server apps sign in with a JWT credential"))
                    (Field::checkbox("password", "Password flow (legacy)").checked(f.password)
                        .hint("The app collects the user's password"))
                    @if existing.is_none() {
                        (Choices::radio("clientType", "From what type of app will you be calling the API?", &CLIENT_TYPES)
                            .selected(&[client_type]).columns())
                    }
                }
                div.mt {
                    (Field::textarea("redirectUris", "OAuth Redirect URI").value(&uris)
                        .hint("One per line. https, or http on localhost. A bot receives its access token here.")
                        .error(errors.get("redirectUris")))
                }
                div.mt data-kind="RestApi" {
                    (Choices::radio("refreshTokens", "Issue refresh tokens?", &REFRESH)
                        .selected(&[yes_no(f.refresh_tokens)]).columns())
                }
                div.mt data-kind="Bot" {
                    (Choices::radio("botVisibility", "Bot visibility", &VISIBILITY)
                        .selected(&[if f.public_bot { "public" } else { "private" }]).columns())
                }
            }
            div.card {
                h2 { "Security" }
                (Choices::checkboxes("permissions", "App permissions", &permissions).selected(&granted)
                    .columns().error(errors.get("permissions")))
                div.grid2.mt data-kind="RestApi" {
                    (Field::number("accessTokenTtl", "Access token lifetime (seconds)").value(&access_ttl)
                        .hint("600 to 86400; default 3600").error(errors.get("accessTokenTtl")))
                    (Field::number("refreshTokenTtl", "Refresh token lifetime (seconds)").value(&refresh_ttl)
                        .hint("3600 to 2592000; default 604800").error(errors.get("refreshTokenTtl")))
                }
            }
            div.actions {
                (Button::primary(if existing.is_some() { "Save" } else { "Create" }))
                (Button::secondary("Cancel").link("/console"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_posted_form_reads_as_the_platform_wants_it() {
        let body = "type=Bot&name=Travel&contactEmail=a%40b.test&authCode=on&refreshTokens=no\
                    &redirectUris=https%3A%2F%2Fa.example%2Fcb%0D%0Ahttps%3A%2F%2Fb.example%2Fcb\
                    &permissions=TeamMessaging&permissions=ReadAccounts&botVisibility=public\
                    &accessTokenTtl=+900+&refreshTokenTtl=nope&_csrf=x";
        let fields: AppFields = serde_html_form::from_str(body).unwrap();
        let f = fields.form();
        assert_eq!(f.kind, AppKind::Bot);
        assert!(f.auth_code && !f.jwt && !f.password && !f.refresh_tokens && f.public_bot);
        assert_eq!(
            f.redirect_uris,
            ["https://a.example/cb", "https://b.example/cb"]
        );
        assert_eq!(f.permissions, ["TeamMessaging", "ReadAccounts"]);
        assert_eq!((f.access_ttl_secs, f.refresh_ttl_secs), (Some(900), None));
        assert_eq!(f.client_type, ClientType::ServerSide);
        // Nothing ticked: no grants, refresh tokens by default, one permission alone still a list.
        let f = serde_html_form::from_str::<AppFields>("name=X&permissions=WebSocket")
            .unwrap()
            .form();
        assert!(!f.auth_code && f.refresh_tokens && f.kind == AppKind::Rest);
        assert_eq!(f.permissions, ["WebSocket"]);
    }
}
