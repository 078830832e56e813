//! A token's private key as certconnect's signer sees it: it signs in a session kept open (and
//! logged in) while the credential lives, and closed when it is dropped.

use std::sync::Mutex;

use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::MechanismType;
use cryptoki::object::ObjectHandle;
use cryptoki::session::Session;
use cryptoki::slot::Slot;

use super::error::{Pkcs11Error, failure};
use super::mechanism::{self, choose, prepare};
use super::token::call_error;
use crate::cert::InPlaceKey;
use crate::core::event::Failure;
use crate::core::profile::AssertionAlgorithm;

/// A private key on a token.
pub struct TokenKey {
    /// The logged-in session; `Session` is `Send` but not `Sync`, and one operation at a time
    /// runs on a session anyway.
    pub(super) session: Mutex<Session>,
    /// The key.
    pub(super) key: ObjectHandle,
    /// The token's label, for messages.
    pub(super) token: String,
    /// The token's slot, asked again when the key handle stops working: a token pulled out is
    /// told apart from a key deleted while the token stays.
    pub(super) slot: Slot,
    /// The token's serial number as it was when the key was opened.
    pub(super) serial: String,
    /// What the token offers.
    pub(super) mechanisms: Vec<MechanismType>,
    /// "PKCS#11 token …", for the card and the step log.
    pub(super) keeper: String,
    /// The module, held while the key lives so it is not finalised under the session (declared
    /// last: the session closes first).
    pub(super) module: std::sync::Arc<super::registry::Module>,
}

impl TokenKey {
    fn mechanism(
        &self,
        algorithm: AssertionAlgorithm,
    ) -> Result<mechanism::SignMechanism, Pkcs11Error> {
        choose(algorithm, &self.mechanisms).ok_or_else(|| {
            let (mechanism, fallback) = mechanism::names(algorithm);
            Pkcs11Error::MechanismMissing {
                token: self.token.clone(),
                algorithm: match algorithm {
                    AssertionAlgorithm::Rs256 => "RS256",
                    AssertionAlgorithm::Ps256 => "PS256",
                },
                mechanism,
                fallback,
            }
        })
    }

    /// Signs with a chosen mechanism (for tests of the fallbacks on a token that offers both).
    #[doc(hidden)]
    pub fn sign_with(
        &self,
        chosen: mechanism::SignMechanism,
        message: &[u8],
    ) -> Result<Vec<u8>, Pkcs11Error> {
        let (mechanism, data) = prepare(chosen, message).map_err(|e| Pkcs11Error::Call {
            call: "SHA-256".into(),
            rv: e.to_string(),
        })?;
        let session = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        session
            .sign(&mechanism, self.key, &data)
            .map_err(|e| self.sign_error(e))
    }

    /// A failed `C_SignInit`/`C_Sign`, typed. A module need not report a pulled-out token as
    /// `CKR_DEVICE_REMOVED`: SoftHSM, for one, answers `CKR_OBJECT_HANDLE_INVALID` for the key
    /// opened before the token went away. So a key handle that is no longer valid is checked
    /// against the token: if its slot no longer shows the same token, the token was removed.
    fn sign_error(&self, error: Error) -> Pkcs11Error {
        let Error::Pkcs11(rv @ (RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid), _) =
            error
        else {
            return call_error(&self.token, "C_Sign", error);
        };
        let still_there = match self.module.context.get_token_info(self.slot) {
            Ok(info) => info.token_initialized() && info.serial_number().trim_end() == self.serial,
            Err(_) => false,
        };
        if still_there {
            call_error(&self.token, "C_Sign", error)
        } else {
            Pkcs11Error::TokenRemoved {
                token: self.token.clone(),
                rv: format!("{rv:?}, and the slot no longer shows the token"),
            }
        }
    }
}

impl InPlaceKey for TokenKey {
    fn sign(&self, algorithm: AssertionAlgorithm, message: &[u8]) -> Result<Vec<u8>, Failure> {
        crate::ui_thread_guard::forbid_on_ui_thread("pkcs11 sign");
        let chosen = self.mechanism(algorithm).map_err(|e| failure(&e))?;
        self.sign_with(chosen, message).map_err(|e| failure(&e))
    }

    fn supports(&self, algorithm: AssertionAlgorithm) -> Result<(), Failure> {
        self.mechanism(algorithm)
            .map(|_| ())
            .map_err(|e| failure(&e))
    }

    fn keeper(&self) -> String {
        self.keeper.clone()
    }
}
