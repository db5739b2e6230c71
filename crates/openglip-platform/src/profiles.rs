//! A person's profile as the REST API changes it (`PUT …/extension/{id}` and its profile image),
//! as bots rename themselves and set their avatar, and as apps read and set a person's time
//! zone, language and formatting locale (`regionalSettings`): the person themselves, or an administrator of their
//! account, may change it.

use openglip_domain::platform::ExtensionPatch;
use openglip_domain::regional::{FORMATTING_LOCALE_PARAMETER, LANGUAGE_PARAMETER, parse_language};
use openglip_domain::validate;
use openglip_domain::*;

use crate::Platform;

/// The largest profile image accepted, in bytes.
pub const MAX_PROFILE_IMAGE: usize = 1024 * 1024;

/// Contact changes (`contact.firstName`, `contact.lastName`, `contact.email`) and the time
/// zone (`regionalSettings.timezone.id`, an IANA name); `None` keeps.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub time_zone: Option<String>,
    /// `regionalSettings.language.id` and `formattingLocale.id`: RingCentral's language ids
    /// (`openglip_domain::regional`).
    pub language: Option<String>,
    pub formatting_locale: Option<String>,
}

/// The parameter a time zone is read from.
pub const TIME_ZONE_PARAMETER: &str = "regionalSettings.timezone.id";

/// Checks a time zone name against the time zone database: `Europe/Berlin` (returned as the
/// database spells it), never an offset or an abbreviation.
pub fn time_zone(name: &str) -> Result<String> {
    let name = name.trim();
    let refuse = || {
        Error::invalid_because(
            TIME_ZONE_PARAMETER,
            format!(
                "Parameter [{TIME_ZONE_PARAMETER}] value is invalid: [{name}] is not an IANA time zone such as Europe/Berlin"
            ),
        )
    };
    if name.is_empty() || name.len() > 64 {
        return Err(refuse());
    }
    let zone = jiff::tz::TimeZone::get(name).map_err(|_| refuse())?;
    zone.iana_name().map(str::to_string).ok_or_else(refuse)
}

/// What an image's first bytes say it is (PNG, JPEG, GIF or WebP); anything else is refused:
/// the type served with the image is this one, never what the upload claimed.
pub fn image_type(bytes: &[u8]) -> Result<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Ok("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Ok("image/webp")
    } else {
        Err(Error::invalid_because(
            "image",
            "Parameter [image] value is invalid: a PNG, JPEG, GIF or WebP image is expected",
        )
        .for_people("Choose a PNG, JPEG, GIF or WebP picture."))
    }
}

/// Whether `caller` may change `ext`: themselves, or an administrator of its account.
pub fn may_edit(caller: &Caller, ext: &Extension) -> Result<()> {
    if ext.id == caller.extension_id || (caller.is_admin && ext.account_id == caller.account_id) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "Only the extension itself or an administrator can change it",
        ))
    }
}

impl Platform {
    /// Applies contact changes to `ext` (records `ExtensionUpdated`).
    pub async fn update_profile(
        &self,
        caller: &Caller,
        ext: &Extension,
        changes: ProfileChanges,
    ) -> Result<Extension> {
        may_edit(caller, ext)?;
        let mut patch = ExtensionPatch::default();
        if let Some(f) = changes.first_name {
            patch.first_name = Some(validate::name("contact.firstName", &f, validate::MAX_NAME)?);
        }
        if let Some(l) = changes.last_name {
            patch.last_name = Some(validate::text(
                "contact.lastName",
                l.trim(),
                validate::MAX_NAME,
            )?);
        }
        if let Some(e) = changes.email {
            patch.email = Some(validate::email("contact.email", &e)?);
        }
        if let Some(tz) = changes.time_zone {
            patch.time_zone = Some(time_zone(&tz)?);
        }
        if let Some(l) = changes.language {
            patch.language = Some(parse_language(LANGUAGE_PARAMETER, &l)?.id.to_string());
        }
        if let Some(l) = changes.formatting_locale {
            let param = FORMATTING_LOCALE_PARAMETER;
            patch.formatting_locale = Some(parse_language(param, &l)?.id.to_string());
        }
        self.store.platform().update_extension(ext.id, patch).await
    }

