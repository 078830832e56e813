//! Tokens, logins and objects: finding what a URI names on a loaded module.

use cryptoki::error::{Error, RvError};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::{Slot, TokenInfo};
use cryptoki::types::RawAuthPin;

use super::error::{PinTries, Pkcs11Error};
use super::registry::Module;
use crate::core::pkcs11_uri::{ObjectType, Pkcs11Uri, hex};
use crate::secret::Secret;

/// A token present in a slot, with the facts a URI can name.
pub struct FoundToken {
    /// Its slot.
    pub slot: Slot,
    /// What the token says about itself.
    pub info: TokenInfo,
}

impl FoundToken {
    /// The token's label as messages name it.
    pub fn label(&self) -> String {
        self.info.label().trim_end().to_owned()
    }

    /// Label and serial, for lists of what is there.
    pub fn describe(&self) -> String {
        format!(
            "\"{}\" (serial {})",
            self.label(),
            self.info.serial_number().trim_end()
        )
    }
}

/// The error a failed call becomes: a token gone away is told apart from other failures.
pub fn call_error(token: &str, call: &str, error: Error) -> Pkcs11Error {
    match error {
        Error::Pkcs11(
            rv @ (RvError::DeviceRemoved
            | RvError::TokenNotPresent
            | RvError::SessionHandleInvalid
            | RvError::SessionClosed
            | RvError::DeviceError),
            _,
        ) => Pkcs11Error::TokenRemoved {
            token: token.to_owned(),
            rv: format!("{rv:?}"),
        },
        other => Pkcs11Error::Call {
            call: call.to_owned(),
            rv: other.to_string(),
        },
    }
}

/// Every initialised token of the module (SoftHSM, for one, always adds an empty slot).
pub fn tokens(module: &Module) -> Result<Vec<FoundToken>, Pkcs11Error> {
    let slots = module
        .context
        .get_slots_with_initialized_token()
        .map_err(|e| call_error("", "C_GetSlotList", e))?;
    slots
        .into_iter()
        .map(|slot| {
            let info = module
                .context
                .get_token_info(slot)
                .map_err(|e| call_error("", "C_GetTokenInfo", e))?;
            Ok(FoundToken { slot, info })
        })
        .collect()
}

fn token_matches(uri: &Pkcs11Uri, info: &TokenInfo) -> bool {
    let same = |asked: &Option<String>, actual: &str| {
        asked
            .as_deref()
            .is_none_or(|asked| asked == actual.trim_end())
    };
    same(&uri.token, info.label())
        && same(&uri.serial, info.serial_number())
        && same(&uri.manufacturer, info.manufacturer_id())
        && same(&uri.model, info.model())
}

fn token_asked(uri: &Pkcs11Uri) -> String {
    let mut parts = Vec::new();
    for (name, value) in [
        ("token", &uri.token),
        ("serial", &uri.serial),
        ("manufacturer", &uri.manufacturer),
        ("model", &uri.model),
    ] {
        if let Some(value) = value {
            parts.push(format!("{name}={value}"));
        }
    }
    if parts.is_empty() {
        "any token".to_owned()
    } else {
        parts.join(";")
    }
}

/// The one token the URI names.
pub fn select_token(module: &Module, uri: &Pkcs11Uri) -> Result<FoundToken, Pkcs11Error> {
    let all = tokens(module)?;
    let present: Vec<String> = all.iter().map(FoundToken::describe).collect();
    let mut matching: Vec<FoundToken> = all
        .into_iter()
        .filter(|t| token_matches(uri, &t.info))
        .collect();
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => Err(Pkcs11Error::NoSuchToken {
            asked: token_asked(uri),
            present,
        }),
        _ => Err(Pkcs11Error::SeveralTokens {
            asked: token_asked(uri),
            present: matching.iter().map(FoundToken::describe).collect(),
        }),
    }
}

/// Whether a session may change the token's objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads only (finding, listing, signing).
    ReadOnly,
    /// Makes or removes objects.
    ReadWrite,
}

/// Opens a session with the token.
pub fn open_session(
    module: &Module,
    token: &FoundToken,
    access: Access,
) -> Result<Session, Pkcs11Error> {
    let opened = match access {
        Access::ReadOnly => module.context.open_ro_session(token.slot),
        Access::ReadWrite => module.context.open_rw_session(token.slot),
    };
    opened.map_err(|e| call_error(&token.label(), "C_OpenSession", e))
}

