//! Boundary tests of the address classes, the URL rule, visibility and delivery states.

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
fn a_listed_url_shows_no_credentials() {
    assert_eq!(
        listed_url("https://user:pw@hooks.example.org:8443/a/b?x=1"),
        "https://***@hooks.example.org:8443/a/b?x=1"
    );
    assert_eq!(
        listed_url("https://only-a-token@hooks.example.org/"),
        "https://***@hooks.example.org/"
    );
    assert_eq!(
        listed_url("https://:pw@hooks.example.org/"),
        "https://***@hooks.example.org/"
    );
    assert_eq!(
        listed_url("https://hooks.example.org/a?b=c"),
        "https://hooks.example.org/a?b=c"
    );
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
