//! An unknown query parameter is a `400 invalid_query` on every endpoint, so a misspelt
//! `?perod=2026` is not silently answered for the default period. The allowed names come from
//! the OpenAPI document, which is built from the same route list as the router.

use std::collections::{BTreeSet, HashMap};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use utoipa::openapi::path::{HttpMethod, ParameterIn};
use utoipa::openapi::OpenApi;

use super::error::ApiError;

/// The query parameters each documented operation takes, by method and path template.
#[derive(Debug, Default)]
pub struct QueryNames {
    allowed: HashMap<(String, String), BTreeSet<String>>,
}

impl QueryNames {
    pub fn from_document(document: &OpenApi) -> Self {
        let mut allowed = HashMap::new();
        for (path, item) in document.paths.paths.iter() {
            let operations = [
                (HttpMethod::Get, &item.get),
                (HttpMethod::Post, &item.post),
                (HttpMethod::Put, &item.put),
                (HttpMethod::Delete, &item.delete),
                (HttpMethod::Patch, &item.patch),
                (HttpMethod::Head, &item.head),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                let names = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|p| p.parameter_in == ParameterIn::Query)
                    .map(|p| p.name.clone())
                    .collect();
                allowed.insert((method_name(&method).to_string(), path.clone()), names);
            }
        }
        Self { allowed }
    }

    /// The first name in `query` that the operation does not take; `None` when all are known or
    /// the operation is not in the document (Swagger UI's assets, for example).
    pub fn unknown(&self, method: &str, pattern: &str, query: &str) -> Option<String> {
        let method = if method == "HEAD" { "GET" } else { method };
        let names = self.allowed.get(&(method.to_string(), template(pattern)))?;
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(name, _)| name.into_owned())
            .find(|name| !names.contains(name))
    }
}

fn method_name(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Delete => "DELETE",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Head => "HEAD",
        HttpMethod::Options => "OPTIONS",
        HttpMethod::Trace => "TRACE",
    }
}

/// An actix pattern as an OpenAPI path: `{reference:.+}` becomes `{reference}`.
fn template(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_regex = false;
    for c in pattern.chars() {
        match c {
            ':' if out.rfind('{') > out.rfind('}') => in_regex = true,
            '}' => {
                in_regex = false;
                out.push(c);
            }
            _ if in_regex => {}
            _ => out.push(c),
        }
    }
    out
}

/// Middleware: answers `400 invalid_query` naming the first unknown query parameter.
pub async fn reject_unknown(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let unknown = match (req.app_data::<web::Data<QueryNames>>(), req.match_pattern()) {
        (Some(names), Some(pattern)) if !req.query_string().is_empty() => {
            names.unknown(req.method().as_str(), &pattern, req.query_string())
        }
        _ => None,
    };
    match unknown {
        Some(name) => {
            let shown: String = name.chars().take(64).collect();
            let error = ApiError::bad_request(
                "invalid_query",
                format!("unknown query parameter {shown:?}; see /api/v1/openapi.json"),
            );
            // With the error attached, so the request log sees its code.
            Ok(req.error_response(error).map_into_right_body())
        }
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actix_patterns_become_openapi_templates() {
        assert_eq!(
            template("/api/v1/lettings/{reference:.+}"),
            "/api/v1/lettings/{reference}"
        );
        assert_eq!(
            template("/api/v1/municipalities/{code}/quota"),
            "/api/v1/municipalities/{code}/quota"
        );
    }

    #[test]
    fn only_documented_names_pass() {
        let names = QueryNames::from_document(&crate::api::openapi::document());
        let quota = "/api/v1/municipalities/{code}/quota";
        assert_eq!(names.unknown("GET", quota, "period=2026"), None);
        assert_eq!(
            names.unknown("GET", quota, "period=2026&perod=2026"),
            Some("perod".to_string())
        );
        assert_eq!(
            names.unknown("DELETE", "/api/v1/lettings/{reference:.+}", "history=true"),
            Some("history".to_string())
        );
        assert_eq!(names.unknown("GET", "/docs/{_:.*}", "x=1"), None);
    }
}
