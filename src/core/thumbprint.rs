//! Certificate thumbprints as the Azure portal shows them, and as pasted back by admins.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Uppercase hex without separators: `84E05C1D98BCE3A5421D225B140B36E86A3D5534`.
pub fn to_hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02X}")).collect()
}

/// The JOSE `x5t` / `x5t#S256` value: base64url without padding of the raw digest bytes
/// (not of the hex string — that mistake yields AADSTS50012/700027).
pub fn to_jose(digest: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(digest)
}

/// A thumbprint an admin pasted, normalized to uppercase hex.
///
/// Accepts what the portal, PowerShell, `openssl x509 -fingerprint` and keytool print: any case,
/// with spaces, colons or hyphens between bytes, an optional `SHA1 Fingerprint=`-style prefix, and
/// the invisible left-to-right mark that the Windows certificate dialog copies along.
pub fn parse_pasted(text: &str) -> Result<String, String> {
    let value = text.rsplit_once('=').map_or(text, |(_, v)| v);
    let hex: String = value
        .chars()
        .filter(|&c| {
            !(c.is_whitespace() || matches!(c, ':' | '-' | '\u{200e}' | '\u{200f}' | '\u{feff}'))
        })
        .collect();
    if let Some(bad) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("'{bad}' is not a hexadecimal digit"));
    }
    match hex.len() {
        40 | 64 => Ok(hex.to_ascii_uppercase()),
        0 => Err("the thumbprint is empty".into()),
        n => Err(format!(
            "a thumbprint has 40 hex digits (SHA-1) or 64 (SHA-256); this one has {n}"
        )),
    }
}

/// An expected thumbprint compared with a certificate's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comparison<'a> {
    /// Which digest was compared: `"SHA-1"` or `"SHA-256"`.
    pub algorithm: &'static str,
    /// The certificate's thumbprint of that digest.
    pub actual: &'a str,
    /// Whether the two are the same certificate.
    pub matches: bool,
}

/// Compares `expected` (normalised by [`parse_pasted`]) with the certificate's thumbprints: 64
/// hex digits are a SHA-256 thumbprint, anything else a SHA-1 one; case does not matter.
pub fn compare<'a>(expected: &str, sha1: &'a str, sha256: &'a str) -> Comparison<'a> {
    let (actual, algorithm) = if expected.len() == 64 {
        (sha256, "SHA-256")
    } else {
        (sha1, "SHA-1")
    };
    Comparison {
        algorithm,
        actual,
        matches: expected.eq_ignore_ascii_case(actual),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jose_value_matches_the_entra_documentation_example() {
        // learn.microsoft.com: hex 84E05C1D98BCE3A5421D225B140B36E86A3D5534 → hOBcHZi846VCHSJbFAs26Go9VTQ
        let hex = "84E05C1D98BCE3A5421D225B140B36E86A3D5534";
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(to_jose(&bytes), "hOBcHZi846VCHSJbFAs26Go9VTQ");
        assert_eq!(to_hex(&bytes), hex);
    }

    #[test]
    fn pasted_forms_normalize() {
        let want = "84E05C1D98BCE3A5421D225B140B36E86A3D5534";
        for pasted in [
            "84e05c1d98bce3a5421d225b140b36e86a3d5534",
            "84 e0 5c 1d 98 bc e3 a5 42 1d 22 5b 14 0b 36 e8 6a 3d 55 34",
            "84:E0:5C:1D:98:BC:E3:A5:42:1D:22:5B:14:0B:36:E8:6A:3D:55:34",
            "SHA1 Fingerprint=84:E0:5C:1D:98:BC:E3:A5:42:1D:22:5B:14:0B:36:E8:6A:3D:55:34",
            "\u{200e}84e05c1d98bce3a5421d225b140b36e86a3d5534",
        ] {
            assert_eq!(parse_pasted(pasted).as_deref(), Ok(want), "{pasted:?}");
        }
    }

    #[test]
    fn wrong_lengths_and_letters_are_explained() {
        assert!(parse_pasted("84e05c").unwrap_err().contains("has 6"));
        assert!(parse_pasted("zz").unwrap_err().contains("'z'"));
        assert!(parse_pasted("").unwrap_err().contains("empty"));
    }

    #[test]
    fn the_length_of_the_expected_thumbprint_picks_the_digest() {
        let sha1 = "84E05C1D98BCE3A5421D225B140B36E86A3D5534";
        let sha256 = "A".repeat(64);
        let same = compare(&sha1.to_ascii_lowercase(), sha1, &sha256);
        assert_eq!((same.algorithm, same.matches), ("SHA-1", true));
        let long = compare(&sha256, sha1, &sha256);
        assert_eq!((long.algorithm, long.matches), ("SHA-256", true));
        let other = compare(&"0".repeat(40), sha1, &sha256);
        assert_eq!((other.actual, other.matches), (sha1, false));
    }
}
