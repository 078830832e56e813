//! The store adapter's pure parts: thumbprints, byte order, UTF-16, Windows error codes and
//! certificate summaries. Nothing here calls Windows, so all of it is tested on every platform.

use openssl::pkcs12::Pkcs12;
use openssl::x509::X509;
use zeroize::Zeroizing;

use super::{StoreLocation, WinStoreError};
use crate::cert::names;

/// Bytes in a SHA-1 thumbprint.
pub(super) const THUMBPRINT_LEN: usize = 20;

/// PS256's salt: RFC 7518 §3.5 asks for a salt as long as the hash (SHA-256).
pub(super) const PSS_SALT_LEN: u32 = 32;

/// What may sit between a thumbprint's digits: spaces and colons, and the invisible marks
/// certmgr.msc's Details tab puts in front of what it copies (left-to-right and right-to-left
/// marks, and a byte order mark from some editors).
/// Reads a SHA-1 thumbprint in any form admins paste (the rules are `core::thumbprint`'s).
pub(super) fn parse_thumbprint(text: &str) -> Result<[u8; THUMBPRINT_LEN], WinStoreError> {
    let refuse = |reason: String| WinStoreError::BadThumbprint {
        text: shown(text),
        reason,
    };
    let hex = crate::core::thumbprint::parse_pasted(text).map_err(refuse)?;
    if hex.len() != THUMBPRINT_LEN * 2 {
        return Err(refuse(
            "it has 64 digits, a SHA-256 thumbprint; give the SHA-1 thumbprint (40 digits)".into(),
        ));
    }
    let mut thumbprint = [0u8; THUMBPRINT_LEN];
    for (byte, pair) in thumbprint.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let pair = std::str::from_utf8(pair).unwrap_or("00");
        *byte = u8::from_str_radix(pair, 16).unwrap_or(0);
    }
    Ok(thumbprint)
}

/// The input as an error message may quote it: the invisible marks dropped (they would make the
/// message confusing) and shortened, since anything could have been pasted.
fn shown(text: &str) -> String {
    const MAX: usize = 64;
    let visible: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{FEFF}'))
        .collect();
    if visible.chars().count() <= MAX {
        visible
    } else {
        visible.chars().take(MAX).chain(['…']).collect()
    }
}

