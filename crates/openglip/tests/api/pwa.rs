//! The installable web app: the manifest and the icons it names, the service worker and the
//! offline page.

use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::Value;

use crate::helpers::*;

async fn fetch(app: &TestApp, path: &str) -> reqwest::Response {
    let r = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status().as_u16(), 200, "GET {path}");
    r
}

fn header(r: &reqwest::Response, name: impl reqwest::header::AsHeaderName) -> &str {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

/// Width and height from a PNG's IHDR chunk (after checking the signature and chunk type).
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.len() > 33, "too short for a PNG");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&png[8..12], &[0, 0, 0, 13], "IHDR length");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[tokio::test]
async fn manifest_names_the_app_and_icons_that_are_served() {
    let app = spawn_app().await;
    let r = fetch(&app, "/manifest.webmanifest").await;
    assert_eq!(header(&r, CONTENT_TYPE), "application/manifest+json");
    assert_eq!(header(&r, CACHE_CONTROL), "no-cache");
    let m: Value = serde_json::from_str(&r.text().await.unwrap()).expect("manifest is JSON");

    assert_eq!(m["name"], "openglip");
    assert_eq!(m["short_name"], "openglip");
    assert!(m["description"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(m["id"], "/");
    assert_eq!(m["start_url"], "/");
    assert_eq!(m["scope"], "/");
    assert_eq!(m["display"], "standalone");
    for colour in ["background_color", "theme_color"] {
        let c = m[colour].as_str().unwrap();
        assert!(
            c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit()),
            "{colour}: {c}"
        );
    }
    assert_eq!(m["theme_color"], "#0a63d6", "the brand colour");

    let icons = m["icons"].as_array().expect("icons");
    let mut seen = vec![];
    for icon in icons {
        let src = icon["src"].as_str().unwrap();
        let kind = icon["type"].as_str().unwrap();
        let sizes = icon["sizes"].as_str().unwrap();
        let purpose = icon["purpose"].as_str().unwrap();
        assert!(src.starts_with("/assets/icons/"), "{src}");
        let r = fetch(&app, src).await;
        assert_eq!(header(&r, CONTENT_TYPE), kind, "{src}");
        assert_eq!(header(&r, CACHE_CONTROL), "public, max-age=86400", "{src}");
        let body = r.bytes().await.unwrap();
        match kind {
            "image/png" => {
                let (w, h) = png_size(&body);
                assert_eq!(format!("{w}x{h}"), sizes, "{src}");
            }
            "image/svg+xml" => {
                assert_eq!(sizes, "any");
                let text = std::str::from_utf8(&body).unwrap();
                assert!(text.starts_with("<svg"), "{text}");
                assert!(!text.contains("<script"), "{text}");
            }
            other => panic!("unexpected icon type {other}"),
        }
        seen.push((kind.to_string(), sizes.to_string(), purpose.to_string()));
    }
    for want in [
        ("image/png", "192x192", "any"),
        ("image/png", "512x512", "any"),
        ("image/png", "512x512", "maskable"),
        ("image/svg+xml", "any", "any"),
    ] {
        assert!(
            seen.iter()
                .any(|(k, s, p)| (k.as_str(), s.as_str(), p.as_str()) == want),
            "missing icon {want:?} in {seen:?}"
        );
    }
}

#[tokio::test]
async fn favicon_is_the_app_icon() {
    let app = spawn_app().await;
    let r = fetch(&app, "/favicon.ico").await;
    assert_eq!(header(&r, CONTENT_TYPE), "image/png");
    assert_eq!(header(&r, CACHE_CONTROL), "public, max-age=86400");
    assert_eq!(png_size(&r.bytes().await.unwrap()), (192, 192));
}

#[tokio::test]
async fn service_worker_is_served_for_the_whole_site() {
    let app = spawn_app().await;
    let r = fetch(&app, "/sw.js").await;
    assert!(
        header(&r, CONTENT_TYPE).starts_with("text/javascript"),
        "{:?}",
        r.headers()
    );
    assert_eq!(header(&r, CACHE_CONTROL), "no-cache");
    assert_eq!(header(&r, "service-worker-allowed"), "/");
    let js = r.text().await.unwrap();
    assert!(js.contains("'/offline'"), "{js}");
    assert!(js.contains("notificationclick"));
    assert!(
        !js.contains("__OPENGLIP_BUILD__"),
        "the cache name names the build"
    );
    // What it keeps is the shell and static assets only: it never names personal routes.
    for personal in ["'/c/", "'/app/", "'/restapi", "'/ws"] {
        assert!(!js.contains(personal), "{personal} in the worker");
    }
    // The same worker on every load (browsers compare its bytes to decide on an update).
    let again = fetch(&app, "/sw.js").await.text().await.unwrap();
    assert_eq!(js, again);

    // Everything it precaches is there (install tolerates a missing one, but there is none).
    let list = js
        .split("const STATIC = [")
        .nth(1)
        .and_then(|s| s.split("];").next())
        .expect("the STATIC list");
    let paths: Vec<&str> = list
        .split(',')
        .map(|p| p.trim().trim_matches('\''))
        .filter(|p| !p.is_empty())
        .collect();
    assert!(paths.contains(&"/assets/client.js"), "{paths:?}");
    for p in paths {
        fetch(&app, p).await;
    }
}

#[tokio::test]
async fn offline_page_is_a_hardened_page_without_inline_code() {
    let app = spawn_app().await;
    let r = fetch(&app, "/offline").await;
    assert!(header(&r, CONTENT_TYPE).starts_with("text/html"));
    let csp = header(&r, CONTENT_SECURITY_POLICY).to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(r.headers().get("set-cookie").is_none(), "no cookies");
    let body = r.text().await.unwrap();
    assert!(body.to_ascii_lowercase().starts_with("<!doctype html>"));
    assert!(body.contains("openglip"));
    assert!(body.contains("You're offline"), "{body}");
    assert!(body.contains("openglip will reconnect when your network is back"));
    assert!(body.contains("href=\"/\">Try again</a>"), "{body}");
    assert!(!body.contains("<style") && !body.contains("style=\""));
    for tag in body.split("<script").skip(1) {
        assert!(
            tag.trim_start().starts_with("src=\""),
            "inline script: {tag}"
        );
    }
    let js = fetch(&app, "/assets/offline.js").await;
    assert!(header(&js, CONTENT_TYPE).starts_with("text/javascript"));
    assert!(js.text().await.unwrap().contains("'online'"));
}
