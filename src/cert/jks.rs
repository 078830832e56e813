//! Java JKS keystores (`keytool -storetype JKS`, magic `FEEDFEED`), read without Java.
//!
//! Format: magic, version (1 or 2), entry count; each entry is a private key (tag 1: alias, date, the
//! key protected with Sun's "JKS key protector", and its certificate chain) or a trusted certificate
//! (tag 2). The file ends with SHA-1(password as UTF-16BE ‖ "Mighty Aphrodite" ‖ everything before).
//! The key protector is a SHA-1 keystream: salt(20) ‖ key XOR stream ‖ SHA-1(password ‖ key).

use openssl::hash::{MessageDigest, hash};
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

use zeroize::Zeroizing;

use super::der::definite_tlv;
use super::error::CertError;

/// One entry of a keystore.
pub(crate) struct JksEntry {
    /// The alias.
    pub alias: String,
    /// The protected private key (`None` for a trusted-certificate entry).
    protected_key: Option<Zeroizing<Vec<u8>>>,
    /// The certificate chain, leaf first.
    pub chain: Vec<X509>,
}

const MAGIC: u32 = 0xFEED_FEED;
const PRIVATE_KEY: u32 = 1;
const TRUSTED_CERT: u32 = 2;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CertError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(truncated)?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u16(&mut self) -> Result<u16, CertError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, CertError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn utf(&mut self) -> Result<String, CertError> {
        let len = usize::from(self.u16()?);
        Ok(String::from_utf8_lossy(self.take(len)?).into_owned())
    }

    fn blob(&mut self) -> Result<&'a [u8], CertError> {
        let len = usize::try_from(self.u32()?).map_err(|_| truncated())?;
        self.take(len)
    }
}

fn truncated() -> CertError {
    CertError::Corrupt("the Java keystore ends early".into())
}

/// The password as Java hashes it: UTF-16 big-endian, no terminator.
fn utf16be(password: &str) -> Vec<u8> {
    password.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn sha1(parts: &[&[u8]]) -> Result<Vec<u8>, CertError> {
    // The parts include the password and the decrypted key.
    let joined = Zeroizing::new(parts.concat());
    hash(MessageDigest::sha1(), &joined)
        .map(|d| d.to_vec())
        .map_err(|e| CertError::Corrupt(e.to_string()))
}

/// Reads the entries and checks the keystore's integrity digest with `password`.
pub(crate) fn parse(bytes: &[u8], password: &str) -> Result<Vec<JksEntry>, CertError> {
    let mut r = Reader { bytes, at: 0 };
    if r.u32()? != MAGIC {
        return Err(CertError::UnsupportedFormat("not a JKS keystore".into()));
    }
    let version = r.u32()?;
    if version != 1 && version != 2 {
        return Err(CertError::UnsupportedFormat(format!(
            "JKS version {version}"
        )));
    }
    let count = r.u32()?;
    let mut entries = Vec::new();
    for _ in 0..count {
        let tag = r.u32()?;
        let alias = r.utf()?;
        r.take(8)?; // creation date
        let read_cert = |r: &mut Reader<'_>| -> Result<X509, CertError> {
            if version == 2 {
                r.utf()?; // certificate type, "X.509"
            }
            X509::from_der(r.blob()?).map_err(|e| {
                CertError::Corrupt(format!(
                    "a certificate in the keystore cannot be read ({e})"
                ))
            })
        };
        match tag {
            PRIVATE_KEY => {
                let protected_key = Zeroizing::new(r.blob()?.to_vec());
                let chain_len = r.u32()?;
                let chain = (0..chain_len)
                    .map(|_| read_cert(&mut r))
                    .collect::<Result<Vec<_>, _>>()?;
                entries.push(JksEntry {
                    alias,
                    protected_key: Some(protected_key),
                    chain,
                });
            }
            TRUSTED_CERT => {
                let cert = read_cert(&mut r)?;
                entries.push(JksEntry {
                    alias,
                    protected_key: None,
                    chain: vec![cert],
                });
            }
            other => {
                return Err(CertError::Corrupt(format!(
                    "unknown keystore entry type {other}"
                )));
            }
        }
    }
    let body = &bytes[..r.at];
    let digest = r.take(20)?;
    if sha1(&[&utf16be(password), b"Mighty Aphrodite", body])? != digest {
        return Err(if password.is_empty() {
            CertError::PasswordRequired
        } else {
            CertError::WrongPassword
        });
    }
    Ok(entries)
}

impl JksEntry {
    /// Whether the entry holds a private key.
    pub fn has_key(&self) -> bool {
        self.protected_key.is_some()
    }

    /// Decrypts the entry's private key (keytool uses the store password for keys unless told otherwise).
    pub fn private_key(&self, password: &str) -> Result<Option<PKey<Private>>, CertError> {
        let Some(protected) = &self.protected_key else {
            return Ok(None);
        };
        let data = encrypted_data(protected)?;
        if data.len() < 40 {
            return Err(CertError::Corrupt("the protected key is too short".into()));
        }
        let (salt, rest) = data.split_at(20);
        let (encrypted, check) = rest.split_at(rest.len() - 20);
        let pass = utf16be(password);
        let pass = Zeroizing::new(pass);
        let mut digest = Zeroizing::new(salt.to_vec());
        // The decrypted PKCS#8 key: wiped when dropped, like the keystream that made it.
        let mut key = Zeroizing::new(Vec::with_capacity(encrypted.len()));
        for block in encrypted.chunks(20) {
            digest = Zeroizing::new(sha1(&[&pass, &digest])?);
            key.extend(block.iter().zip(digest.iter()).map(|(b, d)| b ^ d));
        }
        if sha1(&[&pass, &key])? != check {
            return Err(CertError::WrongPassword);
        }
        PKey::private_key_from_pkcs8(&key).map(Some).map_err(|e| {
            CertError::Corrupt(format!("the keystore's private key cannot be read ({e})"))
        })
    }
}

/// The OCTET STRING of an EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING }.
fn encrypted_data(der: &[u8]) -> Result<&[u8], CertError> {
    let bad = || CertError::Corrupt("the keystore's protected key is not valid DER".into());
    let (tag, outer, _) = definite_tlv(der).ok_or_else(bad)?;
    if tag != 0x30 {
        return Err(bad());
    }
    let (_, _, after_algorithm) = definite_tlv(outer).ok_or_else(bad)?;
    let (tag, octets, _) = definite_tlv(after_algorithm).ok_or_else(bad)?;
    if tag == 0x04 { Ok(octets) } else { Err(bad()) }
}
