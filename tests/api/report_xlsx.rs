//! The half-year report's XLSX as an analyst opens it: figures as numbers (a hidden one an
//! empty cell with its `<5` or `x` beside it), an autofilter, frozen headers and a print setup
//! on every sheet, Dutch or English headers, and the quota endpoint's figures.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, TestApp};
use crate::small_numbers_answers::load;

on_both_backends!(
    the_xlsx_holds_numbers_filters_and_a_print_setup_and_the_quota_figures,
    the_restatement_sheet_has_dutch_headers_and_numbers
);

const H1: &str = "2026-H1";

/// Headers of columns that hold figures (Dutch).
const NUMBER_HEADERS: [&str; 20] = [
    "Aantal",
    "Waarover berekend",
    "Aandeel",
    "Norm",
    "Verhuringen",
    "Uitgezonderd",
    "Niet-sociaal",
    "Totaal (geteld + uitgezonderd + niet-sociaal)",
    "Taakstelling",
    "Doorgeschoven",
    "Gecorrigeerde taakstelling",
    "Gehuisvest via verhuringen",
    "Gehuisvest overig",
    "Gehuisvest totaal",
    "Saldo",
    "Gepland",
    "Verwacht naar rato",
    "Gerealiseerd",
    "Verschil",
    "Jaar",
];

/// Headers of columns that count households: never 1 to 4 for a tenant association.
const COUNT_HEADERS: [&str; 9] = [
    "Aantal",
    "Waarover berekend",
    "Verhuringen",
    "Uitgezonderd",
    "Niet-sociaal",
    "Totaal (geteld + uitgezonderd + niet-sociaal)",
    "Gehuisvest via verhuringen",
    "Gerealiseerd",
    // The months of the completeness sheet.
    "2026-0",
];

const NOTE: &str = " (toelichting)";

struct Sheet {
    name: String,
    headers: Vec<String>,
    rows: Vec<Vec<Data>>,
}

impl Sheet {
    fn column(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == header)
    }
}

fn read_sheets(bytes: &[u8]) -> Vec<Sheet> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX");
    workbook
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).expect("a sheet");
            assert_eq!(range.start(), Some((0, 0)), "{name}: the title in A1");
            let mut rows = range.rows().map(<[Data]>::to_vec);
            let _title = rows.next();
            let headers = rows
                .next()
                .unwrap_or_default()
                .iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    other => panic!("{name}: header {other:?}"),
                })
                .collect();
            Sheet {
                name,
                headers,
                rows: rows.collect(),
            }
        })
        .collect()
}

/// The XML parts of the workbook by name.
fn parts(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("a part");
        let name = file.name().expect("a part's name").to_string();
        let mut text = String::new();
        if file.read_to_string(&mut text).is_ok() {
            out.insert(name, text);
        }
    }
    out
}

