//! The kinds of organisation that take part in an agreement: the municipality (gemeente), the
//! housing corporations (woningcorporaties) and the tenant associations (huurdersorganisaties).

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
