//! The guarded outbound client against a real origin on loopback: what it refuses without the
//! operator's flag (loopback by address and by name, a redirect to loopback), what it does
//! with it, and its bounds.

use provenance::outbound::{user_agent, AddressPolicy, Outbound, OutboundError, OutboundSettings};
use reqwest::header::HeaderMap;
use std::net::IpAddr;
use std::time::Duration;
use url::Url;

use crate::origin::{Origin, Page};

fn client(policy: AddressPolicy) -> Outbound {
    Outbound::new(&OutboundSettings::new(
        policy,
        user_agent(Some("https://ops.example/contact")),
    ))
    .unwrap()
}

fn allow_private() -> AddressPolicy {
    AddressPolicy {
        allow_private: true,
        allowed: Vec::new(),
    }
}

fn allow_only(ip: &str) -> AddressPolicy {
    AddressPolicy {
        allow_private: false,
        allowed: vec![ip.parse::<IpAddr>().unwrap()],
    }
}

async fn get(client: &Outbound, url: &str) -> Result<provenance::outbound::Fetched, OutboundError> {
    client.get(&Url::parse(url).unwrap(), &HeaderMap::new()).await
}

#[tokio::test]
async fn loopback_is_refused_by_address_and_by_name_without_the_flag() {
    let origin = Origin::start().await;
    origin.html("/page", "<p>hello</p>");
    let guarded = client(AddressPolicy::default());
    for url in [
        origin.url("/page"),
        format!("http://localhost:{}/page", origin.port),
        format!("http://[::ffff:127.0.0.1]:{}/page", origin.port),
        format!("http://0x7f.1:{}/page", origin.port),
        format!("http://2130706433:{}/page", origin.port),
    ] {
        match get(&guarded, &url).await {
            Err(OutboundError::Refused { reason, .. }) => {
                assert!(
                    reason.contains("loopback") || reason.contains("refused"),
                    "{url}: {reason}"
                )
            }
            other => panic!("{url}: expected a refusal, got {other:?}"),
        }
    }
    assert!(origin.all_hits().is_empty(), "no request reached the origin");
}

#[tokio::test]
async fn only_http_and_https_are_fetched() {
    let guarded = client(allow_private());
    for url in [
        "ftp://example.org/x",
        "file:///etc/passwd",
        "http://user:pw@127.0.0.1:9/",
    ] {
        assert!(
            matches!(get(&guarded, url).await, Err(OutboundError::Scheme(_))),
            "{url}"
        );
    }
}

#[tokio::test]
async fn with_the_flag_loopback_is_fetched_with_the_services_user_agent() {
    let origin = Origin::start().await;
    origin.html("/page", "<p>hello</p>");
    let fetched = get(&client(allow_private()), &origin.url("/page")).await.unwrap();
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, b"<p>hello</p>");
    assert_eq!(fetched.redirects, 0);
    let agent = origin.hits("/page")[0].user_agent.clone().unwrap();
    assert!(agent.starts_with("provenance/"), "{agent}");
    assert!(agent.contains("https://ops.example/contact"), "{agent}");
}

#[tokio::test]
async fn a_redirect_to_loopback_is_refused_and_never_requested() {
    let first = Origin::start().await;
    let second = Origin::start_on("127.0.0.2").await;
    second.html("/secret", "internal");
    first.set("/hop", Page::Redirect(second.url("/secret")));
    first.set(
        "/hop6",
        Page::Redirect(format!("http://[::1]:{}/secret", second.port)),
    );
    first.html("/fine", "public");
    // Only the first origin's address is allowed, as a public one would be.
    let guarded = client(allow_only("127.0.0.1"));
    assert_eq!(get(&guarded, &first.url("/fine")).await.unwrap().body, b"public");
    for hop in ["/hop", "/hop6"] {
        match get(&guarded, &first.url(hop)).await {
            Err(OutboundError::Refused { reason, .. }) => assert_eq!(reason, "loopback", "{hop}"),
            other => panic!("{hop}: expected a refusal, got {other:?}"),
        }
    }
    assert!(
        second.all_hits().is_empty(),
        "the redirect's target was never requested"
    );

    let open = client(allow_private());
    let followed = get(&open, &first.url("/hop")).await.unwrap();
    assert_eq!(followed.body, b"internal");
    assert_eq!(followed.redirects, 1);
    assert_eq!(followed.url.as_str(), second.url("/secret"));
}

#[tokio::test]
async fn redirect_loops_bodies_and_slow_answers_are_bounded() {
    let origin = Origin::start().await;
    origin.set("/loop", Page::Redirect("/loop".to_owned()));
    origin.html("/big", &"x".repeat(10_000));
    origin.set(
        "/slow",
        Page::Slow {
            body: "late".to_owned(),
            delay: Duration::from_secs(5),
        },
    );
    let mut settings = OutboundSettings::new(allow_private(), user_agent(None));
    settings.max_body_bytes = 1000;
    settings.read_timeout = Duration::from_millis(200);
    let bounded = Outbound::new(&settings).unwrap();
    assert_eq!(
        get(&bounded, &origin.url("/loop")).await.unwrap_err(),
        OutboundError::TooManyRedirects(5)
    );
    assert_eq!(
        origin.hits("/loop").len(),
        6,
        "the first request and five redirects"
    );
    assert_eq!(
        get(&bounded, &origin.url("/big")).await.unwrap_err(),
        OutboundError::TooLarge(1000)
    );
    assert_eq!(
        get(&bounded, &origin.url("/slow")).await.unwrap_err(),
        OutboundError::Timeout
    );
}
