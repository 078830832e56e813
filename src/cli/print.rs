//! Human and JSON output.

use std::io::Write as _;

use serde_json::json;

use super::Outcome;
use crate::cert::CertReport;

/// Prints one JSON value on stdout, pretty enough to read and parseable by `jq`.
pub(crate) fn json(value: &serde_json::Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    // A closed pipe (`| head`) is not an error worth a panic.
    writeln!(std::io::stdout(), "{text}").ok();
}

/// Reports a usage problem (exit 2), as JSON when JSON was asked for.
pub(crate) fn usage_error(as_json: bool, message: &str) -> Outcome {
    if as_json {
        json(&json!({ "usable": false, "error": { "code": "usage", "message": message } }));
    } else {
        eprintln!("error: {message}");
    }
    Outcome::BadInput
}

/// The text form of a certificate report.
pub(crate) fn report(file: &str, report: &CertReport) {
    let mut out = String::new();
    let mut line = |label: &str, value: &str| out.push_str(&format!("{label:<13}{value}\n"));
    line("File", &format!("{file} ({})", report.format));
    line("Subject", &report.subject);
    line("Issuer", &report.issuer);
    line("Serial", &report.serial);
    let left = match report.days_left {
        d if d < 0 => format!("expired {} days ago", -d),
        d => format!("{d} days left"),
    };
    line(
        "Valid",
        &format!("{} to {} ({left})", report.not_before, report.not_after),
    );
    let key_state = match (report.key.private_key, report.key.matches_certificate) {
        (false, _) => "no private key in this file",
        (true, Some(false)) => "private key does NOT match the certificate",
        (true, _) => "private key present and matching",
    };
    line(
        "Key",
        &format!(
            "{} {} bits, {key_state}",
            report.key.algorithm, report.key.bits
        ),
    );
    line("Signature", &report.signature_algorithm);
    line(
        "Thumbprint",
        &format!(
            "{}  (SHA-1, as the Azure portal shows it)",
            report.thumbprint_sha1
        ),
    );
    line("", &format!("{}  (SHA-256)", report.thumbprint_sha256));
    line("x5t", &report.x5t);
    line("x5t#S256", &report.x5t_s256);
    if report.chain.is_empty() {
        line("Chain", "(no other certificates in the file)");
    }
    for (index, entry) in report.chain.iter().enumerate() {
        let label = if index == 0 { "Chain" } else { "" };
        line(
            label,
            &format!(
                "{}. {}  [{}]",
                index + 1,
                entry.subject,
                entry.thumbprint_sha1
            ),
        );
    }
    out.push_str("Findings\n");
    if report.findings.is_empty() {
        out.push_str("  none\n");
    }
    for finding in &report.findings {
        out.push_str(&format!(
            "  {:<9}{}: {}\n",
            finding.severity.label(),
            finding.code,
            finding.message
        ));
    }
    out.push_str(if report.usable {
        "Verdict      usable for Entra certificate credentials\n"
    } else {
        "Verdict      NOT usable: fix the blocking findings above\n"
    });
    write!(std::io::stdout(), "{out}").ok();
}
