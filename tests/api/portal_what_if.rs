//! The what-if page and the headroom sentence of the overview, as a browser uses them.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, metric, TestApp};
use crate::portal::{add_person, browser, counts_shown, login, text};

on_both_backends!(
    a_plan_shows_its_states_and_headroom_and_stores_nothing,
    a_wrong_plan_is_said_and_a_tenant_association_has_no_what_if,
    a_corporation_plans_its_own_lettings_and_sees_no_figure_it_may_not_know,
);

/// `n` lettings with `fields`, references `prefix-0..n`.
fn many(prefix: &str, n: usize, fields: Value) -> Vec<Value> {
    (0..n)
        .map(|i| letting_with(&format!("{prefix}-{i}"), fields.clone()))
        .collect()
}

/// dwb's first quarter: 20 regular lettings and 5 urgent ones (20%, against at most 30%).
async fn first_quarter(app: &TestApp, token: &str) {
    let mut batch = many("R", 20, json!({"contract_start": "2026-02-10"}));
    batch.extend(many(
        "U",
        5,
        json!({"contract_start": "2026-03-10", "urgency": "medical"}),
    ));
    app.post_ok(token, &json!(batch)).await;
}

async fn get(browser: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = browser.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    (status, text(response).await)
}

/// What a what-if must leave as it was: the alerts, the letting count and the audit trail.
async fn stored_state(app: &TestApp, token: &str) -> (Value, Value, usize) {
    let alerts = app
        .get_json(token, "/api/v1/municipalities/GM0629/alerts")
        .await;
    let quota = app.quota(token, "GM0629", "2026").await;
    let audit = app
        .get_json(token, "/api/v1/municipalities/GM0629/audit")
        .await;
    (
        alerts,
        quota["scopes"][0]["lettings"].clone(),
        audit["events"].as_array().unwrap().len(),
    )
}

