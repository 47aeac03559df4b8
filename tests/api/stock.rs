//! Stock snapshots: posted twice without a change, the changes of a second snapshot by cause
//! (a sale, a demolition, a new build), the correction line when the snapshots do not add up,
//! the E/F/G path and expiring labels at their boundaries, the CSV dialects, and who sees what.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{expect_json, TestApp};

on_both_backends!(
    a_snapshot_posted_twice_changes_nothing,
    a_sale_a_demolition_and_a_new_build_are_exactly_those_changes,
    a_unit_left_out_without_a_reason_is_a_correction_line,
    the_efg_path_and_expiring_labels_at_their_boundaries,
    every_problem_is_listed_and_nothing_is_stored,
    a_semicolon_csv_with_dutch_names_is_read,
    unit_rows_are_their_corporation_s_only,
);

async fn post_units(app: &TestApp, token: &str, query: &str, units: &Value) -> Response {
    app.client
        .post(app.url(&format!(
            "/api/v1/municipalities/GM0629/stock/snapshots?{query}"
        )))
        .bearer_auth(token)
        .json(&json!({ "units": units }))
        .send()
        .await
        .expect("request sent")
}

async fn post_ok(app: &TestApp, token: &str, date: &str, units: &Value) -> Value {
    expect_json(
        post_units(app, token, &format!("date={date}"), units).await,
        StatusCode::OK,
    )
    .await
}

/// A social home (DAEB, streefhuur below the limit), label B, in exploitatie since 1978.
fn home(code: &str) -> Value {
    json!({
        "unit": code,
        "status": "VEH",
        "daeb": "DAE",
        "wws_points": 140,
        "target_rent": 712.5,
        "energy_label": "B",
        "label_method": "NTA",
        "label_date": "2022-03-14",
        "condition_score": 2,
        "in_service_date": "1978-06-01",
        "in_service_reason": "NIE"
    })
}

fn with(mut unit: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().expect("object") {
        unit[k] = v.clone();
    }
    unit
}

fn versions(app: &TestApp, corporation: &str) -> i64 {
    let mut conn = app.pool.get().expect("connection");
    quotamonitor::db::stock::version_count(&mut conn, corporation).expect("counted")
}

fn scope<'a>(answer: &'a Value, corporation: &str) -> &'a Value {
    answer["corporations"]
        .as_array()
        .expect("corporations")
        .iter()
        .find(|c| c["corporation"] == corporation)
        .unwrap_or_else(|| panic!("no {corporation} in {answer}"))
}

async fn a_snapshot_posted_twice_changes_nothing(app: TestApp) {
    let t = app.setup_wassenaar();
    let units = json!([home("A"), home("B"), home("C")]);
    let first = post_ok(&app, &t.dwb, "2026-01-01", &units).await;
    assert_eq!(
        (&first["created"], &first["unchanged"], &first["snapshot"]),
        (&json!(3), &json!(0), &json!("created"))
    );
    let before = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/stock?date=2026-06-01",
        )
        .await;

    let again = post_ok(&app, &t.dwb, "2026-01-01", &units).await;
    assert_eq!(
        (
            &again["created"],
            &again["updated"],
            &again["unchanged"],
            &again["snapshot"]
        ),
        (&json!(0), &json!(0), &json!(3), &json!("unchanged"))
    );
    assert_eq!(versions(&app, "dwb"), 3);
    // The trail has each post's counts, and no unit.
    let trail = app
        .get_json(&t.municipality, "/api/v1/municipalities/GM0629/audit")
        .await;
    let posts: Vec<&Value> = trail["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "stock_snapshot_posted")
        .collect();
    assert_eq!(posts.len(), 2, "{trail}");
    assert!(!trail.to_string().contains("\"A\""));
    let after = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/stock?date=2026-06-01",
        )
        .await;
    assert_eq!(before, after);
    assert_eq!(after["total"]["figures"]["social"], 3);

    // The next year's snapshot with the same units stores no new version.
    let next = post_ok(&app, &t.dwb, "2027-01-01", &units).await;
    assert_eq!(
        (&next["unchanged"], &next["snapshot"]),
        (&json!(3), &json!("created"))
    );
    assert_eq!(versions(&app, "dwb"), 3);

    // One changed field is one new version; a dry run stores nothing.
    let changed = json!([
        home("A"),
        home("B"),
        with(home("C"), json!({"energy_label": "A"}))
    ]);
    let tried = expect_json(
        post_units(&app, &t.dwb, "date=2027-01-01&dry_run=true", &changed).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (&tried["updated"], &tried["dry_run"]),
        (&json!(1), &json!(true))
    );
    assert_eq!(versions(&app, "dwb"), 3);
    let stored = post_ok(&app, &t.dwb, "2027-01-01", &changed).await;
    assert_eq!(
        (&stored["updated"], &stored["snapshot"]),
        (&json!(1), &json!("replaced"))
    );
    assert_eq!(versions(&app, "dwb"), 4);
    // The first snapshot still holds the unit as it was.
    let then = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/stock?date=2026-06-01",
        )
        .await;
    assert_eq!(then["total"]["labels"]["B"], 3);
}

