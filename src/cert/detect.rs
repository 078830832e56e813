//! What kind of file this is, from its first bytes (extensions lie: `.cer` is PEM or DER).

use serde::Serialize;

/// The container format of a certificate file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FileFormat {
    /// PKCS#12 (`.pfx`, `.p12`, keytool PKCS12 keystores).
    Pkcs12,
    /// PEM text (certificates and/or keys).
    Pem,
    /// A single DER certificate (`.cer`, `.crt`).
    Der,
    /// A Java JKS keystore.
    Jks,
    /// Not a file: a certificate in the Windows certificate store.
    WindowsStore,
    /// Not a file: a certificate in Azure Key Vault.
    KeyVault,
    /// Not a file: a key and certificate on a PKCS#11 token.
    Pkcs11,
}

impl FileFormat {
    /// The name shown in reports.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pkcs12 => "PKCS#12",
            Self::Pem => "PEM",
            Self::Der => "DER",
            Self::Jks => "JKS",
            Self::WindowsStore => "Windows certificate store",
            Self::KeyVault => "Azure Key Vault",
            Self::Pkcs11 => "PKCS#11 token",
        }
    }
}

/// What the first bytes say.
pub(crate) enum Sniffed {
    /// PEM armour found.
    Pem,
    /// An ASN.1 SEQUENCE: PKCS#12 or a DER certificate.
    Der,
    /// A Java keystore of the given kind.
    JavaKeystore(&'static str),
    /// Nothing known.
    Unknown,
}

pub(crate) fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(&[0xFE, 0xED, 0xFE, 0xED]) {
        return Sniffed::JavaKeystore("JKS");
    }
    if bytes.starts_with(&[0xCE, 0xCE, 0xCE, 0xCE]) {
        return Sniffed::JavaKeystore("JCEKS");
    }
    if bytes.first() == Some(&0x30) {
        return Sniffed::Der;
    }
    // PEM may follow a UTF-8 BOM or explanatory text ("Bag Attributes" from openssl pkcs12 -nodes).
    if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        return Sniffed::Pem;
    }
    Sniffed::Unknown
}
