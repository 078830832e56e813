//! What can go wrong with a PKCS#11 token, as callers `match` it: each variant has a stable code,
//! a message naming what was asked and what was found, and a fix.

use std::path::PathBuf;

/// What the token says about the tries left after a wrong PIN (`CKF_USER_PIN_*` flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinTries {
    /// The token does not say.
    Unknown,
    /// `CKF_USER_PIN_COUNT_LOW`: a wrong PIN has been given; few tries are left.
    CountLow,
    /// `CKF_USER_PIN_FINAL_TRY`: one more wrong PIN locks the token.
    FinalTry,
}

/// A PKCS#11 failure, typed.
#[derive(Debug, thiserror::Error)]
pub enum Pkcs11Error {
    /// The URI is not a usable `pkcs11:` URI.
    #[error(transparent)]
    Uri(#[from] crate::core::pkcs11_uri::Pkcs11UriError),
    /// The URI names a `pin-source`; certconnect reads PINs only from its own sources.
    #[error(
        "the URI names a pin-source; certconnect reads a PIN only from its prompt, an environment variable or stdin"
    )]
    PinSourceUnsupported,
    /// No module given and none of the usual ones is on this machine.
    #[error("no PKCS#11 module found; tried: {}", list_paths(.tried))]
    NoModule {
        /// The paths looked at.
        tried: Vec<PathBuf>,
    },
    /// The module path is not a regular file (a directory, a FIFO, missing).
    #[error("the PKCS#11 module {} is not a regular file", .path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// The file is there but is not a loadable PKCS#11 module.
    #[error("the PKCS#11 module {} cannot be loaded: {reason}", .path.display())]
    ModuleNotLoadable {
        /// The module file.
        path: PathBuf,
        /// The loader's or the module's words.
        reason: String,
    },
    /// No token matches the URI.
    #[error("no token matches {asked}; the module offers: {}", list_or_none(.present))]
    NoSuchToken {
        /// The token attributes asked for.
        asked: String,
        /// The tokens present (label and serial).
        present: Vec<String>,
    },
    /// Several tokens match the URI.
    #[error("several tokens match {asked}: {}; name one with token= or serial=", .present.join(", "))]
    SeveralTokens {
        /// The token attributes asked for.
        asked: String,
        /// The tokens that match.
        present: Vec<String>,
    },
    /// No private key (or no certificate) matches the URI on the token.
    #[error("token \"{token}\" holds no {what} matching {asked}; it holds: {}", list_or_none(.present))]
    NoSuchObject {
        /// "private key" or "certificate".
        what: &'static str,
        /// The object attributes asked for.
        asked: String,
        /// The token's label.
        token: String,
        /// The objects on the token (class, label, id).
        present: Vec<String>,
    },
    /// Several private keys match the URI.
    #[error("several private keys on token \"{token}\" match {asked}: {}; name one with id= or object=", .present.join(", "))]
    SeveralKeys {
        /// The object attributes asked for.
        asked: String,
        /// The token's label.
        token: String,
        /// The matching keys.
        present: Vec<String>,
    },
    /// The token needs a PIN and none was given.
    #[error("token \"{token}\" needs its PIN")]
    PinRequired {
        /// The token's label.
        token: String,
    },
    /// `CKR_PIN_INCORRECT`.
    #[error("the PIN for token \"{token}\" is wrong{}", tries_text(*.tries))]
    WrongPin {
        /// The token's label.
        token: String,
        /// What the token says about tries left.
        tries: PinTries,
    },
    /// This PIN was refused by this token earlier in this process, so it is not tried again: a
    /// token counts every wrong try, and a run over several profiles on one token would otherwise
    /// spend one try per profile.
    #[error("the PIN for token \"{token}\" was refused earlier in this run; it is not tried again")]
    PinRefusedBefore {
        /// The token's label.
        token: String,
    },
    /// `CKR_PIN_LOCKED` or `CKF_USER_PIN_LOCKED`.
    #[error("the PIN of token \"{token}\" is locked")]
    PinLocked {
        /// The token's label.
        token: String,
    },
    /// The token lacks the mechanism an algorithm needs.
    #[error(
        "token \"{token}\" cannot sign {algorithm}: it offers neither {mechanism} nor {fallback}"
    )]
    MechanismMissing {
        /// The token's label.
        token: String,
        /// RS256 or PS256.
        algorithm: &'static str,
        /// The mechanism looked for first.
        mechanism: &'static str,
        /// The raw mechanism that would also do.
        fallback: &'static str,
    },
    /// The key is not RSA (an EC key, for one).
    #[error("the key on token \"{token}\" is {key_type}; Entra client assertions need an RSA key")]
    NotRsa {
        /// The token's label.
        token: String,
        /// The key's type as PKCS#11 names it.
        key_type: String,
    },
    /// The token holds no certificate for the key and none was given.
    #[error("token \"{token}\" holds no certificate for the key {asked}")]
    NoCertificate {
        /// The token's label.
        token: String,
        /// The key asked for.
        asked: String,
    },
    /// The `--cert-pem` file cannot be read as a certificate.
    #[error("the certificate file {} cannot be read: {reason}", .path.display())]
    CertificateFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The certificate's public key is not the token key's.
    #[error(
        "the certificate ({subject}) does not belong to the key on token \"{token}\": their public keys differ"
    )]
    KeyMismatch {
        /// The token's label.
        token: String,
        /// The certificate's subject.
        subject: String,
    },
    /// The token went away (pulled out, or its session was lost).
    #[error("token \"{token}\" was removed or its session ended ({rv})")]
    TokenRemoved {
        /// The token's label.
        token: String,
        /// The return value's name.
        rv: String,
    },
    /// Any other failure of a PKCS#11 call.
    #[error("the PKCS#11 module failed in {call}: {rv}")]
    Call {
        /// The function that failed.
        call: String,
        /// The return value or error.
        rv: String,
    },
}

