//! The languages of a person's regional settings (RingCentral's `regionalSettings.language` and
//! `formattingLocale`): the ones openglip knows, by RingCentral's ids (Windows locale
//! identifiers, as RingCentral's language dictionary numbers them), each with its locale code
//! and name. A person's choice is kept and answered, and the web client offers it on the
//! profile page; openglip's own pages are in English whatever it says.

use crate::error::{Error, Result};

/// A language as `regionalSettings` names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// RingCentral's id (`"1033"`).
    pub id: &'static str,
    pub locale_code: &'static str,
    pub name: &'static str,
}

const fn lang(id: &'static str, locale_code: &'static str, name: &'static str) -> Language {
    Language {
        id,
        locale_code,
        name,
    }
}

/// The languages offered, as RingCentral numbers them.
pub const LANGUAGES: &[Language] = &[
    lang("1033", "en-US", "English (United States)"),
    lang("2057", "en-GB", "English (United Kingdom)"),
    lang("3084", "fr-CA", "French (Canada)"),
    lang("1036", "fr-FR", "French (France)"),
    lang("1031", "de-DE", "German (Germany)"),
    lang("1040", "it-IT", "Italian (Italy)"),
    lang("3082", "es-ES", "Spanish (Spain)"),
    lang("58378", "es-419", "Spanish (Latin America)"),
    lang("1046", "pt-BR", "Portuguese (Brazil)"),
    lang("2070", "pt-PT", "Portuguese (Portugal)"),
    lang("1043", "nl-NL", "Dutch (Netherlands)"),
    lang("1041", "ja-JP", "Japanese (Japan)"),
    lang("1042", "ko-KR", "Korean (Korea)"),
    lang("2052", "zh-CN", "Chinese (Simplified)"),
    lang("1028", "zh-TW", "Chinese (Traditional)"),
];

/// The parameter a language is read from.
pub const LANGUAGE_PARAMETER: &str = "regionalSettings.language.id";
/// The parameter a formatting locale is read from.
pub const FORMATTING_LOCALE_PARAMETER: &str = "regionalSettings.formattingLocale.id";

/// The language of `id`, if openglip knows it.
pub fn language(id: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.id == id)
}

/// Reads a language id for `param` (also a locale code, `en-GB`, which the web client's
/// select does not need but people typing into the API may send).
pub fn parse_language(param: &str, raw: &str) -> Result<&'static Language> {
    let raw = raw.trim();
    LANGUAGES
        .iter()
        .find(|l| l.id == raw || l.locale_code.eq_ignore_ascii_case(raw))
        .ok_or_else(|| {
            Error::invalid_because(
                param,
                format!("Parameter [{param}] value is invalid: [{raw}] is not a language openglip knows (1033 for English (United States), …)"),
            )
            .for_people("Choose one of the languages listed.")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_read_by_id_or_locale_code() {
        assert_eq!(
            parse_language(LANGUAGE_PARAMETER, "2057")
                .unwrap()
                .locale_code,
            "en-GB"
        );
        assert_eq!(
            parse_language(LANGUAGE_PARAMETER, " fr-ca ").unwrap().id,
            "3084"
        );
        let e = parse_language(LANGUAGE_PARAMETER, "Klingon").unwrap_err();
        assert_eq!(e.fields().unwrap()[0].name, LANGUAGE_PARAMETER);
        assert!(language("9999").is_none());
        let mut ids: Vec<&str> = LANGUAGES.iter().map(|l| l.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), LANGUAGES.len(), "ids are unique");
    }
}
