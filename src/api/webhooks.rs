//! Webhook subscriptions to alert changes, and their delivery state.

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::Utc;

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::domain::webhook::MAX_ACTIVE_PER_OWNER;
use crate::service::webhook_addresses;
use crate::service::webhook_subscriptions::{
    self as subscriptions, DeliveryBody, Registration, Retry, WebhookBody, WebhookRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;

/// Subscribes a URL to the municipality's alert changes. Any organisation that may read the
/// municipality's alerts can subscribe, with at most 10 active webhooks per municipality. The
/// URL must be `https` and its host must be, or resolve only to, public addresses, unless the
/// service allows private addresses. The answer holds the signing secret, once.
#[utoipa::path(
    tag = "alerts",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code")),
    request_body = WebhookRequest,
    responses(
        (status = 201, description = "Registered; keep the secret", body = WebhookBody),
        (status = 403, description = "Not a reader of this municipality", body = ErrorBody),
        (status = 422, description = "Not an allowed URL (see the address policy), or the caller already has the most active webhooks allowed on this municipality", body = ErrorBody),
    )
)]
#[post("/api/v1/municipalities/{code}/webhooks")]
pub async fn post_webhook(
    caller: MunicipalityReader,
    request: web::Json<WebhookRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let url = request.into_inner().url;
    webhook_addresses::vet(&url, state.webhook_allow_private_addresses)
        .await
        .map_err(|message| ApiError::invalid_field("url", message))?;
    let actor = caller.actor();
    let now = Utc::now().naive_utc();
    let registration = caller
        .db(&state, move |conn| {
            subscriptions::register(conn, &code, &actor, &url, now)
        })
        .await?;
    match registration {
        Registration::Registered(hook) => Ok(HttpResponse::Created().json(hook)),
        Registration::TooMany => Err(ApiError::Unprocessable {
            code: "too_many_webhooks",
            message: format!(
                "an organisation may have at most {MAX_ACTIVE_PER_OWNER} active webhooks on a \
                 municipality; delete one first"
            ),
        }),
    }
}

/// The webhooks on the municipality's alerts (all of them for the municipality, otherwise the
/// caller's own), with their delivery counts.
#[utoipa::path(
    tag = "alerts",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code")),
    responses((status = 200, description = "The webhooks", body = [WebhookBody]), (status = 403, description = "Not a reader", body = ErrorBody))
)]
#[get("/api/v1/municipalities/{code}/webhooks")]
pub async fn list_webhooks(
    caller: MunicipalityReader,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let who = caller.org().clone();
    let list = caller
        .db(&state, move |conn| {
            subscriptions::visible(conn, &who, &code)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

fn no_such_webhook(id: i64, code: &str) -> ApiError {
    ApiError::not_found(
        "webhook_not_found",
        format!("no webhook {id} of yours on {code}"),
    )
}

/// The deliveries of one webhook, newest first (at most 500): state, attempts, last answer.
#[utoipa::path(
    tag = "alerts",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code"), ("id" = i64, Path, description = "Webhook id")),
    responses((status = 200, description = "Deliveries", body = [DeliveryBody]), (status = 404, description = "No such webhook of yours", body = ErrorBody))
)]
#[get("/api/v1/municipalities/{code}/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    caller: MunicipalityReader,
    path: web::Path<(String, i64)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, id) = path.into_inner();
    let code = caller.code().to_string();
    let who = caller.org().clone();
    let list = caller
        .db(&state, move |conn| -> diesel::QueryResult<_> {
            match subscriptions::find_visible(conn, &who, &code, id)? {
                Some(hook) => Ok(Some(subscriptions::deliveries(conn, hook.id)?)),
                None => Ok(None),
            }
        })
        .await?
        .ok_or_else(|| no_such_webhook(id, caller.code()))?;
    Ok(HttpResponse::Ok().json(list))
}

/// Retries a failed delivery (one that failed at every attempt): it goes back in line before
/// the webhook's later deliveries, with every attempt to make again. Who may see the webhook
/// may retry its deliveries.
#[utoipa::path(
    tag = "alerts",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "CBS municipality code"),
        ("id" = i64, Path, description = "Webhook id"),
        ("delivery" = i64, Path, description = "Delivery id"),
    ),
    responses(
        (status = 200, description = "Back in line: the delivery, pending again", body = DeliveryBody),
        (status = 404, description = "No such webhook of yours, or no such delivery of it", body = ErrorBody),
        (status = 409, description = "The delivery is not failed, or the webhook is stopped", body = ErrorBody),
    )
)]
#[post("/api/v1/municipalities/{code}/webhooks/{id}/deliveries/{delivery}/retry")]
pub async fn retry_delivery(
    caller: MunicipalityReader,
    path: web::Path<(String, i64, i64)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, id, delivery) = path.into_inner();
    let code = caller.code().to_string();
    let who = caller.org().clone();
    let now = Utc::now().naive_utc();
    let actor = caller.actor();
    let outcome = caller
        .db(&state, move |conn| -> diesel::QueryResult<_> {
            match subscriptions::find_visible(conn, &who, &code, id)? {
                Some(hook) => subscriptions::retry(conn, &hook, delivery, &actor, now).map(Some),
                None => Ok(None),
            }
        })
        .await?
        .ok_or_else(|| no_such_webhook(id, caller.code()))?;
    match outcome {
        Retry::Queued(body) => Ok(HttpResponse::Ok().json(body)),
        Retry::NotFound => Err(ApiError::not_found(
            "delivery_not_found",
            format!("webhook {id} has no delivery {delivery}"),
        )),
        Retry::NotFailed(current) => Err(ApiError::Conflict(format!(
            "delivery {delivery} is {}; only a failed delivery can be retried",
            current.as_str()
        ))),
        Retry::Stopped => Err(ApiError::Conflict(format!(
            "webhook {id} is stopped; register the URL again to receive alert changes"
        ))),
    }
}

/// Stops a webhook: no new deliveries are queued for it and those still pending are
/// cancelled; its history stays.
#[utoipa::path(
    tag = "alerts",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code"), ("id" = i64, Path, description = "Webhook id")),
    responses((status = 204, description = "Stopped"), (status = 404, description = "No such webhook of yours", body = ErrorBody))
)]
#[delete("/api/v1/municipalities/{code}/webhooks/{id}")]
pub async fn delete_webhook(
    caller: MunicipalityReader,
    path: web::Path<(String, i64)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, id) = path.into_inner();
    let code = caller.code().to_string();
    let who = caller.org().clone();
    let now = Utc::now().naive_utc();
    let actor = caller.actor();
    caller
        .db(&state, move |conn| -> diesel::QueryResult<_> {
            match subscriptions::find_visible(conn, &who, &code, id)? {
                Some(hook) => subscriptions::stop(conn, &hook, &actor, now).map(Some),
                None => Ok(None),
            }
        })
        .await?
        .ok_or_else(|| no_such_webhook(id, caller.code()))?;
    Ok(HttpResponse::NoContent().finish())
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(post_webhook)
        .service(list_webhooks)
        .service(list_deliveries)
        .service(retry_delivery)
        .service(delete_webhook);
}
