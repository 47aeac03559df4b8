//! The page shell: language, navigation, logout form, stylesheet, and the security headers of
//! every portal page.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::http::StatusCode;
use actix_web::{get, HttpResponse};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::text::Lang;
use crate::domain::organisation::OrgKind;

/// The stylesheet, built into the binary.
const STYLESHEET: &str = include_str!("portal.css");

/// No script at all, no inline style, no framing; forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The navigation of a logged-in person.
#[derive(Debug, Clone)]
pub struct Nav {
    pub person: String,
    pub organisation: String,
    /// The municipality the pages are about.
    pub municipality: Option<String>,
    pub corporation: bool,
    /// What the person's organisation is (what if and API tokens are not for tenant
    /// associations).
    pub kind: OrgKind,
    pub csrf: String,
}

/// A table that may be wider than a phone (320 CSS px): it scrolls sideways in a region of its
/// own instead of the page (WCAG 1.4.10), and the region takes keyboard focus so that it can be
/// scrolled without a mouse (2.1.1); `label` names the region for screen readers.
pub fn scroll_table(label: &str, table: Markup) -> Markup {
    html! {
        div.table-wrap role="region" aria-label=(label) tabindex="0" { (table) }
    }
}

/// A `div.table-wrap` written without [`scroll_table`], and a table written without any
/// wrapper, get the same keyboard focus and a region with a general name, so that no table that
/// scrolls sideways at phone width is out of a keyboard's reach (WCAG 2.1.1; axe-core's
/// `scrollable-region-focusable`) whoever wrote the page; `scroll_table` names it better.
fn focusable_wraps(main: Markup, lang: Lang) -> Markup {
    let label = lang.t(
        "Tabel, schuift opzij als het scherm te smal is",
        "Table, scrolls sideways when the screen is too narrow",
    );
    let opening =
        format!(r#"<div class="table-wrap" role="region" aria-label="{label}" tabindex="0">"#);
    let html = main
        .into_string()
        .replace(r#"<div class="table-wrap">"#, &opening);
    let mut out = String::with_capacity(html.len() + 256);
    // Per open table: whether it got a wrapper here (only one not inside another table).
    let mut open: Vec<bool> = Vec::new();
    let mut rest = html.as_str();
    loop {
        let opens = rest.find("<table");
        let closes = rest.find("</table>");
        match (opens, closes) {
            (_, Some(end)) if opens.is_none_or(|at| end < at) => {
                out.push_str(&rest[..end + 8]);
                if open.pop() == Some(true) {
                    out.push_str("</div>");
                }
                rest = &rest[end + 8..];
            }
            (Some(at), _) => {
                out.push_str(&rest[..at]);
                if matches!(rest.as_bytes().get(at + 6), Some(b' ' | b'>')) {
                    let wrap = open.is_empty() && !out.ends_with(r#"tabindex="0">"#);
                    if wrap {
                        out.push_str(&opening);
                    }
                    open.push(wrap);
                }
                out.push_str("<table");
                rest = &rest[at + 6..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    PreEscaped(out)
}

#[get("/assets/portal.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// A whole page with the portal's headers.
pub fn page(
    status: StatusCode,
    lang: Lang,
    title: &str,
    nav: Option<&Nav>,
    main: Markup,
) -> HttpResponse {
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · quotamonitor" }
                link rel="stylesheet" href="/assets/portal.css";
            }
            body {
                a.skip href="#main" { (lang.t("Naar de inhoud", "Skip to content")) }
                header {
                    span.brand { "quotamonitor" }
                    @if let Some(nav) = nav {
                        nav aria-label=(lang.t("Hoofdmenu", "Main menu")) {
                            ul {
                                @if let Some(code) = &nav.municipality {
                                    li { a href=(lang.link(&format!("/municipalities/{code}"))) { (lang.t("Overzicht", "Overview")) } }
                                    li { a href=(lang.link(&format!("/municipalities/{code}/signals"))) { (lang.t("Signalen", "Signals")) } }
                                    li { a href=(lang.link(&format!("/municipalities/{code}/reports"))) { (lang.t("Rapportages", "Reports")) } }
                                    li { a href=(lang.link(&format!("/municipalities/{code}/status-holders"))) { (lang.t("Statushouders", "Status holders")) } }
                                    li { a href=(lang.link(&format!("/municipalities/{code}/plan"))) { (lang.t("Verdeelplan", "Allocation plan")) } }
                                    li { a href=(lang.link(&format!("/municipalities/{code}/afspraken"))) { (lang.t("Afspraken", "Agreements")) } }
                                }
                                @if nav.corporation {
                                    li { a href=(lang.link("/upload")) { (lang.t("Aanleveren", "Upload")) } }
                                    li { a href=(lang.link("/lettings")) { (lang.t("Eigen verhuringen", "Own lettings")) } }
                                }
                                @if nav.kind != OrgKind::TenantAssociation {
                                    li { a href=(lang.link("/what-if")) { (lang.t("Wat als", "What if")) } }
                                    li { a href=(lang.link("/tokens")) { (lang.t("API-tokens", "API tokens")) } }
                                }
                                li { a href=(lang.link("/settings")) { (lang.t("Instellingen", "Settings")) } }
                            }
                        }
                        div.who {
                            span { (nav.person) " · " (nav.organisation) }
                            form method="post" action=(lang.link("/logout")) {
                                input type="hidden" name="csrf" value=(nav.csrf);
                                button type="submit" { (lang.t("Uitloggen", "Log out")) }
                            }
                        }
                    }
                    a.lang href=(match lang { Lang::Nl => "?lang=en", Lang::En => "?" }) lang=(lang.t("en", "nl")) {
                        (lang.t("English", "Nederlands"))
                    }
                }
                main id="main" { (focusable_wraps(main, lang)) }
            }
        }
    };
    HttpResponse::build(status)
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .insert_header(("X-Frame-Options", "DENY"))
        // A password link carries its token in the query: never pass the address on.
        .insert_header(("Referrer-Policy", "no-referrer"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(markup.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_wrapper_takes_keyboard_focus_and_a_named_one_keeps_its_name() {
        let bare = html! { div.table-wrap { table { tr { td { "1" } } } } };
        let named = scroll_table("Cijfers 2026", html! { table { tr { td { "2" } } } });
        let out = focusable_wraps(html! { (bare) (named) }, Lang::Nl).into_string();
        assert_eq!(out.matches(r#"tabindex="0""#).count(), 2, "{out}");
        assert_eq!(out.matches(r#"role="region""#).count(), 2, "{out}");
        assert!(out.contains(r#"aria-label="Cijfers 2026""#), "{out}");
        assert!(out.contains(r#"aria-label="Tabel, schuift opzij"#), "{out}");
    }

    #[test]
    fn a_table_without_a_wrapper_gets_one_and_a_table_inside_a_table_does_not() {
        let page = html! {
            p { "<table> in text is escaped" }
            table { tr { td { table { tr { td { "inner" } } } } } }
            (scroll_table("Cijfers", html! { table { tr { td { "3" } } } }))
        };
        let out = focusable_wraps(page, Lang::En).into_string();
        assert_eq!(out.matches("<table").count(), 3, "{out}");
        assert_eq!(out.matches(r#"class="table-wrap""#).count(), 2, "{out}");
        assert_eq!(
            out.matches("<div").count(),
            out.matches("</div>").count(),
            "{out}"
        );
        assert!(
            out.contains(r#"tabindex="0"><table><tr><td><table>"#),
            "the outer table is wrapped, the inner one not: {out}"
        );
        assert!(out.ends_with("</table></div>"), "{out}");
    }
}
