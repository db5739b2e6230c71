//! Just enough of a browser: one cookie jar for the host, whatever the port (as browsers keep
//! cookies), no automatic redirects, forms posted with the page's CSRF token and `Origin`.

use std::sync::Mutex;

pub struct Browser {
    http: reqwest::Client,
    jar: Mutex<Vec<(String, String)>>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub content_type: String,
    pub body: String,
}

impl Page {
    /// The value of the input named `name` (unescaped).
    pub fn input(&self, name: &str) -> String {
        let at = self
            .body
            .find(&format!("name=\"{name}\""))
            .unwrap_or_else(|| panic!("no {name} in {}", self.body));
        let start = self.body[..at].rfind('<').unwrap();
        let end = self.body[at..].find('>').unwrap() + at;
        let tag = &self.body[start..end];
        let v = tag.find("value=\"").unwrap() + 7;
        let e = tag[v..].find('"').unwrap() + v;
        unescape(&tag[v..e])
    }

    pub fn has(&self, s: &str) -> bool {
        self.body.contains(s)
    }
}

pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl Browser {
    pub fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: Mutex::default(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let jar = self.jar.lock().unwrap();
        jar.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    pub fn cookie_names(&self) -> Vec<String> {
        self.jar
            .lock()
            .unwrap()
            .iter()
            .map(|(k, _)| k.clone())
            .collect()
    }

    fn cookie_header(&self) -> String {
        let jar = self.jar.lock().unwrap();
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&self, r: reqwest::Response) -> Page {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        let content_type = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let mut set_cookies = vec![];
        for c in r.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap().to_string();
            if let Some((k, v)) = c.split(';').next().and_then(|kv| kv.split_once('=')) {
                let mut jar = self.jar.lock().unwrap();
                jar.retain(|(n, _)| n != k);
                if !v.is_empty() {
                    jar.push((k.to_string(), v.to_string()));
                }
            }
            set_cookies.push(c);
        }
        Page {
            status,
            location,
            set_cookies,
            content_type,
            body: r.text().await.unwrap_or_default(),
        }
    }

    pub async fn get(&self, url: &str) -> Page {
        let r = self
            .http
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// Posts a form from a page of `origin`, with the token of the cookie `csrf_cookie`.
    pub async fn post(
        &self,
        url: &str,
        origin: &str,
        csrf_cookie: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let token = self.cookie(csrf_cookie).unwrap_or_default();
        let mut form = fields.to_vec();
        form.push(("_csrf", &token));
        self.post_raw(url, Some(origin), &form).await
    }

    /// Posts exactly these fields, with this `Origin` (or none).
    pub async fn post_raw(&self, url: &str, origin: Option<&str>, fields: &[(&str, &str)]) -> Page {
        let mut rb = self
            .http
            .post(url)
            .header("cookie", self.cookie_header())
            .form(fields);
        if let Some(o) = origin {
            rb = rb.header("origin", o);
        }
        self.finish(rb.send().await.unwrap()).await
    }
}
