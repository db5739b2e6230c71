//! The company directory: `GET /restapi/v1.0/account/{accountId}/extension` (RingCentral's
//! numbered pages, with type and status filters) and a person's regional settings (their time
//! zone, `regionalSettings.timezone`), changed with `PUT …/extension/{extensionId}`.

use reqwest::Method;

use openglip_wire::{
    ExtensionInfo, ExtensionList, ExtensionUpdateRequest, RegionalSettingsRequest, TimezoneRequest,
};

use crate::api::seg;
use crate::client::{Body, Client, to_value};
use crate::error::Result;

/// Which extensions a directory page holds: RingCentral's `type` and `status` values (empty:
/// all), the page (from 1) and its size (1–1000; the server's default of 100 when `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryQuery {
    pub types: Vec<String>,
    pub statuses: Vec<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl DirectoryQuery {
    /// Enabled people (`type=User&status=Enabled`): whom a person picker offers.
    pub fn people() -> DirectoryQuery {
        DirectoryQuery {
            types: vec!["User".into()],
            statuses: vec!["Enabled".into()],
            ..Default::default()
        }
    }

    fn pairs(&self) -> Vec<(String, String)> {
        let mut q: Vec<(String, String)> = Vec::new();
        q.extend(self.types.iter().map(|t| ("type".into(), t.clone())));
        q.extend(self.statuses.iter().map(|s| ("status".into(), s.clone())));
        q.extend(self.page.map(|p| ("page".into(), p.to_string())));
        q.extend(self.per_page.map(|p| ("perPage".into(), p.to_string())));
        q
    }
}

/// The most pages [`Client::directory`] reads (a million people at the largest page size).
const MAX_PAGES: u32 = 1000;

impl Client {
    /// `GET /restapi/v1.0/account/{accountId}/extension`: one page (`~`: the caller's company).
    pub async fn list_extensions(
        &self,
        account_id: &str,
        query: &DirectoryQuery,
    ) -> Result<ExtensionList> {
        let path = format!("/restapi/v1.0/account/{}/extension", seg(account_id));
        self.call(Method::GET, &path, &query.pairs(), Body::None)
            .await
    }

    /// Every extension of the caller's company that `query` names, page after page (the
    /// query's own `page` is ignored).
    pub async fn directory(&self, query: &DirectoryQuery) -> Result<Vec<ExtensionInfo>> {
        let mut all = Vec::new();
        let mut q = DirectoryQuery {
            per_page: query.per_page.or(Some(1000)),
            ..query.clone()
        };
        for page in 1..=MAX_PAGES {
            q.page = Some(page);
            let list = self.list_extensions("~", &q).await?;
            all.extend(list.records);
            if page >= list.paging.total_pages {
                break;
            }
        }
        Ok(all)
    }

    /// `PUT /restapi/v1.0/account/{accountId}/extension/{extensionId}`.
    pub async fn update_extension(
        &self,
        account_id: &str,
        extension_id: &str,
        req: &ExtensionUpdateRequest,
    ) -> Result<ExtensionInfo> {
        let path = format!(
            "/restapi/v1.0/account/{}/extension/{}",
            seg(account_id),
            seg(extension_id)
        );
        self.call(Method::PUT, &path, &[], Body::Json(to_value(req)?))
            .await
    }

    /// Sets a person's time zone (an IANA name, `Europe/Berlin`): `regionalSettings.timezone`
    /// of their extension (`~`: the caller).
    pub async fn set_time_zone(&self, extension_id: &str, zone: &str) -> Result<ExtensionInfo> {
        let req = ExtensionUpdateRequest {
            regional_settings: Some(RegionalSettingsRequest {
                timezone: Some(TimezoneRequest { id: zone.into() }),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.update_extension("~", extension_id, &req).await
    }
}
