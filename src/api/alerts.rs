use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::domain::alerts::AlertState;
use crate::domain::small_numbers::Viewer;
use crate::service::alert_list::{self, AlertsBody};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AlertsQuery {
    /// `open` (default), `resolved` or `all`.
    pub state: Option<String>,
    /// Only alerts of this calendar year.
    pub year: Option<i32>,
}

/// Signal alerts of a municipality: raised on the year-to-date figures of each calendar year,
/// per metric and scope, when a share nears (`warning`) or crosses (`breach`) its limit.
#[utoipa::path(
    tag = "alerts",
    params(("code" = String, Path, description = "CBS municipality code"), AlertsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The alerts, newest first", body = AlertsBody),
        (status = 400, description = "Bad state or year", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/alerts")]
pub async fn get_alerts(
    caller: MunicipalityReader,
    query: web::Query<AlertsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let filter = match query.state.as_deref() {
        None => Some(AlertState::Open),
        Some("all") => None,
        Some(text) => Some(AlertState::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_state",
                format!("state {text:?} is not one of open, resolved, all"),
            )
        })?),
    };
    let year = query.year;
    let viewer = Viewer::of(caller.org(), &code);
    let body = caller
        .db(&state, move |conn| {
            alert_list::list_for(conn, &code, filter, year, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_alerts);
}
