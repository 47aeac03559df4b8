//! A corporation's own lettings, page by page in reference order: what it lists, exports and
//! reconciles. Beside `lettings` rather than in it, as it only reads.

use diesel::prelude::*;

use super::letting_rows::StoredLetting;
use super::schema::lettings;
use super::DbConnection;

/// Which of a corporation's lettings a page holds.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub municipality: Option<String>,
    /// `YYYYMM` of the contract start.
    pub contract_month: Option<i32>,
    /// Withdrawn lettings too.
    pub withdrawn: bool,
    /// Only references after this one (the previous page's last).
    pub after: Option<String>,
    pub limit: i64,
}

/// A page of the corporation's lettings, ordered by reference (the `(corporation, reference)`
/// unique index serves both the order and the cursor).
pub fn page(
    conn: &mut DbConnection,
    corporation: &str,
    filter: &ListFilter,
) -> QueryResult<Vec<StoredLetting>> {
    let mut query = lettings::table
        .filter(lettings::corporation.eq(corporation))
        .select(StoredLetting::as_select())
        .order(lettings::reference.asc())
        .limit(filter.limit)
        .into_boxed();
    if let Some(municipality) = &filter.municipality {
        query = query.filter(lettings::municipality.eq(municipality.clone()));
    }
    if let Some(month) = filter.contract_month {
        query = query.filter(lettings::contract_month.eq(month));
    }
    if !filter.withdrawn {
        query = query.filter(lettings::withdrawn.eq(false));
    }
    if let Some(after) = &filter.after {
        query = query.filter(lettings::reference.gt(after.clone()));
    }
    query.load(conn)
}
