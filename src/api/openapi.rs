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
        (name = "afspraken", description = "The numbered afspraken of the agreement: trekker, planning, progress updates and a traffic light each"),
        (name = "allocation plan", description = "The yearly allocation plan (woonruimteverdelingslijst)"),
        (name = "reports", description = "The half-year report for the administrative meeting, and its publication"),
        (name = "submissions", description = "Declaring a month complete (gereedmelding), its receipt, and completeness against the data deadline"),
        (name = "stock", description = "The housing stock per corporation and reference date (VERA units): the social stock, middenhuur, changes by cause, energy labels, condition"),
        (name = "new build", description = "New build against the agreement: the per-project mix rule and the regional (RRA) target"),
        (name = "audit", description = "The audit trail of every change, for the municipality itself"),
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
    let mut document = document;
    declare_load_answers(&mut document);
    document
}

/// Declares the answers the middleware and the ingest give on any route, which no handler's
/// annotation lists: `429` (with `Retry-After`) on every operation, since every request counts
/// against its client address; `503` (with `Retry-After`) on the ingest, at its limit of
/// concurrent ingests.
fn declare_load_answers(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, ResponseBuilder};
    let answer = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::Integer),
                    )
                    .description(Some("Seconds to wait before trying again"))
                    .build(),
            )
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    let too_many = answer(
        "Too many requests from this client or token, or too many with a bad token \
         (error `rate_limited`); try again after Retry-After seconds",
    );
    let busy = answer(
        "The service is at its limit of concurrent ingests (error `busy`); try again after \
         Retry-After seconds",
    );
    for (path, item) in document.paths.paths.iter_mut() {
        let is_ingest = path == "/api/v1/lettings" || path.ends_with("/stock/snapshots");
        for (method, operation) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
            ("head", &mut item.head),
            ("options", &mut item.options),
            ("trace", &mut item.trace),
        ] {
            let Some(operation) = operation else { continue };
            let responses = &mut operation.responses.responses;
            responses
                .entry("429".into())
                .or_insert_with(|| too_many.clone().into());
            if is_ingest && method == "post" {
                responses
                    .entry("503".into())
                    .or_insert_with(|| busy.clone().into());
            }
        }
    }
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
