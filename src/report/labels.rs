//! Labels of the report in Dutch (default) and English.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn parse(text: Option<&str>) -> Option<Lang> {
        match text {
            None | Some("nl") => Some(Lang::Nl),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }
}

/// (key, Dutch, English)
const LABELS: &[(&str, &str, &str)] = &[
    (
        "title",
        "Halfjaarrapportage woonruimteverdeling",
        "Half-year allocation report",
    ),
    ("municipality", "Gemeente", "Municipality"),
    ("period", "Periode", "Period"),
    ("agreement", "Afspraken", "Agreement"),
    (
        "section_quota",
        "1. Quota per partij",
        "1. Quotas per party",
    ),
    ("section_quota_half", "Halfjaar", "Half year"),
    (
        "section_quota_ytd",
        "Jaar tot en met dit halfjaar",
        "Year to date",
    ),
    ("section_trend", "2. Verloop per maand", "2. Month by month"),
    (
        "section_breakdowns",
        "3. Verhuringen naar huurklasse, route, urgentie en huishoudgrootte",
        "3. Lettings by rent class, route, urgency and household size",
    ),
    (
        "section_status_holders",
        "4. Taakstelling statushouders",
        "4. Status-holder task",
    ),
    (
        "section_plan",
        "5. Woonruimteverdelingslijst: plan en realisatie",
        "5. Allocation plan against realisation",
    ),
    (
        "section_alerts",
        "6. Signalen in dit halfjaar",
        "6. Alerts during the half year",
    ),
    (
        "section_completeness",
        "7. Volledigheid van de aanlevering",
        "7. Completeness of the data",
    ),
    ("section_footer", "8. Verantwoording", "8. Sources"),
    ("scope", "Partij", "Scope"),
    (
        "posted",
        "Totaal (geteld + uitgezonderd + niet-sociaal)",
        "Total (counted + excluded + non-social)",
    ),
    ("counted", "Geteld in de quota", "Counted in the quotas"),
    (
        "section_signals_half",
        "Signalen in dit halfjaar",
        "Signals in this half year",
    ),
    (
        "no_signals_half",
        "Geen cijfer stond in dit halfjaar op waarschuwing of daarboven.",
        "No figure was in warning or worse in this half year.",
    ),
    ("total", "Gemeente totaal", "Municipality total"),
    ("metric", "Indicator", "Metric"),
    ("count", "Aantal", "Count"),
    ("denominator", "Noemer", "Denominator"),
    ("share", "Aandeel", "Share"),
    ("limit", "Norm", "Limit"),
    ("bound", "Grens", "Bound"),
    ("state", "Status", "State"),
    ("lettings", "Verhuringen", "Lettings"),
    ("excluded", "Uitgezonderd", "Excluded"),
    ("non_social", "Niet-sociaal", "Non-social"),
    ("month", "Maand", "Month"),
    ("category", "Categorie", "Category"),
    ("rent_class", "Huurklasse", "Rent class"),
    ("route", "Route", "Route"),
    ("urgency", "Urgentie", "Urgency"),
    ("household_size", "Huishoudgrootte", "Household size"),
    ("target", "Taakstelling", "Target"),
    ("carry_over", "Doorgeschoven", "Carried over"),
    (
        "corrected_target",
        "Gecorrigeerde taakstelling",
        "Corrected target",
    ),
    (
        "housed_from_lettings",
        "Gehuisvest via verhuringen",
        "Housed through lettings",
    ),
    ("housed_by_hand", "Gehuisvest overig", "Housed otherwise"),
    ("housed", "Gehuisvest totaal", "Housed"),
    ("balance", "Saldo", "Balance"),
    ("planned", "Gepland", "Planned"),
    (
        "expected_to_date",
        "Verwacht naar rato",
        "Expected pro rata",
    ),
    ("realised", "Gerealiseerd", "Realised"),
    ("difference", "Verschil", "Difference"),
    (
        "expected_available",
        "Verwacht vrijkomend",
        "Expected available",
    ),
    ("version", "Versie", "Version"),
    ("at", "Moment", "At"),
    ("change", "Wijziging", "Change"),
    ("level", "Niveau", "Level"),
    ("year", "Jaar", "Year"),
    ("corporation", "Corporatie", "Corporation"),
    ("norms_year", "Normen jaar", "Norms of"),
    ("source", "Bron", "Source"),
    ("read_at", "Gegevens gelezen op", "Data read at"),
    (
        "quality_discount_limit",
        "Kwaliteitskortingsgrens",
        "Quality discount limit",
    ),
    ("rent_cap_low", "1e aftoppingsgrens", "Low rent cap"),
    ("rent_cap_high", "2e aftoppingsgrens", "High rent cap"),
    ("social_rent_limit", "Huurgrens DAEB", "Social rent limit"),
    (
        "social_income_limit_single",
        "Inkomensgrens DAEB, 1 persoon (per jaar)",
        "DAEB income limit, 1 person (per year)",
    ),
    (
        "social_income_limit_multi",
        "Inkomensgrens DAEB, 2 of meer personen (per jaar)",
        "DAEB income limit, 2 or more persons (per year)",
    ),
    (
        "passend_income_limit_single",
        "Inkomensgrens passend toewijzen, 1 persoon onder AOW-leeftijd",
        "Passend income limit, 1 person below pension age",
    ),
    (
        "passend_income_limit_single_pension",
        "Inkomensgrens passend toewijzen, 1 persoon met AOW-leeftijd",
        "Passend income limit, 1 person at pension age",
    ),
    (
        "passend_income_limit_multi",
        "Inkomensgrens passend toewijzen, 2 of meer personen onder AOW-leeftijd",
        "Passend income limit, 2 or more persons below pension age",
    ),
    (
        "passend_income_limit_multi_pension",
        "Inkomensgrens passend toewijzen, 2 of meer personen met AOW-leeftijd",
        "Passend income limit, 2 or more persons at pension age",
    ),
    (
        "norms_provisional",
        "Voorlopig: de normen van het jaar van toewijzing zijn nog niet bekend; verhuringen zijn beoordeeld met de normen van dit jaar en worden herbeoordeeld zodra ze er zijn.",
        "Provisional: the norms of the allocation year are not known yet; lettings were judged with this year's and are judged again when they are added.",
    ),
    (
        "no_plan",
        "Geen woonruimteverdelingslijst vastgesteld voor dit jaar.",
        "No allocation plan set for this year.",
    ),
    ("no_task", "Geen taakstelling vastgesteld.", "No task set."),
    (
        "no_alerts",
        "Geen signalen in dit halfjaar.",
        "No alerts during this half year.",
    ),
    (
        "small_cells",
        "Aantallen van 1 tot 4 huishoudens staan als <5; x is weggelaten om zo'n aantal te beschermen (0 of minstens 5); een leeg vak is weggelaten omdat het zo'n aantal zou verraden.",
        "Counts of 1 to 4 households are shown as <5; x is withheld to protect such a count (0 or at least 5); an empty cell is withheld because it would give one away.",
    ),
    ("published", "Vastgesteld", "Published"),
    // metrics
    ("urgent_share", "Aandeel urgenten", "Urgent share"),
    (
        "rent_cap_share",
        "Aandeel tot aftoppingsgrens",
        "Rent-cap share",
    ),
    (
        "income_exemption_share",
        "Vrije toewijzingsruimte",
        "Income exemption share",
    ),
    ("passend_share", "Passend toewijzen", "Passend toewijzen"),
    (
        "local_priority_share",
        "Aandeel lokaal maatwerk",
        "Local priority share",
    ),
    // states and bounds
    ("ok", "in orde", "ok"),
    ("warning", "waarschuwing", "warning"),
    ("breach", "overschreden", "breach"),
    (
        "insufficient_data",
        "te weinig verhuringen",
        "insufficient data",
    ),
    ("no_limit", "geen norm", "no limit"),
    ("max", "max.", "max"),
    ("min", "min.", "min"),
    ("opened", "geopend", "opened"),
    ("level_changed", "niveau gewijzigd", "level changed"),
    ("resolved", "opgelost", "resolved"),
    // rent classes
    (
        "up_to_quality_discount_limit",
        "tot kwaliteitskortingsgrens",
        "up to quality discount limit",
    ),
    (
        "up_to_rent_cap_low",
        "tot 1e aftoppingsgrens",
        "up to low rent cap",
    ),
    (
        "up_to_rent_cap_high",
        "tot 2e aftoppingsgrens",
        "up to high rent cap",
    ),
    (
        "up_to_social_rent_limit",
        "tot huurgrens DAEB",
        "up to social rent limit",
    ),
    // routes and categories
    ("regular", "regulier", "regular"),
    ("local_priority", "lokaal maatwerk", "local priority"),
    ("direct", "directe bemiddeling", "direct allocation"),
    ("swap", "woningruil", "home swap"),
    ("internal", "interne verhuizing", "internal move"),
    ("other", "overig", "other"),
    ("none", "geen urgentie", "no urgency"),
    ("medical", "medisch", "medical"),
    ("social", "sociaal", "social"),
    ("homeless_family", "dakloze gezinnen", "homeless families"),
    ("shelter_outflow", "uitstroom opvang", "shelter outflow"),
    ("informal_care", "mantelzorg", "informal care"),
    ("financial", "financieel", "financial"),
    ("restructuring", "herstructurering", "restructuring"),
    ("status_holder", "statushouders", "status holders"),
];

