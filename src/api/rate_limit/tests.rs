//! The limiter's parts: addresses, keys, Retry-After, budgets, the memory sweep.

use super::*;
use actix_web::http::header::HeaderValue;

fn limits(adjust: impl FnOnce(&mut Settings)) -> RateLimits {
    let mut settings = Settings::built_in("sqlite://unused.db").unwrap();
    adjust(&mut settings);
    RateLimits::from_settings(&settings).unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn forwarded(values: &[&str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for v in values {
        headers.append(
            "x-forwarded-for".parse().unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    headers
}

#[test]
fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let plain = limits(|_| {});
    let headers = forwarded(&["203.0.113.9"]);
    assert_eq!(
        plain.client_address(Some(ip("10.0.0.5")), &headers),
        ip("10.0.0.5")
    );

    let behind = limits(|s| s.trusted_proxy = vec!["10.0.0.5".into(), "10.0.0.6".into()]);
    assert_eq!(
        behind.client_address(Some(ip("10.0.0.5")), &headers),
        ip("203.0.113.9")
    );
    // A client cannot pick its address by writing the header itself: only what the
    // trusted proxies appended counts, from the right.
    let spoofed = forwarded(&["1.2.3.4, 203.0.113.9, 10.0.0.6"]);
    assert_eq!(
        behind.client_address(Some(ip("10.0.0.5")), &spoofed),
        ip("203.0.113.9")
    );
    let lines = forwarded(&["1.2.3.4", "203.0.113.9"]);
    assert_eq!(
        behind.client_address(Some(ip("10.0.0.5")), &lines),
        ip("203.0.113.9")
    );
    // Not an address: the nearest trusted hop is the client.
    let garbage = forwarded(&["1.2.3.4, unknown"]);
    assert_eq!(
        behind.client_address(Some(ip("10.0.0.5")), &garbage),
        ip("10.0.0.5")
    );
    // An untrusted peer's header is ignored.
    assert_eq!(
        behind.client_address(Some(ip("198.51.100.7")), &headers),
        ip("198.51.100.7")
    );
    // IPv4 mapped in IPv6 is the IPv4 address.
    assert_eq!(
        behind.client_address(Some(ip("::ffff:10.0.0.5")), &headers),
        ip("203.0.113.9")
    );
}

#[test]
fn a_trusted_proxy_that_is_not_an_address_stops_the_start() {
    let mut settings = Settings::built_in("sqlite://unused.db").unwrap();
    settings.trusted_proxy = vec!["10.0.0.0/8".into()];
    let error = RateLimits::from_settings(&settings).err().unwrap();
    assert!(error.to_string().contains("10.0.0.0/8"), "{error}");
    settings.trusted_proxy = vec![String::new()];
    assert!(RateLimits::from_settings(&settings).is_ok());
}

#[test]
fn ipv6_counts_by_its_64() {
    assert_eq!(
        address_key(ip("2001:db8:1:2:aaaa::1")),
        ip("2001:db8:1:2::")
    );
    assert_eq!(address_key(ip("192.0.2.1")), ip("192.0.2.1"));
}

#[test]
fn retry_after_is_whole_seconds_rounded_up() {
    assert_eq!(Refusal::Token(Duration::ZERO).retry_after_seconds(), 1);
    assert_eq!(
        Refusal::Token(Duration::from_millis(10)).retry_after_seconds(),
        1
    );
    assert_eq!(
        Refusal::Token(Duration::from_secs(2)).retry_after_seconds(),
        2
    );
    assert_eq!(
        Refusal::Address(Duration::from_millis(2001)).retry_after_seconds(),
        3
    );
}

#[test]
fn tokens_and_addresses_have_budgets_of_their_own() {
    let limits = limits(|s| {
        s.rate_limit_token_per_minute = 1;
        s.rate_limit_token_burst = 2;
        s.rate_limit_address_per_minute = 1;
        s.rate_limit_address_burst = 5;
    });
    let a = ip("192.0.2.1");
    let path = "/api/v1/lettings";
    assert_eq!(limits.admit(a, path, Some("qm_one")), None);
    assert_eq!(limits.admit(a, path, Some("qm_one")), None);
    assert!(matches!(
        limits.admit(a, path, Some("qm_one")),
        Some(Refusal::Token(_))
    ));
    assert_eq!(limits.admit(a, path, Some("qm_two")), None);
    // Health checks are not counted per token.
    assert_eq!(limits.admit(a, "/health", Some("qm_one")), None);
    // The address has used its five.
    assert!(matches!(
        limits.admit(a, "/health", None),
        Some(Refusal::Address(_))
    ));
    assert_eq!(limits.admit(ip("192.0.2.2"), "/health", None), None);
}

#[test]
fn used_up_failed_authentications_refuse_tokens_not_tokenless_requests() {
    let limits = limits(|s| {
        s.rate_limit_failed_auth_per_minute = 1;
        s.rate_limit_failed_auth_burst = 3;
    });
    let a = ip("192.0.2.1");
    let path = "/api/v1/lettings";
    for _ in 0..2 {
        limits.record_failure(a);
        assert_eq!(limits.admit(a, path, Some("qm_guess")), None);
    }
    limits.record_failure(a);
    let refusal = limits.admit(a, path, Some("qm_guess")).unwrap();
    assert!(matches!(refusal, Refusal::FailedAuth(_)), "{refusal:?}");
    assert!(refusal.retry_after_seconds() <= 60);
    assert_eq!(limits.admit(a, path, None), None);
    assert_eq!(limits.admit(a, "/health", Some("qm_guess")), None);
    assert_eq!(limits.admit(ip("192.0.2.2"), path, Some("qm_guess")), None);
}

#[test]
fn a_sweep_drops_keys_whose_budget_is_full_again() {
    let limits = limits(|s| {
        s.rate_limit_token_per_minute = 60_000; // a cell per millisecond
        s.rate_limit_token_burst = 1;
        s.rate_limit_address_per_minute = 60_000;
        s.rate_limit_address_burst = 1;
    });
    for i in 0..50u8 {
        let _ = limits.admit(IpAddr::V4(Ipv4Addr::new(192, 0, 2, i)), "/x", Some("qm"));
    }
    assert_eq!(limits.keys_held()[..2], [1, 50]);
    std::thread::sleep(Duration::from_millis(20));
    *limits.last_sweep.lock().unwrap() = Instant::now() - SWEEP_EVERY;
    let _ = limits.admit(ip("198.51.100.1"), "/x", None);
    assert_eq!(limits.keys_held()[..2], [0, 1]);
}

#[test]
fn bearer_tokens_are_read_as_the_extractor_reads_them() {
    let mut headers = HeaderMap::new();
    assert_eq!(bearer_token(&headers), None);
    headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer  qm_x "));
    assert_eq!(bearer_token(&headers), Some("qm_x"));
    headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic dXNlcg=="));
    assert_eq!(bearer_token(&headers), None);
    headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer "));
    assert_eq!(bearer_token(&headers), None);
}
