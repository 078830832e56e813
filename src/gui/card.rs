//! The certificate summary card as a function of what a test would use: the certificate source and
//! the typed password. Any change to them clears the card at once and loads it again in the
//! background with the very function the test's certificate step calls, so the card and the test
//! can never show different certificates.

use crate::cert::CertReport;
use crate::core::event::Failure;
use crate::core::password_ask::PasswordAsk;
use crate::core::profile::{CertificateInfo, CertificateSource};
use crate::secret::Secret;

/// What the card is a function of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertInputs {
    /// Where the certificate comes from (path, alias, store entry, how the password is obtained).
    pub source: CertificateSource,
    /// The password typed in the app, if any.
    pub password: Option<Secret>,
}

/// What the card shows.
#[derive(Clone, Debug)]
pub enum CardState {
    /// No certificate chosen yet (or the choice is incomplete): why.
    Unset(String),
    /// Not loaded: the source would run code an imported profile chose (a PKCS#11 module), and
    /// the profile is not confirmed on this machine yet: why.
    AwaitsConfirmation(String),
    /// A load is running.
    Loading,
    /// Loaded: the certificate the test will sign with.
    Loaded(Box<CertReport>),
    /// The file needs a password the app does not have (or the one it has is wrong).
    NeedsPassword {
        /// Why, in the loader's words.
        reason: String,
        /// Why, told apart: none given, the typed one refused, the remembered one failed.
        ask: PasswordAsk,
    },
    /// It cannot be loaded.
    Failed(Failure),
}

/// The card: the inputs it was made for, what it shows, and the facts saved with the profile.
#[derive(Clone, Debug)]
pub struct CardView {
    /// The inputs the state belongs to; `None` until the first frame computes them.
    pub inputs: Option<Result<CertInputs, String>>,
    /// What to show.
    pub state: CardState,
    /// The facts saved with the profile at its last load, shown (marked as such) while the
    /// certificate source is still the saved one and no fresh load succeeded.
    pub cached: Option<(CertificateSource, CertificateInfo)>,
}

impl Default for CardView {
    fn default() -> Self {
        Self {
            inputs: None,
            state: CardState::Unset(String::new()),
            cached: None,
        }
    }
}

impl CardView {
    /// A card for a freshly opened draft: the saved facts, if the profile has any.
    pub fn opened(source: Option<CertificateSource>, info: Option<CertificateInfo>) -> Self {
        Self {
            cached: source.zip(info),
            ..Self::default()
        }
    }

    /// The saved facts, when they still describe the current source.
    pub fn cached_for(&self, source: Option<&CertificateSource>) -> Option<&CertificateInfo> {
        match (&self.cached, source) {
            (Some((cached, info)), Some(source)) if cached == source => Some(info),
            _ => None,
        }
    }

    /// The loaded report, if the card shows one.
    pub fn report(&self) -> Option<&CertReport> {
        match &self.state {
            CardState::Loaded(report) => Some(report),
            _ => None,
        }
    }

    /// Whether the card was made for this source and typed password. A widget drawn after an
    /// edit in the same frame asks this, so an old certificate is never shown beside a new path.
    pub fn is_for(&self, source: &Result<CertificateSource, String>, typed: &str) -> bool {
        let password = (!typed.is_empty()).then(|| Secret::new(typed));
        match (&self.inputs, source) {
            (Some(Ok(inputs)), Ok(source)) => {
                inputs.source == *source
                    && (matches!(source, CertificateSource::CredentialStore { .. })
                        || inputs.password == password)
            }
            (Some(Err(_)), Err(_)) => true,
            _ => false,
        }
    }

    /// Whether the certificate needs a password the app does not have.
    pub fn needs_password(&self) -> bool {
        matches!(self.state, CardState::NeedsPassword { .. })
    }

    /// Why the card found that the certificate needs a password, if it did.
    pub fn password_ask(&self) -> Option<PasswordAsk> {
        match self.state {
            CardState::NeedsPassword { ask, .. } => Some(ask),
            _ => None,
        }
    }
}
