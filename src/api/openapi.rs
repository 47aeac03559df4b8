//! The OpenAPI 3.1 document, generated from the handlers' annotations so it cannot drift.

use actix_web::{get, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{alerts, error, health, lettings, plans, quota, reports, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "quotamonitor",
        description = "Monitors the letting of social rental homes against Dutch performance agreements (prestatieafspraken): urgent share, rent-cap share, income exemption share and passend toewijzen.",
    ),
    paths(
        health::health,
        lettings::post_lettings,
        lettings::get_letting,
        lettings::delete_letting,
        quota::get_quota,
        alerts::get_alerts,
        plans::put_target,
        plans::post_placement,
        plans::get_status_holders,
        plans::put_plan,
        plans::get_plan,
        reports::get_report,
        reports::publish_report,
        webhooks::post_webhook,
        webhooks::list_webhooks,
        webhooks::list_deliveries,
        webhooks::delete_webhook,
    ),
    components(schemas(
        error::ErrorBody,
        error::Problem,
        lettings::LettingRecord,
        lettings::LettingBatch,
        crate::quota::QuotaBody,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "lettings", description = "Letting records (verhuringen) posted by corporations"),
        (name = "quota", description = "Quota status per municipality and period"),
        (name = "alerts", description = "Signal alerts on the year-to-date figures"),
        (name = "status holders", description = "The status-holder task (taakstelling) per half year"),
        (name = "allocation plan", description = "The yearly allocation plan (woonruimteverdelingslijst)"),
        (name = "reports", description = "The half-year report for the administrative meeting, and its publication"),
        (name = "service", description = "Health and documentation"),
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

/// The OpenAPI document. No token needed.
#[utoipa::path(tag = "service", responses((status = 200, description = "The OpenAPI 3.1 document")))]
#[get("/api/v1/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
