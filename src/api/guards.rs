//! Request guards for who may read and change a municipality's figures, decided once for every
//! handler with a `{code}` in its path. Each checks, in this order: the token (401), the code
//! (404 unless `GM` + 4 digits), the organisation's right (403).

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest};

use super::auth::Caller;
use super::error::ApiError;
use crate::domain::organisation::OrgKind;

/// Who a guard lets through.
pub trait Access: 'static {
    fn check(caller: &Caller, code: &str) -> Result<(), ApiError>;
}

/// The municipality itself, the corporations registered for it and its tenant associations.
pub struct Readers;

/// Only the municipality itself: it sets its task and plans and publishes its reports.
pub struct ItselfOnly;

impl Access for Readers {
    fn check(caller: &Caller, code: &str) -> Result<(), ApiError> {
        if caller.may_read_municipality(code) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "organisation {} may not read the figures of municipality {code}",
                caller.org().id
            )))
        }
    }
}

impl Access for ItselfOnly {
    fn check(caller: &Caller, code: &str) -> Result<(), ApiError> {
        let org = caller.org();
        if org.kind == OrgKind::Municipality && org.id == code {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "only municipality {code} itself may do this; {} is a {}",
                org.id,
                org.kind.as_str()
            )))
        }
    }
}

/// The caller, allowed by `A` to act on the municipality of the path's `{code}`.
pub struct Municipality<A: Access> {
    caller: Caller,
    code: String,
    access: PhantomData<A>,
}

/// A reader of the municipality in the path.
pub type MunicipalityReader = Municipality<Readers>;
/// The municipality in the path itself.
pub type MunicipalityItself = Municipality<ItselfOnly>;

impl<A: Access> Municipality<A> {
    /// The CBS code of the municipality, checked.
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl<A: Access> std::ops::Deref for Municipality<A> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

/// The `{code}` of a municipality path: a CBS code (`GM` + 4 digits), or 404.
pub fn municipality_code(code: &str) -> Result<String, ApiError> {
    if crate::domain::letting::is_municipality_code(code) {
        Ok(code.to_string())
    } else {
        Err(ApiError::not_found(
            "municipality_not_found",
            format!("{code:?} is not a CBS municipality code (GM followed by 4 digits)"),
        ))
    }
}

impl<A: Access> FromRequest for Municipality<A> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        let code = req.match_info().get("code").map(str::to_string);
        Box::pin(async move {
            let caller = caller.await?;
            let code = code.ok_or_else(|| {
                ApiError::Internal("a municipality guard on a path without {code}".into())
            })?;
            let code = municipality_code(&code)?;
            A::check(&caller, &code)?;
            Ok(Self {
                caller,
                code,
                access: PhantomData,
            })
        })
    }
}
