//! The domain rules of the quota monitor: pure functions and values, no I/O.
//!
//! Where to find a rule (Dutch term → module):
//! - normen per jaar, aftoppingsgrenzen, inkomensgrenzen → [`norms`]
//! - prestatieafspraken, signaalwaarden, urgentiecategorieën → [`agreement`]
//! - de genummerde afspraken, trekker, planning, voortgang, stoplicht → [`afspraken`]
//! - verhuring: validatie en classificatie (sociaal, huurklasse, passend toewijzen,
//!   vrije toewijzingsruimte, urgent) → [`letting`]
//! - periode (maand, kwartaal, halfjaar, jaar) → [`period`]
//! - de meetwaarden van de afspraken (urgent_share, rent_cap_share, …), max. of min. → [`metric`]
//! - quotum, aandeel, signaal (ok / warning / breach) → [`quota`]
//! - ruimte tot de norm (headroom: hoeveel verhuringen passen nog), prognose jaareinde → [`headroom`]
//! - wettelijke toets per corporatie en jaar (vrije toewijzingsruimte, passend toewijzen over
//!   alle gemeenten) → [`legal`]
//! - signalering (alerts openen, ophogen, afsluiten) → [`alerts`]
//! - taakstelling statushouders (doorschuiven tekort/overschot, tempo) → [`status_holders`]
//! - woonruimteverdelingslijst (verdeelplan per categorie) → [`allocation_plan`]
//! - bedragen in centen → [`money`]
//! - kleine aantallen (<5), primaire en secundaire onderdrukking → [`disclosure`]; toegepast
//!   op de quotacijfers van een jaar → [`small_numbers`]; op de uitsplitsingen, het
//!   verdeelplan en de taakstelling statushouders → [`linked_tables`]
//! - webhooks: toegestane adressen, wie welke ziet, afleverstatus → [`webhook`]
//! - gemeente, corporatie, huurdersorganisatie → [`organisation`]
//! - een probleem in aangeleverde gegevens (veld, regel, melding) → [`problem`]
//! - audittrail (wie wijzigde wat, wanneer), notities bij een signaal → [`audit`]
//! - aanlevering gereedmelden, ontvangstbewijs (digest), volledigheid, aanleverdatum →
//!   [`submission`]
//! - aanlevering: Nederlandse kolomnamen, datums (3-11-2026), ja/nee en WAAR/ONWAAR,
//!   bedragen (€ 1.234,56), waarschuwingen bij onwaarschijnlijke waarden → [`upload`]
//! - deellink naar een gepubliceerde rapportage (geldigheid, intrekken) → [`share_link`]
//! - wat als: geplande verhuringen bij de echte cijfers optellen → [`what_if`]
//! - oordeel op de eerste pagina van de halfjaarrapportage (gehaald, bijna aan de grens,
//!   niet gehaald, te weinig verhuringen) → [`verdict`]
//! - woningvoorraad per peildatum (VERA-eenheden), sociale voorraad, middenhuur, mutaties
//!   (nieuwbouw, aankoop, verkoop, sloop, liberalisatie), energielabels (E/F/G, geldigheid),
//!   conditiescore → [`stock`]
//! - nieuwbouwmix (30% sociale huur, 40% middensegment per project), regionale
//!   realisatieagenda (RRA): restant en benodigd tempo → [`new_build`]
//! - inloggen op het portaal: verlopen van een sessie, wachtwoordeisen, e-mailadres →
//!   [`session`]

pub mod afspraken;
pub mod agreement;
pub mod alerts;
pub mod allocation_plan;
pub mod audit;
pub mod disclosure;
pub mod headroom;
pub mod legal;
pub mod letting;
pub mod linked_tables;
pub mod metric;
pub mod money;
pub mod new_build;
pub mod norms;
pub mod organisation;
pub mod period;
pub mod problem;
pub mod quota;
pub mod session;
pub mod share_link;
pub mod small_numbers;
pub mod status_holders;
pub mod stock;
pub mod submission;
pub mod upload;
pub mod verdict;
pub mod webhook;
pub mod what_if;
