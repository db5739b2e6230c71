//! A small cookie-keeping HTTP client that drives the web pages like a browser does (without
//! following redirects, so tests can read them), and the authorization-code flow through the
//! sign-in and Access Request pages.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;
use sha2::Digest;

use crate::helpers::*;

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    /// The value of a hidden (or any) input, by name.
    pub fn input(&self, name: &str) -> String {
        input_value(&self.body, name)
            .unwrap_or_else(|| panic!("no input {name} in:\n{}", self.body))
    }
    pub fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    let at = html.find(&needle)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = html[at..].find('>')? + at;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')? + v;
    Some(unescape(&tag[v..end]))
}

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

/// A browser: keeps cookies, never follows redirects.
pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            base: app.base.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Mutex::new(HashMap::new()),
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn forget(&self, name: &str) {
        self.cookies.lock().unwrap().remove(name);
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&self, r: reqwest::Response) -> Page {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let set_cookies: Vec<String> = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        for c in &set_cookies {
            let first = c.split(';').next().unwrap();
            if let Some((k, v)) = first.split_once('=') {
                let mut jar = self.cookies.lock().unwrap();
                if v.is_empty() || c.contains("Max-Age=0") {
                    jar.remove(k);
                } else {
                    jar.insert(k.to_string(), v.to_string());
                }
            }
        }
        let body = r.text().await.unwrap_or_default();
        Page {
            status,
            location,
            set_cookies,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let r = self
            .http
            .get(self.url(path))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.finish(r).await
    }

    /// Posts a form; `_csrf` is added from the cookie unless the fields name it.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "_csrf") {
            form.push(("_csrf".into(), self.cookie("og_csrf").unwrap_or_default()));
        }
        let r = self
            .http
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .header("origin", self.base.clone())
            .form(&form)
            .send()
            .await
            .expect("POST");
        self.finish(r).await
    }
}

impl Browser {
    /// What the web client's script sends: a form post with `X-CSRF-Token` (from the cookie).
    pub async fn fetch_post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let r = self
            .http
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .header("origin", self.base.clone())
            .header("x-csrf-token", self.cookie("og_csrf").unwrap_or_default())
            .form(fields)
            .send()
            .await
            .expect("POST");
        self.finish(r).await
    }

    /// A GET as the web client's script sends it, with the response's `X-More` header.
    pub async fn fetch_get(&self, path: &str) -> (Page, Option<String>) {
        let r = self
            .http
            .get(self.url(path))
            .header(COOKIE, self.cookie_header())
            .header("x-requested-with", "fetch")
            .send()
            .await
            .expect("GET");
        let more = r
            .headers()
            .get("x-more")
            .map(|v| v.to_str().unwrap().to_string());
        (self.finish(r).await, more)
    }
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

/// Runs the browser part of the authorization-code flow: the authorize URL, the sign-in page
/// (skipped when the browser is signed in already), the Access Request page, Authorize.
/// Returns the final redirect (to the client's redirect URI).
pub async fn authorize(b: &Browser, query: &str, login: &str, password: &str) -> String {
    let p = b.get(&format!("/restapi/oauth/authorize?{query}")).await;
    assert_eq!(p.status, 200, "authorize: {}", p.body);
    let consent_url = if p.has("name=\"password\"") {
        let q = p.input("q");
        let s = b
            .post(
                "/oauth/signin",
                &[("q", &q), ("login", login), ("password", password)],
            )
            .await;
        assert_eq!(s.status, 303, "sign-in: {}", s.body);
        s.location.unwrap()
    } else {
        // "Continue as …"
        let start = p
            .body
            .find("href=\"/oauth/consent?")
            .expect("continue link")
            + 6;
        let end = p.body[start..].find('"').unwrap() + start;
        unescape(&p.body[start..end])
    };
    let c = b.get(&consent_url).await;
    assert_eq!(c.status, 200, "consent: {}", c.body);
    assert!(c.has("Access Request"), "{}", c.body);
    let q = c.input("q");
    let d = b
        .post("/oauth/consent", &[("q", &q), ("decision", "allow")])
        .await;
    assert_eq!(d.status, 303, "authorize: {}", d.body);
    d.location.unwrap()
}

/// `POST /restapi/oauth/token` with a form and optional Basic credentials; (status, JSON).
pub async fn token(app: &TestApp, client: Option<&Client>, form: &[(&str, &str)]) -> (u16, Value) {
    let mut rb = app.http.post(app.url("/restapi/oauth/token")).form(form);
    if let Some(c) = client {
        rb = rb.basic_auth(&c.client_id, c.secret.as_deref());
    }
    send(rb).await
}
