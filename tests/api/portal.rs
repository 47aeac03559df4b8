//! The web portal over HTTP, as a browser uses it: a client with a cookie store that does not
//! follow redirects, so every redirect is seen.

use std::io::Write;
use std::process::{Command, Stdio};

use diesel::prelude::*;
use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

use crate::cli::quotamonitor_ok;
use crate::helpers::{letting_with, TestApp};

on_both_backends!(
    a_wrong_password_is_refused_and_the_right_one_opens_the_overview_with_safe_cookies,
    a_form_without_its_csrf_token_changes_nothing,
    logout_ends_the_session_on_a_second_instance_too,
    an_idle_or_too_old_session_sends_the_person_to_the_login_form,
    failed_logins_are_throttled_per_address_even_for_the_right_password,
    a_tenant_association_s_overview_holds_no_count_of_one_to_four,
    a_note_added_in_the_portal_names_the_person_in_the_audit_trail,
    user_add_prints_a_one_time_link_that_sets_a_password_once,
    an_upload_is_checked_first_and_a_faulty_file_stores_nothing,
);

pub(crate) const PASSWORD: &str = "geheim wachtwoord 1";

pub(crate) fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) fn add_person(app: &TestApp, org: &str, email: &str) {
    let mut conn = app.pool.get().unwrap();
    quotamonitor::service::people::add_person(
        &mut conn,
        org,
        email,
        "Anna de Vries",
        Some(PASSWORD),
        chrono::TimeDelta::hours(1),
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
}

/// The value of a hidden field `name` in a page.
pub(crate) fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

pub(crate) async fn text(response: Response) -> String {
    response.text().await.unwrap()
}

fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Posts the login form as the page gave it.
pub(crate) async fn login(browser: &Client, base: &str, email: &str, password: &str) -> Response {
    let form = text(browser.get(format!("{base}/login")).send().await.unwrap()).await;
    let token = hidden(&form, "form_token");
    browser
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("form_token", &token),
        ])
        .send()
        .await
        .unwrap()
}

/// Where `/` sends this browser.
async fn home(browser: &Client, base: &str) -> String {
    let response = browser.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
}

