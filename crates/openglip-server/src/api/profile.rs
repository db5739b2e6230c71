//! Changing an extension, as bots rename themselves and set their avatar and people their time
//! zone: `PUT /restapi/v1.0/account/~/extension/~` with `{"contact":{"firstName":…}}` or
//! `{"regionalSettings":{"timezone":{"id":"Europe/Berlin"},"language":{"id":"2057"}}}` (records
//! `ExtensionUpdated`, delivered to `/restapi/v1.0/account/~/extension/~` subscribers), and
//! `PUT|POST …/extension/~/profile-image` with a multipart field `image` (or a bare image body);
//! `GET …/profile-image` serves it.

use axum::Extension as Ext;
use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use openglip_domain::{Caller, Error, Extension, Subject};
use openglip_platform::profiles::{ProfileChanges, may_edit};
use openglip_wire::{ExtensionInfo, ExtensionUpdateRequest};

use super::{P, account_id, base_url, extension_id};
use crate::AppState;
use crate::convert;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, body_bytes};

/// The extension named in the path (`~` is the caller, and its account).
async fn found(st: &AppState, c: &Caller, account: &str, id: &str) -> ApiResult<Extension> {
    let account = account_id(c, account, Subject::Account)?;
    let id = extension_id(c, id, Subject::Extension)?;
    Ok(st.service().extension(c, account, id).await?)
}

/// The extension the caller may change: themselves, or (administrators) anyone of the account.
async fn editable(st: &AppState, c: &Caller, account: &str, id: &str) -> ApiResult<Extension> {
    let ext = found(st, c, account, id).await?;
    may_edit(c, &ext)?;
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
    let regional = body.regional_settings.unwrap_or_default();
    let changes = ProfileChanges {
        first_name: contact.first_name,
        last_name: contact.last_name,
        email: contact.email,
        time_zone: regional.timezone.map(|t| t.id),
        language: regional.language.map(|l| l.id),
        formatting_locale: regional.formatting_locale.map(|l| l.id),
    };
    let updated = st.platform().update_profile(&c, &ext, changes).await?;
    let account = st.service().account(&c, c.account_id).await?;
    Ok(Json(convert::extension_info(
        &updated,
        &account,
        &base_url(&st, &headers),
    )))
}

/// The uploaded image: the `image` part of a `multipart/form-data` body (read with axum's
/// `Multipart`), or else the whole body. A multipart body without a readable `image` part is
/// `CMN-100` naming `image`; a body over the server's limit is 413.
pub struct ImageUpload(pub Bytes);

fn missing_image() -> ApiError {
    ApiError(Error::MissingParameter("image".into()))
}

impl<S: Send + Sync> FromRequest<S> for ImageUpload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/form-data"));
        if !multipart {
            return body_bytes(req, state).await.map(ImageUpload);
        }
        let unreadable = |e: MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError(Error::PayloadTooLarge(crate::BODY_LIMIT))
            } else {
                missing_image()
            }
        };
        // Only a missing or bad boundary is rejected here.
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|_| missing_image())?;
        while let Some(field) = form.next_field().await.map_err(unreadable)? {
            if field.name() == Some("image") {
                return field.bytes().await.map(ImageUpload).map_err(unreadable);
            }
        }
        Err(missing_image())
    }
}

pub async fn upload(
    State(st): State<AppState>,
    Ext(c): Ext<Caller>,
    headers: HeaderMap,
    P((account_id, extension_id)): P<(String, String)>,
    ImageUpload(bytes): ImageUpload,
) -> ApiResult<Response> {
    let ext = editable(&st, &c, &account_id, &extension_id).await?;
    let uri = format!(
        "{}/restapi/v1.0/account/{}/extension/{}/profile-image",
        base_url(&st, &headers),
        ext.account_id,
        ext.id
    );
    st.platform()
        .upload_profile_image(&c, &ext, bytes.to_vec(), uri)
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

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\nDATA";

    async fn upload(content_type: &str, body: Vec<u8>) -> Result<Bytes, ApiError> {
        let req = axum::http::Request::builder()
            .method("PUT")
            .header(header::CONTENT_TYPE, content_type)
            .body(axum::body::Body::from(body))
            .unwrap();
        ImageUpload::from_request(req, &()).await.map(|u| u.0)
    }

    fn form(boundary: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, data) in parts {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"f\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        body
    }

    fn code(r: Result<Bytes, ApiError>) -> &'static str {
        crate::error::status_and_code(&r.unwrap_err().0).1
    }

    #[tokio::test]
    async fn finds_the_image_part() {
        let body = form("XyZ", &[("other", b"hello"), ("image", PNG)]);
        let data = upload("multipart/form-data; boundary=XyZ", body.clone())
            .await
            .unwrap();
        assert_eq!(&data[..], PNG);
        assert_eq!(
            openglip_platform::profiles::image_type(&data).unwrap(),
            "image/png"
        );
        // A quoted boundary is the same boundary.
        let quoted = upload("multipart/form-data; boundary=\"XyZ\"", body).await;
        assert_eq!(&quoted.unwrap()[..], PNG);
    }

    #[tokio::test]
    async fn a_bare_body_is_the_image() {
        assert_eq!(&upload("image/png", PNG.to_vec()).await.unwrap()[..], PNG);
    }

    #[tokio::test]
    async fn a_form_without_a_readable_image_part_misses_image() {
        let other = form("Q", &[("other", b"hello")]);
        assert_eq!(
            code(upload("multipart/form-data; boundary=Q", other).await),
            "CMN-100"
        );
        // Another boundary than the body's, and none at all.
        let body = form("XyZ", &[("image", PNG)]);
        assert_eq!(
            code(upload("multipart/form-data; boundary=Q", body.clone()).await),
            "CMN-100"
        );
        assert_eq!(code(upload("multipart/form-data", body).await), "CMN-100");
        // A part that never ends.
        let cut = b"--Q\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n\x89PNG".to_vec();
        assert_eq!(
            code(upload("multipart/form-data; boundary=Q", cut).await),
            "CMN-100"
        );
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_413() {
        let big = vec![0u8; crate::BODY_LIMIT + 1];
        let r = upload(
            "multipart/form-data; boundary=Q",
            form("Q", &[("image", &big)]),
        )
        .await;
        assert!(matches!(
            r.unwrap_err().0,
            Error::PayloadTooLarge(crate::BODY_LIMIT)
        ));
        let r = upload("image/png", big).await;
        assert!(matches!(
            r.unwrap_err().0,
            Error::PayloadTooLarge(crate::BODY_LIMIT)
        ));
    }
}
