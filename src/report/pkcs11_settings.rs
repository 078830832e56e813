//! How a hardware-token source reads in the settings report: the URI and module, never a PIN.

use std::path::Path;

/// "PKCS#11 token key pkcs11:… (module …, certificate file …)".
pub(super) fn describe(uri: &str, module: Option<&Path>, cert_pem: Option<&Path>) -> String {
    let mut text = format!("PKCS#11 token key {uri}");
    if let Some(module) = module {
        text.push_str(&format!(" (module {})", module.display()));
    }
    if let Some(cert) = cert_pem {
        text.push_str(&format!(" (certificate file {})", cert.display()));
    }
    text
}
