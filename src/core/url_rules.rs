//! Which URLs certconnect will send credentials to.
//!
//! TLS is mandatory. Plain `http` is allowed only to the loopback interface, so the local sandbox
//! and test servers work while nothing secret can cross a network unencrypted.

use ::core::net::IpAddr;

use url::{Host, Url};

/// Whether the URL's host is this machine (127.0.0.0/8, ::1 or `localhost`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses an endpoint URL and enforces the transport rule.
pub fn parse_endpoint(text: &str) -> Result<Url, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("enter a URL".into());
    }
    let url = Url::parse(text).map_err(|e| format!("not a valid URL ({e})"))?;
    if url.host().is_none() {
        return Err("the URL has no host name".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("credentials do not belong in the URL".into());
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(format!(
            "plain http is only allowed to this machine (loopback); use https://{}",
            url.host_str().unwrap_or_default()
        )),
        other => Err(format!("'{other}' is not supported; use https")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_pass() {
        for ok in [
            "https://login.microsoftonline.com/x/oauth2/v2.0/token",
            "http://127.0.0.1:8080/t",
            "http://127.8.0.1/t",
            "http://[::1]:9/t",
            "http://LOCALHOST:1/t",
        ] {
            assert!(parse_endpoint(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn unsafe_or_broken_urls_fail_with_a_reason() {
        assert!(
            parse_endpoint("http://login.example.com/t")
                .unwrap_err()
                .contains("loopback")
        );
        assert!(
            parse_endpoint("http://10.0.0.1/t")
                .unwrap_err()
                .contains("loopback")
        );
        assert!(parse_endpoint("ftp://x/").unwrap_err().contains("ftp"));
        assert!(
            parse_endpoint("not a url")
                .unwrap_err()
                .contains("not a valid URL")
        );
        assert!(parse_endpoint("").unwrap_err().contains("enter"));
        assert!(
            parse_endpoint("https://u:p@host/")
                .unwrap_err()
                .contains("credentials")
        );
    }
}