/// Upper-case hex without separators: the form certmgr.msc, PowerShell and the portal show.
pub(super) fn format_thumbprint(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// CryptoAPI returns signatures little-endian; JOSE (and every other RSA consumer) wants them
/// big-endian.
pub(super) fn little_to_big_endian(mut signature: Vec<u8>) -> Vec<u8> {
    signature.reverse();
    signature
}

/// A NUL-terminated UTF-16 string for a `PCWSTR` parameter.
pub(super) fn to_wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

/// [`to_wide`] for a password: sized once (no reallocation leaves copies behind) and wiped on drop.
pub(super) fn secret_to_wide(text: &str) -> Zeroizing<Vec<u16>> {
    let mut wide = Zeroizing::new(Vec::with_capacity(text.encode_utf16().count() + 1));
    wide.extend(text.encode_utf16());
    wide.push(0);
    wide
}

/// A UTF-16 buffer up to its first NUL (or its end), as a string.
pub(super) fn from_wide(units: &[u16]) -> String {
    let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
    String::from_utf16_lossy(&units[..end])
}

/// A byte buffer up to its first NUL (or its end), as a string: CryptoAPI's `PP_CONTAINER`
/// answers in the ANSI code page, and container names are ASCII.
pub(super) fn from_narrow(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// The key specs to try with a CryptoAPI key. Wine reports spec 3, which is neither: then try
/// the exchange key (where PFX imports put RSA keys) and then the signature key.
pub(super) fn key_spec_candidates(spec: u32) -> &'static [u32] {
    const AT_KEYEXCHANGE: u32 = 1;
    const AT_SIGNATURE: u32 = 2;
    match spec {
        AT_KEYEXCHANGE => &[AT_KEYEXCHANGE],
        AT_SIGNATURE => &[AT_SIGNATURE],
        _ => &[AT_KEYEXCHANGE, AT_SIGNATURE],
    }
}

/// SHA-256 of the signing input: CNG and CryptoAPI both sign a digest computed here.
pub(super) fn sha256(message: &[u8]) -> [u8; 32] {
    openssl::sha::sha256(message)
}

/// Names of the Windows codes this adapter meets, so an admin can search for them.
const CODE_NAMES: &[(u32, &str)] = &[
    // A failure that set no code (wine's PFXImportCertStore does this).
    (0x0000_0000, "no code given"),
    (0x0000_0002, "ERROR_FILE_NOT_FOUND"),
    (0x0000_0005, "ERROR_ACCESS_DENIED"),
    (0x0000_000D, "ERROR_INVALID_DATA"),
    (0x0000_0056, "ERROR_INVALID_PASSWORD"),
    (0x0000_0057, "ERROR_INVALID_PARAMETER"),
    (0x0000_04C7, "ERROR_CANCELLED"),
    (0x8007_0005, "E_ACCESSDENIED"),
    (0x8007_0056, "ERROR_INVALID_PASSWORD"),
    (0x8009_0001, "NTE_BAD_UID"),
    (0x8009_0002, "NTE_BAD_HASH"),
    (0x8009_0003, "NTE_BAD_KEY"),
    (0x8009_0004, "NTE_BAD_LEN"),
    (0x8009_0005, "NTE_BAD_DATA"),
    (0x8009_0006, "NTE_BAD_SIGNATURE"),
    (0x8009_0008, "NTE_BAD_ALGID"),
    (0x8009_0009, "NTE_BAD_FLAGS"),
    (0x8009_000A, "NTE_BAD_TYPE"),
    (0x8009_000B, "NTE_BAD_KEY_STATE"),
    (0x8009_000D, "NTE_NO_KEY"),
    (0x8009_000E, "NTE_NO_MEMORY"),
    (0x8009_000F, "NTE_EXISTS"),
    (0x8009_0010, "NTE_PERM"),
    (0x8009_0011, "NTE_NOT_FOUND"),
    (0x8009_0013, "NTE_BAD_PROVIDER"),
    (0x8009_0014, "NTE_BAD_PROV_TYPE"),
    (0x8009_0016, "NTE_BAD_KEYSET"),
    (0x8009_0017, "NTE_PROV_TYPE_NOT_DEF"),
    (0x8009_0019, "NTE_KEYSET_NOT_DEF"),
    (0x8009_001D, "NTE_PROVIDER_DLL_FAIL"),
    (0x8009_0020, "NTE_FAIL"),
    (0x8009_0022, "NTE_SILENT_CONTEXT"),
    (0x8009_0026, "NTE_INVALID_HANDLE"),
    (0x8009_0027, "NTE_INVALID_PARAMETER"),
    (0x8009_0028, "NTE_BUFFER_TOO_SMALL"),
    (0x8009_0029, "NTE_NOT_SUPPORTED"),
    (0x8009_0030, "NTE_DEVICE_NOT_READY"),
    (0x8009_0036, "NTE_USER_CANCELLED"),
    (0x8009_2002, "CRYPT_E_BAD_ENCODE"),
    (0x8009_2004, "CRYPT_E_NOT_FOUND"),
    (0x8009_2005, "CRYPT_E_EXISTS"),
    (0x8009_200B, "CRYPT_E_NO_KEY_PROPERTY"),
    (0x8009_310B, "CRYPT_E_ASN1_BADTAG"),
    (0x8010_000C, "SCARD_E_NO_SMARTCARD"),
    (0x8010_0069, "SCARD_W_REMOVED_CARD"),
    (0x8010_006E, "SCARD_W_CANCELLED_BY_USER"),
    (0xC000_000D, "STATUS_INVALID_PARAMETER"),
    (0xC000_0022, "STATUS_ACCESS_DENIED"),
];

/// The symbolic name of a GetLastError value, HRESULT or NTSTATUS, when it is a known one.
pub(super) fn code_name(code: u32) -> Option<&'static str> {
    CODE_NAMES
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, name)| *name)
}

