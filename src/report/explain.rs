//! Plain words for the printed report (HTML and PDF, layout 2 on): a short explanation under
//! each table for a reader who is not a specialist, and the glossary (Begrippen).

use super::grid::{Cell, Table};
use super::labels::Lang;

/// (table name, Dutch, English)
const EXPLANATIONS: &[(&str, &str, &str)] = &[
    (
        "Samenvatting",
        "Per afspraak het aandeel van de verhuringen in dit halfjaar en het oordeel: gehaald, bijna aan de grens, niet gehaald, of te weinig verhuringen om te beoordelen. Daarnaast hetzelfde halfjaar een jaar eerder.",
        "For each agreed figure the share of the lettings in this half year and the verdict: met, close to the limit, not met, or too few lettings to judge. Beside it the same half year a year earlier.",
    ),
    (
        "Kern",
        "De taakstelling voor statushouders en het verdeelplan, elk in één regel; de details staan in hoofdstuk 4 en 5.",
        "The status-holder task and the allocation plan, each in one line; the details are in sections 4 and 5.",
    ),
    (
        "Bespreekpunten",
        "Voorstellen voor het overleg, afgeleid uit de cijfers die bijna of niet aan de afspraak voldoen, achterstanden en de notities bij signalen.",
        "Suggestions for the meeting, drawn from figures near or past their limit, delays and the notes on alerts.",
    ),
    (
        "Quota halfjaar",
        "Aantal: de verhuringen die aan de afspraak meetellen. Waarover berekend: alle verhuringen waarop de afspraak van toepassing is. Aandeel = aantal gedeeld door waarover berekend. Een norm met ‘ten hoogste’ mag niet overschreden worden, een norm met ‘ten minste’ moet gehaald worden.",
        "Count: the lettings that count towards the agreement. Out of: all lettings the agreement applies to. Share = count divided by out of. A maximum may not be exceeded; a minimum must be reached.",
    ),
    (
        "Quota jaar",
        "Dezelfde cijfers over het hele jaar tot en met dit halfjaar: de wettelijke toets gaat per jaar.",
        "The same figures over the year up to and including this half year: the legal test is per year.",
    ),
    (
        "Verhuringen",
        "Hoeveel verhuringen er zijn gemeld, hoeveel meetellen in de afspraken, hoeveel om een reden zijn uitgezonderd en hoeveel boven de huurgrens lagen (geen sociale huur).",
        "How many lettings were reported, how many count in the agreements, how many were excluded for a reason and how many were above the social rent limit.",
    ),
    (
        "Verloop",
        "Alleen de maanden met genoeg verhuringen om een oordeel te geven; de grafieken hierboven tonen elke maand.",
        "Only the months with enough lettings to judge; the charts above show every month.",
    ),
    (
        "Huurklasse",
        "Hoe duur de verhuurde woningen waren, van goedkoop naar duur.",
        "How expensive the homes let were, from cheapest to dearest.",
    ),
    (
        "Route",
        "Langs welke weg de woningen zijn verhuurd.",
        "Which way the homes were let.",
    ),
    (
        "Urgentie",
        "Met welke urgentie de nieuwe huurders een woning kregen.",
        "With which urgency the new tenants got a home.",
    ),
    (
        "Huishoudgrootte",
        "Het aantal personen in de huishoudens die een woning kregen.",
        "The number of persons in the households that got a home.",
    ),
    (
        "Categorie",
        "De verhuringen naar de categorieën van het verdeelplan.",
        "The lettings by the categories of the allocation plan.",
    ),
    (
        "Statushouders",
        "Het aantal statushouders (vergunninghouders) dat de gemeente dit halfjaar moet huisvesten, een tekort of overschot uit het vorige halfjaar meegerekend, en hoeveel er gehuisvest zijn.",
        "The number of status holders the municipality is to house this half year, with any shortfall or surplus of the previous half year, and how many were housed.",
    ),
    (
        "Verdeelplan",
        "Het plan van het jaar per categorie, wat er naar rato tot nu verwacht mocht worden en wat er werkelijk verhuurd is. Een negatief verschil is een achterstand.",
        "The year's plan per category, what could be expected pro rata so far and what was actually let. A negative difference is a delay.",
    ),
    (
        "Signalen halfjaar",
        "Cijfers die in dit halfjaar of over het jaar bijna of niet aan de afspraak voldeden.",
        "Figures that were near or past their limit in this half year or over the year.",
    ),
    (
        "Signalen",
        "Wanneer de monitor een signaal gaf, veranderde of afsloot. Signalen zijn gedateerd op het moment dat de gegevens binnenkwamen.",
        "When the monitor opened, changed or resolved an alert. Alerts are dated when the data arrived.",
    ),
    (
        "Volledigheid",
        "Het aantal gemelde verhuringen per corporatie en maand. Een 0 kan betekenen dat er nog niets is aangeleverd.",
        "Lettings reported per corporation and month. A 0 may mean nothing was delivered yet.",
    ),
    (
        "Verantwoording",
        "Op welke afspraken en landelijke normen de cijfers berusten.",
        "Which agreement and national norms the figures rest on.",
    ),
    (
        "Herzieningen",
        "Cijfers die zijn veranderd sinds het rapport werd vastgesteld, bijvoorbeeld door late of gecorrigeerde aanleveringen.",
        "Figures that changed since the report was published, for instance through late or corrected deliveries.",
    ),
];

