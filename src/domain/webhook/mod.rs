//! Webhooks on a municipality's signal alerts: which addresses may be registered and reached,
//! who sees which webhook, how many one organisation may have, and the states of a delivery in
//! the outbox.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::organisation::{OrgKind, Organisation};

/// The longest webhook URL accepted.
pub const MAX_URL_LENGTH: usize = 2000;

/// Active webhooks one organisation may have on one municipality's alerts.
pub const MAX_ACTIVE_PER_OWNER: usize = 10;

/// What kind of address an IP address is, as far as sending webhooks to it goes. Only
/// [`AddressClass::Public`] may be reached unless private addresses are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    Public,
    /// `0.0.0.0/8`, `::`.
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// `10/8`, `172.16/12`, `192.168/16`, site-local `fec0::/10`, local-use NAT64 `64:ff9b:1::/48`.
    Private,
    /// Carrier-grade NAT, `100.64.0.0/10`.
    SharedAddressSpace,
    /// `169.254.0.0/16` (cloud metadata services live here), `fe80::/10`.
    LinkLocal,
    /// `fc00::/7`.
    UniqueLocal,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// `198.18.0.0/15`, `2001:2::/48`.
    Benchmarking,
    /// Everything else that is not global unicast: `192.0.0/24`, `192.88.99/24`, `240/4` with
    /// the broadcast address, IPv4-compatible IPv6, Teredo, discard-only, anything outside
    /// `2000::/3`.
    Reserved,
}

impl AddressClass {
    pub fn as_str(&self) -> &'static str {
        match self {
            AddressClass::Public => "public",
            AddressClass::Unspecified => "unspecified",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::SharedAddressSpace => "shared (carrier-grade NAT)",
            AddressClass::LinkLocal => "link-local",
            AddressClass::UniqueLocal => "unique-local",
            AddressClass::Multicast => "multicast",
            AddressClass::Documentation => "documentation",
            AddressClass::Benchmarking => "benchmarking",
            AddressClass::Reserved => "reserved",
        }
    }
}

/// IPv4 ranges that are not public, from the IANA special-purpose address registry.
const V4_RANGES: [([u8; 4], u8, AddressClass); 15] = [
    ([0, 0, 0, 0], 8, AddressClass::Unspecified),
    ([10, 0, 0, 0], 8, AddressClass::Private),
    ([100, 64, 0, 0], 10, AddressClass::SharedAddressSpace),
    ([127, 0, 0, 0], 8, AddressClass::Loopback),
    ([169, 254, 0, 0], 16, AddressClass::LinkLocal),
    ([172, 16, 0, 0], 12, AddressClass::Private),
    ([192, 0, 0, 0], 24, AddressClass::Reserved),
    ([192, 0, 2, 0], 24, AddressClass::Documentation),
    ([192, 88, 99, 0], 24, AddressClass::Reserved),
    ([192, 168, 0, 0], 16, AddressClass::Private),
    ([198, 18, 0, 0], 15, AddressClass::Benchmarking),
    ([198, 51, 100, 0], 24, AddressClass::Documentation),
    ([203, 0, 113, 0], 24, AddressClass::Documentation),
    ([224, 0, 0, 0], 4, AddressClass::Multicast),
    ([240, 0, 0, 0], 4, AddressClass::Reserved),
];

/// IPv6 ranges that are not public (the forms that carry an IPv4 address are handled apart).
const V6_RANGES: [(u128, u8, AddressClass); 11] = [
    (0x0064_ff9b_0001 << 80, 48, AddressClass::Private),
    (0x0100 << 112, 64, AddressClass::Reserved),
    (0x2001 << 112, 32, AddressClass::Reserved),
    (
        (0x2001 << 112) | (0x0002 << 96),
        48,
        AddressClass::Benchmarking,
    ),
    (
        (0x2001 << 112) | (0x0db8 << 96),
        32,
        AddressClass::Documentation,
    ),
    (0x3fff << 112, 20, AddressClass::Documentation),
    (0xfc00 << 112, 7, AddressClass::UniqueLocal),
    (0xfe80 << 112, 10, AddressClass::LinkLocal),
    (0xfec0 << 112, 10, AddressClass::Private),
    (0xff00 << 112, 8, AddressClass::Multicast),
    // Global unicast is 2000::/3; the rest is not handed out (checked last, see below).
    (0, 0, AddressClass::Reserved),
];