/// A metric's state in words that fit the direction of its limit (report layout 2 on): a
/// minimum is "niet gehaald", not "overschreden"; only the urgent share is a signaalwaarde.
pub fn state_words(metric: &str, state: &str, lang: Lang) -> &'static str {
    let minimum = matches!(metric, "rent_cap_share" | "passend_share");
    let (nl, en) = match state {
        "ok" => ("gehaald", "met"),
        "warning" if minimum => ("bijna onder de norm", "close to the minimum"),
        "warning" => ("bijna aan de grens", "close to the limit"),
        "breach" if minimum => ("niet gehaald", "not reached"),
        "breach" if metric == "urgent_share" => {
            ("boven de signaalwaarde", "above the signal value")
        }
        "breach" => ("boven de norm", "above the limit"),
        "insufficient_data" => (
            "te weinig verhuringen om te beoordelen",
            "too few lettings to judge",
        ),
        _ => ("geen norm", "no limit"),
    };
    if lang == Lang::Nl {
        nl
    } else {
        en
    }
}

/// A metric's state as a report of `version` words it: from layout 2 by the direction of its
/// limit, before that with the one label of each state.
pub fn state_text(version: u32, metric: &str, state: &str, lang: Lang) -> String {
    if version >= 2 {
        state_words(metric, state, lang).to_string()
    } else {
        label(state, lang).to_string()
    }
}

