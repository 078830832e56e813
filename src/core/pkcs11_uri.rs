//! RFC 7512 `pkcs11:` URIs: which token, which object, and (optionally) which module.
//!
//! A URI names a key on a hardware token the way admins already write it for OpenSSL, p11-kit,
//! GnuTLS and `pkcs11-tool`: `pkcs11:token=app-token;object=app-key;id=%01?module-path=/usr/lib/x.so`.
//! The parser is strict where a lax reading would pick another key: a path attribute certconnect
//! does not know (or one given twice) is refused, because the RFC says a consumer that cannot honour
//! a path attribute must not match anything. Unknown query attributes are kept and printed back, as
//! the RFC allows consumers to ignore them. A `pin-value` is refused: a PIN never lives in a URI, a
//! profile or a command line.

use std::fmt;

/// The kind of object a URI names (`type=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectType {
    /// `cert`: a certificate.
    Cert,
    /// `private`: a private key.
    Private,
    /// `public`: a public key.
    Public,
    /// `secret-key`: a secret (symmetric) key.
    SecretKey,
    /// `data`: a data object.
    Data,
}

impl ObjectType {
    /// The URI spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cert => "cert",
            Self::Private => "private",
            Self::Public => "public",
            Self::SecretKey => "secret-key",
            Self::Data => "data",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "cert" => Self::Cert,
            "private" => Self::Private,
            "public" => Self::Public,
            "secret-key" => Self::SecretKey,
            "data" => Self::Data,
            _ => return None,
        })
    }
}

/// A parsed `pkcs11:` URI. Text attributes are decoded (percent-encoding removed); `id` is bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: the token label (`CKA_LABEL` of the token info).
    pub token: Option<String>,
    /// `manufacturer`: the token's manufacturer.
    pub manufacturer: Option<String>,
    /// `serial`: the token's serial number.
    pub serial: Option<String>,
    /// `model`: the token's model.
    pub model: Option<String>,
    /// `library-manufacturer`: the module's manufacturer.
    pub library_manufacturer: Option<String>,
    /// `library-description`: the module's description.
    pub library_description: Option<String>,
    /// `library-version`: the module's version, `major[.minor]`.
    pub library_version: Option<String>,
    /// `slot-description`.
    pub slot_description: Option<String>,
    /// `slot-manufacturer`.
    pub slot_manufacturer: Option<String>,
    /// `slot-id`: a decimal slot number.
    pub slot_id: Option<u64>,
    /// `object`: the object's label (`CKA_LABEL`).
    pub object: Option<String>,
    /// `id`: the object's `CKA_ID`, raw bytes.
    pub id: Option<Vec<u8>>,
    /// `type`: the object class.
    pub object_type: Option<ObjectType>,
    /// `module-name` query attribute: a module's name without path or suffix.
    pub module_name: Option<String>,
    /// `module-path` query attribute: the module file (or a directory of modules).
    pub module_path: Option<String>,
    /// `pin-source` query attribute: where a PIN would come from. Kept so it can be refused with a
    /// reason; certconnect reads PINs only from its prompt, an environment variable or stdin.
    pub pin_source: Option<String>,
    /// Query attributes certconnect does not use (vendor `x-…` ones included), kept in order.
    pub other_query: Vec<(String, String)>,
}

