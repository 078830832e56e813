//! Adding a certificate to an app without losing the keys it has.
//!
//! `PATCH /applications/{id}` with `keyCredentials` replaces the whole collection: whatever is not
//! sent back is deleted, and with it every connection that signs with those keys. So the current
//! collection is read with `$select=keyCredentials` (the only read that returns each key's `key`),
//! every entry is sent back exactly as read, and the new certificate is appended, unless it is
//! already there.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::core::thumbprint::to_hex;

/// The public certificate to register. Only this ever leaves: never the key.
#[derive(Clone, Copy, Debug)]
pub struct NewCertificate<'a> {
    /// The certificate, DER-encoded.
    pub der: &'a [u8],
    /// Its SHA-1 thumbprint (computed by the adapter), as Graph's `customKeyIdentifier` holds it.
    pub sha1_thumbprint: &'a [u8; 20],
    /// The name shown in the portal's Certificates list (e.g. the subject, `CN=contoso-connector`).
    pub display_name: &'a str,
}

impl NewCertificate<'_> {
    /// The `keyCredential` for this certificate. Graph fills in the key ID, the thumbprint and
    /// the validity dates from the certificate itself.
    pub fn key_credential(&self) -> Value {
        json!({
            "type": "AsymmetricX509Cert",
            "usage": "Verify",
            "key": STANDARD.encode(self.der),
            "displayName": self.display_name,
        })
    }
}

/// Why the app's current keys cannot be merged with the new one.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum KeyCredentialsError {
    /// Not `{"keyCredentials":[…]}`.
    #[error("the application's answer does not hold its keyCredentials list")]
    NoCollection,
    /// An entry is not an object.
    #[error("key {0} of the application is not a keyCredential object")]
    NotAnObject(usize),
    /// An entry without its `key`: sending it back would drop that certificate from the app. The
    /// keys were read without `$select=keyCredentials`.
    #[error(
        "the application's key {key_id} came without its certificate (read the keys with $select=keyCredentials); nothing was changed, so no existing key is lost"
    )]
    KeyValueMissing {
        /// The key's `keyId`.
        key_id: String,
    },
}

/// The app's key collection as read, each entry untouched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentKeys(Vec<Map<String, Value>>);

impl CurrentKeys {
    /// Reads `GET /applications/{id}?$select=keyCredentials`. Every entry must carry its `key`.
    pub fn parse(body: &[u8]) -> Result<Self, KeyCredentialsError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|_| KeyCredentialsError::NoCollection)?;
        let Some(Value::Array(items)) = value.get("keyCredentials") else {
            return Err(KeyCredentialsError::NoCollection);
        };
        let mut keys = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let Value::Object(entry) = item else {
                return Err(KeyCredentialsError::NotAnObject(index + 1));
            };
            if entry
                .get("key")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return Err(KeyCredentialsError::KeyValueMissing {
                    key_id: key_id(entry).unwrap_or("(no keyId)").to_owned(),
                });
            }
            keys.push(entry.clone());
        }
        Ok(Self(keys))
    }

    /// How many keys the app has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the app has no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key ID of the entry holding `certificate`, if any: the same DER, or the same SHA-1
    /// thumbprint in `customKeyIdentifier` (hex as Graph shows it, or base64 of the digest).
    pub fn find(&self, certificate: &NewCertificate) -> Option<&str> {
        let thumbprint = to_hex(certificate.sha1_thumbprint);
        self.0
            .iter()
            .find(|entry| {
                let same_der = entry
                    .get("key")
                    .and_then(Value::as_str)
                    .and_then(|k| STANDARD.decode(k).ok())
                    .is_some_and(|der| der == certificate.der);
                let same_thumbprint = entry
                    .get("customKeyIdentifier")
                    .and_then(Value::as_str)
                    .and_then(thumbprint_hex)
                    .is_some_and(|hex| hex == thumbprint);
                same_der || same_thumbprint
            })
            .map(|entry| key_id(entry).unwrap_or(""))
    }

    /// What to do to add `certificate`: the body to PATCH, or that it is already registered.
    pub fn merge(&self, certificate: &NewCertificate) -> KeyMerge {
        if let Some(key_id) = self.find(certificate) {
            return KeyMerge::AlreadyRegistered {
                key_id: key_id.to_owned(),
            };
        }
        let mut collection: Vec<Value> = self.0.iter().cloned().map(Value::Object).collect();
        collection.push(certificate.key_credential());
        KeyMerge::Patch(json!({ "keyCredentials": collection }))
    }
}

/// One of an app's certificates, as `app show` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySummary {
    /// The key's `keyId` (what `removeKey` and the portal name it by).
    pub key_id: String,
    /// The name shown in the portal, if any.
    pub display_name: Option<String>,
    /// The SHA-1 thumbprint in uppercase hex, as the portal shows it.
    pub thumbprint: Option<String>,
    /// `endDateTime` as Graph gives it (RFC 3339).
    pub expires: Option<String>,
}

impl CurrentKeys {
    /// The app's certificates, in Graph's order.
    pub fn summaries(&self) -> Vec<KeySummary> {
        let text = |entry: &Map<String, Value>, name: &str| {
            entry.get(name).and_then(Value::as_str).map(str::to_owned)
        };
        self.0
            .iter()
            .map(|entry| KeySummary {
                key_id: key_id(entry).unwrap_or_default().to_owned(),
                display_name: text(entry, "displayName"),
                thumbprint: entry
                    .get("customKeyIdentifier")
                    .and_then(Value::as_str)
                    .and_then(thumbprint_hex),
                expires: text(entry, "endDateTime"),
            })
            .collect()
    }
}

/// A `customKeyIdentifier` as a SHA-1 thumbprint in hex: Graph gives the hex itself, or base64
/// of the 20 digest bytes, depending on how the key was added.
fn thumbprint_hex(id: &str) -> Option<String> {
    if id.len() == 40 && id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(id.to_ascii_uppercase());
    }
    STANDARD
        .decode(id)
        .ok()
        .filter(|bytes| bytes.len() == 20)
        .map(|bytes| to_hex(&bytes))
}

fn key_id(entry: &Map<String, Value>) -> Option<&str> {
    entry.get("keyId").and_then(Value::as_str)
}

/// The outcome of merging a new certificate into an app's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyMerge {
    /// `PATCH /applications/{id}` with this body: every existing key, then the new one.
    Patch(Value),
    /// The certificate is already on the app (under this key ID): nothing to send, and a second
    /// copy would only confuse the portal's list.
    AlreadyRegistered {
        /// The existing key's `keyId`.
        key_id: String,
    },
}

#[cfg(test)]
#[path = "key_credentials_tests.rs"]
mod tests;
