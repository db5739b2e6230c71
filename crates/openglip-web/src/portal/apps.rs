//! The company's bots and the apps people authorized (remove either), and the mail outbox.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use openglip_domain::*;
use openglip_server::AppState;
use openglip_webkit::html::{Table, Tone, notice};
use openglip_webkit::{CsrfForm, Markup, html};

use super::admin::Admin;
use crate::failure::failure_page;
use crate::parts::{NoFields, danger_form, named_cell};
use crate::words::when;

const BOT_COLUMNS: &[&str] = &["Bot", "Ext.", "Added", ""];
const REMOVE_APP: &str = "Remove this app? Every token it holds in the company is revoked.";
const APP_COLUMNS: &[&str] = &["App", "Users", "Last authorized", ""];

/// The apps page, `message` above.
async fn view(st: &AppState, a: &Admin, message: Markup) -> Response {
    let found = async {
        let bots = st.platform().bot_installs(a.ext.account_id).await?;
        Ok::<_, Error>((bots, st.platform().authorized_apps(&a.ext).await?))
    };
    let (bots, authorized) = match found.await {
        Ok(found) => found,
        Err(e) => return failure_page(&a.kit, e),
    };
    let bot_rows = bots.iter().map(|b| {
        let name = b.extension.full_name();
        let action = format!("/admin/apps/bots/{}/remove", b.extension.id);
        let id = format!("remove-bot-{}", b.extension.id);
        html! {
            td { strong { (name) } }
            td { (b.extension.extension_number) }
            td { (when(b.created)) }
            td { (danger_form(&id, &action, &a.csrf, "Remove", "Remove this bot from the company?")) }
        }
    });
    let app_rows = authorized.iter().map(|x| {
        let action = format!("/admin/apps/{}/remove", x.app.client_id);
        let id = format!("remove-app-{}", x.app.client_id);
        html! {
            (named_cell(&x.app.name, html! { code { (x.app.client_id) } }))
            td { (x.users) }
            td { (when(x.last_authorized)) }
            td { (danger_form(&id, &action, &a.csrf, "Remove", REMOVE_APP)) }
        }
    });
    let main = html! {
        div.pagehead { div { h1 { "Apps" } p.sub { "Bots added to your company, and apps people authorized." } } }
        (message)
        div.card {
            h2 { "Bots" }
            (Table::new(BOT_COLUMNS).caption("Bots").rows(bot_rows).empty(html! { "No bots." }))
        }
        div.card {
            h2 { "Authorized apps" }
            (Table::new(APP_COLUMNS).caption("Authorized apps").rows(app_rows)
                .empty(html! { "No apps hold access to your company." }))
        }
    };
    a.page("/admin/apps", "", "Apps", main).into_response()
}

/// `GET /admin/apps`.
pub async fn list(State(st): State<AppState>, a: Admin) -> Response {
    view(&st, &a, html! {}).await
}

/// `POST /admin/apps/bots/{id}/remove`: removes a bot from the company.
pub async fn remove_bot(
    State(st): State<AppState>,
    a: Admin,
    Path(id): Path<i64>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    let msg = match st.platform().remove_bot_by(&a.ext, ExtensionId(id)).await {
        Ok(b) => notice(
            Tone::Ok,
            html! { (b.extension.full_name()) " was removed." },
        ),
        Err(Error::NotFound(_)) => notice(Tone::Bad, html! { "No such bot." }),
        Err(e) => return failure_page(&a.kit, e),
    };
    view(&st, &a, msg).await
}

/// `POST /admin/apps/{client_id}/remove`: revokes every token the app holds in the company.
pub async fn remove_app(
    State(st): State<AppState>,
    a: Admin,
    Path(client_id): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    let msg = match st.platform().remove_app(&a.ext, &client_id).await {
        Ok((app, n)) => notice(
            Tone::Ok,
            html! {
                (app.name) " was removed: " (n) " token" @if n != 1 { "s" } " revoked."
            },
        ),
        Err(Error::NotFound(_)) => notice(Tone::Bad, html! { "No such app." }),
        Err(e) => return failure_page(&a.kit, e),
    };
    view(&st, &a, msg).await
}

/// `GET /admin/outbox`: what this server would have e-mailed.
pub async fn outbox(State(st): State<AppState>, a: Admin) -> Response {
    let mails = match st.platform().outbox(&a.ext).await {
        Ok(mails) => mails,
        Err(e) => return failure_page(&a.kit, e),
    };
    let main = html! {
        div.pagehead {
            div { h1 { "Mail outbox" } p.sub { "Messages this server would have emailed (it sends no mail itself)." } }
        }
        @for m in &mails {
            div.card {
                h3 { (m.subject) }
                p.hint { "To " (m.to) " · " (when(m.created)) }
                pre.prewrap { (m.body) }
            }
        }
        @if mails.is_empty() { div.card { p.empty { "No mail." } } }
    };
    a.page("/admin/outbox", "", "Mail outbox", main)
        .into_response()
}