/// Why a text is not a usable `pkcs11:` URI.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Pkcs11UriError {
    /// It does not start with `pkcs11:`.
    #[error("not a PKCS#11 URI: it must start with \"pkcs11:\"")]
    NotPkcs11,
    /// A `%` not followed by two hex digits.
    #[error("the URI has a broken percent-encoding in \"{0}\"")]
    BadPercent(String),
    /// A character that must be percent-encoded appears as it is.
    #[error("the URI has a character that must be percent-encoded in \"{0}\"")]
    Unencoded(String),
    /// An attribute without `=`.
    #[error("the URI attribute \"{0}\" has no value (write name=value)")]
    NoValue(String),
    /// A path attribute certconnect cannot honour.
    #[error(
        "the URI attribute \"{0}\" is not one certconnect knows; it would change which object matches, so the URI is refused"
    )]
    UnknownPathAttribute(String),
    /// The same path attribute twice.
    #[error("the URI names \"{0}\" twice")]
    Repeated(String),
    /// A text attribute whose bytes are not UTF-8.
    #[error("the URI attribute \"{0}\" is not UTF-8 text")]
    NotText(String),
    /// `type=` with a value the RFC does not define.
    #[error("the URI's type \"{0}\" is not one of cert, private, public, secret-key, data")]
    BadType(String),
    /// `slot-id=` that is not a decimal number.
    #[error("the URI's slot-id \"{0}\" is not a number")]
    BadSlotId(String),
    /// A PIN in the URI.
    #[error(
        "the URI carries a PIN (pin-value): a PIN never lives in a URI or a profile; remove it and give the PIN with --pin-env, --pin-stdin or the prompt"
    )]
    PinInUri,
}

/// Characters a path value may hold as they are (RFC 7512 `pk11-pchar` without `%`).
fn path_char_ok(c: u8) -> bool {
    unreserved(c) || b":[]@!$'()*+,=&".contains(&c)
}

/// Characters a query value may hold as they are (`pk11-qchar` without `%`).
fn query_char_ok(c: u8) -> bool {
    unreserved(c) || b":[]@!$'()*+,=/?|".contains(&c)
}

fn unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~".contains(&c)
}

fn decode(raw: &str, allowed: fn(u8) -> bool) -> Result<Vec<u8>, Pkcs11UriError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| Pkcs11UriError::BadPercent(raw.to_owned()))?;
            out.push(hex);
            i += 3;
        } else if allowed(c) {
            out.push(c);
            i += 1;
        } else {
            return Err(Pkcs11UriError::Unencoded(raw.to_owned()));
        }
    }
    Ok(out)
}