async fn a_wrong_password_is_refused_and_the_right_one_opens_the_overview_with_safe_cookies(
    app: TestApp,
) {
    app.setup_wassenaar();
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    let browser = browser();
    let base = &app.address;
    assert_eq!(home(&browser, base).await, "/login");

    let wrong = login(&browser, base, "anna@wassenaar.nl", "geheim wachtwoord 2").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(text(wrong).await.contains("horen niet bij elkaar"));
    assert_eq!(home(&browser, base).await, "/login");

    // The address is compared in lower case, however it is typed.
    let right = login(&browser, base, "Anna@Wassenaar.NL", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    let cookie = right
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("qm_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    // Served on loopback: plain http, so not Secure (a browser would not send it back).
    assert!(!cookie.contains("Secure"), "{cookie}");

    assert_eq!(home(&browser, base).await, "/municipalities/GM0629");
    let page = browser
        .get(format!("{base}/municipalities/GM0629?year=2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let page = text(page).await;
    assert!(page.contains("Het jaar tot nu toe"), "{page}");
    assert!(!page.contains("<script"), "no script on a page");
    let english = text(
        browser
            .get(format!("{base}/municipalities/GM0629?year=2026&lang=en"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(english.contains("The year to date"));

    // A municipality the person's organisation may not read: refused, as in the API.
    let other = browser
        .get(format!("{base}/municipalities/GM0363"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    assert!(text(other).await.contains("data-error=\"forbidden\""));
}

async fn a_form_without_its_csrf_token_changes_nothing(app: TestApp) {
    app.setup_wassenaar();
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    let browser = browser();
    let base = &app.address;

    // The login form's own token (double submit): without it, no login at all.
    let _ = browser.get(format!("{base}/login")).send().await.unwrap();
    let no_token = browser
        .post(format!("{base}/login"))
        .form(&[("email", "anna@wassenaar.nl"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert_eq!(home(&browser, base).await, "/login");

    assert_eq!(
        login(&browser, base, "anna@wassenaar.nl", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    for form in [vec![], vec![("csrf", "0".repeat(64))]] {
        let logout = browser
            .post(format!("{base}/logout"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(logout.status(), StatusCode::FORBIDDEN);
        assert!(text(logout).await.contains("csrf_token_invalid"));
        // Still logged in: the logout without its token did nothing.
        assert_eq!(home(&browser, base).await, "/municipalities/GM0629");
    }
    let note = browser
        .post(format!("{base}/municipalities/GM0629/signals/1/notes"))
        .form(&[("text", "zonder token")])
        .send()
        .await
        .unwrap();
    assert_eq!(note.status(), StatusCode::FORBIDDEN);

    // With the page's token, the logout works.
    let page = text(
        browser
            .get(format!("{base}/municipalities/GM0629/signals"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let logout = browser
        .post(format!("{base}/logout"))
        .form(&[("csrf", hidden(&page, "csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_eq!(home(&browser, base).await, "/login");
}

async fn logout_ends_the_session_on_a_second_instance_too(app: TestApp) {
    app.setup_wassenaar();
    add_person(&app, "dwb", "data@dwb.nl");
    let second = app.second_instance().await;
    // Cookies are not kept apart by port: the one browser is logged in at both instances.
    let browser = browser();
    assert_eq!(
        login(&browser, &app.address, "data@dwb.nl", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        home(&browser, &second.address).await,
        "/municipalities/GM0629"
    );

    let page = text(
        browser
            .get(format!("{}/municipalities/GM0629", app.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let logout = browser
        .post(format!("{}/logout", app.address))
        .form(&[("csrf", hidden(&page, "csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);

    // The browser's cookie is gone; a copy of it (as a thief would have) is refused as well.
    let session_cookie = logout
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("qm_session=;"));
    assert!(session_cookie, "the logout removes the cookie");
    assert_eq!(home(&browser, &second.address).await, "/login");
}

async fn an_idle_or_too_old_session_sends_the_person_to_the_login_form(app: TestApp) {
    use quotamonitor::db::schema::person_sessions;
    app.setup_wassenaar();
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    let base = &app.address;
    let policy = app.settings.session_policy();
    let now = chrono::Utc::now().naive_utc();
    // (created, last seen) for an idle session and for one past its absolute lifetime.
    let cases = [
        (
            now - policy.idle - chrono::TimeDelta::minutes(2),
            now - policy.idle - chrono::TimeDelta::minutes(1),
        ),
        (now - policy.absolute - chrono::TimeDelta::minutes(1), now),
    ];
    for (created, seen) in cases {
        let browser = browser();
        assert_eq!(
            login(&browser, base, "anna@wassenaar.nl", PASSWORD)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(home(&browser, base).await, "/municipalities/GM0629");
        {
            let mut conn = app.pool.get().unwrap();
            diesel::update(person_sessions::table)
                .set((
                    person_sessions::created_at.eq(created),
                    person_sessions::last_seen_at.eq(seen),
                ))
                .execute(&mut *conn)
                .unwrap();
        }
        assert_eq!(home(&browser, base).await, "/login");
    }
}

async fn failed_logins_are_throttled_per_address_even_for_the_right_password(app: TestApp) {
    let app = app
        .restart_with(|s| {
            s.rate_limit_failed_auth_burst = 3;
            s.rate_limit_failed_auth_per_minute = 1;
        })
        .await;
    app.setup_wassenaar();
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    let browser = browser();
    for _ in 0..3 {
        let wrong = login(
            &browser,
            &app.address,
            "anna@wassenaar.nl",
            "raden raden raden",
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let right = login(&browser, &app.address, "anna@wassenaar.nl", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers().contains_key("retry-after"));
    assert_eq!(home(&browser, &app.address).await, "/login");
}

/// The counts a page shows: the cells of class `num` and the `a / b` beside each share.
fn counts_shown(page: &str) -> Vec<String> {
    let mut counts = Vec::new();
    for piece in page.split("<td class=\"num\">").skip(1) {
        counts.push(piece.split('<').next().unwrap().to_string());
    }
    for piece in page.split("<span class=\"muted\">").skip(1) {
        let inner = piece.split('<').next().unwrap();
        if let Some((a, b)) = inner.split_once(" / ") {
            counts.push(a.to_string());
            counts.push(b.to_string());
        }
    }
    counts
}

async fn a_tenant_association_s_overview_holds_no_count_of_one_to_four(app: TestApp) {
    let tokens = app.setup_wassenaar();
    let many: Vec<Value> = (0..25)
        .map(|i| {
            letting_with(
                &format!("DWB-{i}"),
                json!({"urgency": if i % 3 == 0 { json!("medical") } else { Value::Null }}),
            )
        })
        .collect();
    app.post_ok(&tokens.dwb, &json!(many)).await;
    let few: Vec<Value> = (0..3)
        .map(|i| letting_with(&format!("WIL-{i}"), json!({})))
        .collect();
    app.post_ok(&tokens.willibrordus, &json!(few)).await;
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    add_person(&app, "rozenstein", "piet@rozenstein.nl");

    let page_of = |email: &'static str| {
        let base = app.address.clone();
        async move {
            let browser = browser();
            assert_eq!(
                login(&browser, &base, email, PASSWORD).await.status(),
                StatusCode::SEE_OTHER
            );
            let response = browser
                .get(format!("{base}/municipalities/GM0629?year=2026"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            text(response).await
        }
    };
    let small = |c: &String| matches!(c.as_str(), "1" | "2" | "3" | "4");
    // The municipality sees willibrordus's 3 lettings exactly ...
    let municipality = counts_shown(&page_of("anna@wassenaar.nl").await);
    assert!(municipality.iter().any(small), "{municipality:?}");
    // ... the tenant association nowhere sees a count of 1 to 4, but "<5" in its place.
    let tenants_page = page_of("piet@rozenstein.nl").await;
    let tenants = counts_shown(&tenants_page);
    assert!(!tenants.iter().any(small), "{tenants:?}");
    assert!(tenants.iter().any(|c| c == "&lt;5"), "{tenants:?}");
}

async fn a_note_added_in_the_portal_names_the_person_in_the_audit_trail(app: TestApp) {
    let tokens = app.setup_wassenaar();
    // Every letting urgent: the urgent share is far above its signal value, an alert opens.
    let urgent: Vec<Value> = (0..25)
        .map(|i| letting_with(&format!("DWB-{i}"), json!({"urgency": "medical"})))
        .collect();
    app.post_ok(&tokens.dwb, &json!(urgent)).await;
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    add_person(&app, "rozenstein", "piet@rozenstein.nl");
    let base = &app.address;

    // The tenant association reads the signals but gets no form to write on them.
    let tenants = browser();
    login(&tenants, base, "piet@rozenstein.nl", PASSWORD).await;
    let page = text(
        tenants
            .get(format!("{base}/municipalities/GM0629/signals"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("boven de signaalwaarde") || page.contains("overschreden"),
        "{page}"
    );
    assert!(
        !page.contains("name=\"text\""),
        "no note form for a tenant association"
    );

    let anna = browser();
    login(&anna, base, "anna@wassenaar.nl", PASSWORD).await;
    let page = text(
        anna.get(format!("{base}/municipalities/GM0629/signals"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let action_start = page.find("/signals/").expect("a note form");
    let id: String = page[action_start + 9..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let added = anna
        .post(format!("{base}/municipalities/GM0629/signals/{id}/notes"))
        .form(&[
            ("csrf", hidden(&page, "csrf")),
            ("text", "Verklaard: statushouders met voorrang".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let page = text(
        anna.get(format!("{base}/municipalities/GM0629/signals"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(page.contains("Verklaard: statushouders met voorrang"));

    let audit = app
        .get_json(&tokens.municipality, "/api/v1/municipalities/GM0629/audit")
        .await;
    let note = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "alert_note_added")
        .expect("the note's event");
    assert_eq!(note["via"], "web");
    assert_eq!(note["person"], "anna@wassenaar.nl");
    assert_eq!(note["token_id"], Value::Null);
}

async fn user_add_prints_a_one_time_link_that_sets_a_password_once(app: TestApp) {
    app.setup_wassenaar();
    let url = app.database_url().to_string();
    let out = tokio::task::spawn_blocking(move || {
        quotamonitor_ok(
            &url,
            &[
                "user",
                "add",
                "--org",
                "dwb",
                "--email",
                "data@dwb.nl",
                "--name",
                "Data DWB",
            ],
        )
    })
    .await
    .unwrap();
    let link = out.lines().last().unwrap();
    let path = &link[link
        .find("/password?token=")
        .expect("a link alone on the last line")..];
    assert!(link.starts_with("http") && !link.contains(' '), "{out}");

    let browser = browser();
    let base = &app.address;
    let form = text(browser.get(format!("{base}{path}")).send().await.unwrap()).await;
    assert!(form.contains("Data DWB"));
    let set = |password: &'static str, repeated: &'static str| {
        let browser = browser.clone();
        let form = form.clone();
        async move {
            browser
                .post(format!("{base}/password"))
                .form(&[
                    ("token", hidden(&form, "token")),
                    ("form_token", hidden(&form, "form_token")),
                    ("password", password.into()),
                    ("repeated", repeated.into()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        set("te kort", "te kort").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(set(PASSWORD, PASSWORD).await.status(), StatusCode::OK);
    // Used once: the link is spent.
    assert_eq!(
        set("een ander wachtwoord", "een ander wachtwoord")
            .await
            .status(),
        StatusCode::GONE
    );
    assert_eq!(
        browser
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::GONE
    );
    assert_eq!(
        login(&browser, base, "data@dwb.nl", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // With --password-stdin: no link, the password from standard input.
    let url = app.database_url().to_string();
    let out = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_quotamonitor"))
            .args([
                "user",
                "add",
                "--org",
                "GM0629",
                "--email",
                "anna@wassenaar.nl",
                "--name",
                "Anna",
                "--password-stdin",
            ])
            .current_dir(dir.path())
            .env("QUOTAMONITOR_DATABASE_URL", &url)
            .env_remove("QUOTAMONITOR_CONFIG_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("/password?token="));
    let anna = self::browser();
    assert_eq!(
        login(&anna, base, "anna@wassenaar.nl", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn upload(browser: &Client, base: &str, csrf: &str, action: &str, csv: &str) -> Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .text("action", action.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("verhuringen.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    browser
        .post(format!("{base}/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn an_upload_is_checked_first_and_a_faulty_file_stores_nothing(app: TestApp) {
    let tokens = app.setup_wassenaar();
    add_person(&app, "dwb", "data@dwb.nl");
    add_person(&app, "rozenstein", "piet@rozenstein.nl");
    let base = &app.address;

    // Only a corporation delivers lettings.
    let piet = browser();
    login(&piet, base, "piet@rozenstein.nl", PASSWORD).await;
    assert_eq!(
        piet.get(format!("{base}/upload"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    let browser = browser();
    login(&browser, base, "data@dwb.nl", PASSWORD).await;
    let page = text(browser.get(format!("{base}/upload")).send().await.unwrap()).await;
    let csrf = hidden(&page, "csrf");
    let header = "reference;municipality;contract_start;rent;household_size;household_income\n";
    let faulty = format!(
        "{header}DWB-W-1;GM0629;2026-03-02;712,50;2;28500\nDWB-W-2;GM0629;2026-03-02;0;2;28500\n"
    );
    let refused = upload(&browser, base, &csrf, "store", &faulty).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(refused).await;
    // The problem is shown on its line (the header is line 1) with its field.
    assert!(
        page.contains("<td class=\"num\">3</td><td>DWB-W-2</td><td>rent</td>"),
        "{page}"
    );
    let stored = app
        .get(&tokens.dwb, "/api/v1/lettings/DWB-W-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stored.status(),
        StatusCode::NOT_FOUND,
        "nothing of a faulty file is stored"
    );

    let good = format!("{header}DWB-W-1;GM0629;2026-03-02;712,50;2;28500\n");
    let checked = upload(&browser, base, &csrf, "check", &good).await;
    assert_eq!(checked.status(), StatusCode::OK);
    assert!(text(checked).await.contains("niets opgeslagen"));
    let stored = app
        .get(&tokens.dwb, "/api/v1/lettings/DWB-W-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stored.status(),
        StatusCode::NOT_FOUND,
        "a check stores nothing"
    );

    let kept = upload(&browser, base, &csrf, "store", &good).await;
    assert_eq!(kept.status(), StatusCode::OK);
    assert!(text(kept).await.contains("Opgeslagen"));
    let stored = app
        .get(&tokens.dwb, "/api/v1/lettings/DWB-W-1")
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), StatusCode::OK);

    // Without the CSRF token, a file is not even read.
    let forged = upload(
        &browser,
        base,
        "",
        "store",
        &good.replace("DWB-W-1", "DWB-W-9"),
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}
