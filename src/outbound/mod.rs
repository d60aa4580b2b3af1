//! The one way the service reaches out to other servers (watched sources, webhook endpoints):
//! an HTTP client that cannot be turned against the service's own network.
//!
//! - `http` and `https` only, no proxy, no user name or password in the URL.
//! - Host names are resolved here ([`GuardedResolver`]), and only the addresses the
//!   [`AddressPolicy`] allows are handed to the connector, so the check is on the very
//!   addresses connected to: a name that resolves to a public address when checked and to a
//!   private one when connected (DNS rebinding) cannot get through, as there is one
//!   resolution per connection and it is the checked one. IP-literal hosts, which are not
//!   resolved, are checked before the request.
//! - Redirects are followed here, one hop at a time, each new URL checked the same way.
//! - Connect and read timeouts, an overall deadline, a cap on the body's size, and a
//!   `User-Agent` naming the service and its operator's contact.

pub mod address;

pub use address::AddressPolicy;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use url::{Host, Url};

/// How the outbound client behaves.
#[derive(Debug, Clone)]
pub struct OutboundSettings {
    pub policy: AddressPolicy,
    /// Sent as `User-Agent` on every request.
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// The longest wait for the next bytes of a response.
    pub read_timeout: Duration,
    /// The longest a whole request (every redirect hop included) may take.
    pub deadline: Duration,
    /// Bodies larger than this are not read ([`OutboundError::TooLarge`]).
    pub max_body_bytes: usize,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
}

impl OutboundSettings {
    /// Defaults with `policy` and `user_agent`.
    pub fn new(policy: AddressPolicy, user_agent: String) -> Self {
        Self {
            policy,
            user_agent,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            max_body_bytes: 4 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// The `User-Agent` of the service: its name and version, and the operator's contact when
/// given, as `provenance/0.1.0 (+https://example.org/contact)`.
pub fn user_agent(contact: Option<&str>) -> String {
    let product = concat!("provenance/", env!("CARGO_PKG_VERSION"));
    match contact.map(str::trim).filter(|contact| !contact.is_empty()) {
        Some(contact) => format!("{product} (+{contact})"),
        None => format!("{product} (a registry of public statements)"),
    }
}

/// Why an outbound request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    #[error("{0} is not an http or https URL")]
    Scheme(String),
    #[error("{host} is refused: {reason} address {ip}")]
    Refused {
        host: String,
        ip: IpAddr,
        reason: &'static str,
    },
    #[error("cannot resolve {0}")]
    Dns(String),
    #[error("timed out")]
    Timeout,
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("a redirect without a usable Location")]
    BadRedirect,
    #[error("HTTP error: {0}")]
    Http(String),
}

/// A response read in full.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    /// The URL that answered, after redirects.
    pub url: Url,
    /// How many redirects were followed.
    pub redirects: usize,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Fetched {
    /// A header's value, when it is there and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// The guarded HTTP client; cheap to clone.
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    policy: Arc<AddressPolicy>,
    max_body_bytes: usize,
    max_redirects: usize,
}

impl Outbound {
    pub fn new(settings: &OutboundSettings) -> Result<Self, OutboundError> {
        let policy = Arc::new(settings.policy.clone());
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver(Arc::clone(&policy))))
            .user_agent(settings.user_agent.clone())
            .connect_timeout(settings.connect_timeout)
            .read_timeout(settings.read_timeout)
            .timeout(settings.deadline)
            .build()
            .map_err(|error| OutboundError::Http(error.to_string()))?;
        Ok(Self {
            client,
            policy,
            max_body_bytes: settings.max_body_bytes,
            max_redirects: settings.max_redirects,
        })
    }

    /// GETs `url` with `headers`, following redirects (each hop checked), and reads the body.
    pub async fn get(&self, url: &Url, headers: &HeaderMap) -> Result<Fetched, OutboundError> {
        let mut url = url.clone();
        for redirects in 0..=self.max_redirects {
            self.check(&url)?;
            let response = self
                .client
                .get(url.clone())
                .headers(headers.clone())
                .send()
                .await
                .map_err(classify)?;
            if response.status().is_redirection() && response.status() != 304 {
                url = next_hop(&url, response.headers().get(LOCATION))?;
                continue;
            }
            return self.read(response, redirects).await;
        }
        Err(OutboundError::TooManyRedirects(self.max_redirects))
    }

    /// POSTs `body` to `url` with `headers`; a redirect is not followed, it is the answer.
    pub async fn post(&self, url: &Url, headers: HeaderMap, body: Vec<u8>) -> Result<Fetched, OutboundError> {
        self.check(url)?;
        let response = self
            .client
            .post(url.clone())
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(classify)?;
        self.read(response, 0).await
    }

    /// Whether `url` may be requested at all: scheme, credentials and an IP-literal host (a
    /// host name is checked on its resolved addresses, by the resolver).
    pub fn check(&self, url: &Url) -> Result<(), OutboundError> {
        if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some()
        {
            return Err(OutboundError::Scheme(url.to_string()));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(OutboundError::Scheme(url.to_string())),
        };
        match self.policy.refusal(ip) {
            Some(reason) => Err(OutboundError::Refused {
                host: ip.to_string(),
                ip,
                reason,
            }),
            None => Ok(()),
        }
    }

    async fn read(
        &self,
        mut response: reqwest::Response,
        redirects: usize,
    ) -> Result<Fetched, OutboundError> {
        let limit = self.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(OutboundError::TooLarge(limit));
        }
        let (status, url, headers) = (
            response.status().as_u16(),
            response.url().clone(),
            response.headers().clone(),
        );
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > limit {
                return Err(OutboundError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            url,
            redirects,
            headers,
            body,
        })
    }
}

/// The URL a redirect from `from` leads to.
fn next_hop(from: &Url, location: Option<&HeaderValue>) -> Result<Url, OutboundError> {
    let location = location
        .and_then(|value| value.to_str().ok())
        .ok_or(OutboundError::BadRedirect)?;
    from.join(location).map_err(|_| OutboundError::BadRedirect)
}

/// The failure a `reqwest` error stands for: the resolver's own refusal or DNS failure where
/// it is the cause, found down the chain of sources.
fn classify(error: reqwest::Error) -> OutboundError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = cause {
        if let Some(ours) = current.downcast_ref::<OutboundError>() {
            return ours.clone();
        }
        cause = current.source();
    }
    if error.is_timeout() {
        OutboundError::Timeout
    } else if error.is_connect() {
        OutboundError::Connect(describe(&error))
    } else {
        OutboundError::Http(describe(&error))
    }
}

/// An error with its causes, on one line.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        text.push_str(": ");
        text.push_str(&current.to_string());
        cause = current.source();
    }
    text
}

/// Resolves host names and keeps only the addresses the policy allows; refuses the name when
/// none is left.
struct GuardedResolver(Arc<AddressPolicy>);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.0);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|_| OutboundError::Dns(host.clone()))?
                .collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|address| match policy.refusal(address.ip()) {
                    None => true,
                    Some(reason) => {
                        refused.get_or_insert((address.ip(), reason));
                        false
                    }
                })
                .collect();
            match (allowed.is_empty(), refused) {
                (false, _) => Ok(Box::new(allowed.into_iter()) as Addrs),
                (true, Some((ip, reason))) => Err(OutboundError::Refused { host, ip, reason }.into()),
                (true, None) => Err(OutboundError::Dns(host).into()),
            }
        })
    }
}
