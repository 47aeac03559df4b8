//! The OpenAPI 3.1 document, generated from the handlers' annotations so it cannot drift.

use actix_web::{get, web, App, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use super::{error, lettings};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "quotamonitor",
        description = "Monitors the letting of social rental homes against Dutch performance agreements (prestatieafspraken): urgent share, rent-cap share, income exemption share and passend toewijzen.",
    ),
    components(schemas(
        error::ErrorBody,
        error::Problem,
        lettings::LettingRecord,
        lettings::LettingBatch,
        crate::service::quota::QuotaBody,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "lettings", description = "Letting records (verhuringen) posted by corporations"),
        (name = "quota", description = "Quota status per municipality and period"),
        (name = "alerts", description = "Signal alerts on the year-to-date figures"),
        (name = "status holders", description = "The status-holder task (taakstelling) per half year"),
        (name = "allocation plan", description = "The yearly allocation plan (woonruimteverdelingslijst)"),
        (name = "reports", description = "The half-year report for the administrative meeting, and its publication"),
        (name = "service", description = "Health, metrics and documentation"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from `quotamonitor token create --org ID`",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document, served as it was built at start-up.
pub struct Document(pub String);

/// The OpenAPI document: the description above, with the paths and schemas of every route
/// [`super::routes`] registers.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(super::routes)
        .split_for_parts();
    document
}

/// The OpenAPI document. No token needed.
#[utoipa::path(tag = "service", responses((status = 200, description = "The OpenAPI 3.1 document")))]
#[get("/api/v1/openapi.json")]
pub async fn openapi_json(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(openapi_json);
}
