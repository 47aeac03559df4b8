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
mod tests {
    use super::*;

    #[test]
    fn a_webhook_url_is_http_or_https_with_a_host_and_not_too_long() {
        assert!(check_url("https://example.org/hook", false).is_ok());
        assert!(check_url("http://127.0.0.1:8080/x", true).is_ok());
        assert!(check_url("ftp://example.org/", true).is_err());
        assert!(check_url("not a url", true).is_err());
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL_LENGTH));
        assert!(check_url(&long, true).is_err());
        let exactly = format!("https://e.org/{}", "a".repeat(MAX_URL_LENGTH - 14));
        assert_eq!(exactly.len(), MAX_URL_LENGTH);
        assert!(check_url(&exactly, false).is_ok());
    }

    fn class_of(text: &str) -> AddressClass {
        classify(text.parse().unwrap())
    }

    #[test]
    fn ipv4_ranges_end_where_they_should() {
        use AddressClass::*;
        let cases = [
            ("0.0.0.0", Unspecified),
            ("0.255.255.255", Unspecified),
            ("1.0.0.0", Public),
            ("9.255.255.255", Public),
            ("10.0.0.0", Private),
            ("10.255.255.255", Private),
            ("11.0.0.0", Public),
            ("100.63.255.255", Public),
            ("100.64.0.0", SharedAddressSpace),
            ("100.127.255.255", SharedAddressSpace),
            ("100.128.0.0", Public),
            ("126.255.255.255", Public),
            ("127.0.0.1", Loopback),
            ("127.255.255.255", Loopback),
            ("128.0.0.0", Public),
            ("169.253.255.255", Public),
            ("169.254.0.0", LinkLocal),
            ("169.254.169.254", LinkLocal),
            ("169.254.255.255", LinkLocal),
            ("169.255.0.0", Public),
            ("172.15.255.255", Public),
            ("172.16.0.0", Private),
            ("172.31.255.255", Private),
            ("172.32.0.0", Public),
            ("192.0.0.0", Reserved),
            ("192.0.0.255", Reserved),
            ("192.0.1.0", Public),
            ("192.0.2.1", Documentation),
            ("192.88.99.1", Reserved),
            ("192.167.255.255", Public),
            ("192.168.0.0", Private),
            ("192.168.255.255", Private),
            ("192.169.0.0", Public),
            ("198.17.255.255", Public),
            ("198.18.0.0", Benchmarking),
            ("198.19.255.255", Benchmarking),
            ("198.20.0.0", Public),
            ("198.51.100.7", Documentation),
            ("203.0.113.255", Documentation),
            ("203.0.114.0", Public),
            ("223.255.255.255", Public),
            ("224.0.0.0", Multicast),
            ("239.255.255.255", Multicast),
            ("240.0.0.0", Reserved),
            ("255.255.255.255", Reserved),
            ("8.8.8.8", Public),
        ];
        for (address, class) in cases {
            assert_eq!(class_of(address), class, "{address}");
        }
    }

    #[test]
    fn ipv6_ranges_and_the_forms_that_carry_ipv4() {
        use AddressClass::*;
        let cases = [
            ("::", Unspecified),
            ("::1", Loopback),
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:7f00:1", Loopback),
            ("::ffff:10.1.2.3", Private),
            ("::ffff:169.254.169.254", LinkLocal),
            ("::ffff:8.8.8.8", Public),
            ("::127.0.0.1", Loopback),
            ("::8.8.8.8", Reserved),
            ("::ffff:0:127.0.0.1", Reserved),
            ("64:ff9b::127.0.0.1", Loopback),
            ("64:ff9b::8.8.8.8", Public),
            ("64:ff9b:1::1", Private),
            ("2002:7f00:1::", Loopback),
            ("2002:a9fe:a9fe::1", LinkLocal),
            ("2002:808:808::1", Public),
            ("100::1", Reserved),
            ("2001::1", Reserved),
            ("2001:2::1", Benchmarking),
            ("2001:db8::1", Documentation),
            ("3fff::1", Documentation),
            ("fbff:ffff::1", Reserved),
            ("fc00::", UniqueLocal),
            ("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", UniqueLocal),
            ("fe7f:ffff::1", Reserved),
            ("fe80::", LinkLocal),
            ("febf:ffff::1", LinkLocal),
            ("fec0::1", Private),
            ("ff02::1", Multicast),
            ("1fff:ffff::1", Reserved),
            ("2000::", Public),
            ("2a00:1450:4001::1", Public),
            ("3fff:ffff::", Public),
            ("3ffe::1", Public),
            ("4000::", Reserved),
        ];
        for (address, class) in cases {
            assert_eq!(class_of(address), class, "{address}");
        }
    }

    #[test]
    fn without_private_addresses_only_https_to_public_hosts() {
        let refused = [
            "http://example.org/hook",
            "https://127.0.0.1/x",
            "https://2130706433/x",
            "https://0x7f.1/x",
            "https://127.1/x",
            "https://[::1]/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://[::ffff:a9fe:a9fe]/x",
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1/x",
            "https://172.16.0.1/x",
            "https://192.168.1.1/x",
            "https://100.64.0.1/x",
            "https://0.0.0.0/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "https://localhost/x",
            "https://LOCALHOST./x",
            "https://api.localhost/x",
        ];
        for url in refused {
            assert!(check_url(url, false).is_err(), "{url}");
            assert!(
                check_url(url, true).is_ok(),
                "{url} with private addresses allowed"
            );
        }
        assert!(check_url("https://8.8.8.8/x", false).is_ok());
        assert!(check_url("https://[2a00:1450:4001::1]/x", false).is_ok());
        assert!(check_url("https://hooks.example.org/x", false).is_ok());
        let message = check_url("https://[::ffff:127.0.0.1]/x", false).unwrap_err();
        assert!(message.contains("loopback"), "{message}");
    }

    #[test]
    fn a_logged_url_has_no_credentials() {
        assert_eq!(
            loggable_url("https://user:pw@hooks.example.org:8443/a/b?token=s3cret#x"),
            "https://hooks.example.org:8443/a/b?redacted"
        );
        assert_eq!(loggable_url("http://127.0.0.1:9/x"), "http://127.0.0.1:9/x");
    }

    #[test]
    fn a_delivery_fails_after_its_last_attempt() {
        assert_eq!(DeliveryState::after_failure(1, 10), DeliveryState::Pending);
        assert_eq!(DeliveryState::after_failure(9, 10), DeliveryState::Pending);
        assert_eq!(DeliveryState::after_failure(10, 10), DeliveryState::Failed);
        assert_eq!(DeliveryState::after_failure(1, 0), DeliveryState::Failed);
        for state in DeliveryState::ALL {
            assert_eq!(DeliveryState::parse(state.as_str()), Some(state));
        }
        assert_eq!(
            DeliveryFailure::Status(500).message(),
            "the receiver answered 500"
        );
        assert_eq!(
            refused_at_delivery("HTTP://hooks.example.org/x", false),
            Some(DeliveryFailure::NotHttps)
        );
        assert_eq!(
            refused_at_delivery("https://[::ffff:10.0.0.1]/x", false),
            Some(DeliveryFailure::AddressNotAllowed)
        );
        assert_eq!(refused_at_delivery("http://127.0.0.1:9/x", true), None);
        assert_eq!(
            refused_at_delivery("https://hooks.example.org/x", false),
            None
        );
    }

    #[test]
    fn the_municipality_sees_every_hook_others_their_own() {
        let org = |id: &str, kind| Organisation {
            id: id.into(),
            kind,
            name: id.into(),
            municipalities: Default::default(),
        };
        let gemeente = org("GM0629", OrgKind::Municipality);
        let tenants = org("rozenstein", OrgKind::TenantAssociation);
        assert!(may_see(&gemeente, "rozenstein", "GM0629"));
        assert!(!may_see(&gemeente, "rozenstein", "GM0518"));
        assert!(may_see(&tenants, "rozenstein", "GM0629"));
        assert!(!may_see(&tenants, "dwb", "GM0629"));
        assert_eq!(
            DeliveryState::parse("pending"),
            Some(DeliveryState::Pending)
        );
        assert_eq!(DeliveryState::parse("x"), None);
    }
}
