//! The web portal for people: the municipality, its corporations and its tenant associations in
//! the browser (docs/portal.md). Pages are rendered on the server (maud), readable without
//! JavaScript, with every asset built into the binary. A page acts with the rights of the
//! person's organisation through the same [`Caller`](crate::api::auth::Caller) and access
//! checks as the API, and reads through the same service functions.

pub mod afspraken;
pub mod chart;
pub mod error;
pub mod layout;
pub mod login;
pub mod overview;
pub mod reports;
pub mod session;
pub mod signals;
pub mod text;
pub mod upload;

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
        .service(reports::download)
        .service(afspraken::afspraken_page)
        .service(afspraken::post_update);
}
