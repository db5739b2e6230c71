//! The person's own profile (`/me`): their name, time zone and language, and their picture; and
//! people's pictures for the client's pages (`/app/avatar/{id}`, colleagues only). The rules are
//! the platform's, as the REST API applies them (`PUT …/extension/~`, `PUT …/profile-image`):
//! the name is required, the time zone is an IANA name, the language one of
//! `openglip_domain::regional`'s, the picture a PNG, JPEG, GIF or WebP (by its bytes, whatever
//! the browser said) of at most 1 MiB.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use maud::{Markup, html};
use openglip_domain::regional::{LANGUAGE_PARAMETER, LANGUAGES};
use openglip_domain::*;
use openglip_platform::profiles::{MAX_PROFILE_IMAGE, ProfileChanges};
use openglip_webkit::html::{Choice, Field, FormErrors};
use openglip_webkit::see_other;

use super::directory::{head, own_page};
use super::layout::{Answer, page, page_with_status};
use super::visit::{Action, UPLOAD_FIELD, Upload, Viewer};
use crate::initials;
use openglip_server::AppState;
use openglip_server::api::base_url;
use openglip_server::extract::Params;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(profile_page).post(save_profile))
        .route("/me/picture", post(save_picture))
        .route("/app/avatar/{id}", get(avatar))
}

/// The form fields and the API parameters the platform names in its errors.
const FIELDS: [(&str, &str); 4] = [
    ("first_name", "contact.firstName"),
    ("last_name", "contact.lastName"),
    ("time_zone", "regionalSettings.timezone.id"),
    ("language", LANGUAGE_PARAMETER),
];

/// A person's picture, or their initials: `/app/avatar/{id}` with the time of their last change,
/// so that a new picture is fetched at once.
pub fn avatar_of(e: &Extension, class: &str) -> Markup {
    let name = e.full_name();
    html! {
        @if e.avatar.is_some() {
            img class={ "av " (class) } src={ "/app/avatar/" (e.id) "?v=" (e.modified.millis()) } alt="";
        } @else {
            span class={ "av " (class) } aria-hidden="true" { (initials(&name)) }
        }
    }
}