    /// Stores `ext`'s profile image (`content_type` as sniffed from the bytes) served at `uri`,
    /// and points the avatar there (records `ExtensionUpdated`).
    pub async fn set_profile_image(
        &self,
        caller: &Caller,
        ext: &Extension,
        content_type: &str,
        bytes: Vec<u8>,
        uri: String,
    ) -> Result<Extension> {
        may_edit(caller, ext)?;
        if bytes.is_empty() {
            return Err(Error::MissingParameter("image".into()));
        }
        if bytes.len() > MAX_PROFILE_IMAGE {
            return Err(Error::PayloadTooLarge(MAX_PROFILE_IMAGE));
        }
        self.store
            .platform()
            .set_profile_image(ext.id, content_type.to_string(), bytes, uri)
            .await
    }

    /// An uploaded profile image for `ext`, checked (not empty, at most
    /// [`MAX_PROFILE_IMAGE`], a PNG, JPEG, GIF or WebP by its bytes) and stored, served at `uri`.
    pub async fn upload_profile_image(
        &self,
        caller: &Caller,
        ext: &Extension,
        bytes: Vec<u8>,
        uri: String,
    ) -> Result<Extension> {
        may_edit(caller, ext)?;
        if bytes.is_empty() {
            return Err(Error::MissingParameter("image".into()));
        }
        if bytes.len() > MAX_PROFILE_IMAGE {
            return Err(Error::PayloadTooLarge(MAX_PROFILE_IMAGE));
        }
        let kind = image_type(&bytes)?;
        self.set_profile_image(caller, ext, kind, bytes, uri).await
    }

    /// The profile image of an extension: (content type, bytes).
    pub async fn profile_image(&self, ext: ExtensionId) -> Result<Option<(String, Vec<u8>)>> {
        self.store.platform().profile_image(ext).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(id: i64, account: i64) -> Extension {
        Extension {
            id: ExtensionId(id),
            account_id: AccountId(account),
            kind: ExtensionType::User,
            status: ExtensionStatus::Enabled,
            first_name: "A".into(),
            last_name: String::new(),
            email: None,
            extension_number: "101".into(),
            is_admin: false,
            avatar: None,
            time_zone: None,
            language: None,
            formatting_locale: None,
            created: Timestamp(0),
            modified: Timestamp(0),
        }
    }

    fn caller(id: i64, account: i64, admin: bool) -> Caller {
        Caller {
            account_id: AccountId(account),
            extension_id: ExtensionId(id),
            extension_type: ExtensionType::User,
            is_admin: admin,
            app_id: AppId(1),
            client_id: "c".into(),
            permissions: PermissionSet::empty(),
        }
    }

    #[test]
    fn people_change_themselves_and_administrators_their_company() {
        assert!(may_edit(&caller(1, 1, false), &ext(1, 1)).is_ok());
        assert!(may_edit(&caller(2, 1, false), &ext(1, 1)).is_err());
        assert!(may_edit(&caller(2, 1, true), &ext(1, 1)).is_ok());
        assert!(may_edit(&caller(2, 9, true), &ext(1, 1)).is_err());
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(time_zone("Europe/Berlin").unwrap(), "Europe/Berlin");
        assert_eq!(time_zone(" Asia/Tokyo ").unwrap(), "Asia/Tokyo");
        for bad in ["", "Mars/Olympus", "+02:00", "CEST", "../../etc/passwd"] {
            let e = time_zone(bad).unwrap_err();
            assert!(
                matches!(&e, Error::InvalidParameter { name, .. } if name == TIME_ZONE_PARAMETER),
                "{bad:?}: {e:?}"
            );
        }
    }
}
