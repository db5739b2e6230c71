//! The company's audit log (`/admin/audit`): sign-ins and their failures, tokens granted and
//! revoked, apps and secrets, people added, enabled, disabled and made administrators, bots
//! and authorized apps; newest first, filtered by event, person and dates, a page at a time;
//! and the same selection downloaded as CSV or JSON (`/admin/audit/export?format=csv|json`).
//! Administrators only (the `Admin` extractor); the rules, the company and the limits are the
//! platform's (`Platform::audit_log`).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use openglip_domain::audit::{AuditEvent, AuditKind, MAX_AUDIT_PAGE};
use openglip_domain::*;
use openglip_platform::audit::AuditQuery;
use openglip_server::AppState;
use openglip_server::extract::Params;
use openglip_webkit::html;
use openglip_webkit::html::{Button, Choice, Field, Pagination, Table, Tone, notice};
use openglip_wire::{AdminAuditEvent, AdminAuditLog};

use super::admin::Admin;
use crate::failure::failure_page;
use crate::words::when;

/// Events per page.
const PAGE: usize = 50;
const COLUMNS: &[&str] = &["Time", "Event", "By", "Target", "Address", "Detail"];

/// An event's name for people.
fn label(kind: AuditKind) -> &'static str {
    match kind {
        AuditKind::SignIn => "Signed in",
        AuditKind::SignInFailed => "Sign-in failed",
        AuditKind::TokenGranted => "Token granted",
        AuditKind::TokenRevoked => "Token revoked",
        AuditKind::AccountCreated => "Company created",
        AuditKind::AppCreated => "App created",
        AuditKind::SecretRotated => "Client secret rotated",
        AuditKind::SecretRevealed => "Client secret shown",
        AuditKind::JwtCreated => "JWT created",
        AuditKind::JwtRevoked => "JWT revoked",
        AuditKind::UserAdded => "User added",
        AuditKind::UserEnabled => "User enabled",
        AuditKind::UserDisabled => "User disabled",
        AuditKind::UserDeleted => "User deleted",
        AuditKind::AdminChanged => "Administrator role changed",
        AuditKind::BotCreated => "Bot created",
        AuditKind::BotInstalled => "Bot installed",
        AuditKind::BotRemoved => "Bot removed",
        AuditKind::IntegrationAdded => "App authorized",
        AuditKind::IntegrationRemoved => "App removed",
    }
}

/// The filters as asked (kept as typed, to show them again and to build links).
struct Asked<'a> {
    kind: &'a str,
    actor: &'a str,
    since: &'a str,
    until: &'a str,
}

impl<'a> Asked<'a> {
    fn from(p: &'a Params) -> Self {
        Asked {
            kind: p.get("kind").unwrap_or(""),
            actor: p.get("actor").unwrap_or(""),
            since: p.get("since").unwrap_or(""),
            until: p.get("until").unwrap_or(""),
        }
    }

    /// The platform's query, or what is wrong with the filters (shown above the form).
    fn query(&self, before: Option<&str>, limit: usize) -> Result<AuditQuery, String> {
        let kinds = match self.kind {
            "" => vec![],
            k => vec![AuditKind::parse(k).ok_or("Choose an event from the list.")?],
        };
        let actor = match self.actor {
            "" => None,
            a => Some(
                a.parse::<ExtensionId>()
                    .map_err(|()| "Choose a person from the list.")?,
            ),
        };
        let day = |d: &str, field: &str| match d {
            "" => Ok(None),
            d => Timestamp::parse(&format!("{d}T00:00:00Z"))
                .map(Some)
                .ok_or_else(|| format!("Enter the {field} date as YYYY-MM-DD.")),
        };
        let since = day(self.since, "from")?;
        // Up to the end of the day given.
        let until = day(self.until, "to")?.map(|t| t.plus_seconds(86_400));
        let before_id = match before {
            None | Some("") => None,
            Some(b) => Some(b.parse::<i64>().map_err(|_| "That page does not exist.")?),
        };
        Ok(AuditQuery {
            kinds,
            actor,
            since,
            until,
            before_id,
            limit,
        })
    }

    /// The query string of these filters (for the next page and the downloads).
    fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                [
                    ("kind", self.kind),
                    ("actor", self.actor),
                    ("since", self.since),
                    ("until", self.until),
                ]
                .into_iter()
                .filter(|(_, v)| !v.is_empty()),
            )
            .finish()
    }
}

/// The names of the company's people, by id.
async fn names(st: &AppState, a: &Admin) -> Result<HashMap<ExtensionId, String>, Error> {
    Ok(st
        .platform()
        .users(&a.ext, None)
        .await?
        .into_iter()
        .map(|e| (e.id, e.full_name()))
        .collect())
}