/// A code as admins search for it: `0x80090008 (NTE_BAD_ALGID)`.
pub(super) fn describe_code(code: u32) -> String {
    match code_name(code) {
        Some(name) => format!("{code:#010X} ({name})"),
        None => format!("{code:#010X}"),
    }
}

/// Codes that say the account may not use the store or the key.
fn is_access_denied(code: u32) -> bool {
    matches!(code, 0x0000_0005 | 0x8007_0005 | 0x8009_0010 | 0xC000_0022)
}

/// Codes that say the certificate's key is gone: the link is in the store, the container is not.
pub(super) fn is_missing_key(code: u32) -> bool {
    matches!(
        code,
        0x8009_000D | 0x8009_0011 | 0x8009_0016 | 0x8009_0019 | 0x8009_200B
    )
}

/// The wrong-password answer of PFXImportCertStore, as a Win32 code or wrapped in an HRESULT.
pub(super) fn is_bad_password(code: u32) -> bool {
    matches!(code, 0x0000_0056 | 0x8007_0056)
}

/// Whether OpenSSL finds the PFX's integrity MAC fails with this password: a second opinion for
/// when PFXImportCertStore fails without saying why (wine leaves GetLastError stale).
pub(super) fn password_is_wrong(pfx: &[u8], password: &str) -> bool {
    let Ok(pkcs12) = Pkcs12::from_der(pfx) else {
        return false;
    };
    match pkcs12.parse2(password) {
        Ok(_) => false,
        Err(stack) => stack
            .errors()
            .iter()
            .any(|error| error.reason() == Some("mac verify failure")),
    }
}

/// A failed Windows call as the error an admin can act on.
pub(super) fn os_error(what: &'static str, code: u32, location: StoreLocation) -> WinStoreError {
    if is_access_denied(code) {
        WinStoreError::AccessDenied { location, what }
    } else {
        WinStoreError::Os { what, code }
    }
}

/// What the picker shows of a certificate.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Summary {
    pub(super) subject: String,
    pub(super) thumbprint_sha1: String,
    pub(super) not_after: i64,
}