fn encode(bytes: &[u8], allowed: fn(u8) -> bool, out: &mut String) {
    for &b in bytes {
        if allowed(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

fn text(name: &str, bytes: Vec<u8>) -> Result<String, Pkcs11UriError> {
    String::from_utf8(bytes).map_err(|_| Pkcs11UriError::NotText(name.to_owned()))
}

fn set<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), Pkcs11UriError> {
    if slot.is_some() {
        return Err(Pkcs11UriError::Repeated(name.to_owned()));
    }
    *slot = Some(value);
    Ok(())
}

impl Pkcs11Uri {
    /// Parses a `pkcs11:` URI (the scheme is case-insensitive; surrounding whitespace is ignored,
    /// as when pasted).
    pub fn parse(input: &str) -> Result<Self, Pkcs11UriError> {
        let input = input.trim();
        let rest = input
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("pkcs11:"))
            .map(|_| &input[7..])
            .ok_or(Pkcs11UriError::NotPkcs11)?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut uri = Self::default();
        for attribute in path.split(';').filter(|a| !a.is_empty()) {
            let (name, raw) = attribute
                .split_once('=')
                .ok_or_else(|| Pkcs11UriError::NoValue(attribute.to_owned()))?;
            uri.set_path(name, decode(raw, path_char_ok)?)?;
        }
        for attribute in query.split('&').filter(|a| !a.is_empty()) {
            let (name, raw) = attribute
                .split_once('=')
                .ok_or_else(|| Pkcs11UriError::NoValue(attribute.to_owned()))?;
            uri.set_query(name, decode(raw, query_char_ok)?)?;
        }
        Ok(uri)
    }

    fn set_path(&mut self, name: &str, value: Vec<u8>) -> Result<(), Pkcs11UriError> {
        let field = match name {
            "token" => &mut self.token,
            "manufacturer" => &mut self.manufacturer,
            "serial" => &mut self.serial,
            "model" => &mut self.model,
            "library-manufacturer" => &mut self.library_manufacturer,
            "library-description" => &mut self.library_description,
            "library-version" => &mut self.library_version,
            "slot-description" => &mut self.slot_description,
            "slot-manufacturer" => &mut self.slot_manufacturer,
            "object" => &mut self.object,
            "id" => return set(&mut self.id, name, value),
            "type" => {
                let value = text(name, value)?;
                let kind = ObjectType::parse(&value).ok_or(Pkcs11UriError::BadType(value))?;
                return set(&mut self.object_type, name, kind);
            }
            "slot-id" => {
                let value = text(name, value)?;
                let number = value
                    .parse()
                    .map_err(|_| Pkcs11UriError::BadSlotId(value.clone()))?;
                return set(&mut self.slot_id, name, number);
            }
            _ => return Err(Pkcs11UriError::UnknownPathAttribute(name.to_owned())),
        };
        let value = text(name, value)?;
        set(field, name, value)
    }

    fn set_query(&mut self, name: &str, value: Vec<u8>) -> Result<(), Pkcs11UriError> {
        match name {
            "pin-value" => Err(Pkcs11UriError::PinInUri),
            "pin-source" => set(&mut self.pin_source, name, text(name, value)?),
            "module-name" => set(&mut self.module_name, name, text(name, value)?),
            "module-path" => set(&mut self.module_path, name, text(name, value)?),
            _ => {
                let value = text(name, value)?;
                self.other_query.push((name.to_owned(), value));
                Ok(())
            }
        }
    }

    /// The hex spelling of `id` (lower case), for messages and listings.
    pub fn id_hex(&self) -> Option<String> {
        self.id.as_deref().map(hex)
    }

    /// The same URI naming only the token (no object, id or type): where a new key is made.
    pub fn without_objects(&self) -> Self {
        Self {
            object: None,
            id: None,
            object_type: None,
            ..self.clone()
        }
    }

    /// The same URI without its query (no module path): what identifies the object on any machine.
    pub fn without_query(&self) -> Self {
        Self {
            module_name: None,
            module_path: None,
            pin_source: None,
            other_query: Vec::new(),
            ..self.clone()
        }
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Display for Pkcs11Uri {
    /// Prints the URI in the RFC's attribute order, percent-encoding what must be; `id` is always
    /// fully percent-encoded, as the RFC recommends.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from("pkcs11:");
        let mut path: Vec<(&str, String)> = Vec::new();
        let mut text_attr = |name: &'static str, value: &Option<String>| {
            if let Some(value) = value {
                let mut encoded = String::new();
                encode(value.as_bytes(), path_char_ok, &mut encoded);
                path.push((name, encoded));
            }
        };
        text_attr("library-description", &self.library_description);
        text_attr("library-manufacturer", &self.library_manufacturer);
        text_attr("library-version", &self.library_version);
        text_attr("manufacturer", &self.manufacturer);
        text_attr("model", &self.model);
        text_attr("object", &self.object);
        text_attr("serial", &self.serial);
        text_attr("slot-description", &self.slot_description);
        text_attr("slot-manufacturer", &self.slot_manufacturer);
        text_attr("token", &self.token);
        if let Some(id) = &self.slot_id {
            path.push(("slot-id", id.to_string()));
        }
        if let Some(kind) = self.object_type {
            path.push(("type", kind.as_str().to_owned()));
        }
        if let Some(id) = &self.id {
            path.push(("id", id.iter().map(|b| format!("%{b:02X}")).collect()));
        }
        let joined: Vec<String> = path.iter().map(|(n, v)| format!("{n}={v}")).collect();
        out.push_str(&joined.join(";"));
        let mut query: Vec<(&str, &str)> = Vec::new();
        if let Some(v) = &self.module_name {
            query.push(("module-name", v));
        }
        if let Some(v) = &self.module_path {
            query.push(("module-path", v));
        }
        if let Some(v) = &self.pin_source {
            query.push(("pin-source", v));
        }
        for (n, v) in &self.other_query {
            query.push((n, v));
        }
        for (i, (name, value)) in query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            encode(value.as_bytes(), query_char_ok, &mut out);
        }
        f.write_str(&out)
    }
}
