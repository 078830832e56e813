//! The one DER reading both hand-written walkers need (the PKCS#12 bounds check and the JKS key
//! unwrapping): a definite-length tag-length-value, with the length's size bounded.

/// One DER tag-length-value with a definite length: (tag, contents, the bytes after it). `None`
/// for malformed input, a length over four bytes, or the indefinite form (`0x80`).
pub(crate) fn definite_tlv(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *der.first()?;
    let first = usize::from(*der.get(1)?);
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let len = der
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let contents = der.get(header..end)?;
    Some((tag, contents, &der[end..]))
}
