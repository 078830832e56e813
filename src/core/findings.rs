//! Whether a certificate can sign Entra client assertions: the rules, as pure functions of its facts.

use serde::Serialize;

use super::time_fmt::{days_between, rfc3339};

/// How much a finding matters. Any `Blocking` finding means Entra will refuse this certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Entra will reject it: fix before uploading or using.
    Blocking,
    /// It works today but needs attention.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl Severity {
    /// A short label for tables and logs.
    pub fn label(self) -> &'static str {
        match self {
            Self::Blocking => "BLOCKING",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// One observation about a certificate, with a stable `code` that scripts can match on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// A stable identifier, e.g. `expired` or `key_mismatch`.
    pub code: &'static str,
    /// A sentence for the admin, with what to do.
    pub message: String,
}

impl Finding {
    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            message: message.into(),
        }
    }
}

/// The family of a certificate's public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyAlgorithm {
    /// RSA, the only family Entra accepts for client assertions.
    Rsa,
    /// Elliptic curve (ECDSA).
    Ec,
    /// Ed25519 / Ed448.
    Edwards,
    /// Anything else, by OpenSSL's short name.
    Other(String),
}

impl KeyAlgorithm {
    /// The name shown in reports.
    pub fn name(&self) -> &str {
        match self {
            Self::Rsa => "RSA",
            Self::Ec => "EC",
            Self::Edwards => "EdDSA",
            Self::Other(name) => name,
        }
    }
}

/// Entra's minimum RSA key size for certificate credentials.
pub const MIN_RSA_BITS: u32 = 2048;
pub use super::expiry::EXPIRY_WARNING_DAYS;

/// What the rules need to know about a certificate, extracted by the OpenSSL adapter.
#[derive(Clone, Debug)]
pub struct CertFacts {
    /// Start of validity, Unix seconds.
    pub not_before: i64,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// Public key family.
    pub key_algorithm: KeyAlgorithm,
    /// Public key size in bits.
    pub key_bits: u32,
    /// `None` when the file holds no private key (a `.cer` to upload).
    pub key_matches_certificate: Option<bool>,
    /// `None` when the certificate has no KeyUsage extension (then every usage is allowed).
    pub digital_signature_usage: Option<bool>,
    /// Subject equals issuer.
    pub self_signed: bool,
    /// The other certificates of the file, leaf's issuer first.
    pub chain: Vec<ChainLink>,
}

/// One issuer certificate shipped with the signing certificate.
#[derive(Clone, Debug)]
pub struct ChainLink {
    /// Its subject, for messages.
    pub subject: String,
    /// End of validity, Unix seconds.
    pub not_after: i64,
    /// It issued (and its key verifies) the certificate before it in the chain.
    pub signs_previous: bool,
}