/// Summarizes a certificate from the store. The thumbprint is always there (it is the hash of the
/// bytes); a certificate OpenSSL cannot parse is still listed, so the admin sees it is there.
pub(super) fn summarize(der: &[u8]) -> Summary {
    let thumbprint_sha1 = format_thumbprint(&openssl::sha::sha1(der));
    match X509::from_der(der) {
        Ok(cert) => Summary {
            subject: names::distinguished_name(cert.subject_name()),
            thumbprint_sha1,
            not_after: names::unix_seconds(cert.not_after()),
        },
        Err(_) => Summary {
            subject: "(a certificate OpenSSL cannot read)".into(),
            thumbprint_sha1,
            not_after: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPPER: &str = "A909502DD82AE41433E6F83886B00D4277A32A7B";
    const BYTES: [u8; 20] = [
        0xA9, 0x09, 0x50, 0x2D, 0xD8, 0x2A, 0xE4, 0x14, 0x33, 0xE6, 0xF8, 0x38, 0x86, 0xB0, 0x0D,
        0x42, 0x77, 0xA3, 0x2A, 0x7B,
    ];

    fn reason(text: &str) -> String {
        match parse_thumbprint(text) {
            Err(WinStoreError::BadThumbprint { reason, .. }) => reason,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn thumbprints_in_every_pasted_form() {
        for text in [
            UPPER,
            "a909502dd82ae41433e6f83886b00d4277a32a7b",
            "a9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b",
            "\u{200E}a9 09 50 2d d8 2a e4 14 33 e6 f8 38 86 b0 0d 42 77 a3 2a 7b",
            "\u{200F}\u{FEFF}A9:09:50:2D:D8:2A:E4:14:33:E6:F8:38:86:B0:0D:42:77:A3:2A:7B\u{200E}",
            "  A909502DD82AE41433E6F83886B00D4277A32A7B\r\n",
            "a9\u{a0}09502dd82ae41433e6f83886b00d4277a32a7b\t",
        ] {
            assert_eq!(parse_thumbprint(text).expect(text), BYTES, "{text:?}");
        }
    }

    #[test]
    fn thumbprints_round_trip() {
        assert_eq!(format_thumbprint(&BYTES), UPPER);
        let parsed = parse_thumbprint(&format_thumbprint(&BYTES)).expect("canonical form");
        assert_eq!(parsed, BYTES);
        let all: [u8; 20] = std::array::from_fn(|i| u8::try_from(i * 13).expect("small"));
        assert_eq!(
            parse_thumbprint(&format_thumbprint(&all).to_lowercase()).expect("lower"),
            all
        );
    }

    #[test]
    fn bad_thumbprints_say_what_is_wrong() {
        // The pasted-form rules are core::thumbprint's (tested there); these are the store's.
        assert!(reason("").contains("empty"));
        assert!(reason("\u{200E} : ").contains("empty"));
        assert!(reason(&UPPER[..38]).contains("has 38"));
        assert!(reason(&"ab".repeat(32)).contains("SHA-256"));
        assert_eq!(
            reason("G909502DD82AE41433E6F83886B00D4277A32A7B"),
            "'G' is not a hexadecimal digit"
        );
        assert_eq!(reason("ÄB"), "'Ä' is not a hexadecimal digit");
    }

    #[test]
    fn bad_thumbprint_messages_quote_what_is_visible() {
        let error = parse_thumbprint("\u{200E}zz").expect_err("not hex");
        assert_eq!(
            error.to_string(),
            "'zz' is not a certificate thumbprint: 'z' is not a hexadecimal digit"
        );
        assert_eq!(error.code(), "windows_store_bad_thumbprint");
        let long = "x".repeat(500);
        let WinStoreError::BadThumbprint { text, .. } = parse_thumbprint(&long).expect_err("long")
        else {
            panic!("not BadThumbprint");
        };
        assert_eq!(text.chars().count(), 65);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn cryptoapi_signatures_are_reversed() {
        assert_eq!(little_to_big_endian(vec![1, 2, 3, 4]), vec![4, 3, 2, 1]);
        assert_eq!(little_to_big_endian(Vec::new()), Vec::<u8>::new());
        let signature: Vec<u8> = (0..=255).collect();
        assert_eq!(
            little_to_big_endian(little_to_big_endian(signature.clone())),
            signature
        );
    }

    #[test]
    fn utf16_strings_are_nul_terminated() {
        assert_eq!(to_wide("MY"), vec![u16::from(b'M'), u16::from(b'Y'), 0]);
        assert_eq!(to_wide(""), vec![0]);
        let secret = secret_to_wide("pässwörd🔑");
        assert_eq!(secret.last(), Some(&0));
        assert_eq!(from_wide(&secret), "pässwörd🔑");
        assert_eq!(from_wide(&to_wide("Microsoft")[..4]), "Micr");
        assert_eq!(from_narrow(b"te-1234\0garbage"), "te-1234");
        assert_eq!(from_narrow(b"no-nul"), "no-nul");
    }

    #[test]
    fn key_specs_to_try() {
        assert_eq!(key_spec_candidates(1), &[1]);
        assert_eq!(key_spec_candidates(2), &[2]);
        assert_eq!(key_spec_candidates(3), &[1, 2]);
        assert_eq!(key_spec_candidates(0), &[1, 2]);
    }

    #[test]
    fn codes_are_named_and_classified() {
        assert_eq!(describe_code(0x8009_0008), "0x80090008 (NTE_BAD_ALGID)");
        assert_eq!(describe_code(0x56), "0x00000056 (ERROR_INVALID_PASSWORD)");
        assert_eq!(describe_code(0x1234_5678), "0x12345678");
        assert_eq!(code_name(0x8009_0016), Some("NTE_BAD_KEYSET"));
        assert!(is_bad_password(0x56) && is_bad_password(0x8007_0056));
        assert!(!is_bad_password(0x57));
        assert!(is_missing_key(0x8009_0016) && is_missing_key(0x8009_200B));
        let location = StoreLocation::LocalMachine;
        assert!(matches!(
            os_error("NCryptSignHash", 0x8009_0010, location),
            WinStoreError::AccessDenied {
                what: "NCryptSignHash",
                ..
            }
        ));
        assert!(matches!(
            os_error("CertOpenStore", 5, location),
            WinStoreError::AccessDenied { .. }
        ));
        assert!(matches!(
            os_error("CryptSignHashW", 0x8009_0008, location),
            WinStoreError::Os {
                code: 0x8009_0008,
                ..
            }
        ));
    }

    #[test]
    fn summaries_read_subject_expiry_and_thumbprint() {
        use openssl::asn1::Asn1Time;
        use openssl::hash::MessageDigest;
        use openssl::pkey::PKey;
        use openssl::rsa::Rsa;
        use openssl::x509::{X509Builder, X509NameBuilder};

        let key = PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey");
        let mut name = X509NameBuilder::new().expect("name");
        name.append_entry_by_text("CN", "MyClientAppCert")
            .expect("cn");
        name.append_entry_by_text("O", "Contoso").expect("o");
        let name = name.build();
        let mut builder = X509Builder::new().expect("builder");
        builder.set_version(2).expect("version");
        builder.set_subject_name(&name).expect("subject");
        builder.set_issuer_name(&name).expect("issuer");
        builder.set_pubkey(&key).expect("pubkey");
        let not_before = Asn1Time::from_unix(1_700_000_000).expect("time");
        let not_after = Asn1Time::from_unix(1_800_000_000).expect("time");
        builder.set_not_before(&not_before).expect("not before");
        builder.set_not_after(&not_after).expect("not after");
        builder.sign(&key, MessageDigest::sha256()).expect("sign");
        let der = builder.build().to_der().expect("der");

        let summary = summarize(&der);
        assert_eq!(summary.subject, "CN=MyClientAppCert, O=Contoso");
        assert_eq!(summary.not_after, 1_800_000_000);
        let expected = format_thumbprint(&openssl::sha::sha1(&der));
        assert_eq!(summary.thumbprint_sha1, expected);
        assert_eq!(summary.thumbprint_sha1.len(), 40);

        let garbage = summarize(b"not a certificate");
        assert_eq!(garbage.not_after, 0);
        assert_eq!(garbage.thumbprint_sha1.len(), 40);
    }

    #[test]
    fn openssl_tells_a_wrong_pfx_password() {
        use openssl::pkey::PKey;
        use openssl::rsa::Rsa;

        let key = PKey::from_rsa(Rsa::generate(1024).expect("rsa")).expect("pkey");
        let pfx = Pkcs12::builder()
            .pkey(&key)
            .build2("right")
            .expect("pkcs12")
            .to_der()
            .expect("der");
        assert!(password_is_wrong(&pfx, "wrong"));
        assert!(password_is_wrong(&pfx, ""));
        assert!(!password_is_wrong(&pfx, "right"));
        assert!(
            !password_is_wrong(b"not a pfx", "right"),
            "not a password problem"
        );
    }

    #[test]
    fn sha256_is_the_jws_digest() {
        assert_eq!(
            format_thumbprint(&sha256(b"abc")),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        );
    }
}
