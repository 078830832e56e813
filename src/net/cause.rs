//! Why a request got no answer, found in reqwest's error chain.
//!
//! reqwest reports a failed connection as a chain of errors ("error sending request for url …:
//! client error (Connect): dns error: failed to lookup address information: …"). That chain is
//! precise but unreadable, so it is sorted here into the few causes people can fix (name, port,
//! certificate, proxy, time); [`super::unreachable`] puts each into words.

use std::error::Error as StdError;

use tokio_rustls::rustls::{CertificateError, Error as TlsError};

/// What stopped a request from getting an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The host name could not be resolved.
    Dns,
    /// Nothing listens on the host and port (or a firewall rejects the connection).
    Refused,
    /// The connection was closed or reset before an answer came.
    Reset,
    /// The server's certificate is self-signed or signed by a CA this machine does not trust.
    TlsUntrusted,
    /// The server's certificate is for other names; the names it does cover, when known.
    TlsHostname(Vec<String>),
    /// Any other TLS failure, with the TLS library's reason.
    TlsOther(String),
    /// The proxy could not be reached or refused to forward the request.
    Proxy,
    /// The server did not answer in time.
    Timeout,
    /// Anything else.
    Other,
}

/// Finds the cause in a reqwest error's chain. The TLS library's and the OS's typed errors are
/// used where the chain carries them; the text is the fallback for wrappers that hide them.
pub fn classify(error: &reqwest::Error, through_proxy: bool) -> Cause {
    if error.is_timeout() {
        return Cause::Timeout;
    }
    let chain = chain(error);
    if let Some(cause) = chain.iter().find_map(|e| tls_cause(*e)) {
        return cause;
    }
    // The network libraries' own text, read here at the adapter's edge only: what follows is the
    // fallback for errors whose typed cause the wrappers hide; callers get a typed `Cause`.
    let text = chain_text(error).to_ascii_lowercase();
    if text.contains("invalid peer certificate") || text.contains("tls handshake") {
        let innermost = chain.last().map(ToString::to_string).unwrap_or_default();
        return Cause::TlsOther(innermost);
    }
    // Through a proxy, a failed connect is a failed connection to the proxy (HTTPS goes through a
    // CONNECT tunnel whose errors say "tunnel error").
    if text.contains("tunnel error") || (through_proxy && error.is_connect()) {
        return Cause::Proxy;
    }
    if error.is_dns() || text.contains("dns error") {
        return Cause::Dns;
    }
    let io_cause = chain
        .iter()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .find_map(|e| match e.kind() {
            std::io::ErrorKind::ConnectionRefused => Some(Cause::Refused),
            std::io::ErrorKind::TimedOut => Some(Cause::Timeout),
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::UnexpectedEof => Some(Cause::Reset),
            _ => None,
        });
    if let Some(cause) = io_cause {
        return cause;
    }
    let incomplete = chain.iter().any(|e| {
        e.downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
    });
    if incomplete || text.contains("connection closed") || text.contains("connection reset") {
        return Cause::Reset;
    }
    if text.contains("connection refused") {
        return Cause::Refused;
    }
    Cause::Other
}

/// The cause of a TLS failure, when `error` is the TLS library's error.
fn tls_cause(error: &(dyn StdError + 'static)) -> Option<Cause> {
    Some(match error.downcast_ref::<TlsError>()? {
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer) => Cause::TlsUntrusted,
        TlsError::InvalidCertificate(CertificateError::NotValidForNameContext {
            presented,
            ..
        }) => Cause::TlsHostname(presented.iter().map(|n| plain_name(n)).collect()),
        TlsError::InvalidCertificate(CertificateError::NotValidForName) => {
            Cause::TlsHostname(Vec::new())
        }
        other => Cause::TlsOther(other.to_string()),
    })
}

/// A name from the certificate as rustls lists it (`DnsName("localhost")`, `IpAddress(127.0.0.1)`),
/// as people write it.
fn plain_name(name: &str) -> String {
    let inner = name
        .strip_prefix("DnsName(\"")
        .and_then(|n| n.strip_suffix("\")"))
        .or_else(|| {
            name.strip_prefix("IpAddress(")
                .and_then(|n| n.strip_suffix(')'))
        });
    inner.unwrap_or(name).to_owned()
}

/// The error and its causes, outermost first. An `io::Error` that wraps another error reports that
/// error's source as its own, skipping the wrapped error itself (tokio-rustls hands the TLS error
/// up as io::Error(io::Error(rustls::Error))), so the wrapped error is taken with `get_ref`.
fn chain(error: &reqwest::Error) -> Vec<&(dyn StdError + 'static)> {
    let mut all: Vec<&(dyn StdError + 'static)> = vec![error];
    let mut next = error.source();
    while let Some(cause) = next {
        all.push(cause);
        next = match cause
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(wrapped) => Some(wrapped),
            None => cause.source(),
        };
    }
    all
}

/// An error and its causes on one line (reqwest's top-level message alone hides the reason).
pub fn chain_text(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in chain(error) {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::plain_name;

    #[test]
    fn certificate_names_read_as_people_write_them() {
        assert_eq!(plain_name("DnsName(\"localhost\")"), "localhost");
        assert_eq!(plain_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(plain_name("Unsupported(0x87)"), "Unsupported(0x87)");
    }
}
