//! Webhook subscriptions to alert changes, and their delivery state.

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::error::{ApiError, ErrorBody, Problem};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::db::organisations::{OrgKind, Organisation};
use crate::db::webhooks::{self as store, DeliveryRow, WebhookRow};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where alert changes are POSTed: an `http` or `https` URL.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookBody {
    pub id: i64,
    pub municipality: String,
    /// The organisation that registered it.
    pub owner: String,
    pub url: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// Only in the answer to the registration: the HMAC-SHA256 key of the signatures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub pending: usize,
    pub delivered: usize,
    /// The last failure of a delivery that is still pending.
    pub last_error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryBody {
    pub id: i64,
    pub alert_id: i64,
    pub event: String,
    /// `pending` or `delivered`.
    pub state: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRow> for DeliveryBody {
    fn from(d: DeliveryRow) -> Self {
        Self {
            id: d.id,
            alert_id: d.alert_id,
            next_attempt_at: (d.state == "pending").then(|| d.next_attempt_at.and_utc()),
            event: d.event,
            state: d.state,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: d.created_at.and_utc(),
            delivered_at: d.delivered_at.map(|t| t.and_utc()),
        }
    }
}

fn body(hook: WebhookRow, deliveries: &[DeliveryRow], secret: bool) -> WebhookBody {
    WebhookBody {
        id: hook.id,
        pending: deliveries.iter().filter(|d| d.state == "pending").count(),
        delivered: deliveries.iter().filter(|d| d.state == "delivered").count(),
        last_error: deliveries
            .iter()
            .filter(|d| d.state == "pending")
            .find_map(|d| d.last_error.clone()),
        municipality: hook.municipality,
        owner: hook.owner,
        url: hook.url,
        active: hook.active,
        created_at: hook.created_at.and_utc(),
        secret: secret.then_some(hook.secret),
    }
}

/// The municipality sees every webhook on its alerts; another reader only its own.
fn may_see(caller: &Organisation, hook: &WebhookRow) -> bool {
    hook.owner == caller.id
        || (caller.kind == OrgKind::Municipality && caller.id == hook.municipality)
}

/// Subscribes a URL to the municipality's alert changes. Any organisation that may read the
/// municipality's alerts can subscribe. The answer holds the signing secret, once.
#[utoipa::path(
    tag = "alerts",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code")),
    request_body = WebhookRequest,
    responses(
        (status = 201, description = "Registered; keep the secret", body = WebhookBody),
        (status = 403, description = "Not a reader of this municipality", body = ErrorBody),
        (status = 422, description = "Not an http(s) URL", body = ErrorBody),
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
    let parsed = reqwest::Url::parse(&url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if parsed.is_none() || url.len() > 2000 {
        return Err(ApiError::Validation {
            message: "the webhook URL is not valid".into(),
            problems: vec![Problem {
                index: None,
                reference: None,
                field: Some("url".into()),
                message: format!("{url:?} is not an http or https URL"),
                line: None,
            }],
        });
    }
    let owner = caller.org().id.clone();
    let secret = hex::encode(rand::random::<[u8; 32]>());
    let now = Utc::now().naive_utc();
    let hook = caller
        .db(&state, move |conn| {
            store::insert_webhook(conn, &code, &owner, &url, &secret, now).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Created().json(body(hook, &[], true)))
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
            let mut out = Vec::new();
            for hook in store::webhooks_of(conn, &code)?
                .into_iter()
                .filter(|h| may_see(&who, h))
            {
                let deliveries = store::deliveries(conn, hook.id, i64::MAX)?;
                out.push(body(hook, &deliveries, false));
            }
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

async fn own_hook(
    caller: &Caller,
    code: &str,
    id: i64,
    state: &AppState,
) -> Result<WebhookRow, ApiError> {
    let hook = caller
        .db(state, move |conn| {
            store::find_webhook(conn, id).map_err(ApiError::from)
        })
        .await?;
    hook.filter(|h| h.municipality == code && may_see(caller.org(), h))
        .ok_or_else(|| {
            ApiError::not_found(
                "webhook_not_found",
                format!("no webhook {id} of yours on {code}"),
            )
        })
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
    own_hook(&caller, &code, id, &state).await?;
    let list = caller
        .db(&state, move |conn| {
            store::deliveries(conn, id, 500).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list.into_iter().map(DeliveryBody::from).collect::<Vec<_>>()))
}

/// Stops a webhook: no new deliveries are queued for it; its history stays.
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
    own_hook(&caller, &code, id, &state).await?;
    caller
        .db(&state, move |conn| {
            store::deactivate(conn, id).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(post_webhook)
        .service(list_webhooks)
        .service(list_deliveries)
        .service(delete_webhook);
}
