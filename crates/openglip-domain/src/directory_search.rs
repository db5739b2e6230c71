//! The company directory's search (`POST …/account/{accountId}/directory/entries/search`):
//! the enabled people and bots of the caller's company whose chosen fields contain the search
//! string (case-insensitively), of one extension type if asked, sorted by the fields asked
//! (by last then first name otherwise), one numbered page at a time.
//!
//! openglip keeps no phone numbers, job titles or departments: those fields are accepted and
//! match nothing. There is no federation: only the caller's company is searched.

use std::cmp::Ordering;

use crate::error::{Error, Result, Subject};
use crate::ids::*;
use crate::model::*;
use crate::service::Service;

/// The fields RingCentral searches and sorts by (`searchFields`, `orderBy[].fieldName`).
pub const FIELDS: [&str; 7] = [
    "firstName",
    "lastName",
    "extensionNumber",
    "phoneNumber",
    "email",
    "jobTitle",
    "department",
];

/// The extension types of the request's `extensionType` (RingCentral's list).
pub const EXTENSION_TYPES: [&str; 15] = [
    "User",
    "Department",
    "Announcement",
    "Voicemail",
    "SharedLinesGroup",
    "PagingOnly",
    "ParkLocation",
    "IvrMenu",
    "Limited",
    "ApplicationExtension",
    "Site",
    "Bot",
    "ProxyAdmin",
    "DelegatedLinesGroup",
    "GroupCallPickup",
];

/// Entries per page when the request names none, and at most.
pub const PER_PAGE: u32 = 100;
pub const MAX_PER_PAGE: u32 = 2000;

/// A search as the request asks for it (checked by [`Service::search_directory`]).
#[derive(Debug, Clone, Default)]
pub struct DirectorySearch {
    pub search_string: Option<String>,
    pub search_fields: Option<Vec<String>>,
    pub extension_type: Option<String>,
    /// (field, descending), most significant first.
    pub order_by: Vec<(String, bool)>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// One page of a search.
#[derive(Debug, Clone)]
pub struct DirectoryPage {
    pub entries: Vec<Extension>,
    pub page: u32,
    pub per_page: u32,
    pub total: u32,
}

fn field<'a>(e: &'a Extension, name: &str) -> Option<&'a str> {
    match name {
        "firstName" => Some(&e.first_name),
        "lastName" => Some(&e.last_name),
        "extensionNumber" => Some(&e.extension_number),
        "email" => e.email.as_deref(),
        _ => None,
    }
}

fn known_field(param: &str, name: &str) -> Result<()> {
    if FIELDS.contains(&name) {
        Ok(())
    } else {
        Err(Error::invalid_because(
            param,
            format!(
                "Parameter [{param}] value is invalid: it must be one of {}.",
                FIELDS.join(", ")
            ),
        ))
    }
}

fn count(param: &str, v: Option<i64>, default: u32, max: u32) -> Result<u32> {
    match v {
        None => Ok(default),
        Some(n) if (1..=i64::from(max)).contains(&n) => Ok(n as u32),
        Some(_) => Err(Error::OutOfRange {
            name: param.into(),
            min: 1,
            max: i64::from(max),
        }),
    }
}

impl Service {
    /// Searches the directory of the company `account` (the caller's; another is not found).
    pub async fn search_directory(
        &self,
        caller: &Caller,
        account: AccountId,
        search: DirectorySearch,
    ) -> Result<DirectoryPage> {
        if account != caller.account_id {
            return Err(Error::NotFound(Subject::Account));
        }
        let fields: Vec<String> = match search.search_fields {
            Some(f) if !f.is_empty() => f,
            _ => FIELDS.iter().map(|f| f.to_string()).collect(),
        };
        for (i, f) in fields.iter().enumerate() {
            known_field(&format!("searchFields[{i}]"), f)?;
        }
        for (i, (f, _)) in search.order_by.iter().enumerate() {
            known_field(&format!("orderBy[{i}].fieldName"), f)?;
        }
        if let Some(t) = &search.extension_type
            && !EXTENSION_TYPES.contains(&t.as_str())
        {
            return Err(Error::invalid("extensionType"));
        }
        let page = count("page", search.page, 1, u32::MAX)?;
        let per_page = count("perPage", search.per_page, PER_PAGE, MAX_PER_PAGE)?;
        let needle = search
            .search_string
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase);

        let mut all = self
            .store()
            .platform()
            .account_extensions(caller.account_id, None)
            .await?;
        all.retain(|e| {
            e.status == ExtensionStatus::Enabled
                && search
                    .extension_type
                    .as_deref()
                    .is_none_or(|t| t == e.kind.as_str())
                && needle.as_deref().is_none_or(|n| {
                    fields
                        .iter()
                        .filter_map(|f| field(e, f))
                        .any(|v| v.to_lowercase().contains(n))
                })
        });
        let order: Vec<(String, bool)> = if search.order_by.is_empty() {
            vec![("lastName".into(), false), ("firstName".into(), false)]
        } else {
            search.order_by
        };
        all.sort_by(|a, b| {
            order
                .iter()
                .map(|(f, desc)| {
                    let key = |e: &Extension| field(e, f).unwrap_or("").to_lowercase();
                    let o = key(a).cmp(&key(b));
                    if *desc { o.reverse() } else { o }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or_else(|| a.id.cmp(&b.id))
        });
        let total = u32::try_from(all.len()).unwrap_or(u32::MAX);
        let start = (u64::from(page) - 1) * u64::from(per_page);
        let entries = all
            .into_iter()
            .skip(usize::try_from(start).unwrap_or(usize::MAX))
            .take(per_page as usize)
            .collect();
        Ok(DirectoryPage {
            entries,
            page,
            per_page,
            total,
        })
    }
}
