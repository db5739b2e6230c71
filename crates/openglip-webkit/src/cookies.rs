//! Cookies: reading one from a request, and [`Cookie`], a `Set-Cookie` that is `HttpOnly;
//! SameSite=Lax` by construction (made by [`crate::Kit::cookie`], which adds the app's prefix).

use std::time::Duration;

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponseParts, ResponseParts};

/// The value of the cookie `name` in a request (the first, if the browser sent several).
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A cookie to set: `HttpOnly; SameSite=Lax`, on `Path=/` unless narrowed, `Secure` when the app
/// is served over https. Return it from a handler beside the body (`(cookie, page)`); it is an
/// [`IntoResponseParts`].
#[derive(Debug, Clone, PartialEq)]
pub struct Cookie {
    name: String,
    value: String,
    path: String,
    max_age: Option<Duration>,
    secure: bool,
}

impl Cookie {
    pub(crate) fn new(name: String, value: &str, secure: bool) -> Cookie {
        Cookie {
            name,
            value: value.to_string(),
            path: "/".into(),
            max_age: None,
            secure,
        }
    }

    /// How long the browser keeps it (without: until the browser closes).
    pub fn max_age(mut self, d: Duration) -> Cookie {
        self.max_age = Some(d);
        self
    }

    /// Sent only to paths under `path` (e.g. the sign-in callback).
    pub fn path(mut self, path: &str) -> Cookie {
        self.path = path.to_string();
        self
    }

    /// The same cookie, emptied and expired: the browser forgets it.
    pub fn cleared(mut self) -> Cookie {
        self.value.clear();
        self.max_age = Some(Duration::ZERO);
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// The `Set-Cookie` header value.
    pub fn header_value(&self) -> HeaderValue {
        let mut v = format!(
            "{}={}; Path={}; HttpOnly; SameSite=Lax",
            self.name, self.value, self.path
        );
        if let Some(age) = self.max_age {
            v.push_str(&format!("; Max-Age={}", age.as_secs()));
        }
        if self.secure {
            v.push_str("; Secure");
        }
        // Names are checked tokens and values our own base64url: this cannot fail, but a value
        // that could not be a header is dropped rather than sent mangled.
        HeaderValue::from_str(&v).unwrap_or_else(|_| {
            tracing::error!(cookie = %self.name, "a cookie value is not a valid header");
            HeaderValue::from_static("invalid=; Max-Age=0")
        })
    }
}

impl IntoResponseParts for Cookie {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.headers_mut().append(SET_COOKIE, self.header_value());
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_is_http_only_and_lax() {
        let c = Cookie::new("og_session".into(), "abc", false).max_age(Duration::from_secs(60));
        assert_eq!(
            c.header_value(),
            "og_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
        );
        let s = Cookie::new("okr_signin".into(), "x", true)
            .path("/auth/callback")
            .cleared();
        assert_eq!(
            s.header_value(),
            "okr_signin=; Path=/auth/callback; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
        );
    }

    #[test]
    fn reads_the_named_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, "a=1; og_csrf=tok".parse().unwrap());
        h.append(COOKIE, "b=2".parse().unwrap());
        assert_eq!(read(&h, "og_csrf").as_deref(), Some("tok"));
        assert_eq!(read(&h, "b").as_deref(), Some("2"));
        assert_eq!(read(&h, "og"), None);
    }
}
