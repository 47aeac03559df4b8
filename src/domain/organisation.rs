//! The kinds of organisation that take part in an agreement: the municipality (gemeente), the
//! housing corporations (woningcorporaties) and the tenant associations (huurdersorganisaties).

use std::collections::BTreeSet;

/// What an organisation is; it decides what the organisation may read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgKind {
    Municipality,
    Corporation,
    TenantAssociation,
}

impl OrgKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            OrgKind::Municipality => "municipality",
            OrgKind::Corporation => "corporation",
            OrgKind::TenantAssociation => "tenant_association",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "municipality" => Some(OrgKind::Municipality),
            "corporation" => Some(OrgKind::Corporation),
            "tenant_association" => Some(OrgKind::TenantAssociation),
            _ => None,
        }
    }
}

impl TryFrom<String> for OrgKind {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("unknown organisation kind {text:?}"))
    }
}

/// An organisation with the municipalities it belongs to (a municipality: itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: String,
    pub kind: OrgKind,
    pub name: String,
    pub municipalities: BTreeSet<String>,
}
