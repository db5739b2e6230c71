use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /restapi` — the API versions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiVersionsInfo {
    pub uri: String,
    pub api_versions: Vec<ApiVersionInfo>,
    pub server_version: String,
    pub server_revision: String,
}

/// `GET /restapi/v1.0`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiVersionInfo {
    pub uri: String,
    pub version_string: String,
    pub release_date: String,
    pub uri_string: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfoBrand {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountServiceInfo {
    pub uri: String,
    pub brand: ServiceInfoBrand,
}

/// `GET /restapi/v1.0/account/{accountId}`. `id` is a JSON integer here.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    pub id: i64,
    pub uri: String,
    pub main_number: String,
    pub status: String,
    pub service_info: AccountServiceInfo,
    pub setup_wizard_state: String,
    pub creation_time: String,
    pub company_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactInfo {
    pub first_name: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct AccountRef {
    pub id: String,
    pub uri: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceFeature {
    pub feature_name: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Enabled {
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionPermissions {
    pub admin: Enabled,
    pub international_calling: Enabled,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct ProfileImage {
    pub uri: String,
}

/// `GET /restapi/v1.0/account/{accountId}/extension/{extensionId}`. `id` is a JSON integer here.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionInfo {
    pub id: i64,
    pub uri: String,
    pub extension_number: String,
    pub name: String,
    /// `User` or `Bot`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `Enabled`, `NotActivated` or `Disabled`.
    pub status: String,
    pub contact: ContactInfo,
    pub account: AccountRef,
    pub permissions: ExtensionPermissions,
    pub profile_image: ProfileImage,
    pub service_features: Vec<ServiceFeature>,
    /// The person's regional settings: `timezone`, `language` and `formattingLocale`, those
    /// that have been set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional_settings: Option<RegionalSettings>,
    pub creation_time: String,
}

/// `regionalSettings` of an extension (RingCentral's `RegionalSettings`): openglip keeps the
/// time zone, the language and the formatting locale.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionalSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<TimezoneInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<RegionalLanguageInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatting_locale: Option<RegionalLanguageInfo>,
}

/// A language (RingCentral's `RegionalLanguageInfo`, and `FormattingLocaleInfo` of the same
/// shape): its id in RingCentral's dictionary (`"1033"`), locale code (`en-US`) and name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionalLanguageInfo {
    pub id: String,
    pub locale_code: String,
    pub name: String,
}

/// A time zone (RingCentral's `TimezoneInfoBase`). On openglip `id` and `name` are both the
/// IANA name (`Europe/Berlin`); `bias` is its offset from UTC now, in minutes (`"60"`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimezoneInfo {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias: Option<String>,
}

/// `GET /restapi/v1.0/account/{accountId}/extension` (RingCentral's `GetExtensionListResponse`):
/// one page of the company's extensions, numbered pages of `perPage`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionList {
    pub uri: String,
    pub records: Vec<ExtensionInfo>,
    pub paging: EnumeratedPaging,
    pub navigation: PageNavigation,
}

/// Where a numbered page is (RingCentral's `EnumeratedPagingModel`). `page`, `pageStart` and
/// `pageEnd` are left out of an empty page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnumeratedPaging {
    pub per_page: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_start: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_end: Option<u32>,
    pub total_pages: u32,
    pub total_elements: u32,
}

/// Links to the other pages (RingCentral's `PageNavigationModel`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageNavigation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_page: Option<PageUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page: Option<PageUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_page: Option<PageUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_page: Option<PageUri>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct PageUri {
    pub uri: String,
}

/// Team-messaging person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonInfo {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    pub company_id: String,
    pub creation_time: String,
    pub last_modified_time: String,
}

/// Team-messaging company.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompanyInfo {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    pub creation_time: String,
    pub last_modified_time: String,
}

/// `contact` of [`ExtensionUpdateRequest`]: the fields an extension may change about itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactUpdateRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `PUT /restapi/v1.0/account/{accountId}/extension/{extensionId}` (`ExtensionUpdateRequest`),
/// as bots rename themselves: `{"contact": {"firstName": "…"}}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionUpdateRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactUpdateRequest>,
    /// `{"timezone": {"id": "Europe/Berlin"}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional_settings: Option<RegionalSettingsRequest>,
}

/// `regionalSettings` of [`ExtensionUpdateRequest`] (RingCentral's
/// `ExtensionRegionalSettingRequest`): openglip keeps the time zone, the language and the
/// formatting locale.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionalSettingsRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<TimezoneRequest>,
    /// `{"id": "2057"}` (RingCentral's `ExtensionLanguageInfoRequest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<LanguageRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatting_locale: Option<LanguageRequest>,
}

/// A language by its `id` in RingCentral's dictionary (`"1033"`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct LanguageRequest {
    pub id: String,
}

/// A time zone by its `id`: on openglip the IANA name (`America/New_York`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct TimezoneRequest {
    pub id: String,
}
