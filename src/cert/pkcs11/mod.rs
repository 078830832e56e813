//! Hardware tokens through PKCS#11 (smart cards, YubiKey PIV, HSMs; SoftHSM for trying it): the
//! key signs on the token and certconnect never asks for its bytes, so sensitive, non-extractable
//! keys work. The `cryptoki` crate makes the calls; this module turns a `pkcs11:` URI into a
//! [`crate::cert::Credential`] whose key signs in place, lists what a module's tokens hold, and
//! types every failure ([`Pkcs11Error`]).
//!
//! Modules are native code: they are loaded once per process (see `registry`), off the UI thread.

mod error;
mod generate;
mod key;
mod list;
mod mechanism;
mod modules;
mod open;
mod refused_pins;
mod registry;
mod token;

pub use error::{PinTries, Pkcs11Error, failure};
pub use generate::{TokenKeyMade, TokenKeyRequest, destroy_on_token, generate_on_token};
pub use key::TokenKey;
pub use list::{TokenCertificate, TokenListing, list_pkcs11};
pub use mechanism::SignMechanism;
pub use modules::{installed_modules, resolve_module, usual_modules};
pub use open::{Pkcs11Request, open_pkcs11, open_token_key_for_tests};
pub use registry::finalize_all;
