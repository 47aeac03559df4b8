//! The web portal for people: the municipality, its corporations and its tenant associations in
//! the browser (docs/portal.md). Pages are rendered on the server (maud), readable without
//! JavaScript, with every asset built into the binary. A page acts with the rights of the
//! person's organisation through the same [`Caller`](crate::api::auth::Caller) and access
//! checks as the API, and reads through the same service functions.

pub mod afspraken;
pub mod chart;
pub mod error;
pub mod fields;
pub mod headroom_text;
pub mod layout;
pub mod lettings;
pub mod login;
pub mod overview;
pub mod plan;
pub mod reports;
pub mod session;
pub mod settings;
pub mod share;
pub mod signals;
pub mod status_holders;
pub mod submissions;
pub mod text;
pub mod tokens;
pub mod upload;
pub mod what_if;

use actix_web::web;

use crate::domain::session::SessionPolicy;

/// What the portal needs beyond the API's state.
#[derive(Debug, Clone, Copy)]
pub struct WebSettings {
    /// Mark cookies `Secure`: always, except when the service listens on loopback only (then
    /// it is reached over plain http on the same machine).
    pub secure_cookies: bool,
    pub sessions: SessionPolicy,
}

/// The portal's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(layout::stylesheet)
        .service(overview::home)
        .service(overview::overview)
        .service(login::login_form)
        .service(login::login)
        .service(login::logout)
        .service(login::password_form)
        .service(login::set_password)
        .service(signals::signals)
        .service(signals::add_note)
        .service(upload::upload_form)
        .service(upload::upload)
        .service(reports::reports)
        .service(reports::download);
    // What if, publishing and share links, API tokens (h-portal-a).
    cfg.service(what_if::what_if_home)
        .service(what_if::what_if_page)
        .service(share::publish)
        .service(share::create)
        .service(share::revoke)
        .service(share::open)
        .service(share::download)
        .service(tokens::tokens)
        .service(tokens::create)
        .service(tokens::revoke);
    cfg.service(settings::settings_page)
        .service(settings::save_settings)
        .service(status_holders::own_status_holders)
        .service(status_holders::page)
        .service(status_holders::set_target)
        .service(status_holders::add_placement)
        .service(plan::own_plan)
        .service(plan::page)
        .service(plan::store_plan)
        .service(plan::set_expected_homes)
        .service(lettings::list)
        .service(lettings::withdraw_letting)
        .service(lettings::letting_page)
        .service(submissions::page)
        .service(submissions::declare);
    cfg.service(afspraken::afspraken_page)
        .service(afspraken::post_update);
}
