//! The iteration counts a PKCS#12 file asks for, read before OpenSSL does any work with them.
//!
//! OpenSSL runs the MAC check and each key derivation with the count the file names, and that
//! work cannot be interrupted: a file asking for 2^31−1 iterations keeps a core busy for minutes
//! whatever the timeout says. So the counts are read first with a small DER walker and refused above
//! [`MAX_ITERATIONS`].
//!
//! The walker looks at the shape rather than at each structure's OID: in a PFX, every iteration
//! count is an INTEGER right after an OCTET STRING salt in the same SEQUENCE — `MacData { mac,
//! macSalt, iterations }`, `pkcs-12PbeParams { salt, iterations }` and `PBKDF2-params { salt,
//! iterationCount, … }` — and no other structure of a PFX has that shape (a certificate's extension
//! ends with its OCTET STRING, a private key's is followed by a context tag). It descends into every
//! constructed value and into OCTET STRINGs that hold DER themselves (the authenticated safe, the
//! safe contents, the certificate bags); encrypted contents are opaque and skipped. BER indefinite
//! lengths (old Windows exports) are followed. The walk is linear in the file, whose size is
//! already capped by [`crate::bounded_read::CERTIFICATE_FILE_MAX`], and its depth is bounded.

use super::error::CertError;

/// The most MAC or key-derivation iterations a PKCS#12 file may ask for: 1,000,000.
///
/// Real exports use far fewer: Windows 2,000 (`Export-PfxCertificate`), OpenSSL 3 2,048 by default,
/// the most careful tools 600,000 (OWASP's PBKDF2-SHA256 advice). A million is above every one of
/// them and still takes well under a second to verify; 2^31−1 takes minutes.
pub const MAX_ITERATIONS: u64 = 1_000_000;

/// How deep the walker descends (a PFX nests about 12 levels).
const MAX_DEPTH: usize = 32;

/// Refuses a PKCS#12 file whose MAC or key-derivation iteration count is above [`MAX_ITERATIONS`].
pub(crate) fn check(der: &[u8]) -> Result<(), CertError> {
    let Some((pfx, _)) = parse(der) else {
        // Not DER this walker reads; OpenSSL read it, so leave the verdict to it.
        return Ok(());
    };
    let mut top = children(pfx.contents);
    let (Some(_version), Some(auth_safe)) = (top.next(), top.next()) else {
        return Ok(());
    };
    if let Some(mac_data) = top.next() {
        let count = largest_count(&mac_data, 0);
        refuse_above(count, "MAC")?;
    }
    refuse_above(largest_count(&auth_safe, 0), "key encryption")
}

fn refuse_above(count: Option<u64>, what: &'static str) -> Result<(), CertError> {
    match count {
        Some(count) if count > MAX_ITERATIONS => Err(CertError::TooManyIterations {
            what,
            count,
            max: MAX_ITERATIONS,
        }),
        _ => Ok(()),
    }
}

/// One BER value: its tag and its contents (for indefinite lengths, up to the end-of-contents).
struct Tlv<'a> {
    tag: u8,
    contents: &'a [u8],
}

const OCTET_STRING: u8 = 0x04;
const INTEGER: u8 = 0x02;
const CONSTRUCTED: u8 = 0x20;

/// The largest iteration count under `value`, if any.
fn largest_count(value: &Tlv<'_>, depth: usize) -> Option<u64> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut largest = None;
    if value.tag & CONSTRUCTED != 0 {
        let mut previous_tag = None;
        for child in children(value.contents) {
            if previous_tag == Some(OCTET_STRING) && child.tag == INTEGER {
                largest = largest.max(Some(integer(child.contents)));
            }
            largest = largest.max(largest_count(&child, depth + 1));
            previous_tag = Some(child.tag);
        }
    } else if value.tag == OCTET_STRING && value.contents.first() == Some(&0x30) {
        // DER wrapped in an OCTET STRING: the authenticated safe, the safe contents.
        if let Some((inner, rest)) = parse(value.contents)
            && rest.is_empty()
        {
            largest = largest_count(&inner, depth + 1);
        }
    }
    largest
}