/// The one token the URI names, and a session with it logged in with the PIN (see [`login`]).
pub fn signed_in_session(
    module: &Module,
    uri: &Pkcs11Uri,
    pin: Option<&Secret>,
    access: Access,
) -> Result<(FoundToken, Session), Pkcs11Error> {
    let token = select_token(module, uri)?;
    let session = open_session(module, &token, access)?;
    login(module, &token, &session, pin)?;
    Ok((token, session))
}

/// Logs the session in with the PIN, once: a wrong PIN is reported, never tried again, so
/// certconnect cannot lock a token. A token that needs no login is left as it is.
pub fn login(
    module: &Module,
    token: &FoundToken,
    session: &Session,
    pin: Option<&Secret>,
) -> Result<(), Pkcs11Error> {
    let label = token.label();
    if !token.info.login_required() {
        return Ok(());
    }
    if token.info.user_pin_locked() {
        return Err(Pkcs11Error::PinLocked { token: label });
    }
    let pin = pin
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Pkcs11Error::PinRequired {
            token: label.clone(),
        })?;
    let _one_at_a_time = super::refused_pins::one_login_at_a_time();
    let attempt = super::refused_pins::Attempt::new(&token.info, pin);
    if attempt.refused_before() {
        return Err(Pkcs11Error::PinRefusedBefore { token: label });
    }
    let raw = RawAuthPin::new(Box::new(pin.expose().as_bytes().to_vec()));
    match session.login_with_raw(UserType::User, &raw) {
        Ok(()) | Err(Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(Error::Pkcs11(RvError::PinIncorrect, _)) => {
            attempt.remember();
            // The flags are only current after the failed try: read them again.
            let info = module.context.get_token_info(token.slot).ok();
            if info.as_ref().is_some_and(TokenInfo::user_pin_locked) {
                return Err(Pkcs11Error::PinLocked { token: label });
            }
            let tries = match info {
                Some(i) if i.user_pin_final_try() => PinTries::FinalTry,
                Some(i) if i.user_pin_count_low() => PinTries::CountLow,
                _ => PinTries::Unknown,
            };
            Err(Pkcs11Error::WrongPin {
                token: label,
                tries,
            })
        }
        Err(Error::Pkcs11(RvError::PinLocked, _)) => Err(Pkcs11Error::PinLocked { token: label }),
        Err(e) => Err(call_error(&label, "C_Login", e)),
    }
}

/// A private key's facts, read without its secret parts (which a sensitive key refuses anyway).
pub struct KeyFacts {
    /// The key's handle in the session.
    pub handle: ObjectHandle,
    /// `CKA_LABEL`.
    pub label: String,
    /// `CKA_ID`.
    pub id: Vec<u8>,
    /// `CKA_KEY_TYPE`.
    pub key_type: KeyType,
    /// `CKA_MODULUS` (RSA), when the token shows it.
    pub modulus: Option<Vec<u8>>,
    /// `CKA_PUBLIC_EXPONENT` (RSA), when the token shows it.
    pub exponent: Option<Vec<u8>>,
}

/// Reads the facts of a private key object.
pub fn key_facts(
    session: &Session,
    token: &str,
    handle: ObjectHandle,
) -> Result<KeyFacts, Pkcs11Error> {
    let attributes = session
        .get_attributes(
            handle,
            &[
                AttributeType::Label,
                AttributeType::Id,
                AttributeType::KeyType,
                AttributeType::Modulus,
                AttributeType::PublicExponent,
            ],
        )
        .map_err(|e| call_error(token, "C_GetAttributeValue", e))?;
    let mut facts = KeyFacts {
        handle,
        label: String::new(),
        id: Vec::new(),
        key_type: KeyType::RSA,
        modulus: None,
        exponent: None,
    };
    for attribute in attributes {
        match attribute {
            Attribute::Label(l) => facts.label = String::from_utf8_lossy(&l).into_owned(),
            Attribute::Id(id) => facts.id = id,
            Attribute::KeyType(t) => facts.key_type = t,
            Attribute::Modulus(m) => facts.modulus = Some(m),
            Attribute::PublicExponent(e) => facts.exponent = Some(e),
            _ => {}
        }
    }
    Ok(facts)
}

fn object_asked(uri: &Pkcs11Uri) -> String {
    let mut parts = Vec::new();
    if let Some(object) = &uri.object {
        parts.push(format!("object={object}"));
    }
    if let Some(id) = uri.id_hex() {
        parts.push(format!("id={id}"));
    }
    if parts.is_empty() {
        "any key".to_owned()
    } else {
        parts.join(";")
    }
}

