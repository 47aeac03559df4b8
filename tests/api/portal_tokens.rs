//! API tokens in the browser: a person makes a named token for a system, sees when it was last
//! used, and revokes it; only their own organisation's, and not as a tenant association.

use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::portal::{add_person, browser, hidden, login, text, PASSWORD};

on_both_backends!(
    a_person_makes_a_token_sees_it_used_and_revokes_it,
    only_the_organisation_s_own_tokens_and_not_for_a_tenant_association,
);

async fn tokens_page(browser: &reqwest::Client, app: &TestApp) -> String {
    let response = browser.get(app.url("/tokens")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    text(response).await
}

/// The table row of the token named `name`.
fn row<'a>(page: &'a str, name: &str) -> &'a str {
    let at = page
        .find(&format!("<td>{name}</td>"))
        .unwrap_or_else(|| panic!("no token {name} in {page}"));
    let end = page[at..].find("</tr>").unwrap() + at;
    &page[at..end]
}

/// Makes a token through the form; its id and the secret.
async fn make(browser: &reqwest::Client, app: &TestApp, name: &str) -> (String, String) {
    let csrf = hidden(&tokens_page(browser, app).await, "csrf");
    let made = browser
        .post(app.url("/tokens"))
        .form(&[("csrf", csrf.as_str()), ("name", name)])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let page = text(made).await;
    let start = page.find("value=\"qm_").expect("the token, shown once") + "value=\"".len();
    let token: String = page[start..].split('"').next().unwrap().to_string();
    let marker = "role=\"status\">Token ";
    let id_start = page.find(marker).expect("the token's id") + marker.len();
    let id: String = page[id_start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (id, token)
}

async fn revoke(browser: &reqwest::Client, app: &TestApp, id: &str) -> reqwest::Response {
    let csrf = hidden(&tokens_page(browser, app).await, "csrf");
    browser
        .post(app.url(&format!("/tokens/{id}/revoke")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
}

async fn api_status(app: &TestApp, token: &str) -> StatusCode {
    app.get(token, "/api/v1/municipalities/GM0629/quota?period=2026")
        .send()
        .await
        .unwrap()
        .status()
}

async fn a_person_makes_a_token_sees_it_used_and_revokes_it(app: TestApp) {
    let t = app.setup_wassenaar();
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    let anna = browser();
    login(&anna, &app.address, "anna@wassenaar.nl", PASSWORD).await;

    let page = tokens_page(&anna, &app).await;
    // The token made on the command line in the setup is listed, without its secret.
    assert!(page.contains("(zonder naam)"), "{page}");
    assert!(!page.contains(&t.municipality));
    assert!(page.contains("<label for=\"token-name\">"));
    assert!(page.contains("href=\"/tokens\""), "in the menu");

    // Without its CSRF token the form makes nothing.
    let refused = anna
        .post(app.url("/tokens"))
        .form(&[("name", "ERP")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // A name is needed.
    let csrf = hidden(&page, "csrf");
    let nameless = anna
        .post(app.url("/tokens"))
        .form(&[("csrf", csrf.as_str()), ("name", "  ")])
        .send()
        .await
        .unwrap();
    assert_eq!(nameless.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!tokens_page(&anna, &app).await.contains("<td>ERP</td>"));

    let (id, token) = make(&anna, &app, "Woonruimteverdeling").await;
    assert_eq!(token.len(), 3 + 64);
    let page = tokens_page(&anna, &app).await;
    // Shown once: the list never holds the secret.
    assert!(!page.contains(&token));
    assert!(row(&page, "Woonruimteverdeling").contains("nooit"));

    // Used by its system: the list says when.
    assert_eq!(api_status(&app, &token).await, StatusCode::OK);
    let page = tokens_page(&anna, &app).await;
    let used = row(&page, "Woonruimteverdeling");
    assert!(!used.contains("nooit"), "{used}");
    assert!(used.contains("actief"));

    let revoked = revoke(&anna, &app, &id).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(api_status(&app, &token).await, StatusCode::UNAUTHORIZED);
    let page = tokens_page(&anna, &app).await;
    assert!(row(&page, "Woonruimteverdeling").contains("ingetrokken op"));
    // The setup's token still works.
    assert_eq!(api_status(&app, &t.municipality).await, StatusCode::OK);

    // The audit trail names the person for both.
    let audit = app
        .get_json(&t.municipality, "/api/v1/municipalities/GM0629/audit")
        .await;
    for action in ["token_created", "token_revoked"] {
        let event = audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action && e["subject"] == format!("token:{id}"))
            .unwrap_or_else(|| panic!("no {action} in {audit}"));
        assert_eq!(event["via"], "web");
        assert_eq!(event["person"], "anna@wassenaar.nl");
    }
}

async fn only_the_organisation_s_own_tokens_and_not_for_a_tenant_association(app: TestApp) {
    let t = app.setup_wassenaar();
    add_person(&app, "dwb", "data@dwb.nl");
    add_person(&app, "willibrordus", "data@willibrordus.nl");
    add_person(&app, "rozenstein", "piet@rozenstein.nl");
    let dwb = browser();
    login(&dwb, &app.address, "data@dwb.nl", PASSWORD).await;
    let (dwb_id, dwb_token) = make(&dwb, &app, "ERP dwb").await;

    // willibrordus neither sees nor revokes dwb's token.
    let wil = browser();
    login(&wil, &app.address, "data@willibrordus.nl", PASSWORD).await;
    let page = tokens_page(&wil, &app).await;
    assert!(!page.contains("ERP dwb"));
    let refused = revoke(&wil, &app, &dwb_id).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(api_status(&app, &dwb_token).await, StatusCode::OK);
    let (_, wil_token) = make(&wil, &app, "ERP willibrordus").await;
    assert_eq!(api_status(&app, &wil_token).await, StatusCode::OK);
    assert!(!tokens_page(&dwb, &app).await.contains("ERP willibrordus"));

    // A tenant association has no systems that post: no page, no menu entry.
    let piet = browser();
    login(&piet, &app.address, "piet@rozenstein.nl", PASSWORD).await;
    let response = piet.get(app.url("/tokens")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let overview = text(
        piet.get(app.url("/municipalities/GM0629?year=2026"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(!overview.contains("href=\"/tokens\""));
    let csrf = hidden(&overview, "csrf");
    let response = piet
        .post(app.url("/tokens"))
        .form(&[("csrf", csrf.as_str()), ("name", "poging")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let _ = t;
}