/// An unsigned INTEGER's value; anything longer than 8 bytes (or negative) counts as huge.
fn integer(contents: &[u8]) -> u64 {
    let trimmed = match contents {
        [0, rest @ ..] => rest,
        _ => contents,
    };
    if trimmed.len() > 8 || contents.first().is_some_and(|b| b & 0x80 != 0) {
        return u64::MAX;
    }
    trimmed.iter().fold(0, |acc, b| (acc << 8) | u64::from(*b))
}

/// The values inside a constructed value's contents, until the end or the first unreadable one.
fn children(mut contents: &[u8]) -> impl Iterator<Item = Tlv<'_>> {
    std::iter::from_fn(move || {
        let (tlv, rest) = parse(contents)?;
        contents = rest;
        Some(tlv)
    })
}

/// Parses one value (single-byte tags only, as in PKCS#12); `None` at the end, at an
/// end-of-contents marker or on malformed input.
fn parse(der: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    parse_nested(der, 0)
}

/// [`parse`], `depth` indefinite-length values deep (bounded: the stack is finite).
fn parse_nested(der: &[u8], depth: usize) -> Option<(Tlv<'_>, &[u8])> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tag = *der.first()?;
    if tag == 0 || tag & 0x1f == 0x1f {
        return None;
    }
    let first = *der.get(1)?;
    if first == 0x80 {
        // Indefinite length (BER): constructed only; the contents end at the matching 00 00.
        if tag & CONSTRUCTED == 0 {
            return None;
        }
        let body = &der[2..];
        let mut rest = body;
        loop {
            if rest.starts_with(&[0, 0]) {
                let used = body.len() - rest.len();
                return Some((
                    Tlv {
                        tag,
                        contents: &body[..used],
                    },
                    &rest[2..],
                ));
            }
            rest = parse_nested(rest, depth + 1)?.1;
        }
    }
    let (tag, contents, rest) = super::der::definite_tlv(der)?;
    Some((Tlv { tag, contents }, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_read_as_unsigned_and_long_ones_as_huge() {
        assert_eq!(integer(&[0x07, 0xD0]), 2000);
        assert_eq!(integer(&[0x00, 0x80]), 128);
        assert_eq!(integer(&[0x7F, 0xFF, 0xFF, 0xFF]), 2_147_483_647);
        assert_eq!(integer(&[0x80]), u64::MAX);
        assert_eq!(integer(&[1; 9]), u64::MAX);
    }

    #[test]
    fn a_salt_followed_by_a_count_is_found_at_any_depth() {
        // SEQUENCE { SEQUENCE { OCTET STRING 01, INTEGER 0x0F4241 } }
        let der = [
            0x30, 0x0A, 0x30, 0x08, 0x04, 0x01, 0x01, 0x02, 0x03, 0x0F, 0x42, 0x41,
        ];
        let (tlv, _) = parse(&der).unwrap();
        assert_eq!(largest_count(&tlv, 0), Some(1_000_001));
        // The same with indefinite lengths.
        let ber = [
            0x30, 0x80, 0x30, 0x80, 0x04, 0x01, 0x01, 0x02, 0x01, 0x05, 0, 0, 0, 0,
        ];
        let (tlv, rest) = parse(&ber).unwrap();
        assert!(rest.is_empty());
        assert_eq!(largest_count(&tlv, 0), Some(5));
    }

    #[test]
    fn garbage_and_truncation_never_panic() {
        for len in 0..20 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            check(&bytes).ok();
        }
        check(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]).ok();
        check(&[0x30, 0x80, 0x30, 0x80]).ok();
        // Deeply nested indefinite lengths stop at the depth bound instead of the stack's end.
        let deep: Vec<u8> = [0x30, 0x80].repeat(200_000);
        check(&deep).ok();
    }
}
