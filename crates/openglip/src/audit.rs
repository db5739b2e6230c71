//! `openglip admin audit`: the operator's view of the audit log — every company's events and
//! those of none (a failed sign-in under a login nobody has, a reused refresh token), newest
//! first, filtered, one JSON object per event.

use openglip_domain::audit::{AuditFilter, AuditKind};
use openglip_domain::{AccountId, Timestamp};
use serde_json::json;

use crate::{DataDir, data_dir, open, words};

/// What `admin audit` was asked.
pub struct Asked {
    pub account_id: Option<i64>,
    pub kind: Option<String>,
    pub since: Option<String>,
    pub limit: usize,
    pub data: DataDir,
}

pub async fn run(a: Asked) -> Result<serde_json::Value, String> {
    let kinds = match a.kind.as_deref() {
        None => vec![],
        Some(k) => vec![AuditKind::parse(k).ok_or_else(|| {
            let known: Vec<&str> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("--kind {k:?} is none of {}", known.join(", "))
        })?],
    };
    let since = match a.since.as_deref() {
        None => None,
        Some(s) => Some(
            Timestamp::parse(s)
                .or_else(|| Timestamp::parse(&format!("{s}T00:00:00Z")))
                .ok_or_else(|| {
                    format!("--since {s:?} is not a date (YYYY-MM-DD) or an RFC 3339 time")
                })?,
        ),
    };
    let st = open(&a.data, data_dir::Use::Existing, Default::default())?;
    let events = st
        .platform()
        .operator_audit_log(AuditFilter {
            account_id: a.account_id.map(AccountId),
            kinds,
            since,
            limit: a.limit,
            ..Default::default()
        })
        .await
        .map_err(|e| words(&e))?;
    Ok(json!({
        "records": events.iter().map(|e| json!({
            "id": e.id,
            "time": e.at.to_rfc3339(),
            "event": e.event.kind.as_str(),
            "accountId": e.event.account_id.map(|a| a.to_string()),
            "actorId": e.event.actor_id.map(|a| a.to_string()),
            "appId": e.event.app_id.map(|a| a.to_string()),
            "target": e.event.target,
            "address": e.event.address,
            "detail": e.event.detail,
        })).collect::<Vec<_>>(),
    }))
}