async fn a_plan_shows_its_states_and_headroom_and_stores_nothing(app: TestApp) {
    let t = app.setup_wassenaar();
    first_quarter(&app, &t.dwb).await;
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    let anna = browser();
    login(
        &anna,
        &app.address,
        "anna@wassenaar.nl",
        crate::portal::PASSWORD,
    )
    .await;

    // The overview says the year's headroom in a sentence: 5 of 25 urgent, 8 of 28 is still
    // within 30%, 9 of 29 is not.
    let (status, overview) = get(&anna, &app, "/municipalities/GM0629?year=2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        overview
            .contains("Nog 3 urgente toewijzingen voordat de signaalwaarde wordt overschreden."),
        "{overview}"
    );
    let (_, english) = get(&anna, &app, "/municipalities/GM0629?year=2026&lang=en").await;
    assert!(english.contains("3 more urgent lettings before the signal value is exceeded."));

    // The navigation leads to the page; the first visit is the form alone.
    assert!(overview.contains("href=\"/what-if\""));
    let first = anna.get(app.url("/what-if")).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let (status, form) = get(&anna, &app, "/municipalities/GM0629/what-if").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("<label for=\"urgent\">"), "{form}");
    assert!(form.contains("<option value=\"dwb\""), "{form}");
    assert!(!form.contains("Uitkomst"));
    assert!(!form.contains("<script"));

    // A webhook that would hear of any alert change.
    let hook = app
        .add_webhook(&t.municipality, "http://127.0.0.1:9/signalen")
        .await;
    let hook = expect_json(hook, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap();
    let before = stored_state(&app, &t.municipality).await;
    // Two urgent lettings in April for dwb: 7 of 27 (25.9%) stays ok, one more still fits.
    let (status, two) = get(
        &anna,
        &app,
        "/municipalities/GM0629/what-if?month=2026-04&scope=dwb&lettings=2&urgent=2",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{two}");
    assert!(two.contains("Uitkomst"));
    assert!(two.contains("7 / 27"), "{two}");
    assert!(
        two.contains("Nog 1 urgente toewijzing voordat de signaalwaarde wordt overschreden."),
        "{two}"
    );
    // Four: 9 of 29 (31.0%) is above the signal value; four without urgency bring it back.
    let (status, four) = get(
        &anna,
        &app,
        "/municipalities/GM0629/what-if?month=2026-04&scope=dwb&lettings=4&urgent=4",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(four.contains("9 / 29"), "{four}");
    assert!(four.contains("boven de signaalwaarde"), "{four}");
    assert!(
        four.contains(
            "De signaalwaarde is overschreden; met 4 toewijzingen zonder urgentie komt het weer in orde."
        ),
        "{four}"
    );
    // April alone: 4 of 4; the first half year: 9 of 29 as well; the month is shown too.
    assert!(four.contains("Maand 2026-04"));
    assert!(four.contains("4 / 4"));
    assert!(four.contains("Halfjaar 2026-H1"));

    // Nothing was stored: no letting, no alert (a breach would have opened one), no event, no
    // webhook delivery.
    assert_eq!(stored_state(&app, &t.municipality).await, before);
    assert_eq!(app.deliveries(&t.municipality, hook).await, json!([]));
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(metric(&quota, None, "urgent_share")["state"], "ok");
}

async fn a_wrong_plan_is_said_and_a_tenant_association_has_no_what_if(app: TestApp) {
    let _t = app.setup_wassenaar();
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    add_person(&app, "rozenstein", "piet@rozenstein.nl");
    let anna = browser();
    login(
        &anna,
        &app.address,
        "anna@wassenaar.nl",
        crate::portal::PASSWORD,
    )
    .await;

    let (status, page) = get(
        &anna,
        &app,
        "/municipalities/GM0629/what-if?month=2026-04&lettings=2&urgent=3",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("waarvan urgent: niet meer dan het totaal aantal verhuringen."),
        "{page}"
    );
    assert!(!page.contains("Uitkomst"));
    // Three not passend among two within the income limit cannot be.
    let (status, page) = get(
        &anna,
        &app,
        "/municipalities/GM0629/what-if?month=2026-04&lettings=3&income_above_limit=1&not_passend=3",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Niet passend kan alleen"), "{page}");
    for query in ["month=2026-13&lettings=1", "month=2026-04&lettings=-1"] {
        let (status, _) = get(
            &anna,
            &app,
            &format!("/municipalities/GM0629/what-if?{query}"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    // Only its own corporations, only its own municipality.
    let (status, _) = get(
        &anna,
        &app,
        "/municipalities/GM0629/what-if?month=2026-04&scope=ymere&lettings=1",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&anna, &app, "/municipalities/GM0363/what-if").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A tenant association lets no homes: a page in Dutch that says so, and no menu entry.
    let piet = browser();
    login(
        &piet,
        &app.address,
        "piet@rozenstein.nl",
        crate::portal::PASSWORD,
    )
    .await;
    for path in ["/what-if", "/municipalities/GM0629/what-if?lettings=1"] {
        let (status, page) = get(&piet, &app, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.contains("data-error=\"forbidden\""));
        assert!(page.contains("de gemeente en de corporaties"), "{page}");
    }
    let (_, overview) = get(&piet, &app, "/municipalities/GM0629?year=2026").await;
    assert!(!overview.contains("href=\"/what-if\""));
    let (_, english) = get(&piet, &app, "/what-if?lang=en").await;
    assert!(english.contains("the municipality and the corporations"));
}

async fn a_corporation_plans_its_own_lettings_and_sees_no_figure_it_may_not_know(app: TestApp) {
    let t = app.setup_wassenaar();
    first_quarter(&app, &t.dwb).await;
    // willibrordus's 3 lettings: a count dwb may not learn, nor from the total.
    app.post_ok(
        &t.willibrordus,
        &json!(many("W", 3, json!({"contract_start": "2026-03-12"}))),
    )
    .await;
    add_person(&app, "dwb", "data@dwb.nl");
    let dwb = browser();
    login(&dwb, &app.address, "data@dwb.nl", crate::portal::PASSWORD).await;
    let (status, page) = get(
        &dwb,
        &app,
        "/municipalities/GM0629/what-if?month=2026-04&lettings=2&urgent=2&scope=willibrordus",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // Its own lettings, whatever scope the address names; no choice of scope.
    assert!(!page.contains("name=\"scope\""));
    assert!(page.contains("<h3>dwb</h3>"), "{page}");
    assert!(!page.contains("<h3>willibrordus</h3>"));
    assert!(page.contains("7 / 27"), "{page}");
    // The municipality total (28 lettings, 30 with the plan) would give willibrordus's 3 away.
    assert!(page.contains("Niet getoond"), "{page}");
    let counts = counts_shown(&page);
    for hidden in ["28", "30"] {
        assert!(
            !counts.iter().any(|c| c == hidden),
            "{hidden} in {counts:?}"
        );
    }
}
