//! Which certificate in a file is the signing one, and in what order the rest form its chain.

use openssl::pkey::{PKeyRef, Private};
use openssl::x509::{X509, X509VerifyResult};

/// The signing certificate, its issuers in order (leaf's issuer first), and whether the key matches.
pub(crate) struct Selected {
    pub leaf: X509,
    pub chain: Vec<X509>,
    pub key_matches: Option<bool>,
}

/// Picks the certificate whose public key matches the private key — not simply the first one, since
/// PFX files with a chain list the CA certificates in any order. Without a key, picks the
/// certificate that issued none of the others (the end of the chain).
pub(crate) fn select(mut certs: Vec<X509>, key: Option<&PKeyRef<Private>>) -> Option<Selected> {
    if certs.is_empty() {
        return None;
    }
    let (index, key_matches) = match key {
        Some(key) => match certs.iter().position(|c| matches_key(c, key)) {
            Some(index) => (index, Some(true)),
            None => (end_entity_index(&certs), Some(false)),
        },
        None => (end_entity_index(&certs), None),
    };
    let leaf = certs.remove(index);
    let chain = order_chain(&leaf, certs);
    Some(Selected {
        leaf,
        chain,
        key_matches,
    })
}

fn matches_key(cert: &X509, key: &PKeyRef<Private>) -> bool {
    cert.public_key().is_ok_and(|public| public.public_eq(key))
}

/// The first certificate that is not the issuer of another one in the set.
fn end_entity_index(certs: &[X509]) -> usize {
    certs
        .iter()
        .position(|candidate| {
            !certs
                .iter()
                .any(|other| !std::ptr::eq(candidate, other) && issued(candidate, other))
        })
        .unwrap_or(0)
}

/// Whether `issuer` issued `subject` (names and key identifiers agree; not a signature check).
pub(crate) fn issued(issuer: &X509, subject: &X509) -> bool {
    issuer.issued(subject) == X509VerifyResult::OK
}

/// Orders the remaining certificates leaf-upward; certificates outside the path go last.
fn order_chain(leaf: &X509, mut rest: Vec<X509>) -> Vec<X509> {
    let mut ordered = Vec::with_capacity(rest.len());
    let mut current = leaf.clone();
    while let Some(pos) = rest
        .iter()
        .position(|candidate| issued(candidate, &current) && !issued(&current, &current))
    {
        let next = rest.remove(pos);
        current = next.clone();
        ordered.push(next);
    }
    ordered.extend(rest);
    ordered
}