/// The profile page: what was posted and its errors, if any, else the person as they are.
async fn body(
    st: &AppState,
    v: &Viewer,
    posted: Option<&Params>,
    errors: &FormErrors,
    notice: Option<&str>,
) -> Result<Markup> {
    let value = |field: &str, current: &str| -> String {
        posted
            .map(|p| p.get(field).unwrap_or("").to_string())
            .unwrap_or_else(|| current.to_string())
    };
    // "Not set" first: a person who never chose keeps none (the API leaves it out).
    let languages: Vec<Choice> = std::iter::once(Choice::new("", "Not set"))
        .chain(LANGUAGES.iter().map(|l| Choice::new(l.id, l.name)))
        .collect();
    let language = value("language", v.ext.language.as_deref().unwrap_or(""));
    let pane = html! {
        (head("Your profile", "How your colleagues see you", html! {}))
        div.details.profile {
            @if let Some(n) = notice { p.notice.ok role="status" { (n) } }
            div.profile-picture {
                (avatar_of(&v.ext, "large"))
                form.stack method="post" action="/me/picture" enctype="multipart/form-data" novalidate {
                    (v.csrf.field())
                    @let error = errors.get(UPLOAD_FIELD);
                    div.field.invalid[error.is_some()] {
                        label for="f-image" { "Picture" }
                        input #f-image type="file" name=(UPLOAD_FIELD)
                            accept="image/png,image/jpeg,image/gif,image/webp"
                            aria-invalid=[error.map(|_| "true")]
                            aria-describedby=(if error.is_some() { "f-image-hint f-image-err" } else { "f-image-hint" });
                        span.hint #f-image-hint { "A PNG, JPEG, GIF or WebP image of at most 1 MB" }
                        @if let Some(e) = error { span.error #f-image-err role="alert" { (e) } }
                    }
                    button.btn type="submit" { "Upload picture" }
                }
            }
            form.stack.card method="post" action="/me" novalidate {
                (v.csrf.field())
                (Field::text("first_name", "First name")
                    .value(&value("first_name", &v.ext.first_name))
                    .required()
                    .error(errors.get("first_name")))
                (Field::text("last_name", "Last name")
                    .value(&value("last_name", &v.ext.last_name))
                    .error(errors.get("last_name")))
                (Field::text("time_zone", "Time zone")
                    .value(&value("time_zone", v.ext.time_zone.as_deref().unwrap_or("")))
                    .hint("Where you are, such as Europe/Berlin or America/New_York")
                    .error(errors.get("time_zone")))
                (Field::select("language", "Language", &languages)
                    .value(&language)
                    .hint("Your language, as apps read it from your regional settings")
                    .error(errors.get("language")))
                p.muted { "E-mail: " (v.ext.email.as_deref().unwrap_or("none")) " · Extension " (v.ext.extension_number) }
                button.btn.primary type="submit" { "Save" }
            }
        }
    };
    own_page(st, v, pane).await
}

/// `GET /me` (`saved=1` after a change).
async fn profile_page(State(st): State<AppState>, v: Viewer, q: Params) -> Answer {
    let notice = q
        .get("saved")
        .map(|_| "Saved: your colleagues see the change.");
    let body = body(&st, &v, None, &FormErrors::new(), notice).await?;
    Ok(page("Your profile", body))
}

/// The form's errors, from the platform's (named by API parameter) or a form it cannot fix.
fn form_errors(e: &Error) -> Option<FormErrors> {
    let fields = e.fields()?;
    let mut out = FormErrors::new();
    for f in fields {
        let name = FIELDS
            .iter()
            .find(|(_, api)| *api == f.name)
            .map_or(f.name.as_str(), |(form, _)| form);
        out.add(name, f.message);
    }
    Some(out)
}

/// `POST /me` (`first_name`, `last_name`, `time_zone`, `language`; an empty time zone or
/// language keeps it).
async fn save_profile(State(st): State<AppState>, Action { v, form }: Action) -> Answer {
    let zone = form
        .get("time_zone")
        .map(str::trim)
        .filter(|z| !z.is_empty());
    let changes = ProfileChanges {
        first_name: Some(form.get("first_name").unwrap_or("").to_string()),
        last_name: Some(form.get("last_name").unwrap_or("").to_string()),
        email: None,
        time_zone: zone.map(str::to_string),
        language: form
            .get("language")
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string),
        formatting_locale: None,
    };
    match st
        .platform()
        .update_profile(&v.caller, &v.ext, changes)
        .await
    {
        Ok(_) => Ok(see_other("/me?saved=1")),
        Err(e) => match form_errors(&e) {
            Some(errors) => {
                let body = body(&st, &v, Some(&form), &errors, None).await?;
                Ok(page_with_status(
                    StatusCode::BAD_REQUEST,
                    "Your profile",
                    body,
                ))
            }
            None => Err(e.into()),
        },
    }
}

/// `POST /me/picture` (`multipart/form-data`: `image`, `_csrf`).
async fn save_picture(
    State(st): State<AppState>,
    headers: HeaderMap,
    Upload { v, file }: Upload,
) -> Answer {
    let uri = format!(
        "{}/restapi/v1.0/account/{}/extension/{}/profile-image",
        base_url(&st, &headers),
        v.ext.account_id,
        v.ext.id
    );
    let e = match st
        .platform()
        .upload_profile_image(&v.caller, &v.ext, file, uri)
        .await
    {
        Ok(_) => return Ok(see_other("/me?saved=1")),
        Err(e) => e,
    };
    let errors = match &e {
        Error::PayloadTooLarge(_) => {
            let mut out = FormErrors::new();
            out.add(
                UPLOAD_FIELD,
                format!(
                    "This picture is larger than {} MB: choose a smaller one.",
                    MAX_PROFILE_IMAGE / (1024 * 1024)
                ),
            );
            out
        }
        other => match form_errors(other) {
            Some(errors) => errors,
            None => return Err(e.into()),
        },
    };
    let body = body(&st, &v, None, &errors, None).await?;
    Ok(page_with_status(
        StatusCode::BAD_REQUEST,
        "Your profile",
        body,
    ))
}

/// `GET /app/avatar/{id}`: a colleague's picture (404 when they have none or are not one), as
/// the type its bytes say, never sniffed by the browser.
async fn avatar(State(st): State<AppState>, v: Viewer, Path(id): Path<String>) -> Answer {
    let id = openglip_server::error::id(Subject::Extension, &id)?;
    let person = st.service().person(&v.caller, id).await?;
    let (kind, bytes) = st
        .platform()
        .profile_image(person.id)
        .await?
        .ok_or(Error::NotFound(Subject::ProfileImage))?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(kind) = HeaderValue::from_str(&kind) {
        h.insert(header::CONTENT_TYPE, kind);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(resp)
}
