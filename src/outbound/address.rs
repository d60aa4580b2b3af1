//! Which addresses the service may connect to when it reaches out (watched sources, webhooks):
//! public unicast addresses only, unless the operator allows more. Pure rules, no I/O.
//!
//! Refused, with the reason given back: loopback, private (RFC 1918), shared/CGNAT (RFC 6598),
//! link-local, unique-local (RFC 4193), site-local, multicast, unspecified, broadcast, reserved,
//! benchmarking (RFC 2544), documentation (RFC 5737, RFC 3849, RFC 9637), IETF protocol
//! assignments, discard-only (RFC 6666), and every IPv6 form that embeds an IPv4 address
//! (IPv4-mapped, IPv4-compatible, NAT64 and 6to4) whose embedded address is refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Which addresses outbound requests may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Every address is allowed (`--fetch-allow-private`): unsafe on a public deployment,
    /// where it lets any writer make the service reach its own network.
    pub allow_private: bool,
    /// Addresses allowed although the rules refuse them (`--fetch-allow-address`).
    pub allowed: Vec<IpAddr>,
}

impl AddressPolicy {
    /// Why connecting to `ip` is refused, or `None` when it is allowed.
    pub fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        if self.allow_private || self.allowed.contains(&ip) {
            return None;
        }
        non_public(ip)
    }
}

/// Why `ip` is not a public unicast address, or `None` when it is one.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let reason = match (a, b, c) {
        _ if ip.is_broadcast() => "broadcast",
        (0, _, _) => "unspecified (this network)",
        (127, _, _) => "loopback",
        (10, _, _) => "private",
        (172, 16..=31, _) => "private",
        (192, 168, _) => "private",
        (100, 64..=127, _) => "shared address space (CGNAT)",
        (169, 254, _) => "link-local",
        (192, 0, 0) => "IETF protocol assignment",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    };
    Some(reason)
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    let embedded = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4).map(|_| "IPv4-mapped form of a refused address");
    }
    match segments {
        // IPv4-compatible (deprecated): ::a.b.c.d.
        [0, 0, 0, 0, 0, 0, high, low] => {
            return non_public_v4(embedded(high, low)).map(|_| "IPv4-compatible form of a refused address")
        }
        // NAT64, the well-known prefix (RFC 6052): the embedded address decides.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => {
            return non_public_v4(embedded(high, low)).map(|_| "NAT64 form of a refused address")
        }
        // NAT64, the local-use prefix (RFC 8215): translated inside the operator's network.
        [0x64, 0xff9b, 1, ..] => return Some("NAT64 local-use prefix"),
        // 6to4 (RFC 3056): 2002:aabb:ccdd::/48.
        [0x2002, high, low, ..] => {
            return non_public_v4(embedded(high, low)).map(|_| "6to4 form of a refused address")
        }
        _ => {}
    }
    let first = segments[0];
    let reason = match first {
        _ if first & 0xff00 == 0xff00 => "multicast",
        _ if first & 0xfe00 == 0xfc00 => "unique-local",
        _ if first & 0xffc0 == 0xfe80 => "link-local",
        _ if first & 0xffc0 == 0xfec0 => "site-local (deprecated)",
        0x2001 if segments[1] == 0x0db8 => "documentation",
        0x3fff if segments[1] & 0xf000 == 0 => "documentation",
        0x0100 if segments[1..4] == [0, 0, 0] => "discard-only",
        // 2001::/23, IETF protocol assignments, Teredo (2001::/32) among them.
        0x2001 if segments[1] < 0x0200 => "IETF protocol assignment",
        // Everything outside 2000::/3 is unassigned or special.
        _ if first & 0xe000 != 0x2000 => "reserved",
        _ => return None,
    };
    Some(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> Option<&'static str> {
        non_public(text.parse().expect("an address"))
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.0.1.1",
            "198.17.255.255",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001:82b::200e",
            "2001:4860:4860::8888",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert_eq!(refused(ip), None, "{ip} is public");
        }
    }

    #[test]
    fn every_non_public_range_is_refused_with_its_reason() {
        for (ip, reason) in [
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("10.0.0.1", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "shared address space (CGNAT)"),
            ("100.127.255.255", "shared address space (CGNAT)"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified (this network)"),
            ("0.1.2.3", "unspecified (this network)"),
            ("255.255.255.255", "broadcast"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("192.0.0.8", "IETF protocol assignment"),
            ("192.0.2.1", "documentation"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.9", "documentation"),
            ("198.18.0.1", "benchmarking"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("fc00::1", "unique-local"),
            ("fd12:3456::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "site-local (deprecated)"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "documentation"),
            ("3fff::1", "documentation"),
            ("100::1", "discard-only"),
            ("2001::1", "IETF protocol assignment"),
            ("::ffff:127.0.0.1", "IPv4-mapped form of a refused address"),
            ("::ffff:10.1.2.3", "IPv4-mapped form of a refused address"),
            ("::ffff:169.254.169.254", "IPv4-mapped form of a refused address"),
            ("::127.0.0.1", "IPv4-compatible form of a refused address"),
            ("64:ff9b::7f00:1", "NAT64 form of a refused address"),
            ("64:ff9b::", "NAT64 form of a refused address"),
            ("64:ff9b:1::a00:1", "NAT64 local-use prefix"),
            ("2002:7f00:1::1", "6to4 form of a refused address"),
            ("2002:c0a8:101::1", "6to4 form of a refused address"),
            ("4000::1", "reserved"),
        ] {
            assert_eq!(refused(ip), Some(reason), "{ip}");
        }
    }

    #[test]
    fn an_ipv4_mapped_public_address_is_public() {
        assert_eq!(refused("::ffff:93.184.216.34"), None);
    }

    #[test]
    fn the_policy_allows_what_the_operator_names() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        assert_eq!(AddressPolicy::default().refusal(loopback), Some("loopback"));
        let named = AddressPolicy {
            allow_private: false,
            allowed: vec![loopback],
        };
        assert_eq!(named.refusal(loopback), None);
        assert_eq!(named.refusal(other), Some("loopback"));
        let open = AddressPolicy {
            allow_private: true,
            allowed: Vec::new(),
        };
        assert_eq!(open.refusal(other), None);
    }
}
