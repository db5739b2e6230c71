//! The stylesheet and script every page of every app loads, embedded in the binary and served
//! at [`STYLESHEET`] and [`SCRIPT`], revalidated with an `ETag` ([`asset`]).
//!
//! `openglip.css` styles the chrome and every component of [`crate::html`] with classes (pages
//! carry no `style=` attributes: the content security policy refuses them). `openglip.js` adds
//! what needs a script, and every page works without it: copy buttons, secret reveal, dialogs
//! and the confirmation before a dangerous form is sent.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Where the stylesheet is served.
pub const STYLESHEET: &str = "/assets/openglip.css";
/// Where the script is served.
pub const SCRIPT: &str = "/assets/openglip.js";

/// The stylesheet.
pub const CSS: &str = include_str!("../assets/openglip.css");
/// The script.
pub const JS: &str = include_str!("../assets/openglip.js");

/// The routes of the stylesheet and the script (installed by [`crate::Kit::apply`]; the
/// platform merges them itself).
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            STYLESHEET,
            get(|h: HeaderMap| async move { asset(&h, "text/css; charset=utf-8", CSS.as_bytes()) }),
        )
        .route(
            SCRIPT,
            get(|h: HeaderMap| async move {
                asset(&h, "text/javascript; charset=utf-8", JS.as_bytes())
            }),
        )
}

/// An embedded file. It changes only with the binary, so browsers keep it but ask each time
/// (`no-cache` with an `ETag` from its content): `304 Not Modified` on `If-None-Match` until
/// the app is upgraded.
pub fn asset(headers: &HeaderMap, content_type: &'static str, body: &'static [u8]) -> Response {
    let tag = etag(body);
    let fresh = headers.get(header::IF_NONE_MATCH).is_some_and(|v| {
        v.as_bytes()
            .split(|b| *b == b',')
            .any(|t| t.trim_ascii() == tag.as_bytes() || t.trim_ascii() == b"*")
    });
    let mut resp = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::ETAG, tag);
    resp
}

/// The quoted tag of an embedded file: the first 8 bytes of its SHA-256, in hex (computed once
/// per file).
fn etag(body: &'static [u8]) -> HeaderValue {
    static TAGS: LazyLock<Mutex<HashMap<(usize, usize), HeaderValue>>> =
        LazyLock::new(Default::default);
    TAGS.lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((body.as_ptr() as usize, body.len()))
        .or_insert_with(|| {
            let d = crate::token::sha256(&[body]);
            let hex: String = d[..8].iter().map(|b| format!("{b:02x}")).collect();
            HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_answer_304_to_their_etag() {
        let first = asset(&HeaderMap::new(), "text/css", CSS.as_bytes());
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()["cache-control"], "no-cache");
        let tag = first.headers()["etag"].clone();
        assert_eq!(tag.len(), 18, "a quoted 16-digit hex tag");

        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, tag.clone());
        let again = asset(&h, "text/css", CSS.as_bytes());
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(again.headers()["etag"], tag);

        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", \"y\""),
        );
        assert_eq!(
            asset(&h, "text/css", CSS.as_bytes()).status(),
            StatusCode::OK
        );
        let js = asset(&HeaderMap::new(), "text/javascript", JS.as_bytes());
        assert_ne!(js.headers()["etag"], tag, "each file its own tag");
    }

    #[test]
    fn long_values_wrap_between_words_not_inside_them() {
        // `break-all` split "Team Messaging" into "Team Messag" / "ing" in the console's
        // permission list; `overflow-wrap: anywhere` breaks a word only when it alone is too
        // wide (a long URL or secret).
        assert!(!CSS.contains("break-all"));
        assert!(CSS.contains("dl.kv dd { margin: 0; overflow-wrap: anywhere; }"));
    }

    #[test]
    fn the_stylesheet_styles_every_component() {
        for class in [
            ".topbar",
            ".side",
            ".authcard",
            ".field",
            ".choices",
            ".notice",
            ".pill",
            ".btn",
            ".secret",
            ".breadcrumbs",
            ".pagination",
            "dialog",
            ".icon",
            ".error-summary",
            ".vh",
            ".mt",
            ".envtag",
        ] {
            assert!(CSS.contains(class), "{class} is not styled");
        }
    }
}
