//! The authorization-code flow through the sign-in and Access Request pages (with the
//! testkit's `Browser`), PKCE, and URL helpers.

#![allow(dead_code)]

use base64::Engine;
use serde_json::Value;
use sha2::Digest;

pub use openglip_testkit::{Browser, unescape};

use crate::helpers::*;

/// A query parameter of a URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    url_params(q)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub fn url_params(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A PKCE pair (verifier, S256 challenge).
pub fn pkce() -> (String, String) {
    let verifier = format!(
        "{}{}",
        openglip_server::secrets::new_token(),
        "-pkce.verifier~"
    );
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Runs the browser part of the authorization-code flow for the authorize `query` (see
/// [`Browser::authorize`]). Returns the final redirect (to the client's redirect URI).
pub async fn authorize(b: &Browser, query: &str, login: &str, password: &str) -> String {
    b.authorize(
        &format!("/restapi/oauth/authorize?{query}"),
        login,
        password,
    )
    .await
}

/// `POST /restapi/oauth/token` with a form and optional Basic credentials; (status, JSON).
pub async fn token(app: &TestApp, client: Option<&Client>, form: &[(&str, &str)]) -> (u16, Value) {
    let mut rb = app.http.post(app.url("/restapi/oauth/token")).form(form);
    if let Some(c) = client {
        rb = rb.basic_auth(&c.client_id, c.secret.as_deref());
    }
    send(rb).await
}
