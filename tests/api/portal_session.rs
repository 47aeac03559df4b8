//! A person in the portal, as a browser: a client with a cookie store that does not follow
//! redirects, logged in through the login form. Shared by the portal page tests.

use reqwest::header::LOCATION;
use reqwest::{Client, Response, StatusCode};

use crate::helpers::TestApp;

pub const PASSWORD: &str = "geheim wachtwoord 1";

/// A person of `org` with [`PASSWORD`].
pub fn add_person(app: &TestApp, org: &str, email: &str) {
    let mut conn = app.pool.get().unwrap();
    quotamonitor::service::people::add_person(
        &mut conn,
        org,
        email,
        "Iemand",
        Some(PASSWORD),
        chrono::TimeDelta::hours(1),
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
}

/// The value of a hidden field `name` in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A browser logged in as `email` (added to `org` first).
pub struct Person {
    pub client: Client,
    base: String,
}

impl Person {
    pub async fn login(app: &TestApp, org: &str, email: &str) -> Self {
        add_person(app, org, email);
        let client = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let base = app.address.clone();
        let form = client
            .get(format!("{base}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = hidden(&form, "form_token");
        let response = client
            .post(format!("{base}/login"))
            .form(&[
                ("email", email),
                ("password", PASSWORD),
                ("form_token", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "logged in");
        Self { client, base }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// A page that must answer 200; its HTML.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{path}: {text}");
        text
    }

    /// The session's CSRF token, from the logout form every page has.
    pub async fn csrf(&self) -> String {
        hidden(&self.page("/settings").await, "csrf")
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts a form as given (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}
