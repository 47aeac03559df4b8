//! Status holders and the allocation plan in the portal: the municipality sets its task, hand
//! placements and plan versions through forms, a corporation gives its expected available
//! homes; the same rights and the same stored data as the API.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::portal_session::{location, Person};

on_both_backends!(
    the_municipality_sets_its_task_and_placements_through_forms_and_others_may_not,
    plan_versions_through_a_form_beside_the_corporations_expected_homes
);

/// The half year that holds today, as `2026-H2`.
fn current_half() -> String {
    let today = chrono::Utc::now().date_naive();
    let half = if chrono::Datelike::month(&today) <= 6 {
        1
    } else {
        2
    };
    format!("{}-H{half}", chrono::Datelike::year(&today))
}

async fn the_municipality_sets_its_task_and_placements_through_forms_and_others_may_not(
    app: TestApp,
) {
    let t = app.setup_wassenaar();
    let anna = Person::login(&app, "GM0629", "anna@wassenaar.nl").await;
    let officer = Person::login(&app, "dwb", "data@dwb.nl").await;
    let tenant = Person::login(&app, "rozenstein", "lid@rozenstein.nl").await;

    let own = anna.get("/status-holders").await;
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&own), "/municipalities/GM0629/status-holders");
    let page = anna.page("/municipalities/GM0629/status-holders").await;
    assert!(page.contains("Taakstelling opslaan"), "{page}");
    assert!(page.contains("<label for=\"target-persons\">"), "{page}");

    // A wrong number: the form again, the error tied to its field, nothing stored.
    let half = current_half();
    let wrong = anna
        .post(
            "/municipalities/GM0629/status-holders/target",
            &[("half_year", &half), ("persons", "twaalf")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = wrong.text().await.unwrap();
    assert!(
        wrong.contains("aria-invalid=\"true\" aria-describedby=\"target-persons-error\""),
        "{wrong}"
    );
    assert!(wrong.contains("id=\"target-persons-error\""), "{wrong}");
    assert!(
        wrong.contains("value=\"twaalf\""),
        "what was typed stays: {wrong}"
    );
    let api = "/api/v1/municipalities/GM0629/status-holders";
    let before = app.get_json(&t.municipality, api).await;
    assert!(
        before["half_years"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["target_set"] == false),
        "{before}"
    );

    let set = anna
        .post(
            "/municipalities/GM0629/status-holders/target",
            &[
                ("half_year", &half),
                ("persons", "12"),
                ("note", "COA-brief"),
            ],
        )
        .await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let today = chrono::Utc::now().date_naive().to_string();
    let placed = anna
        .post(
            "/municipalities/GM0629/status-holders/placements",
            &[
                ("persons", "3"),
                ("date", &today),
                ("note", "gezinshereniging bij bestaande huurder"),
            ],
        )
        .await;
    assert_eq!(placed.status(), StatusCode::SEE_OTHER);
    let future = anna
        .post(
            "/municipalities/GM0629/status-holders/placements",
            &[("persons", "2"), ("date", "2999-01-01"), ("note", "later")],
        )
        .await;
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future
        .text()
        .await
        .unwrap()
        .contains("placement-date-error"));

    let after = app.get_json(&t.municipality, api).await;
    let this = after["half_years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["half_year"] == half.as_str())
        .cloned()
        .unwrap();
    assert_eq!(this["target"], 12, "{after}");
    assert_eq!(this["housed_by_hand"], 3, "{after}");
    assert_eq!(after["placements"].as_array().unwrap().len(), 1);
    let page = anna.page("/municipalities/GM0629/status-holders").await;
    assert!(page.contains("gezinshereniging bij bestaande huurder"));
    assert!(page.contains("Tempo"), "the pace of this half year: {page}");

    // A corporation and a tenant association read the page but get no form, and a post of
    // theirs is refused as the API refuses it.
    for person in [&officer, &tenant] {
        let page = person.page("/municipalities/GM0629/status-holders").await;
        assert!(!page.contains("Taakstelling opslaan"), "{page}");
        let refused = person
            .post(
                "/municipalities/GM0629/status-holders/target",
                &[("half_year", &half), ("persons", "99")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let still = app.get_json(&t.municipality, api).await;
    assert_eq!(still, after);
    // Another municipality's page is not for Wassenaar.
    let foreign = anna.get("/municipalities/GM0363/status-holders").await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
}

async fn plan_versions_through_a_form_beside_the_corporations_expected_homes(app: TestApp) {
    let t = app.setup_wassenaar();
    let anna = Person::login(&app, "GM0629", "anna@wassenaar.nl").await;
    let officer = Person::login(&app, "dwb", "data@dwb.nl").await;
    let other = Person::login(&app, "willibrordus", "data@willibrordus.nl").await;
    let tenant = Person::login(&app, "rozenstein", "lid@rozenstein.nl").await;
    let path = "/municipalities/GM0629/plan";
    let homes = "/municipalities/GM0629/plan/expected-homes";

    let own = anna.get("/plan").await;
    assert_eq!(location(&own), path);
    let page = anna.page(&format!("{path}?year=2026")).await;
    assert!(page.contains("nog geen verdeelplan"), "{page}");

    // The corporations give their figures; each only its own, and only corporations.
    for (person, figure) in [(&officer, "120"), (&other, "35")] {
        let given = person
            .post(homes, &[("year", "2026"), ("homes", figure), ("note", "")])
            .await;
        assert_eq!(given.status(), StatusCode::SEE_OTHER);
    }
    let again = officer
        .post(homes, &[("year", "2026"), ("homes", "110")])
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let wrong = officer
        .post(homes, &[("year", "2026"), ("homes", "-4")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("homes-homes-error"));
    for person in [&anna, &tenant] {
        let refused = person
            .post(homes, &[("year", "2026"), ("homes", "1")])
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }

    let page = anna.page(&format!("{path}?year=2026")).await;
    assert!(page.contains("De Wassenaarsche Bouwstichting"), "{page}");
    assert!(page.contains("<td class=\"num\">110</td>"), "{page}");
    assert!(
        page.contains("<td class=\"num\">145</td>"),
        "the sum: {page}"
    );
    // The plan form starts from the corporations' sum.
    assert!(
        page.contains("name=\"expected_available\" type=\"number\" min=\"0\" step=\"1\" inputmode=\"numeric\" required value=\"145\""),
        "{page}"
    );

    // A negative category: refused at its field, nothing stored.
    let wrong = anna
        .post(
            path,
            &[
                ("year", "2026"),
                ("expected_available", "145"),
                ("cat-regular", "-1"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("plan-cat-regular-error"));
    let api = "/api/v1/municipalities/GM0629/allocation-plans/2026";
    let none = app.get(&t.municipality, api).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::NOT_FOUND);

    for (regular, note) in [("90", "eerste versie"), ("95", "na overleg")] {
        let stored = anna
            .post(
                path,
                &[
                    ("year", "2026"),
                    ("expected_available", "145"),
                    ("cat-regular", regular),
                    ("cat-status_holder", "20"),
                    ("note", note),
                ],
            )
            .await;
        assert_eq!(stored.status(), StatusCode::SEE_OTHER);
    }
    let plan: Value = app.get_json(&t.municipality, api).await;
    assert_eq!(plan["version"], 2, "{plan}");
    assert_eq!(plan["expected_available"], 145);
    assert_eq!(plan["planned_total"], 115);
    assert_eq!(plan["note"], "na overleg");
    let page = anna.page(&format!("{path}?year=2026")).await;
    assert!(page.contains("Versie 2 van 2"), "{page}");
    assert!(
        page.contains("version=1"),
        "a link to the first version: {page}"
    );
    let first = anna.page(&format!("{path}?year=2026&version=1")).await;
    assert!(first.contains("eerste versie"), "{first}");

    // Only the municipality stores a plan.
    for person in [&officer, &tenant] {
        let page = person.page(&format!("{path}?year=2026")).await;
        assert!(!page.contains("Plan opslaan"), "{page}");
        let refused = person
            .post(path, &[("year", "2026"), ("expected_available", "1")])
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let unchanged: Value = app.get_json(&t.municipality, api).await;
    assert_eq!(unchanged["version"], 2);
    // The audit trail names the person who gave the figure.
    let audit = app
        .get_json(&t.municipality, "/api/v1/municipalities/GM0629/audit")
        .await;
    let text = audit.to_string();
    assert!(text.contains("expected_homes_set"), "{text}");
    assert!(text.contains("data@dwb.nl"), "{text}");
}