/// Applies the rules in order of severity.
pub fn evaluate(facts: &CertFacts, now: i64) -> Vec<Finding> {
    let mut findings = Vec::new();
    let days_left = days_between(now, facts.not_after);
    if now > facts.not_after {
        findings.push(Finding::new(
            Severity::Blocking,
            super::event::codes::EXPIRED,
            format!(
                "The certificate expired on {} ({} days ago). Make a new one and upload its .cer to the app registration.",
                rfc3339(facts.not_after),
                -days_left
            ),
        ));
    } else if now < facts.not_before {
        findings.push(Finding::new(
            Severity::Blocking,
            "not_yet_valid",
            format!(
                "The certificate is not valid before {}. Check this machine's clock, or wait.",
                rfc3339(facts.not_before)
            ),
        ));
    } else if days_left < EXPIRY_WARNING_DAYS {
        findings.push(Finding::new(
            Severity::Warning,
            "expires_soon",
            format!(
                "The certificate expires in {days_left} days ({}). Make and upload its successor now.",
                rfc3339(facts.not_after)
            ),
        ));
    }
    match facts.key_algorithm {
        KeyAlgorithm::Rsa if facts.key_bits < MIN_RSA_BITS => findings.push(Finding::new(
            Severity::Blocking,
            "weak_rsa_key",
            format!(
                "The RSA key has {} bits; Entra needs at least {MIN_RSA_BITS}.",
                facts.key_bits
            ),
        )),
        KeyAlgorithm::Rsa => {}
        ref other => findings.push(Finding::new(
            Severity::Blocking,
            "non_rsa_key",
            format!(
                "The key is {} ({} bits); Entra only accepts RSA keys for client assertions. Make an RSA certificate.",
                other.name(),
                facts.key_bits
            ),
        )),
    }
    match facts.key_matches_certificate {
        Some(false) => findings.push(Finding::new(
            Severity::Blocking,
            "key_mismatch",
            "The private key does not belong to this certificate: assertions signed with it will fail (AADSTS700027). Use the key and certificate from the same export.",
        )),
        Some(true) => {}
        None => findings.push(Finding::new(
            Severity::Info,
            "no_private_key",
            "The file holds only the certificate: it is what you upload to the app registration, but it cannot sign. Use the matching PFX to connect.",
        )),
    }
    if facts.digital_signature_usage == Some(false) {
        findings.push(Finding::new(
            Severity::Warning,
            "no_digital_signature_usage",
            "The certificate's key usage does not include digitalSignature; strict verifiers refuse it for signing.",
        ));
    }
    if facts.self_signed {
        findings.push(Finding::new(
            Severity::Info,
            "self_signed",
            "Self-signed: fine for app registrations, which trust the uploaded certificate itself.",
        ));
    }
    for link in &facts.chain {
        if now > link.not_after {
            findings.push(Finding::new(
                Severity::Warning,
                "chain_certificate_expired",
                format!(
                    "The chain certificate '{}' expired on {}; with 'send certificate chain' (Subject Name + Issuer) Entra will refuse it.",
                    link.subject,
                    rfc3339(link.not_after)
                ),
            ));
        }
        if !link.signs_previous {
            findings.push(Finding::new(
                Severity::Warning,
                "chain_out_of_order",
                format!(
                    "The chain certificate '{}' did not issue the certificate before it: the file's chain is incomplete or holds unrelated certificates.",
                    link.subject
                ),
            ));
        }
    }
    findings.sort_by_key(|f| f.severity);
    findings
}

/// Compares the certificate's thumbprints with one the admin expects (uppercase hex, SHA-1 or
/// SHA-256 by length) — e.g. the one the Azure portal lists for the app registration.
pub fn compare_thumbprint(expected: &str, sha1: &str, sha256: &str) -> Finding {
    let compared = super::thumbprint::compare(expected, sha1, sha256);
    let (actual, kind) = (compared.actual, compared.algorithm);
    if compared.matches {
        Finding::new(
            Severity::Info,
            "thumbprint_match",
            format!("The {kind} thumbprint matches the expected {expected}."),
        )
    } else {
        Finding::new(
            Severity::Blocking,
            "thumbprint_mismatch",
            format!(
                "This is not the expected certificate: expected {kind} thumbprint {expected}, this certificate has {actual}. Upload this certificate's .cer, or pick the PFX whose thumbprint the portal lists."
            ),
        )
    }
}