async fn a_sale_a_demolition_and_a_new_build_are_exactly_those_changes(app: TestApp) {
    let t = app.setup_wassenaar();
    post_ok(
        &app,
        &t.dwb,
        "2026-01-01",
        &json!([home("A"), home("B"), home("C"), home("D")]),
    )
    .await;
    let second = json!([
        home("A"),
        with(
            home("B"),
            json!({"status": "UIT", "out_of_service_reason": "VAH", "out_of_service_date": "2026-05-01"})
        ),
        with(
            home("C"),
            json!({"status": "UIT", "out_of_service_reason": "SLO", "out_of_service_date": "2026-09-01"})
        ),
        home("D"),
        with(
            home("N"),
            json!({"in_service_date": "2026-11-01", "in_service_reason": "NIE", "label_date": "2026-10-01", "energy_label": "A++"})
        ),
    ]);
    post_ok(&app, &t.dwb, "2027-01-01", &second).await;
    let changes = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/stock/changes?from=2026-01-01&to=2027-01-01",
        )
        .await;
    let total = &changes["total"];
    assert_eq!(total["counts"]["begin"], 4);
    assert_eq!(total["counts"]["end"], 3);
    assert_eq!(total["counts"]["correction"], 0);
    assert_eq!(
        changes["signals"],
        json!({"social_decline": true, "removals_not_compensated": true})
    );
    let nonzero = |side: &Value| -> Vec<(String, Value)> {
        side.as_object()
            .expect("object")
            .iter()
            .filter(|(_, n)| **n != json!(0))
            .map(|(k, n)| (k.clone(), n.clone()))
            .collect()
    };
    assert_eq!(
        nonzero(&total["additions"]),
        [("new_build".to_string(), json!(1))]
    );
    assert_eq!(
        nonzero(&total["removals"]),
        [
            ("sale".to_string(), json!(1)),
            ("demolition".to_string(), json!(1))
        ]
    );
    // The municipality sees no unit; the corporation its own three.
    assert!(scope(&changes, "dwb").get("units").is_none());
    let own = app
        .get_json(
            &t.dwb,
            "/api/v1/municipalities/GM0629/stock/changes?from=2026-01-01&to=2027-01-01",
        )
        .await;
    let units: Vec<(String, String)> = scope(&own, "dwb")["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| {
            (
                u["unit"].as_str().unwrap().to_string(),
                u["cause"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            ("B".to_string(), "sale".to_string()),
            ("C".to_string(), "demolition".to_string()),
            ("N".to_string(), "new_build".to_string())
        ]
    );
}

