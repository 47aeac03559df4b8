//! The ceiling for the quota endpoint in `scripts/bench-quota.sh`: a minimal actix-web server
//! with no authentication, no domain folding and no response model. `/aggregate` runs the quota
//! aggregate (the same single SQL statement the service runs: the period's months of
//! `letting_month_counts` summed per corporation and classification) for a municipality and
//! half year and returns its rows as JSON; `/static` returns a fixed JSON body.
//!
//!     QUOTAMONITOR_DATABASE_URL=... cargo run --release --example quota_ceiling -- 127.0.0.1:8181

use actix_web::{web, App, HttpResponse, HttpServer};
use chrono::NaiveDate;
use quotamonitor::db::{self, quota::count_period_groups, Pool};
use serde::Deserialize;

#[derive(Deserialize)]
struct Query {
    municipality: String,
    from: NaiveDate,
    to: NaiveDate,
}

async fn aggregate(pool: web::Data<Pool>, query: web::Query<Query>) -> HttpResponse {
    let pool = pool.clone();
    let result = web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        count_period_groups(&mut conn, &query.municipality, query.from, query.to)
            .map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(rows)) => {
            let body: Vec<_> = rows
                .iter()
                .map(|g| {
                    (
                        &g.corporation,
                        g.is_social,
                        g.is_counted,
                        &g.urgency,
                        g.within_rent_cap,
                        g.income_above_limit,
                        g.in_passend_denominator,
                        g.passend_compliant,
                        g.lettings,
                    )
                })
                .collect();
            HttpResponse::Ok().json(body)
        }
        _ => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8181".into());
    let url = std::env::var("QUOTAMONITOR_DATABASE_URL")
        .unwrap_or_else(|_| "sqlite://data/quotamonitor.db".into());
    // The service's own pool size (QUOTAMONITOR_POOL_SIZE, default 8), so both wait alike.
    let pool_size = std::env::var("QUOTAMONITOR_POOL_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let pool = db::connect_pool(&url, pool_size).map_err(std::io::Error::other)?;
    let data = web::Data::new(pool);
    HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/aggregate", web::get().to(aggregate))
            .route(
                "/static",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(r#"{"status":"ok","scopes":[]}"#)
                }),
            )
    })
    .bind(bind)?
    .run()
    .await
}
