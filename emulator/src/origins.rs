//! Who may talk to the emulator from a browser, and under which `Host`. A local emulator holds everyone's
//! test users and answers admin operations unsigned, so a page the developer happens to open must not be
//! able to call it: CORS answers loopback origins only (plus `--cors-origin`s, or any with `--cors-any`),
//! and a request whose `Host` is neither a loopback name nor the `--host` value (a DNS-rebinding page's) is
//! refused.

use std::net::IpAddr;

/// The `--cors-origin`, `--cors-any` and `--host` settings.
#[derive(Clone, Debug, Default)]
pub struct NetworkPolicy {
    /// Origins allowed besides the loopback ones, exactly as browsers send them (`https://app.example`).
    pub extra_origins: Vec<String>,
    /// Every origin is allowed (today's behaviour before this policy; warned about at start).
    pub any_origin: bool,
    /// The `--host` the emulator listens on; `None` for an embedded emulator (tests), which takes loopback
    /// names only.
    pub host: Option<String>,
}

impl NetworkPolicy {
    /// Whether a reply may carry `Access-Control-Allow-Origin` for `origin`.
    pub fn allows_origin(&self, origin: &str) -> bool {
        if self.any_origin || self.extra_origins.iter().any(|o| o == origin) {
            return true;
        }
        origin
            .strip_prefix("http://")
            .is_some_and(|authority| is_loopback_name(host_part(authority)))
    }

    /// Whether a request with this `Host` header is answered.
    pub fn allows_host(&self, host: &str) -> bool {
        let name = host_part(host);
        if is_loopback_name(name) {
            return true;
        }
        match self.host.as_deref().map(host_part) {
            // Listening on every interface is asking for the network (warned about at start).
            Some(configured) if is_unspecified(configured) => true,
            Some(configured) => configured.eq_ignore_ascii_case(name),
            None => false,
        }
    }
}

/// Whether `--host` opens the emulator to the network (every interface).
pub fn is_unspecified(host: &str) -> bool {
    parse_ip(host).is_some_and(|ip| ip.is_unspecified())
}

/// `localhost`, `*.localhost` (RFC 6761) or a loopback address.
fn is_loopback_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || parse_ip(name).is_some_and(|ip| ip.is_loopback())
}

fn parse_ip(name: &str) -> Option<IpAddr> {
    name.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// The name in `host[:port]` or `[v6]:port`, without the port.
fn host_part(authority: &str) -> &str {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => &authority[..=end],
            None => authority,
        };
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => authority,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_only_by_default() {
        let policy = NetworkPolicy::default();
        for origin in [
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://[::1]:8080",
            "http://localhost",
        ] {
            assert!(policy.allows_origin(origin), "{origin}");
        }
        for origin in [
            "https://evil.example",
            "null",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example:80",
            "file://",
        ] {
            assert!(!policy.allows_origin(origin), "{origin}");
        }
        let extra = NetworkPolicy {
            extra_origins: vec!["https://app.example".into()],
            ..NetworkPolicy::default()
        };
        assert!(extra.allows_origin("https://app.example"));
        assert!(!extra.allows_origin("https://evil.example"));
        let any = NetworkPolicy {
            any_origin: true,
            ..NetworkPolicy::default()
        };
        assert!(any.allows_origin("https://evil.example"));
    }

    #[test]
    fn hosts_loopback_or_the_configured_one() {
        let policy = NetworkPolicy::default();
        assert!(policy.allows_host("127.0.0.1:9229"));
        assert!(policy.allows_host("localhost:9229"));
        assert!(policy.allows_host("[::1]:9229"));
        assert!(!policy.allows_host("evil.example:9229"));
        assert!(!policy.allows_host("127.0.0.1.evil.example"));
        let named = NetworkPolicy {
            host: Some("emulator.internal".into()),
            ..NetworkPolicy::default()
        };
        assert!(named.allows_host("emulator.internal:9229"));
        assert!(!named.allows_host("evil.example:9229"));
        let open = NetworkPolicy {
            host: Some("0.0.0.0".into()),
            ..NetworkPolicy::default()
        };
        assert!(open.allows_host("192.168.1.20:9229"));
    }
}