async fn a_unit_left_out_without_a_reason_is_a_correction_line(app: TestApp) {
    let t = app.setup_wassenaar();
    post_ok(
        &app,
        &t.dwb,
        "2026-01-01",
        &json!([home("A"), home("B"), home("C")]),
    )
    .await;
    // C is left out without an exit, and X appears with no in-service date in the period.
    post_ok(
        &app,
        &t.dwb,
        "2027-01-01",
        &json!([home("A"), home("B"), home("X")]),
    )
    .await;
    let changes = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/stock/changes?from=2026-01-01&to=2027-01-01",
        )
        .await;
    let counts = &changes["total"]["counts"];
    assert_eq!((&counts["begin"], &counts["end"]), (&json!(3), &json!(3)));
    assert_eq!(
        (&counts["additions"], &counts["removals"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(
        (
            &counts["unexplained_additions"],
            &counts["unexplained_removals"]
        ),
        (&json!(1), &json!(1))
    );
    assert_eq!(counts["correction"], 0);
    assert_eq!(changes["signals"]["social_decline"], false);
    assert_eq!(changes["signals"]["removals_not_compensated"], false);

    // Two left out: begin 3 + 0 − 0 ≠ end 1, the correction line says −2.
    post_ok(&app, &t.dwb, "2028-01-01", &json!([home("A")])).await;
    let changes = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/stock/changes?from=2027-06-01&to=2028-06-01",
        )
        .await;
    let counts = &changes["total"]["counts"];
    assert_eq!((&counts["begin"], &counts["end"]), (&json!(3), &json!(1)));
    assert_eq!(counts["correction"], -2);
    assert_eq!(counts["unexplained_removals"], 2);
}

async fn the_efg_path_and_expiring_labels_at_their_boundaries(app: TestApp) {
    let t = app.setup_wassenaar();
    let g = |code: &str| with(home(code), json!({"energy_label": "G"}));
    // Baseline: two social G homes, and one whose demolition is planned (off the path).
    let planned = with(g("P"), json!({"planned_exit_date": "2029-06-01"}));
    post_ok(
        &app,
        &t.dwb,
        "2026-01-01",
        &json!([g("G1"), g("G2"), planned]),
    )
    .await;
    // The day before the deadline one G home is on the path; on the deadline it is not.
    post_ok(
        &app,
        &t.dwb,
        "2028-12-31",
        &json!([g("G1"), home("G2"), planned]),
    )
    .await;
    post_ok(
        &app,
        &t.dwb,
        "2029-01-01",
        &json!([g("G1"), home("G2"), planned]),
    )
    .await;
    let on = |date: &str| {
        let path = format!("/api/v1/municipalities/GM0629/stock?date={date}");
        let token = t.municipality.clone();
        let app = &app;
        async move { app.get_json(&token, &path).await }
    };
    let base = on("2026-01-01").await;
    assert_eq!(scope(&base, "dwb")["figures"]["efg"], 2);
    assert_eq!(scope(&base, "dwb")["figures"]["efg_planned_exit"], 1);
    let eve = on("2028-12-31").await;
    assert_eq!(
        scope(&eve, "dwb")["efg_path"],
        json!({"baseline_date": "2026-01-01", "allowed": 1, "on_path": true})
    );
    let deadline = on("2029-01-01").await;
    assert_eq!(scope(&deadline, "dwb")["efg_path"]["allowed"], 0);
    assert_eq!(scope(&deadline, "dwb")["efg_path"]["on_path"], false);
    assert_eq!(deadline["total"]["efg_path"]["on_path"], false);

    // A label registered on 14 March 2016 is expiring the day before 14 March 2026, expired on it.
    let old = with(home("L"), json!({"label_date": "2016-03-14"}));
    post_ok(&app, &t.willibrordus, "2026-03-13", &json!([old])).await;
    post_ok(&app, &t.willibrordus, "2026-03-14", &json!([old])).await;
    let eve = on("2026-03-13").await;
    let w = &scope(&eve, "willibrordus")["figures"];
    assert_eq!(
        (&w["labels_expiring"], &w["labels_expired"]),
        (&json!(1), &json!(0))
    );
    let day = on("2026-03-14").await;
    let w = &scope(&day, "willibrordus")["figures"];
    assert_eq!(
        (&w["labels_expiring"], &w["labels_expired"]),
        (&json!(0), &json!(1))
    );
}

async fn every_problem_is_listed_and_nothing_is_stored(app: TestApp) {
    let t = app.setup_wassenaar();
    let units = json!([
        home("A"),
        {"unit": "B", "status": "VEK", "daeb": "DAE", "household_income": 20000},
        with(home("A"), json!({"condition_score": 7})),
        {"unit": "C", "status": "UIT", "daeb": "NDA"},
    ]);
    let body = expect_json(
        post_units(&app, &t.dwb, "date=2026-01-01", &units).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let found: Vec<(u64, String)> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["index"].as_u64().unwrap(),
                p["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for expected in [
        (1, "household_income"),
        (1, "status"),
        (2, "unit"),
        (2, "condition_score"),
        (3, "out_of_service_reason"),
        (3, "out_of_service_date"),
    ] {
        assert!(
            found.contains(&(expected.0, expected.1.to_string())),
            "{expected:?} not in {found:?}"
        );
    }
    assert_eq!(versions(&app, "dwb"), 0);
    // No tenant association or municipality posts a stock.
    let refused = post_units(&app, &t.tenants, "date=2026-01-01", &json!([home("A")])).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // A corporation of another municipality may not post here.
    let refused = post_units(&app, &t.ymere, "date=2026-01-01", &json!([home("A")])).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

async fn a_semicolon_csv_with_dutch_names_is_read(app: TestApp) {
    let t = app.setup_wassenaar();
    let csv = "eenheid;eenheidstatus;maatschappelijk_label;punten;streefhuur;energielabel;registratiedatum_label\n\
               VHE-1;VEH;DAE;140;712,50;B;14-3-2022\n\
               VHE-2;LEE;DAE;150;€ 1.012,00;E;1-1-2018\n\
               VHE-3;VEH;DAE;;;C;31-2-2020\n";
    let response = app
        .client
        .post(app.url("/api/v1/municipalities/GM0629/stock/snapshots?date=2026-01-01"))
        .bearer_auth(&t.dwb)
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("sent");
    let body = expect_json(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let lines: Vec<(u64, String)> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (4, "label_date".to_string()),
            (4, "wws_points".to_string()),
            (4, "target_rent".to_string())
        ]
    );
    let fixed = csv.replace(
        "VHE-3;VEH;DAE;;;C;31-2-2020",
        "VHE-3;VEH;DAE;120;600;C;28-2-2020",
    );
    let response = app
        .client
        .post(app.url("/api/v1/municipalities/GM0629/stock/snapshots?date=2026-01-01"))
        .bearer_auth(&t.dwb)
        .header("Content-Type", "text/csv")
        .body(fixed)
        .send()
        .await
        .expect("sent");
    let body = expect_json(response, StatusCode::OK).await;
    assert_eq!(body["created"], 3);
    let stock = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/stock?date=2026-01-01",
        )
        .await;
    // VHE-2's streefhuur is above the 2026 limit (932.93) but within 186 points: middenhuur.
    let figures = &stock["total"]["figures"];
    assert_eq!(
        (&figures["social"], &figures["middenhuur"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(stock["definition"]["social_definition"], "daeb_streefhuur");
}

async fn unit_rows_are_their_corporation_s_only(app: TestApp) {
    let t = app.setup_wassenaar();
    let many: Vec<Value> = (0..12).map(|i| home(&format!("D{i}"))).collect();
    post_ok(&app, &t.dwb, "2026-01-01", &json!(many)).await;
    let few = json!([
        home("W1"),
        home("W2"),
        with(home("W3"), json!({"condition_score": 6}))
    ]);
    post_ok(&app, &t.willibrordus, "2026-01-01", &few).await;
    let path = "/api/v1/municipalities/GM0629/stock?date=2026-06-01";

    let exact = app.get_json(&t.municipality, path).await;
    assert_eq!(scope(&exact, "willibrordus")["figures"]["social"], 3);
    assert_eq!(exact["total"]["figures"]["social"], 15);

    // The tenant association learns no count of 1 to 4, nor one it could work out.
    let tenants = app.get_json(&t.tenants, path).await;
    assert_eq!(scope(&tenants, "willibrordus")["figures"]["social"], "<5");
    assert_eq!(
        scope(&tenants, "willibrordus")["figures"]["condition_5_or_6"],
        "<5"
    );
    // The total is shown, so the larger part is hidden: 15 − 12 would give the 3 away.
    assert_eq!(tenants["total"]["figures"]["social"], 15);
    assert_eq!(scope(&tenants, "dwb")["figures"]["social"], "x");
    // A corporation sees its own exactly, the other's protected.
    let own = app.get_json(&t.willibrordus, path).await;
    assert_eq!(scope(&own, "willibrordus")["figures"]["social"], 3);
    assert_eq!(scope(&own, "willibrordus")["efg_path"]["allowed"], 0);

    // Unit rows: the corporation's own, never another's, and to nobody else.
    let units = app
        .get_json(
            &t.willibrordus,
            "/api/v1/municipalities/GM0629/stock/units?date=2026-06-01",
        )
        .await;
    let codes: Vec<&str> = units["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["W1", "W2", "W3"]);
    for token in [&t.municipality, &t.tenants] {
        let response = app
            .get(
                token,
                "/api/v1/municipalities/GM0629/stock/units?date=2026-06-01",
            )
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
}

mod new_build {
    use reqwest::StatusCode;
    use serde_json::json;

    use crate::helpers::{expect_json, TestApp};

    on_both_backends!(the_rra_remainder_and_a_project_at_the_rule);

    async fn the_rra_remainder_and_a_project_at_the_rule(app: TestApp) {
        let t = app.setup_wassenaar();
        let target = app
            .get_json(
                &t.tenants,
                "/api/v1/municipalities/GM0629/new-build?year=2026",
            )
            .await;
        assert_eq!(
            target["gross"],
            json!({"target": 991, "realised": 214, "remaining": 777, "pace_needed": 155.4})
        );
        assert_eq!(target["social"]["realised"], json!(null));
        assert_eq!(target["missing_years"], json!([2022, 2025]));
        let check = |body: serde_json::Value| {
            let app = &app;
            let token = t.municipality.clone();
            async move {
                let response = app
                    .client
                    .post(app.url("/api/v1/municipalities/GM0629/new-build/check"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .expect("sent");
                expect_json(response, StatusCode::OK).await
            }
        };
        let exact = check(json!({"social_rent": 30, "middenhuur": 20, "affordable_purchase": 20, "other": 30, "year": 2026})).await;
        assert_eq!(exact["passes"], true);
        let short = check(json!({"social_rent": 29, "middenhuur": 20, "affordable_purchase": 20, "other": 30, "year": 2026})).await;
        assert_eq!(
            (&short["social_ok"], &short["passes"]),
            (&json!(false), &json!(false))
        );
    }
}

mod demo {
    use quotamonitor::cli::demo;
    use quotamonitor::config::ReferenceData;
    use serde_json::json;

    use crate::helpers::TestApp;

    on_both_backends!(the_demo_stock_has_a_year_of_changes_and_loads_again_unchanged);

    async fn the_demo_stock_has_a_year_of_changes_and_loads_again_unchanged(app: TestApp) {
        let reference = ReferenceData::load(Some(std::path::Path::new("config"))).unwrap();
        let load = || {
            let mut conn = app.pool.get().unwrap();
            demo::load(&mut conn, &reference).unwrap()
        };
        let summary = load();
        let versions = || {
            let mut conn = app.pool.get().unwrap();
            quotamonitor::db::stock::version_count(&mut conn, "dwb").unwrap()
        };
        let before = versions();
        let summary_again = load();
        assert_eq!(versions(), before);
        let token = summary_again
            .tokens
            .iter()
            .find(|(id, _, _)| id == "GM0629")
            .map(|(_, _, t)| t.clone())
            .unwrap();
        let year = summary.year;
        let changes = app
            .get_json(
                &token,
                &format!(
                    "/api/v1/municipalities/GM0629/stock/changes?from={}-01-01&to={year}-01-01",
                    year - 1
                ),
            )
            .await;
        let total = &changes["total"];
        for (side, cause) in [
            ("removals", "sale"),
            ("removals", "demolition"),
            ("removals", "liberalisation"),
            ("additions", "new_build"),
        ] {
            assert!(
                total[side][cause].as_u64().unwrap_or(0) > 0,
                "no {cause} in {total}"
            );
        }
        assert_eq!(total["counts"]["correction"], json!(0));
        let stock = app
            .get_json(
                &token,
                &format!("/api/v1/municipalities/GM0629/stock?date={year}-06-01"),
            )
            .await;
        let figures = &stock["total"]["figures"];
        for name in [
            "efg",
            "efg_planned_exit",
            "labels_expiring",
            "condition_5_or_6",
            "middenhuur",
        ] {
            assert!(
                figures[name].as_u64().unwrap_or(0) > 0,
                "no {name} in {figures}"
            );
        }
    }
}