/// Every object on the token the session can see, as "class label (id …)".
pub fn describe_objects(session: &Session) -> Vec<String> {
    let Ok(handles) = session.find_objects(&[]) else {
        return Vec::new();
    };
    handles
        .into_iter()
        .filter_map(|handle| {
            let attributes = session
                .get_attributes(
                    handle,
                    &[
                        AttributeType::Class,
                        AttributeType::Label,
                        AttributeType::Id,
                    ],
                )
                .ok()?;
            let mut class = String::from("object");
            let mut label = String::new();
            let mut id = String::new();
            for attribute in attributes {
                match attribute {
                    Attribute::Class(c) => class = class_name(c).to_owned(),
                    Attribute::Label(l) => label = String::from_utf8_lossy(&l).into_owned(),
                    Attribute::Id(i) => id = hex(&i),
                    _ => {}
                }
            }
            Some(format!("{class} \"{label}\" (id {id})"))
        })
        .collect()
}

fn class_name(class: ObjectClass) -> &'static str {
    match class {
        ObjectClass::CERTIFICATE => "certificate",
        ObjectClass::PRIVATE_KEY => "private key",
        ObjectClass::PUBLIC_KEY => "public key",
        ObjectClass::SECRET_KEY => "secret key",
        ObjectClass::DATA => "data",
        _ => "object",
    }
}

/// The one private key the URI names on the token.
pub fn find_key(
    session: &Session,
    token: &FoundToken,
    uri: &Pkcs11Uri,
) -> Result<KeyFacts, Pkcs11Error> {
    let label = token.label();
    let no_such = |session: &Session| Pkcs11Error::NoSuchObject {
        what: "private key",
        asked: object_asked(uri),
        token: label.clone(),
        present: describe_objects(session),
    };
    if matches!(
        uri.object_type,
        Some(ObjectType::Public | ObjectType::SecretKey | ObjectType::Data)
    ) {
        return Err(no_such(session));
    }
    let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
    if let Some(object) = &uri.object {
        template.push(Attribute::Label(object.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        template.push(Attribute::Id(id.clone()));
    }
    let handles = session
        .find_objects(&template)
        .map_err(|e| call_error(&label, "C_FindObjects", e))?;
    match handles.as_slice() {
        [handle] => key_facts(session, &label, *handle),
        [] => Err(no_such(session)),
        several => Err(Pkcs11Error::SeveralKeys {
            asked: object_asked(uri),
            token: label.clone(),
            present: several
                .iter()
                .filter_map(|h| key_facts(session, &label, *h).ok())
                .map(|k| format!("\"{}\" (id {})", k.label, hex(&k.id)))
                .collect(),
        }),
    }
}

/// The DER of the certificate object that belongs to the key: same `CKA_ID`, or the same label
/// when the key has no id.
pub fn find_certificate_der(
    session: &Session,
    token: &str,
    key: &KeyFacts,
) -> Result<Option<Vec<u8>>, Pkcs11Error> {
    let mut template = vec![Attribute::Class(ObjectClass::CERTIFICATE)];
    if key.id.is_empty() {
        template.push(Attribute::Label(key.label.as_bytes().to_vec()));
    } else {
        template.push(Attribute::Id(key.id.clone()));
    }
    let handles = session
        .find_objects(&template)
        .map_err(|e| call_error(token, "C_FindObjects", e))?;
    let Some(handle) = handles.first() else {
        return Ok(None);
    };
    let values = session
        .get_attributes(*handle, &[AttributeType::Value])
        .map_err(|e| call_error(token, "C_GetAttributeValue", e))?;
    Ok(values.into_iter().find_map(|a| match a {
        Attribute::Value(der) => Some(der),
        _ => None,
    }))
}

#[cfg(test)]
mod tests {
    use cryptoki::context::Function;

    use super::*;

    #[test]
    fn a_token_gone_away_is_told_apart_from_other_failures() {
        for rv in [
            RvError::DeviceRemoved,
            RvError::TokenNotPresent,
            RvError::SessionHandleInvalid,
        ] {
            let error = call_error("t", "C_Sign", Error::Pkcs11(rv, Function::Sign));
            assert!(
                matches!(error, Pkcs11Error::TokenRemoved { .. }),
                "{error:?}"
            );
            assert_eq!(error.code(), "pkcs11_token_removed");
            assert!(error.to_string().contains("removed"), "{error}");
        }
        let other = call_error(
            "t",
            "C_Sign",
            Error::Pkcs11(RvError::GeneralError, Function::Sign),
        );
        assert!(matches!(other, Pkcs11Error::Call { .. }), "{other:?}");
    }
}
