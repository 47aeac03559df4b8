//! Writing a note on an alert: who may, and the audit event beside it.

use chrono::NaiveDateTime;

use crate::db::alert_notes as store;
use crate::db::DbConnection;
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::organisation::{OrgKind, Organisation};
use crate::service::alert_list::NoteBody;
use crate::service::audit;

/// The outcome of a note.
#[derive(Debug)]
pub enum NoteOutcome {
    Added(NoteBody),
    /// The municipality has no alert with that id.
    NoSuchAlert,
    /// The writer may read the alert but not write on it: only the municipality and the
    /// corporation whose scope the alert is on may.
    NotAllowed,
}

/// Whether `writer` may write a note on an alert of `municipality` on the scope of
/// `corporation` (empty for the municipality total).
pub fn may_write(writer: &Organisation, municipality: &str, corporation: &str) -> bool {
    match writer.kind {
        OrgKind::Municipality => writer.id == municipality,
        OrgKind::Corporation => !corporation.is_empty() && writer.id == corporation,
        OrgKind::TenantAssociation => false,
    }
}

/// Adds a checked note to alert `alert_id` of `municipality`, with its audit event, in one
/// transaction.
pub fn add(
    conn: &mut DbConnection,
    writer: &Organisation,
    actor: &Actor,
    municipality: &str,
    alert_id: i64,
    text: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<NoteOutcome> {
    crate::db::write_transaction(conn, |conn| {
        let Some(alert) = store::find_alert(conn, municipality, alert_id)? else {
            return Ok(NoteOutcome::NoSuchAlert);
        };
        if !may_write(writer, municipality, &alert.corporation) {
            return Ok(NoteOutcome::NotAllowed);
        }
        let row = store::add(
            conn,
            alert.id,
            text,
            &actor.organisation,
            actor.token_id,
            now,
        )?;
        let event = AuditEvent::new(
            AuditAction::AlertNoteAdded,
            Some(municipality),
            format!("alert:{}", alert.id),
        )
        .with("note", row.id);
        audit::record(conn, actor, &event, now)?;
        Ok(NoteOutcome::Added(row.into()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str, kind: OrgKind) -> Organisation {
        Organisation {
            id: id.into(),
            kind,
            name: id.into(),
            municipalities: ["GM0629".to_string()].into(),
        }
    }

    #[test]
    fn the_municipality_and_the_scope_s_corporation_write_notes() {
        let gm = org("GM0629", OrgKind::Municipality);
        let dwb = org("dwb", OrgKind::Corporation);
        let hv = org("hv", OrgKind::TenantAssociation);
        assert!(may_write(&gm, "GM0629", ""));
        assert!(may_write(&gm, "GM0629", "dwb"));
        assert!(!may_write(&gm, "GM0363", "dwb"));
        assert!(may_write(&dwb, "GM0629", "dwb"));
        assert!(!may_write(&dwb, "GM0629", "willibrordus"));
        assert!(!may_write(&dwb, "GM0629", ""));
        assert!(!may_write(&hv, "GM0629", ""));
        assert!(!may_write(&hv, "GM0629", "dwb"));
    }
}
