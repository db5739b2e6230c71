//! Just enough of a browser for the server's pages: it keeps cookies, posts forms with their
//! CSRF token, never follows redirects (so tests can read them), and runs the browser part of
//! the authorization-code flow.

use std::collections::HashMap;
use std::sync::Mutex;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::TestApp;

/// A response as the browser got it.
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

/// Undoes the pages' HTML escaping.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `value` of the first tag in `html` with `name="{name}"`.
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

/// A browser: keeps cookies, never follows redirects.
pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

impl TestApp {
    /// A new browser (no cookies) for this server.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }
}

impl Browser {
    /// A browser for the server at `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
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

    fn jar(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.cookies.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar().get(name).cloned()
    }

    pub fn forget(&self, name: &str) {
        self.jar().remove(name);
    }

    fn cookie_header(&self) -> String {
        self.jar()
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
            .map(|v| v.to_str().expect("an ASCII Location").to_string());
        let set_cookies: Vec<String> = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("an ASCII Set-Cookie").to_string())
            .collect();
        for c in &set_cookies {
            let first = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = first.split_once('=') {
                let mut jar = self.jar();
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
        let origin = self.base.clone();
        self.post_from(path, &origin, "og_csrf", fields).await
    }

    /// Posts a form from a page of another app on this host (cookies ignore ports, so the jar
    /// is shared): `Origin` is `origin`, and `_csrf` comes from the cookie `csrf_cookie` (the
    /// app's prefix and `csrf`, such as `okr_csrf`) unless the fields name it.
    pub async fn post_from(
        &self,
        url: &str,
        origin: &str,
        csrf_cookie: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let mut form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "_csrf") {
            form.push(("_csrf".into(), self.cookie(csrf_cookie).unwrap_or_default()));
        }
        let r = self
            .http
            .post(self.url(url))
            .header(COOKIE, self.cookie_header())
            .header("origin", origin)
            .form(&form)
            .send()
            .await
            .expect("POST");
        self.finish(r).await
    }

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

    /// A bare body posted as the web client's script posts a file (`X-CSRF-Token`, `X-Requested-With`).
    pub async fn fetch_body(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        let r = self
            .http
            .post(self.url(path))
            .header(COOKIE, self.cookie_header())
            .header("origin", self.base.clone())
            .header("x-csrf-token", self.cookie("og_csrf").unwrap_or_default())
            .header("x-requested-with", "fetch")
            .header("content-type", content_type)
            .body(body)
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
            .map(|v| v.to_str().expect("an ASCII X-More").to_string());
        (self.finish(r).await, more)
    }

    /// The browser part of the authorization-code flow: the authorize URL (absolute, or a path
    /// on this server), the sign-in page (skipped when the browser is signed in already), the
    /// Access Request page, Authorize. Returns the final redirect (to the client's redirect URI,
    /// with `code` and `state`).
    pub async fn authorize(&self, authorize_url: &str, login: &str, password: &str) -> String {
        let p = self.get(authorize_url).await;
        assert_eq!(p.status, 200, "authorize: {}", p.body);
        let consent_url = if p.has("name=\"password\"") {
            let q = p.input("q");
            let s = self
                .post(
                    "/oauth/signin",
                    &[("q", &q), ("login", login), ("password", password)],
                )
                .await;
            assert_eq!(s.status, 303, "sign-in: {}", s.body);
            s.location.expect("a redirect to the Access Request page")
        } else {
            // "Continue as …"
            let start = p
                .body
                .find("href=\"/oauth/consent?")
                .expect("a continue link")
                + 6;
            let end = p.body[start..].find('"').expect("the link's end") + start;
            unescape(&p.body[start..end])
        };
        let c = self.get(&consent_url).await;
        assert_eq!(c.status, 200, "consent: {}", c.body);
        assert!(c.has("Access Request"), "{}", c.body);
        let q = c.input("q");
        let d = self
            .post("/oauth/consent", &[("q", &q), ("decision", "allow")])
            .await;
        assert_eq!(d.status, 303, "authorize: {}", d.body);
        d.location.expect("the redirect to the client")
    }
}
