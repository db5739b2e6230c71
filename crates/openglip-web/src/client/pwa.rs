//! The web client's static parts and what makes it installable: its stylesheet and script, the
//! web app manifest, the icons, the service worker and the offline page it falls back to.
//!
//! - `GET /assets/client.css`, `GET /assets/client.js`: embedded, revalidated by `ETag`.
//! - `GET /manifest.webmanifest`: name, colours, start URL and icons (`no-cache`).
//! - `GET /assets/icons/…` and `GET /favicon.ico`: the icons, drawn by `scripts/make-icons.py`
//!   and embedded here (cached for a day).
//! - `GET /sw.js`: the service worker (`assets/sw.js`). It keeps the offline page and the static
//!   assets, never pages or API answers (they hold personal data). Its cache name carries a
//!   digest of everything it keeps, so an upgraded server installs a fresh worker and cache.
//! - `GET /offline`: the page shown when a page cannot be loaded; it goes back by itself when
//!   the server answers again (`assets/offline.js`).
//!
//! Client pages put [`head_tags`] in their `<head>`.

use std::sync::LazyLock;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use openglip_webkit::assets::asset;
use openglip_webkit::html::{Document, auth_card};
use openglip_webkit::{Kit, Page};
use sha2::{Digest, Sha256};

use openglip_server::AppState;

/// The brand colour (`--brand` in `openglip.css`): the icon's square and the browser's chrome.
pub const THEME_COLOR: &str = "#0a63d6";
/// The page background (`--bg` in `openglip.css`): the splash screen while the app starts.
pub const BACKGROUND_COLOR: &str = "#f4f6f9";

const CLIENT_JS: &str = include_str!("../assets/client.js");
const CLIENT_CSS: &str = include_str!("../assets/client.css");
const SW_JS: &str = include_str!("../assets/sw.js");
const OFFLINE_JS: &str = include_str!("../assets/offline.js");
const ICON_SVG: &str = include_str!("../assets/icons/icon.svg");
const ICON_192: &[u8] = include_bytes!("../assets/icons/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../assets/icons/icon-512.png");
const ICON_MASKABLE_512: &[u8] = include_bytes!("../assets/icons/icon-maskable-512.png");

/// Where `sw.js` says which build it belongs to.
const BUILD_PLACEHOLDER: &str = "__OPENGLIP_BUILD__";

const ICON_CACHE: &str = "public, max-age=86400";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/client.js", get(client_js))
        .route("/assets/client.css", get(client_css))
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
        .route("/offline", get(offline))
        .route("/assets/offline.js", get(offline_js))
        .route("/assets/icons/icon.svg", get(icon_svg))
        .route("/assets/icons/icon-192.png", get(icon_192))
        .route("/assets/icons/icon-512.png", get(icon_512))
        .route(
            "/assets/icons/icon-maskable-512.png",
            get(icon_maskable_512),
        )
        .route("/favicon.ico", get(icon_192))
}

/// The tags a client page's `<head>` needs to be installable: the manifest, the colour of the
/// browser's chrome and the icons.
pub fn head_tags() -> Markup {
    html! {
        link rel="manifest" href="/manifest.webmanifest";
        meta name="theme-color" content=(THEME_COLOR);
        link rel="icon" href="/assets/icons/icon.svg" type="image/svg+xml";
        link rel="apple-touch-icon" href="/assets/icons/icon-192.png";
        meta name="mobile-web-app-capable" content="yes";
    }
}

// ------------------------------------------------------------------- stylesheet and script

async fn client_js(headers: axum::http::HeaderMap) -> Response {
    asset(
        &headers,
        "text/javascript; charset=utf-8",
        CLIENT_JS.as_bytes(),
    )
}

async fn client_css(headers: axum::http::HeaderMap) -> Response {
    asset(&headers, "text/css; charset=utf-8", CLIENT_CSS.as_bytes())
}

// ---------------------------------------------------------------------------------- manifest

/// The web app manifest (W3C Web Application Manifest).
pub fn manifest_json() -> serde_json::Value {
    serde_json::json!({
        "id": "/",
        "name": "openglip",
        "short_name": "openglip",
        "description": "Team messaging on your own server: direct messages, teams and bots.",
        "lang": "en",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "categories": ["business", "productivity", "social"],
        "icons": [
            { "src": "/assets/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any" },
            { "src": "/assets/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any" },
            { "src": "/assets/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable" },
            { "src": "/assets/icons/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any" },
        ],
    })
}

async fn manifest() -> Response {
    static BODY: LazyLock<String> = LazyLock::new(|| manifest_json().to_string());
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        BODY.as_str(),
    )
        .into_response()
}

// ------------------------------------------------------------------------------------- icons

fn icon(ct: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, ICON_CACHE),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

async fn icon_svg() -> Response {
    icon("image/svg+xml", ICON_SVG.as_bytes())
}

async fn icon_192() -> Response {
    icon("image/png", ICON_192)
}

async fn icon_512() -> Response {
    icon("image/png", ICON_512)
}

