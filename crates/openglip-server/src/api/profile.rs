//! Changing an extension, as bots rename themselves and set their avatar:
//! `PUT /restapi/v1.0/account/~/extension/~` with `{"contact":{"firstName":…}}` (records
//! `ExtensionUpdated`, delivered to `/restapi/v1.0/account/~/extension/~` subscribers), and
//! `PUT|POST …/extension/~/profile-image` with a multipart field `image` (or a bare image body);
//! `GET …/profile-image` serves it.

use axum::Extension as Ext;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use openglip_domain::platform::ExtensionPatch;
use openglip_domain::{Caller, Error, Extension, Subject, validate};
use openglip_wire::{ExtensionInfo, ExtensionUpdateRequest};

use super::{P, account_id, base_url, extension_id};
use crate::AppState;
use crate::convert;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;

/// The largest profile image accepted.
pub const MAX_IMAGE: usize = 1024 * 1024;

/// The extension named in the path (`~` is the caller, and its account).
async fn found(st: &AppState, c: &Caller, account: &str, id: &str) -> ApiResult<Extension> {
    let account = account_id(c, account, Subject::Account)?;
    let id = extension_id(c, id, Subject::Extension)?;
    Ok(st.service().extension(c, account, id).await?)
}

/// The extension the caller may change: themselves, or (administrators) anyone of the account.
async fn editable(st: &AppState, c: &Caller, account: &str, id: &str) -> ApiResult<Extension> {
    let ext = found(st, c, account, id).await?;
    if ext.id != c.extension_id && !c.is_admin {
        return Err(ApiError(Error::forbidden(
            "Only the extension itself or an administrator can change it",
        )));
    }
    Ok(ext)
}

pub async fn update(
    State(st): State<AppState>,
    Ext(c): Ext<Caller>,
    headers: HeaderMap,
    P((account_id, extension_id)): P<(String, String)>,
    JsonBody(body): JsonBody<ExtensionUpdateRequest>,
) -> ApiResult<Json<ExtensionInfo>> {
    let ext = editable(&st, &c, &account_id, &extension_id).await?;
    let contact = body.contact.unwrap_or_default();
    let mut patch = ExtensionPatch::default();
    if let Some(f) = contact.first_name {
        patch.first_name = Some(validate::name("contact.firstName", &f, validate::MAX_NAME)?);
    }
    if let Some(l) = contact.last_name {
        patch.last_name = Some(validate::text(
            "contact.lastName",
            l.trim(),
            validate::MAX_NAME,
        )?);
    }
    if let Some(e) = contact.email {
        patch.email = Some(validate::email("contact.email", &e)?);
    }
    let updated = st
        .store()
        .platform()
        .update_extension(ext.id, patch)
        .await?;
    let account = st.service().account(&c, c.account_id).await?;
    Ok(Json(convert::extension_info(
        &updated,
        &account,
        &base_url(&st, &headers),
    )))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The `image` part of a `multipart/form-data` body: (content type, bytes).
pub fn multipart_image(content_type: &str, body: &[u8]) -> Option<(String, Vec<u8>)> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    let delim = format!("--{boundary}");
    let mut rest = body;
    loop {
        let start = find(rest, delim.as_bytes())?;
        rest = &rest[start + delim.len()..];
        if rest.starts_with(b"--") {
            return None;
        }
        let rest_part = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let head_end = find(rest_part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&rest_part[..head_end]).to_string();
        let data = &rest_part[head_end + 4..];
        let end = find(data, format!("\r\n{delim}").as_bytes())?;
        let mut name = None;
        let mut ct = "application/octet-stream".to_string();
        for line in head.lines() {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                name = line.split(';').map(str::trim).find_map(|p| {
                    p.strip_prefix("name=")
                        .map(|n| n.trim_matches('"').to_string())
                });
            } else if let Some(v) = lower.strip_prefix("content-type:") {
                ct = v.trim().to_string();
            }
        }
        if name.as_deref() == Some("image") {
            return Some((ct, data[..end].to_vec()));
        }
        rest = &data[end..];
    }
}

/// What an image's first bytes say it is.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

pub async fn upload(
    State(st): State<AppState>,
    Ext(c): Ext<Caller>,
    headers: HeaderMap,
    P((account_id, extension_id)): P<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let ext = editable(&st, &c, &account_id, &extension_id).await?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = if ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        multipart_image(&ct, &body)
            .map(|(_, b)| b)
            .ok_or_else(|| ApiError(Error::MissingParameter("image".into())))?
    } else {
        body.to_vec()
    };
    if bytes.is_empty() {
        return Err(ApiError(Error::MissingParameter("image".into())));
    }
    if bytes.len() > MAX_IMAGE {
        return Err(ApiError(Error::PayloadTooLarge(MAX_IMAGE)));
    }
    let kind = sniff(&bytes).ok_or_else(|| {
        ApiError(Error::invalid_because(
            "image",
            "Parameter [image] value is invalid: a PNG, JPEG, GIF or WebP image is expected",
        ))
    })?;
    let uri = format!(
        "{}/restapi/v1.0/account/{}/extension/{}/profile-image",
        base_url(&st, &headers),
        ext.account_id,
        ext.id
    );
    st.store()
        .platform()
        .set_profile_image(ext.id, kind.to_string(), bytes, uri)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn image(
    State(st): State<AppState>,
    Ext(c): Ext<Caller>,
    P((account_id, extension_id)): P<(String, String)>,
) -> ApiResult<Response> {
    let ext = found(&st, &c, &account_id, &extension_id).await?;
    let (ct, bytes) = st
        .store()
        .platform()
        .profile_image(ext.id)
        .await?
        .ok_or(ApiError(Error::NotFound(Subject::ProfileImage)))?;
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "private, max-age=60".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_image_part() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nDATA\r\n--XyZ--\r\n";
        let (ct, data) = multipart_image("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(ct, "image/png");
        assert_eq!(data, b"\x89PNG\r\n\x1a\nDATA");
        assert_eq!(sniff(&data), Some("image/png"));
        assert!(multipart_image("multipart/form-data; boundary=Q", body).is_none());
    }
}