fn list_paths(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    list_or_none(&names)
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(", ")
    }
}

fn tries_text(tries: PinTries) -> &'static str {
    match tries {
        PinTries::Unknown => "",
        PinTries::CountLow => " (the token reports few tries left)",
        PinTries::FinalTry => " (the token reports ONE try left: another wrong PIN locks it)",
    }
}

impl Pkcs11Error {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Uri(_) => "pkcs11_bad_uri",
            Self::PinSourceUnsupported => "pkcs11_pin_source",
            Self::NoModule { .. } => "pkcs11_no_module",
            Self::NotAFile { .. } | Self::ModuleNotLoadable { .. } => "pkcs11_module_not_loadable",
            Self::NoSuchToken { .. } | Self::SeveralTokens { .. } => "pkcs11_no_such_token",
            Self::NoSuchObject { .. } | Self::SeveralKeys { .. } => "pkcs11_no_such_object",
            Self::PinRequired { .. } => crate::core::event::codes::PASSWORD_REQUIRED,
            Self::WrongPin { .. } | Self::PinRefusedBefore { .. } => {
                crate::core::event::codes::WRONG_PASSWORD
            }
            Self::PinLocked { .. } => "pkcs11_pin_locked",
            Self::MechanismMissing { .. } => "pkcs11_mechanism_missing",
            Self::NotRsa { .. } => "pkcs11_not_rsa",
            Self::NoCertificate { .. } => "pkcs11_no_certificate",
            Self::CertificateFile { .. } => "pkcs11_certificate_file",
            Self::KeyMismatch { .. } => "key_mismatch",
            Self::TokenRemoved { .. } => "pkcs11_token_removed",
            Self::Call { .. } => "pkcs11_error",
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> &'static str {
        match self {
            Self::Uri(_) => "Copy the uri that certconnect cert list --pkcs11-module PATH prints.",
            Self::PinSourceUnsupported => {
                "Remove pin-source from the URI and use --pin-env VAR or --pin-stdin."
            }
            Self::NoModule { .. } => {
                "Install OpenSC or your token's PKCS#11 module, or give it with --pkcs11-module PATH."
            }
            Self::NotAFile { .. } | Self::ModuleNotLoadable { .. } => {
                "Give the path of the token vendor's PKCS#11 library (.so, .dylib or .dll) built for this machine."
            }
            Self::NoSuchToken { .. } | Self::SeveralTokens { .. } => {
                "Insert the token, or correct token= / serial= in the URI (certconnect cert list shows what is there)."
            }
            Self::NoSuchObject { .. } | Self::SeveralKeys { .. } => {
                "Correct object= / id= in the URI (certconnect cert list shows what is there)."
            }
            Self::PinRequired { .. } => {
                "Give the PIN with --pin-env VAR or --pin-stdin, or remember it in the credential store from the app."
            }
            Self::WrongPin { .. } | Self::PinRefusedBefore { .. } => {
                "Check the PIN; certconnect never retries a PIN by itself, so it cannot lock the token."
            }
            Self::PinLocked { .. } => {
                "Unlock the PIN with the token's PUK or security officer PIN (ykman piv access unblock-pin, pkcs11-tool --unlock-pin)."
            }
            Self::MechanismMissing { .. } => {
                "Use the other algorithm (--alg), or a token that offers the mechanism."
            }
            Self::NotRsa { .. } => "Put an RSA key (2048 bits or more) on the token.",
            Self::NoCertificate { .. } => {
                "Write the certificate to the token beside the key (same id), or give it with --cert-pem FILE."
            }
            Self::CertificateFile { .. } => "Give a PEM or DER certificate file.",
            Self::KeyMismatch { .. } => {
                "Use the certificate made for this key (same id on the token), or the key that belongs to the certificate."
            }
            Self::TokenRemoved { .. } => "Insert the token again and run the test again.",
            Self::Call { .. } => {
                "Check the token with pkcs11-tool --module MODULE -L and the module vendor's tools."
            }
        }
    }
}

/// What a run reports for this error.
pub fn failure(error: &Pkcs11Error) -> crate::core::event::Failure {
    crate::core::event::Failure {
        code: error.code().into(),
        message: error.to_string(),
        hint: error.fix().into(),
        ..crate::core::event::Failure::default()
    }
}