/// The explanation printed under a table, by the table's name.
pub fn explanation(name: &str, lang: Lang) -> Option<&'static str> {
    EXPLANATIONS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, nl, en)| if lang == Lang::Nl { *nl } else { *en })
}

/// (term NL, meaning NL, term EN, meaning EN)
const GLOSSARY: &[(&str, &str, &str, &str)] = &[
    (
        "Aftoppingsgrens",
        "Huurbedrag waarboven huurders met huurtoeslag minder toeslag krijgen; afspraken vragen dat een deel van de woningen daaronder wordt verhuurd.",
        "Rent cap",
        "The rent above which housing benefit is reduced; agreements ask that part of the homes is let below it.",
    ),
    (
        "Huurgrens DAEB",
        "De grens tussen sociale huur en vrije sector.",
        "Social rent limit",
        "The boundary between social and private rent.",
    ),
    (
        "Lokaal maatwerk",
        "Woningen die met voorrang aan mensen met een band met de gemeente of wijk worden toegewezen.",
        "Local priority",
        "Homes allocated with priority to people with ties to the municipality or neighbourhood.",
    ),
    (
        "Passend toewijzen",
        "De wettelijke regel dat huishoudens met een laag inkomen een woning met een huur tot de aftoppingsgrens krijgen.",
        "Passend toewijzen",
        "The legal rule that low-income households get a home with a rent up to the rent cap.",
    ),
    (
        "Signaalwaarde",
        "Een afgesproken grens die, als die wordt bereikt, aanleiding is om het gesprek aan te gaan.",
        "Signal value",
        "An agreed threshold that, when reached, calls for discussion.",
    ),
    (
        "Statushouder",
        "Een vluchteling met een verblijfsvergunning, die de gemeente moet huisvesten (taakstelling).",
        "Status holder",
        "A refugee with a residence permit, whom the municipality is to house (the task).",
    ),
    (
        "Urgent",
        "Een woningzoekende met voorrang, bijvoorbeeld om medische redenen of na uitstroom uit de opvang.",
        "Urgent",
        "A home seeker with priority, for instance for medical reasons or after leaving a shelter.",
    ),
    (
        "Vrije toewijzingsruimte",
        "Het deel van de sociale huurwoningen dat aan huishoudens met een inkomen boven de inkomensgrens mag worden verhuurd.",
        "Income exemption share",
        "The part of social homes that may be let to households with an income above the income limit.",
    ),
    (
        "Woonruimteverdelingslijst",
        "Het verdeelplan: hoeveel woningen per jaar naar welke groep gaan.",
        "Allocation plan",
        "The plan of how many homes per year go to which group.",
    ),
    (
        "<5 en x",
        "Een aantal van 1 tot 4 huishoudens staat als <5; een x is weggelaten omdat het zo'n klein aantal zou verraden. Zo is niemand te herkennen.",
        "<5 and x",
        "A count of 1 to 4 households is shown as <5; an x is left out because it would give such a count away. So nobody can be recognised.",
    ),
];

/// The glossary as a table of two columns.
pub fn glossary(lang: Lang) -> Table {
    let (title, term, meaning) = match lang {
        Lang::Nl => ("Begrippen", "Begrip", "Betekenis"),
        Lang::En => ("Glossary", "Term", "Meaning"),
    };
    Table {
        name: "Begrippen".into(),
        title: title.into(),
        headers: vec![term.into(), meaning.into()],
        rows: GLOSSARY
            .iter()
            .map(|(tn, mn, te, me)| match lang {
                Lang::Nl => vec![Cell::Text((*tn).into()), Cell::Text((*mn).into())],
                Lang::En => vec![Cell::Text((*te).into()), Cell::Text((*me).into())],
            })
            .collect(),
        empty_note: None,
    }
}