/// Whether a set of findings lets the certificate be used with Entra.
pub fn is_usable(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.severity != Severity::Blocking)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_800_000_000;

    fn healthy() -> CertFacts {
        CertFacts {
            not_before: NOW - DAY,
            not_after: NOW + 365 * DAY,
            key_algorithm: KeyAlgorithm::Rsa,
            key_bits: 2048,
            key_matches_certificate: Some(true),
            digital_signature_usage: Some(true),
            self_signed: false,
            chain: Vec::new(),
        }
    }

    fn codes(facts: &CertFacts) -> Vec<&'static str> {
        evaluate(facts, NOW).iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_healthy_certificate_has_no_findings() {
        assert!(codes(&healthy()).is_empty());
    }

    #[test]
    fn each_rule_fires_on_its_own_fact() {
        let cases: Vec<(CertFacts, &str, Severity)> = vec![
            (
                CertFacts {
                    not_after: NOW - 1,
                    ..healthy()
                },
                "expired",
                Severity::Blocking,
            ),
            (
                CertFacts {
                    not_before: NOW + 1,
                    ..healthy()
                },
                "not_yet_valid",
                Severity::Blocking,
            ),
            (
                CertFacts {
                    not_after: NOW + 29 * DAY,
                    ..healthy()
                },
                "expires_soon",
                Severity::Warning,
            ),
            (
                CertFacts {
                    key_bits: 1024,
                    ..healthy()
                },
                "weak_rsa_key",
                Severity::Blocking,
            ),
            (
                CertFacts {
                    key_algorithm: KeyAlgorithm::Ec,
                    key_bits: 256,
                    ..healthy()
                },
                "non_rsa_key",
                Severity::Blocking,
            ),
            (
                CertFacts {
                    key_matches_certificate: Some(false),
                    ..healthy()
                },
                "key_mismatch",
                Severity::Blocking,
            ),
            (
                CertFacts {
                    key_matches_certificate: None,
                    ..healthy()
                },
                "no_private_key",
                Severity::Info,
            ),
            (
                CertFacts {
                    digital_signature_usage: Some(false),
                    ..healthy()
                },
                "no_digital_signature_usage",
                Severity::Warning,
            ),
            (
                CertFacts {
                    self_signed: true,
                    ..healthy()
                },
                "self_signed",
                Severity::Info,
            ),
        ];
        for (facts, code, severity) in cases {
            let findings = evaluate(&facts, NOW);
            assert_eq!(findings.len(), 1, "{code}: {findings:?}");
            assert_eq!((findings[0].code, findings[0].severity), (code, severity));
            assert_eq!(
                is_usable(&findings),
                severity != Severity::Blocking,
                "{code}"
            );
        }
    }

    #[test]
    fn thirty_days_left_is_not_yet_a_warning_and_no_usage_extension_is_fine() {
        let facts = CertFacts {
            not_after: NOW + 30 * DAY,
            digital_signature_usage: None,
            ..healthy()
        };
        assert!(codes(&facts).is_empty());
    }

    #[test]
    fn chain_problems_are_warnings() {
        let link = |not_after, signs_previous| ChainLink {
            subject: "CN=Issuing CA".into(),
            not_after,
            signs_previous,
        };
        let facts = CertFacts {
            chain: vec![link(NOW + DAY, true)],
            ..healthy()
        };
        assert!(codes(&facts).is_empty());
        let facts = CertFacts {
            chain: vec![link(NOW - DAY, false)],
            ..healthy()
        };
        assert_eq!(
            codes(&facts),
            ["chain_certificate_expired", "chain_out_of_order"]
        );
        assert!(is_usable(&evaluate(&facts, NOW)));
    }

    #[test]
    fn thumbprints_compare_by_length() {
        let sha1 = "84E05C1D98BCE3A5421D225B140B36E86A3D5534";
        let sha256 = "A".repeat(64);
        assert_eq!(
            compare_thumbprint(sha1, sha1, &sha256).code,
            "thumbprint_match"
        );
        assert_eq!(
            compare_thumbprint(&sha256, sha1, &sha256).code,
            "thumbprint_match"
        );
        let other = "0000000000000000000000000000000000000000";
        let mismatch = compare_thumbprint(other, sha1, &sha256);
        assert_eq!(
            (mismatch.code, mismatch.severity),
            ("thumbprint_mismatch", Severity::Blocking)
        );
        assert!(mismatch.message.contains(other) && mismatch.message.contains(sha1));
    }

    #[test]
    fn blocking_findings_come_first() {
        let facts = CertFacts {
            self_signed: true,
            key_bits: 1024,
            ..healthy()
        };
        assert_eq!(codes(&facts), ["weak_rsa_key", "self_signed"]);
    }
}
