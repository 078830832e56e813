//! A request that got no answer, in words an admin can act on: a sentence naming the host and a
//! fix for each [`Cause`]; the raw error chain stays in `Failure::raw` for support.

use super::cause::Cause;
use crate::core::event::{Failure, Step};

/// Where the failed request went: the host and port it was for, the URL field it came from, and
/// the proxy that carried it (without credentials), if any.
pub struct Target<'a> {
    /// Host name or address.
    pub host: &'a str,
    /// Port (the scheme's default when the URL gives none).
    pub port: u16,
    /// The profile field that holds the URL: "Token URL", "Graph URL" or "Key Vault certificate".
    pub field: &'a str,
    /// `host:port` of the proxy the request went through.
    pub proxy: Option<String>,
}

/// The profile field a step's URL comes from.
pub fn url_field(step: Step) -> &'static str {
    match step {
        Step::Token => "Token URL",
        Step::ReachKeyVault | Step::SignInKeyVault => "Key Vault certificate",
        _ => "Graph URL",
    }
}

/// The failure to show for `cause`: a stable code (`network`, `tls` or `timeout`, as before the
/// causes were told apart, so scripts keep working), a sentence naming the host, and a fix.
pub fn failure(cause: &Cause, target: &Target<'_>, step: Step) -> Failure {
    let Target {
        host, port, field, ..
    } = target;
    let proxy = match &target.proxy {
        Some(proxy) => format!("the proxy {proxy}"),
        None => "the proxy".to_owned(),
    };
    let (code, message, hint) = match cause {
        Cause::Dns => (
            "network",
            format!("the name '{host}' could not be found (the DNS lookup failed)"),
            format!(
                "Check the {field}'s host name for typos; if it is right, check this machine's DNS settings and VPN."
            ),
        ),
        Cause::Refused => (
            "network",
            format!("nothing is listening on {host}:{port}: the connection was refused"),
            format!(
                "Check the {field}'s host and port; if they are right, the service is down or a firewall rejects the connection."
            ),
        ),
        Cause::Reset => (
            "network",
            format!("{host}:{port} closed the connection before it answered"),
            "Try again; if it keeps happening, a firewall, proxy or TLS inspection device is cutting the connection.".into(),
        ),
        Cause::TlsUntrusted => (
            "tls",
            format!(
                "the certificate of {host} is not trusted: it is self-signed or signed by a CA this machine does not know"
            ),
            "If your network inspects TLS, add the CA that signed the server's certificate in Advanced > CA file (--ca-file).".into(),
        ),
        Cause::TlsHostname(names) => (
            "tls",
            if names.is_empty() {
                format!("the certificate of {host} is issued for another name, not '{host}'")
            } else {
                format!(
                    "the certificate of {host} is issued for {}, not '{host}'",
                    names.join(", ")
                )
            },
            format!(
                "Use the host name the server's certificate names in the {field}; if a proxy or TLS inspection device answers instead of the server, ask its admin to let {host} through."
            ),
        ),
        Cause::TlsOther(reason) => (
            "tls",
            format!("the secure connection (TLS) to {host}:{port} failed: {reason}"),
            "Check that the URL is the HTTPS address of the service, this machine's clock, and the CA file.".into(),
        ),
        Cause::Proxy => (
            "network",
            format!(
                "{proxy} could not be reached or refused to forward the request to {host}:{port}"
            ),
            format!(
                "Check HTTPS_PROXY / HTTP_PROXY (and NO_PROXY for hosts that bypass it); the proxy's admin can tell whether it lets {host} through."
            ),
        ),
        Cause::Timeout => (
            "timeout",
            format!(
                "{host}:{port} did not answer before the test's time ran out (during '{}')",
                step.label()
            ),
            "The server is slow or unreachable; raise the timeout, or check the network and proxy."
                .into(),
        ),
        Cause::Other => (
            "network",
            format!("could not reach {host}:{port}"),
            "Check the URL, the network and the proxy settings (HTTPS_PROXY / NO_PROXY).".into(),
        ),
    };
    Failure {
        code: code.into(),
        message,
        hint,
        ..Failure::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(proxy: Option<&str>) -> Target<'static> {
        Target {
            host: "login.example.com",
            port: 443,
            field: "Token URL",
            proxy: proxy.map(str::to_owned),
        }
    }

    #[test]
    fn every_cause_names_the_host_and_keeps_the_old_codes() {
        let causes = [
            (Cause::Dns, "network"),
            (Cause::Refused, "network"),
            (Cause::Reset, "network"),
            (Cause::TlsUntrusted, "tls"),
            (Cause::TlsHostname(vec!["localhost".into()]), "tls"),
            (Cause::TlsOther("bad record mac".into()), "tls"),
            (Cause::Proxy, "network"),
            (Cause::Timeout, "timeout"),
            (Cause::Other, "network"),
        ];
        for (cause, code) in causes {
            let failure = failure(&cause, &target(None), Step::Token);
            assert_eq!(failure.code, code, "{cause:?}");
            assert!(failure.message.contains("login.example.com"), "{cause:?}");
            assert!(!failure.hint.is_empty(), "{cause:?}");
        }
    }

    #[test]
    fn fixes_point_at_the_field_and_the_proxy() {
        let dns = failure(&Cause::Dns, &target(None), Step::Token);
        assert!(dns.hint.contains("Token URL's host name"), "{}", dns.hint);
        let proxy = failure(&Cause::Proxy, &target(Some("proxy.corp:3128")), Step::Token);
        assert!(
            proxy
                .message
                .starts_with("the proxy proxy.corp:3128 could not be reached"),
            "{}",
            proxy.message
        );
        let names = failure(
            &Cause::TlsHostname(vec!["localhost".into(), "127.0.0.1".into()]),
            &target(None),
            Step::Token,
        );
        assert!(
            names.message.contains("issued for localhost, 127.0.0.1"),
            "{}",
            names.message
        );
        assert_eq!(url_field(Step::Drive), "Graph URL");
        assert_eq!(url_field(Step::ReachKeyVault), "Key Vault certificate");
    }
}
