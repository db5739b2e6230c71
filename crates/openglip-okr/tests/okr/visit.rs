//! A person using the OKR app's pages: the testkit's browser (one cookie jar for the host, as
//! browsers keep cookies whatever the port), signed in with openglip through the platform's
//! sign-in and Access Request pages, posting forms with the app's CSRF token and `Origin`.

use openglip_bot::harness::Person;
use openglip_testkit::{Browser, PASSWORD, Page};

use crate::helpers::Okr;

pub struct Visitor {
    pub browser: Browser,
    /// The OKR app, `http://127.0.0.1:PORT`.
    pub okr: String,
}

impl Visitor {
    /// `who` opens the app, is sent to openglip, signs in and allows the app, and comes back
    /// signed in (on `/company`).
    pub async fn sign_in(okr: &Okr, platform: &str, who: &Person) -> Visitor {
        let v = Visitor {
            browser: Browser::new(platform),
            okr: okr.url.clone(),
        };
        let home = v.get("/company").await;
        assert_eq!(home.status, 303, "signed out: to sign in");
        let signin = home.location.expect("to sign in");
        assert_eq!(signin, "/auth/signin?next=%2Fcompany");
        let start = v.get(&signin).await;
        assert_eq!(start.status, 303, "{}", start.body);
        let authorize = start.location.expect("to the platform");
        assert!(authorize.starts_with(platform), "{authorize}");
        let back = v.browser.authorize(&authorize, &who.email, PASSWORD).await;
        assert!(
            back.starts_with(&format!("{}/auth/callback?", v.okr)),
            "{back}"
        );
        let done = v.browser.get(&back).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location.as_deref(), Some("/company"));
        assert!(v.browser.cookie("okr_session").is_some(), "a session");
        v
    }

    pub async fn get(&self, path: &str) -> Page {
        self.browser.get(&format!("{}{path}", self.okr)).await
    }

    /// A page that must answer 200.
    pub async fn page(&self, path: &str) -> Page {
        let p = self.get(path).await;
        assert_eq!(p.status, 200, "GET {path}: {}", p.body);
        p
    }

    /// Posts a form of the app's pages.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.browser
            .post_from(
                &format!("{}{path}", self.okr),
                &self.okr,
                "okr_csrf",
                fields,
            )
            .await
    }

    /// Posts a form that must be accepted (303); returns where it leads.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> String {
        let p = self.post(path, fields).await;
        assert_eq!(p.status, 303, "POST {path}: {}", p.body);
        p.location.expect("a redirect")
    }

    /// Posts a form that must be refused with its errors in place (400); returns the page.
    pub async fn refused(&self, path: &str, fields: &[(&str, &str)], error: &str) -> Page {
        let p = self.post(path, fields).await;
        assert_eq!(p.status, 400, "POST {path}: {}", p.body);
        assert!(p.has("There is a problem"), "an error summary: {}", p.body);
        assert!(p.has(error), "{error:?} on the page: {}", p.body);
        p
    }
}

/// The id in a redirect such as `/objectives/12` or `/teams/3?followed=4` (the number after
/// `prefix`).
pub fn id_after(location: &str, prefix: &str) -> String {
    let rest = location
        .split_once(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {location}"))
        .1;
    rest.chars().take_while(char::is_ascii_digit).collect()
}
