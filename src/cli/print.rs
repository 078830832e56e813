//! Human and JSON output.

use std::fmt::Write as _;

use serde_json::json;

use super::Outcome;
use super::term::{clean, out, outln};
use crate::cert::CertReport;

/// Prints one JSON value on stdout, pretty enough to read and parseable by `jq`.
pub(crate) fn json(value: &serde_json::Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    // serde escapes every control character inside a JSON string; a closed pipe ends quietly.
    outln!("{text}");
}

/// `text` with the control characters of each line escaped and its line breaks kept: for
/// several lines built elsewhere (the report, a list of problems) whose values may come from a
/// server, a file or a shared profile.
pub(crate) fn clean_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| clean(line.strip_suffix('\r').unwrap_or(line)).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reports a usage problem (exit 2), as JSON when JSON was asked for.
pub(crate) fn usage_error(as_json: bool, message: &str) -> Outcome {
    if as_json {
        json(&json!({ "usable": false, "error": { "code": "usage", "message": message } }));
    } else {
        eprintln!("error: {}", clean_lines(message));
    }
    Outcome::BadInput
}

/// The text form of a certificate report. Every value read from the file (names, the file name
/// itself) has its control characters escaped: a certificate is no reason to trust its text.
pub(crate) fn report(file: &str, report: &CertReport) {
    let mut text = String::new();
    let mut line = |label: &str, value: &str| {
        writeln!(text, "{label:<13}{}", clean(value)).ok();
    };
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
    text.push_str("Findings\n");
    if report.findings.is_empty() {
        text.push_str("  none\n");
    }
    for finding in &report.findings {
        writeln!(
            text,
            "  {:<9}{}: {}",
            finding.severity.label(),
            finding.code,
            clean(&finding.message)
        )
        .ok();
    }
    text.push_str(if report.usable {
        "Verdict      usable for Entra certificate credentials\n"
    } else {
        "Verdict      NOT usable: fix the blocking findings above\n"
    });
    out!("{text}");
}

#[cfg(test)]
mod tests {
    use super::clean_lines;

    #[test]
    fn lines_keep_their_breaks_and_lose_their_escapes() {
        let shown = clean_lines("a\u{1b}[2J\r\nb\u{7}\n");
        assert_eq!(shown, "a\\u{1b}[2J\nb\\u{7}\n");
    }
}
