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

/// A name's entries as (field, value) pairs (`("CN", "MyClientAppCert")`), as a new certificate's
/// subject takes them; entries OpenSSL cannot name or decode are left out.
pub(crate) fn subject_entries(name: &X509NameRef) -> Vec<(String, String)> {
    name.entries()
        .filter_map(|entry| {
            let field = entry.object().nid().short_name().ok()?.to_owned();
            let value = entry.data().to_string().ok()?;
            Some((field, value))
        })
        .collect()
}

/// Seconds since the Unix epoch of an ASN.1 time.
pub(crate) fn unix_seconds(time: &Asn1TimeRef) -> i64 {
    Asn1Time::from_unix(0)
        .and_then(|epoch| epoch.diff(time))
        .map(|d| i64::from(d.days) * 86_400 + i64::from(d.secs))
        .unwrap_or(0)
}
