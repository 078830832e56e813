//! Why the app asks for a certificate's password, told apart by the loader's failure code and
//! where the password it tried came from, so the prompt says so the first time it opens.

use super::event::{Failure, codes};

/// Why a certificate's password is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordAsk {
    /// The file is protected and no password was given.
    NoneGiven,
    /// The password given (typed in the form or the prompt) does not open the file.
    Refused,
    /// The password remembered in the credential store no longer opens the file, or cannot be
    /// read from there.
    RememberedFailed,
}

impl PasswordAsk {
    /// Why `failure` asks for a password, if it does; `typed` says whether the attempt used a
    /// password typed in the app (used over a remembered one) rather than the remembered one.
    pub fn of(failure: &Failure, typed: bool) -> Option<Self> {
        match failure.code.as_str() {
            codes::PASSWORD_REQUIRED => Some(Self::NoneGiven),
            codes::WRONG_PASSWORD if typed => Some(Self::Refused),
            // Not typed, yet a password was tried: the remembered one.
            codes::WRONG_PASSWORD | codes::PASSWORD_NOT_AVAILABLE => Some(Self::RememberedFailed),
            _ => None,
        }
    }

    /// The sentence the prompt shows under its question.
    pub fn sentence(self) -> &'static str {
        match self {
            Self::NoneGiven => "No password was given, and this file is protected by one.",
            Self::Refused => "The password given does not open this file.",
            Self::RememberedFailed => {
                "The remembered password no longer opens this file (or could not be read from \
                 the credential store)."
            }
        }
    }

    /// Whether the sentence reports a refusal (shown as an error) rather than a missing password.
    pub fn is_refusal(self) -> bool {
        self != Self::NoneGiven
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: &str) -> Failure {
        Failure {
            code: code.into(),
            ..Failure::default()
        }
    }

    #[test]
    fn each_code_gives_its_reason() {
        let none = failure(codes::PASSWORD_REQUIRED);
        assert_eq!(PasswordAsk::of(&none, false), Some(PasswordAsk::NoneGiven));
        let wrong = failure(codes::WRONG_PASSWORD);
        assert_eq!(PasswordAsk::of(&wrong, true), Some(PasswordAsk::Refused));
        assert_eq!(
            PasswordAsk::of(&wrong, false),
            Some(PasswordAsk::RememberedFailed)
        );
        let unreadable = failure(codes::PASSWORD_NOT_AVAILABLE);
        assert_eq!(
            PasswordAsk::of(&unreadable, false),
            Some(PasswordAsk::RememberedFailed)
        );
        assert_eq!(PasswordAsk::of(&failure(codes::EXPIRED), true), None);
    }
}
