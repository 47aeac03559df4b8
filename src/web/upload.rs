//! Upload (corporations): to come.

use actix_web::{get, post, HttpResponse};

use super::error::WebError;
use super::session::Signed;

#[get("/upload")]
pub async fn upload_form(_signed: Signed) -> Result<HttpResponse, WebError> {
    Ok(HttpResponse::NotImplemented().finish())
}

#[post("/upload")]
pub async fn upload(_signed: Signed) -> Result<HttpResponse, WebError> {
    Ok(HttpResponse::NotImplemented().finish())
}