/// Every sheet: headers, numbers only in number columns, a hidden figure empty with its
/// marker beside it; an autofilter, frozen title and header rows, A4 one page wide, the
/// header rows repeated. Returns the sheets.
fn assert_made_for_analysts(bytes: &[u8], what: &str) -> Vec<Sheet> {
    let sheets = read_sheets(bytes);
    let xml = parts(bytes);
    let workbook = &xml["xl/workbook.xml"];
    for (i, sheet) in sheets.iter().enumerate() {
        let at = format!("{what}, sheet {}", sheet.name);
        assert!(!sheet.headers.is_empty(), "{at}: headers");
        for (c, header) in sheet.headers.iter().enumerate() {
            assert!(!header.trim().is_empty(), "{at}: column {c} has no header");
            let cells = || sheet.rows.iter().filter_map(|r| r.get(c));
            let numbers = cells().filter(|d| matches!(d, Data::Float(_))).count();
            let strings = cells().filter(|d| matches!(d, Data::String(_))).count();
            assert!(
                numbers == 0 || strings == 0,
                "{at}: {header} mixes numbers and text"
            );
            let month = header.starts_with("2026-0") && !header.ends_with(NOTE);
            if NUMBER_HEADERS.contains(&header.as_str()) || month {
                assert_eq!(strings, 0, "{at}: text in the number column {header}");
            }
            if let Some(number) = header.strip_suffix(NOTE) {
                assert_eq!(
                    sheet.headers[c - 1],
                    number,
                    "{at}: {header} beside its number"
                );
                for row in &sheet.rows {
                    if let Some(Data::String(marker)) = row.get(c) {
                        assert!(
                            ["<5", "x", "weggelaten"].contains(&marker.as_str())
                                || !NUMBER_HEADERS.contains(&number),
                            "{at}: marker {marker}"
                        );
                        assert_eq!(row[c - 1], Data::Empty, "{at}: {marker} beside a number");
                    }
                }
            }
        }
        // rust_xlsxwriter names the parts in the order of the sheets.
        let part = &xml[&format!("xl/worksheets/sheet{}.xml", i + 1)];
        assert!(part.contains("<autoFilter ref=\"A2:"), "{at}: autofilter");
        assert!(
            part.contains("ySplit=\"2\"") && part.contains("state=\"frozen\""),
            "{at}: frozen header"
        );
        assert!(part.contains("<pageSetup paperSize=\"9\""), "{at}: A4");
        assert!(part.contains("fitToPage=\"1\""), "{at}: fit to the page");
        assert!(part.contains("fitToHeight=\"0\""), "{at}: one page wide");
        assert!(part.contains("orientation="), "{at}: orientation");
        assert!(part.contains("&amp;P"), "{at}: page numbers");
        assert!(
            workbook.contains(&format!(
                "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">"
            )),
            "{at}: header rows repeated"
        );
        // Column A as wide as its longest value (up to the widest a column gets).
        let longest = sheet
            .rows
            .iter()
            .filter_map(|r| match r.first() {
                Some(Data::String(s)) => Some(s.chars().count()),
                _ => None,
            })
            .max()
            .unwrap_or(0)
            .min(60);
        // Columns of the same width share one `<col>`.
        let width: f64 = part
            .split("<col min=\"1\" max=\"")
            .nth(1)
            .and_then(|rest| rest.split("width=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("{at}: no width for column A"));
        assert!(
            width >= longest as f64,
            "{at}: column A {width} < {longest}"
        );
    }
    sheets
}

fn sheet<'s>(sheets: &'s [Sheet], name: &str) -> &'s Sheet {
    sheets
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

/// A figure of the quota answer against the sheet: a number as that number, `<5` or `x` as
/// an empty cell with that marker.
fn assert_figure(sheet: &Sheet, row: &[Data], header: &str, expected: &Value, at: &str) {
    let c = sheet.column(header).expect(header);
    match expected {
        Value::Number(n) => {
            let Data::Float(got) = row[c] else {
                panic!("{at} {header}: {:?}, expected {n}", row[c]);
            };
            assert!((got - n.as_f64().unwrap()).abs() < 1e-9, "{at} {header}");
        }
        Value::String(marker) => {
            assert_eq!(row[c], Data::Empty, "{at} {header}");
            let note = sheet
                .column(&format!("{header}{NOTE}"))
                .unwrap_or_else(|| panic!("{at}: no note beside {header}"));
            assert_eq!(row[note], Data::String(marker.clone()), "{at} {header}");
        }
        _ => assert_eq!(row[c], Data::Empty, "{at} {header}"),
    }
}

/// The quota sheet holds the quota answer's figures, scope by scope and metric by metric.
fn assert_quota_figures(sheet: &Sheet, quota: &Value, names: &Value, exact: bool, at: &str) {
    let mut rows = sheet.rows.iter();
    for scope in quota["scopes"].as_array().unwrap() {
        let name = match scope["corporation"].as_str() {
            Some(id) => names[id].as_str().unwrap_or(id),
            None => "Gemeente totaal",
        };
        for m in scope["metrics"].as_array().unwrap() {
            let row = rows.next().expect("a row per scope and metric");
            let at = format!("{at} {name} {}", m["metric"]);
            assert_eq!(row[0], Data::String(name.into()), "{at}");
            for (header, field) in [("Aantal", "count"), ("Waarover berekend", "denominator")] {
                let expected = &m[field];
                if exact || !expected.is_number() {
                    assert_figure(sheet, row, header, expected, &at);
                } else if let Data::Float(got) = row[sheet.column(header).unwrap()] {
                    // The report never shows more than the quota answer does.
                    assert_eq!(got, expected.as_f64().unwrap(), "{at} {header}");
                }
            }
            if let (Some(share), Data::Float(got)) =
                (m["share"].as_f64(), &row[sheet.column("Aandeel").unwrap()])
            {
                assert!((got - share).abs() < 1e-9, "{at} share");
            }
        }
    }
}

async fn the_xlsx_holds_numbers_filters_and_a_print_setup_and_the_quota_figures(app: TestApp) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    let own = expect_json(app.report(&t.municipality, H1, "").await, StatusCode::OK).await;
    let names = &own["corporation_names"];
    for (reader, token) in [
        ("municipality", &t.municipality),
        ("tenant association", &t.tenants),
    ] {
        let exact = reader == "municipality";
        for (half, sheet_name, period) in [
            (H1, "Quota halfjaar", H1),
            ("2026-H2", "Quota jaar", "2026"),
        ] {
            let what = format!("{half} as the {reader}");
            let bytes = app.report_bytes(token, half, "?format=xlsx").await;
            let sheets = assert_made_for_analysts(&bytes, &what);
            let quota = app.quota(token, "GM0629", period).await;
            let quota_sheet = sheet(&sheets, sheet_name);
            assert_quota_figures(quota_sheet, &quota, names, exact, &what);
            if half != H1 {
                continue;
            }
            let lettings = sheet(&sheets, "Verhuringen");
            for (scope, row) in quota["scopes"]
                .as_array()
                .unwrap()
                .iter()
                .zip(&lettings.rows)
            {
                for (header, field) in [
                    ("Verhuringen", "lettings"),
                    ("Uitgezonderd", "excluded"),
                    ("Niet-sociaal", "non_social"),
                ] {
                    if exact || !scope[field].is_number() {
                        assert_figure(lettings, row, header, &scope[field], &what);
                    }
                }
            }
            let mut markers = 0;
            for s in &sheets {
                for (c, header) in s.headers.iter().enumerate() {
                    if header.ends_with(NOTE) {
                        markers += s.rows.iter().filter(|r| r[c] != Data::Empty).count();
                        continue;
                    }
                    if exact || !COUNT_HEADERS.iter().any(|h| header.starts_with(h)) {
                        continue;
                    }
                    for row in &s.rows {
                        if let Data::Float(n) = row[c] {
                            assert!(
                                !(1.0..5.0).contains(&n),
                                "{what}: {n} in {} {header}",
                                s.name
                            );
                        }
                    }
                }
            }
            // The municipality sees every figure; the data has small cells for the others.
            assert_eq!(markers == 0, exact, "{what}: {markers} hidden figures");
        }
    }
    // English headers and sheet names with lang=en, the same layout.
    let english = app
        .report_bytes(&t.municipality, H1, "?format=xlsx&lang=en")
        .await;
    let sheets = read_sheets(&english);
    let quota = sheet(&sheets, "Quota half year");
    assert_eq!(
        quota.headers,
        [
            "Scope",
            "Metric",
            "Count",
            "Out of",
            "Share",
            "Limit",
            "Kind of limit",
            "State"
        ]
    );
    assert!(sheets.iter().any(|s| s.name == "Sources"));
    let hidden = read_sheets(
        &app.report_bytes(&t.tenants, H1, "?format=xlsx&lang=en")
            .await,
    );
    assert!(hidden
        .iter()
        .any(|s| s.headers.iter().any(|h| h.ends_with(" (note)"))));
}