/// A header or word as a report of `version` shows it: from layout 2 in plain words where the
/// first layout used a specialist's term ("Noemer", "Grens", "max.").
pub fn label_v(version: u32, key: &str, lang: Lang) -> String {
    let plain = format!("plain_{key}");
    if version >= 2 && label(&plain, lang) != plain {
        label(&plain, lang).to_string()
    } else {
        label(key, lang).to_string()
    }
}

/// The state key behind a state as a report shows it (a label or [`state_words`]).
pub fn state_key(text: &str, lang: Lang) -> &'static str {
    const STATES: [&str; 5] = ["ok", "warning", "breach", "insufficient_data", "no_limit"];
    const METRICS: [&str; 3] = ["urgent_share", "rent_cap_share", "income_exemption_share"];
    if text == label("no_figures", lang) {
        return "no_limit";
    }
    STATES
        .into_iter()
        .find(|k| {
            label(k, lang) == text || METRICS.iter().any(|m| state_words(m, k, lang) == text) || {
                let v = crate::domain::verdict::verdict(k);
                (if lang == Lang::Nl { v.nl } else { v.en }) == text
            }
        })
        .unwrap_or("ok")
}

/// The label for a key; the key itself when there is none (a corporation id, an agreement's
/// own urgency category).
pub fn label(key: &str, lang: Lang) -> &str {
    LABELS
        .iter()
        .chain(super::labels_print::LABELS)
        .find(|(k, _, _)| *k == key)
        .map(|(_, nl, en)| if lang == Lang::Nl { *nl } else { *en })
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_worded_by_the_direction_of_its_limit() {
        // 65% against the 70% minimum was not reached; it did not exceed anything.
        assert_eq!(
            state_words("rent_cap_share", "breach", Lang::Nl),
            "niet gehaald"
        );
        assert_eq!(
            state_words("passend_share", "warning", Lang::Nl),
            "bijna onder de norm"
        );
        assert_eq!(
            state_words("urgent_share", "breach", Lang::Nl),
            "boven de signaalwaarde"
        );
        assert_eq!(
            state_words("income_exemption_share", "breach", Lang::Nl),
            "boven de norm"
        );
        assert_eq!(state_words("urgent_share", "ok", Lang::En), "met");
        // A published report of layout 1 keeps the words it was published with.
        assert_eq!(
            state_text(1, "rent_cap_share", "breach", Lang::Nl),
            "overschreden"
        );
        assert_eq!(
            state_text(2, "rent_cap_share", "breach", Lang::Nl),
            "niet gehaald"
        );
        // The colour follows the state whichever words show it.
        assert_eq!(state_key("niet gehaald", Lang::Nl), "breach");
        assert_eq!(state_key("overschreden", Lang::Nl), "breach");
        assert_eq!(state_key("bijna aan de grens", Lang::Nl), "warning");
    }
}