fn in_v4(address: u32, network: [u8; 4], prefix: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
    address & mask == u32::from_be_bytes(network) & mask
}

fn in_v6(address: u128, network: u128, prefix: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
    address & mask == network & mask
}

/// The class of an IPv4 address.
pub fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let address = u32::from(ip);
    V4_RANGES
        .iter()
        .find(|(network, prefix, _)| in_v4(address, *network, *prefix))
        .map_or(AddressClass::Public, |(_, _, class)| *class)
}

/// The class of an IPv6 address. The forms that carry an IPv4 address (IPv4-mapped, NAT64,
/// 6to4) are the class of the IPv4 address they lead to; IPv4-compatible addresses (deprecated,
/// `::a.b.c.d`) are never public.
pub fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    let address = u128::from(ip);
    let embedded = |bits: u128| Ipv4Addr::from(u32::try_from(bits & 0xffff_ffff).unwrap_or(0));
    if ip.is_unspecified() {
        return AddressClass::Unspecified;
    }
    if ip.is_loopback() {
        return AddressClass::Loopback;
    }
    if in_v6(address, 0xffff << 32, 96) {
        return classify_v4(embedded(address));
    }
    if in_v6(address, 0, 96) {
        return match classify_v4(embedded(address)) {
            AddressClass::Public => AddressClass::Reserved,
            class => class,
        };
    }
    if in_v6(address, 0x0064_ff9b << 96, 96) {
        return classify_v4(embedded(address));
    }
    if in_v6(address, 0x2002 << 112, 16) {
        return classify_v4(embedded(address >> 80));
    }
    let global_unicast = in_v6(address, 0x2000 << 112, 3);
    V6_RANGES
        .iter()
        .find(|(network, prefix, _)| {
            if *prefix == 0 {
                !global_unicast
            } else {
                in_v6(address, *network, *prefix)
            }
        })
        .map_or(AddressClass::Public, |(_, _, class)| *class)
}

/// The class of an IP address.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Whether webhooks may go to `ip`: always when private addresses are allowed, otherwise only
/// to a public address.
pub fn may_connect(ip: IpAddr, allow_private: bool) -> bool {
    allow_private || classify(ip) == AddressClass::Public
}

/// Why a webhook may not go to `ip`, for the person who registered it; `None` when it may.
pub fn refusal(ip: IpAddr, allow_private: bool) -> Option<String> {
    (!may_connect(ip, allow_private))
        .then(|| format!("{ip} is not a public address ({})", classify(ip).as_str()))
}

/// `localhost` and its subdomains are the machine itself, whatever a resolver says (RFC 6761).
fn is_localhost(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    domain == "localhost" || domain.ends_with(".localhost")
}

/// Checks a webhook URL: `http` or `https` with a host, at most [`MAX_URL_LENGTH`] characters;
/// unless private addresses are allowed, `https` only, and a host that is a public IP address
/// or a name other than `localhost`. A name's addresses are checked after resolving it, which
/// is not this module's business. The message says what is wrong, for the person who
/// registered it.
pub fn check_url(url: &str, allow_private: bool) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    let parsed = match parsed {
        Some(parsed) if url.len() <= MAX_URL_LENGTH => parsed,
        _ => return Err(format!("{url:?} is not an http or https URL")),
    };
    if allow_private {
        return Ok(parsed);
    }
    if parsed.scheme() != "https" {
        return Err("must be an https URL".into());
    }
    let refused = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => refusal(IpAddr::V4(ip), false),
        Some(url::Host::Ipv6(ip)) => refusal(IpAddr::V6(ip), false),
        Some(url::Host::Domain(name)) if is_localhost(name) => {
            Some(format!("{name} is this machine"))
        }
        Some(url::Host::Domain(_)) | None => None,
    };
    match refused {
        Some(reason) => Err(format!("must lead to a public address: {reason}")),
        None => Ok(parsed),
    }
}