async fn the_restatement_sheet_has_dutch_headers_and_numbers(app: TestApp) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    let published = app.publish_report(&t.municipality, H1).await;
    assert_eq!(published.status(), StatusCode::CREATED);
    // A correction: dwb's first January letting was above the low rent cap after all.
    let corrected = letting_with(
        "D-1-0",
        json!({"contract_start": "2026-01-10", "rent": 780, "urgency": "medical"}),
    );
    let posted = app.post_json(&t.dwb, &json!([corrected])).await;
    assert_eq!(expect_json(posted, StatusCode::OK).await["updated"], 1);

    let bytes = app
        .report_bytes(&t.municipality, H1, "?format=xlsx&current=true")
        .await;
    let sheets = assert_made_for_analysts(&bytes, "the live view of a publication");
    let restated = sheet(&sheets, "Herzieningen");
    // Oud and Nieuw hold counts and shares as numbers; a state or hidden figure is text in
    // the column beside them.
    assert_eq!(
        restated.headers[..5],
        ["Onderdeel", "Partij", "Indicator", "Gegeven", "Oud"]
    );
    let (old_at, new_at) = (
        restated.column("Oud").unwrap(),
        restated.column("Nieuw").expect("a column Nieuw"),
    );
    assert!(!restated.rows.is_empty());
    let count = restated
        .rows
        .iter()
        .find(|r| {
            r[0] == Data::String("Halfjaar".into())
                && r[1] == Data::String("Gemeente totaal".into())
                && r[3] == Data::String("Aantal".into())
        })
        .expect("the total's count restated");
    let (Data::Float(old), Data::Float(new)) = (&count[old_at], &count[new_at]) else {
        panic!("counts as numbers: {count:?}");
    };
    assert_ne!(old, new);
    for row in &restated.rows {
        for cell in &row[..4] {
            let Data::String(text) = cell else { continue };
            assert!(
                !text.contains('_'),
                "a key instead of words: {text} in {row:?}"
            );
        }
    }
}