async fn icon_maskable_512() -> Response {
    icon("image/png", ICON_MASKABLE_512)
}

// ---------------------------------------------------------------------------- service worker

/// The service worker as served: its cache name names this build (a digest of every file it
/// keeps and of the worker itself), so that a server with other assets installs a new worker,
/// which fetches them afresh and drops the old cache.
fn service_worker_js() -> &'static str {
    static BODY: LazyLock<String> = LazyLock::new(|| {
        let mut d = Sha256::new();
        for part in [
            SW_JS.as_bytes(),
            CLIENT_CSS.as_bytes(),
            CLIENT_JS.as_bytes(),
            openglip_webkit::assets::CSS.as_bytes(),
            openglip_webkit::assets::JS.as_bytes(),
            OFFLINE_JS.as_bytes(),
            offline_document(&crate::sessions::platform_kit(None))
                .0
                .as_bytes(),
            ICON_SVG.as_bytes(),
            ICON_192,
        ] {
            d.update((part.len() as u64).to_be_bytes());
            d.update(part);
        }
        let build: String = d.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        SW_JS.replace(BUILD_PLACEHOLDER, &build)
    });
    &BODY
}

async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::HeaderName::from_static("service-worker-allowed"),
                "/",
            ),
        ],
        service_worker_js(),
    )
        .into_response()
}

// ------------------------------------------------------------------------------ offline page

/// The offline shell: the same for everyone (it is kept by the service worker), no personal data.
fn offline_document(kit: &Kit) -> Markup {
    let card = auth_card(
        kit,
        html! {
            h1 { "You're offline" }
            p.sub { "openglip will reconnect when your network is back." }
            p { a.btn.primary href="/" { "Try again" } }
        },
    );
    Document::new(kit, "Offline")
        .body_class("offline-page")
        .script("/assets/offline.js")
        .render(card)
}

async fn offline(kit: Kit) -> Page {
    Page::new(offline_document(&kit))
}

async fn offline_js(headers: axum::http::HeaderMap) -> Response {
    openglip_webkit::assets::asset(
        &headers,
        "text/javascript; charset=utf-8",
        OFFLINE_JS.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Width and height from a PNG's IHDR chunk.
    fn png_size(png: &[u8]) -> (u32, u32) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
        assert_eq!(&png[12..16], b"IHDR");
        let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        (be(16), be(20))
    }

    #[test]
    fn icons_have_the_sizes_the_manifest_states() {
        let m = manifest_json();
        let icons = m["icons"].as_array().unwrap();
        for i in icons {
            let src = i["src"].as_str().unwrap();
            let sizes = i["sizes"].as_str().unwrap();
            let bytes = match src {
                "/assets/icons/icon-192.png" => ICON_192,
                "/assets/icons/icon-512.png" => ICON_512,
                "/assets/icons/icon-maskable-512.png" => ICON_MASKABLE_512,
                "/assets/icons/icon.svg" => {
                    assert_eq!(sizes, "any");
                    assert!(ICON_SVG.starts_with("<svg"));
                    assert!(ICON_SVG.contains(THEME_COLOR));
                    continue;
                }
                other => panic!("unknown icon {other}"),
            };
            let (w, h) = png_size(bytes);
            assert_eq!(format!("{w}x{h}"), sizes, "{src}");
        }
        assert!(icons.iter().any(|i| i["purpose"] == "maskable"));
    }

    #[test]
    fn head_tags_name_the_manifest_and_the_theme_colour() {
        let t = head_tags().into_string();
        assert!(t.contains("href=\"/manifest.webmanifest\""));
        assert!(t.contains(&format!("content=\"{THEME_COLOR}\"")));
        assert!(t.contains("rel=\"apple-touch-icon\""));
    }

    #[test]
    fn the_worker_is_stamped_with_the_build() {
        let js = service_worker_js();
        assert!(!js.contains(BUILD_PLACEHOLDER));
        let stamp = js
            .split("const BUILD = '")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .unwrap();
        assert_eq!(stamp.len(), 12);
        assert!(stamp.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn the_worker_keeps_only_the_shell_and_static_assets() {
        let list = SW_JS
            .split("const STATIC = [")
            .nth(1)
            .and_then(|s| s.split("];").next())
            .unwrap();
        for path in list.split(',').map(|p| p.trim().trim_matches('\'')) {
            if path.is_empty() {
                continue;
            }
            assert!(path.starts_with("/assets/"), "{path}");
        }
        assert!(SW_JS.contains("const OFFLINE = '/offline';"));
    }

    #[test]
    fn the_offline_page_has_no_inline_script_or_style() {
        let doc = offline_document(&crate::sessions::platform_kit(None)).into_string();
        assert!(doc.contains("You're offline"));
        assert!(!doc.contains("style=\""));
        assert!(!doc.contains("<style"));
        for tag in doc.split("<script").skip(1) {
            assert!(
                tag.trim_start().starts_with("src=\""),
                "inline script: {tag}"
            );
        }
    }
}