/// `GET /admin/audit`: the log, newest first, with its filters.
pub async fn list(State(st): State<AppState>, a: Admin, p: Params) -> Response {
    let asked = Asked::from(&p);
    let people = match names(&st, &a).await {
        Ok(n) => n,
        Err(e) => return failure_page(&a.kit, e),
    };
    let (events, problem) = match asked.query(p.get("before"), PAGE + 1) {
        Ok(q) => match st.platform().audit_log(&a.ext, q).await {
            Ok(events) => (events, None),
            Err(e) => return failure_page(&a.kit, e),
        },
        Err(problem) => (vec![], Some(problem)),
    };
    let more = events.len() > PAGE;
    let shown = &events[..events.len().min(PAGE)];
    let filters = asked.query_string();
    let next = (more)
        .then(|| shown.last())
        .flatten()
        .map(|last| format!("/admin/audit?{filters}&before={}", last.id));
    let csv = format!("/admin/audit/export?format=csv&{filters}");
    let json = format!("/admin/audit/export?format=json&{filters}");
    let name_of = |id: Option<ExtensionId>| -> String {
        match id {
            None => "—".into(),
            Some(id) => people
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("Extension {id}")),
        }
    };
    let rows = shown.iter().map(|e| {
        let ev = &e.event;
        html! {
            td { (when(e.at)) }
            td { (label(ev.kind)) }
            td { (name_of(ev.actor_id)) }
            td { (ev.target.as_deref().unwrap_or("—")) }
            td { (ev.address.as_deref().unwrap_or("—")) }
            td { (ev.detail) }
        }
    });
    let kind_choices: Vec<Choice> = std::iter::once(Choice::new("", "All events"))
        .chain(
            AuditKind::ALL
                .iter()
                .map(|k| Choice::new(k.as_str(), label(*k))),
        )
        .collect();
    let mut sorted: Vec<(String, String)> = people
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    sorted.sort_by(|x, y| x.1.cmp(&y.1));
    let people_choices: Vec<Choice> = std::iter::once(Choice::new("", "Anyone"))
        .chain(sorted.iter().map(|(id, n)| Choice::new(id, n)))
        .collect();
    let main = html! {
        div.pagehead {
            div { h1 { "Audit log" } p.sub { "Sign-ins, tokens, apps, people and bots of your company, newest first." } }
        }
        @if let Some(problem) = &problem { (notice(Tone::Bad, html! { (problem) })) }
        div.card {
            form.filters method="get" action="/admin/audit" role="search" {
                (Field::select("kind", "Event", &kind_choices).value(asked.kind))
                (Field::select("actor", "By", &people_choices).value(asked.actor))
                (Field::text("since", "From (YYYY-MM-DD)").value(asked.since).placeholder("2026-01-31"))
                (Field::text("until", "To (YYYY-MM-DD)").value(asked.until).placeholder("2026-12-31"))
                div.actions {
                    (Button::secondary("Filter"))
                    (Button::secondary("Download CSV").link(&csv))
                    (Button::secondary("Download JSON").link(&json))
                }
            }
            (Table::new(COLUMNS).caption("Audit log").rows(rows).empty(html! { "No events match." }))
            (Pagination { previous: None, next: next.as_deref(), position: None })
        }
    };
    a.page("/admin/audit", "", "Audit log", main)
        .into_response()
}

/// `GET /admin/audit/export?format=csv|json&…filters`: the selection (up to the platform's
/// maximum), newest first, as a download.
pub async fn export(State(st): State<AppState>, a: Admin, p: Params) -> Response {
    let asked = Asked::from(&p);
    let format = p.get("format").unwrap_or("csv");
    if !matches!(format, "csv" | "json") {
        return (StatusCode::BAD_REQUEST, "format is csv or json\n").into_response();
    }
    let query = match asked.query(None, MAX_AUDIT_PAGE) {
        Ok(q) => q,
        Err(problem) => return (StatusCode::BAD_REQUEST, format!("{problem}\n")).into_response(),
    };
    let (events, people) = match async {
        let events = st.platform().audit_log(&a.ext, query).await?;
        Ok::<_, Error>((events, names(&st, &a).await?))
    }
    .await
    {
        Ok(found) => found,
        Err(e) => return failure_page(&a.kit, e),
    };
    let records: Vec<AdminAuditEvent> = events.iter().map(|e| wire(e, &people)).collect();
    let (body, content_type) = if format == "json" {
        let body = serde_json::to_string_pretty(&AdminAuditLog { records })
            .unwrap_or_else(|_| "{\"records\":[]}".into());
        (body, "application/json")
    } else {
        (csv(&records), "text/csv; charset=utf-8")
    };
    let disposition = format!("attachment; filename=\"audit-log.{format}\"");
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

fn wire(e: &AuditEvent, people: &HashMap<ExtensionId, String>) -> AdminAuditEvent {
    let ev = &e.event;
    AdminAuditEvent {
        id: e.id.to_string(),
        time: e.at.to_rfc3339(),
        event: ev.kind.as_str().to_string(),
        actor_id: ev.actor_id.map(|a| a.to_string()),
        actor_name: ev.actor_id.and_then(|a| people.get(&a).cloned()),
        app_id: ev.app_id.map(|a| a.to_string()),
        target: ev.target.clone(),
        address: ev.address.clone(),
        detail: ev.detail.clone(),
    }
}

/// RFC 4180 CSV with a header row. A cell that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`, so a name typed into
/// a form cannot become a formula in the administrator's spreadsheet.
fn csv(records: &[AdminAuditEvent]) -> String {
    let mut out = String::from("id,time,event,actorId,actorName,appId,target,address,detail\r\n");
    for r in records {
        let cells = [
            r.id.as_str(),
            &r.time,
            &r.event,
            r.actor_id.as_deref().unwrap_or(""),
            r.actor_name.as_deref().unwrap_or(""),
            r.app_id.as_deref().unwrap_or(""),
            r.target.as_deref().unwrap_or(""),
            r.address.as_deref().unwrap_or(""),
            &r.detail,
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            cell(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out
}

fn cell(out: &mut String, value: &str) {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !formula && !value.contains([',', '"', '\n', '\r']) {
        out.push_str(value);
        return;
    }
    out.push('"');
    if formula {
        out.push('\'');
    }
    out.push_str(&value.replace('"', "\"\""));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> String {
        let mut out = String::new();
        cell(&mut out, s);
        out
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(one("plain"), "plain");
        assert_eq!(one("a,b"), "\"a,b\"");
        assert_eq!(one("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(one("two\nlines"), "\"two\nlines\"");
        assert_eq!(one("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(one("-1"), "\"'-1\"");
    }
}
