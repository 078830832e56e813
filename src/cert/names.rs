//! Small conversions from OpenSSL types into plain values.

use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::x509::X509NameRef;

/// A distinguished name as the portal and Windows show it: `CN=MyClientAppCert, O=Contoso`.
pub(crate) fn distinguished_name(name: &X509NameRef) -> String {
    name.entries()
        .map(|entry| {
            let key = entry.object().nid().short_name().unwrap_or("?");
            let value = entry
                .data()
                .to_string()
                .unwrap_or_else(|_| String::from_utf8_lossy(entry.data().as_slice()).into_owned());
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Seconds since the Unix epoch of an ASN.1 time.
pub(crate) fn unix_seconds(time: &Asn1TimeRef) -> i64 {
    Asn1Time::from_unix(0)
        .and_then(|epoch| epoch.diff(time))
        .map(|d| i64::from(d.days) * 86_400 + i64::from(d.secs))
        .unwrap_or(0)
}
