//! Failure codes as people read them.
//!
//! certconnect's own codes (`wrong_password`, `network`) are stable names for scripts, not words:
//! people see a short title instead. Codes that come from Entra (`AADSTS700027`) and Graph
//! (`accessDenied`) stay as they are, because admins search for exactly those.

use std::borrow::Cow;

/// certconnect's codes and their titles. The titles are lowercase because they read on after
/// "Failed at 'Load certificate': ".
const TITLES: &[(&str, &str)] = &[
    // Network (src/net).
    ("network", "server not reachable"),
    ("tls", "secure connection (TLS) failed"),
    ("timeout", "timed out"),
    ("cancelled", "cancelled"),
    ("client_setup", "HTTPS client could not be set up"),
    ("ca_file", "CA file not usable"),
    ("not_json", "unexpected answer (not JSON)"),
    // Loading the certificate (src/cert, src/probe).
    ("not_found", "file not found"),
    ("unreadable", "file not readable"),
    ("empty", "empty file"),
    ("wrong_password", "wrong password"),
    ("password_required", "password needed"),
    (
        "password_not_available",
        "remembered password not available",
    ),
    ("corrupt", "corrupt or truncated file"),
    ("unsupported_format", "unsupported file format"),
    ("legacy_algorithm", "legacy encryption not available"),
    ("no_certificate", "no certificate in the file"),
    ("alias_required", "keystore alias needed"),
    ("alias_not_found", "keystore alias not found"),
    ("credential_store", "credential store problem"),
    ("store", "credential store problem"),
    // Blocking certificate findings (src/core/findings.rs).
    ("expired", "certificate expired"),
    ("not_yet_valid", "certificate not yet valid"),
    ("key_mismatch", "key does not match the certificate"),
    ("non_rsa_key", "not an RSA key"),
    ("weak_rsa_key", "RSA key too short"),
    ("thumbprint_mismatch", "different certificate"),
    // Signing (src/assertion.rs).
    ("no_private_key", "no private key"),
    ("crypto_error", "key could not be used"),
    ("signing_failed", "signing failed"),
    ("internal", "internal error"),
    // Settings checked before sending (src/probe).
    ("settings_disagree", "token URL and Graph URL disagree"),
];

/// The title to show for a failure code: certconnect's own codes in words, `http_502` as
/// "unexpected HTTP 502 answer", and every other code (AADSTS, Graph) unchanged.
pub fn failure_title(code: &str) -> Cow<'_, str> {
    if let Some((_, title)) = TITLES.iter().find(|(c, _)| *c == code) {
        return Cow::Borrowed(title);
    }
    match code.strip_prefix("http_") {
        Some(status) if status.chars().all(|c| c.is_ascii_digit()) => {
            Cow::Owned(format!("unexpected HTTP {status} answer"))
        }
        _ => Cow::Borrowed(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_codes_become_words_and_server_codes_stay() {
        assert_eq!(failure_title("wrong_password"), "wrong password");
        assert_eq!(failure_title("network"), "server not reachable");
        assert_eq!(
            failure_title("settings_disagree"),
            "token URL and Graph URL disagree"
        );
        assert_eq!(failure_title("http_502"), "unexpected HTTP 502 answer");
        assert_eq!(failure_title("AADSTS700027"), "AADSTS700027");
        assert_eq!(failure_title("accessDenied"), "accessDenied");
    }

    #[test]
    fn no_title_is_a_code() {
        for (code, title) in TITLES {
            assert!(!title.contains('_'), "{code}: {title}");
        }
    }
}