/// Why a delivery may not be sent to a registered URL as the policy stands now (it may have
/// changed since the URL was registered); `None` when it may, as far as the URL itself shows.
/// A name's addresses are checked when it is resolved.
pub fn refused_at_delivery(url: &str, allow_private: bool) -> Option<DeliveryFailure> {
    match check_url(url, allow_private) {
        Ok(_) => None,
        Err(_) if url::Url::parse(url).is_ok_and(|u| u.scheme() == "http") && !allow_private => {
            Some(DeliveryFailure::NotHttps)
        }
        Err(_) => Some(DeliveryFailure::AddressNotAllowed),
    }
}

/// The URL as it may be written to a log: without user name and password, query or fragment,
/// which may hold credentials.
pub fn loggable_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            // Both fail only for URLs that cannot have credentials; nothing to remove then.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            if parsed.query().is_some() {
                parsed.set_query(Some("redacted"));
            }
            parsed.set_fragment(None);
            parsed.to_string()
        }
        Err(_) => "(not a URL)".into(),
    }
}

/// The URL as a webhook listing shows it: user name and password, if any, replaced by `***`,
/// so a listing (to the owner and to the municipality) never repeats credentials; the rest
/// stays, so the owner recognises the address.
pub fn listed_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            // Both succeed for any URL that has credentials to remove.
            let _ = parsed.set_password(None);
            let _ = parsed.set_username("***");
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        Err(_) => "(not a URL)".into(),
    }
}

/// The municipality sees every webhook on its alerts; another reader only its own.
pub fn may_see(reader: &Organisation, owner: &str, municipality: &str) -> bool {
    owner == reader.id || (reader.kind == OrgKind::Municipality && reader.id == municipality)
}

/// Where a delivery in the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    Delivered,
    /// Every attempt failed; waits for someone to retry it.
    Failed,
    /// Its webhook was stopped before it was delivered.
    Cancelled,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 4] = [
        DeliveryState::Pending,
        DeliveryState::Delivered,
        DeliveryState::Failed,
        DeliveryState::Cancelled,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The state after a failed attempt, the `attempts`-th (counting this one), when at most
    /// `max_attempts` are made.
    pub fn after_failure(attempts: i32, max_attempts: u32) -> Self {
        if i64::from(attempts) >= i64::from(max_attempts) {
            DeliveryState::Failed
        } else {
            DeliveryState::Pending
        }
    }
}

impl TryFrom<String> for DeliveryState {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("unknown delivery state {text:?}"))
    }
}

/// Why an attempt failed, as the webhook's owner is told (stored as the delivery's
/// `last_error`). Deliberately coarse: the receiver's own error text, or the resolver's, would
/// tell whoever registered the URL about hosts and ports they should not learn about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryFailure {
    /// The URL is `http` while only `https` is allowed.
    NotHttps,
    /// The host is, or its name resolves to, an address that may not be reached.
    AddressNotAllowed,
    NameNotResolved,
    ConnectionRefused,
    TimedOut,
    /// Any other failure to connect (TLS included).
    CouldNotConnect,
    /// Connected, but no answer came (reset, malformed answer).
    NoAnswer,
    /// Any answer other than 2xx (redirects included: they are not followed).
    Status(u16),
}

impl DeliveryFailure {
    pub fn message(&self) -> String {
        match self {
            DeliveryFailure::NotHttps => "not an https URL".into(),
            DeliveryFailure::AddressNotAllowed => "address not allowed".into(),
            DeliveryFailure::NameNotResolved => "the name could not be resolved".into(),
            DeliveryFailure::ConnectionRefused => "connection refused".into(),
            DeliveryFailure::TimedOut => "timed out".into(),
            DeliveryFailure::CouldNotConnect => "could not connect".into(),
            DeliveryFailure::NoAnswer => "no answer".into(),
            DeliveryFailure::Status(status) => format!("the receiver answered {status}"),
        }
    }

    /// The HTTP status the receiver answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            DeliveryFailure::Status(status) => Some(*status),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
